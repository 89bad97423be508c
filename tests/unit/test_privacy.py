"""Spec for bot.domain.privacy: personal data is found, the programme's own language is not."""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain import privacy
from bot.domain.privacy import Finding, PiiKind, is_clean, kinds, scan

# Hypothesis budget for every property below: 300 examples each, no per-example deadline (the
# first call compiles nothing, but CI machines stall; correctness, not speed, is under test).
BUDGET = settings(max_examples=300, deadline=None)

SEEDS = Path(os.environ.get("ACTIEBOT_SEEDS",
                           Path(__file__).resolve().parents[3] / "shared" / "seeds"))

# The only personal data in the seed documents: a contact person's phone numbers and e-mail.
SEED_CONTACT_DATA: dict[str, PiiKind] = {
    "06-50082677": PiiKind.PHONE,
    "(06) 50082677": PiiKind.PHONE,
    "(035)  629 2471": PiiKind.PHONE,
    "a.jong@regiogv.nl": PiiKind.EMAIL,
}


def spans(text: str, kind: PiiKind) -> list[str]:
    """The matched fragments of one kind (only tests look at them; the bot never does)."""
    return [text[f.start : f.end] for f in scan(text) if f.kind == kind]


# --- Positive cases: (text, kind, the exact fragment the finding must cover) -------------------

