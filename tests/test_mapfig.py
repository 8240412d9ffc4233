"""Offline maps: Vega-Lite specs built from synthetic and (if present) SCB boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from altair.vegalite.v6.schema.core import load_schema

from naravard import fmt
from naravard.views import figures
from naravard.sources import boundaries as geo
from naravard.views import maps as mapfig
from naravard.model import supply as overview
from naravard.sources.dataset import load_dataset
from tests.fixtures.geo import synthetic as syn

REPO = Path(__file__).resolve().parents[1]
SHARED_GEOJSON = REPO.parent / "shared" / "data" / "boundaries" / "halland_kommuner_scb_wgs84.geojson"

VALUES = syn.INVANARE_2022
VALIDATOR = jsonschema.Draft7Validator(load_schema())


def _shapes(chart: figures.Chart) -> list[dict]:
    """The GeoJSON features of a choropleth (empty for the circle fallback)."""
    layers = [la for la in chart.spec["layer"] if la["mark"]["type"] == "geoshape"]
    return layers[0]["data"]["values"]["features"] if layers else []


def _label_texts(chart: figures.Chart) -> list[str]:
    """'name value' for every label the map draws (name and value are two text lines)."""
    return [f"{r['namn']} {r['visas']}" for r in chart.meta["labels"]]


def _assert_offline_and_readable(chart: figures.Chart) -> None:
    spec = chart.spec
    assert not list(VALIDATOR.iter_errors(spec)), [e.message[:200] for e in VALIDATOR.iter_errors(spec)]
    text = json.dumps(spec)
    # nothing is fetched at render time: no URLs, no tiles, no topojson from a CDN
    assert '"url"' not in text and "http" not in text.replace(figures.SCHEMA, "")
    assert spec["projection"]["type"] == "identity" and spec["projection"]["reflectY"] is True
    assert spec["height"] == mapfig.HEIGHT
    assert spec["config"]["locale"]["number"]["thousands"] == fmt.NBSP
    texts = [la for la in spec["layer"] if la["mark"]["type"] == "text" and "longitude" in la["encoding"]]
    assert texts and all(la["mark"]["fontSize"] >= 14 for la in texts)
    (color,) = [la["encoding"]["color"] for la in spec["layer"] if "color" in la["encoding"]]
    assert color["scale"]["scheme"] == "viridis" and color["scale"]["reverse"] is True  # darker is more
    assert color["legend"]["labelFontSize"] >= 14
    assert chart.title


def _legend_labels(chart: figures.Chart) -> tuple[list, list]:
    (color,) = [la["encoding"]["color"] for la in chart.spec["layer"] if "color" in la["encoding"]]
    legend = color["legend"]
    expr = legend["labelExpr"]
    labels = json.loads(expr[: expr.index("[indexof(")])
    return legend["values"], labels


# --------------------------------------------------------------------- choropleth


def test_choropleth_of_synthetic_boundaries():
    chart = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare 2022", fmt.number, "Invånare per kommun")
    _assert_offline_and_readable(chart)
    feats = _shapes(chart)
    assert len(feats) == 6
    assert chart.spec["usermeta"]["naravard_map"] == "choropleth"
    # Halmstad's island: one feature with two polygons.
    halmstad = [f for f in feats if f["properties"]["kommunkod"] == "1380"][0]
    assert halmstad["geometry"]["type"] == "MultiPolygon" and len(halmstad["geometry"]["coordinates"]) == 2
    # Drawn in SWEREF 99 TM metres, not degrees.
    xs = [x for f in feats for ring in _rings(f["geometry"]) for x, _ in ring]
    ys = [y for f in feats for ring in _rings(f["geometry"]) for _, y in ring]
    assert 300_000 < min(xs) < max(xs) < 420_000 and 6_250_000 < min(ys) < max(ys) < 6_350_000
    labels = _label_texts(chart)
    assert len(labels) == 6
    halmstad_v = fmt.number(VALUES["1380"])
    assert halmstad_v == "105\u00a0400"
    assert "Halmstad 105\u00a0400" in labels
    for code, v in VALUES.items():
        assert f"{syn.HALLAND[code]} {fmt.number(v)}" in labels
    assert halmstad["properties"]["hover"] == f"Halmstad: invånare 2022 {halmstad_v}"
    ticks, texts = _legend_labels(chart)
    assert texts == [fmt.number(t) for t in ticks] and len(ticks) >= 2


def _rings(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for poly in geometry["coordinates"] for ring in poly]


def test_choropleth_colours_follow_the_values():
    chart = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare", fmt.number, "t")
    by_code = {f["properties"]["kommunkod"]: f["properties"]["v"] for f in _shapes(chart)}
    assert by_code == {k: float(v) for k, v in VALUES.items()}
    (color,) = [la["encoding"]["color"] for la in chart.spec["layer"] if "color" in la["encoding"]]
    assert color["field"] == "properties.v"
    assert color["scale"]["domain"] == [min(VALUES.values()), max(VALUES.values())]
    # drawn largest first, so an enclave is on top
    assert [f["properties"]["kommunkod"] for f in _shapes(chart)][0] in VALUES


def test_missing_value_is_grey_and_says_so():
    vals = {k: v for k, v in VALUES.items() if k != "1315"}
    chart = mapfig.choropleth(syn.halland_wgs84(), vals, "Invånare", fmt.number, "t")
    hylte = [f for f in _shapes(chart) if f["properties"]["kommunkod"] == "1315"][0]
    assert hylte["properties"]["v"] is None
    (layer,) = [la for la in chart.spec["layer"] if la["mark"]["type"] == "geoshape"]
    assert layer["encoding"]["color"]["condition"] == {"test": "!isValid(datum.properties.v)", "value": mapfig.MISSING_COLOR}
    assert layer["mark"]["invalid"] == "show"  # drawn, not dropped
    assert "Hylte uppgift saknas" in _label_texts(chart)


def test_signed_and_percent_formats_reach_the_labels_and_legend():
    change = {"1384": 4850, "1383": 4417, "1382": 2537, "1380": 5900, "1381": 1398, "1315": -340}
    signed = lambda v: fmt.number(v, signed=True)  # noqa: E731
    chart = mapfig.choropleth(syn.halland_wgs84(), change, "Förändring", signed, "t")
    labels = _label_texts(chart)
    assert "Hylte \u2212340" in labels
    assert "Halmstad +5\u00a0900" in labels
    ticks, texts = _legend_labels(chart)
    assert texts == [signed(t) for t in ticks]
    pct = {k: 80 + i * 1.5 for i, k in enumerate(VALUES)}
    chart = mapfig.choropleth(syn.halland_wgs84(), pct, "Andel", lambda v: fmt.percent(v, 1), "t")
    assert any(s.endswith("80,0\u00a0%") for s in _label_texts(chart))


@pytest.mark.skipif(not SHARED_GEOJSON.is_file(), reason="../shared/data boundaries absent")
def test_choropleth_of_scb_boundaries():
    gdf = geo.import_boundaries(SHARED_GEOJSON, None, "13")
    chart = mapfig.choropleth(gdf, VALUES, "Invånare 2022", fmt.number, "Invånare")
    _assert_offline_and_readable(chart)
    assert len(_shapes(chart)) == 6
    # Real outlines, not boxes: well over the synthetic squares' vertex count.
    assert sum(len(r) for f in _shapes(chart) for r in _rings(f["geometry"])) > 100
    assert "Halmstad 105\u00a0400" in _label_texts(chart)


# ------------------------------------------------------------------------ fallback


def test_seat_symbols_fallback():
    k = syn.kommuner_table()
    chart = mapfig.seat_symbols(k, VALUES, "Invånare 2022", fmt.number, "Invånare per kommun")
    _assert_offline_and_readable(chart)
    assert _shapes(chart) == []
    assert chart.spec["usermeta"]["naravard_map"] == "seat_symbols"
    notes = [la["data"]["values"][0].get("note") for la in chart.spec["layer"] if la["mark"]["type"] == "text"]
    assert "Förenklad karta: kommungränser saknas – cirklar vid centralorten" in notes
    seats = chart.meta["labels"]
    assert len(seats) == 6
    assert 300_000 < min(s["x"] for s in seats) < max(s["x"] for s in seats) < 420_000  # SWEREF 99 TM
    # Circle area proportional to the value: size order follows value order.
    size = {s["kommunkod"]: s["diameter"] for s in seats}
    order = sorted(VALUES, key=VALUES.get)
    assert [size[c] for c in order] == sorted(size.values())
    assert size["1380"] == pytest.approx(mapfig.SEAT_MAX_PX)
    assert all(s["size"] == pytest.approx(3.14159265 * s["diameter"] ** 2 / 4) for s in seats)  # Vega: area in px²
    assert "Halmstad 105\u00a0400" in _label_texts(chart)
    assert any("Hyltebruk" in s["hover"] for s in seats)


def test_map_figure_chooses_choropleth_or_fallback():
    k = syn.kommuner_table()
    gdf = syn.halland_wgs84()
    gdf.loc[gdf["kommunkod"] == "1380", "kommunnamn"] = "HALMSTAD (fil)"
    chart = mapfig.map_figure(gdf, k, VALUES, "Invånare", fmt.number, "t")
    assert chart.spec["usermeta"]["naravard_map"] == "choropleth"
    assert any(s.startswith("Halmstad ") for s in _label_texts(chart))  # the dataset's names win
    assert mapfig.map_figure(None, k, VALUES, "Invånare", fmt.number, "t").spec["usermeta"]["naravard_map"] == "seat_symbols"
    partial = gdf[gdf["kommunkod"] != "1381"]
    chart = mapfig.map_figure(partial, k, VALUES, "Invånare", fmt.number, "t")
    assert chart.spec["usermeta"]["naravard_map"] == "seat_symbols"  # never silently drop a kommun


def test_map_figure_with_the_projects_dataset():
    """The call the app makes: dataset kommuner, utbud values, cached boundaries or none."""
    ds = load_dataset()
    k = ds.table("kommuner")
    values = ds.table("utbud").set_index("kommunkod")["invanare_2022"]
    for boundaries in (None, syn.halland_wgs84()):
        chart = mapfig.map_figure(boundaries, k, values, "Invånare 2022", fmt.number, title="Invånare")
        _assert_offline_and_readable(chart)
        assert "Halmstad 105\u00a0400" in _label_texts(chart)


def test_every_map_measure_draws_with_its_message():
    ds = load_dataset()
    for key, m in overview.MAP_MEASURES.items():
        values = overview.map_values(ds, key, "RH2026")
        chart = mapfig.map_figure(None, ds.table("kommuner"), values, m.label_sv, m.format, title=m.label_sv)
        _assert_offline_and_readable(chart)
        msg = overview.map_message(ds, values, m)
        assert msg.startswith("Karta över kommunerna") and "högst i" in msg, key


def test_map_message_names_highest_lowest_and_missing():
    ds = load_dataset()
    m = overview.MAP_MEASURES["invanare_per_vc"]
    values = overview.map_values(ds, "invanare_per_vc", "RH2026")
    msg = fmt.plain(overview.map_message(ds, values, m))
    assert "högst i Hylte (10 094)" in msg and "lägst i Laholm (5 313)" in msg
    values.loc["1315"] = float("nan")
    msg = fmt.plain(overview.map_message(ds, values, m))
    assert "högst i Kungsbacka" in msg and "Uppgift saknas för 1 kommun." in msg
