"""AppTest for the Presentera page: picker, order, presentation mode (counter, next and
previous, Avsluta), download buttons, the presentation link (slides, name, scenario) and
hostile link values; a slide's numbers equal the Scenario page's for the same link."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt, ui
from tests.apptables import APP

TIMEOUT = 120
EXAMPLE_LABEL = "Exempel: OpenStreetMap 2020, ofullständigt – 14 enheter av 58"  # FACTS.md S7


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def page(query: dict | None = None, at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.run()
    at.switch_page("pages/presentera.py")
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    return _ok(at)


def counter(at: AppTest) -> str:
    found = [m.value for m in at.markdown if "/" in m.value and m.value.replace(" ", "").replace("/", "").isdigit()]
    assert len(found) == 1, found
    return found[0]


def slide_title(at: AppTest) -> str:
    assert len(at.header) == 1
    return at.header[0].value.replace("\\", "")


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning)


def metrics(at: AppTest) -> dict[str, str]:
    """Label → value as a person reads them (a slide's labels are Markdown-escaped)."""
    return {m.label.replace("\\", ""): fmt.plain(m.value) for m in at.metric}


def test_picker_start_step_and_exit():
    at = page()
    assert at.title[0].value == "Presentera"
    assert at.multiselect(key=ui.KEY_PR_CHOSEN).value == ["oversikt", "kommuner", "aldre80", "sc-tal"]
    at.button(key=ui.KEY_PR_START).click().run()
    _ok(at)
    assert counter(at) == "1 / 4"
    assert slide_title(at) == "Primärvården i Halland – översikt"
    assert metrics(at)["Invånare 2025"] == "346 088"  # FACTS.md S1
    assert at.button(key=ui.KEY_PR_PREV).disabled
    assert not at.multiselect and not at.title  # no picker, no page title on a slide
    at.button(key=ui.KEY_PR_NEXT).click().run()
    assert counter(at) == "2 / 4" and slide_title(at) == "Invånare och vårdcentraler per kommun"
    at.button(key=ui.KEY_PR_NEXT).click().run()
    at.button(key=ui.KEY_PR_NEXT).click().run()
    assert counter(at) == "4 / 4" and at.button(key=ui.KEY_PR_NEXT).disabled
    assert slide_title(at).endswith(": nyckeltal")
    at.button(key=ui.KEY_PR_PREV).click().run()
    assert counter(at) == "3 / 4" and slide_title(at) == "Invånare 80 år och äldre per kommun"
    at.button(key=ui.KEY_PR_EXIT).click().run()
    _ok(at)
    assert at.title[0].value == "Presentera"
    assert at.multiselect(key=ui.KEY_PR_CHOSEN).value == ["oversikt", "kommuner", "aldre80", "sc-tal"]


def test_buttons_have_arrow_key_shortcuts():
    at = page()
    at.button(key=ui.KEY_PR_START).click().run()
    assert at.button(key=ui.KEY_PR_PREV).proto.shortcut.lower() == "left"
    assert at.button(key=ui.KEY_PR_NEXT).proto.shortcut.lower() == "right"


def test_download_buttons_are_offered():
    at = page()
    labels = [e.proto.label for e in at.get("download_button")]
    assert labels == ["Ladda ner PowerPoint", "Ladda ner PDF"]


def test_without_a_browser_the_page_says_the_handouts_hold_tables_only(monkeypatch):
    from naravard.export.handout.images import NO_BROWSER_SV

    monkeypatch.setenv("BROWSER_PATH", "/finns/inte/chromium")
    at = page()
    assert NO_BROWSER_SV in [i.value for i in at.info]
    assert [e.proto.label for e in at.get("download_button")] == ["Ladda ner PowerPoint", "Ladda ner PDF"]


def test_with_the_browser_no_such_note(monkeypatch):
    from naravard.export.handout.images import NO_BROWSER_SV

    monkeypatch.setenv("BROWSER_PATH", "/usr/bin/chromium")
    at = page()
    assert NO_BROWSER_SV not in [i.value for i in at.info]


def test_reorder_moves_a_slide_down_and_the_presentation_follows():
    at = page()
    at.button(key=f"{ui.KEY_PR_DOWN_PREFIX}0").click().run()
    _ok(at)
    assert at.multiselect(key=ui.KEY_PR_CHOSEN).value == ["kommuner", "oversikt", "aldre80", "sc-tal"]
    assert at.button(key=f"{ui.KEY_PR_UP_PREFIX}0").disabled
    at.button(key=ui.KEY_PR_START).click().run()
    assert slide_title(at) == "Invånare och vårdcentraler per kommun"


def test_link_opens_its_slides_in_its_order_with_its_name():
    at = page({"bilder": "aldre80,oversikt", "titel": "HSU-möte 12 maj"})
    assert at.multiselect(key=ui.KEY_PR_CHOSEN).value == ["aldre80", "oversikt"]
    assert at.text_input(key=ui.KEY_PR_TITLE_INPUT).value == "HSU-möte 12 maj"
    assert not at.warning
    at.toggle(key=ui.KEY_PR_LINK).set_value(True).run()
    code = at.code[0].value
    assert "bilder=aldre80,oversikt" in code and "titel=HSU-m%C3%B6te+12+maj" in code and "v=1" in code
    at.button(key=ui.KEY_PR_START).click().run()
    assert counter(at) == "1 / 2" and slide_title(at) == "Invånare 80 år och äldre per kommun"


def test_hostile_link_warns_in_swedish_and_opens_the_rest():
    ids = ",".join(["oversikt", "oversikt", "<script>"] + ["kommuner"] * 40 + ["x" * 5000])
    title = "**fet** <b>html</b> [länk](http://x.se) \x00\x07" + "å" * 10_000
    at = page({"bilder": ids, "titel": title})
    w = warnings(at)
    assert "Bilden ”oversikt” stod flera gånger i listan" in w
    assert "Bilden ”kommuner” stod flera gånger i listan" in w
    assert "finns inte i katalogen" in w and "för lång" in w
    assert at.multiselect(key=ui.KEY_PR_CHOSEN).value == ["oversikt", "kommuner"]
    name = at.text_input(key=ui.KEY_PR_TITLE_INPUT).value
    assert len(name) == 120 and "\x00" not in name and name.startswith("**fet** <b>html</b>")
    at.button(key=ui.KEY_PR_START).click().run()
    _ok(at)
    assert counter(at) == "1 / 2"


def test_more_than_thirty_ids_are_cut_with_a_warning():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/presentera.py").run()
    known = at.multiselect(key=ui.KEY_PR_CHOSEN).options
    assert len(known) > 20
    at2 = page({"bilder": ",".join(f"tg-n{i}" for i in range(40)) + ",oversikt"})
    assert "finns inte i katalogen" in warnings(at2)
    assert at2.multiselect(key=ui.KEY_PR_CHOSEN).value == ["oversikt"]


def test_link_without_known_slides_says_so():
    at = page({"bilder": "finnsinte"})
    assert "Länken hade inga bilder som finns i katalogen" in warnings(at)
    assert at.button(key=ui.KEY_PR_START).disabled


def test_scenario_slide_equals_the_scenario_page_for_the_same_link():
    query = {"v": "1", "ordinart": "0.3", "ar": "2040"}
    pres = page({**query, "bilder": "sc-tal"})
    pres.button(key=ui.KEY_PR_START).click().run()
    _ok(pres)
    assert slide_title(pres).endswith(": nyckeltal") and "2040" in slide_title(pres)
    scen = AppTest.from_file(APP, default_timeout=TIMEOUT)
    scen.run()
    scen.switch_page("pages/scenario.py")
    for k, v in query.items():
        scen.query_params[k] = v
    scen.run()
    _ok(scen)
    page_numbers = metrics(scen)
    slide_numbers = metrics(pres)
    assert slide_numbers["Inskrivna, ordinärt boende"] == fmt.plain(fmt.number(0.3 * 34_165))  # 30 % of the 80+ 2040
    for label, value in slide_numbers.items():
        assert page_numbers[label] == value, label
    text = " ".join(m.value for m in pres.markdown)
    assert "Antaganden:" in text and "30" in text  # the scenario slide shows its assumptions


def test_scenario_from_the_link_is_kept_for_the_scenario_page():
    at = page({"v": "1", "ordinart": "0.3", "bilder": "sc-tal"})
    at.switch_page("pages/scenario.py")
    at.query_params.clear()
    at.run()
    _ok(at)
    assert at.slider(key="nv_sc_andel_ordinart").value == 30


def test_bad_scenario_value_in_the_link_warns_and_the_slides_open():
    at = page({"v": "1", "ordinart": "<script>", "bilder": "oversikt,sc-tal"})
    w = warnings(at)
    assert "ordinart" in w and "Standardvärdet används" in w
    assert "Okänd parameter" not in w  # bilder and titel are the page's own keys
    assert at.multiselect(key=ui.KEY_PR_CHOSEN).value == ["oversikt", "sc-tal"]


def test_geography_slides_with_the_example_and_a_what_if():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/geografi.py")
    at.query_params["enh"] = "+f:372000:6300000"
    at.run()
    at.button(key=ui.KEY_GEO_REG_EXAMPLE).click().run()
    _ok(at)
    at.query_params.clear()
    at = page({"bilder": "geo-avstand,geo-kommun,geo-andring,geo-befolkning"}, at)
    assert not at.warning, warnings(at)
    at.button(key=ui.KEY_PR_START).click().run()
    seen = []
    for n in range(4):
        _ok(at)
        seen.append(slide_title(at))
        shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
        if n < 3:
            assert EXAMPLE_LABEL in fmt.plain(shown.replace("\\", "")), seen[-1]
        if n < 3:
            at.button(key=ui.KEY_PR_NEXT).click().run()
    assert seen[0].startswith("Avstånd till vårdcentral och filial")
    assert seen[2].startswith("Scenariots ändringar av enheterna")
    assert seen[3] == "Var invånarna bor (2025)"


# ------------------------------------------------------------------ saved presentations


def _store():
    import os

    from naravard.store.sqlite import ScenarioStore

    return ScenarioStore(os.environ["NARAVARD_STORE"])


def test_save_then_open_brings_back_slides_name_and_scenario():
    at = page({"v": "1", "ordinart": "0.3", "bilder": "sc-tal,aldre80", "titel": "HSU maj"})
    at.text_input(key=ui.KEY_PR_SAVE_NAME).input("Maj-mötet")
    at.text_input(key=ui.KEY_PR_SAVE_GROUP).input("HSU")
    at.button(key=ui.KEY_PR_SAVE).click().run()
    _ok(at)
    assert any("”Maj-mötet” (HSU) är sparad med 2 bilder" in s.value.replace("\\", "") for s in at.success)
    saved = _store().list_presentations()
    assert [(p.name, p.group, p.slide_ids, p.title) for p in saved] == [("Maj-mötet", "HSU", ("sc-tal", "aldre80"), "HSU maj")]
    assert "ordinart=0.3" in saved[0].scenario_query

    fresh = page()  # another session: defaults
    assert fresh.multiselect(key=ui.KEY_PR_CHOSEN).value == ["oversikt", "kommuner", "aldre80", "sc-tal"]
    fresh.button(key=ui.KEY_PR_OPEN).click().run()
    _ok(fresh)
    assert fresh.multiselect(key=ui.KEY_PR_CHOSEN).value == ["sc-tal", "aldre80"]
    assert fresh.text_input(key=ui.KEY_PR_TITLE_INPUT).value == "HSU maj"
    fresh.button(key=ui.KEY_PR_START).click().run()
    assert metrics(fresh)["Inskrivna, ordinärt boende"] == fmt.plain(fmt.number(0.3 * 30_147))  # 30 % of the 80+ 2030


def test_a_duplicate_name_is_refused_in_swedish_and_nothing_is_lost():
    at = page()
    for _ in range(2):
        at.text_input(key=ui.KEY_PR_SAVE_NAME).input("Samma")
        at.text_input(key=ui.KEY_PR_SAVE_GROUP).input("G")
        at.button(key=ui.KEY_PR_SAVE).click().run()
        assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert errors == ["Det finns redan en presentation som heter ”Samma” (gruppen G). Välj ett annat namn."]
    assert [p.name for p in _store().list_presentations()] == ["Samma"]


def test_a_presentation_whose_scenario_was_deleted_opens_with_a_message():
    store = _store()
    s = store.save("Till borttagning", "G", payload={})
    store.save_presentation("Med scenario", "G", ["oversikt", "finnsinte"], "", "T", scenario_id=s.id)
    store.delete(s.id)
    at = page()
    at.button(key=ui.KEY_PR_OPEN).click().run()
    _ok(at)
    w = warnings(at).replace("\\", "")
    assert "hänvisar till ett sparat scenario" in w and "har tagits bort" in w
    assert "Bilden ”finnsinte” finns inte i katalogen" in w
    assert at.multiselect(key=ui.KEY_PR_CHOSEN).value == ["oversikt"]


def test_delete_and_undo():
    _store().save_presentation("Ta bort mig", "G", ["oversikt"])
    at = page()
    at.button(key=ui.KEY_PR_DELETE).click().run()
    _ok(at)
    assert _store().list_presentations() == []
    at.button(key=ui.KEY_PR_UNDO_BUTTON).click().run()
    _ok(at)
    assert [p.name for p in _store().list_presentations()] == ["Ta bort mig"]
