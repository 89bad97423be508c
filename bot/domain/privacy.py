"""Detect personal data in free text before it is stored, posted or logged.

The bot records programme activities, never case data. A hurried professional may still paste
"gezin Jansen, BSN 123456782, moeder bereikbaar op 06-12345678" into a status note; the services
call :func:`scan` (or :func:`is_clean`) and refuse such a note. A :class:`Finding` carries only a
kind and a span: callers must never echo, store or log the matched text itself.

Detected kinds and the decisions behind them (false alarms on the programme's own language --
amounts, counts, dates, reference numbers, table rows -- are as unwelcome as misses):

* **BSN** -- nine digits passing the 11-test (elfproef), written plain (``123456782``) or grouped
  (``1234.56.782``, ``123 456 782``, ``123-456-782``, ``123.456.782``), not part of a longer run
  of digits (``21.0004463``, ``INT-21-60322`` are not). Not a BSN: a number after a currency sign
  (``€ 123.456.782``) and a space-grouped triple that is really a table row -- preceded or
  followed by another number, or whose last group is the sum of the first two (the Veilig Thuis
  "melding advies totaal" rows, ``Huizen 250 215 465``). Old eight-digit numbers (implied leading
  zero) are far too common in prose to check blindly (dates like ``31102021``, subscriber parts
  of phone numbers), so they count only right after a BSN keyword (``BSN``,
  ``burgerservicenummer``, ``sofinummer``): ``BSN 12345672``. Letters glued to the digits do not
  hide a BSN (``BSN123456782``, ``INT-123456782`` are flagged): a reference code that happens to
  pass the 11-test is the cheaper mistake.
* **PHONE** -- Dutch numbers: ten national digits starting with ``0`` (``06-12345678``,
  ``(035) 629 2471``, ``0612345678``), or ``+31``/``0031`` followed by nine digits (an optional
  ``(0)`` or a stray national ``0`` is dropped), grouped with spaces, dashes (also the en dash
  word processors put in), dots, slashes or parentheses. The first group is an area code
  (``06``, ``0xx`` or ``0xxx``), later groups have at least two digits; a run that starts like a
  date (``06-04-2021 12``) or continues an IBAN written in fours (``NL91 ABNA 0417 1643 01``,
  a mistyped IBAN) is not a number. When a longer run of numbers follows after a space, the
  number is its first ten digits (``bel 06 12345678 2x``, ``+31 6 12345678 /0``).
  Service numbers ``0800``/``0900``/``0906``/``0909`` count with seven subscriber digits
  (``0800 123 4567``); the four-digit form is *not* flagged: those are public helplines the
  programme itself names (Veilig Thuis ``0800-2000``, Kindertelefoon ``0800-0432``) and look like
  office hours (``0900-1700``). Municipal short numbers (``14 035``) are public and too short to be
  a personal number, so they are not flagged either.
* **EMAIL** -- ``local@domain.tld``, also inside Slack's ``<mailto:a@b.nl|a@b.nl>`` markup.
* **IBAN** -- any country of the IBAN registry, with the registry's length for that country and a
  valid mod-97 checksum, compact or in groups, case-insensitive (``nl91abna0417164300``).
* **BIRTH_DATE** -- a birth keyword (``geboren``, ``geb.``, ``geboortedatum``, ``born``,
  ``date of birth``, ``DOB``, ...) followed, within three words, by a full date with a year
  (``3-4-2015``, ``3/4/15``, ``2015-04-03``, ``3 april 2015``, ``April 3, 2015``). A date alone
  is never a birth date. The span runs from the keyword to the end of the date.

Slack markup is tolerated: ``*bold*``, ``<tel:...|...>`` and ``<mailto:...>`` are scanned like
any other text, while user, channel and special mentions (``<@U123|bob>``, ``<#C123|team>``,
``<!here>``) are blanked out first: a mention is not personal data to refuse.

Disguises do not hide data. Before matching, the text is normalised character by character
(so every span still points into the original): any Unicode decimal digit becomes its ASCII digit
(full-width ``１２３``, Arabic-Indic, ...), NFKC folds full-width punctuation (``／``, ``－``),
every kind of space becomes a space, dashes and the minus sign become ``-``, and invisible
characters (zero-width space, soft hyphen) become a space. A second pass then reads numbers
written with *any* separator between digit groups -- spaces, dots, dashes, slashes,
underscores, up to three of them repeated (``123/456/782``, ``123 45 6782``, ``12-34-56-782``,
``123  456  782``, ``0 6 1 2 3 4 5 6 7 8``) -- as long as one number uses one separator
throughout: nine digits passing the 11-test (python-stdnum's ``nl.bsn``) are a BSN, ten digits
starting with ``0`` that libphonenumber accepts as a Dutch number are a phone number. Runs with
mixed separators are dates, times and ranges (``06-04-2021 12``, ``09.00-17.00``), so they are
left to the first pass; so are table rows (``Huizen 250 215 465``: a + b = c), amounts
(``€``, ``,-``, decimals) and runs that continue an IBAN.

Every pattern runs in linear time: quantifiers are bounded or possessive (Python >= 3.11),
lookbehinds have a fixed width, and candidates are validated in plain Python (checksums, digit
counts, group shapes) instead of in the regexes.

Pure: no I/O, no Slack, no configuration.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import phonenumbers
from stdnum.nl import bsn as stdnum_bsn

__all__ = ["MASK", "Finding", "PiiKind", "is_clean", "kinds", "mask", "normalise", "safe_name",
           "scan"]


class PiiKind(StrEnum):
    BSN = "bsn"
    PHONE = "phone"
    EMAIL = "email"
    IBAN = "iban"
    BIRTH_DATE = "birth_date"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: ``text[start:end]``. Never echo that slice back."""

    kind: PiiKind
    start: int
    end: int


