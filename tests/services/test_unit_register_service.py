"""The register use cases (services.units): check, keep for all users, current, example,
travel matrix; with the real data, a read-only store and another region's data."""

from __future__ import annotations

import pytest

from naravard.services import units as su
from naravard.sources import geoframes as gf
from naravard.sources.dataset import DEFAULT_DATA_DIR, load_dataset
from naravard.sources.grid import load_grid
from naravard.store import ScenarioStore
from naravard.store.sqlite import StoreReadOnlyError
from tests import unitfiles
from tests.storefiles import checkpoint
from tests.test_region import write_region

EXAMPLE = (DEFAULT_DATA_DIR / "examples" / "enheter_osm_2020.csv").read_bytes()
VALID = "\n".join(unitfiles.VALID).encode("utf-8")


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_check_register_holds_it_against_the_supply_table(ds):
    r = su.check_register(ds, EXAMPLE, "osm.csv")
    assert r.ok and r.unexpected == "" and len(r.frame) == 14
    assert r.check_sv == ("Registret har 14 vårdcentraler och 0 filialer; utbudstabellen (HSU-2023, 2022–2023) anger "
                          "47 vårdcentraler och 11 filialer. Skillnaden visas som en kontroll; ingenting justeras.")
    assert r.check.loc["region", "vc_tabell"] == 47 and r.check.loc["1384", "vc_register"] == 2
    assert r.message_sv == "Filen osm.csv lästes: 14 enheter."


def test_a_failing_check_is_a_report_not_an_exception(ds, monkeypatch):
    monkeypatch.setattr(su, "register_check", lambda *a: 1 / 0)
    r = su.check_register(ds, VALID, "v.csv")
    assert not r.ok and r.unexpected.startswith("ZeroDivisionError") and "fel i verktyget" in r.message_sv


def test_keep_and_current_register_for_all_users(ds, tmp_path):
    path = tmp_path / "s.sqlite3"
    store = ScenarioStore(path)
    assert su.current_register(store, ds) is None
    r = su.check_register(ds, VALID, "vardval_nov.csv")
    saved = su.keep_register(store, r, "Vårdvalets lista november")
    assert saved.rows == 3 and saved.source == "Eget register: vardval_nov.csv (källa: Test)"
    # Another session (a new store object on the same file) sees it.
    cur = su.current_register(ScenarioStore(path), ds)
    assert cur is not None and cur.problems_sv == ()
    assert cur.frame[gf.SUPPLY_ID].tolist() == ["VC-A", "VC-B", "FIL-C"]
    assert cur.frame[gf.SUPPLY_MAIN].tolist() == ["", "", "VC-A"]
    assert cur.frame[gf.SUPPLY_LISTED].iloc[0] == 8100 and cur.saved.name == "Vårdvalets lista november"
    assert cur.label_sv.startswith("Sparat register: Vårdvalets lista november (sparat ")
    assert su.current_register(store) is not None  # without a dataset: the embedded data dir's codes
    # A newer one becomes the current one.
    su.keep_register(store, su.check_register(ds, EXAMPLE, "osm.csv"), "OSM-exemplet")
    assert len(su.current_register(store, ds).frame) == 14


def test_keep_on_a_read_only_store_writes_nothing(ds, tmp_path):
    path = tmp_path / "s.sqlite3"
    ScenarioStore(path).save("Plan")
    checkpoint(path)
    before = path.read_bytes()
    with pytest.raises(StoreReadOnlyError) as e:
        su.keep_register(ScenarioStore(path, read_only=True), su.check_register(ds, VALID, "v.csv"), "Lista")
    assert "skrivskyddad" in e.value.message_sv and path.read_bytes() == before


def test_a_register_kept_for_other_data_is_not_used_silently(ds, tmp_path):
    store = ScenarioStore(tmp_path / "s.sqlite3")
    su.keep_register(store, su.check_register(ds, VALID, "v.csv"), "Lista")
    other = write_region(tmp_path / "blekinge")
    cur = su.current_register(store, load_dataset(other), data_dir=other)
    assert cur is not None and cur.frame is None
    assert cur.problems_sv[0] == "Det sparade registret stämmer inte med de data som används nu."
    assert "inte en kommun i regionen" in cur.problems_sv[1]


def test_example_register_uses_the_supply_table_of_the_data(ds):
    frame, info = su.example_register(ds)
    assert len(frame) == 14 and info.label_sv == "Exempel: OpenStreetMap 2020, ofullständigt – 14 enheter av 58"


def test_travel_matrix_against_the_real_grid_and_the_example(ds):
    demand = load_grid()
    supply, _ = su.example_register(ds)
    lines = ["ruta_id;enhet_id;minuter"] + [f"{d};{s};10" for d in demand[gf.DEMAND_ID][:3] for s in supply[gf.SUPPLY_ID][:2]]
    m = su.check_travel_matrix(demand, supply, "\n".join(lines).encode(), "r5r.csv")
    assert m.ok and len(m.frame) == 6 and "Matrisen har värden för 3 av 3\u00a0940 rutor" in m.notices[-1]


def test_without_a_kommun_table_the_check_says_why(tmp_path):
    import shutil

    d = tmp_path / "d"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    (d / "kommuner.csv").write_text("trasig\n", encoding="utf-8")
    broken = load_dataset(d)
    assert not broken.has("kommuner")
    r = su.check_register(broken, VALID, "v.csv", data_dir=d)
    assert not r.ok and r.unexpected == "" and "Kommuntabellen saknas" in r.problems_sv[0]
