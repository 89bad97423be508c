"""Reports a council can take as they are, and the public nieuwsbrief: every produced file is
opened with its own library (python-docx, odfpy, html.parser, zipfile) and checked for A4, the
status in the page header, a house style taken from a reference document, the language of the
programme's own words, and a newsletter without notes, names, owners or Slack ids."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.domain.model import IndicatorValue, Status, StatusUpdate
from bot.domain.periods import parse_period
from bot.domain.ports import ActivityId
from bot.domain.report import Report
from bot.services.report import draft_report
from bot.services.report_results import ReportReady
from handlers.render.report_files import render
from tests.conftest import EXAMPLES

GV = "gooi-en-vechtstreek"
KL = "kennemerland-2021"
A4_TWIPS = (11906, 16838)
SECRET_NOTE = "Besproken met Jan Jansen van de GGD, zie <@U0SECRET9|jan>"

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _report(deps, period: str, programme: str) -> Report:  # type: ignore[no-untyped-def]
    result = draft_report(deps, parse_period(period), programme)
    assert isinstance(result, ReportReady), result
    return result.report


class _Html(HTMLParser):
    """Headings (level, text, own lang), elements with a lang attribute and their text, images."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.headings: list[tuple[int, str, str | None]] = []
        self.marked: list[tuple[str, str]] = []  # (tag, text) of elements with lang="nl"
        self.images: list[dict[str, str | None]] = []
        self.lang: str | None = None
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "img":
            self.images.append(found)
            return
        for *_, parts in self._open:
            parts.append("")
        self._open.append((tag, found, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "img":
            return
        while self._open:
            name, found, parts = self._open.pop()
            text = "".join(parts)
            if self._open:
                self._open[-1][2].append(text)
            if found.get("lang") == "nl" and name != "html":
                self.marked.append((name, text))
            if re.fullmatch(r"h[1-6]", name):
                self.headings.append((int(name[1]), text, found.get("lang")))
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def _docx(data: bytes):  # type: ignore[no-untyped-def]
    from docx import Document

    return Document(io.BytesIO(data))


def _docx_text(document) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _odt_parts(data: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    return {name: archive.read(name).decode() for name in ("content.xml", "styles.xml",
                                                          "meta.xml")}


def _odt_master_header(data: bytes) -> tuple[str, dict[str, str]]:
    """The text of the default master page's header, and its page layout's properties."""
    from odf.opendocument import load
    from odf.style import Header, MasterPage, PageLayout, PageLayoutProperties
    from odf.teletype import extractText

    doc = load(io.BytesIO(data))
    masters = doc.masterstyles.getElementsByType(MasterPage)
    assert masters, "no master page: no page header"
    master = masters[0]
    header = " ".join(extractText(p) for h in master.getElementsByType(Header)
                      for p in h.childNodes)
    layout_name = master.getAttribute("pagelayoutname")
    layouts = [pl for pl in doc.automaticstyles.getElementsByType(PageLayout)
               if pl.getAttribute("name") == layout_name]
    assert layouts, layout_name
    props = layouts[0].getElementsByType(PageLayoutProperties)[0]
    return header, {k: props.getAttribute(k) for k in
                    ("pagewidth", "pageheight", "marginleft", "margintop")}


# -- the council report ------------------------------------------------------------------

def test_docx_is_a4_with_dutch_margins_and_the_status_on_every_page(loaded) -> None:
    report = _report(loaded.deps, "2021-H1", GV)
    document = _docx(render(report, "docx"))
    for section in document.sections:
        assert (section.page_width.twips, section.page_height.twips) == A4_TWIPS
        assert round(section.left_margin.cm, 2) == round(section.right_margin.cm, 2) == 2.5
        assert round(section.top_margin.cm, 2) == 2.5
        assert "Concept" in section.header.paragraphs[0].text
        assert section.footer._element.xpath(".//w:instrText[contains(., 'PAGE')]")
    assert "Concept, opgesteld door Actiebot" in _docx_text(document)

    adopted = _docx(render(report, "docx", status="vastgesteld"))
    header = adopted.sections[0].header.paragraphs[0].text
    assert header.startswith("Vastgesteld — Voortgangsrapportage") and "Concept" not in header
    assert adopted.core_properties.content_status == "Vastgesteld"
    text = _docx_text(adopted)
    assert "Concept" not in text and "Vastgesteld" in text  # the cover table's status too


def test_odt_has_a4_master_page_with_the_status_in_its_header(loaded) -> None:
    report = _report(loaded.deps, "2021-H1", KL)
    data = render(report, "odt")
    header, layout = _odt_master_header(data)
    assert header.startswith("Concept — Voortgangsrapportage")
    assert layout == {"pagewidth": "21cm", "pageheight": "29.7cm", "marginleft": "2.5cm",
                      "margintop": "2.5cm"}
    assert "text:page-number" in _odt_parts(data)["styles.xml"]  # the footer's page number
    adopted, _ = _odt_master_header(render(report, "odt", status="vastgesteld"))
    assert adopted.startswith("Vastgesteld — ")
    english, _ = _odt_master_header(render(report, "odt", "en"))
    assert english.startswith("Draft — Progress report")


def test_english_html_marks_the_programmes_dutch_words_as_dutch(loaded) -> None:
    report = _report(loaded.deps, "2021-H1", GV)
    page = _Html(render(report, "html", "en").decode())
    assert page.lang == "en"
    title = page.headings[0]
    assert title[0] == 1 and title[1].startswith("Progress report") and title[2] is None
    assert ("span", report.cover.programme_name) in page.marked
    activity_headings = {text: lang for level, text, lang in page.headings if level == 5}
    for activity in report.activities:
        assert activity_headings[activity.title] == "nl", activity.title
    goal_headings = {text: lang for level, text, lang in page.headings if level == 3}
    for goal in report.goals:
        if goal.name:
            assert goal_headings[goal.name] == "nl"
    english = {text for level, text, lang in page.headings if level == 2 and lang is None}
    assert {"Details", "Where things stand", "Action lines", "Looking ahead"} <= english
    results = {a.result for a in report.activities if a.result}
    assert results and results <= {text for _, text in page.marked}

    dutch = _Html(render(report, "html", "nl").decode())
    assert dutch.lang == "nl" and not dutch.marked  # all of it is Dutch already


def test_english_docx_and_odt_mark_the_dutch_runs(loaded) -> None:
    from docx.oxml.ns import qn

    report = _report(loaded.deps, "2021-H1", KL)
    document = _docx(render(report, "docx", "en"))
    marked = {run.text for p in document.paragraphs for run in p.runs
              if run._r.rPr is not None and run._r.rPr.find(qn("w:lang")) is not None
              and run._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "nl-NL"}
    assert {a.title for a in report.activities} <= marked
    content = _odt_parts(render(report, "odt", "en"))["content.xml"]
    assert 'fo:language="nl"' in content
    assert re.search(r'<text:span text:style-name="Programmataal">[^<]*MDA\+\+', content)


# -- a council's house style ---------------------------------------------------------------

def _house_style_docx(path: Path) -> Path:
    from docx import Document
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3.5), Cm(2)
    section.header.paragraphs[0].text = "Gemeente Teststad — griffie"
    heading = doc.styles["Heading 1"]
    heading.font.name, heading.font.size = "Georgia", Pt(24)
    heading.font.color.rgb = RGBColor(0x00, 0x5A, 0x9C)
    doc.styles["Normal"].font.name = "Verdana"
    doc.add_paragraph("Voorbeeldtekst van de huisstijl die niet in het rapport hoort.")
    doc.save(path)
    return path


def test_docx_takes_page_setup_styles_and_header_from_a_reference_document(
        loaded, tmp_path: Path) -> None:
    from docx.shared import RGBColor

    report = _report(loaded.deps, "2021-H1", GV)
    template = _house_style_docx(tmp_path / "huisstijl.docx").read_bytes()
    plain = _docx(render(report, "docx"))
    styled = _docx(render(report, "docx", template=template))
    section = styled.sections[0]
    assert round(section.left_margin.cm, 2) == 3.5 and round(section.right_margin.cm, 2) == 2
    header = [p.text for p in section.header.paragraphs]
    assert header[0] == "Gemeente Teststad — griffie" and header[1].startswith("Concept — ")
    heading = styled.styles["Heading 1"]
    assert heading.font.name == "Georgia" and heading.font.size.pt == 24
    assert heading.font.color.rgb == RGBColor(0x00, 0x5A, 0x9C)
    assert styled.styles["Normal"].font.name == "Verdana"
    text = _docx_text(styled)
    assert "Voorbeeldtekst van de huisstijl" not in text
    # the structure stays: the same headings, tables and charts as without a template
    def outline(document):  # type: ignore[no-untyped-def]
        return [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    assert outline(styled) == outline(plain)
    assert len(styled.tables) == len(plain.tables) and len(styled.inline_shapes) == len(
        plain.inline_shapes)


def test_a_word_template_dotx_works_like_a_docx(loaded, tmp_path: Path) -> None:
    source = _house_style_docx(tmp_path / "huisstijl.docx").read_bytes()
    dotx = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as package, zipfile.ZipFile(dotx, "w") as copy:
        for item in package.infolist():
            data = package.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            copy.writestr(item, data)
    report = _report(loaded.deps, "2021-H1", KL)
    styled = _docx(render(report, "docx", template=dotx.getvalue()))
    assert styled.styles["Heading 1"].font.name == "Georgia"
    assert round(styled.sections[0].left_margin.cm, 2) == 3.5


def _house_style_odt(path: Path) -> Path:
    from odf import text
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        Header,
        MasterPage,
        PageLayout,
        PageLayoutProperties,
        Style,
        TextProperties,
    )

    doc = OpenDocumentText()
    layout = PageLayout(name="Huisstijl")
    layout.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm",
                                           marginleft="3.5cm", marginright="2cm",
                                           margintop="2cm", marginbottom="2cm"))
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header = Header()
    header.addElement(text.P(text="Gemeente Teststad — griffie"))
    master.addElement(header)
    doc.masterstyles.addElement(master)
    heading = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph",
                    defaultoutlinelevel="1")
    heading.addElement(TextProperties(fontname="Georgia", fontsize="24pt", color="#005a9c"))
    doc.styles.addElement(heading)
    doc.text.addElement(text.P(text="Voorbeeldtekst van de huisstijl."))
    doc.save(str(path))
    return path