def scan(text: str) -> tuple[Finding, ...]:
    """All personal data in ``text``, ordered by position.

    Where findings of different kinds overlap, the more specific one wins (e-mail, then IBAN,
    phone, BSN, birth date), so the digits of an IBAN are not reported as a phone number too.
    """
    blanked = _MENTION.sub(lambda m: " " * len(m.group()), normalise(text))
    return _resolve([finding for find in _finders(blanked) for finding in find(blanked)])


def _resolve(found: list[Finding]) -> tuple[Finding, ...]:
    kept: list[Finding] = []
    for finding in sorted(set(found), key=lambda f: (_PRIORITY[f.kind], f.start, f.end)):
        if not any(
            k.kind != finding.kind and k.start < finding.end and finding.start < k.end for k in kept
        ):
            kept.append(finding)
    return tuple(sorted(kept, key=lambda f: (f.start, f.end, _PRIORITY[f.kind])))


# Every kind but e-mail is made of digits, and each needs at least number of them in the
# normalised text (where every decimal digit is ASCII): a birth date or an IBAN at least 2 (a
# year, the check digits), a BSN at least 8 (only right after a keyword; 9 otherwise), a phone
# number at least 10. A text with fewer digits and no "@" (most titles, owners, themes) skips the
# finders that cannot match it: the answer is the same, only cheaper.
_NO_DIGITS = str.maketrans("", "", "0123456789")
_FEW_DIGITS = 2
_MANY_DIGITS = 8


def _finders(blanked: str) -> list[Callable[[str], Iterator[Finding]]]:
    """The finders that can find something in ``blanked`` (see above)."""
    digits = len(blanked) - len(blanked.translate(_NO_DIGITS))
    finders: list[Callable[[str], Iterator[Finding]]] = (
        [_find_emails] if "@" in blanked else [])
    if digits >= _FEW_DIGITS:
        finders += [_find_ibans, _find_birth_dates]
    if digits >= _MANY_DIGITS:
        finders += [_find_phones, _find_bsns, _find_separated_numbers]
    return finders



