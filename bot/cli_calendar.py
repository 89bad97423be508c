"""`actiebot calendar-link (--group KEY | --programme KEY) [--rotate]` (CONTRACT: CLI additions).

Prints the address of a subscribable calendar (`GET /calendar/<token>.ics`, bot/calendar_feed.py)
for a working group or a whole programme. The token is shown once, when it is made: the
database keeps only its hash. `--rotate` makes a new one; the old address answers 404 from then
on.
"""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.domain.ports import CalendarTarget


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "calendar-link", help="the address of a calendar people subscribe to (a working group's "
                              "or a programme's deadlines)")
    p.add_argument("--group", default=None, metavar="KEY",
                   help="a working group's key (add --programme when several programmes have it)")
    p.add_argument("--programme", default=None, metavar="KEY",
                   help="a programme's key: the whole programme (or, with --group, its group)")
    p.add_argument("--rotate", action="store_true",
                   help="make a new address; the old one stops working")
    p.set_defaults(func=cmd_calendar_link)


def cmd_calendar_link(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_runtime
    from bot.calendar_feed import LinkExists, LinkMade, feed_url, make_link
    from bot.cli_common import Failure, today

    if not args.group and not args.programme:
        print("actiebot calendar-link: give --group KEY or --programme KEY", file=sys.stderr)
        return 2
    if today(args) is not None:
        raise Failure("ACTIEBOT_TODAY is for reading: unset it to make a calendar link")
    if not settings.public_url:
        raise Failure("ACTIEBOT_PUBLIC_URL is not set: set it to where people reach `actiebot "
                      "serve`, e.g. export ACTIEBOT_PUBLIC_URL=https://actiebot.example.nl")
    runtime = build_runtime(settings)
    try:
        target = _target(runtime.deps, args.programme, args.group)
        result = make_link(runtime.deps.uow, target, args.rotate)
    finally:
        runtime.engine.dispose()
    what = (f"working group {target.group_key!r} of {target.programme_key!r}"
            if target.group_key else f"programme {target.programme_key!r}")
    if result is None:
        raise Failure(f"{what} no longer exists")
    if isinstance(result, LinkExists):
        raise Failure(
            f"the {what} has a calendar link since {result.since:%Y-%m-%d}; its address was "
            "shown when it was made and is not stored (only a hash of it). Use --rotate for a "
            "new address (the old one then stops working)")
    assert isinstance(result, LinkMade)
    print(feed_url(settings.public_url, result.token))
    print(f"calendar of the {what}" + (": the previous address no longer works"
                                       if result.rotated else ""), file=sys.stderr)
    return 0


def _target(deps, programme: str | None, group: str | None) -> CalendarTarget:  # type: ignore[no-untyped-def]
    from bot.cli_common import Failure

    with deps.uow() as uow:
        programmes = [p.key for p in uow.repo.list_programmes()]
        if programme is not None and programme not in programmes:
            raise Failure(f"no programme with key {programme!r}"
                          + (f"; known: {', '.join(programmes[:12])}" if programmes else ""))
        if group is None:
            assert programme is not None
            return CalendarTarget(programme)
        found = [(p, g.key) for p, g in uow.repo.list_groups(programme)
                 if g.key == group or group.casefold() in (a.casefold() for a in g.aliases)]
    if not found:
        raise Failure(f"no working group {group!r}" + (f" in {programme!r}" if programme else ""))
    if len(found) > 1:
        raise Failure(f"working group {group!r} is in several programmes ("
                      + ", ".join(p for p, _ in found) + "): add --programme KEY")
    return CalendarTarget(found[0][0], found[0][1])
