"""A throwaway PostgreSQL server on 127.0.0.1 for the test session.

Uses the server binaries on this machine (scripts/ensure-postgres installs them); as root it
runs the server as the unprivileged `postgres` user. Set ACTIEBOT_TEST_POSTGRES_URL to use an
existing server instead. In CI (CI=true) a server that cannot start fails the run: the
PostgreSQL tests never skip there.

A run that is stopped (CI's time limit sends SIGTERM, Ctrl-C sends SIGINT) stops its server on
the way out: signal handlers and ``atexit``. A run killed outright (SIGKILL) cannot, so every
server directory carries the test process's id (``owner.pid``) and the next run stops and
removes the servers whose owner is gone.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

PREFIX = "actiebot-pg-"
OWNER = "owner.pid"  # the id of the process whose server lives in the directory


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def _postmaster(directory: Path) -> int | None:
    try:
        return int((directory / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def remove_leftovers(root: str | None = None) -> list[Path]:
    """Stop and remove the servers of earlier runs that were killed before they could: the
    directories under ``PREFIX`` whose owner process is gone. A directory without an owner
    file (another checkout's, or one being set up) is left alone. Returns what was removed."""
    removed = []
    for directory in sorted(Path(root or tempfile.gettempdir()).glob(PREFIX + "*")):
        try:
            owner = int((directory / OWNER).read_text().strip())
        except (OSError, ValueError):
            continue
        if owner == os.getpid() or _alive(owner):
            continue
        server = _postmaster(directory)
        if server is not None and _alive(server):
            try:  # an immediate shutdown, as pg_ctl -m immediate sends it
                os.kill(server, signal.SIGQUIT)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 10
            while _alive(server) and time.monotonic() < deadline:
                time.sleep(0.05)
        shutil.rmtree(directory, ignore_errors=True)
        removed.append(directory)
    return removed


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.dir: Path | None = None
        self.port = 0
        self.user: str | None = None
        self.url: str | None = None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]  # type: ignore[operator]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> str:
        if self.bindir is None:
            raise RuntimeError("PostgreSQL server binaries not found: run scripts/ensure-postgres")
        remove_leftovers()
        self.dir = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.dir / OWNER).write_text(f"{os.getpid()}\n")
        self._stop_on_exit()
        if os.geteuid() == 0:
            self.user = "postgres"
            try:
                entry = pwd.getpwnam(self.user)
            except KeyError:
                subprocess.run(["useradd", "--system", "--no-create-home", self.user], check=True)
                entry = pwd.getpwnam(self.user)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-U", "actiebot", "-A", "trust", "-E", "UTF8",
                  "--no-locale")
        self.port = _free_port()
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.dir / "log"),
                  "-w", "-t", "60", "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "actiebot",
                  "actiebot_template")
        self.url = f"postgresql+psycopg://actiebot@127.0.0.1:{self.port}/actiebot_template"
        return self.url

    def _stop_on_exit(self) -> None:
        """Stop the server when the process ends normally (atexit) or is told to stop
        (SIGTERM, SIGINT), then let the signal do what it did before."""
        atexit.register(self.stop)
        for signum in (signal.SIGTERM, signal.SIGINT):
            try:
                previous = signal.getsignal(signum)
                signal.signal(signum, self._on_signal(signum, previous))
            except ValueError:  # not the main thread: atexit and the next run's clean-up
                pass

    def _on_signal(self, signum: int, previous: Any) -> Callable[[int, FrameType | None], None]:
        def handler(number: int, frame: FrameType | None) -> None:
            self.stop()
            signal.signal(signum, previous)
            if callable(previous):
                previous(number, frame)
            elif previous == signal.SIG_DFL:
                os.kill(os.getpid(), signum)
        return handler

    def create_database(self, name: str) -> str:
        assert self.url is not None
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "actiebot", name)
        return f"postgresql+psycopg://actiebot@127.0.0.1:{self.port}/{name}"

    def restart(self, down: float = 0.0) -> None:
        """Stop the server (`-m fast`: every connection is cut at once; not `immediate`, which
        with this test server's synchronous_commit=off would lose commits it acknowledged),
        stay down ``down`` seconds, start it again on the same port with the same data (a fault
        for the fault suite)."""
        assert self.dir is not None
        data = self.dir / "data"
        self._run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        time.sleep(down)
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.dir / "log"),
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        if self.dir is None:
            return
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop",
                  check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")
