"""AppTest for the Dialog page: the deck's questions and options beside the figures,
an answer saved, listed, edited, a stale edit refused, hostile notes shown as text,
a 10 000-character note refused with the text kept, delete and undo."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt
from naravard.store import ScenarioStore
from naravard.ui.state import KEY_DLG_AUTHOR, KEY_DLG_GROUP, KEY_DLG_THEME, dlg_key
from tests.apptables import APP, all_tables

TIMEOUT = 90
GROUP = "Gröna gruppen"
HOSTILE = "**fet** <script>alert('x')</script> [länk](javascript:alert(1)) :red[röd] $x$"
Q_STRATEGIC = "Vilket strategiskt val möter behoven av läkare hos de äldre bäst utifrån de demografiska utmaningar vi står inför?"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)


@pytest.fixture
def store(tmp_path) -> ScenarioStore:
    return ScenarioStore(tmp_path / "scenarier.sqlite3")


def dialog_page(theme: str | None = None, group: str = "", author: str = "") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/dialog.py")
    at.run()
    if theme:
        at.radio(key=KEY_DLG_THEME).set_value(theme)
    if group:
        at.text_input(key=KEY_DLG_GROUP).input(group)
    if author:
        at.text_input(key=KEY_DLG_AUTHOR).input(author)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def said(elements) -> list[str]:
    """Message texts as a person reads them (the page escapes Markdown with backslashes)."""
    return [str(e.value).replace("\\", "") for e in elements]


def text_of(at: AppTest) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for df in all_tables(at):
        parts.append(df.to_string())
    return fmt.plain("\n".join(parts))


def test_the_page_shows_the_questions_options_and_figures_of_each_theme():
    at = dialog_page()
    assert not at.error, [e.value for e in at.error]
    text = text_of(at)
    # Äldre (the first theme): the deck's strategic question, its three options, the closing question
    assert fmt.markdown_escape(Q_STRATEGIC) in text or Q_STRATEGIC in text.replace("\\", "")
    plain = text.replace("\\", "").replace("**", "")
    for option in ("Vägval 1. Förstärka nuvarande organisation", "Vägval 2. En egen organisation",
                   "Vägval 3. Ändra gränssnittet"):
        assert option in plain
    assert "Vad är bäst för hallänningen?" in plain
    # the figures: 80+ per kommun and the SäBo places (2 964 today, FACTS.md) against the scenario's need
    assert "Invånare 80 år och äldre per kommun" in plain
    assert "2 964 idag" in plain and "Källa:" in plain
    assert "utan rekommendation" in plain
    assert "alla som använder det kan läsa dem" in plain  # open mode: no sign-in, so everyone can read

    at.radio(key=KEY_DLG_THEME).set_value("geo").run()
    plain = text_of(at).replace("\\", "").replace("**", "")
    assert "Vill vi ha fler filialer?" in plain
    assert "Längst till vårdcentral: 25 km" in plain and "Längst till filial: 21 km" in plain  # FACTS.md, no register
    assert "Lagen om valfrihetssystem (LOV)" in plain

    at.radio(key=KEY_DLG_THEME).set_value("tg").run()
    plain = text_of(at).replace("\\", "").replace("**", "")
    assert "Vilka krav på öppettider ska gälla?" in plain
    assert "minst 45 timmar i veckan" in plain  # {vc_oppet_timmar_vecka} filled from the key figures
    assert "Medicinsk bedömning inom tre dagar i primärvård" in plain
    assert not at.exception and not at.error


def test_save_list_edit_and_a_stale_edit_is_refused(store: ScenarioStore):
    at = dialog_page("geo", GROUP, "Åsa")
    i = 2  # "Vill vi ha fler filialer?"
    at.radio(key=dlg_key("geo", i, "stand")).set_value("Delvis")
    at.text_area(key=dlg_key("geo", i, "ant")).input("Rad ett\nRad två")
    at.button(key=dlg_key("geo", i, "spara")).click().run()
    assert not at.exception
    assert any("är sparat (version 1)" in t for t in said(at.success))
    [saved] = store.list_answers(GROUP)
    assert (saved.theme, saved.question, saved.position, saved.notes, saved.author) == (
        "geo", "Vill vi ha fler filialer?", "Delvis", "Rad ett\nRad två", "Åsa")
    listed = [df for df in all_tables(at) if "Ståndpunkt" in df.columns]
    assert listed and listed[0]["Ståndpunkt"].tolist() == ["Delvis"]

    # edit: version 2
    at.radio(key=dlg_key("geo", i, "stand")).set_value("Ja")
    at.button(key=dlg_key("geo", i, "spara")).click().run()
    assert store.get_answer(saved.id).version == 2 and store.get_answer(saved.id).position == "Ja"

    # someone else edits meanwhile; this session's edit (from version 2) is refused, its text kept
    store.update_answer(saved.id, 2, position="Nej", notes="Annan medlem", author="Bo")
    at.text_area(key=dlg_key("geo", i, "ant")).input("Min nya text")
    at.button(key=dlg_key("geo", i, "spara")).click().run()
    assert any("ändrats av någon annan" in t for t in said(at.error))
    assert store.get_answer(saved.id).notes == "Annan medlem", "nothing overwritten"
    assert at.text_area(key=dlg_key("geo", i, "ant")).value == "Min nya text", "nothing lost"
    # read the stored answer in again, then the edit goes through as version 4
    at.button(key=dlg_key("geo", i, "las")).click().run()
    assert at.text_area(key=dlg_key("geo", i, "ant")).value == "Annan medlem"
    at.radio(key=dlg_key("geo", i, "stand")).set_value("Vet inte")
    at.button(key=dlg_key("geo", i, "spara")).click().run()
    got = store.get_answer(saved.id)
    assert (got.version, got.position, got.notes) == (4, "Vet inte", "Annan medlem")


def test_hostile_notes_are_stored_verbatim_and_shown_as_text(store: ScenarioStore):
    at = dialog_page("tg", GROUP, "<b>Åsa</b>")
    at.radio(key=dlg_key("tg", 1, "stand")).set_value("Annan ståndpunkt")
    at.run()
    at.text_input(key=dlg_key("tg", 1, "egen")).input("<i>Kvällsöppet</i>")
    at.text_area(key=dlg_key("tg", 1, "ant")).input(HOSTILE)
    at.button(key=dlg_key("tg", 1, "spara")).click().run()
    assert not at.exception
    [a] = store.list_answers(GROUP)
    assert (a.notes, a.position, a.author) == (HOSTILE, "<i>Kvällsöppet</i>", "<b>Åsa</b>")
    # the list shows the notes escaped: no Markdown or HTML becomes markup
    [listed] = [df for df in all_tables(at) if "Anteckningar" in df.columns]
    cell = listed["Anteckningar"].iloc[0]
    assert cell == fmt.as_text(HOSTILE) and "\\*\\*fet\\*\\*" in cell and "\\<script\\>" in cell
    # a fresh session of the group reads it back into the form as the text it is
    at2 = dialog_page("tg", GROUP, "Bo")
    assert at2.text_area(key=dlg_key("tg", 1, "ant")).value == HOSTILE
    assert at2.radio(key=dlg_key("tg", 1, "stand")).value == "Annan ståndpunkt"
    assert at2.text_input(key=dlg_key("tg", 1, "egen")).value == "<i>Kvällsöppet</i>"


def test_a_10000_character_note_is_refused_and_kept_in_the_form(store: ScenarioStore):
    at = dialog_page("aldre", GROUP, "Åsa")
    long = "å" * 10_000
    at.radio(key=dlg_key("aldre", 1, "stand")).set_value("Vet inte")
    at.text_area(key=dlg_key("aldre", 1, "ant")).input(long)
    at.button(key=dlg_key("aldre", 1, "spara")).click().run()
    assert any("Anteckningen får vara högst 5000 tecken (nu 10000)." in t for t in said(at.error))
    assert store.list_answers(GROUP) == []
    assert at.text_area(key=dlg_key("aldre", 1, "ant")).value == long


def test_empty_notes_save_but_no_position_is_refused(store: ScenarioStore):
    at = dialog_page("aldre", GROUP, "Åsa")
    at.button(key=dlg_key("aldre", 1, "spara")).click().run()
    assert any("Välj gruppens ståndpunkt" in t for t in said(at.error))
    at.radio(key=dlg_key("aldre", 1, "stand")).set_value("Ja")
    at.button(key=dlg_key("aldre", 1, "spara")).click().run()
    [a] = store.list_answers(GROUP)
    assert (a.notes, a.question) == ("", Q_STRATEGIC)


def test_no_author_is_refused_in_swedish(store: ScenarioStore):
    at = dialog_page("aldre", GROUP)
    at.radio(key=dlg_key("aldre", 1, "stand")).set_value("Ja")
    at.button(key=dlg_key("aldre", 1, "spara")).click().run()
    assert any("får inte vara tomt" in t for t in said(at.error))
    assert store.list_answers(GROUP) == []


def test_delete_and_undo(store: ScenarioStore):
    a = store.save_answer(GROUP, "aldre", Q_STRATEGIC, "Delvis", "Vår text", "Åsa")
    at = dialog_page("aldre", GROUP, "Bo")
    assert at.text_area(key=dlg_key("aldre", 1, "ant")).value == "Vår text"
    at.button(key=dlg_key("aldre", 1, "bort")).click().run()
    assert store.list_answers(GROUP) == []
    assert any("är borttaget" in t for t in said(at.info))
    at.button(key="nv_dlg_angra_knapp").click().run()
    assert store.list_answers(GROUP) == [a]
    assert at.text_area(key=dlg_key("aldre", 1, "ant")).value == "Vår text"


def test_answers_link_the_groups_saved_scenario_and_say_when_it_is_gone(store: ScenarioStore):
    s = store.save("Plan 2030", GROUP, "", {})
    store.save("Annans plan", "Annan grupp", "", {})
    at = dialog_page("aldre", GROUP, "Åsa")
    box = at.selectbox(key="nv_dlg_scenario")
    assert box.options == ["Inget scenario", "Plan 2030"]  # only the group's own
    box.set_value(s.id)
    at.radio(key=dlg_key("aldre", 1, "stand")).set_value("Ja")
    at.button(key=dlg_key("aldre", 1, "spara")).click().run()
    [a] = store.list_answers(GROUP)
    assert a.scenario_id == s.id
    [listed] = [df for df in all_tables(at) if "Scenario" in df.columns]
    assert listed["Scenario"].tolist() == ["Plan 2030"]
    store.delete(s.id)
    at.run()
    [listed] = [df for df in all_tables(at) if "Scenario" in df.columns]
    assert listed["Scenario"].tolist() == [f"id {s.id} \\(borttaget\\)"]


def test_typed_text_and_the_saved_answer_survive_a_theme_switch(store: ScenarioStore):
    store.save_answer(GROUP, "aldre", Q_STRATEGIC, "Delvis", "Sparad text", "Åsa")
    at = dialog_page("aldre", GROUP, "Bo")
    assert at.text_area(key=dlg_key("aldre", 1, "ant")).value == "Sparad text"
    at.text_area(key=dlg_key("aldre", 2, "ant")).input("Osparad text").run()
    at.radio(key=KEY_DLG_THEME).set_value("geo").run()
    at.radio(key=KEY_DLG_THEME).set_value("aldre").run()
    assert not at.exception and not at.warning
    assert at.text_area(key=dlg_key("aldre", 1, "ant")).value == "Sparad text"
    assert at.radio(key=dlg_key("aldre", 1, "stand")).value == "Delvis"
    assert at.text_area(key=dlg_key("aldre", 2, "ant")).value == "Osparad text", "unsaved text is kept"


def test_the_figures_use_the_groups_chosen_scenario(store: ScenarioStore):
    """The Äldre figures are computed with the group's saved scenario when one is chosen."""
    from naravard.model import scenario
    from naravard.sources.dataset import load_dataset

    s = store.save("Fler i SäBo", GROUP, "", {"andel_sabo": 0.2})
    at = dialog_page("aldre", GROUP, "Åsa")
    plain = text_of(at).replace("\\", "").replace("**", "")
    assert "Räknat med: standardantagandena." in plain
    at.selectbox(key="nv_dlg_scenario").set_value(s.id).run()
    plain = text_of(at).replace("\\", "").replace("**", "")
    assert "Räknat med: Fler i SäBo." in plain and "Scenario: Fler i SäBo" in plain
    inputs = scenario.ModelInputs.from_dataset(load_dataset())
    res = scenario.run(inputs, scenario.Assumptions.from_dict({"andel_sabo": 0.2}).replace(prognos=inputs.default_forecast))
    need = scenario.shown("sabo_platser_behov", res.level("sabo_platser_behov"))
    assert f"{fmt.plain(fmt.number(need))} behövs 2030, 2 964 idag" in plain
    store.delete(s.id)
    at.run()
    assert not at.exception


