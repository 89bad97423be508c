"""The read paths of questions see one workspace's programme only, also the values the read
cache keeps (the programmes, the working groups with their member links): each is kept per
workspace and read through the workspace's filter (storage/tenancy.py). One deployment holds
the Kennemerland programme in workspace TB; a unit of work serving TA must find none of it,
whichever of the two asked first and filled the cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from bot.domain import tenancy
from bot.domain.model import Status, StatusUpdate
from bot.domain.ports import ActivityId
from storage.models import ProgrammeRow
from tests.slack.reminder_programme import load_programme

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = "kennemerland-2021"
MDA = ActivityId(PROGRAMME, "mda-advies")


@pytest.fixture
def runtime(db_url: str) -> Iterator[Any]:
    from bot.app import build_runtime
    from bot.config import Settings

    runtime = build_runtime(Settings(database_url=db_url))
    load_programme(runtime.deps, ROOT / "examples" / "kennemerland-2021.yaml")
    with runtime.deps.uow(write=True) as uow:  # moved into TB through a unit of work: the
        uow.repo.session.execute(  # cache learns of it as it would of an import
            update(ProgrammeRow).values(workspace="TB"))
        at = datetime(2021, 3, 1, 10, tzinfo=UTC)
        uow.repo.append_update(MDA, StatusUpdate(  # a log: a status change, a deadline moved
            at=at, author="U0TB00001", old_status=Status.NOT_STARTED,
            new_status=Status.ON_TRACK, note="loopt"), source="slack")
        uow.repo.append_update(MDA, StatusUpdate(
            at=at, author="U0TB00001", old_status=None, new_status=Status.ON_TRACK,
            note="later", event="reschedule"), source="slack")
        uow.commit()
    yield runtime
    runtime.engine.dispose()


def seen(runtime: Any, workspace: str) -> dict[str, Any]:
    with tenancy.serving(workspace), runtime.deps.uow() as uow:
        repo = uow.repo
        activity = repo.get_activity(MDA)
        return {
            "activity": activity and (activity.key, len(activity.milestones)),
            "programme": repo.get_programme(PROGRAMME) is not None,
            "programmes": [p.key for p in repo.list_programmes()],
            "groups": [g.key for _p, g in repo.list_groups()],
            "group": repo.get_group(PROGRAMME, "wg-mda") is not None,
            "channel": [g.key for _p, g in repo.find_groups_by_channel("C0MDA0001")],
            "listed": len(repo.list_activities(limit=5)),
            "log": [u.note for u in repo.list_updates(MDA)],
            "last": (last := repo.last_update(MDA)) and last.note,
            "moved": (moved := repo.last_reschedule(MDA)) and moved.note,
        }


NOTHING = {"activity": None, "programme": False, "programmes": [], "groups": [],
           "group": False, "channel": [], "listed": 0, "log": [], "last": None,
           "moved": None}


@pytest.mark.parametrize("first", ["TB", "TA"])
def test_a_workspace_sees_nothing_of_anothers_programme(runtime: Any, first: str) -> None:
    order = [first, "TA" if first == "TB" else "TB"]
    found = {workspace: seen(runtime, workspace) for workspace in order}
    found.update({workspace: seen(runtime, workspace) for workspace in order})  # now kept
    assert found["TA"] == NOTHING
    theirs = found["TB"]
    assert theirs["activity"] == ("mda-advies", 2) and theirs["programme"]
    assert theirs["programmes"] == [PROGRAMME] and theirs["group"]
    assert len(theirs["groups"]) == 6 and theirs["channel"] == ["wg-mda"]
    assert theirs["listed"] == 5
    assert sorted(theirs["log"]) == ["later", "loopt"] and theirs["moved"] == "later"
