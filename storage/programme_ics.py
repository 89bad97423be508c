"""The programme's deadlines and milestones as an iCalendar feed (RFC 5545, `icalendar`).

One all-day event per dated activity deadline and per dated milestone, on the due date; a
deadline given as a month, quarter or half year falls on its last day and its summary names the
period as written ("maart 2021"). UIDs are built from the programme, activity and milestone, so a
calendar that subscribes to (or re-imports) the feed updates its events instead of duplicating
them; SEQUENCE counts the activity's logged updates. Undated and ongoing ("doorlopend") items
get no event. Events are transparent: a deadline does not make anyone busy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from bot.domain.dates import canonical
from bot.domain.model import (
    DUTCH_STATUS_WORD,
    Activity,
    DueDate,
    Precision,
    ProgrammeFile,
    Status,
    WorkingGroup,
)

PRODID = "-//Actiebot//Actieprogramma deadlines//NL"
UID_DOMAIN = "actiebot"
# Deadlines that are not a date: no event. (`doorlopend` is ongoing work, CONTRACT additions.)
UNDATED_PRECISIONS = frozenset({"ongoing", "doorlopend", "continuous", "none"})


def dump_ics(files: list[ProgrammeFile], *, now: datetime | None = None,
             name: str | None = None) -> bytes:
    """One calendar with the events of every programme in `files`."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or " · ".join(f.programme.name for f in files))
    if files:
        calendar.add("x-wr-timezone", files[0].programme.timezone)
    for file in files:
        for event in events(file, stamp):
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def events(file: ProgrammeFile, stamp: datetime) -> Iterable[Event]:
    groups = {g.key: g for g in file.working_groups}
    programme = file.programme.key
    for activity in file.activities:
        group = groups.get(activity.working_group or "")
        day = due_day(activity.due)
        if day is not None and activity.due is not None:
            yield _event(
                uid=f"{programme}/{activity.key}@{UID_DOMAIN}",
                summary=_summary("Deadline", activity.title, activity.due, activity.status),
                day=day, activity=activity, group=group, stamp=stamp, programme_name=
                file.programme.name)
        seen: dict[str, int] = {}
        for milestone in activity.milestones:
            slug = _slug(milestone.title)
            seen[slug] = seen.get(slug, 0) + 1
            if seen[slug] > 1:
                slug = f"{slug}-{seen[slug]}"
            day = due_day(milestone.due)
            if day is None or milestone.due is None:
                continue
            yield _event(
                uid=f"{programme}/{activity.key}/mijlpaal/{slug}@{UID_DOMAIN}",
                summary=_summary("Mijlpaal", f"{milestone.title} ({activity.title})",
                                 milestone.due, activity.status),
                day=day, activity=activity, group=group, stamp=stamp,
                programme_name=file.programme.name, milestone=milestone.title)


def due_day(due: DueDate | None) -> date | None:
    """The day an event goes on, or None when the item has no date (undated, ongoing)."""
    if due is None or getattr(due, "value", None) is None:
        return None
    if str(getattr(due.precision, "value", due.precision)) in UNDATED_PRECISIONS:
        return None
    return due.value


def _summary(kind: str, title: str, due: DueDate, status: Status) -> str:
    text = f"{kind}: {title}"
    if due.precision != Precision.DAY:
        text += f" — {canonical(due)}"
    if status.is_closed:
        text += f" [{DUTCH_STATUS_WORD[status]}]"
    return text


def _event(*, uid: str, summary: str, day: date, activity: Activity, group: WorkingGroup | None,
           stamp: datetime, programme_name: str, milestone: str | None = None) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("sequence", len(activity.updates))
    if activity.updates:
        event.add("last-modified", max(u.at for u in activity.updates).astimezone(UTC))
    if activity.status == Status.CANCELLED:
        event.add("status", "CANCELLED")
    lines = [f"Activiteit: {activity.title} ({activity.key})"]
    if milestone:
        lines.append(f"Mijlpaal: {milestone}")
    if activity.owners:
        lines.append("Eigenaars: " + "; ".join(activity.owners))
    if group is not None:
        lines.append(f"Werkgroep: {group.name}")
    lines.append(f"Status: {DUTCH_STATUS_WORD[activity.status]}")
    if activity.due is not None and milestone:
        lines.append(f"Deadline activiteit: {canonical(activity.due)}")
    if activity.result:
        lines.append(f"Resultaat: {activity.result}")
    lines.append(f"Programma: {programme_name}")
    event.add("description", "\n".join(lines))
    if group is not None:
        event.add("categories", [group.name])
    return event


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60] or "mijlpaal"
