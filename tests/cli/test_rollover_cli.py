"""`actiebot rollover` as an operator runs it, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import GOOI, KENNEMERLAND


def _programme(cli, key: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("export", "--programme", key)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_rollover_carries_open_work_links_history_and_archives_the_old(cli,
                                                                     tmp_path: Path) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    assert cli("import", str(GOOI)).returncode == 0
    assert cli("ask", "update", "mda-advies", "vertraagd", "wachten", "op", "stuurgroep"
               ).returncode == 0
    assert cli("ask", "update", "plegeraanpak", "gereed").returncode == 0
    before = _programme(cli, "kennemerland-2021")

    result = cli("rollover", "--from", "kennemerland-2021", "--to", "kennemerland-2022")
    assert result.returncode == 0, result.stderr
    assert "carried over 13 open activities, left behind 1 done or cancelled" in result.stdout
    assert "  left     plegeraanpak (gereed)" in result.stdout

    new = _programme(cli, "kennemerland-2022")
    old = _programme(cli, "kennemerland-2021")
    assert new["programme"]["name"].endswith("actieagenda 2022")
    assert new["programme"]["carried_from"] == "kennemerland-2021"
    # groups (channels, reminder policies, members) and goals continue unchanged
    assert new["working_groups"] == before["working_groups"]
    assert new["goals"] == before["goals"]
    keys = [a["key"] for a in new["activities"]]
    assert "plegeraanpak" not in keys
    assert keys == [a["key"] for a in before["activities"] if a["key"] != "plegeraanpak"]
    mda = next(a for a in new["activities"] if a["key"] == "mda-advies")
    old_mda = next(a for a in before["activities"] if a["key"] == "mda-advies")
    assert mda["carried_from"] == "kennemerland-2021/mda-advies"
    assert mda["status"] == "vertraagd"
    assert (mda["owners"], mda["due"], mda["milestones"]) == (
        old_mda["owners"], old_mda["due"], old_mda["milestones"])
    assert [u["author"] for u in mda["updates"]] == ["rollover"]  # its own log starts here
    # the old programme is kept whole, only marked as continued
    assert old["programme"].pop("succeeded_by") == "kennemerland-2022"
    assert old == before

    # /actie answers from the new programme: no ambiguity between the two years
    who = cli("ask", "wie", "MDA++")
    assert "Werkgroep MDA++, Hoe verder?" in who.stdout and "kennemerland-2021" not in who.stdout
    history = cli("ask", "geschiedenis", "mda-advies")
    assert history.returncode == 0
    text = history.stdout
    assert "Overgenomen uit kennemerland-2021" in text
    assert "Eerder, in kennemerland-2021 (mda-advies):" in text
    assert text.index("wachten op stuurgroep") > text.index("Eerder, in kennemerland-2021")
    assert "gooi-en-vechtstreek" not in cli("ask", "wie", "MDA++").stdout

    # re-importing last year's file does not bring it back to life
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    assert _programme(cli, "kennemerland-2021")["programme"]["succeeded_by"] == "kennemerland-2022"
    assert "Eerder, in kennemerland-2021" in cli("ask", "geschiedenis", "mda-advies").stdout

    # a second year chains: geschiedenis follows both links
    again = cli("rollover", "--from", "kennemerland-2022", "--to", "kennemerland-2023",
                "--name", "Actieagenda 2023")
    assert again.returncode == 0, again.stderr
    assert _programme(cli, "kennemerland-2023")["programme"]["name"] == "Actieagenda 2023"
    chained = cli("ask", "geschiedenis", "mda-advies").stdout
    assert chained.index("Eerder, in kennemerland-2022") < chained.index(
        "Eerder, in kennemerland-2021")


def test_dry_run_and_refusals_change_nothing(cli) -> None:
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    assert cli("import", str(GOOI)).returncode == 0
    before = cli("export").stdout

    dry = cli("rollover", "--from", "kennemerland-2021", "--to", "kennemerland-2022",
              "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("dry run: rollover kennemerland-2021 -> kennemerland-2022")
    assert "would carry over 14 open activities" in dry.stdout
    assert "nothing was changed" in dry.stderr
    assert cli("export").stdout == before
    assert cli("export", "--programme", "kennemerland-2022").returncode == 1

    for args, expected in (
        (("--from", "bestaat-niet", "--to", "x-2022"), "no programme with key 'bestaat-niet'"),
        (("--from", "kennemerland-2021", "--to", "gooi-en-vechtstreek"),
         "a programme 'gooi-en-vechtstreek' exists already"),
        (("--from", "kennemerland-2021", "--to", "kennemerland-2021"), "both"),
    ):
        refused = cli("rollover", *args)
        assert refused.returncode == 1, refused.stdout
        assert refused.stderr.count("\n") == 1 and expected in refused.stderr
        assert "Traceback" not in refused.stderr
    assert cli("rollover", "--from", "kennemerland-2021").returncode == 2
    assert cli("rollover", "--from", "Kennemerland 2021", "--to", "k-2022").returncode == 2
    assert cli("export").stdout == before
