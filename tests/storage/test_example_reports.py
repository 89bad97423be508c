"""The 2021-H1 reports of both examples in examples/rapportages/ are what the code drafts now:
run scripts/make_example_reports.py after a change to the report or the examples."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.conftest import ROOT


def test_the_committed_example_reports_are_current(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_example_reports", ROOT / "scripts" / "make_example_reports.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    drafted = script.example_reports(f"sqlite:///{tmp_path / 'examples.db'}", binary=False)
    assert len(drafted) == 4  # the report and the nieuwsbrief of each example, as Markdown
    for name, content in drafted.items():
        committed = script.OUT / name
        assert committed.exists(), f"{name}: run scripts/make_example_reports.py"
        assert committed.read_bytes() == content, (
            f"{name} is out of date: run scripts/make_example_reports.py")
    for name in drafted:
        docx = script.OUT / name.replace(".md", ".docx")
        assert not name.startswith("voortgangsrapportage") or docx.exists()
