"""Two `actiebot import` runs of the same new programme at the same moment: the database
decides which creates it, the other waits for it and finds nothing left to change. Neither
fails, and the programme is stored once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.cli.conftest import ROOT

ACTIVITIES = 1000  # long enough to store that the two really overlap


def programme(key: str) -> str:
    lines = [f'programme: {{key: {key}, name: "Tegelijk"}}',
             "working_groups:", '  - {key: wg-a, name: "Werkgroep A", channel: C0TEGELIJK}',
             "goals:", '  - {key: g1, name: "Doel"}', "activities:"]
    lines += [f'  - {{key: a{i:05d}, title: "Activiteit {i}", goal: g1, working_group: wg-a, '
              f'due: "2027-0{1 + i % 9}-15", owners: ["Gemeente"], status: op-schema}}'
              for i in range(ACTIVITIES)]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_two_imports_of_one_new_programme_at_once_store_it_once(db_url: str,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "tegelijk.yaml"
    path.write_text(programme("tegelijk"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "ACTIEBOT_", "DATABASE_URL"))}
    env["DATABASE_URL"] = db_url
    upgrade = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], check=False,
                             cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert upgrade.returncode == 0, upgrade.stderr
    for attempt in range(2):  # each round is a fresh programme, both imports started together
        key = f"tegelijk-{attempt}"
        path.write_text(programme(key), encoding="utf-8")
        runs = [subprocess.Popen([sys.executable, "-m", "bot", "import", str(path)], cwd=ROOT,
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        for run, (out, err) in zip(runs, outputs, strict=True):
            assert run.returncode == 0, err
            assert "Traceback" not in out + err
        said = sorted(out.splitlines()[0] for out, _ in outputs)
        assert said == sorted([
            (f"imported {key}: {ACTIVITIES} activities, 1 working groups (1 programmes created, "
             f"1 goals created, 1 working groups created, {ACTIVITIES} activities created)"),
            f"imported {key}: {ACTIVITIES} activities, 1 working groups (no changes)"]), said
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            assert connection.execute(text(
                "SELECT count(*) FROM programmes WHERE key LIKE 'tegelijk-%'")).scalar() == 2
            assert connection.execute(text(
                "SELECT count(*) FROM activities a JOIN programmes p ON p.id = a.programme_id "
                "WHERE p.key LIKE 'tegelijk-%'")).scalar() == 2 * ACTIVITIES
            assert connection.execute(text(
                "SELECT count(*) FROM status_updates")).scalar() == 0
    finally:
        engine.dispose()
