"""What the Geografi page shows: the map, headline figures, tables, texts and Källa lines.

Everything here reads one :class:`naravard.services.geografi.GeoAnalysis` (or, without a
register, the population grid alone), so the map, the headline and the tables cannot
disagree. Swedish formats come from :mod:`naravard.fmt`; quoted text of the deck from
the data dir's dialogue file; region and kommun names from the data.

The map (:func:`map_figure`) is drawn like :mod:`naravard.views.maps`: SWEREF 99 TM on
cartesian axes with equal aspect, no tiles, the Swedish mode bar of
:data:`naravard.views.figures.PLOTLY_CONFIG`. Layers, bottom to top:

* kommun polygons (a quiet base, :func:`naravard.views.maps.kommun_outlines`);
* the population squares as square markers, coloured by population or by distance
  band (0–5, 5–10, 10–15, 15–20, over 20 km). In band mode the band is also the marker
  size (farther is bigger), one legend entry per band, so colour is never alone. Each
  square is a clickable point with its ruta id as ``customdata`` (the page adds a unit
  at a clicked square: :func:`clicked_square`);
* units by type, each type with its own symbol and Okabe–Ito colour; added units as a
  star, moved units with a thick black ring, removed units as a grey cross;
* suggested sites as white circles numbered by rank; the farthest square ringed.

``layout.uirevision`` keeps the reader's zoom across reruns. When the units come from
the labelled example (OpenStreetMap), its label and attribution are written into the
figure itself, so a PNG saved from the mode bar carries them too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
from plotly.colors import sample_colorscale

from naravard import fmt
from naravard.model.geo.distance import REGION_ROW, share_column
from naravard.model.geo.changes import ADD, MOVE
from naravard.model.geo.whatif import SUPPLY_CHANGE
from naravard.services import geografi as svc
from naravard.services.geografi import ANY, DECK_UNMEASURED_SV, KEY_LABELS_SV, GeoAnalysis
from naravard.sources import geoframes as gf
from naravard.sources.dataset import Dataset
from naravard.views import content, figures, maps, tillganglighet
from naravard.views.figures import Chart

#: Map height (px): the whole map and its legend fit a 1920×1080 projector with the
#: page's header above it, and the map keeps its proportions in a 1400 px window.
HEIGHT = 640
UIREVISION = "geografi"
#: Distance bands (km); the last band is "over the last limit".
BANDS_KM = (5, 10, 15, 20)
#: Marker size per band (px): farther is bigger, the second carrier beside colour.
BAND_SIZES = (4, 5, 6, 8, 10)
BAND_COLORS = tuple(sample_colorscale("Viridis_r", [0.15, 0.35, 0.55, 0.75, 0.95]))
NO_UNIT_COLOR = "#bdbdbd"
#: Population classes (lower limits of the classes after "1–19"); colour and size grow with them.
POP_CLASSES = (20, 100, 500, 2000)
POP_COLORS = BAND_COLORS
SQUARE_SIZE = 5
ZERO_POP_COLOR = "#e0e0e0"
#: Units by type: Okabe–Ito colour and a symbol of its own.
UNIT_STYLE = {
    gf.TYPE_VC: {"color": "#0072B2", "symbol": "circle", "size": 13},
    gf.TYPE_FILIAL: {"color": "#E69F00", "symbol": "diamond", "size": 13},
}
ADDED_SYMBOL = "star"
REMOVED_COLOR = "#555555"
SUGGESTION_SIZE = 24
FARTHEST_COLOR = "#D55E00"
COLOR_BY_POP, COLOR_BY_BAND = "befolkning", "avstand"
COLOR_MODES = (COLOR_BY_POP, COLOR_BY_BAND)

#: The app's own words on proximity and listing (shown beside every catchment).
LISTING_VS_PROXIMITY_SV = (
    "Listning är ett val och skiljer sig från närhet: nära befolkning är de som bor närmast enheten "
    "(närhetsprincipen), inte de som är listade där."
)
#: What the suggestions are for, given the deck's establishment rules (said plainly).
SUGGESTION_SCOPE_SV = (
    "Enligt dialogunderlaget kan regionen inte bestämma var en vårdcentral etableras (LOV). En filial "
    "kräver däremot regionens medgivande, och dialogunderlaget frågar om regionen ska ersätta en "
    "vårdcentral som startar en filial där regionen beslutar. Förslagen visar alltså var en sådan "
    "filial skulle göra mest nytta – inte var en vårdcentral kommer att öppna."
)
NO_REGISTER_SV = (
    "Inget enhetsregister är inläst. Kartan visar befolkningen per km-ruta; avståndet till närmaste "
    "vårdcentral och filial räknas när ett register finns."
)
HOW_TO_LOAD_SV = (
    "**Så får du in enheterna:** ladda ned mallen (CSV eller Excel), fyll i en rad per vårdcentral och "
    "filial med koordinater (WGS84 lat/lon eller SWEREF 99 TM), typ, kommunkod och gärna antal listade, "
    "och läs in filen. Registret kontrolleras innan det används och kan sparas för alla användare. "
    "Vill du bara se hur sidan fungerar kan du läsa in exemplet från OpenStreetMap: det är ofullständigt "
    "och märks så på varje figur."
)


# --------------------------------------------------------------------------- helpers


def _unit(a: GeoAnalysis | None) -> str:
    return gf.COST_UNITS.get(a.cost_unit, a.cost_unit) if a is not None and a.uses_matrix else "km"


def _dist(v: float, a: GeoAnalysis | None = None, signed: bool = False) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{_signed(v, 1) if signed else fmt.number(v, 1)}{fmt.NBSP}{_unit(a)}"


def _signed(v: float, decimals: int = 0) -> str:
    """A change with its sign; one that rounds to zero is "0" (no "+0,0" for float noise)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    r = round(float(v), decimals)
    return fmt.number(0.0 if r == 0 else r, decimals, signed=True)


