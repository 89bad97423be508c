"""The use cases of the `/actie` questions, `update` and `koppel`; the command table
(bot/services/commands.py) says which command runs which."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.domain import grammar, refs
from bot.domain.dates import is_ongoing
from bot.domain.digest import overdue_order
from bot.domain.model import Activity, DueDate, Programme, StatusUpdate, WorkingGroup
from bot.domain.ports import ActivityId, DueItem, Repository
from bot.domain.recurrence import RECURS_KEY
from bot.services import permissions
from bot.services import results as r
from bot.services.calendars import ProgrammeCalendars, calendar_for
from bot.services.delivery import claim_announcement
from bot.services.deps import Actor, Deps
from bot.services.digests import digest_now
from bot.services.privacy import refuse_personal_data
from bot.services.rollover import MAX_CHAIN, carried_from

STALE_DAYS = 60
STATUS_LINES = 20  # activities listed by `status` without a ref (the rest are counted)
LIST_LINES = 50  # activities listed by `lijst <groep>` (the rest are counted)
OVERVIEW_HORIZON_DAYS = 60


# -- resolution -----------------------------------------------------------------------------

def _resolve_activity(
    repo: Repository, query: str, programmes: list[Programme] | None = None,
) -> tuple[Activity, WorkingGroup | None] | r.UnknownRef | r.AmbiguousRef | r.EmptyGroup:
    """``programmes``: every programme, when the caller read them already (the permission
    rule needs them too): the archive mark is then taken from them, not read again."""
    found = refs.resolve(query, repo.ref_index())
    match found:
        case refs.Match(activity=activity_id):
            activity = repo.get_activity(activity_id)
            if activity is None:  # deleted between the two queries
                return r.UnknownRef(query, ())
            group = (repo.get_group(activity.programme_key, activity.working_group)
                     if activity.working_group else None)
            programme = (repo.get_programme(activity.programme_key) if programmes is None
                         else next((p for p in programmes if p.key == activity.programme_key),
                                   None))
            if programme is not None and programme.archived:  # answered, marked as archive
                activity = replace(activity, archived=True)
            return activity, group
        case refs.Ambiguous(candidates=candidates, total=total):
            return r.AmbiguousRef(query, candidates, total)
        case refs.GroupMatch(group=entry):
            group = repo.get_group(entry.programme_key, entry.key)
            assert group is not None
            return r.EmptyGroup(group)
        case refs.Unknown(suggestions=suggestions):
            return r.UnknownRef(query, suggestions)
    raise AssertionError(found)  # pragma: no cover


def channel_group(repo: Repository, actor: Actor) -> tuple[str, WorkingGroup] | None:
    if not actor.channel_id:
        return None
    groups = repo.find_groups_by_channel(actor.channel_id)
    return groups[0] if len(groups) == 1 else None


# -- questions ------------------------------------------------------------------------------

def who(deps: Deps, query: str) -> r.Result:
    with deps.uow() as uow:
        found = _resolve_activity(uow.repo, query)
    if not isinstance(found, tuple):
        return found
    activity, group = found
    linked = {
        owner: group.members[owner] for owner in activity.owners
        if group is not None and owner in group.members
    }
    return r.OwnersAnswer(activity, group, linked)


def when(deps: Deps, query: str) -> r.Result:
    today = deps.today()
    with deps.uow() as uow:
        found = _resolve_activity(uow.repo, query)
        if not isinstance(found, tuple):
            return found
        moved = uow.repo.last_reschedule(ActivityId(found[0].programme_key, found[0].key))
        cal = calendar_for(deps, uow.repo.get_programme(found[0].programme_key))
    activity, group = found
    def left(due: DueDate | None) -> int | None:
        """Working days to a deadline; None without one ("doorlopend" has none either)."""
        if due is None or is_ongoing(due):
            return None
        return cal.working_days_between(today, due.value)

    milestones = tuple(r.MilestoneDeadline(m.title, m.due, left(m.due))
                       for m in activity.milestones)
    days = left(activity.due)
    return r.DeadlineAnswer(activity, group, today, days, milestones, moved)


def status(deps: Deps, query: str | None, actor: Actor) -> r.Result:
    with deps.uow() as uow:
        repo = uow.repo
        if query:
            found = _resolve_activity(repo, query)
            if not isinstance(found, tuple):
                return found
            activity, group = found
            last = repo.last_update(ActivityId(activity.programme_key, activity.key))
            return r.StatusAnswer(activity, group, last)
        bound = channel_group(repo, actor)
        programme_key, group = bound if bound else (None, None)
        group_key = group.key if group else None
        # counts by an aggregate, the first lines by a LIMIT: never every activity
        counts = repo.count_by_status(programme_key, group_key)
        open_total = sum(n for s, n in counts.items() if not s.is_closed)
        shown = repo.list_activity_lines(programme_key=programme_key, group_key=group_key,
                                         open_only=open_total > 0, limit=STATUS_LINES)
        return r.GroupStatusAnswer(group, counts, tuple(shown), open_total or sum(counts.values()))


def history(deps: Deps, query: str, limit: int = 20) -> r.Result:
    with deps.uow() as uow:
        found = _resolve_activity(uow.repo, query)
        if not isinstance(found, tuple):
            return found
        activity, _group = found
        activity_id = ActivityId(activity.programme_key, activity.key)
        updates = uow.repo.list_updates(activity_id, limit=limit + 1)
        earlier = _earlier_history(uow.repo, activity, limit)
        occurrences = (tuple(uow.repo.list_occurrences(activity_id))
                       if RECURS_KEY in activity.extra else ())
    return r.HistoryAnswer(activity, tuple(updates[:limit]), len(updates), earlier, occurrences)


def _earlier_history(repo: Repository, activity: Activity,
                     limit: int) -> tuple[r.EarlierHistory, ...]:
    """The logs of the activities this one was carried over from (`actiebot rollover`)."""
    found: list[r.EarlierHistory] = []
    seen = {(activity.programme_key, activity.key)}
    source = carried_from(activity)
    while source is not None and source not in seen and len(found) < MAX_CHAIN:
        seen.add(source)
        previous = repo.get_activity(ActivityId(*source))
        if previous is None:  # the old programme was removed: nothing to show
            break
        updates = repo.list_updates(ActivityId(*source), limit=limit + 1)
        found.append(r.EarlierHistory(source[0], source[1], tuple(updates[:limit]),
                                      len(updates)))
        source = carried_from(previous)
    return tuple(found)


def _due_entries(deps: Deps, repo: Repository, items: list[DueItem]) -> tuple[r.DueEntry, ...]:
    today = deps.today()
    calendars = ProgrammeCalendars(deps, repo.list_programmes())
    return tuple(
        r.DueEntry(item, calendars(item.activity.programme_key).working_days_between(
            today, item.due_value))
        for item in items
    )


def upcoming(deps: Deps, days: int, actor: Actor, period: str | None = None) -> r.Result:
    """Open deadlines from today on; "deze week" runs through Sunday, "deze maand" through the
    month's last day. With nothing due, the answer says how many are overdue."""
    today = deps.today()
    if period == "week":
        days = 6 - today.weekday()
    elif period == "month":
        days = (today.replace(day=28) + timedelta(days=4)).replace(day=1).toordinal() \
            - today.toordinal() - 1
    with deps.uow() as uow:
        bound = channel_group(uow.repo, actor)
        scope = {"programme_key": bound[0] if bound else None,
                 "group_key": bound[1].key if bound else None}
        items = uow.repo.find_open_due_items(today, today + timedelta(days=days), **scope)
        entries = _due_entries(deps, uow.repo, items)
        late = (0 if entries
                else len(uow.repo.find_open_due_items(None, today - timedelta(days=1), **scope)))
    return r.DueListAnswer("upcoming", today, days, entries,
                           bound[1] if bound else None, period, late)