POSITIVE = [
    # BSN: plain and grouped, 11-test valid
    ("gezin Jansen, BSN 123456782, moeder", PiiKind.BSN, "123456782"),
    ("bsn: 1234.56.782", PiiKind.BSN, "1234.56.782"),
    ("kind 123 456 782 aangemeld", PiiKind.BSN, "123 456 782"),
    ("nummer 123-456-782.", PiiKind.BSN, "123-456-782"),
    ("nummer 123.456.782", PiiKind.BSN, "123.456.782"),
    ("BSN123456782", PiiKind.BSN, "123456782"),
    ("*111222333*", PiiKind.BSN, "111222333"),
    ("BSN 12345672 (oud nummer)", PiiKind.BSN, "12345672"),
    ("burgerservicenummer: 10000008", PiiKind.BSN, "10000008"),
    # phone: mobile
    ("moeder bereikbaar op 06-12345678", PiiKind.PHONE, "06-12345678"),
    ("bel 06 1234 5678 na 17 uur", PiiKind.PHONE, "06 1234 5678"),
    ("0612345678", PiiKind.PHONE, "0612345678"),
    ("tel +31 6 12345678", PiiKind.PHONE, "+31 6 12345678"),
    ("+31(0)6-12345678", PiiKind.PHONE, "+31(0)6-12345678"),
    ("0031 6 12345678", PiiKind.PHONE, "0031 6 12345678"),
    ("+31612345678", PiiKind.PHONE, "+31612345678"),
    ("+31 06 12345678", PiiKind.PHONE, "+31 06 12345678"),
    ("(06) 50082677", PiiKind.PHONE, "(06) 50082677"),
    ("06 12 34 56 78", PiiKind.PHONE, "06 12 34 56 78"),
    ("06.12.34.56.78", PiiKind.PHONE, "06.12.34.56.78"),
    ("06\u201312345678", PiiKind.PHONE, "06\u201312345678"),
    ("bel 06 12345678 2x per week", PiiKind.PHONE, "06 12345678"),
    ("bel +31 6 12345678 /0", PiiKind.PHONE, "+31 6 12345678"),  # a spaced slash ends it
    ("06 1234 5678 / 12 keer", PiiKind.PHONE, "06 1234 5678"),
    # phone: landlines and service numbers
    ("020-1234567", PiiKind.PHONE, "020-1234567"),
    ("TELEFOON (035) 629 2471", PiiKind.PHONE, "(035) 629 2471"),
    ("035-6292471", PiiKind.PHONE, "035-6292471"),
    ("0299-123456", PiiKind.PHONE, "0299-123456"),
    ("Tel.: 020 - 123 45 67", PiiKind.PHONE, "020 - 123 45 67"),
    ("020/1234567", PiiKind.PHONE, "020/1234567"),
    ("+31 20 123 4567", PiiKind.PHONE, "+31 20 123 4567"),
    ("+31 (0)35 629 2471", PiiKind.PHONE, "+31 (0)35 629 2471"),
    ("0031-20-1234567", PiiKind.PHONE, "0031-20-1234567"),
    ("0800 123 4567", PiiKind.PHONE, "0800 123 4567"),
    ("0900-1234567", PiiKind.PHONE, "0900-1234567"),
    # e-mail
    ("mail a.jong@regiogv.nl.", PiiKind.EMAIL, "a.jong@regiogv.nl"),
    ("<mailto:moeder@example.nl|moeder@example.nl>", PiiKind.EMAIL, "moeder@example.nl"),
    ("jan.jansen+zorg@sub.example.co.uk", PiiKind.EMAIL, "jan.jansen+zorg@sub.example.co.uk"),
    ("(p.de_vries@gemeente.nl)", PiiKind.EMAIL, "p.de_vries@gemeente.nl"),
    # IBAN
    ("rekening NL91 ABNA 0417 1643 00 van moeder", PiiKind.IBAN, "NL91 ABNA 0417 1643 00"),
    ("nl91abna0417164300", PiiKind.IBAN, "nl91abna0417164300"),
    ("NL91ABNA0417164300.", PiiKind.IBAN, "NL91ABNA0417164300"),
    ("BE68 5390 0754 7034", PiiKind.IBAN, "BE68 5390 0754 7034"),
    ("DE89 3704 0044 0532 0130 00", PiiKind.IBAN, "DE89 3704 0044 0532 0130 00"),
    ("GB29NWBK60161331926819", PiiKind.IBAN, "GB29NWBK60161331926819"),
    ("ab12 NL91 ABNA 0417 1643 00", PiiKind.IBAN, "NL91 ABNA 0417 1643 00"),
    # birth dates: keyword + date, the span is the whole phrase
    ("kind geboren 3-4-2015", PiiKind.BIRTH_DATE, "geboren 3-4-2015"),
    ("geb. 03-04-2015", PiiKind.BIRTH_DATE, "geb. 03-04-2015"),
    ("geboortedatum 3 april 2015", PiiKind.BIRTH_DATE, "geboortedatum 3 april 2015"),
    ("geb 3/4/15", PiiKind.BIRTH_DATE, "geb 3/4/15"),
    ("born 3 April 2015", PiiKind.BIRTH_DATE, "born 3 April 2015"),
    ("date of birth: 2015-04-03", PiiKind.BIRTH_DATE, "date of birth: 2015-04-03"),
    ("DOB 03/04/2015", PiiKind.BIRTH_DATE, "DOB 03/04/2015"),
    ("geboren op 3 april 2015", PiiKind.BIRTH_DATE, "geboren op 3 april 2015"),
    ("*Geboortedatum:* 03.04.2015", PiiKind.BIRTH_DATE, "Geboortedatum:* 03.04.2015"),
    ("born on April 3rd, 2015", PiiKind.BIRTH_DATE, "born on April 3rd, 2015"),
    ("geboren in Hilversum op 3-4-2015", PiiKind.BIRTH_DATE, "geboren in Hilversum op 3-4-2015"),
    ("geb. 3 mrt. 2015", PiiKind.BIRTH_DATE, "geb. 3 mrt. 2015"),
    # disguised: Unicode digits, any separator between digit groups, digit-by-digit spacing
    ("BSN 123/456/782", PiiKind.BSN, "123/456/782"),
    ("kind 123 45 6782 aangemeld", PiiKind.BSN, "123 45 6782"),
    ("nr 12-34-56-782", PiiKind.BSN, "12-34-56-782"),
    ("nr 123  456  782.", PiiKind.BSN, "123  456  782"),
    ("nr 123_456_782", PiiKind.BSN, "123_456_782"),
    ("nr 123 - 456 - 782", PiiKind.BSN, "123 - 456 - 782"),
    ("nr 1 2 3 4 5 6 7 8 2", PiiKind.BSN, "1 2 3 4 5 6 7 8 2"),
    ("BSN \uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff12", PiiKind.BSN,
     "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff12"),
    ("BSN \uff11\uff12\uff13\uff0f\uff14\uff15\uff16\uff0f\uff17\uff18\uff12", PiiKind.BSN,
     "\uff11\uff12\uff13\uff0f\uff14\uff15\uff16\uff0f\uff17\uff18\uff12"),
    ("BSN \u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0662", PiiKind.BSN,
     "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0662"),
    ("nr 123\u200b456\u200b782", PiiKind.BSN, "123\u200b456\u200b782"),
    ("nr 123\u2009456\u2009782", PiiKind.BSN, "123\u2009456\u2009782"),
    ("bel 0 6 1 2 3 4 5 6 7 8 vanavond", PiiKind.PHONE, "0 6 1 2 3 4 5 6 7 8"),
    ("bel 0-6-1-2-3-4-5-6-7-8", PiiKind.PHONE, "0-6-1-2-3-4-5-6-7-8"),
    ("bel 06/12/34/56/78", PiiKind.PHONE, "06/12/34/56/78"),
    ("bel 06__12345678", PiiKind.PHONE, "06__12345678"),
    ("bel \uff10\uff16-\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", PiiKind.PHONE,
     "\uff10\uff16-\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"),
    # decision: odd grouping no longer hides a number ("0 6 12345678" was clean before)
    ("0 6 12345678", PiiKind.PHONE, "0 6 12345678"),
    ("06123 45678", PiiKind.PHONE, "06123 45678"),
    # Slack markup around the data
    ("<tel:+31612345678|+31 6 12345678>", PiiKind.PHONE, "+31 6 12345678"),
    ("<@U123|bob> belt *06-12345678*", PiiKind.PHONE, "06-12345678"),
    ("_BSN 123456782_", PiiKind.BSN, "123456782"),
    ("kleur 123456782", PiiKind.BSN, "123456782"),  # "eur" inside a word is not a currency
]


