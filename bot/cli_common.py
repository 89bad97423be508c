"""What the CLI's sub-command modules share (bot/cli.py composes them; none imports it)."""

from __future__ import annotations

import argparse
import os
from datetime import date


class Failure(Exception):
    """A real failure: printed as one line, exit status 1."""


def today(args: argparse.Namespace) -> date | None:
    """`--today YYYY-MM-DD`, else ``ACTIEBOT_TODAY``, else None (the real clock)."""
    given = getattr(args, "today", None)
    if given is not None:
        return given  # type: ignore[no-any-return]
    value = os.environ.get("ACTIEBOT_TODAY", "").strip()
    return day(value) if value else None


def day(value: str) -> date:
    """A day as `--today` and ``ACTIEBOT_TODAY`` give it (argparse ``type=``)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value[:20]!r} is not a day; expected YYYY-MM-DD, e.g. 2021-06-15") from None
