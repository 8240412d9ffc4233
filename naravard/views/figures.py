"""Chart builders for the pages: Plotly figures as plain dicts (maps live in :mod:`naravard.views.maps`).

Why Plotly: the product's stack is streamlit, pandas, plotly, geopandas, pyarrow, and
Plotly draws both the charts and the maps (polygons on cartesian axes), with click
selection on the map through the ``on_select`` of ``st.plotly_chart``.

Each builder returns a :class:`Chart`: the figure as a plain ``{"data": [...],
"layout": {...}}`` dict (plotly's own validation checks it in the tests and in
:meth:`Chart.to_plotly`), its title and what kind of chart it is. Streamlit 1.67
builds a Plotly chart's element id from the figure, so a figure that changes is a
new element: figures are kept lean (no template, one trace per series, no values
the reader does not see) so that what a scenario slider step redraws stays small.

One theme for all charts: the Okabe–Ito colour-blind-safe palette, large fonts for
a projector, Swedish numbers (``layout.separators``: decimal comma, no-break space
between thousands; value labels and hover texts are preformatted by :mod:`naravard.fmt`),
no chart junk. Series are also told apart by line dash and marker symbol (lines) or
by a fill pattern (bars), so colour is never the only carrier of meaning.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from naravard import fmt
from naravard.model.population import OBSERVED, PROJECTED

# Okabe & Ito (2008), "Color Universal Design"; black left out (used for text) and
# their yellow replaced by Tol's wine (#882255): yellow lines vanish on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#882255"]
#: Plotly marker symbols, in the order series get them.
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "triangle-right"]
#: Plotly line dashes, in the order series get them.
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"]
#: Plotly bar fill patterns, in the order series get them ("" is a plain bar).
PATTERNS = ["", "/", ".", "x", "\\", "-", "+"]
#: The deck's snapshot on an indicator chart: a black star, never joined to a line.
STAR = "star"
HIGHLIGHT_COLOR = "#000000"
TEXT_COLOR = "#1A1A1A"
GRID_COLOR = "#DDDDDD"
AXIS_COLOR = "#444444"
FONT_SIZE = 16
FONT_FAMILY = "Source Sans Pro, DejaVu Sans, Arial, sans-serif"
HEIGHT = 420
#: Decimal comma, then the thousands separator: a no-break space, as in :mod:`naravard.fmt`.
SEPARATORS = "," + fmt.NBSP
#: Text on the projection part of a line chart's legend.
PROJECTION_LABEL = "Prognos"
OBSERVED_LABEL = "Utfall"

#: The mode bar in Swedish. Streamlit's plotly.js bundle registers only English
#: locales, so the Swedish dictionary goes in through ``config.locales`` (no file
#: is fetched); only the buttons below are shown, so only their texts are needed.
MODEBAR_SV: dict[str, str] = {
    "Download plot as a PNG": "Ladda ned diagrammet som PNG",
    "Download plot as a png": "Ladda ned diagrammet som PNG",
    "Download plot": "Ladda ned diagrammet",
    "Preparing image - this may take a few seconds": "Bilden förbereds – det kan ta några sekunder",
    "Image download succeeded": "Bilden är nedladdad",
    "Sorry, there was a problem downloading your image!": "Bilden kunde inte laddas ned.",
    "Zoom in": "Zooma in",
    "Zoom out": "Zooma ut",
    "Reset axes": "Återställ zoom",  # not just "Återställ": the scenario has a button of that name
    "Autoscale": "Visa allt",
    "Reset": "Återställ zoom",
    "Pan": "Panorera",
    "Zoom": "Zooma",
    "Double-click to zoom back out": "Dubbelklicka för att zooma ut igen",
    "Double-click on legend to isolate one trace": "Dubbelklicka på en förklaring för att visa bara den serien",
    "Click to select": "Klicka för att välja",
}
#: ``config`` for ``st.plotly_chart``: Swedish mode bar with the few buttons a reader
#: needs, no Plotly logo, a PNG at twice the size for slides, no scroll zoom (the page
#: scrolls).
PLOTLY_CONFIG: dict[str, Any] = {
    "locale": "sv",
    "locales": {"sv": {"dictionary": MODEBAR_SV, "format": {"decimal": ",", "thousands": fmt.NBSP}}},
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtons": [["toImage", "zoomIn2d", "zoomOut2d", "resetScale2d"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

_AXIS: dict[str, Any] = {
    "gridcolor": GRID_COLOR,
    "linecolor": AXIS_COLOR,
    "showline": True,
    "zeroline": False,
    "ticks": "outside",
    "tickcolor": AXIS_COLOR,
    "tickfont": {"size": FONT_SIZE - 2, "color": TEXT_COLOR},
    "title": {"font": {"size": FONT_SIZE, "color": TEXT_COLOR}},
    "automargin": True,
}


@dataclass(frozen=True)
class Chart:
    """A Plotly figure (plain dict), its ``title`` (also in the figure) and its kind.

    ``figure`` is what ``st.plotly_chart`` gets. It has no template (``theme=None``
    and the layout carries the theme), so the same dict draws the same chart in the
    app, in a test and in a PNG saved from the mode bar.
    """

    figure: dict
    title: str = ""
    #: What kind of chart, in Swedish, for the chart's accessible name. Stable on
    #: purpose: the chart's text alternative is a caption under it (it changes with
    #: the values, and a changed accessible name makes Streamlit remount the chart).
    kind_sv: str = "Diagram"
    #: What a builder drew beyond the figure, for callers and tests (the maps put
    #: their label rows and kommun codes here).
    meta: dict = field(default_factory=dict)

    @property
    def data(self) -> list[dict]:
        """The figure's traces."""
        return self.figure["data"]

    @property
    def layout(self) -> dict:
        return self.figure["layout"]

    def to_plotly(self):
        """The figure as a validated ``plotly.graph_objects.Figure`` (raises on a wrong property)."""
        import plotly.graph_objects as go

        return go.Figure(copy.deepcopy(self.figure))


