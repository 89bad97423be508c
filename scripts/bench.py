#!/usr/bin/env python3
"""`make bench`: Actiebot served as in production next to a bare Bolt app, at growing sizes.

For each size (BENCH_SIZES, default 1000,10000,100000 activities) and database (BENCH_DBS,
default sqlite,postgresql: a throwaway server like the tests'):
  1. generates a programme in the contract's shape: 20 working groups, the Kennemerland
     example, 40 activities due around today, and N others (half closed in the past, half
     open and due after the next 90 days), written as a YAML programme file;
  2. imports it with the real code path (read_file + save_programme, one transaction) in a
     child process: parse time, store time, activities per second; then re-imports it;
  3. starts `actiebot serve` (gunicorn, 2 workers x 8 threads, scheduler on, Slack Web API
     faked on loopback) and two bare Bolt apps on the same gunicorn settings (Bolt's defaults,
     and process_before_response=True);
  4. in alternating rounds sends Slack-signed `wie MDA++`, `wanneer indicatoren`, `status`,
     `binnenkort 60` at concurrency 1 and 16 to each of the four; a request fails when it is
     not a 200 or takes longer than Slack's 3 seconds;
  5. reads each server process's peak RSS.
Then the reminder sweep and the digest (scripts/bench_reminders.py's programme) against their
hot-set floor (the same due set without the other activities), on both databases.

Prints p50/p99, throughput ratios vs bare Bolt, each command's cost growth exponent between
the smallest and the largest size (cost = Actiebot's p50 over bare Bolt's in the same round),
the import rate, remind/digest over their floor, and peak RSS. Not a test. Environment:
BENCH_SIZES, BENCH_DBS, BENCH_ROUNDS (3), BENCH_REQUESTS (per command and round at
concurrency 16; 64), BENCH_REMIND_SIZES (default: BENCH_SIZES).

Requests come from 16 users. The four questions are asked in one channel that no working group
is linked to (a burst after a meeting: the answers are the whole programme's); the mixed load at
concurrency 16 rotates over every group's channel and that one, the four questions in turn, and
every 20th request is a status update by an admin (it makes every process's kept answers stale).
Besides `actiebot` (as deployed) the run serves `actiebot-miss`, the same with the answer cache
off: what each question costs when it is computed.
"""

from __future__ import annotations

import http.client
import itertools
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
COMMANDS = ["wie MDA++", "wanneer indicatoren", "status", "binnenkort 60"]
# "actiebot-miss" is the same server with the answer cache off (ACTIEBOT_ANSWER_CACHE=0): what
# a question costs the first time it is asked after a change
TARGETS = ["actiebot", "actiebot-miss", "bolt", "bolt-pbr"]
USERS = 16  # requests rotate over this many users
MIXED_UPDATE_EVERY = 20  # the mixed load: every 20th request is a status update (5 %)
ADMIN = "U0BENCH01"
SLACK_LIMIT_S = 3.0
GROUPS = 20
HOT = 40

VERBS = ["Opstellen", "Evalueren", "Uitvoeren", "Organiseren", "Verkennen", "Actualiseren",
         "Borgen", "Inrichten", "Afstemmen", "Ontwikkelen", "Implementeren", "Monitoren"]
SUBJECTS = ["werkafspraken", "scholing", "voorlichting", "netwerkbijeenkomst",
            "procesbeschrijving", "kwaliteitskader", "casusoverleg", "meldcode",
            "signaleringsplan", "deskundigheidsbevordering", "communicatieplan", "draaiboek",
            "convenant", "nazorgtraject", "veiligheidsplan", "expertteam"]
PARTNERS = ["ketenpartners", "wijkteams", "onderwijs", "huisartsen", "kinderopvang",
            "jeugdzorg", "politie", "reclassering", "vrouwenopvang", "GGD", "sportclubs",
            "zorgaanbieders"]
PLACES = ["Haarlem", "Velsen", "Zandvoort", "Heemstede", "Beverwijk", "Heemskerk",
          "Bloemendaal", "Haarlemmermeer", "Hilversum", "Huizen", "Laren", "Blaricum"]


# -- the programme ---------------------------------------------------------------------------

