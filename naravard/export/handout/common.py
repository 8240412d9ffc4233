"""What the PPTX and the PDF handout share: text cleaning, the table window that fits
a page, and the figure as a handout draws it.

User text (a scenario's name, a note) goes into both handouts as text: python-pptx
writes it as XML text (escaped by lxml), the PDF escapes it for reportlab's Paragraph
markup (:mod:`.pdf`). What neither format can hold are control characters, so
:func:`clean` removes them (XML 1.0 forbids most of them and lxml refuses them).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from naravard import fmt
from naravard.views.slides import Slide

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
#: A meta value (a scenario's name) longer than this is cut on the title page; the
#: PPTX keeps the whole text in the title slide's notes.
MAX_META_CHARS = 300


def clean(text: object) -> str:
    """Text that XML and PDF can hold: control characters out, line ends kept."""
    return _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")


def shorten(text: str, limit: int = MAX_META_CHARS) -> str:
    """``text`` cut to ``limit`` characters with a note of its full length."""
    text = clean(text)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… (avkortat, {fmt.number(len(text))} tecken)"


def meta_lines(meta: Mapping[str, object] | Sequence[tuple[str, object]] | None) -> list[tuple[str, str]]:
    """The title page's (label, value) lines: date, data versions, scenario name."""
    if not meta:
        return []
    items = meta.items() if isinstance(meta, Mapping) else meta
    return [(clean(k), clean(v)) for k, v in items]


@dataclass(frozen=True)
class TableWindow:
    """The part of a slide's table that fits (header row first) and what was left out."""

    rows: list[list[str]]
    numeric: list[bool]  # per column: right-align (a formatted number)
    note: str  # Swedish note on left-out rows/columns, '' when all fit


def table_window(slide: Slide, max_rows: int, max_cols: int) -> TableWindow | None:
    """The slide's table as formatted text, cut to ``max_rows`` body rows and
    ``max_cols`` columns (the first column and the last ones kept: the newest years),
    with a note saying what was cut and where the whole table is."""
    text = slide.table_text()
    if not text:
        return None
    header, body = text[0], text[1:]
    cols = list(range(len(header)))
    cut_cols = 0
    if len(cols) > max_cols:
        cut_cols = len(cols) - max_cols
        cols = [0, *cols[len(cols) - (max_cols - 1):]]
    cut_rows = max(0, len(body) - max_rows)
    if cut_rows:
        body = body[:max_rows]
    rows = [[clean(r[i]) for i in cols] for r in [header, *body]]
    numeric = [header[i] in slide.formats for i in cols]
    parts = []
    if cut_rows:
        parts.append(f"visar {fmt.number(max_rows)} av {fmt.number(max_rows + cut_rows)} rader")
    if cut_cols:
        parts.append(f"{fmt.number(cut_cols)} kolumner utelämnade")
    note = f"Tabellen är avkortad ({', '.join(parts)}); hela tabellen finns i appen och i Excel-exporten." if parts else ""
    return TableWindow(rows, numeric, note)


def figure_for_image(figure: dict) -> dict:
    """The figure without its own title (the slide's title says it), so the chart
    gets the room; everything else as on the page."""
    fig = copy.deepcopy(figure)
    lay = fig.setdefault("layout", {})
    if lay.get("title"):
        lay["title"] = {"text": ""}
        margin = dict(lay.get("margin") or {})
        margin["t"] = min(int(margin.get("t", 30) or 30), 30)
        lay["margin"] = margin
    return fig
