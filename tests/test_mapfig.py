"""Offline map figures: real plotly figures built from synthetic and (if present) SCB boundaries."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from naravard import fmt, geo, mapfig
from naravard.data import load_dataset
from tests.fixtures.geo import synthetic as syn

REPO = Path(__file__).resolve().parents[1]
SHARED_GEOJSON = REPO.parent / "shared" / "data" / "boundaries" / "halland_kommuner_scb_wgs84.geojson"

VALUES = syn.INVANARE_2022
# Plotly subplot types that fetch topojson or tiles from a CDN at render time.
ONLINE_SUBPLOTS = ("geo", "mapbox", "map")


def _polygons(fig: go.Figure) -> list:
    return [t for t in fig.data if t.fill == "toself"]


def _labels(fig: go.Figure):
    (t,) = [t for t in fig.data if t.mode and "text" in t.mode]
    return t


def _assert_offline_and_readable(fig: go.Figure) -> None:
    layout = fig.to_dict()["layout"]
    assert not [k for k in layout if k.rstrip("0123456789") in ONLINE_SUBPLOTS]
    assert {t.type for t in fig.data} == {"scatter"}
    assert fig.layout.separators == fmt.PLOTLY_SEPARATORS
    assert fig.layout.font.size >= 14 and fig.layout.title.font.size >= 14
    assert _labels(fig).textfont.size >= 14
    assert fig.layout.height == mapfig.HEIGHT
    assert fig.layout.paper_bgcolor == "white" and fig.layout.plot_bgcolor == "white"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    (bar,) = [t for t in fig.data if t.marker and t.marker.showscale]
    assert bar.marker.colorbar.tickfont.size >= 14
    go.Figure(fig.to_dict())  # round-trips through plotly's validators
    assert "mapbox" not in fig.to_json() and "topojson" not in fig.to_json()


# --------------------------------------------------------------------- choropleth


def test_choropleth_of_synthetic_boundaries():
    fig = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare 2022", fmt.number, "Invånare per kommun")
    _assert_offline_and_readable(fig)
    polys = _polygons(fig)
    assert len(polys) == 6
    assert fig.layout.meta["naravard_map"] == "choropleth"
    # Halmstad's island: both parts in one trace, each ring closed by a None.
    halmstad_trace = [t for t in polys if t.meta["kommunkod"] == "1380"][0]
    assert list(halmstad_trace.x).count(None) == 2
    # Drawn in SWEREF 99 TM metres, not degrees.
    xs = [x for t in polys for x in t.x if x is not None]
    ys = [y for t in polys for y in t.y if y is not None]
    assert 300_000 < min(xs) < max(xs) < 420_000 and 6_250_000 < min(ys) < max(ys) < 6_350_000
    # Every kommun is labelled with name and Swedish-formatted value (colour is not the only carrier).
    labels = _labels(fig).text
    assert len(labels) == 6
    halmstad = fmt.number(105400)
    assert halmstad == "105\u00a0400"
    assert any("Halmstad" in s and halmstad in s for s in labels)
    for code, v in VALUES.items():
        assert any(syn.HALLAND[code] in s and fmt.number(v) in s for s in labels)
    # Swedish hover text on both polygons and labels.
    assert any(t.text == f"<b>Halmstad</b><br>Invånare 2022: {halmstad}" for t in polys)
    assert any("Invånare 2022: " + halmstad in h for h in _labels(fig).hovertext)
    # The colour bar's ticks are formatted with the same function.
    bar = [t for t in fig.data if t.marker and t.marker.showscale][0]
    assert list(bar.marker.colorbar.ticktext) == [fmt.number(v) for v in bar.marker.colorbar.tickvals]
    assert bar.marker.colorbar.title.text == "Invånare 2022"


def test_choropleth_colours_follow_the_values():
    fig = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare", fmt.number, "t")
    fill = {t.meta["kommunkod"]: t.fillcolor for t in _polygons(fig)}
    assert len(set(fill.values())) == 6
    # Reversed viridis: the largest value is the darkest.
    def lum(c: str) -> float:
        r, g, b = (int(v) for v in c[c.index("(") + 1 : -1].split(","))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    order = sorted(VALUES, key=VALUES.get)
    lums = [lum(fill[c]) for c in order]
    assert lums == sorted(lums, reverse=True)


def test_missing_value_is_grey_and_says_so():
    vals = {k: v for k, v in VALUES.items() if k != "1315"}
    fig = mapfig.choropleth(syn.halland_wgs84(), vals, "Invånare", fmt.number, "t")
    hylte = [t for t in _polygons(fig) if t.meta["kommunkod"] == "1315"][0]
    assert hylte.fillcolor == mapfig.MISSING_COLOR
    assert any("Hylte" in s and "uppgift saknas" in s for s in _labels(fig).text)


def test_signed_and_percent_formats_reach_the_labels():
    change = {"1384": 4850, "1383": 4417, "1382": 2537, "1380": 5900, "1381": 1398, "1315": -340}
    fig = mapfig.choropleth(
        syn.halland_wgs84(), change, "Förändring", lambda v: fmt.number(v, signed=True), "t"
    )
    labels = _labels(fig).text
    assert any("Hylte" in s and "\u2212340" in s for s in labels)
    assert any("Halmstad" in s and "+5\u00a0900" in s for s in labels)
    pct = {k: 80 + i * 1.5 for i, k in enumerate(VALUES)}
    fig = mapfig.choropleth(syn.halland_wgs84(), pct, "Andel", lambda v: fmt.percent(v, 1), "t")
    assert any("80,0\u00a0%" in s for s in _labels(fig).text)


@pytest.mark.skipif(not SHARED_GEOJSON.is_file(), reason="../shared/data boundaries absent")
def test_choropleth_of_scb_boundaries():
    gdf = geo.import_boundaries(SHARED_GEOJSON, None, "13")
    fig = mapfig.choropleth(gdf, VALUES, "Invånare 2022", fmt.number, "Invånare")
    _assert_offline_and_readable(fig)
    assert len(_polygons(fig)) == 6
    # Real outlines, not boxes: well over the synthetic squares' vertex count.
    assert sum(len(t.x) for t in _polygons(fig)) > 100
    assert any("Halmstad" in s and "105\u00a0400" in s for s in _labels(fig).text)


# ------------------------------------------------------------------------ fallback


def test_seat_symbols_fallback():
    k = syn.kommuner_table()
    fig = mapfig.seat_symbols(k, VALUES, "Invånare 2022", fmt.number, "Invånare per kommun")
    _assert_offline_and_readable(fig)
    assert _polygons(fig) == []
    assert fig.layout.meta["naravard_map"] == "seat_symbols"
    notes = [a.text for a in fig.layout.annotations]
    assert "Förenklad karta: kommungränser saknas – cirklar vid centralorten" in notes
    seats = _labels(fig)
    assert len(seats.x) == 6
    assert 300_000 < min(seats.x) < max(seats.x) < 420_000  # projected to SWEREF 99 TM
    # Circle area proportional to the value: size order follows value order.
    size = dict(zip(seats.customdata, seats.marker.size))
    order = sorted(VALUES, key=VALUES.get)
    assert [size[c] for c in order] == sorted(size.values())
    assert size["1380"] == pytest.approx(mapfig.SEAT_MAX_PX)
    assert any("Halmstad" in s and "105\u00a0400" in s for s in seats.text)
    assert any("Hyltebruk" in h for h in seats.hovertext)


def test_map_figure_chooses_choropleth_or_fallback():
    k = syn.kommuner_table()
    gdf = syn.halland_wgs84()
    gdf.loc[gdf["kommunkod"] == "1380", "kommunnamn"] = "HALMSTAD (fil)"
    fig = mapfig.map_figure(gdf, k, VALUES, "Invånare", fmt.number, "t")
    assert fig.layout.meta["naravard_map"] == "choropleth"
    assert any(s.startswith("<b>Halmstad</b>") for s in _labels(fig).text)  # the dataset's names win
    assert mapfig.map_figure(None, k, VALUES, "Invånare", fmt.number, "t").layout.meta["naravard_map"] == "seat_symbols"
    partial = gdf[gdf["kommunkod"] != "1381"]
    fig = mapfig.map_figure(partial, k, VALUES, "Invånare", fmt.number, "t")
    assert fig.layout.meta["naravard_map"] == "seat_symbols"  # never silently drop a kommun


def test_map_figure_with_the_projects_dataset():
    """The call the app makes: dataset kommuner, utbud values, cached boundaries or none."""
    ds = load_dataset()
    k = ds.table("kommuner")
    values = ds.table("utbud").set_index("kommunkod")["invanare_2022"]
    for boundaries in (None, syn.halland_wgs84()):
        fig = mapfig.map_figure(boundaries, k, values, "Invånare 2022", fmt.number, title="Invånare")
        _assert_offline_and_readable(fig)
        assert any("Halmstad" in s and "105\u00a0400" in s for s in _labels(fig).text)
