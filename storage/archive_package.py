"""The archive package as a zip: its files and their metadata after the Nationaal Archief's MDTO
(Metagegevens Duurzaam Toegankelijke Overheidsinformatie, version 1.0).

MDTO describes an information object (`informatieobject`: here the programme's dossier) and each
file that represents it (`bestand`), one XML document per object, root `<MDTO>` in the namespace
https://www.nationaalarchief.nl/mdto. No PyPI package ships the MDTO schema, so this writes the
subset the README lists (identificatie, naam, aggregatieniveau, dekkingInTijd, event,
waardering, bewaartermijn, informatiecategorie, archiefvormer, bevatOnderdeel; for each file
identificatie, naam, omvang, bestandsformaat, checksum with SHA-256, isRepresentatieVan) in
MDTO's element order, and the tests check it is well-formed and that every checksum matches.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree as ET

from bot.domain.archive import LogEntry

MDTO_NS = "https://www.nationaalarchief.nl/mdto"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{MDTO_NS} https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.xsd"
SOURCE = "Actiebot"
# File formats by extension: (PRONOM id, media type).
FORMATS = {
    ".yaml": ("fmt/818", "application/yaml"),
    ".csv": ("x-fmt/18", "text/csv"),
    ".json": ("fmt/817", "application/json"),
    ".docx": ("fmt/412", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".odt": ("fmt/291", "application/vnd.oasis.opendocument.text"),
}


@dataclass(frozen=True, slots=True)
class Dossier:
    """What the metadata says about the whole package."""

    identifier: str  # e.g. "actiebot:kennemerland-2021:2026-12-07"
    name: str
    start: date | None
    end: date | None
    created: datetime  # the export's moment (event Aanmaak)
    archive_creator: str  # archiefvormer: the region or municipality
    category: str = "jaarplannen en jaarverslagen"  # Woo informatiecategorie
    valuation: str = "V"  # waardering: V(ernietigen) or B(lijvend bewaren)
    retention: str = "P10Y"  # bewaartermijn, ISO 8601 duration
    retention_trigger: str = "Afsluiting dossier"


@dataclass(frozen=True, slots=True)
class Member:
    name: str  # path inside the zip
    content: bytes


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _el(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{MDTO_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _concept(parent: ET.Element, tag: str, label: str, code: str | None, vocabulary: str) -> None:
    """A begripGegevens: label, optional code, the vocabulary it comes from."""
    element = _el(parent, tag)
    _el(element, "begripLabel", label)
    if code:
        _el(element, "begripCode", code)
    _el(_el(element, "begripBegrippenlijst"), "verwijzingNaam", vocabulary)


def _identification(parent: ET.Element, identifier: str) -> None:
    element = _el(parent, "identificatie")
    _el(element, "identificatieKenmerk", identifier)
    _el(element, "identificatieBron", SOURCE)


def _reference(parent: ET.Element, tag: str, name: str, identifier: str | None = None) -> None:
    element = _el(parent, tag)
    _el(element, "verwijzingNaam", name)
    if identifier:
        _identification(element, identifier)


def _document(body: ET.Element) -> bytes:
    ET.register_namespace("", MDTO_NS)
    ET.register_namespace("xsi", XSI_NS)
    tree = ET.ElementTree(body)
    ET.indent(tree)
    out = io.BytesIO()
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue()


def _root() -> ET.Element:
    root = ET.Element(f"{{{MDTO_NS}}}MDTO")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    return root


def dossier_xml(dossier: Dossier, members: list[Member]) -> bytes:
    root = _root()
    obj = _el(root, "informatieobject")
    _identification(obj, dossier.identifier)
    _el(obj, "naam", dossier.name)
    _concept(obj, "aggregatieniveau", "Dossier", None, "MDTO Begrippenlijst Aggregatieniveau")
    if dossier.start and dossier.end:
        coverage = _el(obj, "dekkingInTijd")
        _concept(coverage, "dekkingInTijdType", "Materiële looptijd", None,
                 "MDTO Begrippenlijst Dekking in tijd type")
        _el(coverage, "dekkingInTijdBegindatum", dossier.start.isoformat())
        _el(coverage, "dekkingInTijdEinddatum", dossier.end.isoformat())
    event = _el(obj, "event")
    _concept(event, "eventType", "Aanmaak", None, "MDTO Begrippenlijst Eventtype")
    _el(event, "eventTijd", dossier.created.isoformat(timespec="seconds"))
    _reference(event, "eventVerantwoordelijkeActor", SOURCE)
    _concept(obj, "waardering", "Vernietigen" if dossier.valuation == "V" else "Blijvend bewaren",
             dossier.valuation, "Selectielijst gemeenten en intergemeentelijke organen 2020")
    retention = _el(obj, "bewaartermijn")
    _concept(retention, "termijnTriggerStartLooptijd", dossier.retention_trigger, None,
             "MDTO Begrippenlijst Trigger start looptijd")
    _el(retention, "termijnLooptijd", dossier.retention)
    _concept(obj, "informatiecategorie", dossier.category, None,
             "Woo-informatiecategorieën (artikel 3.3 Wet open overheid)")
    for member in members:
        _reference(obj, "bevatOnderdeel", member.name, _file_id(dossier, member))
    _reference(obj, "archiefvormer", dossier.archive_creator)
    return _document(root)


def _file_id(dossier: Dossier, member: Member) -> str:
    return f"{dossier.identifier}/{member.name}"


def file_xml(dossier: Dossier, member: Member) -> bytes:
    root = _root()
    item = _el(root, "bestand")
    _identification(item, _file_id(dossier, member))
    _el(item, "naam", member.name.rsplit("/", 1)[-1])
    _el(item, "omvang", str(len(member.content)))
    suffix = "." + member.name.rsplit(".", 1)[-1].lower()
    puid, media_type = FORMATS.get(suffix, (None, "application/octet-stream"))
    _concept(item, "bestandsformaat", media_type, puid, "PRONOM-register")
    checksum = _el(item, "checksum")
    _concept(checksum, "checksumAlgoritme", "SHA-256", None,
             "MDTO Begrippenlijst Checksumalgoritme")
    _el(checksum, "checksumWaarde", sha256(member.content))
    _el(checksum, "checksumDatum", dossier.created.isoformat(timespec="seconds"))
    _reference(item, "isRepresentatieVan", dossier.name, dossier.identifier)
    return _document(root)


def metadata_name(member: Member) -> str:
    return f"metadata/{member.name}.mdto.xml"


def write_package(dossier: Dossier, members: list[Member]) -> bytes:
    """The zip: every member, `metadata/<member>.mdto.xml` for each (bestand, with its SHA-256)
    and `metadata/dossier.mdto.xml` (the informatieobject)."""
    out = io.BytesIO()
    stamp = dossier.created.timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, content: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content,
                             compress_type=zipfile.ZIP_DEFLATED)

        for member in members:
            put(member.name, member.content)
        for member in members:
            put(metadata_name(member), file_xml(dossier, member))
        put("metadata/dossier.mdto.xml", dossier_xml(dossier, members))
    return out.getvalue()


# -- the update log ---------------------------------------------------------------------------

LOG_FIELDS = ("programma", "activiteit", "activiteit_titel", "werkgroep", "moment", "gebeurtenis",
              "vorige_status", "status", "vorige_deadline", "nieuwe_deadline", "toelichting",
              "organisatie", "rol", "bron")


def _log_row(entry: LogEntry) -> dict[str, str | None]:
    return dict(zip(LOG_FIELDS, (
        entry.programme, entry.activity, entry.activity_title, entry.working_group,
        entry.at.isoformat(), entry.event,
        str(entry.old_status) if entry.old_status else None, str(entry.new_status),
        entry.old_due, entry.new_due, entry.note, entry.organisation, entry.role, entry.source,
    ), strict=True))


def log_csv(entries: list[LogEntry]) -> bytes:
    """The log as CSV (UTF-8 with a byte order mark, so Excel reads the accents; ; separated,
    as Dutch Excel expects)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=LOG_FIELDS, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow({k: ("" if v is None else v) for k, v in _log_row(entry).items()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def log_json(entries: list[LogEntry]) -> bytes:
    return (json.dumps([_log_row(e) for e in entries], ensure_ascii=False, indent=2)
            + "\n").encode("utf-8")