def overdue(deps: Deps, actor: Actor) -> r.Result:
    today = deps.today()
    with deps.uow() as uow:
        bound = channel_group(uow.repo, actor)
        items = uow.repo.find_open_due_items(
            None, today - timedelta(days=1),
            programme_key=bound[0] if bound else None, group_key=bound[1].key if bound else None)
        entries = tuple(sorted(_due_entries(deps, uow.repo, items),
                               key=lambda e: overdue_order(e.item.due_value, e.item.activity.key,
                                                           e.item.milestone)))
    return r.DueListAnswer("overdue", today, None, entries,
                           bound[1] if bound else None)


def list_activities(deps: Deps, query: str | None, actor: Actor) -> r.Result:
    with deps.uow() as uow:
        repo = uow.repo
        if query is None:
            bound = channel_group(repo, actor)
            if bound is None:
                index = repo.ref_index()
                summaries = []
                for programme_key, group in repo.list_groups():
                    entry = next(g for g in index.groups
                                 if g.programme_key == programme_key and g.key == group.key)
                    summaries.append(r.GroupSummary(programme_key, group,
                                                    len(entry.open_activity_keys),
                                                    len(entry.activity_keys)))
                return r.GroupsAnswer(tuple(summaries))
            programme_key, group = bound
        else:
            found = refs.resolve_group(query, repo.ref_index())
            if isinstance(found, refs.Unknown):
                return r.UnknownRef(query, found.suggestions)
            if isinstance(found, refs.Ambiguous):
                return r.UnknownRef(query, ())
            programme_key = found.programme_key
            group_or_none = repo.get_group(programme_key, found.key)
            assert group_or_none is not None
            group = group_or_none
        activities = repo.list_activity_lines(programme_key=programme_key, group_key=group.key,
                                              limit=LIST_LINES)
        total = sum(repo.count_by_status(programme_key, group.key).values())
    return r.ActivityListAnswer(group, tuple(activities), total)


