"""The Geografi page's register as a published data version (kind "enheter"), with
AppTest.from_function on naravard.ui.geografi in groups mode on a real SQLite store:
only a planner gets "Spara för alla användare"; everyone's register is the chosen
published version (default the newest), "Inget publicerat register" turns it off, a
withdrawn one leaves the choice. The example register has 14 units (FACTS.md S7)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard.services import publishing
from naravard.services import units as register_service
from naravard.sources.dataset import DEFAULT_DATA_DIR, load_dataset
from naravard.store import ScenarioStore
from naravard.store.access import Access
from naravard.ui import state as keys
from tests.ui.test_published_pages import MEMBER, PLANNER, READER, signed_in
from tests.ui.conftest import app_store

EXAMPLE = (DEFAULT_DATA_DIR / "examples" / "enheter_osm_2020.csv").read_bytes()
OSM = "OpenStreetMap 2020 (ODbL)"


@pytest.fixture
def store(tmp_path, monkeypatch) -> ScenarioStore:
    return app_store(tmp_path, monkeypatch, "groups")


def _register_script():
    import streamlit as st

    from naravard.services import units as register_service
    from naravard.sources.dataset import DEFAULT_DATA_DIR, load_dataset
    from naravard.ui import geografi as geo

    ds = load_dataset(None)
    raw = (DEFAULT_DATA_DIR / "examples" / "enheter_osm_2020.csv").read_bytes()
    report = register_service.check_register(ds, raw, "osm.csv")
    reg = geo.register_in_use(ds)
    geo.register_version_choice(reg)
    geo.store_section(reg, report)
    geo.messages()
    reg = geo.register_in_use(ds)
    st.write(f"{reg.kind}|{reg.label_sv}|{len(reg.frame)}" if reg is not None else "none")


def run(access: Access) -> AppTest:
    at = AppTest.from_function(_register_script, default_timeout=60)
    for k, v in signed_in(access).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def in_use(at: AppTest) -> str:
    return at.markdown[-1].value


def keep_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key == keys.KEY_GEO_REG_SAVE]


@pytest.mark.parametrize("who", [READER, MEMBER], ids=["läsare", "gruppmedlem"])
def test_only_a_planner_may_save_a_register_for_all_users(store, who):
    at = run(who)
    assert in_use(at) == "none"
    assert not keep_buttons(at)
    assert any("Bara en planerare kan spara" in c.value for c in at.caption)


def test_a_planner_publishes_the_register_and_another_session_uses_it(store):
    at = run(PLANNER)
    assert keep_buttons(at)
    assert at.text_input(key=keys.KEY_GEO_REG_SOURCE).value.startswith("Eget register: osm.csv")  # the file's own
    at.text_input(key=keys.KEY_GEO_REG_NAME).input("Enhetslista maj")
    at.text_input(key=keys.KEY_GEO_REG_SOURCE).input(OSM)
    keep_buttons(at)[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (info,) = store.list_data_versions(publishing.KIND_REGISTER)
    assert (info.name, info.source, info.rows, info.published_by) == ("Enhetslista maj", OSM, 14, PLANNER.user)
    label = f"Sparat register: Enhetslista maj (publicerad version {info.published_at[:10]}; {OSM})"
    assert in_use(at) == f"stored|{label}|14"

    reader = run(READER)  # another person's session: the newest published register
    assert in_use(reader) == f"stored|{label}|14"
    assert not [b for b in reader.button if b.key == keys.KEY_WITHDRAW_PREFIX + publishing.KIND_REGISTER]

    at.button(key=keys.KEY_WITHDRAW_PREFIX + publishing.KIND_REGISTER).click().run()  # the planner withdraws it
    at.button(key=keys.KEY_WITHDRAW_CONFIRM).click().run()
    assert not at.exception and any("återkallad" in s.value for s in at.success)
    assert in_use(at) == "none" and store.list_data_versions() == []
    assert in_use(run(READER)) == "none"


def test_the_register_version_choice_default_newest_none_and_withdrawn(store):
    ds = load_dataset()
    report = register_service.check_register(ds, EXAMPLE, "osm.csv")
    maj = publishing.publish_register(store, report, "Maj", OSM)
    juni = publishing.publish_register(store, report, "Juni", OSM)
    at = run(READER)
    choice = at.selectbox(key=keys.data_version_key(publishing.KIND_REGISTER))
    assert choice.value == juni.id and choice.options[0] == "Inget publicerat register"
    assert in_use(at).startswith("stored|Sparat register: Juni (")

    choice.set_value(maj.id).run()
    assert in_use(at).startswith("stored|Sparat register: Maj (")
    choice = at.selectbox(key=keys.data_version_key(publishing.KIND_REGISTER))
    choice.set_value(0).run()
    assert in_use(at) == "none"

    store.withdraw_data_version(juni.id)
    from naravard.ui import cache

    cache.forget_published_list()  # another process withdrew it: this one reads the list again (or after LIST_TTL_S)
    other = run(READER)
    assert in_use(other).startswith("stored|Sparat register: Maj (")
    assert other.selectbox(key=keys.data_version_key(publishing.KIND_REGISTER)).options == [
        "Inget publicerat register", f"{publishing.label_sv(maj)} – nyast"]
