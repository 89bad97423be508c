"""Writes the 2021-H1 report of both example programmes to examples/rapportages/: the council
report as Markdown (to read in the repository and compare in review) and as Word, the
nieuwsbrief as Markdown; drafted as on 15 July 2021, so the files only change when the report
or the examples do (tests/storage/test_example_reports.py checks the Markdown is current).

Run: .venv/bin/python scripts/make_example_reports.py
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "rapportages"
EXAMPLES = (ROOT / "examples" / "kennemerland-2021.yaml",
            ROOT / "examples" / "gooi-en-vechtstreek.yaml")
PERIOD = "2021-H1"
DRAFTED_ON = date(2021, 7, 15)


def example_reports(database_url: str, binary: bool = True) -> dict[str, bytes]:
    """{file name: content} of every example report, from a fresh database at that URL."""
    sys.path.insert(0, str(ROOT))
    from bot.app import build_runtime
    from bot.config import Settings
    from bot.domain.periods import parse_period
    from bot.services.deps import DayClock
    from bot.services.report import draft_report
    from bot.services.report_results import ReportReady
    from handlers.render.report_files import filename, render
    from storage.programme_file import read_file

    runtime = build_runtime(replace(Settings.from_env({}), database_url=database_url))
    try:
        deps = replace(runtime.deps, clock=DayClock(DRAFTED_ON))
        keys = []
        with deps.uow(write=True) as uow:
            for path in EXAMPLES:
                for file in read_file(path):
                    uow.repo.save_programme(file)
                    keys.append(file.programme.key)
            uow.commit()
        out: dict[str, bytes] = {}
        for key in keys:
            result = draft_report(deps, parse_period(PERIOD), key)
            assert isinstance(result, ReportReady), result
            report = result.report
            out[filename(report, "md")] = render(report, "md")
            out[filename(report, "md", audience="nieuwsbrief")] = render(
                report, "md", audience="nieuwsbrief")
            if binary:
                out[filename(report, "docx")] = render(report, "docx")
        return out
    finally:
        runtime.engine.dispose()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        files = example_reports(f"sqlite:///{folder}/examples.db")
    for name, content in sorted(files.items()):
        (OUT / name).write_bytes(content)
        print(f"wrote {(OUT / name).relative_to(ROOT)} ({len(content):,} bytes)")


if __name__ == "__main__":
    main()
