"""A kept answer's message is rendered once per result object, language and time zone
(handlers/render/kept.py); another object is rendered for itself, and the LRU is bounded."""

from __future__ import annotations

from typing import Any

import handlers.render.kept as kept
from bot.services import results as r
from handlers.render.kept import RenderedAnswers


def _counting(monkeypatch: Any) -> list[Any]:
    calls: list[Any] = []
    real = kept.compose

    def compose(result: Any, lang: str, tz: str) -> Any:
        calls.append((result, lang))
        return real(result, lang, tz)

    monkeypatch.setattr(kept, "compose", compose)
    return calls


def test_the_same_answer_is_rendered_once_per_language(monkeypatch: Any) -> None:
    calls = _counting(monkeypatch)
    rendered = RenderedAnswers()
    answer = r.HelpAnswer("/actie", None)
    first = rendered.message(answer, "nl", "Europe/Amsterdam")
    assert rendered.message(answer, "nl", "Europe/Amsterdam") is first
    english = rendered.message(answer, "en", "Europe/Amsterdam")
    assert english is not first and english["text"] != first["text"]
    assert len(calls) == 2
    other = r.HelpAnswer("/actie", None)  # equal, but another object: rendered for itself
    assert rendered.message(other, "nl", "Europe/Amsterdam") == first
    assert len(calls) == 3


def test_the_kept_messages_are_bounded(monkeypatch: Any) -> None:
    calls = _counting(monkeypatch)
    rendered = RenderedAnswers(size=2)
    answers = [r.HelpAnswer("/actie", None) for _ in range(3)]
    for answer in answers:
        rendered.message(answer, "nl", "Europe/Amsterdam")
    rendered.message(answers[2], "nl", "Europe/Amsterdam")  # the newest: kept
    assert len(calls) == 3
    rendered.message(answers[0], "nl", "Europe/Amsterdam")  # the oldest: evicted
    assert len(calls) == 4
