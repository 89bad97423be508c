"""The README is a product too: it renders as CommonMark, every `actiebot …` in a code block is
a real command, every environment variable the code reads is in its configuration table, the
scopes are the manifest's, and the sections an operator needs are there."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SOURCES = [p for package in ("bot", "storage", "handlers")
           for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


@pytest.fixture(scope="module")
def text() -> str:
    return README.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tokens(text: str) -> list:  # type: ignore[type-arg]
    return MarkdownIt("commonmark").enable("table").parse(text)


def _section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else len(text)]


def test_every_code_fence_closes(text: str, tokens: list) -> None:  # type: ignore[type-arg]
    lines = text.splitlines()
    for token in tokens:
        if token.type != "fence":
            continue
        start, end = token.map
        closing = lines[end - 1].strip() if end - 1 < len(lines) else ""
        assert end - start >= 2 and closing.startswith(token.markup) and \
            closing.strip("`~") == "", f"README.md:{start + 1}: the code fence never closes"


def test_every_double_hash_line_is_a_heading(text: str, tokens: list) -> None:  # type: ignore[type-arg]
    headings = {t.map[0] for t in tokens if t.type == "heading_open" and t.tag == "h2"}
    fenced = {line for t in tokens if t.type == "fence" for line in range(*t.map)}
    for number, line in enumerate(text.splitlines()):
        if line.startswith("## ") and number not in fenced:
            assert number in headings, f"README.md:{number + 1}: {line!r} renders as no heading"
    assert len(headings) >= 14


def _commands(tokens: list) -> list[tuple[int, list[str]]]:  # type: ignore[type-arg]
    found = []
    for token in tokens:
        if token.type not in ("fence", "code_block"):
            continue
        for offset, line in enumerate(token.content.splitlines()):
            line = re.sub(r"^\$\s+", "", line.strip())
            line = re.sub(r"^([A-Z_]+=\S+\s+)+", "", line)  # VARIABLE=value actiebot …
            for prefix in (".venv/bin/actiebot ", "actiebot "):
                if line.startswith(prefix):
                    words = line[len(prefix):].split("#")[0].split()  # the first words tell
                    found.append((token.map[0] + 2 + offset, words))
    return found


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_actiebot_command_in_a_code_block_is_real(tokens: list) -> None:  # type: ignore[type-arg]
    commands = _subcommands(build_parser())
    found = _commands(tokens)
    assert len(found) >= 8
    for line, words in found:
        assert words and words[0] in commands, f"README.md:{line}: no sub-command {words[:1]}"
        nested = _subcommands(commands[words[0]])
        if nested:  # `db upgrade`, `programme archive KEY`
            assert len(words) > 1 and words[1] in nested, \
                f"README.md:{line}: `actiebot {words[0]}` has no action {words[1:2]}"


def _variables_read() -> set[str]:
    found: set[str] = set()
    patterns = [re.compile(r"""os\.environ(?:\.get)?[\[(]\s*['"]([A-Z][A-Z0-9_]+)['"]"""),
                re.compile(r"""getenv\(\s*['"]([A-Z][A-Z0-9_]+)['"]""")]
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        for pattern in patterns:
            found.update(pattern.findall(source))
    config = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")  # Settings.from_env
    found.update(re.findall(r"""\bget\(\s*['"]([A-Z][A-Z0-9_]+)['"]""", config))
    from bot.logging_setup import SECRET_VARIABLES

    found.update(SECRET_VARIABLES)
    return found


def test_every_environment_variable_the_code_reads_is_in_the_configuration_table(
        text: str) -> None:
    table = _section(text, "Configuration")
    documented = {name for row in table.splitlines() if row.startswith("| `")
                  for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    read = _variables_read()
    assert {"DATABASE_URL", "ACTIEBOT_LOG_FILE", "ACTIEBOT_TODAY"} <= read
    assert read - documented == set(), "read by the code, missing in README's Configuration"


def test_the_scopes_listed_are_the_manifests(text: str) -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    paragraph = _section(text, "Slack setup").split("Scopes:", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"`([a-z]+(?::[a-z.]+)?)`", paragraph))
    assert listed == scopes


def test_the_example_counts_are_right(text: str) -> None:
    gooi = yaml.safe_load((ROOT / "examples" / "gooi-en-vechtstreek.yaml").read_text("utf-8"))
    said = re.search(r"Gooi en Vechtstreek \((\d+) activities", text)
    assert said is not None and int(said.group(1)) == len(gooi["activities"])


@pytest.mark.parametrize(("heading", "needles"), [
    ("Slack setup", ["Home tab", "Voortgang loggen", "actie_log_progress"]),
    ("Running it for a year", [
        "actiebot backup -o", "actiebot restore", "pg_dump", "Moving to PostgreSQL",
        "actiebot programme archive", "actiebot programme remove kennemerland-2021",
        "What the logs say", "correlation id", "ACTIEBOT_LOG_FILE", "import --strict",
        "--force", "--today"]),
])
def test_what_an_operator_needs_is_covered(text: str, heading: str, needles: list[str]) -> None:
    section = _section(text, heading)
    for needle in needles:
        assert needle in section, f"README section {heading!r} does not cover {needle!r}"
