"""Changes made on Slack's surfaces: the update modal, moving a deadline, adding an
activity; and what the App Home tab and the activity picker show.

Every change goes through the permission rule (bot/services/permissions.py) and the privacy
guard, and is written to the update log: a status change through the very `record_update` the
typed `/actie update` uses; a moved deadline as a log row with event "reschedule" (old -> new,
the note is the reason); a new activity as a log row with event "created" (who added it).
Ids that come back from Slack (a modal's private_metadata, a picked option) are looked up
again here: an activity or group that does not exist (any more) is a field error, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.domain import grammar
from bot.domain.dates import InvalidDate, parse_due
from bot.domain.digest import overdue_order
from bot.domain.model import (
    Activity,
    DueDate,
    Milestone,
    Status,
    StatusUpdate,
    UpdateEvent,
    WorkingGroup,
    fold,
)
from bot.domain.ports import ActivityId, Repository, UnitOfWork
from bot.services import permissions
from bot.services import results as r
from bot.services.calendars import ProgrammeCalendars
from bot.services.delivery import claim_announcement
from bot.services.deps import Actor, Deps
from bot.services.dispatch import _resolve_activity, record_update, resolve_for_change
from bot.services.privacy import refuse_personal_data

HOME_HORIZON_DAYS = 60
HOME_LATEST = 10
MAX_OPTIONS = 100  # Slack: at most 100 options in an external_select
MAX_TITLE = 500
MAX_THEME = 300
MAX_OWNER = 300
MAX_MILESTONE = 300
MAX_KEY = 60


# -- the update modal ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class UpdateSubmission:
    """What the update modal sends back. `activity` is "programme/key" (private_metadata or the
    picked option): an id from Slack, looked up again."""

    activity: str | None
    status: Status | None
    note: str = ""
    due_day: date | None = None  # the datepicker
    due_text: str = ""  # or a month, typed ("december 2021")
    reason: str = ""


def _activity_by_id(repo: Repository, value: str | None) -> tuple[Activity, WorkingGroup | None] | None:
    programme, sep, key = (value or "").partition("/")
    if not sep or not programme or not key:
        return None
    activity = repo.get_activity(ActivityId(programme, key))
    if activity is None:
        return None
    group = (repo.get_group(activity.programme_key, activity.working_group)
             if activity.working_group else None)
    return activity, group


def update_form(deps: Deps, ref: str | None, actor: Actor, note: str = "",
                fallback: grammar.Usage | None = None) -> r.Result:
    """What the update modal opens on: one activity (resolved like any ref), or the picker."""
    today = deps.today()
    if ref is None:
        return r.UpdateForm(None, None, today, note)
    with deps.uow() as uow:
        found = (_activity_by_id(uow.repo, ref) if "/" in ref else None) or _resolve_activity(
            uow.repo, ref)
    if not isinstance(found, tuple):
        if fallback is not None and isinstance(found, r.UnknownRef):
            return r.UsageAnswer(fallback, deps.command)
        return found
    activity, group = found
    return r.UpdateForm(activity, group, today, note)


def _new_due(submission: UpdateSubmission) -> DueDate | None | str:
    """The deadline the modal asks for: a DueDate, None (none asked), or a problem code."""
    text = submission.due_text.strip()
    if text and submission.due_day is not None:
        return "two_dates"
    if text:
        try:
            due = parse_due(text)
        except InvalidDate:
            return "bad_date"
        return due if due is not None else "bad_date"
    if submission.due_day is not None:
        return DueDate(submission.due_day)
    return None


def submit_update(deps: Deps, submission: UpdateSubmission,
                  actor: Actor) -> tuple[r.UpdateRecorded, ...] | r.FieldErrors:
    """The update modal, submitted: a moved deadline (with its reason) and/or a status and note,
    each through the same use case as its typed command. Everything is checked before anything
    is stored."""
    errors: list[tuple[str, str | r.Refused]] = []
    for field, text in (("note", submission.note), ("reason", submission.reason),
                        ("due", submission.due_text)):
        refused = refuse_personal_data(text)
        if refused is not None:
            errors.append((field, refused))
    if len(submission.note) > grammar.MAX_NOTE:
        errors.append(("note", "too_long"))
    if len(submission.reason) > grammar.MAX_NOTE:
        errors.append(("reason", "too_long"))
    with deps.uow() as uow:
        found = _activity_by_id(uow.repo, submission.activity)
        if found is None:
            return r.FieldErrors((("activity", "required"), *errors))
        activity, _group = found
        rule = permissions.change_rule(deps, uow.repo, activity.programme_key,
                                       activity.working_group, activity, _group)
    refused = permissions.decide(deps, actor, rule)  # Slack is asked outside any transaction
    if refused is not None:
        return r.FieldErrors((("status", refused),))
    new_due = _new_due(submission)
    if isinstance(new_due, str):
        errors.append(("due", new_due))
        new_due = None
    moved = new_due is not None and new_due != activity.due
    if moved and not submission.reason.strip():
        errors.append(("reason", "missing_reason"))
    status = submission.status or activity.status
    changed = status != activity.status or bool(submission.note.strip())
    if not moved and not changed and not errors:
        errors.append(("status", "no_change"))
    if errors:
        return r.FieldErrors(tuple(errors))
    activity_id = ActivityId(activity.programme_key, activity.key)
    done: list[r.UpdateRecorded] = []
    if moved:
        assert new_due is not None
        result = reschedule(deps, grammar.Reschedule(str(activity_id), new_due,
                                                     submission.reason.strip()), actor)
        if not isinstance(result, r.UpdateRecorded):
            return r.FieldErrors((("due", result if isinstance(result, r.Refused)
                                   else "required"),))
        done.append(result)
    if changed:
        result = record_update(deps, grammar.Update(str(activity_id), status,
                                                    submission.note.strip()), actor)
        if not isinstance(result, r.UpdateRecorded):
            return r.FieldErrors((("status", result if isinstance(result, r.Refused)
                                   else "required"),))
        done.append(result)
    return tuple(done)


# -- moving a deadline -----------------------------------------------------------------------

def reschedule(deps: Deps, command: grammar.Reschedule, actor: Actor) -> r.Result:
    """`/actie verplaats <ref> <deadline> <reden>` (and the modal): the deadline moves, the log
    keeps old -> new and the reason, the group's channel hears of it. Reminders follow the new
    date by themselves: their ledger key holds the due date, so what was sent for a date is
    never sent again for it."""
    refused = refuse_personal_data(command.reason, command.ref)
    if refused is not None:
        return refused
    target = resolve_for_change(deps, command.ref, actor)
    if not isinstance(target, tuple):
        return target
    activity, group = target
    organisation = deps.organisation_of(actor)  # may ask Slack: before the write transaction
    with deps.uow(write=True) as uow:
        # the status and deadline as they are now; the rest as resolved a moment ago
        state = uow.repo.activity_state(ActivityId(activity.programme_key, activity.key))
        if state is None:  # deleted in between
            return r.UnknownRef(command.ref, ())
        activity = replace(activity, status=state[0], due=state[1])
        if activity.due == command.due:
            return r.Refused("same_due")
        now = deps.now()
        update = StatusUpdate(
            at=now, author=actor.user_id, old_status=activity.status,
            new_status=activity.status, note=command.reason, author_name=actor.user_name,
            event=UpdateEvent.RESCHEDULE, old_due=activity.due, new_due=command.due,
            author_org=organisation)
        return _log_and_announce(deps, uow, activity, group, update, actor)


def _log_and_announce(deps: Deps, uow: UnitOfWork, activity: Activity,
                      group: WorkingGroup | None, update: StatusUpdate,
                      actor: Actor) -> r.UpdateRecorded:
    """Append to the log and queue the channel's announcement, in one transaction (as
    `record_update` does). The answer is `activity` with its status and deadline as stored
    (a recurring activity may have moved on), without reading it again."""
    repo = uow.repo
    activity_id = ActivityId(activity.programme_key, activity.key)
    update_id = repo.append_update(activity_id, update, source=actor.source)
    channel = group.channel if group else None
    claimed = claim_announcement(deps, repo, activity_id, update, update_id, channel)
    state = repo.activity_state(activity_id)
    uow.commit()
    saved = replace(activity, status=state[0], due=state[1]) if state else activity
    return r.UpdateRecorded(saved, group, update, channel, claimed.key if claimed else None,
                            claimed)


# -- adding an activity ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ActivityDraft:
    """What the new-activity modal sends back; `group` and `goal` are "programme/key" ids."""

    title: str
    group: str | None
    goal: str | None = None
    theme: str = ""
    owners: str = ""  # one per line (a name may hold a comma)
    due_text: str = ""
    due_day: date | None = None
    milestones: str = ""  # one per line: "title: deadline" or just "title"


def new_activity_form(deps: Deps, title: str, actor: Actor) -> r.Result:
    refused = refuse_personal_data(title)
    if refused is not None:
        return refused
    with deps.uow() as uow:
        repo = uow.repo
        groups = tuple(r.GroupChoice(p, g) for p, g in my_groups(deps, repo, actor))
        goals = tuple((p, g.key, g.name) for p in sorted({c.programme_key for c in groups})
                      for g in repo.list_goals(p))
    if not groups:
        return r.Refused("no_group")
    return r.NewActivityForm(title[:MAX_TITLE], groups, goals)


def slug(title: str, taken: set[str]) -> str:
    """A key from a title: lower case, no accents, words joined by "-", unique among `taken`."""
    words = re.findall(r"[a-z0-9]+", fold(title))
    base = ""
    for word in words:
        candidate = f"{base}-{word}" if base else word
        if len(candidate) > MAX_KEY:
            break
        base = candidate
    base = base or "activiteit"
    key, n = base, 2
    while key in taken:
        suffix = f"-{n}"
        key = base[: MAX_KEY - len(suffix)].rstrip("-") + suffix
        n += 1
    return key


def _lines(text: str) -> list[str]:
    return [line.strip().lstrip("•*-– ").strip() for line in text.splitlines() if line.strip()]


def _milestones(text: str) -> list[Milestone] | None:
    """"Onderzoek en advies: maart 2021" lines; None when a deadline does not read."""
    found: list[Milestone] = []
    for line in _lines(text):
        title, sep, when = line.rpartition(":")
        due = None
        if sep and title.strip():
            try:
                due = parse_due(when.strip())
            except InvalidDate:
                due = None
                title = line
            if due is None:
                title = line
        else:
            title = line
        if len(title) > MAX_MILESTONE:
            return None
        found.append(Milestone(title.strip(), due))
    return found


def create_activity(deps: Deps, draft: ActivityDraft, actor: Actor) -> r.Result:
    """`/actie nieuw`, submitted: a new activity with a key made from its title, logged as
    created by whom, announced in its group's channel; exported like any other."""
    errors: list[tuple[str, str | r.Refused]] = []
    for field, text in (("title", draft.title), ("theme", draft.theme),
                        ("owners", draft.owners), ("due", draft.due_text),
                        ("milestones", draft.milestones)):
        refused = refuse_personal_data(text)
        if refused is not None:
            errors.append((field, refused))
    title = " ".join(draft.title.split())
    if not title:
        errors.append(("title", "required"))
    elif len(title) > MAX_TITLE:
        errors.append(("title", "too_long"))
    if len(draft.theme) > MAX_THEME:
        errors.append(("theme", "too_long"))
    owners = tuple(dict.fromkeys(_lines(draft.owners)))
    if any(len(o) > MAX_OWNER for o in owners):
        errors.append(("owners", "too_long"))
    due = _new_due(UpdateSubmission(None, None, due_day=draft.due_day, due_text=draft.due_text))
    if isinstance(due, str):
        errors.append(("due", due))
        due = None
    milestones = _milestones(draft.milestones)
    if milestones is None:
        errors.append(("milestones", "too_long"))
    programme_key, _, group_key = (draft.group or "").partition("/")
    goal = None
    with deps.uow() as uow:
        repo = uow.repo
        group = repo.get_group(programme_key, group_key) if programme_key and group_key else None
        if group is None:
            errors.append(("group", "required"))
        if draft.goal:
            goal_programme, _, goal_key = draft.goal.partition("/")
            if goal_programme != programme_key or goal_key not in {
                    g.key for g in repo.list_goals(programme_key)}:
                errors.append(("goal", "required"))
            else:
                goal = goal_key
        if errors or group is None:
            return r.FieldErrors(tuple(errors))
        rule = permissions.change_rule(deps, repo, programme_key, group.key)
    refused = permissions.decide(deps, actor, rule)  # Slack is asked outside any transaction
    if refused is not None:
        return r.FieldErrors((("group", refused),))
    organisation = deps.organisation_of(actor)  # may ask Slack: before the write transaction
    with deps.uow(write=True) as uow:
        repo = uow.repo
        activity = Activity(
            key=slug(title, repo.activity_keys(programme_key)), title=title,
            programme_key=programme_key, goal=goal, theme=" ".join(draft.theme.split()) or None,
            owners=owners, working_group=group.key, due=due,
            milestones=tuple(milestones or ()), status=Status.NOT_STARTED)
        repo.add_activity(activity)
        update = StatusUpdate(
            at=deps.now(), author=actor.user_id, old_status=None, new_status=Status.NOT_STARTED,
            author_name=actor.user_name, event=UpdateEvent.CREATED, new_due=due,
            author_org=organisation)
        return _log_and_announce(deps, uow, activity, group, update, actor)


