"""The `/actie` command: text in, a Command value (or a Usage problem) out.

Grammar (Dutch first, English aliases), see ../shared/CONTRACT.md:
    help|hulp · wie|owner <ref> · wanneer|deadline <ref> · status [<ref>] ·
    update|bijwerken <ref> <status> [toelichting] · binnenkort|upcoming [dagen] ·
    te-laat|overdue · lijst|list [<groep>] · overzicht|digest · geschiedenis|history <ref> ·
    koppel|link <groep>
Additions (CONTRACT "`/actie` additions"): update [<ref>] without a status opens the update
modal · verplaats|reschedule <ref> <deadline> <reden> · nieuw|new opens the new-activity modal ·
rapport|report [<periode>] · indicator <sleutel> [<periode> <waarde> [<uitsplitsing>]]
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.domain.dates import InvalidDate, parse_due
from bot.domain.model import STATUS_WORDS, DueDate, Status, fold, parse_status

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


@dataclass(frozen=True, slots=True)
class OpenUpdate:
    """`update [<ref>]` without a status: the update modal (in Slack), for this activity or,
    without a ref, with an activity picker. ``fallback`` is what the text meant if the ref
    turns out not to be an activity (a status word nobody recognises)."""

    ref: str | None = None
    fallback: Usage | None = None


@dataclass(frozen=True, slots=True)
class Reschedule:
    ref: str
    due: DueDate
    reason: str


@dataclass(frozen=True, slots=True)
class NewActivity:
    title: str = ""  # prefilled in the modal


@dataclass(frozen=True, slots=True)
class Report:
    """`rapport [<periode>] [<programma>]`: the council progress report as a .docx."""

    period: str | None = None
    programme: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorCmd:
    """`indicator` (list), `indicator <key>` (show), `indicator <key> <period> <value>
    [<breakdown>]` (record)."""

    key: str | None = None
    period: str | None = None
    value: str | None = None
    breakdown: str | None = None


Command = (
    Help | Who | When | StatusOf | Update | Upcoming | Overdue | ListActivities | Overview
    | History | Link | OpenUpdate | Reschedule | NewActivity | Report | IndicatorCmd
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
    MISSING_DEADLINE = "missing_deadline"
    MISSING_REASON = "missing_reason"


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
    "verplaats": ("verplaats", "reschedule", "verschuif"),
    "nieuw": ("nieuw", "new", "nieuwe"),
    "rapport": ("rapport", "report", "voortgangsrapportage"),
    "indicator": ("indicator", "indicatoren", "indicators"),
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
    if verb == "verplaats":
        return _parse_reschedule(rest)
    if verb == "nieuw":
        if len(rest) > MAX_REF:
            return Usage(Problem.TOO_LONG, verb)
        return NewActivity(rest)
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
    if verb == "rapport":
        return _parse_report(ref)
    if verb == "indicator":
        return _parse_indicator(ref)
    # koppel
    if not ref:
        return Usage(Problem.MISSING_GROUP, verb)
    if len(ref) > MAX_REF:
        return Usage(Problem.TOO_LONG, verb)
    return Link(ref)


def _parse_reschedule(rest: str) -> Reschedule | Usage:
    """`<ref> <deadline> <reden>`: the first words that read as a deadline split ref from reason
    (the longest such phrase, up to six words)."""
    tokens = list(re.finditer(r"\S+", rest))
    if not plain_ref(rest):
        return Usage(Problem.MISSING_REF, "verplaats")
    for start in range(1, len(tokens)):
        for end in range(min(len(tokens), start + 6), start, -1):
            phrase = rest[tokens[start].start(): tokens[end - 1].end()]
            try:
                due = parse_due(phrase.strip(":;,"))
            except InvalidDate:
                continue
            if due is None:
                continue
            ref = plain_ref(rest[: tokens[start].start()])
            reason = rest[tokens[end - 1].end():].strip().lstrip(":-–— ").strip()
            if not ref:
                return Usage(Problem.MISSING_REF, "verplaats")
            if len(ref) > MAX_REF:
                return Usage(Problem.TOO_LONG, "verplaats")
            if not reason:
                return Usage(Problem.MISSING_REASON, "verplaats")
            if len(reason) > MAX_NOTE:
                return Usage(Problem.NOTE_TOO_LONG, "verplaats")
            return Reschedule(ref, due, reason)
    return Usage(Problem.MISSING_DEADLINE, "verplaats")


def _parse_report(rest: str) -> Report | Usage:
    """Words in any order: one that starts with a digit (or H/Q and a digit) is the period,
    another the programme key."""
    if len(rest) > MAX_REF:
        return Usage(Problem.TOO_LONG, "rapport")
    period = programme = None
    for word in rest.split():
        if re.match(r"^([0-9]|[hHqQ][1-4])", word) and period is None:
            period = word
        elif programme is None:
            programme = word
        else:
            return Usage(Problem.EXTRA_WORDS, "rapport")
    return Report(period, programme)


def _parse_indicator(rest: str) -> IndicatorCmd | Usage:
    if len(rest) > MAX_REF:
        return Usage(Problem.TOO_LONG, "indicator")
    words = rest.split(maxsplit=3)
    if not words:
        return IndicatorCmd()
    key = words[0]
    period = words[1] if len(words) > 1 else None
    value = words[2] if len(words) > 2 else ("" if period else None)
    breakdown = plain_ref(words[3]) or None if len(words) > 3 else None
    return IndicatorCmd(key, period, value, breakdown)


def _parse_update(rest: str) -> Update | OpenUpdate | Usage:
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
        return OpenUpdate(None)  # `update` alone: the modal with an activity picker
    # No status word: suggest the closest status for any word that looks like one.
    suggestions: list[str] = []
    for token in tokens[1:4]:
        match = process.extractOne(
            fold(token.group()), list(STATUS_WORDS), scorer=fuzz.ratio, score_cutoff=70
        )
        if match and match[0] not in suggestions:
            suggestions.append(match[0])
    if len(tokens) > 1 and suggestions:
        return Usage(Problem.UNKNOWN_STATUS, "update", tuple(suggestions))
    if len(plain_ref(rest)) > MAX_REF:
        return Usage(Problem.TOO_LONG, "update")
    # `update <ref>`: the modal; should the words not name an activity, they were a ref and a
    # status word nobody recognises
    fallback = Usage(Problem.UNKNOWN_STATUS, "update", ()) if len(tokens) > 1 else None
    return OpenUpdate(plain_ref(rest), fallback)


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
