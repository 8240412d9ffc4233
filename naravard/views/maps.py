"""Map figures that render without internet access (Plotly, like the other charts).

Map tiles, a CDN-hosted topojson (``go.Choropleth``) or glyphs (``Choroplethmap``)
may be out of reach on a meeting-room laptop or a locked-down network. These maps
therefore draw the kommuner themselves: polygons projected to SWEREF 99 TM
(EPSG:3006, metres) in Python and drawn as filled ``scatter`` traces on cartesian
axes with equal aspect, so nothing is fetched at render time and the proportions are
those of the national grid.

Clicking: plotly selects *points*, not fills, so each kommun also gets a hit layer:
invisible markers on a regular grid inside its polygon (and at its label), carrying
its kommun code as ``customdata`` and its hover text. A click anywhere in a kommun
lands on one of them; :func:`clicked_code` reads the code from the selection event.

Accessibility: the colour scale is colour-blind safe (reversed viridis: darker is
more) and every kommun carries a text label with its name and formatted value, so
colour is never the only carrier of the map. Numbers use the caller's formatter
(Swedish style, :mod:`naravard.fmt`), also on the colour bar; fonts are large enough
for a projector.

Without boundaries :func:`seat_symbols` draws proportional circles at the kommun
seats, with a visible note in the map that it is simplified; :func:`map_figure`
picks between the two.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from plotly.colors import sample_colorscale
from pyproj import Transformer
from shapely.ops import polylabel

from naravard.views import figures
from naravard.views.figures import Chart

MAP_CRS = "EPSG:3006"
#: Plotly colour scale, reversed: low values light yellow, high values dark — "darker is more".
SCHEME = "Viridis_r"
MISSING_COLOR = "#d9d9d9"
MISSING_TEXT = "uppgift saknas"
BORDER_COLOR = "#ffffff"
SELECTED_COLOR = "#000000"
TEXT_DARK = "#1a1a1a"
#: A white halo around label text (CSS text-shadow), readable on light and dark fills.
HALO = "1px 1px 2px white, -1px -1px 2px white, 1px -1px 2px white, -1px 1px 2px white, 0 0 3px white"

HEIGHT = 560
LABEL_SIZE = 15
NOTE_SIZE = 14
#: Grid points per map span in the hit layer (about 12 px apart on a 560 px map).
HIT_GRID = 45

FALLBACK_NOTE = "Förenklad karta: kommungränser saknas – cirklar vid centralorten"
#: Largest and smallest circle diameters (px) of the seat-symbol fallback.
SEAT_MAX_PX = 64.0
SEAT_MIN_PX = 12.0

Formatter = Callable[[float], str]


# --------------------------------------------------------------------------- helpers


def _as_values(values: pd.Series | Mapping[str, float]) -> pd.Series:
    """Values as floats indexed by four-digit kommun code (NA for missing)."""
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    out = pd.to_numeric(s, errors="coerce").astype(float)
    out.index = [str(i).zfill(4) if str(i).isdigit() else str(i) for i in s.index]
    return out[~out.index.duplicated(keep="last")]


def _label_point(geom, tolerance_m: float = 100.0):
    """Where a kommun's label goes: the pole of inaccessibility of its largest part.

    More central than ``representative_point`` for the long, bent coastal kommuner,
    so the label sits inside its own polygon rather than on a neighbour.
    """
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
    if not parts:
        return geom.representative_point()
    try:
        return polylabel(max(parts, key=lambda p: p.area), tolerance=tolerance_m)
    except Exception:  # degenerate polygon; any interior point will do
        return geom.representative_point()


def _nice_ticks(vmin: float, vmax: float, target: int = 5) -> list[float]:
    """Round tick values spanning [vmin, vmax], for a colour bar labelled with fmt."""
    if not (math.isfinite(vmin) and math.isfinite(vmax)):
        return []
    if vmax <= vmin:
        return [vmin]
    raw = (vmax - vmin) / max(1, target - 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(vmin / step) * step
    ticks = [first + i * step for i in range(int((vmax - first) / step + 1e-9) + 1)]
    return [round(t, 10) for t in ticks] or [vmin, vmax]


def _range(present: pd.Series) -> tuple[float, float]:
    return (float(present.min()), float(present.max())) if len(present) else (0.0, 1.0)


def _shown(v, fmt: Formatter) -> str:
    return fmt(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else MISSING_TEXT


def fill_color(v: float, vmin: float, vmax: float) -> str:
    """The colour of value ``v`` on the map's scale (grey when missing)."""
    if v is None or math.isnan(v):
        return MISSING_COLOR
    t = 0.5 if vmax <= vmin else min(1.0, max(0.0, (v - vmin) / (vmax - vmin)))
    return sample_colorscale(SCHEME, [t])[0]


