"""`actiebot rollover`: next year's programme from this year's (CONTRACT: CLI additions).

What carries over: the programme's settings, working groups (channels, reminder policies,
members), goals, and every open activity (status not gereed/vervallen) with its key, owners,
deadlines, milestones and status. Done and cancelled activities stay behind.

How history stays linked, honestly: the carried activity's log is not copied (those updates
happened to the old activity). The new activity records `carried_from: OLDKEY/activity` (a
key kept with the activity, exported and imported like any other), its log starts with one
entry saying it was carried over, and `geschiedenis` follows `carried_from` to show the old
entries beneath the new ones, across as many years as the chain goes back. The old programme
is kept whole and archived (`succeeded_by: NEWKEY`): no longer resolved by `/actie`, bound to
channels, reminded or digested, so the same activity is never asked about or reminded twice.
All of it in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from bot.domain.model import Activity, ProgrammeFile, StatusUpdate
from bot.services.deps import Deps

CARRIED_FROM = "carried_from"  # activity and programme key: where it was carried over from
SUCCEEDED_BY = "succeeded_by"  # programme key: the programme it was carried over into
ROLLOVER_AUTHOR = "rollover"
MAX_CHAIN = 25  # years of carry-over followed by `geschiedenis`


@dataclass(frozen=True, slots=True)
class RolloverPlan:
    source: ProgrammeFile
    target: ProgrammeFile
    carried: tuple[Activity, ...]  # as they are in the source programme
    left_behind: tuple[Activity, ...]


@dataclass(frozen=True, slots=True)
class RolledOver:
    plan: RolloverPlan
    dry_run: bool


@dataclass(frozen=True, slots=True)
class RolloverRefused:
    reason: Literal["unknown", "exists", "same", "archived"]
    key: str
    successor: str | None = None


def rollover(deps: Deps, source_key: str, target_key: str, name: str | None = None,
             dry_run: bool = False) -> RolledOver | RolloverRefused:
    if source_key == target_key:
        return RolloverRefused("same", source_key)
    with deps.uow(write=not dry_run) as uow:
        source = uow.repo.load_programme(source_key)
        if source is None:
            return RolloverRefused("unknown", source_key)
        if source.programme.extra.get(SUCCEEDED_BY):
            return RolloverRefused("archived", source_key,
                                   str(source.programme.extra[SUCCEEDED_BY]))
        if uow.repo.get_programme(target_key) is not None:
            return RolloverRefused("exists", target_key)
        plan = plan_rollover(source, target_key, name, deps.now())
        if not dry_run:
            uow.repo.save_programme(plan.target)
            uow.repo.archive_programme(source_key, target_key)
            uow.commit()
    return RolledOver(plan, dry_run)


def plan_rollover(source: ProgrammeFile, target_key: str, name: str | None,
                  at: datetime) -> RolloverPlan:
    """The new programme (pure: nothing is read or written here)."""
    old = source.programme
    carried = tuple(a for a in source.activities if a.is_open)
    left_behind = tuple(a for a in source.activities if not a.is_open)
    activities = tuple(
        replace(
            a, programme_key=target_key,
            updates=(StatusUpdate(
                at=at, author=ROLLOVER_AUTHOR, old_status=a.status, new_status=a.status,
                note=f"Overgenomen uit {old.key} ({a.key}); eerdere updates staan daar."),),
            extra={**a.extra, CARRIED_FROM: f"{old.key}/{a.key}"},
        )
        for a in carried
    )
    programme = replace(
        old, key=target_key, name=name or next_name(old.name, old.key, target_key),
        extra={**{k: v for k, v in old.extra.items() if k != SUCCEEDED_BY},
               CARRIED_FROM: old.key},
    )
    target = replace(
        source, programme=programme, activities=activities,
        # every goal and group continues (a group may take on new work next year)
        goals=source.goals, working_groups=source.working_groups,
    )
    return RolloverPlan(source, target, carried, left_behind)


_TRAILING_YEAR = re.compile(r"(?<!\d)(\d{4})$")


def next_name(name: str, old_key: str, new_key: str) -> str:
    """"… actieagenda 2021" becomes "… actieagenda 2022" when the keys say 2021 -> 2022;
    otherwise the name stays (the key tells the two apart)."""
    old_year, new_year = _TRAILING_YEAR.search(old_key), _TRAILING_YEAR.search(new_key)
    named = _TRAILING_YEAR.search(name.strip())
    if old_year and new_year and named and named.group(1) == old_year.group(1):
        return name.strip()[: named.start()] + new_year.group(1)
    return name


def carried_from(activity: Activity) -> tuple[str, str] | None:
    """("kennemerland-2021", "mda-advies") for an activity carried over by a rollover."""
    value = activity.extra.get(CARRIED_FROM)
    if not isinstance(value, str) or "/" not in value:
        return None
    programme, _, key = value.partition("/")
    return (programme, key) if programme and key else None
