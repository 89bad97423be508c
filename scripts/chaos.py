"""`make chaos`: Actiebot as deployed (`actiebot serve`: gunicorn workers and the scheduler
process) under mixed load and faults, on SQLite and PostgreSQL; prints one table per run.

    python scripts/chaos.py [--seconds 1200] [--dbs sqlite,postgres] [--rate 30]

Load: signed slash commands at about ``--rate`` a second, one in ten an update (each with a
note of its own, by a member of the group's channel, with a response_url on the fake), the
rest questions. Faults, spread over the run: Slack answering 500 and then 429 (Retry-After 1)
for chat.postMessage, Slack posting but answering late (after the client's timeout), `kill -9`
of a gunicorn worker (repeatedly, also during an update burst), `kill -9` of the scheduler
process (the lease passes on), and on PostgreSQL a restart of the database server.

After the load the faults stop and the run waits for the outbox to drain. The table:
requests, acknowledged updates (the reply said "Opgeslagen", or "Nog bezig" and the
response_url said "Opgeslagen"), stored once, posted once (exactly one message in its
channel carries the note), 5xx, latency over 3 s, recovery time (from the last fault's end
until every acknowledged update was posted). tests/slack/test_fault_suite.py runs short
versions in CI; this script is for the long runs (not in CI).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.slack_api import FakeSlack
from tests.pg import PostgresServer

SECRET = "chaos-signing-secret"
TOKEN = "xoxb-chaos"
EXAMPLE = ROOT / "examples" / "kennemerland-2021.yaml"
QUESTIONS = ("wie MDA++", "wanneer THV", "status mda-advies", "te-laat", "binnenkort 30",
             "lijst MDA++", "geschiedenis thv-onderzoek", "help")
STATUSES = ("risico", "op-schema", "vertraagd")
SLOW_REPLY = 3.0  # seconds: Slack shows the user a timeout after 3 s


# -- the pieces -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def workers(self) -> list[int]:
        return [p for p in children(self.process.pid) if " scheduler" not in command_line(p)]

    def scheduler(self) -> int | None:
        found = [p for p in children(self.process.pid) if " scheduler" in command_line(p)]
        return found[0] if found else None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(url: str, fake: FakeSlack, workdir: Path) -> Server:
    port = free_port()
    log = workdir / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    env.update({"DATABASE_URL": url, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake.url, "ACTIEBOT_BIND": "127.0.0.1",
                "WEB_CONCURRENCY": "2", "ACTIEBOT_THREADS": "8"})
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Server(port, process, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited: {log.read_text()[-2000:]}")
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"serve did not start: {log.read_text()[-2000:]}")


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def signed(text: str, user: str, channel: str, response_url: str) -> tuple[bytes, dict[str, str]]:
    from slack_sdk.signature import SignatureVerifier

    body = urlencode({
        "token": "x", "team_id": "T0CHAOS01", "team_domain": "chaos", "channel_id": channel,
        "channel_name": "chaos", "user_id": user, "user_name": "chaos", "command": "/actie",
        "text": text, "api_app_id": "A0CHAOS01", "response_url": response_url,
        "trigger_id": f"{time.time():.6f}.{random.random()}",
    }).encode()
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    return body, {"Content-Type": "application/x-www-form-urlencoded",
                  "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


@dataclass
class Reply:
    kind: str  # "update" or "question"
    note: str | None
    status: int  # HTTP status; 0: no answer (connection refused or cut)
    seconds: float
    text: str = ""
    fault: str = ""  # the fault going on when it was sent
    at: float = 0.0  # when it was sent (monotonic)


@dataclass
class Load:
    """Signed requests at about ``rate`` a second from a few threads, until stopped."""

    port: int
    fake: FakeSlack
    targets: list[tuple[str, str]]  # (activity key, its channel)
    rate: float
    run_id: int
    replies: list[Reply] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    fault: str = "start"
    burst: threading.Event = field(default_factory=threading.Event)  # only updates, for a while
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _numbers: Any = field(default_factory=lambda: itertools.count(1))

    def run(self, threads: int = 8) -> list[threading.Thread]:
        started = [threading.Thread(target=self._worker, args=(i,), daemon=True)
                   for i in range(threads)]
        for thread in started:
            thread.start()
        return started

    def warm_up(self) -> None:
        """Every user's first command, one at a time (learning each one's locale), so that
        the run measures a server in use; simultaneous first contact has its own test
        (tests/slack/test_delivery_faults.py)."""
        for i in range(20):
            self._send("question", None, "help", f"U0CHAOS{i:02d}", "C0OTHER01")
        for i in range(40):
            self._send("question", None, "help", f"U0ASK{i:03d}", "C0OTHER01")

    def _worker(self, index: int) -> None:
        rng = random.Random(index * 7919 + self.run_id)
        gap = 8 / max(self.rate, 0.1)  # eight threads share the rate
        while not self.stop.is_set():
            began = time.monotonic()
            if self.burst.is_set() or rng.random() < 0.1:
                self._update(rng)
            else:
                self._question(rng)
            time.sleep(max(0.0, gap - (time.monotonic() - began)))

    def _send(self, kind: str, note: str | None, text: str, user: str, channel: str) -> None:
        response_url = self.fake.response_url(note or "question")
        body, headers = signed(text, user, channel, response_url)
        began = time.monotonic()
        status, answer = 0, ""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", "/slack/events", body=body, headers=headers)
            response = connection.getresponse()
            status, answer = response.status, response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):  # a killed worker cuts its connections
            status = 0
        finally:
            connection.close()
        with self._lock:
            self.replies.append(Reply(kind, note, status, time.monotonic() - began, answer,
                                      self.fault, began))

    def _update(self, rng: random.Random) -> None:
        key, channel = rng.choice(self.targets)
        note = f"chaos-{self.run_id}-{next(self._numbers)}"
        self._send("update", note, f"update {key} {rng.choice(STATUSES)} {note}",
                   f"U0CHAOS{rng.randrange(20):02d}", channel)

    def _question(self, rng: random.Random) -> None:
        self._send("question", None, rng.choice(QUESTIONS), f"U0ASK{rng.randrange(40):03d}",
                   "C0OTHER01")


# -- one run -----------------------------------------------------------------------------------

@dataclass
class Result:
    database: str
    seconds: float
    requests: int
    acknowledged: int
    stored_once: int
    posted_once: int
    server_errors: int
    no_answer: int
    slow: int
    p99: float
    recovery: float | None
    faults: list[str]
    problems: dict[str, tuple[int, int]] = field(default_factory=dict)  # note: (stored, posted)
    slow_during: dict[str, int] = field(default_factory=dict)  # fault ("" none): replies > 3 s
    # fault -> requests that got no reply (their connection was cut: a killed worker held it)
    no_answer_during: dict[str, int] = field(default_factory=dict)

    def ok(self) -> bool:
        return (self.stored_once == self.acknowledged == self.posted_once
                and self.server_errors == 0 and self.slow == 0 and self.recovery is not None)


def targets_of(example: Path) -> list[tuple[str, str]]:
    from storage.programme_file import read_file

    found = []
    for file in read_file(example):
        channels = {g.key: g.channel for g in file.working_groups if g.channel}
        found += [(a.key, channels[a.working_group]) for a in file.activities
                  if a.working_group in channels and not a.status.is_closed]
    return found


def run(database: str, seconds: float, rate: float = 30.0, workdir: Path | None = None,
        faults: tuple[str, ...] | None = None, log: Callable[[str], None] = print) -> Result:
    """One run on ``database`` ("sqlite" or "postgres"); returns its figures."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix=f"chaos-{database}-"))
    log(f"  working directory: {workdir}")
    pg: PostgresServer | None = None
    if database == "postgres":
        pg = PostgresServer()
        pg.start()
        url = pg.create_database("chaos")
    else:
        url = f"sqlite:///{workdir / 'chaos.db'}"
    fake = FakeSlack().start()
    server: Server | None = None
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
        imported = subprocess.run([sys.executable, "-m", "bot", "import", str(EXAMPLE)],
                                  cwd=ROOT, env={**env, "DATABASE_URL": url},
                                  capture_output=True, text=True, timeout=300, check=False)
        if imported.returncode != 0:
            raise RuntimeError(imported.stderr)
        targets = targets_of(EXAMPLE)
        for channel in {c for _k, c in targets}:
            fake.join(channel, *(f"U0CHAOS{i:02d}" for i in range(20)))
        server = start_server(url, fake, workdir)
        ready = time.monotonic()
        load = Load(server.port, fake, targets, rate, int(time.time()) % 100000)
        load.warm_up()
        # the scheduler's start-up catch-up (5 s after serve is ready) posts what is overdue
        time.sleep(max(0.0, ready + 8.0 - time.monotonic()))
        load.replies.clear()
        began = time.monotonic()
        threads = load.run()
        plan = faults or default_faults(database)
        # the recovery is watched from the moment the last fault ends, while the load goes on:
        # until everything acknowledged by then was posted
        recovery: list[float | None] = []
        watcher: list[threading.Thread] = []

        def watch(since: float) -> None:
            recovery.append(wait_drained(load, fake, url, since, limit=max(180.0, seconds),
                                         told_before=since))

        def healed(since: float) -> None:
            watcher.append(threading.Thread(target=watch, args=(since,), daemon=True))
            watcher[0].start()

        play(plan, seconds, server, fake, pg, load, log, on_last_healed=healed)
        load.stop.set()
        for thread in threads:
            thread.join(40)
        fake.heal()
        for thread in watcher:
            thread.join(max(180.0, seconds))
        # and everything acknowledged after it, before the tally
        wait_drained(load, fake, url, time.monotonic(), limit=180.0)
        return tally(database, time.monotonic() - began, load, fake, url,
                     recovery[0] if recovery else None, plan)
    finally:
        if server is not None:
            server.stop()
        fake.stop()
        if pg is not None:
            pg.stop()


