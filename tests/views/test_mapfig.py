"""Offline maps: Plotly figures built from synthetic, embedded and (if present) shared SCB boundaries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from naravard import fmt
from naravard.model import supply as overview
from naravard.sources import boundaries as geo
from naravard.sources.dataset import load_dataset
from naravard.views import figures
from naravard.views import maps as mapfig
from tests.fixtures.geo import synthetic as syn

REPO = Path(__file__).resolve().parents[2]
SHARED_GEOJSON = REPO.parent / "shared" / "data" / "boundaries" / "halland_kommuner_scb_wgs84.geojson"

VALUES = syn.INVANARE_2022


def _fills(chart: figures.Chart) -> list[dict]:
    """The filled kommun polygons of a choropleth (empty for the circle fallback)."""
    return [t for t in chart.data if t.get("fill") == "toself"]


def _label_texts(chart: figures.Chart) -> list[str]:
    """'name value' for every label the map draws (name and value are two text lines)."""
    return [f"{r['namn']} {r['visas']}" for r in chart.meta["labels"]]


def _drawn_labels(chart: figures.Chart) -> list[str]:
    """The label texts as the figure has them ('<b>name</b><br>value')."""
    (t,) = [t for t in chart.data if "text" in t.get("mode", "")]
    return t["text"]


def _colorbar(chart: figures.Chart) -> dict:
    (t,) = [t for t in chart.data if t.get("marker", {}).get("showscale")]
    return t["marker"]


def _assert_offline_and_readable(chart: figures.Chart) -> None:
    chart.to_plotly()  # plotly's own validation
    text = json.dumps(chart.figure)
    # nothing is fetched at render time: no URLs, no tiles, no topojson, no geo/map subplot
    assert "http" not in text and "topojson" not in text
    assert not any(t["type"] in ("choropleth", "choroplethmap", "scattermap", "scattergeo") for t in chart.data)
    lay = chart.layout
    assert lay["yaxis"]["scaleanchor"] == "x" and lay["yaxis"]["scaleratio"] == 1, "equal aspect: metres are metres"
    assert lay["xaxis"]["visible"] is False and lay["yaxis"]["visible"] is False
    assert lay["meta"]["crs"] == "EPSG:3006"
    assert lay["height"] == mapfig.HEIGHT
    assert lay["separators"] == "," + fmt.NBSP
    (labels,) = [t for t in chart.data if "text" in t.get("mode", "")]
    assert labels["textfont"]["size"] >= 14 and labels["textfont"]["shadow"], "large, with a white halo"
    assert labels["unselected"]["textfont"]["color"] == mapfig.TEXT_DARK, "a click elsewhere does not dim the labels"
    bar = _colorbar(chart)
    assert bar["colorscale"] == "Viridis_r", "darker is more"
    assert bar["colorbar"]["tickfont"]["size"] >= 14
    assert len(bar["colorbar"]["ticktext"]) == len(bar["colorbar"]["tickvals"])
    assert chart.title


def _legend_labels(chart: figures.Chart) -> tuple[list, list]:
    cb = _colorbar(chart)["colorbar"]
    return cb["tickvals"], cb["ticktext"]


# --------------------------------------------------------------------- choropleth


def _fill(chart: figures.Chart, code: str) -> dict:
    (t,) = [t for t in _fills(chart) if t["meta"] == code]
    return t


def _rings(trace: dict) -> list[list[tuple[int, int]]]:
    """A fill trace's rings (paths separated by None)."""
    rings, cur = [], []
    for x, y in zip(trace["x"], trace["y"]):
        if x is None:
            rings.append(cur)
            cur = []
        else:
            cur.append((x, y))
    return [*rings, cur]


