"""The `/actie` command: text in, a Command value (or a Usage problem) out.

Grammar (Dutch first, English aliases), see the public contract:
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
    period: str | None = None  # "week" | "month": "deze week/maand", the service counts days


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


# -- questions as people ask them ------------------------------------------------------------
# A phrase table in front of the verb table: "wie doet de zelfscan", "wanneer moet de zelfscan
# klaar zijn", "te laat", "wat moet er deze maand af", "who is doing the self-scan". Each entry
# is a whole-text pattern (case-insensitive) with an optional ``ref`` group and the canonical
# verb it stands for ("binnenkort:week" and "binnenkort:maand" carry their period). Other verbs
# add rows here; what matches no row goes to the verb table as before, so a real ambiguity is
# still refused there.
_END = r"\s*[?!.]*"
_AUX = (r"(?:moet|moeten|is|zijn|gaat|gaan|wordt|worden|komt|komen|will|is|are|does|do|should|"
        r"must|has\s+to|have\s+to)")
_DONE = (r"(?:klaar|af|gereed|rond|afgerond|opgeleverd|due|done|finished|ready|complete|"
         r"completed|be\s+done|be\s+ready|be\s+finished)")
_WHO_VERBS = (
    r"(?:doet|doen|trekt|trekken|heeft|hebben|regelt|gaat\s+over|werkt\s+aan|werken\s+aan|"
    r"is\s+(?:de\s+)?(?:eigenaar|trekker|verantwoordelijke?)\s+(?:van|voor)|"
    r"zijn\s+(?:de\s+)?(?:eigenaren|eigenaars|trekkers|verantwoordelijken)\s+(?:van|voor)|"
    r"is\s+(?:er\s+)?verantwoordelijk\s+voor|(?:is|are)\s+doing|does|owns|own|"
    r"(?:is|are)\s+responsible\s+for|(?:is|are)\s+in\s+charge\s+of|(?:is|are)\s+working\s+on|"
    r"works\s+on|handles|runs|leads)")
PHRASES: list[tuple[str, str]] = [
    # te-laat
    ((r"(?:wat\s+(?:is|zijn|staat|staan|loopt|lopen)\s+(?:er\s+)?(?:nog\s+)?)?te[\s_-]+laat"
     r"|wat\s+(?:loopt|lopen)\s+(?:er\s+)?achter|achterstallig|achterstand|verlopen"
     r"|wat\s+is\s+(?:er\s+)?verlopen"
     r"|(?:what(?:'s|\s+is|\s+are)\s+)?(?:overdue|late|behind(?:\s+schedule)?)(?:\s+items?)?"),
     "te-laat"),
    # binnenkort, with a period
    ((r"(?:wat\s+(?:moet|moeten|staat|staan|komt|komen|is|zijn)\s+(?:er\s+)?)?deze\s+maand"
     r"(?:\s+(?:af|klaar|gereed|op\s+de\s+planning|aan\s+de\s+beurt|aan))?"
     r"|(?:what(?:'s|\s+is|\s+are)\s+)?(?:due\s+)?this\s+month"), "binnenkort:maand"),
    ((r"(?:wat\s+(?:moet|moeten|staat|staan|komt|komen|is|zijn)\s+(?:er\s+)?)?deze\s+week"
     r"(?:\s+(?:af|klaar|gereed|op\s+de\s+planning|aan\s+de\s+beurt|aan))?"
     r"|(?:what(?:'s|\s+is|\s+are)\s+)?(?:due\s+)?this\s+week"), "binnenkort:week"),
    ((r"wat\s+(?:komt|staat)\s+(?:er\s+)?(?:aan|eraan|binnenkort|op\s+de\s+planning)"
     r"|wat\s+komt\s+eraan|wat\s+moet\s+er\s+(?:binnenkort\s+)?(?:af|klaar)"
     r"|(?:what(?:'s|\s+is|\s+are)\s+)?(?:coming\s+up|due\s+soon|due\s+next)"), "binnenkort"),
    # status of everything open
    ((r"wat\s+(?:staat|staan|is|zijn|loopt|lopen)\s+(?:er\s+)?(?:nog\s+)?open"
     r"|(?:what(?:'s|\s+is|\s+are)\s+(?:still\s+)?)?open(?:\s+items)?"), "status"),
    # wie
    (rf"(?:wie|who)\s+{_WHO_VERBS}\s+(?P<ref>.+?)", "wie"),
    (r"(?:eigenaar|eigenaren|eigenaars|trekker|owner|owners)\s+(?:van|of|voor)\s+(?P<ref>.+?)",
     "wie"),
    (r"(?:eigenaar|eigenaren|eigenaars|trekker)\s+(?P<ref>.+?)", "wie"),
    # wanneer
    (rf"(?:wanneer|when)\s+{_AUX}\s+(?P<ref>.+?)(?:\s+{_DONE})?(?:\s+(?:zijn|wezen|worden|be))?",
     "wanneer"),
    (r"(?:wat\s+is\s+de\s+)?deadline\s+(?:van|voor)\s+(?P<ref>.+?)", "wanneer"),
    (r"(?:what(?:'s|\s+is)\s+the\s+)?deadline\s+(?:of|for)\s+(?P<ref>.+?)", "wanneer"),
    (rf"when\s+(?P<ref>.+?)\s+{_DONE}", "wanneer"),
    # status of one
    (r"hoe\s+(?:staat|gaat|loopt)\s+het\s+(?:er\s+)?(?:met|voor|bij)\s+(?P<ref>.+?)", "status"),
    (r"how\s+is\s+(?P<ref>.+?)\s+(?:going|doing|coming\s+along|getting\s+on)", "status"),
    (r"(?:status|stand)\s+(?:van|of|for)\s+(?P<ref>.+?)", "status"),
    # geschiedenis
    (r"(?:geschiedenis|historie|history|log)\s+(?:van|of)\s+(?P<ref>.+?)", "geschiedenis"),
    (r"wat\s+is\s+er\s+gebeurd\s+(?:met|bij)\s+(?P<ref>.+?)", "geschiedenis"),
    (r"what\s+happened\s+(?:to|with)\s+(?P<ref>.+?)", "geschiedenis"),
    # lijst
    (r"welke\s+activiteiten\s+(?:heeft|doet|hebben|doen)\s+(?P<ref>.+?)", "lijst"),
    (r"(?:which|what)\s+activities\s+(?:does|do|has|have)\s+(?P<ref>.+?)(?:\s+(?:have|do))?",
     "lijst"),
    (r"(?:lijst|list)\s+(?:van|of)\s+(?P<ref>.+?)", "lijst"),
    ((r"welke\s+werkgroepen\s+(?:zijn\s+er|hebben\s+we)|werkgroepen"
     r"|which\s+(?:working\s+)?groups\s+are\s+there|(?:working\s+)?groups"), "lijst"),
    # help
    ((r"wat\s+kan\s+(?:ik|je|jij)(?:\s+(?:vragen|doen))?|hoe\s+werkt\s+(?:dit|het)"
     r"|what\s+can\s+(?:i|you)\s+(?:do|ask)|how\s+does\s+(?:this|it)\s+work"), "help"),
]
_PHRASES = [(re.compile(f"(?:{pattern}){_END}", re.IGNORECASE), verb) for pattern, verb in PHRASES]
_MAX_QUESTION = 300  # longer texts are commands with notes, never questions
_LEADING_FILLER = re.compile(r"^(?:(?:de|het|een|the|a|an)\s+)+", re.IGNORECASE)
_POLITE = re.compile(r"^(?:(?:hoi|hallo|hey|hi|hello|beste|graag|please|pls|even|eens|"
                     r"kun\s+je\s+(?:me\s+)?(?:vertellen|zeggen)|can\s+you\s+tell\s+me)"
                     r"[\s,!:]+)+", re.IGNORECASE)
# English words for this programme's Dutch vocabulary, so "the self-scan" finds "Zelfscan".
ENGLISH_TERMS: dict[str, str] = {
    "self-scan": "zelfscan", "self scan": "zelfscan", "selfscan": "zelfscan",
    "indicators": "indicatoren", "perpetrator approach": "plegeraanpak",
    "temporary restraining order": "tijdelijk huisverbod", "restraining order": "huisverbod",
    "reporting code": "meldcode",
}
_ENGLISH = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ENGLISH_TERMS), key=len,
                                               reverse=True)) + r")\b", re.IGNORECASE)


def _ref_words(ref: str) -> str:
    ref = _LEADING_FILLER.sub("", ref.strip())
    return _ENGLISH.sub(lambda m: ENGLISH_TERMS[m.group(1).lower()], ref)


def _question(text: str) -> Command | Usage | None:
    """A question in words (the phrase table) as its command; None when it is none."""
    if len(text) > _MAX_QUESTION:
        return None
    text = _POLITE.sub("", text).strip()
    for pattern, verb in _PHRASES:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        ref = _ref_words(found.groupdict().get("ref") or "")
        if verb.startswith("binnenkort:"):
            period = "week" if verb.endswith("week") else "month"
            return Upcoming(7 if period == "week" else 31, period)
        return _parse_verb(verb, ref)
    return None


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
    question = _question(text)
    if question is not None:
        return question
    verb_word, rest = fold(words[0]), (words[1].strip() if len(words) > 1 else "")
    verb = _VERB_OF.get(verb_word)
    if verb is not None and verb in ("wie", "wanneer", "status", "geschiedenis", "lijst"):
        rest = _ref_words(rest)  # "wie de zelfscan", "when indicators"
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
