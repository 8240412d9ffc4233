"""Every chart the app draws is a valid Plotly figure with the theme written in.

Plotly validates a figure when it is built into ``go.Figure``: a misspelt property or
a wrong value raises there (here) instead of drawing wrong in the browser. The maps
are checked the same way in tests/views/test_mapfig.py. Figures asserted below are from
../shared/FACTS.md (through the embedded data).
"""

import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from naravard import fmt
from naravard.model import indicators as access
from naravard.model import scenario
from naravard.sources.dataset import load_dataset
from naravard.views import befolkning as vb
from naravard.views import figures
from naravard.views import scenario as vs
from naravard.views import tillganglighet as vt


@pytest.fixture(scope="module")
def ds():
    return load_dataset(None)


def _charts(ds):
    inputs = scenario.ModelInputs.from_dataset(ds)
    res = scenario.run(inputs, scenario.Assumptions(horisont=2035))
    yield "scenario per kommun", vs.kommun_chart(res, "inskrivna_ordinart")[0]
    other = scenario.run(inputs, scenario.Assumptions(andel_ordinart=0.3))
    yield "scenario comparison", vs.compare({"A": res, "B": other})[1]
    yield "population", vb.population_chart(ds, "RH2026", ds.kommun_codes)[0]
    yield "population HSU", vb.population_chart(ds, "HSU2023", ds.kommun_codes[:2])[0]
    yield "80+", vb.pop80_chart(ds)[0]
    yield "age structure", vb.age_chart(ds, 2030)[0]
    yield "old-age ratio", vb.ratio_chart(ds)[0]
    for kpi in access.indicators(ds)["kpi_id"]:
        yield f"indicator {kpi}", vt.indicator_chart(ds, kpi)[0]
    yield "travel", vt.travel_chart(ds)[0]


def _trace(chart: figures.Chart, name: str) -> dict:
    (t,) = [t for t in chart.data if t.get("name") == name]
    return t


def test_every_chart_is_a_valid_plotly_figure_with_the_theme(ds):
    built = list(_charts(ds))
    assert len(built) >= 12
    for name, chart in built:
        assert isinstance(chart, figures.Chart)
        fig = chart.to_plotly()  # plotly's own validation: raises on a wrong property
        assert isinstance(fig, go.Figure)
        lay = chart.layout
        assert chart.title and lay["title"]["text"] == chart.title, f"{name}: every chart has its title in the figure"
        assert lay["separators"] == "," + fmt.NBSP, f"{name}: decimal comma, space between thousands"
        assert lay["colorway"] == figures.PALETTE
        assert lay["font"]["size"] >= 16 and lay["legend"]["font"]["size"] >= 15, f"{name}: projector-readable"
        assert lay["template"] == {}, f"{name}: no template (lean figure, theme in the layout)"
        assert chart.data, name
        # nothing in a figure is fetched: no URLs
        assert "http" not in json.dumps(chart.figure), name


def test_the_validation_catches_a_wrong_property(ds):
    """The check above can fail: a misspelt trace property is refused by plotly."""
    chart = vb.pop80_chart(ds)[0]
    bad = json.loads(json.dumps(chart.figure))
    bad["data"][0]["colr"] = "red"
    with pytest.raises(ValueError):
        go.Figure(bad)


def test_swedish_mode_bar_and_config():
    cfg = figures.PLOTLY_CONFIG
    assert cfg["locale"] == "sv"
    sv = cfg["locales"]["sv"]["dictionary"]
    assert sv["Download plot as a PNG"] == "Ladda ned diagrammet som PNG"
    assert sv["Zoom in"] == "Zooma in" and sv["Reset axes"] == "Återställ zoom"
    # every button shown has a Swedish title
    titles = {"toImage": "Download plot as a PNG", "zoomIn2d": "Zoom in", "zoomOut2d": "Zoom out", "resetScale2d": "Reset axes"}
    assert [titles[b] in sv for b in cfg["modeBarButtons"][0]] == [True] * 4
    assert cfg["displaylogo"] is False and cfg["scrollZoom"] is False


def test_80_plus_bars_show_real_figures_with_a_second_carrier(ds):
    chart = vb.pop80_chart(ds)[0]
    t2020 = _trace(chart, "2020")
    kungsbacka = t2020["x"].index("Kungsbacka")
    assert t2020["y"][kungsbacka] == 4536  # Kungsbacka 80+ in 2020 (FACTS S2)
    assert fmt.plain(t2020["hovertext"][kungsbacka]) == "Kungsbacka, 2020: 4 536"
    patterns = [t["marker"]["pattern"]["shape"] for t in chart.data]
    colors = [t["marker"]["color"] for t in chart.data]
    assert len(set(patterns)) == len(patterns) == 4, "each series its own fill pattern besides its colour"
    assert colors == figures.PALETTE[:4]


