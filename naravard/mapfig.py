"""Map figures that render without internet access.

Plotly's geo and mapbox/map subplots fetch topojson or tiles from a CDN, which a
meeting-room laptop or a locked-down network may not reach. These figures therefore
draw the kommuner themselves: polygons projected to SWEREF 99 TM (EPSG:3006, metres)
on ordinary cartesian axes with a 1:1 aspect ratio and hidden axes. Nothing is
loaded at render time except plotly.js itself.

Accessibility: the colour scale is colour-blind safe (viridis by default) and every
kommun carries a text label with its name and formatted value, so colour is never
the only carrier of the figure. Numbers use :mod:`naravard.fmt` (Swedish style);
fonts are large enough for a projector.

Without boundaries (nothing fetched or imported yet) :func:`seat_symbols` draws
proportional circles at the kommun seats, with a visible note that the map is
simplified; :func:`map_figure` picks between the two.
"""

from __future__ import annotations

import math
from typing import Callable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.colors import get_colorscale, sample_colorscale
from pyproj import Transformer
from shapely.ops import polylabel

from . import fmt as _fmt
from .figures import figure

MAP_CRS = "EPSG:3006"
#: Reversed viridis: low values light yellow, high values dark — "darker is more".
DEFAULT_COLORSCALE = "viridis_r"
MISSING_COLOR = "#d9d9d9"
MISSING_TEXT = "uppgift saknas"
BORDER_COLOR = "#ffffff"
TEXT_DARK = "#1a1a1a"
#: A white halo (CSS text-shadow) keeps dark labels legible on dark fills and where a
#: label runs past its polygon onto the white background.
LABEL_HALO = "1px 1px 2px #ffffff, -1px -1px 2px #ffffff, 1px -1px 2px #ffffff, -1px 1px 2px #ffffff, 0px 0px 4px #ffffff"

HEIGHT = 520
FONT_SIZE = 16
LABEL_SIZE = 15
TITLE_SIZE = 20
NOTE_SIZE = 14
FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"

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


def _resolve_scale(colorscale: str | list) -> list:
    return get_colorscale(colorscale) if isinstance(colorscale, str) else list(colorscale)


def _t(v: float, vmin: float, vmax: float) -> float:
    return 0.5 if vmax <= vmin else min(1.0, max(0.0, (v - vmin) / (vmax - vmin)))


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


def _colorbar_trace(vmin: float, vmax: float, scale: list, value_label: str, fmt: Formatter) -> dict:
    """An invisible marker trace whose only job is to show the colour bar."""
    ticks = _nice_ticks(vmin, vmax)
    return dict(
        type="scatter",
        x=[None],
        y=[None],
        mode="markers",
        name="färgskala",
        showlegend=False,
        hoverinfo="skip",
        marker=dict(
            color=[vmin, vmax],
            cmin=vmin,
            cmax=vmax if vmax > vmin else vmin + 1,
            colorscale=scale,
            showscale=True,
            colorbar=dict(
                title=dict(text=value_label, font=dict(size=NOTE_SIZE)),
                tickvals=ticks,
                ticktext=[fmt(t) for t in ticks],
                tickfont=dict(size=NOTE_SIZE),
                thickness=18,
                len=0.8,
                outlinewidth=0,
            ),
        ),
    )


def _layout(title: str, bounds, pad: tuple[float, float], height: int, kind: str) -> dict:
    """Shared layout: hidden equal-aspect axes, white background, projector fonts."""
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    return dict(
        title=dict(text=title, font=dict(size=TITLE_SIZE), x=0.01, xanchor="left") if title else None,
        height=height,
        margin=dict(l=10, r=10, t=56 if title else 10, b=10),
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(size=FONT_SIZE, family=FONT_FAMILY, color=TEXT_DARK),
        separators=_fmt.PLOTLY_SEPARATORS,
        showlegend=False,
        hovermode="closest",
        hoverlabel=dict(font=dict(size=FONT_SIZE), bgcolor="white"),
        dragmode="pan",
        meta=dict(naravard_map=kind, crs=MAP_CRS),
        xaxis=dict(visible=False, range=[minx - pad[0], maxx + pad[0]], showgrid=False, zeroline=False),
        yaxis=dict(
            visible=False,
            range=[miny - pad[1], maxy + pad[1]],
            scaleanchor="x",
            scaleratio=1,
            showgrid=False,
            zeroline=False,
        ),
    )