# -- the activity picker (block_suggestion) --------------------------------------------------

def my_groups(deps: Deps, repo: Repository, actor: Actor) -> list[tuple[str, WorkingGroup]]:
    """The working groups the user may change: the permission rule's own answer (admins: all;
    channel members and linked owners: theirs). Queries per programme, never per group or
    activity; channel membership comes from the rule's (cached) Slack port."""
    programmes = repo.list_programmes()
    admins = {p.key: permissions.admins_of(deps, p) for p in programmes}  # no query each
    any_admin = any(admins.values())
    return [(p, g) for p, g in repo.list_groups()
            if permissions.decide(deps, actor, permissions.ChangeRule(
                p, g, admins.get(p, frozenset()), any_admin)) is None]


def activity_options(deps: Deps, query: str, actor: Actor) -> r.ActivityOptions:
    words = re.findall(r"[\w+]+", fold(query or ""))
    with deps.uow() as uow:
        index = uow.repo.ref_index()
        mine = {(p, g.key) for p, g in my_groups(deps, uow.repo, actor)}
    group_names = {(g.programme_key, g.key): fold(" ".join((g.key, g.name, *g.aliases)))
                   for g in index.groups}
    hits: list[r.ActivityOption] = []
    for entry in index.activities:
        haystack = " ".join((fold(entry.id.key), fold(entry.title), fold(entry.theme or ""),
                             group_names.get((entry.id.programme_key, entry.group_key or ""), "")))
        if all(word in haystack for word in words):
            hits.append(r.ActivityOption(
                str(entry.id), entry.title, Status.NOT_STARTED if entry.is_open else Status.DONE,
                (entry.id.programme_key, entry.group_key or "") in mine))
    hits.sort(key=lambda o: (not o.mine, o.status.is_closed))
    return r.ActivityOptions(tuple(hits[:MAX_OPTIONS]), len(hits))


