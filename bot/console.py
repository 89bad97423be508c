"""The local console: the same command layer as Slack, rendered as text."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from typing import TextIO

from bot.config import Settings
from bot.domain import grammar
from bot.services import Actor, Deps, execute
from bot.services.delivery import announce
from bot.services.deps import ChangeUnderStoppedClock, DayClock, ReadingOnly
from bot.services.report_results import ReportReady
from bot.services.results import (
    AmbiguousRef,
    EmptyGroup,
    FieldErrors,
    Refused,
    UnknownRef,
    UpdateRecorded,
    UsageAnswer,
)
from handlers.delivery import PrintNotifier
from handlers.render.messages import compose
from handlers.render.text import render

PROMPT = "actie> "


def console_deps(settings: Settings, out: TextIO | None = None, today: date | None = None) -> Deps:
    """The app's deps with answers printed; with ``today`` the clock stands still on that day
    (`--today` / ``ACTIEBOT_TODAY``), so the 2021 example reads as it did in 2021."""
    from bot.cli_runtime import open_runtime

    runtime = open_runtime(settings)
    deps = replace(runtime.deps,
                   notifier=PrintNotifier(settings.language, settings.timezone, out))
    if today is not None:  # a made-up day is for reading: a change is refused (ReadingOnly)
        deps = replace(deps, clock=DayClock(today, settings.timezone),
                       uow=ReadingOnly(deps.uow))
    return deps


STOPPED_CLOCK = {
    "nl": "Niet gedaan: met --today (of ACTIEBOT_TODAY) kun je alleen vragen stellen. Een "
          "wijziging zou met een verzonnen datum in het logboek komen. Laat --today weg (en "
          "zet ACTIEBOT_TODAY uit) om bij te werken; er is niets gewijzigd.",
    "en": "Not done: with --today (or ACTIEBOT_TODAY) you can only ask questions. A change "
          "would enter the log at a made-up date. Leave out --today (and unset ACTIEBOT_TODAY) "
          "to make changes; nothing was changed.",
}


def answer(deps: Deps, settings: Settings, text: str, actor: Actor | None = None) -> str:
    return respond(deps, settings, text, actor)[0]


def respond(deps: Deps, settings: Settings, text: str,
            actor: Actor | None = None) -> tuple[str, bool]:
    """The reply, and whether the command was carried out (False: refused, not understood,
    or a change under a made-up day); `actiebot ask` exits 1 on False."""
    actor = actor or Actor.console()
    command = grammar.parse(text, settings.command)
    try:
        result = execute(deps, command, actor)
    except ChangeUnderStoppedClock:
        return STOPPED_CLOCK[settings.language], False
    reply = render(compose(result, settings.language, deps.timezone))
    # refused, not understood, or a change whose activity was not found
    done = not isinstance(result, (Refused, UsageAnswer, FieldErrors)) and not (
        isinstance(result, (UnknownRef, AmbiguousRef, EmptyGroup))
        and isinstance(command, (grammar.Update, grammar.Reschedule, grammar.Link)))
    if isinstance(result, UpdateRecorded) and result.delivery_key:
        announce(deps, result)
    if isinstance(result, ReportReady):  # no channel to upload to: the .docx goes to a file
        from pathlib import Path

        from handlers.render.report_files import filename
        from handlers.render.report_files import render as render_report

        path = Path(filename(result.report, "docx", settings.language))
        path.write_bytes(render_report(result.report, "docx", settings.language))
        reply += f"\n→ {path}"
    return reply, done


def repl(settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None,
         today: date | None = None) -> int:
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    deps = console_deps(settings, stdout, today)
    interactive = stdin.isatty()
    greeting = ("Actiebot console — typ bijvoorbeeld `wie MDA++` of `help`; `exit` om te stoppen."
                if settings.language == "nl" else
                "Actiebot console — type e.g. `owner MDA++` or `help`; `exit` to quit.")
    print(greeting, file=stdout)
    while True:
        if interactive:
            stdout.write(PROMPT)
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        line = line.strip()
        if line.lower() in ("exit", "quit", "stop", "/exit"):
            break
        if not line:
            continue
        print(answer(deps, settings, line), file=stdout, flush=True)
    return 0
