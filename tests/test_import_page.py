"""AppTest for the Ladda data page and for the session's own data on the other pages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from naravard import fmt, ui
from naravard.sources.dataset import DEFAULT_DATA_DIR
from tests.apptables import table_with

TIMEOUT = 90
PAGE = "pages/ladda_data.py"
HOSTILE = Path(__file__).parent / "hostile"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Never touch the developer's store or boundary cache; never write data/."""
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DEFAULT_DATA_DIR.iterdir()}
    yield
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DEFAULT_DATA_DIR.iterdir()} == before


def new_population() -> bytes:
    """The embedded forecast with Kungsbacka 2030 raised by 31 (the län row too)."""
    raw = (DEFAULT_DATA_DIR / "befolkning_total.csv").read_bytes()
    return raw.replace(b"86449", b"86480").replace(b"349997", b"350028")


def app(state: dict | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=TIMEOUT)
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
    assert "5 MB" in at.file_uploader(key="nv_ladda_fil").label.replace("\u00a0", " ")
    captions = texts(at.caption)
    assert "Gräns: 5 MB och 10 000 rader" in captions and "Källa:" in captions
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
