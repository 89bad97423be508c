"""The report as an OpenDocument text (odfpy): the open format Dutch government publishes
beside Word. Real headings (text:h with outline levels), tables with header rows that repeat
(table:table-header-rows), charts with a title and description (svg:title, svg:desc), the
language set on the default style and in the metadata (dc:language).

The page is A4 with 2.5 cm margins; its master page puts the status ("Concept", "Vastgesteld")
and the title in the header of every page and the page number in the footer. With a reference
document (`template`), the output starts from it the way pandoc's reference doc works: its page
layout, master pages and styles stay, its body is replaced by the report, and the styles the
report uses are taken from it when it has them."""

from __future__ import annotations

import io
import struct

from odf import dc, draw, meta, svg, table, text
from odf.element import Element
from odf.opendocument import OpenDocument, OpenDocumentText, load
from odf.style import (
    DefaultStyle,
    Footer,
    GraphicProperties,
    Header,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableColumnProperties,
    TextProperties,
)

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

HEADING_SIZES = {1: "20pt", 2: "16pt", 3: "14pt", 4: "12pt", 5: "11pt"}
MARGIN = "2.5cm"


class TemplateError(ValueError):
    """A reference document that cannot be read as an OpenDocument text."""


def _start(template: bytes | None) -> OpenDocument:
    if template is None:
        return OpenDocumentText()
    try:
        doc = load(io.BytesIO(template))
    except Exception as error:  # noqa: BLE001 - zip or XML trouble alike
        raise TemplateError(f"not an OpenDocument text (.odt): {type(error).__name__}") from None
    if doc.text is None or not doc.mimetype.startswith("application/vnd.oasis.opendocument.text"):
        raise TemplateError("not an OpenDocument text (.odt)")
    doc.mimetype = "application/vnd.oasis.opendocument.text"  # an .ott template gives an .odt
    for child in list(doc.text.childNodes):
        doc.text.removeChild(child)
    for child in list(doc.meta.childNodes):  # the template's title, subject, language go
        if child.qname in ((dc.Title().qname), dc.Subject().qname, dc.Language().qname,
                           meta.Keyword().qname):
            doc.meta.removeChild(child)
    return doc


def _named(doc: OpenDocument, name: str, family: str) -> Style | None:
    for style in doc.styles.getElementsByType(Style):
        if style.getAttribute("name") == name and style.getAttribute("family") == family:
            return style
    return None


def _style(doc: OpenDocument, name: str, family: str, *properties: Element,
           **attributes: str) -> Style:
    """The document's style of that name (a reference document's own), or a new one."""
    found = _named(doc, name, family)
    if found is not None:
        return found
    style = Style(name=name, family=family, **attributes)
    for element in properties:
        style.addElement(element)
    doc.styles.addElement(style)
    return style


def _page(doc: OpenDocument, document: Document, styles: dict[str, Style]) -> None:
    """A4 with the status and title in the header of every page (a reference document keeps
    its own page layout and header text; the status line is added under it)."""
    masters = doc.masterstyles.getElementsByType(MasterPage)
    if masters:
        master = next((m for m in masters if m.getAttribute("name") == "Standard"), masters[0])
    else:
        layout = PageLayout(name="A4")
        layout.addElement(PageLayoutProperties(
            pagewidth="21cm", pageheight="29.7cm", printorientation="portrait",
            margintop=MARGIN, marginbottom=MARGIN, marginleft=MARGIN, marginright=MARGIN))
        doc.automaticstyles.addElement(layout)
        master = MasterPage(name="Standard", pagelayoutname=layout)
        doc.masterstyles.addElement(master)
    headers = master.getElementsByType(Header)
    if headers:
        header = headers[0]
    else:
        header = Header()
        footers = master.getElementsByType(Footer)
        if footers:
            master.insertBefore(header, footers[0])
        else:
            master.addElement(header)
    header.addElement(text.P(stylename=styles["header"],
                             text=f"{document.status_label} — {document.title}"))
    if not master.getElementsByType(Footer):
        footer = Footer()
        number = text.P(stylename=styles["footer"])
        number.addElement(text.PageNumber(selectpage="current", text="1"))
        footer.addElement(number)
        master.addElement(footer)


