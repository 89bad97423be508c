"""The README's walk-through is what the bot prints: the console block is replayed line by line
against the example, with the same --today, and must match to the character."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import KENNEMERLAND, ROOT

CONSOLE = "$ .venv/bin/actiebot console --today "


def walkthrough() -> tuple[str, list[str], str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```\n(.*?)```", readme, re.DOTALL) if CONSOLE in b)
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(CONSOLE))
    today = lines[start][len(CONSOLE):].strip()
    shown = lines[start + 1:]
    return today, [line[len("actie> "):] for line in shown if line.startswith("actie> ")], \
        "\n".join(shown)


def test_the_readme_console_walkthrough_is_what_the_bot_prints(cli: Any) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    today, questions, shown = walkthrough()
    assert today == "2021-06-15" and len(questions) >= 4
    result = cli("console", "--today", today, input="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    # Replay: the greeting, then after each question its answer (the README shows the prompt).
    expected: list[str] = []
    for line in shown.splitlines():
        expected.append(line if not line.startswith("actie> ") else "\0" + line)
    merged = [printed[0]]
    answers = iter(printed[1:])
    for line in expected[1:]:
        if line.startswith("\0"):
            merged.append(line[1:])
        else:
            merged.append(next(answers))
    assert merged == shown.splitlines()
    assert list(answers) == []


def test_ask_takes_the_day_from_the_environment_too(cli: Any) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    flag = cli("ask", "--today", "2021-06-15", "te", "laat")
    env = cli("ask", "te", "laat", env={"ACTIEBOT_TODAY": "2021-06-15"})
    assert flag.returncode == env.returncode == 0
    assert flag.stdout == env.stdout and "ruim 2 maanden te laat" in flag.stdout
    later = cli("ask", "--today", "2026-05-04", "wanneer", "indicatoren")
    assert "(ruim 4 jaar te laat)" in later.stdout  # as the README says
    bad = cli("ask", "te-laat", env={"ACTIEBOT_TODAY": "15-06-2021"})
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr
