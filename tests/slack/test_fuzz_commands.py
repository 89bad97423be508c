"""Fuzzing the command layer over a loaded SQLite database: any text typed after `/actie`.

Properties, for every example, in Dutch and English:
* no exception escapes services.execute, messages.compose, blocks.message or text.render;
* every reply is valid Block Kit (slack_sdk.models, validate_json) within Slack's limits:
  at most 50 blocks, section text at most 3,000 characters, at most 10 context elements,
  fallback text at most 40,000 characters;
* the database is unchanged (row counts and a content hash) unless the answer is a recorded
  update or a channel link: refused, unknown, ambiguous and malformed input store nothing;
* personal data typed anywhere in the command is never shown back.
A last property sends fuzzed commands over signed HTTP through the real WSGI app.

Budget (documented; "ci" profile in tests/conftest.py): 250 derandomized examples for the service
layer, 150 for the privacy property, 25 over HTTP -- about 35 s on two cores together.
HYPOTHESIS_PROFILE=thorough multiplies them by ten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.domain import grammar
from bot.services import Actor, execute
from bot.services import results as r
from handlers.render import blocks as render_blocks
from handlers.render.messages import compose
from handlers.render.text import render
from tests.conftest import FUZZ_SCALE, GOOI, KENNEMERLAND, load_examples
from tests.unit.test_fuzz_grammar_refs import (
    any_text,
    long_text,
    mention,
    personal,
    sentence,
    special,
    sql,
    word,
)

SERVICE = settings(max_examples=250 * FUZZ_SCALE, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PRIVACY = settings(max_examples=150 * FUZZ_SCALE, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HTTP = settings(max_examples=25 * FUZZ_SCALE, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

MAX_BLOCKS, MAX_SECTION, MAX_CONTEXT_ELEMENTS, MAX_FALLBACK = 50, 3000, 10, 40_000
CHANGES = (r.UpdateRecorded, r.LinkAnswer)

REFS = ["MDA++", "THV", "indicatoren", "wg-mda", "mda-advies", "samenwerkingsafspraken",
        "kennemerland-2021/mda-advies", "plegeraanpak", "Veilig Thuis", "zelfscan", "GHNT",
        "Tijdelijk Huisverbod", "mda", "monitoring", "wijkteams", "gooi"]
STATUSES = ["risico", "gereed", "op-schema", "vertraagd", "vervallen", "niet-gestart", "done",
            "at-risk", "Gereed:", "RISICO", "risicoo"]
VERBS = ["wie", "wanneer", "status", "update", "bijwerken", "binnenkort", "te-laat", "lijst",
         "overzicht", "geschiedenis", "koppel", "help", "owner", "deadline", "history", "list",
         "link", "upcoming", "overdue", "digest", "hulp", "log", "wat"]
ref = st.one_of(st.sampled_from(REFS), word, mention, special, sql, any_text.map(lambda t: t[:30]))
note = st.one_of(st.just(""), sentence, personal, mention, any_text,
                 st.text(max_size=2100).map(lambda t: t * 3))
command = st.one_of(
    st.builds(lambda v, x: f"{v} {x}", st.sampled_from(VERBS), ref),
    st.builds(lambda x, s, n: f"update {x} {s} {n}", ref, st.sampled_from(STATUSES), note),
    st.builds(lambda v, d: f"{v} {d}", st.sampled_from(["binnenkort", "upcoming"]),
              st.one_of(st.integers(-5, 400).map(str), word)),
    sentence, any_text, long_text,
)
actor = st.builds(
    Actor,
    user_id=st.sampled_from(["U0ALICE01", "U0BOB0002", "W0CAROL03"]),
    user_name=st.sampled_from([None, "alice", "bob"]),
    channel_id=st.sampled_from([None, "C0THV0001", "C0MDA0001", "C0OTHER01", "D0DIRECT1"]),
)


@pytest.fixture(scope="module")
def loaded_deps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from bot.app import build_runtime
    from bot.config import Settings

    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    runtime = build_runtime(Settings(database_url=url))
    load_examples(runtime.deps, KENNEMERLAND, GOOI)
    yield runtime
    runtime.engine.dispose()


def snapshot(engine: Any) -> tuple[dict[str, int], str]:
    """Row counts per table and a hash of every row's content."""
    from sqlalchemy import select

    from storage.models import Base

    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            counts[table.name] = len(rows)
            for row in rows:
                digest.update(repr(tuple(row)).encode())
    return counts, digest.hexdigest()


