#!/usr/bin/env python3
"""`make bench`: Actiebot served as in production next to a bare Bolt app, under a working day.

For each database (BENCH_DBS, default sqlite,postgresql: a throwaway server like the tests') and
size (BENCH_SIZES, default 10000,100000 activities):
  1. generates a programme in the contract's shape: 20 working groups, the Kennemerland
     example, 40 activities due around today, and N others (half closed in the past, half
     open and due after the next 90 days), written as a YAML programme file;
  2. imports it through the real `actiebot import` (after `actiebot db upgrade`, with
     ACTIEBOT_MAX_PROGRAMME_MB raised to fit), timed from outside (wall and CPU); with
     BENCH_REIMPORT=1 again (no changes);
  3. starts `actiebot serve` (gunicorn, 2 workers x 8 threads, scheduler on, Slack Web API
     faked on loopback) and the bare Bolt app (`scripts/bench_bare.py`) with Bolt's defaults
     on the same gunicorn settings;
  4. once the scheduler's start-up catch-up has settled, in alternating rounds sends each of
     them, Slack-signed:
     - **the working day** (the headline): 200 users in the 20 groups' channels and one
       unlinked channel asking `wie` / `wanneer` / `geschiedenis` / `status` about random
       activities, `status`, `binnenkort N`, `te-laat`, `lijst <groep>`, and about 5 %
       `update <key> <status> <note>` by a member of the activity's group channel (the fake
       Web API answers `conversations.members`), at concurrency 16;
     - every command of that mix alone at concurrency 1 (each command's p50 vs Bolt's);
     - the repeated four questions (`wie MDA++`, `wanneer indicatoren`, `status`,
       `binnenkort 60` from 16 users in one channel) at concurrency 16: the second line;
     a request fails when it is not a 200 or takes longer than Slack's 3 seconds;
  5. reads each server process's peak RSS.
Then it prints the tables and the targets, met or missed, and writes everything it printed to a
dated log in the output directory (BENCH_OUT, default `bench-output/`, not committed).

`bench.py soak` (`make soak`): the working day's load for BENCH_SOAK_MINUTES (20) on one
database and size (the first of BENCH_DBS and BENCH_SIZES, default sqlite and 10,000),
sampling every Actiebot process's RSS every BENCH_SOAK_EVERY seconds (10); reports the largest
process's growth over the last half (the last 10 minutes) and writes the samples as CSV.

Environment (quick variants while developing): BENCH_SIZES, BENCH_DBS, BENCH_ROUNDS (3),
BENCH_DAY_REQUESTS (working-day requests per round at concurrency 16; 480), BENCH_C1_REQUESTS
(per command and round at concurrency 1; 16), BENCH_REQUESTS (the repeated questions, per
command and round; 64), BENCH_TARGETS (actiebot,bolt; add actiebot-miss for the answer cache
off, bolt-pbr for Bolt with process_before_response), BENCH_REMIND=1 (also the reminder sweep
and digest over their floor, scripts/bench_reminders.py), BENCH_KEEP=1 (keep databases and
server logs), BENCH_OUT, BENCH_SOAK_MINUTES, BENCH_SOAK_EVERY, BENCH_SEED. Not a test.
"""

from __future__ import annotations

import http.client
import io
import math
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
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
# a question costs when it is computed
ALL_TARGETS = ["actiebot", "actiebot-miss", "bolt", "bolt-pbr"]
USERS = 16  # the repeated questions rotate over this many users
DAY_USERS = 200  # the working day's users, each a member of one group's channel
ADMIN = "U0BENCH01"
SLACK_LIMIT_S = 3.0
GROUPS = 20
HOT = 40
MEETING = "C0NOWHERE1"  # a channel no group is linked to

# The working day's mix: (kind, weight in percent). The kinds are also measured one by one at
# concurrency 1.
DAY_MIX = [("wie", 16), ("wanneer", 15), ("geschiedenis", 10), ("status-ref", 14),
           ("status", 4), ("binnenkort", 12), ("te-laat", 10), ("lijst", 14), ("update", 5)]
