"""Deadline reminders: the sweep and telling the admins about dead channels (the buttons under
a reminder: bot/services/reminder_buttons.py).

`sweep_reminders(deps, at)` is the one function both the scheduler (09:00 on working days, and
once at start-up to catch up) and `actiebot remind --at` call. For every open activity and
dated milestone the policy can make due (a due-date window on the indexes, see
``reminders.lookahead_end``) it asks the domain for the *current* notice
(bot/domain/reminders.py: stale earlier notices fold into it), and for each one whose ledger
key is new it claims the row, posts, and stores the message ts. The key is
``reminder:<programme>/<activity>:<target>:<due date>:<kind>``: unique in `deliveries`, so two
processes sweeping at once post each reminder once, and a second sweep posts nothing new.

Slack failures are recorded on the row with their reason and retried on a later sweep (never on
a weekend or holiday, see ``next_working_moment``); for `channel_not_found`, `not_in_channel`
and `is_archived` the programme's admin channel is told once per channel and error.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic, sleep
from zoneinfo import ZoneInfo

from bot.domain import reminders as policy
from bot.domain.digest import due_of
from bot.domain.model import Activity, DueDate, Precision, ReminderPolicy, WorkingGroup
from bot.domain.ports import ActivityId, Delivery, Repository
from bot.domain.workdays import CalendarSpec, WorkCalendar
from bot.services import results as r
from bot.services.calendars import ProgrammeCalendars, calendar_of
from bot.services.delivery import (
    CHANNEL_ERRORS,
    MATERIALISERS,
    RETRY_AT,
    SAME_CHANNEL_GAP,
    DeliveryOutcome,
    deliver,
    deliver_pending,
)
from bot.services.deps import Deps

log = logging.getLogger(__name__)

REMINDER = "reminder"
REMINDER_BUNDLE = "reminder-bundle"
CHANNEL_PROBLEM = "channel-problem"
BUNDLE_PART_SIZE = 8  # reminders with details and buttons per message (Block Kit: 50 blocks,
#                      about 12,000 characters): more go into the thread, 8 a reply
ACTIVITY_TARGET = "activity"
SNOOZE_DAYS = 7  # "Herinner me volgende week"
FOLD_AT_MOST = 60  # earlier notices of an item looked at when folding
SWEEP_HOUR = 9  # reminders, retries and digests go out from 09:00 on working days


# -- keys -----------------------------------------------------------------------------------

def target_of(milestone: str | None) -> str:
    """What a reminder is about: the activity itself, or one milestone (by a hash of its title,
    so that reordering milestones in the programme file does not send a reminder twice)."""
    if milestone is None:
        return ACTIVITY_TARGET
    return "milestone:" + hashlib.sha1(milestone.encode("utf-8")).hexdigest()[:12]


def reminder_key(activity_id: ActivityId, target: str, due: date, kind: str) -> str:
    return f"reminder:{activity_id}:{target}:{due.isoformat()}:{kind}"


def bundle_key(channel: str, day: date, item_keys: list[str]) -> str:
    """The one message of a sweep for a channel; its items' own keys stay unique, so each
    reminder is in exactly one bundle."""
    digest = hashlib.sha1("\n".join(sorted(item_keys)).encode("utf-8")).hexdigest()[:12]
    return f"reminder-bundle:{channel}:{day.isoformat()}:{digest}"


def part_key(parent_key: str, part: int) -> str:
    return f"{parent_key}:part-{part}"


def channel_problem_key(channel: str, error: str, admin_channel: str) -> str:
    return f"channel-problem:{channel}:{error}:{admin_channel}"


def local_day(deps: Deps, moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("a sweep moment needs a time zone")
    return moment.astimezone(ZoneInfo(deps.timezone)).date()


def next_working_moment(deps: Deps, moment: datetime) -> datetime:
    """``moment`` if it falls on a working day (programme time zone), else 09:00 on the next
    working day: a failed reminder is never retried on a weekend or a public holiday."""
    zone = ZoneInfo(deps.timezone)
    day = moment.astimezone(zone).date()
    if deps.calendar.is_working_day(day):
        return moment
    following = deps.calendar.next_working_day(day)
    return datetime.combine(following, time(SWEEP_HOUR), zone).astimezone(UTC)


# -- the sweep ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PinnedClock:
    """The clock of a sweep run "as of" a given moment (`actiebot remind --at`)."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


