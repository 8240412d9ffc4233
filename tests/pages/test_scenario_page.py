"""AppTest for the Scenario page: figures, controls, URL, keep, compare."""

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt
from naravard.model.scenario import Assumptions
from naravard.store.sqlite import ScenarioStore
from naravard.ui.state import (
    KEY_SC_COMPARE,
    KEY_SC_COMPARE_OUTPUT,
    KEY_SC_LINK,
    KEY_SC_RESET,
    NUM_TEXT,
    KEY_SC_COPY,
    KEY_SC_CURRENT,
    KEY_SC_GROUP,
    KEY_SC_NAME,
    KEY_SC_NEW_NAME,
    KEY_SC_NOTE,
    KEY_SC_PRESET,
    KEY_SC_SAVE,
    KEY_SC_VIEW,
    KEY_VARIANT,
)
from tests.apptables import APP, table_with
from tests.apptables import scenario_page as open_scenario_page

TIMEOUT = 90


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)


def scenario_page(query: dict | None = None) -> AppTest:
    return open_scenario_page(query, TIMEOUT)


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
    at.selectbox(key=KEY_SC_PRESET).set_value("Längre sikt (2040)").run()
    assert not at.exception
    assert at.slider(key="nv_sc_horisont").value == 2040
    # the sum of the kommun rows; the published län row says 34 165 (rounded on its own)
    assert metrics(at)["Invånare 80+"] == "34 166"


def _unescaped(markdown: str) -> str:
    return markdown.replace("\\", "")


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_save_open_rename_delete_confirm_and_undo(tmp_path):
    at = scenario_page()
    at.slider(key="nv_sc_andel_sabo").set_value(18).run()
    at.text_input(key=KEY_SC_NAME).input("Vänsterns grupp – test")
    at.text_input(key=KEY_SC_GROUP).input("Åsa")
    at.text_area(key=KEY_SC_NOTE).input("Högre SäBo-andel")
    at.button(key=KEY_SC_SAVE).click().run()
    assert not at.exception
    assert any("Sparat" in s.value for s in at.success)
    store = ScenarioStore(str(tmp_path / "scenarier.sqlite3"))
    saved = store.list()
    assert [s.name for s in saved] == ["Vänsterns grupp – test"]
    assert Assumptions.from_dict(saved[0].payload).andel_sabo == pytest.approx(0.18)

    # back to defaults, then open the saved one
    at.slider(key="nv_sc_andel_sabo").set_value(15).run()
    _button(at, "Öppna").click().run()
    assert not at.exception
    assert at.slider(key="nv_sc_andel_sabo").value == 18

    at.text_input(key=KEY_SC_NEW_NAME).input("Omdöpt")
    _button(at, "Byt namn").click().run()
    assert [s.name for s in store.list()] == ["Omdöpt"]

    # "Ta bort" only asks; nothing is deleted until the person confirms
    _button(at, "Ta bort").click().run()
    assert [s.name for s in store.list()] == ["Omdöpt"]
    assert any("Vill du ta bort ”Omdöpt (Åsa)”" in _unescaped(w.value) for w in at.warning)
    _button(at, "Avbryt").click().run()
    assert [s.name for s in store.list()] == ["Omdöpt"] and not any("Vill du ta bort" in w.value for w in at.warning)

    _button(at, "Ta bort").click().run()
    _button(at, "Ja, ta bort").click().run()
    assert not at.exception
    assert store.list() == []
    assert any("”Omdöpt (Åsa)” är borttaget" in _unescaped(i.value) for i in at.info)
    _button(at, "Ångra").click().run()
    assert not at.exception
    assert [s.name for s in store.list()] == ["Omdöpt"]
    assert any("är tillbaka" in s.value for s in at.success)
    assert not any(b.label == "Ångra" for b in at.button)


def test_duplicate_name_in_a_group_is_refused_with_a_message(tmp_path):
    at = scenario_page()
    # a second save of the same name with something changed (an unchanged repeat is
    # the same save: see test_twenty_clicks_on_save_make_one_row_and_say_so)
    for note in ("", "ändrad"):
        at.text_input(key=KEY_SC_NAME).input("Plan A")
        at.text_input(key=KEY_SC_GROUP).input("")
        at.text_area(key=KEY_SC_NOTE).input(note)
        at.button(key=KEY_SC_SAVE).click().run()
    assert not at.exception
    assert any("Det finns redan ett scenario som heter ”Plan A”" in e.value for e in at.error)
    assert [s.name for s in ScenarioStore(str(tmp_path / "scenarier.sqlite3")).list()] == ["Plan A"]