OPEN_STATUSES = ["niet-gestart", "op-schema", "risico", "vertraagd"]
NOTES = ["Overleg gepland met de ketenpartners", "Eerste versie besproken in de werkgroep",
         "Wacht op reactie van de gemeente", "Planning bijgesteld na de stuurgroep",
         "Uitvoering loopt volgens afspraak"]

# The targets (working day's load, concurrency 16, against bare Bolt with its defaults)
TARGET_THROUGHPUT = 0.5
TARGET_P99 = 3.0
TARGET_C1_P50 = 1.5
TARGET_RSS_MB = {10_000: 120, 100_000: 160}
TARGET_IMPORT_RATE = 2000
TARGET_IMPORT_SIZE = 100_000

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
    for g, group in enumerate(groups):  # every group has a channel: the working day's rooms
        group.setdefault("channel", f"C0BENCH{g:03d}")
    spread = [g["key"] for g in groups if g["key"] not in reserved]
    activities = data["activities"]
    goal = data["goals"][0]["key"] if data.get("goals") else None

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
        activities.append(activity(i, due, rng.choice(OPEN_STATUSES), 1 + i % 2))
    for i in range(HOT, max(HOT, size - len(activities))):
        if i % 2:
            due = today - timedelta(days=rng.randint(120, 5 * 365))
            status = rng.choice(["gereed", "gereed", "vervallen"])
        else:
            due = today + timedelta(days=rng.randint(90, 4 * 365))
            status = rng.choice(OPEN_STATUSES)
        activities.append(activity(i, due, status, 1 if i % 10 == 0 else 0))
    return data


@dataclass
class Plan:
    """What the working day's requests are about: keys, groups, channels, who is where."""

    keys: list[str]
    open_by_group: dict[str, list[str]]
    group_refs: list[str]  # a group's key or alias, as users type them
    channel_of: dict[str, str]  # group key -> channel
    channels: list[str]  # the groups' channels and the unlinked one
    users_of: dict[str, list[str]]  # channel -> its members
    updatable: list[str] = field(default_factory=list)  # groups with open activities

    @classmethod
    def of(cls, data: dict[str, Any]) -> Plan:
        groups = data["working_groups"]
        channel_of = {g["key"]: g["channel"] for g in groups}
        users_of: dict[str, list[str]] = defaultdict(list)
        for u in range(DAY_USERS):
            users_of[groups[u % len(groups)]["channel"]].append(f"U0DAY{u:04d}")
        open_by_group: dict[str, list[str]] = defaultdict(list)
        for a in data["activities"]:
            if a.get("working_group") and a.get("status") not in ("gereed", "vervallen"):
                open_by_group[a["working_group"]].append(a["key"])
        refs = [g["key"] for g in groups] + [a for g in groups for a in g.get("aliases", [])]
        return cls([a["key"] for a in data["activities"]], dict(open_by_group), refs,
                   channel_of, [*channel_of.values(), MEETING], dict(users_of),
                   sorted(g for g in open_by_group if g in channel_of))


def day_request(plan: Plan, rng: random.Random, kind: str | None = None) -> tuple[str, str, str, str]:
    """(kind, text, user, channel) of one working-day request; `kind` drawn from DAY_MIX unless
    given."""
    if kind is None:
        kind = rng.choices([k for k, _ in DAY_MIX], [w for _, w in DAY_MIX])[0]
    if kind == "update":  # by a member of the group's channel, in that channel
        group = rng.choice(plan.updatable)
        channel = plan.channel_of[group]
        key = rng.choice(plan.open_by_group[group])
        text = f"update {key} {rng.choice(OPEN_STATUSES)} {rng.choice(NOTES)}"
        return kind, text, rng.choice(plan.users_of[channel]), channel
    channel = rng.choice(plan.channels)
    user = rng.choice(plan.users_of.get(channel) or [f"U0DAY{rng.randrange(DAY_USERS):04d}"])
    text = {
        "wie": lambda: f"wie {rng.choice(plan.keys)}",
        "wanneer": lambda: f"wanneer {rng.choice(plan.keys)}",
        "geschiedenis": lambda: f"geschiedenis {rng.choice(plan.keys)}",
        "status-ref": lambda: f"status {rng.choice(plan.keys)}",
        "status": lambda: "status",
        "binnenkort": lambda: f"binnenkort {rng.choice([7, 14, 30, 60, 90])}",
        "te-laat": lambda: "te-laat",
        "lijst": lambda: f"lijst {rng.choice(plan.group_refs)}",
    }[kind]()
    return kind, text, user, channel


