"""Resolve a `<ref>` to an activity or working group: key, alias, or words of title or theme.

Case- and accent-insensitive. Ambiguous -> the candidates; unknown -> closest suggestions
(rapidfuzz). A working group with exactly one open activity stands for that activity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.domain.model import fold
from bot.domain.ports import ActivityEntry, ActivityId, GroupEntry, RefIndex

MAX_CANDIDATES = 10
MAX_SUGGESTIONS = 3


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


def resolve_group(query: str, index: RefIndex) -> GroupEntry | Ambiguous | Unknown:
    """A working group by key, alias or name (used by `lijst` and `koppel`)."""
    squashed = _squash(query)
    exact = [g for g in index.groups if squashed in _group_names(g)]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        words = set(_words(query))
        exact = [
            g for g in index.groups
            if words and words <= set(_words(" ".join((g.key, g.name, *g.aliases))))
        ]
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


def _group_names(group: GroupEntry) -> set[str]:
    return {_squash(n) for n in (group.key, group.name, *group.aliases)}


def resolve(query: str, index: RefIndex) -> Resolution:
    """Resolve a ref to one activity, a group, the candidates, or suggestions."""
    squashed = _squash(query)
    if not squashed:
        return Unknown(query, ())
    by_id = {a.id: a for a in index.activities}

    # 1. an activity key, optionally qualified "programme/key"
    if "/" in query:
        programme, _, key = query.partition("/")
        wanted = ActivityId(programme.strip(), key.strip())
        if wanted in by_id:
            return Match(wanted)
    keyed = [a for a in index.activities if _squash(a.id.key) == squashed]
    if len(keyed) == 1:
        return Match(keyed[0].id)
    if len(keyed) > 1:
        return _ambiguous(query, keyed)

    # 2. a working group by key, alias or name
    groups = [g for g in index.groups if squashed in _group_names(g)]
    if len(groups) == 1:
        return _group_as_activity(groups[0], by_id)
    if len(groups) > 1:
        members = [by_id[ActivityId(g.programme_key, k)] for g in groups for k in g.activity_keys]
        return _ambiguous(query, members)

    # 3. words of title or theme (every query word must occur, as a word prefix)
    query_words = _words(query)
    hits = [a for a in index.activities if _contains_words(a, query_words)]
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
    return Unknown(query, _suggest(query, index))


def _group_as_activity(group: GroupEntry, by_id: dict[ActivityId, ActivityEntry]) -> Resolution:
    if len(group.open_activity_keys) == 1:
        return Match(ActivityId(group.programme_key, group.open_activity_keys[0]), group)
    if not group.open_activity_keys and len(group.activity_keys) == 1:
        return Match(ActivityId(group.programme_key, group.activity_keys[0]), group)
    if not group.activity_keys:
        return GroupMatch(group)
    keys = group.open_activity_keys or group.activity_keys
    return _ambiguous(group.name, [by_id[ActivityId(group.programme_key, k)] for k in keys])


def _contains_words(activity: ActivityEntry, query_words: list[str]) -> bool:
    if not query_words:
        return False
    haystack = _words(" ".join(filter(None, (activity.title, activity.theme, activity.id.key))))
    return all(any(word.startswith(q) for word in haystack) for q in query_words)


def _ambiguous(query: str, candidates: list[ActivityEntry]) -> Ambiguous:
    ordered = sorted(candidates, key=lambda a: (not a.is_open, a.id.programme_key, a.id.key))
    return Ambiguous(query, tuple(ordered[:MAX_CANDIDATES]), len(ordered))


def _suggest(query: str, index: RefIndex) -> tuple[str, ...]:
    """The closest keys, aliases and themes, for "did you mean …?"."""
    if len(query) > 100:
        query = query[:100]
    labels: dict[str, str] = {}
    for group in index.groups:
        for name in (*group.aliases, group.key):
            labels.setdefault(name, group.aliases[0] if group.aliases else group.key)
    for activity in index.activities:
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
