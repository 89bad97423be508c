"""Log configuration shared by every entry point: our INFO, Slack's libraries at WARNING."""

from __future__ import annotations

import logging
import os


def configure_logging(level: str | None = None) -> None:
    level = (level or os.environ.get("ACTIEBOT_LOG_LEVEL") or "INFO").upper()
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level if level in ("DEBUG", "INFO", "WARNING", "ERROR") else "INFO")
    for name in ("slack_bolt", "slack_sdk", "urllib3", "apscheduler", "sqlalchemy.engine",
                 "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
