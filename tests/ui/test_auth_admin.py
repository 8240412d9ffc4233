"""The Grupper page (naravard.ui.admin) through app.py, as an admin (open mode: the local
user may do everything), and its visibility in the navigation."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard.store import ScenarioStore, StoreAuthError
from naravard.store.access import Access
from naravard.ui.state import (
    KEY_ADM_DELETED,
    KEY_ADM_GROUP,
    KEY_ADM_NEW_NAME,
    KEY_ADM_PASS1,
    KEY_ADM_PASS2,
    KEY_ADM_PASS_ROLE,
    KEY_ADM_ROLE,
    KEY_ADM_USER,
)
from tests.apptables import APP, all_tables

TIMEOUT = 90
HOSTILE = "[klicka här](http://example.com) **fet**"


@pytest.fixture
def store(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "scenarier.sqlite3"
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NARAVARD_ACCESS", "open")
    monkeypatch.delenv("NARAVARD_DATABASE_URL", raising=False)
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    return ScenarioStore(path)


def _grupper() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/grupper.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _said(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("success", "error", "warning") for e in at.get(kind)).replace("\\", "")


def test_admin_creates_a_group_adds_a_member_and_sets_a_passphrase(store):
    at = _grupper()
    at.text_input(key=KEY_ADM_NEW_NAME).input("Partigrupp S")
    _click(at, "Skapa gruppen")
    assert "Gruppen ”Partigrupp S” är skapad" in _said(at)
    assert [g.name for g in store.list_groups()] == ["Partigrupp S"]
    assert at.selectbox(key=KEY_ADM_GROUP).value == "Partigrupp S"
    # a member with a role chosen among the Swedish role labels
    assert at.selectbox(key=KEY_ADM_ROLE).options[0].startswith("Läsare")
    at.text_input(key=KEY_ADM_USER).input("Eva@Example.se")
    at.selectbox(key=KEY_ADM_ROLE).set_value("planerare")
    _click(at, "Lägg till eller ändra roll")
    assert [(m.user, m.role) for m in store.list_members("Partigrupp S")] == [("Eva@Example.se", "planerare")]
    assert store.access_for_user("eva@example.se").role_in("Partigrupp S") == "planerare"
    # a passphrase typed twice: different → refused, nothing stored
    at.text_input(key=KEY_ADM_PASS1).input("gröna äpplen smakar gott")
    at.text_input(key=KEY_ADM_PASS2).input("gröna äpplen smakar got")
    _click(at, "Spara lösenfrasen")
    assert "Lösenfraserna är inte lika" in _said(at)
    assert not store.list_groups()[0].has_passphrase
    assert at.text_input(key=KEY_ADM_PASS1).value == "", "a refused passphrase is not kept in the form"
    at.selectbox(key=KEY_ADM_PASS_ROLE).set_value("läsare")
    at.text_input(key=KEY_ADM_PASS1).input("gröna äpplen smakar gott")
    at.text_input(key=KEY_ADM_PASS2).input("gröna äpplen smakar gott")
    _click(at, "Spara lösenfrasen")
    info = store.list_groups()[0]
    assert info.has_passphrase and info.passphrase_role == "läsare"
    assert store.sign_in_with_passphrase("Partigrupp S", "gröna äpplen smakar gott").role_in("Partigrupp S") == "läsare"
    _click(at, "Ta bort lösenfrasen")
    assert not store.list_groups()[0].has_passphrase
    with pytest.raises(StoreAuthError):
        store.sign_in_with_passphrase("Partigrupp S", "gröna äpplen smakar gott")


def test_admin_restores_a_deleted_item_and_reads_the_log_as_text(store):
    store.create_group(HOSTILE)
    member = store.with_access(Access.of("bo@example.se", [(HOSTILE, "gruppmedlem")]))
    s = member.save(f"Plan {HOSTILE}", HOSTILE, "", {})
    member.delete(s.id)
    at = _grupper()
    assert at.selectbox(key=KEY_ADM_DELETED).options == [f"Scenario: Plan {HOSTILE} ({HOSTILE})"]
    _click(at, "Återställ")
    assert [x.id for x in member.list()] == [s.id]
    assert "återställt" in _said(at)
    log = next(t for t in all_tables(at) if "Händelse" in t.columns)
    assert {"create", "delete", "restore"} <= set(log["Händelse"])
    cells = " ".join(log["Namn"]) + " ".join(log["Grupp"])
    assert "\\[klicka här\\]" in cells and "\\*\\*fet\\*\\*" in cells, "stored text is escaped, never a link"


def test_grupper_is_hidden_from_non_admins_in_the_navigation(monkeypatch):
    import types

    import streamlit

    from naravard.ui.notfound import navigation_pages

    # record what navigation_pages asks st.Page for (no script runs here)
    monkeypatch.setattr(streamlit, "Page", lambda script, **kw: types.SimpleNamespace(script=script, **kw))
    hidden = {p.url_path for p in navigation_pages(admin=False) if p.visibility == "hidden"}
    assert hidden == {"grupper"}
    assert all(p.visibility == "visible" for p in navigation_pages(admin=True))
    # app.py passes the session's access: a passphrase never grants admin
    assert not Access.of("grupp A", [("Grupp A", "planerare")], via="lösenfras").is_admin
    assert Access.local().is_admin, "open mode: the local user sees Grupper"
