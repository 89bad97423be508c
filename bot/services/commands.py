"""The one table of `/actie` commands, and `execute`, which runs a command through it.

Every `Command` type of bot/domain/grammar.py (and `Usage`, the text that was none) has a row:

- **use case**: the function that answers it;
- **kind**: a *question* reads and answers in the acknowledgement; a *change* writes (an update,
  a deadline moved, a channel linked, an indicator value recorded); a *surface* opens something
  in Slack (a modal) or puts something there (the report's upload);
- **depends**: what its answer depends on: the activity a ref names, a group named in the text,
  the channel's group (the whole programme where no group is linked), the day; the read cache
  keeps an answer under exactly these (bot/services/answers.py);
- **refuse replay**: whether the same signed request sent again must be ignored (handlers/
  replays.py); a question answered twice changes nothing, a change stored twice is a second
  update and a second announcement.

A command type may have more than one row when its variants differ (`status` with or without a
ref, `indicator` showing or recording): the first row whose ``when`` accepts the command is its
row, and every type ends with a row without ``when``. The replay guard, the slash command's
listener matcher, the read cache and `execute` all read this table; none keeps its own list.

The text is parsed once per request, here (`read`): Slack's `&amp; &lt; &gt;` undone first,
then the grammar. Whoever needs the command of a request uses that one parse.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from enum import Flag, StrEnum, auto
from typing import Any, TypeVar

from bot.domain import grammar, tenancy
from bot.domain import scopes as sc
from bot.domain.grammar import Command, Usage
from bot.domain.model import Activity
from bot.domain.slack_text import from_slack
from bot.services import changes, dispatch, report
from bot.services import results as r
from bot.services.answers import SharedUnitOfWork, StoppedClock
from bot.services.deps import Actor, Deps


class Kind(StrEnum):
    QUESTION = "question"  # reads; the answer is all there is
    CHANGE = "change"  # writes the programme's data
    SURFACE = "surface"  # opens a modal or posts a file: a Slack call follows the answer


class Depends(Flag):
    """What a question's answer is computed from (besides the programme's wording)."""

    NOTHING = 0
    ACTIVITY = auto()  # the activity (or group) a ref resolves to, and the resolution itself
    GROUP = auto()  # the working group named in the text
    CHANNEL = auto()  # the channel's group; in a channel without one, every programme
    DAY = auto()  # today (working days left, what is due or late)


UseCase = Callable[[Deps, Any, Actor], r.Result]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Row:
    command: type
    use_case: UseCase
    kind: Kind
    depends: Depends = Depends.NOTHING
    refuse_replay: bool = False
    keep: bool = False  # kept in the read cache (questions whose answer costs a query)
    when: Callable[[Any], bool] | None = None  # this row's variant of the command type


def _usage(deps: Deps, command: Usage, actor: Actor) -> r.Result:
    return r.UsageAnswer(command, deps.command)


def _help(deps: Deps, command: grammar.Help, actor: Actor) -> r.Result:
    return r.HelpAnswer(deps.command, command.topic)


def _has_ref(command: grammar.StatusOf) -> bool:
    return command.ref is not None


def _names_group(command: grammar.ListActivities) -> bool:
    return command.group is not None


def _records(command: grammar.IndicatorCmd) -> bool:
    return command.period is not None


Q, C, S = Kind.QUESTION, Kind.CHANGE, Kind.SURFACE
ACTIVITY, GROUP, CHANNEL, DAY = Depends.ACTIVITY, Depends.GROUP, Depends.CHANNEL, Depends.DAY

TABLE: tuple[Row, ...] = (
    Row(Usage, _usage, Q),
    Row(grammar.Help, _help, Q),
    Row(grammar.Who, lambda d, c, a: dispatch.who(d, c.ref), Q, ACTIVITY, keep=True),
    Row(grammar.When, lambda d, c, a: dispatch.when(d, c.ref), Q, ACTIVITY | DAY, keep=True),
    Row(grammar.History, lambda d, c, a: dispatch.history(d, c.ref), Q, ACTIVITY, keep=True),
    Row(grammar.StatusOf, lambda d, c, a: dispatch.status(d, c.ref, a), Q, ACTIVITY | DAY,
        keep=True,
        when=_has_ref),
    Row(grammar.StatusOf, lambda d, c, a: dispatch.status(d, None, a), Q, CHANNEL, keep=True),
    Row(grammar.ListActivities, lambda d, c, a: dispatch.list_activities(d, c.group, a), Q,
        GROUP, keep=True, when=_names_group),
    Row(grammar.ListActivities, lambda d, c, a: dispatch.list_activities(d, None, a), Q,
        CHANNEL, keep=True),
    Row(grammar.Upcoming, lambda d, c, a: dispatch.upcoming(d, c.days, a, c.period), Q,
        CHANNEL | DAY, keep=True),
    Row(grammar.Overdue, lambda d, c, a: dispatch.overdue(d, a), Q, CHANNEL | DAY, keep=True),
    Row(grammar.Overview, lambda d, c, a: dispatch.overview(d, a), Q, CHANNEL | DAY, keep=True),
    Row(grammar.Update, dispatch.record_update, C, refuse_replay=True),
    Row(grammar.Reschedule, changes.reschedule, C, refuse_replay=True),
    Row(grammar.Link, lambda d, c, a: dispatch.link(d, c.group, a), C, refuse_replay=True),
    Row(grammar.IndicatorCmd, report.run_command, C, refuse_replay=True, when=_records),
    Row(grammar.IndicatorCmd, report.run_command, Q),  # the list or one indicator: not kept
    Row(grammar.OpenUpdate,
        lambda d, c, a: changes.update_form(d, c.ref, a, fallback=c.fallback), S),
    Row(grammar.NewActivity, lambda d, c, a: changes.new_activity_form(d, c.title, a), S),
    # the report is uploaded to the channel: a replay would upload it again
    Row(grammar.Report, report.run_command, S, refuse_replay=True),
)


# The same for what arrives without a slash command, by Slack's payload type: the reminder
# buttons (Gereed, snooze, Bijwerken) and the modals' submissions (the update modal, `nieuw`)
# change things; a message shortcut opens a modal; the activity picker's options are a question.
INTERACTIONS: dict[str, Kind] = {
    "block_actions": C,
    "view_submission": C,
    "message_action": S,
    "shortcut": S,
    "block_suggestion": Q,
    "view_closed": Q,
}
INTERACTIONS_REFUSING_REPLAY = frozenset(kind for kind, k in INTERACTIONS.items() if k is C)


def row_of(command: Command | Usage) -> Row:
    """The command's row; a type without one is a bug (a test checks every type has one)."""
    for row in TABLE:
        if type(command) is row.command and (row.when is None or row.when(command)):
            return row
    raise LookupError(f"no row in the command table for {type(command).__name__}")