def default_faults(database: str) -> tuple[str, ...]:
    faults = ("slack-500", "slack-429", "slack-slow", "kill-worker", "burst-kill",
              "kill-scheduler")
    return (*faults, "db-restart") if database == "postgres" else faults


def play(plan: tuple[str, ...], seconds: float, server: Server, fake: FakeSlack,
         pg: PostgresServer | None, load: Load, log: Callable[[str], None],
         on_last_healed: Callable[[float], None] | None = None) -> None:
    """The faults, one after the other, spread evenly over the run (each takes a slot of the
    run's time and heals at the end of its slot; kills repeat within theirs). The moment
    (monotonic) the last fault ended is given to ``on_last_healed`` at once."""
    slot = seconds / (len(plan) + 1)
    end = time.monotonic() + seconds
    time.sleep(slot / 2)
    for fault in plan:
        stop = time.monotonic() + slot * 0.6
        log(f"  fault: {fault}")
        load.fault = fault
        if fault == "slack-500":
            fake.fail("chat.postMessage", status=500)
            time.sleep(max(0.0, stop - time.monotonic()))
        elif fault == "slack-429":
            fake.fail("chat.postMessage", status=429, retry_after=1)
            time.sleep(max(0.0, stop - time.monotonic()))
        elif fault == "slack-slow":
            fake.slow("chat.postMessage", 12.0)  # posted at once, answered after 12 s
            time.sleep(max(0.0, stop - time.monotonic()))
        elif fault in ("kill-worker", "burst-kill"):
            if fault == "burst-kill":
                load.burst.set()
            while time.monotonic() < stop:
                workers = server.workers()
                if workers:
                    os.kill(random.choice(workers), signal.SIGKILL)
                time.sleep(max(1.0, slot / 6))
            load.burst.clear()
        elif fault == "kill-scheduler":
            pid = server.scheduler()
            if pid:
                os.kill(pid, signal.SIGKILL)
            time.sleep(max(0.0, stop - time.monotonic()))
        elif fault == "db-restart" and pg is not None:
            pg.restart(down=min(20.0, slot * 0.5))
        fake.heal()
        load.fault = f"after {fault}"
        last = time.monotonic()
        if on_last_healed is not None and fault == plan[-1]:
            on_last_healed(last)
        time.sleep(max(0.0, min(slot * 0.4, end - time.monotonic())))
    time.sleep(max(0.0, end - time.monotonic()))


