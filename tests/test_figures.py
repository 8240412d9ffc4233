"""Every chart the app draws is a valid plotly figure with the theme written in.

The app builds figures from plain dicts without plotly's validation (speed); these
tests build each one and then have plotly validate it, so a misspelt property or a
value plotly would reject fails here instead of silently drawing wrong.
"""

import math

import plotly.graph_objects as go
import pytest

from naravard import access, figures, mapfig, overview, scenario
from naravard.data import load_dataset
from naravard.views import befolkning as vb
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
    m = overview.MAP_MEASURES[next(iter(overview.MAP_MEASURES))]
    values = overview.map_values(ds, next(iter(overview.MAP_MEASURES)), "RH2026")
    yield "map fallback", mapfig.map_figure(None, ds.table("kommuner"), values, m.label_sv, m.format, title="x")


def test_every_chart_is_valid_plotly(ds, monkeypatch):
    monkeypatch.setattr(figures, "VALIDATE", False)  # build as the app does ...
    built = list(_charts(ds))
    assert len(built) >= 10
    for name, fig in built:
        spec = fig.to_dict()
        go.Figure(spec)  # ... then let plotly check every property (raises ValueError)
        template = spec["layout"].get("template")
        assert not isinstance(template, str), f"{name}: a template name reaches the browser, which knows no such theme"


def test_theme_is_written_into_each_figure(ds):
    fig = vb.pop80_chart(ds)[0]
    layout = fig.to_dict()["layout"]
    assert layout["template"]["layout"]["colorway"] == figures.PALETTE
    assert layout["separators"] == ", "  # decimal comma, space between thousands


def test_layout_merges_nested_keys():
    lay = figures.layout("T", y_title="Invånare", yaxis=dict(rangemode="normal"), xaxis=dict(dtick=1))
    assert lay["yaxis"]["rangemode"] == "normal"
    assert lay["yaxis"]["tickformat"] == ",d"  # kept from the base
    assert lay["yaxis"]["title"] == {"text": "Invånare"}
    assert lay["xaxis"]["dtick"] == 1
    assert lay["title"]["text"] == "T"


def test_indicator_gap_is_none_not_nan():
    import pandas as pd

    s = pd.DataFrame({"omrade": ["A", "A"], "year": [2020, 2022], "value": [50.0, 60.0]})
    fig = figures.indicator_lines(s)
    y = list(fig.data[0].y)
    assert y[0] == 50.0 and y[1] is None and y[2] == 60.0, "2021 must be a gap"
    assert not any(isinstance(v, float) and math.isnan(v) for v in y)


def test_divider_line_and_label(ds):
    fig = vb.ratio_chart(ds)[0]
    shapes = fig.layout.shapes
    assert len(shapes) == 1 and shapes[0].x0 == ds.region.basar + 0.5 and shapes[0].line.dash == "dot"
    assert fig.layout.annotations[0].text == "prognos →"
