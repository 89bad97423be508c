"""A small programme for the reminder and digest tests, the app around it, and helpers."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from storage.models import DeliveryRow

AMS = ZoneInfo("Europe/Amsterdam")
ADMIN = "C0ADMIN01"
CHANNEL_A, CHANNEL_B, CHANNEL_C = "C0AAA0001", "C0BBB0001", "C0CCC0001"

PROGRAMME = """\
programme:
  key: test-2021
  name: "Testprogramma 2021"
  region: Test
  timezone: Europe/Amsterdam
  admin_channel: C0ADMIN01
working_groups:
  - key: wg-a
    name: "Werkgroep A"
    aliases: ["A-groep"]
    channel: C0AAA0001
    members: {"Veilig Thuis": [U0VT00001]}
  - key: wg-b
    name: "Werkgroep B"
    aliases: ["B-groep"]
    channel: C0BBB0001
  - key: wg-c
    name: "Werkgroep C"
    aliases: ["C-groep"]
    channel: C0CCC0001
goals:
  - {key: g1, name: "Doel 1"}
activities:
  - key: a-oktober
    title: "Zelfscan lokale teams"
    goal: g1
    owners: ["Veilig Thuis", "Teamleider CJG"]
    working_group: wg-a
    due: "oktober 2021"
  - key: b-oktober
    title: "Samenwerkingsafspraken opvang"
    goal: g1
    owners: ["Werkgroep B"]
    working_group: wg-b
    due: "oktober 2021"
  - key: c-oktober
    title: "Leerlijn gezinsgericht werken"
    goal: g1
    owners: ["Werkgroep C"]
    working_group: wg-c
    due: "31 oktober 2021"
    milestones:
      - {title: "Evaluatie leerlijn", due: "15 november 2021"}
  - key: a-december
    title: "Actieagenda 2022 opstellen"
    goal: g1
    owners: ["Veilig Thuis"]
    working_group: wg-a
    due: "december 2021"
  - key: a-klaar
    title: "Al afgeronde activiteit"
    goal: g1
    owners: ["Veilig Thuis"]
    working_group: wg-a
    due: "oktober 2021"
    status: gereed
"""


def write_programme(tmp_path: Path, text: str = PROGRAMME) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load_programme(deps: Any, path: Path) -> None:
    from storage.programme_file import read_file

    with deps.uow(write=True) as uow:
        for file in read_file(path):
            uow.repo.save_programme(file)
        uow.commit()


def notifying(deps: Any, fake: Any, language: str = "nl") -> Any:
    """The app's deps with a Slack notifier on the fake Web API (as the scheduler has)."""
    from handlers.delivery import SlackNotifier, make_client

    client = make_client("xoxb-test-token", fake.url)
    return replace(deps, notifier=SlackNotifier(client, language, deps.timezone))


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def travel(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=True)


def sweep_on(deps: Any, moment: datetime) -> Any:
    """One sweep with the clock at ``moment`` (what the scheduler does at 09:00)."""
    from bot.services.reminders import sweep_reminders

    with travel(moment):
        return sweep_reminders(deps)


def texts(bodies: list[dict[str, Any]]) -> list[str]:
    """Everything readable in posted messages: fallback text and block texts."""
    found = []
    for body in bodies:
        parts = [str(body.get("text", ""))]
        blocks = body.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        for block in blocks:
            if "text" in block and isinstance(block["text"], dict):
                parts.append(block["text"].get("text", ""))
            for element in block.get("elements", []):
                if isinstance(element.get("text"), str):
                    parts.append(element["text"])
                elif isinstance(element.get("text"), dict):
                    parts.append(element["text"].get("text", ""))
        found.append("\n".join(parts))
    return found


def ledger(engine: Any) -> dict[str, DeliveryRow]:
    with engine.connect() as connection:
        rows = connection.execute(select(DeliveryRow)).all()
    return {row.key: row for row in rows}


def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def day(text: str) -> date:
    return date.fromisoformat(text)
