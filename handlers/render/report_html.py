"""The report as one self-contained HTML file: charts inline as data: URIs, readable on screen
and when printed. Accessible: lang="nl" (or "en"), one h1 and real heading levels, tables with
a caption, a header row (th scope="col") and row headers (th scope="row"), alt text on every
chart, the draft notice as text (never colour alone). In an English report the programme's own
words (names, titles, results, notes: ``Given`` text) carry ``lang="nl"``."""

from __future__ import annotations

import base64
from html import escape

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

STYLE = """
body { font-family: "Segoe UI", Arial, sans-serif; line-height: 1.5; color: #111;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.45rem; border-bottom: 1px solid #999; }
h3 { font-size: 1.25rem; } h4 { font-size: 1.1rem; } h5 { font-size: 1rem; }
.draft { border: 2px solid #111; padding: .5rem .75rem; font-weight: bold; }
.label { font-weight: bold; margin-bottom: .2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .25rem; }
th, td { border: 1px solid #666; padding: .25rem .5rem; vertical-align: top; text-align: left; }
thead th { background: #e8e8e8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-style: italic; }
@media print {
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  h1, h2, h3, h4, h5 { break-after: avoid; } table, figure { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


def _lang(text: str, lang: str) -> str:
    """' lang="nl"' when `text` is in another language than the document, else ''."""
    return f' lang="{text.lang}"' if isinstance(text, Given) and text.lang != lang else ""


def _text(text: str, lang: str) -> str:
    marked = _lang(text, lang)
    return f"<span{marked}>{escape(text)}</span>" if marked else escape(text)


def _runs(runs: tuple[Run, ...], lang: str) -> str:
    parts: list[str] = []
    for bold, group in _bold_groups(runs):
        inner = "".join(_text(r.text, lang) for r in group)
        parts.append(f"<strong>{inner}</strong>" if bold else inner)
    return "".join(parts)


def _bold_groups(runs: tuple[Run, ...]) -> list[tuple[bool, list[Run]]]:
    groups: list[tuple[bool, list[Run]]] = []
    for run in runs:
        if not run.text:
            continue
        if groups and groups[-1][0] == run.bold:
            groups[-1][1].append(run)
        else:
            groups.append((run.bold, [run]))
    return groups


def _table(table: Table, lang: str) -> str:
    head = "".join(f'<th scope="col"{_lang(h, lang)}>{escape(h)}</th>' for h in table.header)
    rows = []
    for row in table.rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0 and table.row_headers:
                cells.append(f'<th scope="row"{_lang(cell, lang)}>{escape(cell)}</th>')
            else:
                css = ' class="num"' if i in table.numeric else ""
                cells.append(f"<td{css}{_lang(cell, lang)}>{escape(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table><caption{_lang(table.caption, lang)}>{escape(table.caption)}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _figure(figure: Figure) -> str:
    data = base64.b64encode(figure.png).decode()
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{escape(figure.alt)}">'
            f"<figcaption>{escape(figure.caption)}</figcaption></figure>")


def render_html(document: Document) -> str:
    lang = "en" if document.lang == "en" else "nl"
    parts: list[str] = []
    for block in document.blocks:
        match block:
            case Heading(level=level, text=text, parts=()):
                parts.append(f"<h{level}{_lang(text, lang)}>{escape(text)}</h{level}>")
            case Heading(level=level, parts=pieces):
                inner = "".join(_text(piece, lang) for piece in pieces)
                parts.append(f"<h{level}>{inner}</h{level}>")
            case Paragraph(runs=runs, kind=kind):
                css = {"draft": ' class="draft" role="note"', "label": ' class="label"'}.get(
                    kind, "")
                parts.append(f"<p{css}>{_runs(runs, lang)}</p>")
            case Bullets(items=items):
                parts.append("<ul>" + "".join(f"<li>{_runs(i, lang)}</li>" for i in items)
                             + "</ul>")
            case Table():
                parts.append(_table(block, lang))
            case Figure():
                parts.append(_figure(block))
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(document.title)} — {escape(document.subtitle)}</title>\n"
            f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")
