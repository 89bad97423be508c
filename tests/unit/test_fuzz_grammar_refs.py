"""Fuzzing the pure core: grammar, ref resolution, dates and the privacy guard never raise,
keep their limits, and personal data never survives masking.

Budget (documented; see the "ci" Hypothesis profile in tests/conftest.py): every property runs a
fixed, derandomized set of examples -- FAST (300) for the cheap ones, SLOW (100) for those that
build 4,000-character texts or run rapidfuzz over the two example programmes. The whole module
takes about 10 s on two cores; HYPOTHESIS_PROFILE=thorough multiplies the budgets by ten.
"""

from __future__ import annotations

import time
from functools import cache

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.domain import grammar, refs
from bot.domain.dates import MAX_YEAR, MIN_YEAR, InvalidDate, canonical, parse_due
from bot.domain.model import STATUS_WORDS, DueDate, parse_status
from bot.domain.ports import ActivityEntry, ActivityId, GroupEntry, RefIndex
from bot.domain.privacy import MASK, is_clean, kinds, mask, scan
from tests.conftest import FUZZ_SCALE, GOOI, KENNEMERLAND

FAST = settings(max_examples=300 * FUZZ_SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=100 * FUZZ_SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

COMMAND_TYPES = (grammar.Help, grammar.Who, grammar.When, grammar.StatusOf, grammar.Update,
                 grammar.Upcoming, grammar.Overdue, grammar.ListActivities, grammar.Overview,
                 grammar.History, grammar.Link, grammar.Usage, grammar.OpenUpdate,
                 grammar.Reschedule, grammar.NewActivity, grammar.Report, grammar.IndicatorCmd)
SPELLINGS = sorted(spelling for spellings in grammar.VERBS.values() for spelling in spellings)


# -- strategies ---------------------------------------------------------------------------------

# Any unicode a Slack client can send (no surrogates), emoji and right-to-left text included.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
emoji = st.sampled_from(["😀", "🟢", "✅", "👩‍👩‍👧", "🇳🇱", "❤️", "\u200d", "\u202e", "\ufeff"])
mention = st.builds(lambda u, n: f"<@{u}|{n}>" if n else f"<@{u}>",
                    st.from_regex(r"[UW][A-Z0-9]{8,10}", fullmatch=True),
                    st.one_of(st.just(""), st.from_regex(r"[a-z.]{1,12}", fullmatch=True)))
channel_link = st.builds(lambda c, n: f"<#{c}|{n}>", st.from_regex(r"C[A-Z0-9]{8,10}",
                                                                 fullmatch=True),
                         st.from_regex(r"[a-z-]{0,12}", fullmatch=True))
special = st.sampled_from(["<!here>", "<!channel>", "<!subteam^S123|@team>", "<https://x.nl|x>",
                           "<mailto:a@b.nl|a@b.nl>", "<tel:0612345678|06 1234 5678>", "<>", "<@",
                           "<#", "|", ">"])
sql = st.sampled_from(["'; DROP TABLE status_updates; --", "\" OR 1=1 --", "%", "_", "\\",
                       "' UNION SELECT * FROM slack_users --", "%%%%", "\x00", "NULL", "\\x27"])
quotes = st.sampled_from(['"', "'", "“", "”", "„", "‘", "’", "`", "```", "«", "»"])
word = st.one_of(
    st.sampled_from(SPELLINGS), st.sampled_from(sorted(STATUS_WORDS)),
    st.sampled_from(["MDA++", "THV", "indicatoren", "wg-mda", "mda-advies",
                     "kennemerland-2021/mda-advies", "samenwerkingsafspraken", "30", "0", "-1", "999999999999",
                     "30d", "dagen", "Q3 2021", "maart 2021", "2021-10-31", "€ 147.125"]),
    st.from_regex(r"[A-Za-z0-9+\-/]{1,12}", fullmatch=True), emoji, mention, channel_link,
    special, sql, quotes, any_text.map(lambda t: t[:20]),
)
separator = st.sampled_from([" ", "  ", "\n", "\t", " \u00a0", ": ", " - ", ", "])
sentence = st.lists(st.tuples(word, separator), max_size=12).map(
    lambda parts: "".join(w + s for w, s in parts))
command_text = st.one_of(
    any_text, sentence,
    st.builds(lambda verb, rest: f"{verb} {rest}", st.sampled_from(SPELLINGS), sentence),
    st.builds(lambda rest: f"/actie {rest}", sentence),
)
# Texts at and beyond Slack's 4,000-character limit, made of repeated command pieces.
long_text = st.builds(lambda piece, n, prefix: (prefix + (piece or "x") * 4100)[:n],
                      st.one_of(word, any_text.map(lambda t: t[:40])),
                      st.integers(3990, 4010),
                      st.sampled_from(["", "update THV risico ", "wie ", "status ", "lijst "]))


def valid_bsn(draw_digits: list[int]) -> str | None:
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    total = sum(w * d for w, d in zip(weights, draw_digits, strict=True))
    last = total % 11
    if last == 10 or (not any(draw_digits) and last == 0):
        return None
    return "".join(map(str, draw_digits)) + str(last)


bsn = st.lists(st.integers(0, 9), min_size=8, max_size=8).map(valid_bsn).filter(bool)
phone = st.one_of(
    st.from_regex(r"06-[1-9][0-9]{7}", fullmatch=True),
    st.from_regex(r"\+31 6 [1-9][0-9]{7}", fullmatch=True),
    st.from_regex(r"0[1-5789][0-9] [1-9][0-9]{2} [0-9]{4}", fullmatch=True),
)
email = st.from_regex(r"[a-z]{1,8}\.[a-z]{1,8}@[a-z]{2,8}\.(nl|com|org)", fullmatch=True)
iban = st.sampled_from(["NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "DE89370400440532013000",
                        "BE68539007547034", "GB82WEST12345698765432"])
birth = st.builds(lambda d, m, y: f"geboren {d}-{m}-{y}", st.integers(1, 28), st.integers(1, 12),
                  st.integers(1990, 2023))
personal = st.one_of(bsn, phone, email, iban, birth)


# -- the grammar --------------------------------------------------------------------------------

def check_parsed(result: object) -> None:
    assert isinstance(result, COMMAND_TYPES)
    for name in ("ref", "group"):
        value = getattr(result, name, None)
        if value is not None:
            assert value and value == value.strip() and len(value) <= grammar.MAX_REF
    if isinstance(result, grammar.Update):
        assert len(result.note) <= grammar.MAX_NOTE and result.note == result.note.strip()
    if isinstance(result, grammar.Upcoming):
        assert 1 <= result.days <= grammar.MAX_DAYS
    if isinstance(result, grammar.Reschedule):
        assert result.reason and result.reason == result.reason.strip()
        assert len(result.reason) <= grammar.MAX_NOTE
    if isinstance(result, grammar.NewActivity):
        assert result.title == result.title.strip() and len(result.title) <= grammar.MAX_REF


@FAST
@given(command_text)
def test_parse_never_raises_and_keeps_its_limits(text: str) -> None:
    check_parsed(grammar.parse(text))


@FAST
@given(command_text)
def test_parse_is_deterministic_and_ignores_what_clean_removes(text: str) -> None:
    assert grammar.parse(text) == grammar.parse(text) == grammar.parse(grammar.clean(text))


@SLOW
@given(long_text)
def test_texts_around_slacks_4000_character_limit_parse_or_are_too_long(text: str) -> None:
    result = grammar.parse(text)
    check_parsed(result)
    if len(grammar.clean(text)) > grammar.MAX_TEXT:
        assert result == grammar.Usage(grammar.Problem.TOO_LONG)


@FAST
@given(st.sampled_from(sorted(STATUS_WORDS)), sentence, sentence)
def test_an_update_with_a_status_word_finds_it(status: str, ref: str, note: str) -> None:
    result = grammar.parse(f"update MDA++ {ref} {status} {note}")
    check_parsed(result)
    assert isinstance(result, grammar.Update | grammar.Usage)
    # Without a status word in the ref, the one given is the one found, after the whole ref.
    assume(not any(parse_status(w.strip(":;,.!")) for w in ref.split()))
    assume(len(grammar.plain_ref(grammar.clean(f"MDA++ {ref}"))) <= grammar.MAX_REF)
    assume(len(note.strip()) <= grammar.MAX_NOTE)
    assert isinstance(result, grammar.Update), result
    assert result.status is STATUS_WORDS[status]
    assert result.ref == grammar.plain_ref(grammar.clean(f"MDA++ {ref}"))


@FAST
@given(st.one_of(any_text, sentence, mention, channel_link, special, sql, quotes))
def test_plain_ref_never_raises_and_trims(text: str) -> None:
    ref = grammar.plain_ref(text)
    assert ref == ref.strip()


# -- ref resolution -----------------------------------------------------------------------------

@cache
def example_index() -> RefIndex:
    """The two example programmes as ref resolution sees them (no database)."""
    from storage.programme_file import read_file

    activities: list[ActivityEntry] = []
    groups: list[GroupEntry] = []
    for path in (KENNEMERLAND, GOOI):
        for file in read_file(path):
            p = file.programme.key
            entries = [ActivityEntry(ActivityId(p, a.key), a.title, a.theme, a.working_group,
                                     a.is_open) for a in file.activities]
            activities += entries
            for g in file.working_groups:
                mine = [e for e in entries if e.group_key == g.key]
                groups.append(GroupEntry(p, g.key, g.name, g.aliases,
                                         tuple(e.id.key for e in mine),
                                         tuple(e.id.key for e in mine if e.is_open)))
    return RefIndex(tuple(groups), tuple(activities))


def check_resolution(found: refs.Resolution, index: RefIndex) -> None:
    ids = {a.id for a in index.activities}
    match found:
        case refs.Match(activity=activity):
            assert activity in ids
        case refs.GroupMatch(group=group):
            assert group in index.groups
        case refs.Ambiguous(candidates=candidates, total=total):
            assert 0 < len(candidates) <= refs.MAX_CANDIDATES <= total or (
                len(candidates) == total > 0)
            assert all(c.id in ids for c in candidates)
        case refs.Unknown(suggestions=suggestions):
            assert len(suggestions) <= refs.MAX_SUGGESTIONS
        case _:
            raise AssertionError(found)


@SLOW
@given(st.one_of(any_text, sentence, word, long_text.map(lambda t: t[:grammar.MAX_REF])))
def test_resolve_never_raises_and_answers_within_the_index(query: str) -> None:
    index = example_index()
    check_resolution(refs.resolve(query, index), index)
    group = refs.resolve_group(query, index)
    assert isinstance(group, GroupEntry | refs.Ambiguous | refs.Unknown)


@FAST
@given(st.data())
def test_every_activity_key_resolves_to_itself_in_any_case(data: st.DataObject) -> None:
    index = example_index()
    activity = data.draw(st.sampled_from(index.activities))
    key = "".join(ch.upper() if data.draw(st.booleans()) else ch for ch in activity.id.key)
    found = refs.resolve(key, index)
    keys = {a.id.key for a in index.activities}
    if list(keys).count(activity.id.key) == 1 and not any(
            g.key == activity.id.key for g in index.groups):
        assert found == refs.Match(activity.id) or (
            isinstance(found, refs.Ambiguous) and activity.id in {c.id for c in found.candidates})


# -- dates --------------------------------------------------------------------------------------

date_words = st.sampled_from(["maart", "eind", "begin", "medio", "Q3", "q5", "H1", "H3",
                              "voorjaar", "winter", "2021", "1989", "2101", "31", "0", "29",
                              "februari", "oktober", "okt.", "uiterlijk", "van", "-", "/", ".",
                              "de", "1e", "laatste", "kwartaal", "helft", "maandag", "zondag",
                              "31-10-2021", "2021-10-31", "10/13/2021", "😀", "'; --"])
date_text = st.one_of(
    any_text.map(lambda t: t[:90]),
    st.lists(date_words, max_size=6).map(" ".join),
)


@FAST
@given(date_text)
def test_parse_due_returns_a_date_none_or_invalid_date_only(text: str) -> None:
    try:
        due = parse_due(text)
    except InvalidDate as error:
        assert error.reason
        return
    if due is not None:
        assert isinstance(due, DueDate)
        assert MIN_YEAR - 1 <= due.value.year <= MAX_YEAR + 1
        assert parse_due(canonical(due)) == due


# -- the privacy guard --------------------------------------------------------------------------

@FAST
@given(st.one_of(any_text, sentence, command_text))
def test_scan_never_raises_and_reports_ordered_spans_inside_the_text(text: str) -> None:
    findings = scan(text)
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert list(findings) == sorted(findings, key=lambda f: (f.start, f.end))


@FAST
@given(st.one_of(any_text, sentence), personal, st.one_of(any_text, sentence))
def test_masked_text_holds_no_personal_data(before: str, data: str, after: str) -> None:
    text = f"{before} {data} {after}"
    masked = mask(text)
    assert is_clean(masked)
    assert data not in masked


@FAST
@given(st.one_of(any_text, sentence))
def test_mask_leaves_clean_text_alone(text: str) -> None:
    if is_clean(text):
        assert mask(text) == text
    else:
        assert MASK in mask(text)


prose = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzéëï ABCXYZ,;!?*_"), max_size=60)


@FAST
@given(prose, personal, prose)
def test_personal_data_amid_prose_is_found_and_named(before: str, data: str, after: str) -> None:
    text = f"{before} {data} {after}"
    assert kinds(data) <= kinds(text) and kinds(data)


ADVERSARIAL = ["0" * 4000, "06-" * 1333, "+31 " * 1000, "a@" * 2000, "NL91" * 1000,
               "geboren " * 500, "1 " * 2000, "123.456." * 500, "<@" * 2000, "(0" * 2000,
               "a." * 2000 + "@", "0031" * 1000, "1-" * 2000, "geb. 1-1-" * 400]


def test_the_guard_runs_in_linear_time_on_adversarial_texts() -> None:
    for text in ADVERSARIAL:
        started = time.perf_counter()
        scan(text)
        mask(text)
        grammar.parse("update THV risico " + text[:1900])
        # Linear: milliseconds. A backtracking regex takes minutes on these, so 5 s cannot
        # flake on a loaded two-core machine and still catches it.
        assert time.perf_counter() - started < 5.0, text[:20]
