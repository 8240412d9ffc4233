"""Render helpers: every chart with a caption, every table as a table, every figure
with its "Källa:" line."""

from __future__ import annotations

from contextlib import nullcontext

import pandas as pd
import streamlit as st

from naravard import fmt
from naravard.sources.dataset import Dataset
from naravard.ui.state import NUM_ERROR, NUM_TEXT
from naravard.views import figures


#: The accessible name of every chart ends with this (see :func:`chart`).
CHART_ALT_POINTER = "Vad diagrammet visar står i texten under det."


def source_line(ds: Dataset, *tables: str, extra: str = "") -> None:
    """The "Källa:" line under a chart or table, from the manifest (the same text a
    slide carries: :func:`naravard.views.slides.source_lines`).

    The citations are shown as text (escaped for Markdown): a published data version's
    name and source are a planner's words and must never become a link or an image.
    ``extra`` is the caller's own text and keeps its Markdown."""
    from naravard.views.slides import source_lines

    lines = source_lines(ds, *tables, extra=extra)
    text = lines[0] if lines else ""
    cited = source_lines(ds, *tables)
    prefix = "Källa: "
    if cited and text.startswith(cited[0]) and cited[0].startswith(prefix):
        text = prefix + fmt.markdown_escape(cited[0][len(prefix):]) + text[len(cited[0]):]
    st.caption(text)


def chart(c: figures.Chart, alt: str, key: str | None = None, *, select_key: str | None = None, on_select=None):
    """A Plotly chart with its text alternative as a caption under it.

    ``alt`` states the chart's main message from the data; it is shown (and read by
    screen readers) as the caption. The chart's own accessible name is its kind and
    title and a pointer to the caption, so it stays the same whatever the values
    (Streamlit builds a Plotly chart's element id from figure, config and name; a
    changed name would remount the chart too). ``theme=None`` because the theme is in
    the figure's layout (:func:`naravard.views.figures.layout`); the Swedish mode bar
    is :data:`naravard.views.figures.PLOTLY_CONFIG`.
    ``key`` names a container around chart and caption (CSS class ``st-key-<key>``).
    ``select_key`` and ``on_select`` (a callback) make the chart clickable: a click on
    a point selects it (``selection_mode="points"``); returns the selection event.
    """
    name = f"{c.kind_sv}: {c.title}. {CHART_ALT_POINTER}" if c.title else f"{c.kind_sv}. {CHART_ALT_POINTER}"
    event = None
    with st.container(key=key) if key else nullcontext():
        if select_key is not None:
            event = st.plotly_chart(c.figure, width="stretch", theme=None, config=figures.PLOTLY_CONFIG, alt=name,
                                    key=select_key, on_select=on_select or "rerun", selection_mode="points")
        else:
            st.plotly_chart(c.figure, width="stretch", theme=None, config=figures.PLOTLY_CONFIG, alt=name)
        st.caption(fmt.markdown_escape(alt))
    return event


#: Tables up to this many rows are drawn as static HTML tables (see :func:`table`).
STATIC_TABLE_MAX_ROWS = 60


def table(df: pd.DataFrame, alt: str, height: int | str = "auto") -> None:
    """A read-only table of preformatted strings (Swedish number format).

    Small tables (most of the app's: one row per kommun) are static HTML tables: they
    cost the browser far less than the scrolling data grid (a page with a grid loads
    its JavaScript and mounts a canvas), a screen reader reads them as a real table,
    and they take no Tab stops. Larger ones (data previews) keep the grid, which
    scrolls and sorts.
    """
    if len(df) <= STATIC_TABLE_MAX_ROWS:
        st.table(df, hide_index=True, alt=alt)
    else:
        st.dataframe(df, hide_index=True, alt=alt, height=height)


def text_table(df: pd.DataFrame, alt: str) -> None:
    """A small static table whose cells wrap (labels and sources, not numbers)."""
    st.table(df, hide_index=True, border="horizontal", alt=alt)


# ------------------------------------------------------------------ Swedish number input


