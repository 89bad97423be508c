"""`actiebot rollover --from KEY --to NEWKEY [--name NAME] [--dry-run]` (CONTRACT: CLI additions)."""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING

from bot.cli_common import Failure
from bot.config import Settings
from bot.domain.model import DUTCH_STATUS_WORD

if TYPE_CHECKING:
    from bot.app import Runtime

KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")  # as a programme file's keys


def _key(value: str) -> str:
    if not KEY.match(value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a programme key (lower-case letters, digits, '-', '.' or '_')")
    return value


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "rollover", help="next year's programme: open activities carried over, done ones left")
    p.add_argument("--from", dest="source", required=True, type=_key, metavar="KEY",
                   help="the programme to continue (it is archived afterwards)")
    p.add_argument("--to", dest="target", required=True, type=_key, metavar="NEWKEY",
                   help="the new programme's key")
    p.add_argument("--name", default=None, help="the new programme's name "
                   "(default: the old one, its closing year moved on)")
    p.add_argument("--dry-run", action="store_true", help="show what would happen, change nothing")
    p.set_defaults(func=cmd_rollover)


def cmd_rollover(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_programmes import unknown_key
    from bot.cli_runtime import open_runtime
    from bot.services.rollover import RolledOver, rollover

    runtime = open_runtime(settings)
    result = rollover(runtime.deps, args.source, args.target, args.name, args.dry_run)
    if not isinstance(result, RolledOver):
        raise Failure({
            "same": f"--from and --to are both {result.key!r}; give the new programme its own key",
            "unknown": str(unknown_key(result.key, _keys(runtime))),
            "exists": f"a programme {result.key!r} exists already; nothing was changed",
            "archived": f"{result.key!r} was already carried over into {result.successor!r}; "
                        "roll that one over instead",
        }[result.reason])
    plan = result.plan
    old, new = plan.source.programme, plan.target.programme
    verb = "would carry" if result.dry_run else "carried"
    print(f"{'dry run: ' if result.dry_run else ''}rollover {old.key} -> {new.key} "
          f"({new.name!r}): {verb} over {len(plan.carried)} open activit"
          f"{'y' if len(plan.carried) == 1 else 'ies'}, left behind {len(plan.left_behind)} "
          f"done or cancelled; {len(plan.target.working_groups)} working groups, "
          f"{len(plan.target.goals)} goals")
    for activity in plan.carried:
        print(f"  carried  {activity.key} ({DUTCH_STATUS_WORD[activity.status]})")
    for activity in plan.left_behind:
        print(f"  left     {activity.key} ({DUTCH_STATUS_WORD[activity.status]})")
    if result.dry_run:
        print("dry run: nothing was changed", file=sys.stderr)
    else:
        print(f"{old.key} is archived (kept for history, reports and exports); "
              f"/actie now answers from {new.key}", file=sys.stderr)
    return 0


def _keys(runtime: Runtime) -> list[str]:
    with runtime.deps.uow() as uow:
        return [p.key for p in uow.repo.list_programmes()]
