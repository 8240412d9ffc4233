"""Component tests for naravard.ui.dialog with AppTest.from_function: a slide with
hostile text is shown as text, the answers list escapes what people typed, and an
unreadable store says so instead of "no answers"."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt
from naravard.store import ScenarioStore


@pytest.fixture
def store(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "scenarier.sqlite3"
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    return ScenarioStore(path)


def _slide_script():
    import pandas as pd

    from naravard.ui import dialog as dlg
    from naravard.views.slides import Slide

    dlg.show_slide(Slide(
        "x", "**Rubrik** <b>x</b>", "table", numbers=(("Etikett [l](javascript:1)", "25 km", "<i>not</i>"),),
        table=pd.DataFrame({"Kommun": ["<b>Hylte</b>"], "Värde": [1.5]}), formats={"Värde": lambda v: "1,5"},
        body=("Scenario: *kursiv*",), sources=("Källa: register <script>",), assumptions=(("A", "**v**", "k"),),
    ))


def test_a_slide_is_shown_as_text():
    at = AppTest.from_function(_slide_script, default_timeout=60)
    at.run()
    assert not at.exception
    md = [m.value for m in at.markdown]
    assert md[0] == "**\\*\\*Rubrik\\*\\* \\<b\\>x\\</b\\>**"
    assert md[1] == f"- {fmt.markdown_escape('Etikett [l](javascript:1)')}: **25 km** ({fmt.markdown_escape('<i>not</i>')})"
    assert "\\[l\\]" in md[1] and "\\<i\\>" in md[1]
    captions = [c.value for c in at.caption]
    assert fmt.markdown_escape("Scenario: *kursiv*") in captions and "\\*kursiv\\*" in captions[0]
    assert "Källa: register \\<script\\>" in captions  # the "Källa: " prefix as the pages write it
    [t] = [t.value for t in at.table if "Kommun" in t.value.columns]
    assert t["Kommun"].tolist() == ["<b>Hylte</b>"] and t["Värde"].tolist() == ["1,5"]


def _list_script():
    import os

    from naravard.store import ScenarioStore
    from naravard.ui import dialog as dlg

    store = ScenarioStore(os.environ["NARAVARD_STORE"])
    answers, error = dlg.read_answers(store, "Gruppen")
    dlg.answers_list(store, "Gruppen", answers, error)


def test_the_answers_list_escapes_what_people_typed(store: ScenarioStore):
    store.save_answer("Gruppen", "geo", "Fråga <b>?</b>", "**Ja**", "[länk](javascript:alert(1)) <script>", "<i>Åsa</i>")
    at = AppTest.from_function(_list_script, default_timeout=60)
    at.run()
    [t] = [t.value for t in at.table]
    row = t.iloc[0]
    assert row["Fråga"] == "Fråga \\<b\\>?\\</b\\>" and row["Ståndpunkt"] == "\\*\\*Ja\\*\\*"
    assert row["Anteckningar"] == fmt.as_text("[länk](javascript:alert(1)) <script>")
    assert row["Anteckningar"].startswith("\\[länk\\]\\(javascript")
    assert row["Skrivet av"] == "\\<i\\>Åsa\\</i\\>"


def test_an_unreadable_store_says_so(tmp_path, monkeypatch):
    bad = tmp_path / "trasig.sqlite3"
    bad.write_bytes(b"\xff" * 1024)
    monkeypatch.setenv("NARAVARD_STORE", str(bad))
    at = AppTest.from_function(_list_script, default_timeout=60)
    at.run()
    assert not at.exception
    assert any("Svaren kunde inte läsas" in e.value and "skadad" in e.value for e in at.error)
    assert not at.info, "never 'no answers yet' when the store could not be read"
    assert bad.read_bytes() == b"\xff" * 1024
