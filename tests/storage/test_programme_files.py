"""Programme files: import upserts by keys, is idempotent and lossless; broken files change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.domain.model import Precision, Status
from bot.domain.ports import ActivityId
from storage.models import ActivityRow, StatusUpdateRow
from storage.programme_file import (
    ProgrammeFileError,
    dump_csv,
    dump_json,
    dump_yaml,
    read_file,
    read_text,
)
from tests.conftest import GOOI, KENNEMERLAND


def import_files(deps, *paths: Path) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    counts = {}
    with deps.uow(write=True) as uow:
        for path in paths:
            for file in read_file(path):
                counts[file.programme.key] = uow.repo.save_programme(file)
        uow.commit()
    return counts


def export(deps, key: str):  # type: ignore[no-untyped-def]
    with deps.uow() as uow:
        return uow.repo.load_programme(key)


def table_counts(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as c:
        return (c.execute(select(func.count()).select_from(ActivityRow)).scalar_one(),
                c.execute(select(func.count()).select_from(StatusUpdateRow)).scalar_one())


@pytest.mark.parametrize("path", [KENNEMERLAND, GOOI], ids=["kennemerland", "gooi"])
def test_import_export_import_is_lossless(runtime, path: Path, tmp_path: Path,
                                          settings_for) -> None:
    import_files(runtime.deps, path)
    key = read_file(path)[0].programme.key
    first = export(runtime.deps, key)
    yaml_text = dump_yaml([first])
    # the export reads back into an identical programme, in YAML and in JSON
    assert read_text(yaml_text)[0] == first
    assert read_text(dump_json([first]))[0] == first
    # and importing it into a fresh database exports the very same text
    from bot.app import build_runtime

    other = build_runtime(settings_for(f"sqlite:///{tmp_path / 'other.db'}"))
    out = tmp_path / "export.yaml"
    out.write_text(yaml_text, encoding="utf-8")
    import_files(other.deps, out)
    assert dump_yaml([export(other.deps, key)]) == yaml_text


def test_reimport_is_idempotent(runtime) -> None:
    import_files(runtime.deps, KENNEMERLAND, GOOI)
    before = table_counts(runtime.engine)
    counts = import_files(runtime.deps, KENNEMERLAND, GOOI)
    assert table_counts(runtime.engine) == before
    assert all(not c.get("activities_created") and not c.get("updates_added")
               for c in counts.values())


def test_unknown_keys_are_kept(runtime) -> None:
    import_files(runtime.deps, KENNEMERLAND)
    data = yaml.safe_load(dump_yaml([export(runtime.deps, "kennemerland-2021")]))
    assert data["programme"]["document"] == "INT-21-60322"
    mda = next(a for a in data["activities"] if a["key"] == "mda-advies")
    assert mda["milestones"][0] == {"title": "Onderzoek en advies", "due": "maart 2021"}
    assert mda["milestones"][1]["due"] is None
    assert mda["milestones"][1]["due_text"] == "afhankelijk van voorstel stuurgroep Veilig Thuis"


def test_month_precision_and_owners_in_seed_order(runtime) -> None:
    import_files(runtime.deps, KENNEMERLAND)
    with runtime.deps.uow() as uow:
        mda = uow.repo.get_activity(ActivityId("kennemerland-2021", "mda-advies"))
    assert mda is not None and mda.due is None  # the seed dates only its first milestone
    first = mda.milestones[0].due
    assert first is not None
    assert first.precision is Precision.MONTH and first.value.isoformat() == "2021-03-31"
    assert mda.owners == ("Werkgroep MDA++, Hoe verder?", "Stuurgroep Veilig Thuis")


def test_gooi_updates_are_in_the_log(runtime) -> None:
    import_files(runtime.deps, GOOI)
    with runtime.deps.uow() as uow:
        updates = uow.repo.list_updates(ActivityId("gooi-en-vechtstreek", "gv-samenwerkingsafspraken"))
        activity = uow.repo.get_activity(ActivityId("gooi-en-vechtstreek", "gv-samenwerkingsafspraken"))
    assert updates and activity is not None
    assert activity.status == updates[0].new_status


def test_changed_status_in_a_file_is_logged_as_an_import_update(runtime, tmp_path: Path) -> None:
    import_files(runtime.deps, KENNEMERLAND)
    data = yaml.safe_load(KENNEMERLAND.read_text(encoding="utf-8"))
    thv = next(a for a in data["activities"] if a["key"] == "thv-onderzoek")
    thv["status"] = "vertraagd"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    import_files(runtime.deps, changed)
    with runtime.deps.uow() as uow:
        last = uow.repo.last_update(ActivityId("kennemerland-2021", "thv-onderzoek"))
    assert last is not None and last.new_status is Status.DELAYED and last.author == "import"


BROKEN = """\
programme: {key: test-prog, name: "Test"}
working_groups:
  - {key: wg-a, name: "Werkgroep A"}
