"""The council progress report from the example programmes, on SQLite and PostgreSQL:
drafted by the service from the database, rendered in every format, content checked."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.model import Status, StatusUpdate
from bot.domain.periods import parse_period
from bot.domain.ports import ActivityId
from bot.domain.report import Report
from bot.services.report import draft_report
from bot.services.report_results import ReportProblem, ReportReady
from handlers.render.report_files import render

GV = "gooi-en-vechtstreek"
KL = "kennemerland-2021"


def _report(deps, period: str, programme: str) -> Report:  # type: ignore[no-untyped-def]
    result = draft_report(deps, parse_period(period), programme)
    assert isinstance(result, ReportReady), result
    return result.report


def _md(report: Report, lang: str = "nl") -> str:
    return render(report, "md", lang).decode().replace("\\", "")


def _section(md: str, heading: str) -> str:
    """The text under a level-2 heading, up to the next one."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", md, re.DOTALL | re.MULTILINE)
    assert match, heading
    return match.group(1)


def _log(deps, programme: str, key: str, at: datetime, status: Status, note: str) -> None:  # type: ignore[no-untyped-def]
    with deps.uow(write=True) as uow:
        uow.repo.append_update(ActivityId(programme, key), StatusUpdate(
            at=at, author="U0SECRET9", old_status=None, new_status=status, note=note,
            author_name="Jan Jansen"), source="slack")
        uow.commit()


def test_gooi_2021_h1_has_every_goal_and_activity_and_only_the_period_updates(loaded) -> None:
    deps = loaded.deps
    report = _report(deps, "2021-H1", GV)
    md = _md(report)
    with deps.uow() as uow:
        file = uow.repo.load_programme(GV)
    assert file is not None
    for goal in file.goals:
        assert f"### {goal.name}" in md
    for activity in file.activities:
        assert f"##### {activity.title}" in md
    for activity in file.activities:
        for update in activity.updates:
            day = update.at.astimezone(ZoneInfo("Europe/Amsterdam")).date()
            inside = parse_period("2021-H1").contains(day)
            if update.note:
                assert (update.note in md) is inside, (activity.key, day, inside)
    assert "Voorlichting op maat" in md and "1 maart 2021" in md
    assert "Concept" in md and "eerste halfjaar 2021" in md


def test_gooi_vooruitblik_lists_the_next_period_deadlines(loaded) -> None:
    report = _report(loaded.deps, "2021-H1", GV)
    outlook = _section(_md(report), "Vooruitblik")
    assert "tweede halfjaar 2021" in outlook
    for title in ("Handle with Care uitbreiden naar andere regiogemeenten",
                  "Ontwikkelen pleger-aanpak"):
        assert title in outlook
    assert "Eindrapportage van het programma" not in outlook  # due Q1 2022: not next period
    assert {i.activity_key for i in report.outlook} >= {"gv-hwc-uitbreiding", "gv-borging"}


def test_gooi_2020_h1_explains_the_postponed_werksessie(loaded) -> None:
    md = _md(_report(loaded.deps, "2020-H1", GV))
    part = md.split("##### Regiobrede werksessie", 1)[1].split("#####", 1)[0]
    assert "deadline verschoven" in part
    moved = part.split("**Deadline verschoven**", 1)[1]
    assert "april 2020" in moved and "reden" in moved and "uitgesteld" in moved


def test_kennemerland_updates_inside_present_outside_absent_no_user_ids(loaded) -> None:
    deps = loaded.deps
    _log(deps, KL, "mda-advies", datetime(2021, 3, 15, 9, tzinfo=UTC), Status.DONE,
         "Advies Hoe verder? aangeboden aan de stuurgroep door <@U0SECRET9|jan>")
    _log(deps, KL, "indicatoren-set", datetime(2021, 7, 2, 9, tzinfo=UTC), Status.ON_TRACK,
         "Eerste bijeenkomst werkgroep indicatoren gehouden")
    _log(deps, KL, "thv-onderzoek", datetime(2020, 12, 31, 23, 30, tzinfo=UTC), Status.AT_RISK,
         "Oudejaarsavond: in Amsterdam al 2021")
    report = _report(deps, "2021-H1", KL)
    md = _md(report)
    assert "Advies Hoe verder? aangeboden aan de stuurgroep" in md
    assert "Werkgroep MDA++, Hoe verder?" in md and "15 maart 2021" in md
    assert "Eerste bijeenkomst werkgroep indicatoren" not in md
    assert "Oudejaarsavond" in md  # 23:30 UTC on 31 December is 1 January in Amsterdam
    assert "U0SECRET9" not in md and "Jan Jansen" not in md and "|jan" not in md
    assert "aangeboden aan de stuurgroep door [persoon]" in md
    with deps.uow() as uow:
        file = uow.repo.load_programme(KL)
    assert file is not None
    for activity in file.activities:
        assert activity.title in md
    # the status is the one at the end of the period, not today's
    mda = next(a for a in report.activities if a.key == "mda-advies")
    assert mda.status is Status.DONE
    later = next(a for a in report.activities if a.key == "indicatoren-set")
    assert later.status is Status.NOT_STARTED


