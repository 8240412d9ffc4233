"""Hostile unit registers and travel matrices (tests/hostile/geo/, made by tests/unitfiles.py).

The contract, for every file: a Swedish message that names the row (or, for the size
and the merged header, what is wrong with the file as a whole), safe to render as
Markdown, never an exception; nothing is kept in the store and the embedded data is
unchanged. Property tests feed arbitrary bytes and mutated registers to the readers.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naravard.services import units as su
from naravard.sources.dataset import DEFAULT_DATA_DIR, load_dataset
from naravard.sources.travelmatrix import read_travel_matrix
from naravard.sources.units import read_register
from naravard.store import ScenarioStore
from naravard.store.sqlite import StoreInvalidError
from tests import unitfiles

GEO = Path(__file__).resolve().parents[1] / "hostile" / "geo"

# (file, words the problems must contain together). Rows as the user sees them.
BAD_REGISTERS = [
    ("enheter_okand_kommunkod.csv", ["Rad 3", "kommunkod «9999»", "inte en kommun i regionen"]),
    ("enheter_punkt_i_havet.csv", ["Rad 2", "26,1 km utanför", "högst 3 km"]),
    ("enheter_annan_region.csv", ["Rad 4", "kommun 1278", "inte hör till regionen"]),
    ("enheter_dubblett_id.csv", ["Rad 5", "«VC-B»", "finns redan på rad 3"]),
    ("enheter_filial_utan_huvudenhet.csv", ["Rad 4", "saknar huvudenhet"]),
    ("enheter_filial_okand_huvudenhet.csv", ["Rad 4", "«VC-X»", "finns inte i filen"]),
    ("enheter_filial_till_filial.csv", ["Rad 5", "«FIL-C» (rad 4)", "är själv en filial"]),
    ("enheter_text_i_listade.csv", ["Rad 2", "listade «cirka 8000»", "inte ett tal"]),
    ("enheter_text_i_koordinat.csv", ["Rad 3", "lat «norr om torget»", "inte ett tal"]),
    ("enheter_negativt_listade.csv", ["Rad 3", "negativt", "−6\u00a0200"]),
    ("enheter_10000_rader.csv", ["10\u00a0000 rader", "gränsen 5\u00a0000"]),
    ("enheter_sammanfogad_rubrik.xlsx", ["sammanfogade celler", "«G1:H1»", "Dela upp celler"]),
    ("enheter_ogiltigt_id.csv", ["Rad 2", "«VC A:1»", "går inte att använda"]),
    ("enheter_latlon_omkastade.csv", ["Rad 3", "omkastade"]),
    ("enheter_formel_i_namn.csv", ["Rad 2", "kalkylbladsformel"]),
    ("enheter_okand_typ.csv", ["Rad 3", "typ «sjukhus»", "okänd"]),
    ("enheter_utan_koordinater.csv", ["Rad 3", "koordinater saknas"]),
    ("enheter_cp1252_okand_kommunkod.csv", ["Rad 3", "kommunkod «1399»"]),
]
BAD_MATRICES = [
    ("restid_matris_okand_ruta.csv", ["1 rad har", "ruta_id", "rad 5", "«9999999999999»"]),
    ("restid_matris_okand_enhet.csv", ["1 rad har", "enhet_id", "rad 3", "«VC-Z»"]),
    ("restid_matris_text_i_minuter.csv", ["inte är tal", "rad 4", "«en kvart»"]),
    ("restid_matris_negativ.csv", ["negativa", "rad 4"]),
    ("restid_matris_dubblett.csv", ["Samma par", "rad 5"]),
    ("restid_matris_saknar_kolumn.csv", ["Kolumner saknas", "minuter eller km"]),
]
DEMAND_IDS = [unitfiles.SQ1, unitfiles.SQ2]
SUPPLY_IDS = ["VC-A", "VC-B", "FIL-C"]


def _data_hashes() -> dict[str, str]:
    return {str(p.relative_to(DEFAULT_DATA_DIR)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(DEFAULT_DATA_DIR.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module", autouse=True)
def _embedded_data_unchanged():
    before = _data_hashes()
    yield
    assert _data_hashes() == before, "a register check wrote to the embedded data/"


def _safe_markdown(text: str) -> bool:
    return not any(s in text for s in ("<", ">", "[", "](", "$", "\\"))


def test_corpus_is_what_the_generator_writes_and_every_file_has_a_case():
    listed = {f for f, _ in BAD_REGISTERS} | {f for f, _ in BAD_MATRICES}
    assert listed == {p.name for p in GEO.iterdir()}
    assert len(listed) >= 15
    for name, data in unitfiles.FILES.items():
        if name.endswith(".xlsx"):
            continue  # a workbook carries its save time
        assert (GEO / name).read_bytes() == data, f"{name} differs from tests/unitfiles.py: run python -m tests.unitfiles"


def test_the_valid_register_and_matrix_of_the_corpus_are_accepted(ds):
    r = su.check_register(ds, "\n".join(unitfiles.VALID).encode("utf-8"), "giltig.csv")
    assert r.ok, r.problems_sv
    m = read_travel_matrix("\n".join(unitfiles.MATRIX_OK).encode(), "m.csv", demand_ids=DEMAND_IDS, supply_ids=SUPPLY_IDS)
    assert m.ok and m.unit == "min" and list(m.frame["cost_value"]) == [12.5, 31.0, 7.25]


@pytest.mark.parametrize("filename, words", BAD_REGISTERS, ids=[c[0] for c in BAD_REGISTERS])
def test_hostile_register_gives_a_swedish_message_naming_the_row_and_stores_nothing(ds, tmp_path, filename, words):
    raw = (GEO / filename).read_bytes()
    r = su.check_register(ds, raw, filename)
    assert not r.ok and r.frame is None and r.unexpected == ""
    text = " ".join(r.problems_sv)
    for w in words:
        assert w in text, (w, text)
    for t in (*r.problems_sv, *r.notices_sv, r.message_sv):
        assert _safe_markdown(t) and "Traceback" not in t and "Error" not in t, t
    assert r.message_sv.startswith(f"Filen {filename} kunde inte användas:")
    store = ScenarioStore(tmp_path / "s.sqlite3")
    with pytest.raises(StoreInvalidError) as e:
        su.keep_register(store, r, "Försök")
    assert "har fel och kan inte sparas" in e.value.message_sv
    assert store.list_registers() == [] and store.latest_register() is None


@pytest.mark.parametrize("filename, words", BAD_MATRICES, ids=[c[0] for c in BAD_MATRICES])
def test_hostile_matrix_gives_a_swedish_message_naming_the_row(filename, words):
    m = read_travel_matrix((GEO / filename).read_bytes(), filename, demand_ids=DEMAND_IDS, supply_ids=SUPPLY_IDS)
    assert not m.ok and m.frame is None
    text = " ".join(m.problems)
    for w in words:
        assert w in text, (w, text)
    assert all(_safe_markdown(t) for t in m.problems) and m.message_sv.startswith(f"Filen {filename} kunde inte")


def test_many_bad_rows_are_summarised(ds):
    lines = [unitfiles.HEADER] + [unitfiles._replace(unitfiles.VC_A, id=f"VC-{i}", kommunkod="9999") for i in range(40)]
    r = su.check_register(ds, "\n".join(lines).encode(), "m.csv")
    assert len(r.problems_sv) == 9 and r.problems_sv[-1] == "… och 32 fel till av samma slag."


# ------------------------------------------------------------------ properties

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_register_reader_on_arbitrary_bytes_gives_a_report(raw):
    r = read_register(raw, "x.csv", region_codes=["1380", "1384"])
    assert r.frame is None or r.ok
    assert all(isinstance(p, str) and p for p in r.problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 12), st.text(max_size=12)), max_size=6))
def test_mutated_valid_register_gives_a_report_never_an_exception(edits):
    rows = [line.split(";") for line in unitfiles.VALID]
    for r, c, text in edits:
        rows[r][c] = text.replace(";", ",").replace("\n", " ").replace("\r", " ")
    raw = "\n".join(";".join(r) for r in rows).encode("utf-8", "surrogatepass")
    r = read_register(raw, "x.csv", region_codes=["1380", "1384"])
    assert (r.frame is not None) == (not r.problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_matrix_reader_on_arbitrary_bytes_gives_a_report(raw):
    m = read_travel_matrix(raw, "m.csv", demand_ids=DEMAND_IDS, supply_ids=SUPPLY_IDS)
    assert m.frame is None or m.ok
