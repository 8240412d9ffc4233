"""AppTest for the Ladda data page and for the session's own data on the other pages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt, ui
from naravard.sources.dataset import DEFAULT_DATA_DIR
from tests.apptables import APP, table_with

TIMEOUT = 90
PAGE = "pages/ladda_data.py"
HOSTILE = Path(__file__).resolve().parents[1] / "hostile"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Never touch the developer's store or boundary cache; never write data/."""
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    def digests() -> dict[str, str]:
        return {str(p.relative_to(DEFAULT_DATA_DIR)): hashlib.sha256(p.read_bytes()).hexdigest() for p in DEFAULT_DATA_DIR.rglob("*") if p.is_file()}

    before = digests()
    yield
    assert digests() == before


def new_population() -> bytes:
    """The embedded forecast with Kungsbacka 2030 raised by 31 (the län row too)."""
    raw = (DEFAULT_DATA_DIR / "befolkning_total.csv").read_bytes()
    return raw.replace(b"86449", b"86480").replace(b"349997", b"350028")


def app(state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, script: str) -> AppTest:
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: fmt.plain(m.value) for m in at.metric}


def texts(elements) -> str:
    return fmt.plain(" ".join(str(e.value) for e in elements))


def test_page_renders_with_template_downloads_and_the_upload_limit():
    at = go(app(), PAGE)
    assert not at.error
    assert at.title[0].value == "Ladda in egna data"
    assert at.selectbox(key="nv_ladda_tabell").value == "befolkning"
    up = at.file_uploader(key="nv_ladda_fil")
    assert "5 MB" in up.label.replace("\u00a0", " ") and "Excel-arbetsbok (.xlsx)" in up.label
    # offer exactly what is read (no .xls), and the uploader's own limit line says 5MB, not 20MB
    assert list(up.proto.type) == [".csv", ".txt", ".tsv", ".xlsx"] and up.proto.max_upload_size_mb == 5
    captions = texts(at.caption)
    assert "Gräns: 5 MB och 10 000 rader per fil. Filtyper: CSV, TXT, TSV, XLSX." in captions and "Källa:" in captions
    assert any("regionkod" in c.value for c in at.code)  # the example file


def test_upload_a_good_file_use_it_and_every_page_follows():
    at = go(app(), PAGE)
    at.file_uploader(key="nv_ladda_fil").set_value(("prognos.csv", new_population(), "text/csv"))
    at.run()
    assert not at.exception and not at.error
    assert "2 värden skiljer sig" in texts(at.success)
    diff = table_with(at, "Förändring")
    assert list(diff.columns) == ["Rad", "Kolumn", "Nu", "I filen", "Förändring"]
    assert "Kungsbacka 1384" in set(diff["Rad"])

    at.button(key="nv_ladda_anvand").click().run()
    assert not at.exception
    assert at.session_state[ui.KEY_DATA_IMPORT] == {"befolkning": new_population()}
    assert "används nu för Folkmängd per kommun" in texts(at.success)

    go(at, "pages/oversikt.py")
    assert metrics(at)["Invånare 2030 (prognos)"] == "350 028"
    assert "Egen data" in texts(at.caption)  # the source line cites the user's file

    go(at, "pages/scenario.py")  # the model's inputs are rebuilt from the session's data
    assert not at.error

    go(at, PAGE)
    at.button(key="nv_ladda_aterstall").click().run()
    assert ui.KEY_DATA_IMPORT not in at.session_state
    go(at, "pages/oversikt.py")
    assert metrics(at)["Invånare 2030 (prognos)"] == "349 997"


@pytest.mark.parametrize(
    "filename, table, words",
    [
        ("okand_kommunkod_befolkning.csv", "befolkning", ["kan inte användas", "okänd kommunkod 9999"]),
        ("zip_forklaedd.csv", "utbud", ["zip-fil"]),
        ("html_befolkning.csv", "befolkning", ["HTML"]),
        ("tom.csv", "tillganglighet", ["tom"]),
    ],
)
def test_bad_file_gives_a_swedish_error_and_no_use_button(filename, table, words):
    at = go(app(), PAGE)
    at.selectbox(key="nv_ladda_tabell").set_value(table).run()
    at.file_uploader(key="nv_ladda_fil").set_value((filename, (HOSTILE / filename).read_bytes(), "text/csv"))
    at.run()
    assert not at.exception
    err = texts(at.error)
    assert f"Filen {filename} kan inte användas" in err
    for w in words:
        assert w in err, (w, err)
    assert not [b for b in at.button if b.key == "nv_ladda_anvand"]
    assert ui.KEY_DATA_IMPORT not in at.session_state


