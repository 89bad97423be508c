"""A Report as file bytes in one of the formats: md, html, docx, odt; for the council
(`raad`, the full report) or the public (`nieuwsbrief`); as a draft (`concept`) or adopted
(`vastgesteld`); docx and odt optionally in a council's house style (a reference document)."""

from __future__ import annotations

from bot.domain.report import Report
from handlers.render.report_blocks import STATUSES, Document
from handlers.render.report_document import build_document

FORMATS = ("md", "html", "docx", "odt")
AUDIENCES = ("raad", "nieuwsbrief")
# Which reference documents each format takes (`--template`).
TEMPLATE_SUFFIXES = {"docx": (".docx", ".dotx"), "odt": (".odt", ".ott")}
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


def filename(report: Report, fmt: str, lang: str = "nl", audience: str = "raad") -> str:
    if audience == "nieuwsbrief":
        stem = "nieuwsbrief" if lang != "en" else "newsletter"
    else:
        stem = "voortgangsrapportage" if lang != "en" else "progress-report"
    return f"{stem}-{report.cover.programme_key}-{report.cover.period.key}.{fmt}".replace("..", "_")


def document(report: Report, lang: str, *, charts: bool = True, audience: str = "raad",
             status: str = "concept") -> Document:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if audience == "nieuwsbrief":
        from handlers.render.report_newsletter import build_newsletter

        return build_newsletter(report, lang, charts=charts, status=status)
    if audience != "raad":
        raise ValueError(f"unknown audience {audience!r}")
    return build_document(report, lang, charts=charts, status=status)


def render_each(report: Report, formats: tuple[str, ...], lang: str = "nl", *,
                audience: str = "raad", status: str = "concept") -> dict[str, bytes]:
    """The report in several of docx, odt and html from one document (the charts drawn once)."""
    built = document(report, lang, audience=audience, status=status)
    out: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "docx":
            from handlers.render.report_docx import render_docx

            out[fmt] = render_docx(built)
        elif fmt == "odt":
            from handlers.render.report_odt import render_odt

            out[fmt] = render_odt(built)
        elif fmt == "html":
            from handlers.render.report_html import render_html

            out[fmt] = render_html(built).encode()
        else:
            raise ValueError(f"unknown format {fmt!r}")
    return out


def render(report: Report, fmt: str, lang: str = "nl", *, audience: str = "raad",
           status: str = "concept", template: bytes | None = None) -> bytes:
    """The file's bytes. `template`: a reference document for docx or odt (its page setup and
    styles); TemplateError (a ValueError) when it cannot be read."""
    if template is not None and fmt not in TEMPLATE_SUFFIXES:
        raise ValueError(f"a reference document styles docx or odt, not {fmt}")
    if fmt == "md":
        from handlers.render.report_md import render_md

        return render_md(document(report, lang, charts=False, audience=audience,
                                  status=status)).encode()
    built = document(report, lang, audience=audience, status=status)
    if fmt == "html":
        from handlers.render.report_html import render_html

        return render_html(built).encode()
    if fmt == "docx":
        from handlers.render.report_docx import render_docx

        return render_docx(built, template)
    if fmt == "odt":
        from handlers.render.report_odt import render_odt

        return render_odt(built, template)
    raise ValueError(f"unknown format {fmt!r}")
