"""The format-neutral blocks a report is made of (report_document.py builds them, the charts
fill its figures, report_md/html/docx/odt write them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.render.report_words import Lang, w


class Given(str):
    """Text as the programme file gives it (names, titles, results, notes): written in the
    programme's language, Dutch, whatever the report's language. An English report marks these
    parts as Dutch (HTML ``lang="nl"``, the run language in Word), so that a screen reader
    pronounces them right."""

    __slots__ = ()

    lang = "nl"


def given(text: str | None) -> str:
    """`text` marked as the programme's own words (empty text stays plain)."""
    return Given(text) if text else (text or "")


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    parts: tuple[str, ...] = ()  # the text in parts when only some of it is Given

    @property
    def pieces(self) -> tuple[str, ...]:
        return self.parts or (self.text,)


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: tuple[Run, ...]
    kind: str = "normal"  # "normal" | "draft" (the concept notice) | "label"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[tuple[Run, ...], ...]


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_headers: bool = True  # the first cell of each row names the row
    numeric: tuple[int, ...] = ()  # columns to align right


@dataclass(frozen=True, slots=True)
class Figure:
    name: str  # file-safe name: "status", "timeline", "indicator-vt-meldingen"
    png: bytes
    alt: str  # the chart's content in words: alt text everywhere
    caption: str
    width_cm: float = 16.0


Block = Heading | Paragraph | Bullets | Table | Figure


STATUSES = ("concept", "vastgesteld")


@dataclass(frozen=True, slots=True)
class Document:
    lang: Lang
    title: str
    subtitle: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    status: str = "concept"  # "concept" (a draft) or "vastgesteld" (adopted by the council)
    kind: str = "raad"  # "raad": the council report; "nieuwsbrief": the public newsletter

    @property
    def status_label(self) -> str:
        """What the page header of every page says: "Concept" or "Vastgesteld"."""
        return w(self.lang, "draft" if self.status == "concept" else "adopted")
