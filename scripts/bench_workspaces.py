#!/usr/bin/env python3
"""Benchmark: one deployment serving many workspaces on PostgreSQL costs per question what one
workspace costs, and its reminder sweep costs what is due, not how many workspaces exist.

For 1, 10, 100 and 300 workspaces (BENCH_WS_COUNTS) in a fresh database each: an installation
per workspace in slack_sdk's installation store (the rows Bolt's OAuth flow writes, through the
store itself) and a programme of 100 activities imported into it (the import's own code,
`save_programme`, then `--workspace`'s assignment). Then, in this process, the whole WSGI app in
many-workspace mode (bot/wsgi.py `create`: Slack signature, Bolt, the installation look-up, the
workspace filter) answers Slack-signed `wie`/`wanneer` questions from random workspaces, the
answer cache off: every answer is computed. Printed: p50 wall and thread-CPU per question, and
the growth exponent of the p50 from 1 to 300 workspaces (least squares on log-log; target
≤ 0.1).

The sweep: only the first ten workspaces have anything due (the same ten at every size); the
scheduler's per-workspace reminder sweep (bot/scheduler.py: each installed workspace on its
own, four side by side) runs as a dry run. Printed: the sweep's wall time per size and its
ratio to the 10-workspace sweep (target: flat, ≤ 1.5× at 300, since what is due is the same).

    .venv/bin/python scripts/bench_workspaces.py        # a throwaway PostgreSQL, like the tests
    BENCH_WS_URL=postgresql+psycopg://…/db …           # an existing server (each size empties it)
    BENCH_WS_COUNTS=1,10,100 BENCH_WS_QUESTIONS=200 …   # a quicker run

Not a test: the figures depend on the machine. `make bench-workspaces` runs it, and `make bench`
too when BENCH_WORKSPACES=1.
"""

from __future__ import annotations

import io
import math
import os
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AMS = ZoneInfo("Europe/Amsterdam")
SECRET = "bench-signing-secret"
ACTIVITIES = 100
GROUPS = 5
DUE_WORKSPACES = 10  # only these have anything due at SWEEP_AT
SWEEP_AT = datetime(2021, 10, 15, 9, 0, tzinfo=AMS)  # a Friday
EXPONENT_TARGET = 0.1
SWEEP_TARGET = 1.5
VERBS = ["Opstellen", "Evalueren", "Uitvoeren", "Organiseren", "Verkennen", "Borgen"]
SUBJECTS = ["werkafspraken", "scholing", "voorlichting", "casusoverleg", "meldcode",
            "signaleringsplan", "convenant", "nazorgtraject", "veiligheidsplan"]
PLACES = ["Haarlem", "Velsen", "Zandvoort", "Heemstede", "Hilversum", "Huizen", "Laren"]


def team(i: int) -> str:
    return f"T0WS{i:05d}"


def programme_text(i: int, rng: random.Random) -> str:
    """Workspace i's programme: five groups with their own channels, 100 activities; in the
    first DUE_WORKSPACES, ten open activities around SWEEP_AT (overdue and due soon)."""
    lines = [f'programme: {{key: regio-{i:05d}, name: "Regio {i}", timezone: Europe/Amsterdam}}',
             "working_groups:"]
    for g in range(GROUPS):
        lines.append(f'  - {{key: wg-{g}, name: "Werkgroep {g} regio {i}", '
                     f'channel: C{i:05d}G{g}}}')
    lines.append("activities:")
    base = SWEEP_AT.date()
    for a in range(ACTIVITIES):
        if a < 10 and i < DUE_WORKSPACES:
            due, status = base + timedelta(days=rng.choice([-15, -5, 1, 7, 14])), "op-schema"
        elif a % 2:
            due, status = base - timedelta(days=rng.randint(200, 900)), "gereed"
        else:
            due, status = base + timedelta(days=rng.randint(120, 900)), "op-schema"
        title = f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)} {rng.choice(PLACES)} {a}"
        lines.append(f'  - {{key: a{a:03d}, title: "{title}", owners: ["Werkgroep {a % GROUPS}"],'
                     f' working_group: wg-{a % GROUPS}, due: "{due.isoformat()}",'
                     f' status: {status}}}')
    return "\n".join(lines) + "\n"


