"""The read cache without a database (bot/services/answers.py): which commands are kept under
which key, the byte bound, the rule (a write drops exactly the answers depending on a scope it
changed) and its history (a version gone backwards, or the same number with another token,
drops everything), and the ACTIEBOT_CACHE_MB and ACTIEBOT_ANSWER_CACHE settings."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_CACHE_MB, ConfigError, Settings
from bot.domain import scopes
import dataclasses
import re

from bot.services import commands
from bot.services.answers import ENTRY_BYTES, MARKS, SCOPE_BYTES, ReadCache

V1, V2, V3 = (1, "t1"), (2, "t2"), (3, "t3")


class Log:
    """What `read_changes` would say: the scopes of each version, in one history."""

    def __init__(self, **by_version: set[str]) -> None:
        self.by_version = {int(v.removeprefix("v")): s for v, s in by_version.items()}
        self.asked = 0

    def __call__(self, held: tuple[int, str], now: tuple[int, str]) -> frozenset[str] | None:
        self.asked += 1
        if held[1] != f"t{held[0]}" or now[1] != f"t{now[0]}":
            return None  # a version of another history (version n's token here is "tn")
        if any(v not in self.by_version for v in range(held[0] + 1, now[0] + 1)):
            return None
        return frozenset().union(*(self.by_version[v] for v in range(held[0] + 1, now[0] + 1)))


def kept(cache: ReadCache, version: tuple[int, str], **answers: set[str]) -> None:
    cache.sync(version, Log())
    for key, depends in answers.items():
        assert cache.put(version, key, f"answer {key}", depends, size=100)


A = scopes.activity("p", "a")
B = scopes.activity("p", "b")
G = scopes.group_lists("p", "g")


def test_a_write_drops_exactly_the_answers_depending_on_what_it_changed() -> None:
    cache = ReadCache(10_000)
    kept(cache, V1, about_a={scopes.INDEX, A}, about_b={scopes.INDEX, B}, lists={G})
    cache.sync(V2, Log(v2={A, G}))
    assert cache.get(V2, "about_a") is None and cache.get(V2, "lists") is None
    assert cache.get(V2, "about_b") == "answer about_b"
    assert cache.answer_bytes() == 100


def test_once_many_scopes_are_marked_the_stale_answers_are_swept_and_the_rest_stay() -> None:
    cache = ReadCache(1_000_000)
    kept(cache, V1, about_a={A}, about_b={B}, lists={G})
    many = {scopes.activity("p", f"x{n}") for n in range(MARKS)}
    cache.sync(V2, Log(v2={A, *many}))  # more scopes than are marked before a sweep
    assert cache.answer_bytes() == 200  # about_a left at once, not when next asked for
    assert cache.get(V2, "about_b") == "answer about_b" and cache.get(V2, "lists") is not None
    kept(cache, V2, about_a={A})
    cache.sync(V3, Log(v3={B}))  # after the sweep, the marks start again
    assert cache.get(V3, "about_b") is None
    assert cache.get(V3, "about_a") == "answer about_a" and len(cache) == 2


def test_a_kept_command_s_repr_names_its_value() -> None:
    """Kept answers are keyed by the repr of their key (answers.digest): a kept command type
    must be a dataclass whose generated repr shows every field, each a string, a number or
    None, so two different questions never share a key."""
    for row in commands.TABLE:
        if not row.keep:
            continue
        assert dataclasses.is_dataclass(row.command), row.command
        assert hasattr(row.command.__repr__, "__wrapped__"), f"{row.command} has its own repr"
        for field in dataclasses.fields(row.command):
            assert field.repr, (row.command, field.name)
            assert set(re.findall(r"\w+", str(field.type))) <= {"str", "int", "None"}, field


def test_everything_drops_everything() -> None:
    cache = ReadCache(10_000)
    kept(cache, V1, about_a={A}, about_b={B})
    cache.sync(V2, Log(v2={scopes.EVERYTHING}))
    assert len(cache) == 0 and cache.answer_bytes() == 0


def test_a_version_gone_backwards_or_another_history_never_gives_an_old_answer() -> None:
    cache = ReadCache(10_000)
    kept(cache, V3, about_a={A})
    cache.sync((2, "restored"), Log(v3=set()))  # a restore: back to 2
    assert cache.get((2, "restored"), "about_a") is None
    kept(cache, (2, "restored"), about_a={A})
    cache.sync((3, "another"), Log())  # the counter climbs back to 3: no history to tell
    assert cache.get((3, "another"), "about_a") is None and len(cache) == 0


def test_an_overtaken_peek_of_the_same_history_changes_nothing() -> None:
    cache = ReadCache(10_000)
    kept(cache, V3, about_a={A})
    for _ in range(100):  # more than the versions remembered without asking
        cache.sync((3 + _ + 1, f"t{3 + _ + 1}"), Log(**{f"v{v}": set() for v in range(1, 200)}))
    held = (103, "t103")
    assert cache.held == held and cache.get(held, "about_a") == "answer about_a"
    log = Log(**{f"v{v}": set() for v in range(1, 200)})
    cache.sync(V2, log)  # a thread that peeked long ago and was slow
    assert log.asked == 1 and cache.held == held
    assert cache.get(held, "about_a") == "answer about_a"


def test_the_same_number_with_another_token_drops_everything() -> None:
    cache = ReadCache(10_000)
    kept(cache, V2, about_a={A})
    log = Log()
    cache.sync((2, "failover"), log)
    assert cache.get((2, "failover"), "about_a") is None and log.asked == 0


def test_a_lost_history_drops_everything() -> None:
    cache = ReadCache(10_000)
    kept(cache, V1, about_a={A})
    cache.sync(V3, Log(v3={B}))  # version 2's rows were pruned
    assert len(cache) == 0


def test_an_answer_computed_on_another_snapshot_is_given_but_not_kept() -> None:
    cache = ReadCache(10_000)
    cache.sync(V2, Log())
    assert not cache.put(V1, "old", "x", {A}, size=10)
    assert not cache.put(V3, "new", "x", {A}, size=10)
    assert len(cache) == 0


def test_the_bound_is_bytes_and_the_least_recently_used_go_first() -> None:
    cache = ReadCache(800)
    kept(cache, V1, a={A}, b={A}, c={A})
    assert cache.get(V1, "a") is not None  # "a" is now the most recent
    assert cache.put(V1, "big", "x", {B}, size=200)
    assert cache.put(V1, "d", "x", {B}, size=100)
    assert cache.put(V1, "e", "x", {B}, size=100)
    assert cache.put(V1, "f", "x", {B}, size=100)
    assert cache.put(V1, "g", "x", {B}, size=100)
    assert cache.answer_bytes() == 800
    assert cache.get(V1, "b") is None  # the least recently used left first
    assert cache.get(V1, "a") is not None and cache.get(V1, "g") is not None
    assert not cache.put(V1, "huge", "x", {B}, size=201)  # over a quarter: given, not kept


def test_slots_are_reported_and_never_evicted() -> None:
    class Index:
        def nbytes(self) -> int:
            return 800

    cache = ReadCache(400)  # for answers; the index is kept besides
    index = cache.slot("programme", Index)
    assert cache.slot("programme", Index) is index
    kept(cache, V1, a={A})
    assert not cache.put(V1, "c", "x", {A}, size=150)  # over a quarter of the 400
    for key in "defgh":
        assert cache.put(V1, key, "x", {A}, size=100)
        assert cache.answer_bytes() <= 400
    assert cache.nbytes() == 800 + cache.answer_bytes()
    cache.sync(V2, Log(v2={scopes.EVERYTHING}))
    assert cache.slot("programme", Index) is index and cache.nbytes() == 800


def test_an_answer_is_kept_packed_counted_as_kept_and_given_afresh() -> None:
    cache = ReadCache(10_000_000)
    cache.sync(V1, Log())
    payload = {"text": "x" * 10_000, "blocks": [{"type": "section", "text": "y" * 10_000}]}
    assert cache.put(V1, "big", payload, {A, B})
    # 20 KB of text packs small; the entry's own cost is counted with it
    assert ENTRY_BYTES + 2 * SCOPE_BYTES < cache.answer_bytes() < ENTRY_BYTES + 2 * SCOPE_BYTES + 1_000
    given = cache.get(V1, "big")
    assert given == payload and given is not payload
    given["blocks"].clear()  # a given answer is the caller's: the kept one stays whole
    assert cache.get(V1, "big") == payload


def test_off_keeps_no_answer() -> None:
    cache = ReadCache(10_000, answers=False)
    cache.sync(V1, Log())
    assert not cache.put(V1, "a", "x", {A}, size=10)


@pytest.mark.parametrize(("value", "megabytes"), [
    (None, DEFAULT_CACHE_MB), ("8", 8), ("16", 16), ("2.5", 2.5), ("1024", 1024)])
def test_the_byte_limit_setting(value: str | None, megabytes: float) -> None:
    env = {} if value is None else {"ACTIEBOT_CACHE_MB": value}
    assert Settings.from_env(env).cache_bytes == int(megabytes * 1024 * 1024)


@pytest.mark.parametrize("value", ["0", "-3", "veel", "nan", "inf", "1e9"])
def test_a_wrong_byte_limit_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="ACTIEBOT_CACHE_MB"):
        Settings.from_env({"ACTIEBOT_CACHE_MB": value})


@pytest.mark.parametrize(("value", "on"), [
    (None, True), ("", True), ("1", True), ("on", True), ("ON", True), ("true", True),
    ("0", False), ("off", False), ("Off", False), ("false", False), ("no", False)])
def test_the_switch(value: str | None, on: bool) -> None:
    env = {} if value is None else {"ACTIEBOT_ANSWER_CACHE": value}
    assert Settings.from_env(env).answer_cache is on


def test_a_wrong_switch_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="ACTIEBOT_ANSWER_CACHE"):
        Settings.from_env({"ACTIEBOT_ANSWER_CACHE": "misschien"})
