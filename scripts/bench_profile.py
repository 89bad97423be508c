#!/usr/bin/env python3
"""CPU per command, in process: what a computed answer costs, without HTTP, gunicorn or noise
from other processes' scheduling.

Builds `make bench`'s programme (scripts/bench.py) at PROFILE_SIZE activities (10,000) in a
SQLite file (or PROFILE_URL), imports it through `actiebot import`, builds the whole WSGI app
(bot/wsgi.py `create`) with the answer cache off unless PROFILE_CACHE=1, and sends it the
working day's requests, Slack-signed, one at a time from one thread. For each command it
prints the CPU per request (p50 and mean, in ms) of the request's thread and of the whole
process (a change's own thread and its announcement included: the request's thread alone shows
a change as nearly free), and the SQL statements per request (the follow-ups' included).

    .venv/bin/python scripts/bench_profile.py            # CPU per command
    .venv/bin/python scripts/bench_profile.py mix 60     # the working day's mix for 60 s, to
        # profile: .venv/bin/py-spy record -r 250 -f raw -o day.txt -- <that command>
    .venv/bin/python scripts/bench_profile.py mix 30 wie # one command of the mix

PROFILE_REQUESTS: requests per command (60). The first requests of each command are a
warm-up and not counted, and so are five `te-laat` per working-day user, at random (nearly
every user's first contact, which asks Slack for a locale, is made there). Not a test: the
figures depend on the machine.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench

SETTLE = 0.05  # seconds after each request: its follow-ups finish (the idle process uses ~0 CPU)


def environ_for(signed: bench.Signed) -> dict[str, Any]:
    body, headers = signed
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "",
               "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": headers["Content-Type"],
               "wsgi.input": io.BytesIO(body), "SERVER_NAME": "localhost",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http"}
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def call(app: Any, signed: bench.Signed) -> str:
    got: list[str] = []
    body = b"".join(app(environ_for(signed), lambda status, headers, *a: got.append(status)))
    if not got or not got[0].startswith("200"):
        raise RuntimeError(f"{got} {body[:300]!r}")
    return got[0]


def statement_counter() -> list[int]:
    """Statements sent by any engine of this process (the app keeps its engine to itself)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    count = [0]

    def _count(*args: Any) -> None:
        count[0] += 1

    event.listen(Engine, "before_cursor_execute", _count)
    return count


def main() -> int:
    size = int(os.environ.get("PROFILE_SIZE", "10000"))
    requests = int(os.environ.get("PROFILE_REQUESTS", "60"))
    mode = sys.argv[1] if len(sys.argv) > 1 else "per-command"
    from bot.config import Settings
    from bot.wsgi import create
    from tests.fakes.slack_api import FakeSlack

    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory(prefix="actiebot-profile-") as tmp:
        url = os.environ.get("PROFILE_URL") or f"sqlite:///{tmp}/profile.db"
        data = bench.generate(size, date.today())
        path = Path(tmp) / "programme.yaml"
        bench.write_programme(data, path)
        bench.import_programme(url, path, len(data["activities"]))
        plan = bench.Plan.of(data)
        for channel, users in plan.users_of.items():
            fake.join(channel, *users)
        settings = Settings(database_url=url, slack_bot_token=bench.TOKEN,
                            slack_signing_secret=bench.SECRET, slack_api_url=fake.url,
                            answer_cache=os.environ.get("PROFILE_CACHE") == "1")
        app = create(settings, migrate=False)
        rng = random.Random(3)
        for kind, _ in bench.DAY_MIX:  # warm-up: the index, first imports
            for _ in range(3):
                call(app, bench.working_day(plan, rng, 1, kind)[0][1])
        # and the users' first contact (a locale asked of Slack and stored), which would
        # otherwise land on whichever commands are measured first
        for _, signed in bench.working_day(plan, rng, 5 * bench.DAY_USERS, "te-laat"):
            call(app, signed)
        if mode == "mix":
            seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 60
            only = sys.argv[3] if len(sys.argv) > 3 else None  # one command of the mix
            ends, done = time.monotonic() + seconds, 0
            while time.monotonic() < ends:
                for _, signed in bench.working_day(plan, rng, 50, only):
                    call(app, signed)
                    done += 1
            print(f"{done} requests in {seconds:g} s")
            fake.stop()
            return 0
        counter = statement_counter()
        print(f"{size:,} activities, {url.split(':')[0]}, answer cache "
              f"{'on' if settings.answer_cache else 'off'}; CPU per request, ms: of the "
              "request's thread, and of all threads (a change runs in a thread of its own, "
              "handlers/in_time.py, and its announcement after the answer)")
        print(f"{'command':14} {'p50':>7} {'mean':>7} {'all p50':>8} {'all mean':>8} "
              f"{'statements':>10}")
        for kind, _ in bench.DAY_MIX:
            cpu: list[float] = []
            everything: list[float] = []
            statements = 0
            for _, signed in bench.working_day(plan, rng, requests, kind):
                before = counter[0]
                started, process = time.thread_time(), time.process_time()
                call(app, signed)
                cpu.append(time.thread_time() - started)
                time.sleep(SETTLE)  # the follow-ups (an announcement) run meanwhile
                everything.append(time.process_time() - process)
                statements += counter[0] - before
            print(f"{kind:14} {statistics.median(cpu) * 1000:>7.2f} "
                  f"{statistics.fmean(cpu) * 1000:>7.2f} "
                  f"{statistics.median(everything) * 1000:>8.2f} "
                  f"{statistics.fmean(everything) * 1000:>8.2f} {statements / requests:>10.1f}")
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
