"""Published data versions (services.publishing) on a real store: publish an accepted
import, read it back as the same table, cite it; refusals; the unit register.

The variant file is the embedded population table with its 2030 column taken from the
dialogue deck's forecast (FACTS.md, HSU-2023 table "Befolkningsutveckling och antal
utbudspunkter": invånare 2022 + prognos förändring till 2030, e.g. Kungsbacka
86 100 + 4 850 = 90 950; the län 361 662, the deck's "ca 362 000").
"""

from __future__ import annotations

import pandas as pd
import pytest

from naravard.services import publishing
from naravard.sources.dataset import DEFAULT_DATA_DIR, load_dataset
from naravard.store import ScenarioStore, StoreError, StoreInvalidError
from naravard.store.access import Access
from naravard.views.slides import source_lines

CLOCK = "2026-11-30T10:15:00Z"
# Kommun → the deck's 2030 forecast (HSU-2023): invånare 2022 + förändring till 2030.
HSU_2030 = {"1384": 86100 + 4850, "1383": 67300 + 4417, "1382": 47100 + 2537, "1380": 105400 + 5900,
            "1381": 26500 + 1398, "1315": 10500 - 340}
HSU_2030_LAN = 361662
DECK = "Region Halland, dialogunderlag HSU-2023"


def variant_file() -> bytes:
    """befolkning_total.csv with the 2030 column from the dialogue deck (see the module
    docstring): a legitimate forecast variant a planner may publish (FACTS.md S1 note)."""
    assert sum(HSU_2030.values()) == HSU_2030_LAN
    lines = (DEFAULT_DATA_DIR / "befolkning_total.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("2030")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[col] = str(HSU_2030_LAN if cells[0] == "13" else HSU_2030[cells[0]])
        out.append(",".join(cells))
    return ("\n".join(out) + "\n").encode("utf-8")


def pop(ds, code: str, year: int) -> int:
    b = ds.table("befolkning")
    return int(b[(b["regionkod"] == code) & (b["year"] == year)]["population"].item())


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture
def store(tmp_path) -> ScenarioStore:
    return ScenarioStore(tmp_path / "s.sqlite3", clock=lambda: CLOCK)


def test_publish_the_variant_read_it_back_and_get_the_same_table(ds, store):
    raw = variant_file()
    info = publishing.publish_import(store, ds, "befolkning", raw, "hsu_variant.csv", "HSU-2023 till 2030", DECK,
                                     "Prognosen ur dialogunderlaget")
    assert (info.kind, info.name, info.source, info.rows) == ("befolkning", "HSU-2023 till 2030", DECK, 7)
    (listed,) = store.list_data_versions("befolkning")
    assert listed.id == info.id and listed.note == "Prognosen ur dialogunderlaget"

    version = ScenarioStore(store.path).get_data_version(info.id)  # another session, another store object
    from_store = load_dataset(None, overrides={"befolkning": publishing.override_bytes(version)},
                              published={"befolkning": publishing.provenance(version)})
    from_file = load_dataset(None, overrides={"befolkning": raw})
    pd.testing.assert_frame_equal(from_store.table("befolkning"), from_file.table("befolkning"))
    assert pop(from_store, "1384", 2030) == 90950 and pop(from_store, "13", 2030) == HSU_2030_LAN
    assert pop(from_store, "1384", 2025) == 86333  # the other years as published by SCB (S1)
    assert pop(ds, "1384", 2030) == 86449  # the embedded data is unchanged

    # the provenance: every figure from the version cites it, not the manifest nor "egen data"
    label = f"Publicerad version ”HSU-2023 till 2030” (2026-11-30, {DECK})"
    assert publishing.label_sv(version) == label
    assert source_lines(from_store, "befolkning") == (f"Källa: {label}",)
    assert from_store.info["befolkning"].file == "befolkning_total.csv (publicerad version)"
    assert "EGEN" not in from_store.sources


def test_a_session_import_and_a_published_version_load_alike_but_cite_differently(ds, store):
    raw = variant_file()
    info = publishing.publish_import(store, ds, "befolkning", raw, "v.csv", "Variant", DECK)
    own = load_dataset(None, overrides={"befolkning": raw})
    assert source_lines(own, "befolkning") == ("Källa: Egen data (inläst fil), användaren, denna session",)
    pub = load_dataset(None, overrides={"befolkning": raw}, published={"befolkning": publishing.provenance(info)})
    assert source_lines(pub, "befolkning") == (f"Källa: Publicerad version ”Variant” (2026-11-30, {DECK})",)


def test_a_file_that_fails_the_check_is_not_published(ds, store):
    bad = variant_file().replace(b"1384,", b"9999,", 1)
    with pytest.raises(StoreInvalidError) as e:
        publishing.publish_import(store, ds, "befolkning", bad, "fel.csv", "Fel", DECK)
    assert "kan inte publiceras" in e.value.message_sv and "9999" in e.value.message_sv
    assert store.list_data_versions() == []


@pytest.mark.parametrize("source", ["", "   ", "\n"])
def test_the_source_is_required(ds, store, source):
    with pytest.raises(StoreInvalidError) as e:
        publishing.publish_import(store, ds, "befolkning", variant_file(), "v.csv", "Variant", source)
    assert e.value.message_sv.startswith("Ange källan")
    assert store.list_data_versions() == []


def test_a_name_is_used_once_per_table(ds, store):
    publishing.publish_import(store, ds, "befolkning", variant_file(), "v.csv", "Variant", DECK)
    with pytest.raises(StoreError) as e:
        publishing.publish_import(store, ds, "befolkning", variant_file(), "v.csv", "variant", DECK)
    assert "Variant" in e.value.message_sv
    assert len(store.list_data_versions("befolkning")) == 1


def test_only_a_planner_publishes_but_a_reader_lists_and_reads(ds, store):
    from naravard.store import StoreForbiddenError

    reader = store.with_access(Access.of("lasare@example.se", [("HSU", "läsare")], via="oidc"))
    member = store.with_access(Access.of("m@example.se", [("Gruppen", "gruppmedlem")], via="oidc"))
    for s in (reader, member):
        with pytest.raises(StoreForbiddenError):
            publishing.publish_import(s, ds, "befolkning", variant_file(), "v.csv", "Variant", DECK)
    planner = store.with_access(Access.of("p@example.se", [("Planerare", "planerare")], via="oidc"))
    info = publishing.publish_import(planner, ds, "befolkning", variant_file(), "v.csv", "Variant", DECK)
    assert [v.id for v in reader.list_data_versions()] == [info.id]
    assert pop(load_dataset(None, overrides={"befolkning": publishing.override_bytes(reader.get_data_version(info.id))}),
               "1384", 2030) == 90950


def test_withdrawn_versions_leave_the_list_but_stay_readable(ds, store):
    a = publishing.publish_import(store, ds, "befolkning", variant_file(), "v.csv", "Variant", DECK)
    b = publishing.publish_import(store, ds, "befolkning", variant_file(), "v.csv", "Variant 2", DECK)
    assert [v.id for v in store.list_data_versions("befolkning")] == [b.id, a.id]  # newest first
    store.withdraw_data_version(b.id)
    assert [v.id for v in store.list_data_versions("befolkning")] == [a.id]
    assert publishing.override_bytes(store.get_data_version(b.id)).startswith(b"regionkod,region,2020")


def test_publish_a_register_and_read_it_back_validated(ds, store):
    from naravard.services import units

    example = (DEFAULT_DATA_DIR / "examples" / "enheter_osm_2020.csv").read_bytes()
    report = units.check_register(ds, example, "osm.csv")
    with pytest.raises(StoreInvalidError):
        publishing.publish_register(store, report, "OSM", "")
    info = publishing.publish_register(store, report, "OSM-exemplet", "OpenStreetMap 2020 (ODbL)")
    assert (info.kind, info.rows) == (publishing.KIND_REGISTER, 14)
    version = store.get_data_version(info.id)
    frame, label, problems = publishing.register_from_version(version, version.content, ds)
    assert problems == () and len(frame) == 14
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), report.frame.reset_index(drop=True))
    assert label == "Sparat register: OSM-exemplet (publicerad version 2026-11-30; OpenStreetMap 2020 (ODbL))"
    assert store.latest_register().name == "OSM-exemplet"  # the old register API sees the same version


def test_a_published_register_that_no_longer_fits_says_why(ds, store):
    from naravard.services import units
    from naravard.sources.units import register_csv_text

    report = units.check_register(ds, (DEFAULT_DATA_DIR / "examples" / "enheter_osm_2020.csv").read_bytes(), "o.csv")
    text = register_csv_text(report.frame).replace(";1380;", ";9999;", 1)
    assert ";9999;" in text
    info = store.publish_data(publishing.KIND_REGISTER, "Gammal", "Test", text, 14)
    frame, _, problems = publishing.register_from_version(info, text, ds)
    assert frame is None and problems[0] == "Det sparade registret stämmer inte med de data som används nu."
