"""Who may do what (the public contract, "Who may do what"): one rule, used by every surface.

Everyone in the workspace may ask. Changing an activity — `update`, the reminder buttons, the
update modal, `verplaats`, `nieuw` — is allowed to

- programme admins: ``ACTIEBOT_ADMINS`` (``deps.admins``) or ``admins: [U…]`` under
  ``programme:`` in the programme file; the console and the CLI act as an admin;
- members of the working group's channel (Slack ``conversations.members`` through
  ``deps.channels``, cached for a few minutes at most);
- users linked to an owner in that group's ``members:``.

`koppel` (re)binds a group's channel: admins only; when no admin is configured at all (neither
``ACTIEBOT_ADMINS`` nor any programme's ``admins:``), a member of the group's current channel
(anyone, while the group has no channel).

When Slack cannot say who is in a channel the answer is a polite refusal, never an allowance.
A refusal is a ``Refused`` value that says who may; the caller changes and announces nothing.

Database first, Slack last: ``change_rule``/``link_rule`` only read the repository and
``decide``/``decide_link`` only ask Slack, so a use case that writes gathers the rule in one
(read) unit of work and decides after it — no transaction waits on Slack (see
``dispatch.record_update``). ``check_change``, ``check_group`` and ``check_link`` do both in
one call, for callers that hold a read-only unit of work anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.model import Activity, Programme, WorkingGroup
from bot.domain.ports import Repository
from bot.services.deps import Actor, Deps
from bot.services.results import Refused


@dataclass(frozen=True, slots=True)
class ChangeRule:
    """Who may change what belongs to one working group (or to no group) of a programme."""

    programme_key: str
    group: WorkingGroup | None
    admins: frozenset[str]  # ACTIEBOT_ADMINS and the programme's own admins
    any_admin_configured: bool  # anywhere: ACTIEBOT_ADMINS or any programme's admins
    activity: Activity | None = None

    @property
    def channel(self) -> str | None:
        return self.group.channel if self.group else None

    @property
    def linked(self) -> frozenset[str]:
        if self.group is None:
            return frozenset()
        return frozenset(user for users in self.group.members.values() for user in users)


def admins_of(deps: Deps, programme: Programme) -> frozenset[str]:
    """ACTIEBOT_ADMINS plus the programme's own admins, for a programme already loaded."""
    return deps.admins | frozenset(programme.admins)


def programme_admins(deps: Deps, repo: Repository, programme_key: str | None) -> frozenset[str]:
    """ACTIEBOT_ADMINS plus the admins the programme file names (all programmes for None)."""
    if programme_key is None:
        return deps.admins.union(*(p.admins for p in repo.list_programmes()))
    programme = repo.get_programme(programme_key)
    return deps.admins | frozenset(programme.admins if programme else ())


def is_admin(deps: Deps, repo: Repository, actor: Actor, programme_key: str | None = None) -> bool:
    """The console, ACTIEBOT_ADMINS, or an admin of the programme (of any programme for None)."""
    return actor.source == "console" or actor.user_id in programme_admins(deps, repo, programme_key)


def _any_admin_configured(deps: Deps, repo: Repository) -> bool:
    return bool(deps.admins) or any(p.admins for p in repo.list_programmes())


def change_rule(deps: Deps, repo: Repository, programme_key: str, group_key: str | None,
                activity: Activity | None = None,
                group: WorkingGroup | None = None,
                programmes: list[Programme] | None = None) -> ChangeRule:
    """Everything the rule needs from the database; no Slack call. ``group``: the group the
    caller read in the same unit of work (it is not read again); ``programmes``: likewise,
    every programme. The programmes are read once for both the programme's admins and whether
    any admin is configured (a handful of rows)."""
    if group is None or group.key != group_key:
        group = repo.get_group(programme_key, group_key) if group_key else None
    if programmes is None:
        programmes = repo.list_programmes()
    own = next((p for p in programmes if p.key == programme_key), None)
    admins = deps.admins | frozenset(own.admins if own else ())
    configured = bool(deps.admins) or any(p.admins for p in programmes)
    return ChangeRule(programme_key, group, admins, configured, activity)


def _refusal(reason: str, rule: ChangeRule, channel: str | None) -> Refused:
    return Refused(reason, activity=rule.activity, group=rule.group, channel=channel,
                   linked=tuple(sorted(rule.linked)), admins=tuple(sorted(rule.admins)),
                   admins_configured=rule.any_admin_configured)


def _in_channel(deps: Deps, channel: str, user: str) -> bool | None:
    members = deps.channels.members(channel) if deps.channels is not None else None
    return None if members is None else user in members


def decide(deps: Deps, actor: Actor, rule: ChangeRule) -> Refused | None:
    """None when ``actor`` may change what ``rule`` covers; asks Slack only when it must."""
    if actor.source == "console" or actor.user_id in rule.admins or actor.user_id in rule.linked:
        return None
    channel = rule.channel
    if not channel:
        return _refusal("not_allowed", rule, None)
    member = _in_channel(deps, channel, actor.user_id)
    if member is None:
        return _refusal("membership_unknown", rule, channel)
    return None if member else _refusal("not_allowed", rule, channel)


def check_change(deps: Deps, repo: Repository, actor: Actor, activity: Activity) -> Refused | None:
    """None when ``actor`` may change ``activity``; otherwise a ``Refused`` that says who may."""
    return decide(deps, actor, change_rule(deps, repo, activity.programme_key,
                                           activity.working_group, activity))


def check_group(deps: Deps, repo: Repository, actor: Actor, programme_key: str,
                group_key: str | None) -> Refused | None:
    """The same rule for changing or adding within a working group (`nieuw`)."""
    return decide(deps, actor, change_rule(deps, repo, programme_key, group_key))


def link_rule(deps: Deps, repo: Repository, programme_key: str, group_key: str) -> ChangeRule:
    return change_rule(deps, repo, programme_key, group_key)


def decide_link(deps: Deps, actor: Actor, rule: ChangeRule) -> Refused | None:
    """`koppel`: admins; with no admin configured anywhere, a member of the group's current
    channel (anyone while the group has none)."""
    if actor.source == "console" or actor.user_id in rule.admins:
        return None
    if rule.any_admin_configured:
        return _refusal("not_admin", rule, None)
    channel = rule.channel
    if not channel:
        return None
    member = _in_channel(deps, channel, actor.user_id)
    if member is None:
        return _refusal("membership_unknown", rule, channel)
    return None if member else _refusal("not_channel_member", rule, channel)


def check_link(deps: Deps, repo: Repository, actor: Actor, programme_key: str,
               group_key: str) -> Refused | None:
    """None when ``actor`` may (re)bind the group's channel with `koppel`."""
    return decide_link(deps, actor, link_rule(deps, repo, programme_key, group_key))