def _colorbar_trace(value_label: str, fmt: Formatter, vmin: float, vmax: float) -> dict:
    """An empty trace that only draws the colour bar, its ticks labelled by ``fmt``
    (plotly's own number format cannot say "+5 900" or "80,0 %" the way fmt does)."""
    ticks = _nice_ticks(vmin, vmax)
    return {
        "type": "scatter", "mode": "markers", "x": [None], "y": [None], "hoverinfo": "skip", "showlegend": False,
        "marker": {
            "color": [vmin], "cmin": vmin, "cmax": vmax if vmax > vmin else vmin + 1, "colorscale": SCHEME, "showscale": True,
            "colorbar": {
                "title": {"text": value_label, "side": "top", "font": {"size": NOTE_SIZE}},
                "tickvals": ticks, "ticktext": [fmt(t) for t in ticks], "tickfont": {"size": NOTE_SIZE},
                # under the map, across it: the map keeps the column's whole width
                "orientation": "h", "thickness": 16, "len": 0.9, "x": 0.5, "xanchor": "center",
                "y": -0.02, "yanchor": "top", "outlinewidth": 0,
            },
        },
    }


def _rings_xy(geom) -> tuple[list, list]:
    """Every ring of a (multi)polygon as one path with ``None`` between rings, in whole metres."""
    xs: list = []
    ys: list = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            c = np.asarray(ring.coords)
            xs += [round(float(x)) for x in c[:, 0]] + [None]
            ys += [round(float(y)) for y in c[:, 1]] + [None]
    return xs[:-1], ys[:-1]


def _hit_points(geom, step: float, label) -> tuple[list[int], list[int]]:
    """Grid points inside ``geom`` (``step`` metres apart), plus the label point."""
    minx, miny, maxx, maxy = geom.bounds
    gx = np.arange(math.floor(minx / step) * step + step / 2, maxx, step)
    gy = np.arange(math.floor(miny / step) * step + step / 2, maxy, step)
    if len(gx) and len(gy):
        xx, yy = np.meshgrid(gx, gy)
        xx, yy = xx.ravel(), yy.ravel()
        inside = shapely.contains_xy(geom, xx, yy)
        xx, yy = xx[inside], yy[inside]
    else:
        xx = yy = np.array([])
    return [round(float(label.x)), *map(round, xx.tolist())], [round(float(label.y)), *map(round, yy.tolist())]


def _map_layout(title: str, height: int, bounds, pad: tuple[float, float], note: str | None = None) -> dict:
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    hidden = {"visible": False, "showgrid": False, "fixedrange": False}
    lay = figures.layout(
        title, height=height,
        xaxis={**hidden, "range": [minx - pad[0], maxx + pad[0]]},
        yaxis={**hidden, "range": [miny - pad[1], maxy + pad[1]], "scaleanchor": "x", "scaleratio": 1},
        showlegend=False, dragmode=False, hovermode="closest", hoverdistance=30,
        margin={"l": 4, "r": 4, "t": 56 if title else 8, "b": 90},
        meta={"naravard_map": "seat_symbols" if note else "choropleth", "crs": MAP_CRS},
    )
    if note:
        lay["annotations"] = [{"xref": "paper", "yref": "paper", "x": 0, "y": 0, "xanchor": "left", "yanchor": "bottom",
                               "text": note, "showarrow": False, "font": {"size": NOTE_SIZE, "color": TEXT_DARK},
                               "bgcolor": "rgba(255,255,255,0.85)"}]
    return lay


