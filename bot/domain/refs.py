"""Resolve a `<ref>` to an activity or working group: key, alias, or words of title or theme.

Case- and accent-insensitive. Ambiguous -> the candidates; unknown -> closest suggestions
(rapidfuzz). A working group with exactly one open activity stands for that activity.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import cast

from rapidfuzz import fuzz, process, utils

from bot.domain.model import fold
from bot.domain.ports import ActivityEntry, ActivityId, GroupEntry, RefIndex

MAX_CANDIDATES = 10
MAX_SUGGESTIONS = 3
FULL_SCAN_SUGGESTIONS = 2_000  # up to this many activities "did you mean" looks at every title


@dataclass(frozen=True, slots=True)
class Match:
    activity: ActivityId
    via_group: GroupEntry | None = None


@dataclass(frozen=True, slots=True)
class GroupMatch:
    group: GroupEntry


@dataclass(frozen=True, slots=True)
class Ambiguous:
    query: str
    candidates: tuple[ActivityEntry, ...]
    total: int


@dataclass(frozen=True, slots=True)
class Unknown:
    query: str
    suggestions: tuple[str, ...]


Resolution = Match | GroupMatch | Ambiguous | Unknown

_WORD = re.compile(r"[\w+]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _squash(text: str) -> str:
    """Key-like form: "MDA ++" == "mda++", "te laat" == "te-laat"."""
    return "".join(_words(text))


Positions = int | tuple[int, ...]  # one position (most words, nearly every key) or several


def _positions(found: Positions) -> tuple[int, ...]:
    return (found,) if isinstance(found, int) else found


_Building = int | list[int] | tuple[int, ...]


def _post(table: dict[str, _Building], word: str, position: int) -> None:
    """Add a position to a table being built: a lone position is the int itself (a list per
    word costs ~90 bytes even for one position: at 100,000 activities, whose keys are words of
    their own, ~9 MB per table, and as many short-lived lists fragment the heap)."""
    found = table.get(word)
    if found is None:
        table[word] = position
    elif isinstance(found, int):
        table[word] = [found, position]
    elif isinstance(found, list):
        found.append(position)


def _compact(table: dict[str, _Building]) -> dict[str, Positions]:
    """A built table as it is kept: its few lists become tuples (no spare room), in place (a
    copy of the table would double its peak)."""
    for word, found in table.items():
        if isinstance(found, list):
            table[word] = tuple(found)  # the same keys: the dictionary does not resize
    return cast(dict[str, Positions], table)


class Search:
    """Lookup tables over a RefIndex, built once per index (linear in its size), so that one
    resolve costs what its answer needs: dictionaries for keys and group names, and a sorted
    vocabulary with postings for the words of titles, themes and keys.

    The activity tables hold positions, not entries: an index whose activities only changed
    open-ness (`with_open`) shares them with its predecessor instead of building them again.
    Every process that serves commands keeps one, so they are kept small (a worker
    under 100 MB at 10,000 activities): a lone position is an int, not a list, and a key that
    is its own squashed form or word is that same string, not a copy."""

    def __init__(self, index: RefIndex, base: Search | None = None) -> None:
        self.index = index
        self.position: dict[ActivityId, int]
        self.by_key: dict[str, Positions]
        self.postings: dict[str, Positions]
        self.vocabulary: list[str]
        if base is None:
            self.position = {a.id: i for i, a in enumerate(index.activities)}
            by_key: dict[str, _Building] = {}
            postings: dict[str, _Building] = {}
            for position, activity in enumerate(index.activities):
                key = activity.id.key
                squashed = _squash(key)
                _post(by_key, key if squashed == key else squashed, position)
                for word in set(_haystack(activity)):
                    _post(postings, key if word == key else word, position)
            self.by_key = _compact(by_key)
            self.postings = _compact(postings)
            self.vocabulary = sorted(self.postings)
        else:
            self.position, self.by_key = base.position, base.by_key
            self.postings, self.vocabulary = base.postings, base.vocabulary
        self.groups_by_name: dict[str, list[GroupEntry]] = defaultdict(list)
        for group in index.groups:
            for name in _group_names(group):
                self.groups_by_name[name].append(group)
        self.group_words = [
            (g, set(_words(" ".join((g.key, g.name, *g.aliases))))) for g in index.groups]

    def keyed(self, squashed: str) -> list[ActivityEntry]:
        found = self.by_key.get(squashed)
        if found is None:
            return []
        return [self.index.activities[i] for i in _positions(found)]

    def posted(self, word: str) -> tuple[int, ...]:
        """Positions of the activities with exactly this word."""
        found = self.postings.get(word)
        return () if found is None else _positions(found)

    def with_prefix(self, prefix: str) -> set[int]:
        """Positions of the activities with a word that starts with `prefix`."""
        found: set[int] = set()
        start = bisect_left(self.vocabulary, prefix)
        for word in self.vocabulary[start:]:
            if not word.startswith(prefix):
                break
            positions = self.postings[word]
            if isinstance(positions, int):
                found.add(positions)
            else:
                found.update(positions)
        return found

    def with_words(self, query_words: list[str]) -> list[ActivityEntry]:
        """The activities in which every query word occurs as a word prefix, in index order."""
        if not query_words:
            return []
        found: set[int] | None = None
        for word in sorted(set(query_words), key=len, reverse=True):  # longest: fewest
            matches = self.with_prefix(word)
            found = matches if found is None else found & matches
            if not found:
                return []
        return [self.index.activities[i] for i in sorted(found or ())]


def prepare(index: RefIndex) -> RefIndex:
    """The index with its lookup tables built, for callers that resolve against it often."""
    return index if isinstance(index.search, Search) else replace(index, search=Search(index))


def with_open(index: RefIndex, open_by_id: Mapping[ActivityId, bool]) -> RefIndex:
    """The index after status changes only: the activities whose open-ness changed, and the
    open activities of their groups, are replaced; the lookup tables are shared (a status
    update costs what it changed, not a rebuild of the whole index)."""
    search = _search(index)
    changed: dict[int, bool] = {}
    for activity_id, is_open in open_by_id.items():
        position = search.position.get(activity_id)
        if position is not None and index.activities[position].is_open != is_open:
            changed[position] = is_open
    if not changed:
        return index
    activities = list(index.activities)
    touched: set[tuple[str, str]] = set()
    for position, now_open in changed.items():
        entry = activities[position] = replace(activities[position], is_open=now_open)
        if entry.group_key:
            touched.add((entry.id.programme_key, entry.group_key))

    def open_in(group: GroupEntry, key: str) -> bool:
        return activities[search.position[ActivityId(group.programme_key, key)]].is_open

    groups = tuple(
        replace(g, open_activity_keys=tuple(k for k in g.activity_keys if open_in(g, k)))
        if (g.programme_key, g.key) in touched else g
        for g in index.groups)
    patched = RefIndex(groups=groups, activities=tuple(activities))
    return replace(patched, search=Search(patched, base=search))


def _search(index: RefIndex) -> Search:
    return index.search if isinstance(index.search, Search) else Search(index)


def _haystack(activity: ActivityEntry) -> list[str]:
    return _words(" ".join(filter(None, (activity.title, activity.theme, activity.id.key))))


def resolve_group(query: str, index: RefIndex) -> GroupEntry | Ambiguous | Unknown:
    """A working group by key, alias or name (used by `lijst` and `koppel`)."""
    search = _search(index)
    squashed = _squash(query)
    exact = _unique(search.groups_by_name.get(squashed, []))
    if len(exact) == 1:
        return exact[0]
    if not exact:
        words = set(_words(query))
        exact = [g for g, names in search.group_words if words and words <= names]
        if len(exact) == 1:
            return exact[0]
    if exact:
        return Ambiguous(query, (), len(exact))
    choices = {g.key: g for g in index.groups}
    names = {name: g.key for g in index.groups for name in (g.key, g.name, *g.aliases)}
    found = process.extract(
        query, list(names), scorer=fuzz.WRatio, processor=utils.default_process,
        score_cutoff=60, limit=MAX_SUGGESTIONS * 3,
    )
    suggestions: list[str] = []
    for name, _score, _ in found:
        label = choices[names[name]].aliases[0] if choices[names[name]].aliases else names[name]
        if label not in suggestions:
            suggestions.append(label)
    return Unknown(query, tuple(suggestions[:MAX_SUGGESTIONS]))


def _unique(groups: list[GroupEntry]) -> list[GroupEntry]:
    seen: list[GroupEntry] = []
    for group in groups:
        if not any(g is group for g in seen):
            seen.append(group)
    return seen


def _group_names(group: GroupEntry) -> set[str]:
    return {_squash(n) for n in (group.key, group.name, *group.aliases)}


def resolve(query: str, index: RefIndex) -> Resolution:
    """Resolve a ref to one activity, a group, the candidates, or suggestions."""
    squashed = _squash(query)
    if not squashed:
        return Unknown(query, ())
    search = _search(index)

    # 1. an activity key, optionally qualified "programme/key"
    if "/" in query:
        programme, _, key = query.partition("/")
        wanted = ActivityId(programme.strip(), key.strip())
        if wanted in search.position:
            return Match(wanted)
    keyed = search.keyed(squashed)
    if len(keyed) == 1:
        return Match(keyed[0].id)
    if len(keyed) > 1:
        return _ambiguous(query, keyed)

    # 2. a working group by key, alias or name
    groups = _unique(search.groups_by_name.get(squashed, []))
    if len(groups) == 1:
        return _group_as_activity(groups[0], search)
    if len(groups) > 1:
        members = [search.index.activities[search.position[ActivityId(g.programme_key, k)]]
                   for g in groups for k in g.activity_keys]
        return _ambiguous(query, members)

    # 3. words of title or theme (every query word must occur, as a word prefix)
    hits = search.with_words(_words(query))
    if len(hits) > 1:
        exact_theme = [a for a in hits if a.theme and _squash(a.theme) == squashed]
        if len(exact_theme) == 1:
            return Match(exact_theme[0].id)
        open_hits = [a for a in hits if a.is_open]
        if len(open_hits) == 1:
            return Match(open_hits[0].id)
    if len(hits) == 1:
        return Match(hits[0].id)
    if hits:
        return _ambiguous(query, hits)
    return Unknown(query, _suggest(query, index, search))


def _group_as_activity(group: GroupEntry, search: Search) -> Resolution:
    if len(group.open_activity_keys) == 1:
        return Match(ActivityId(group.programme_key, group.open_activity_keys[0]), group)
    if not group.open_activity_keys and len(group.activity_keys) == 1:
        return Match(ActivityId(group.programme_key, group.activity_keys[0]), group)
    if not group.activity_keys:
        return GroupMatch(group)
    keys = group.open_activity_keys or group.activity_keys
    activities = search.index.activities
    return _ambiguous(group.name, [activities[search.position[ActivityId(group.programme_key, k)]]
                                   for k in keys])


def _ambiguous(query: str, candidates: list[ActivityEntry]) -> Ambiguous:
    ordered = heapq.nsmallest(
        MAX_CANDIDATES, candidates, key=lambda a: (not a.is_open, a.id.programme_key, a.id.key))
    return Ambiguous(query, tuple(ordered), len(candidates))


def _suggest(query: str, index: RefIndex, search: Search) -> tuple[str, ...]:
    """The closest keys, aliases and themes, for "did you mean …?". A large index is not
    scanned whole: the activities that have a word close to one of the query's words are."""
    if len(query) > 100:
        query = query[:100]
    labels: dict[str, str] = {}
    for group in index.groups:
        for name in (*group.aliases, group.key):
            labels.setdefault(name, group.aliases[0] if group.aliases else group.key)
    candidates: list[ActivityEntry] | tuple[ActivityEntry, ...] = index.activities
    if len(index.activities) > FULL_SCAN_SUGGESTIONS:
        positions: set[int] = set()
        for word in _words(query)[:5]:
            for close, _score, _ in process.extract(
                word, search.vocabulary, scorer=fuzz.ratio, score_cutoff=70, limit=5,
            ):
                positions.update(search.posted(close)[:FULL_SCAN_SUGGESTIONS // 10])
        candidates = [index.activities[i] for i in sorted(positions)]
    for activity in candidates:
        labels.setdefault(activity.id.key, activity.id.key)
        if activity.theme:
            labels.setdefault(activity.theme, activity.id.key)
        labels.setdefault(activity.title, activity.id.key)
    found = process.extract(
        query, list(labels), scorer=fuzz.WRatio, processor=utils.default_process,
        score_cutoff=55, limit=MAX_SUGGESTIONS * 4,
    )
    suggestions: list[str] = []
    for choice, _score, _ in found:
        label = labels[choice]
        if label not in suggestions:
            suggestions.append(label)
    return tuple(suggestions[:MAX_SUGGESTIONS])
