"""The report as a Word document (python-docx), for the adviser who finishes the text in Word.

Accessible (WCAG 2.1 / EN 301 549 checks in Word): real Heading 1-5 styles, tables with a
repeated header row (w:tblHeader) and a caption (w:tblCaption), alt text on every chart
(wp:docPr descr and title), the document language Dutch (w:lang in the document defaults and
the core property dc:language), "Concept" (or "Vastgesteld") in the header of every page.
The programme's own words in an English report carry the Dutch language on their runs.

The page is A4 (11906 x 16838 twips) with 2.5 cm margins, unless a reference document gives the
look: like pandoc's reference doc, the output then starts from that document (its page setup,
styles, header and footer), its body emptied; the report's structure stays the same.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from handlers.render.report_blocks import (
    Bullets,
    Document,
    Figure,
    Given,
    Heading,
    Paragraph,
    Run,
    Table,
)

LANGUAGES = {"nl": "nl-NL", "en": "en-GB"}
A4 = (Mm(210), Mm(297))
MARGIN = Cm(2.5)
# The styles the report uses: a reference document that lacks one gets a plain one.
PARAGRAPH_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4",
                    "Heading 5", "Caption", "List Bullet", "Header", "Footer")
TABLE_STYLE = "Table Grid"


class TemplateError(ValueError):
    """A reference document that cannot be read as a Word document."""


def _start(template: bytes | None) -> Any:
    """A python-docx Document: the reference document with its body emptied (its last section's
    page setup, header and footer kept), or python-docx's own on A4 with Dutch margins."""
    if template is None:
        doc = new_docx()
        for section in doc.sections:
            section.page_width, section.page_height = A4
            section.left_margin = section.right_margin = MARGIN
            section.top_margin = section.bottom_margin = MARGIN
        normal = doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        _ensure_styles(doc)
        return doc
    try:
        doc = new_docx(io.BytesIO(_as_document(template)))
    except Exception as error:  # noqa: BLE001 - zip, XML or content-type trouble alike
        raise TemplateError(f"not a Word document (.docx): {type(error).__name__}") from None
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):  # the final sectPr is the page setup: keep it
            body.remove(child)
    _ensure_styles(doc)
    return doc


TEMPLATE_TYPE = b"wordprocessingml.template.main+xml"
DOCUMENT_TYPE = b"wordprocessingml.document.main+xml"


def _as_document(template: bytes) -> bytes:
    """A Word template (.dotx) differs from a document only in its main part's content type:
    the same package with the document's type, so python-docx opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as package:
            types = package.read("[Content_Types].xml")
            if TEMPLATE_TYPE not in types:
                return template
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
                for item in package.infolist():
                    data = package.read(item.filename)
                    if item.filename == "[Content_Types].xml":
                        data = data.replace(TEMPLATE_TYPE, DOCUMENT_TYPE)
                    copy.writestr(item, data)
            return out.getvalue()
    except (zipfile.BadZipFile, KeyError):
        return template  # python-docx says what is wrong with it


def _ensure_styles(doc: object) -> None:
    styles = doc.styles  # type: ignore[attr-defined]
    names = {style.name for style in styles}
    for name in PARAGRAPH_STYLES:
        if name not in names:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            if name != "Normal":
                style.base_style = styles["Normal"]
            if name.startswith("Heading") or name == "Title":
                style.font.bold = True
    if TABLE_STYLE not in names:
        styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)


def _page_number(paragraph: object) -> None:
    """A PAGE field: the page's number, kept up to date by Word and LibreOffice."""
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _set_language(doc: object, tag: str) -> None:
    styles = doc.styles.element  # type: ignore[attr-defined]
    rpr = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:  # pragma: no cover - python-docx's template has one
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), tag)


def _runs(paragraph: object, runs: tuple[Run, ...], lang: str) -> None:
    for run in runs:
        if run.text:
            added = paragraph.add_run(run.text)  # type: ignore[attr-defined]
            added.bold = run.bold or None
            _mark(added, run.text, lang)