def clicked_code(event, chart: Chart) -> str | None:
    """The kommun code of the first point in a ``st.plotly_chart`` selection event, or None."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    codes = set(chart.meta.get("codes", ()))
    for p in points or ():
        cd = p.get("customdata") if isinstance(p, Mapping) else None
        if isinstance(cd, (list, tuple)) and cd:
            cd = cd[0]
        if isinstance(cd, str) and cd in codes:
            return cd
        curve = p.get("curve_number") if isinstance(p, Mapping) else None
        hit = chart.meta.get("hit_traces", {})
        if curve is not None and str(curve) in hit:
            return hit[str(curve)]
    return None


# ---------------------------------------------------------------------------- maps


def choropleth(
    gdf_wgs84: gpd.GeoDataFrame,
    values: pd.Series | Mapping[str, float],
    value_label: str,
    fmt: Formatter,
    title: str,
    *,
    names: Mapping[str, str] | None = None,
    height: int = HEIGHT,
    selected: str | None = None,
) -> Chart:
    """Kommun polygons coloured by value, each labelled with name and formatted value.

    ``gdf_wgs84`` has ``kommunkod``, ``kommunnamn`` and polygon geometries (as
    :mod:`naravard.sources.boundaries` returns them); ``values`` is indexed by
    kommunkod. ``names`` overrides the names in the file (the dataset's spelling
    wins). A kommun without a value is drawn grey and labelled "uppgift saknas".
    ``selected`` (a kommun code) is outlined in black.
    """
    gdf = gdf_wgs84 if gdf_wgs84.crs is not None else gdf_wgs84.set_crs("EPSG:4326")
    gdf = gdf.to_crs(MAP_CRS).copy()
    gdf["kommunkod"] = gdf["kommunkod"].astype(str)
    # largest first, so an enclave (a kommun inside another's hole) is drawn on top
    gdf = gdf.assign(_area=gdf.geometry.area).sort_values("_area", ascending=False)
    vals = _as_values(values)
    names = dict(names or {})
    vmin, vmax = _range(vals.reindex(gdf["kommunkod"]).dropna())
    bounds = gdf.total_bounds
    span = float(max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1.0))
    step = span / HIT_GRID

    shapes, hits, labels, outline = [], [], [], []
    hit_traces: dict[str, str] = {}
    rows = list(gdf.iterrows())
    for _, row in rows:
        code = row["kommunkod"]
        name = names.get(code) or str(row.get("kommunnamn") or code)
        v = float(vals.get(code, float("nan")))
        xs, ys = _rings_xy(row.geometry)
        color = fill_color(v, vmin, vmax)
        shapes.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "fill": "toself", "fillcolor": color,
                       "line": {"color": BORDER_COLOR, "width": 1.5}, "hoverinfo": "skip", "name": name, "meta": code})
        p = _label_point(row.geometry)
        hover = f"{name}: {value_label.lower()} {_shown(v, fmt)}"
        hx, hy = _hit_points(row.geometry, step, p)
        hits.append((code, hover, hx, hy))
        labels.append({"kommunkod": code, "namn": name, "v": None if math.isnan(v) else v, "hover": hover,
                       "x": float(p.x), "y": float(p.y), "visas": _shown(v, fmt), "farg": color})
        if code == selected:
            outline.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "hoverinfo": "skip", "name": name,
                            "line": {"color": SELECTED_COLOR, "width": 4}})
    bounds = _place_map_labels(labels, hits, bounds, height)
    traces = [*shapes, *outline, _label_trace(labels)]
    for code, hover, hx, hy in hits:
        hit_traces[str(len(traces))] = code
        traces.append(_hit_trace(code, hover, hx, hy))
    traces.append(_colorbar_trace(value_label, fmt, vmin, vmax))
    pad = 0.02 * span
    lay = _map_layout(title, height, bounds, (pad, pad))
    meta = {"labels": labels, "codes": [r["kommunkod"] for r in labels], "hit_traces": hit_traces, "selected": selected}
    return Chart({"data": traces, "layout": lay}, title, kind_sv="Karta", meta=meta)


#: The narrowest plot area (px) the map is drawn in: its column at 1280 px wide and at
#: 150 % zoom on a 1920 px screen (about 480 px). Labels are placed so that they do
#: not overlap at this width (wider is only roomier).
MIN_PLOT_WIDTH_PX = 440


def _label_box_px(row: dict) -> tuple[float, float]:
    """Estimated width and height (px) of a two-line label: bold name over value."""
    chars = max(len(str(row["namn"])) * 1.08, len(str(row["visas"])))
    return 0.62 * LABEL_SIZE * chars + 6, 2 * 1.3 * LABEL_SIZE + 4


def _place_map_labels(labels: list[dict], hits: list[tuple], bounds, height: int):
    """Move labels that would overlap a neighbour's to another point inside their own kommun.

    The scale is the smallest the map is drawn at (:data:`MIN_PLOT_WIDTH_PX`, or the
    height for a wide region). Each label (largest kommun first) takes the first of
    its candidate points — the pole of inaccessibility, then the kommun's hit-grid
    points by distance from it — whose box overlaps no label placed before. Returns
    the bounds grown to hold every label box, so no label is clipped at the edge.
    """
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    m_per_px = max((maxx - minx) / MIN_PLOT_WIDTH_PX, (maxy - miny) / max(height - 160, 100))
    placed: list[tuple[float, float, float, float]] = []
    for row, (_code, _hover, hx, hy) in zip(labels, hits):
        w, h = _label_box_px(row)
        hw, hh = w / 2 * m_per_px, h / 2 * m_per_px
        x0, y0 = row["x"], row["y"]
        cands = sorted(zip(hx, hy), key=lambda c: (c[0] - x0) ** 2 + (c[1] - y0) ** 2)[:80]
        cands = [(x0, y0), *cands]

        def overlap(c):
            bx = (c[0] - hw, c[1] - hh, c[0] + hw, c[1] + hh)
            return sum(max(0.0, min(bx[2], o[2]) - max(bx[0], o[0])) * max(0.0, min(bx[3], o[3]) - max(bx[1], o[1])) for o in placed)

        best = next((c for c in cands if overlap(c) == 0), None) or min(cands, key=overlap)
        row["x"], row["y"] = float(best[0]), float(best[1])
        placed.append((best[0] - hw, best[1] - hh, best[0] + hw, best[1] + hh))
    if placed:
        minx, miny = min(minx, *(b[0] for b in placed)), min(miny, *(b[1] for b in placed))
        maxx, maxy = max(maxx, *(b[2] for b in placed)), max(maxy, *(b[3] for b in placed))
    return (minx, miny, maxx, maxy)


def _label_trace(rows: list[dict], positions: list[str] | None = None) -> dict:
    """Name (bold) over value at each point, dark text with a white halo; not clickable."""
    t = {
        "type": "scatter", "mode": "text", "x": [round(r["x"]) for r in rows], "y": [round(r["y"]) for r in rows],
        "text": [f"<b>{_escape(r['namn'])}</b><br>{_escape(r['visas'])}" for r in rows],
        "textfont": {"size": LABEL_SIZE, "color": TEXT_DARK, "shadow": HALO},
        "textposition": positions or "middle center", "hoverinfo": "skip", "cliponaxis": False,
        # a selection elsewhere must not dim the labels
        "selected": {"textfont": {"color": TEXT_DARK}}, "unselected": {"textfont": {"color": TEXT_DARK}},
    }
    return t


def _hit_trace(code: str, hover: str, xs: list[int], ys: list[int]) -> dict:
    """Invisible click and hover targets for one kommun (see the module docstring)."""
    invisible = {"marker": {"opacity": 0}}
    return {
        "type": "scatter", "mode": "markers", "x": xs, "y": ys, "customdata": [code] * len(xs),
        "marker": {"size": 14, "color": "#000000", "opacity": 0}, "selected": invisible, "unselected": invisible,
        "hovertemplate": _escape(hover) + "<extra></extra>", "hoverlabel": {"bgcolor": "white"},
        "showlegend": False, "name": code,
    }


def _escape(text: str) -> str:
    """Plotly reads a few HTML tags in text; names and values from data are shown as text."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _place_labels(k: pd.DataFrame, px_per_m: float) -> list[str]:
    """For each circle a side for its label (right, left, above, below) that overlaps
    no circle and no label placed before it, estimated in pixels; biggest circles first."""
    boxes: list[tuple[float, float, float, float]] = []
    circles = [(float(r.x) * px_per_m, float(r.y) * px_per_m, r.diameter / 2) for r in k.itertuples()]
    out = ["middle right"] * len(k)
    order = sorted(range(len(k)), key=lambda i: -k["diameter"].iloc[i])
    for i in order:
        r = k.iloc[i]
        cx, cy, rad = circles[i]
        w = 0.58 * LABEL_SIZE * max(len(str(r["namn"])), len(str(r["visas"]))) + 4
        h = 2.4 * LABEL_SIZE
        options = {
            "middle right": (cx + rad + 2, cy - h / 2, cx + rad + 2 + w, cy + h / 2),
            "middle left": (cx - rad - 2 - w, cy - h / 2, cx - rad - 2, cy + h / 2),
            "top center": (cx - w / 2, cy + rad + 2, cx + w / 2, cy + rad + 2 + h),
            "bottom center": (cx - w / 2, cy - rad - 2 - h, cx + w / 2, cy - rad - 2),
        }

        def clash(b, i=i):
            hits = sum(1 for bb in boxes if b[0] < bb[2] and bb[0] < b[2] and b[1] < bb[3] and bb[1] < b[3])
            for j, (x, y, rr) in enumerate(circles):
                if j != i and b[0] - rr < x < b[2] + rr and b[1] - rr < y < b[3] + rr:
                    hits += 1
            return hits

        best = min(options, key=lambda o: (clash(options[o]), list(options).index(o)))
        out[i] = best
        boxes.append(options[best])
    return out


