"""Privacy use cases: the guard every stored or posted text passes, and the AVG/GDPR requests.

* :func:`refuse_personal_data` -- the one guard for free text. Every use case that stores or
  posts a user's text (an update note, a snooze reason, a modal field) calls it first and returns
  its ``Refused`` unchanged: nothing is stored, and the reply names the kind of data, never the
  data itself. Programme files are checked by ``storage.programme_file`` on import.
* :func:`export_everything` -- ``actiebot export --all``: every row the database holds, as
  JSON-ready data, plus a summary of the Slack users it mentions.
* :func:`forget_user` -- ``actiebot forget-user U123``: the user's identity disappears while the
  programme's history stays. In the update log and the reminder holds (the history) the author
  becomes a pseudonym, and so do mentions of the user in notes; rows that exist only to reach
  or serve the person (working-group member links, the remembered locale) are deleted: a
  pseudonymous member link would be mentioned in replies and reminders, and would make an
  exported programme file fail its import. Deliveries addressed to or naming the user get the
  pseudonym. The pseudonym is random ("vergeten-" and
  ten hex digits), the same everywhere within one run: a hash of the user id could be undone by
  hashing the workspace's member list. Running it again finds nothing and changes nothing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from bot.domain import tenancy
from bot.domain.privacy import kinds
from bot.services.deps import Deps
from bot.services.results import Refused

PSEUDONYM_PREFIX = "vergeten-"
EXPORT_FORMAT = "actiebot-export-all"
EXPORT_VERSION = 1

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,30}$")


def refuse_personal_data(*texts: str | None) -> Refused | None:
    """A ``Refused("personal_data", kinds)`` when any text holds personal data, else None."""
    found = frozenset().union(*(kinds(text) for text in texts if text))
    if not found:
        return None
    return Refused("personal_data", tuple(sorted(found)))


def is_slack_user_id(value: str) -> bool:
    return bool(_SLACK_USER.match(value))


def new_pseudonym() -> str:
    return PSEUDONYM_PREFIX + secrets.token_hex(5)


def replace_mentions(text: str, user: str, pseudonym: str) -> str:
    """``<@U123>``, ``<@U123|name>`` and a bare ``U123`` in a note become the pseudonym."""
    escaped = re.escape(user)
    text = re.sub(rf"<@{escaped}(?:\|[^>]*)?>", pseudonym, text)
    return re.sub(rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])", pseudonym, text)


# -- export --all ---------------------------------------------------------------------------

def export_everything(deps: Deps) -> dict[str, Any]:
    """Everything stored, table by table, and which Slack users appear where."""
    with deps.uow() as uow:
        tables = uow.repo.export_tables()
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": deps.now().isoformat(),
        "people": _people(tables),
        "tables": tables,
    }


# A Slack user id anywhere in a stored value: a whole value, a mention, a token in a key.
_USER_TOKEN = re.compile(r"(?<![A-Za-z0-9])[UW](?=[A-Z0-9]*[0-9])[A-Z0-9]{7,30}(?![A-Za-z0-9])")


def _user_ids_in(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(_USER_TOKEN.findall(value))
    if isinstance(value, dict):
        return set().union(*(_user_ids_in(k) | _user_ids_in(v) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(_user_ids_in(v) for v in value))
    return set()


def _people(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per Slack user id: how many updates they wrote, the names and links the bot keeps, and
    every table.column that holds the id (snoozes, deliveries, caches: any table, so a user
    known only from a reminder snooze is listed too)."""
    people: dict[str, dict[str, Any]] = {}

    def person(user: str) -> dict[str, Any]:
        return people.setdefault(user, {"slack_user_id": user, "updates": 0, "names": [],
                                        "member_links": [], "locale": None, "appears_in": {}})

    for table, rows in tables.items():
        for row in rows:
            for column, value in row.items():
                for user in _user_ids_in(value):
                    where = person(user)["appears_in"]
                    where[f"{table}.{column}"] = where.get(f"{table}.{column}", 0) + 1
    for row in tables.get("reminder_holds", []):
        user = str(row.get("by_user") or "")
        name = row.get("by_name")
        if is_slack_user_id(user) and name and name not in person(user)["names"]:
            person(user)["names"].append(name)

    for row in tables.get("status_updates", []):
        author = str(row.get("author") or "")
        if is_slack_user_id(author):
            entry = person(author)
            entry["updates"] += 1
            name = row.get("author_name")
            if name and name not in entry["names"]:
                entry["names"].append(name)
    for row in tables.get("working_group_members", []):
        user = str(row.get("slack_user_id") or "")
        if user:
            person(user)["member_links"].append(
                {"working_group_id": row.get("working_group_id"), "owner_name": row.get("owner_name")})
    for row in tables.get("slack_users", []):
        user = str(row.get("slack_user_id") or "")
        if user:
            person(user)["locale"] = row.get("locale")
    return [people[user] for user in sorted(people)]


