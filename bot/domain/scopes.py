"""The names of what a write can change and a kept answer can depend on ("scopes").

Storage names the scopes each write touched (storage/versioning.py); the read cache keeps each
answer with the scopes it was computed from and drops it when one of them is written
(bot/services/answers.py, where the rule is written down). Pure strings, so that both sides
and every process agree.
"""

from __future__ import annotations

EVERYTHING = "*"  # a write nobody could describe more closely (bulk SQL, an import)
INDEX = "index"  # what refs resolve against: keys, titles, themes, groups, aliases, programmes
OPEN = "open"  # which activities are open (refs prefer the one open hit)
CHANNELS = "channels"  # which channel is which working group's
LISTS = "lists"  # any activity's status, dates, log, milestones: every list over all of them
DIGESTS = "digests"  # a digest was sent: `overzicht` reports the updates since the last one
INDICATORS = "indicators"


def activity(programme: str, key: str) -> str:
    return f"a:{programme}/{key}"


def group(programme: str, key: str) -> str:
    """The group itself: its name, aliases, channel, member links."""
    return f"g:{programme}/{key}"


def group_lists(programme: str, key: str | None) -> str:
    """The group's activities as lists show them (statuses, dates, updates)."""
    return f"gl:{programme}/{key or ''}"


def programme(key: str) -> str:
    """The programme itself: its name, calendar, time zone, admins."""
    return f"p:{key}"
