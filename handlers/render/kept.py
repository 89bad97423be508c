"""Rendered answers, kept with the kept answers they render (bot/services/answers.py).

A question asked again while nothing has been written gets the very same result object from
the answer cache; rendering it again for the same language and time zone gives the same blocks
(rendering is pure: it reads no clock). So the rendered message is kept per result object,
language and time zone, in a small LRU that holds the result itself: an entry is never matched
by another object that happens to reuse a freed one's id. Only questions come here; an answer
that is not kept is rendered once and stays a miss.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from bot.services.results import Result
from handlers.render import blocks
from handlers.render.messages import compose

SIZE = 256  # as many as the answer cache keeps (bot/services/answers.py DEFAULT_SIZE)


class RenderedAnswers:
    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[int, str, str], tuple[Result, dict[str, Any]]] = (
            OrderedDict())

    def message(self, result: Result, lang: str, timezone: str) -> dict[str, Any]:
        """`blocks.message(compose(result, lang, timezone))`, rendered once per result object.
        The returned dict is shared: read it, never change it."""
        key = (id(result), lang, timezone)
        with self._lock:
            found = self._kept.get(key)
            if found is not None and found[0] is result:
                self._kept.move_to_end(key)
                return found[1]
        payload = blocks.message(compose(result, lang, timezone))
        with self._lock:
            self._kept[key] = (result, payload)
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return payload