def test_scenario_chart_is_lean_and_names_the_years_in_the_legend(ds):
    """Streamlit 1.67 remounts a Plotly chart whose figure changed, so what a slider step
    redraws is small: two traces, no template, the title without years."""
    inputs = scenario.ModelInputs.from_dataset(ds)
    a = vs.kommun_chart(scenario.run(inputs, scenario.Assumptions(horisont=2030)), "inskrivna_ordinart")[0]
    b = vs.kommun_chart(scenario.run(inputs, scenario.Assumptions(horisont=2040, andel_ordinart=0.3)), "inskrivna_ordinart")[0]
    assert a.title == b.title == "Inskrivna i kommunal hälso- och sjukvård, ordinärt boende, per kommun"
    assert [t["name"] for t in a.data] == ["2025", "2030 (scenario)"]
    assert {**a.layout, "yaxis": None} == {**b.layout, "yaxis": None}, "only the traces and the value range change"
    top = max(v for t in b.data for v in t["y"])
    assert b.layout["yaxis"]["range"][1] >= 1.25 * top, "room above the bars for the upright value labels"
    assert len(pio.to_json(a.to_plotly(), validate=False)) < 6_000


def test_grouped_bars_tell_series_apart_without_colour():
    df = pd.DataFrame({"k": ["A", "A", "B", "B"], "s": ["x", "y", "x", "y"], "v": [1.0, 2.0, 3.0, 1234.5]})
    chart = figures.grouped_bars(df, "k", "s", "v", title="T")
    assert [t["marker"]["pattern"]["shape"] for t in chart.data] == ["", "/"]
    assert [fmt.plain(x) for t in chart.data for x in t["text"]] == ["1", "3", "2", "1 234"]
    plain = figures.grouped_bars(df, "k", "s", "v", patterns=False)
    assert {t["marker"]["pattern"]["shape"] for t in plain.data} == {""}


def test_grouped_bars_hide_value_labels_when_too_many():
    df = pd.DataFrame({"k": [str(i) for i in range(8)] * 2, "s": ["x"] * 8 + ["y"] * 8, "v": range(16)})
    chart = figures.grouped_bars(df, "k", "s", "v")
    assert not any("text" in t for t in chart.data)


def test_indicator_gap_is_missing_not_joined():
    s = pd.DataFrame({"omrade": ["A", "A"], "year": [2020, 2022], "value": [50.0, 60.0]})
    chart = figures.indicator_lines(s, title="T")
    (t,) = chart.data
    assert list(zip(t["x"], t["y"])) == [(2020, 50.0), (2021, None), (2022, 60.0)], "2021 must be a gap"
    assert t["connectgaps"] is False
    assert "null" in json.dumps(t["y"]), "a gap is null in the figure, not NaN"
    assert chart.to_plotly().data[0].connectgaps is False


def test_indicator_snapshot_is_a_black_star_never_joined(ds):
    kpis = list(access.indicators(ds)["kpi_id"])
    found = False
    for kpi in kpis:
        chart = vt.indicator_chart(ds, kpi)[0]
        snap = access.snapshot_for(ds, kpi)
        if snap is None:
            continue
        found = True
        star = _trace(chart, snap.label_sv)
        assert star["mode"] == "markers", "the snapshot is never joined to a line"
        assert star["marker"]["symbol"] == "star" and star["marker"]["color"] == figures.HIGHLIGHT_COLOR
        assert star["x"] == [snap.year] and star["y"] == [snap.value]
        lines = [t for t in chart.data if t is not star]
        assert len({t["line"]["dash"] for t in lines}) == len(lines), "each area its own dash"
        assert len({t["marker"]["symbol"] for t in lines}) == len(lines), "and its own marker symbol"
    assert found, "at least one indicator has the deck's snapshot"


def test_indicator_values_from_the_data(ds):
    """The 'besvarade samtal' series carries Halland's Kolada values as they are."""
    series = access.indicator_series(ds, access.indicators(ds)["kpi_id"].iloc[0])
    chart = vt.indicator_chart(ds, access.indicators(ds)["kpi_id"].iloc[0])[0]
    for area, g in series.groupby("omrade"):
        t = _trace(chart, str(area))
        got = dict(zip(t["x"], t["y"]))
        for y, v in zip(g["year"], g["value"]):
            assert got[int(y)] == pytest.approx(float(v))


def test_divider_line_and_label(ds):
    chart = vb.ratio_chart(ds)[0]
    (line,) = chart.layout["shapes"]
    assert line["x0"] == line["x1"] == ds.region.basar + 0.5 and line["line"]["dash"] == "dot"
    (label,) = chart.layout["annotations"]
    assert label["text"] == "prognos →"
    # the region is drawn thick and black
    region = _trace(chart, ds.region.kort_namn)
    assert region["line"]["color"] == figures.HIGHLIGHT_COLOR and region["line"]["width"] == 5


def test_population_lines_join_projection_to_last_observed(ds):
    chart = vb.population_chart(ds, "RH2026", ds.kommun_codes[:1])[0]
    obs, proj = [t for t in chart.data if t.get("legendgroup")]
    assert obs["line"]["dash"] == "solid" and proj["line"]["dash"] == "dash"
    assert proj["x"][0] == obs["x"][-1] == ds.region.basar
    assert "(prognos)" in proj["hovertext"][-1]
    assert _trace(chart, figures.PROJECTION_LABEL)["line"]["dash"] == "dash", "the legend names the dash"
    assert chart.layout["yaxis"]["tickformat"] == ",d" and chart.layout["xaxis"]["tickformat"] == "d"


def test_age_structure_segments_add_up_to_100(ds):
    chart = vb.age_chart(ds, 2030)[0]
    totals = pd.DataFrame({t["name"]: t["x"] for t in chart.data}, index=chart.data[0]["y"]).sum(axis=1)
    assert totals.round(6).eq(100).all()
    assert chart.layout["barmode"] == "stack"
