"""A Report as file bytes in one of the formats: md, html, docx, odt."""

from __future__ import annotations

from bot.domain.report import Report
from handlers.render.report_document import build_document

FORMATS = ("md", "html", "docx", "odt")
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def filename(report: Report, fmt: str, lang: str = "nl") -> str:
    stem = "voortgangsrapportage" if lang != "en" else "progress-report"
    return f"{stem}-{report.cover.programme_key}-{report.cover.period.key}.{fmt}".replace("..", "_")


def render(report: Report, fmt: str, lang: str = "nl") -> bytes:
    if fmt == "md":
        from handlers.render.report_md import render_md

        return render_md(build_document(report, lang, charts=False)).encode()
    document = build_document(report, lang)
    if fmt == "html":
        from handlers.render.report_html import render_html

        return render_html(document).encode()
    if fmt == "docx":
        from handlers.render.report_docx import render_docx

        return render_docx(document)
    if fmt == "odt":
        from handlers.render.report_odt import render_odt

        return render_odt(document)
    raise ValueError(f"unknown format {fmt!r}")
