"""Chart builders for the pages: Vega-Lite specs (maps live in :mod:`naravard.mapfig`).

Why Vega-Lite and not Plotly: measured on 2026-11-29 (docs/performance.md), a page with
a Vega-Lite chart was ready about 1,6 s sooner than the same page with a Plotly chart
(plotly.js alone is several MB of JavaScript to parse), and Streamlit updates a
Vega-Lite chart's data in place when its spec is unchanged, whereas it remounts a Plotly
chart whenever the figure changes. A slider step on the scenario page therefore only
swaps the data of the chart.

Each builder returns a :class:`Chart`: the spec *without* data and the data as a
DataFrame. Keeping the data out of the spec (and the title free of values that a
slider changes) keeps the spec identical across reruns, which is what lets Streamlit
skip the remount.

One theme for all charts: the Okabe–Ito colour-blind-safe palette, large fonts for a
projector, Swedish numbers (decimal comma, space between thousands, through the spec's
``config.locale``; value labels and tooltips are preformatted by :mod:`naravard.fmt`),
no chart junk. Series are also told apart by line dash and point shape, so colour is
never the only carrier of meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from naravard import fmt
from naravard.model.population import OBSERVED, PROJECTED

# Okabe & Ito (2008), "Color Universal Design"; black left out (used for text) and
# their yellow replaced by Tol's wine (#882255): yellow lines vanish on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#882255"]
#: Vega point shapes, in the order series get them.
SHAPES = ["circle", "square", "diamond", "triangle-up", "cross", "triangle-down", "triangle-right"]
#: A five-pointed star as an SVG path in Vega's unit box (Vega has no built-in star).
STAR = "M0,-1L0.2245,-0.309L0.9511,-0.309L0.3633,0.118L0.5878,0.809L0,0.382L-0.5878,0.809L-0.3633,0.118L-0.9511,-0.309L-0.2245,-0.309Z"
#: Vega stroke dash arrays ([] is a solid line), in the order series get them.
DASHES: list[list[int]] = [[], [8, 4], [2, 3], [8, 3, 2, 3], [14, 4], [14, 4, 2, 4], [1, 0]]
HIGHLIGHT_COLOR = "#000000"
TEXT_COLOR = "#1A1A1A"
FONT_SIZE = 16
FONT_FAMILY = "Source Sans Pro, DejaVu Sans, Arial, sans-serif"
HEIGHT = 420
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Text on the projection part of a line chart's legend.
PROJECTION_LABEL = "Prognos"
OBSERVED_LABEL = "Utfall"

#: The theme, written into every spec (the app passes ``theme=None`` to Streamlit, so
#: what is drawn is exactly what is specified here and checked by the tests).
CONFIG: dict[str, Any] = {
    "locale": {
        "number": {"decimal": ",", "thousands": fmt.NBSP, "grouping": [3], "currency": ["", f"{fmt.NBSP}kr"], "minus": fmt.MINUS}
    },
    "font": FONT_FAMILY,
    "background": "white",
    "view": {"stroke": None},
    "range": {"category": PALETTE, "symbol": SHAPES},
    "axis": {
        "labelFontSize": FONT_SIZE - 2,
        "titleFontSize": FONT_SIZE,
        "titleFontWeight": "normal",
        "labelColor": TEXT_COLOR,
        "titleColor": TEXT_COLOR,
        "gridColor": "#DDDDDD",
        "domainColor": "#444444",
        "tickColor": "#444444",
        "labelLimit": 260,
    },
    "legend": {
        "orient": "bottom",
        "direction": "horizontal",
        "labelFontSize": FONT_SIZE - 1,
        "titleFontSize": FONT_SIZE - 1,
        "labelColor": TEXT_COLOR,
        "labelLimit": 420,
        "symbolSize": 160,
        "symbolStrokeWidth": 2,
        "columnPadding": 18,
        "columns": 4,
        "title": None,
    },
    "text": {"fontSize": FONT_SIZE - 2, "color": TEXT_COLOR},
    "line": {"strokeWidth": 3},
    "point": {"size": 80, "filled": True},
}


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite chart: ``spec`` without data, ``data`` for it, ``title`` (also in the spec).

    ``spec`` depends only on the chart's kind and fixed labels, never on the values,
    so it stays the same while a slider moves and only ``data`` changes.
    """

    spec: dict
    #: None when the spec carries its data inline (the maps, :mod:`naravard.mapfig`).
    data: pd.DataFrame | None
    title: str = ""
    #: What kind of chart, in Swedish, for the chart's accessible name. Stable on
    #: purpose: the chart's text alternative is a caption under it (it changes with
    #: the values, and a changed accessible name makes Streamlit re-embed the chart).
    kind_sv: str = "Diagram"
    #: What a builder drew beyond spec and data, for callers and tests (the maps put
    #: their label rows here).
    meta: dict = field(default_factory=dict)

    def full_spec(self) -> dict:
        """The spec with the data inline, as Vega-Lite gets it (tests validate this)."""
        if self.data is None:
            return self.spec
        rows = self.data.astype(object).where(self.data.notna(), None).to_dict(orient="records")
        return {**self.spec, "data": {"values": rows}}


