"""Issue 8, hostile import through `actiebot import`: a size cap, nesting and alias limits, CSV.

Each refusal is one line on stderr ("FILE[:LINE]: problem …; not imported, nothing was changed"),
exit status 1, no traceback, and the database holds no programme afterwards. The time bounds
are generous (a loaded two-core machine): without the limits the bombs below run for hours or
exhaust memory, with them they are refused in well under a second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, run_cli

GENEROUS_SECONDS = 60


def bomb_495(tmp_path: Path) -> Path:
    """Nine levels of nine aliases each: 9**9 (387 million) strings when expanded."""
    lines = ['programme: {key: bomb, name: "Bom"}',
             'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(path.read_bytes()) < 520
    return path


def bomb_357(tmp_path: Path) -> Path:
    """A smaller one that used to be stored (8 MB): five levels of ten, in an unknown key."""
    text = ('programme: {key: bomb, name: "Bom"}\n'
            "x: &x [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
            + "".join(f"{n}: &{n} [" + ",".join([f"*{p}"] * 10) + "]\n"
                      for p, n in (("x", "y"), ("y", "z"), ("z", "w"), ("w", "v")))
            + "activities: []\n")
    path = tmp_path / "bomb357.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(text) < 400
    return path


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str], path: Path,
                               fragment: str) -> None:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(str(path)) and fragment in lines[0]
    assert lines[0].endswith("not imported, nothing was changed")
    assert "Traceback" not in result.stderr and result.stdout == ""


def assert_nothing_stored(cli) -> None:  # type: ignore[no-untyped-def]
    # A refused import creates nothing: on SQLite not even the database file, on PostgreSQL
    # the (existing) database holds no programme.
    result = cli("export")
    assert result.returncode == 1
    assert "nothing to export" in result.stderr or "nothing was created" in result.stderr


@pytest.mark.parametrize("make", [bomb_495, bomb_357], ids=["495-bytes", "357-bytes"])
def test_an_alias_bomb_is_refused_within_seconds(cli, tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    started = time.monotonic()
    result = cli("import", str(path))
    assert time.monotonic() - started < GENEROUS_SECONDS
    assert_refused_in_one_line(result, path, "alias bomb")
    assert_nothing_stored(cli)


def test_a_recursive_alias_is_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "recursive.yaml"
    path.write_text('programme: {key: r, name: "R"}\nx: &a [1, *a]\n', encoding="utf-8")
    assert_refused_in_one_line(cli("import", str(path)), path, "refers to itself")
    assert_nothing_stored(cli)


def test_deep_nesting_is_refused_with_its_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "deep.yaml"
    path.write_text('programme: {key: d, name: "D"}\nx: ' + "[" * 200 + "]" * 200 + "\n",
                    encoding="utf-8")
    result = cli("import", str(path))
    assert_refused_in_one_line(result, Path(f"{path}:2"), "nested more than 32 levels")
    assert_nothing_stored(cli)


def test_honest_aliases_still_import(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "aliases.yaml"
    path.write_text(
        'programme: {key: a, name: "A"}\n'
        "working_groups:\n"
        "  - {key: g1, name: G1, reminders: &policy {before_working_days: [5, 1]}}\n"
        "  - {key: g2, name: G2, reminders: *policy}\n"
        "activities: []\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.returncode == 0, result.stderr


def test_a_52_megabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as stream:  # sparse: 52 MB that cost no disk
        stream.write(b'programme: {key: big, name: "Big"}\n')
        stream.seek(52 * 1024 * 1024)
        stream.write(b"\n")
    database = f"sqlite:///{tmp_path / 'actiebot.db'}"
    probe = ("import resource, sys\nfrom bot.cli import main\nrc = main(sys.argv[1:])\n"
             "print('maxrss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
             "file=sys.stderr)\nsys.exit(rc)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACTIEBOT_"))}
    env["DATABASE_URL"] = database
    result = subprocess.run([sys.executable, "-c", probe, "import", str(path)], cwd=ROOT,
                            check=False, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    refusal, rss = result.stderr.strip().splitlines()
    assert refusal == (f"{path}: the file is too large (52.0 MB) (expected a programme file of "
                       "at most 5.0 MB; ACTIEBOT_MAX_PROGRAMME_MB raises the limit); "
                       "not imported, nothing was changed")
    assert int(rss.split()[1]) < 400 * 1024  # reading and parsing 52 MB takes gigabytes (2.2 GB)


def test_a_device_without_a_size_is_read_only_up_to_the_cap(tmp_path: Path) -> None:
    """/dev/zero reports size 0 and never ends: at most 5 MB + 1 byte are read."""
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    result = run_cli("import", str(link),
                     env={"DATABASE_URL": f"sqlite:///{tmp_path / 'actiebot.db'}"},
                     timeout=GENEROUS_SECONDS)
    assert_refused_in_one_line(result, link, "the file is too large (more than 5.0 MB)")


def padded_programme(tmp_path: Path, megabytes: float) -> Path:
    """A valid programme file of a little over `megabytes` MB (the bulk is YAML comments,
    which cost the parser next to nothing)."""
    path = tmp_path / "large.yaml"
    head = ('programme: {key: groot, name: "Groot programma"}\n'
            "activities:\n  - {key: a1, title: Eerste activiteit, due: 2021-03-31}\n")
    line = "# " + "opvulling " * 9 + "\n"
    count = int(megabytes * 1024 * 1024) // len(line) + 1
    path.write_text(head + line * count, encoding="utf-8")
    assert path.stat().st_size > megabytes * 1024 * 1024
    return path


def test_the_default_limit_refuses_a_larger_file_naming_the_variable(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = padded_programme(tmp_path, 5.1)
    result = cli("import", str(path))
    assert_refused_in_one_line(result, path, "the file is too large (5.1 MB)")
    assert "at most 5.0 MB; ACTIEBOT_MAX_PROGRAMME_MB raises the limit" in result.stderr
    assert_nothing_stored(cli)


def test_a_raised_limit_admits_the_larger_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = padded_programme(tmp_path, 5.1)
    result = cli("import", str(path), env={"ACTIEBOT_MAX_PROGRAMME_MB": "6"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported groot: 1 activities")
    exported = cli("export", "--format", "json")
    assert exported.returncode == 0 and '"a1"' in exported.stdout
    # and a limit below the file's size refuses it, naming the limit in force
    smaller = cli("import", str(path), env={"ACTIEBOT_MAX_PROGRAMME_MB": "2.5"})
    assert_refused_in_one_line(smaller, path, "at most 2.5 MB; ACTIEBOT_MAX_PROGRAMME_MB")


@pytest.mark.parametrize("value", ["0", "-3", "vijf", "nan", "5000"])
def test_a_wrong_limit_is_named_and_changes_nothing(cli, tmp_path: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "small.yaml"
    path.write_text('programme: {key: klein, name: "Klein"}\nactivities: []\n', encoding="utf-8")
    result = cli("import", str(path), env={"ACTIEBOT_MAX_PROGRAMME_MB": value})
    assert result.returncode == 1
    assert result.stderr.startswith("actiebot: ACTIEBOT_MAX_PROGRAMME_MB=")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert_nothing_stored(cli)


def test_a_csv_file_is_export_only(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "programme.csv"
    path.write_text("programme,key,title\nx,a,A\n", encoding="utf-8")
    assert_refused_in_one_line(cli("import", str(path)), path, "CSV is export-only")
    assert_nothing_stored(cli)
