"""`actiebot report --period P [--programme KEY] [--format md|html|docx|odt] [--lang nl|en]
[-o FILE]`: the council progress report (../shared/CONTRACT.md, "CLI additions").

Exit status: 0 written, 1 no report (no programme, an unknown one, or several to choose from),
2 a usage error (a period that is not one).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from bot.domain.periods import InvalidPeriod, Period, parse_period
from handlers.render.report_files import FORMATS


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report", help="the council progress report (voortgangsrapportage) of a period",
        description="Drafts the progress report of a period from the update log: per action "
                    "line, theme and activity what was done, deadlines moved, indicators with "
                    "their trend and the deadlines of the next period (Vooruitblik).")
    p.add_argument("--period", type=period, required=True, metavar="P",
                   help="2021, 2021-H1, 2021-Q3, 2021-03 or 2021-01-01..2021-06-30")
    p.add_argument("--programme", default=None, help="programme key (needed when several)")
    p.add_argument("--format", choices=FORMATS, default="md",
                   help="md (default), html, docx or odt")
    p.add_argument("--lang", choices=("nl", "en"), default=None,
                   help="nl (default: ACTIEBOT_LANGUAGE) or en")
    p.add_argument("-o", "--output", default=None,
                   help="file (default: stdout for md and html, a named file for docx and odt)")
    p.set_defaults(func=cmd_report)


def period(text: str) -> Period:
    try:
        return parse_period(text)
    except InvalidPeriod as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build_runtime
    from bot.cli import Failure
    from bot.services.report import draft_report
    from bot.services.report_results import ReportProblem
    from handlers.render.report_files import filename, render

    runtime = build_runtime(settings)
    try:
        result = draft_report(runtime.deps, args.period, args.programme)
    finally:
        runtime.engine.dispose()
    if isinstance(result, ReportProblem):
        choices = ", ".join(result.choices)
        raise Failure({
            "no_programmes": "no programme in the database; import one first with "
                             "`actiebot import FILE`",
            "unknown_programme": f"no programme with key {result.programme!r}; "
                                 f"choose one of: {choices}",
            "choose_programme": f"several programmes: choose one with --programme ({choices})",
        }[result.reason])
    lang = args.lang or settings.language
    data = render(result.report, args.format, lang)
    output = args.output
    if output is None and args.format in ("docx", "odt"):
        output = filename(result.report, args.format, lang)
    if output and output != "-":
        Path(output).write_bytes(data)
        print(f"wrote {output} ({args.format}, {len(data):,} bytes, {result.report.cover.programme_key}"
              f" {args.period.key})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
