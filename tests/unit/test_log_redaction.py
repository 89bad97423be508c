"""bot/logging_setup.py: the redacting filter, defence in depth behind "we never log it"."""

from __future__ import annotations

import logging

import pytest

from bot.logging_setup import REDACTION, RedactingFilter, install_redaction


def record(message: str, *args: object, name: str = "actiebot.test",
           level: int = logging.WARNING, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord(name, level, __file__, 1, message, args or None, exc_info)


def shown(filter_: RedactingFilter, rec: logging.LogRecord) -> str | None:
    if not filter_.filter(rec):
        return None
    return logging.Formatter("%(message)s").format(rec)


@pytest.mark.parametrize("token", [
    "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
    "xoxp-1-2-3-abcdef", "xapp-1-A012-345-abcdef0123", "xoxe.xoxp-1-Mi0yLTE",
    "xoxa-2-abc", "xoxs-abc-def",
])
def test_slack_tokens_are_redacted_wherever_they_appear(token: str) -> None:
    text = shown(RedactingFilter(), record("calling with %s and Bearer %s", token, token))
    assert text is not None and token not in text and "[token]" in text


def test_configured_secrets_and_url_passwords_are_redacted() -> None:
    guard = RedactingFilter()
    guard.add_secrets("8f14e45fceea167a5a36dedd4bea2543", None, "abc")  # "abc" is too short
    text = shown(guard, record(
        "secret %s, database postgresql+psycopg://actiebot:s3cr3t-pw@db:5432/actiebot, abc",
        "8f14e45fceea167a5a36dedd4bea2543"))
    assert text == ("secret [secret], database postgresql+psycopg://actiebot:***@db:5432/actiebot,"
                    " abc")


def test_personal_data_in_a_log_line_is_masked() -> None:
    text = shown(RedactingFilter(), record("note was %r", "BSN 123456782, bel 06-12345678"))
    assert text is not None and "123456782" not in text and "12345678" not in text


def test_tracebacks_are_redacted_too() -> None:
    try:
        raise RuntimeError("token xoxb-1-secret in a message, mail a@b.nl")
    except RuntimeError as error:
        rec = record("failed", exc=error)
    text = shown(RedactingFilter(), rec)
    assert text is not None and "Traceback" in text
    assert "xoxb-1-secret" not in text and "a@b.nl" not in text


@pytest.mark.parametrize("name", ["slack_bolt.App", "slack_bolt.RequestVerification",
                                  "slack_sdk.web.base_client", "slack_sdk"])
def test_slack_library_records_below_warning_are_dropped(name: str) -> None:
    guard = RedactingFilter()
    body = "token=legacy&text=update+THV+risico+bel+moeder"
    assert shown(guard, record("Invalid request signature (body: %s)", body, name=name,
                               level=logging.INFO)) is None
    assert shown(guard, record("body %s", body, name=name, level=logging.DEBUG)) is None
    assert shown(guard, record("rate limited", name=name, level=logging.WARNING)) == "rate limited"


def test_a_broken_log_call_does_not_leak_its_arguments() -> None:
    text = shown(RedactingFilter(), record("two %s %s", "xoxb-only-one"))
    assert text is not None and "xoxb-only-one" not in text


def test_install_puts_the_filter_on_root_handlers_and_the_slack_loggers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "from-the-environment-secret")
    handler = logging.NullHandler()
    logging.getLogger().addHandler(handler)
    try:
        install_redaction("xoxb-from-settings")
        assert REDACTION in handler.filters
        for name in ("slack_bolt", "slack_bolt.App", "slack_sdk.web.base_client"):
            assert REDACTION in logging.getLogger(name).filters
        text = shown(REDACTION, record("%s", "from-the-environment-secret"))
        assert text == "[secret]"
        install_redaction()  # idempotent
        assert handler.filters.count(REDACTION) == 1
    finally:
        logging.getLogger().removeHandler(handler)
