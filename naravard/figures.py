"""Plotly figure builders for the pages (maps live in :mod:`naravard.mapfig`).

One theme for all charts: the Okabe–Ito colour-blind-safe palette, large fonts for a
projector, Swedish separators (decimal comma, space for thousands), no chart junk.
Series are also told apart by line dash and marker symbol, so colour is never the
only carrier of meaning.
"""

from __future__ import annotations

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

# A small theme of our own instead of "plotly_white": applying plotly's full template
# costs ~12 ms per chart on every rerun, this one ~1 ms (measured in bench/).
TEMPLATE_NAME = "naravard"
pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout=dict(
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(color="#1A1A1A"),
        xaxis=dict(gridcolor="#DDDDDD", linecolor="#444444", zerolinecolor="#BBBBBB", ticks="", automargin=True),
        yaxis=dict(gridcolor="#DDDDDD", linecolor="#444444", zerolinecolor="#BBBBBB", ticks="", automargin=True),
        colorway=PALETTE,
    )
)


def base_layout(fig: go.Figure, title: str = "", height: int = HEIGHT, y_title: str = "", x_title: str = "") -> go.Figure:
    fig.update_layout(
        title=dict(text=title, font=dict(size=FONT_SIZE + 4)) if title else None,
        height=height,
        separators=fmt.PLOTLY_SEPARATORS,
        font=dict(size=FONT_SIZE, family="Source Sans Pro, DejaVu Sans, Arial, sans-serif"),
        template=TEMPLATE_NAME,
        margin=dict(l=10, r=10, t=60 if title else 20, b=10),
        # legend under the plot: above it, it collides with the title on narrow screens
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, title=None),
        hoverlabel=dict(font_size=FONT_SIZE),
    )
    fig.update_yaxes(title=y_title or None, tickformat=",d", rangemode="tozero", gridcolor="#DDDDDD")
    fig.update_xaxes(title=x_title or None)
    return fig


def population_lines(pop: pd.DataFrame, title: str = "") -> go.Figure:
    """Population per area over years; projections dashed and marked as such.

    ``pop``: regionkod, region, year, population, kind.
    """
    fig = go.Figure()
    for i, (region, g) in enumerate(pop.sort_values("year").groupby("region", sort=False)):
        color = PALETTE[i % len(PALETTE)]
        obs = g[g["kind"] == OBSERVED]
        proj = g[g["kind"] == PROJECTED]
        # the projection line starts at the last observed point so the two join
        if not obs.empty and not proj.empty:
            proj = pd.concat([obs.tail(1), proj])
        fig.add_trace(
            go.Scatter(
                x=obs["year"],
                y=obs["population"],
                name=region,
                legendgroup=region,
                mode="lines+markers",
                line=dict(color=color, width=3),
                marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=8),
                hovertemplate=f"{region} %{{x}}: %{{y:,.0f}} invånare<extra></extra>",
            )
        )
        if not proj.empty:
            fig.add_trace(
                go.Scatter(
                    x=proj["year"],
                    y=proj["population"],
                    name=f"{region} (prognos)",
                    legendgroup=region,
                    showlegend=False,
                    mode="lines+markers",
                    line=dict(color=color, width=3, dash="dash"),
                    marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=8, line=dict(width=1, color="white")),
                    hovertemplate=f"{region} %{{x}} (prognos): %{{y:,.0f}} invånare<extra></extra>",
                )
            )
    base_layout(fig, title, y_title="Invånare")
    fig.update_yaxes(rangemode="normal")
    fig.add_annotation(
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
    return fig


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
) -> go.Figure:
    """Bars of ``value`` per ``category`` for each ``series``, labelled with the value.

    Bars carry their value as text and (for several series) a fill pattern, so
    neither colour nor reading an axis is needed to tell them apart.
    """
    fig = go.Figure()
    pattern_shapes = ["", "/", ".", "x", "-", "|", "+"]
    # value labels only while they fit; otherwise hover and the table beside the chart
    show_text = df[series].nunique() * df[category].nunique() <= 14
    for i, (name, g) in enumerate(df.groupby(series, sort=False)):
        xs, ys = (g[value], g[category]) if horizontal else (g[category], g[value])
        fig.add_trace(
            go.Bar(
                x=xs,
                y=ys,
                name=str(name),
                orientation="h" if horizontal else "v",
                marker=dict(
                    color=PALETTE[i % len(PALETTE)],
                    pattern=dict(shape=pattern_shapes[i % len(pattern_shapes)] if patterns else ""),
                ),
                text=[value_format(v) for v in g[value]],
                textposition="outside" if show_text else "none",
                cliponaxis=False,
                hovertemplate=f"%{{{'y' if horizontal else 'x'}}} – {name}: %{{text}}<extra></extra>",
            )
        )
    base_layout(fig, title, y_title="" if horizontal else y_title, x_title=y_title if horizontal else "")
    fig.update_layout(barmode="group", uniformtext=dict(minsize=FONT_SIZE - 4, mode="show"))
    if horizontal:
        fig.update_yaxes(tickformat=None, autorange="reversed", rangemode="normal")
        fig.update_xaxes(tickformat=",d", rangemode="tozero")
    return fig