def test_odt_takes_page_layout_styles_and_header_from_a_reference_document(
        loaded, tmp_path: Path) -> None:
    report = _report(loaded.deps, "2021-H1", KL)
    template = _house_style_odt(tmp_path / "huisstijl.odt").read_bytes()
    data = render(report, "odt", template=template)
    header, layout = _odt_master_header(data)
    assert header.startswith("Gemeente Teststad — griffie Concept — Voortgangsrapportage")
    assert layout["marginleft"] == "3.5cm"
    parts = _odt_parts(data)
    styles = parts["styles.xml"]
    assert styles.count('style:name="Heading_20_1"') == 1  # the template's, not a second one
    assert re.search(r'style:name="Heading_20_1".*?fo:color="#005a9c"', styles, re.DOTALL)
    assert "Voorbeeldtekst" not in parts["content.xml"]
    assert "Vooruitblik" in parts["content.xml"]


def test_the_shipped_example_house_style_works_in_both_formats(loaded) -> None:
    report = _report(loaded.deps, "2021-H1", KL)
    docx_template = EXAMPLES / "huisstijl" / "huisstijl-voorbeeld.docx"
    odt_template = EXAMPLES / "huisstijl" / "huisstijl-voorbeeld.odt"
    styled = _docx(render(report, "docx", template=docx_template.read_bytes()))
    assert (styled.sections[0].page_width.twips, styled.sections[0].page_height.twips) == A4_TWIPS
    assert any("Concept" in p.text for p in styled.sections[0].header.paragraphs)
    header, layout = _odt_master_header(render(report, "odt",
                                               template=odt_template.read_bytes()))
    assert "Concept" in header and layout["pagewidth"] == "21cm"


