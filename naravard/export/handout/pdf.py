"""The slides as a printable PDF handout (reportlab): A4 portrait, a title block,
then each slide as a section with its chart image, its table, its "Källa:" lines and,
for a scenario slide, its assumptions.

Readable in print: body text 10 pt and more, tables repeat their header row on a new
page. Fonts: DejaVu Sans from Debian's fonts-dejavu-core (å ä ö, the minus sign and
arrows); where it is missing, Helvetica, whose encoding has å ä ö but not the minus
sign or the arrow, which are then written as "-" and "->". Every text goes into
reportlab's Paragraph markup escaped (``&``, ``<``, ``>``), so a scenario called
``<b>&"`` is printed as written.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Mapping, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from naravard import fmt
from naravard.export.handout.common import clean, figure_for_image, meta_lines, shorten, table_window
from naravard.export.handout.images import ImageExporter
from naravard.views.slides import Slide

log = logging.getLogger(__name__)

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
MARGIN = 2 * cm
FRAME_W = A4[0] - 2 * MARGIN
#: Chart image size in CSS px (rendered at scale 2): the frame's width, 16:8.
IMAGE_PX = (1000, 520)
BODY_PT = 10.5
TABLE_PT = 10
#: The PDF prints every row (tables split over pages); columns are cut to fit the width.
MAX_COLS = 11
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#444444")
RULE = colors.HexColor("#BBBBBB")
HEADER_FILL = colors.HexColor("#E8EEF4")

_FONTS: tuple[str, str] | None = None


def fonts(font_dir: Path | str | None = None) -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when its files exist, else Helvetica."""
    global _FONTS
    if font_dir is None and _FONTS is not None:
        return _FONTS
    d = Path(font_dir) if font_dir is not None else DEJAVU_DIR
    regular, bold = d / "DejaVuSans.ttf", d / "DejaVuSans-Bold.ttf"
    result = ("Helvetica", "Helvetica-Bold")
    if regular.is_file() and bold.is_file():
        try:
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            result = ("DejaVuSans", "DejaVuSans-Bold")
        except Exception as e:  # noqa: BLE001 - a broken font file: fall back
            log.warning("DejaVu fonts unusable (%s); using Helvetica", e)
    if font_dir is None:
        _FONTS = result
    return result


# Characters Helvetica's encoding (WinAnsi) lacks, and what stands for them.
_WINANSI_FALLBACK = {fmt.MINUS: "-", "\u2192": "->", "\u2060": "", "\u202f": "\u00a0", "\u2009": " ", "\u2212": "-"}


class _Writer:
    def __init__(self, regular: str, bold: str):
        self.regular, self.bold = regular, bold
        self.fallback = regular == "Helvetica"
        base = dict(fontName=regular, textColor=INK, leading=BODY_PT * 1.35, fontSize=BODY_PT)
        self.title = ParagraphStyle("t", **{**base, "fontName": bold, "fontSize": 20, "leading": 25})
        self.subtitle = ParagraphStyle("st", **{**base, "fontSize": 13, "leading": 17, "textColor": MUTED})
        self.h = ParagraphStyle("h", **{**base, "fontName": bold, "fontSize": 14, "leading": 18, "spaceBefore": 14, "spaceAfter": 6})
        self.body = ParagraphStyle("b", **base)
        self.small = ParagraphStyle("s", **{**base, "fontSize": 10, "leading": 13, "textColor": MUTED})
        self.cell = ParagraphStyle("c", **{**base, "fontSize": TABLE_PT, "leading": TABLE_PT * 1.25})
        self.cell_r = ParagraphStyle("cr", parent=self.cell, alignment=TA_RIGHT)
        self.head = ParagraphStyle("hd", parent=self.cell, fontName=bold)
        self.head_r = ParagraphStyle("hdr", parent=self.head, alignment=TA_RIGHT)
        self.big = ParagraphStyle("bg", **{**base, "fontName": bold, "fontSize": 18, "leading": 22})

    def plain(self, s: object) -> str:
        """Text the font can draw: control characters out; with Helvetica, the few
        characters its encoding lacks replaced."""
        t = clean(s)
        if self.fallback:
            for ch, rep in _WINANSI_FALLBACK.items():
                t = t.replace(ch, rep)
        return t

    def text(self, s: object) -> str:
        """Plain text → Paragraph markup, escaped (``&``, ``<``, ``>``)."""
        return escape(self.plain(s)).replace("\n", "<br/>")

    def p(self, s: object, style: ParagraphStyle) -> Paragraph:
        return Paragraph(self.text(s), style)


def _column_widths(w: _Writer, rows: list[list[str]], pad: float = 9.0) -> list[float]:
    """Column widths that keep every body cell on one line and break headers only
    between words (``pad``: the cell padding, 3 pt a side, and a margin), where the
    page is wide enough; the rest of the width is shared
    (mostly to the number columns). Too wide a table shrinks all columns alike."""
    def width(text: str, font: str) -> float:
        return pdfmetrics.stringWidth(w.plain(text), font, TABLE_PT)

    body = [max((width(r[j], w.bold) for r in rows[1:]), default=0.0) + pad for j in range(len(rows[0]))]
    head = [max((width(word, w.bold) for word in rows[0][j].split()), default=0.0) + pad for j in range(len(rows[0]))]
    need = [max(b, h) for b, h in zip(body, head)]
    if sum(need) > FRAME_W:
        need = body  # headers may then break inside a long word; body cells stay whole
    total = sum(need)
    if total >= FRAME_W:
        return [n * FRAME_W / total for n in need]
    if len(need) == 1:
        return [FRAME_W]
    spare = FRAME_W - total
    share = [max(0.0, h - n) for h, n in zip(head, need)]  # first to the headers that would break
    if sum(share) > 0:
        give = min(spare, sum(share))
        need = [n + give * s / sum(share) for n, s in zip(need, share)]
        spare -= give
    return [need[0] + spare * 0.2, *[n + spare * 0.8 / (len(need) - 1) for n in need[1:]]]


