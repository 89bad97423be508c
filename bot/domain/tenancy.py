"""Which workspace the code running now serves (many workspaces in one deployment).

A request from a workspace is served inside `serving(workspace)`: every unit of work opened
while it runs sees only that workspace's programmes (storage/tenancy.py filters every query),
and every kept answer and cached index is kept under that workspace. Outside (the scheduler,
the CLI, one-workspace mode) nothing is filtered. A context variable, so it follows the
request into the follow-ups it hands to other threads only when they copy the context
(bot/app.py's listener executor does).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

NOBODY = "-"  # a workspace no programme belongs to: sees nothing

_current: ContextVar[str | None] = ContextVar("actiebot_workspace", default=None)


def current() -> str | None:
    """The workspace served now; None: no filter."""
    return _current.get()


def enter(workspace: str | None) -> None:
    """Serve one workspace from now on in this context (a request's own context: bot/wsgi.py
    runs each request in a fresh copy, so it ends with the request)."""
    _current.set(workspace or NOBODY)


@contextmanager
def serving(workspace: str | None) -> Iterator[None]:
    """Serve one workspace (None or empty: a request whose workspace is unknown sees
    nothing)."""
    token = _current.set(workspace or NOBODY)
    try:
        yield
    finally:
        _current.reset(token)
