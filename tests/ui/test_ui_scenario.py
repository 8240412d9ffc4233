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


# ------------------------------------------------------------------ issue 11: defects 3, 4, 6, 8

from pathlib import Path  # noqa: E402

from naravard import fmt  # noqa: E402
from naravard.ui.state import (  # noqa: E402
    KEY_SC_COMPARE,
    KEY_SC_GROUP,
    KEY_SC_NAME,
    KEY_SC_NOTE,
    KEY_SC_SAVE,
)

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"


def _run_section() -> AppTest:
    at = AppTest.from_function(_saved_section, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _unescaped(markdown: str) -> str:
    """Escaped Markdown as the reader sees it (the escapes and the invisible word joiner
    that keeps a bare URL from becoming a link removed)."""
    return markdown.replace("\\", "").replace(fmt.WORD_JOINER, "")


def _texts(elements) -> list[str]:
    return [_unescaped(e.value) for e in elements]


def _saved_table(at: AppTest):
    [t] = [t.value for t in at.table if "Grupp/författare" in t.value.columns]
    return t


def test_a_damaged_row_is_reported_and_the_others_list(tmp_path, monkeypatch):
    """Issue 11, defect 4: 100 bytes of garbage in one row's note hid every saved scenario."""
    from tests.storefiles import store_with_a_damaged_row

    path = tmp_path / "skadad.sqlite3"
    store_with_a_damaged_row(path, "note")
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    at = _run_section()
    assert list(_saved_table(at)["Namn"]) == ["Plan C", "Plan A"]
    assert any(w.startswith("1 sparat scenario kunde inte läsas") for w in _texts(at.warning))
    assert not any("Inga sparade scenarier" in i for i in _texts(at.info))
    assert not at.error


def test_an_unreadable_store_says_so_never_none_yet_and_a_save_does_not_claim_success(tmp_path, monkeypatch):
    path = tmp_path / "trasig.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    at = _run_section()
    errors = _texts(at.error)
    assert errors and all(e.startswith("Sparade scenarier kunde inte läsas.") and "skadad" in e for e in errors)
    assert not any("Inga sparade scenarier" in i for i in _texts(at.info))
    assert not any(str(tmp_path) in e for e in errors), "no server path in a user's message"
    at.text_input(key=KEY_SC_NAME).input("Plan")
    at.button(key=KEY_SC_SAVE).click().run()
    assert not at.success
    assert any(e.startswith("Filen med sparade scenarier är skadad") for e in _texts(at.error))


def test_a_read_only_store_lists_and_says_that_saving_is_not_possible(store, monkeypatch):
    store.save("Plan", "G", "", {})
    monkeypatch.setenv("NARAVARD_STORE_READONLY", "1")
    at = _run_section()
    assert list(_saved_table(at)["Namn"]) == ["Plan"]
    assert any("skrivskyddade" in i for i in _texts(at.info))
    at.text_input(key=KEY_SC_NAME).input("Ny")
    at.button(key=KEY_SC_SAVE).click().run()
    assert not at.success
    assert any(e.startswith("Filen med sparade scenarier är skrivskyddad här.") for e in _texts(at.error))
    assert [s.name for s in store.list()] == ["Plan"]


def test_the_saved_list_is_paged_and_searchable(store):
    """Issue 11, defect 6: with 20 000 saved scenarios every Scenario view sent all of
    them (41 MB); now a page of PAGE_SIZE rows, with a search."""
    from naravard.store import PAGE_SIZE
    from naravard.ui.state import KEY_SC_SEARCH

    for i in range(45):
        store.save(f"Plan {i:02d}", "Åsa" if i % 2 else "Bo", "", {})
    at = _run_section()
    assert PAGE_SIZE == 20
    first = _saved_table(at)
    assert list(first["Namn"]) == [f"Plan {i:02d}" for i in range(44, 24, -1)]
    assert "Visar 1–20 av 45 sparade scenarier." in _texts(at.caption)
    assert len(at.selectbox(key=KEY_SC_CHOSEN).options) == PAGE_SIZE
    next(b for b in at.button if b.label == "Nästa").click().run()
    assert list(_saved_table(at)["Namn"])[0] == "Plan 24"
    next(b for b in at.button if b.label == "Nästa").click().run()
    assert list(_saved_table(at)["Namn"]) == [f"Plan {i:02d}" for i in range(4, -1, -1)]
    assert "Visar 41–45 av 45 sparade scenarier." in _texts(at.caption)
    assert next(b for b in at.button if b.label == "Nästa").disabled
    at.text_input(key=KEY_SC_SEARCH).input("åsa").run()  # a search starts on its first page
    t = _saved_table(at)
    assert len(t) == 20 and set(t["Grupp/författare"]) == {"Åsa"}
    assert "Visar 1–20 av 22 sparade scenarier som innehåller ”åsa”." in _texts(at.caption)
    at.text_input(key=KEY_SC_SEARCH).input("finns inte").run()
    assert any("Inga sparade scenarier som innehåller ”finns inte”" in i for i in _texts(at.info))
    assert not at.exception


def test_a_full_group_gets_a_clear_message(store, monkeypatch):
    from naravard.store import sqlite as backend

    monkeypatch.setattr(backend, "MAX_SCENARIOS_PER_GROUP", 2)
    store.save("A", "Grupp X", "", {})
    store.save("B", "Grupp X", "", {})
    at = _run_section()
    at.text_input(key=KEY_SC_NAME).input("C")
    at.text_input(key=KEY_SC_GROUP).input("Grupp X")
    at.button(key=KEY_SC_SAVE).click().run()
    assert _texts(at.error) == [
        "Gruppen ”Grupp X” har redan 2 sparade scenarier, vilket är det högsta antalet. "
        "Ta bort något av dem först, eller spara i en annan grupp."
    ]
    assert len(store.list()) == 2


def test_twenty_quick_clicks_save_once_and_say_it_was_saved(store):
    """Issue 11, defect 8: 20 clicks on "Spara scenariot" showed only "finns redan"."""
    at = _run_section()
    at.text_input(key=KEY_SC_NAME).input("Plan A")
    at.text_input(key=KEY_SC_GROUP).input("Grupp 1")
    at.button(key=KEY_SC_SAVE).click().run()
    assert _texts(at.success) == ["Sparat som ”Plan A” i gruppen ”Grupp 1”."]
    for _ in range(19):
        at.button(key=KEY_SC_SAVE).click().run()
        assert not at.error, _texts(at.error)
        assert _texts(at.success) == ["Redan sparat som ”Plan A” i gruppen ”Grupp 1”: inget har ändrats sedan dess."]
    assert [(s.name, s.group) for s in store.list()] == [("Plan A", "Grupp 1")]
    # a changed scenario under the same name is a real duplicate
    at.text_area(key=KEY_SC_NOTE).input("ändrad")
    at.button(key=KEY_SC_SAVE).click().run()
    assert any(e.startswith("Det finns redan ett scenario som heter ”Plan A”") for e in _texts(at.error))
    # once the saved one is deleted, the same click saves it again
    store.delete(store.list()[0].id)
    at.text_area(key=KEY_SC_NOTE).input("")
    at.button(key=KEY_SC_SAVE).click().run()
    assert _texts(at.success) == ["Sparat som ”Plan A” i gruppen ”Grupp 1”."]
    assert len(store.list()) == 1


def _hostile_names() -> list[str]:
    return [n for n in (HOSTILE / "scenarionamn_markdown.txt").read_text(encoding="utf-8").splitlines() if n.strip()]


def _plain_markdown(text: str) -> bool:
    """Markdown that shows as written: every special character is backslash-escaped."""
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in "`*_[]<>#!|~$&=":
            return False
        i += 1
    return True


def test_stored_text_is_escaped_in_the_list_and_the_comparison(store):
    """Issue 11, defect 3: names rendered as Markdown (an image that made every visitor's
    browser fetch it, links, headings, KaTeX, :red[…]) in the saved list and the Jämför
    headers. st.table reads cells and headers as Markdown, so they are escaped; pickers
    show plain text; the chart's labels are escaped for Plotly."""
    names = _hostile_names()
    ids = {store.save(n, "![g](http://127.0.0.1:9/g.png)", f"$n^{i}$ [x](http://127.0.0.1:9/)", {}).id: n.strip()
           for i, n in enumerate(names)}
    at = _run_section()
    t = _saved_table(at)
    cells = [str(v) for v in t[["Namn", "Grupp/författare", "Anteckning"]].to_numpy().ravel()]
    assert cells and all(_plain_markdown(c) for c in cells), [c for c in cells if not _plain_markdown(c)]
    assert [_unescaped(c) for c in t["Namn"]] == [ids[i] for i in sorted(ids, reverse=True)][: len(t)]
    # pickers: plain text, exactly as written
    chosen = at.selectbox(key=KEY_SC_CHOSEN)
    assert set(chosen.options) <= {f"{n} (![g](http://127.0.0.1:9/g.png))" for n in ids.values()}
    picked = sorted(ids)[:2]
    at.multiselect(key=KEY_SC_COMPARE).set_value(picked).run()
    assert not at.exception
    headers = [h for tbl in at.table for h in tbl.value.columns]
    assert any(_unescaped(h).startswith(ids[picked[0]]) for h in headers)
    assert all(_plain_markdown(h) for h in headers), [h for h in headers if not _plain_markdown(h)]
    import json

    [chart] = at.get("plotly_chart")
    spec = json.loads(chart.proto.spec)
    legend = [tr["name"] for tr in spec["data"]]
    assert legend[1:] == [fmt.plotly_text(ids[i]) for i in picked]
    assert not any("<" in n or ">" in n for n in legend)