def layout(title: str = "", height: int = HEIGHT, **extra) -> dict:
    """The theme's layout with the title; ``extra`` is merged in at the top level.

    The title is part of the figure (so a PNG saved from the mode bar has it).
    """
    out: dict[str, Any] = {
        "template": {},
        "separators": SEPARATORS,
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": TEXT_COLOR},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": PALETTE,
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 60 if title else 20, "b": 10},
        "hoverlabel": {"font": {"size": FONT_SIZE - 1, "family": FONT_FAMILY}, "bgcolor": "white"},
        # at the figure's foot (container coordinates), below the axis labels however
        # many lines they take; plotly makes room for it
        "legend": {
            "orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0, "yanchor": "bottom",
            "font": {"size": FONT_SIZE - 1, "color": TEXT_COLOR}, "title": {"text": ""},
        },
        "xaxis": copy.deepcopy(_AXIS),
        "yaxis": copy.deepcopy(_AXIS),
    }
    if title:
        out["title"] = {"text": title, "x": 0, "xanchor": "left", "font": {"size": FONT_SIZE + 3, "color": TEXT_COLOR}}
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = {**out[k], **v}
        else:
            out[k] = v
    return out


def _nums(values) -> list:
    """Floats with ``None`` for a missing value (plotly draws a gap, JSON has null)."""
    return [None if pd.isna(v) else float(v) for v in values]


def _year_axis(years) -> dict:
    # "d": a year is 2030, not 2 030; ticks only at whole years
    ys = sorted({int(y) for y in years})
    step = 1 if len(ys) <= 12 else 5
    return {"tickformat": "d", "dtick": step, "title": {"text": ""}, "range": [ys[0] - 0.4, ys[-1] + 0.4] if ys else None}


