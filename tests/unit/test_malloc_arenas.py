"""`actiebot serve` limits glibc's malloc arenas (bot/server.py `limit_malloc_arenas`): without
it every request thread of a worker gets an arena of its own that keeps its freed memory, and a
serving worker's RSS grows with the threads. Counted with glibc's malloc_info() in a fresh
interpreter whose threads each allocate."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import ctypes, os, sys, threading, tempfile
sys.path.insert(0, {root!r})
if {limit}:
    from bot.server import limit_malloc_arenas
    assert limit_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "2"
kept = []
# every thread stays alive until all have allocated: glibc hands a thread that exited its
# arena on to the next new thread, so threads that ran one after another would share one
together = threading.Barrier(12)
def work():
    kept.append([bytearray(50_000) for _ in range(20)])  # glibc malloc, not Python's own
    together.wait(timeout=30)
threads = [threading.Thread(target=work) for _ in range(12)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(None)
libc.fdopen.restype = ctypes.c_void_p
with tempfile.TemporaryFile() as out:
    stream = libc.fdopen(os.dup(out.fileno()), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    out.seek(0)
    print(out.read().decode().count("<heap nr="))
"""


def arenas(limit: bool) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), limit=limit)],
                          env=env, capture_output=True, text=True, timeout=60, check=True)
    return int(done.stdout.strip())


def _glibc() -> bool:
    try:
        ctypes.CDLL(None).malloc_info  # noqa: B018 - looked up only to know it is there
    except (OSError, AttributeError):
        return False
    return True


@pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")
def test_serve_keeps_to_two_malloc_arenas_whatever_the_threads() -> None:
    assert arenas(limit=False) > 2  # the threads' own arenas: what serve limits
    assert arenas(limit=True) <= 2


def test_an_operators_malloc_arena_max_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.server import limit_malloc_arenas

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert not limit_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "4"


TRIM_PROBE = """
import sys
sys.path.insert(0, {root!r})
from bot.server import trim_heap
def rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20
kept = [bytearray(200_000 + i) for i in range(400)]  # ~80 MB of glibc malloc chunks
del kept[:-1]  # all freed but the last: the heap's top stays in use, so none is given back
before = rss_mb()
print(int(trim_heap()), round(before - rss_mb()))
"""


@pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")
def test_a_trim_gives_back_the_freed_pages_below_the_heaps_top() -> None:
    env = {**os.environ, "MALLOC_ARENA_MAX": "1",
           # chunks this size would otherwise be mmapped each, and given back when freed
           "MALLOC_MMAP_THRESHOLD_": str(64 * 1024 * 1024)}
    done = subprocess.run([sys.executable, "-c", TRIM_PROBE.format(root=str(ROOT))], env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    gave, freed_mb = done.stdout.split()
    assert gave == "1"
    assert int(freed_mb) > 60  # the ~80 MB freed below the top left the RSS


def test_a_serving_workers_heap_is_trimmed_every_interval() -> None:
    import threading

    from bot.server import HeapTrimmer

    trimmed = threading.Semaphore(0)

    def trim() -> bool:
        trimmed.release()
        return True

    trimmer = HeapTrimmer(every=0.01, trim=trim).start()
    try:
        assert all(trimmed.acquire(timeout=5) for _ in range(3))
    finally:
        trimmer.stop()
    count = trimmer.trims
    trimmed.acquire(timeout=0.1)
    assert trimmer.trims <= count + 1  # stopped: at most the trim under way finishes
