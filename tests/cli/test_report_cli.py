"""`actiebot report` as an operator runs it: real processes, real databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GOOI, KENNEMERLAND


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_report_md_to_stdout_and_errors(cli, tmp_path: Path) -> None:
    empty = cli("report", "--period", "2021-H1")
    # no database yet: named, and not created by a command that only reads
    assert empty.returncode == 1 and "nothing was created" in empty.stderr
    assert "Traceback" not in empty.stderr
    assert cli("import", str(GOOI)).returncode == 0
    md = cli("report", "--period", "2021-H1")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Voortgangsrapportage") and "## Vooruitblik" in md.stdout
    bad = cli("report", "--period", "volgend voorjaar")
    assert bad.returncode == 2 and "not a period" in bad.stderr
    assert cli("import", str(KENNEMERLAND)).returncode == 0
    several = cli("report", "--period", "2021")
    assert several.returncode == 1 and "--programme" in several.stderr
    unknown = cli("report", "--period", "2021", "--programme", "nope")
    assert unknown.returncode == 1 and "kennemerland-2021" in unknown.stderr
    out = tmp_path / "rapport.md"
    en = cli("report", "--period", "2021-Q3", "--programme", "kennemerland-2021", "--lang", "en",
             "-o", str(out))
    assert en.returncode == 0, en.stderr
    assert out.read_text(encoding="utf-8").startswith("# Progress report")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_report_house_style_status_and_nieuwsbrief_from_the_cli(cli, tmp_path: Path) -> None:
    import io
    import zipfile

    from docx import Document

    from tests.conftest import EXAMPLES

    assert cli("import", str(KENNEMERLAND)).returncode == 0
    template = EXAMPLES / "huisstijl" / "huisstijl-voorbeeld.docx"
    out = tmp_path / "rapport.docx"
    styled = cli("report", "--period", "2021-H1", "--template", str(template),
                 "--status", "vastgesteld", "-o", str(out))
    assert styled.returncode == 0, styled.stderr
    document = Document(io.BytesIO(out.read_bytes()))  # docx: the template's kind decided
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header[0] == "Gemeente Voorbeeld — Griffie" and header[1].startswith("Vastgesteld")
    assert document.styles["Heading 1"].font.name == "Arial"

    letter = tmp_path / "nieuwsbrief.odt"
    newsletter = cli("report", "--period", "2021-H1", "--audience", "nieuwsbrief",
                     "--format", "odt", "-o", str(letter))
    assert newsletter.returncode == 0, newsletter.stderr
    content = zipfile.ZipFile(letter).read("content.xml").decode()
    assert "Nieuwsbrief" in content and "Wat komt eraan" in content

    mismatch = cli("report", "--period", "2021-H1", "--format", "odt", "--template",
                   str(template))
    assert mismatch.returncode == 2 and "--format docx" in mismatch.stderr
    for_md = cli("report", "--period", "2021-H1", "--template", str(tmp_path / "x.txt"))
    assert for_md.returncode == 2 and ".docx or .odt" in for_md.stderr
    missing = cli("report", "--period", "2021-H1", "--template", str(tmp_path / "geen.docx"))
    assert missing.returncode == 1 and "cannot read the reference document" in missing.stderr
    broken = tmp_path / "kapot.docx"
    broken.write_bytes(b"dit is geen Word-document")
    unreadable = cli("report", "--period", "2021-H1", "--template", str(broken))
    assert unreadable.returncode == 1 and "not a Word document" in unreadable.stderr
    for result in (mismatch, for_md, missing, unreadable):
        assert "Traceback" not in result.stderr

    then = cli("report", "--period", "2021-H1", "--today", "2021-07-15")
    assert then.returncode == 0 and "| Datum opgesteld | 15 juli 2021 |" in then.stdout
    env = cli("report", "--period", "2021-H1", env={"ACTIEBOT_TODAY": "2021-07-16"})
    assert env.returncode == 0 and "| Datum opgesteld | 16 juli 2021 |" in env.stdout
