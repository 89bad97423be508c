"""`actiebot status`: what an operator checks first — the database, and the outbox's backlog
(messages due to be posted and the oldest of them), the same figures `/healthz` gives.

Exit status 0 when the database answers, 1 when it does not (one line, never a traceback).
"""

from __future__ import annotations

import argparse
import json

from bot.cli_common import Failure
from bot.config import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "status", help="the database and the outbox backlog (due, oldest)",
        description="Prints whether the database answers and what the outbox still has to "
                    "post: messages due now, messages waiting for a later retry, and when the "
                    "oldest of them was queued. The same figures as GET /healthz.")
    p.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    p.set_defaults(func=cmd_status)


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_runtime import open_runtime
    from bot.services.delivery import backlog
    from storage.db import current_revision, ping

    runtime = open_runtime(settings, migrate=False)  # names a missing database
    try:
        if not ping(runtime.engine):
            raise Failure("the database does not answer")
        revision = current_revision(runtime.engine)
        outbox = backlog(runtime.deps)
    finally:
        runtime.engine.dispose()
    if args.json:
        print(json.dumps({"database": True, "revision": revision, "outbox": outbox.as_dict()}))
        return 0
    print(f"database: ok (migration {revision or 'none'})")
    age = outbox.oldest_age_seconds
    oldest = ("-" if outbox.oldest is None
              else f"{outbox.oldest.isoformat(timespec='seconds')} ({_age(age or 0)} ago)")
    print(f"outbox: {outbox.due} due now, {outbox.waiting} waiting for a retry; oldest: {oldest}")
    return 0


def _age(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
