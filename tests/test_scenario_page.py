"""AppTest for the Scenario page: figures, controls, URL, keep, compare."""

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt
from naravard.model.scenario import Assumptions
from naravard.store.sqlite import ScenarioStore
from tests.apptables import table_with

TIMEOUT = 90


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)


def scenario_page(query: dict | None = None) -> AppTest:
    # Start on the main page, as a browser does: app.py's st.navigation takes Streamlit
    # out of its legacy pages/ mode (AppTest resets it per test; see ui.ensure_frame).
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/scenario.py")
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: fmt.plain(m.value) for m in at.metric}


def test_default_scenario_headlines():
    at = scenario_page()
    m = metrics(at)
    assert m["Invånare 80+"] == "30 147"
    # calibrated ratios: 4 100 and 3 000 enrolled over 21 995 aged 80+ on 2023-01-01
    assert m["Inskrivna, ordinärt boende"] == "5 620"  # 4 100 / 21 995 × 30 147
    assert m["Inskrivna, SäBo"] == "4 112"  # 3 000 / 21 995 × 30 147
    assert not at.error


def test_slider_changes_headline_and_url():
    at = scenario_page()
    at.slider(key="nv_sc_andel_ordinart").set_value(25).run()
    assert not at.exception
    assert metrics(at)["Inskrivna, ordinärt boende"] == "7 537"  # 25 % of 30 147
    assert at.query_params["ordinart"] == "0.25"


def test_shared_url_restores_the_scenario():
    at = scenario_page({"v": "1", "ordinart": "0.3", "ar": "2040"})
    assert at.slider(key="nv_sc_andel_ordinart").value == 30
    assert at.slider(key="nv_sc_horisont").value == 2040
    assert metrics(at)["Inskrivna, ordinärt boende"] == fmt.plain(fmt.number(0.3 * 34_165))


def test_hostile_url_warns_and_falls_back_for_bad_values_only():
    at = scenario_page({"v": "1", "ordinart": "<script>alert(1)</script>", "ar": "99999", "sabo": "0.2"})
    warnings = " ".join(w.value for w in at.warning)
    assert warnings, "a Swedish warning names the bad parameters"
    assert "<script>" not in warnings
    assert at.slider(key="nv_sc_andel_ordinart").value == 19  # default: calibrated 18,6 %
    assert at.slider(key="nv_sc_horisont").value == 2030  # default
    assert at.slider(key="nv_sc_andel_sabo").value == 20  # the good value kept


def test_preset_fills_in_the_controls():
    at = scenario_page()
    at.selectbox(key="nv_sc_ui_forval").set_value("Längre sikt (2040)").run()
    assert not at.exception
    assert at.slider(key="nv_sc_horisont").value == 2040
    # the sum of the kommun rows; the published län row says 34 165 (rounded on its own)
    assert metrics(at)["Invånare 80+"] == "34 166"


def test_save_open_rename_delete(tmp_path):
    at = scenario_page()
    at.slider(key="nv_sc_andel_sabo").set_value(18).run()
    at.text_input(key="nv_sc_ui_namn").input("Vänsterns grupp – test")
    at.text_input(key="nv_sc_ui_grupp").input("Åsa")
    at.text_area(key="nv_sc_ui_anteckning").input("Högre SäBo-andel")
    at.button(key="nv_sc_ui_spara").click().run()
    assert not at.exception
    assert any("Sparat" in s.value for s in at.success)
    store = ScenarioStore(str(tmp_path / "scenarier.sqlite3"))
    saved = store.list()
    assert [s.name for s in saved] == ["Vänsterns grupp – test"]
    assert Assumptions.from_dict(saved[0].payload).andel_sabo == pytest.approx(0.18)

    # back to defaults, then open the saved one
    at.slider(key="nv_sc_andel_sabo").set_value(15).run()
    open_button = next(b for b in at.button if b.label == "Öppna")
    open_button.click().run()
    assert not at.exception
    assert at.slider(key="nv_sc_andel_sabo").value == 18

    at.text_input(key="nv_sc_ui_nytt_namn").input("Omdöpt")
    next(b for b in at.button if b.label == "Byt namn").click().run()
    assert [s.name for s in store.list()] == ["Omdöpt"]
    next(b for b in at.button if b.label == "Ta bort").click().run()
    assert store.list() == []


