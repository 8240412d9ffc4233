"""The slides as a PowerPoint file (python-pptx): 16:9, a title slide, one slide per
:class:`~naravard.views.slides.Slide`.

Tables are native PowerPoint tables (editable, cells formatted the Swedish way by the
slide's own formatters: ``343 000``, ``86,1 %``), charts are PNG images from the
kept-open browser (:mod:`.images`), big numbers are large, and the "Källa:" lines and
the scenario's assumptions go in the speaker notes. Where no image can be made the
slide carries the chart's numbers as a table and a note says why. All text is set
as text (python-pptx escapes it), never as markup.
"""

from __future__ import annotations

import io
from typing import Mapping, Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from naravard.export.handout.common import clean, figure_for_image, meta_lines, shorten, table_window
from naravard.export.handout.images import ImageExporter
from naravard.views.slides import Slide

SLIDE_W = Emu(12_192_000)  # 13,333 in: PowerPoint's own 16:9
SLIDE_H = Inches(7.5)
MARGIN = Inches(0.5)
TITLE_H = Inches(1.0)
BODY_TOP = MARGIN + TITLE_H + Inches(0.1)
FOOT_H = Inches(0.45)
BODY_H = SLIDE_H - BODY_TOP - MARGIN - FOOT_H
BODY_W = SLIDE_W - 2 * MARGIN
#: Rows and columns of a table that fit one slide at a readable size.
MAX_ROWS = 12
MAX_COLS = 9
#: Pixels of a full-width chart image (CSS px; rendered at scale 2).
IMAGE_PX = (1200, 560)
#: A chart beside a narrow table (the map and its values).
SIDE_IMAGE_PX = (760, 560)
NARROW_TABLE_COLS = 3
TEXT = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x44, 0x44, 0x44)
HEADER_FILL = RGBColor(0x0B, 0x3D, 0x6B)