def _pp(v: float) -> str:
    """A change of a share (0..1) in procentenheter."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{_signed(v * 100, 1)} procentenheter"


def _changed(a: float, b: float) -> bool:
    return not (pd.isna(a) and pd.isna(b)) and (pd.isna(a) or pd.isna(b) or abs(float(a) - float(b)) > 1e-9)


def band_labels(bands: Sequence[float] = BANDS_KM, unit: str = "km") -> list[str]:
    """Legend texts of the bands: "0–5 km", ..., "över 20 km"."""
    edges = [0, *bands]
    out = [f"{fmt.number(lo)}–{fmt.number(hi)}{fmt.NBSP}{unit}" for lo, hi in zip(edges, edges[1:])]
    return [*out, f"över {fmt.number(bands[-1])}{fmt.NBSP}{unit}"]


def band_index(cost: pd.Series, bands: Sequence[float] = BANDS_KM) -> pd.Series:
    """Band of each distance: 0 for ≤ 5, ..., len(bands) for > the last; -1 when there is none."""
    c = pd.to_numeric(cost, errors="coerce")
    idx = pd.Series(-1, index=c.index, dtype=int)
    have = c.notna()
    b = pd.Series(len(bands), index=c.index, dtype=int)
    for i, hi in reversed(list(enumerate(bands))):
        b[c <= hi] = i
    idx[have] = b[have]
    return idx


def _names(ds_or_names) -> dict[str, str]:
    if isinstance(ds_or_names, Dataset):
        return dict(ds_or_names.kommun_names())
    return dict(ds_or_names or {})


def _key(a: GeoAnalysis, key: str | None) -> str:
    if key is None:
        return a.keys[-1] if ANY in a.keys or len(a.keys) == 1 else a.keys[0]
    if key not in a.keys:
        raise KeyError(f"{key!r} was not analysed; analysed: {a.keys}")
    return key


def _xy(v) -> int:
    return int(round(float(v)))


# --------------------------------------------------------------------------- the map


def _square_trace(d: pd.DataFrame, name: str, color, size: int, text: list[str], *, legend: bool, colorscale=None,
                  suffix: str = "") -> dict:
    marker: dict = {"symbol": "square", "size": size, "color": color, "line": {"width": 0}}
    if colorscale:
        marker |= colorscale
    return {
        "type": "scatter", "mode": "markers", "name": name, "showlegend": legend,
        "x": [_xy(v) for v in d[gf.DEMAND_X]], "y": [_xy(v) for v in d[gf.DEMAND_Y]],
        "customdata": d[gf.DEMAND_ID].astype(str).tolist(), "text": text,
        "hovertemplate": "Ruta %{customdata}<br>%{text}" + suffix + "<extra></extra>",
        "marker": marker,
        # a click must not dim the other squares
        "selected": {"marker": {"opacity": 1}}, "unselected": {"marker": {"opacity": 1}},
    }


def _pop_text(pop) -> str:
    return f"{fmt.number(pop)} invånare"


def pop_class_labels(limits: Sequence[int] = POP_CLASSES) -> list[str]:
    """Legend texts of the population classes: "1–19 invånare", ..., "2 000 eller fler"."""
    edges = [1, *limits]
    out = [f"{fmt.number(lo)}–{fmt.number(hi - 1)} invånare" for lo, hi in zip(edges, edges[1:])]
    return [*out, f"{fmt.number(limits[-1])} invånare eller fler"]


def _squares_by_pop(demand: pd.DataFrame, year: int | None) -> list[dict]:
    """One trace per population class (colour and size both grow with the class)."""
    pop = demand[gf.DEMAND_POP].astype(float)
    cls = pd.Series(len(POP_CLASSES), index=demand.index, dtype=int)
    for i, hi in reversed(list(enumerate(POP_CLASSES))):
        cls[pop < hi] = i
    cls[pop <= 0] = -1
    when = f" {year}" if year else ""
    traces = []
    for i, label in [(-1, "0 invånare (små tal visas som 0)"), *enumerate(pop_class_labels())]:
        part = demand[cls == i]
        if part.empty:
            continue
        color = ZERO_POP_COLOR if i < 0 else POP_COLORS[i]
        size = BAND_SIZES[0] if i < 0 else BAND_SIZES[i]
        traces.append(_square_trace(part, label, color, size,
                                    [_pop_text(v) for v in part[gf.DEMAND_POP]], legend=True, suffix=when))
    return traces


def _squares_by_band(a: GeoAnalysis, key: str) -> list[dict]:
    near = a.near(key)
    d = a.demand.join(near)
    bi = band_index(d["nearest_cost"])
    labels = band_labels(unit=_unit(a))
    what = KEY_LABELS_SV[key]
    traces = []
    for i, label in [(-1, f"ingen {what} att mäta till"), *enumerate(labels)]:
        part = d[bi == i]
        if part.empty:
            continue
        text = [f"{_pop_text(p)}<br>{_dist(c, a)}" for p, c in zip(part[gf.DEMAND_POP], part["nearest_cost"])]
        color = NO_UNIT_COLOR if i < 0 else BAND_COLORS[i]
        size = BAND_SIZES[0] if i < 0 else BAND_SIZES[i]
        traces.append(_square_trace(part, label, color, size, text, legend=True,
                                    suffix="" if i < 0 else f" till närmaste {what}"))
    return traces


def _unit_hover(r, a: GeoAnalysis | None, names: Mapping[str, str], catch: pd.DataFrame | None) -> str:
    t = gf.TYPE_LABELS_SV.get(r[gf.SUPPLY_TYPE], r[gf.SUPPLY_TYPE])
    k = names.get(str(r.get(gf.SUPPLY_KOMMUN, "")), str(r.get(gf.SUPPLY_KOMMUN, "")))
    parts = [f"{fmt.plotly_text(str(r[gf.SUPPLY_NAME]))} ({t}{', ' + fmt.plotly_text(k) if k else ''})"]
    listed = r.get(gf.SUPPLY_LISTED, float("nan"))
    parts.append(f"listade {fmt.number(listed)}" if pd.notna(listed) else "listade: uppgift saknas")
    if catch is not None and str(r[gf.SUPPLY_ID]) in catch.index:
        parts.append(f"nära befolkning {fmt.number(catch.at[str(r[gf.SUPPLY_ID]), 'near_pop'])}")
    return "<br>".join(parts)


def _unit_traces(a: GeoAnalysis, names: Mapping[str, str]) -> list[dict]:
    sup = a.supply_after
    change = sup[SUPPLY_CHANGE] if SUPPLY_CHANGE in sup.columns else pd.Series("", index=sup.index)
    catch = a.catchments_after
    traces = []
    for t in a.unit_types:
        st = UNIT_STYLE[t]
        groups = [
            ("", f"{gf.TYPE_PLURAL_SV[t].capitalize()} ({{n}})", st["symbol"], st["size"], {"color": "white", "width": 1.5}),
            (MOVE, f"Flyttad {gf.TYPE_LABELS_SV[t]} ({{n}})", st["symbol"], st["size"] + 3, {"color": "black", "width": 3}),
            (ADD, f"Ny {gf.TYPE_LABELS_SV[t]} i scenariot ({{n}})", ADDED_SYMBOL, st["size"] + 9, {"color": "black", "width": 1.5}),
        ]
        for op, label, symbol, size, line in groups:
            part = sup[(sup[gf.SUPPLY_TYPE] == t) & (change.fillna("") == op)]
            if part.empty:
                continue
            traces.append({
                "type": "scatter", "mode": "markers", "name": label.format(n=fmt.number(len(part))),
                "x": [_xy(v) for v in part[gf.SUPPLY_X]], "y": [_xy(v) for v in part[gf.SUPPLY_Y]],
                "customdata": part[gf.SUPPLY_ID].astype(str).tolist(),
                "hovertext": [_unit_hover(r, a, names, catch) for _, r in part.iterrows()],
                "hovertemplate": "%{hovertext}<extra></extra>",
                "marker": {"symbol": symbol, "size": size, "color": st["color"], "line": line},
                "selected": {"marker": {"opacity": 1}}, "unselected": {"marker": {"opacity": 1}},
            })
    removed = a.supply_before[a.supply_before[gf.SUPPLY_ID].astype(str).isin(a.removed_ids)]
    if len(removed):
        traces.append({
            "type": "scatter", "mode": "markers", "name": f"Borttagen i scenariot ({fmt.number(len(removed))})",
            "x": [_xy(v) for v in removed[gf.SUPPLY_X]], "y": [_xy(v) for v in removed[gf.SUPPLY_Y]],
            "hovertext": [f"{fmt.plotly_text(str(n))} tas bort i scenariot" for n in removed[gf.SUPPLY_NAME]],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "marker": {"symbol": "x", "size": 13, "color": REMOVED_COLOR, "line": {"color": "white", "width": 1}},
        })
    return traces


def _suggestion_trace(sites: pd.DataFrame, gain_label: str = "") -> dict:
    ranks = [int(r) for r in sites["rank"]]
    hover = [f"Förslag {r}" + (f": {fmt.plotly_text(gain_label)} {fmt.number(g, 1 if abs(g) < 100 else 0)}" if gain_label else "")
             for r, g in zip(ranks, sites.get("gain", pd.Series([float('nan')] * len(sites))))]
    return {
        "type": "scatter", "mode": "markers+text", "name": "Föreslagna platser (nummer = ordning)",
        "x": [_xy(v) for v in sites["x"]], "y": [_xy(v) for v in sites["y"]], "text": [str(r) for r in ranks],
        "customdata": sites["demand_id"].astype(str).tolist() if "demand_id" in sites else None,
        "textposition": "middle center", "textfont": {"size": 14, "color": "#000000"},
        "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>",
        "marker": {"symbol": "circle", "size": SUGGESTION_SIZE, "color": "white", "line": {"color": "black", "width": 2.5}},
        "selected": {"marker": {"opacity": 1}}, "unselected": {"marker": {"opacity": 1}},
    }


def _farthest_trace(a: GeoAnalysis, key: str) -> dict | None:
    lg = a.longest_for(key)
    if lg is None or not lg.demand_id or math.isnan(lg.x):
        return None
    text = f"Längst till {KEY_LABELS_SV[key]}: {_dist(lg.after, a)}"
    return {
        "type": "scatter", "mode": "markers", "name": text, "x": [_xy(lg.x)], "y": [_xy(lg.y)],
        "hovertext": [f"{text} (ruta {lg.demand_id})"], "hovertemplate": "%{hovertext}<extra></extra>",
        "marker": {"symbol": "circle-open", "size": 26, "color": FARTHEST_COLOR, "line": {"color": FARTHEST_COLOR, "width": 3.5}},
    }


def _label_trace(labels: list[dict]) -> dict:
    return {
        "type": "scatter", "mode": "text", "x": [round(r["x"]) for r in labels], "y": [round(r["y"]) for r in labels],
        "text": [fmt.plotly_text(r["namn"]) for r in labels], "hoverinfo": "skip", "showlegend": False,
        "textfont": {"size": 14, "color": "#333333", "shadow": maps.HALO}, "cliponaxis": False,
        "selected": {"textfont": {"color": "#333333"}}, "unselected": {"textfont": {"color": "#333333"}},
    }


def _register_note(label: str, attribution: str) -> str:
    # One line each: a single line was cut off at 1 400 px and sat under the mode bar.
    return "<br>".join(fmt.plotly_text(p) for p in (label, attribution) if p)


def map_figure(
    boundaries,
    data: GeoAnalysis | pd.DataFrame,
    *,
    color_by: str = COLOR_BY_BAND,
    key: str | None = None,
    suggestions: pd.DataFrame | None = None,
    suggestion_gain_label: str = "",
    names: Mapping[str, str] | Dataset | None = None,
    title: str = "",
    height: int = HEIGHT,
    uirevision: str = UIREVISION,
) -> Chart:
    """The Geografi map as a Plotly dict (see the module docstring for its layers).

    ``boundaries``: the kommun GeoDataFrame the app resolved (WGS84; None draws no
    polygons). ``data``: a :class:`GeoAnalysis`, or a demand frame alone (the population
    map without a register; ``color_by`` is then population). ``key``: the distance the
    bands and the farthest ring refer to (a unit type or :data:`ANY`; default: either
    type). ``suggestions``: the ``sites`` frame of a suggestion result (rank, demand_id,
    x, y, gain). ``meta`` tells callers which traces are squares, units and suggestions.
    """
    if color_by not in COLOR_MODES:
        raise ValueError(f"color_by must be one of {COLOR_MODES}")
    names = _names(names)
    a = data if isinstance(data, GeoAnalysis) else None
    demand = a.demand if a is not None else data
    traces: list[dict] = []
    labels: list[dict] = []
    if boundaries is not None and len(boundaries):
        outl, bounds, labels = maps.kommun_outlines(boundaries, names)
        traces += outl
    else:
        bounds = (float(demand[gf.DEMAND_X].min()), float(demand[gf.DEMAND_Y].min()),
                  float(demand[gf.DEMAND_X].max()), float(demand[gf.DEMAND_Y].max()))
    k = _key(a, key) if a is not None else None
    year = a.scaling.year if a is not None else None
    first_square = len(traces)
    if a is not None and color_by == COLOR_BY_BAND:
        sq = _squares_by_band(a, k)
    else:
        sq = _squares_by_pop(demand, year)
    traces += sq
    square_traces = [i for i in range(first_square, len(traces)) if traces[i].get("customdata") is not None]
    if labels:
        traces.append(_label_trace(labels))
    unit_traces: list[int] = []
    if a is not None:
        first = len(traces)
        traces += _unit_traces(a, names)
        unit_traces = [i for i in range(first, len(traces)) if traces[i].get("customdata") is not None]
        far = _farthest_trace(a, k)
        if far:
            traces.append(far)
    suggestion_trace = None
    if suggestions is not None and len(suggestions):
        suggestion_trace = len(traces)
        traces.append(_suggestion_trace(suggestions, suggestion_gain_label))

    minx, miny, maxx, maxy = bounds
    span = max(maxx - minx, maxy - miny, 1.0)
    pad = 0.02 * span
    hidden = {"visible": False, "showgrid": False, "fixedrange": False}
    note = _register_note(a.register_label_sv, a.register_attribution) if a is not None else ""
    lay = figures.layout(
        title, height=height,
        xaxis={**hidden, "range": [minx - pad, maxx + pad]},
        yaxis={**hidden, "range": [miny - pad, maxy + pad], "scaleanchor": "x", "scaleratio": 1},
        showlegend=True, hovermode="closest", hoverdistance=20, dragmode="pan", uirevision=uirevision,
        margin={"l": 4, "r": 4, "t": 56 if title else 8, "b": 8},
        # inside the map, bottom left: a region's bounding box has empty corners, and the
        # map keeps the whole height (a legend under it would take a third of it)
        legend={"itemsizing": "trace", "orientation": "v", "xref": "paper", "yref": "paper", "x": 0.005, "y": 0.005,
                "xanchor": "left", "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)",
                "font": {"size": maps.NOTE_SIZE}},
        meta={"naravard_map": "geografi", "crs": maps.MAP_CRS},
    )
    if note:
        # bottom right: the legend has the bottom left, the mode bar the top right
        lay["annotations"] = [{"xref": "paper", "yref": "paper", "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom",
                               "text": note, "showarrow": False, "align": "right",
                               "font": {"size": maps.NOTE_SIZE, "color": maps.TEXT_DARK}, "bgcolor": "rgba(255,255,255,0.9)"}]
    if boundaries is None or not len(boundaries):
        lay.setdefault("annotations", []).append(
            {"xref": "paper", "yref": "paper", "x": 1, "y": 0.12 if note else 0, "xanchor": "right", "yanchor": "bottom", "showarrow": False,
             "text": "Kommungränser saknas – bara rutorna visas", "font": {"size": maps.NOTE_SIZE, "color": maps.TEXT_DARK},
             "bgcolor": "rgba(255,255,255,0.9)"})
    meta = {
        "square_traces": square_traces, "unit_traces": unit_traces, "suggestion_trace": suggestion_trace,
        "key": k, "color_by": color_by if a is not None else COLOR_BY_POP, "register_note": note,
    }
    return Chart({"data": traces, "layout": lay}, title, kind_sv="Karta", meta=meta)


def _points(event) -> list:
    try:
        pts = event["selection"]["points"]
    except (KeyError, TypeError):
        return []
    return list(pts or [])


def _picked(event, chart: Chart, traces: Sequence[int]) -> str | None:
    allowed = set(traces)
    for p in _points(event):
        if not isinstance(p, Mapping):
            continue
        curve = p.get("curve_number", p.get("curveNumber"))
        if curve is not None and int(curve) not in allowed:
            continue
        cd = p.get("customdata")
        if isinstance(cd, (list, tuple)) and cd:
            cd = cd[0]
        if isinstance(cd, str) and cd:
            return cd
    return None


def clicked_square(event, chart: Chart) -> str | None:
    """The ruta id of the first square in a ``st.plotly_chart`` selection event, or None."""
    return _picked(event, chart, chart.meta.get("square_traces", ()))


def clicked_unit(event, chart: Chart) -> str | None:
    """The unit id of the first unit in a selection event (to remove or move it), or None."""
    return _picked(event, chart, chart.meta.get("unit_traces", ()))


def square_xy(demand: pd.DataFrame, ruta_id: str) -> tuple[int, int] | None:
    """The centre (SWEREF 99 TM, whole metres) of a square, for a unit added there."""
    hit = demand[demand[gf.DEMAND_ID].astype(str) == str(ruta_id)]
    if hit.empty:
        return None
    r = hit.iloc[0]
    return _xy(r[gf.DEMAND_X]), _xy(r[gf.DEMAND_Y])


# --------------------------------------------------------------------------- text alternatives


def _where(a: GeoAnalysis, kommun: str, names: Mapping[str, str]) -> str:
    return f" (i {names.get(kommun, kommun)})" if kommun else ""


def map_text_alternative(
    data: GeoAnalysis | pd.DataFrame,
    *,
    names: Mapping[str, str] | Dataset | None = None,
    color_by: str = COLOR_BY_BAND,
    key: str | None = None,
    suggestions: pd.DataFrame | None = None,
) -> str:
    """The map's main message from the data, for the caption under it."""
    names = _names(names)
    if not isinstance(data, GeoAnalysis):
        pop = float(data[gf.DEMAND_POP].sum())
        top = data.loc[data[gf.DEMAND_POP].idxmax()] if len(data) else None
        text = (f"Karta över {fmt.number(len(data))} befolkade km-rutor med sammanlagt {fmt.number(pop)} invånare, "
                "färgade efter antal invånare (mörkare är fler).")
        if top is not None:
            text += f" Flest bor i en ruta i {names.get(str(top[gf.DEMAND_KOMMUN]), top[gf.DEMAND_KOMMUN])} ({fmt.number(top[gf.DEMAND_POP])})."
        return text
    a = data
    k = _key(a, key)
    s = a.summary(k).loc[REGION_ROW]
    counts = a.supply_after[gf.SUPPLY_TYPE].value_counts()
    units = ", ".join(f"{fmt.number(counts.get(t, 0))} {gf.TYPE_PLURAL_SV[t] if counts.get(t, 0) != 1 else gf.TYPE_LABELS_SV[t]}"
                      for t in a.unit_types)
    mode = ("färgade efter avstånd till närmaste " + KEY_LABELS_SV[k] + " i band om 5 km (större ruta är längre bort)"
            if color_by == COLOR_BY_BAND else "färgade efter antal invånare")
    text = (f"Karta över {fmt.number(len(a.demand))} km-rutor med {fmt.number(s['pop'])} invånare {a.scaling.year}, {mode}, "
            f"och {units}.")
    if a.register_label_sv:
        text += f" Enheterna: {a.register_label_sv}."
    text += (f" {fmt.share(s[share_column(10)], 1)} bor inom 10 {_unit(a)} från närmaste {KEY_LABELS_SV[k]}.")
    lg = a.longest_for(k)
    if lg is not None and not math.isnan(lg.after):
        text += f" Längst: {_dist(lg.after, a)}{_where(a, lg.kommun, names)}"
        text += f", före ändringarna {_dist(lg.before, a)}." if a.has_changes and lg.changed else "."
    if a.has_changes:
        text += f" Scenariot ändrar {fmt.number(len(a.changes))} enheter: " + "; ".join(c.describe_sv() for c in a.changes) + "."
    if suggestions is not None and len(suggestions):
        text += f" {fmt.number(len(suggestions))} föreslagna platser är numrerade i ordning."
    return text


