"""APScheduler jobs that only call services.

Where it runs: in exactly one process per deployment. `actiebot serve` runs it in the
gunicorn master (never in the workers), `actiebot socket` in its own process; the Procfile
gives the web process `--no-scheduler` when a worker process runs it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings
from bot.services import Deps
from bot.services.delivery import deliver_pending

log = logging.getLogger("actiebot.scheduler")

OUTBOX_MINUTES = 5


def _safe(name: str, job: Any, *args: Any) -> Any:
    def run() -> None:
        try:
            job(*args)
        except Exception as error:  # noqa: BLE001 - a failed sweep never stops the scheduler
            from handlers.errors import correlation_id, log_exception

            log_exception(correlation_id(), error)
            log.error("scheduled job %s failed; it runs again at its next time", name)

    return run


def build_scheduler(settings: Settings, deps: Deps) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=settings.timezone)
    scheduler.add_job(
        _safe("outbox", deliver_pending, deps), IntervalTrigger(minutes=OUTBOX_MINUTES),
        id="outbox", coalesce=True, max_instances=1, replace_existing=True,
    )
    return scheduler


def start_scheduler(settings: Settings, deps: Deps) -> BackgroundScheduler:
    scheduler = build_scheduler(settings, deps)
    scheduler.start()
    log.info("scheduler started (timezone %s)", settings.timezone)
    return scheduler


def gunicorn_hooks(settings: Settings) -> dict[str, Any]:
    """Run the scheduler in the gunicorn master: one per `serve`, however many workers."""
    state: dict[str, Any] = {}

    def when_ready(server: Any) -> None:
        from bot.app import build_client, build_runtime
        from handlers.delivery import SlackNotifier

        runtime = build_runtime(settings, migrate=False)
        client = build_client(settings)
        deps = replace(runtime.deps,
                       notifier=SlackNotifier(client, settings.language, settings.timezone))
        state["engine"] = runtime.engine
        state["scheduler"] = start_scheduler(settings, deps)

    def post_fork(server: Any, worker: Any) -> None:
        engine = state.get("engine")
        if engine is not None:
            engine.dispose(close=False)  # the worker never uses the master's connections

    def on_exit(server: Any) -> None:
        scheduler = state.get("scheduler")
        if scheduler is not None:
            scheduler.shutdown(wait=False)

    return {"when_ready": when_ready, "post_fork": post_fork, "on_exit": on_exit}