activities:
  - key: ok-one
    title: "Goed"
    working_group: wg-a
    due: "maart 2021"
  - key: bad-due
    title: "Slechte datum"
    due: "31 februari 2021"
  - key: bad-status
    title: "Slechte status"
    status: bijna-klaar
  - key: bad-group
    title: "Onbekende groep"
    working_group: wg-zzz
"""


def test_broken_file_names_line_and_key_and_changes_nothing(runtime, tmp_path: Path) -> None:
    import_files(runtime.deps, KENNEMERLAND)
    before = table_counts(runtime.engine)
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ProgrammeFileError) as caught:
        import_files(runtime.deps, path)
    problems = {p.key: p for p in caught.value.problems}
    assert problems["activities[1].due"].line == 11
    assert "31 februari 2021" in problems["activities[1].due"].problem
    assert problems["activities[2].status"].line == 14
    assert "niet-gestart" in problems["activities[2].status"].problem
    assert str(path) in str(caught.value)
    assert table_counts(runtime.engine) == before


def test_unknown_working_group_is_reported_with_its_line(tmp_path: Path) -> None:
    text = BROKEN.replace('"31 februari 2021"', '"maart 2021"').replace("bijna-klaar", "gereed")
    with pytest.raises(ProgrammeFileError) as caught:
        read_text(text, "f.yaml")
    [problem] = caught.value.problems
    assert problem.key == "activities[3].working_group" and problem.line == 17
    assert "wg-a" in (problem.expected or "")


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(ProgrammeFileError) as caught:
        read_text("programme: {key: x, name: y\nactivities: [\n", "f.yaml")
    assert caught.value.problems[0].line is not None


def test_personal_data_in_a_file_is_refused_with_its_line() -> None:
    text = BROKEN.split("  - key: bad-due")[0] + "    result: \"bel 06-12345678\"\n"
    with pytest.raises(ProgrammeFileError) as caught:
        read_text(text, "f.yaml")
    [problem] = caught.value.problems
    assert problem.line == 9 and "phone" in problem.problem
    assert "06-12345678" not in str(caught.value)


def test_duplicate_keys_are_refused() -> None:
    text = BROKEN.split("  - key: bad-due")[0] + "  - {key: ok-one, title: twee}\n"
    with pytest.raises(ProgrammeFileError) as caught:
        read_text(text, "f.yaml")
    assert "duplicate" in str(caught.value)


def test_csv_export_has_one_row_per_activity(runtime) -> None:
    import_files(runtime.deps, KENNEMERLAND)
    text = dump_csv([export(runtime.deps, "kennemerland-2021")])
    lines = text.strip().splitlines()
    assert lines[0].startswith("programme,key,title")
    assert len(lines) == 1 + len(read_file(KENNEMERLAND)[0].activities)
    assert any("indicatoren-set" in line and "juli 2021" in line for line in lines)