# --------------------------------------------------------------------------- headline


def headline(a: GeoAnalysis, names: Mapping[str, str] | Dataset | None = None) -> list[tuple[str, str, str, str]]:
    """(label, value, change, help) for the page's headline figures.

    The longest distance per unit type beside the deck's figure, the share within 10 km
    of either kind of unit, and inhabitants per unit. ``change`` is "" without changes
    (and when the figure did not move); the help text says what was measured.
    """
    names = _names(names)
    out: list[tuple[str, str, str, str]] = []
    for t in a.unit_types:
        lg = a.longest_for(t)
        if lg is None:
            continue
        deck = (f" Dialogunderlaget: {fmt.number(lg.deck_km)} km ({lg.deck_period}; {DECK_UNMEASURED_SV})."
                if lg.deck_km is not None else " Dialogunderlaget anger ingen siffra.")
        where = f" Rutan ligger i {names.get(lg.kommun, lg.kommun)}." if lg.kommun else ""
        help_ = (f"Den befolkade km-ruta som har längst till närmaste {gf.TYPE_LABELS_SV[t]}, mätt som "
                 f"{a.distance_label_sv}.{where}{deck}")
        if math.isnan(lg.after):
            help_ = f"Registret har ingen {gf.TYPE_LABELS_SV[t]} att mäta till.{deck}"
        delta = _dist(lg.after - lg.before, a, signed=True) if a.has_changes and lg.changed else ""
        out.append((f"Längst till {gf.TYPE_LABELS_SV[t]}", _dist(lg.after, a), delta, help_))
    k = _key(a, None)
    col = share_column(10)
    after, before = a.summary(k).loc[REGION_ROW], a.summary(k, after=False).loc[REGION_ROW]
    d = _pp(after[col] - before[col]) if a.has_changes and _changed(after[col], before[col]) else ""
    out.append((f"Inom 10 {_unit(a)} från {KEY_LABELS_SV[k]}", fmt.share(after[col], 1), d,
                f"Andel av invånarna i rutorna {a.scaling.year} som bor högst 10 {_unit(a)} ({a.distance_label_sv}) "
                f"från närmaste {KEY_LABELS_SV[k]}."))
    n_after = int(a.supply_after[gf.SUPPLY_TYPE].isin(a.unit_types).sum())
    n_before = int(a.supply_before[gf.SUPPLY_TYPE].isin(a.unit_types).sum())
    per_after = after["pop"] / n_after if n_after else float("nan")
    per_before = before["pop"] / n_before if n_before else float("nan")
    what = " och ".join(gf.TYPE_PLURAL_SV[t] for t in a.unit_types)
    d = _signed(per_after - per_before) if a.has_changes and _changed(per_after, per_before) else ""
    out.append(("Invånare per enhet", fmt.number(per_after), d,
                f"Invånarna i rutorna {a.scaling.year} ({fmt.number(after['pop'])}) delat med antalet {what} i registret "
                f"({fmt.number(n_after)})."))
    return out


