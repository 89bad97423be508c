"""Replayed requests have no second effect.

Slack signs each request with its timestamp; anyone who captured one can send it again within
Slack's 5-minute window, and Slack itself retries an event it thinks we missed. A request that
can change something is remembered (a hash of its timestamp and signature, or the event id) in
`request_replays`; the second time it is acknowledged and nothing else happens. Questions are
not remembered: answering one twice changes nothing, and they stay free of write locks.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from bot.services.deps import Deps

KEEP = timedelta(minutes=10)  # Slack refuses timestamps older than 5 minutes


def signed_request_key(timestamp: str, signature: str) -> str:
    return "sig:" + hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()


def event_key(event_id: str) -> str:
    return "event:" + hashlib.sha256(event_id.encode()).hexdigest()


def first_time(deps: Deps, key: str) -> bool:
    """True the first time ``key`` is seen (and remembers it); False for a replay."""
    with deps.uow(write=True) as uow:
        fresh = uow.repo.remember_request(key, deps.now(), KEEP)
        uow.commit()
    return fresh
