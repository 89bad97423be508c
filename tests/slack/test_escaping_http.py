"""Issue 9 item 1, Slack's escaping once, over signed HTTP.

Slack sends `&`, `<`, `>` in slash-command text as `&amp;`, `&lt;`, `&gt;`. The bot stores what
the user typed ("B&W > 1 mei") and shows it escaped exactly once — in the reply, the channel
announcement, `status` and `geschiedenis`, in Block Kit and in the `text` fallback alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import StatusUpdateRow

ADMIN = "U0ESCADM1"
TYPED = "wachten op B&W > 1 mei"
SENT_BY_SLACK = "wachten op B&amp;W &gt; 1 mei"
SHOWN = "wachten op B&amp;W &gt; 1 mei"  # once-escaped mrkdwn: Slack displays TYPED


@pytest.fixture
def admin_app(db_url: str, fake_slack: Any, settings_for: Any) -> Iterator[Any]:
    from tests.slack.conftest import start_app

    running, server = start_app(settings_for(db_url, slack_api_url=fake_slack.url,
                                             admins=frozenset({ADMIN})))
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


def last_note(app: Any) -> str:
    with app.engine.connect() as connection:
        return str(connection.execute(select(StatusUpdateRow.note)
                                      .order_by(StatusUpdateRow.id.desc()).limit(1)).scalar_one())


def everything_shown(message: dict[str, Any]) -> str:
    return json.dumps({"text": message.get("text"), "blocks": message.get("blocks")},
                      ensure_ascii=False)


def assert_once_escaped(shown: str) -> None:
    assert SHOWN in shown
    assert "&amp;amp;" not in shown and "&amp;gt;" not in shown
    assert "B&W" not in shown and "> 1 mei" not in shown


def test_a_note_with_slack_escapes_is_stored_plain_and_shown_escaped_once(
        admin_app: Any, fake_slack: Any) -> None:
    reply = admin_app.client.command(f"update THV risico {SENT_BY_SLACK}", user=ADMIN)
    assert reply.status == 200 and "Opgeslagen" in reply.text
    assert last_note(admin_app) == TYPED
    assert_once_escaped(everything_shown(reply.json()))

    announced = fake_slack.wait_for("chat.postMessage")[0].body
    assert announced["channel"] == "C0THV0001"
    assert_once_escaped(everything_shown(announced))

    for question in ("status THV", "geschiedenis THV"):
        answer = admin_app.client.command(question, user=ADMIN)
        assert answer.status == 200
        assert_once_escaped(everything_shown(answer.json()))


def test_mentions_and_links_stay_intact_on_the_way_in(admin_app: Any, fake_slack: Any) -> None:
    sent = "overleg met <@U0ALICE01> &amp; <#C0THV0001|thv>, zie <https://example.org/?a=1&amp;b=2|B&amp;W-besluit>"
    reply = admin_app.client.command(f"update THV op-schema {sent}", user=ADMIN)
    assert reply.status == 200 and "Opgeslagen" in reply.text
    assert last_note(admin_app) == (
        "overleg met <@U0ALICE01> & <#C0THV0001|thv>, "
        "zie <https://example.org/?a=1&amp;b=2|B&amp;W-besluit>")
    # its announcement goes out before the next test's fake Slack is reset (else it lands there)
    fake_slack.wait_for("chat.postMessage")


def test_an_escaped_special_mention_never_pings(admin_app: Any, fake_slack: Any) -> None:
    reply = admin_app.client.command("update THV op-schema let op &lt;!channel&gt; morgen",
                                     user=ADMIN)
    assert reply.status == 200
    assert last_note(admin_app) == "let op <!channel> morgen"
    announced = fake_slack.wait_for("chat.postMessage")[0].body
    assert "<!channel>" not in everything_shown(announced)
    assert "&lt;!channel&gt;" in everything_shown(announced)