def acknowledged_notes(load: Load, fake: FakeSlack,
                       sent_before: float | None = None) -> set[str]:
    """Updates the user was told were saved: in the reply, or by response_url after
    "Nog bezig"; with ``sent_before``, only those sent before that moment (monotonic)."""
    told: set[str] = set()
    confirmed = {c.body.get("_path", "").rsplit("/", 1)[-1] for c in fake.calls_to("response_url")
                 if "Opgeslagen" in str(c.body.get("text"))}
    for reply in list(load.replies):
        if reply.kind != "update" or reply.status != 200 or reply.note is None:
            continue
        if sent_before is not None and reply.at > sent_before:
            continue
        if "Opgeslagen" in reply.text or ("Nog bezig" in reply.text and reply.note in confirmed):
            told.add(reply.note)
    return told


def posted_counts(fake: FakeSlack, keys: dict[str, str]) -> Counter[str]:
    """How many messages people saw carry each note's announcement (every post Slack took,
    answered in time or not), by the ledger key in the message's metadata (a reminder quotes
    an activity's latest note too: that is not its announcement)."""
    counts: Counter[str] = Counter()
    for messages in list(fake.messages.values()):
        for message in list(messages):
            key = ((message.get("metadata") or {}).get("event_payload") or {}).get("key")
            if key in keys:
                counts[keys[key]] += 1
    return counts


