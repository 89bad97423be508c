"""`actiebot import` says which statuses it changed and which (set in Slack) it kept."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import KENNEMERLAND


def test_the_cli_summary_says_what_it_changed_and_what_it_kept(cli, tmp_path: Path) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    assert cli("ask", "update", "thv-onderzoek", "risico").returncode == 0
    data = yaml.safe_load(KENNEMERLAND.read_text(encoding="utf-8"))
    mda = next(a for a in data["activities"] if a["key"] == "mda-advies")
    mda["status"] = "vertraagd"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    result = cli("import", str(changed))

    assert result.returncode == 0, result.stderr
    assert "1 statuses changed, 1 statuses kept" in result.stdout
    assert "mda-advies: not-started -> delayed" in result.stdout
    assert "thv-onderzoek: at-risk (file: not-started)" in result.stdout
    status = cli("ask", "status", "thv-onderzoek")
    assert "risico" in status.stdout


def test_the_cli_summary_says_which_deadlines_it_changed_and_kept(cli, tmp_path: Path) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    moved = cli("ask", "verplaats", "thv-onderzoek", "maart", "2022", "wachten")
    assert moved.returncode == 0, moved.stderr
    data = yaml.safe_load(KENNEMERLAND.read_text(encoding="utf-8"))
    mda = next(a for a in data["activities"] if a["key"] == "mda-advies")
    mda["due"] = "juni 2022"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    result = cli("import", str(changed))

    assert result.returncode == 0, result.stderr
    assert "1 deadlines changed, 1 deadlines kept" in result.stdout
    assert "mda-advies:" in result.stdout and "-> juni 2022" in result.stdout
    assert "thv-onderzoek: maart 2022 (file: december 2021)" in result.stdout
    assert "maart 2022" in cli("ask", "wanneer", "thv-onderzoek").stdout