# -- forget-user ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ForgetReport:
    user: str
    pseudonym: str | None  # None: nothing held the user, nothing changed
    changes: dict[str, int] = field(default_factory=dict)
    remaining: dict[str, int] = field(default_factory=dict)  # "table.column" -> rows still naming it

    @property
    def changed(self) -> bool:
        return any(self.changes.values())


def forget_user(
    deps: Deps, user: str, pseudonym: Callable[[], str] = new_pseudonym, dry_run: bool = False,
    workspace: str | None = None,
) -> ForgetReport:
    """Replace the user's identity by a pseudonym; idempotent; one transaction (rolled back
    instead of committed when ``dry_run``). ``workspace``: only in that workspace's
    programmes (the unit of work is opened for it, as a request of it would be); None: in
    every workspace."""
    user = user.strip()
    if not user:
        raise ValueError("a Slack user id is needed, e.g. U0123ABCD")
    alias = pseudonym()
    with (tenancy.serving(workspace) if workspace else nullcontext()), \
            deps.uow(write=True) as uow:
        changes = uow.repo.forget_user(
            user, alias, lambda note: replace_mentions(note, user, alias))
        remaining = uow.repo.count_mentions(user)
        changes = {name: count for name, count in changes.items() if count}
        if changes and not dry_run:
            uow.commit()
    return ForgetReport(user, alias if changes else None, changes, remaining)


# -- privacy-report -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PrivacyCounts:
    """What personal data the database holds now, as counts only (never a value): for the
    processing register (verwerkingsregister) and the DPIA (docs/dpia-prescan.md)."""

    slack_user_ids: int  # distinct Slack user ids anywhere in the database
    places: dict[str, int]  # "table.column" -> rows holding a Slack user id
    display_names: int  # distinct Slack display names kept with updates or snoozes
    member_links: int  # owner -> Slack user links (working_group_members rows)
    linked_users: int  # distinct users in those links
    admins_configured: int  # ACTIEBOT_ADMINS
    admins_in_programmes: int  # distinct users under admins: in the programme files
    locales: int  # remembered Slack locales
    updates_by_people: int  # log entries written by a Slack user
    notes_naming_people: int  # notes that mention a Slack user (after the guard: its only names)
    notes_flagged: dict[str, int]  # notes the guard would refuse today, per kind (should be 0)
    pseudonyms: int  # users forgotten on request (vergeten-…)


def privacy_counts(deps: Deps, admins: frozenset[str] = frozenset()) -> PrivacyCounts:
    with deps.uow() as uow:
        tables = uow.repo.export_tables()
        programme_admins = {a for p in uow.repo.list_programmes() for a in p.admins}
    places: dict[str, int] = {}
    users: set[str] = set()
    pseudonyms: set[str] = set()
    for table, rows in tables.items():
        for row in rows:
            for column, value in row.items():
                found = _user_ids_in(value)
                if found:
                    users |= found
                    places[f"{table}.{column}"] = places.get(f"{table}.{column}", 0) + 1
                if isinstance(value, str) and PSEUDONYM_PREFIX in value:
                    pseudonyms |= set(re.findall(rf"{PSEUDONYM_PREFIX}[0-9a-f]+", value))
    updates = tables.get("status_updates", [])
    names = {str(r.get("author_name")) for r in updates
             if r.get("author_name") and is_slack_user_id(str(r.get("author") or ""))}
    names |= {str(r.get("by_name")) for r in tables.get("reminder_holds", []) if r.get("by_name")}
    links = tables.get("working_group_members", [])
    flagged: dict[str, int] = {}
    naming = 0
    for row in updates:
        note = str(row.get("note") or "")
        if _user_ids_in(note):
            naming += 1
        for kind in kinds(note):
            flagged[str(kind)] = flagged.get(str(kind), 0) + 1
    return PrivacyCounts(
        slack_user_ids=len(users), places=dict(sorted(places.items())),
        display_names=len(names), member_links=len(links),
        linked_users=len({r.get("slack_user_id") for r in links if r.get("slack_user_id")}),
        admins_configured=len(admins), admins_in_programmes=len(programme_admins),
        locales=len(tables.get("slack_users", [])),
        updates_by_people=sum(1 for r in updates if is_slack_user_id(str(r.get("author") or ""))),
        notes_naming_people=naming, notes_flagged=flagged, pseudonyms=len(pseudonyms))
