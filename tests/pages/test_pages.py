"""AppTest for every page: no exception, the key figures present.

Figures are compared after turning no-break spaces into plain ones (fmt.plain).
"""

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt, ui
from naravard.sources.dataset import DEFAULT_DATA_DIR
from tests.apptables import APP, all_tables, table_with

TIMEOUT = 90


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Never touch the developer's store or boundary cache."""
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)


def open_page(script: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if script != ui.PAGES[0].script:
        at.switch_page(script)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for df in all_tables(at):
        parts.append(df.to_string())
    return fmt.plain("\n".join(parts))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: fmt.plain(m.value) for m in at.metric}


def deltas(at: AppTest) -> dict[str, str]:
    return {m.label: fmt.plain(m.delta or "") for m in at.metric}


@pytest.mark.parametrize("spec", ui.PAGES, ids=[p.url_path for p in ui.PAGES])
def test_every_page_renders_without_exception_or_error(spec):
    at = open_page(spec.script)
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"
    assert "Källa:" in page_text(at), "every page cites its sources"


def test_overview_headline_figures():
    at = open_page("pages/oversikt.py")
    m = metrics(at)
    assert m["Invånare 2025"] == "346 088"
    assert m["Invånare 2030 (prognos)"] == "349 997"
    # one figure per headline (issue 10 b): the horizon's value, the change as delta;
    # one 80+ rule (issue 10 d): the sum of the kommun rows, 25 265 in 2025
    assert m["80 år och äldre 2030"] == "30 147"
    assert deltas(at)["80 år och äldre 2030"] == "+4 882 sedan 2025"  # 30 147 − 25 265
    assert deltas(at)["Invånare 2030 (prognos)"] == "+3 909 sedan 2025"  # 349 997 − 346 088
    assert not any("→" in v for v in m.values())
    assert m["Vårdcentraler / filialer"] == "47 / 11"
    assert m["Snitt listade per vårdcentral"] == "ca 7 400"
    assert m["Längsta avstånd till VC"] == "25 km"
    assert m["Längsta avstånd till filial"] == "21 km"
    table = table_with(at, "Vårdcentraler")
    halmstad = table[table["Kommun"] == "Halmstad"].iloc[0].map(fmt.plain)
    assert (halmstad["Vårdcentraler"], halmstad["Filialer"], halmstad["Snitt listade per VC"]) == ("14", "5", "7 500")
    assert len(at.get("plotly_chart")) == 1  # the map (kommun polygons embedded in data/)
    ranking = table_with(at, "Värde")
    assert list(ranking["Kommun"])[0] == "Hylte"  # 10 500 inhabitants on one VC


def test_overview_in_the_deck_variant():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.sidebar.radio(key=ui.KEY_VARIANT).set_value("HSU2023").run()
    assert not at.exception
    m = metrics(at)
    assert m["Invånare 2022"] == "ca 343 000"
    assert m["Invånare 2030 (prognos)"] == "ca 362 000"
    assert m["80 år och äldre 2030"] == "30 147"
    assert deltas(at)["80 år och äldre 2030"] == "+8 152 sedan 2022"  # the base the scenario uses for this forecast: 21 995
    assert "ca 20 000 är källans avrundade tal för 2023" in fmt.plain(page_text(at))
    total = table_with(at, "Vårdcentraler").iloc[-1].map(fmt.plain)
    assert total["Kommun"] == "Halland totalt" and total["Vårdcentraler"] == "47" and total["Filialer"] == "11"


def test_overview_map_measure_can_be_changed():
    at = open_page("pages/oversikt.py")
    at.selectbox(key=ui.KEY_MAP_MEASURE).set_value("restid_bil").run()
    assert not at.exception
    assert "Service och tillgänglighet" in page_text(at)  # the travel-time source is cited


def test_befolkning_figures():
    at = open_page("pages/befolkning.py")
    text = page_text(at)
    assert "19 815" in text and "30 147" in text and "34 166" in text  # region = sum of kommuner
    assert "ca 20 000 är källans avrundade tal för 2023" in text
    assert len(at.get("plotly_chart")) == 4


def test_tillganglighet_figures():
    at = open_page("pages/tillganglighet.py")
    text = page_text(at)
    assert "45 timmar" in text and "86,1 %" in text and "82,6 %" in text
    at.selectbox(key=ui.KEY_TG_KPI).set_value("U70450").run()
    assert not at.exception
    assert "74,1 %" in page_text(at)  # Halland 2025, latest value in the caption