# --------------------------------------------------------------------------- tables


def _max_grid_gap(a: GeoAnalysis) -> tuple[float, str] | None:
    gaps = [((g - o) / o, k) for k, g, o in a.grid_totals if o]
    if not gaps:
        return None
    rel, k = max(gaps, key=lambda t: abs(t[0]))
    return rel, k


def kommun_table_note(a: GeoAnalysis, names: Mapping[str, str] | Dataset | None = None) -> str:
    """What "invånare i rutorna" is and how far it is from the official figures (from the data)."""
    names = _names(names)
    text = ("Invånare i rutorna: befolkningen i kommunens km-rutor; en ruta hör till den kommun där dess mittpunkt "
            "ligger.")
    gap = _max_grid_gap(a)
    if gap is not None:
        text += (f" Därför skiljer sig rutornas summa från SCB:s folkmängd {a.scaling.grid_year} med upp till "
                 f"{fmt.percent(abs(gap[0]) * 100, 1)} per kommun (störst i {names.get(gap[1], gap[1])}); "
                 "officiella kommuntal finns i befolkningstabellen.")
    if a.scaling.scaled:
        text += f" Rutorna är skalade till {a.scaling.year}: {svc.ASSUMPTION_SV}."
    return text + " " + LISTING_VS_PROXIMITY_SV


