"""Long-running modes: HTTP on gunicorn, the scheduler on its own, and Socket Mode.

`actiebot serve` forks gunicorn workers. No database connection crosses that fork: the master
migrates in a child process (`actiebot db upgrade`) before any worker starts and never opens a
connection itself (SQLite keeps lock state per process in C: a worker that inherits an open
connection can wait forever for a lock nobody holds). It imports the serving code (shared by
the workers, which start with a copy of the master's memory) but builds no app and no engine,
and never imports Alembic and the migrations (a worker does not need them). The scheduler
therefore does not run in the master but in a process of its own (`actiebot scheduler`,
started by fork+exec when gunicorn is ready, restarted if it dies, stopped with the master),
with its own engine; its start-up catch-up waits a few seconds so that the workers answer
first. Each worker builds its own engine after the fork.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.config import Settings

log = logging.getLogger("actiebot.server")

CATCH_UP_DELAY = 5.0  # seconds between `serve` being ready and the scheduler's first sweep
RESTART_DELAY = 10.0  # seconds before a scheduler process that died is started again


def serve(settings: Settings, port: int, scheduler: bool = True) -> int:
    """gunicorn with gthread workers; each worker builds the app after the fork."""
    from gunicorn.app.base import BaseApplication

    from bot.logging_setup import configure_logging

    configure_logging()
    limit_malloc_arenas()  # before any thread: the workers and children inherit it
    migrated = migrate_in_child(settings)  # once, before any worker starts
    if migrated != 0:
        return migrated
    # The serving code and the database driver, not the app: imported once here, shared by
    # the forked workers (copy-on-write) instead of imported by each; measured at 10,000
    # activities, ~5 MB less peak RSS per worker (and ~3 MB more on PostgreSQL: psycopg).
    # Importing opens nothing: the engine, the app and every connection are made in each
    # worker after the fork (`load`).
    from sqlalchemy.engine import make_url

    import bot.app
    import bot.wsgi  # noqa: F401
    from bot.domain import workdays

    make_url(settings.database_url).get_dialect().import_dbapi()
    # The holidays package's data, loaded through its public API (its country registry comes
    # with it). Measured on one worker after questions that count working days (SQLite, the
    # example programme): loaded by each worker, RSS 72 -> 80 MB, PSS 57 -> 64 MB; loaded
    # here and shared, RSS 79 MB, PSS 55 MB, private dirty 48 -> 38 MB.
    workdays.preload()

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{os.environ.get('ACTIEBOT_BIND', '0.0.0.0')}:{port}",
                "workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
                "worker_class": "gthread",
                "threads": int(os.environ.get("ACTIEBOT_THREADS", "8")),
                "timeout": 30,
                "graceful_timeout": 10,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            }
            for key, value in options.items():
                self.cfg.set(key, value)
            if scheduler:
                for key, value in scheduler_hooks().items():
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from bot.wsgi import create

            HeapTrimmer().start()  # in the worker: load() runs after the fork
            return create(settings, migrate=False)

    _Gunicorn().run()
    return 0


MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # glibc's mallopt() parameter number for MALLOC_ARENA_MAX


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """At most ``arenas`` glibc malloc arenas in this process, the workers it forks and the
    processes it starts (MALLOC_ARENA_MAX). glibc otherwise gives threads arenas of their own,
    up to eight per core, and each keeps freed memory for itself: a worker's eight request
    threads plus the change pool's grew its RSS by ~30 MB more under the working day's load
    (measured in process at 10,000 activities, 8 threads, no answers kept: 144 -> 160 MB over
    three minutes and still growing, against 121 -> 128 MB with two arenas). Python's own small
    objects never use them, so the GIL-bound threads lose nothing by sharing. An operator's
    MALLOC_ARENA_MAX is left as it is; False where there is no glibc (nothing to limit)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False  # the operator's own value, applied by glibc when the process started
    os.environ["MALLOC_ARENA_MAX"] = str(arenas)  # the scheduler and the migration child
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False  # not glibc (macOS): its allocator has no such setting
    return bool(mallopt(M_ARENA_MAX, arenas))


TRIM_EVERY = 10.0  # seconds between a serving worker's heap trims


def trim_heap() -> bool:
    """Give the pages glibc's malloc holds free back to the system (``malloc_trim(0)``); True
    when some were given back, False when none were or where there is no glibc."""
    try:
        malloc_trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False  # not glibc: nothing to trim this way
    return bool(malloc_trim(0))


