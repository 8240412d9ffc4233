"""Unit registers kept for all users (schema 3): save, newest, list, migration from a
schema-2 file, read-only stores (old and new), a damaged row skipped, limits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from naravard.store import RegisterRepository, ScenarioStore
from naravard.store.sqlite import (
    _MIGRATIONS,
    APPLICATION_ID,
    MAX_REGISTER_BYTES,
    SCHEMA_VERSION,
    StoreCorruptError,
    StoreInvalidError,
    StoreLimitError,
    StoreNotFoundError,
    StoreReadOnlyError,
)
from tests.storefiles import checkpoint, garbage, integrity_ok, overwrite

CSV_A = "id;namn;typ\nVC-1;Vårdcentralen Å;vårdcentral\n"
CSV_B = "id;namn;typ\nVC-1;Vårdcentralen Å;vårdcentral\nVC-2;Andra;vårdcentral\nMARKERING-SOM-SKADAS;x;vårdcentral\n"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "scenarier.sqlite3"


def test_save_latest_list_and_get(path: Path):
    store = ScenarioStore(path)
    assert isinstance(store, RegisterRepository)
    assert store.latest_register() is None and store.list_registers() == []
    a = store.save_register("Vårdvalets enhetslista november", "Vårdval", CSV_A, 1)
    b = store.save_register("Vårdvalets enhetslista december", "Vårdval", CSV_B, 3)
    assert b.id > a.id
    latest = store.latest_register()
    assert latest == b and latest.csv_text == CSV_B and latest.rows == 3
    assert [(r.id, r.name, r.rows) for r in store.list_registers()] == [(b.id, b.name, 3), (a.id, a.name, 1)]
    assert store.get_register(a.id).csv_text == CSV_A
    with pytest.raises(StoreNotFoundError):
        store.get_register(a.id + 100)
    # Scenarios and registers live side by side in one file.
    store.save("Plan")
    assert [s.name for s in store.list()] == ["Plan"] and ScenarioStore(path).latest_register() == b


@pytest.mark.parametrize(
    "name, source, text, rows",
    [
        ("", "s", CSV_A, 1),
        ("Namn", "s", "", 1),
        ("Namn", "s", "a;b\n\x00", 1),
        ("Namn\u202e", "s", CSV_A, 1),
        ("Namn", "s", CSV_A, -1),
        ("Namn", "s", CSV_A, True),
        ("Namn", "s", "x" * (MAX_REGISTER_BYTES + 1), 1),
    ],
)
def test_invalid_registers_are_refused_in_swedish_and_nothing_is_kept(path: Path, name, source, text, rows):
    store = ScenarioStore(path)
    with pytest.raises(StoreInvalidError) as e:
        store.save_register(name, source, text, rows)
    assert e.value.message_sv and str(path) not in e.value.message_sv
    assert store.list_registers() == []


def test_the_number_of_registers_is_capped(path: Path, monkeypatch):
    import naravard.store.sqlite as sq

    monkeypatch.setattr(sq, "MAX_DATA_VERSIONS_PER_KIND", 2)
    store = ScenarioStore(path)
    store.save_register("A", "", CSV_A, 1)
    store.save_register("B", "", CSV_A, 1)
    with pytest.raises(StoreLimitError) as e:
        store.save_register("C", "", CSV_A, 1)
    assert "2 sparade register" in e.value.message_sv
    assert [r.name for r in store.list_registers()] == ["B", "A"]


def _schema_2_file(path: Path) -> None:
    """A file as the previous version wrote it: schema 2, one scenario, no register table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for step in _MIGRATIONS[:2]:
        for statement in step:
            conn.execute(statement)
    conn.execute(
        "INSERT INTO scenario (name, grp, note, created_at, updated_at, payload, name_key, grp_key)"
        " VALUES ('Gammal', 'g', '', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', '{\"x\":1}', 'gammal', 'g')"
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    checkpoint(path)


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_schema_2_file_is_migrated_and_keeps_its_scenarios(path: Path):
    _schema_2_file(path)
    assert SCHEMA_VERSION >= 3
    store = ScenarioStore(path)
    assert store.latest_register() is None  # a read migrates a writable file
    assert _version(path) == SCHEMA_VERSION
    [old] = store.list()
    assert (old.name, old.payload) == ("Gammal", {"x": 1})
    saved = store.save_register("Första", "", CSV_A, 1)
    assert store.latest_register() == saved and [s.name for s in store.list()] == ["Gammal"]


def test_schema_2_file_read_only_reads_scenarios_and_has_no_registers(path: Path):
    """A deployment whose old file is read-only keeps its saved scenarios readable."""
    _schema_2_file(path)
    before = path.read_bytes()
    ro = ScenarioStore(path, read_only=True)
    assert [s.name for s in ro.list()] == ["Gammal"] and ro.page().total == 1
    assert ro.latest_register() is None and ro.list_registers() == []
    with pytest.raises(StoreReadOnlyError) as e:
        ro.save_register("Nytt", "", CSV_A, 1)
    assert "skrivskyddad" in e.value.message_sv
    assert path.read_bytes() == before and _version(path) == 2, "a read-only file is never migrated"


def test_read_only_store_reads_registers_and_refuses_saving(path: Path):
    rw = ScenarioStore(path)
    kept = rw.save_register("Lista", "Vårdval", CSV_A, 1)
    checkpoint(path)
    before = path.read_bytes()
    ro = ScenarioStore(path, read_only=True)
    assert ro.latest_register() == kept and [r.id for r in ro.list_registers()] == [kept.id]
    with pytest.raises(StoreReadOnlyError):
        ro.save_register("Ny", "", CSV_B, 3)
    assert path.read_bytes() == before


@pytest.mark.parametrize("damage", ["checksum", "bytes"])
def test_a_damaged_register_row_is_skipped_and_the_one_before_is_used(path: Path, damage: str, caplog):
    store = ScenarioStore(path)
    older = store.save_register("Äldre", "", CSV_A, 1)
    newer = store.save_register("Nyare", "", CSV_B, 3)
    marker = b"MARKERING-SOM-SKADAS"
    # Valid text that no longer matches its checksum, or bytes that are not UTF-8.
    overwrite(path, marker, b"markering-som-andrad" if damage == "checksum" else garbage(len(marker)))
    assert integrity_ok(path), "SQLite's own check does not see it"
    before = path.read_bytes()
    with caplog.at_level("WARNING"):
        assert store.latest_register() == older
    assert "skipping register" in caplog.text
    assert [r.id for r in store.list_registers()] == [older.id]
    with pytest.raises(StoreCorruptError) as e:
        store.get_register(newer.id)
    assert e.value.message_sv == f"Det sparade registret (id {newer.id}) är skadat och kan inte öppnas."
    assert path.read_bytes() == before, "a damaged row is never rewritten"
    # Saving a new one still works and becomes the newest.
    third = store.save_register("Tredje", "", CSV_A, 1)
    assert store.latest_register() == third