def install(url: str, count: int) -> None:
    """`count` workspaces: each an installation (through slack_sdk's store, as Bolt's OAuth
    flow saves it) and a programme imported into it."""
    from slack_sdk.oauth.installation_store.models.installation import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from sqlalchemy.orm import Session

    from storage.db import create_db_engine, upgrade
    from storage.programme_file import read_text
    from storage.programme_store import save_programme
    from storage.workspaces import assign_programme, record_install

    engine = create_db_engine(url)
    upgrade(engine)
    store = SQLAlchemyInstallationStore(client_id="bench-client", engine=engine)
    rng = random.Random(5)
    now = datetime.now(UTC)
    for i in range(count):
        store.save(Installation(
            app_id="A0BENCH01", team_id=team(i), team_name=f"Regio {i}", user_id="U0INSTALL",
            bot_token=f"xoxb-bench-{i}", bot_id=f"B{i:05d}", bot_user_id=f"UBOT{i:05d}",
            bot_scopes="commands,chat:write"))
        record_install(engine, team(i), None, f"Regio {i}", now)
        [file] = read_text(programme_text(i, rng), f"regio-{i}.yaml")
        with Session(engine) as session, session.begin():
            save_programme(session, file)
        assign_programme(engine, file.programme.key, team(i))
    with engine.begin() as connection:
        from sqlalchemy import text

        connection.execute(text("ANALYZE"))
    engine.dispose()


def signed(text_: str, workspace: str, user: str = "U0ASKER01") -> tuple[bytes, dict[str, str]]:
    from slack_sdk.signature import SignatureVerifier

    body = urlencode({
        "token": "x", "team_id": workspace, "team_domain": "bench", "channel_id": "C0ELSEWHERE",
        "channel_name": "bench", "user_id": user, "user_name": "bench", "command": "/actie",
        "text": text_, "api_app_id": "A0BENCH01", "is_enterprise_install": "false",
        "response_url": "http://127.0.0.1:9/response", "trigger_id": "1.2.3"}).encode()
    stamp = str(int(time.time()))
    return body, {"Content-Type": "application/x-www-form-urlencoded",
                  "X-Slack-Request-Timestamp": stamp,
                  "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                      timestamp=stamp, body=body)}


def call(app: Any, request: tuple[bytes, dict[str, str]]) -> bytes:
    body, headers = request
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "",
               "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": headers["Content-Type"],
               "wsgi.input": io.BytesIO(body), "SERVER_NAME": "localhost", "SERVER_PORT": "80",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http"}
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    got: list[str] = []
    answer = b"".join(app(environ, lambda status, headers_, *a: got.append(status)))
    if not got or not got[0].startswith("200") or b"(`a" not in answer:  # the activity found
        raise RuntimeError(f"{got} {answer[:300]!r}")
    return answer


def questions(url: str, fake_url: str, count: int, asked: int) -> dict[str, float]:
    """p50 wall and thread CPU of computed questions from random workspaces (each workspace
    asked once before, so its index is built: the steady state of a serving process)."""
    from bot.config import Settings
    from bot.wsgi import create

    settings = Settings(database_url=url, slack_bot_token=None, slack_signing_secret=SECRET,
                        slack_api_url=fake_url, slack_client_id="bench-client",
                        slack_client_secret="bench-secret",
                        slack_state_secret="bench-state-secret", answer_cache=False)
    app = create(settings, migrate=False)
    rng = random.Random(9)
    for i in range(count):
        call(app, signed(f"wie a{rng.randrange(ACTIVITIES):03d}", team(i)))
    wall: list[float] = []
    cpu: list[float] = []
    for n in range(asked):
        i = rng.randrange(count)
        verb = ("wie", "wanneer")[n % 2]
        request = signed(f"{verb} a{rng.randrange(ACTIVITIES):03d}", team(i))
        started, started_cpu = time.perf_counter(), time.thread_time()
        call(app, request)
        wall.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    return {"wall": statistics.median(wall) * 1000, "cpu": statistics.median(cpu) * 1000}


def sweep(url: str, count: int, repeat: int = 3) -> dict[str, float]:
    """The scheduler's reminder sweep of every installed workspace (each on its own, four side
    by side, as bot/scheduler.py runs it), as a dry run: best of `repeat`."""
    import contextvars

    from bot.app import build_runtime
    from bot.config import Settings
    from bot.domain import tenancy
    from bot.installs import Installs
    from bot.services.reminders import PinnedClock, sweep_reminders

    settings = Settings(database_url=url)
    runtime = build_runtime(settings, migrate=False)
    installs = Installs(replace(settings, slack_client_id="bench-client",
                                slack_client_secret="bench", slack_state_secret="bench"),
                        runtime.engine)
    pinned = replace(runtime.deps, clock=PinnedClock(SWEEP_AT))
    runtime.deps.uow.require_workspace = True  # type: ignore[attr-defined]  # as when serving
    planned = [0]

    def one(workspace: str) -> int:
        with tenancy.serving(workspace):
            report = sweep_reminders(runtime.deps, SWEEP_AT, dry_run=True)
        return len(report.plans)

    best = math.inf
    for _ in range(repeat):
        started = time.perf_counter()
        # as the scheduler does: one read names the workspaces with something due
        spaces = installs.with_reminders_due(pinned)
        with ThreadPoolExecutor(max_workers=max(1, min(4, len(spaces)))) as pool:
            planned[0] = sum(pool.map(lambda w: contextvars.copy_context().run(one, w), spaces))
        best = min(best, time.perf_counter() - started)
    runtime.engine.dispose()
    return {"seconds": best, "due": planned[0]}


def exponent(points: list[tuple[int, float]]) -> float:
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(v) for _, v in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
            / sum((x - mx) ** 2 for x in xs))


