"""Writes the plain example house style, examples/huisstijl/huisstijl-voorbeeld.docx and .odt:
a reference document for `actiebot report --template FILE` (README: "Rapport in de huisstijl").

A4, 2.5 cm margins, a sober sans-serif body, dark blue headings, the municipality's name in the
header and the page number in the footer. A council replaces it with its own Word or LibreOffice
document; only page setup, styles, header and footer are taken from it, never its text.

Run: .venv/bin/python scripts/make_house_style.py (the files are committed; re-run after a change).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "huisstijl"
BLUE = "1F3864"
HEADINGS = {1: 20, 2: 16, 3: 13, 4: 12, 5: 11}


def make_docx(path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Arial", Pt(10.5)
    for level, size in HEADINGS.items():
        style = doc.styles[f"Heading {level}"]
        style.font.name, style.font.size = "Arial", Pt(size)
        style.font.bold, style.font.color.rgb = True, RGBColor.from_string(BLUE)
    caption = doc.styles["Caption"]
    caption.font.name, caption.font.size, caption.font.italic = "Arial", Pt(9), True
    caption.font.color.rgb = RGBColor.from_string("404040")
    header = section.header.paragraphs[0]
    header.text = "Gemeente Voorbeeld — Griffie"
    header.alignment = WD_ALIGN_PARAGRAPH.LEFT
    doc.add_paragraph("Deze tekst is een voorbeeld; Actiebot neemt alleen de opmaak over.")
    doc.core_properties.title = "Huisstijl (voorbeeld)"
    doc.core_properties.author = "Gemeente Voorbeeld"
    doc.save(path)


def make_odt(path: Path) -> None:
    from odf import text
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        Footer,
        Header,
        MasterPage,
        PageLayout,
        PageLayoutProperties,
        ParagraphProperties,
        Style,
        TextProperties,
    )

    doc = OpenDocumentText()
    layout = PageLayout(name="Huisstijl")
    layout.addElement(PageLayoutProperties(
        pagewidth="21cm", pageheight="29.7cm", printorientation="portrait",
        marginleft="2.5cm", marginright="2.5cm", margintop="2.5cm", marginbottom="2.5cm"))
    doc.automaticstyles.addElement(layout)
    body = Style(name="Standard", family="paragraph")
    body.addElement(TextProperties(fontfamily="Arial", fontsize="10.5pt"))
    doc.styles.addElement(body)
    for level, size in HEADINGS.items():
        style = Style(name=f"Heading_20_{level}", displayname=f"Heading {level}",
                      family="paragraph", defaultoutlinelevel=str(level))
        style.addElement(ParagraphProperties(margintop="0.35cm", marginbottom="0.15cm",
                                             keepwithnext="always"))
        style.addElement(TextProperties(fontfamily="Arial", fontsize=f"{size}pt",
                                        fontweight="bold", color=f"#{BLUE.lower()}"))
        doc.styles.addElement(style)
    caption = Style(name="Caption", family="paragraph")
    caption.addElement(TextProperties(fontfamily="Arial", fontsize="9pt", fontstyle="italic",
                                      color="#404040"))
    doc.styles.addElement(caption)
    for name in ("Header", "Footer"):
        style = Style(name=name, family="paragraph")
        style.addElement(TextProperties(fontfamily="Arial", fontsize="8.5pt"))
        doc.styles.addElement(style)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header = Header()
    header.addElement(text.P(stylename="Header", text="Gemeente Voorbeeld — Griffie"))
    master.addElement(header)
    footer = Footer()
    number = text.P(stylename="Footer")
    number.addElement(text.PageNumber(selectpage="current", text="1"))
    footer.addElement(number)
    master.addElement(footer)
    doc.masterstyles.addElement(master)
    doc.text.addElement(text.P(text="Deze tekst is een voorbeeld; Actiebot neemt alleen de "
                                    "opmaak over."))
    doc.save(str(path))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    make_docx(OUT / "huisstijl-voorbeeld.docx")
    make_odt(OUT / "huisstijl-voorbeeld.odt")
    for name in sorted(OUT.iterdir()):
        print(f"wrote {name.relative_to(ROOT)} ({name.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
