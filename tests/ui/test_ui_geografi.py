"""Component tests for naravard.ui.geografi with AppTest.from_function (no page, no app frame)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard.model.geo.changes import ADD, MAX_CHANGES, MOVE, REMOVE, UnitChange
from naravard.sources import geoframes as gf
from naravard.store import ScenarioStore
from naravard.ui.state import KEY_GEO_CHANGES, KEY_GEO_HISTORY, KEY_GEO_REG_NAME

A = UnitChange(ADD, unit_type=gf.TYPE_FILIAL, x=372000, y=6300000)
B = UnitChange(ADD, unit_type=gf.TYPE_VC, x=330000, y=6350000)


@pytest.fixture
def store(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "scenarier.sqlite3"
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    return ScenarioStore(path)


def _changes_script():
    import streamlit as st

    from naravard.model.geo.changes import ADD, UnitChange
    from naravard.ui import geografi as geo

    a = UnitChange(ADD, unit_type="filial", x=372000, y=6300000)
    b = UnitChange(ADD, unit_type="vardcentral", x=330000, y=6350000)
    st.button("a", key="a", on_click=geo.add_change, args=(a,))
    st.button("b", key="b", on_click=geo.add_change, args=(b,))
    st.button("undo", key="undo", on_click=geo.undo)
    st.button("drop0", key="drop0", on_click=geo.drop, args=(0,))
    st.button("fill", key="fill", on_click=lambda: [geo.add_change(a) for _ in range(25)])
    geo.messages()


def test_add_undo_drop_and_the_limit(store):
    at = AppTest.from_function(_changes_script, default_timeout=60)
    at.run()
    at.button(key="a").click().run()
    at.button(key="b").click().run()
    assert at.session_state[KEY_GEO_CHANGES] == (A, B)
    at.button(key="undo").click().run()
    assert at.session_state[KEY_GEO_CHANGES] == (A,)
    at.button(key="b").click().run()
    at.button(key="drop0").click().run()
    assert at.session_state[KEY_GEO_CHANGES] == (B,)
    at.button(key="undo").click().run()  # "Ångra" brings the dropped change back
    assert at.session_state[KEY_GEO_CHANGES] == (A, B)
    at.button(key="fill").click().run()
    assert len(at.session_state[KEY_GEO_CHANGES]) == MAX_CHANGES
    assert any(f"Högst {MAX_CHANGES} ändringar" in w.value.replace("\\", "") for w in at.warning)
    assert len(at.session_state[KEY_GEO_HISTORY]) <= 50


def test_consistent_drops_what_no_longer_fits():
    import pandas as pd

    from naravard.ui.geografi import RegisterInUse, consistent

    reg = RegisterInUse(pd.DataFrame({gf.SUPPLY_ID: ["u1", "u2"]}), "Test", "", "upload", "t")
    items = (UnitChange(REMOVE, unit_id="u1"), UnitChange(MOVE, unit_id="u1", x=1, y=2), UnitChange(REMOVE, unit_id="zz"),
             A, UnitChange(MOVE, unit_id="u2", x=330000, y=6350000))
    assert consistent(items, reg) == (items[0], A, items[4])
    assert consistent(items, None) == (items[0], items[2], A, items[4])


def _metric_script():
    import streamlit as st

    from naravard.ui.widgets import metric as _metric

    _metric(st, "Längst till vårdcentral", "28,1 km", "−14,6 km", "hjälp")
    _metric(st, "Inom 10 km", "82,8 %", "+0,2 procentenheter", "hjälp")
    _metric(st, "Invånare per enhet", "23 067", "", "hjälp")


def test_a_swedish_minus_points_the_arrow_down():
    """Streamlit reads a delta's direction from a leading "-": "−14,6 km" (U+2212) showed
    an up arrow for a distance that fell."""
    at = AppTest.from_function(_metric_script, default_timeout=60)
    at.run()
    assert not at.exception
    protos = [m.proto for m in at.metric]
    from streamlit.proto.Metric_pb2 import Metric

    assert protos[0].direction == Metric.MetricDirection.DOWN
    assert protos[1].direction == Metric.MetricDirection.UP
    assert protos[2].delta == ""


def _keep_script():
    import streamlit as st

    from naravard.services import units as register_service
    from naravard.sources.dataset import load_dataset
    from naravard.sources.units import load_example, register_csv_text
    from naravard.ui import geografi as geo

    ds = load_dataset(None)
    frame, _ = load_example()
    raw = register_csv_text(frame).encode("utf-8")
    report = register_service.check_register(ds, raw, "enheter_[maj](x).csv")
    geo.store_section(None, report)
    st.button("use", key="use", on_click=geo._use_upload, args=(report,))
    geo.messages()
    reg = geo.register_in_use(ds)
    st.write(reg.kind if reg is not None else "none")


def test_use_an_upload_then_keep_it_for_all_users(store):
    at = AppTest.from_function(_keep_script, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.markdown[-1].value == "none"
    at.button(key="use").click().run()
    assert at.markdown[-1].value == "upload"
    # the file name (made safe by the check) is shown as text, never as Markdown
    assert any("maj" in s.value and "\\(x\\)" in s.value for s in at.success), [s.value for s in at.success]
    at.text_input(key=KEY_GEO_REG_NAME).input("Enhetslista maj")
    next(b for b in at.button if b.label == "Spara för alla användare").click().run()
    assert not at.exception
    kept = store.latest_register()
    assert kept is not None and kept.name == "Enhetslista maj" and kept.rows == 14
    assert at.markdown[-1].value == "stored"  # the session now uses the kept register, like everyone


def test_keeping_without_a_name_says_why_and_keeps_nothing(store):
    at = AppTest.from_function(_keep_script, default_timeout=60)
    at.run()
    next(b for b in at.button if b.label == "Spara för alla användare").click().run()
    assert not at.exception
    assert at.error and store.latest_register() is None


def _dash_script():
    import streamlit as st

    from naravard.ui.widgets import metric as _metric

    _metric(st, "Längst till filial", "103,0 km", "–", "hjälp")


def test_a_figure_without_a_before_value_shows_no_change():
    at = AppTest.from_function(_dash_script, default_timeout=60)
    at.run()
    assert at.metric[0].proto.delta == ""


def _wide_script():
    import pandas as pd

    from naravard.ui.geografi import wide_table

    wide_table(pd.DataFrame({"Kommun": ["A", "B"], **{f"K{i}": ["1", "2"] for i in range(15)}}), alt="Bred tabell.")
    wide_table(pd.DataFrame({"Kommun": ["A"], "K": ["1"]}), alt="Smal tabell.")


def test_a_wide_table_is_drawn_in_parts_that_each_name_the_rows():
    at = AppTest.from_function(_wide_script, default_timeout=60)
    at.run()
    parts = [t.value for t in at.table]
    assert [len(p.columns) for p in parts] == [9, 8, 2]
    assert all(list(p.columns)[0] == "Kommun" for p in parts)
    assert [c for p in parts[:2] for c in p.columns if c != "Kommun"] == [f"K{i}" for i in range(15)]