def kommun_table(
    a: GeoAnalysis,
    names: Mapping[str, str] | Dataset | None = None,
    *,
    key: str | None = None,
    region_name: str = "Hela regionen",
) -> pd.DataFrame:
    """One row per kommun and one for the region: access to the nearest unit (after the changes).

    Columns in Swedish, values formatted by :mod:`naravard.fmt`. With changes, the
    change of the mean, of the share within 10 km and of the longest distance is shown
    too. Units and near population count the register after the changes; "Listade" is
    the register's sum (where listed counts are known).
    """
    if isinstance(names, Dataset):
        region_name = names.region.kort_namn
    names = _names(names)
    k = _key(a, key)
    u = _unit(a)
    s, b = a.summary(k), a.summary(k, after=False)
    sup = a.supply_after
    counts = sup.groupby([sup[gf.SUPPLY_KOMMUN].astype(str), gf.SUPPLY_TYPE]).size().unstack(fill_value=0)
    catch = a.catchments_after.copy()
    catch["k"] = sup.set_index(sup[gf.SUPPLY_ID].astype(str)).reindex(catch.index)[gf.SUPPLY_KOMMUN].astype(str)
    near_by_k = catch.groupby("k")["near_pop"].sum()
    listed_by_k = catch.groupby("k")["listed"].sum(min_count=1)
    rows = []
    # the data's kommun order (as every other table of the app), then any others by code
    codes = [c for c in s.index if c != REGION_ROW]
    order = [c for c in names if c in set(codes)] + sorted(c for c in codes if c not in names) + [REGION_ROW]
    for code in order:
        r = s.loc[code]
        is_region = code == REGION_ROW
        row = {
            "Kommun": region_name if is_region else names.get(code, code),
            "Invånare i rutorna": fmt.number(r["pop"]),
            f"Medel, {u}": fmt.number(r["mean_cost"], 1),
            f"Median, {u}": fmt.number(r["median_cost"], 1),
            **{f"Inom {b_} {u}": fmt.share(r[share_column(b_)], 1) for b_ in BANDS_KM},
            f"Längst, {u}": fmt.number(r["max_cost"], 1),
        }
        for t in a.unit_types:
            n = int(counts[t].sum()) if is_region and t in counts else int(counts[t].get(code, 0)) if t in counts else 0
            row[gf.TYPE_PLURAL_SV[t].capitalize()] = fmt.number(n)
        near = float(near_by_k.sum()) if is_region else float(near_by_k.get(code, 0.0))
        listed = listed_by_k.sum(min_count=1) if is_region else listed_by_k.get(code, float("nan"))
        row["Nära befolkning"] = fmt.number(near)
        row["Listade"] = fmt.number(listed, missing="uppgift saknas")
        if a.has_changes:
            rb = b.loc[code]
            row[f"Förändring medel, {u}"] = _signed(r["mean_cost"] - rb["mean_cost"], 1)
            row["Förändring inom 10 km" if u == "km" else f"Förändring inom 10 {u}"] = _pp(r[share_column(10)] - rb[share_column(10)])
            row[f"Förändring längst, {u}"] = _signed(r["max_cost"] - rb["max_cost"], 1)
        rows.append(row)
    return pd.DataFrame(rows)