def _note(text: str, left: bool, size: int, color: str, **box) -> dict:
    """A text annotation in a bottom corner of the map (``box``: background, border)."""
    return dict(
        text=text,
        xref="paper",
        yref="paper",
        x=0 if left else 1,
        y=0,
        xanchor="left" if left else "right",
        yanchor="bottom",
        showarrow=False,
        font=dict(size=size, color=color),
        **box,
    )


def _source_notes(source: str | None) -> list[dict]:
    return [_note(f"Källa: {source}", left=False, size=NOTE_SIZE - 2, color="#555555")] if source else []


def _rings(geom) -> tuple[list, list]:
    """Exterior rings of all parts, separated by None (one scatter trace per kommun).

    Holes are not drawn: with ``fill="toself"`` they would be painted over anyway.
    Kommuner are drawn largest first, so an enclave (a kommun inside another's hole)
    still shows on top.
    """
    xs: list = []
    ys: list = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon":
            continue
        x, y = part.exterior.xy
        xs += list(x) + [None]
        ys += list(y) + [None]
    return xs, ys


# ---------------------------------------------------------------------------- figures


def choropleth(
    gdf_wgs84: gpd.GeoDataFrame,
    values: pd.Series | Mapping[str, float],
    value_label: str,
    fmt: Formatter,
    title: str,
    *,
    names: Mapping[str, str] | None = None,
    colorscale: str | list = DEFAULT_COLORSCALE,
    source: str | None = None,
    height: int = HEIGHT,
) -> go.Figure:
    """Kommun polygons coloured by value, each labelled with name and formatted value.

    ``gdf_wgs84`` has ``kommunkod``, ``kommunnamn`` and polygon geometries (as
    :mod:`naravard.geo` returns them); ``values`` is indexed by kommunkod. ``names``
    overrides the names in the file (the dataset's spelling wins). A kommun without a
    value is drawn grey and labelled "uppgift saknas".
    """
    gdf = gdf_wgs84 if gdf_wgs84.crs is not None else gdf_wgs84.set_crs("EPSG:4326")
    gdf = gdf.to_crs(MAP_CRS).copy()
    gdf["kommunkod"] = gdf["kommunkod"].astype(str)
    gdf = gdf.assign(_area=gdf.geometry.area).sort_values("_area", ascending=False)
    vals = _as_values(values)
    names = dict(names or {})
    scale = _resolve_scale(colorscale)
    present = vals.reindex(gdf["kommunkod"]).dropna()
    vmin, vmax = (float(present.min()), float(present.max())) if len(present) else (0.0, 1.0)

    traces: list[dict] = []
    lx, ly, ltext, lhover = [], [], [], []
    for _, row in gdf.iterrows():
        code = row["kommunkod"]
        name = names.get(code) or str(row.get("kommunnamn") or code)
        v = vals.get(code, float("nan"))
        has = v is not None and not math.isnan(v)
        fill = sample_colorscale(scale, [_t(v, vmin, vmax)])[0] if has else MISSING_COLOR
        shown = fmt(v) if has else MISSING_TEXT
        hover = f"<b>{name}</b><br>{value_label}: {shown}"
        xs, ys = _rings(row.geometry)
        traces.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=fill,
                line=dict(color=BORDER_COLOR, width=1.5),
                name=name,
                text=hover,
                hoverinfo="text",
                hoveron="fills",
                showlegend=False,
                customdata=[code],
                meta=dict(kommunkod=code),
            )
        )
        p = _label_point(row.geometry)
        lx.append(p.x)
        ly.append(p.y)
        ltext.append(f"<b>{name}</b><br>{shown}")
        lhover.append(hover)

    traces.append(
        dict(
            type="scatter",
            x=lx,
            y=ly,
            mode="text",
            name="etiketter",
            text=ltext,
            hovertext=lhover,
            hovertemplate="%{hovertext}<extra></extra>",
            textfont=dict(size=LABEL_SIZE, color=TEXT_DARK, shadow=LABEL_HALO),
            showlegend=False,
        )
    )
    if len(present):
        traces.append(_colorbar_trace(vmin, vmax, scale, value_label, fmt))
    bounds = gdf.total_bounds
    pad = float(0.03 * max(bounds[2] - bounds[0], bounds[3] - bounds[1]))
    return figure(traces, _layout(title, bounds, (pad, pad), height, "choropleth"), _source_notes(source))