def test_choropleth_of_synthetic_boundaries():
    chart = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare 2022", fmt.number, "Invånare per kommun")
    _assert_offline_and_readable(chart)
    assert len(_fills(chart)) == 6
    assert chart.layout["meta"]["naravard_map"] == "choropleth"
    # Halmstad's island: one trace with two rings.
    assert len(_rings(_fill(chart, "1380"))) == 2
    # Drawn in SWEREF 99 TM metres, not degrees.
    xs = [x for t in _fills(chart) for x in t["x"] if x is not None]
    ys = [y for t in _fills(chart) for y in t["y"] if y is not None]
    assert 300_000 < min(xs) < max(xs) < 420_000 and 6_250_000 < min(ys) < max(ys) < 6_350_000
    labels = _label_texts(chart)
    assert len(labels) == 6
    halmstad_v = fmt.number(VALUES["1380"])
    assert halmstad_v == "105\u00a0400"
    assert "Halmstad 105\u00a0400" in labels
    assert "<b>Halmstad</b><br>105\u00a0400" in _drawn_labels(chart)
    for code, v in VALUES.items():
        assert f"{syn.HALLAND[code]} {fmt.number(v)}" in labels
    halmstad = [r for r in chart.meta["labels"] if r["kommunkod"] == "1380"][0]
    assert halmstad["hover"] == f"Halmstad: invånare 2022 {halmstad_v}"
    ticks, texts = _legend_labels(chart)
    assert texts == [fmt.number(t) for t in ticks] and len(ticks) >= 2


def test_choropleth_colours_follow_the_values():
    chart = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare", fmt.number, "t")
    lo, hi = min(VALUES, key=VALUES.get), max(VALUES, key=VALUES.get)
    lo_v, hi_v = VALUES[lo], VALUES[hi]
    assert _fill(chart, lo)["fillcolor"] == mapfig.fill_color(lo_v, lo_v, hi_v) == "rgb(253, 231, 37)"  # light: least
    assert _fill(chart, hi)["fillcolor"] == mapfig.fill_color(hi_v, lo_v, hi_v) == "rgb(68, 1, 84)"  # dark: most
    bar = _colorbar(chart)
    assert (bar["cmin"], bar["cmax"]) == (lo_v, hi_v)
    # drawn largest first, so an enclave is on top
    assert _fills(chart)[0]["meta"] in VALUES


def test_missing_value_is_grey_and_says_so():
    vals = {k: v for k, v in VALUES.items() if k != "1315"}
    chart = mapfig.choropleth(syn.halland_wgs84(), vals, "Invånare", fmt.number, "t")
    assert _fill(chart, "1315")["fillcolor"] == mapfig.MISSING_COLOR  # drawn, not dropped
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


def test_a_click_anywhere_in_a_kommun_hits_it():
    """Each kommun's hit layer covers its polygon with points inside it, carrying its code."""
    import shapely

    gdf = syn.halland_wgs84().to_crs("EPSG:3006")
    chart = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare", fmt.number, "t")
    hits = {t["customdata"][0]: t for t in chart.data if t.get("customdata")}
    assert set(hits) == set(VALUES)
    for code, t in hits.items():
        geom = gdf[gdf["kommunkod"] == code].geometry.iloc[0]
        assert set(t["customdata"]) == {code}
        assert len(t["x"]) >= 20, f"{code}: a grid of points, not only the label"
        inside = shapely.contains_xy(geom.buffer(1), t["x"], t["y"])
        assert inside.all(), f"{code}: every hit point lies in its own kommun"
        assert t["marker"]["opacity"] == 0 and t["hovertemplate"].endswith("<extra></extra>")
    event = {"selection": {"points": [{"curve_number": 9, "point_index": 3, "customdata": "1381"}]}}
    assert mapfig.clicked_code(event, chart) == "1381"
    assert mapfig.clicked_code({"selection": {"points": []}}, chart) is None
    assert mapfig.clicked_code(None, chart) is None
    assert mapfig.clicked_code({"selection": {"points": [{"customdata": "9999"}]}}, chart) is None


def test_selected_kommun_is_outlined():
    chart = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare", fmt.number, "t", selected="1382")
    outlines = [t for t in chart.data if t.get("mode") == "lines" and "fill" not in t]
    assert len(outlines) == 1 and outlines[0]["line"] == {"color": "#000000", "width": 4}
    assert outlines[0]["x"] == _fill(chart, "1382")["x"]
    plain = mapfig.choropleth(syn.halland_wgs84(), VALUES, "Invånare", fmt.number, "t")
    assert not [t for t in plain.data if t.get("mode") == "lines" and "fill" not in t]