def test_compare_with_a_saved_scenario(tmp_path):
    store = ScenarioStore(str(tmp_path / "scenarier.sqlite3"))
    s = store.save("Hög andel", "Grupp A", "", Assumptions(andel_ordinart=0.3).to_dict())
    at = scenario_page()
    at.multiselect(key=KEY_SC_COMPARE).set_value([s.id]).run()
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
    assert at.segmented_control(key=KEY_SC_VIEW).value == "diagram"
    assert len(at.get("plotly_chart")) == 1  # the per-kommun chart is the default view

    at.slider(key="nv_sc_horisont").set_value(2035).run()
    at.segmented_control(key=KEY_SC_VIEW).set_value("tabell").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 0, "only the chosen view is drawn"
    text = _table_text(at)
    assert "Kungsbacka" in text and "Hylte" in text

    at.segmented_control(key=KEY_SC_VIEW).set_value("vagval").run()
    text = _table_text(at)
    assert "→" in text and "Laholm" in text
    assert metrics(at)["Inskrivna, ordinärt boende"] == "6 024"  # 4 100 / 21 995 × 32 314 (80+ in 2035)

    at.segmented_control(key=KEY_SC_VIEW).set_value("antaganden").run()
    text = _table_text(at)
    assert "2035" in text and "HSU-2023, 2023-01-01" in text and "kalibrerad" in text


def test_exports_follow_the_sliders_without_a_full_rerun():
    """The export buttons sit outside the studio fragment; their files are built on
    click from the assumptions the studio used last."""
    from naravard.views import scenario as view

    at = scenario_page()
    at.slider(key="nv_sc_horisont").set_value(2035).run()
    at.slider(key="nv_sc_andel_ordinart").set_value(25).run()
    a = view.current(at.session_state[KEY_SC_CURRENT])
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


# ------------------------------------------------------------------ issue 10: g, f, i, j, part 1


def test_state_copy_holds_the_values_and_never_itself():
    """The copy that survives page switches held every nv_sc_ key, itself included, so
    it nested one level deeper with every slider step (issue 10 g)."""
    at = scenario_page()
    for v in (21, 22, 23):
        at.slider(key="nv_sc_andel_ordinart").set_value(v).run()
    copy = at.session_state[KEY_SC_COPY]
    assert KEY_SC_COPY not in copy
    assert not any(isinstance(v, dict) for v in copy.values()), "the copy holds plain values only"
    assert copy["nv_sc_andel_ordinart"] == 23 and copy["nv_sc_vc_1380"] == 0
    # and it does its job: after another page, the scenario comes back as it was
    at.switch_page("pages/oversikt.py").run()
    at.switch_page("pages/scenario.py").run()
    assert at.slider(key="nv_sc_andel_ordinart").value == 23


def _text(at: AppTest, key: str):
    return at.text_input(key=key + NUM_TEXT)


def test_number_inputs_show_and_take_swedish_decimals():
    """Issue 10 f: "0.988", "10.4", and "0,95" typed became "095"."""
    at = scenario_page()
    assert _text(at, "nv_sc_sabo_platser_per_inskriven").value == "0,988"  # 2 964 / 3 000
    # calibrated (issue 10 k): 208 places over 21 995 aged 80+ on 2023-01-01, × 1 000 = 9,457
    assert _text(at, "nv_sc_korttid_per_1000_80").value == "9,5"
    assert _text(at, "nv_sc_vc_1380").value == "0"
    # 30 147 aged 80+ in 2030 × 3 000 / 21 995 enrolled in SäBo × 2 964 / 3 000 places
    assert metrics(at)["SäBo-platser som behövs"] == fmt.plain(fmt.number(30147 * 3000 / 21995 * 0.988))

    _text(at, "nv_sc_sabo_platser_per_inskriven").input("0,95").run()
    assert not at.exception and not at.error
    assert at.session_state["nv_sc_sabo_platser_per_inskriven"] == pytest.approx(0.95)
    assert _text(at, "nv_sc_sabo_platser_per_inskriven").value == "0,95"  # no trailing zero
    assert metrics(at)["SäBo-platser som behövs"] == fmt.plain(fmt.number(30147 * 3000 / 21995 * 0.95))
    assert at.query_params["sabokvot"] == "0.95"


def test_bad_number_gets_a_swedish_message_and_keeps_the_last_good_value():
    at = scenario_page()
    _text(at, "nv_sc_korttid_per_1000_80").input("tio").run()
    assert not at.exception
    [err] = [e.value for e in at.error]
    assert "”tio” är inget tal" in err and "9,5 gäller" in err
    assert at.session_state["nv_sc_korttid_per_1000_80"] == pytest.approx(208 / 21995 * 1000)
    assert _text(at, "nv_sc_korttid_per_1000_80").value == "tio", "what was typed stays, to be corrected"

    _text(at, "nv_sc_korttid_per_1000_80").input("75").run()
    [err] = [e.value for e in at.error]
    assert "utanför det tillåtna intervallet 0 till 50" in err
    _text(at, "nv_sc_korttid_per_1000_80").input("12,5").run()
    assert not at.error and at.session_state["nv_sc_korttid_per_1000_80"] == pytest.approx(12.5)


