"""The report as a Word document (python-docx), for the adviser who finishes the text in Word.

Accessible (WCAG 2.1 / EN 301 549 checks in Word): real Heading 1-5 styles, tables with a
repeated header row (w:tblHeader) and a caption (w:tblCaption), alt text on every chart
(wp:docPr descr and title), the document language Dutch (w:lang in the document defaults and
the core property dc:language), "Concept" in the header of every page and in the text.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from handlers.render.report_document import (
    Bullets,
    Document,
    Figure,
    Heading,
    Paragraph,
    Run,
    Table,
)

LANGUAGES = {"nl": "nl-NL", "en": "en-GB"}


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


def _runs(paragraph: object, runs: tuple[Run, ...]) -> None:
    for run in runs:
        if run.text:
            paragraph.add_run(run.text).bold = run.bold or None  # type: ignore[attr-defined]


def _table(doc: object, table: Table) -> None:
    caption = doc.add_paragraph(table.caption, style="Caption")  # type: ignore[attr-defined]
    caption.paragraph_format.keep_with_next = True
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header),  # type: ignore[attr-defined]
                         style="Table Grid")
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


def render_docx(document: Document) -> bytes:
    doc = new_docx()
    tag = LANGUAGES.get(document.lang, "nl-NL")
    _set_language(doc, tag)
    props = doc.core_properties
    props.title = document.title
    props.subject = document.subtitle
    props.language = tag
    props.author = "Actiebot"
    props.keywords = "voortgangsrapportage; concept" if document.lang != "en" else \
        "progress report; draft"
    props.content_status = "Concept" if document.lang != "en" else "Draft"
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.5)
    header = section.header.paragraphs[0]
    header.text = f"{props.content_status} — {document.title}"
    figures = 0
    for block in document.blocks:
        match block:
            case Heading(level=level, text=text):
                doc.add_heading(text, level=min(level, 9))
            case Paragraph(runs=runs, kind=kind):
                paragraph = doc.add_paragraph()
                _runs(paragraph, runs)
                if kind == "draft":
                    for run in paragraph.runs:
                        run.bold = True
                if kind == "label":
                    paragraph.paragraph_format.keep_with_next = True
            case Bullets(items=items):
                for item in items:
                    _runs(doc.add_paragraph(style="List Bullet"), item)
            case Table():
                _table(doc, block)
            case Figure():
                figures += 1
                _figure(doc, block, figures)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
