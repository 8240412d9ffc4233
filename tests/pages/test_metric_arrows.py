"""Headline deltas point the way their Swedish text says (Streamlit reads only "-").

fmt writes a negative number with "−" (U+2212); st.metric on its own read "−1 234"
as a rise. Every headline goes through ui.widgets.metric, which sets the arrow."""

from __future__ import annotations

from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from tests.apptables import APP, scenario_page


def _check_arrows(at: AppTest) -> int:
    checked = 0
    for m in at.metric:
        delta = m.proto.delta
        if not delta or delta in ("–", "-"):
            continue
        want = Metric.MetricDirection.DOWN if delta[0] in "−-" else Metric.MetricDirection.UP
        assert m.proto.direction == want, (m.proto.label, delta)
        checked += 1
    return checked


def test_scenario_headline_with_a_fall_points_down():
    # Every kommun shrinking (own growth rates, % per year): the needs fall.
    codes = ("1315", "1380", "1381", "1382", "1383", "1384")
    shrink = ",".join(f"{c}:-3" for c in codes)
    at = scenario_page({"prognos": "EGEN", "tillvaxt": shrink, "tillvaxt80": shrink})
    assert _check_arrows(at) >= 1
    assert any(m.proto.delta.startswith("−") for m in at.metric), [m.proto.delta for m in at.metric]


def test_oversikt_headline_arrows_follow_the_text():
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    assert _check_arrows(at) >= 1
