"""`actiebot remind` and `actiebot digest` as an operator runs them: real processes, a real
database, the fake Slack Web API; exit status 0 / 1 / 2 as the contract says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_cli
from tests.slack.reminder_programme import write_programme


@pytest.fixture
def slack_cli(cli: Any, fake_slack: Any, tmp_path: Path) -> Any:
    """`actiebot …` against the test programme, posting to the fake Web API."""
    assert cli("import", str(write_programme(tmp_path))).returncode == 0

    def run(*args: str, token: bool = True) -> Any:
        env = {"SLACK_API_URL": fake_slack.url}
        if token:
            env["SLACK_BOT_TOKEN"] = "xoxb-test-token"
        return cli(*args, env=env)

    return run


def test_remind_dry_run_prints_what_it_would_send_and_sends_nothing(
        slack_cli: Any, fake_slack: Any) -> None:
    result = slack_cli("remind", "--at", "2021-10-15T09:00", "--dry-run", token=False)
    assert result.returncode == 0, result.stderr
    assert "reminders for vrijdag 15 oktober 2021 (Europe/Amsterdam): 3 would send" \
        in result.stdout
    assert "would send C0AAA0001    before-10   test-2021/a-oktober: oktober 2021 " \
           "(nog 10 werkdagen)" in result.stdout
    assert fake_slack.calls == []


def test_remind_sends_once_and_a_second_run_sends_nothing_new(
        slack_cli: Any, fake_slack: Any) -> None:
    first = slack_cli("remind", "--at", "2021-10-15T09:00:00+02:00")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("  sent ") == 3
    assert len(fake_slack.posted()) == 3
    second = slack_cli("remind", "--at", "2021-10-15T11:00:00+02:00")
    assert second.returncode == 0 and "nothing new" in second.stdout
    assert len(fake_slack.posted()) == 3
    dry = slack_cli("remind", "--at", "2021-10-15T12:00", "--dry-run")
    assert "0 would send" in dry.stdout


def test_remind_on_a_weekend_or_koningsdag_sends_nothing(slack_cli: Any, fake_slack: Any) -> None:
    saturday = slack_cli("remind", "--at", "2021-10-30T09:00")
    assert saturday.returncode == 0
    assert "zaterdag 30 oktober 2021 is not a working day" in saturday.stdout
    koningsdag = slack_cli("remind", "--at", "2021-04-27T09:00")
    assert "(Koningsdag) is not a working day" in koningsdag.stdout
    assert fake_slack.calls == []


def test_a_refused_post_exits_1_with_one_line_and_is_kept_for_later(
        slack_cli: Any, fake_slack: Any) -> None:
    fake_slack.fail("chat.postMessage", error="not_in_channel", channel="C0BBB0001")
    result = slack_cli("remind", "--at", "2021-10-15T09:00")
    assert result.returncode == 1
    assert "failed     C0BBB0001" in result.stdout and "[not_in_channel]" in result.stdout
    assert "told admins" in result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("actiebot: 1 post(s) failed") and "retried" in last
    assert "Traceback" not in result.stderr
    fake_slack.heal()
    later = slack_cli("remind", "--at", "2021-10-18T09:00")
    assert later.returncode == 0 and "retried" in later.stdout
    assert len(fake_slack.posted("C0BBB0001")) == 1


def test_remind_without_a_token_says_how_to_set_it(slack_cli: Any) -> None:
    result = slack_cli("remind", "--at", "2021-10-15T09:00", token=False)
    assert result.returncode == 1
    assert "SLACK_BOT_TOKEN" in result.stderr and "--dry-run" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ("remind", "--at", "morgen"),
    ("remind", "--at", "2021-13-01T09:00"),
    ("digest",),
    ("digest", "--month", "2021-13"),
    ("digest", "--month", "november"),
])
def test_usage_errors_exit_2(args: tuple[str, ...], sqlite_url: str) -> None:
    result = run_cli(*args, env={"DATABASE_URL": sqlite_url})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_digest_dry_run_then_once_then_force(slack_cli: Any, fake_slack: Any) -> None:
    dry = slack_cli("digest", "--month", "2021-11", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "digests 2021-11 (as of 1 november 2021): 4 would send" in dry.stdout
    assert "Maandoverzicht november 2021 — Werkgroep A" in dry.stdout
    assert fake_slack.calls == []
    sent = slack_cli("digest", "--month", "2021-11")
    assert sent.returncode == 0 and sent.stdout.count("(thread: sent)") == 4
    assert len(fake_slack.posted()) == 8
    again = slack_cli("digest", "--month", "2021-11")
    assert again.returncode == 0 and again.stdout.count("  exists ") == 4
    assert len(fake_slack.posted()) == 8
    forced = slack_cli("digest", "--month", "2021-11", "--force")
    assert forced.returncode == 0 and forced.stdout.count("  sent ") == 4
    assert len(fake_slack.posted()) == 16
