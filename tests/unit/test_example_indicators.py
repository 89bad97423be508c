"""The indicator figures in the example programmes are the seeds' figures, transcribed
faithfully: seed 001's table of meldingen and adviezen per gemeente in 2020, the 2019 totals."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("ACTIEBOT_SEEDS", REPO.parent / "shared" / "seeds"))
GOOI = REPO / "examples" / "gooi-en-vechtstreek.yaml"
KENNEMERLAND = REPO / "examples" / "kennemerland-2021.yaml"


def _values(path: Path) -> dict[tuple[str, str, str | None], float]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {(v["indicator"], str(v["period"]), v.get("breakdown")): v["value"]
            for v in data.get("indicator_values", [])}


def _seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed documents not found at {SEEDS}")
    return found[0].read_text(encoding="utf-8")


def test_seed_001_table_per_gemeente_2020() -> None:
    rows = re.findall(r"^([A-Z][A-Za-z ]+?) (\d+) (\d+) (\d+)\s*$", _seed("001"), re.MULTILINE)
    assert len(rows) == 9  # seven gemeenten, Onbekend, Totaal
    values = _values(GOOI)
    for name, melding, advies, totaal in rows:
        breakdown = None if name == "Totaal" else name
        assert values[("vt-meldingen", "2020", breakdown)] == int(melding), name
        assert values[("vt-adviezen", "2020", breakdown)] == int(advies), name
        assert values[("vt-meldingen-adviezen", "2020", breakdown)] == int(totaal), name


def test_2019_totals_from_seeds_001_and_002() -> None:
    values = _values(GOOI)
    assert "toen werd er 3242 keer" in " ".join(_seed("001").split())
    seed_002 = " ".join(_seed("002").split())
    assert "Meldingen 1620 Adviezen 1622 Totaal 3242" in seed_002
    assert "3874 unieke personen" in seed_002
    assert values[("vt-meldingen-adviezen", "2019", None)] == 3242
    assert values[("vt-meldingen", "2019", None)] == 1620
    assert values[("vt-adviezen", "2019", None)] == 1622
    assert values[("vt-betrokken-personen", "2019", None)] == 3874


def test_effectonderzoek_figures_from_seed_002() -> None:
    seed = " ".join(_seed("002").split())
    values = _values(GOOI)
    assert "Nulmeting: 83 gezinnen" in seed and "meting: 50 gezinnen" in seed
    assert values[("effect-gezinnen", "2020-Q1", "nulmeting")] == 83
    assert values[("effect-gezinnen", "2020-Q1", "1ste meting")] == 50
    assert "In 18% van de gezinnen" in seed and "in 65% van de gevallen" in seed
    assert values[("effect-geen-geweld", "2020-Q1", None)] == 18
    assert values[("effect-ernstig-geweld", "2020-Q1", None)] == 65


def test_every_value_names_its_source_and_kennemerland_invents_no_figures() -> None:
    gooi = yaml.safe_load(GOOI.read_text(encoding="utf-8"))
    assert all(v.get("source") for v in gooi["indicator_values"])
    kennemerland = yaml.safe_load(KENNEMERLAND.read_text(encoding="utf-8"))
    assert kennemerland["indicators"] and not kennemerland.get("indicator_values")
    assert all(i.get("source") and i.get("working_group") == "wg-indicatoren"
               for i in kennemerland["indicators"])