def normalise(text: str) -> str:
    """``text`` with look-alike characters folded to ASCII, one character for one character.

    Any decimal digit becomes ``0``-``9``; spaces of every width and invisible format
    characters (zero-width space, soft hyphen, ...) become a space; dashes and the minus sign
    become ``-``; anything NFKC folds into one ASCII character (full-width ``／``, ``．``,
    ``＿``, superscript digits) is folded. The length never changes, so a finding's span in the
    normalised text is its span in the original.
    """
    if text.isascii():
        return text
    return "".join(_normal_char(ch) for ch in text)


@lru_cache(maxsize=4096)
def _normal_char(ch: str) -> str:
    if ch.isascii():
        return ch
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    category = unicodedata.category(ch)
    if category in ("Zs", "Zl", "Zp", "Cf"):
        return " "
    if category == "Pd" or ch == "\u2212":
        return "-"
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 and folded.isascii() else ch


def kinds(text: str) -> frozenset[PiiKind]:
    """The kinds of personal data in ``text`` (empty when it is clean)."""
    return frozenset(finding.kind for finding in scan(text))


def is_clean(text: str) -> bool:
    """True when ``text`` holds no personal data that :func:`scan` recognises."""
    return not scan(text)


NAME_MAX = 80


def safe_name(name: str | None) -> str | None:
    """A display name fit to store (a Slack ``user_name``, a clicker's name), or None.

    A name is never refused like a note (the user cannot fix it mid-command), but one holding
    personal data ("jan 0612345678", an e-mail address as user name) is not kept at all: the
    Slack user id still signs the log. Control characters go, and the name is cut at 80.
    """
    if name is None:
        return None
    cleaned = " ".join("".join(ch for ch in name if ch.isprintable()).split())[:NAME_MAX]
    if not cleaned or not is_clean(cleaned):
        return None
    return cleaned


_PRIORITY: dict[PiiKind, int] = {
    PiiKind.EMAIL: 0,
    PiiKind.IBAN: 1,
    PiiKind.PHONE: 2,
    PiiKind.BSN: 3,
    PiiKind.BIRTH_DATE: 4,
}

# Slack mentions: <@U123>, <@U123|bob>, <#C123|general>, <!here>, <!subteam^S1|@team>, <!date^…>.
_MENTION = re.compile(r"<[@#!][^<>\n]{0,300}>")
# A person by their Slack identity: a mention (<@U0123ABCD|jan>) or a bare user id.
_SLACK_PERSON = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>|\b[UW][A-Z0-9]{8,}\b")


def hide_slack_people(text: str, placeholder: str) -> str:
    """`text` with every Slack mention or user id of a person replaced by `placeholder`: for
    documents that leave the workspace (the council report, the archive), which never name
    anyone by their Slack identity."""
    return _SLACK_PERSON.sub(placeholder, text)

_SPACE = "[ \u00a0]"  # a space or a no-break space, as pasted from documents
_WORD_CHAR = r"[^\W\d_]"  # a letter, in any script


# --- BSN ---------------------------------------------------------------------------------------

_BSN = re.compile(
    rf"""
    (?<![0-9])(?<![0-9][-./,])              # not the tail of a longer digit run
    (?:
        (?P<plain>[0-9]{{9}})
      | (?P<a>[0-9]{{3,4}})(?P<sep>[-.]|{_SPACE})(?P<b>[0-9]{{2,3}})(?P=sep)(?P<c>[0-9]{{3}})
    )
    (?![0-9])(?![-./,][0-9])(?!,[-=])       # not the head of one, nor an amount ("…,-")
    """,
    re.VERBOSE,
)

_BSN_KEYWORD_8 = re.compile(
    rf"""
    (?<!{_WORD_CHAR})
    (?:bsn|burgerservicenummer|sofi-?nummer|sofinr)(?:[-\s]?(?:nr|nummer))?\.?
    [\s:#=*_~()-]{{0,4}}
    (?P<num>[0-9]{{8}})
    (?![0-9])(?![-./,][0-9])
    """,
    re.VERBOSE | re.IGNORECASE,
)

