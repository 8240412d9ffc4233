"""Plotly figure builders for the pages (maps live in :mod:`naravard.mapfig`).

One theme for all charts: the Okabe–Ito colour-blind-safe palette, large fonts for a
projector, Swedish separators (decimal comma, space for thousands), no chart junk.
Series are also told apart by line dash and marker symbol, so colour is never the
only carrier of meaning.
"""

from __future__ import annotations

import os

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from . import fmt
from .population import OBSERVED, PROJECTED

# Okabe & Ito (2008), "Color Universal Design"; black left out (used for text) and
# their yellow replaced by Tol's wine (#882255): yellow lines vanish on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#882255"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"]
FONT_SIZE = 16
HEIGHT = 460

# A small theme of our own instead of "plotly_white" (plotly's full template is ~9/10
# of a small figure's JSON). It is written into each figure's layout as a plain dict:
# figures are built without plotly's validation (see :func:`figure`), which is also
# what would turn a registered template's name into its content.
TEMPLATE_NAME = "naravard"
TEMPLATE_LAYOUT = dict(
    paper_bgcolor="white",
    plot_bgcolor="white",
    font=dict(color="#1A1A1A"),
    xaxis=dict(gridcolor="#DDDDDD", linecolor="#444444", zerolinecolor="#BBBBBB", ticks="", automargin=True),
    yaxis=dict(gridcolor="#DDDDDD", linecolor="#444444", zerolinecolor="#BBBBBB", ticks="", automargin=True),
    colorway=PALETTE,
)
TEMPLATE = dict(layout=TEMPLATE_LAYOUT)
pio.templates[TEMPLATE_NAME] = go.layout.Template(layout=TEMPLATE_LAYOUT)


def _merge(base: dict, extra: dict) -> dict:
    """``base`` updated with ``extra``, nested dicts merged key by key (a new dict)."""
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def layout(title: str = "", height: int = HEIGHT, y_title: str = "", x_title: str = "", **extra) -> dict:
    """The common layout as a plain dict; ``extra`` is merged into it (nested keys too).

    Figures are specified as plain dicts and handed to plotly once (:func:`figure`):
    plotly validates every ``update_layout``/``add_trace`` call property by property,
    which made one small chart cost 35–70 ms per rerun; one validated construction
    from a dict costs ~5 ms (measured with bench/figure timings, see docs/performance.md).
    """
    base = dict(
        title=dict(text=title, font=dict(size=FONT_SIZE + 4)) if title else None,
        height=height,
        separators=fmt.PLOTLY_SEPARATORS,
        font=dict(size=FONT_SIZE, family="Source Sans Pro, DejaVu Sans, Arial, sans-serif"),
        template=TEMPLATE,
        margin=dict(l=10, r=10, t=60 if title else 20, b=10),
        # legend under the plot: above it, it collides with the title on narrow screens
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, title=None),
        hoverlabel=dict(font=dict(size=FONT_SIZE)),
        yaxis=dict(title=dict(text=y_title) if y_title else None, tickformat=",d", rangemode="tozero", gridcolor="#DDDDDD"),
        xaxis=dict(title=dict(text=x_title) if x_title else None),
    )
    return _merge(base, extra)


# Plotly checks every property of a figure it is given (~8 ms for a 12-trace chart,
# on every rerun). Our specs come from this module, never from user input, so the app
# skips that check and the tests switch it on (tests/conftest.py sets the variable;
# tests/test_figures.py builds every chart with it), which catches a wrong property.
VALIDATE = os.environ.get("NARAVARD_VALIDATE_FIGURES") == "1"


def figure(traces: list[dict], fig_layout: dict, annotations: list[dict] | None = None) -> go.Figure:
    """One plotly Figure from plain trace and layout dicts (validated if :data:`VALIDATE`)."""
    if annotations:
        fig_layout = {**fig_layout, "annotations": annotations}
    if VALIDATE:
        return go.Figure(data=traces, layout=fig_layout)
    # plotly's documented-in-code switch for trusted specs (BaseFigure.__init__)
    return go.Figure(data=traces, layout=fig_layout, _validate=False)


