"""TEMPORARY stub (branch `surfaces`): the `authz` helper owns this module and replaces it.

It mirrors the names authz announced (change_rule/decide: the rule read from the database in a
read unit of work, decided after it, outside any transaction; check_change/check_group do
both) so that every change made on the Slack surfaces already goes through them. Until the real
module lands, everything is allowed, exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.model import Activity, WorkingGroup
from bot.domain.ports import Repository
from bot.services.deps import Actor, Deps
from bot.services.results import Refused


@dataclass(frozen=True, slots=True)
class ChangeRule:
    programme_key: str
    group: WorkingGroup | None
    admins: frozenset[str]
    any_admin_configured: bool
    activity: Activity | None = None


def programme_admins(deps: Deps, repo: Repository, programme_key: str | None) -> frozenset[str]:
    return deps.admins


def change_rule(deps: Deps, repo: Repository, programme_key: str, group_key: str | None,
                activity: Activity | None = None) -> ChangeRule:
    group = repo.get_group(programme_key, group_key) if group_key else None
    return ChangeRule(programme_key, group, deps.admins, bool(deps.admins), activity)


def decide(deps: Deps, actor: Actor, rule: ChangeRule) -> Refused | None:
    return None


def check_change(deps: Deps, repo: Repository, actor: Actor, activity: Activity) -> Refused | None:
    return decide(deps, actor, change_rule(deps, repo, activity.programme_key,
                                           activity.working_group, activity))


def check_group(deps: Deps, repo: Repository, actor: Actor, programme_key: str,
                group_key: str | None) -> Refused | None:
    return decide(deps, actor, change_rule(deps, repo, programme_key, group_key))