def test_choropleth_of_the_embedded_boundaries():
    """The map a fresh clone draws: Halland's six kommuner from data/boundaries/."""
    ds = load_dataset()
    gdf = geo.load_embedded_boundaries(ds.region.lanskod, expected_codes=ds.kommun_codes)
    values = overview.map_values(ds, "invanare_per_vc", "RH2026")
    m = overview.MAP_MEASURES["invanare_per_vc"]
    chart = mapfig.map_figure(gdf, ds.table("kommuner"), values, m.label_sv, m.format, m.label_sv)
    _assert_offline_and_readable(chart)
    assert len(_fills(chart)) == 6 and chart.kind_sv == "Karta"
    assert sum(len(r) for t in _fills(chart) for r in _rings(t)) > 100, "real outlines, not boxes"
    labels = [fmt.plain(s) for s in _label_texts(chart)]
    assert "Hylte 10 094" in labels and "Laholm 5 313" in labels  # FACTS: invånare per VC


@pytest.mark.skipif(not SHARED_GEOJSON.is_file(), reason="../shared/data boundaries absent")
def test_choropleth_of_scb_boundaries():
    gdf = geo.import_boundaries(SHARED_GEOJSON, None, "13")
    chart = mapfig.choropleth(gdf, VALUES, "Invånare 2022", fmt.number, "Invånare")
    _assert_offline_and_readable(chart)
    assert len(_fills(chart)) == 6
    assert sum(len(r) for t in _fills(chart) for r in _rings(t)) > 100
    assert "Halmstad 105\u00a0400" in _label_texts(chart)


# ------------------------------------------------------------------------ fallback


def test_seat_symbols_fallback():
    k = syn.kommuner_table()
    chart = mapfig.seat_symbols(k, VALUES, "Invånare 2022", fmt.number, "Invånare per kommun")
    _assert_offline_and_readable(chart)
    assert _fills(chart) == []
    assert chart.layout["meta"]["naravard_map"] == "seat_symbols"
    notes = [a["text"] for a in chart.layout["annotations"]]
    assert "Förenklad karta: kommungränser saknas – cirklar vid centralorten" in notes
    seats = chart.meta["labels"]
    assert len(seats) == 6
    assert 300_000 < min(s["x"] for s in seats) < max(s["x"] for s in seats) < 420_000  # SWEREF 99 TM
    # Circle area proportional to the value: size order follows value order.
    size = {s["kommunkod"]: s["diameter"] for s in seats}
    order = sorted(VALUES, key=VALUES.get)
    assert [size[c] for c in order] == sorted(size.values())
    assert size["1380"] == pytest.approx(mapfig.SEAT_MAX_PX)
    (circles,) = [t for t in chart.data if t.get("mode") == "markers+text" and t.get("customdata")]
    assert circles["textposition"] == [s["placering"] for s in seats], "labels beside the circles, set off by their radius"
    assert circles["marker"]["size"] == [s["diameter"] for s in seats]  # plotly: diameter in px
    assert circles["customdata"] == [s["kommunkod"] for s in seats], "circles are clickable too"
    assert "Halmstad 105\u00a0400" in _label_texts(chart)
    assert any("Hyltebruk" in s["hover"] for s in seats)


