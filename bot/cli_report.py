"""`actiebot report --period P [--programme KEY] [--format md|html|docx|odt] [--lang nl|en]
[-o FILE] [--audience raad|nieuwsbrief] [--template FILE.docx|FILE.odt]
[--status concept|vastgesteld]`: the council progress report or the public newsletter
(the public contract, "CLI additions").

Exit status: 0 written, 1 no report (no programme, an unknown one, or several to choose from; a
reference document that is missing or unreadable), 2 a usage error (a period that is not one, a
reference document for md or html or of the other format).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli_common import Failure, day
from bot.cli_common import today as today_of
from bot.config import Settings
from bot.domain.periods import InvalidPeriod, Period, parse_period
from handlers.render.report_files import AUDIENCES, FORMATS, TEMPLATE_SUFFIXES


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report", help="the council progress report (voortgangsrapportage) of a period",
        description="Drafts the progress report of a period from the update log: per action "
                    "line, theme and activity what was done, deadlines moved, indicators with "
                    "their trend and the deadlines of the next period (Vooruitblik).")
    p.add_argument("--period", type=period, required=True, metavar="P",
                   help="2021, 2021-H1, 2021-Q3, 2021-03 or 2021-01-01..2021-06-30")
    p.add_argument("--programme", default=None, help="programme key (needed when several)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="md (default; with --template: the template's format), html, docx or odt")
    p.add_argument("--lang", choices=("nl", "en"), default=None,
                   help="nl (default: ACTIEBOT_LANGUAGE) or en")
    p.add_argument("-o", "--output", default=None,
                   help="file (default: stdout for md and html, a named file for docx and odt)")
    p.add_argument("--audience", choices=AUDIENCES, default="raad",
                   help="raad (default): the full council report; nieuwsbrief: the short public "
                        "newsletter for partners and the griffie (no notes, names or owners)")
    p.add_argument("--template", default=None, metavar="FILE.docx|FILE.odt",
                   help="a reference document in the council's house style: page setup, "
                        "styles, header and footer are taken from it (docx and odt only)")
    p.add_argument("--status", choices=("concept", "vastgesteld"), default="concept",
                   help="what the header of every page says: concept (default) or vastgesteld")
    p.add_argument("--today", type=day, default=None, metavar="YYYY-MM-DD",
                   help="draft as on that day (default: ACTIEBOT_TODAY, else today): the "
                        "drafting date and which deadlines have passed")
    p.set_defaults(func=cmd_report)


def period(text: str) -> Period:
    try:
        return parse_period(text)
    except InvalidPeriod as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def reference_document(path: str | None, fmt: str | None) -> tuple[str, bytes | None]:
    """(the format, the reference document's bytes) for --format and --template: without a
    --format, a template decides it. Exits 2 on a mismatch, Failure when it cannot be read."""
    if path is None:
        return fmt or "md", None
    suffix = Path(path).suffix.lower()
    matching = next((f for f, suffixes in TEMPLATE_SUFFIXES.items() if suffix in suffixes), None)
    if matching is None:
        print(f"actiebot: --template takes a .docx or .odt reference document, not {suffix or path!r}",
              file=sys.stderr)
        raise SystemExit(2)
    if fmt is not None and fmt != matching:
        print(f"actiebot: --template {Path(path).name} styles {matching}, but --format is {fmt}; "
              f"use --format {matching} (or leave --format out)", file=sys.stderr)
        raise SystemExit(2)
    try:
        return matching, Path(path).read_bytes()
    except OSError as error:
        raise Failure(f"cannot read the reference document {path}: "
                      f"{error.strerror or type(error).__name__}") from None


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_runtime import open_runtime
    from bot.services.report import draft_report
    from bot.services.report_results import ReportProblem
    from handlers.render.report_files import filename, render

    fmt, template = reference_document(args.template, args.format)
    runtime = open_runtime(settings)
    deps = runtime.deps
    today = today_of(args)
    if today is not None:  # reading as on that day: the clock stands still
        from dataclasses import replace

        from bot.services.deps import DayClock

        deps = replace(deps, clock=DayClock(today, settings.timezone))
    try:
        result = draft_report(deps, args.period, args.programme)
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
    try:
        data = render(result.report, fmt, lang, audience=args.audience, status=args.status,
                      template=template)
    except ValueError as error:  # a reference document that is not one
        raise Failure(f"the reference document {args.template} cannot be used: {error}") from None
    output = args.output
    if output is None and fmt in ("docx", "odt"):
        output = filename(result.report, fmt, lang, args.audience)
    if output and output != "-":
        Path(output).write_bytes(data)
        print(f"wrote {output} ({fmt}, {len(data):,} bytes, {result.report.cover.programme_key}"
              f" {args.period.key})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