def test_om_data_lists_every_table_with_source():
    at = open_page("pages/om_data.py")
    cat = at.table[0].value
    assert len(cat) == 9 and (cat["Status"].str.startswith("OK")).all()
    assert "Information och dialog om framtidens primärvård" in " ".join(cat["Källa"])
    preview = table_with(at, "lat")  # the first table, kommuner, shown exactly
    assert list(preview["lat"])[0] == "57,487"


def test_missing_data_file_gives_swedish_message_not_a_crash(tmp_path, monkeypatch):
    d = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    (d / "befolkning_alder.csv").unlink()
    monkeypatch.setenv("NARAVARD_DATA_DIR", str(d))
    for script in ("pages/oversikt.py", "pages/befolkning.py", "pages/om_data.py"):
        at = open_page(script)
        errors = " ".join(e.value for e in at.error)
        assert "befolkning_alder.csv" in errors and "filen saknas" in errors, script
    at = open_page("pages/tillganglighet.py")  # does not need the table
    assert not at.error


def test_missing_manifest_stops_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("NARAVARD_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert "manifestet saknas" in " ".join(e.value for e in at.error)


def test_every_chart_has_its_numbers_as_a_table():
    """Accessibility: each chart's figures can also be read as a table."""
    at = open_page("pages/befolkning.py")
    tables = [fmt.plain(df.to_string()) for df in all_tables(at)]
    assert any("Hylte" in t and "10 094" in t for t in tables)  # population per kommun, 2025
    assert any("6 146 (" in t for t in tables)  # Kungsbacka 80+ 2025 in the age table
    assert any("Halland" in t and "10,9" in t for t in tables)  # 80+ per 100 aged 20–64, Halland 2020: 19 815 / 181 924


def test_deck_snapshot_keeps_the_source_precision():
    """Issue 10 m: the deck says 92, 85, 63, 61 – not "92,0 %" (false precision)."""
    at = open_page("pages/tillganglighet.py")
    snap = table_with(at, "Period").map(fmt.plain)
    by_name = snap.set_index("Indikator")
    assert by_name.loc["Telefontillgänglighet (vårdgaranti)", "Halland"] == "92 %"
    assert by_name.loc["Medicinsk bedömning inom 3 dagar", "Halland"] == "85 %"
    row = by_name.loc["Hälso- och sjukvårdsbarometern, väntetider, andel positiva"]
    assert (row["Halland"], row["Riket"]) == ("63 %", "61 %")
    row = by_name.loc["Nationell patientenkät, dimension tillgänglighet, andel positiva"]
    assert (row["Halland"], row["Riket"]) == ("86,1 %", "82,6 %")
    text = page_text(at)
    captions = [fmt.plain(str(c.value)).replace("\\", "") for c in at.caption]  # captions are Markdown-escaped
    assert any(c.endswith("Telefontillgänglighet (vårdgaranti) (hösten 2022): 92 %.") for c in captions)
    for false in ("92,0 %", "85,0 %", "63,0 %", "61,0 %"):
        assert false not in text


def test_credits_say_what_the_sources_give():
    """Issue 10 m: the travel-time draft is undated; kommun codes are SCB's and the
    seats are typed for the app, not the deck's."""
    at = open_page("pages/om_data.py")
    cat = at.table[0].value.set_index("Fil")
    assert cat.loc["restid_vc.csv", "Avser"] == "odaterat"
    assert "2025" not in cat.loc["restid_vc.csv", "Avser"]
    k = cat.loc["kommuner.csv"]
    assert k["Utgivare"] == "SCB" and "dialog" not in k["Källa"].lower()
    assert "skrivits in för appen" in k["Not"]
    sources = at.table[1].value.set_index("Nyckel")
    assert sources.loc["RH-SBA", "Datum"] == "odaterat utkast"


def test_tillganglighet_texts_come_from_the_data_dir():
    """The deck's questions and its closing question are data (dialog.toml)."""
    at = open_page("pages/tillganglighet.py")
    info = " ".join(str(e.value) for e in at.info)
    assert "Vilka krav på öppettider ska gälla?" in info and "Vad är bäst för hallänningen?" in info
    text = page_text(at)
    assert "jämfört med riket och Kronoberg" in text
    assert "- Ca 1 200 000 besök på vårdcentralerna 2022" in " ".join(fmt.plain(str(m.value)) for m in at.markdown)  # {vc_besok} filled from the key figures


def test_tillganglighet_without_dialogue_file_still_renders(tmp_path, monkeypatch):
    d = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    (d / "dialog.toml").unlink()
    monkeypatch.setenv("NARAVARD_DATA_DIR", str(d))
    at = open_page("pages/tillganglighet.py")
    assert not at.info and "Vad gäller för vårdcentralerna" not in page_text(at)
    assert "92 %" in page_text(at)  # the rest of the page is there