def population_lines(pop: pd.DataFrame, title: str = "") -> Chart:
    """Population per area over years; projections dashed and marked as such.

    ``pop``: regionkod, region, year, population, kind. Each area has its colour and
    marker symbol; observed years are a solid line, projected ones a dashed line that
    starts at the last observed point (so the two join). The legend names both: one
    entry per area, and a grey "Prognos" entry for the dash.
    """
    traces: list[dict] = []
    pop = pop.sort_values("year")
    has_projection = False
    for i, (region, g) in enumerate(pop.groupby("region", sort=False)):
        color, symbol = PALETTE[i % len(PALETTE)], SYMBOLS[i % len(SYMBOLS)]
        obs, proj = g[g["kind"] == OBSERVED], g[g["kind"] == PROJECTED]
        if not obs.empty and not proj.empty:
            proj = pd.concat([obs.tail(1), proj])
        for part, dash, first in ((obs, "solid", True), (proj, "dash", obs.empty)):
            if part.empty:
                continue
            has_projection |= dash == "dash"
            text = [f"{region} {int(r.year)}: {fmt.number(r.population)} invånare" + (" (prognos)" if r.kind == PROJECTED else "")
                    for r in part.itertuples()]
            traces.append({
                "type": "scatter", "mode": "lines+markers", "name": str(region), "legendgroup": str(region),
                "showlegend": first, "x": [int(y) for y in part["year"]], "y": _nums(part["population"]),
                "line": {"color": color, "width": 3, "dash": dash}, "marker": {"symbol": symbol, "size": 9, "color": color},
                "hovertext": text, "hoverinfo": "text",
            })
    if has_projection:
        # a legend entry for the dash only (no data): "Prognos" is the dashed part
        traces.append({"type": "scatter", "mode": "lines", "name": PROJECTION_LABEL, "x": [None], "y": [None],
                       "line": {"color": AXIS_COLOR, "width": 3, "dash": "dash"}, "hoverinfo": "skip"})
    lay = layout(title, xaxis=_year_axis(pop["year"]), yaxis={"tickformat": ",d", "title": {"text": "Invånare"}})
    return Chart({"data": traces, "layout": lay}, title, kind_sv="Linjediagram")


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
) -> Chart:
    """Bars of ``value`` per ``category`` for each ``series``, labelled with the value.

    Several series are told apart by colour *and* by a fill pattern (the legend shows
    both), so neither colour nor reading an axis is needed. ``patterns=False`` leaves
    the patterns out. Value labels are shown while they fit (at most 14 bars);
    otherwise the hover text and the table beside the chart carry them.
    """
    names = list(dict.fromkeys(df[series].astype(str)))
    cats = list(dict.fromkeys(df[category].astype(str)))
    show_text = len(names) * len(cats) <= 14
    traces = []
    for i, name in enumerate(names):
        g = df[df[series].astype(str) == name]
        cat = [str(c) for c in g[category]]
        vals = _nums(pd.to_numeric(g[value], errors="coerce"))
        labels = [value_format(v) if v is not None else "–" for v in vals]
        pattern = PATTERNS[i % len(PATTERNS)] if patterns and len(names) > 1 else ""
        t = {
            "type": "bar", "name": name, "orientation": "h" if horizontal else "v",
            "x": vals if horizontal else cat, "y": cat if horizontal else vals,
            "marker": {"color": PALETTE[i % len(PALETTE)], "line": {"color": "white", "width": 1},
                       "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "white", "solidity": 0.35, "size": 9}},
            "hovertext": [f"{c}, {name}: {lab}" for c, lab in zip(cat, labels)], "hoverinfo": "text",
        }
        if show_text:
            t |= {"text": labels, "textposition": "outside", "cliponaxis": False,
                  "textfont": {"size": FONT_SIZE - 2, "color": TEXT_COLOR}}
            if not horizontal and len(names) * len(cats) > 8:
                # upright bars narrower than their labels in a 1280 px column: the
                # labels stand on end instead of running into the neighbour's
                t["textangle"] = -90
        traces.append(t)
    cat_axis = {"type": "category", "categoryorder": "array", "categoryarray": cats, "title": {"text": ""},
                "tickfont": {"size": FONT_SIZE - 1, "color": TEXT_COLOR}}
    val_axis = {"tickformat": ",d", "title": {"text": y_title}, "rangemode": "tozero"}
    if show_text:
        # room for the value labels outside the bars (plotly's autorange ignores them,
        # and a label above the top would run into the title)
        vals = [v for v in pd.to_numeric(df[value], errors="coerce") if pd.notna(v)]
        if vals:
            head = 1.28 if not horizontal and len(names) * len(cats) > 8 else 1.16
            lo, hi = min(0.0, min(vals)), max(0.0, max(vals))
            val_axis["range"] = [lo * head, hi * head if hi > 0 else abs(lo) * 0.05]
    # one size for every value label, never shrunk below a projector-readable size
    bars = {"barmode": "group", "bargap": 0.25, "bargroupgap": 0.05, "uniformtext": {"minsize": FONT_SIZE - 3, "mode": "show"}}
    if horizontal:
        cat_axis["autorange"] = "reversed"  # first category on top, as read
        lay = layout(title, height=height, xaxis=val_axis, yaxis=cat_axis, **bars)
    else:
        lay = layout(title, height=height, xaxis=cat_axis, yaxis=val_axis, **bars)
    return Chart({"data": traces, "layout": lay}, title, kind_sv="Stapeldiagram")


def age_structure(ages: pd.DataFrame, year: int, title: str = "") -> Chart:
    """Stacked horizontal bars: each kommun's population split into age groups (%).

    Segments are told apart by their order and their percent labels (no pattern on a
    segment: text on a pattern is hard to read); dark text on the light colours.
    """
    a = ages[ages["year"] == year].copy()
    a["share"] = 100 * a["population"] / a.groupby("regionkod")["population"].transform("sum")
    groups = sorted(a["aldersgrupp"].unique())
    kommuner = list(dict.fromkeys(a["kommun"]))
    text_colors = ["white", "black", "white", "black"]
    traces = []
    for i, grp in enumerate(groups):
        g = a[a["aldersgrupp"] == grp].set_index("kommun").reindex(kommuner)
        label = f"{grp} år"
        traces.append({
            "type": "bar", "orientation": "h", "name": label, "y": kommuner, "x": _nums(g["share"]),
            "marker": {"color": PALETTE[i % len(PALETTE)], "line": {"color": "white", "width": 1}},
            "text": [fmt.percent(v, 0) if pd.notna(v) and v >= 4 else "" for v in g["share"]],
            "textposition": "inside", "insidetextanchor": "middle", "textangle": 0,
            "textfont": {"size": FONT_SIZE - 2, "color": text_colors[i % len(text_colors)]},
            "hovertext": [f"{k}, {label}: {fmt.percent(s, 1)} ({fmt.number(p)} personer)"
                          for k, s, p in zip(kommuner, g["share"], g["population"])],
            "hoverinfo": "text",
        })
    lay = layout(
        title, barmode="stack",
        # one label size; a label that does not fit its segment is left out (the hover
        # text and the table carry it), never turned on end
        uniformtext={"minsize": FONT_SIZE - 4, "mode": "hide"},
        legend={"traceorder": "normal"}, margin={"r": 30},
        xaxis={"range": [0, 100], "tickvals": [0, 25, 50, 75, 100],
               "ticktext": [fmt.percent(v, 0) for v in (0, 25, 50, 75, 100)], "title": {"text": "Andel av befolkningen (%)"}},
        yaxis={"type": "category", "autorange": "reversed", "tickfont": {"size": FONT_SIZE - 1, "color": TEXT_COLOR}},
    )
    return Chart({"data": traces, "layout": lay}, title, kind_sv="Staplat stapeldiagram")


def _area_data(series: pd.DataFrame, yearly_gaps: bool) -> tuple[dict[str, pd.DataFrame], list[int]]:
    """Per area its (year, value) rows in year order; with ``yearly_gaps`` every year
    between the first and the last is a row, a missing one with a missing value."""
    series = series.sort_values("year")
    years = list(range(int(series["year"].min()), int(series["year"].max()) + 1)) if not series.empty else []
    out = {}
    for area, g in series.groupby("omrade", sort=False):
        g = g[["year", "value"]]
        if yearly_gaps:
            g = g.set_index("year").reindex(years).reset_index()
        out[str(area)] = g
    return out, years


def _area_traces(parts: dict[str, pd.DataFrame], show, highlight: str | None) -> list[dict]:
    traces = []
    for i, (area, g) in enumerate(parts.items()):
        hl = area == highlight
        color = HIGHLIGHT_COLOR if hl else PALETTE[i % len(PALETTE)]
        text = [f"{area} {int(y)}: {show(v)}" if pd.notna(v) else f"{area} {int(y)}: inget värde" for y, v in zip(g["year"], g["value"])]
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": area, "x": [int(y) for y in g["year"]], "y": _nums(g["value"]),
            "connectgaps": False,  # a missing year is a gap, not a straight join
            "line": {"color": color, "width": 5 if hl else 3, "dash": DASHES[i % len(DASHES)]},
            "marker": {"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 9, "color": color},
            "hovertext": text, "hoverinfo": "text",
        })
    return traces