def test_compare_with_a_saved_scenario(tmp_path):
    store = ScenarioStore(str(tmp_path / "scenarier.sqlite3"))
    s = store.save("Hög andel", "Grupp A", "", Assumptions(andel_ordinart=0.3).to_dict())
    at = scenario_page()
    at.multiselect(key="nv_sc_ui_jamfor").set_value([s.id]).run()
    assert not at.exception
    table = table_with(at, "Aktuellt (2030)")
    row = table[table["Resultat"] == "Inskrivna i kommunal hälso- och sjukvård, ordinärt boende"].iloc[0].map(fmt.plain)
    assert row["Aktuellt (2030)"] == "5 620" and row["Hög andel (2030)"] == "9 044"
    assert row["Hög andel: skillnad mot Aktuellt"] == "+3 424"  # 9 044 − 5 620, as shown


def test_corrupt_store_shows_message_and_page_still_works(tmp_path):
    p = tmp_path / "scenarier.sqlite3"
    p.write_bytes(b"this is not a database" * 100)
    before = p.read_bytes()
    at = scenario_page()
    assert any("skadad" in e.value for e in at.error)
    assert metrics(at)["Invånare 80+"] == "30 147"
    assert p.read_bytes() == before


def _table_text(at: AppTest) -> str:
    return " ".join(fmt.plain(str(v)) for t in at.table for v in t.value.to_numpy().ravel())


def test_view_switch_shows_each_view_and_follows_the_sliders():
    at = scenario_page()
    assert at.segmented_control(key="nv_sc_ui_visa").value == "diagram"
    assert len(at.get("plotly_chart")) == 1  # the per-kommun chart is the default view

    at.slider(key="nv_sc_horisont").set_value(2035).run()
    at.segmented_control(key="nv_sc_ui_visa").set_value("tabell").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 0, "only the chosen view is drawn"
    text = _table_text(at)
    assert "Kungsbacka" in text and "Hylte" in text

    at.segmented_control(key="nv_sc_ui_visa").set_value("vagval").run()
    text = _table_text(at)
    assert "→" in text and "Laholm" in text
    assert metrics(at)["Inskrivna, ordinärt boende"] == "6 024"  # 4 100 / 21 995 × 32 314 (80+ in 2035)

    at.segmented_control(key="nv_sc_ui_visa").set_value("antaganden").run()
    text = _table_text(at)
    assert "2035" in text and "HSU-2023, 2023-01-01" in text and "kalibrerad" in text


def test_exports_follow_the_sliders_without_a_full_rerun():
    """The export buttons sit outside the studio fragment; their files are built on
    click from the assumptions the studio used last."""
    from naravard.views import scenario as view

    at = scenario_page()
    at.slider(key="nv_sc_horisont").set_value(2035).run()
    at.slider(key="nv_sc_andel_ordinart").set_value(25).run()
    a = view.current(at.session_state[view.KEY_CURRENT])
    assert a.horisont == 2035 and a.andel_ordinart == pytest.approx(0.25)
    rows = view.assumption_rows(a)
    assert ("Framskrivning till år", "2035") in [(r[0], r[1]) for r in rows]


def test_slider_step_redraws_a_lean_chart_with_a_stable_name():
    """Streamlit 1.67 builds a Plotly chart's element id from its figure, config and
    accessible name, so a slider step that changes the values makes a new element.
    What a step redraws is therefore kept small: one chart, a figure without template
    (a few kB), and the same accessible name and config (the values are stated in the
    caption, not in the name)."""
    import json

    at = scenario_page()
    before = at.get("plotly_chart")
    assert len(before) == 1, "one chart in the scenario studio"
    spec, alt, config = before[0].proto.spec, before[0].proto.alt, before[0].proto.config
    at.slider(key="nv_sc_horisont").set_value(2035).run()
    at.slider(key="nv_sc_andel_ordinart").set_value(26).run()
    assert not at.exception
    after = at.get("plotly_chart")
    assert len(after) == 1
    assert after[0].proto.alt == alt, "a changed accessible name would remount the chart too; the message is in the caption"
    assert after[0].proto.config == config
    assert after[0].proto.spec != spec, "the chart shows the new values"
    fig = json.loads(after[0].proto.spec)
    assert "2035 (scenario)" in [t["name"] for t in fig["data"]]
    assert fig["layout"]["template"] == {"data": {"scatter": [{"type": "scatter"}]}} or not fig["layout"]["template"].get("layout")
    assert len(after[0].proto.spec) < 8_000, f"the redrawn figure stays lean ({len(after[0].proto.spec)} bytes)"
