"""The Netherlands' holidays, loaded without the holidays package's ~250 other countries
(bot/domain/workdays.py `_netherlands`), are the package's own: every day and name, both
languages, against `holidays.country_holidays("NL")` in a process that never loaded ours."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.domain.workdays import _netherlands

YEARS = range(2000, 2041)
LANGUAGES = ("nl", "en_US")
CATEGORIES = ("public", "optional")

REFERENCE = """
import json, sys
import holidays
out = {}
for language in ("nl", "en_US"):
    days = holidays.country_holidays("NL", years=range(2000, 2041), language=language,
                                     categories=("public", "optional"))
    out[language] = {d.isoformat(): str(n) for d, n in sorted(days.items())}
assert "bot.domain.workdays" not in sys.modules
print(json.dumps(out))
"""


def test_the_netherlands_loaded_alone_equals_the_package_lookup() -> None:
    done = subprocess.run([sys.executable, "-c", REFERENCE], check=True, capture_output=True,
                          text=True, timeout=120)
    reference = json.loads(done.stdout)
    ours = {
        language: {d.isoformat(): str(n) for d, n in sorted(
            _netherlands()(years=YEARS, language=language, categories=CATEGORIES).items())}
        for language in LANGUAGES}
    assert len(reference["nl"]) > 400  # ~11 a year
    assert ours == reference