def _number_text(value: float, decimals: int, signed: bool) -> str:
    """How an input shows a number: Swedish, with ordinary spaces (easy to edit), and
    no trailing zeros (``0,95``, not ``0,950``: what the person typed)."""
    text = fmt.plain(fmt.number(value, decimals, signed=signed))
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def _number_changed(key: str, lo: float, hi: float, decimals: int, signed: bool) -> None:
    """Callback: accept the typed text if it is a number within bounds, else keep the
    last good value and leave a Swedish message for the next run (drawn right under
    the field, so it does not repeat the label)."""
    text = st.session_state.get(key + NUM_TEXT, "")
    old = st.session_state.get(key)
    keep = f" Värdet {_number_text(old, decimals, signed)} gäller tills vidare." if old is not None else ""
    example = _number_text(lo + (hi - lo) / 4 if decimals else round(lo + (hi - lo) / 4), decimals, False)
    try:
        value = fmt.parse_number(text)
    except ValueError:
        st.session_state[key + NUM_ERROR] = (
            f"”{text.strip()}” är inget tal. Skriv till exempel {example} "
            f"(decimalkomma, mellanslag mellan tusental).{keep}"
        )
        return
    value = round(value, decimals)
    if not lo <= value <= hi:
        st.session_state[key + NUM_ERROR] = (
            f"{_number_text(value, decimals, signed)} ligger utanför det tillåtna intervallet "
            f"{_number_text(lo, decimals, False)} till {_number_text(hi, decimals, False)}.{keep}"
        )
        return
    st.session_state[key] = int(value) if decimals == 0 else float(value)
    st.session_state[key + NUM_TEXT] = _number_text(value, decimals, signed)
    st.session_state.pop(key + NUM_ERROR, None)


def set_number(key: str, value: float) -> None:
    """Set a number input's value from code (a preset, an opened scenario): the text
    follows on the next run and a pending error for the old text is dropped.
    Call before the input is drawn (a callback, or earlier in the run)."""
    st.session_state[key] = value
    st.session_state.pop(key + NUM_TEXT, None)
    st.session_state.pop(key + NUM_ERROR, None)


def number_input(
    label: str,
    *,
    key: str,
    min_value: float,
    max_value: float,
    decimals: int = 0,
    signed: bool = False,
    default: float | None = None,
    help: str | None = None,
    container=None,
) -> float:
    """A Swedish number input: shows and accepts a decimal comma and spaces between
    thousands (``0,988``, ``7 400``, ``−1,5``), checks the bounds and explains a bad
    entry in Swedish under the field, keeping the last good value.

    Streamlit's own ``st.number_input`` is an HTML number field: it shows ``0.988``,
    the browser turns a typed ``0,95`` into ``095``, and an out-of-range entry gets the
    browser's English "Number is outside the allowed range". So this is a text input
    whose value lives under ``key`` (a plain session value, read by the caller) and
    whose text lives under ``key + NUM_TEXT``; an entry is checked in its on-change
    callback. Returns the value in force.
    """
    box = container if container is not None else st
    if key not in st.session_state:
        st.session_state[key] = default if default is not None else min_value
    value = st.session_state[key]
    error = st.session_state.get(key + NUM_ERROR)
    text_key = key + NUM_TEXT
    if error is None:
        try:
            shown = fmt.parse_number(st.session_state.get(text_key, ""))
        except ValueError:
            shown = None
        if shown is None or round(shown, decimals) != round(float(value), decimals):
            st.session_state[text_key] = _number_text(value, decimals, signed)
    box.text_input(
        label,
        key=text_key,
        on_change=_number_changed,
        args=(key, float(min_value), float(max_value), decimals, signed),
        help=help,
    )
    if error is not None:
        box.error(error, icon=":material/error:")
    return value


def metric(col, label: str, value: str, delta: str | None, help_: str | None = None) -> None:
    """A headline figure. Streamlit reads a delta's direction from a leading "-", and
    Swedish format writes "−" (U+2212): the arrow is set here from the text, and the
    colour stays neutral (whether less is better depends on the figure)."""
    delta = delta or ""
    if delta in ("–", "-"):  # a figure that had no value before (no filial in the register): no change to show
        delta = ""
    arrow = "down" if delta[:1] in ("−", "-") else "up"
    col.metric(label, value, delta=delta or None, delta_color="off", delta_arrow=arrow if delta else "auto",
               help=help_)
