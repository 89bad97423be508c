"""The scheduler lease: one row in the database says which process runs the scheduled jobs.

Every process that starts a scheduler renews the lease every few seconds; only its holder runs
the sweeps, digests and outbox retries, the others stay idle and take over when it expires (the
holder stopped renewing: it died or lost the database): a standby takes over within TTL +
RENEW_SECONDS (25 s) of the holder's last renewal. The ledger still makes every message
exactly-once; the lease keeps a second scheduler from doing the same work at the same moment.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from bot.services.deps import Deps

SCHEDULER = "scheduler"
TTL = timedelta(seconds=20)
RENEW_SECONDS = 5


def holder_id() -> str:
    """Host, process and a random part: unique per scheduler instance."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def hold(deps: Deps, holder: str, name: str = SCHEDULER, ttl: timedelta = TTL) -> bool:
    """Take or renew the lease; False while another holder's lease is alive."""
    with deps.uow(write=True) as uow:
        held = uow.repo.acquire_lease(name, holder, deps.now(), ttl)
        uow.commit()
    return held


def release(deps: Deps, holder: str, name: str = SCHEDULER) -> None:
    with deps.uow(write=True) as uow:
        uow.repo.release_lease(name, holder)
        uow.commit()