def spec(layers: list[dict], height: int = HEIGHT, title: str = "", **extra) -> dict:
    """A layered spec with the theme and title; ``extra`` goes in at the top level.

    The title is part of the chart (so a PNG saved from Streamlit's chart menu has it).
    It must not change with a slider: a changed spec makes Streamlit re-embed the chart.
    """
    head = {"title": {"text": title, "anchor": "start", "fontSize": FONT_SIZE + 3, "fontWeight": 600,
                      "color": TEXT_COLOR, "offset": 12, "limit": 900}} if title else {}
    return {"$schema": SCHEMA, "height": height, "config": CONFIG, **head, "layer": layers, **extra}


def _scale(domain: list, values: list) -> dict:
    """An explicit ordinal scale: series keep their colour/shape/dash whatever the data."""
    return {"domain": domain, "range": [values[i % len(values)] for i in range(len(domain))]}


def _year_axis(title: str | None = None) -> dict:
    # "d": a year is 2030, not 2 030
    return {"field": "year", "type": "quantitative", "title": title, "scale": {"zero": False, "nice": False, "padding": 12},
            "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": "greedy", "labelSeparation": 8}}


def _tooltip(*fields: tuple[str, str]) -> list[dict]:
    return [{"field": f, "type": "nominal", "title": t} for f, t in fields]