def catchment_table(
    a: GeoAnalysis,
    names: Mapping[str, str] | Dataset | None = None,
    *,
    only_changed: bool = False,
) -> pd.DataFrame:
    """Near population per unit (närhetsprincipen) beside its listed count, after the changes.

    Removed units are listed with near population 0. With changes, the change per unit
    is shown; ``only_changed`` keeps the units whose near population changed (the
    neighbours of an added, moved or removed unit).
    """
    names = _names(names)
    after, before = a.catchments_after, a.catchments_before
    ids = list(after.index.astype(str)) + [i for i in before.index.astype(str) if i not in set(after.index.astype(str))]
    if only_changed:
        keep = set(a.changed_units)
        ids = [i for i in ids if i in keep]
    info = pd.concat([a.supply_after, a.supply_before]).drop_duplicates(gf.SUPPLY_ID).set_index(gf.SUPPLY_ID)
    rows = []
    removed = set(a.removed_ids)
    for i in ids:
        r = info.loc[i]
        near = float(after.at[i, "near_pop"]) if i in after.index else 0.0
        listed = r.get(gf.SUPPLY_LISTED, float("nan"))
        name = str(r[gf.SUPPLY_NAME]) + (" (tas bort)" if i in removed else "")
        row = {
            "Enhet": name,
            "Typ": gf.TYPE_LABELS_SV.get(r[gf.SUPPLY_TYPE], str(r[gf.SUPPLY_TYPE])),
            "Kommun": names.get(str(r[gf.SUPPLY_KOMMUN]), str(r[gf.SUPPLY_KOMMUN])),
            "Nära befolkning": fmt.number(near),
        }
        if a.has_changes:
            was = float(before.at[i, "near_pop"]) if i in before.index else 0.0
            row["Förändring"] = _signed(near - was)
        row["Listade"] = fmt.number(listed, missing="uppgift saknas")
        row["Listade minus nära"] = _signed(listed - near) if pd.notna(listed) else "–"
        rows.append(row)
    return pd.DataFrame(rows, columns=None if rows else ["Enhet", "Typ", "Kommun", "Nära befolkning", "Listade", "Listade minus nära"])


