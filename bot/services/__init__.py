"""Use cases. `execute` runs one parsed `/actie` command and returns a result dataclass."""

from __future__ import annotations

from bot.services.commands import execute
from bot.services.deps import Actor, Deps

__all__ = ["Actor", "Deps", "execute"]