@pytest.mark.parametrize(("text", "kind", "fragment"), POSITIVE)
def test_personal_data_is_found_with_a_span_covering_it(
    text: str, kind: PiiKind, fragment: str
) -> None:
    assert fragment in spans(text, kind)
    assert kind in kinds(text)
    assert not is_clean(text)


def test_a_pasted_case_note_yields_every_kind_in_order() -> None:
    note = (
        "gezin Jansen, BSN 123456782, moeder bereikbaar op 06-12345678 of m.jansen@example.nl, "
        "rekening NL91 ABNA 0417 1643 00, zoon geb. 3-4-2015"
    )
    found = scan(note)
    assert [f.kind for f in found] == [
        PiiKind.BSN,
        PiiKind.PHONE,
        PiiKind.EMAIL,
        PiiKind.IBAN,
        PiiKind.BIRTH_DATE,
    ]
    assert kinds(note) == frozenset(PiiKind)
    assert [f.start for f in found] == sorted(f.start for f in found)


def test_slack_link_markup_reports_both_the_target_and_the_label() -> None:
    text = "<mailto:a@b.nl|a@b.nl>"
    assert scan(text) == (
        Finding(PiiKind.EMAIL, text.index("a@b"), text.index("a@b") + 6),
        Finding(PiiKind.EMAIL, text.rindex("a@b"), text.rindex("a@b") + 6),
    )


def test_an_iban_is_not_also_reported_as_a_phone_number_or_bsn() -> None:
    assert kinds("NL91 ABNA 0417 1643 00") == {PiiKind.IBAN}


def test_findings_are_frozen_values() -> None:
    finding = scan("06-12345678")[0]
    assert finding == Finding(PiiKind.PHONE, 0, 11)
    with pytest.raises(AttributeError):
        finding.start = 1  # type: ignore[misc]
    assert PiiKind("birth_date") is PiiKind.BIRTH_DATE


# --- Negative cases: the programme's own language and near misses -------------------------------