def _table(w: _Writer, s: Slide) -> list:
    win = table_window(s, 10_000, MAX_COLS)
    if win is None:
        return []
    widths = _column_widths(w, win.rows)
    data = []
    for i, row in enumerate(win.rows):
        out = []
        for j, v in enumerate(row):
            right = win.numeric[j] and j > 0
            style = (w.head_r if right else w.head) if i == 0 else (w.cell_r if right else w.cell)
            if i == len(win.rows) - 1 and row[0].endswith("totalt"):
                style = w.head_r if right else w.head
            out.append(w.p(v, style))
        data.append(out)
    t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    out = [t]
    if win.note:
        out.append(w.p(win.note, w.small))
    return out


def _numbers(w: _Writer, s: Slide) -> list:
    if not s.numbers:
        return []
    rows = []
    for label, value, note in s.numbers:
        rows.append([w.p(label, w.body), w.p(value, w.big), w.p(note, w.small)])
    t = Table(rows, colWidths=[FRAME_W * 0.38, FRAME_W * 0.34, FRAME_W * 0.28], hAlign="LEFT")
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)]))
    return [t]


def _section(w: _Writer, s: Slide, images: ImageExporter | None, no_image_reason: str) -> list:
    head = [w.p(s.title, w.h)]
    head += [w.p(b, w.body) for b in (s.body if s.kind != "text" else ())]
    flow: list = []
    if s.kind == "numbers":
        flow += _numbers(w, s)
    elif s.kind == "text":
        flow += [w.p(f"• {line}", w.body) for line in s.body]
    elif s.kind == "table":
        flow += _table(w, s)
    else:
        png = images.png(figure_for_image(s.figure), *IMAGE_PX) if (images is not None and s.figure) else None
        if png is not None:
            flow.append(Image(io.BytesIO(png), width=FRAME_W, height=FRAME_W * IMAGE_PX[1] / IMAGE_PX[0]))
            if s.alt_text:
                flow.append(w.p(s.alt_text, w.small))
            flow.append(Spacer(1, 4))
        else:
            # the reason stands once under the title; each section only points to it
            flow.append(w.p("Diagrammet visas som tabell (se första sidan)." if no_image_reason else "Diagrammet visas som tabell.", w.small))
        flow += _table(w, s)
    tail: list = [Spacer(1, 4)]
    tail += [w.p(line, w.small) for line in s.sources]
    if s.assumptions:
        tail.append(w.p("Antaganden", w.head))
        rows = [[w.p("Antagande", w.head), w.p("Värde", w.head), w.p("Källa", w.head)]]
        rows += [[w.p(label, w.cell), w.p(value, w.cell), w.p(src, w.small)] for label, value, src in s.assumptions]
        t = Table(rows, colWidths=[FRAME_W * 0.28, FRAME_W * 0.32, FRAME_W * 0.40], hAlign="LEFT", repeatRows=1)
        t.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        tail.append(t)
    tail += [w.p(n, w.small) for n in s.notes]
    # the heading never stands alone at the foot of a page
    return [KeepTogether(head + flow[:1]), *flow[1:], *tail]


def build_pdf(
    slides: Sequence[Slide],
    *,
    title: str,
    subtitle: str = "",
    meta: Mapping[str, object] | Sequence[tuple[str, object]] | None = None,
    images: ImageExporter | None = None,
    font_dir: Path | str | None = None,
) -> bytes:
    """The handout as PDF bytes: a title block (title, subtitle, ``meta`` lines such as
    date, data versions and the scenario's name) and one section per slide.

    ``images`` as in :func:`naravard.export.handout.pptx.build_pptx`: without a
    browser the sections carry tables only and the title block says why.
    ``font_dir`` overrides where the DejaVu fonts are looked for (tests)."""
    w = _Writer(*fonts(font_dir))
    no_image_reason = ""
    if images is not None and any(s.figure for s in slides):
        ok, reason = images.available()
        if not ok:
            no_image_reason, images = reason, None
    elif images is None:
        no_image_reason = "Diagrammen visas som tabeller i den här handouten."

    story: list = [w.p(shorten(title, 200), w.title)]
    if subtitle:
        story.append(w.p(shorten(subtitle, 300), w.subtitle))
    story.append(Spacer(1, 6))
    for k, v in meta_lines(meta):
        story.append(Paragraph(f"<b>{w.text(k)}:</b> {w.text(shorten(v))}", ParagraphStyle("m", parent=w.body, fontName=w.regular)))
    if no_image_reason and any(s.figure for s in slides):
        story.append(Spacer(1, 6))
        story.append(w.p(no_image_reason, w.small))
    for s in slides:
        story += _section(w, s, images, no_image_reason)

    short_title = shorten(title, 80)

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(w.regular, 9)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 1.2 * cm, w.plain(short_title))
        canvas.drawRightString(A4[0] - MARGIN, 1.2 * cm, f"Sida {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
                            title=clean(shorten(title, 200)), subject=clean(shorten(subtitle, 200)), author="naravard")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