def population_lines(pop: pd.DataFrame, title: str = "") -> go.Figure:
    """Population per area over years; projections dashed and marked as such.

    ``pop``: regionkod, region, year, population, kind.
    """
    traces = []
    for i, (region, g) in enumerate(pop.sort_values("year").groupby("region", sort=False)):
        color = PALETTE[i % len(PALETTE)]
        obs = g[g["kind"] == OBSERVED]
        proj = g[g["kind"] == PROJECTED]
        # the projection line starts at the last observed point so the two join
        if not obs.empty and not proj.empty:
            proj = pd.concat([obs.tail(1), proj])
        traces.append(
            dict(
                type="scatter",
                x=obs["year"].tolist(),
                y=obs["population"].tolist(),
                name=region,
                legendgroup=region,
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=8),
                hovertemplate=f"{region} %{{x}}: %{{y:,.0f}} invånare<extra></extra>",
            )
        )
        if not proj.empty:
            traces.append(
                dict(
                    type="scatter",
                    x=proj["year"].tolist(),
                    y=proj["population"].tolist(),
                    name=f"{region} (prognos)",
                    legendgroup=region,
                    showlegend=False,
                    mode="lines+markers",
                    line=dict(color=color, width=3, dash="dash"),
                    marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=8, line=dict(width=1, color="white")),
                    hovertemplate=f"{region} %{{x}} (prognos): %{{y:,.0f}} invånare<extra></extra>",
                )
            )
    note = dict(
        # beside the legend under the plot, where it cannot cover a line
        text="Streckad linje = prognos",
        xref="paper",
        yref="paper",
        x=1,
        y=-0.12,
        xanchor="right",
        yanchor="top",
        showarrow=False,
        font=dict(size=FONT_SIZE - 2, color="#444444"),
    )
    return figure(traces, layout(title, y_title="Invånare", yaxis=dict(rangemode="normal")), [note])


def grouped_bars(
    df: pd.DataFrame,
    category: str,
    series: str,
    value: str,
    title: str = "",
    y_title: str = "",
    value_format=fmt.number,
    horizontal: bool = False,
    patterns: bool = True,
    height: int = HEIGHT,
) -> go.Figure:
    """Bars of ``value`` per ``category`` for each ``series``, labelled with the value.

    Bars carry their value as text and (for several series) a fill pattern, so
    neither colour nor reading an axis is needed to tell them apart.
    """
    traces = []
    pattern_shapes = ["", "/", ".", "x", "-", "|", "+"]
    # value labels only while they fit; otherwise hover and the table beside the chart
    show_text = df[series].nunique() * df[category].nunique() <= 14
    for i, (name, g) in enumerate(df.groupby(series, sort=False)):
        cats, vals = g[category].tolist(), g[value].tolist()
        xs, ys = (vals, cats) if horizontal else (cats, vals)
        traces.append(
            dict(
                type="bar",
                x=xs,
                y=ys,
                name=str(name),
                orientation="h" if horizontal else "v",
                marker=dict(
                    color=PALETTE[i % len(PALETTE)],
                    pattern=dict(shape=pattern_shapes[i % len(pattern_shapes)] if patterns else ""),
                ),
                text=[value_format(v) for v in vals],
                textposition="outside" if show_text else "none",
                cliponaxis=False,
                hovertemplate=f"%{{{'y' if horizontal else 'x'}}} – {name}: %{{text}}<extra></extra>",
            )
        )
    extra: dict = dict(barmode="group", uniformtext=dict(minsize=FONT_SIZE - 4, mode="show"))
    if horizontal:
        extra["yaxis"] = dict(tickformat=None, autorange="reversed", rangemode="normal")
        extra["xaxis"] = dict(tickformat=",d", rangemode="tozero")
    fig_layout = layout(title, height=height, y_title="" if horizontal else y_title, x_title=y_title if horizontal else "", **extra)
    return figure(traces, fig_layout)