PROGRAMME_LANGUAGE = [
    "3091 meldingen",
    "3242 keer gemeld",
    "€ 147.125",
    "€ 75.000,=",
    "€ 292.000",
    "2021-10-31",
    "31-10-2021",
    "Q3 2021",
    "RM 1870737",
    "INT-21-60322",
    "INT-21-60323",
    "Kenmerk 21.0004463",
    "Ons kenmerk 20.0001076",
    "ZAAKNUMMER 677701",
    "1459 1632 3091",
    "100 gezinnen",
    "5,5%",
    "1 op de 15",
    "53.000 adviezen en 65.000 meldingen",
    "2 tussentijdse rapportages",
    "2020/2021",
    "Sept 2019 t/m dec 2021",
    "bijeenkomst 1 februari 2021",
    "TOP-3 methodiek",
    "0-100 teams",
    "MDA++",
    "https://www.regiogv.nl/wp-content/uploads/2020/01/2019-12-11-Uitkomsten.pdf",
    "https://www.regiogv.nl/wp-content/uploads/2020/06/1ste-Voortgangsraportage-GHNT-GV.pdf",
    "Datum **16-06-2021**",
    "20 – 40% van de ouders",
    "periode 2022-2024",
    # decision: the municipal short number 14 + area code is public, not personal
    "TELEFOONNUMMER: 14 035",
    # decision: four-digit service numbers are public helplines (and look like office hours)
    "Veilig Thuis is bereikbaar via 0800-2000",
    "Kindertelefoon 0800-0432",
    "bereikbaar van 0900-1700 uur",
    # dates and times are not phone numbers
    "bijeenkomst 06-04-2021 12 deelnemers",
    "01-02-2021 14.00 uur",
    "06.30-08.30 uur",
    # "melding advies totaal" table rows are not BSNs, even when a row passes the 11-test
    "Huizen 250 215 465",
    "Gooise Meren 255 253 508",
    "Regio 120 133 253",
    "Totaal 12 123 456 782",
    "Onbekend 0 315 315",
    # amounts are not BSNs
    "€ 123.456.782",
    "EUR 123456782",
    "123456782,-",
    # mentions are not personal data
    "<@U123|bob> en <@U0612345678> in <#C123456782|werkgroep-1>",
    "<!subteam^S0123456789|@mda-team> <!here>",
]


@pytest.mark.parametrize("text", PROGRAMME_LANGUAGE)
def test_programme_language_is_clean(text: str) -> None:
    assert scan(text) == ()
    assert is_clean(text)
    assert kinds(text) == frozenset()