def test_english_report(loaded) -> None:
    md = _md(_report(loaded.deps, "2021-H1", GV), "en")
    assert "# Progress report" in md and "## Looking ahead" in md and "first half of 2021" in md


def test_empty_period_and_problems(loaded) -> None:
    deps = loaded.deps
    md = _md(_report(deps, "2030-03", GV))
    assert "geen van de 36 activiteiten een update" in md  # 33, seed 000's Q4 2020 promise, 2 recurring
    assert "Geen deadlines of mijlpalen in april 2030" in md
    assert isinstance(draft_report(deps, parse_period("2021"), None), ReportProblem)
    unknown = draft_report(deps, parse_period("2021"), "nope")
    assert isinstance(unknown, ReportProblem) and unknown.reason == "unknown_programme"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_empty_database_has_no_programme(runtime) -> None:
    result = draft_report(runtime.deps, parse_period("2021"), None)
    assert isinstance(result, ReportProblem) and result.reason == "no_programmes"


# -- formats: html and docx (accessibility properties), odt ----------------------------------

PNG = b"\x89PNG\r\n\x1a\n"


class _Html:
    """What html.parser sees: the lang, headings in order, table headers, images."""

    def __init__(self, text: str) -> None:
        from html.parser import HTMLParser

        self.lang: str | None = None
        self.headings: list[tuple[int, str]] = []
        self.th: list[dict[str, str | None]] = []
        self.images: list[dict[str, str | None]] = []
        self.captions = 0
        outer = self

        class Parser(HTMLParser):
            heading: int | None = None
            buffer = ""

            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                found = dict(attrs)
                if tag == "html":
                    outer.lang = found.get("lang")
                elif re.fullmatch(r"h[1-6]", tag):
                    self.heading, self.buffer = int(tag[1]), ""
                elif tag == "th":
                    outer.th.append(found)
                elif tag == "img":
                    outer.images.append(found)
                elif tag == "caption":
                    outer.captions += 1

            def handle_data(self, data: str) -> None:
                if self.heading:
                    self.buffer += data

            def handle_endtag(self, tag: str) -> None:
                if self.heading and tag == f"h{self.heading}":
                    outer.headings.append((self.heading, self.buffer))
                    self.heading = None

        Parser().feed(text)


def _check_png(data: bytes) -> None:
    import struct
    import zlib

    assert data.startswith(PNG)
    width, height = struct.unpack(">II", data[16:24])
    assert 100 < width < 5000 and 100 < height < 5000
    assert data[12:16] == b"IHDR" and zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0]
    assert data.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("programme", "period"), [(GV, "2021-H1"), (KL, "2021")])
def test_html_is_self_contained_and_accessible(loaded, programme: str, period: str) -> None:
    import base64

    report = _report(loaded.deps, period, programme)
    text = render(report, "html").decode()
    page = _Html(text)
    assert page.lang == "nl"
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))  # no skipped level
    assert [h for level, h in page.headings if level == 2] == [
        "Gegevens", "Stand van zaken", "Actielijnen", "Indicatoren", "Vooruitblik"]
    assert {t for t in (th.get("scope") for th in page.th)} == {"col", "row"}
    assert page.captions >= 3 and page.images
    for image in page.images:
        assert image["alt"] and len(image["alt"]) > 20
        src = image["src"] or ""
        assert src.startswith("data:image/png;base64,")
        _check_png(base64.b64decode(src.split(",", 1)[1]))
    assert "Concept" in text and "http://" not in text.replace("http://www.w3.org", "")
    for activity in report.activities:
        from html import escape

        assert escape(activity.title) in text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("programme", "period"), [(GV, "2021-H1"), (KL, "2021-H1")])