def area_lines(
    series: pd.DataFrame,
    title: str = "",
    y_title: str = "",
    hover_unit: str = "",
    highlight: str | None = None,
    yearly_gaps: bool = False,
    divider: tuple[float, str] | None = None,
) -> Chart:
    """One line per area (``omrade``, ``year``, ``value``), told apart by colour, dash
    and marker symbol. ``highlight`` names an area drawn thick and black (the region).
    ``yearly_gaps``: a year without a value is a gap in the line, not a straight join.
    ``divider`` = (x, label): a dotted vertical line with a label at the top (e.g.
    where the projection starts).
    """
    parts, years = _area_data(series, yearly_gaps)
    traces = _area_traces(parts, lambda v: f"{fmt.number(v, 1)} {hover_unit}".strip(), highlight)
    extra: dict[str, Any] = {}
    if divider is not None:
        x, label = divider
        extra["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
                            "line": {"color": "#777777", "width": 1.5, "dash": "dot"}}]
        extra["annotations"] = [{"xref": "x", "yref": "paper", "x": x, "y": 1, "xanchor": "left", "yanchor": "top",
                                 "xshift": 4, "text": label, "showarrow": False,
                                 "font": {"size": FONT_SIZE - 2, "color": AXIS_COLOR}}]
    lay = layout(title, xaxis=_year_axis(years or series["year"]), yaxis={"title": {"text": y_title}}, **extra)
    return Chart({"data": traces, "layout": lay}, title, kind_sv="Linjediagram")