def seat_symbols(
    kommuner_df: pd.DataFrame,
    values: pd.Series | Mapping[str, float],
    value_label: str,
    fmt: Formatter,
    title: str,
    *,
    height: int = HEIGHT,
    selected: str | None = None,
) -> Chart:
    """Fallback map: circles at the kommun seats, area proportional to the value.

    ``kommuner_df`` has ``kommunkod``, ``kommun``, ``centralort``, ``lat``, ``lon``
    (the dataset's ``kommuner`` table). Circles are coloured on the same scale as the
    choropleth and labelled with name and value beside them, on a side where the
    label covers no other circle or label; a note in the map says it is simplified,
    so nobody mistakes the circles for boundaries.
    """
    k = kommuner_df.copy()
    k["kommunkod"] = k["kommunkod"].astype(str)
    to_m = Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)
    x, y = to_m.transform(k["lon"].to_numpy(float), k["lat"].to_numpy(float))
    k["x"], k["y"] = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    k["v"] = _as_values(values).reindex(k["kommunkod"]).to_numpy()
    present = k["v"].dropna()
    vmin, vmax = _range(present)
    vabs = float(present.abs().max()) if len(present) else 0.0

    if len(k):
        bounds = (k["x"].min(), k["y"].min(), k["x"].max(), k["y"].max())
    else:
        bounds = (300_000.0, 6_250_000.0, 450_000.0, 6_400_000.0)
    span = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 50_000.0)
    pad = (0.7 * span, 0.18 * span)
    # pixels per metre, as the figure will be drawn (the height decides: equal aspect)
    px_per_m = (height - 80) / (bounds[3] - bounds[1] + 2 * pad[1])

    rows = []
    for _, r in k.iterrows():
        has = not math.isnan(r["v"])
        d = max(SEAT_MIN_PX, SEAT_MAX_PX * math.sqrt(abs(r["v"]) / vabs) if has and vabs > 0 else SEAT_MIN_PX)
        seat = "" if r["centralort"] == r["kommun"] else f" (centralort {r['centralort']})"
        rows.append({
            "kommunkod": r["kommunkod"], "namn": str(r["kommun"]), "x": float(r["x"]), "y": float(r["y"]),
            "v": float(r["v"]) if has else None, "diameter": d, "visas": _shown(r["v"], fmt),
            "hover": f"{r['kommun']}{seat}: {value_label.lower()} {_shown(r['v'], fmt)}",
            "farg": fill_color(float(r["v"]), vmin, vmax),
        })
    side = _place_labels(pd.DataFrame(rows), px_per_m) if rows else []
    for r, s in zip(rows, side):
        r["placering"] = s
    circles = {
        "type": "scatter", "mode": "markers", "x": [round(r["x"]) for r in rows], "y": [round(r["y"]) for r in rows],
        "customdata": [r["kommunkod"] for r in rows],
        "marker": {"size": [r["diameter"] for r in rows], "color": [r["farg"] for r in rows], "opacity": 0.9,
                   "line": {"color": [SELECTED_COLOR if r["kommunkod"] == selected else "#333333" for r in rows],
                            "width": [4 if r["kommunkod"] == selected else 1 for r in rows]}},
        "hovertemplate": "%{hovertext}<extra></extra>", "hovertext": [_escape(r["hover"]) for r in rows], "name": "",
    }
    # the labels belong to the circles' trace: plotly then sets them off by each
    # circle's radius on the side chosen for it
    labels = _label_trace(rows, side)
    circles |= {"mode": "markers+text", "text": labels["text"], "textposition": side, "textfont": labels["textfont"],
                "selected": {"marker": {"opacity": 0.9}, "textfont": {"color": TEXT_DARK}},
                "unselected": {"marker": {"opacity": 0.9}, "textfont": {"color": TEXT_DARK}}, "cliponaxis": False}
    traces = [circles, _colorbar_trace(value_label, fmt, vmin, vmax)]
    lay = _map_layout(title, height, bounds, pad, note=FALLBACK_NOTE)
    meta = {"labels": rows, "codes": [r["kommunkod"] for r in rows], "hit_traces": {}, "selected": selected}
    return Chart({"data": traces, "layout": lay}, title, kind_sv="Förenklad karta", meta=meta)


