"""The report as an OpenDocument text (odfpy): the open format Dutch government publishes
beside Word. Real headings (text:h with outline levels), tables with header rows that repeat
(table:table-header-rows), charts with a title and description (svg:title, svg:desc), the
language set on the default style and in the metadata (dc:language)."""

from __future__ import annotations

import io
import struct

from odf import dc, draw, meta, svg, table, text
from odf.opendocument import OpenDocumentText
from odf.style import (
    DefaultStyle,
    GraphicProperties,
    ParagraphProperties,
    Style,
    TableColumnProperties,
    TextProperties,
)

from handlers.render.report_document import (
    Bullets,
    Document,
    Figure,
    Heading,
    Paragraph,
    Run,
    Table,
)

HEADING_SIZES = {1: "20pt", 2: "16pt", 3: "14pt", 4: "12pt", 5: "11pt"}


def _styles(doc: OpenDocumentText, lang: str) -> dict[str, Style]:
    language, country = ("en", "GB") if lang == "en" else ("nl", "NL")
    default = DefaultStyle(family="paragraph")
    default.addElement(TextProperties(language=language, country=country, fontsize="11pt"))
    doc.styles.addElement(default)
    made: dict[str, Style] = {}
    for level, size in HEADING_SIZES.items():
        style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}",
                      family="paragraph", defaultoutlinelevel=str(level))
        style.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm",
                                             keepwithnext="always"))
        style.addElement(TextProperties(fontsize=size, fontweight="bold"))
        doc.styles.addElement(style)
        made[f"h{level}"] = style
    bold = Style(name="Strong", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.styles.addElement(bold)
    made["strong"] = bold
    caption = Style(name="Caption", family="paragraph")
    caption.addElement(TextProperties(fontstyle="italic", fontsize="10pt"))
    doc.styles.addElement(caption)
    made["caption"] = caption
    column = Style(name="Column", family="table-column")
    column.addElement(TableColumnProperties(columnwidth="4cm"))
    doc.automaticstyles.addElement(column)
    made["column"] = column
    frame = Style(name="Chart", family="graphic")
    frame.addElement(GraphicProperties(anchortype="as-char"))
    doc.automaticstyles.addElement(frame)
    made["frame"] = frame
    return made


def _paragraph(runs: tuple[Run, ...], styles: dict[str, Style], **kwargs: object) -> text.P:
    p = text.P(**kwargs)
    for run in runs:
        if not run.text:
            continue
        if run.bold:
            p.addElement(text.Span(stylename=styles["strong"], text=run.text))
        else:
            p.addText(run.text)
    return p


def _table(block: Table, styles: dict[str, Style], index: int) -> list[object]:
    grid = table.Table(name=f"Tabel{index}")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=len(block.header),
                                      stylename=styles["column"]))
    head = table.TableHeaderRows()
    row = table.TableRow()
    for cell_text in block.header:
        cell = table.TableCell(valuetype="string")
        cell.addElement(_paragraph((Run(cell_text, bold=True),), styles))
        row.addElement(cell)
    head.addElement(row)
    grid.addElement(head)
    for values in block.rows:
        row = table.TableRow()
        for i, cell_text in enumerate(values):
            cell = table.TableCell(valuetype="string")
            cell.addElement(_paragraph((Run(cell_text, bold=i == 0 and block.row_headers),),
                                       styles))
            row.addElement(cell)
        grid.addElement(row)
    return [text.P(stylename=styles["caption"], text=block.caption), grid]


def _figure(doc: OpenDocumentText, block: Figure, styles: dict[str, Style]) -> list[object]:
    href = doc.addPicture(f"Pictures/{block.name}.png", "image/png", block.png)
    pixels_wide, pixels_high = struct.unpack(">II", block.png[16:24])  # the PNG's IHDR
    height = block.width_cm * pixels_high / max(pixels_wide, 1)
    frame = draw.Frame(stylename=styles["frame"], width=f"{block.width_cm}cm",
                       height=f"{height:.2f}cm", anchortype="as-char",
                       name=block.name)
    frame.addElement(draw.Image(href=href))
    frame.addElement(svg.Title(text=block.caption))
    frame.addElement(svg.Desc(text=block.alt))
    holder = text.P()
    holder.addElement(frame)
    return [holder, text.P(stylename=styles["caption"], text=block.caption)]


def render_odt(document: Document) -> bytes:
    doc = OpenDocumentText()
    lang = "en-GB" if document.lang == "en" else "nl-NL"
    doc.meta.addElement(dc.Title(text=document.title))
    doc.meta.addElement(dc.Subject(text=document.subtitle))
    doc.meta.addElement(dc.Language(text=lang))
    doc.meta.addElement(meta.Keyword(text="concept" if document.lang != "en" else "draft"))
    styles = _styles(doc, document.lang)
    tables = 0
    for block in document.blocks:
        match block:
            case Heading(level=level, text=heading):
                doc.text.addElement(text.H(outlinelevel=level,
                                           stylename=styles[f"h{min(level, 5)}"], text=heading))
            case Paragraph(runs=runs):
                doc.text.addElement(_paragraph(runs, styles))
            case Bullets(items=items):
                listing = text.List()
                for item in items:
                    entry = text.ListItem()
                    entry.addElement(_paragraph(item, styles))
                    listing.addElement(entry)
                doc.text.addElement(listing)
            case Table():
                tables += 1
                for element in _table(block, styles, tables):
                    doc.text.addElement(element)
            case Figure():
                for element in _figure(doc, block, styles):
                    doc.text.addElement(element)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