# -- App Home --------------------------------------------------------------------------------

def dashboard(deps: Deps, actor: Actor) -> r.HomeDashboard:
    """One user's work: open activities of their groups (admins: the programme), what falls due
    in the next 60 days, what is overdue, the latest updates. A fixed number of queries
    whatever the programme's size: the groups, the open activities, the latest log rows."""
    today = deps.today()
    horizon = today + timedelta(days=HOME_HORIZON_DAYS)
    with deps.uow() as uow:
        repo = uow.repo
        calendars = ProgrammeCalendars(deps, repo.list_programmes())
        groups = my_groups(deps, repo, actor)
        keys = {(p, g.key) for p, g in groups}
        activities = [a for a in repo.list_activities(open_only=True)
                      if (a.programme_key, a.working_group or "") in keys]
        latest = repo.list_latest_updates(HOME_LATEST, groups=sorted(keys))
    upcoming: list[r.HomeItem] = []
    overdue: list[r.HomeItem] = []
    for activity in activities:
        dated: list[tuple[str | None, DueDate]] = [(None, activity.due)] if activity.due else []
        dated += [(m.title, m.due) for m in activity.milestones
                  if m.due and m.due != activity.due]
        cal = calendars(activity.programme_key)
        for milestone, due in dated:
            assert due is not None
            if due.value < today:
                overdue.append(r.HomeItem(activity, due, milestone,
                                          cal.working_days_between(today, due.value)))
            elif due.value <= horizon:
                upcoming.append(r.HomeItem(activity, due, milestone,
                                           cal.working_days_between(today, due.value)))
    upcoming.sort(key=lambda i: (i.due.value if i.due else today, i.activity.key))
    overdue.sort(key=lambda i: overdue_order(i.due.value if i.due else today, i.activity.key,
                                             i.milestone))
    return r.HomeDashboard(
        actor.user_id, today, deps.is_admin(actor),
        tuple(r.GroupChoice(p, g) for p, g in groups), tuple(activities), tuple(upcoming),
        tuple(overdue), tuple(latest), HOME_HORIZON_DAYS)


def with_note(form: r.Result, note: str) -> r.Result:
    """An update form with a prefilled note (the message shortcut's permalink)."""
    return replace(form, note=note) if isinstance(form, r.UpdateForm) else form

