"""The throwaway PostgreSQL server of a test run does not outlive the run: stopped on SIGTERM
and SIGINT (CI's time limit, Ctrl-C), and removed by the next run after a SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT
from tests.pg import _alive, _bindir, _postmaster, remove_leftovers

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(_bindir() is None, reason="no PostgreSQL server binaries")]

RUN = """
import json, sys, time
from tests.pg import PostgresServer, _postmaster
server = PostgresServer()
server.start()
print(json.dumps({"dir": str(server.dir), "pid": _postmaster(server.dir)}), flush=True)
time.sleep(120)
"""


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A temporary directory the `postgres` user can enter (pytest's is root's only)."""
    import shutil
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="actiebot-pgtest-"))
    directory.chmod(0o755)
    yield directory
    remove_leftovers(str(directory))
    shutil.rmtree(directory, ignore_errors=True)


def _start_run(tmp_path: Path) -> tuple[subprocess.Popen[str], Path, int]:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-c", RUN], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        pytest.fail(f"the server did not start: {process.stderr.read() if process.stderr else ''}")
    seen = json.loads(line)
    return process, Path(seen["dir"]), int(seen["pid"])


def _gone(pid: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        try:  # reap it if it is our grandchild turned zombie (never: pg_ctl detaches it)
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_run_stops_its_server(tmp_path: Path, signum: int) -> None:
    process, directory, postmaster = _start_run(tmp_path)
    assert directory.exists() and _alive(postmaster)
    process.send_signal(signum)
    process.wait(timeout=60)
    assert _gone(postmaster), "the PostgreSQL server outlived its test run"
    assert not directory.exists()


def test_the_next_run_removes_what_a_killed_run_left_and_only_that(tmp_path: Path) -> None:
    process, directory, postmaster = _start_run(tmp_path)
    assert remove_leftovers(str(tmp_path)) == []  # its run is alive: left alone
    assert _alive(postmaster) and _postmaster(directory) == postmaster
    process.kill()  # SIGKILL: no handler runs
    process.wait(timeout=30)
    assert _alive(postmaster) and directory.exists()  # left behind, as before
    removed = remove_leftovers(str(tmp_path))
    assert removed == [directory]
    assert _gone(postmaster)
    assert not directory.exists()