def listing_table(
    a: GeoAnalysis,
    ds: Dataset,
    target: float | None = None,
) -> pd.DataFrame:
    """Listed patients per vårdcentral in the register against the target, per kommun.

    ``target``: the scenario's target listing size per vårdcentral; None means each
    kommun's average in the deck's supply table (the scenario's default). The deck's
    average is shown beside it as a check, never reconciled: the register and the table
    come from different sources and dates. Vårdcentraler only (the deck's average is per
    vårdcentral; a filial's patients are listed at its main unit). After the changes.
    """
    from naravard.model.geo.distance import listing_vs_target_per_kommun

    names = _names(ds)
    deck = ds.table("utbud").set_index("kommunkod")["listade_per_vc"] if ds.has("utbud") else pd.Series(dtype=float)
    vc = a.supply_after[a.supply_after[gf.SUPPLY_TYPE] == gf.TYPE_VC]
    per = listing_vs_target_per_kommun(vc, 1.0, unit_types=(gf.TYPE_VC,)) if len(vc) else None
    rows = []
    codes = [c for c in names if (per is not None and c in per.index) or c in deck.index]
    for code in codes:
        r = per.loc[code] if per is not None and code in per.index else None
        mean = float(r["mean_listed"]) if r is not None else float("nan")
        goal = float(target) if target is not None else float(deck.get(code, float("nan")))
        rows.append({
            "Kommun": names.get(code, code),
            "Vårdcentraler i registret": fmt.number(int(r["units"]) if r is not None else 0),
            "Med känt antal listade": fmt.number(int(r["units_listed_known"]) if r is not None else 0),
            "Listade i registret": fmt.number(r["listed"] if r is not None else float("nan"), missing="uppgift saknas"),
            "Snitt per vårdcentral": fmt.number(mean, missing="–"),
            "Mål per vårdcentral": fmt.number(goal, missing="–"),
            "Snitt mot målet": fmt.share(mean / goal, 0) if goal and not math.isnan(mean) and not math.isnan(goal) else "–",
            "Snitt enligt dialogunderlaget": fmt.number(deck.get(code, float("nan")), approx=True, missing="–"),
        })
    return pd.DataFrame(rows)


def catchment_text_alternative(a: GeoAnalysis) -> str:
    changed = [i for i in a.changed_units if i not in set(a.added_ids)]
    text = (f"Nära befolkning per enhet enligt närhetsprincipen, {fmt.number(len(a.catchments_after))} enheter. "
            + LISTING_VS_PROXIMITY_SV)
    if a.has_changes:
        text += f" Ändringarna flyttar närmaste enhet för invånare som hör till {fmt.number(len(changed))} befintliga enheter."
    return text


def suggestion_gain_label(result) -> str:
    """What a suggestion's gain counts, for the map's hover and the table header."""
    if result.radius_km is not None:
        return f"fler inom {fmt.number(result.radius_km, 1 if result.radius_km % 1 else 0)} km"
    return "kortare medelavstånd, km"


def suggestion_table(result, names: Mapping[str, str] | Dataset | None = None) -> pd.DataFrame:
    """The suggested sites in rank order: number, kommun, square, gain and cumulative gain."""
    names = _names(names)
    mclp = result.radius_km is not None
    f = (lambda v: fmt.number(v)) if mclp else (lambda v: fmt.number(v, 2))
    head = "Invånare som får " + suggestion_gain_label(result) if mclp else "Sänker medelavståndet, km"
    rows = [{
        "Nr": str(int(r["rank"])),
        "Kommun": names.get(str(r["kommun"]), str(r["kommun"])),
        "Ruta": str(r["demand_id"]),
        head: f(r["gain"]),
        "Sammanlagt": f(r["gain_cumulative"]),
    } for _, r in result.sites.iterrows()]
    return pd.DataFrame(rows, columns=["Nr", "Kommun", "Ruta", head, "Sammanlagt"])


