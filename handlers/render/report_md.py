"""The report as Markdown (CommonMark with GFM tables): headings, lists and tables; charts
are left out (their content is in the tables next to them)."""

from __future__ import annotations

from handlers.render.report_blocks import (
    Bullets,
    Document,
    Figure,
    Heading,
    Paragraph,
    Run,
    Table,
)


def _escape(text: str) -> str:
    """Markdown control characters in user text are shown as text."""
    for ch in ("\\", "`", "*", "_", "[", "]", "<", ">", "|", "#"):
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.splitlines())


def _runs(runs: tuple[Run, ...]) -> str:
    merged: list[Run] = []  # adjacent runs of the same weight as one, so **a b** not **a****b**
    for run in runs:
        if not run.text:
            continue
        if merged and merged[-1].bold == run.bold:
            merged[-1] = Run(merged[-1].text + run.text, run.bold)
        else:
            merged.append(run)
    parts = []
    for run in merged:
        text = _escape(run.text)
        if run.bold:
            stripped = text.rstrip()
            text = f"**{stripped}**" + text[len(stripped):]
        parts.append(text)
    return "".join(parts)


def render_md(document: Document) -> str:
    lines: list[str] = []
    for block in document.blocks:
        match block:
            case Heading(level=level, text=text):
                lines += ["#" * level + " " + _escape(text), ""]
            case Paragraph(runs=runs, kind=kind):
                text = _runs(runs)
                lines += [f"> **{text}**" if kind == "draft" else text, ""]
            case Bullets(items=items):
                lines += [f"- {_runs(item)}" for item in items] + [""]
            case Table(header=header, rows=rows, numeric=numeric):
                lines.append("| " + " | ".join(_escape(h) for h in header) + " |")
                lines.append("|" + "|".join(
                    "---:" if i in numeric else "---" for i in range(len(header))) + "|")
                lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
                lines.append("")
            case Figure():
                continue
    return "\n".join(lines).rstrip() + "\n"
