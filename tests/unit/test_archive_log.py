"""The archive's log (bot/domain/archive.py): who acted by organisation and role, never by Slack
identity, and the half years a log covers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.archive import Role, author_role, half_years, log_entries
from bot.domain.model import (
    Activity,
    Programme,
    ProgrammeFile,
    Status,
    StatusUpdate,
    WorkingGroup,
)

GROUP = {"GGD": ("U0GGD00001",)}
EVERYONE = {"GGD": ("U0GGD00001",), "Politie": ("U0POL00001", "U0BOTH0001")}


@pytest.mark.parametrize(("author", "admins", "expected"), [
    ("U0GGD00001", (), ("GGD", Role.MEMBER, None)),
    ("U0POL00001", (), ("Politie", Role.MEMBER, None)),  # linked in another group
    ("U0BOTH0001", ("U0BOTH0001",), ("Politie", Role.ADMIN, None)),
    ("U0ADMIN001", ("U0ADMIN001",), (None, Role.ADMIN, None)),
    ("U0OTHER001", (), (None, Role.CHANNEL, None)),
    ("import", (), (None, Role.IMPORT, None)),
    ("vergeten-3f9c2a1b7e", (), (None, Role.FORGOTTEN, None)),
    ("1ste voortgangsrapportage", (), (None, Role.DOCUMENT, "1ste voortgangsrapportage")),
])
def test_author_role(author: str, admins: tuple[str, ...],
                     expected: tuple[str | None, str, str | None]) -> None:
    assert author_role(author, EVERYONE, GROUP, admins) == expected


def _at(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def test_log_entries_hide_ids_and_half_years_span_the_log() -> None:
    file = ProgrammeFile(
        programme=Programme(key="p", name="P", admins=("U0ADMIN001",)),
        working_groups=(WorkingGroup(key="wg", name="Werkgroep", members=dict(GROUP)),),
        activities=(Activity(key="a", title="A", working_group="wg", updates=(
            StatusUpdate(_at(2021, 12, 31, 23), "U0GGD00001", None, Status.ON_TRACK,
                         "met <@U0OTHER001|piet> en U0ADMIN001 besproken"),
            StatusUpdate(_at(2020, 5, 1), "U0ADMIN001", None, Status.AT_RISK, "ok"),
        )),))
    entries = log_entries(file)
    assert [e.role for e in entries] == [Role.ADMIN, Role.MEMBER]
    assert entries[1].note == "met [persoon] en [persoon] besproken"
    assert entries[1].at.isoformat() == "2022-01-01T00:00:00+01:00"  # local time
    assert entries[1].organisation == "GGD" and entries[1].working_group == "Werkgroep"
    assert [p.key for p in half_years(entries)] == ["2020-H1", "2020-H2", "2021-H1", "2021-H2",
                                                    "2022-H1"]
    assert half_years([]) == []