def may_have_reminders(deps: Deps, today: date, earliest_due: date | None,
                       calendars: Iterable[CalendarSpec | None],
                       policies: Iterable[ReminderPolicy]) -> bool:
    """Whether a sweep on ``today`` can find anything to remind of in a workspace whose open
    items' earliest deadline is ``earliest_due``: the same horizon as the sweep's own plan
    (``_plan``: the furthest ``lookahead_end`` over the programmes' calendars and the groups'
    rules), so that a workspace it says no for would have planned nothing."""
    if earliest_due is None:
        return False
    rules = [*policies, ReminderPolicy()]
    specs = list(calendars) or [None]
    horizon = max(policy.lookahead_end(
        today, rules, deps.calendar if spec is None or spec == deps.calendar.spec
        else calendar_of(spec)) for spec in specs)
    return earliest_due <= horizon


def sweep_reminders(deps: Deps, at: datetime | None = None, dry_run: bool = False) -> r.SweepReport:
    """One reminder sweep as of ``at`` (default: now): post what is due, retry what failed.

    With ``at`` the whole sweep runs as of that moment: what is due, and also the ledger's
    clock (claim times, which failed posts are due for a retry)."""
    if at is not None:
        deps = replace(deps, clock=PinnedClock(at))
    at = deps.now()
    today = local_day(deps, at)
    with deps.uow() as uow:
        calendars = ProgrammeCalendars(deps, uow.repo.list_programmes())
    # Each programme has its own days off: a day off for every programme is a day off for the
    # sweep; on other days the programmes that are off get nothing (``current_notice``).
    open_calendars = [c for c in calendars.all if c.is_working_day(today)]
    if not open_calendars:
        return r.SweepReport(at, today, False, dry_run,
                             holiday=calendars(None).holiday_name(today)
                             or next((c.holiday_name(today) for c in calendars.all
                                      if c.holiday_name(today)), None))

    planned = _plan(deps, today, calendars)
    plans = [plan for plan, _ in planned]
    earlier = {plan.key: keys for plan, keys in planned}
    with deps.uow() as uow:
        existing = uow.repo.existing_delivery_keys([p.key for p in plans if p.channel])
    todo: list[r.ReminderPlan] = []
    for plan in plans:
        if plan.state == "held" or plan.channel is None:
            todo.append(plan)
        elif plan.key not in existing:
            todo.append(_replace_state(plan, "would-send"))
    if dry_run:
        return r.SweepReport(at, today, True, True, tuple(todo))

    done: list[r.ReminderPlan] = []
    outcomes: list[DeliveryOutcome] = []
    by_channel: dict[str, list[r.ReminderPlan]] = {}
    for plan in todo:
        if plan.state != "would-send":
            if plan.state == "no-channel":
                log.warning("reminder %s has no channel: set the group's channel or the "
                            "programme's admin_channel", plan.activity_id)
            done.append(plan)
            continue
        assert plan.channel is not None
        by_channel.setdefault(plan.channel, []).append(plan)
    pacer = Pacer()
    for channel, plans_here in by_channel.items():
        claimed, taken, key = _claim_channel(deps, channel, plans_here, today, earlier)
        done.extend(_replace_state(plan, "taken") for plan in taken)  # another process has them
        if key is None:
            continue
        outcome = pacer.post(channel, key, deps)
        if outcome is None:
            done.extend(_replace_state(plan, "queued") for plan in claimed)  # the outbox posts
            continue
        outcomes.append(outcome)
        done.extend(_replace_state(plan, "sent" if outcome.ok else "failed", outcome.error)
                    for plan in claimed)
        if outcome.ok and key.startswith(REMINDER_BUNDLE):
            outcomes.extend(_post_parts(deps, key, pacer))

    retried = deliver_pending(deps)
    outcomes.extend(retried)
    outcomes.extend(complete_bundle_threads(deps))
    notices = report_channel_failures(deps, outcomes)
    report = r.SweepReport(
        at, today, True, False, tuple(done),
        tuple(r.Retried(o.key, o.channel, o.ok, o.error) for o in retried), tuple(notices))
    log.info("reminder sweep %s: %d sent, %d failed, %d retried",
             today.isoformat(), sum(p.state == "sent" for p in done), report.failed, len(retried))
    return report


def _replace_state(plan: r.ReminderPlan, state: str, error: str | None = None) -> r.ReminderPlan:
    return r.ReminderPlan(plan.key, plan.channel, plan.activity_id, plan.title, plan.milestone,
                          plan.due, plan.kind, plan.working_days, state, error)


def _earlier_keys(activity_id: ActivityId, target: str, due: DueDate, rules: ReminderPolicy,
                  notice: policy.Notice, cal: WorkCalendar) -> list[str]:
    """Keys of the notices scheduled before ``notice`` (the latest ``FOLD_AT_MOST``)."""
    points = policy.schedule(due, rules, cal, notice.day)
    return [reminder_key(activity_id, target, due.value, kind)
            for _, kind in points if kind != notice.kind][-FOLD_AT_MOST:]