def _styles(doc: OpenDocument, lang: str) -> dict[str, Style]:
    language, country = ("en", "GB") if lang == "en" else ("nl", "NL")
    defaults = [d for d in doc.styles.getElementsByType(DefaultStyle)
                if d.getAttribute("family") == "paragraph"]
    if defaults:  # a reference document's default: only the language changes
        default = defaults[0]
        found = default.getElementsByType(TextProperties)
        if found:
            properties = found[0]
        else:
            properties = TextProperties()
            default.addElement(properties)
        properties.setAttribute("language", language)
        properties.setAttribute("country", country)
    else:
        default = DefaultStyle(family="paragraph")
        default.addElement(TextProperties(language=language, country=country, fontsize="11pt"))
        doc.styles.addElement(default)
    made: dict[str, Style] = {}
    for level, size in HEADING_SIZES.items():
        made[f"h{level}"] = _style(
            doc, f"Heading_20_{level}", "paragraph",
            ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm", keepwithnext="always"),
            TextProperties(fontsize=size, fontweight="bold"),
            displayname=f"Heading {level}", defaultoutlinelevel=str(level))
    made["strong"] = _style(doc, "Strong", "text", TextProperties(fontweight="bold"))
    made["caption"] = _style(doc, "Caption", "paragraph",
                             TextProperties(fontstyle="italic", fontsize="10pt"))
    made["header"] = _style(doc, "Header", "paragraph", TextProperties(fontsize="9pt"))
    made["footer"] = _style(doc, "Footer", "paragraph", ParagraphProperties(textalign="end"),
                            TextProperties(fontsize="9pt"))
    dutch = Style(name="Programmataal", family="text")  # the programme's own words: Dutch
    dutch.addElement(TextProperties(language=Given.lang, country="NL"))
    doc.automaticstyles.addElement(dutch)
    made["given"] = dutch
    column = Style(name="Column", family="table-column")
    column.addElement(TableColumnProperties(columnwidth="4cm"))
    doc.automaticstyles.addElement(column)
    made["column"] = column
    frame = Style(name="Chart", family="graphic")
    frame.addElement(GraphicProperties(anchortype="as-char"))
    doc.automaticstyles.addElement(frame)
    made["frame"] = frame
    return made


def _paragraph(runs: tuple[Run, ...], styles: dict[str, Style], lang: str = "nl",
               **kwargs: object) -> text.P:
    p = text.P(**kwargs)
    for run in runs:
        if not run.text:
            continue
        if run.bold:
            p.addElement(text.Span(stylename=styles["strong"], text=run.text))
        elif isinstance(run.text, Given) and run.text.lang != lang:
            p.addElement(text.Span(stylename=styles["given"], text=run.text))
        else:
            p.addText(run.text)
    return p


def _table(block: Table, styles: dict[str, Style], index: int, lang: str) -> list[object]:
    grid = table.Table(name=f"Tabel{index}")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=len(block.header),
                                      stylename=styles["column"]))
    head = table.TableHeaderRows()
    row = table.TableRow()
    for cell_text in block.header:
        cell = table.TableCell(valuetype="string")
        cell.addElement(_paragraph((Run(cell_text, bold=True),), styles, lang))
        row.addElement(cell)
    head.addElement(row)
    grid.addElement(head)
    for values in block.rows:
        row = table.TableRow()
        for i, cell_text in enumerate(values):
            cell = table.TableCell(valuetype="string")
            cell.addElement(_paragraph((Run(cell_text, bold=i == 0 and block.row_headers),),
                                       styles, lang))
            row.addElement(cell)
        grid.addElement(row)
    return [_paragraph((Run(block.caption),), styles, lang, stylename=styles["caption"]), grid]


def _figure(doc: OpenDocument, block: Figure, styles: dict[str, Style]) -> list[object]:
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


def render_odt(document: Document, template: bytes | None = None) -> bytes:
    """The report as .odt; `template`: a reference document's bytes (see the module doc)."""
    doc = _start(template)
    lang = "en-GB" if document.lang == "en" else "nl-NL"
    doc.meta.addElement(dc.Title(text=document.title))
    doc.meta.addElement(dc.Subject(text=document.subtitle))
    doc.meta.addElement(dc.Language(text=lang))
    doc.meta.addElement(meta.Keyword(text=document.status_label.lower()))
    styles = _styles(doc, document.lang)
    _page(doc, document, styles)
    tables = 0
    for block in document.blocks:
        match block:
            case Heading(level=level):
                heading = text.H(outlinelevel=level, stylename=styles[f"h{min(level, 5)}"])
                for piece in block.pieces:
                    if isinstance(piece, Given) and piece.lang != document.lang:
                        heading.addElement(text.Span(stylename=styles["given"], text=piece))
                    else:
                        heading.addText(piece)
                doc.text.addElement(heading)
            case Paragraph(runs=runs):
                doc.text.addElement(_paragraph(runs, styles, document.lang))
            case Bullets(items=items):
                listing = text.List()
                for item in items:
                    entry = text.ListItem()
                    entry.addElement(_paragraph(item, styles, document.lang))
                    listing.addElement(entry)
                doc.text.addElement(listing)
            case Table():
                tables += 1
                for element in _table(block, styles, tables, document.lang):
                    doc.text.addElement(element)
            case Figure():
                for element in _figure(doc, block, styles):
                    doc.text.addElement(element)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