_CURRENCY_BEFORE = re.compile(rf"(?:€|(?<!{_WORD_CHAR})euro?)\s{{0,2}}$", re.IGNORECASE)


def _passes_elfproef(digits: str) -> bool:
    """The BSN 11-test on nine digits (python-stdnum's ``nl.bsn``): not all zero."""
    return len(digits) == 9 and digits.isascii() and bool(stdnum_bsn.is_valid(digits))


def _find_bsns(text: str) -> Iterator[Finding]:
    for m in _BSN.finditer(text):
        if _CURRENCY_BEFORE.search(text, max(0, m.start() - 8), m.start()):
            continue
        if m.group("plain") is not None:
            digits = m.group("plain")
        else:
            a, b, c, sep = m.group("a"), m.group("b"), m.group("c"), m.group("sep")
            if len(a) + len(b) != 6:  # 4-2-3 (the official "1234.56.782") or 3-3-3
                continue
            if sep.isspace() and _looks_like_table_row(text, m.start(), m.end(), a, b, c):
                continue
            digits = a + b + c
        if _passes_elfproef(digits):
            yield Finding(PiiKind.BSN, m.start(), m.end())
    for m in _BSN_KEYWORD_8.finditer(text):
        if _passes_elfproef("0" + m.group("num")):
            yield Finding(PiiKind.BSN, m.start("num"), m.end("num"))


def _looks_like_table_row(text: str, start: int, end: int, a: str, b: str, c: str) -> bool:
    """Space-separated numbers that continue a row, or 'melding advies totaal' (a + b = c)."""
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    neighbour = bool(re.fullmatch(rf"[0-9]{_SPACE}", before)) or bool(
        re.fullmatch(rf"{_SPACE}[0-9]", after)
    )
    return neighbour or int(a) + int(b) == int(c)


# --- Phone numbers -----------------------------------------------------------------------------

# Between two digit groups: one or two spaces, or a dash/dot/slash with optional spaces around.
_PHONE_SEP = rf"(?:{_SPACE}{{1,2}}|{_SPACE}?[-./\u2013]{_SPACE}?)"
_PHONE_GROUPS = rf"[0-9]++(?:{_PHONE_SEP}[0-9]++){{0,11}}+"

_PHONE = re.compile(
    rf"""
    (?<![0-9A-Za-z+])(?<![0-9][-./\u2013])
    (?:
        (?:\+{_SPACE}?31|0031)                                   # +31 / 0031
        (?:{_SPACE}{{0,2}}\({_SPACE}?0{_SPACE}?\))?              # optional (0)
        [ \u00a0.-]{{0,2}}
        (?P<intl>{_PHONE_GROUPS})
      | \({_SPACE}?(?P<area>0[0-9]{{1,3}}+){_SPACE}?\)[ \u00a0./-]{{0,3}}  # (035) 629 2471
        (?P<local>{_PHONE_GROUPS})
      | (?P<national>0{_PHONE_GROUPS})                           # 06-12345678, 020 123 4567
    )
    """,
    re.VERBOSE,
)

_DIGIT_RUN = re.compile(r"[0-9]+")
_SPACE_IN = re.compile(r"\s")  # a break with a space in it ("12 /34") may end a number
_SERVICE_PREFIXES = ("800", "900", "906", "909")  # after the leading 0 / the +31


# The groups of an IBAN written in fours ("NL91 ABNA 0417 1643 01"); a mistyped IBAN is not a phone.
_IBAN_GROUPS_BEFORE = re.compile(
    rf"(?<![0-9A-Za-z])[A-Za-z]{{2}}[0-9]{{2}}(?:{_SPACE}[0-9A-Za-z]{{4}}){{0,8}}{_SPACE}$"
)


