"""The `/actie` grammar as a conversation table: text in, command (or usage problem) out."""

from __future__ import annotations

import pytest

from bot.domain import grammar as g
from bot.domain.model import Status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", g.Help()),
        ("help", g.Help()),
        ("hulp", g.Help()),
        ("wie MDA++", g.Who("MDA++")),
        ("owner MDA++", g.Who("MDA++")),
        ("/actie wie MDA++", g.Who("MDA++")),
        ("WIE   mda++ ", g.Who("mda++")),
        ("wanneer indicatoren", g.When("indicatoren")),
        ("deadline Tijdelijk Huisverbod", g.When("Tijdelijk Huisverbod")),
        ('wanneer "Tijdelijk Huisverbod"?', g.When("Tijdelijk Huisverbod")),
        ("status", g.StatusOf(None)),
        ("status THV", g.StatusOf("THV")),
        ("update THV risico", g.Update("THV", Status.AT_RISK, "")),
        ("update THV: risico, het onderzoek is vertraagd",
         g.Update("THV", Status.AT_RISK, "het onderzoek is vertraagd")),
        ("bijwerken Tijdelijk Huisverbod op-schema loopt", g.Update("Tijdelijk Huisverbod",
                                                                     Status.ON_TRACK, "loopt")),
        ("update mda-advies done", g.Update("mda-advies", Status.DONE, "")),
        ("update thv GEREED klaar!", g.Update("thv", Status.DONE, "klaar!")),
        ("binnenkort", g.Upcoming(30)),
        ("upcoming 14", g.Upcoming(14)),
        ("te-laat", g.Overdue()),
        ("overdue", g.Overdue()),
        ("lijst", g.ListActivities(None)),
        ("list MDA++", g.ListActivities("MDA++")),
        ("overzicht", g.Overview()),
        ("digest", g.Overview()),
        ("geschiedenis THV", g.History("THV")),
        ("history <#C0123|thv>", g.History("thv")),
        ("koppel MDA++", g.Link("MDA++")),
        ("link wg-thv", g.Link("wg-thv")),
    ],
)
def test_text_becomes_a_command(text: str, expected: object) -> None:
    assert g.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "problem", "suggestions"),
    [
        ("wei MDA++", g.Problem.UNKNOWN_VERB, ("wie",)),
        ("wanner MDA++", g.Problem.UNKNOWN_VERB, ("wanneer",)),
        ("🎉", g.Problem.UNKNOWN_VERB, ()),
        ("wie", g.Problem.MISSING_REF, ()),
        ("wanneer    ", g.Problem.MISSING_REF, ()),
        ("update THV riscio het loopt uit", g.Problem.UNKNOWN_STATUS, ("risico",)),
        ("binnenkort veel", g.Problem.BAD_DAYS, ()),
        ("binnenkort 0", g.Problem.BAD_DAYS, ()),
        ("binnenkort 9999", g.Problem.BAD_DAYS, ()),
        ("te-laat nu", g.Problem.EXTRA_WORDS, ()),
        ("koppel", g.Problem.MISSING_GROUP, ()),
        ("wie " + "x" * 300, g.Problem.TOO_LONG, ()),
        ("x" * 4001, g.Problem.TOO_LONG, ()),
        ("update THV gereed " + "y" * 2001, g.Problem.NOTE_TOO_LONG, ()),
    ],
)
def test_mistakes_are_values_not_exceptions(text: str, problem: g.Problem,
                                            suggestions: tuple[str, ...]) -> None:
    result = g.parse(text)
    assert isinstance(result, g.Usage)
    assert result.problem is problem
    assert result.suggestions[: len(suggestions)] == suggestions


def test_control_characters_are_removed_but_newlines_in_notes_kept() -> None:
    result = g.parse("update THV risico eerste regel\ntweede\x00regel")
    assert result == g.Update("THV", Status.AT_RISK, "eerste regel\ntweederegel")


def test_a_custom_command_name_is_stripped() -> None:
    assert g.parse("/taak wie MDA++", "/taak") == g.Who("MDA++")