def overview(deps: Deps, actor: Actor) -> r.Result:
    """The channel's digest now (bot/services/digests.py), the same one the month brings."""
    return digest_now(deps, actor.channel_id)


# -- changes --------------------------------------------------------------------------------

def resolve_for_change(deps: Deps, ref: str,
                       actor: Actor) -> tuple[Activity, WorkingGroup | None] | r.Result:
    """The activity a change by ref is about, if ``actor`` may change it: resolved and its rule
    read in one read unit of work, then Slack asked (channel membership) outside any
    transaction. Otherwise the answer to give: unknown, ambiguous, or a refusal saying who may."""
    with deps.uow() as uow:
        programmes = uow.repo.list_programmes()  # for the rule and the archive mark: once
        found = _resolve_activity(uow.repo, ref, programmes)
        if not isinstance(found, tuple):
            return found
        activity, group = found
        rule = permissions.change_rule(deps, uow.repo, activity.programme_key,
                                       activity.working_group, activity, group, programmes)
    refused = permissions.decide(deps, actor, rule)
    return refused if refused is not None else (activity, group)


def record_update(deps: Deps, command: grammar.Update, actor: Actor) -> r.Result:
    """Append to the log and queue the channel announcement, in one transaction.

    Who may is decided first (bot/services/permissions.py): the rule is read in its own unit of
    work and Slack is asked (channel membership) outside any transaction; a refusal stores and
    announces nothing."""
    # The note is stored and posted; the ref is not, but personal data in it means case data
    # was pasted into the command: refuse the whole update, saying what kind, never echoing it.
    refused = refuse_personal_data(command.note, command.ref)
    if refused is not None:
        return refused
    target = resolve_for_change(deps, command.ref, actor)
    if not isinstance(target, tuple):
        return target
    activity, group = target
    activity_id = ActivityId(activity.programme_key, activity.key)
    organisation = deps.organisation_of(actor)  # may ask Slack: before the write transaction
    # One short write transaction: the activity's row (its status as it is now, for the old
    # status), the status and the log row, the announcement's ledger row, the change log.
    # Nothing else is read: the rest of the answer is what was resolved a moment ago.
    with deps.uow(write=True) as uow:
        repo = uow.repo
        state = repo.activity_state(activity_id)
        if state is None:  # deleted in between
            return r.UnknownRef(command.ref, ())
        old_status, due = state
        if command.status == old_status and not command.note.strip():
            return r.Refused("same_status_no_note")  # nothing new: not stored, not announced
        now = deps.now()
        update = StatusUpdate(
            at=now, author=actor.user_id, old_status=old_status,
            new_status=command.status, note=command.note, author_name=actor.user_name,
            author_org=organisation)
        update_id = repo.append_update(activity_id, update, source=actor.source)
        channel = group.channel if group else None
        claimed = claim_announcement(deps, repo, activity_id, update, update_id, channel)
        # as stored: a recurring activity may have moved on to its next occurrence
        saved = repo.activity_state(activity_id) or (command.status, due)
        uow.commit()
    return r.UpdateRecorded(replace(activity, status=saved[0], due=saved[1]), group, update,
                            channel, claimed.key if claimed else None, claimed)


def link(deps: Deps, query: str, actor: Actor) -> r.Result:
    """`koppel`: bind the current channel to a working group (permissions.decide_link)."""
    if not actor.channel_id:
        return r.Refused("no_channel")
    with deps.uow(write=True) as uow:
        repo = uow.repo
        found = refs.resolve_group(query, repo.ref_index())
        if isinstance(found, refs.Unknown):
            return r.UnknownRef(query, found.suggestions)
        if isinstance(found, refs.Ambiguous):
            return r.UnknownRef(query, ())
        rule = permissions.link_rule(deps, repo, found.programme_key, found.key)
    refused = permissions.decide_link(deps, actor, rule)
    if refused is not None:
        return refused
    with deps.uow(write=True) as uow:
        repo = uow.repo
        group = repo.get_group(found.programme_key, found.key)
        if group is None:  # deleted in between
            return r.UnknownRef(query, ())
        repo.set_group_channel(found.programme_key, found.key, actor.channel_id)
        uow.commit()
    return r.LinkAnswer(group, actor.channel_id, group.channel)