def age_structure(ages: pd.DataFrame, year: int, title: str = "") -> go.Figure:
    """Stacked horizontal bars: each kommun's population split into age groups (%)."""
    a = ages[ages["year"] == year].copy()
    a["share"] = 100 * a["population"] / a.groupby("regionkod")["population"].transform("sum")
    fig = go.Figure()
    # Segments are told apart by their order and their labels, so no fill patterns
    # (text on a pattern is hard to read); dark text on the light colours.
    text_colors = ["white", "black", "white", "black"]
    for i, (grp, g) in enumerate(a.groupby("aldersgrupp", sort=True)):
        fig.add_trace(
            go.Bar(
                y=g["kommun"],
                x=g["share"],
                name=f"{grp} år",
                orientation="h",
                marker=dict(color=PALETTE[i]),
                text=[fmt.percent(v, 0) for v in g["share"]],
                textfont=dict(color=text_colors[i % len(text_colors)]),
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                customdata=g["population"],
                hovertemplate=f"%{{y}}, {grp} år: %{{x:.1f}} %% (%{{customdata:,.0f}} personer)<extra></extra>",
            )
        )
    base_layout(fig, title, x_title="Andel av befolkningen (%)")
    fig.update_layout(barmode="stack", legend=dict(traceorder="normal", y=-0.2))
    fig.update_xaxes(range=[0, 100], ticksuffix=" %")
    fig.update_yaxes(tickformat=None, autorange="reversed")
    return fig


def area_lines(
    series: pd.DataFrame,
    title: str = "",
    y_title: str = "",
    hover_unit: str = "",
    highlight: str | None = None,
    yearly_gaps: bool = False,
) -> go.Figure:
    """One line per area (``omrade``, ``year``, ``value``), told apart by colour, dash
    and marker. ``highlight`` names an area drawn thick and black (the region).
    ``yearly_gaps``: a year without a value is a gap in the line, not a straight join.
    """
    fig = go.Figure()
    years = range(int(series["year"].min()), int(series["year"].max()) + 1) if not series.empty else range(0)
    for i, (area, g) in enumerate(series.sort_values("year").groupby("omrade", sort=False)):
        if yearly_gaps:
            g = g.set_index("year").reindex(years).reset_index()
        strong = area == highlight
        fig.add_trace(
            go.Scatter(
                x=g["year"],
                y=g["value"],
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
    base_layout(fig, title, y_title=y_title)
    fig.update_yaxes(tickformat=None, rangemode="normal")
    return fig


def indicator_lines(series: pd.DataFrame, snapshot: tuple[str, int, float] | None = None, title: str = "") -> go.Figure:
    """An indicator's yearly values for several areas (percent), optional snapshot.

    ``series``: omrade, year, value. ``snapshot`` = (label, year, value): the deck's
    figure, measured differently (a season or another survey dimension), drawn as a
    separate black star with its own legend entry and never joined to the series.
    """
    fig = area_lines(series, title, y_title="Procent", hover_unit="%", yearly_gaps=True)
    if snapshot is not None:
        label, year, value = snapshot
        fig.add_trace(
            go.Scatter(
                x=[year],
                y=[value],
                name=label,
                mode="markers",
                marker=dict(symbol="star", size=18, color="#000000"),
                hovertemplate=f"{label}: %{{y:.1f}} %<extra></extra>",
            )
        )
    fig.update_yaxes(ticksuffix=" %")
    fig.update_xaxes(dtick=1)
    return fig
