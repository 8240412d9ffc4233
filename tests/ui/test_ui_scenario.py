"""Component tests for naravard.ui.scenario with AppTest.from_function (no page, no app frame)."""

import pytest
from streamlit.testing.v1 import AppTest

from naravard.model.scenario import Assumptions
from naravard.store import ScenarioStore
from naravard.ui.state import KEY_SC_CHOSEN


@pytest.fixture
def store(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "scenarier.sqlite3"
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    return ScenarioStore(path)


def _saved_section():
    from naravard.model.scenario import ModelInputs
    from naravard.sources.dataset import load_dataset
    from naravard.ui import scenario as sc

    ds = load_dataset(None)
    sc.saved_section(ds, ModelInputs.from_dataset(ds))


def test_delete_asks_names_the_group_and_can_be_undone(store):
    mine = store.save("Plan", "Grupp A", "", Assumptions(andel_sabo=0.18).to_dict())
    theirs = store.save("Plan", "Grupp B", "", Assumptions().to_dict())
    at = AppTest.from_function(_saved_section, default_timeout=60)
    at.run()
    assert not at.exception
    # newest first: Grupp B's is chosen; pick Grupp A's
    at.selectbox(key=KEY_SC_CHOSEN).set_value(mine.id).run()
    next(b for b in at.button if b.label == "Ta bort").click().run()
    assert [w.value.replace("\\", "") for w in at.warning] == [
        "Vill du ta bort ”Plan (Grupp A)”? Det gäller alla som använder verktyget."
    ]
    assert len(store.list()) == 2, "nothing is deleted before the confirmation"
    next(b for b in at.button if b.label == "Ja, ta bort").click().run()
    assert [s.id for s in store.list()] == [theirs.id], "only the chosen group's scenario went"
    next(b for b in at.button if b.label == "Ångra").click().run()
    assert not at.exception
    assert {s.id for s in store.list()} == {mine.id, theirs.id}
    assert store.get(mine.id).payload["andel_sabo"] == pytest.approx(0.18)


def test_undo_after_the_name_was_taken_again_explains_it(store):
    s = store.save("Plan", "Grupp A", "", {})
    at = AppTest.from_function(_saved_section, default_timeout=60)
    at.run()
    next(b for b in at.button if b.label == "Ta bort").click().run()
    next(b for b in at.button if b.label == "Ja, ta bort").click().run()
    store.save("plan", "Grupp A", "", {})  # someone else, meanwhile
    next(b for b in at.button if b.label == "Ångra").click().run()
    assert not at.exception
    assert any("Det finns redan ett scenario som heter" in e.value for e in at.error)
    assert [x.name for x in store.list()] == ["plan"] and s.id not in {x.id for x in store.list()}