def generate(size: int, today: date, seed: int = 11) -> dict[str, Any]:
    """A programme file (as data) of `size` activities in the contract's shape."""
    import yaml

    rng = random.Random(seed)
    data = yaml.safe_load((ROOT / "examples" / "kennemerland-2021.yaml").read_text("utf-8"))
    data["programme"]["key"] = "bench"
    groups = data["working_groups"]
    reserved = {"wg-mda", "wg-indicatoren"}  # `wie MDA++` / `wanneer indicatoren` stay one answer
    for g in range(len(groups), GROUPS):
        groups.append({"key": f"wg-bench-{g:02d}", "name": f"Werkgroep {PARTNERS[g % 12]} {g}",
                       "aliases": [f"WG{g:02d}"], "channel": f"C0BENCH{g:03d}"})
    spread = [g["key"] for g in groups if g["key"] not in reserved]
    activities = data["activities"]
    goal = data["goals"][0]["key"] if data.get("goals") else None
    statuses = ["niet-gestart", "op-schema", "risico", "vertraagd"]

    def activity(i: int, due: date | None, status: str, milestones: int) -> dict[str, Any]:
        title = (f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)} {rng.choice(PARTNERS)} "
                 f"{rng.choice(PLACES)} {2021 + i % 4}")
        entry: dict[str, Any] = {
            "key": f"b{i:06d}", "title": title, "theme": rng.choice(SUBJECTS).capitalize(),
            "owners": [f"Werkgroep {rng.choice(PARTNERS)}"],
            "working_group": spread[i % len(spread)],
            "due": due.isoformat() if due else None, "status": status,
        }
        if goal:
            entry["goal"] = goal
        if milestones:
            entry["milestones"] = [
                {"title": f"Mijlpaal {m + 1}",
                 "due": (due - timedelta(days=14 * (milestones - m))).isoformat() if due else None}
                for m in range(milestones)]
        return entry

    for i in range(HOT):  # due around today: what binnenkort, reminders and digests are about
        due = today + timedelta(days=rng.randint(-20, 55))
        activities.append(activity(i, due, rng.choice(statuses), 1 + i % 2))
    for i in range(HOT, max(HOT, size - len(activities))):
        if i % 2:
            due = today - timedelta(days=rng.randint(120, 5 * 365))
            status = rng.choice(["gereed", "gereed", "vervallen"])
        else:
            due = today + timedelta(days=rng.randint(90, 4 * 365))
            status = rng.choice(statuses)
        activities.append(activity(i, due, status, 1 if i % 10 == 0 else 0))
    return data


def import_child(url: str, path: str) -> None:
    """`bench.py _import URL FILE`: the CLI's import path, timed, in its own process."""
    from bot.app import build_runtime
    from bot.config import Settings
    from storage.maintenance import refresh_statistics
    from storage.programme_file import read_file, read_text
    from storage.yaml_limits import MAX_FILE_BYTES

    runtime = build_runtime(Settings(database_url=url))
    timings: dict[str, float] = {}
    for run in ("first", "again"):
        start = time.perf_counter()
        # `actiebot import` refuses files over 5 MB (a hostile-file guard); 100,000 activities
        # are ~25 MB, so the largest size goes through the same parser and validation by text
        files = (read_file(path) if Path(path).stat().st_size <= MAX_FILE_BYTES
                 else read_text(Path(path).read_text(encoding="utf-8"), path))
        parsed = time.perf_counter()
        with runtime.deps.uow(write=True) as uow:
            for file in files:
                uow.repo.save_programme(file)
            uow.commit()
        refresh_statistics(runtime.engine)  # as `actiebot import` does after a change
        stored = time.perf_counter()
        timings[f"{run}_parse"], timings[f"{run}_store"] = parsed - start, stored - parsed
    timings["activities"] = sum(len(f.activities) for f in files)
    print(json.dumps(timings))


