"""Questions as people ask them, through the real command layer (grammar -> services -> the
database) against the Kennemerland example, on a pinned clock (Tuesday 15 June 2021, 09:00).

Each row says what the answer must be: its type and the activity it resolved to (or the list it
is), never a text fragment that a refusal would also contain.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain import grammar
from bot.services import Actor
from bot.services import results as r
from bot.services.commands import execute
from bot.services.reminders import PinnedClock
from tests.slack.reminder_programme import load_programme

ROOT = Path(__file__).resolve().parents[2]
JUNE_15 = datetime(2021, 6, 15, 9, tzinfo=ZoneInfo("Europe/Amsterdam"))

WHO, WHEN, STATUS, HISTORY = r.OwnersAnswer, r.DeadlineAnswer, r.StatusAnswer, r.HistoryAnswer
AMBIGUOUS, UNKNOWN = r.AmbiguousRef, r.UnknownRef

# (what people type, the answer type, the activity key it must be about, or None)
ONE_ACTIVITY: list[tuple[str, type, str]] = [
    # the issue's own examples
    ("wie doet de zelfscan", WHO, "zelfscan-wijkteams"),
    ("wanneer moet de zelfscan klaar zijn", WHEN, "zelfscan-wijkteams"),
    ("eigenaar THV", WHO, "thv-onderzoek"),
    ("when indicators", WHEN, "indicatoren-set"),
    ("who is doing the self-scan", WHO, "zelfscan-wijkteams"),
    # Dutch: wie
    ("Wie doet de zelfscan?", WHO, "zelfscan-wijkteams"),
    ("wie trekt de plegeraanpak", WHO, "plegeraanpak"),
    ("wie is eigenaar van MDA++", WHO, "mda-advies"),
    ("wie is verantwoordelijk voor de indicatoren?", WHO, "indicatoren-set"),
    ("wie zijn de eigenaren van het THV-onderzoek", WHO, "thv-onderzoek"),
    ("wie werkt aan de meldcode", WHO, "meldcode-focusgroepen"),
    ("eigenaar van de zelfscan", WHO, "zelfscan-wijkteams"),
    ("eigenaren plegeraanpak", WHO, "plegeraanpak"),
    ("wie de zelfscan", WHO, "zelfscan-wijkteams"),
    ("hoi, wie doet de zelfscan?", WHO, "zelfscan-wijkteams"),
    ("WIE DOET DE ZELFSCAN", WHO, "zelfscan-wijkteams"),
    ("wie mda-advies", WHO, "mda-advies"),
    # Dutch: wanneer
    ("wanneer moet MDA++ af zijn?", WHEN, "mda-advies"),
    ("wanneer is de zelfscan klaar", WHEN, "zelfscan-wijkteams"),
    ("wanneer moeten de indicatoren gereed zijn", WHEN, "indicatoren-set"),
    ("wanneer moet de plegeraanpak af", WHEN, "plegeraanpak"),
    ("wat is de deadline van de zelfscan", WHEN, "zelfscan-wijkteams"),
    ("deadline van THV", WHEN, "thv-onderzoek"),
    ("deadline voor de indicatoren?", WHEN, "indicatoren-set"),
    ("wanneer indicatoren", WHEN, "indicatoren-set"),
    ("wanneer wordt de actieagenda 2022 opgeleverd", WHEN, "actieagenda-2022"),
    # Dutch: status and history
    ("hoe staat het met de zelfscan?", STATUS, "zelfscan-wijkteams"),
    ("hoe gaat het met MDA++", STATUS, "mda-advies"),
    ("status van de plegeraanpak", STATUS, "plegeraanpak"),
    ("stand van de indicatoren", STATUS, "indicatoren-set"),
    ("geschiedenis van de zelfscan", HISTORY, "zelfscan-wijkteams"),
    ("wat is er gebeurd met THV?", HISTORY, "thv-onderzoek"),
    # English
    ("who owns MDA++?", WHO, "mda-advies"),
    ("who is responsible for the indicators", WHO, "indicatoren-set"),
    ("who is working on the perpetrator approach", WHO, "plegeraanpak"),
    ("Who is in charge of THV?", WHO, "thv-onderzoek"),
    ("owner of the self-scan", WHO, "zelfscan-wijkteams"),
    ("who does the selfscan", WHO, "zelfscan-wijkteams"),
    ("when is the self-scan due?", WHEN, "zelfscan-wijkteams"),
    ("when should the indicators be done", WHEN, "indicatoren-set"),
    ("when is MDA++ due", WHEN, "mda-advies"),
    ("deadline for the self scan", WHEN, "zelfscan-wijkteams"),
    ("what is the deadline of THV?", WHEN, "thv-onderzoek"),
    ("when self-scan", WHEN, "zelfscan-wijkteams"),
    ("how is the self-scan going?", STATUS, "zelfscan-wijkteams"),
    ("status of the indicators", STATUS, "indicatoren-set"),
    ("history of MDA++", HISTORY, "mda-advies"),
    ("what happened to THV", HISTORY, "thv-onderzoek"),
]

REFUSED: list[tuple[str, type]] = [
    # really ambiguous: two activities share the words
    ("wie doet de samenwerkingsafspraken", AMBIGUOUS),
    ("wanneer moet GSV klaar zijn", AMBIGUOUS),
    ("who is doing GHNT?", AMBIGUOUS),  # the projectteam has three open activities
    ("wie doet de boekhouding", UNKNOWN),
    ("when is the annual party", UNKNOWN),
]


@pytest.fixture(scope="module")
def deps(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from bot.app import build_runtime
    from bot.config import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('questions') / 'actiebot.db'}"
    runtime = build_runtime(Settings(database_url=url))
    load_programme(runtime.deps, ROOT / "examples" / "kennemerland-2021.yaml")
    yield replace(runtime.deps, clock=PinnedClock(JUNE_15))
    runtime.engine.dispose()


def ask(deps: Any, text: str) -> Any:
    return execute(deps, grammar.parse(text), Actor.console())


@pytest.mark.parametrize(("text", "kind", "key"), ONE_ACTIVITY, ids=[t for t, _, _ in ONE_ACTIVITY])
def test_a_question_about_one_activity(deps: Any, text: str, kind: type, key: str) -> None:
    answer = ask(deps, text)
    assert isinstance(answer, kind), answer
    assert answer.activity.key == key


@pytest.mark.parametrize(("text", "kind"), REFUSED, ids=[t for t, _ in REFUSED])
def test_what_is_really_ambiguous_or_unknown_is_refused(deps: Any, text: str, kind: type) -> None:
    answer = ask(deps, text)
    assert isinstance(answer, kind), answer
    if isinstance(answer, AMBIGUOUS):
        assert len(answer.candidates) >= 2


OVERDUE_ON_JUNE_15 = ["mda-advies"]  # "Onderzoek en advies", maart 2021

LISTS: list[tuple[str, str, str | None]] = [
    ("te laat", "overdue", None),
    ("te-laat", "overdue", None),
    ("Te laat?", "overdue", None),
    ("wat is te laat", "overdue", None),
    ("wat loopt er achter", "overdue", None),
    ("achterstallig", "overdue", None),
    ("what is overdue?", "overdue", None),
    ("overdue", "overdue", None),
    ("what's late", "overdue", None),
    ("wat moet er deze maand af", "upcoming", "month"),
    ("wat moet er deze maand af?", "upcoming", "month"),
    ("deze maand", "upcoming", "month"),
    ("what is due this month", "upcoming", "month"),
    ("wat moet er deze week af", "upcoming", "week"),
    ("this week", "upcoming", "week"),
    ("wat komt eraan", "upcoming", None),
    ("what's coming up?", "upcoming", None),
    ("binnenkort", "upcoming", None),
]


@pytest.mark.parametrize(("text", "kind", "period"), LISTS, ids=[t for t, _, _ in LISTS])
def test_list_questions(deps: Any, text: str, kind: str, period: str | None) -> None:
    answer = ask(deps, text)
    assert isinstance(answer, r.DueListAnswer), answer
    assert (answer.kind, answer.period) == (kind, period)
    if kind == "overdue":
        assert [e.item.activity.key for e in answer.entries] == OVERDUE_ON_JUNE_15
    elif period == "month":
        assert answer.days == 15 and answer.entries == ()  # 15 -> 30 June: nothing due
        assert answer.overdue_count == 1  # ... but the hint counts the overdue milestone
    elif period == "week":
        assert answer.days == 5  # Tuesday 15 -> Sunday 20 June


@pytest.mark.parametrize("text", ["wat staat er open", "wat staat er nog open?", "open",
                                  "what is open", "status"])
def test_what_is_open(deps: Any, text: str) -> None:
    answer = ask(deps, text)
    assert isinstance(answer, r.GroupStatusAnswer), answer
    assert answer.total == 14  # every activity of the 2021 agenda (and its recurring work) is open


@pytest.mark.parametrize("text", ["welke werkgroepen zijn er", "werkgroepen", "groups", "lijst"])
def test_which_groups(deps: Any, text: str) -> None:
    assert isinstance(ask(deps, text), r.GroupsAnswer)


@pytest.mark.parametrize(("text", "group"), [("welke activiteiten heeft MDA++", "wg-mda"),
                                             ("lijst van THV", "wg-thv"),
                                             ("which activities does GHNT have", "wg-ghnt")])
def test_a_group_s_activities(deps: Any, text: str, group: str) -> None:
    answer = ask(deps, text)
    assert isinstance(answer, r.ActivityListAnswer), answer
    assert answer.group.key == group


@pytest.mark.parametrize("text", ["wat kan ik vragen", "hoe werkt dit?", "what can I ask",
                                  "help"])
def test_help_questions(deps: Any, text: str) -> None:
    assert isinstance(ask(deps, text), r.HelpAnswer)


def test_the_table_has_at_least_sixty_phrasings() -> None:
    assert len(ONE_ACTIVITY) + len(REFUSED) + len(LISTS) + 5 + 4 + 3 + 4 >= 60
