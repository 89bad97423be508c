"""The `/actie` command: text in, a Command value (or a Usage problem) out.

Grammar (Dutch first, English aliases), see ../shared/CONTRACT.md:
    help|hulp · wie|owner <ref> · wanneer|deadline <ref> · status [<ref>] ·
    update|bijwerken <ref> <status> [toelichting] · binnenkort|upcoming [dagen] ·
    te-laat|overdue · lijst|list [<groep>] · overzicht|digest · geschiedenis|history <ref> ·
    koppel|link <groep>
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.domain.model import STATUS_WORDS, Status, fold, parse_status

MAX_TEXT = 4000  # Slack's own limit on a slash command's text
MAX_REF = 200
MAX_NOTE = 2000
MAX_DAYS = 366
DEFAULT_UPCOMING_DAYS = 30


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Who:
    ref: str


@dataclass(frozen=True, slots=True)
class When:
    ref: str


@dataclass(frozen=True, slots=True)
class StatusOf:
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Update:
    ref: str
    status: Status
    note: str = ""


@dataclass(frozen=True, slots=True)
class Upcoming:
    days: int = DEFAULT_UPCOMING_DAYS


@dataclass(frozen=True, slots=True)
class Overdue:
    pass


@dataclass(frozen=True, slots=True)
class ListActivities:
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Overview:
    pass


@dataclass(frozen=True, slots=True)
class History:
    ref: str


@dataclass(frozen=True, slots=True)
class Link:
    group: str


Command = (
    Help | Who | When | StatusOf | Update | Upcoming | Overdue | ListActivities | Overview
    | History | Link
)


class Problem(StrEnum):
    UNKNOWN_VERB = "unknown_verb"
    MISSING_REF = "missing_ref"
    MISSING_STATUS = "missing_status"
    UNKNOWN_STATUS = "unknown_status"
    BAD_DAYS = "bad_days"
    TOO_LONG = "too_long"
    NOTE_TOO_LONG = "note_too_long"
    MISSING_GROUP = "missing_group"
    EXTRA_WORDS = "extra_words"


@dataclass(frozen=True, slots=True)
class Usage:
    """The text was not a command we understand; says what was wrong, never raises."""

    problem: Problem
    verb: str | None = None  # canonical Dutch verb the problem concerns
    suggestions: tuple[str, ...] = ()


# canonical (Dutch) verb -> every accepted spelling
VERBS: dict[str, tuple[str, ...]] = {
    "help": ("help", "hulp", "?", "h"),
    "wie": ("wie", "owner", "owners", "who"),
    "wanneer": ("wanneer", "deadline", "when"),
    "status": ("status", "stand"),
    "update": ("update", "bijwerken", "bijwerk"),
    "binnenkort": ("binnenkort", "upcoming"),
    "te-laat": ("te-laat", "telaat", "overdue", "te_laat"),
    "lijst": ("lijst", "list"),
    "overzicht": ("overzicht", "digest"),
    "geschiedenis": ("geschiedenis", "history", "log"),
    "koppel": ("koppel", "link"),
}
_VERB_OF = {spelling: verb for verb, spellings in VERBS.items() for spelling in spellings}

_SLACK_MARKUP = re.compile(r"<([@#!])([A-Za-z0-9^_.-]+)(?:\|([^>]*))?>|<(https?://[^|>]*)(?:\|([^>]*))?>")


def clean(text: str) -> str:
    """Normalise input: NFC, no control characters (keeping newlines), trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return text.strip()


