"""The programme's deadlines and milestones as an iCalendar feed (RFC 5545, `icalendar`).

One all-day event per dated activity deadline and per dated milestone, on the due date; a
deadline given as a month, quarter or half year falls on its last day and its summary names the
period as written ("maart 2021"). UIDs are built from the programme, activity and milestone, so a
calendar that subscribes to (or re-imports) the feed updates its events instead of duplicating
them; SEQUENCE counts the activity's logged updates. Undated and ongoing ("doorlopend") items
get no event. Events are transparent: a deadline does not make anyone busy. Every event has
STATUS (CONFIRMED, or CANCELLED for a cancelled item); a recurring item is one event per
occurrence. The calendar asks subscribers to fetch again hourly (REFRESH-INTERVAL,
X-PUBLISHED-TTL); `GET /calendar/<token>.ics` serves it (bot/calendar_feed.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
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
    StatusUpdate,
    WorkingGroup,
)
from bot.domain.recurrence import Occurrence, planned_dues

PRODID = "-//Actiebot//Actieprogramma deadlines//NL"
UID_DOMAIN = "actiebot"
# Deadlines that are not a date: no event. (`doorlopend` is ongoing work, CONTRACT additions.)
UNDATED_PRECISIONS = frozenset({"ongoing", "doorlopend", "continuous", "none"})


REFRESH = timedelta(hours=1)  # how often a subscribed calendar should fetch the feed again


def dump_ics(files: list[ProgrammeFile], *, now: datetime | None = None,
             name: str | None = None,
             occurrences: Mapping[tuple[str, str], Sequence[Occurrence]] | None = None,
             ) -> bytes:
    """One calendar with the events of every programme in `files`. `occurrences` (by programme
    and activity key) gives each recurring activity's occurrences as stored, with their own
    status; without it they are planned from the file's `recurs:`."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or " · ".join(f.programme.name for f in files))
    if files:
        calendar.add("x-wr-timezone", files[0].programme.timezone)
    # subscribed calendars (Outlook, Apple, Thunderbird) fetch again after this long
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for file in files:
        for event in events(file, stamp, occurrences or {}):
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def events(file: ProgrammeFile, stamp: datetime,
           occurrences: Mapping[tuple[str, str], Sequence[Occurrence]] | None = None,
           ) -> Iterable[Event]:
    """Each dated deadline and milestone as an event. A recurring activity gives one event per
    occurrence (its own deadline and status); the first keeps the activity's UID, the others
    add `/keer-N`, so the UIDs stay stable across fetches and a subscription updates in place."""
    groups = {g.key: g for g in file.working_groups}
    programme = file.programme.key
    for activity in file.activities:
        group = groups.get(activity.working_group or "")
        base = f"{programme}/{activity.key}"
        stored = (occurrences or {}).get((programme, activity.key))
        planned = planned_dues(activity.due, activity.extra, file.programme.extra)
        if stored:
            items = [(o.number, o.due, o.status) for o in stored]
        elif planned:
            items = [(n, due, Status.NOT_STARTED) for n, due in enumerate(planned, start=1)]
        else:
            items = [(0, activity.due, activity.status)] if activity.due is not None else []
        for number, due, status in items:
            day = due_day(due)
            if day is None or due is None:
                continue
            updates = [u for u in activity.updates
                       if not number or u.occurrence == number
                       or (number == 1 and u.occurrence is None)]
            title = activity.title + (f" ({number}/{len(items)})" if number else "")
            yield _event(
                uid=f"{base}{_keer(number)}@{UID_DOMAIN}",
                summary=_summary("Deadline", title, due, status),
                day=day, activity=activity, group=group, stamp=stamp, status=status,
                updates=updates, programme_name=file.programme.name)
        seen: dict[str, int] = {}
        for milestone in activity.milestones:
            slug = _slug(milestone.title)
            seen[slug] = seen.get(slug, 0) + 1
            if seen[slug] > 1:
                slug = f"{slug}-{seen[slug]}"
            dues = planned_dues(milestone.due, milestone.extra, file.programme.extra)
            numbered = (list(enumerate(dues, start=1)) if dues
                        else [(0, milestone.due)] if milestone.due is not None else [])
            for number, due in numbered:
                day = due_day(due)
                if day is None or due is None:
                    continue
                title = milestone.title + (f" {number}/{len(numbered)}" if number else "")
                yield _event(
                    uid=f"{base}/mijlpaal/{slug}{_keer(number)}@{UID_DOMAIN}",
                    summary=_summary("Mijlpaal", f"{title} ({activity.title})", due,
                                     activity.status),
                    day=day, activity=activity, group=group, stamp=stamp,
                    status=activity.status, updates=list(activity.updates),
                    programme_name=file.programme.name, milestone=milestone.title)


def _keer(number: int) -> str:
    return f"/keer-{number}" if number > 1 else ""


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
           stamp: datetime, status: Status, updates: Sequence[StatusUpdate],
           programme_name: str, milestone: str | None = None) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("sequence", len(updates))
    if updates:
        event.add("last-modified", max(u.at for u in updates).astimezone(UTC))
    # Done items stay in the calendar, marked "[gereed]" in their summary; cancelled ones are
    # CANCELLED (Outlook and Google Calendar then strike or hide them).
    event.add("status", "CANCELLED" if status == Status.CANCELLED else "CONFIRMED")
    lines = [f"Activiteit: {activity.title} ({activity.key})"]
    if milestone:
        lines.append(f"Mijlpaal: {milestone}")
    if activity.owners:
        lines.append("Eigenaars: " + "; ".join(activity.owners))
    if group is not None:
        lines.append(f"Werkgroep: {group.name}")
    lines.append(f"Status: {DUTCH_STATUS_WORD[status]}")
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
