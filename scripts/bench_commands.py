#!/usr/bin/env python3
"""Latency of `/actie` commands over real HTTP (signed requests, bot/wsgi.py, SQLite).

Prints medians and p95 per command at the example's size and at 10x and 100x synthetic
programmes, the ratio to a bare /healthz request on the same server (so a noisy shared
machine cancels out), and the growth factors between sizes. Not a test: run it with
`make bench` or `.venv/bin/python scripts/bench_commands.py`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_runtime  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.domain.model import Activity, DueDate, Precision, ProgrammeFile, WorkingGroup  # noqa: E402
from bot.wsgi import create  # noqa: E402
from storage.programme_file import read_file  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.slack.conftest import SECRET, SlackClient  # noqa: E402

COMMANDS = ["wie MDA++", "wanneer indicatoren", "status THV", "geschiedenis THV",
            "wie samenwerkingsafspraken", "wanneer onbekende activiteit", "te-laat",
            "update THV risico loopt uit"]
ROUNDS = 30


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def synthetic(base: ProgrammeFile, factor: int) -> ProgrammeFile:
    """The example plus (factor-1) copies of every activity under new keys and groups."""
    groups = list(base.working_groups)
    activities = list(base.activities)
    for copy in range(1, factor):
        for group in base.working_groups:
            groups.append(replace(group, key=f"{group.key}-{copy}", aliases=(),
                                  name=f"{group.name} {copy}", channel=None))
        for activity in base.activities:
            due = activity.due or DueDate(base.activities[0].due.value, Precision.MONTH)  # type: ignore[union-attr]
            activities.append(replace(
                activity, key=f"{activity.key}-{copy}", title=f"{activity.title} (kopie {copy})",
                working_group=f"{activity.working_group}-{copy}" if activity.working_group else None,
                due=due, updates=()))
    return replace(base, working_groups=tuple(groups), activities=tuple(activities))


def measure(factor: int, fake: FakeSlack) -> dict[str, list[float]]:
    directory = tempfile.mkdtemp(prefix="actiebot-bench-")
    settings = Settings(database_url=f"sqlite:///{directory}/bench.db",
                        slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,
                        slack_api_url=fake.url)
    runtime = build_runtime(settings)
    base = read_file(ROOT / "examples" / "kennemerland-2021.yaml")[0]
    with runtime.deps.uow() as uow:
        uow.repo.save_programme(synthetic(base, factor))
        uow.commit()
    server = make_server("127.0.0.1", 0, create(settings), server_class=_Server,
                         handler_class=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = SlackClient(f"http://127.0.0.1:{server.server_address[1]}")
    timings: dict[str, list[float]] = {c: [] for c in ["/healthz", *COMMANDS]}
    for _ in range(3):  # warm up
        client.get("/healthz")
        client.command("help")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get("/healthz")
        timings["/healthz"].append(time.perf_counter() - start)
        for command in COMMANDS:
            start = time.perf_counter()
            reply = client.command(command)
            timings[command].append(time.perf_counter() - start)
            assert reply.status == 200, reply.body
    server.shutdown()
    runtime.engine.dispose()
    return timings


def main() -> None:
    fake = FakeSlack().start()
    sizes = {1: "example (11 activities)", 10: "10x (110)", 100: "100x (1,100)"}
    results = {factor: measure(factor, fake) for factor in sizes}
    fake.stop()
    print(f"{'command':34} " + " ".join(f"{label:>24}" for label in sizes.values()))
    for command in ["/healthz", *COMMANDS]:
        cells = []
        for factor in sizes:
            values = sorted(results[factor][command])
            median = statistics.median(values) * 1000
            p95 = values[int(len(values) * 0.95) - 1] * 1000
            cells.append(f"{median:7.1f} ms (p95 {p95:6.1f})")
        print(f"{command:34} " + " ".join(f"{c:>24}" for c in cells))
    print()
    base = {f: statistics.median(results[f]["/healthz"]) for f in sizes}
    for factor, label in sizes.items():
        worst = max(statistics.median(results[factor][c]) for c in COMMANDS)
        print(f"{label:24} slowest command median = {worst * 1000:6.1f} ms "
              f"= {worst / base[factor]:5.1f}x a bare /healthz; Slack allows 3000 ms")
    for small, big in ((1, 10), (10, 100)):
        growth = {c: statistics.median(results[big][c]) / statistics.median(results[small][c])
                  for c in COMMANDS}
        worst = max(growth, key=growth.get)  # type: ignore[arg-type]
        print(f"growth {big}x/{small}x: median over commands "
              f"{statistics.median(growth.values()):.2f}, worst {growth[worst]:.2f} ({worst})")


if __name__ == "__main__":
    main()
