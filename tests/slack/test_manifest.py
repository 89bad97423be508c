"""manifest.yml against the listeners the app registers: every command, shortcut, event and
interactive surface the app listens to is configured in Slack, and nothing configured is
unanswered (Slack would show the user an error)."""

from __future__ import annotations

import inspect
from collections import defaultdict
from typing import Any

import yaml

from bot.app import build_app, build_runtime
from handlers import ids
from tests.conftest import ROOT

KINDS = {"command": "command", "shortcut": "shortcut", "action": "action",
         "view_submission": "view", "options": "options", "event": "event"}


def registered(app: Any) -> dict[str, set[str]]:
    """kind -> the ids the Bolt app's listeners match, read from Bolt's built-in matchers."""
    found: dict[str, set[str]] = defaultdict(set)
    for listener in app._listeners:
        for matcher in listener.matchers:
            kind = matcher.func.__qualname__.split(".")[0]
            if kind not in KINDS:
                continue
            values = inspect.getclosurevars(matcher.func).nonlocals
            value = next(iter(values.values()))
            found[KINDS[kind]].add(str(value))
    return found


def test_manifest_matches_the_registered_listeners(sqlite_url: str, settings_for: Any) -> None:
    settings = settings_for(sqlite_url)
    runtime = build_runtime(settings)
    try:
        app, _deps = build_app(settings, runtime.deps)
    finally:
        runtime.engine.dispose()
    listeners = registered(app)
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    features, interactivity = manifest["features"], manifest["settings"]["interactivity"]

    assert {c["command"] for c in features["slash_commands"]} == listeners["command"] == {
        settings.command}
    assert {s["callback_id"] for s in features["shortcuts"]} == listeners["shortcut"] == {
        ids.SHORTCUT_LOG_PROGRESS}
    assert all(s["type"] == "message" and len(s["description"]) <= 150
               for s in features["shortcuts"])
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == listeners["event"]
    assert features["app_home"]["home_tab_enabled"] is True  # app_home_opened is answered
    assert "app_home_opened" in listeners["event"]
    assert listeners["action"] == {ids.ACTION_DONE, ids.ACTION_SNOOZE, ids.ACTION_OPEN_UPDATE,
                                   ids.ACTION_OPEN_NEW}
    assert listeners["view"] == {ids.VIEW_UPDATE, ids.VIEW_NEW}
    assert listeners["options"] == {ids.ACTION_PICK_ACTIVITY}
    # interactivity (buttons, modals, shortcuts) and the options load URL reach the app
    assert interactivity["is_enabled"] is True
    urls = [interactivity["request_url"], interactivity["message_menu_options_url"],
            manifest["settings"]["event_subscriptions"]["request_url"],
            *(c["url"] for c in features["slash_commands"])]
    assert all(url.endswith("/slack/events") for url in urls)
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert "commands" in manifest["oauth_config"]["scopes"]["bot"]  # slash command + shortcuts


def test_many_workspace_mode_asks_the_manifests_scopes_and_redirects_to_the_app() -> None:
    from bot.installs import SCOPES

    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert list(SCOPES) == manifest["oauth_config"]["scopes"]["bot"]
    assert [u.rsplit("/", 2)[-2:] for u in manifest["oauth_config"]["redirect_urls"]] == [
        ["slack", "oauth_redirect"]]
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        manifest["settings"]["event_subscriptions"]["bot_events"])
