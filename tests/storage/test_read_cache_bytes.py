"""The read cache's bytes (bot/services/answers.py), counted by the cache itself: a sweep of
`binnenkort 111` … `binnenkort 366` over a few thousand activities, and `overzicht` asked
again after every one of many updates with long notes, stay within ACTIEBOT_CACHE_MB and keep
only what Slack is sent: a kept list never holds every row behind it. And what the cache
counts is what the kept answers really take in memory (tracemalloc), so that the bound bounds
the process: counted as Python objects they took about twice what was counted, and a serving
worker kept growing long after its cache was "full"."""

from __future__ import annotations

import gc
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.domain import grammar
from bot.services import Actor
from bot.services.answers import ReadCache
from bot.services.commands import answer, execute
from bot.services.deps import DayClock
from bot.services.results import UpdateRecorded
from handlers.render import blocks
from handlers.render.messages import compose
from tests.storage.test_query_cost_flat import TODAY, populate

LIMIT = 4 * 1024 * 1024
SLACK_MESSAGE = 200 * 1024  # 50 blocks of 3,000 characters, as Python holds them, and more


def runtime_on(url: str) -> Any:
    from bot.app import build_runtime
    from bot.config import Settings

    return build_runtime(Settings(database_url=url, admins=frozenset({"U0ADMIN01"}),
                                  cache_bytes=LIMIT))


def slack(deps: Any, text: str, channel: str | None = None) -> dict[str, Any]:
    """The payload the slash command's listener acknowledges with (handlers/commands.py)."""
    return answer(deps, grammar.parse(text), Actor("U0ASKER01", channel_id=channel),  # type: ignore[no-any-return]
                  ("nl", deps.timezone),
                  lambda result: blocks.message(compose(result, "nl", deps.timezone)))


def test_the_binnenkort_sweep_keeps_bytes_within_the_limit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'groot.db'}"
    populate(url, 3000, open_ahead=True)  # ~1,000 open activities due over three years
    runtime = runtime_on(url)
    try:
        deps = replace(runtime.deps, clock=DayClock(TODAY))
        cache: ReadCache = deps.answers
        sizes = []
        for days in range(111, 367, 15):
            before = cache.answer_bytes()
            payload = slack(deps, f"binnenkort {days}")
            assert len(payload["blocks"]) <= 50
            sizes.append(cache.answer_bytes() - before)
            assert cache.answer_bytes() <= LIMIT
        assert len(cache) > 1  # kept, not refused
        assert max(sizes) <= SLACK_MESSAGE  # each one what Slack sees, not the list behind it
        hits = cache.hits
        assert slack(deps, "binnenkort 366") == slack(deps, "binnenkort 366")
        assert cache.hits == hits + 2  # kept
    finally:
        runtime.engine.dispose()


def test_a_kept_overzicht_stays_flat_under_many_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'groot.db'}"
    populate(url, 300, open_ahead=True)
    runtime = runtime_on(url)
    try:
        deps = replace(runtime.deps, clock=DayClock(TODAY))
        cache: ReadCache = deps.answers
        admin = Actor("U0ADMIN01", channel_id="C0GROUP00")
        kept = []
        for n in range(40):
            note = f"stap {n}: " + "uitgebreide toelichting " * 80  # ~1.9 KB a note
            status = ("op-schema", "risico")[n % 2]
            recorded = execute(deps, grammar.parse(f"update a{n % 24:05d} {status} {note}"),
                               admin)
            assert isinstance(recorded, UpdateRecorded), recorded
            payload = slack(deps, "overzicht", "C0GROUP00")
            assert len(payload["blocks"]) <= 50
            kept.append(cache.answer_bytes())
        # 40 updates of 1.9 KB since the last digest: 77 KB of notes; what is kept is the one
        # message Slack is sent, whatever the number of updates behind it
        assert max(kept) <= SLACK_MESSAGE + 10_000
        assert kept[-1] <= kept[len(kept) // 2] * 1.25 + 2_000  # flat, not growing
    finally:
        runtime.engine.dispose()


def test_the_bytes_counted_are_the_bytes_the_kept_answers_take(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'groot.db'}"
    populate(url, 300, open_ahead=True)
    runtime = runtime_on(url)
    try:
        deps = replace(runtime.deps, clock=DayClock(TODAY))
        cache: ReadCache = deps.answers
        questions = [f"{ask} a{n:05d}" for n in range(100)
                     for ask in ("wie", "wanneer", "status", "geschiedenis")]
        questions += [f"lijst wg-{g}" for g in range(3)] + [f"binnenkort {d}" for d in range(1, 40)]
        for text in ("wie a00001", "lijst wg-0", "binnenkort 7", "geschiedenis a00002"):
            slack(deps, text, "C0GROUP01")  # the index built, the statements compiled
        cache.clear()
        gc.collect()
        tracemalloc.start()
        try:
            for n, text in enumerate(questions):
                slack(deps, text, f"C0GROUP0{n % 3}")
            gc.collect()
            counted = cache.answer_bytes()
            assert len(cache) > 400 and counted < LIMIT  # all kept, none evicted
            held = tracemalloc.get_traced_memory()[0]
            cache.clear()  # what dropping every kept answer gives back is what they took
            gc.collect()
            taken = held - tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert 0.8 * taken <= counted <= 1.25 * taken, (counted, taken)
    finally:
        runtime.engine.dispose()
