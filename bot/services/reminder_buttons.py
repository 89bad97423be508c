"""The buttons under a reminder: "Gereed" (the activity through the same use case as
`/actie update <ref> gereed`, or a milestone marked done for its reminders) and "Herinner me
volgende week" (no reminders for the item until a week from now). Every click is checked
against the ledger (the message must be one the bot posted, with buttons for this very item)
and against who may change the activity."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from bot.domain import grammar
from bot.domain.model import Activity, Status
from bot.domain.ports import ActivityId, Delivery, ReminderHold, Repository
from bot.services import permissions
from bot.services import results as r
from bot.services.calendars import calendar_for
from bot.services.deps import Actor, Deps
from bot.services.dispatch import record_update
from bot.services.reminders import (
    ACTIVITY_TARGET,
    BUNDLE_PART_SIZE,
    REMINDER,
    REMINDER_BUNDLE,
    SNOOZE_DAYS,
    bundle_parts,
    target_of,
)

log = logging.getLogger(__name__)


def _parse_ref(ref: str) -> ActivityId | None:
    programme, sep, key = ref.partition("/")
    return ActivityId(programme, key) if sep and programme and key else None


def _milestone_for(activity_milestones: Iterable[str], target: str) -> str | None:
    return next((m for m in activity_milestones if target_of(m) == target), None)


def covers(repo: Repository, delivery: Delivery, activity_id: ActivityId, target: str) -> bool:
    """Whether a posted message (its ledger row) carries buttons for this item: a reminder
    about it, or a bundle whose part holds it."""
    p = delivery.payload
    if delivery.kind == REMINDER:
        return (p.get("programme"), p.get("activity"), p.get("target", ACTIVITY_TARGET)) == (
            activity_id.programme_key, activity_id.key, target)
    if delivery.kind == REMINDER_BUNDLE:
        items = list(p.get("items") or ())
        if "parent" not in p:  # the top-level message: buttons for its first part only
            items = bundle_parts(items, int(p.get("part_size") or BUNDLE_PART_SIZE))[0]
        prefix = f"reminder:{activity_id}:{target}:"
        return any(key.startswith(prefix) for key in items)
    return False


def _clicked(deps: Deps, ref: str, target: str, actor: Actor,
             message_ts: str | None) -> tuple[ActivityId, Activity] | r.Result:
    """The activity a button names, looked up in the database, and whether this actor may
    change it (bot/services/permissions.py). A click on a message (``message_ts``) counts
    only when that message is one the bot posted in this channel (a delivered row in the
    ledger) and carries buttons for this very item; never trust what the payload says."""
    activity_id = _parse_ref(ref)
    with deps.uow() as uow:
        repo = uow.repo
        activity = repo.get_activity(activity_id) if activity_id else None
        if activity is None or activity_id is None:
            return r.UnknownRef(ref, ())
        if message_ts is not None:
            posted = (repo.get_delivery_by_message(actor.channel_id, message_ts)
                      if actor.channel_id else None)
            if posted is None or posted.state != "sent" or not covers(repo, posted,
                                                                        activity_id, target):
                log.warning("a reminder button on a message the bot did not post for it "
                            "(%s) was ignored", activity_id)
                return r.Refused("not_our_message", activity=activity)
        rule = permissions.change_rule(deps, repo, activity.programme_key,
                                       activity.working_group, activity)
    refused = permissions.decide(deps, actor, rule)
    if refused is not None:
        return refused
    return activity_id, activity


def complete_from_button(deps: Deps, ref: str, target: str, actor: Actor,
                         message_ts: str | None = None) -> r.Result:
    """"Gereed": the activity through the same service as `/actie update <ref> gereed` (the
    update log names who clicked); a milestone is marked done for its reminders. Refused
    unless the clicker may change the activity (bot/services/permissions.py)."""
    clicked = _clicked(deps, ref, target, actor, message_ts)
    if not isinstance(clicked, tuple):
        return clicked
    activity_id, activity = clicked
    if target == ACTIVITY_TARGET:
        if activity.status.is_closed:
            return r.AlreadyClosed(activity)
        result = record_update(deps, grammar.Update(ref=str(activity_id), status=Status.DONE),
                               actor)
        log.info("activity %s marked done with the reminder button", activity_id)
        return result
    milestone = _milestone_for((m.title for m in activity.milestones), target)
    if milestone is None:
        return r.UnknownRef(ref, ())
    with deps.uow(write=True) as uow:
        uow.repo.add_reminder_hold(ReminderHold(
            activity_id, target, "done", None, actor.user_id, deps.now(), actor.user_name,
            actor.source))
        uow.commit()
    log.info("a milestone of %s marked done with the reminder button", activity_id)
    return r.MilestoneDone(activity, milestone, actor.user_id)


def snooze(deps: Deps, ref: str, target: str, actor: Actor,
           days: int = SNOOZE_DAYS, message_ts: str | None = None) -> r.Result:
    """"Herinner me volgende week": no reminders for this item until the first working day a
    week from now; then the current notice comes (once), as after any gap. Refused unless the
    clicker may change the activity."""
    clicked = _clicked(deps, ref, target, actor, message_ts)
    if not isinstance(clicked, tuple):
        return clicked
    activity_id, activity = clicked
    milestone = None
    if target != ACTIVITY_TARGET:
        milestone = _milestone_for((m.title for m in activity.milestones), target)
        if milestone is None:
            return r.UnknownRef(ref, ())
    with deps.uow() as uow:
        cal = calendar_for(deps, uow.repo.get_programme(activity_id.programme_key))
    until = cal.next_working_day(deps.today() + timedelta(days=days))
    with deps.uow(write=True) as uow:
        uow.repo.add_reminder_hold(ReminderHold(
            activity_id, target, "snooze", until, actor.user_id, deps.now(), actor.user_name,
            actor.source))
        uow.commit()
    log.info("reminders for %s snoozed until %s", activity_id, until.isoformat())
    return r.SnoozeRecorded(activity, milestone, until, actor.user_id)
