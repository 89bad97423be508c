"""Log configuration shared by every entry point: our INFO, Slack's libraries at WARNING.

Logs never contain request bodies, notes, tokens or secrets. Three layers keep it so:

1. Our code logs ids, kinds and correlation ids, never a text a user typed (see handlers/errors.py
   for exceptions: frames only, no message, no parameters).
2. ``slack_bolt`` and ``slack_sdk`` stay at WARNING: below it they log request and response bodies
   (Bolt logs a rejected request's body at INFO, slack_sdk every API call's body at DEBUG).
3. :class:`RedactingFilter`, defence in depth, sits on every root handler and on the Slack
   libraries' loggers (Bolt copies it to the loggers it derives from its app logger). It drops
   the Slack libraries' records below WARNING even when someone lowers their level, and in every
   other record it replaces Slack tokens (``xoxb-``, ``xoxp-``, ``xapp-``, ...), the configured
   secrets, passwords in URLs and personal data (``bot.domain.privacy``) by placeholders, in the
   message, the traceback and the stack.
"""

from __future__ import annotations

import logging
import os
import re
import sys

from bot.domain.privacy import mask

SLACK_LIBRARIES = ("slack_bolt", "slack_sdk")
# The loggers the Slack libraries log payloads with (names as the libraries create them).
SLACK_LOGGERS = (
    "slack_bolt",
    "slack_bolt.App",  # our Bolt app logger: Bolt copies its level and filters to its middleware
    "slack_sdk",
    "slack_sdk.web.base_client",
    "slack_sdk.web.legacy_base_client",
    "slack_sdk.web.slack_response",
    "slack_sdk.socket_mode.builtin.client",
)
SECRET_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
                    "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")

_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:xox[a-z](?:\.xox[a-z])?|xapp)-[A-Za-z0-9-]*")
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://[^:/@\s]{0,200}:)[^@\s/]{1,500}@")
_MIN_SECRET = 6  # shorter "secrets" would blank ordinary words


class RedactingFilter(logging.Filter):
    """Drops the Slack libraries' chatter; redacts tokens, secrets and personal data."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add_secrets(self, *secrets: str | None) -> None:
        self._secrets.update(s for s in secrets if s and len(s) >= _MIN_SECRET)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "[secret]")
        text = _TOKEN.sub("[token]", text)
        text = _URL_PASSWORD.sub(r"\1***@", text)
        return mask(text)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(SLACK_LIBRARIES) and record.levelno < logging.WARNING:
            return False
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not leak its arguments
            message = str(record.msg)
        clean = self.redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTION = RedactingFilter()


def install_redaction(*secrets: str | None) -> RedactingFilter:
    """Put the redacting filter on every root handler and the Slack libraries' loggers.

    Idempotent; each call may add secrets (the Slack tokens and signing secret of the settings;
    those in the environment are always added).
    """
    REDACTION.add_secrets(*secrets, *(os.environ.get(name) for name in SECRET_VARIABLES))
    for handler in logging.getLogger().handlers:
        if REDACTION not in handler.filters:
            handler.addFilter(REDACTION)
    names = set(SLACK_LOGGERS) | {
        name for name in logging.Logger.manager.loggerDict if name.startswith(SLACK_LIBRARIES)
    }
    for name in sorted(names):
        logger = logging.getLogger(name)
        if REDACTION not in logger.filters:
            logger.addFilter(REDACTION)
    return REDACTION


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
    install_redaction()


def configure_cli_logging() -> bool:
    """The CLI's log: ``ACTIEBOT_LOG_FILE`` (appended to) when set, else stderr when
    ``ACTIEBOT_LOG_LEVEL`` is set, at that level (default INFO in a file, WARNING on stderr).
    With neither, stderr keeps to the one line a command prints, and warnings. Returns
    whether a log is configured, i.e. whether a failure's full record goes somewhere."""
    path = os.environ.get("ACTIEBOT_LOG_FILE", "").strip()
    level = os.environ.get("ACTIEBOT_LOG_LEVEL", "").strip().upper()
    root = logging.getLogger()
    if path and not root.handlers:
        try:
            handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
        except OSError as error:
            handler = logging.StreamHandler()
            print(f"actiebot: ACTIEBOT_LOG_FILE={path!r} cannot be opened "
                  f"({error.strerror}); logging to stderr", file=sys.stderr)
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    configure_logging(level=level or ("INFO" if path else "WARNING"))
    return bool(path or level)