def kommun_outlines(
    gdf_wgs84: gpd.GeoDataFrame,
    names: Mapping[str, str] | None = None,
    *,
    fill: str = "#f4f4f4",
    line: str = "#8c8c8c",
) -> tuple[list[dict], tuple[float, float, float, float], list[dict]]:
    """Kommun polygons as a quiet base layer for maps that draw points on top (Geografi).

    Returns the filled outline traces (not clickable, no hover), the bounds in SWEREF 99
    TM metres, and one label row per kommun (``kommunkod``, ``namn``, ``x``, ``y`` at the
    pole of inaccessibility of its largest part), the same geometry :func:`choropleth`
    draws, so the two maps of the app line up.
    """
    gdf = gdf_wgs84 if gdf_wgs84.crs is not None else gdf_wgs84.set_crs("EPSG:4326")
    gdf = gdf.to_crs(MAP_CRS).copy()
    gdf["kommunkod"] = gdf["kommunkod"].astype(str)
    gdf = gdf.assign(_area=gdf.geometry.area).sort_values("_area", ascending=False)
    names = dict(names or {})
    traces, labels = [], []
    for _, row in gdf.iterrows():
        code = row["kommunkod"]
        name = names.get(code) or str(row.get("kommunnamn") or code)
        xs, ys = _rings_xy(row.geometry)
        traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "fill": "toself", "fillcolor": fill,
                       "line": {"color": line, "width": 1.2}, "hoverinfo": "skip", "name": name, "meta": code,
                       "showlegend": False})
        p = _label_point(row.geometry)
        labels.append({"kommunkod": code, "namn": name, "x": float(p.x), "y": float(p.y)})
    b = gdf.total_bounds if len(gdf) else (0.0, 0.0, 1.0, 1.0)
    return traces, tuple(float(v) for v in b), labels


def map_figure(
    boundaries: gpd.GeoDataFrame | None,
    kommuner_df: pd.DataFrame,
    values: pd.Series | Mapping[str, float],
    value_label: str,
    fmt: Formatter,
    title: str,
    **kwargs,
) -> Chart:
    """The choropleth when boundaries cover every kommun of ``kommuner_df``, else the fallback.

    A boundary layer that lacks a kommun would silently drop it from the map; the
    circle fallback shows all of them instead. Names come from ``kommuner_df``.
    """
    codes = set(kommuner_df["kommunkod"].astype(str))
    if boundaries is not None and len(boundaries) and codes <= set(boundaries["kommunkod"].astype(str)):
        b = boundaries[boundaries["kommunkod"].astype(str).isin(codes)]
        names = dict(zip(kommuner_df["kommunkod"].astype(str), kommuner_df["kommun"]))
        return choropleth(b, values, value_label, fmt, title, names=names, **kwargs)
    return seat_symbols(kommuner_df, values, value_label, fmt, title, **kwargs)


__all__ = ["FALLBACK_NOTE", "choropleth", "clicked_code", "fill_color", "kommun_outlines", "map_figure", "seat_symbols"]