def test_session_override_changes_the_overview_and_shows_the_sidebar_notice():
    at = app({ui.KEY_DATA_IMPORT: {"befolkning": new_population()}})
    assert metrics(at)["Invånare 2030 (prognos)"] == "350 028"
    notice = texts(at.sidebar.info)
    assert "Du använder egen data för: Folkmängd per kommun (historik och prognos)" in notice
    go(at, "pages/om_data.py")
    cat = at.table[0].value  # the catalogue
    assert "befolkning_total.csv (egen data)" in set(cat["Fil"])
    assert "Egen data (inläst fil)" in set(at.table[1].value["Titel"])  # the sources


def test_without_overrides_there_is_no_notice():
    at = app()
    assert "egen data" not in texts(at.sidebar.info)


@pytest.mark.parametrize(
    "state",
    [
        {"befolkning": b"\x00\x01 garbage"},
        {"befolkning": b"regionkod,region,2030\n1384,Kungsbacka,1\n"},
        {"utbud": (HOSTILE / "formel_utbud.csv").read_bytes()},
        {"okand_tabell": b"x", 7: b"y"},
        {"befolkning": 12345, "utbud": None},
        "inte en dict",
    ],
)
def test_broken_session_data_gives_messages_not_tracebacks(state):
    """Bytes that bypassed the check (or junk in the session) never crash a page."""
    at = app({ui.KEY_DATA_IMPORT: state})
    for script in ("pages/oversikt.py", "pages/befolkning.py", "pages/scenario.py", "pages/om_data.py", PAGE):
        go(at, script)
        for e in at.error:
            assert "Traceback" not in e.value


def test_broken_session_data_names_the_users_file():
    at = app({ui.KEY_DATA_IMPORT: {"befolkning": b"\x00\x01 garbage"}})
    err = texts(at.error)
    assert "befolkning_total.csv (egen data)" in err and "binära data" in err


# ------------------------------------------------------------------ issue 10, defect a

PAGES = ("pages/oversikt.py", "pages/befolkning.py", "pages/scenario.py", "pages/tillganglighet.py", "pages/om_data.py", PAGE)


def varberg_plus_2000() -> bytes:
    """The planner's edit: Varberg 2030 raised by 2 000 and the län row to match (FACTS S2:
    Varberg 71 718, Halland 349 997 in 2030)."""
    raw = (DEFAULT_DATA_DIR / "befolkning_total.csv").read_bytes()
    new = raw.replace(b"1383,Varberg,65397,66658,67800,68325,69070,69462,71718,", b"1383,Varberg,65397,66658,67800,68325,69070,69462,73718,")
    new = new.replace(b"346088,349997,", b"346088,351997,")
    assert new.count(b"73718") == 1 and new.count(b"351997") == 1
    return new


def _media_id(data: bytes, mimetype: str, filename: str) -> str:
    from streamlit.runtime.memory_media_file_storage import _calculate_file_id

    return _calculate_file_id(data, mimetype, filename)


def test_defect_a_population_edit_that_breaks_the_age_sums_keeps_every_page():
    """Upload, use, then every page renders its content with a note naming both tables;
    the age table's template stays downloadable."""
    at = go(app(), PAGE)
    at.file_uploader(key="nv_ladda_fil").set_value(("befolkning_varberg.csv", varberg_plus_2000(), "text/csv"))
    at.run()
    assert not at.exception and not at.error
    notices = texts(at.warning)
    assert "”Folkmängd per kommun och åldersgrupp” (befolkning_alder.csv)" in notices
    assert "Varberg 1383 år 2030: 71 718 mot 73 718 (+2 000)" in notices
    assert "F5" in texts(at.info)  # said before the data is used
    at.button(key="nv_ladda_anvand").click().run()
    assert not at.exception

    for script in PAGES:
        go(at, script)
        errors = texts(at.error)
        assert not at.error, (script, errors)
        sidebar = texts(at.sidebar.warning)
        assert "”Folkmängd per kommun och åldersgrupp” och ”Folkmängd per kommun 31 december" in sidebar, script
        assert "F5" in texts(at.sidebar.info), script
        if script == "pages/oversikt.py":
            m = metrics(at)
            assert m["Invånare 2030 (prognos)"] == "351 997"  # the new total carries through
            assert m["80 år och äldre 2030"] == "30 147"  # the age table's own figures (S2)
        if script == "pages/scenario.py":
            assert "Scenariomodellen kan inte räknas" not in errors
            assert "Invånare 80+" in {x.label for x in at.metric} and at.slider  # the studio is drawn
        if script == "pages/om_data.py":
            assert "Varberg 1383 år 2030: 71 718 mot 73 718 (+2 000)" in texts(at.warning)
        if script == PAGE:
            assert "F5" in texts(at.info)

    # every table's template can still be downloaded, the age table's as embedded
    from naravard.services.importing import template_csv
    from naravard.sources.dataset import load_dataset

    at.selectbox(key="nv_ladda_tabell").set_value("befolkning_alder").run()
    (csv_button,) = [b for b in at.get("download_button") if b.key == "nv_ladda_mall"]
    want = template_csv(load_dataset(), "befolkning_alder")
    assert csv_button.proto.url.endswith(_media_id(want, "text/csv", "befolkning_alder.csv") + ".csv")