def read(text: str | None, command_name: str = "/actie") -> Command | Usage:
    """The one parse of a slash command's text: Slack's escaping undone, then the grammar."""
    return grammar.parse(from_slack(text), command_name)


def scopes_of(row: Row, result: r.Result, binding: tuple[str, str] | None) -> frozenset[str]:
    """The scopes a kept answer was computed from (the rule: bot/services/answers.py)."""
    if row.depends & ACTIVITY:
        activity = getattr(result, "activity", None)
        if not isinstance(activity, Activity):  # unknown, ambiguous, an empty group
            return frozenset({sc.INDEX, sc.OPEN, sc.LISTS})
        p, group = activity.programme_key, activity.working_group
        found = {sc.INDEX, sc.OPEN, sc.activity(p, activity.key), sc.programme(p)}
        if group:
            found.add(sc.group(p, group))
        if isinstance(result, r.HistoryAnswer) and result.earlier:
            found.add(sc.LISTS)  # the logs of the activities it was carried over from
        return frozenset(found)
    if row.depends & GROUP:
        if isinstance(result, r.ActivityListAnswer) and result.activities:
            p, group = result.activities[0].programme_key, result.group.key
            return frozenset({sc.INDEX, sc.group(p, group), sc.group_lists(p, group),
                              sc.programme(p)})
        return frozenset({sc.INDEX, sc.OPEN, sc.LISTS, sc.CHANNELS})
    if row.depends & CHANNEL:
        extra = {sc.DIGESTS} if row.command is grammar.Overview else set()
        if binding is None:  # every programme
            return frozenset({sc.CHANNELS, sc.LISTS, *extra})
        p, group = binding
        return frozenset({sc.CHANNELS, sc.group(p, group), sc.group_lists(p, group),
                          sc.programme(p), *extra})
    return frozenset({sc.EVERYTHING})


def answer(deps: Deps, command: Command | Usage, actor: Actor, variant: Hashable,
           render: Callable[[r.Result], T]) -> T:
    """``render(execute(...))``, kept in the read cache (bot/services/answers.py) when the
    command's row says so: a repeated question costs a peek, a dictionary look-up and
    unpacking the kept value (each request gets its own copy)."""
    row = row_of(command)
    cache = deps.answers
    if cache is None or not row.keep or not cache.keeps_answers:
        return render(row.use_case(deps, command, actor))
    clock = StoppedClock(deps.now())
    today = deps.day_of(clock.at)
    channel = actor.channel_id if row.depends & CHANNEL else None
    variant = (variant, tenancy.current())  # many workspaces: each keeps its own answers
    peeked = deps.uow.data_version()  # one statement, no transaction
    if peeked is not None:
        cache.sync(peeked, deps.uow.changes_since)
        binding = cache.get(peeked, ("channel", channel, variant[1])) if channel else (None,)
        if binding is not None:
            found = cache.get(peeked, (command, binding[0], today, variant))
            if found is not None:
                return found  # type: ignore[no-any-return]
    with deps.uow() as uow:
        version = uow.repo.data_version()  # the first statement: the snapshot's version
        bound = dispatch.channel_group(uow.repo, actor) if channel else None
        result = row.use_case(replace(deps, clock=clock, uow=SharedUnitOfWork(uow),
                                      answers=None), command, actor)
    rendered = render(result)
    if version is not None:
        where = (bound[0], bound[1].key) if bound else None
        if channel:  # which group the channel is: the same for every question asked there
            cache.put(version, ("channel", channel, variant[1]), (where,), {sc.CHANNELS},
                      size=200)
        cache.put(version, (command, where, today, variant), rendered,
                  scopes_of(row, result, where))
    return rendered


def execute(deps: Deps, command: Command | Usage, actor: Actor) -> r.Result:
    """The command's answer by its row's use case (never kept: `answer` keeps rendered
    answers)."""
    return row_of(command).use_case(deps, command, actor)