def test_a_reference_document_that_is_not_one_is_refused(loaded) -> None:
    report = _report(loaded.deps, "2021-H1", KL)
    for fmt in ("docx", "odt"):
        with pytest.raises(ValueError, match="not an? "):
            render(report, fmt, template=b"PK\x03\x04 no zip at all")
    with pytest.raises(ValueError):
        render(report, "html", template=b"")


# -- the nieuwsbrief -----------------------------------------------------------------------

def test_nieuwsbrief_is_public_short_and_accessible_in_every_format(loaded) -> None:
    deps = loaded.deps
    with deps.uow(write=True) as uow:
        for key, status in (("mda-advies", Status.DONE), ("thv-onderzoek", Status.AT_RISK),
                            ("indicatoren-set", Status.DELAYED)):
            uow.repo.append_update(ActivityId(KL, key), StatusUpdate(
                at=datetime(2021, 5, 3, 10, tzinfo=UTC), author="U0SECRET9", old_status=None,
                new_status=status, note=SECRET_NOTE, author_name="Jan Jansen"), source="slack")
        file = uow.repo.load_programme(KL)
        assert file is not None and file.indicators
        for period, value in (("2020", 3091), ("2021-H1", 1650)):
            uow.repo.put_indicator_value(KL, IndicatorValue(
                indicator=file.indicators[0].key, period=period, value=value))
        uow.commit()
    report = _report(deps, "2021-H1", KL)
    public = " ".join([*(a.title for a in file.activities), *(a.result or "" for a in file.activities),
                       *(g.name for g in file.goals), *(i.name for i in file.indicators),
                       *(i.source or "" for i in file.indicators)])
    # owners and working groups are never listed (an organisation the public text names is fine)
    owners = {o for a in file.activities for o in a.owners if o not in public}
    groups = {g.name for g in file.working_groups if g.name not in public}
    assert owners and groups
    forbidden = ["Jan Jansen", "U0SECRET9", "GGD, zie", "[persoon]", "Besproken met",
                 "Eigenaren", "Werkgroep:", *owners, *groups]

    md = render(report, "md", audience="nieuwsbrief").decode()
    html = render(report, "html", audience="nieuwsbrief").decode()
    document = _docx(render(report, "docx", audience="nieuwsbrief"))
    odt = _odt_parts(render(report, "odt", audience="nieuwsbrief"))
    full = render(report, "md").decode()
    texts = {"md": md, "html": html, "docx": _docx_text(document)
             + "\n".join(p.text for p in document.sections[0].header.paragraphs),
             "odt": odt["content.xml"] + odt["styles.xml"]}
    for fmt, text in texts.items():
        for word in forbidden:
            assert word not in text, (fmt, word)
        assert not re.search(r"\b(risico|vertraagd|vertraging)\b", text, re.IGNORECASE), fmt
    assert "Besproken met" in full  # the full report keeps notes; the nieuwsbrief never

    assert md.startswith(f"# Nieuwsbrief {report.cover.programme_name}")
    assert len(md) < len(full) * 0.6
    mda = next(a for a in report.activities if a.key == "mda-advies")
    plain = md.replace("\\", "")
    reached = [part.split("###", 1)[0] for part in plain.split("### Wat is bereikt")[1:]]
    item = next(line for part in reached for line in part.splitlines() if mda.title in line)
    assert mda.result and mda.result[:40] in item and "(status: afgerond)" in item
    assert "dit kost meer tijd dan eerst gepland" in md or "loopt" in md
    goals = [g.name for g in file.goals]
    headings = re.findall(r"^(#+) (.*)$", md, re.MULTILINE)
    assert [h for level, h in headings if level == "##"][:len(goals)] == [
        g.replace("+", "\\+") for g in goals]

    page = _Html(html)
    assert page.lang == "nl"
    levels = [level for level, _, _ in page.headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    assert page.images and all(i["alt"] and len(i["alt"] or "") > 20 for i in page.images)
    assert document.core_properties.language == "nl-NL"
    assert (document.sections[0].page_width.twips,
            document.sections[0].page_height.twips) == A4_TWIPS
    for shape in document.inline_shapes:
        assert shape._inline.docPr.get("descr")
    assert 'text:outline-level="1"' in odt["content.xml"]
    assert odt["content.xml"].count("<svg:desc>") == odt["content.xml"].count("<draw:image")

    english = _Html(render(report, "html", "en", audience="nieuwsbrief").decode())
    assert english.headings[0][1].startswith("Newsletter")
    assert {"What was reached", "What comes next"} <= {t for _, t, _ in english.headings}