def test_the_summary_is_built_on_a_click_as_pdf_and_pptx(store: ScenarioStore, monkeypatch):
    import io

    import pypdf
    from pptx import Presentation

    from naravard.export.handout import images

    monkeypatch.setattr(images, "shared_exporter", lambda: images.ImageExporter("/nonexistent/chromium"))
    store.save_answer(GROUP, "aldre", Q_STRATEGIC, "Delvis", HOSTILE, "Åsa")
    at = dialog_page("aldre", GROUP, "Bo")
    at.button(key="nv_dlg_skapa_pdf").click().run()
    assert not at.exception and not at.error
    fingerprint, kind, data = at.session_state["nv_dlg_export"]
    assert kind == "pdf" and data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert HOSTILE in " ".join(text.split()) or all(part in text for part in ("**fet**", "<script>alert('x')</script>"))
    assert f"Dialog: {GROUP}" in text
    at.button(key="nv_dlg_skapa_pptx").click().run()
    _, kind, data = at.session_state["nv_dlg_export"]
    prs = Presentation(io.BytesIO(data))
    assert kind == "pptx" and prs.slides[1].shapes.title.text == "Äldre: gruppens svar"


def test_a_read_only_store_shows_the_answers_and_offers_no_saving(store: ScenarioStore, monkeypatch):
    store.save_answer(GROUP, "aldre", Q_STRATEGIC, "Ja", "Sparad", "Åsa")
    monkeypatch.setenv("NARAVARD_STORE_READONLY", "1")
    at = dialog_page("aldre", GROUP, "Bo")
    assert not at.exception and not at.error
    assert any("skrivskyddade" in t for t in said(at.info))
    assert at.text_area(key=dlg_key("aldre", 1, "ant")).value == "Sparad"
    assert not [b for b in at.button if b.key and b.key.endswith("_spara")]