def _find_phones(text: str) -> Iterator[Finding]:
    pos = 0
    while (m := _PHONE.search(text, pos)) is not None:
        after_iban = _IBAN_GROUPS_BEFORE.search(text, max(0, m.start() - 50), m.start())
        end = None if after_iban else _accepted_phone_end(text, m)
        if end is None:
            pos = m.start() + 1
        else:
            yield Finding(PiiKind.PHONE, m.start(), end)
            pos = end


def _accepted_phone_end(text: str, m: re.Match[str]) -> int | None:
    """Where the phone number in candidate ``m`` ends, or None if it is not a phone number.

    The candidate is a greedy run of digit groups; the number may be a shorter prefix of it when
    the rest follows after a space ("bel 06 12345678 2x").
    """
    if m.group("intl") is not None:
        name, international, prefix = "intl", True, []
    elif m.group("area") is not None:
        name, international, prefix = "local", False, [m.group("area")]
    else:
        name, international, prefix = "national", False, []
        if _starts_with_date(m.group(name)):
            return None
    base = m.start(name)
    spans = [(base + g.start(), base + g.end()) for g in _DIGIT_RUN.finditer(m.group(name))]
    groups = prefix + [text[s:e] for s, e in spans]
    offset = len(prefix)
    for k in range(offset + 1, len(groups) + 1):
        last_end = spans[k - offset - 1][1]
        if k < len(groups) and not _SPACE_IN.search(text[last_end : spans[k - offset][0]]):
            continue  # the break after group k is a bare dash or dot: the run goes on
        if re.match(r"[-./\u2013][0-9]", text[last_end : last_end + 2]):
            return None  # the run was cut by the repetition limit
        valid = _valid_international(groups[:k]) if international else _valid_national(groups[:k])
        if valid:
            return last_end
        if sum(map(len, groups[:k])) > 11:
            return None
    return None


def _valid_national(groups: list[str]) -> bool:
    digits = "".join(groups)
    if not digits.startswith("0") or digits[1:2] in ("", "0"):
        return False
    if digits[1:4] in _SERVICE_PREFIXES:
        if len(digits) != 11:
            return False
    elif len(digits) != 10:
        return False
    if len(groups) == 1:
        return True
    first = groups[0]
    if not 2 <= len(first) <= 4 or (len(first) == 2 and first != "06"):
        return False
    return all(len(g) >= 2 for g in groups[1:])


def _valid_international(groups: list[str]) -> bool:
    if groups[0].startswith("0"):  # "+31 06 12345678": a national 0 written after the +31
        groups = [groups[0][1:], *groups[1:]]
        if not groups[0]:
            groups = groups[1:]
    if not groups:
        return False
    digits = "".join(groups)
    if digits.startswith("0"):
        return False
    if len(digits) != (10 if digits[:3] in _SERVICE_PREFIXES else 9):
        return False
    if len(groups) == 1:
        return True
    return len(groups[0]) <= 3 and all(len(g) >= 2 for g in groups[1:])


# A date "06-04-2021" followed by more numbers is not a phone number "06 …"; "06.12.34.56.78"
# (a fourth part with the same separator) is.
_DATE_START = re.compile(
    r"(?P<d>[0-9]{1,2})(?P<s>[-./])(?P<m>[0-9]{1,2})(?P=s)(?:[0-9]{4}|[0-9]{2})(?!(?P=s)[0-9])"
)


def _starts_with_date(run: str) -> bool:
    m = _DATE_START.match(run)
    return m is not None and 1 <= int(m.group("d")) <= 31 and 1 <= int(m.group("m")) <= 12


# --- Numbers with any separator between their digit groups -----------------------------------

