"""AppTest for the Geografi page: without a register, with the example, what-if, link, scenario."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt, ui
from naravard.model.geo.changes import ADD, REMOVE, UnitChange
from naravard.model.scenario import Assumptions
from naravard.sources import geoframes as gf
from naravard.store.sqlite import ScenarioStore
from tests.apptables import APP

TIMEOUT = 120
EXAMPLE_LABEL = "Exempel: OpenStreetMap 2020, ofullständigt – 14 enheter av 58"  # FACTS.md S7; 58 = 47 VC + 11 filialer


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)


def geografi(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/geografi.py")
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def with_example(query: dict | None = None) -> AppTest:
    at = geografi(query)
    at.button(key=ui.KEY_GEO_REG_EXAMPLE).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unescaped(s: str) -> str:
    """What a person reads: Markdown escapes and word joiners removed."""
    import re

    return re.sub(r"\\(.)", r"\1", s).replace("\u2060", "")


def text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return unescaped(fmt.plain("\n".join(parts)))


def longest(at: AppTest, kind: str = "vårdcentral") -> str:
    found = [fmt.plain(m.value) for m in at.metric if m.label == f"Längst till {kind}"]
    assert found, [m.label for m in at.metric]
    return found[0]


def _example_analysis():
    from naravard.services import geografi as service
    from naravard.sources.dataset import load_dataset
    from naravard.sources.units import load_example

    ds = load_dataset(None)
    frame, _ = load_example()
    return ds, frame, service.analyse(ds, None, frame)


def test_without_a_register_the_page_explains_how_to_load_one():
    at = geografi()
    assert not at.error, [e.value for e in at.error]
    t = text(at)
    assert "Inget enhetsregister är inläst" in t
    assert "Källa:" in t
    assert not at.metric or not any(m.label.startswith("Längsta avstånd till vårdcentral") and "ny" in m.label for m in at.metric)
    # the register section offers the template and the example
    assert at.button(key=ui.KEY_GEO_REG_EXAMPLE).label == "Använd exemplet"


def test_the_example_is_labelled_wherever_its_figures_are_shown():
    at = with_example()
    t = text(at)
    assert EXAMPLE_LABEL in t
    assert "© OpenStreetMap contributors (ODbL)" in t
    # the check against the supply table: 47 VC and 11 filialer in the table (FACTS.md)
    chk = [tb.value for tb in at.table if "VC i tabellen" in tb.value.columns]
    assert chk, "the register check table is shown"
    region = chk[0].iloc[-1].map(fmt.plain)
    assert region["VC i tabellen"] == "47" and region["Filialer i tabellen"] == "11"
    # the map's Källa line carries the label too
    assert any(EXAMPLE_LABEL in unescaped(fmt.plain(c.value)) and "Källa:" in c.value for c in at.caption)


def test_a_what_if_through_the_widgets_changes_the_longest_distance():
    ds, frame, an = _example_analysis()
    far = an.longest_for(gf.TYPE_VC)
    at = with_example()
    before = longest(at)
    assert before == f"{fmt.plain(fmt.number(far.before, 1))} km"
    # add a vårdcentral at the square farthest from one: the longest distance must drop
    at.selectbox(key=ui.KEY_GEO_PLACE_KOMMUN).set_value(far.kommun).run()
    at.selectbox(key=ui.KEY_GEO_PLACE).set_value(far.demand_id).run()
    at.radio(key=ui.KEY_GEO_PLACE_TYPE).set_value(gf.TYPE_VC).run()
    at.button(key=ui.KEY_GEO_PLACE_ADD).click().run()
    assert not at.exception, [e.value for e in at.exception]
    after = longest(at)
    assert after != before
    assert float(after.split()[0].replace(",", ".")) < far.before
    assert at.session_state[ui.KEY_GEO_CHANGES] == (UnitChange(ADD, unit_type=gf.TYPE_VC, x=int(round(far.x)), y=int(round(far.y))),)
    # the delta is shown on the metric, and the address can be shared
    assert fmt.plain([m.delta for m in at.metric if m.label == "Längst till vårdcentral"][0]).startswith("−")
    assert at.query_params["enh"] == [f"+v:{int(round(far.x))}:{int(round(far.y))}"] or at.query_params["enh"] == f"+v:{int(round(far.x))}:{int(round(far.y))}"
    # "Ångra" brings the register back as it was
    at.button(key=ui.KEY_GEO_UNDO).click().run()
    assert at.session_state[ui.KEY_GEO_CHANGES] == ()
    assert longest(at) == before


def test_remove_a_unit_and_drop_the_change():
    at = with_example()
    uid = at.selectbox(key=ui.KEY_GEO_UNIT).options[0]
    at.button(key=ui.KEY_GEO_UNIT_REMOVE).click().run()
    assert not at.exception
    changes = at.session_state[ui.KEY_GEO_CHANGES]
    assert len(changes) == 1 and changes[0].op == REMOVE
    at.button(key=f"{ui.KEY_GEO_DROP_PREFIX}0").click().run()
    assert at.session_state[ui.KEY_GEO_CHANGES] == ()
    assert uid


def test_a_link_with_changes_is_read_and_hostile_tokens_only_warn():
    ds, frame, an = _example_analysis()
    far = an.longest_for(gf.TYPE_VC)
    good = f"+f:{int(far.x)}:{int(far.y)}"
    at = geografi({"enh": f"{good},-finns-inte,garbage,+v:100000:100000"})
    assert not at.exception
    warnings = unescaped(" ".join(w.value for w in at.warning))
    assert "finns-inte" in warnings and "garbage" in warnings and "utanför regionen" in warnings
    assert at.session_state[ui.KEY_GEO_CHANGES] == (UnitChange(ADD, unit_type=gf.TYPE_FILIAL, x=int(far.x), y=int(far.y)),)
    assert "Scenariot har 1 ändring av enheterna" in text(at)  # kept until a register is loaded
    at.button(key=ui.KEY_GEO_REG_EXAMPLE).click().run()
    assert not at.exception
    # the example has no filial: the added one gives "Längst till filial" a value
    assert longest(at, "filial") != "–"


@pytest.mark.parametrize("value", [",".join(["+f:372000:6300000"] * 1000), "\x00" * 50, "-" * 500, "~a:1:2," * 30])
def test_hostile_enh_values_never_break_the_page(value):
    at = geografi({"enh": value})
    assert not at.exception
    assert at.warning
    assert at.session_state[ui.KEY_GEO_CHANGES] == ()


def test_the_scenario_saves_and_opens_the_changes(tmp_path):
    change = UnitChange(ADD, unit_type=gf.TYPE_FILIAL, x=372000, y=6300000)
    at = with_example()
    at.session_state[ui.KEY_GEO_CHANGES] = (change,)
    at.switch_page("pages/scenario.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["enh"] in ("+f:372000:6300000", ["+f:372000:6300000"])
    assert any("1 ändring av enheterna" in c.value for c in at.caption)
    at.text_input(key=ui.KEY_SC_NAME).input("Med filial")
    at.button(key=ui.KEY_SC_SAVE).click().run()
    saved = ScenarioStore(str(tmp_path / "scenarier.sqlite3")).list()
    assert Assumptions.from_dict(saved[0].payload).enheter == (change,)
    # the list is emptied on Geografi, then the saved scenario brings it back
    at.session_state[ui.KEY_GEO_CHANGES] = ()
    at.run()
    [b for b in at.button if b.label == "Öppna"][0].click().run()
    assert not at.exception
    assert at.session_state[ui.KEY_GEO_CHANGES] == (change,)


def test_geografi_page_is_layout_only():
    import ast
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "pages" / "geografi.py"
    src = path.read_text(encoding="utf-8")
    assert len(src.splitlines()) <= 100
    tree = ast.parse(src)
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef))]
    literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert not [v for v in literals if v.startswith("nv_")]


# ------------------------------------------------------------------ register upload and keep

HOSTILE = __import__("pathlib").Path(__file__).resolve().parents[1] / "hostile" / "geo"


def _example_csv() -> bytes:
    from naravard.sources.units import load_example, register_csv_text

    frame, _ = load_example()
    return register_csv_text(frame).encode("utf-8")


def test_upload_use_and_keep_for_all_users(tmp_path):
    # AppTest cannot drive st.file_uploader: the kept register is written by the same
    # service the page's "Spara för alla användare" calls (tests/ui drives the callback)
    from naravard.services import units as register_service
    from naravard.sources.dataset import load_dataset
    from naravard.store.sqlite import ScenarioStore

    ds = load_dataset(None)
    report = register_service.check_register(ds, _example_csv(), "enheter.csv")
    assert report.ok
    store = ScenarioStore(str(tmp_path / "scenarier.sqlite3"))
    register_service.keep_register(store, report, "Enhetslista maj")
    # a new session (another user) opens the page: the kept register is in use
    at = geografi()
    t = text(at)
    assert "Register som används: Sparat register: Enhetslista maj" in t
    assert any(m.label == "Längst till vårdcentral" for m in at.metric)
    assert not [b for b in at.button if b.key == ui.KEY_GEO_REG_RESET]  # a kept register is everyone's: no "stop" here




@pytest.mark.parametrize("method", ["mclp", "pmedian"])
def test_suggestions_are_shown_and_can_be_added_to_the_scenario(method):
    at = with_example()
    at.slider(key=ui.KEY_GEO_SUG_P).set_value(2).run()
    at.selectbox(key=ui.KEY_GEO_SUG_METHOD).set_value(method).run()
    at.button(key=ui.KEY_GEO_SUG_RUN).click().run()
    assert not at.exception, [e.value for e in at.exception]
    sug = [tb.value for tb in at.table if "Nr" in tb.value.columns]
    assert sug and list(sug[0]["Nr"]) == ["1", "2"], [list(t.value.columns) for t in at.table]
    t = text(at)
    assert "LOV" in t and "filial" in t  # the deck's rule said plainly beside the suggestions
    before = longest(at, "filial")
    at.button(key=ui.KEY_GEO_SUG_ADD).click().run()
    assert not at.exception
    changes = at.session_state[ui.KEY_GEO_CHANGES]
    assert len(changes) == 2 and all(c.op == ADD and c.unit_type == gf.TYPE_FILIAL for c in changes)
    assert longest(at, "filial") != before  # the example has no filial: now it has two
    assert not [tb for tb in at.table if "Nr" in tb.value.columns]  # the suggestion was used up


def test_the_scenarios_year_scales_the_squares_and_says_so():
    at = with_example()
    at.segmented_control(key=ui.KEY_GEO_YEAR).set_value("scenario").run()
    assert not at.exception, [e.value for e in at.exception]
    t = text(at)
    assert "befolkningen växer lika i hela kommunen" in t
    assert "2030" in t  # the default horizon


def test_move_a_unit_to_a_place_from_the_list():
    at = with_example()
    uid = at.selectbox(key=ui.KEY_GEO_UNIT).value
    at.selectbox(key=ui.KEY_GEO_MOVE_KOMMUN).select_index(len(at.selectbox(key=ui.KEY_GEO_MOVE_KOMMUN).options) - 1).run()
    at.selectbox(key=ui.KEY_GEO_MOVE_PLACE).select_index(0).run()
    at.button(key=ui.KEY_GEO_UNIT_MOVE).click().run()
    assert not at.exception
    (change,) = at.session_state[ui.KEY_GEO_CHANGES]
    assert change.op == "move" and change.unit_id == uid and change.x and change.y
    assert "flyttas till" in text(at)


def test_a_kept_register_that_no_longer_fits_the_data_is_not_used_and_says_why(tmp_path):
    from naravard.store.sqlite import ScenarioStore

    csv_text = _example_csv().decode("utf-8").replace(";1380;", ";9999;", 1)  # a kommun code the data lacks
    assert ";9999;" in csv_text
    ScenarioStore(str(tmp_path / "scenarier.sqlite3")).save_register("Gammal lista", "", csv_text, 14)
    at = geografi()
    assert not at.exception
    t = text(at)
    assert "Inget enhetsregister är inläst" in t
    assert "Det sparade registret stämmer inte med de data som används nu" in t


def test_the_detour_factor_is_shown_changeable_and_scales_every_distance():
    ds, frame, an = _example_analysis()
    at = with_example()
    assert at.text_input(key=ui.KEY_GEO_DETOUR + ui.NUM_TEXT).value == "1"  # 1,0 = fågelväg by default
    assert "fågelvägen (km)" in text(at)
    at.text_input(key=ui.KEY_GEO_DETOUR + ui.NUM_TEXT).input("1,3").run()
    assert not at.exception
    expected = an.longest_for(gf.TYPE_VC).before * 1.3
    assert longest(at) == f"{fmt.plain(fmt.number(expected, 1))} km"
    assert "omvägsfaktor 1,3" in text(at)
    at.text_input(key=ui.KEY_GEO_DETOUR + ui.NUM_TEXT).input("tre").run()
    assert not at.exception and at.error  # a Swedish message; the last good value stays
    assert longest(at) == f"{fmt.plain(fmt.number(expected, 1))} km"


def test_a_travel_matrix_replaces_the_straight_line_and_is_labelled_in_minutes():
    """The matrix in use (what "Använd matrisen" stores after the check) drives every
    distance: here 2 minutes per straight-line km, so the longest distance doubles in
    number and reads in minutes; "Sluta använda matrisen" brings the kilometres back."""
    from naravard.services import units as register_service

    at = with_example()
    before = longest(at)
    assert before.endswith(" km")
    _, frame, an = _example_analysis()
    demand = an.demand
    import numpy as np

    rows = ["ruta_id;enhet_id;minuter"]
    for _, sq in demand.iterrows():
        d = np.hypot(frame[gf.SUPPLY_X] - sq[gf.DEMAND_X], frame[gf.SUPPLY_Y] - sq[gf.DEMAND_Y]) / 1000.0
        for uid, km in zip(frame[gf.SUPPLY_ID], d):
            rows.append(f"{sq[gf.DEMAND_ID]};{uid};{2 * km:.3f}".replace(".", ","))
    report = register_service.check_travel_matrix(demand, frame, "\n".join(rows).encode(), "matris.csv")
    assert report.ok, report.problems[:3]
    reg = at.session_state[ui.KEY_GEO_REGISTER]
    at.session_state[ui.KEY_GEO_MATRIX] = ((reg.token, "test"), report.frame, report.unit, report.filename)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    after = longest(at)
    assert after.endswith(" minuter"), after
    km = float(before.split()[0].replace(",", "."))
    minutes = float(after.split()[0].replace(",", "."))
    assert abs(minutes - 2 * km) <= 0.11, (before, after)
    at.button(key=ui.KEY_GEO_MATRIX_RESET).click().run()
    assert longest(at) == before
