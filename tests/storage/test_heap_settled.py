"""A large resolution index is kept out of the cyclic garbage collector's sight (storage/cache.py
settle_heap): a full collection would otherwise walk it on every pass while holding the GIL,
a pause for every request in flight. A rebuilt index replaces the old one without pinning it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

import storage.aggregates.activities
from storage.versioning import bump_programme_version
from tests.conftest import KENNEMERLAND, load_examples


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite as it was


def _collected(obj: Any) -> bool:
    """Whether the collector's generations (not the frozen ones) hold ``obj``."""
    return any(o is obj for o in gc.get_objects())


def _build(runtime: Any) -> Any:
    with runtime.deps.uow() as uow:
        return uow.repo.ref_index()


def _rebuilt(runtime: Any) -> Any:
    with runtime.deps.uow(write=True) as uow:
        bump_programme_version(uow._session)
        uow.commit()
    return _build(runtime)


def test_a_large_index_is_frozen_and_a_rebuild_pins_nothing(
        runtime: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(storage.aggregates.activities, "SETTLE_FROM", 1)  # the example counts as large
    load_examples(runtime.deps, KENNEMERLAND)
    index = _build(runtime)
    entry = index.activities[0]
    assert gc.is_tracked(entry) and not _collected(entry)
    frozen = gc.get_freeze_count()
    for _ in range(3):
        index = _rebuilt(runtime)
    assert not _collected(index.activities[0])
    # each rebuild gave back and collected what was frozen before: no growth per rebuild
    assert gc.get_freeze_count() < frozen * 1.5, (frozen, gc.get_freeze_count())


def test_a_small_index_is_left_to_the_collector(runtime: Any) -> None:
    load_examples(runtime.deps, KENNEMERLAND)  # ~50 activities: below SETTLE_FROM
    index = _build(runtime)
    assert gc.get_freeze_count() == 0 and _collected(index.activities[0])