def check_message(message: dict[str, Any]) -> None:
    """Valid Block Kit within Slack's limits."""
    json.dumps(message)
    assert isinstance(message["text"], str) and 0 < len(message["text"]) <= MAX_FALLBACK
    assert len(message["blocks"]) <= MAX_BLOCKS
    for data in message["blocks"]:
        block = Block.parse(data)
        assert block is not None, data
        block.validate_json()
        if data["type"] == "section":
            assert 0 < len(data["text"]["text"]) <= MAX_SECTION
        if data["type"] == "context":
            assert 0 < len(data["elements"]) <= MAX_CONTEXT_ELEMENTS
            assert all(0 < len(e["text"]) <= MAX_SECTION for e in data["elements"])


def everything_shown(result: r.Result) -> Iterator[str]:
    for lang in ("nl", "en"):
        reply = compose(result, lang)
        message = render_blocks.message(reply)
        check_message(message)
        yield json.dumps(message, ensure_ascii=False)
        yield render(reply)


@SERVICE
@given(command, actor)
def test_any_command_answers_within_slacks_limits_and_changes_only_what_it_says(
        loaded_deps: Any, text: str, who: Actor) -> None:
    before = snapshot(loaded_deps.engine)
    result = execute(loaded_deps.deps, grammar.parse(text), who)
    shown = list(everything_shown(result))
    assert shown
    if not isinstance(result, CHANGES):
        assert snapshot(loaded_deps.engine) == before, type(result).__name__


@PRIVACY
@given(st.sampled_from(VERBS + ["update"]), st.sampled_from(REFS), personal, note,
       st.sampled_from(["ref", "note", "both"]), actor)
def test_personal_data_anywhere_in_a_command_is_never_shown_or_stored(
        loaded_deps: Any, verb: str, known: str, data: str, extra: str, where: str,
        who: Actor) -> None:
    before = snapshot(loaded_deps.engine)
    ref_text = f"{known} {data}" if where in ("ref", "both") else known
    note_text = f"{extra} {data}" if where in ("note", "both") else extra
    text = (f"update {ref_text} risico {note_text}" if verb == "update"
            else f"{verb} {ref_text}")
    result = execute(loaded_deps.deps, grammar.parse(text), who)
    for shown in everything_shown(result):
        assert data not in shown and data.replace(" ", "") not in shown.replace(" ", "")
    if verb == "update" and isinstance(result, r.Refused):
        assert result.reason == "personal_data" and result.kinds
    if not isinstance(result, CHANGES):
        assert snapshot(loaded_deps.engine) == before
    assert not isinstance(result, r.UpdateRecorded), "an update with personal data was stored"


# -- over signed HTTP -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def http_app(tmp_path_factory: pytest.TempPathFactory, fake_slack_server: Any) -> Iterator[Any]:
    from bot.config import Settings
    from tests.slack.conftest import start_app

    url = f"sqlite:///{tmp_path_factory.mktemp('fuzzhttp') / 'fuzz.db'}"
    settings = Settings(database_url=url, slack_bot_token="xoxb-test-token",
                        slack_signing_secret="test-signing-secret",
                        slack_api_url=fake_slack_server.url)
    running, server = start_app(settings)
    yield running
    server.shutdown()
    server.server_close()
    running.engine.dispose()


@HTTP
@given(command)
def test_fuzzed_commands_over_signed_http_get_a_valid_ephemeral_reply(
        http_app: Any, text: str) -> None:
    reply = http_app.client.command(text)
    assert reply.status == 200, reply.body[:200]
    data = reply.json()
    assert data["response_type"] == "ephemeral"
    check_message(data)
    assert "Traceback" not in reply.body and "Foutcode" not in reply.body