def _plan(deps: Deps, today: date, calendars: ProgrammeCalendars,
          ) -> list[tuple[r.ReminderPlan, Callable[[], list[str]]]]:
    """Every reminder current today (before looking at the ledger), with the keys of the same
    item's earlier notices, which it folds. Each item on its own programme's calendar."""
    with deps.uow() as uow:
        repo = uow.repo
        programmes = {p.key: p for p in repo.list_programmes()}
        groups: dict[tuple[str, str], WorkingGroup] = {
            (p, g.key): g for p, g in repo.list_groups()}
        policies = [g.reminders for g in groups.values()] + [ReminderPolicy()]
        horizon = max(policy.lookahead_end(today, policies, c) for c in calendars.all)
        items = repo.find_open_due_items(None, horizon)
        ids = sorted({ActivityId(i.activity.programme_key, i.activity.key) for i in items},
                     key=str)
        holds = {(h.activity_id, h.target) for h in repo.list_reminder_holds(ids, today)}
    plans: list[tuple[r.ReminderPlan, Callable[[], list[str]]]] = []
    for item in items:
        activity = item.activity
        if getattr(programmes.get(activity.programme_key), "archived", False):
            continue  # `actiebot programme archive`: no reminders
        group = groups.get((activity.programme_key, activity.working_group or ""))
        due = due_of(item)
        rules = group.reminders if group else ReminderPolicy()
        cal = calendars(activity.programme_key)
        notice = policy.current_notice(due, rules, today, cal)
        if notice is None:
            continue
        activity_id = ActivityId(activity.programme_key, activity.key)
        target = target_of(item.milestone)
        programme = programmes.get(activity.programme_key)
        channel = (group.channel if group and group.channel
                   else programme.admin_channel if programme else None)
        state = ("held" if (activity_id, target) in holds
                 else "no-channel" if not channel else "due")
        key = reminder_key(activity_id, target, due.value, notice.kind)
        earlier = functools.partial(_earlier_keys, activity_id, target, due, rules, notice, cal)
        plans.append((r.ReminderPlan(
            key, channel, str(activity_id), activity.title, item.milestone, due, notice.kind,
            notice.working_days, state), earlier))
    plans.sort(key=lambda p: (p[0].channel or "", p[0].due.value, p[0].activity_id,
                              p[0].milestone or ""))
    return plans


def _payload(plan: r.ReminderPlan, today: date) -> dict[str, object]:
    programme, _, activity = plan.activity_id.partition("/")
    stage = ("overdue" if plan.kind.startswith(policy.OVERDUE_PREFIX)
             else "due" if plan.kind == policy.DUE else "before")
    return {
        "programme": programme, "activity": activity, "milestone": plan.milestone,
        "target": target_of(plan.milestone), "due": plan.due.value.isoformat(),
        "precision": plan.due.precision.value, "kind": plan.kind, "stage": stage,
        "as_of": today.isoformat(), "working_days": plan.working_days,
    }


def _claim_channel(
    deps: Deps, channel: str, plans: list[r.ReminderPlan], today: date,
    earlier: dict[str, Callable[[], list[str]]],
) -> tuple[list[r.ReminderPlan], list[r.ReminderPlan], str | None]:
    """Claim this sweep's reminders for one channel in one short transaction: each one's
    ledger row (unique: a reminder is claimed once, whoever sweeps), earlier notices of the
    same item folded into it, and — for more than one — the bundle row that posts them all as
    one message (the item rows are folded into it). Returns (claimed, taken by another
    process, the key to post or None)."""
    claimed: list[r.ReminderPlan] = []
    taken: list[r.ReminderPlan] = []
    now = deps.now()
    with deps.uow(write=True) as uow:
        repo = uow.repo
        for plan in plans:
            if repo.claim_delivery(plan.key, REMINDER, channel, _payload(plan, today),
                                   now) is None:
                taken.append(plan)
                continue
            older = earlier[plan.key]()
            if older:
                repo.fold_deliveries(older, plan.key, now)
            claimed.append(plan)
        key: str | None = claimed[0].key if len(claimed) == 1 else None
        if len(claimed) > 1:
            items = [plan.key for plan in claimed]
            key = bundle_key(channel, today, items)
            payload = {"items": items, "as_of": today.isoformat(),
                       "part_size": BUNDLE_PART_SIZE}
            if repo.claim_delivery(key, REMINDER_BUNDLE, channel, payload, now) is None:
                raise AssertionError(f"bundle {key} exists although its items were new")
            repo.fold_deliveries(items, key, now)
        uow.commit()
    return claimed, taken, key


