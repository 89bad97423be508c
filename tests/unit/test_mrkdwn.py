"""Issue 9 item 1: Slack's escaping undone once on the way in, done once on the way out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.model import Activity, Status, StatusUpdate, WorkingGroup
from bot.services import results as r
from handlers.render import blocks
from handlers.render.changes import announcement
from handlers.render.messages import compose
from handlers.render.mrkdwn import cut, escape, from_slack, unescape
from handlers.render.text import render

INCOMING = [
    ("wachten op B&amp;W &gt; 1 mei", "wachten op B&W > 1 mei"),
    ("a &lt; b &amp;&amp; c", "a < b && c"),
    ("typed &amp;lt; literally", "typed &lt; literally"),  # the user typed "&lt;"
    ("<@U123> &amp; <@U456|bob>", "<@U123> & <@U456|bob>"),
    ("<#C123|b&amp;w> &gt;", "<#C123|b&amp;w> >"),  # markup kept exactly as Slack sent it
    ("<https://x.nl/?a=1&amp;b=2|B&amp;W> ok", "<https://x.nl/?a=1&amp;b=2|B&amp;W> ok"),
    ("&lt;!channel&gt;", "<!channel>"),
    ("geen escapes", "geen escapes"),
    ("", ""),
]


@pytest.mark.parametrize(("sent", "typed"), INCOMING)
def test_from_slack_undoes_slacks_escaping_outside_markup(sent: str, typed: str) -> None:
    assert from_slack(sent) == typed


def test_escape_and_unescape_are_inverse() -> None:
    for text in ("B&W > 1 mei", "&amp; literally", "<!channel>", "a<b>c&d"):
        assert unescape(escape(text)) == text
    assert escape("B&W > 1 mei") == "B&amp;W &gt; 1 mei"


def test_cut_never_splits_an_entity() -> None:
    text = "x" * 10 + "&amp;" + "y" * 10
    for limit in range(5, len(text)):
        shortened = cut(text, limit)
        assert len(shortened) <= limit
        assert "&" not in shortened or "&amp;" in shortened


ODD = Activity(key="bw", title="B&W <besluit> over *MDA*", programme_key="p",
               owners=("Werkgroep MDA++, Hoe verder?", "Stuurgroep <VT> & co"))
GROUP = WorkingGroup(key="g", name="B&W-groep")
NOTE = StatusUpdate(at=datetime(2021, 3, 1, 9, tzinfo=UTC), author="U0ALICE01",
                    old_status=Status.NOT_STARTED, new_status=Status.AT_RISK,
                    note="wachten op B&W > 1 mei")

REPLIES = {
    "status": r.StatusAnswer(ODD, GROUP, NOTE),
    "owners": r.OwnersAnswer(ODD, GROUP),
    "deadline": r.DeadlineAnswer(ODD, GROUP, datetime(2021, 3, 1).date(), None),
    "history": r.HistoryAnswer(ODD, (NOTE,), 1),
}


@pytest.mark.parametrize("kind", [*REPLIES, "announcement"])
def test_fallback_text_and_blocks_escape_stored_text_exactly_once(kind: str) -> None:
    reply = (announcement(ODD, NOTE, GROUP, "nl", "Europe/Amsterdam") if kind == "announcement"
             else compose(REPLIES[kind], "nl"))
    message = blocks.message(reply)
    shown = [message["text"], *(str(b) for b in message["blocks"])]
    assert "B&amp;W &lt;besluit&gt;" in message["text"]
    for part in shown:
        assert "B&W" not in part and "<besluit>" not in part and "&amp;amp;" not in part
    assert "B&W <besluit>" in render(reply)  # the console shows what was typed
