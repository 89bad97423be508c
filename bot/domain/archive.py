"""The update log as the municipal record keeps it: who acted by organisation and role, never by
Slack identity (`actiebot export --format archive`).

Pure: from a programme as its file holds it (activities with their log, working groups with
their members, the programme's admins) to ``LogEntry`` rows and the half years the log covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.model import ProgrammeFile, Status
from bot.domain.periods import Period, half_year_of
from bot.domain.privacy import hide_slack_people

PERSON = "[persoon]"
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
FORGOTTEN_PREFIX = "vergeten-"  # a pseudonym left by `actiebot forget-user`


class Role:
    """Roles in the log, in Dutch: the archive is a Dutch municipal record."""

    ADMIN = "programmabeheerder"
    MEMBER = "lid werkgroep namens eigenaar"
    CHANNEL = "deelnemer werkgroepkanaal"
    IMPORT = "import programmabestand"
    DOCUMENT = "overgenomen uit document"
    FORGOTTEN = "onbekend (gegevens verwijderd op verzoek)"


@dataclass(frozen=True, slots=True)
class LogEntry:
    programme: str
    activity: str
    activity_title: str
    working_group: str | None  # the group's name
    at: datetime  # local time in the programme's zone
    event: str  # "update", "reschedule", "created"
    old_status: Status | None
    new_status: Status
    old_due: str | None
    new_due: str | None
    note: str  # Slack identities replaced by "[persoon]"
    organisation: str | None
    role: str
    source: str | None  # the document a transcribed entry came from


def author_role(
    author: str, members: dict[str, tuple[str, ...]], group_members: dict[str, tuple[str, ...]],
    admins: Iterable[str],
) -> tuple[str | None, str, str | None]:
    """(organisation, role, source document) of an update's author. `group_members`: the
    activity's working group (owner -> Slack users); `members`: every group of the programme."""
    if author == "import":
        return None, Role.IMPORT, None
    if author.startswith(FORGOTTEN_PREFIX):
        return None, Role.FORGOTTEN, None
    if not _SLACK_USER.match(author):  # history transcribed from a report or letter
        return None, Role.DOCUMENT, author
    organisation = next((owner for owner, users in group_members.items() if author in users),
                        None)
    if organisation is None:
        organisation = next((owner for owner, users in members.items() if author in users), None)
    if author in set(admins):
        return organisation, Role.ADMIN, None
    return organisation, (Role.MEMBER if organisation else Role.CHANNEL), None


def log_entries(file: ProgrammeFile, admins: Iterable[str] = ()) -> list[LogEntry]:
    """Every entry of the programme's update log, oldest first."""
    from bot.domain.dates import canonical

    zone = ZoneInfo(file.programme.timezone)
    everyone = {*file.programme.admins, *admins}
    groups = {g.key: g for g in file.working_groups}
    members: dict[str, tuple[str, ...]] = {}
    for each in file.working_groups:
        for owner, users in each.members.items():
            members[owner] = (*members.get(owner, ()), *users)
    entries: list[LogEntry] = []
    for activity in file.activities:
        group = groups.get(activity.working_group or "")
        for update in activity.updates:
            organisation, role, source = author_role(
                update.author, members, group.members if group else {}, everyone)
            if update.author_org and role != Role.FORGOTTEN:  # a partner's member: their own
                organisation = update.author_org
            entries.append(LogEntry(
                programme=file.programme.key, activity=activity.key,
                activity_title=activity.title, working_group=group.name if group else None,
                at=update.at.astimezone(zone), event=str(update.event),
                old_status=update.old_status, new_status=update.new_status,
                old_due=canonical(update.old_due) if update.old_due else None,
                new_due=canonical(update.new_due) if update.new_due else None,
                note=hide_slack_people(update.note or "", PERSON),
                organisation=organisation, role=role, source=source))
    entries.sort(key=lambda e: (e.at, e.activity))
    return entries


def half_years(entries: Iterable[LogEntry]) -> list[Period]:
    """The half years the log covers, from its first entry's to its last entry's, oldest first."""
    days = [e.at.date() for e in entries]
    if not days:
        return []
    first, last = half_year_of(min(days)), half_year_of(max(days))
    periods = [first]
    while periods[-1] != last:
        periods.append(periods[-1].next())
    return periods


def coverage(entries: Iterable[LogEntry]) -> tuple[date, date] | None:
    days = [e.at.date() for e in entries]
    return (min(days), max(days)) if days else None