@pytest.mark.parametrize("name", ["befolkning", "befolkning_alder", "utbud", "tillganglighet"])
def test_every_template_downloadable_when_the_sessions_file_does_not_load(name):
    """Bytes that no longer load (the table is in problems): the template is the embedded table."""
    from naravard.services.importing import template_csv
    from naravard.sources.dataset import load_dataset

    at = app({ui.KEY_DATA_IMPORT: {name: b"\x00\x01 garbage"}})
    go(at, PAGE)
    at.selectbox(key="nv_ladda_tabell").set_value(name).run()
    assert not at.exception
    buttons = {b.key: b for b in at.get("download_button")}
    want = template_csv(load_dataset(), name)
    assert buttons["nv_ladda_mall"].proto.url.endswith(_media_id(want, "text/csv", f"{name}.csv") + ".csv")
    assert "mallen är den inbäddade tabellen" in texts(at.caption)


def test_upload_an_excel_workbook_use_it_and_the_overview_follows():
    """A planner's .xlsx (Swedish number formats, a title row) is checked and used."""
    from naravard.services.importing import current_frame
    from naravard.sources.dataset import load_dataset
    from tests import xlsxfiles

    frame = current_frame(load_dataset(), "befolkning")
    frame.loc[frame["regionkod"] == "1383", "2030"] = 73718
    frame.loc[frame["regionkod"] == "13", "2030"] = 351997
    raw = xlsxfiles.workbook(frame, sheet="befolkning", title="Prognos", number_format="# ##0")
    at = go(app(), PAGE)
    at.file_uploader(key="nv_ladda_fil").set_value(("prognos.xlsx", raw, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()
    assert not at.exception and not at.error
    assert "2 värden skiljer sig" in texts(at.success)
    assert "Varberg 1383" in set(table_with(at, "Förändring")["Rad"])
    at.button(key="nv_ladda_anvand").click().run()
    go(at, "pages/oversikt.py")
    assert metrics(at)["Invånare 2030 (prognos)"] == "351 997"


def test_a_workbook_with_a_formula_is_refused_on_the_page():
    from tests import xlsxfiles

    at = go(app(), PAGE)
    at.selectbox(key="nv_ladda_tabell").set_value("utbud").run()
    at.file_uploader(key="nv_ladda_fil").set_value(("utbud.xlsx", xlsxfiles.formula(), "application/octet-stream"))
    at.run()
    assert not at.exception
    assert "Cell C2 innehåller en formel" in texts(at.error)
    assert not [b for b in at.button if b.key == "nv_ladda_anvand"]


@pytest.mark.parametrize(
    "url, base, want",
    [
        ("http://localhost:8501/finns-inte", "", "finns-inte"),
        ("http://localhost:8501/oversikt", "", None),
        ("http://localhost:8501/", "", None),
        ("http://localhost:8501", "", None),
        ("http://h/naravard/", "naravard", None),
        ("http://h/naravard/scenario", "naravard", None),
        ("http://h/naravard/gammal_sida", "naravard", "gammal_sida"),
        ("http://h/a/b", "", None),  # nested: left to Streamlit
        ("http://h/%3Cscript%3E", "", None),  # unsafe names are never a page name
        (None, "", None),
    ],
)
def test_unknown_page_name(url, base, want):
    from naravard.ui.notfound import unknown_page_name

    assert unknown_page_name(url, [p.url_path for p in ui.PAGES], base) == want


@pytest.mark.parametrize("page", ["ladda_data.py", "om_data.py"])
def test_page_is_thin_without_key_literals_or_callbacks(page):
    """Layout and calls only: ≤ 100 lines, session keys through naravard.ui.state, no callbacks."""
    import ast

    path = Path(__file__).resolve().parents[2] / "pages" / page
    src = path.read_text(encoding="utf-8")
    assert len(src.splitlines()) <= 100
    tree = ast.parse(src)
    literals = [k.value.value for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg == "key" and isinstance(k.value, ast.Constant)]
    callbacks = [k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords if k.arg in ("on_click", "on_change")]
    functions = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert (literals, callbacks, functions) == ([], [], [])
    assert "session_state" not in src