class HeapTrimmer:
    """Trims a serving worker's heap every ``every`` seconds, in a daemon thread.

    glibc returns freed memory to the system only from the top of its heap. A worker's answers
    kept, SQLite's page caches and the request buffers are allocated and freed in every size
    all day, so pages in the middle of the heap that fall free stay counted in the RSS.
    Measured in process under the working day's load at 10,000 activities (8 threads, two
    arenas, the answer cache full at 16 MB, Python's own allocations flat): a trim every 30 s
    gave back ~10 MB each time, and the RSS between trims climbed 147 -> 151 MB over two
    minutes while the RSS after them stayed at 137-141 MB. Under `make soak` (two workers,
    ~140 requests/s each) a trim once a minute left a saw of 3-4 MB in each worker; every 10 s,
    samples 10 s apart differ by about 2 MB. A trim walks the free chunks with each arena
    locked (1-2 ms for a heap this size): 0.02 % of a core. It cannot give back what is still
    in use, nor Python's own small-object arenas (freed only when entirely empty)."""

    def __init__(self, every: float = TRIM_EVERY, trim: Callable[[], bool] = trim_heap) -> None:
        self.every = every
        self._trim = trim
        self._stop = threading.Event()
        self.trims = 0

    def start(self) -> HeapTrimmer:
        threading.Thread(target=self._run, name="heap-trim", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._trim()
            self.trims += 1


def migrate_in_child(settings: Settings) -> int:
    """`actiebot db upgrade` in a process of its own; its exit status (it reports a failure
    itself, in one line).

    Not in the master: every worker is a fork of the master and starts with the master's
    memory, so whatever the master holds, every worker carries. Migrating in the master left
    Alembic, its templates, the migration scripts and what the migration run allocated
    (~16 MB) in every worker. No connection can cross a fork this way either: the master never
    opens one."""
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    return subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env,
                          close_fds=True, check=False).returncode


class SchedulerProcess:
    """`actiebot scheduler` next to gunicorn: started by fork+exec (nothing of the master's
    memory or open files is inherited), started again if it dies, stopped with the master. It
    exits by itself if the master disappears (`--exit-with`)."""

    def __init__(self, delay: float = CATCH_UP_DELAY) -> None:
        self.delay = delay
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bot", "scheduler", "--exit-with", str(os.getpid()),
                "--delay", str(self.delay)]

    def start(self) -> SchedulerProcess:
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="scheduler-watch",
                                         daemon=True)
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        with self._lock:
            if not self._stopping.is_set():
                self.process = subprocess.Popen(self.command(), close_fds=True)
                log.info("scheduler process %d started", self.process.pid)

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self.process
            if process is None:
                return
            code = process.wait()  # gunicorn may reap it first: then 0
            if self._stopping.wait(RESTART_DELAY):
                return
            log.warning("the scheduler process exited (%s); starting it again", code)
            self._spawn()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        with self._lock:
            process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # it gives the lease back before it exits
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()


def scheduler_hooks() -> dict[str, Any]:
    """gunicorn server hooks that run the scheduler process next to the workers."""
    state: dict[str, SchedulerProcess] = {}

    def when_ready(server: Any) -> None:
        state["scheduler"] = SchedulerProcess().start()

    def on_exit(server: Any) -> None:
        if "scheduler" in state:
            state["scheduler"].stop()

    return {"when_ready": when_ready, "on_exit": on_exit}


def run_scheduler(settings: Settings, exit_with: int | None = None, delay: float = 0.0) -> int:
    """Only the scheduled jobs (reminders, digests, outbox), until SIGTERM or SIGINT, or until
    process ``exit_with`` (the `serve` master that started it) is gone."""
    from dataclasses import replace

    from bot.app import build_client, build_runtime
    from bot.logging_setup import configure_logging
    from bot.scheduler import start_scheduler
    from handlers.delivery import SlackNotifier

    configure_logging()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    def wait(seconds: float) -> bool:
        """Sleep; False as soon as it is time to stop."""
        if stop.wait(seconds):
            return False
        if exit_with is not None and os.getppid() != exit_with:
            log.warning("the serve process that started this scheduler is gone: stopping")
            return False
        return True

    started = time.monotonic()
    while time.monotonic() - started < delay:
        if not wait(min(1.0, delay)):
            return 0
    runtime = build_runtime(settings, migrate=False)
    deps = runtime.deps  # many workspaces: each post with its channel's workspace's token
    if runtime.installs is None:
        deps = replace(deps, notifier=SlackNotifier(
            build_client(settings), settings.language, settings.timezone))
    installs = runtime.installs
    running = start_scheduler(settings, deps,
                              purge=installs.purge_expired if installs is not None else None,
                              workspaces=installs.installed if installs is not None else None,
                              reminder_workspaces=(
                                  (lambda: installs.with_reminders_due(deps))
                                  if installs is not None else None))
    try:
        while wait(1.0):
            pass
    finally:
        # Gives the lease back (a standby takes over at once); a job already running finishes
        # and records what it posted before the process exits.
        running.shutdown(wait=False)
        runtime.engine.dispose()
    return 0


def socket_mode(settings: Settings, scheduler: bool = True) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app, build_runtime
    from bot.logging_setup import configure_logging

    configure_logging()
    limit_malloc_arenas()  # one serving process with the same threads as a worker of serve
    HeapTrimmer().start()
    runtime = build_runtime(settings, serving=True)
    app, deps = build_app(settings, runtime.deps, socket_mode=True)
    running = None
    if scheduler:
        from bot.scheduler import start_scheduler

        running = start_scheduler(settings, deps)
    try:
        SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    finally:
        if running is not None:
            running.shutdown(wait=False)
    return 0
