"""Map charts that render without internet access (Vega-Lite, like the other charts).

Map tiles or a CDN-hosted basemap may be out of reach on a meeting-room laptop or a
locked-down network. These maps therefore draw the kommuner themselves: polygons
projected to SWEREF 99 TM (EPSG:3006, metres) in Python and drawn by Vega-Lite with
the identity projection (y flipped), so nothing is fetched at render time and the
proportions are those of the national grid.

Accessibility: the colour scale is colour-blind safe (reversed viridis: darker is
more) and every kommun carries a text label with its name and formatted value, so
colour is never the only carrier of the map. Numbers use :mod:`naravard.fmt`
(Swedish style), also on the legend; fonts are large enough for a projector.

Without boundaries (nothing fetched or imported yet) :func:`seat_symbols` draws
proportional circles at the kommun seats, with a visible note in the map that it is
simplified; :func:`map_figure` picks between the two.

A map's spec carries its data inline (the GeoJSON and the labels), unlike the other
charts: it changes only when the user picks another measure, and then a full redraw
is what should happen.
"""

from __future__ import annotations

import json
import math
from typing import Callable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.ops import polylabel

from naravard.views import figures
from naravard.views.figures import Chart

MAP_CRS = "EPSG:3006"
#: Vega colour scheme, reversed: low values light yellow, high values dark — "darker is more".
SCHEME = "viridis"
MISSING_COLOR = "#d9d9d9"
MISSING_TEXT = "uppgift saknas"
BORDER_COLOR = "#ffffff"
TEXT_DARK = "#1a1a1a"

HEIGHT = 520
LABEL_SIZE = 15
NOTE_SIZE = 14

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


def _color(value_label: str, fmt: Formatter, vmin: float, vmax: float, field: str) -> dict:
    """Colour by value on the reversed viridis scale, grey where the value is missing.

    The legend's tick labels are the :mod:`naravard.fmt` strings of round values,
    looked up by the tick's value (Vega's own number format cannot say "+5 900" or
    "80,0 %" the way fmt does).
    """
    ticks = _nice_ticks(vmin, vmax)
    labels = [fmt(t) for t in ticks]
    legend = {
        "title": value_label,
        "orient": "right",
        "direction": "vertical",
        "gradientLength": 260,
        "gradientThickness": 18,
        "values": ticks,
        "labelExpr": f"{json.dumps(labels, ensure_ascii=False)}[indexof({json.dumps(ticks)}, datum.value)]",
        "titleFontSize": NOTE_SIZE,
        "labelFontSize": NOTE_SIZE,
        "titleLimit": 220,
    }
    return {
        # field is a plain path ("v", "properties.v"): the data's own keys, never user text
        "condition": {"test": f"!isValid(datum.{field})", "value": MISSING_COLOR},
        "field": field,
        "type": "quantitative",
        "scale": {"scheme": SCHEME, "reverse": True, "domain": [vmin, vmax if vmax > vmin else vmin + 1]},
        "legend": legend,
    }


def _fit(bounds, pad: tuple[float, float]) -> dict:
    """A rectangle (projected metres) that the projection fits into the chart."""
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    x0, x1, y0, y1 = minx - pad[0], maxx + pad[0], miny - pad[1], maxy + pad[1]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}


def _projection(bounds, pad: tuple[float, float]) -> dict:
    # identity: the coordinates are already SWEREF 99 TM metres; reflectY: north up
    return {"type": "identity", "reflectY": True, "fit": _fit(bounds, pad)}


def _labels(rows: list[dict], dy_name: float, dy_value: float, align: str = "center", dx: float = 0) -> list[dict]:
    """Name (bold) and value as two text lines at each point, each over a white halo."""
    out = []
    for field, dy, weight in (("namn", dy_name, "bold"), ("visas", dy_value, "normal")):
        for halo in (True, False):
            mark = {"type": "text", "fontSize": LABEL_SIZE, "fontWeight": weight, "dy": dy, "dx": dx, "align": align}
            mark |= {"stroke": "white", "strokeWidth": 4, "strokeJoin": "round", "fill": "white"} if halo else {"fill": TEXT_DARK}
            out.append({
                "data": {"values": rows},
                "mark": mark,
                "encoding": {
                    "longitude": {"field": "x", "type": "quantitative"},
                    "latitude": {"field": "y", "type": "quantitative"},
                    "text": {"field": field, "type": "nominal"},
                    **({} if halo else {"tooltip": {"field": "hover", "type": "nominal"}}),
                },
            })
    return out


def _note_layer(text: str) -> dict:
    """A note in the bottom-left corner of the map, in pixels (not map coordinates)."""
    return {
        "data": {"values": [{"note": text}]},
        "mark": {"type": "text", "x": 2, "y": "height", "align": "left", "baseline": "bottom", "fontSize": NOTE_SIZE,
                 "fill": TEXT_DARK, "stroke": "white", "strokeWidth": 0},
        "encoding": {"text": {"field": "note", "type": "nominal"}},
    }


def _map_spec(layers: list[dict], projection: dict, height: int, kind: str, title: str) -> dict:
    return {**figures.spec(layers, height=height, title=title), "projection": projection, "usermeta": {"naravard_map": kind, "crs": MAP_CRS}}


def _range(present: pd.Series) -> tuple[float, float]:
    return (float(present.min()), float(present.max())) if len(present) else (0.0, 1.0)


