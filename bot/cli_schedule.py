"""`actiebot remind [--at ISO-8601] [--dry-run]` and `actiebot digest --month YYYY-MM
[--dry-run] [--force]`: the scheduler's jobs by hand (the public contract, "CLI").

Both call the very functions the scheduler calls (bot/services/reminders.py:sweep_reminders,
bot/services/digests.py:post_digests) and print one line per message they sent or would send.
Exit status: 0 done, 1 a real failure (Slack refused a post: it stays in the ledger and is
retried; no token to post with), 2 a usage error (a bad --at or --month).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import ConfigError, Settings


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "remind", help="one reminder sweep as of a moment (default: now)",
        description="Posts the deadline reminders due at that moment (what the scheduler does at "
                    "09:00 on working days) and retries failed posts. Idempotent: a second run "
                    "posts nothing new.")
    p.add_argument("--at", type=moment, default=None, metavar="ISO-8601",
                   help="e.g. 2021-10-15T09:00 (without a zone: ACTIEBOT_TIMEZONE)")
    p.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    p.set_defaults(func=cmd_remind)

    p = sub.add_parser(
        "digest", help="the monthly digests of a month (once per channel)",
        description="Posts the month's digest in every working-group channel and the "
                    "programme's admin channel, with the full lists in a thread. Idempotent per "
                    "channel and month; --force posts again.")
    p.add_argument("--month", type=month, required=True, metavar="YYYY-MM", help="e.g. 2021-11")
    p.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    p.add_argument("--force", action="store_true", help="post again even if already posted")
    p.set_defaults(func=cmd_digest)


def moment(text: str) -> datetime:
    """An ISO-8601 moment; argparse turns the error into a usage error (exit status 2)."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 moment (e.g. 2021-10-15T09:00 or "
            "2021-10-15T09:00+02:00)") from None


def month(text: str) -> date:
    try:
        parsed = datetime.strptime(text.strip(), "%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month: use YYYY-MM, e.g. 2021-11") \
            from None
    return date(parsed.year, parsed.month, 1)


def _deps(settings: Settings, dry_run: bool) -> tuple[Any, Any]:
    """(runtime, deps): with a Slack notifier unless it is a dry run."""
    from bot.cli_runtime import open_runtime

    if not dry_run and not (settings.slack_bot_token or settings.many_workspaces):
        raise ConfigError("posting to Slack needs SLACK_BOT_TOKEN "
                          "(export SLACK_BOT_TOKEN=xoxb-…); or use --dry-run to see what would "
                          "be sent")
    runtime = open_runtime(settings)
    deps = runtime.deps
    if not dry_run and runtime.installs is None:  # many workspaces: routed by channel already
        from handlers.delivery import SlackNotifier, make_client

        client = make_client(settings.slack_bot_token, settings.slack_api_url)
        deps = replace(deps, notifier=SlackNotifier(client, settings.language, settings.timezone))
    return runtime, deps


def cmd_remind(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.reminders import sweep_reminders
    from handlers.render.dates import format_due, format_weekday_date
    from handlers.render.wording import working_days

    at: datetime | None = args.at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(settings.timezone))
    runtime, deps = _deps(settings, args.dry_run)
    try:
        report = sweep_reminders(deps, at, dry_run=args.dry_run)
    finally:
        runtime.engine.dispose()
    lang = settings.language
    day = format_weekday_date(report.today, lang)
    if not report.working_day:
        reason = f" ({report.holiday})" if report.holiday else ""
        print(f"{day}{reason} is not a working day: no reminders")
        return 0
    new = [p for p in report.plans if p.state in ("sent", "would-send", "failed", "queued")]
    verb = "would send" if report.dry_run else "sent"
    print(f"reminders for {day} ({settings.timezone}): "
          f"{sum(p.state in ('sent', 'would-send') for p in report.plans)} {verb}"
          + (f", {report.failed} failed" if report.failed else ""))
    for plan in report.plans:
        what = plan.activity_id + (f" — {plan.milestone}" if plan.milestone else "")
        label = "would send" if plan.state == "would-send" else plan.state
        print(f"  {label:<10} {plan.channel or '-':<12} {plan.kind:<11} {what}: "
              f"{format_due(plan.due, lang)} ({working_days(plan.working_days, lang)})"
              + (f" [{plan.error}]" if plan.error else ""))
    for retry in report.retried:
        print(f"  {'retried':<10} {retry.channel:<12} {retry.key}: "
              + ("sent" if retry.ok else f"failed [{retry.error}]"))
    for key in report.notices:
        print(f"  {'told admins':<10} {key}")
    if not new and not report.retried:
        print("  nothing new")
    if report.failed:
        print(f"actiebot: {report.failed} post(s) failed; they stay in the ledger and are retried "
              "on a later sweep", file=sys.stderr)
        return 1
    return 0


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.digests import post_digests
    from bot.services.results import DigestMessage
    from handlers.render.dates import format_date
    from handlers.render.messages import compose
    from handlers.render.text import render

    runtime, deps = _deps(settings, args.dry_run)
    try:
        report = post_digests(deps, args.month, dry_run=args.dry_run, force=args.force)
    finally:
        runtime.engine.dispose()
    lang = settings.language
    label = f"{args.month.year:04d}-{args.month.month:02d}"
    verb = "would send" if report.dry_run else "sent"
    print(f"digests {label} (as of {format_date(report.as_of, lang)}): "
          f"{sum(p.state in ('sent', 'would-send') for p in report.plans)} {verb}"
          + (f", {report.failed} failed" if report.failed else ""))
    for plan in report.plans:
        state = "would send" if plan.state == "would-send" else plan.state
        g = plan.digest
        sizes = (f"{len(g.overdue)} overdue, {len(g.upcoming)} due in {g.horizon_days} days, "
                 f"{len(g.changes)} changed, {g.stale_total} without update" if g else "")
        thread = f" (thread: {plan.thread_state})" if plan.thread_state else ""
        print(f"  {state:<10} {plan.channel:<12} {plan.scope}{thread}: {sizes}"
              + (f" [{plan.error}]" if plan.error else ""))
        if report.dry_run and g is not None and plan.state == "would-send":
            text = render(compose(DigestMessage(g, "summary"), lang, settings.timezone))
            print("\n".join("      " + line for line in text.splitlines()))
    if not report.plans:
        print("  no channels: set working-group channels or the programme's admin_channel")
    if report.failed:
        print(f"actiebot: {report.failed} digest post(s) failed; they stay in the ledger and "
              "are retried", file=sys.stderr)
        return 1
    return 0
