"""Exactly once lives in the database: two real processes sweeping the same PostgreSQL database
at the same moment post each reminder once; a second scheduler stays idle behind the lease."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.slack.reminder_programme import PROGRAMME, at, load_programme, notifying, texts, travel

N_EXTRA = 60  # more reminders than one process posts in a blink: the two really overlap


def crowded_programme() -> str:
    extra = []
    for i in range(N_EXTRA):
        group = "abc"[i % 3]
        extra.append(f"  - {{key: extra-{i:02d}, title: \"Extra activiteit {i:02d}\", goal: g1, "
                     f"working_group: wg-{group}, due: \"oktober 2021\", "
                     f"owners: [\"Veilig Thuis\"]}}")
    return PROGRAMME + "\n".join(extra) + "\n"


def build(url: str, settings_for: Any) -> Any:
    from bot.app import build_runtime

    return build_runtime(settings_for(url))


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_sweeping_one_postgres_database_post_each_reminder_once(
        pg_url: str, fake_slack: Any, settings_for: Any, tmp_path: Path) -> None:
    runtime = build(pg_url, settings_for)
    path = tmp_path / "programme.yaml"
    path.write_text(crowded_programme(), encoding="utf-8")
    load_programme(runtime.deps, path)
    runtime.engine.dispose()
    env = dict(os.environ, DATABASE_URL=pg_url, SLACK_API_URL=fake_slack.url,
               SLACK_BOT_TOKEN="xoxb-test-token", ACTIEBOT_TIMEZONE="Europe/Amsterdam")
    env.pop("SLACK_SIGNING_SECRET", None)
    command = [sys.executable, "-m", "bot", "remind", "--at", "2021-10-15T09:00:00+02:00"]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=180) for p in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, (out, err)
        assert "Traceback" not in out + err
    expected = 3 + N_EXTRA  # every activity due "oktober 2021": before-10 today
    posted = fake_slack.posted()
    # quiet channels: one bundle per channel (21 reminders: the first 8 with buttons in the
    # message, the rest in its thread); every reminder's buttons exactly once overall
    top = [p for p in posted if not p.get("thread_ts")]
    assert len(top) == 3 and sorted(p["channel"] for p in top) == sorted(
        ["C0AAA0001", "C0BBB0001", "C0CCC0001"])
    values = [e["value"] for p in posted for b in p["blocks"] if b["type"] == "actions"
              for e in b["elements"] if e["action_id"] == "actie_done"]
    assert len(values) == expected and len(set(values)) == expected  # no reminder twice
    assert len(set(texts(posted))) == len(posted)
    sent_lines = sum(out.count("  sent ") for out, _ in outputs)
    assert sent_lines == expected  # each process printed only what it posted itself
    runtime = build(pg_url, settings_for)
    try:
        from sqlalchemy import select

        from storage.models import DeliveryRow

        with runtime.engine.connect() as connection:
            rows = connection.execute(select(
                DeliveryRow.kind, DeliveryRow.state, DeliveryRow.message_ts)).all()
        reminders = [(s, ts) for k, s, ts in rows if k == "reminder"]
        bundles = [(s, ts) for k, s, ts in rows if k == "reminder-bundle"]
        assert len(reminders) == expected and all(s == "folded" for s, _ in reminders)
        assert len(bundles) == len(posted) and all(s == "sent" and ts for s, ts in bundles)
    finally:
        runtime.engine.dispose()

    again = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0 and "nothing new" in again.stdout
    assert len(fake_slack.posted()) == len(posted)


class SteppedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def test_the_scheduler_lease_keeps_a_second_scheduler_idle_until_the_first_stops(
        db_url: str, settings_for: Any) -> None:
    from bot.services import lease

    runtime = build(db_url, settings_for)
    clock = SteppedClock(datetime(2021, 10, 15, 7, 0, tzinfo=UTC))
    deps = replace(runtime.deps, clock=clock)
    try:
        assert lease.hold(deps, "web-1")
        assert not lease.hold(deps, "worker-1")  # web-1 holds it
        renew = timedelta(seconds=lease.RENEW_SECONDS)
        clock.moment += renew
        assert lease.hold(deps, "web-1")  # renewed
        clock.moment += lease.TTL - renew
        assert not lease.hold(deps, "worker-1")  # renewed a moment ago: still alive
        clock.moment += renew * 2  # web-1 died: no renewal for longer than the lease lives
        assert lease.hold(deps, "worker-1")
        assert lease.TTL + renew <= timedelta(seconds=30)  # a standby takes over within 30 s
        assert not lease.hold(deps, "web-1")  # back from the dead: now it waits
        lease.release(deps, "worker-1")
        assert lease.hold(deps, "web-1")  # released: taken at once
    finally:
        runtime.engine.dispose()


def test_only_the_lease_holder_runs_the_jobs_and_it_catches_up_at_start(
        db_url: str, fake_slack: Any, settings_for: Any) -> None:
    from bot.scheduler import Jobs

    runtime = build(db_url, settings_for)
    try:
        load_programme(runtime.deps, _programme_file(runtime))
        deps = notifying(runtime.deps, fake_slack)
        first, second = Jobs(deps, holder="web-1"), Jobs(deps, holder="worker-1")
        with travel(at(2021, 10, 15, 9, 30)):  # started after 09:00: the take-over catches up
            assert first.renew()
            reminders = [t for t in texts(fake_slack.posted()) if t.startswith("Herinnering")]
            assert len(reminders) == 3  # before-10 for A, B and C
            # and October's digest, never posted: 4 channels, each with its thread reply
            assert sum("Maandoverzicht oktober 2021" in t for t in texts(fake_slack.posted())) == 8
            assert len(fake_slack.posted()) == 3 + 8
            assert not second.renew()
            calls = len(fake_slack.calls)
            second.reminders()
            second.digest()
            second.outbox()
            assert len(fake_slack.calls) == calls  # idle without the lease
            first.reminders()  # the 09:00 job, had it run too: nothing twice
            first.digest()
            assert len(fake_slack.posted()) == 11
        with travel(at(2021, 11, 1, 9, 30)):
            first.catch_up()  # a restart on 1 November after 09:00: the sweep and the digests
        channels = {b["channel"] for b in fake_slack.posted()[11:]
                    if "Maandoverzicht november 2021" in texts([b])[0]}
        assert {"C0ADMIN01", "C0AAA0001", "C0BBB0001", "C0CCC0001"} <= channels
        first.release()
        with travel(at(2021, 11, 1, 9, 40)):
            assert second.renew()
    finally:
        runtime.engine.dispose()


def _programme_file(runtime: Any) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "programme.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    return path
