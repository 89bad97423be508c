"""Every deadline phrase the five source documents use, parsed.

The phrases are copied here (with the seed and its date), so this table runs without the seeds;
``test_every_wanneer_gereed_cell_of_the_seeds_is_in_the_table`` checks against the seeds when
they are present (in CI they are: shared/ beside the clone).
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from bot.domain.dates import InvalidDate, canonical, is_ongoing, parse_cell, parse_due
from bot.domain.model import DueDate, Precision

M, Q, S, Y, D = Precision.MONTH, Precision.QUARTER, Precision.SEASON, Precision.YEAR, Precision.DAY
DOC_000 = date(2020, 9, 1)  # Raadsinformatiebrief Hilversum, "DATUM 1 september 2020"
DOC_001 = date(2021, 3, 1)  # Raadsinformatiebrief Gooise Meren (undated; March 2021)
DOC_002 = date(2020, 3, 30)  # 1ste voortgangsrapportage Gooi en Vechtstreek
DOC_003 = date(2021, 6, 16)  # 2de voortgangsrapportage Gooi en Vechtstreek
DOC_004 = date(2021, 4, 14)  # Actieprogramma Kennemerland, "Datum 14 april 2021"

SEED_PHRASES: list[tuple[str, str, date | None, DueDate]] = [
    # seed 004: the "Wanneer gereed" cells and the planning text
    ("004", "Oktober 2021", None, DueDate(date(2021, 10, 31), M)),
    ("004", "December 2021", None, DueDate(date(2021, 12, 31), M)),
    ("004", "Onderzoek en advies: maart 2021", None, DueDate(date(2021, 3, 31), M)),
    ("004", "Set van indicatoren: Juli 2021", None, DueDate(date(2021, 7, 31), M)),
    ("004", "In oktober 2021", None, DueDate(date(2021, 10, 31), M)),
    ("004", "2022 - 2024", None, DueDate(date(2024, 12, 31), Y)),
    ("004", "2022-2024", None, DueDate(date(2024, 12, 31), Y)),
    ("004", "2021-2024", None, DueDate(date(2024, 12, 31), Y)),
    ("004", "2021 - 2024", None, DueDate(date(2024, 12, 31), Y)),
    ("004", "2020-2024", None, DueDate(date(2024, 12, 31), Y)),
    ("004", "op 31 december 2021", None, DueDate(date(2021, 12, 31), D)),
    ("004", "in april 2021", None, DueDate(date(2021, 4, 30), M)),
    ("004", "in april 2018", None, DueDate(date(2018, 4, 30), M)),
    ("004", "14 april 2021", None, DueDate(date(2021, 4, 14), D)),
    ("004", "1 februari 2021", None, DueDate(date(2021, 2, 1), D)),
    ("004", "november 2020", None, DueDate(date(2020, 11, 30), M)),
    ("004", "in het najaar van 2020", None, DueDate(date(2020, 11, 30), S)),
    # seed 000
    ("000", "1 september 2020", None, DueDate(date(2020, 9, 1), D)),
    ("000", "In het laatste kwartaal van 2020", None, DueDate(date(2020, 12, 31), Q)),
    ("000", "Eind vorig jaar", DOC_000, DueDate(date(2019, 12, 31), Y)),
    # seed 001
    ("001", "in juli 2020", None, DueDate(date(2020, 7, 31), M)),
    ("001", "dit voorjaar", DOC_001, DueDate(date(2021, 5, 31), S)),
    ("001", "25 mei 2020", None, DueDate(date(2020, 5, 25), D)),
    ("001", "begin dit jaar", DOC_001, DueDate(date(2021, 3, 31), Q)),
    ("001", "in november 2020", None, DueDate(date(2020, 11, 30), M)),
    ("001", "In 2020", None, DueDate(date(2020, 12, 31), Y)),
    # seed 002
    ("002", "in de zomer van 2019", None, DueDate(date(2019, 8, 31), S)),
    ("002", "7 november 2019", None, DueDate(date(2019, 11, 7), D)),
    ("002", "In het voorjaar van 2020", None, DueDate(date(2020, 5, 31), S)),
    ("002", "op 1 januari 2020", None, DueDate(date(2020, 1, 1), D)),
    ("002", "in het voorjaar", DOC_002, DueDate(date(2020, 5, 31), S)),
    ("002", "op 25 november 2019", None, DueDate(date(2019, 11, 25), D)),
    ("002", "eind 2018", None, DueDate(date(2018, 12, 31), Y)),
    ("002", "begin 2019", None, DueDate(date(2019, 3, 31), Q)),
    ("002", "gepland in maart", DOC_002, DueDate(date(2020, 3, 31), M)),
    ("002", "in april", DOC_002, DueDate(date(2020, 4, 30), M)),
    ("002", "voor de zomervakantie", DOC_002, DueDate(date(2020, 6, 30), M)),
    ("002", "na de zomervakantie", DOC_002, DueDate(date(2020, 11, 30), S)),
    ("002", "voor de zomervakantie 2020", None, DueDate(date(2020, 6, 30), M)),
    ("002", "gepland in 2021", None, DueDate(date(2021, 12, 31), Y)),
    ("002", "begin 2020", None, DueDate(date(2020, 3, 31), Q)),
    ("002", "In 2020", None, DueDate(date(2020, 12, 31), Y)),
    ("002", "2019-2021", None, DueDate(date(2021, 12, 31), Y)),
    ("002", "zomer 2019", None, DueDate(date(2019, 8, 31), S)),
    # seed 003
    ("003", "Begin volgend jaar", DOC_003, DueDate(date(2022, 3, 31), Q)),
    ("003", "dit voorjaar", DOC_003, DueDate(date(2021, 5, 31), S)),
    ("003", "dit jaar", DOC_003, DueDate(date(2021, 12, 31), Y)),
    ("003", "Het jaar 2021", None, DueDate(date(2021, 12, 31), Y)),
]


@pytest.mark.parametrize(("seed", "phrase", "reference", "expected"), SEED_PHRASES,
                         ids=[f"{s}:{p}" for s, p, _, _ in SEED_PHRASES])
def test_every_deadline_phrase_of_the_seeds_parses(seed: str, phrase: str,
                                                   reference: date | None,
                                                   expected: DueDate) -> None:
    assert parse_due(phrase, reference) == expected
    # and the canonical text reads back to the same deadline, without the document's date
    assert parse_due(canonical(expected)) == expected


@pytest.mark.parametrize("phrase", ["dit voorjaar", "in april", "begin volgend jaar",
                                    "voor de zomervakantie", "dit jaar"])
def test_relative_phrases_need_the_document_s_date(phrase: str) -> None:
    with pytest.raises(InvalidDate):
        parse_due(phrase)


@pytest.mark.parametrize("phrase", ["doorlopend", "Doorlopend", "ongoing", "continu"])
def test_doorlopend_is_ongoing_without_a_deadline(phrase: str) -> None:
    due = parse_due(phrase)
    assert due is not None and is_ongoing(due)
    assert canonical(due) == "doorlopend" and parse_due(canonical(due)) == due
    assert not is_ongoing(parse_due("2021"))


@pytest.mark.parametrize("phrase", ["2024-2022", "2022-2022", "eind 2018 en begin 2019"])
def test_spans_run_forwards_and_combinations_are_refused(phrase: str) -> None:
    with pytest.raises(InvalidDate):
        parse_due(phrase)


def test_a_wanneer_gereed_cell_with_two_labelled_lines() -> None:
    cell = ("Onderzoek en advies: maart 2021\n"
            "Uitvoering: afhankelijk van voorstel stuurgroep Veilig Thuis")
    first, second = parse_cell(cell)
    assert (first.label, first.due) == ("Onderzoek en advies", DueDate(date(2021, 3, 31), M))
    assert (second.label, second.due) == ("Uitvoering", None)
    assert second.text == "afhankelijk van voorstel stuurgroep Veilig Thuis"
    assert parse_cell("December 2021") == (
        parse_cell("December 2021")[0],) and parse_cell("December 2021")[0].label is None


SEEDS = Path(os.environ.get("ACTIEBOT_SEEDS",
                            Path(__file__).resolve().parents[3] / "shared" / "seeds"))


def test_every_wanneer_gereed_cell_of_the_seeds_is_in_the_table() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}; the table above still ran")
    cells = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := re.match(r"\s*Wanneer gereed\s+(.+?)\s*$", line):
                cells.append(m.group(1))
    assert cells, "no 'Wanneer gereed' cells found"
    known = {phrase for _, phrase, _, _ in SEED_PHRASES}
    for cell in cells:
        assert cell in known, cell
        assert parse_cell(cell)[0].due is not None