# -- servers ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> list[int]:
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(c) for c in children)
        return found

    def peak_rss_mb(self) -> dict[int, float]:
        peaks = {}
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = int(line.split()[1]) / 1024
            except OSError:
                pass
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(name: str, env: dict[str, str], workdir: Path) -> Server:
    port = free_port()
    log = workdir / f"{name}.log"
    base = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
            "ACTIEBOT_BIND": "127.0.0.1", "WEB_CONCURRENCY": "2", "ACTIEBOT_THREADS": "8",
            "PORT": str(port), **env}
    if name.startswith("actiebot"):
        command = [str(BIN / "actiebot"), "serve", "--port", str(port)]
        base["ACTIEBOT_ADMINS"] = ADMIN  # the mixed load's updates are the admin's
        if name == "actiebot-miss":
            base["ACTIEBOT_ANSWER_CACHE"] = "0"
    else:
        base["BENCH_PBR"] = "1" if name == "bolt-pbr" else "0"
        command = [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "gthread",
                   "--threads", "8", "--timeout", "30", "--bind", f"127.0.0.1:{port}",
                   "--log-level", "warning", "--pythonpath", str(ROOT / "scripts"),
                   "bench_bare:app"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=base, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=workdir)
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz" if name.startswith("actiebot") else "/")
            connection.getresponse().read()
            connection.close()
            return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"{name} did not start: {log.read_text()[-2000:]}")


# -- load ------------------------------------------------------------------------------------