def test_fallback_labels_do_not_cover_other_circles():
    """Laholm's circle must not sit on Halmstad's label (a defect seen at 1400 px): each
    label goes to a side where its box covers no other circle and no other label."""
    ds = load_dataset()
    values = overview.map_values(ds, "invanare_per_vc", "RH2026")
    chart = mapfig.seat_symbols(ds.table("kommuner"), values, "Invånare per vårdcentral", fmt.number, "t")
    rows = chart.meta["labels"]
    px = (mapfig.HEIGHT - 80) / (chart.layout["yaxis"]["range"][1] - chart.layout["yaxis"]["range"][0])
    boxes = []
    for r in rows:
        w = 0.58 * mapfig.LABEL_SIZE * max(len(r["namn"]), len(r["visas"])) + 4
        h = 2.4 * mapfig.LABEL_SIZE
        cx, cy, rad = r["x"] * px, r["y"] * px, r["diameter"] / 2
        boxes.append({
            "middle right": (cx + rad + 2, cy - h / 2, cx + rad + 2 + w, cy + h / 2),
            "middle left": (cx - rad - 2 - w, cy - h / 2, cx - rad - 2, cy + h / 2),
            "top center": (cx - w / 2, cy + rad + 2, cx + w / 2, cy + rad + 2 + h),
            "bottom center": (cx - w / 2, cy - rad - 2 - h, cx + w / 2, cy - rad - 2),
        }[r["placering"]])
    for i, b in enumerate(boxes):
        for j, r in enumerate(rows):
            if i != j:
                cx, cy, rad = r["x"] * px, r["y"] * px, r["diameter"] / 2
                assert not (b[0] - rad < cx < b[2] + rad and b[1] - rad < cy < b[3] + rad), (rows[i]["namn"], r["namn"])
        for j, bb in enumerate(boxes[:i]):
            assert not (b[0] < bb[2] and bb[0] < b[2] and b[1] < bb[3] and bb[1] < b[3]), (rows[i]["namn"], rows[j]["namn"])


def test_map_figure_chooses_choropleth_or_fallback():
    k = syn.kommuner_table()
    gdf = syn.halland_wgs84()
    gdf.loc[gdf["kommunkod"] == "1380", "kommunnamn"] = "HALMSTAD (fil)"
    chart = mapfig.map_figure(gdf, k, VALUES, "Invånare", fmt.number, "t")
    assert chart.layout["meta"]["naravard_map"] == "choropleth"
    assert any(s.startswith("Halmstad ") for s in _label_texts(chart))  # the dataset's names win
    assert mapfig.map_figure(None, k, VALUES, "Invånare", fmt.number, "t").layout["meta"]["naravard_map"] == "seat_symbols"
    partial = gdf[gdf["kommunkod"] != "1381"]
    chart = mapfig.map_figure(partial, k, VALUES, "Invånare", fmt.number, "t")
    assert chart.layout["meta"]["naravard_map"] == "seat_symbols"  # never silently drop a kommun


def test_map_figure_with_the_projects_dataset():
    """The call the app makes: dataset kommuner, utbud values, boundaries or none."""
    ds = load_dataset()
    k = ds.table("kommuner")
    values = ds.table("utbud").set_index("kommunkod")["invanare_2022"]
    for boundaries in (None, syn.halland_wgs84()):
        chart = mapfig.map_figure(boundaries, k, values, "Invånare 2022", fmt.number, title="Invånare")
        _assert_offline_and_readable(chart)
        assert "Halmstad 105\u00a0400" in _label_texts(chart)


def test_every_map_measure_draws_with_its_message():
    ds = load_dataset()
    gdf = geo.load_embedded_boundaries(ds.region.lanskod)
    for key, m in overview.MAP_MEASURES.items():
        values = overview.map_values(ds, key, "RH2026")
        for boundaries in (None, gdf):
            chart = mapfig.map_figure(boundaries, ds.table("kommuner"), values, m.label_sv, m.format, title=m.label_sv)
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


# -------------------------------------------------------------- the map section (AppTest)


def _map_app(selected: str | None = None) -> None:
    """The map section alone, as Översikt calls it (AppTest.from_function runs this source)."""
    import streamlit as st

    from naravard import ui

    if selected and "test_first_run_done" not in st.session_state:
        st.session_state["test_first_run_done"] = True
        st.session_state[ui.KEY_MAP_SELECTED] = selected
    ui.map_section(ui.dataset(), "RH2026")


