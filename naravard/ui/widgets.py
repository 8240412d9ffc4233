"""Render helpers: every chart with a caption, every table as a table, every figure
with its "Källa:" line."""

from __future__ import annotations

from contextlib import nullcontext

import pandas as pd
import streamlit as st

from naravard import fmt
from naravard.sources.dataset import Dataset
from naravard.views import figures


#: The accessible name of every chart ends with this (see :func:`chart`).
CHART_ALT_POINTER = "Vad diagrammet visar står i texten under det."


def source_line(ds: Dataset, *tables: str, extra: str = "") -> None:
    """The "Källa:" line under a chart or table, from the manifest."""
    seen: list[str] = []
    for t in tables:
        if t in ds.info:
            c = ds.source_of(t).citation
            if c not in seen:
                seen.append(c)
    text = "Källa: " + "; ".join(seen) if seen else ""
    if extra:
        text = f"{text}. {extra}" if text else extra
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