def plain_ref(text: str) -> str:
    """A ref without Slack markup, quotes or trailing punctuation ("THV:" -> "THV")."""
    def label(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group(3) or ""
        return match.group(5) or match.group(4) or ""

    text = _SLACK_MARKUP.sub(label, text)
    previous = None
    while text != previous:
        previous = text
        text = text.strip().strip("\"'“”‘’`«»„").strip().rstrip(":;,.!?").strip()
    return text


def parse(text: str | None, command_name: str = "/actie") -> Command | Usage:
    """Turn the text after the slash command into a Command or a Usage problem."""
    text = clean(text or "")
    if len(text) > MAX_TEXT:
        return Usage(Problem.TOO_LONG)
    name = fold(command_name.lstrip("/"))
    words = text.split(maxsplit=1)
    # "/actie wie MDA++" typed in the console, or "actie wie MDA++"
    if words and fold(words[0]).lstrip("/") == name:
        text = words[1] if len(words) > 1 else ""
        words = text.split(maxsplit=1)
    if not words:
        return Help()
    verb_word, rest = fold(words[0]), (words[1].strip() if len(words) > 1 else "")
    verb = _VERB_OF.get(verb_word)
    if verb is None:
        return Usage(Problem.UNKNOWN_VERB, suggestions=_suggest_verbs(verb_word))
    return _parse_verb(verb, rest)


def _parse_verb(verb: str, rest: str) -> Command | Usage:
    ref = plain_ref(rest)
    if verb == "help":
        return Help(topic=_VERB_OF.get(fold(ref)) if ref else None)
    if verb in ("wie", "wanneer", "geschiedenis"):
        if not ref:
            return Usage(Problem.MISSING_REF, verb)
        if len(ref) > MAX_REF:
            return Usage(Problem.TOO_LONG, verb)
        if verb == "wie":
            return Who(ref)
        return When(ref) if verb == "wanneer" else History(ref)
    if verb == "status":
        if len(ref) > MAX_REF:
            return Usage(Problem.TOO_LONG, verb)
        return StatusOf(ref or None)
    if verb == "update":
        return _parse_update(rest)
    if verb == "binnenkort":
        if not ref:
            return Upcoming()
        days = ref.split()[0].lower().removesuffix("d").removesuffix("dagen").removesuffix("days")
        if not days.isascii() or not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
            return Usage(Problem.BAD_DAYS, verb)
        return Upcoming(int(days))
    if verb in ("te-laat", "overzicht"):
        if ref:
            return Usage(Problem.EXTRA_WORDS, verb)
        return Overdue() if verb == "te-laat" else Overview()
    if verb == "lijst":
        if len(ref) > MAX_REF:
            return Usage(Problem.TOO_LONG, verb)
        return ListActivities(ref or None)
    # koppel
    if not ref:
        return Usage(Problem.MISSING_GROUP, verb)
    if len(ref) > MAX_REF:
        return Usage(Problem.TOO_LONG, verb)
    return Link(ref)


def _parse_update(rest: str) -> Update | Usage:
    """`<ref> <status> [toelichting]`: the first status word splits ref from note."""
    tokens = list(re.finditer(r"\S+", rest))
    for index, token in enumerate(tokens):
        status = parse_status(token.group().strip(":;,.!").strip())
        if status is None or index == 0:
            continue
        ref = plain_ref(rest[: token.start()])
        note = rest[token.end():].strip().lstrip(":-–— ").strip()
        if not ref:
            break
        if len(ref) > MAX_REF:
            return Usage(Problem.TOO_LONG, "update")
        if len(note) > MAX_NOTE:
            return Usage(Problem.NOTE_TOO_LONG, "update")
        return Update(ref, status, note)
    if not plain_ref(rest):
        return Usage(Problem.MISSING_REF, "update")
    # No status word: suggest the closest status for any word that looks like one.
    suggestions: list[str] = []
    for token in tokens[1:4]:
        match = process.extractOne(
            fold(token.group()), list(STATUS_WORDS), scorer=fuzz.ratio, score_cutoff=70
        )
        if match and match[0] not in suggestions:
            suggestions.append(match[0])
    problem = Problem.UNKNOWN_STATUS if len(tokens) > 1 else Problem.MISSING_STATUS
    return Usage(problem, "update", tuple(suggestions))


def _suggest_verbs(word: str) -> tuple[str, ...]:
    if not word or len(word) > 40:
        return ()
    matches = process.extract(word, list(_VERB_OF), scorer=fuzz.ratio, score_cutoff=60, limit=3)
    seen: list[str] = []
    for spelling, _score, _ in matches:
        verb = _VERB_OF[spelling]
        if verb not in seen:
            seen.append(verb)
    return tuple(seen)
