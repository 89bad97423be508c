from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str] | None = None, input: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "ACTIEBOT_", "DATABASE_URL"))}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=full_env,
                          input=input, capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.fixture
def cli(db_url: str):  # type: ignore[no-untyped-def]
    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None):  # type: ignore[no-untyped-def]
        return run_cli(*args, env={"DATABASE_URL": db_url, **(env or {})}, input=input)

    return run