def age_structure(ages: pd.DataFrame, year: int, title: str = "") -> go.Figure:
    """Stacked horizontal bars: each kommun's population split into age groups (%)."""
    a = ages[ages["year"] == year].copy()
    a["share"] = 100 * a["population"] / a.groupby("regionkod")["population"].transform("sum")
    traces = []
    # Segments are told apart by their order and their labels, so no fill patterns
    # (text on a pattern is hard to read); dark text on the light colours.
    text_colors = ["white", "black", "white", "black"]
    for i, (grp, g) in enumerate(a.groupby("aldersgrupp", sort=True)):
        traces.append(
            dict(
                type="bar",
                y=g["kommun"].tolist(),
                x=g["share"].tolist(),
                name=f"{grp} år",
                orientation="h",
                marker=dict(color=PALETTE[i]),
                text=[fmt.percent(v, 0) for v in g["share"]],
                textfont=dict(color=text_colors[i % len(text_colors)]),
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                customdata=g["population"].tolist(),
                hovertemplate=f"%{{y}}, {grp} år: %{{x:.1f}} %% (%{{customdata:,.0f}} personer)<extra></extra>",
            )
        )
    fig_layout = layout(
        title,
        x_title="Andel av befolkningen (%)",
        barmode="stack",
        legend=dict(traceorder="normal", y=-0.2),
        xaxis=dict(range=[0, 100], ticksuffix=" %"),
        yaxis=dict(tickformat=None, autorange="reversed"),
    )
    return figure(traces, fig_layout)


def _area_traces(series: pd.DataFrame, hover_unit: str, highlight: str | None, yearly_gaps: bool) -> list[dict]:
    traces = []
    years = range(int(series["year"].min()), int(series["year"].max()) + 1) if not series.empty else range(0)
    for i, (area, g) in enumerate(series.sort_values("year").groupby("omrade", sort=False)):
        if yearly_gaps:
            g = g.set_index("year").reindex(years).reset_index()
        strong = area == highlight
        traces.append(
            dict(
                type="scatter",
                x=g["year"].tolist(),
                # a missing year is None (a gap), not NaN (which JSON cannot carry)
                y=[None if pd.isna(v) else float(v) for v in g["value"]],
                name=area,
                mode="lines+markers",
                connectgaps=False,
                line=dict(
                    color="#000000" if strong else PALETTE[i % len(PALETTE)],
                    width=5 if strong else 3,
                    dash=DASHES[i % len(DASHES)],
                ),
                marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=9),
                hovertemplate=f"{area} %{{x}}: %{{y:.1f}} {hover_unit}<extra></extra>",
            )
        )
    return traces


def area_lines(
    series: pd.DataFrame,
    title: str = "",
    y_title: str = "",
    hover_unit: str = "",
    highlight: str | None = None,
    yearly_gaps: bool = False,
    divider: tuple[float, str] | None = None,
) -> go.Figure:
    """One line per area (``omrade``, ``year``, ``value``), told apart by colour, dash
    and marker. ``highlight`` names an area drawn thick and black (the region).
    ``yearly_gaps``: a year without a value is a gap in the line, not a straight join.
    ``divider`` = (x, label): a dotted vertical line with a label at the top (e.g.
    where the projection starts).
    """
    traces = _area_traces(series, hover_unit, highlight, yearly_gaps)
    extra: dict = dict(yaxis=dict(tickformat=None, rangemode="normal"))
    notes = []
    if divider is not None:
        x, label = divider
        extra["shapes"] = [
            dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=dict(dash="dot", color="#777777"))
        ]
        notes.append(dict(text=label, xref="x", yref="paper", x=x, y=1, xanchor="left", yanchor="top", showarrow=False))
    return figure(traces, layout(title, y_title=y_title, **extra), notes)


def indicator_lines(series: pd.DataFrame, snapshot: tuple[str, int, float] | None = None, title: str = "") -> go.Figure:
    """An indicator's yearly values for several areas (percent), optional snapshot.

    ``series``: omrade, year, value. ``snapshot`` = (label, year, value): the deck's
    figure, measured differently (a season or another survey dimension), drawn as a
    separate black star with its own legend entry and never joined to the series.
    """
    traces = _area_traces(series, "%", None, yearly_gaps=True)
    if snapshot is not None:
        label, year, value = snapshot
        traces.append(
            dict(
                type="scatter",
                x=[year],
                y=[value],
                name=label,
                mode="markers",
                marker=dict(symbol="star", size=18, color="#000000"),
                hovertemplate=f"{label}: %{{y:.1f}} %<extra></extra>",
            )
        )
    fig_layout = layout(title, y_title="Procent", yaxis=dict(tickformat=None, rangemode="normal", ticksuffix=" %"), xaxis=dict(dtick=1))
    return figure(traces, fig_layout)
