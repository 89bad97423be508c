"""Issue 9 item 8, the operator's small things: a half-configured Slack app is named, not
mistaken for "no tokens"; `ask … | head -1` is not an error."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.cli.conftest import ROOT, run_cli


@pytest.mark.parametrize(("given", "missing"), [
    ({"SLACK_BOT_TOKEN": "xoxb-1-2-3"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_SIGNING_SECRET": "abc123"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_APP_TOKEN": "xapp-1-2-3"}, "SLACK_BOT_TOKEN"),
])
@pytest.mark.parametrize("command", ["start", "serve"])
def test_a_half_configured_slack_app_names_the_missing_variable(
        sqlite_url: str, command: str, given: dict[str, str], missing: str) -> None:
    if command == "serve" and "SLACK_APP_TOKEN" in given:
        pytest.skip("serve is HTTP mode; the app token is Socket Mode's")
    result = run_cli(command, env={"DATABASE_URL": sqlite_url, **given}, input="", timeout=60)
    assert result.returncode == 1, (result.stdout, result.stderr)
    line = result.stderr.strip().splitlines()[-1]
    assert missing in line and f"export {missing}=" in line
    for name in given:  # what is set is not asked for again
        assert f"export {name}=" not in line
    assert "No Slack tokens set" not in result.stderr and "console" not in result.stdout


def test_ask_into_a_closed_pipe_is_not_an_error(sqlite_url: str) -> None:
    """`actiebot ask te-laat | head -1`: the reader goes away; the writer ends quietly."""
    env = {"DATABASE_URL": sqlite_url}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    from tests.cli.conftest import run_cli as _run
    from tests.conftest import KENNEMERLAND

    assert _run("import", str(KENNEMERLAND), env=env).returncode == 0
    import os

    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "ACTIEBOT_", "DATABASE_URL"))}
    full_env.update(env)
    process = subprocess.Popen([sys.executable, "-m", "bot", "ask", "te-laat"], cwd=ROOT,
                               env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `head -1` after its line, before the answer is written
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, stderr
    assert "BrokenPipe" not in stderr and "failed" not in stderr and stderr == ""


def test_ask_through_head_gives_the_first_line(sqlite_url: str) -> None:
    from tests.conftest import KENNEMERLAND

    env = {"DATABASE_URL": sqlite_url}
    assert run_cli("import", str(KENNEMERLAND), env=env).returncode == 0
    import os

    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "ACTIEBOT_", "DATABASE_URL"))}
    full_env.update(env)
    shell = subprocess.run(
        f"set -o pipefail; {sys.executable} -m bot ask te-laat | head -1",
        shell=True, executable="/bin/bash", cwd=ROOT, env=full_env, capture_output=True,
        text=True, timeout=120, check=False)
    assert shell.returncode == 0, shell.stderr
    assert len(shell.stdout.splitlines()) == 1 and shell.stderr == ""
