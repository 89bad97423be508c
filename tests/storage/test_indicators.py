"""Indicators in programme files and the database: validation with line numbers, the import
-> export -> import round trip, a recorded value replacing the old one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.model import IndicatorValue
from storage.programme_file import ProgrammeFileError, dump_yaml, read_text
from tests.conftest import GOOI, KENNEMERLAND, load_examples

BASE = """programme: {key: p, name: "P"}
indicators:
  - {key: vt, name: "Meldingen", unit: aantal, source: "Veilig Thuis", breakdown: [Laren, Huizen]}
indicator_values:
"""


@pytest.mark.parametrize(("values", "line", "problem"), [
    ('  - {indicator: nope, period: "2020", value: 1}\n', 5, "unknown indicator 'nope'"),
    ('  - {indicator: vt, period: "2020", breakdown: Weesp, value: 1}\n', 5, "not in the breakdown"),
    ('  - {indicator: vt, period: "ooit", value: 1}\n', 5, "not a period"),
    ('  - {indicator: vt, period: "2020", value: veel}\n', 5, "valid number"),
    ('  - {indicator: vt, period: "2020", value: 1}\n  - {indicator: vt, period: 2020, value: 2}\n',
     6, "a second value"),
])
def test_bad_indicator_values_name_the_line(values: str, line: int, problem: str) -> None:
    with pytest.raises(ProgrammeFileError) as raised:
        read_text(BASE + values, "p.yaml")
    [found] = raised.value.problems
    assert found.line == line and problem in str(found), str(found)


def test_periods_are_stored_canonically() -> None:
    [file] = read_text(BASE + '  - {indicator: vt, period: "H1 2021", value: 3.5}\n')
    assert file.indicator_values[0].period == "2021-H1"
    assert "period: 2021-H1" in dump_yaml([file]) and "value: 3.5" in dump_yaml([file])


def test_round_trip_and_replacing_a_value(runtime) -> None:
    deps = runtime.deps
    load_examples(deps, GOOI, KENNEMERLAND)
    with deps.uow() as uow:
        gooi = uow.repo.load_programme("gooi-en-vechtstreek")
    assert gooi is not None and len(gooi.indicators) == 7 and len(gooi.indicator_values) == 35
    [again] = read_text(dump_yaml([gooi]))
    assert again.indicators == gooi.indicators
    assert {(v.indicator, v.period, v.breakdown, v.value) for v in again.indicator_values} == {
        (v.indicator, v.period, v.breakdown, v.value) for v in gooi.indicator_values}
    with deps.uow(write=True) as uow:
        assert uow.repo.save_programme(again).get("indicator_values_added", 0) == 0
        replaced = uow.repo.put_indicator_value("gooi-en-vechtstreek", IndicatorValue(
            "vt-meldingen", "2020", 650, "Hilversum", recorded_by="slack",
            recorded_at=datetime(2021, 7, 1, tzinfo=UTC)))
        uow.commit()
    assert replaced
    with deps.uow() as uow:
        values = uow.repo.list_indicator_values("gooi-en-vechtstreek", "vt-meldingen")
        with pytest.raises(LookupError):
            uow.repo.put_indicator_value("gooi-en-vechtstreek", IndicatorValue("nope", "2020", 1))
    hilversum = [v for v in values if v.breakdown == "Hilversum"]
    assert [(v.period, v.value) for v in hilversum] == [("2020", 650)]