class Pacer:
    """At most one post a second to the same channel within a sweep (Slack's limit)."""

    def __init__(self, gap: float = SAME_CHANNEL_GAP) -> None:
        self.gap = gap
        self.last: dict[str, float] = {}

    def post(self, channel: str, key: str, deps: Deps) -> DeliveryOutcome | None:
        """``deliver(deps, key)`` at least ``gap`` seconds after the previous post to the same
        channel ended."""
        previous = self.last.get(channel)
        if previous is not None:
            pause = self.gap - (monotonic() - previous)
            if pause > 0:
                sleep(pause)
        try:
            return deliver(deps, key)
        finally:
            self.last[channel] = monotonic()


# -- bundles: one message per channel and sweep, the rest of the details in its thread -------

def bundle_parts(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _post_parts(deps: Deps, parent_key: str, pacer: Pacer | None = None) -> list[DeliveryOutcome]:
    """Once a bundle is posted: claim and post the thread replies with the details and buttons
    that did not fit in it (each reply once: its own ledger row)."""
    pacer = pacer or Pacer()
    with deps.uow() as uow:
        parent = uow.repo.get_delivery(parent_key)
    if parent is None or parent.state != "sent" or not parent.message_ts:
        return []
    p = parent.payload
    parts = bundle_parts(list(p.get("items") or ()), int(p.get("part_size") or BUNDLE_PART_SIZE))
    outcomes: list[DeliveryOutcome] = []
    for number, chunk in enumerate(parts[1:], start=2):
        key = part_key(parent_key, number)
        payload = {"items": chunk, "as_of": p.get("as_of"), "parent": parent_key,
                   "part": number, "parts": len(parts), "thread_ts": parent.message_ts}
        with deps.uow(write=True) as uow:
            claimed = uow.repo.claim_delivery(key, REMINDER_BUNDLE, parent.channel, payload,
                                              deps.now())
            uow.commit()
        if claimed is None:
            continue  # posted (or being posted) already; the outbox retries a failed one
        outcome = pacer.post(parent.channel, key, deps)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def complete_bundle_threads(deps: Deps, days: int = 7) -> list[DeliveryOutcome]:
    """Thread replies of bundles posted late (by the outbox, after a Slack failure)."""
    with deps.uow() as uow:
        parents = [d for d in uow.repo.list_sent_deliveries(
            REMINDER_BUNDLE, deps.now() - timedelta(days=days)) if "parent" not in d.payload]
        wanted = {d.key: [part_key(d.key, n) for n in range(2, len(bundle_parts(
            list(d.payload.get("items") or ()),
            int(d.payload.get("part_size") or BUNDLE_PART_SIZE))) + 1)] for d in parents}
        existing = uow.repo.existing_delivery_keys(
            [k for keys in wanted.values() for k in keys])
    outcomes: list[DeliveryOutcome] = []
    for key, keys in wanted.items():
        if any(k not in existing for k in keys):
            outcomes.extend(_post_parts(deps, key))
    return outcomes


def _materialise_bundle(repo: Repository, delivery: Delivery,
                        settled_too: bool = False) -> r.ReminderBundle | None:
    """A bundle as the database holds it now; None when none of its reminders is left."""
    p = delivery.payload
    items = list(p.get("items") or ())
    notices: dict[str, r.ReminderNotice] = {}
    for key in items:
        row = repo.get_delivery(key)
        notice = (_materialise_reminder(repo, row, settled_too) if row is not None else None)
        if notice is not None:
            notices[key] = notice
    if not notices:
        return None
    as_of = date.fromisoformat(p["as_of"]) if p.get("as_of") else next(
        iter(notices.values())).as_of
    if "parent" in p:  # a thread reply: details and buttons only
        shown = tuple(notices[k] for k in items if k in notices)
        return r.ReminderBundle(shown, (), as_of, int(p.get("part", 2)), int(p.get("parts", 2)))
    first = bundle_parts(items, int(p.get("part_size") or BUNDLE_PART_SIZE))
    shown = tuple(notices[k] for k in first[0] if k in notices)
    return r.ReminderBundle(shown, tuple(notices[k] for k in items if k in notices), as_of, 1,
                            len(first))


def _materialise_reminder(repo: Repository, delivery: Delivery,
                          settled_too: bool = False) -> r.ReminderNotice | None:
    """The reminder a ledger row stands for, as the database holds it now; None when there
    is nothing left to remind of (the activity is gone or closed, the milestone removed).
    With ``settled_too`` (rewriting a posted message) a closed activity or a milestone marked
    done comes back marked ``settled``."""
    p = delivery.payload
    activity_id = ActivityId(p["programme"], p["activity"])
    activity = repo.get_activity(activity_id)
    if activity is None or (activity.status.is_closed and not settled_too):
        return None
    milestone = p.get("milestone")
    if milestone is not None and not any(m.title == milestone for m in activity.milestones):
        return None
    group = (repo.get_group(activity.programme_key, activity.working_group)
             if activity.working_group else None)
    mentions = {owner: group.members[owner] for owner in activity.owners
                if group is not None and owner in group.members}
    return r.ReminderNotice(
        activity=activity, group=group, milestone=milestone,
        due=DueDate(date.fromisoformat(p["due"]), Precision(p["precision"])),
        kind=p["kind"], stage=p["stage"], as_of=date.fromisoformat(p["as_of"]),
        working_days=int(p["working_days"]), last_update=repo.last_update(activity_id),
        mentions=mentions, target=p.get("target", ACTIVITY_TARGET),
        in_admin_channel=group is None or group.channel != delivery.channel,
        settled=settled_too and _settled(repo, activity, p.get("target", ACTIVITY_TARGET)),
    )


def _settled(repo: Repository, activity: Activity, target: str) -> bool:
    if activity.status.is_closed:
        return True
    if target == ACTIVITY_TARGET:
        return False
    activity_id = ActivityId(activity.programme_key, activity.key)
    return any(h.target == target and h.reason == "done"
               for h in repo.list_reminder_holds([activity_id], date.max))


def posted_message(deps: Deps, channel: str, message_ts: str) -> r.Result | None:
    """A reminder message the bot posted, as it reads now (statuses, done items without their
    buttons): what a click rewrites it to. None when the ts is not one of the bot's reminders."""
    with deps.uow() as uow:
        row = uow.repo.get_delivery_by_message(channel, message_ts)
        if row is None or row.state != "sent":
            return None
        if row.kind == REMINDER_BUNDLE:
            return _materialise_bundle(uow.repo, row, settled_too=True)
        if row.kind == REMINDER:
            return _materialise_reminder(uow.repo, row, settled_too=True)
    return None


# -- when a channel cannot be reached -------------------------------------------------------

def report_channel_failures(deps: Deps, outcomes: Iterable[DeliveryOutcome]) -> list[str]:
    """Tell each affected programme's admin channel, once per (channel, error), that the bot
    cannot post in a channel; the messages themselves stay in the ledger and are retried."""
    problems = sorted({(o.channel, o.error) for o in outcomes
                       if not o.ok and o.error in CHANNEL_ERRORS})
    sent: list[str] = []
    for channel, error in problems:
        assert error is not None
        with deps.uow(write=True) as uow:
            repo = uow.repo
            bound = repo.find_groups_by_channel(channel)
            programme_keys = sorted({p for p, _ in bound})
            programmes = [p for p in (repo.get_programme(k) for k in programme_keys) if p]
            if not programmes:  # not a group's channel: perhaps an admin channel itself
                programmes = [p for p in repo.list_programmes() if p.admin_channel == channel]
            keys: list[str] = []
            for programme in programmes:
                admin = programme.admin_channel
                if not admin or admin == channel:
                    log.warning("cannot post in %s (%s) and there is no other admin channel "
                                "to tell", channel, error)
                    continue
                key = channel_problem_key(channel, error, admin)
                payload = {"channel": channel, "error": error, "programme": programme.key}
                if repo.claim_delivery(key, CHANNEL_PROBLEM, admin, payload, deps.now()):
                    keys.append(key)
            uow.commit()
        for key in keys:
            outcome = deliver(deps, key)
            if outcome is not None and outcome.ok:
                sent.append(key)
    return sent


def _materialise_channel_problem(repo: Repository, delivery: Delivery) -> r.ChannelProblem:
    p = delivery.payload
    groups = tuple(g for k, g in repo.find_groups_by_channel(p["channel"])
                   if k == p.get("programme"))
    programme = repo.get_programme(p["programme"]) if p.get("programme") else None
    return r.ChannelProblem(p["channel"], p["error"], programme, groups)


# -- the buttons ----------------------------------------------------------------------------

MATERIALISERS[REMINDER] = _materialise_reminder
MATERIALISERS[REMINDER_BUNDLE] = _materialise_bundle
RETRY_AT[REMINDER_BUNDLE] = next_working_moment
MATERIALISERS[CHANNEL_PROBLEM] = _materialise_channel_problem
RETRY_AT[REMINDER] = next_working_moment
