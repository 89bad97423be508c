"""Resolution against a large prepared index answers as against a small one."""

from __future__ import annotations

from bot.domain import refs
from bot.domain.ports import RefIndex
from tests.unit.test_refs import INDEX, P, entry

FILLER = tuple(
    entry(f"b{i:05d}", f"Opstellen werkafspraken ketenpartners Haarlem {i}", "Werkafspraken",
          "wg-bench", is_open=i % 3 != 0)
    for i in range(5000))
LARGE = refs.prepare(RefIndex(groups=INDEX.groups, activities=INDEX.activities + FILLER))


def test_keys_groups_and_words_resolve_in_a_large_index() -> None:
    for query, key in [("MDA++", "mda-advies"), ("indicatoren", "indicatoren-set"),
                       ("b04711", "b04711"), ("vrouwenopvang", "samenwerkingsafspraken-vo"),
                       ("werkafspraken haarlem 4711", "b04711")]:
        found = refs.resolve(query, LARGE)
        assert isinstance(found, refs.Match), (query, found)
        assert found.activity.key == key


def test_many_hits_are_ambiguous_with_the_open_ones_first() -> None:
    found = refs.resolve("werkafspraken ketenpartners", LARGE)
    assert isinstance(found, refs.Ambiguous)
    assert found.total == 5000 and len(found.candidates) == refs.MAX_CANDIDATES
    assert all(c.is_open for c in found.candidates)
    assert [c.id.key for c in found.candidates] == sorted(c.id.key for c in found.candidates)


def test_unknown_in_a_large_index_still_suggests_the_closest() -> None:
    found = refs.resolve("indicatorn", LARGE)
    assert isinstance(found, refs.Unknown)
    assert "indicatoren-set" in found.suggestions or "Indicatoren" in found.suggestions
    assert refs.prepare(LARGE) is LARGE and LARGE.search is not None
    assert P == "kennemerland-2021"