# One separator (1-3 of space . _ / -) used throughout the run: "123/456/782", "12-34-56-782",
# "123  456  782", "0 6 1 2 3 4 5 6 7 8". A run may not start right after "digit + separator"
# (it would be the tail of a date or a longer number).
_SEPARATED = re.compile(
    r"""
    (?<![0-9])(?<![0-9][-./_ ])(?<![0-9][-./_ ]{2})(?<![0-9][-./_ ]{3})
    (?P<run>[0-9]{1,10}+(?P<sep>[-./_ ]{1,3}+)[0-9]{1,10}+(?:(?P=sep)[0-9]{1,10}+){0,12}+)
    (?![0-9])
    """,
    re.VERBOSE,
)
_AMOUNT_AFTER = re.compile(r",(?:[0-9]|-|=)")
_CONTINUES = re.compile(r"[-./_][0-9]")


def _find_separated_numbers(text: str) -> Iterator[Finding]:
    for m in _SEPARATED.finditer(text):
        start, end = m.span("run")
        run, sep = m.group("run"), m.group("sep")
        groups = run.split(sep)
        if len(groups) < 2 or not all(group.isdigit() for group in groups):
            continue  # a separator such as "-." read as two: not one number
        digits = "".join(groups)
        after, before = text[end : end + 2], text[max(0, start - 2) : start]
        if _AMOUNT_AFTER.match(after) or _CONTINUES.match(after) or before.endswith(","):
            continue
        if _CURRENCY_BEFORE.search(text, max(0, start - 8), start):
            continue
        if len(digits) == 9 and _passes_elfproef(digits):
            if sep.isspace() and len(groups) == 3 and int(groups[0]) + int(groups[1]) == int(
                    groups[2]):
                continue  # a "melding advies totaal" table row
            yield Finding(PiiKind.BSN, start, end)
        elif len(digits) == 10 and _is_dutch_phone(digits):
            # (a date never shares its separator with what follows it: "06-04-2021 12" is
            # two runs, and a date alone has at most eight digits)
            if _IBAN_GROUPS_BEFORE.search(text, max(0, start - 50), start):
                continue
            yield Finding(PiiKind.PHONE, start, end)


def _is_dutch_phone(digits: str) -> bool:
    """Ten national digits (0 and a non-zero digit) that libphonenumber accepts for NL."""
    if not digits.startswith("0") or digits[1] == "0":
        return False
    try:
        number = phonenumbers.parse(digits, "NL")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


# --- E-mail ------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]++@(?P<domain>[\w-]++(?:\.[\w-]++)++)",
)


def _find_emails(text: str) -> Iterator[Finding]:
    for m in _EMAIL.finditer(text):
        tld = m.group("domain").rsplit(".", 1)[-1]
        if len(tld) >= 2 and tld.isalpha():
            yield Finding(PiiKind.EMAIL, m.start(), m.end())


# --- IBAN --------------------------------------------------------------------------------------

# Lengths from the SWIFT IBAN registry.
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

# Zero-width, so that a false start ("ab12 NL91 …") cannot swallow the real IBAN behind it.
_IBAN = re.compile(
    rf"(?<![0-9A-Za-z])(?=(?P<run>[A-Za-z]{{2}}[0-9]{{2}}(?:(?:{_SPACE}|-)?[0-9A-Za-z]){{10,40}}))"
)
_IBAN_TOKEN = re.compile(r"[0-9A-Za-z]+")


def _find_ibans(text: str) -> Iterator[Finding]:
    for m in _IBAN.finditer(text):
        start = m.start("run")
        expected = _IBAN_LENGTHS.get(m.group("run")[:2].upper())
        if expected is None:
            continue
        compact = ""
        for token in _IBAN_TOKEN.finditer(m.group("run")):
            compact += token.group()
            if len(compact) >= expected:
                end = start + token.end()
                boundary = text[end : end + 1]
                glued = boundary.isascii() and boundary.isalnum()
                if len(compact) == expected and not glued and _iban_checksum_ok(compact):
                    yield Finding(PiiKind.IBAN, start, end)
                break


def _iban_checksum_ok(iban: str) -> bool:
    rearranged = (iban[4:] + iban[:4]).upper()
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# --- Birth dates -------------------------------------------------------------------------------

