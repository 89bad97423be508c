"""`actiebot export --format archive -o FILE.zip`: the package for the municipal record, opened
member by member: the programme file, the log as CSV and JSON with organisation and role and no
Slack id, the half-year reports as docx and odt, and MDTO metadata whose SHA-256 checksums match."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

MDTO = "{https://www.nationaalarchief.nl/mdto}"

PROGRAMME = """\
programme:
  key: archieftest
  name: "Archieftest"
  region: Kennemerland
  timezone: Europe/Amsterdam
  admins: [U0ADMIN001]
working_groups:
  - key: wg-a
    name: "Werkgroep A"
    channel: C0A0000001
    members: {"GGD Kennemerland": [U0MEMBER01]}
goals:
  - {key: doel, name: "Samenwerken"}
activities:
  - key: act-a
    title: "Werkafspraken vastleggen"
    goal: doel
    working_group: wg-a
    due: "juni 2021"
    result: "Afspraken vastgelegd"
    updates:
      - {at: "2021-02-01T10:00:00+01:00", author: U0MEMBER01, status: op-schema,
         note: "Overleg met <@U0STRANGE1|piet> gepland"}
      - {at: "2021-03-01T11:00:00+01:00", author: U0ADMIN001, status: risico,
         note: "Wacht op akkoord"}
      - {at: "2021-06-30T14:00:00+02:00", author: U0STRANGE1, status: gereed, note: "Klaar"}
      - {at: "2021-07-02", author: "Raadsinformatiebrief Haarlem", status: gereed,
         note: "Gemeld aan de raad"}
"""


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_archive_package_is_complete_checksummed_and_names_nobody(cli, tmp_path: Path) -> None:
    from docx import Document
    from odf.opendocument import load

    source = tmp_path / "archieftest.yaml"
    source.write_text(PROGRAMME, encoding="utf-8")
    assert cli("import", str(source)).returncode == 0
    out = tmp_path / "archief.zip"
    result = cli("export", "--format", "archive", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "4 log entries, 4 reports" in result.stderr
    archive = zipfile.ZipFile(out)
    names = set(archive.namelist())
    reports = {f"rapportages/voortgangsrapportage-archieftest-2021-H{h}.{fmt}"
               for h in (1, 2) for fmt in ("docx", "odt")}
    files = {"programma.yaml", "logboek.csv", "logboek.json", *reports}
    assert names == files | {f"metadata/{n}.mdto.xml" for n in files} | {
        "metadata/dossier.mdto.xml"}

    # no Slack id anywhere in the package, not even inside the reports
    for name in names:
        data = archive.read(name)
        text = data.decode("utf-8", "replace")
        if name.endswith((".docx", ".odt")):
            inner = zipfile.ZipFile(io.BytesIO(data))
            text = " ".join(inner.read(n).decode("utf-8", "replace") for n in inner.namelist()
                            if n.endswith(".xml"))
        if name != "programma.yaml":  # the programme file is the import's own input
            assert not re.search(r"U0(ADMIN|MEMBER|STRANGE)", text), name

    programme = yaml.safe_load(archive.read("programma.yaml"))
    assert programme["programme"]["key"] == "archieftest"
    rows = list(csv.DictReader(io.StringIO(archive.read("logboek.csv").decode("utf-8-sig")),
                               delimiter=";"))
    log = json.loads(archive.read("logboek.json"))
    assert [r["moment"] for r in rows] == [e["moment"] for e in log]
    assert [(r["organisatie"], r["rol"], r["bron"]) for r in rows] == [
        ("GGD Kennemerland", "lid werkgroep namens eigenaar", ""),
        ("", "programmabeheerder", ""),
        ("", "deelnemer werkgroepkanaal", ""),
        ("", "overgenomen uit document", "Raadsinformatiebrief Haarlem"),
    ]
    assert rows[0]["toelichting"] == "Overleg met [persoon] gepland"
    assert rows[2]["moment"] == "2021-06-30T14:00:00+02:00" and rows[2]["status"] == "done"
    assert log[3]["organisatie"] is None

    for name in reports:
        data = io.BytesIO(archive.read(name))
        if name.endswith(".docx"):
            assert Document(data).paragraphs[0].text.startswith("Voortgangsrapportage")
        else:
            assert load(data).text is not None

    for name in files:
        meta = ET.fromstring(archive.read(f"metadata/{name}.mdto.xml"))
        assert meta.tag == f"{MDTO}MDTO"
        item = meta.find(f"{MDTO}bestand")
        assert item is not None
        checksum = item.find(f"{MDTO}checksum")
        assert checksum is not None
        algorithm = checksum.find(f"{MDTO}checksumAlgoritme/{MDTO}begripLabel")
        assert algorithm is not None and algorithm.text == "SHA-256"
        value = checksum.find(f"{MDTO}checksumWaarde")
        assert value is not None
        assert value.text == hashlib.sha256(archive.read(name)).hexdigest(), name
        size = item.find(f"{MDTO}omvang")
        assert size is not None and size.text == str(len(archive.read(name)))

    dossier = ET.fromstring(archive.read("metadata/dossier.mdto.xml"))
    obj = dossier.find(f"{MDTO}informatieobject")
    assert obj is not None
    children = [child.tag.removeprefix(MDTO) for child in obj]
    for element in ("identificatie", "naam", "dekkingInTijd", "event", "bewaartermijn",
                    "informatiecategorie", "bevatOnderdeel", "archiefvormer"):
        assert element in children, element
    order = ["identificatie", "naam", "aggregatieniveau", "dekkingInTijd", "event", "waardering",
             "bewaartermijn", "informatiecategorie", "bevatOnderdeel", "archiefvormer"]
    assert [c for c in dict.fromkeys(children)] == order  # MDTO's element order
    assert obj.findtext(f"{MDTO}dekkingInTijd/{MDTO}dekkingInTijdBegindatum") == "2021-02-01"
    assert obj.findtext(f"{MDTO}dekkingInTijd/{MDTO}dekkingInTijdEinddatum") == "2021-07-02"
    parts = {e.findtext(f"{MDTO}verwijzingNaam") for e in obj.findall(f"{MDTO}bevatOnderdeel")}
    assert parts == files


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_archive_needs_a_file_and_one_programme(cli, tmp_path: Path) -> None:
    from tests.conftest import GOOI, KENNEMERLAND

    assert cli("import", str(KENNEMERLAND)).returncode == 0
    to_stdout = cli("export", "--format", "archive")
    assert to_stdout.returncode == 2 and "-o FILE.zip" in to_stdout.stderr
    assert cli("import", str(GOOI)).returncode == 0
    several = cli("export", "--format", "archive", "-o", str(tmp_path / "a.zip"))
    assert several.returncode == 1 and "--programme" in several.stderr
    assert "Traceback" not in several.stderr and not (tmp_path / "a.zip").exists()