def suggestion_text(result) -> str:
    """One Swedish sentence: what was optimised, before → after, and the method."""
    if result.radius_km is not None:
        r = fmt.number(result.radius_km, 1 if result.radius_km % 1 else 0)
        what = (f"Invånare inom {r} km från en enhet: {fmt.number(result.before)} → {fmt.number(result.after)} "
                f"av {fmt.number(result.population)}")
    else:
        what = f"Befolkningsviktat medelavstånd: {_dist(result.before)} → {_dist(result.after)}"
    text = f"{what}. Metod: {result.method}."
    if result.notes:
        text += " " + " ".join(result.notes)
    return text


# --------------------------------------------------------------------------- Källa lines


def source_lines(
    ds: Dataset,
    a: GeoAnalysis | None = None,
    *,
    grid_citation: str = "",
    boundary_citation: str = "",
) -> list[str]:
    """The Källa lines under the map and tables: grid, units (with the example's label and
    attribution), forecast scaling, kommun boundaries and the deck's figures."""
    lines = []
    if grid_citation:
        line = f"Källa: befolkning per ruta: {grid_citation}"
        if a is not None and a.scaling.scaled:
            line += (f"; skalad till {a.scaling.year} med {a.scaling.forecast_label_sv} "
                     f"(antagande: {svc.ASSUMPTION_SV})")
        lines.append(line + ".")
    if a is not None:
        unit = "Enheter: " + (a.register_label_sv or "inläst register")
        if a.register_attribution:
            unit += f", {a.register_attribution}"
        if a.has_changes:
            unit += "; med scenariots ändringar"
        lines.append(unit + ".")
        lines.append(f"Avstånd: {a.distance_label_sv}.")
    if boundary_citation:
        lines.append(f"Kommungränser: {boundary_citation}.")
    facts = [k for k in svc.DECK_FACT_KEYS.values()]
    try:
        src = {ds.fact(k).source for k in facts}
    except Exception:  # noqa: BLE001 - a data dir without the deck's figures has no such line
        src = set()
    cites = [ds.sources[s].citation for s in sorted(src) if s in ds.sources]
    if cites:
        lines.append(f"Dialogunderlagets avstånd: {'; '.join(cites)}.")
    return lines


# --------------------------------------------------------------------------- texts from the deck


def deck_distance_lines(ds: Dataset) -> list[str]:
    """The deck's longest distances (quoted, figures from the key-figure table) and the
    remark that the deck does not say how it measured."""
    d = content.dialog(ds)
    lines = [content.fill_facts(ds, t) for t in (d.geo_facts if d else ())]
    if not lines:
        figs = []
        for t, k in svc.DECK_FACT_KEYS.items():
            try:
                figs.append(f"till en {gf.TYPE_LABELS_SV[t]} {fmt.number(ds.fact(k).value)} km")
            except Exception:  # noqa: BLE001
                continue
        if figs:
            lines.append("Längsta avstånd enligt dialogunderlaget: " + " och ".join(figs) + ".")
    if lines:
        lines.append(DECK_UNMEASURED_SV[:1].upper() + DECK_UNMEASURED_SV[1:] + ".")
    return lines


def establishment_lines(ds: Dataset) -> list[str]:
    """The deck's establishment rules (LOV, filial consent) quoted, then what that means
    for the suggestions, said plainly."""
    d = content.dialog(ds)
    quotes = [f"”{content.fill_facts(ds, t)}”" for t in (d.geo_establishment if d else ())]
    return [*quotes, SUGGESTION_SCOPE_SV] if quotes else [SUGGESTION_SCOPE_SV]


def dialog_questions(ds: Dataset) -> str:
    d = content.dialog(ds)
    if d is None or not d.geo_questions:
        return ""
    text = "**Frågor till dialogen:** " + " ".join(d.geo_questions)
    return f"{text} *{d.closing_question}*" if d.closing_question else text


@dataclass(frozen=True)
class NoRegisterContent:
    """What the page shows without a unit register."""

    lead: str
    deck_lines: tuple[str, ...]
    travel_title: str
    travel_table: pd.DataFrame | None
    travel_source: str
    travel_notes: str
    how_to_load: str
    establishment: tuple[str, ...]
    questions: str = ""
    population_alt: str = ""
    extra: dict = field(default_factory=dict)


def no_register_content(ds: Dataset, demand: pd.DataFrame | None = None) -> NoRegisterContent:
    """The page without a register: the population map's caption, the deck's longest
    distances, the travel-time table (median minutes to the nearest vårdcentral), how to
    load a register or the example, and the deck's establishment rules."""
    travel, title, src, notes = None, "", "", ""
    if ds.has("restid"):
        travel = tillganglighet.travel_table(ds)
        info = ds.info["restid"]
        title, notes = info.title, info.notes
        src = f"Källa: {ds.source_of('restid').citation}"
    return NoRegisterContent(
        lead=NO_REGISTER_SV,
        deck_lines=tuple(deck_distance_lines(ds)),
        travel_title=title,
        travel_table=travel,
        travel_source=src,
        travel_notes=notes,
        how_to_load=HOW_TO_LOAD_SV,
        establishment=tuple(establishment_lines(ds)),
        questions=dialog_questions(ds),
        population_alt=map_text_alternative(demand, names=ds) if demand is not None and len(demand) else "",
    )


__all__ = [
    "BANDS_KM",
    "COLOR_BY_BAND",
    "COLOR_BY_POP",
    "HEIGHT",
    "LISTING_VS_PROXIMITY_SV",
    "SUGGESTION_SCOPE_SV",
    "NoRegisterContent",
    "band_index",
    "band_labels",
    "pop_class_labels",
    "catchment_table",
    "catchment_text_alternative",
    "clicked_square",
    "clicked_unit",
    "deck_distance_lines",
    "dialog_questions",
    "establishment_lines",
    "headline",
    "kommun_table",
    "kommun_table_note",
    "listing_table",
    "map_figure",
    "map_text_alternative",
    "no_register_content",
    "source_lines",
    "square_xy",
    "suggestion_gain_label",
    "suggestion_table",
    "suggestion_text",
]