def _shown(v: float, fmt: Formatter) -> str:
    return fmt(v) if v is not None and not math.isnan(v) else MISSING_TEXT


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
) -> Chart:
    """Kommun polygons coloured by value, each labelled with name and formatted value.

    ``gdf_wgs84`` has ``kommunkod``, ``kommunnamn`` and polygon geometries (as
    :mod:`naravard.geo` returns them); ``values`` is indexed by kommunkod. ``names``
    overrides the names in the file (the dataset's spelling wins). A kommun without a
    value is drawn grey and labelled "uppgift saknas".
    """
    gdf = gdf_wgs84 if gdf_wgs84.crs is not None else gdf_wgs84.set_crs("EPSG:4326")
    gdf = gdf.to_crs(MAP_CRS).copy()
    gdf["kommunkod"] = gdf["kommunkod"].astype(str)
    # largest first, so an enclave (a kommun inside another's hole) is drawn on top
    gdf = gdf.assign(_area=gdf.geometry.area).sort_values("_area", ascending=False)
    vals = _as_values(values)
    names = dict(names or {})
    vmin, vmax = _range(vals.reindex(gdf["kommunkod"]).dropna())

    features, labels = [], []
    for _, row in gdf.iterrows():
        code = row["kommunkod"]
        name = names.get(code) or str(row.get("kommunnamn") or code)
        v = float(vals.get(code, float("nan")))
        hover = f"{name}: {value_label.lower()} {_shown(v, fmt)}"
        props = {"kommunkod": code, "namn": name, "v": None if math.isnan(v) else v, "hover": hover}
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(row.geometry)})
        p = _label_point(row.geometry)
        labels.append({**props, "x": float(p.x), "y": float(p.y), "visas": _shown(v, fmt)})
    shapes = {
        "data": {"values": {"type": "FeatureCollection", "features": features}, "format": {"type": "json", "property": "features"}},
        # invalid "show": a kommun without a value is drawn too (grey, by the condition)
        "mark": {"type": "geoshape", "stroke": BORDER_COLOR, "strokeWidth": 1.5, "invalid": "show"},
        "encoding": {
            "color": _color(value_label, fmt, vmin, vmax, "properties.v"),
            "tooltip": {"field": "properties.hover", "type": "nominal"},
        },
    }
    bounds = gdf.total_bounds
    pad = float(0.03 * max(bounds[2] - bounds[0], bounds[3] - bounds[1]))
    spec = _map_spec([shapes, *_labels(labels, -9, 9)], _projection(bounds, (pad, pad)), height, "choropleth", title)
    return Chart(spec, None, title, kind_sv="Karta", meta={"labels": labels})


def seat_symbols(
    kommuner_df: pd.DataFrame,
    values: pd.Series | Mapping[str, float],
    value_label: str,
    fmt: Formatter,
    title: str,
    *,
    height: int = HEIGHT,
) -> Chart:
    """Fallback map: circles at the kommun seats, area proportional to the value.

    ``kommuner_df`` has ``kommunkod``, ``kommun``, ``centralort``, ``lat``, ``lon``
    (the dataset's ``kommuner`` table). Circles are coloured on the same scale as the
    choropleth and labelled with name and value beside them (away from the middle of
    the region, so neighbours do not collide); a note in the map says it is
    simplified, so nobody mistakes the circles for boundaries.
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
    xmid = float(np.median(k["x"])) if len(k) else 0.0

    rows = []
    for _, r in k.iterrows():
        has = not math.isnan(r["v"])
        d = max(SEAT_MIN_PX, SEAT_MAX_PX * math.sqrt(abs(r["v"]) / vabs) if has and vabs > 0 else SEAT_MIN_PX)
        seat = "" if r["centralort"] == r["kommun"] else f" (centralort {r['centralort']})"
        rows.append({
            "kommunkod": r["kommunkod"], "namn": str(r["kommun"]), "x": float(r["x"]), "y": float(r["y"]),
            "v": float(r["v"]) if has else None, "diameter": d,
            # Vega's point size is an area in px²
            "size": math.pi * d * d / 4, "visas": _shown(r["v"], fmt),
            "hover": f"{r['kommun']}{seat}: {value_label.lower()} {_shown(r['v'], fmt)}",
            "left": bool(r["x"] <= xmid),
        })
    circles = {
        "data": {"values": rows},
        "mark": {"type": "point", "shape": "circle", "filled": True, "opacity": 0.9, "stroke": "#333333", "strokeWidth": 1, "invalid": "show"},
        "encoding": {
            "longitude": {"field": "x", "type": "quantitative"},
            "latitude": {"field": "y", "type": "quantitative"},
            "size": {"field": "size", "type": "quantitative", "scale": None},
            "color": _color(value_label, fmt, vmin, vmax, "v"),
            "tooltip": {"field": "hover", "type": "nominal"},
        },
    }
    layers = [circles]
    for left in (True, False):
        side = [r for r in rows if r["left"] == left]
        if side:
            # beside the circle: half the largest diameter plus a gap
            dx = -(SEAT_MAX_PX / 2 + 6) if left else SEAT_MAX_PX / 2 + 6
            layers += _labels(side, -9, 9, align="right" if left else "left", dx=dx)
    layers.append(_note_layer(FALLBACK_NOTE))
    if len(k):
        bounds = (k["x"].min(), k["y"].min(), k["x"].max(), k["y"].max())
    else:
        bounds = (300_000.0, 6_250_000.0, 450_000.0, 6_400_000.0)
    span = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 50_000.0)
    # room for the labels beside the circles, and for the note at the bottom
    spec = _map_spec(layers, _projection(bounds, (0.7 * span, 0.18 * span)), height, "seat_symbols", title)
    return Chart(spec, None, title, kind_sv="Förenklad karta", meta={"labels": rows})


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


__all__ = ["FALLBACK_NOTE", "choropleth", "map_figure", "seat_symbols"]