def test_docx_opens_with_headings_header_rows_alt_text_and_dutch(
        loaded, programme: str, period: str) -> None:
    import io

    from docx import Document
    from docx.oxml.ns import qn

    report = _report(loaded.deps, period, programme)
    document = Document(io.BytesIO(render(report, "docx")))
    assert document.core_properties.language == "nl-NL"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:val")) == "nl-NL"
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    assert ("Heading 1", f"Voortgangsrapportage {report.cover.programme_name}") == headings[0]
    assert ("Heading 2", "Vooruitblik") in headings
    titles = {text for style, text in headings if style == "Heading 5"}
    assert {a.title for a in report.activities} <= titles
    assert document.tables
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
    pictures = document.inline_shapes
    assert len(pictures) >= 2
    for shape in pictures:
        doc_pr = shape._inline.docPr
        assert doc_pr.get("descr") and len(doc_pr.get("descr")) > 20
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        _check_png(document.part.related_parts[blip].blob)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Concept" in text and "Concept" in document.sections[0].header.paragraphs[0].text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_odt_has_headings_header_rows_alt_text_and_language(loaded) -> None:
    import io
    import zipfile

    report = _report(loaded.deps, "2021-H1", GV)
    archive = zipfile.ZipFile(io.BytesIO(render(report, "odt")))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    content = archive.read("content.xml").decode()
    assert 'text:outline-level="1"' in content and "Vooruitblik" in content
    assert content.count("<table:table-header-rows>") >= 3
    assert content.count("<svg:desc>") == content.count("<draw:image") >= 2
    assert "<dc:language>nl-NL</dc:language>" in archive.read("meta.xml").decode()
    for name in archive.namelist():
        if name.endswith(".png"):
            _check_png(archive.read(name))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_report_takes_a_fixed_number_of_queries(loaded) -> None:
    """No query per activity: Gooi en Vechtstreek (33 activities) and Kennemerland (11) cost
    the same number of statements."""
    from sqlalchemy import event

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    _report(loaded.deps, "2021-H1", GV)  # warm: what the read cache keeps (the programmes,
    _report(loaded.deps, "2021-H1", KL)  # the working groups) as in steady state
    event.listen(loaded.engine, "before_cursor_execute", count)
    try:
        _report(loaded.deps, "2021-H1", GV)
        gooi = len(statements)
        statements.clear()
        _report(loaded.deps, "2021-H1", KL)
        kennemerland = len(statements)
    finally:
        event.remove(loaded.engine, "before_cursor_execute", count)
    assert gooi == kennemerland <= 16


def test_a_logged_reschedule_is_explained_with_old_new_and_reason(loaded) -> None:
    """`/actie verplaats` writes a reschedule event to the update log (old -> new deadline, the
    note is the reason); the report lists it under *Deadline verschoven*, not as an update."""
    from bot.domain.model import DueDate, Precision, UpdateEvent

    deps = loaded.deps
    with deps.uow(write=True) as uow:
        uow.repo.append_update(ActivityId(KL, "mda-advies"), StatusUpdate(
            at=datetime(2021, 3, 20, 10, tzinfo=UTC), author="U0SECRET9", old_status=None,
            new_status=Status.ON_TRACK, note="De stuurgroep vergadert pas in september",
            author_name="Jan Jansen", event=UpdateEvent.RESCHEDULE,
            old_due=DueDate(date(2021, 3, 31), Precision.MONTH),
            new_due=DueDate(date(2021, 9, 30), Precision.MONTH)), source="slack")
        uow.commit()
    report = _report(deps, "2021-H1", KL)
    mda = next(a for a in report.activities if a.key == "mda-advies")
    assert mda.moved and not mda.reschedules[0].from_note and mda.updates == ()
    assert report.overview.moved == 1
    part = _md(report).split("##### Omvang en kenmerken MDA++", 1)[1].split("#####", 1)[0]
    moved = part.split("**Deadline verschoven**", 1)[1]
    assert "20 maart 2021" in moved and "van maart 2021 naar september 2021" in moved
    assert "De stuurgroep vergadert pas in september" in moved
    assert "U0SECRET9" not in part and "Jan Jansen" not in part