NEAR_MISSES = [
    # BSN: failing the 11-test, all zeros, too long, too short, eight digits without a keyword
    "BSN 123456789",
    "BSN 111111111",
    "BSN 000000000",
    "BSN 1234567820",
    "nummer 123 456 789",
    "nummer 1234.56.789",
    "BSN 12345674",
    "10000008 deelnemers",
    # IBAN: bad checksum, unknown country, wrong length, glued to more letters
    "NL91 ABNA 0417 1643 01",
    "NL92ABNA0417164300",
    "XX91ABNA0417164300",
    "NL91ABNA041716430",
    "NL91ABNA0417164300X",
    # phone: wrong digit counts, no leading zero, odd first group
    "06-1234567",
    "06-123456789",
    "+31 6 1234567",
    "1234567890",
    # e-mail: no domain or no top-level domain
    "foo@bar",
    "@@@ team",
    "foo@bar.c0m",
    # a date alone is not a birth date; a birth keyword needs a full date nearby
    "3-4-2015",
    "geboren 3 april",
    "geboren in 2015",
    "gebied 3-4-2015",
    "gebruik 03-04-2015",
    "geb 31-31-2015",
    "het idee is geboren tijdens de bijeenkomst van 1 februari 2021",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_clean(text: str) -> None:
    assert scan(text) == ()


# --- The seed documents ---------------------------------------------------------------------------


def seed_lines() -> list[tuple[str, int, str]]:
    return [
        (path.name, number, line)
        for path in sorted(SEEDS.glob("*.txt"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    ]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")
def test_seed_documents_are_clean_except_the_contact_person() -> None:
    lines = seed_lines()
    assert lines, f"no seed lines in {SEEDS}"
    flagged = 0
    for name, number, line in lines:
        expected = {kind for fragment, kind in SEED_CONTACT_DATA.items() if fragment in line}
        assert kinds(line) == expected, f"{name}:{number}: {line!r}"
        for fragment, kind in SEED_CONTACT_DATA.items():
            if fragment in line:
                assert fragment in spans(line, kind), f"{name}:{number}"
                flagged += 1
    assert flagged >= len(SEED_CONTACT_DATA)  # every known fragment occurs at least once


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")
def test_whole_seed_documents_contain_only_the_contact_data() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for finding in scan(text):
            assert text[finding.start : finding.end] in SEED_CONTACT_DATA, path.name


# --- Linear time ----------------------------------------------------------------------------------

# No timed assertion (timings flake on shared CI runners): every pattern is bounded or possessive,
# so these finish in milliseconds; a regex that backtracked catastrophically would instead hang
# this test for minutes and the CI job timeout would catch it.
ADVERSARIAL = {
    "digits": "0" * 4000,
    "nines": "9" * 4000,
    "zero-dash": "0-" * 2000,
    "zero-dot": "0." * 2000,
    "zero-space": "0 " * 2000,
    "parentheses": "(0" * 2000,
    "plus31": "+31 " * 1000,
    "at-signs": "@" * 4000,
    "local-part-then-at": "a" * 4000 + "@",
    "at-pairs": "a@" * 2000,
    "dotted-domain": "a@" + "a." * 2000,
    "dotted-local-part": "a.a" * 1333 + "@",
    "iban-heads": "NL91 " * 800,
    "iban-glued": "NL91" * 1000,
    "birth-keywords": "geboren op " * 400,
    "birth-dates-broken": "geb 1-1-" * 500,
    "mentions": "<@" * 2000,
    "bsn-triples": "123 " * 1000,
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=list(ADVERSARIAL))
def test_adversarial_input_completes_and_stays_clean(text: str) -> None:
    assert len(text) >= 4000
    assert scan(text) == ()


def test_adversarial_input_with_real_data_at_the_end_is_still_found() -> None:
    text = "0-" * 2000 + " 06-12345678"
    assert spans(text, PiiKind.PHONE) == ["06-12345678"]


# --- Properties -----------------------------------------------------------------------------------

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def complete_bsn(first_eight: list[int]) -> str | None:
    """The nine-digit BSN with these first eight digits, or None if no check digit fits."""
    check = sum(w * d for w, d in zip(WEIGHTS, first_eight, strict=True)) % 11
    if check == 10 or not any(first_eight) and check == 0:
        return None
    return "".join(map(str, first_eight)) + str(check)


def iban_with_checksum(country: str, bban: str) -> str:
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


letters = st.text(string.ascii_uppercase, min_size=4, max_size=4)


def digit_string(n: int) -> st.SearchStrategy[str]:
    return st.text(string.digits, min_size=n, max_size=n)


bsns = (
    st.lists(st.integers(0, 9), min_size=8, max_size=8)
    .map(complete_bsn)
    .filter(lambda b: b is not None)
    .map(str)
)


@st.composite
def formatted_bsns(draw: st.DrawFn) -> str:
    bsn = draw(bsns)
    a, b, c = bsn[:3], bsn[3:6], bsn[6:]
    if int(a) + int(b) == int(c):  # a "melding advies totaal" row by design (see privacy.py)
        return bsn
    return draw(
        st.sampled_from(
            [bsn, f"{bsn[:4]}.{bsn[4:6]}.{c}", f"{a} {b} {c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}"]
        )
    )


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country, bban = draw(
        st.sampled_from(["NL", "BE", "DE", "GB"]).flatmap(
            lambda cc: st.tuples(
                st.just(cc),
                {
                    "NL": st.tuples(letters, digit_string(10)).map("".join),
                    "BE": digit_string(12),
                    "DE": digit_string(18),
                    "GB": st.tuples(letters, digit_string(14)).map("".join),
                }[cc],
            )
        )
    )
    iban = iban_with_checksum(country, bban)
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return draw(st.sampled_from([iban, iban.lower(), grouped]))


@st.composite
def phones(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["06", "020", "010", "030", "035", "0299", "0294"]))
    sub = draw(digit_string(10 - len(area)))
    half = len(sub) // 2
    return draw(
        st.sampled_from(
            [
                f"{area}{sub}",
                f"{area}-{sub}",
                f"({area}) {sub}",
                f"{area} {sub[:half]} {sub[half:]}",
                f"+31 {area[1:]} {sub}",
                f"+31(0){area[1:]}-{sub}",
                f"0031 {area[1:]} {sub}",
            ]
        )
    )


BIRTH_WORDS = ("geb", "dob", "born", "birth")
words = st.from_regex(r"[A-Za-z]{1,10}", fullmatch=True).filter(
    lambda w: w.lower() not in {"eur", "euro"}
)
prose_words = st.one_of(
    st.sampled_from(
        [
            "meldingen",
            "adviezen",
            "gezinnen",
            "keer",
            "gemeld",
            "teams",
            "bijeenkomst",
            "werkgroep",
            "actielijn",
            "rapportage",
            "MDA++",
            "TOP-3",
            "Q3",
            "t/m",
            "op",
            "de",
            "en",
            "Hilversum",
            "Gooi",
            "Vechtstreek",
        ]
    ),
    st.from_regex(r"[a-z]{1,10}", fullmatch=True).filter(lambda w: not w.startswith(BIRTH_WORDS)),
)
short_numbers = st.tuples(
    st.integers(0, 9999),
    st.sampled_from(["{}", "€ {}", "{}%", "{},=", "{}e", "({})", "{}x"]),
).map(lambda pair: pair[1].format(pair[0]))


@BUDGET
@given(st.text())
def test_scan_never_raises_and_spans_lie_within_the_text(text: str) -> None:
    for finding in scan(text):
        assert 0 <= finding.start < finding.end <= len(text)
        assert isinstance(finding.kind, PiiKind)


@BUDGET
@given(st.text(alphabet="0123456789 +-()./,@:NLBEabnr€<>|*\n", max_size=200))
def test_dense_digit_soup_never_raises_and_spans_lie_within_the_text(text: str) -> None:
    found = scan(text)
    assert list(found) == sorted(found, key=lambda f: f.start)
    for finding in found:
        assert 0 <= finding.start < finding.end <= len(text)


def embedded(before: list[str], item: str, after: list[str]) -> tuple[str, int]:
    prefix = " ".join([*before, ""]) if before else ""
    return prefix + item + "".join(" " + w for w in after), len(prefix)


@BUDGET
@given(st.lists(words, max_size=5), formatted_bsns(), st.lists(words, max_size=5))
def test_a_valid_bsn_in_random_words_is_found(
    before: list[str], bsn: str, after: list[str]
) -> None:
    text, at = embedded(before, bsn, after)
    assert Finding(PiiKind.BSN, at, at + len(bsn)) in scan(text)


@BUDGET
@given(st.lists(words, max_size=5), ibans(), st.lists(words, max_size=5))
def test_a_valid_iban_in_random_words_is_found(
    before: list[str], iban: str, after: list[str]
) -> None:
    text, at = embedded(before, iban, after)
    assert Finding(PiiKind.IBAN, at, at + len(iban)) in scan(text)


@BUDGET
@given(st.lists(words, max_size=5), phones(), st.lists(words, max_size=5))
def test_a_phone_number_in_random_words_is_found(
    before: list[str], phone: str, after: list[str]
) -> None:
    text, at = embedded(before, phone, after)
    assert Finding(PiiKind.PHONE, at, at + len(phone)) in scan(text)


@BUDGET
@given(
    st.lists(st.tuples(prose_words, short_numbers), max_size=30),
    st.sampled_from([" ", ", ", " - ", ": "]),
)
def test_prose_with_only_short_numbers_is_clean(
    pairs: list[tuple[str, str]], separator: str
) -> None:
    text = separator.join(token for pair in pairs for token in pair)
    assume(text)
    assert scan(text) == ()


def _ungated(text: str) -> tuple[Finding, ...]:
    """What scan would find if every finder ran on every text (no digit/`@` pre-filter)."""
    blanked = privacy._MENTION.sub(lambda m: " " * len(m.group()), privacy.normalise(text))
    return privacy._resolve([f for find in privacy._ALL_FINDERS for f in find(blanked)])


@pytest.mark.parametrize("text", [t for t, *_ in POSITIVE] + PROGRAMME_LANGUAGE + NEAR_MISSES
                         + list(ADVERSARIAL.values()))
def test_the_pre_filter_finds_what_every_finder_finds(text: str) -> None:
    assert scan(text) == _ungated(text)


@BUDGET
@given(st.text(alphabet="0123456789 +-()./,@:NLBEabnr€<>|*\n geboren", max_size=120))
def test_the_pre_filter_agrees_on_digit_soup(text: str) -> None:
    assert scan(text) == _ungated(text)


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")
def test_the_pre_filter_agrees_on_the_seed_documents() -> None:
    for _, _, line in seed_lines():
        assert scan(line) == _ungated(line)
