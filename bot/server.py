"""Long-running modes: HTTP on gunicorn, and Socket Mode."""

from __future__ import annotations

import logging
import os
from typing import Any

from bot.config import Settings

log = logging.getLogger("actiebot.server")


def serve(settings: Settings, port: int, scheduler: bool = True) -> int:
    """gunicorn with gthread workers; each worker builds the app after the fork."""
    from gunicorn.app.base import BaseApplication

    from bot.logging_setup import configure_logging
    from storage.db import create_db_engine, upgrade

    configure_logging()
    upgrade(create_db_engine(settings.database_url))  # once, before any worker starts

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
                from bot.scheduler import gunicorn_hooks

                for key, value in gunicorn_hooks(settings).items():
                    self.cfg.set(key, value)

        def load(self) -> Any:
            from bot.wsgi import create

            return create(settings, migrate=False)

    _Gunicorn().run()
    return 0


def socket_mode(settings: Settings, scheduler: bool = True) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app, build_runtime
    from bot.logging_setup import configure_logging

    configure_logging()
    runtime = build_runtime(settings)
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
