"""Every chart the app draws is a valid Vega-Lite spec with the theme written in.

Vega-Lite ignores nothing silently in its schema: a misspelt property or a wrong value
fails validation here (against the v6 schema that ships with altair, the version
Streamlit's frontend embeds) instead of drawing wrong in the browser. The maps are
validated the same way in tests/test_mapfig.py.
"""

import math

import jsonschema
import pandas as pd
import pytest
from altair.vegalite.v6.schema.core import load_schema

from naravard import fmt
from naravard.model import indicators as access
from naravard.views import figures
from naravard.model import scenario
from naravard.sources.dataset import load_dataset
from naravard.views import befolkning as vb
from naravard.views import scenario as vs
from naravard.views import tillganglighet as vt


@pytest.fixture(scope="module")
def ds():
    return load_dataset(None)


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft7Validator(load_schema())


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


def _errors(validator, spec) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:160]}" for e in validator.iter_errors(spec)]


def test_every_chart_is_valid_vega_lite(ds, validator):
    built = list(_charts(ds))
    assert len(built) >= 12
    for name, chart in built:
        assert isinstance(chart, figures.Chart)
        assert not _errors(validator, chart.full_spec()), f"{name}: {_errors(validator, chart.full_spec())}"
        assert "data" not in chart.spec, f"{name}: data belongs in Chart.data, not in the spec"
        assert chart.title and chart.spec["title"]["text"] == chart.title, f"{name}: every chart has its title in the spec"
        assert len(chart.data) > 0


def test_the_validation_catches_a_wrong_property(ds, validator):
    """The schema check above can fail: a misspelt mark property is reported."""
    chart = vb.pop80_chart(ds)[0]
    bad = chart.full_spec()
    bad["layer"][0]["mark"]["colr"] = "red"
    assert _errors(validator, bad)


def test_theme_and_swedish_numbers_are_written_into_each_spec(ds):
    chart = vb.pop80_chart(ds)[0]
    config = chart.spec["config"]
    assert config["range"]["category"] == figures.PALETTE
    assert config["locale"]["number"]["decimal"] == ","
    assert config["locale"]["number"]["thousands"] == fmt.NBSP  # 343 000
    # value labels are formatted by fmt, not by the browser
    assert fmt.plain(chart.data["text"].iloc[0]) == "4 536"  # Kungsbacka 80+ in 2020


def test_scenario_spec_does_not_change_with_the_values(ds):
    """Streamlit re-embeds a Vega-Lite chart only when its spec changes; so the
    scenario chart's spec must not depend on the horizon or the values."""
    inputs = scenario.ModelInputs.from_dataset(ds)
    a = vs.kommun_chart(scenario.run(inputs, scenario.Assumptions(horisont=2030)), "inskrivna_ordinart")[0]
    b = vs.kommun_chart(scenario.run(inputs, scenario.Assumptions(horisont=2040, andel_ordinart=0.3)), "inskrivna_ordinart")[0]
    assert a.spec == b.spec
    assert not a.data.equals(b.data)
    assert a.title == b.title == "Inskrivna i kommunal hälso- och sjukvård, ordinärt boende, per kommun"
    assert set(a.data["serie"]) == {"2025", "2030 (scenario)"}


def test_grouped_bars_tell_series_apart_without_colour():
    df = pd.DataFrame({"k": ["A", "A", "B", "B"], "s": ["x", "y", "x", "y"], "v": [1.0, 2.0, 3.0, 1234.5]})
    chart = figures.grouped_bars(df, "k", "s", "v", title="T")
    shapes = [layer for layer in chart.spec["layer"] if "shape" in layer["encoding"]]
    assert len(shapes) == 1 and shapes[0]["encoding"]["shape"]["field"] == "serie"
    assert list(chart.data["text"].map(fmt.plain)) == ["1", "2", "3", "1 234"]
    no_shapes = figures.grouped_bars(df, "k", "s", "v", patterns=False)
    assert not any("shape" in layer["encoding"] for layer in no_shapes.spec["layer"])


def test_grouped_bars_hide_value_labels_when_too_many():
    df = pd.DataFrame({"k": [str(i) for i in range(8)] * 2, "s": ["x"] * 8 + ["y"] * 8, "v": range(16)})
    chart = figures.grouped_bars(df, "k", "s", "v")
    assert not any(layer["mark"]["type"] == "text" for layer in chart.spec["layer"])


def test_indicator_gap_is_missing_not_joined():
    s = pd.DataFrame({"omrade": ["A", "A"], "year": [2020, 2022], "value": [50.0, 60.0]})
    chart = figures.indicator_lines(s, title="T")
    values = chart.full_spec()["data"]["values"]
    assert [(r["year"], r["value"]) for r in values] == [(2020, 50.0), (2021, None), (2022, 60.0)], "2021 must be a gap"
    line = chart.spec["layer"][0]
    assert line["mark"]["invalid"] == "break-paths-show-domains"  # a missing value breaks the line
    assert not any(isinstance(r["value"], float) and math.isnan(r["value"]) for r in values)


def test_indicator_snapshot_is_a_star_never_joined(ds):
    chart = vt.indicator_chart(ds, "U70402" if "U70402" in set(access.indicators(ds)["kpi_id"]) else access.indicators(ds)["kpi_id"].iloc[0])[0]
    snaps = [s for s in chart.data["serie"].unique() if s.startswith("Dialogunderlaget")]
    if not snaps:
        pytest.skip("this indicator has no snapshot in the deck")
    line, points = chart.spec["layer"][:2]
    assert line["transform"] == [{"filter": {"not": {"field": "serie", "equal": snaps[0]}}}]
    shape = points["encoding"]["shape"]["scale"]
    assert shape["range"][shape["domain"].index(snaps[0])] == figures.STAR


def test_divider_line_and_label(ds):
    chart = vb.ratio_chart(ds)[0]
    rule, label = chart.spec["layer"][-2:]
    assert rule["mark"]["type"] == "rule" and rule["data"]["values"] == [{"x": ds.region.basar + 0.5}]
    assert label["data"]["values"][0]["label"] == "prognos →"
    # the region is drawn thick and black
    color = chart.spec["layer"][0]["encoding"]["color"]["scale"]
    assert color["range"][color["domain"].index(ds.region.kort_namn)] == figures.HIGHLIGHT_COLOR


def test_population_lines_join_projection_to_last_observed(ds):
    chart = vb.population_chart(ds, "RH2026", ds.kommun_codes[:1])[0]
    d = chart.data
    obs, proj = d[d["del"] == figures.OBSERVED_LABEL], d[d["del"] == figures.PROJECTION_LABEL]
    assert proj["year"].min() == obs["year"].max() == ds.region.basar
    assert "(prognos)" in proj["text"].iloc[-1]


def test_age_structure_segments_add_up_to_100(ds):
    chart = vb.age_chart(ds, 2030)[0]
    ends = chart.data.groupby("kommun")["end"].max()
    assert ends.round(6).eq(100).all()