def main() -> int:
    from tests.fakes.slack_api import FakeSlack

    counts = [int(c) for c in os.environ.get("BENCH_WS_COUNTS", "1,10,100,300").split(",")]
    asked = int(os.environ.get("BENCH_WS_QUESTIONS", "300"))
    fake = FakeSlack().start()
    server = None
    fixed = os.environ.get("BENCH_WS_URL")
    if not fixed:
        from tests.pg import PostgresServer

        server = PostgresServer()
        server.start()
    results: list[dict[str, Any]] = []
    try:
        for count in counts:
            if fixed:
                url = fixed
                _empty(url)
            else:
                assert server is not None
                url = str(server.create_database(f"ws{count}"))
            started = time.perf_counter()
            install(url, count)
            fake.tokens.update({f"xoxb-bench-{i}": team(i) for i in range(count)})  # auth.test
            setup = time.perf_counter() - started
            asked_here = questions(url, fake.url, count, asked)
            swept = sweep(url, count)
            results.append({"workspaces": count, "setup": setup, **asked_here, **swept})
            print(f"{count:>4} workspaces × {ACTIVITIES} activities: set up in {setup:.0f} s; "
                  f"question p50 {asked_here['wall']:.2f} ms wall, {asked_here['cpu']:.2f} ms "
                  f"CPU; sweep {swept['seconds'] * 1000:.0f} ms for {swept['due']:.0f} "
                  "reminders due", flush=True)
    finally:
        fake.stop()
        if server is not None:
            server.stop()
    report(results)
    return 0


def _empty(url: str) -> None:
    from sqlalchemy import text

    from storage.db import create_db_engine

    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def report(results: list[dict[str, Any]]) -> None:
    print(f"\nMany workspaces on PostgreSQL ({date.today()}, load average "
          f"{os.getloadavg()[0]:.1f}):")
    print(f"{'workspaces':>10} {'p50 wall ms':>12} {'p50 CPU ms':>11} {'sweep ms':>9} "
          f"{'due':>5}")
    for r in results:
        print(f"{r['workspaces']:>10} {r['wall']:>12.2f} {r['cpu']:>11.2f} "
              f"{r['seconds'] * 1000:>9.0f} {r['due']:>5.0f}")
    if len(results) < 2:
        return
    wall = exponent([(r["workspaces"], r["wall"]) for r in results])
    cpu = exponent([(r["workspaces"], r["cpu"]) for r in results])
    print(f"question growth exponent {results[0]['workspaces']}→{results[-1]['workspaces']}: "
          f"wall {wall:.3f}, CPU {cpu:.3f} (target ≤ {EXPONENT_TARGET}: "
          f"{'met' if cpu <= EXPONENT_TARGET else 'missed'} on CPU, "
          f"{'met' if wall <= EXPONENT_TARGET else 'missed'} on wall)")
    base = next((r for r in results if r["workspaces"] >= DUE_WORKSPACES), None)
    if base is not None:
        last = results[-1]
        ratio = last["seconds"] / base["seconds"]
        print(f"sweep {last['workspaces']} vs {base['workspaces']} workspaces, the same "
              f"{base['due']:.0f} reminders due: {ratio:.2f}× (target ≤ {SWEEP_TARGET}×: "
              f"{'met' if ratio <= SWEEP_TARGET else 'missed'}; "
              f"{last['seconds'] / last['workspaces'] * 1000:.1f} ms per workspace swept)")


if __name__ == "__main__":
    sys.exit(main())
