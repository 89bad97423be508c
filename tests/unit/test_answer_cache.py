"""The answer cache without a database: which commands are kept and under which key, the LRU
bound, one data version and day at a time, and the ACTIEBOT_ANSWER_CACHE switch."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config import ConfigError, Settings
from bot.domain import grammar
from bot.services import results as r
from bot.services.answers import AnswerCache
from bot.services.commands import cache_key
from bot.services.deps import Actor

DAY = date(2021, 6, 15)
HERE = Actor("U0ALICE01", channel_id="C0THV0001")
THERE = Actor("U0BOB0001", channel_id="C0MDA0001")


@pytest.mark.parametrize("text", [
    "wie MDA++", "wanneer indicatoren", "geschiedenis MDA++", "status MDA++", "lijst THV"])
def test_a_question_about_one_thing_is_the_same_in_every_channel(text: str) -> None:
    command = grammar.parse(text)
    assert cache_key(command, HERE) is not None
    assert cache_key(command, HERE) == cache_key(command, THERE)
    assert cache_key(grammar.parse(text), HERE) == cache_key(command, HERE)  # parsed again


@pytest.mark.parametrize("text", ["status", "lijst", "binnenkort 60", "te-laat", "overzicht",
                                  "binnenkort 7"])
def test_a_question_about_the_channel_s_group_is_kept_per_channel(text: str) -> None:
    command = grammar.parse(text)
    assert cache_key(command, HERE) is not None
    assert cache_key(command, HERE) != cache_key(command, THERE)
    # who asks does not matter: the same channel, another user
    assert cache_key(command, HERE) == cache_key(command, Actor("U0BOB0001", channel_id="C0THV0001"))


@pytest.mark.parametrize("text", [
    "update MDA++ gereed klaar", "update MDA++", "koppel THV", "verplaats MDA++ mei 2022 later",
    "nieuw", "rapport", "indicator", "indicator vt-meldingen 2021 700", "help", "", "blabla"])
def test_changes_reports_indicators_help_and_usage_are_not_kept(text: str) -> None:
    assert cache_key(grammar.parse(text), HERE) is None


def answer(n: int) -> r.UnknownRef:
    return r.UnknownRef(f"q{n}", ())


def test_the_lru_is_bounded_and_keeps_the_recently_used() -> None:
    cache = AnswerCache(size=2)
    generation = (7, DAY)
    cache.put(generation, "a", answer(1))
    cache.put(generation, "b", answer(2))
    assert cache.get(generation, "a") == answer(1)  # "a" is now the most recent
    cache.put(generation, "c", answer(3))
    assert len(cache) == 2
    assert cache.get(generation, "b") is None
    assert cache.get(generation, "a") == answer(1) and cache.get(generation, "c") == answer(3)
    with pytest.raises(ValueError):
        AnswerCache(size=0)


def test_a_newer_version_or_another_day_empties_it() -> None:
    cache = AnswerCache()
    cache.put((7, DAY), "a", answer(1))
    assert cache.get((8, DAY), "a") is None  # a write happened: not given
    cache.put((8, DAY), "b", answer(2))
    assert len(cache) == 1 and cache.get((7, DAY), "a") is None
    assert cache.get((8, date(2021, 6, 16)), "b") is None
    cache.put((8, date(2021, 6, 16)), "b", answer(3))
    assert cache.get((8, date(2021, 6, 16)), "b") == answer(3)


def test_an_answer_from_an_older_snapshot_is_given_but_not_kept() -> None:
    cache = AnswerCache()
    cache.put((8, DAY), "a", answer(1))
    cache.put((7, DAY), "b", answer(2))  # a slow reader that began before the last write
    assert cache.get((8, DAY), "a") == answer(1)
    assert cache.get((7, DAY), "b") is None and len(cache) == 1


@pytest.mark.parametrize(("value", "on"), [
    (None, True), ("", True), ("1", True), ("on", True), ("ON", True), ("true", True),
    ("0", False), ("off", False), ("Off", False), ("false", False), ("no", False)])
def test_the_switch(value: str | None, on: bool) -> None:
    env = {} if value is None else {"ACTIEBOT_ANSWER_CACHE": value}
    assert Settings.from_env(env).answer_cache is on


def test_a_wrong_switch_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="ACTIEBOT_ANSWER_CACHE"):
        Settings.from_env({"ACTIEBOT_ANSWER_CACHE": "misschien"})