def seat_symbols(
    kommuner_df: pd.DataFrame,
    values: pd.Series | Mapping[str, float],
    value_label: str,
    fmt: Formatter,
    title: str,
    *,
    colorscale: str | list = DEFAULT_COLORSCALE,
    source: str | None = None,
    height: int = HEIGHT,
) -> go.Figure:
    """Fallback map: circles at the kommun seats, area proportional to the value.

    ``kommuner_df`` has ``kommunkod``, ``kommun``, ``centralort``, ``lat``, ``lon``
    (the dataset's ``kommuner`` table). Circles are coloured on the same scale as the
    choropleth and labelled with name and value; a note in the figure says the map is
    simplified, so nobody mistakes the circles for boundaries.
    """
    k = kommuner_df.copy()
    k["kommunkod"] = k["kommunkod"].astype(str)
    to_m = Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)
    x, y = to_m.transform(k["lon"].to_numpy(float), k["lat"].to_numpy(float))
    k["x"], k["y"] = np.asarray(x), np.asarray(y)
    vals = _as_values(values).reindex(k["kommunkod"])
    k["v"] = vals.to_numpy()
    scale = _resolve_scale(colorscale)
    present = k["v"].dropna()
    vmin, vmax = (float(present.min()), float(present.max())) if len(present) else (0.0, 1.0)
    vabs = float(present.abs().max()) if len(present) else 0.0

    sizes, colors, texts, hovers, positions = [], [], [], [], []
    xmid = float(np.median(k["x"])) if len(k) else 0.0
    for _, r in k.iterrows():
        has = not math.isnan(r["v"])
        d = SEAT_MAX_PX * math.sqrt(abs(r["v"]) / vabs) if has and vabs > 0 else SEAT_MIN_PX
        sizes.append(max(SEAT_MIN_PX, d))
        colors.append(sample_colorscale(scale, [_t(r["v"], vmin, vmax)])[0] if has else MISSING_COLOR)
        shown = fmt(r["v"]) if has else MISSING_TEXT
        texts.append(f"<b>{r['kommun']}</b><br>{shown}")
        seat = "" if r["centralort"] == r["kommun"] else f" (centralort {r['centralort']})"
        hovers.append(f"<b>{r['kommun']}</b>{seat}<br>{value_label}: {shown}")
        # Labels point away from the middle of the region so neighbours do not collide.
        positions.append("middle left" if r["x"] <= xmid else "middle right")

    traces: list[dict] = [
        dict(
            type="scatter",
            x=k["x"].tolist(),
            y=k["y"].tolist(),
            mode="markers+text",
            name="centralorter",
            text=texts,
            textposition=positions,
            textfont=dict(size=LABEL_SIZE, color=TEXT_DARK, shadow=LABEL_HALO),
            hovertext=hovers,
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=k["kommunkod"].tolist(),
            marker=dict(size=sizes, color=colors, opacity=0.9, line=dict(color="#333333", width=1)),
            showlegend=False,
        )
    ]
    if len(present):
        traces.append(_colorbar_trace(vmin, vmax, scale, value_label, fmt))
    if len(k):
        bounds = (k["x"].min(), k["y"].min(), k["x"].max(), k["y"].max())
    else:
        bounds = (300_000.0, 6_250_000.0, 450_000.0, 6_400_000.0)
    span = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 50_000.0)
    # Room for the labels beside the circles, and the note at the bottom.
    fallback = _note(
        FALLBACK_NOTE,
        left=True,
        size=NOTE_SIZE,
        color=TEXT_DARK,
        bgcolor="rgba(255,255,255,0.85)",
        bordercolor="#999999",
        borderwidth=1,
        borderpad=4,
    )
    fig_layout = _layout(title, bounds, (0.7 * span, 0.18 * span), height, "seat_symbols")
    return figure(traces, fig_layout, [fallback, *_source_notes(source)])


def map_figure(
    boundaries: gpd.GeoDataFrame | None,
    kommuner_df: pd.DataFrame,
    values: pd.Series | Mapping[str, float],
    value_label: str,
    fmt: Formatter,
    title: str,
    **kwargs,
) -> go.Figure:
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