def _text_box(slide, left, top, width, height, lines, size: int, *, bold=False, color=TEXT, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = align
        run = p.add_run()
        run.text = clean(line)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    return box


def fit_size(lines: Sequence[str], width, height, start: int, floor: int, leading: float = 1.25, em: float = 0.55) -> int:
    """The largest font size from ``start`` down to ``floor`` at which ``lines`` (one
    paragraph each) fit the box, estimated from an average glyph width of ``em``
    (0,55 em for body text, 0,6 for bold; PowerPoint does not fit text itself when the
    file is written, and a wider font on another machine must still fit)."""
    w_pt, h_pt = width / 12700, height / 12700  # EMU per point
    size = start
    while size > floor:
        per_line = max(1, int(w_pt / (em * size)))
        n = sum(max(1, -(-len(line) // per_line)) for line in lines)
        if n * size * leading + len(lines) * size * 0.3 <= h_pt:
            break
        size -= 2
    return max(size, floor)


def _title(slide, text: str) -> None:
    t = slide.shapes.title
    t.left, t.top, t.width, t.height = MARGIN, MARGIN, BODY_W, TITLE_H
    t.text_frame.text = clean(text)
    t.text_frame.word_wrap = True
    size = fit_size([clean(text)], BODY_W, TITLE_H, 32, 22, leading=1.1, em=0.62)
    for p in t.text_frame.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        for r in p.runs:
            r.font.size = Pt(size)
            r.font.bold = True
            r.font.color.rgb = TEXT


def _notes(slide, s: Slide, extra: Sequence[str] = ()) -> None:
    lines: list[str] = list(s.sources)
    if s.assumptions:
        lines.append("Antaganden:")
        lines += [f"- {label}: {value}" + (f" (Källa: {src})" if src else "") for label, value, src in s.assumptions]
    lines += list(s.notes) + list(extra)
    if s.alt_text:
        lines.append(f"Bildtext: {s.alt_text}")
    slide.notes_slide.notes_text_frame.text = clean("\n".join(lines))


def _footer(slide, text: str) -> None:
    if text:
        _text_box(slide, MARGIN, SLIDE_H - MARGIN - FOOT_H + Inches(0.05), BODY_W, FOOT_H, [shorten(text, 400)], 11, color=MUTED)


def _table(slide, s: Slide, left, top, width, height, max_cols: int = MAX_COLS) -> str:
    """A native table of the slide's numbers; returns the note on what was cut."""
    win = table_window(s, MAX_ROWS, max_cols)
    if win is None:
        return ""
    n_rows, n_cols = len(win.rows), len(win.rows[0])
    size = 16 if n_rows <= 9 and n_cols <= 6 else 13 if n_cols <= 9 else 11
    row_h = Emu(int(min(height / n_rows, Pt(size * 2.4))))
    shape = slide.shapes.add_table(n_rows, n_cols, left, top, width, Emu(row_h * n_rows))
    tbl = shape.table
    first_w = int(width * (0.28 if n_cols > 2 else 0.5))
    tbl.columns[0].width = Emu(first_w)
    for j in range(1, n_cols):
        tbl.columns[j].width = Emu(int((width - first_w) / (n_cols - 1)))
    for i, row in enumerate(win.rows):
        for j, value in enumerate(row):
            cell = tbl.cell(i, j)
            cell.text = value
            cell.margin_left = cell.margin_right = Inches(0.06)
            for p in cell.text_frame.paragraphs:
                p.alignment = PP_ALIGN.RIGHT if (win.numeric[j] and j > 0) else PP_ALIGN.LEFT
                for r in p.runs:
                    r.font.size = Pt(size)
                    r.font.bold = i == 0 or (i == n_rows - 1 and value.endswith("totalt"))
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    return win.note


def _numbers(slide, s: Slide, top, height) -> None:
    """Big numbers in a grid: label, value, note. The grid (2, 3 or 4 a row) is the
    one that gives the largest value size at which the widest value stays on one line
    and every row fits the slide."""
    n = len(s.numbers)
    if n == 0:
        return
    widest = max(len(value) for _, value, _ in s.numbers)
    longest_label = max(len(label) for label, _, _ in s.numbers)
    label_h, note_h, gap = Inches(0.42), Inches(0.4), Inches(0.15)

    def label_size(per_row: int) -> int:
        cell_w = BODY_W / per_row - Inches(0.25)
        return int(min(16, (cell_w / 12700) / (0.55 * max(longest_label, 1))))

    def value_size(per_row: int) -> int:
        rows = (n + per_row - 1) // per_row
        cell_w = BODY_W / per_row - Inches(0.25)
        by_width = (cell_w / 12700) / (0.62 * max(widest, 1))
        by_height = ((height / rows - label_h - note_h - gap) / 12700) / 1.3
        return int(min(54, by_width, by_height))

    # a grid whose labels would wrap (under 14 pt on one line) comes last
    per_row = max((k for k in (2, 3, 4) if k <= max(n, 2)), key=lambda k: (label_size(k) >= 14, value_size(k), -k))
    value_pt = max(20, value_size(per_row))
    label_pt = max(12, label_size(per_row))
    rows = (n + per_row - 1) // per_row
    w = BODY_W / per_row
    h = min(height / rows, label_h + Emu(int(Pt(value_pt) * 1.3)) + note_h + gap)
    cell_w = int(w - Inches(0.25))
    value_h = Emu(int(Pt(value_pt) * 1.3))
    for i, (label, value, note) in enumerate(s.numbers):
        r, c = divmod(i, per_row)
        left, y = MARGIN + int(c * w), top + int(r * h)
        _text_box(slide, left, y, cell_w, label_h, [label], label_pt, color=MUTED)
        _text_box(slide, left, y + label_h, cell_w, value_h, [value], value_pt, bold=True)
        if note:
            _text_box(slide, left, y + label_h + value_h, cell_w, note_h, [note], 14, color=MUTED)


def _picture(slide, png: bytes, left, top, max_w, max_h, px: tuple[int, int], alt: str, *, center: bool = False) -> int:
    """The image as large as fits the box (its aspect kept), with the slide's text
    alternative as its alt text (what PowerPoint reads to a screen reader); returns
    its width."""
    ratio = px[0] / px[1]
    w, h = max_w, int(max_w / ratio)
    if h > max_h:
        h, w = max_h, int(max_h * ratio)
    pic = slide.shapes.add_picture(io.BytesIO(png), left + ((max_w - w) // 2 if center else 0), top, width=w, height=h)
    pic._element.nvPicPr.cNvPr.set("descr", clean(alt))  # python-pptx has no public setter
    return w


def _content(prs, s: Slide, images: ImageExporter | None, no_image_reason: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, s.title)
    extra_notes: list[str] = []
    foot = ""
    top = BODY_TOP
    if s.body and s.kind != "text":
        _text_box(slide, MARGIN, top, BODY_W, Inches(0.5), [shorten(s.body[0], 200)], 16, color=MUTED)
        top += Inches(0.5)
    height = SLIDE_H - top - MARGIN - FOOT_H
    if s.kind == "numbers":
        _numbers(slide, s, top, height)
    elif s.kind == "text":
        lines = [f"• {line}" for line in s.body]
        box = _text_box(slide, MARGIN, top, BODY_W, height, lines, fit_size(lines, BODY_W, height, 28, 16))
        for p in box.text_frame.paragraphs:
            p.space_after = Pt(8)
    elif s.kind == "table":
        foot = _table(slide, s, MARGIN, top, BODY_W, height)
    else:  # figure
        narrow = s.table is not None and len(s.table.columns) <= NARROW_TABLE_COLS
        px = SIDE_IMAGE_PX if narrow else IMAGE_PX
        png = images.png(figure_for_image(s.figure), *px) if (images is not None and s.figure) else None
        if png is not None:
            if narrow:
                img_w = _picture(slide, png, MARGIN, top, int(BODY_W * 0.62), height, px, s.alt_text)
                foot = _table(slide, s, MARGIN + img_w + Inches(0.4), top, BODY_W - img_w - Inches(0.4), height)
            else:
                _picture(slide, png, MARGIN, top, BODY_W, height, px, s.alt_text, center=True)
                win = table_window(s, 10_000, 10_000)
                if win is not None:
                    extra_notes.append("Siffrorna i diagrammet:")
                    extra_notes += ["\t".join(r) for r in win.rows]
        else:
            foot = _table(slide, s, MARGIN, top, BODY_W, height)
            reason = no_image_reason or "Diagrammet kunde inte ritas som bild; tabellen visar samma siffror."
            foot = f"{reason} {foot}".strip()
    _footer(slide, foot)
    _notes(slide, s, extra_notes)


def build_pptx(
    slides: Sequence[Slide],
    *,
    title: str,
    subtitle: str = "",
    meta: Mapping[str, object] | Sequence[tuple[str, object]] | None = None,
    images: ImageExporter | None = None,
) -> bytes:
    """The presentation as .pptx bytes: a title slide (title, subtitle, ``meta`` lines
    such as date, data versions and the scenario's name), then one slide per Slide.

    ``images`` is the kept-open exporter; None, or one whose browser cannot start,
    gives a handout with tables only and a note on each chart slide saying why."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    no_image_reason = ""
    if images is not None and any(s.figure for s in slides):
        ok, reason = images.available()
        if not ok:
            no_image_reason, images = reason, None
    elif images is None:
        no_image_reason = "Diagrammen visas som tabeller i den här handouten."

    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.left, first.shapes.title.top = MARGIN, Inches(1.6)
    first.shapes.title.width, first.shapes.title.height = BODY_W, Inches(1.5)
    first.shapes.title.text_frame.text = shorten(title, 200)
    first.shapes.title.text_frame.word_wrap = True
    for r in first.shapes.title.text_frame.paragraphs[0].runs:
        r.font.size, r.font.bold = Pt(40), True
    sub = first.placeholders[1]
    sub.left, sub.top, sub.width, sub.height = MARGIN, Inches(3.2), BODY_W, Inches(3.6)
    lines = ([shorten(subtitle, 300)] if subtitle else []) + [f"{k}: {shorten(v)}" for k, v in meta_lines(meta)]
    tf = sub.text_frame
    tf.word_wrap = True
    for i, line in enumerate(lines or [""]):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = PP_ALIGN.LEFT
        run = p.add_run()
        run.text = line
        run.font.size = Pt(22 if i == 0 and subtitle else 18)
        run.font.color.rgb = MUTED
    first.notes_slide.notes_text_frame.text = clean("\n".join([title, subtitle, *(f"{k}: {v}" for k, v in meta_lines(meta))]))

    for s in slides:
        _content(prs, s, images, no_image_reason)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