def _mark(run: object, text: str, lang: str) -> None:
    """The programme's own words in another language than the document: their run says so."""
    if isinstance(text, Given) and text.lang != lang:
        tag = LANGUAGES.get(text.lang, text.lang)
        element = OxmlElement("w:lang")
        element.set(qn("w:val"), tag)
        run._r.get_or_add_rPr().append(element)  # type: ignore[attr-defined]


def _table(doc: object, table: Table, lang: str) -> None:
    caption = doc.add_paragraph(style="Caption")  # type: ignore[attr-defined]
    _mark(caption.add_run(table.caption), table.caption, lang)
    caption.paragraph_format.keep_with_next = True
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header),  # type: ignore[attr-defined]
                         style=TABLE_STYLE)
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    tbl_pr = grid._tbl.tblPr
    for tag, value in (("w:tblCaption", table.caption), ("w:tblDescription", table.caption)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value[:250])
        tbl_pr.append(element)
    header = grid.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for cell, text in zip(header.cells, table.header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            _mark(run, text, lang)
            if i == 0 and table.row_headers:
                run.bold = True
            if i in table.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()  # type: ignore[attr-defined]


def _figure(doc: object, figure: Figure, number: int) -> None:
    doc.add_picture(io.BytesIO(figure.png), width=Cm(figure.width_cm))  # type: ignore[attr-defined]
    picture = doc.paragraphs[-1]  # type: ignore[attr-defined]
    picture.paragraph_format.keep_with_next = True
    for doc_pr in picture._p.xpath(".//wp:docPr"):
        doc_pr.set("descr", figure.alt)
        doc_pr.set("title", figure.caption)
        doc_pr.set("name", f"{figure.name}.png")
        doc_pr.set("id", str(1000 + number))
    doc.add_paragraph(figure.caption, style="Caption")  # type: ignore[attr-defined]


def _header_footer(doc: object, document: Document) -> None:
    """The status ("Concept", "Vastgesteld") and title in the header of every page, the page
    number in the footer; a reference document's own header and footer text stays above it."""
    for section in doc.sections:  # type: ignore[attr-defined]
        section.header.is_linked_to_previous = False
        header = section.header
        first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        line = first if not first.text.strip() else header.add_paragraph()
        line.text = f"{document.status_label} — {document.title}"
        line.style = doc.styles["Header"]  # type: ignore[attr-defined]
        footer = section.footer
        if not any(p.text.strip() for p in footer.paragraphs) and not footer._element.xpath(
                ".//w:fldChar"):
            number = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            number.style = doc.styles["Footer"]  # type: ignore[attr-defined]
            number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _page_number(number)


def render_docx(document: Document, template: bytes | None = None) -> bytes:
    """The report as .docx; `template`: a reference document's bytes (see the module doc)."""
    doc = _start(template)
    tag = LANGUAGES.get(document.lang, "nl-NL")
    _set_language(doc, tag)
    props = doc.core_properties
    props.title = document.title
    props.subject = document.subtitle
    props.language = tag
    props.author = "Actiebot"
    props.keywords = "; ".join((
        {"nieuwsbrief": "nieuwsbrief" if document.lang != "en" else "newsletter"}.get(
            document.kind, "voortgangsrapportage" if document.lang != "en" else "progress report"),
        document.status_label.lower()))
    props.content_status = document.status_label
    _header_footer(doc, document)
    figures = 0
    for block in document.blocks:
        match block:
            case Heading(level=level):
                heading = doc.add_heading("", level=min(level, 9))
                for piece in block.pieces:
                    _mark(heading.add_run(piece), piece, document.lang)
            case Paragraph(runs=runs, kind=kind):
                paragraph = doc.add_paragraph()
                _runs(paragraph, runs, document.lang)
                if kind == "draft":
                    for run in paragraph.runs:
                        run.bold = True
                if kind == "label":
                    paragraph.paragraph_format.keep_with_next = True
            case Bullets(items=items):
                for item in items:
                    _runs(doc.add_paragraph(style="List Bullet"), item, document.lang)
            case Table():
                _table(doc, block, document.lang)
            case Figure():
                figures += 1
                _figure(doc, block, figures)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