def test_one_forecast_choice_for_the_whole_app():
    """Issue 10 i: the scenario had its own forecast radio while the sidebar's was
    shown disabled. Now the sidebar's radio decides, on every page."""
    at = scenario_page()
    sidebar_radio = at.radio(key=KEY_VARIANT)
    assert not sidebar_radio.disabled
    assert [r.label for r in at.main.radio] == [], "no second forecast selector on the page"
    assert "Resultat för Halland 2025 → 2030" in [h.value for h in at.subheader]

    sidebar_radio.set_value("HSU2023").run()
    assert not at.exception
    assert at.query_params["prognos"] == "HSU2023"
    assert any(h.value.startswith("Resultat för Halland 2022 → 2030") for h in at.subheader)

    # the own forecast is a scenario option on top of it
    at.checkbox(key="nv_sc_egen_prognos").check().run()
    assert not at.exception and at.query_params["prognos"] == "EGEN"
    at.checkbox(key="nv_sc_egen_prognos").uncheck().run()
    assert at.query_params["prognos"] == "HSU2023"


@pytest.mark.parametrize("given, chosen", [("HSU2023", "HSU2023"), ("EGEN", "RH2026"), ("<b>x</b>", "RH2026")])
def test_a_link_with_a_forecast_sets_the_apps_choice(given, chosen):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["prognos"] = given
    at.run()
    assert not at.exception
    assert at.radio(key=KEY_VARIANT).value == chosen


def test_preset_with_a_forecast_sets_the_sidebar():
    at = scenario_page()
    at.selectbox(key=KEY_SC_PRESET).set_value("Dialogunderlagets prognos (HSU-2023, 2022–2030)").run()
    assert not at.exception
    assert at.radio(key=KEY_VARIANT).value == "HSU2023"


def test_reset_returns_every_assumption_to_its_default():
    at = scenario_page()
    at.slider(key="nv_sc_andel_ordinart").set_value(31).run()
    _text(at, "nv_sc_vc_1380").input("+2").run()
    _text(at, "nv_sc_korttid_per_1000_80").input("x").run()  # a pending error goes too
    at.button(key=KEY_SC_RESET).click().run()
    assert not at.exception and not at.error
    assert at.slider(key="nv_sc_andel_ordinart").value == 19  # calibrated 18,6 % (4 100 / 21 995)
    assert _text(at, "nv_sc_vc_1380").value == "0"
    assert _text(at, "nv_sc_korttid_per_1000_80").value == "9,5"
    assert metrics(at)["Inskrivna, ordinärt boende"] == "5 620"  # 30 147 × 4 100 / 21 995
    assert dict(at.query_params) == {"v": "1"} or at.query_params.get("ordinart") is None


def test_copy_link_shows_the_link_as_text():
    at = scenario_page()
    at.slider(key="nv_sc_andel_ordinart").set_value(25).run()
    assert not at.code
    at.toggle(key=KEY_SC_LINK).set_value(True).run()
    assert not at.exception
    [code] = at.code
    assert code.value.endswith("?v=1&ordinart=0.25")
    at.slider(key="nv_sc_andel_ordinart").set_value(30).run()  # the link follows the scenario
    assert at.code[0].value.endswith("?v=1&ordinart=0.3")


def test_compare_per_kommun(tmp_path):
    store = ScenarioStore(str(tmp_path / "scenarier.sqlite3"))
    s = store.save("Hög andel", "Grupp A", "", Assumptions(andel_ordinart=0.3).to_dict())
    at = scenario_page()
    at.multiselect(key=KEY_SC_COMPARE).set_value([s.id]).run()
    at.selectbox(key=KEY_SC_COMPARE_OUTPUT).set_value("inskrivna_ordinart").run()
    assert not at.exception
    table = table_with(at, "Kommun")
    row = table[table["Kommun"] == "Kungsbacka"].iloc[0].map(fmt.plain)
    # 4 100 / 21 995 (calibrated, issue 10 k) and 30 % of Kungsbacka's 7 346 aged 80+ in 2030
    assert row["Aktuellt (2030)"] == "1 369" and row["Hög andel (2030)"] == "2 204"
    assert row["Hög andel: skillnad mot Aktuellt"] == "+835"
    assert len(table) == 7  # six kommuner and the region


def test_scenario_page_is_layout_only():
    """Issue 10 part 1: ≤ 100 lines, no key literals, no callbacks, no functions."""
    import ast
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "pages" / "scenario.py"
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 100
    tree = ast.parse(text)
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef))]
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not [v for v in literals if v.startswith("nv_")]
    assert not [k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg and k.arg.startswith("on_")]


