"""AVG/GDPR sub-commands: `actiebot export --all`, `actiebot forget-user USER` and
`actiebot privacy-report`.

`export --all` writes everything the database holds as JSON (see bot/services/privacy.py for the
shape); `forget-user` replaces a Slack user's identity by a pseudonym and prints what it changed.
Both follow the CLI's exit statuses: 0 done, 1 a real failure, 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli_common import Failure
from bot.cli_workspaces import workspace_id
from bot.config import Settings

# What `forget-user` prints for each kind of change (keys of SqlRepository.forget_user's counts).
CHANGE_LABELS = {
    "updates_authored": "update(s) in the log: author replaced",
    "notes_mentioning": "note(s) mentioning the user: mention replaced",
    "member_links_removed": "working-group member link(s) removed",
    "locale_removed": "remembered Slack locale removed",
    "reminder_holds": "reminder snooze/done record(s): who replaced",
    "deliveries": "delivery ledger row(s) addressed to or naming the user: replaced",
    "other_rows": "other row(s) holding the user id: replaced",
}


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "forget-user",
        help="AVG: replace a Slack user's identity by a pseudonym (keeps the history)",
        description="Replaces the user's identity in the update log (author, mentions in notes) "
                    "and in deliveries by a pseudonym such as vergeten-3f9c2a1b7e, and deletes "
                    "their working-group member links and remembered locale. The programme "
                    "history stays. Running it again changes nothing.")
    p.add_argument("user", help="the Slack user id, e.g. U0123ABCD")
    p.add_argument("--workspace", type=workspace_id, metavar="T…",
                   help="only in this workspace's programmes (many-workspace mode); "
                        "without it: in every workspace")
    p.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    p.set_defaults(func=cmd_forget_user)
    p = sub.add_parser(
        "privacy-report",
        help="AVG: what personal data the database holds now, as counts per kind",
        description="Counts, never values: Slack user ids and where they are kept, display "
                    "names, member links, admins, remembered locales, notes naming a person, "
                    "notes the privacy guard would refuse, forgotten users. For the processing "
                    "register and the DPIA pre-scan (docs/dpia-prescan.md).")
    p.set_defaults(func=cmd_privacy_report)


# What `privacy-report` prints for each count (Dutch first: the register is kept in Dutch).
REPORT_LINES = (
    ("slack_user_ids", "Slack-gebruikers-id's / Slack user ids (distinct)"),
    ("updates_by_people", "logregels door een persoon / log entries written by a person"),
    ("display_names", "weergavenamen / display names kept"),
    ("member_links", "koppelingen eigenaar-gebruiker / owner-user links (members)"),
    ("linked_users", "gekoppelde gebruikers / linked users (distinct)"),
    ("admins_configured", "beheerders ACTIEBOT_ADMINS / admins in ACTIEBOT_ADMINS"),
    ("admins_in_programmes", "beheerders in programmabestanden / admins in programme files"),
    ("locales", "onthouden talen / remembered Slack locales"),
    ("notes_naming_people", "toelichtingen die een persoon noemen / notes naming a person"),
    ("pseudonyms", "vergeten gebruikers / forgotten users (pseudonyms)"),
)


def cmd_export_all(args: argparse.Namespace, settings: Settings) -> int:
    """`actiebot export --all [-o FILE]`: everything stored, as JSON."""
    if getattr(args, "programme", None):
        print("actiebot: export --all exports every programme; leave out --programme",
              file=sys.stderr)
        return 2
    if getattr(args, "format", None) not in (None, "json"):
        print("actiebot: export --all writes JSON; leave out --format or use --format json",
              file=sys.stderr)
        return 2
    from bot.cli_runtime import open_runtime
    from bot.services.privacy import export_everything

    runtime = open_runtime(settings)
    try:
        data = export_everything(runtime.deps)
    finally:
        runtime.engine.dispose()
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if args.output and args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        rows = sum(len(rows) for rows in data["tables"].values())
        print(f"exported everything ({len(data['tables'])} tables, {rows} rows) to {args.output}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_forget_user(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_runtime import open_runtime
    from bot.services.privacy import forget_user, is_slack_user_id

    user = args.user.strip()
    if not is_slack_user_id(user):
        print(f"actiebot: {user[:40]!r} is not a Slack user id (U… or W…, e.g. U0123ABCD)",
              file=sys.stderr)
        return 2
    from storage.maintenance import OPERATOR_DUTIES, purge_deleted_data

    runtime = open_runtime(settings)
    workspace: str | None = args.workspace
    try:
        if workspace is not None:
            from storage.workspaces import list_workspaces

            known = sorted(w.team_id for w in list_workspaces(runtime.engine))
            if workspace not in known:
                raise Failure(f"no workspace {workspace} here (known: "
                              f"{', '.join(known) or 'none'}); nothing was changed")
        report = forget_user(runtime.deps, user, dry_run=args.dry_run, workspace=workspace)
        runtime.engine.dispose()  # no pooled connection may hold the WAL open
        purged = None if args.dry_run else purge_deleted_data(runtime.engine)
    finally:
        runtime.engine.dispose()
    where = f" in workspace {workspace}" if workspace else ""
    if not report.changed:
        print(f"{user}: nothing to forget{where}; "
              + ("its programmes hold no trace of this user" if workspace else
                 "the database holds no trace of this user"))
    else:
        verb = "would become" if args.dry_run else "is now"
        print(f"{user} {verb} {report.pseudonym}{where}:")
        for name, count in report.changes.items():
            print(f"  {count} {CHANGE_LABELS.get(name, name)}")
    for place, count in report.remaining.items():
        print(f"  still named in {place}: {count} row(s) (not changed by forget-user"
              + ("; of another workspace, or of none: run it without --workspace to reach "
                 "them" if workspace else "") + ")", file=sys.stderr)
    if purged is not None:
        print("In the database files (old versions of the changed rows):")
        for line in purged.done:
            print(f"  {line}")
        for line in purged.not_done:
            print(f"actiebot: not done: {line}", file=sys.stderr)
        print("Not reachable from here; the operator must purge or let expire:")
        for line in OPERATOR_DUTIES:
            print(f"  - {line}")
    return 0



def cmd_privacy_report(args: argparse.Namespace, settings: Settings) -> int:
    """`actiebot privacy-report`: counts per kind of personal data, never a value."""
    from bot.cli_runtime import open_runtime
    from bot.services.privacy import privacy_counts

    runtime = open_runtime(settings)  # reads: never creates a database
    try:
        counts = privacy_counts(runtime.deps, settings.admins)
        moment = runtime.deps.now()
    finally:
        runtime.engine.dispose()
    print(f"Persoonsgegevens in de database / personal data in the database "
          f"({moment.strftime('%Y-%m-%d %H:%M %Z').strip()})")
    for name, label in REPORT_LINES:
        print(f"  {label}: {getattr(counts, name)}")
    flagged = sum(counts.notes_flagged.values())
    detail = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.notes_flagged.items()))
    print(f"  toelichtingen die de privacyfilter nu zou weigeren / notes the privacy guard "
          f"would refuse now: {flagged}" + (f" ({detail})" if detail else ""))
    print("  Slack-id's per plaats / Slack user ids per place (table.column: rows):")
    for place, rows in counts.places.items():
        print(f"    {place}: {rows}")
    if not counts.places:
        print("    —")
    return 0