def population_lines(pop: pd.DataFrame, title: str = "") -> Chart:
    """Population per area over years; projections dashed and marked as such.

    ``pop``: regionkod, region, year, population, kind. Each area has its colour and
    point shape; observed years are a solid line, projected ones a dashed line that
    starts at the last observed point (so the two join). The legend names both.
    """
    rows = []
    regions = list(dict.fromkeys(pop.sort_values("year")["region"]))
    for region, g in pop.sort_values("year").groupby("region", sort=False):
        obs, proj = g[g["kind"] == OBSERVED], g[g["kind"] == PROJECTED]
        if not obs.empty and not proj.empty:
            proj = pd.concat([obs.tail(1), proj])
        for part, label in ((obs, OBSERVED_LABEL), (proj, PROJECTION_LABEL)):
            for r in part.itertuples():
                rows.append({"region": region, "year": int(r.year), "population": float(r.population), "del": label,
                             "text": f"{region} {int(r.year)}: {fmt.number(r.population)} invånare"
                             + (" (prognos)" if r.kind == PROJECTED else "")})
    data = pd.DataFrame(rows, columns=["region", "year", "population", "del", "text"])
    color = {"field": "region", "type": "nominal", "sort": None, "scale": _scale(regions, PALETTE), "title": None}
    shape = {"field": "region", "type": "nominal", "sort": None, "scale": _scale(regions, SHAPES), "title": None}
    x = _year_axis()
    y = {"field": "population", "type": "quantitative", "title": "Invånare", "scale": {"zero": False}, "axis": {"format": ",d"}}
    layers = [
        {
            "mark": {"type": "line"},
            "encoding": {
                "x": x,
                "y": y,
                "color": color,
                "strokeDash": {"field": "del", "type": "nominal", "scale": _scale([OBSERVED_LABEL, PROJECTION_LABEL], [[], [7, 4]]), "title": None},
                "detail": {"field": "del"},
            },
        },
        {
            "mark": {"type": "point", "size": 90},
            "encoding": {"x": x, "y": y, "color": color, "shape": shape, "tooltip": _tooltip(("text", "Invånare"))},
        },
    ]
    return Chart(spec(layers, title=title), data, title, kind_sv="Linjediagram")


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

    Several series are told apart by colour *and* by a shape at the foot of each bar
    (the legend shows both), so neither colour nor reading an axis is needed.
    ``patterns=False`` leaves the shapes out. Value labels are shown while they fit
    (at most 14 bars); otherwise the tooltip and the table beside the chart carry them.
    """
    # No category or series names in the spec (data order, colours and shapes from the
    # theme's ranges): the scenario chart's series are named after the horizon, and a
    # spec that changed with them would make Streamlit re-embed the chart on every step.
    n_names, n_cats = df[series].nunique(), df[category].nunique()
    data = pd.DataFrame(
        {
            "kategori": df[category].astype(str).to_numpy(),
            "serie": df[series].astype(str).to_numpy(),
            "v": pd.to_numeric(df[value], errors="coerce").astype(float).to_numpy(),
        }
    )
    data["text"] = [value_format(v) for v in data["v"]]
    show_text = n_names * n_cats <= 14
    cat_ch, val_ch, off_ch = ("y", "x", "yOffset") if horizontal else ("x", "y", "xOffset")
    cat_enc = {"field": "kategori", "type": "nominal", "sort": None, "title": None}
    if not horizontal:
        cat_enc["axis"] = {"labelAngle": 0, "labelFontSize": FONT_SIZE - 1}
    val_enc = {"field": "v", "type": "quantitative", "title": y_title or None, "axis": {"format": ",d"}, "stack": None}
    off_enc = {"field": "serie", "type": "nominal", "sort": None, "scale": {"paddingInner": 0.08}}
    color = {"field": "serie", "type": "nominal", "sort": None, "title": None}
    tip = [{"field": "kategori", "type": "nominal", "title": "Kategori"}, {"field": "serie", "type": "nominal", "title": "Serie"},
           {"field": "text", "type": "nominal", "title": "Värde"}]
    enc = {cat_ch: cat_enc, val_ch: val_enc, off_ch: off_enc}
    layers: list[dict] = [{"mark": {"type": "bar"}, "encoding": {**enc, "color": color, "tooltip": tip}}]
    if show_text:
        label = {"type": "text", **({"align": "left", "dx": 4} if horizontal else {"baseline": "bottom", "dy": -3})}
        layers.append({"mark": label, "encoding": {**enc, "text": {"field": "text"}}})
    if patterns and n_names > 1:
        # a white-edged dark shape at the foot of each bar, matching the legend
        foot = {"type": "point", "filled": True, "size": 70, "stroke": "white", "strokeWidth": 1.5, "opacity": 1,
                **({"dx": 9} if horizontal else {"dy": -9})}
        layers.append({
            "mark": foot,
            "encoding": {cat_ch: cat_enc, val_ch: {"datum": 0, "type": "quantitative"}, off_ch: off_enc,
                         "shape": {"field": "serie", "type": "nominal", "sort": None, "title": None},
                         "fill": {"value": TEXT_COLOR}},
        })
    return Chart(spec(layers, height=height, title=title), data, title, kind_sv="Stapeldiagram")


def age_structure(ages: pd.DataFrame, year: int, title: str = "") -> Chart:
    """Stacked horizontal bars: each kommun's population split into age groups (%).

    Segments are told apart by their order and their percent labels (no shapes on a
    segment; text on a pattern is hard to read); dark text on the light colours.
    """
    a = ages[ages["year"] == year].copy()
    a["share"] = 100 * a["population"] / a.groupby("regionkod")["population"].transform("sum")
    a = a.sort_values(["aldersgrupp"], kind="stable")
    groups = [f"{g} år" for g in sorted(a["aldersgrupp"].unique())]
    kommuner = list(dict.fromkeys(ages[ages["year"] == year]["kommun"]))
    a["grupp"] = a["aldersgrupp"].map(lambda g: f"{g} år")
    a["start"] = a.groupby("regionkod")["share"].cumsum() - a["share"]
    a["end"] = a["start"] + a["share"]
    a["mid"] = (a["start"] + a["end"]) / 2
    text_colors = ["white", "black", "white", "black"]
    a["textfarg"] = a["grupp"].map({g: text_colors[i % len(text_colors)] for i, g in enumerate(groups)})
    a["etikett"] = [fmt.percent(v, 0) if v >= 4 else "" for v in a["share"]]
    a["text"] = [f"{k}, {g}: {fmt.percent(s, 1)} ({fmt.number(p)} personer)" for k, g, s, p in zip(a["kommun"], a["grupp"], a["share"], a["population"])]
    data = a[["kommun", "grupp", "start", "end", "mid", "textfarg", "etikett", "text"]].reset_index(drop=True)
    y = {"field": "kommun", "type": "nominal", "sort": kommuner, "title": None, "axis": {"labelFontSize": FONT_SIZE - 1}}
    layers = [
        {
            "mark": {"type": "bar", "stroke": "white", "strokeWidth": 1},
            "encoding": {
                "y": y,
                "x": {"field": "start", "type": "quantitative", "title": "Andel av befolkningen (%)", "scale": {"domain": [0, 100]},
                      "axis": {"labelExpr": "datum.value + ' %'"}},
                "x2": {"field": "end"},
                "color": {"field": "grupp", "type": "nominal", "sort": groups, "scale": _scale(groups, PALETTE), "title": None},
                "tooltip": _tooltip(("text", "Andel")),
            },
        },
        {
            "mark": {"type": "text", "fontSize": FONT_SIZE - 2},
            "encoding": {"y": y, "x": {"field": "mid", "type": "quantitative"}, "text": {"field": "etikett"},
                         "color": {"field": "textfarg", "type": "nominal", "scale": None}},
        },
    ]
    return Chart(spec(layers, title=title), data, title, kind_sv="Staplat stapeldiagram")


def _area_data(series: pd.DataFrame, unit: str, yearly_gaps: bool, percent: bool) -> tuple[pd.DataFrame, list[str]]:
    areas = list(dict.fromkeys(series.sort_values("year")["omrade"]))
    years = range(int(series["year"].min()), int(series["year"].max()) + 1) if not series.empty else range(0)
    parts = []
    for area, g in series.sort_values("year").groupby("omrade", sort=False):
        g = g[["year", "value"]]
        if yearly_gaps:
            # a year without a value becomes a row with a missing value: a gap in the line
            g = g.set_index("year").reindex(years).reset_index()
        g = g.assign(serie=area)
        parts.append(g)
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["year", "value", "serie"])
    show = (lambda v: fmt.percent(v, 1)) if percent else (lambda v: f"{fmt.number(v, 1)} {unit}".strip())
    data["text"] = [f"{s} {int(y)}: {show(v)}" if pd.notna(v) else f"{s} {int(y)}: inget värde" for s, y, v in zip(data["serie"], data["year"], data["value"])]
    data["year"] = data["year"].astype(int)
    return data[["serie", "year", "value", "text"]], areas


def _area_layers(domain: list[str], highlight: str | None, y: dict, snapshot: str | None = None) -> list[dict]:
    colors = [HIGHLIGHT_COLOR if s in (highlight, snapshot) else PALETTE[i % len(PALETTE)] for i, s in enumerate(domain)]
    shapes = [STAR if s == snapshot else SHAPES[i % len(SHAPES)] for i, s in enumerate(domain)]
    color = {"field": "serie", "type": "nominal", "sort": domain, "scale": {"domain": domain, "range": colors}, "title": None}
    dash = {"field": "serie", "type": "nominal", "sort": domain, "scale": _scale(domain, DASHES), "title": None}
    shape = {"field": "serie", "type": "nominal", "sort": domain, "scale": {"domain": domain, "range": shapes}, "title": None}
    width = {"condition": {"test": {"field": "serie", "equal": highlight}, "value": 5}, "value": 3} if highlight else {"value": 3}
    size = {"condition": {"test": {"field": "serie", "equal": snapshot}, "value": 320}, "value": 90} if snapshot else {"value": 90}
    x = _year_axis()
    line = {"mark": {"type": "line", "invalid": "break-paths-show-domains"},
            "encoding": {"x": x, "y": y, "color": color, "strokeDash": dash, "strokeWidth": width}}
    if snapshot:
        line["transform"] = [{"filter": {"not": {"field": "serie", "equal": snapshot}}}]
    points = {"mark": {"type": "point"}, "encoding": {"x": x, "y": y, "color": color, "shape": shape, "size": size,
                                                      "tooltip": _tooltip(("text", "Värde"))}}
    return [line, points]


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
    and point shape. ``highlight`` names an area drawn thick and black (the region).
    ``yearly_gaps``: a year without a value is a gap in the line, not a straight join.
    ``divider`` = (x, label): a dotted vertical line with a label at the top (e.g.
    where the projection starts).
    """
    data, areas = _area_data(series, hover_unit, yearly_gaps, percent=False)
    y = {"field": "value", "type": "quantitative", "title": y_title or None, "scale": {"zero": False}}
    layers = _area_layers(areas, highlight, y)
    if divider is not None:
        x, label = divider
        layers += [
            {"data": {"values": [{"x": x}]}, "mark": {"type": "rule", "strokeDash": [2, 3], "color": "#777777", "strokeWidth": 1.5},
             "encoding": {"x": {"field": "x", "type": "quantitative"}}},
            {"data": {"values": [{"x": x, "label": label}]},
             "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 4, "y": 2, "fontSize": FONT_SIZE - 2, "color": "#444444"},
             "encoding": {"x": {"field": "x", "type": "quantitative"}, "text": {"field": "label"}}},
        ]
    return Chart(spec(layers, title=title), data, title, kind_sv="Linjediagram")


def indicator_lines(series: pd.DataFrame, snapshot: tuple[str, int, float, int] | None = None, title: str = "") -> Chart:
    """An indicator's yearly values for several areas (percent), optional snapshot.

    ``series``: omrade, year, value. ``snapshot`` = (label, year, value, decimals): the
    deck's figure at the source's precision, measured differently (a season or another survey dimension), drawn as a
    separate black star with its own legend entry and never joined to the series.
    """
    data, areas = _area_data(series, "%", yearly_gaps=True, percent=True)
    snap_name = None
    if snapshot is not None:
        snap_name, year, value, decimals = snapshot
        snap = pd.DataFrame([{"serie": snap_name, "year": int(year), "value": float(value), "text": f"{snap_name}: {fmt.percent(value, decimals)}"}])
        data = pd.concat([data, snap], ignore_index=True)
        areas = [*areas, snap_name]
    y = {"field": "value", "type": "quantitative", "title": "Procent", "scale": {"zero": False},
         "axis": {"labelExpr": "format(datum.value, ',.0f') + ' %'"}}
    return Chart(spec(_area_layers(areas, None, y, snapshot=snap_name), title=title), data, title, kind_sv="Linjediagram")