_MONTHS = (
    "januari|january|februari|february|maart|march|april|mei|may|juni|june|juli|july|augustus|"
    "august|september|oktober|october|november|december|sept|jan|feb|mrt|mar|apr|jun|jul|aug|sep|"
    "okt|oct|nov|dec"
)
_BIRTH_KEYWORDS = (
    r"geboortedatum|geboorte-datum|geb\.?[ ]?datum|geboren|geb\.|geb|born|birth[ -]?date|birthday"
    r"|date[ ]of[ ]birth|d\.o\.b\.?|dob"
)
_FILL = r"[\s:=,.*_~()-]"  # what may stand between the keyword, filler words and the date

_BIRTH = re.compile(
    rf"""
    (?<!{_WORD_CHAR})(?P<keyword>{_BIRTH_KEYWORDS})(?!{_WORD_CHAR})
    {_FILL}{{0,5}}
    (?:{_WORD_CHAR}{{1,20}}{_FILL}{{1,5}}){{0,3}}              # "op", "in Hilversum op", "on"
    (?:
        (?P<d1>[0-9]{{1,2}})[-/.](?P<m1>[0-9]{{1,2}})[-/.](?:[0-9]{{4}}|[0-9]{{2}})
      | [0-9]{{4}}[-/.](?P<m2>[0-9]{{1,2}})[-/.](?P<d2>[0-9]{{1,2}})
      | (?P<d3>[0-9]{{1,2}})(?:e|ste|de|st|nd|rd|th)?{_SPACE}{{1,3}}(?:of{_SPACE}{{1,3}})?
        (?:{_MONTHS})\.?,?{_SPACE}{{1,3}}(?:[0-9]{{4}}|'?[0-9]{{2}})
      | (?:{_MONTHS})\.?{_SPACE}{{1,3}}(?P<d4>[0-9]{{1,2}})(?:st|nd|rd|th)?,?{_SPACE}{{1,3}}
        [0-9]{{4}}
    )
    (?![0-9])
    """,
    re.VERBOSE | re.IGNORECASE,
)


def _find_birth_dates(text: str) -> Iterator[Finding]:
    for m in _BIRTH.finditer(text):
        if _plausible_date(m):
            yield Finding(PiiKind.BIRTH_DATE, m.start(), m.end())


def _plausible_date(m: re.Match[str]) -> bool:
    if m.group("d1") is not None:  # day-month-year, or the American month-day-year
        a, b = int(m.group("d1")), int(m.group("m1"))
        return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= b <= 31 and 1 <= a <= 12)
    if m.group("d2") is not None:
        return 1 <= int(m.group("m2")) <= 12 and 1 <= int(m.group("d2")) <= 31
    day = m.group("d3") if m.group("d3") is not None else m.group("d4")
    return 1 <= int(day) <= 31


# --- Masking -----------------------------------------------------------------------------------

MASK = "•••"


def mask(text: str, placeholder: str = MASK) -> str:
    """``text`` with every piece of personal data replaced by ``placeholder``: safe to echo or log.

    Used where a text is shown back but never stored (an unknown ref in a reply) and by the log
    filter. Repeats until :func:`scan` finds nothing: the placeholder holds no digit, letter or
    ``@``, so every round removes some and the loop ends.
    """
    findings = scan(text)
    while findings:
        spans: list[list[int]] = []
        for finding in findings:  # ordered by start; merge overlapping findings
            if spans and finding.start < spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], finding.end)
            else:
                spans.append([finding.start, finding.end])
        for start, end in reversed(spans):
            text = text[:start] + placeholder + text[end:]
        findings = scan(text)
    return text


# every finder, whatever the text: what `_finders` must agree with (tests/unit/test_privacy.py)
_ALL_FINDERS = (_find_emails, _find_ibans, _find_phones, _find_bsns, _find_birth_dates,
                _find_separated_numbers)