def sign(text: str, user: str = ADMIN, channel: str = "C0NOWHERE1") -> tuple[bytes, dict[str, str]]:
    from slack_sdk.signature import SignatureVerifier

    body = urlencode({
        "token": "x", "team_id": "T0BENCH01", "team_domain": "bench", "channel_id": channel,
        "channel_name": "bench", "user_id": user, "user_name": "bench", "command": "/actie",
        "text": text, "api_app_id": "A0BENCH01", "is_enterprise_install": "false",
        "response_url": "http://127.0.0.1:9/response", "trigger_id": "1.2.3",
    }).encode()
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    return body, {"Content-Type": "application/x-www-form-urlencoded",
                  "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def post(port: int, signed: tuple[bytes, dict[str, str]], timeout: float = 10) -> tuple[int, bytes]:
    body, headers = signed
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:  # a new connection per request, as Slack does
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    failed: int = 0
    requests: int = 0
    wall: float = 0.0


UPDATE_STATUSES = ["op-schema", "risico"]
_updates = itertools.count()  # over the whole run, so every update changes a status


def request_text(text: str, index: int) -> str:
    """The command of the index-th request: `text`, or for the mixed load ("mixed") the four
    questions in turn with a status update of a hot activity every MIXED_UPDATE_EVERY-th."""
    if text != "mixed":
        return text
    if index % MIXED_UPDATE_EVERY == MIXED_UPDATE_EVERY - 1:
        turn = next(_updates)
        return (f"update b{turn % HOT:06d} {UPDATE_STATUSES[(turn // HOT) % 2]} "
                f"bench-update {turn}")
    return COMMANDS[index % len(COMMANDS)]


CLIENT_PROCESSES = 4  # the load comes from up to 4 processes (16 client threads in one
# process wait on each other's GIL: that waiting shows up as latency, most for the fastest server)


def load(port: int, text: str, concurrency: int, requests: int,
         channels: tuple[str, ...] = ("C0NOWHERE1",)) -> Sample:
    """`requests` signed commands from `concurrency` connections at a time, rotating over USERS
    users and `channels` (the first user is an admin: the mixed load's updates are theirs).
    Every request is signed before the clock starts; the connections are spread over up to
    CLIENT_PROCESSES processes that start together."""
    signed = []
    for index in range(requests):
        command = request_text(text, index)
        user = ADMIN if command.startswith("update") else f"U0BENCH{1 + index % USERS:02d}"
        signed.append(sign(command, user, channels[index % len(channels)]))
    processes = min(concurrency, CLIENT_PROCESSES)
    start_at = time.time() + 0.2 * (processes > 1)
    if processes == 1:
        parts = [_load_part(port, signed, concurrency, start_at)]
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(processes) as pool:
            parts = pool.starmap(_load_part, [
                (port, signed[p::processes], concurrency // processes, start_at)
                for p in range(processes)])
    sample = Sample()
    for latencies, failed, ended in parts:
        sample.latencies += latencies
        sample.failed += failed
        sample.requests += len(latencies)
        sample.wall = max(sample.wall, ended - start_at)
    return sample


def _load_part(port: int, signed: list[tuple[bytes, dict[str, str]]], concurrency: int,
               start_at: float) -> tuple[list[float], int, float]:
    """One client process's share: (latencies, failed, when it ended by time.time())."""
    latencies: list[float] = []
    failed = [0]
    lock = threading.Lock()
    todo = iter(signed)

    def worker() -> None:
        while True:
            with lock:
                request = next(todo, None)
            if request is None:
                return
            start = time.perf_counter()
            try:
                status, _ = post(port, request)
                ok = status == 200
            except OSError:
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok or elapsed > SLACK_LIMIT_S:
                    failed[0] += 1

    time.sleep(max(0.0, start_at - time.time()))
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failed[0], time.time()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# -- one size on one database ----------------------------------------------------------------

def run_size(size: int, db: str, url: str, fake_url: str, rounds: int, requests: int,
             workdir: Path) -> dict[str, Any]:
    import yaml

    today = date.today()
    path = workdir / f"programme-{size}.yaml"
    data = generate(size, today)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                  allow_unicode=True, sort_keys=False)
    done = subprocess.run([sys.executable, __file__, "_import", url, str(path)],
                          capture_output=True, text=True, check=True)
    timings = json.loads(done.stdout.strip().splitlines()[-1])
    meeting = ("C0NOWHERE1",)  # no group linked: the questions' answers cover the programme
    channels = tuple(g["channel"] for g in data["working_groups"] if g.get("channel")) + meeting
    servers = {name: start_server(name, {"DATABASE_URL": url, "SLACK_API_URL": fake_url},
                                  workdir) for name in TARGETS}
    settled = settle(url, [servers[name].log for name in TARGETS if name.startswith("actiebot")])
    samples: dict[tuple[str, str, int], Sample] = defaultdict(Sample)
    try:
        for name in TARGETS:  # warm up: first requests, imports, caches
            for command in COMMANDS:
                load(servers[name].port, command, 4, 8, meeting)
        order = list(TARGETS)
        for round_ in range(rounds):
            order = order[1:] + order[:1]  # alternate who goes first
            for concurrency, count in ((1, max(8, requests // 4)), (16, requests)):
                for command in COMMANDS + (["mixed"] if concurrency == 16 else []):
                    for name in order:
                        got = load(servers[name].port, command, concurrency, count,
                                   channels if command == "mixed" else meeting)
                        total = samples[(name, command, concurrency)]
                        total.latencies += got.latencies
                        total.failed += got.failed
                        total.requests += got.requests
                        total.wall += got.wall
        rss = {name: server.peak_rss_mb() for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    return {"size": size, "db": db, "import": timings, "samples": samples, "rss": rss,
            "settled": settled}


def settle(url: str, logs: list[Path], quiet: float = 3.0, limit: float = 180.0) -> float:
    """Wait until the servers' start-up writes are done: the scheduler's catch-up (a few
    seconds after start) sweeps the day's reminders and posts due digests, one channel a
    second, and each post is a write that makes every process's kept answers stale. So: until
    a server's log says its catch-up swept, then until the data version is unchanged for
    `quiet` seconds. Returns how long that took. The questions are then measured
    in steady state, as after a meeting."""
    from storage.db import create_db_engine
    from storage.versioning import peek_data_version

    started = time.monotonic()

    def caught_up() -> bool:
        for log in logs:
            text = log.read_text(errors="replace") if log.exists() else ""
            if "reminder sweep" in text:  # the digests follow at once: the quiet wait sees them
                return True
        return False

    while not caught_up() and time.monotonic() - started < limit / 2:
        time.sleep(0.25)
    engine = create_db_engine(url)
    last_change = time.monotonic()
    try:
        seen = peek_data_version(engine)
        while time.monotonic() - last_change < quiet and time.monotonic() - started < limit:
            time.sleep(0.25)
            now = peek_data_version(engine)
            if now != seen:
                seen, last_change = now, time.monotonic()
    finally:
        engine.dispose()
    return time.monotonic() - started


# -- reminders and digests over their floor --------------------------------------------------

def remind_digest(sizes: list[int], db: str, make_url: Any) -> list[dict[str, Any]]:
    import bench_reminders as br

    from bot.app import build_runtime
    from bot.config import Settings
    from bot.services.digests import post_digests
    from bot.services.reminders import sweep_reminders

    floor = 240  # the due set alone
    results = []
    for size in [floor, *(s for s in sizes if s != floor)]:
        url = make_url(f"remind{size}")
        br.populate(url, size)
        runtime = build_runtime(Settings(database_url=url), migrate=False)
        deps = runtime.deps
        remind, _ = br.best_of(5, lambda deps=deps: sweep_reminders(
            deps, br.SWEEP_AT, dry_run=True))
        digest, _ = br.best_of(5, lambda deps=deps: post_digests(
            deps, br.MONTH, dry_run=True))
        runtime.engine.dispose()
        results.append({"size": size, "db": db, "remind": remind, "digest": digest})
    return results


# -- report ----------------------------------------------------------------------------------

def _http_table(title: str, mine: str, results: list[dict[str, Any]],
                loads: list[str] | None) -> None:
    print(f"\n== {title}")
    print(f"{'db':10} {'activities':>10} {'conc':>4} {'Actiebot p50/p99 ms':>20} "
          f"{'Bolt p50/p99':>14} {'Bolt pbr p50/p99':>17} {'p99 ratio':>9} "
          f"{'rps':>7} {'Bolt rps':>8} {'pbr rps':>8} {'rps ratio':>9} {'failed':>6}")
    commands = loads or COMMANDS
    for res in results:
        for concurrency in ((16,) if loads else (1, 16)):
            cells = {}
            for name in (mine, "bolt", "bolt-pbr"):
                runs = [res["samples"][(name, c, concurrency)] for c in commands]
                lat = [x for run in runs for x in run.latencies]
                wall = sum(run.wall for run in runs)
                failed = sum(run.failed for run in runs)
                cells[name] = (pct(lat, .5) * 1000, pct(lat, .99) * 1000, len(lat) / wall, failed)
            a, b, p = cells[mine], cells["bolt"], cells["bolt-pbr"]
            print(f"{res['db']:10} {res['size']:>10,} {concurrency:>4} "
                  f"{a[0]:>9.1f} /{a[1]:>8.1f} {b[0]:>6.1f} /{b[1]:>6.1f} "
                  f"{p[0]:>7.1f} /{p[1]:>7.1f} {a[1] / b[1]:>8.2f}x "
                  f"{a[2]:>7.0f} {b[2]:>8.0f} {p[2]:>8.0f} {a[2] / b[2]:>8.2f}x {a[3]:>6}")


def report(results: list[dict[str, Any]], reminders: list[dict[str, Any]]) -> None:
    for title, mine, loads in (
            ("Commands over HTTP: Actiebot vs a bare Bolt app (same gunicorn, same rounds)",
             "actiebot", None),
            ("The same with the answer cache off (every question computed: ACTIEBOT_ANSWER_CACHE=0)",
             "actiebot-miss", None),
            ((f"Mixed load at concurrency 16 (the four questions, every {MIXED_UPDATE_EVERY}th "
              "request a status update that invalidates the answers)"), "actiebot", ["mixed"]),
            ("The mixed load with the answer cache off", "actiebot-miss", ["mixed"])):
        _http_table(title, mine, results, loads)
    print("\n== Per command, concurrency 1: Actiebot p50 over bare Bolt's (defaults); "
          "cache on, then off")
    print(f"{'db':10} {'activities':>10} {'cache':>5} " + " ".join(f"{c:>20}" for c in COMMANDS))
    cost: dict[tuple[str, str, str], list[tuple[int, float]]] = defaultdict(list)
    for res in results:
        for name, label in (("actiebot", "on"), ("actiebot-miss", "off")):
            row = []
            for command in COMMANDS:
                mine = pct(res["samples"][(name, command, 1)].latencies, .5)
                bare = pct(res["samples"][("bolt", command, 1)].latencies, .5)
                cost[(res["db"], label, command)].append((res["size"], mine / bare))
                row.append(f"{mine * 1000:8.1f} ms {mine / bare:6.2f}x")
            print(f"{res['db']:10} {res['size']:>10,} {label:>5} "
                  + " ".join(f"{c:>20}" for c in row))
    print("\n== Growth exponent of each command's cost (target <= 0.1)")
    for (db, label, command), points in sorted(cost.items()):
        (n1, c1), (n2, c2) = points[0], points[-1]
        if n2 > n1:
            print(f"{db:10} cache {label:3} {command:22} {n1:,} -> {n2:,}: "
                  f"{math.log(c2 / c1) / math.log(n2 / n1):+.3f}")
    print("\n== Import (read_file + save_programme, one transaction; target >= 2,000/s)")
    for res in results:
        t = res["import"]
        first = t["first_parse"] + t["first_store"]
        print(f"{res['db']:10} {res['size']:>10,}: first {first:6.2f} s "
              f"({t['activities'] / first:,.0f}/s; parse {t['first_parse']:.2f} s, "
              f"store {t['first_store']:.2f} s = {t['activities'] / t['first_store']:,.0f}/s), "
              f"re-import {t['again_parse'] + t['again_store']:.2f} s")
    print("\n== Reminder sweep and digest over their hot-set floor (240 due; target digest "
          "<= 1.2x at 100,000)")
    floors = {r["db"]: r for r in reminders if r["size"] == 240}
    for r in reminders:
        f = floors[r["db"]]
        print(f"{r['db']:10} {r['size']:>10,}: remind {r['remind'] * 1000:7.1f} ms "
              f"({r['remind'] / f['remind']:.2f}x), digest {r['digest'] * 1000:7.1f} ms "
              f"({r['digest'] / f['digest']:.2f}x)")
    print("\n== Peak RSS per process, MB (target: largest < 100 at 10,000)")
    for res in results:
        parts = []
        for name in TARGETS:
            peaks = sorted(res["rss"][name].values(), reverse=True)
            parts.append(f"{name} " + "/".join(f"{p:.0f}" for p in peaks))
        print(f"{res['db']:10} {res['size']:>10,}: " + "; ".join(parts))


def _load() -> str:
    """The 1/5/15-minute load averages (other work on a shared machine skews the figures)."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


class _kept:
    def __enter__(self) -> str:
        return tempfile.mkdtemp(prefix="actiebot-bench-")

    def __exit__(self, *args: object) -> None:
        pass


def main() -> int:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",")]
    dbs = os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",")
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    requests = int(os.environ.get("BENCH_REQUESTS", "64"))
    remind_sizes = [int(s) for s in os.environ.get(
        "BENCH_REMIND_SIZES", ",".join(map(str, sizes))).split(",")]
    from tests.fakes.slack_api import FakeSlack

    sys.path.insert(0, str(ROOT / "scripts"))
    fake = FakeSlack().start()
    pg = None
    results: list[dict[str, Any]] = []
    reminders: list[dict[str, Any]] = []
    started = time.monotonic()
    load_at_start = _load()
    keep = os.environ.get("BENCH_KEEP") == "1"  # keep databases and server logs
    with (tempfile.TemporaryDirectory(prefix="actiebot-bench-") if not keep
          else _kept()) as tmp:
        workdir = Path(tmp)
        print(f"working directory {workdir}", flush=True)
        if "postgresql" in dbs:
            from tests.pg import PostgresServer

            pg = PostgresServer()
            pg.start()
        try:
            for db in dbs:
                def make_url(name: str, db: str = db) -> str:
                    if db == "sqlite":
                        return f"sqlite:///{workdir / name}.db"
                    assert pg is not None
                    return pg.create_database(f"bench_{name}")
                for size in sizes:
                    print(f"-- {db}, {size:,} activities "
                          f"({time.monotonic() - started:.0f} s)", flush=True)
                    results.append(run_size(size, db, make_url(f"s{size}"), fake.url, rounds,
                                            requests, workdir))
                    print(f"   start-up writes settled after {results[-1]['settled']:.0f} s",
                          flush=True)
                print(f"-- {db}, reminders and digests", flush=True)
                reminders += remind_digest(remind_sizes, db, make_url)
        finally:
            fake.stop()
            if pg is not None:
                pg.stop()
    report(results, reminders)
    print(f"\n(total {time.monotonic() - started:.0f} s; load average at the start "
          f"{load_at_start}, at the end {_load()}; {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_import":
        import_child(sys.argv[2], sys.argv[3])
        sys.exit(0)
    sys.exit(main())