def test_a_link_with_the_own_forecast_turns_it_on_and_keeps_its_rates():
    at = scenario_page({"v": "1", "prognos": "EGEN", "tillvaxt80": "1380:2.5"})
    assert not at.exception and not at.warning
    assert at.checkbox(key="nv_sc_egen_prognos").value
    assert _text(at, "nv_sc_g80_1380").value == "+2,5"  # a change, so signed
    assert at.radio(key=KEY_VARIANT).value == "RH2026", "the app's forecast is left as it was"
    assert at.query_params["prognos"] == "EGEN" and at.query_params["tillvaxt80"] == "1380:2.5"


def test_names_in_messages_are_shown_as_written_not_as_markdown(tmp_path):
    name = "**Fet** [länk](https://example.org)"
    at = scenario_page()
    at.text_input(key=KEY_SC_NAME).input(name)
    at.button(key=KEY_SC_SAVE).click().run()
    [msg] = at.success
    assert msg.value == fmt.markdown_escape(f"Sparat som ”{name}”.")
    _button(at, "Ta bort").click().run()
    assert any(w.value == fmt.markdown_escape(f"Vill du ta bort ”{name}”? Det gäller alla som använder verktyget.") for w in at.warning)


def test_kronobergs_target_is_named_in_the_label_not_only_in_a_tooltip():
    """Issue 10 m: 1 100 residents per physician is Region Kronoberg's target (RK-2025);
    the control's own label says so, from the key figure's description in the data."""
    at = scenario_page()
    [label] = [t.label for t in at.text_input if t.key == "nv_sc_invanare_per_lakare" + NUM_TEXT]
    assert label == "Invånare per läkare (standard: Region Kronobergs mål i handlingsplan)"
    assert _text(at, "nv_sc_invanare_per_lakare").value == "1 100"


# ------------------------------------------------------------------ issue 11: defects 3, 6, 8


def test_twenty_clicks_on_save_make_one_row_and_say_so(tmp_path):
    """Issue 11, defect 8: 20 quick clicks saved one row but showed only "finns redan"."""
    at = scenario_page()
    at.slider(key="nv_sc_andel_sabo").set_value(18).run()
    at.text_input(key=KEY_SC_NAME).input("Dubbelklick")
    for _ in range(20):
        at.button(key=KEY_SC_SAVE).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [_unescaped(s.value) for s in at.success] == ["Redan sparat som ”Dubbelklick”: inget har ändrats sedan dess."]
    saved = ScenarioStore(str(tmp_path / "scenarier.sqlite3")).list()
    assert [s.name for s in saved] == ["Dubbelklick"]
    assert Assumptions.from_dict(saved[0].payload).andel_sabo == pytest.approx(0.18)
    # the scenario changes: the same name is now a real duplicate
    at.slider(key="nv_sc_andel_sabo").set_value(20).run()
    at.button(key=KEY_SC_SAVE).click().run()
    assert any("Det finns redan ett scenario som heter ”Dubbelklick”" in e.value for e in at.error)


def test_compare_headers_show_a_name_as_written(tmp_path):
    """Issue 11, defect 3: the Jämför headers rendered a name as Markdown."""
    store = ScenarioStore(str(tmp_path / "scenarier.sqlite3"))
    name = "![x](http://127.0.0.1:9/track.png) # H"
    s = store.save(name, "", "", Assumptions(andel_ordinart=0.3).to_dict())
    at = scenario_page()
    at.multiselect(key=KEY_SC_COMPARE).set_value([s.id]).run()
    assert not at.exception
    table = table_with(at, f"{fmt.markdown_escape(name)} (2030)")
    row = table[table["Resultat"] == "Inskrivna i kommunal hälso- och sjukvård, ordinärt boende"].iloc[0].map(fmt.plain)
    assert row[f"{fmt.markdown_escape(name)} (2030)"] == "9 044"  # 30 % of 30 147
    assert f"{fmt.markdown_escape(name)}: skillnad mot Aktuellt" in table.columns


def test_the_page_sends_one_page_of_a_long_saved_list(tmp_path):
    """Issue 11, defect 6: with many saved scenarios the page sends one page of them."""
    from naravard.store import PAGE_SIZE

    store = ScenarioStore(str(tmp_path / "scenarier.sqlite3"))
    for i in range(PAGE_SIZE * 3 + 1):
        store.save(f"S{i}", f"G{i % 2}", "", {})
    at = scenario_page()
    saved = table_with(at, "Grupp/författare")
    assert list(saved["Namn"]) == [f"S{i}" for i in range(PAGE_SIZE * 3, PAGE_SIZE * 2, -1)]
    assert len(at.multiselect(key=KEY_SC_COMPARE).options) == PAGE_SIZE
