"""Access through the pages: the whole app (app.py) in groups mode with a real SQLite
store. A member of Grupp A, signed in with the group's passphrase, must not see Grupp B's
scenarios, answers or presentations on Scenario, Dialog and Presentera, and gets no
control that could change them. Plus: a stale rename on the Scenario page, a non-admin
on Grupper, and a database that stops while someone is signed in.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt
from naravard.model.scenario import Assumptions
from naravard.store import ScenarioStore
from naravard.ui.state import (
    KEY_AUTH_CHECKED_AT,
    KEY_AUTH_GROUP,
    KEY_AUTH_PASSPHRASE,
    KEY_DLG_GROUP,
    KEY_PR_SAVE_GROUP,
    KEY_PR_SAVED,
    KEY_SC_CHOSEN,
    KEY_SC_DELETE_PENDING,
    KEY_SC_GROUP,
    KEY_SC_NEW_NAME,
)
from tests.apptables import APP, all_tables

TIMEOUT = 120
PASS_A = "rätt häst batteri häftklammer"
PASS_B = "en helt annan lösenfras"
SECRET = "HEMLIGT-B"  # every item of Grupp B carries it in its name or text


@pytest.fixture
def store(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "scenarier.sqlite3"
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NARAVARD_ACCESS", "groups")
    monkeypatch.delenv("NARAVARD_DATABASE_URL", raising=False)
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    monkeypatch.delenv("NARAVARD_SIGNIN_HOURS", raising=False)
    s = ScenarioStore(path)  # unbound: the system (bootstrapping, as the CLI does)
    for g, p in (("Grupp A", PASS_A), ("Grupp B", PASS_B)):
        s.create_group(g)
        s.set_passphrase(g, p, "gruppmedlem")
    return s


def _signed_in(group: str = "Grupp A", passphrase: str = PASS_A) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert [t.value for t in at.title] == ["Logga in"], "groups mode starts at the sign-in view"
    at.selectbox(key=KEY_AUTH_GROUP).set_value(group)
    at.text_input(key=KEY_AUTH_PASSPHRASE).input(passphrase)
    next(b for b in at.button if b.label == "Logga in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] != ["Logga in"], [w.value for w in at.warning]
    return at


def _open(at: AppTest, script: str) -> AppTest:
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _everything(at: AppTest) -> str:
    """All text the page shows, widget options and values included."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "subheader", "info", "warning", "error", "success", "text"):
        parts += [str(e.value) for e in at.get(kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in at.get(kind):
            parts += [str(o) for o in w.options] + [str(w.value)]
    for kind in ("text_input", "text_area"):
        parts += [str(w.value) for w in at.get(kind)]
    parts += [t.to_string() for t in all_tables(at)]
    return fmt.plain("\n".join(parts)).replace("\\", "")


@pytest.fixture
def items(store):
    """Items of both groups, saved through stores bound to each group's members."""
    from naravard.store.access import Access

    a = store.with_access(Access.of("a", [("Grupp A", "gruppmedlem")]))
    b = store.with_access(Access.of("b", [("Grupp B", "gruppmedlem")]))
    mine = a.save("A:s plan", "Grupp A", "A:s anteckning", Assumptions(andel_sabo=0.18).to_dict())
    theirs = b.save(f"Plan {SECRET}", "Grupp B", f"anteckning {SECRET}", Assumptions().to_dict())
    b.save_presentation(f"Presentation {SECRET}", "Grupp B", ["nyckeltal"], "", f"Titel {SECRET}")
    return {"mine": mine, "theirs": theirs, "a": a, "b": b}


def test_a_member_of_a_sees_nothing_of_b_on_the_scenario_page(items):
    at = _open(_signed_in(), "pages/scenario.py")
    text = _everything(at)
    assert "A:s plan" in text, "the group's own scenario is listed"
    assert SECRET not in text
    assert at.selectbox(key=KEY_SC_CHOSEN).options == ["A:s plan (Grupp A)"]
    assert at.selectbox(key=KEY_SC_GROUP).options == ["Grupp A"], "only the own group to save into"
    # no control reaches B's scenario, not even a delete confirmation planted in the session
    at.session_state[KEY_SC_DELETE_PENDING] = items["theirs"].id
    at.run()
    assert not any(b.label == "Ja, ta bort" for b in at.button)
    assert items["b"].get(items["theirs"].id).name == f"Plan {SECRET}"


def test_a_member_of_a_sees_nothing_of_b_on_dialog_and_presentera(items, store):
    from naravard.sources.dataset import load_dataset
    from naravard.views import dialog as dialog_view

    question = dialog_view.questions(load_dataset(None), "aldre")[0]
    theme_id = "aldre"
    items["b"].save_answer("Grupp B", theme_id, question, "Ja", f"svar {SECRET}", "Bo")
    at = _open(_signed_in(), "pages/dialog.py")
    assert at.selectbox(key=KEY_DLG_GROUP).options == ["Grupp A"]
    assert SECRET not in _everything(at)
    at = _open(at, "pages/presentera.py")
    assert at.selectbox(key=KEY_PR_SAVE_GROUP).options == ["Grupp A"]
    assert not any(s.key == KEY_PR_SAVED for s in at.selectbox), "no saved presentation of A: no picker"
    assert SECRET not in _everything(at)


def test_a_stale_rename_is_refused_with_the_conflict_message(items):
    at = _open(_signed_in(), "pages/scenario.py")
    mine = items["mine"]
    assert at.selectbox(key=KEY_SC_CHOSEN).value == mine.id
    # someone else in the group renames it after this page showed version 1
    items["a"].rename(mine.id, "Annans namn", expected_version=1)
    at.text_input(key=KEY_SC_NEW_NAME).input("Mitt namn")
    next(b for b in at.button if b.label == "Byt namn").click().run()
    assert not at.exception
    assert items["a"].get(mine.id).name == "Annans namn", "the other person's rename is not overwritten"
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "har ändrats av någon annan" in warnings and "Din ändring har inte sparats" in warnings
    assert at.selectbox(key=KEY_SC_CHOSEN).options == ["Annans namn (Grupp A)"], "the list shows the row as it is now"
    # from the version now shown, the rename works
    at.text_input(key=KEY_SC_NEW_NAME).input("Mitt namn")
    next(b for b in at.button if b.label == "Byt namn").click().run()
    assert items["a"].get(mine.id).name == "Mitt namn"


def test_grupper_refuses_a_member_who_is_not_admin(store):
    at = _open(_signed_in(), "pages/grupper.py")
    assert any("bara för administratörer" in w.value for w in at.warning)
    assert len(at.text_input) == 0, "no form"
    assert not any(b.label in ("Skapa gruppen", "Återställ", "Spara lösenfrasen") for b in at.button)
    assert [g.name for g in store.list_groups()] == ["Grupp A", "Grupp B"]


def test_the_database_stopping_keeps_the_figures_and_says_so(items, monkeypatch):
    from naravard.store import StoreUnavailableError
    from naravard.store.sqlite import ScenarioStore as Impl

    at = _open(_signed_in(), "pages/scenario.py")

    def down(self, op, *, write):
        raise StoreUnavailableError("database down", "Databasen går inte att nå just nu.")

    monkeypatch.setattr(Impl, "_run", down)
    at.session_state[KEY_AUTH_CHECKED_AT] = 0.0  # the minute's check of the memberships happens now too
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: fmt.plain(m.value) for m in at.metric}["Invånare 80+"] == "30 147", "figures from the data"
    assert any("Databasen går inte att nå just nu." in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]
    assert any("Grupp A" in m.value for m in at.sidebar.markdown), "still signed in"


def test_a_stale_note_edit_is_refused_and_the_field_shows_the_saved_note(items):
    from naravard.ui.state import KEY_SC_EDIT_NOTE

    at = _open(_signed_in(), "pages/scenario.py")
    mine = items["mine"]
    assert at.text_area(key=KEY_SC_EDIT_NOTE).value == "A:s anteckning"
    items["a"].update_note(mine.id, "den andras anteckning", expected_version=1)
    at.text_area(key=KEY_SC_EDIT_NOTE).input("min anteckning")
    next(b for b in at.button if b.label == "Spara anteckningen").click().run()
    assert not at.exception
    assert items["a"].get(mine.id).note == "den andras anteckning"
    assert any("har ändrats av någon annan" in w.value.replace("\\", "") for w in at.warning)
    assert at.text_area(key=KEY_SC_EDIT_NOTE).value == "den andras anteckning", "the row as it is now"
    at.text_area(key=KEY_SC_EDIT_NOTE).input("min anteckning")
    next(b for b in at.button if b.label == "Spara anteckningen").click().run()
    assert items["a"].get(mine.id).note == "min anteckning"
