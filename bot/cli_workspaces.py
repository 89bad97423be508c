"""`actiebot workspaces`, `actiebot purge-workspace T… [--yes]` and `import --workspace`
(CONTRACT: CLI additions, third round). Nothing here reads or prints a token."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from typing import Any

from bot.cli_common import Failure
from bot.config import Settings

# a Slack team id (T…) or, for an org-wide install on Enterprise Grid, an enterprise id (E…)
WORKSPACE = re.compile(r"^[TE][A-Z0-9]{2,31}$")


def workspace_id(value: str) -> str:
    if not WORKSPACE.match(value.strip()):
        raise argparse.ArgumentTypeError(
            f"{value[:40]!r} is not a Slack workspace id: a team id such as T0123ABCD (or an "
            "enterprise id E… for an org-wide install); `actiebot workspaces` lists them")
    return value.strip()


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("workspaces", help="the installed workspaces: team, name, installed at, "
                       "programmes, last activity")
    p.set_defaults(func=cmd_workspaces)
    p = sub.add_parser("purge-workspace", help="delete a workspace's data at once (its "
                       "programmes, log, ledger and installation)")
    p.add_argument("workspace", type=workspace_id, help="the team id, e.g. T0123ABCD")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_purge_workspace)


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else "-"


def cmd_workspaces(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_runtime import open_runtime
    from storage.workspaces import list_workspaces

    engine = open_runtime(settings).engine  # reads: never creates a database
    found = list_workspaces(engine)
    if not found:
        mode = ("install the app through /slack/install" if settings.many_workspaces else
                "one workspace is served with SLACK_BOT_TOKEN (set SLACK_CLIENT_ID, "
                "SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to serve many)")
        print(f"no workspaces installed: {mode}")
        return 0
    rows = [("team", "name", "installed at", "programmes", "last activity", "state")]
    for w in found:
        if w.installed:
            state = "installed"
        elif w.uninstalled_at is not None:
            purge = w.uninstalled_at.timestamp() + settings.retention_days * 86400
            state = f"uninstalled, purged after {_when(datetime.fromtimestamp(purge, UTC))}"
        else:
            state = "not installed"
        rows.append((w.team_id, w.name or "-", _when(w.installed_at),
                     ", ".join(w.programmes) or "-", _when(w.last_activity_at), state))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def cmd_purge_workspace(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_runtime import open_runtime
    from storage.workspaces import list_workspaces, purge_workspace

    engine = open_runtime(settings).engine  # names a missing database, creates none
    known = {w.team_id: w for w in list_workspaces(engine)}
    workspace = known.get(args.workspace)
    if workspace is None:
        raise Failure(f"no workspace {args.workspace} here; `actiebot workspaces` lists them")
    what = (f"workspace {workspace.team_id} ({workspace.name or 'no name'}): "
            f"{len(workspace.programmes)} programme(s) "
            f"{', '.join(workspace.programmes) or ''}".rstrip())
    if not args.yes:
        if not sys.stdin.isatty():
            raise Failure(f"purging {what} cannot be undone: add --yes to confirm")
        answer = input(f"Delete everything of {what}? This cannot be undone. [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            print("nothing was deleted")
            return 0
    done = purge_workspace(engine, workspace.team_id)
    print(f"purged workspace {done.team_id}: {len(done.programmes)} programme(s)"
          + (f" ({', '.join(done.programmes)})" if done.programmes else "")
          + f", {done.deliveries} delivery ledger row(s), {done.installations} installation "
          "row(s)")
    return 0


def import_workspace(args: Any, settings: Settings, engine: Any, keys: list[str]) -> str | None:
    """The workspace an import goes into, checked before anything is written. Raises Failure
    for a programme of another workspace or a missing `--workspace` in many-workspace mode."""
    from storage.workspaces import installed_teams, programme_workspaces

    wanted: str | None = getattr(args, "workspace", None)
    if wanted is None and not settings.many_workspaces:
        return None  # one workspace: programmes belong to it
    current = programme_workspaces(engine)
    if wanted is None:
        owners = {current.get(key) for key in keys}
        if len(owners) == 1 and None not in owners:
            return owners.pop()  # a re-import keeps the programme where it is
        teams = sorted(installed_teams(engine))
        raise Failure("many-workspace mode: say which workspace the programme is for with "
                      "--workspace T… (installed: " + (", ".join(teams) or "none yet") + ")")
    for key in keys:
        if key in current and current[key] not in (None, wanted):
            raise Failure(f"programme {key} belongs to another workspace; not imported, "
                          "nothing was changed (give it another key in the file)")
    return wanted