def indicator_lines(series: pd.DataFrame, snapshot: tuple[str, int, float, int] | None = None, title: str = "") -> Chart:
    """An indicator's yearly values for several areas (percent), optional snapshot.

    ``series``: omrade, year, value. ``snapshot`` = (label, year, value, decimals): the
    deck's figure at the source's precision, measured differently (a season or another survey dimension), drawn as a
    separate black star with its own legend entry and never joined to the series.
    """
    parts, years = _area_data(series, yearly_gaps=True)
    traces = _area_traces(parts, lambda v: fmt.percent(v, 1), None)
    if snapshot is not None:
        name, year, value, decimals = snapshot
        traces.append({
            "type": "scatter", "mode": "markers", "name": name, "x": [int(year)], "y": [float(value)],
            "marker": {"symbol": STAR, "size": 20, "color": HIGHLIGHT_COLOR, "line": {"color": "white", "width": 1}},
            "hovertext": [f"{name}: {fmt.percent(value, decimals)}"], "hoverinfo": "text",
        })
        years = sorted({*years, int(year)})
    lay = layout(title, xaxis=_year_axis(years), yaxis={"title": {"text": "Procent"}, "ticksuffix": " %", "tickformat": ",.0f"})
    return Chart({"data": traces, "layout": lay}, title, kind_sv="Linjediagram")


__all__ = [
    "Chart", "PALETTE", "PLOTLY_CONFIG", "SEPARATORS", "age_structure", "area_lines", "grouped_bars",
    "indicator_lines", "layout", "population_lines",
]
