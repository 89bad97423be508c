"""`actiebot export --format archive -o FILE.zip [--programme KEY]`: one package for the municipal
record (README: "Archief").

In the zip: `programma.yaml` (the programme file, as `export` writes it), `logboek.csv` and
`logboek.json` (the full update log with the author's organisation and role, never a Slack id),
`rapportages/…` (the council report of each half year the log covers, as docx and odt), and
`metadata/` (MDTO: one `dossier.mdto.xml`, one `<file>.mdto.xml` with the SHA-256 of each file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli_common import Failure
from bot.config import Settings
from bot.domain.model import ProgrammeFile

REPORT_FORMATS = ("docx", "odt")


def write_archive(args: argparse.Namespace, files: list[ProgrammeFile], runtime: Any,
                  settings: Settings) -> int:
    from bot.domain.archive import coverage, half_years, log_entries
    from bot.services.report import draft_report
    from bot.services.report_results import ReportProblem
    from handlers.render.report_files import filename, render_each
    from storage.archive_package import Dossier, Member, log_csv, log_json, write_package
    from storage.programme_file import dump_yaml

    if not args.output or args.output == "-":
        print("actiebot: an archive is a zip file: write it with -o FILE.zip", file=sys.stderr)
        return 2
    if len(files) != 1:
        keys = ", ".join(f.programme.key for f in files)
        raise Failure(f"an archive holds one programme: choose one with --programme ({keys})")
    file = files[0]
    key = file.programme.key
    entries = log_entries(file, settings.admins)
    members = [
        Member("programma.yaml", dump_yaml([file]).encode("utf-8")),
        Member("logboek.csv", log_csv(entries)),
        Member("logboek.json", log_json(entries)),
    ]
    for period in half_years(entries):
        result = draft_report(runtime.deps, period, key)
        if isinstance(result, ReportProblem):  # pragma: no cover - the programme was just read
            raise Failure(f"no report for {period.key}: {result.reason}")
        rendered = render_each(result.report, REPORT_FORMATS, "nl")
        for fmt in REPORT_FORMATS:
            members.append(Member(f"rapportages/{filename(result.report, fmt)}", rendered[fmt]))
    covered = coverage(entries)
    created = runtime.deps.now()
    dossier = Dossier(
        identifier=f"actiebot:{key}:{created.date().isoformat()}",
        name=f"{file.programme.name} — programmadossier",
        start=covered[0] if covered else None, end=covered[1] if covered else None,
        created=created,
        archive_creator=file.programme.region or file.programme.name)
    content = write_package(dossier, members)
    Path(args.output).write_bytes(content)
    reports = sum(1 for m in members if m.name.startswith("rapportages/"))
    print(f"archived {key} to {args.output} ({len(entries)} log entries, {reports} reports, "
          f"{len(content):,} bytes)", file=sys.stderr)
    return 0