def announcement_keys(url: str) -> dict[str, str]:
    """Ledger key -> note, for every chaos update stored (bot/services/delivery.py)."""
    from sqlalchemy import create_engine, select

    from bot.domain.ports import ActivityId
    from bot.services.delivery import announcement_key
    from storage.models import ActivityRow, ProgrammeRow, StatusUpdateRow

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(ProgrammeRow.key, ActivityRow.key, StatusUpdateRow.at,
                       StatusUpdateRow.note)
                .join(ActivityRow, ActivityRow.id == StatusUpdateRow.activity_id)
                .join(ProgrammeRow, ProgrammeRow.id == ActivityRow.programme_id)
                .where(StatusUpdateRow.note.like("chaos-%"))).all()
    finally:
        engine.dispose()
    return {announcement_key(ActivityId(programme, activity), at): note
            for programme, activity, at, note in rows}


def wait_drained(load: Load, fake: FakeSlack, url: str, since: float,
                 limit: float, told_before: float | None = None) -> float | None:
    """Seconds from ``since`` until every acknowledged update (sent before ``told_before``,
    when given) was posted; None if not within ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        told = acknowledged_notes(load, fake, told_before)
        try:
            posted = posted_counts(fake, announcement_keys(url))
        except Exception:  # noqa: BLE001 - the database may still be coming back
            posted = Counter()
        if all(posted[note] >= 1 for note in told):
            return max(0.0, time.monotonic() - since)
        time.sleep(1.0)
    return None


def tally(database: str, seconds: float, load: Load, fake: FakeSlack, url: str,
          recovery: float | None, plan: tuple[str, ...]) -> Result:
    from sqlalchemy import create_engine, func, select

    from storage.models import StatusUpdateRow

    time.sleep(2.0)  # a post answered late is recorded by then
    told = acknowledged_notes(load, fake)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            stored = Counter(dict(connection.execute(
                select(StatusUpdateRow.note, func.count()).where(
                    StatusUpdateRow.note.like("chaos-%")).group_by(StatusUpdateRow.note)).all()))
    finally:
        engine.dispose()
    posted = posted_counts(fake, announcement_keys(url))
    latencies = sorted(r.seconds for r in load.replies if r.status)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return Result(
        database=database, seconds=seconds, requests=len(load.replies), acknowledged=len(told),
        stored_once=sum(1 for note in told if stored[note] == 1),
        posted_once=sum(1 for note in told if posted[note] == 1),
        server_errors=sum(1 for r in load.replies if r.status >= 500),
        no_answer=sum(1 for r in load.replies if r.status == 0),
        slow=sum(1 for r in load.replies if r.status and r.seconds > SLOW_REPLY),
        p99=p99, recovery=recovery, faults=list(plan),
        problems={note: (stored[note], posted[note]) for note in sorted(told)
                  if stored[note] != 1 or posted[note] != 1},
        slow_during=dict(Counter(r.fault for r in load.replies
                                 if r.status and r.seconds > SLOW_REPLY)),
        no_answer_during=dict(Counter(r.fault for r in load.replies if not r.status)))


def table(results: list[Result]) -> str:
    head = ("database", "seconds", "requests", "acknowledged", "stored once", "posted once",
            "5xx", "no answer", "over 3 s", "p99 s", "recovery s")
    rows = [head] + [(r.database, f"{r.seconds:.0f}", str(r.requests), str(r.acknowledged),
                      str(r.stored_once), str(r.posted_once), str(r.server_errors),
                      str(r.no_answer), str(r.slow), f"{r.p99:.2f}",
                      "-" if r.recovery is None else f"{r.recovery:.1f}") for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("CHAOS_SECONDS", "1200")))
    parser.add_argument("--dbs", default=os.environ.get("CHAOS_DBS", "sqlite,postgres"))
    parser.add_argument("--rate", type=float, default=float(os.environ.get("CHAOS_RATE", "30")))
    args = parser.parse_args(argv)
    results = []
    for database in [d.strip() for d in args.dbs.split(",") if d.strip()]:
        print(f"{database}: {args.seconds:.0f} s at ~{args.rate:.0f} requests/s", flush=True)
        results.append(run(database, args.seconds, args.rate,
                           log=lambda line: print(line, flush=True)))
        print(f"  faults: {', '.join(results[-1].faults)}", flush=True)
        for note, (stored, posted) in results[-1].problems.items():
            print(f"  {note}: stored {stored}x, posted {posted}x", flush=True)
        for fault, count in results[-1].slow_during.items():
            print(f"  {count} repl{'y' if count == 1 else 'ies'} over 3 s during "
                  f"{fault or 'no fault'}", flush=True)
        for fault, count in results[-1].no_answer_during.items():
            print(f"  {count} request{'' if count == 1 else 's'} without an answer during "
                  f"{fault or 'no fault'}", flush=True)
    print()
    print(table(results))
    return 0 if all(r.ok() for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
