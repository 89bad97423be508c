"""`actiebot report` as an operator runs it: real processes, real databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GOOI, KENNEMERLAND


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_report_md_to_stdout_and_errors(cli, tmp_path: Path) -> None:
    empty = cli("report", "--period", "2021-H1")
    assert empty.returncode == 1 and "no programme" in empty.stderr
    assert "Traceback" not in empty.stderr
    assert cli("import", str(GOOI)).returncode == 0
    md = cli("report", "--period", "2021-H1")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Voortgangsrapportage") and "## Vooruitblik" in md.stdout
    bad = cli("report", "--period", "volgend voorjaar")
    assert bad.returncode == 2 and "not a period" in bad.stderr
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    several = cli("report", "--period", "2021")
    assert several.returncode == 1 and "--programme" in several.stderr
    unknown = cli("report", "--period", "2021", "--programme", "nope")
    assert unknown.returncode == 1 and "kennemerland-2021" in unknown.stderr
    out = tmp_path / "rapport.md"
    en = cli("report", "--period", "2021-Q3", "--programme", "kennemerland-2021", "--lang", "en",
             "-o", str(out))
    assert en.returncode == 0, en.stderr
    assert out.read_text(encoding="utf-8").startswith("# Progress report")
