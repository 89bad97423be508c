"""A bare Bolt app with one slash command that acks at once: the floor `make bench` compares
Actiebot with, served by gunicorn on the same settings. BENCH_PBR=1 sets
process_before_response=True; otherwise Bolt's defaults."""

from __future__ import annotations

import os

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

# Bolt's authorization calls auth.test on the first request: against the same fake Web API as
# Actiebot (SLACK_API_URL), never a real or unreachable slack.com (a failing lookup per request
# would make the floor slower than it is)
bolt = App(
    client=WebClient(token=os.environ["SLACK_BOT_TOKEN"],
                     base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/")),
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    token_verification_enabled=False,
    process_before_response=os.environ.get("BENCH_PBR") == "1",
)


@bolt.command(os.environ.get("ACTIEBOT_COMMAND", "/actie"))
def on_command(ack):  # type: ignore[no-untyped-def]
    ack(text="ok", response_type="ephemeral")


app = SlackRequestHandler(bolt)