def write_programme(data: dict[str, Any], path: Path) -> None:
    import yaml

    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                  allow_unicode=True, sort_keys=False)


def import_programme(url: str, path: Path, activities: int) -> dict[str, float]:
    """`actiebot db upgrade`, then `actiebot import FILE` twice (the second changes nothing),
    each timed from outside as an operator would see it."""
    megabytes = math.ceil(path.stat().st_size / 1024 / 1024) + 1
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    env.update(DATABASE_URL=url, ACTIEBOT_MAX_PROGRAMME_MB=str(megabytes))
    subprocess.run([str(BIN / "actiebot"), "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    timings: dict[str, float] = {"activities": activities, "mb": path.stat().st_size / 1e6}
    runs = ("first", "again") if os.environ.get("BENCH_REIMPORT") == "1" else ("first",)
    for run in runs:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([str(BIN / "actiebot"), "import", str(path)], env=env,
                              check=False, capture_output=True, text=True)
        timings[run] = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU (user + system) as well: on a shared machine the wall time includes waiting
        timings[f"{run}_cpu"] = (after.ru_utime - before.ru_utime
                                 + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(f"actiebot import failed: {done.stderr[-2000:]}")
    return timings


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

    def _status(self, field_name: str) -> dict[int, float]:
        values = {}
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field_name):
                        values[pid] = int(line.split()[1]) / 1024
            except OSError:
                pass
        return values

    def peak_rss_mb(self) -> dict[int, float]:
        return self._status("VmHWM:")

    def rss_mb(self) -> dict[int, float]:
        return self._status("VmRSS:")

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
        base["ACTIEBOT_ADMINS"] = ADMIN  # the repeated questions' user
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
    deadline = time.monotonic() + 180
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

Signed = tuple[bytes, dict[str, str]]


def sign(text: str, user: str = ADMIN, channel: str = MEETING) -> Signed:
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


def post(port: int, signed: Signed, timeout: float = 10) -> tuple[int, bytes]:
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
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.failed += other.failed
        self.requests += other.requests
        self.wall += other.wall
        for kind, values in other.by_kind.items():
            self.by_kind[kind] += values


CLIENT_PROCESSES = 4  # the load comes from up to 4 processes (16 client threads in one
# process wait on each other's GIL: that waiting shows up as latency, most for the fastest server)


def send(port: int, requests: list[tuple[str, Signed]], concurrency: int) -> Sample:
    """The (kind, signed request)s from `concurrency` connections at a time, spread over up to
    CLIENT_PROCESSES processes that start together; every request is signed before the clock
    starts."""
    processes = min(concurrency, CLIENT_PROCESSES)
    start_at = time.time() + 0.2 * (processes > 1)
    if processes == 1:
        parts = [_send_part(port, requests, concurrency, start_at)]
    else:
        import multiprocessing

        # close and join, not the context manager's terminate(): terminate can leave a worker
        # blocked for ever on the task queue's lock (seen: a run hung after its first sample)
        pool = multiprocessing.get_context("fork").Pool(processes)
        try:
            parts = pool.starmap(_send_part, [
                (port, requests[p::processes], concurrency // processes, start_at)
                for p in range(processes)])
        finally:
            pool.close()
            pool.join()
    sample = Sample()
    for timed, failed, ended in parts:
        for kind, latency in timed:
            sample.latencies.append(latency)
            sample.by_kind[kind].append(latency)
        sample.failed += failed
        sample.requests += len(timed)
        sample.wall = max(sample.wall, ended - start_at)
    return sample


def _send_part(port: int, requests: list[tuple[str, Signed]], concurrency: int,
               start_at: float) -> tuple[list[tuple[str, float]], int, float]:
    """One client process's share: ((kind, latency)s, failed, when it ended by time.time())."""
    timed: list[tuple[str, float]] = []
    failed = [0]
    lock = threading.Lock()
    todo = iter(requests)

    def worker() -> None:
        while True:
            with lock:
                item = next(todo, None)
            if item is None:
                return
            kind, request = item
            start = time.perf_counter()
            try:
                status, _ = post(port, request)
                ok = status == 200
            except OSError:
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                timed.append((kind, elapsed))
                if not ok or elapsed > SLACK_LIMIT_S:
                    failed[0] += 1

    time.sleep(max(0.0, start_at - time.time()))
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timed, failed[0], time.time()


def repeated(text: str, count: int) -> list[tuple[str, Signed]]:
    """The repeated question from USERS users in the unlinked channel."""
    return [(text, sign(text, f"U0BENCH{1 + i % USERS:02d}", MEETING)) for i in range(count)]


def working_day(plan: Plan, rng: random.Random, count: int,
                kind: str | None = None) -> list[tuple[str, Signed]]:
    out = []
    for _ in range(count):
        got_kind, text, user, channel = day_request(plan, rng, kind)
        out.append((got_kind, sign(text, user, channel)))
    return out


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


# -- one size on one database ----------------------------------------------------------------

@dataclass
class Config:
    rounds: int = 3
    day_requests: int = 480
    c1_requests: int = 16
    requests: int = 64
    targets: tuple[str, ...] = ("actiebot", "bolt")
    seed: int = 5

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ.get
        targets = tuple(t for t in env("BENCH_TARGETS", "actiebot,bolt").split(",") if t)
        unknown = set(targets) - set(ALL_TARGETS)
        if unknown or "actiebot" not in targets or "bolt" not in targets:
            raise SystemExit(f"BENCH_TARGETS: actiebot and bolt, optionally actiebot-miss and "
                             f"bolt-pbr (not {', '.join(sorted(unknown)) or 'without both'})")
        return cls(int(env("BENCH_ROUNDS", "3")), int(env("BENCH_DAY_REQUESTS", "480")),
                   int(env("BENCH_C1_REQUESTS", "16")), int(env("BENCH_REQUESTS", "64")),
                   targets, int(env("BENCH_SEED", "5")))


def start_all(names: tuple[str, ...], url: str, fake_url: str, workdir: Path) -> dict[str, Server]:
    servers: dict[str, Server] = {}
    try:
        for name in names:
            servers[name] = start_server(name, {"DATABASE_URL": url, "SLACK_API_URL": fake_url},
                                         workdir)
    except BaseException:
        for server in servers.values():
            server.stop()
        raise
    return servers


def run_size(size: int, db: str, url: str, fake_url: str, config: Config, workdir: Path,
             programme: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    path, data = programme
    plan = Plan.of(data)
    timings = import_programme(url, path, len(data["activities"]))
    print(f"   imported {timings['activities']:,} activities in {timings['first']:.1f} s "
          f"({timings['activities'] / timings['first']:,.0f}/s; CPU {timings['first_cpu']:.1f} s)",
          flush=True)
    servers = start_all(config.targets, url, fake_url, workdir)
    settled = settle(url, [servers[n].log for n in config.targets if n.startswith("actiebot")])
    print(f"   start-up writes settled after {settled:.0f} s", flush=True)
    rng = random.Random(config.seed * 1000 + size)
    samples: dict[tuple[str, str, int], Sample] = defaultdict(Sample)
    kinds = [k for k, _ in DAY_MIX]
    try:
        for name in config.targets:  # warm up: first requests, imports, the index
            send(servers[name].port, working_day(plan, random.Random(1), 32), 4)
            for command in COMMANDS:
                send(servers[name].port, repeated(command, 8), 4)
        order = list(config.targets)
        for _ in range(config.rounds):
            order = order[1:] + order[:1]  # alternate who goes first
            # the same requests to every server within a round (signed anew: timestamps)
            day_seed, c1_seed = rng.random(), rng.random()
            for name in order:
                got = send(servers[name].port,
                           working_day(plan, random.Random(day_seed), config.day_requests), 16)
                samples[(name, "day", 16)].add(got)
            for kind in kinds:
                for name in order:
                    got = send(servers[name].port, working_day(
                        plan, random.Random(f"{c1_seed}{kind}"), config.c1_requests, kind), 1)
                    samples[(name, kind, 1)].add(got)
            for command in COMMANDS:
                for name in order:
                    samples[(name, "repeated", 16)].add(
                        send(servers[name].port, repeated(command, config.requests), 16))
        rss = {name: server.peak_rss_mb() for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    return {"size": size, "db": db, "import": timings, "samples": samples, "rss": rss,
            "settled": settled}


def settle(url: str, logs: list[Path], quiet: float = 3.0, limit: float = 180.0) -> float:
    """Wait until the servers' start-up writes are done: the scheduler's catch-up (a few
    seconds after start) sweeps the day's reminders and posts due digests, one channel a
    second, and each post is a write. So: until a server's log says its catch-up swept, then
    until the data version is unchanged for `quiet` seconds. Returns how long that took."""
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


# -- reminders and digests over their floor (BENCH_REMIND=1) ---------------------------------

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

def _cells(res: dict[str, Any], name: str, load: str) -> tuple[float, float, float, int]:
    """p50 ms, p99 ms, requests per second, failed."""
    run = res["samples"][(name, load, 16)]
    return (pct(run.latencies, .5) * 1000, pct(run.latencies, .99) * 1000,
            len(run.latencies) / run.wall if run.wall else float("nan"), run.failed)


def _http_table(title: str, load: str, results: list[dict[str, Any]],
                names: tuple[str, ...]) -> None:
    print(f"\n== {title}")
    others = [n for n in names if n != "bolt"]
    print(f"{'db':10} {'activities':>10} {'server':14} {'p50 ms':>8} {'p99 ms':>8} {'rps':>7} "
          f"{'failed':>6} {'p99 vs Bolt':>11} {'rps vs Bolt':>11}")
    for res in results:
        bolt = _cells(res, "bolt", load)
        for name in ["bolt", *others]:
            a = _cells(res, name, load)
            ratios = ("" if name == "bolt"
                      else f"{a[1] / bolt[1]:>10.2f}x {a[2] / bolt[2]:>10.2f}x")
            print(f"{res['db']:10} {res['size']:>10,} {name:14} {a[0]:>8.1f} {a[1]:>8.1f} "
                  f"{a[2]:>7.0f} {a[3]:>6} {ratios}")


def _c1_ratios(res: dict[str, Any], name: str) -> dict[str, tuple[float, float]]:
    """Per command: (p50 ms, p50 over bare Bolt's p50 for the same requests)."""
    out = {}
    for kind, _ in DAY_MIX:
        mine = pct(res["samples"][(name, kind, 1)].latencies, .5)
        bare = pct(res["samples"][("bolt", kind, 1)].latencies, .5)
        out[kind] = (mine * 1000, mine / bare)
    return out


def _largest(res: dict[str, Any], name: str = "actiebot") -> float:
    return max(res["rss"][name].values(), default=float("nan"))


def targets(results: list[dict[str, Any]]) -> list[tuple[str, str, str, bool]]:
    """(target, where, measured, met) for every target the run measured."""
    rows: list[tuple[str, str, str, bool]] = []
    for res in results:
        where = f"{res['db']} {res['size']:,}"
        mine, bolt = _cells(res, "actiebot", "day"), _cells(res, "bolt", "day")
        rows.append((f"throughput >= {TARGET_THROUGHPUT}x Bolt", where,
                     f"{mine[2] / bolt[2]:.2f}x ({mine[2]:.0f} vs {bolt[2]:.0f} rps)",
                     mine[2] / bolt[2] >= TARGET_THROUGHPUT))
        rows.append((f"p99 <= {TARGET_P99:g}x Bolt", where,
                     f"{mine[1] / bolt[1]:.2f}x ({mine[1]:.0f} vs {bolt[1]:.0f} ms)",
                     mine[1] / bolt[1] <= TARGET_P99))
        rows.append(("zero failures", where, f"{mine[3]} failed", mine[3] == 0))
        c1 = _c1_ratios(res, "actiebot")
        worst = max(c1, key=lambda k: c1[k][1])
        over = [k for k, (_, ratio) in c1.items() if ratio > TARGET_C1_P50]
        rows.append((f"each command's p50 at c1 <= {TARGET_C1_P50}x Bolt", where,
                     f"worst {worst} {c1[worst][1]:.2f}x"
                     + (f" (over: {', '.join(over)})" if over else ""), not over))
        limit = TARGET_RSS_MB.get(res["size"])
        if limit:
            largest = _largest(res)
            rows.append((f"largest process < {limit} MB", where, f"{largest:.0f} MB",
                         largest < limit))
        if res["size"] >= TARGET_IMPORT_SIZE:
            t = res["import"]
            rate = t["activities"] / t["first"]
            rows.append((f"import >= {TARGET_IMPORT_RATE:,}/s", where,
                         (f"{rate:,.0f}/s ({t['first']:.1f} s; CPU "
                          f"{t['activities'] / t['first_cpu']:,.0f}/s)"),
                         rate >= TARGET_IMPORT_RATE))
    return rows


def report(results: list[dict[str, Any]], reminders: list[dict[str, Any]],
           names: tuple[str, ...]) -> None:
    _http_table("The working day at concurrency 16 (200 users, 21 channels, random activities, "
                "~5 % updates)", "day", results, names)
    print("\n== The working day, p50 ms per command at concurrency 16")
    kinds = [k for k, _ in DAY_MIX]
    print(f"{'db':10} {'activities':>10} {'server':14} " + " ".join(f"{k:>12}" for k in kinds))
    for res in results:
        for name in names:
            run = res["samples"][(name, "day", 16)]
            print(f"{res['db']:10} {res['size']:>10,} {name:14} "
                  + " ".join(f"{pct(run.by_kind.get(k, []), .5) * 1000:>12.1f}" for k in kinds))
    print("\n== Each command alone at concurrency 1: p50 ms (and over bare Bolt's p50)")
    print(f"{'db':10} {'activities':>10} {'server':14} " + " ".join(f"{k:>14}" for k in kinds))
    for res in results:
        for name in names:
            if name == "bolt":
                continue
            c1 = _c1_ratios(res, name)
            print(f"{res['db']:10} {res['size']:>10,} {name:14} "
                  + " ".join(f"{c1[k][0]:>6.1f} {c1[k][1]:>5.2f}x" for k in kinds))
        bare = [pct(res["samples"][("bolt", k, 1)].latencies, .5) * 1000 for k in kinds]
        print(f"{res['db']:10} {res['size']:>10,} {'bolt':14} "
              + " ".join(f"{b:>6.1f}       " for b in bare))
    _http_table("The repeated four questions at concurrency 16 (wie MDA++, wanneer indicatoren, "
                "status, binnenkort 60; one unlinked channel)", "repeated", results, names)
    print("\n== Import through `actiebot import` (after `actiebot db upgrade`; wall time, "
          "process start included)")
    for res in results:
        t = res["import"]
        again = (f", again {t['again']:6.1f} s (CPU {t['again_cpu']:.1f} s)" if "again" in t
                 else "")
        print(f"{res['db']:10} {res['size']:>10,}: {t['mb']:.1f} MB, first {t['first']:6.1f} s "
              f"({t['activities'] / t['first']:,.0f}/s; CPU {t['first_cpu']:.1f} s = "
              f"{t['activities'] / t['first_cpu']:,.0f}/s){again}")
    if reminders:
        print("\n== Reminder sweep and digest over their hot-set floor (240 due)")
        floors = {r["db"]: r for r in reminders if r["size"] == 240}
        for r in reminders:
            f = floors[r["db"]]
            print(f"{r['db']:10} {r['size']:>10,}: remind {r['remind'] * 1000:7.1f} ms "
                  f"({r['remind'] / f['remind']:.2f}x), digest {r['digest'] * 1000:7.1f} ms "
                  f"({r['digest'] / f['digest']:.2f}x)")
    print("\n== Peak RSS per process, MB (largest first)")
    for res in results:
        parts = []
        for name in names:
            peaks = sorted(res["rss"][name].values(), reverse=True)
            parts.append(f"{name} " + "/".join(f"{p:.0f}" for p in peaks))
        print(f"{res['db']:10} {res['size']:>10,}: " + "; ".join(parts))
    print("\n== Targets (the working day at concurrency 16 vs bare Bolt with its defaults, "
          "same run)")
    rows = targets(results)
    width = max((len(r[0]) for r in rows), default=10)
    for target, where, measured, met in rows:
        print(f"{target:{width}}  {where:18} {measured:40} {'met' if met else 'MISSED'}")
    print(f"{sum(r[3] for r in rows)} of {len(rows)} met")


def _load_average() -> str:
    """The 1/5/15-minute load averages (other work on a shared machine skews the figures)."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


class _Tee(io.TextIOBase):
    """Everything printed goes to the terminal and to the run's log."""

    def __init__(self, *streams: Any) -> None:
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


class _Workdir:
    """A temporary directory, kept with BENCH_KEEP=1 (databases and server logs)."""

    def __init__(self) -> None:
        self.keep = os.environ.get("BENCH_KEEP") == "1"
        self.path = Path(tempfile.mkdtemp(prefix="actiebot-bench-"))

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *args: object) -> None:
        if not self.keep:
            import shutil

            shutil.rmtree(self.path, ignore_errors=True)


def output_log(kind: str) -> Path:
    out = Path(os.environ.get("BENCH_OUT", ROOT / "bench-output"))
    out.mkdir(parents=True, exist_ok=True)
    return out / f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.log"


def _commit() -> str:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          check=False, capture_output=True, text=True)
    return done.stdout.strip() or "?"


class _Environment:
    """The fake Web API (with the working day's channel members) and, when asked, a throwaway
    PostgreSQL server; `url(db, name)` makes a fresh database."""

    def __init__(self, dbs: list[str], workdir: Path) -> None:
        from tests.fakes.slack_api import FakeSlack

        self.workdir = workdir
        self.fake = FakeSlack().start()
        self.pg = None
        if "postgresql" in dbs:
            from tests.pg import PostgresServer

            self.pg = PostgresServer()
            self.pg.start()

    def join(self, plan: Plan) -> None:
        for channel, users in plan.users_of.items():
            self.fake.join(channel, *users)

    def url(self, db: str, name: str) -> str:
        if db == "sqlite":
            return f"sqlite:///{self.workdir / name}.db"
        assert self.pg is not None
        return str(self.pg.create_database(f"bench_{name}"))

    def stop(self) -> None:
        self.fake.stop()
        if self.pg is not None:
            self.pg.stop()


def main() -> int:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
    dbs = os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",")
    config = Config.from_env()
    log_path = output_log("bench")
    with log_path.open("w", encoding="utf-8") as log, _Workdir() as workdir:
        sys.stdout = _Tee(sys.__stdout__, log)
        started = time.monotonic()
        load_at_start = _load_average()
        print(f"make bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}; "
              f"sizes {sizes}, databases {dbs}, {config}; working directory {workdir}",
              flush=True)
        sys.path.insert(0, str(ROOT / "scripts"))
        env = _Environment(dbs, workdir)
        results: list[dict[str, Any]] = []
        reminders: list[dict[str, Any]] = []
        try:
            today = date.today()
            programmes: dict[int, tuple[Path, dict[str, Any]]] = {}
            for size in sizes:
                data = generate(size, today)
                path = workdir / f"programme-{size}.yaml"
                write_programme(data, path)
                programmes[size] = (path, data)
                env.join(Plan.of(data))
            for db in dbs:
                for size in sizes:
                    print(f"-- {db}, {size:,} activities "
                          f"({time.monotonic() - started:.0f} s)", flush=True)
                    results.append(run_size(size, db, env.url(db, f"s{size}"), env.fake.url,
                                            config, workdir, programmes[size]))
                if os.environ.get("BENCH_REMIND") == "1":
                    print(f"-- {db}, reminders and digests", flush=True)
                    reminders += remind_digest(sizes, db, lambda n, db=db: env.url(db, n))
        finally:
            env.stop()
        report(results, reminders, config.targets)
        print(f"\n(total {time.monotonic() - started:.0f} s; load average at the start "
              f"{load_at_start}, at the end {_load_average()}; {os.cpu_count()} cores)")
        sys.stdout = sys.__stdout__
    print(f"written to {log_path}")
    return 0


# -- soak ------------------------------------------------------------------------------------

def soak() -> int:
    """The working day's load for BENCH_SOAK_MINUTES, the largest process's RSS sampled."""
    size = int(os.environ.get("BENCH_SIZES", "10000").split(",")[0])
    db = os.environ.get("BENCH_DBS", "sqlite").split(",")[0]
    minutes = float(os.environ.get("BENCH_SOAK_MINUTES", "20"))
    every = float(os.environ.get("BENCH_SOAK_EVERY", "10"))
    log_path = output_log("soak")
    csv_path = log_path.with_suffix(".csv")
    with log_path.open("w", encoding="utf-8") as log, _Workdir() as workdir:
        sys.stdout = _Tee(sys.__stdout__, log)
        print(f"make soak, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}; {db}, "
              f"{size:,} activities, {minutes:g} minutes of the working day at concurrency 16, "
              f"RSS every {every:g} s; load average {_load_average()}", flush=True)
        env = _Environment([db], workdir)
        server = None
        try:
            data = generate(size, date.today())
            path = workdir / f"programme-{size}.yaml"
            write_programme(data, path)
            plan = Plan.of(data)
            env.join(plan)
            url = env.url(db, f"soak{size}")
            import_programme(url, path, len(data["activities"]))
            server = start_server("actiebot", {"DATABASE_URL": url,
                                               "SLACK_API_URL": env.fake.url}, workdir)
            settle(url, [server.log])
            samples: list[tuple[float, float, dict[int, float]]] = []
            stop = threading.Event()

            def sampler() -> None:
                begun = time.monotonic()
                while not stop.is_set():
                    rss = server.rss_mb()
                    samples.append((time.monotonic() - begun, max(rss.values(), default=0), rss))
                    stop.wait(every)

            thread = threading.Thread(target=sampler, daemon=True)
            thread.start()
            rng = random.Random(17)
            total = Sample()
            ends = time.monotonic() + minutes * 60
            while time.monotonic() < ends:
                total.add(send(server.port, working_day(plan, rng, 320), 16))
            stop.set()
            thread.join()
        finally:
            if server is not None:
                server.stop()
            env.stop()
        with csv_path.open("w", encoding="utf-8") as out:
            out.write("seconds,largest_mb," + ",".join(f"pid{p}" for p in samples[0][2]) + "\n")
            for at, largest, rss in samples:
                out.write(f"{at:.0f},{largest:.1f},"
                          + ",".join(f"{v:.1f}" for v in rss.values()) + "\n")
        half = samples[-1][0] / 2
        last = [(at, mb) for at, mb, _ in samples if at >= half]
        slope = _slope(last) * 60  # MB per minute
        first_mb, last_mb = last[0][1], last[-1][1]
        print(f"requests {total.requests:,} ({total.requests / total.wall:.0f} rps), failed "
              f"{total.failed}, p50 {pct(total.latencies, .5) * 1000:.1f} ms, p99 "
              f"{pct(total.latencies, .99) * 1000:.1f} ms")
        print("largest process RSS, MB, by minute: " + " ".join(
            f"{mb:.0f}" for at, mb, _ in samples if int(at) % 60 < every))
        growth = last_mb - first_mb
        print(f"the last {(samples[-1][0] - half) / 60:.0f} minutes: {first_mb:.1f} -> "
              f"{last_mb:.1f} MB ({growth:+.1f} MB; fitted {slope:+.2f} MB/min) — "
              + ("flat (met)" if abs(growth) < 2 and abs(slope) < 0.2 else "GROWING (missed)"))
        # each process apart: a step of one worker reads differently from all of them climbing
        halves = [rss for at, _, rss in samples if at >= half]
        print("each process over the last half, MB: " + ", ".join(
            f"pid {pid} {halves[0][pid]:.0f} -> {halves[-1].get(pid, 0):.0f} "
            f"(max {max(r.get(pid, 0) for r in halves):.0f})" for pid in halves[0]))
        print(f"load average at the end {_load_average()}")
        sys.stdout = sys.__stdout__
    print(f"written to {log_path} and {csv_path}")
    return 0


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (x, y) points; 0 for fewer than two."""
    if len(points) < 2:
        return 0.0
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "soak":
        sys.exit(soak())
    sys.exit(main())