def _run_map(monkeypatch, tmp_path, *, data_dir=None, selected=None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "s.sqlite3"))
    if data_dir:
        monkeypatch.setenv("NARAVARD_DATA_DIR", str(data_dir))
    else:
        monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    at = AppTest.from_function(_map_app, kwargs={"selected": selected}, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (chart,) = at.get("plotly_chart")
    return at, json.loads(chart.proto.spec), chart.proto


def test_map_section_draws_embedded_polygons_on_a_fresh_machine(monkeypatch, tmp_path):
    at, fig, proto = _run_map(monkeypatch, tmp_path)
    assert fig["layout"]["meta"]["naravard_map"] == "choropleth"
    assert len([t for t in fig["data"] if t.get("fill") == "toself"]) == 6
    captions = " ".join(c.value for c in at.caption)
    assert "Kommungränser: SCB, Digitala gränser (kommungränser), CC0, 2025-01-21." in captions
    assert "Klicka på en kommun" in captions
    assert json.loads(proto.config)["locale"] == "sv"
    assert proto.selection_mode, "the map is clickable (points selection)"


def test_map_section_without_boundaries_draws_circles(monkeypatch, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(REPO / "data", d, ignore=shutil.ignore_patterns("boundaries"))
    text = (d / "manifest.toml").read_text(encoding="utf-8")
    (d / "manifest.toml").write_text(text.split("\n[boundaries]")[0], encoding="utf-8")
    at, fig, _ = _run_map(monkeypatch, tmp_path, data_dir=d)
    assert fig["layout"]["meta"]["naravard_map"] == "seat_symbols"
    assert "Förenklad karta: kommungränser saknas (se Om data)." in " ".join(c.value for c in at.caption)


def test_map_section_shows_the_selected_kommuns_figures(monkeypatch, tmp_path):
    at, fig, _ = _run_map(monkeypatch, tmp_path, selected="1315")
    outlines = [t for t in fig["data"] if t.get("mode") == "lines" and "fill" not in t]
    assert len(outlines) == 1 and outlines[0]["name"] == "Hylte"
    assert at.markdown[0].value == "**Hylte**"
    rows = {r["Mått"]: fmt.plain(r["Värde"]) for r in at.table[0].value.to_dict("records")}
    assert rows["Invånare per vårdcentral"] == "10 094"  # FACTS: 10 094 inhabitants, one VC
    assert rows["Antal vårdcentraler"] == "1"
    at.button(key="nv_karta_rensa").click().run()
    assert not at.exception
    assert not [t for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"] if t.get("mode") == "lines" and "fill" not in t]
    assert "Klicka på en kommun" in " ".join(c.value for c in at.caption)


def _boundary_app() -> None:
    from naravard import ui

    ui.boundary_section(ui.dataset())


def test_om_data_says_which_boundaries_are_used(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    at = AppTest.from_function(_boundary_app, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.success[0].value == (
        "Kartan visar kommungränser för 6 kommuner från den inbyggda filen boundaries/kommuner_scb_2025.geojson "
        "(SCB, Digitala gränser (kommungränser), CC0, 2025-01-21)."
    )
    # a fetched/imported cache (a newer release) takes over, and Om data says so
    geo.write_cache(geo.normalise_boundaries(syn.squares_3006(), "13"), "13", tmp_path / "cache")
    at = AppTest.from_function(_boundary_app, default_timeout=60)
    at.run()
    assert "från den lokala kartcachen" in at.success[0].value


def test_map_measure_labels_take_their_years_from_the_data():
    """No year typed in a measure's label (issue 10 part 1): the base year, the
    forecast's horizon and the age table's next year come from the data in use."""
    from naravard.model import supply as overview
    from naravard.sources.dataset import load_dataset

    ds = load_dataset()
    assert overview.measure_for(ds, "RH2026", "tillvaxt").label_sv == "Befolkningsförändring till 2030 (%)"
    assert overview.measure_for(ds, "RH2026", "andel80").label_sv == "Andel 80 år och äldre 2025 (%)"
    assert overview.measure_for(ds, "RH2026", "tillvaxt80").label_sv == "Förändring 80+ 2025–2030 (%)"
    assert all("{" not in overview.measure_for(ds, v, k).label_sv for k in overview.MAP_MEASURES for v in ("RH2026", "HSU2023"))
    import re

    assert not [m.label_sv for m in overview.MAP_MEASURES.values() if re.search(r"\b(19|20)\d\d\b", m.label_sv)]
