"""Ref resolution: keys, aliases, words of title or theme; ambiguity and suggestions."""

from __future__ import annotations

import pytest

from bot.domain import refs
from bot.domain.ports import ActivityEntry, ActivityId, GroupEntry, RefIndex

P = "kennemerland-2021"


def entry(key: str, title: str, theme: str | None, group: str | None,
          is_open: bool = True) -> ActivityEntry:
    return ActivityEntry(ActivityId(P, key), title, theme, group, is_open)


ACTIVITIES = (
    entry("mda-advies", "Omvang en kenmerken MDA++-gezinnen in beeld", "MDA++", "wg-mda"),
    entry("thv-onderzoek", "Onderzoek naar de effectiviteit van het Tijdelijk Huisverbod",
          "(Door)ontwikkelen Tijdelijk Huisverbod en plegeraanpak", "wg-thv"),
    entry("plegeraanpak", "Plegeraanbod in de regio in beeld",
          "(Door)ontwikkelen Tijdelijk Huisverbod en plegeraanpak", "wg-pleger"),
    entry("samenwerkingsafspraken-vt", "Samenwerkingsafspraken Veilig Thuis en lokale teams",
          "Samenwerkingsafspraken", "wg-ghnt"),
    entry("samenwerkingsafspraken-vo", "Samenwerkingsafspraken Vrouwenopvang en lokale teams",
          "Samenwerkingsafspraken", "wg-bvno"),
    entry("indicatoren-set", "Set van indicatoren opstellen", "Monitoring en indicatoren",
          "wg-indicatoren"),
    entry("zelfscan", "Zelfscan Werken aan Veiligheid", "Versterken lokale (wijk)teams",
          "wg-ghnt", is_open=False),
)


def group(key: str, name: str, aliases: tuple[str, ...]) -> GroupEntry:
    members = [a for a in ACTIVITIES if a.group_key == key]
    return GroupEntry(P, key, name, aliases, tuple(a.id.key for a in members),
                      tuple(a.id.key for a in members if a.is_open))


INDEX = RefIndex(
    groups=(
        group("wg-mda", "Werkgroep MDA++, Hoe verder?", ("MDA++",)),
        group("wg-thv", "Werkgroep Tijdelijk Huisverbod", ("THV", "Tijdelijk Huisverbod")),
        group("wg-pleger", "Werkgroep Plegeraanpak", ("Plegeraanpak",)),
        group("wg-indicatoren", "Werkgroep Indicatoren", ("Indicatoren",)),
        group("wg-ghnt", "Projectteam GHNT", ("GHNT",)),
        group("wg-bvno", "Projectgroep Blijf Veilig na Opvang", ("BVNO",)),
    ),
    activities=ACTIVITIES,
)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("mda-advies", "mda-advies"),
        ("MDA-ADVIES", "mda-advies"),
        ("MDA++", "mda-advies"),
        ("mda ++", "mda-advies"),
        ("THV", "thv-onderzoek"),
        ("tijdelijk huisverbod", "thv-onderzoek"),
        ("indicatoren", "indicatoren-set"),
        ("Indicatóren", "indicatoren-set"),
        ("Werkgroep Plegeraanpak", "plegeraanpak"),
        ("vrouwenopvang", "samenwerkingsafspraken-vo"),
        ("BVNO", "samenwerkingsafspraken-vo"),
        ("GHNT", "samenwerkingsafspraken-vt"),  # the group's only open activity
        (f"{P}/zelfscan", "zelfscan"),
    ],
)
def test_ref_resolves_to_one_activity(query: str, key: str) -> None:
    found = refs.resolve(query, INDEX)
    assert isinstance(found, refs.Match), found
    assert found.activity.key == key


def test_ambiguous_words_give_the_candidates() -> None:
    found = refs.resolve("samenwerkingsafspraken", INDEX)
    assert isinstance(found, refs.Ambiguous)
    assert {c.id.key for c in found.candidates} == {"samenwerkingsafspraken-vt",
                                                   "samenwerkingsafspraken-vo"}


def test_unknown_gives_the_closest_suggestions() -> None:
    found = refs.resolve("indicatorn", INDEX)
    assert isinstance(found, refs.Unknown)
    assert found.suggestions and found.suggestions[0] in ("Indicatoren", "indicatoren-set")


def test_nonsense_gives_no_suggestions_and_no_error() -> None:
    for query in ("", "   ", "🎉🎉", "'; DROP TABLE activities; --", "<@U123|bob>"):
        assert isinstance(refs.resolve(query, INDEX), (refs.Unknown, refs.Ambiguous, refs.Match))


def test_group_lookup_for_lijst_and_koppel() -> None:
    assert refs.resolve_group("thv", INDEX) == INDEX.groups[1]
    assert refs.resolve_group("Werkgroep Indicatoren", INDEX) == INDEX.groups[3]
    assert isinstance(refs.resolve_group("onbekend", INDEX), refs.Unknown)
