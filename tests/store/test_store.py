"""Tests for naravard.store: round trips, concurrency, locking and damaged files."""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path

import pytest


from naravard.store.sqlite import (
    MAX_PAYLOAD_BYTES,
    SCHEMA_VERSION,
    SavedScenario,
    ScenarioStore,
    StoreCorruptError,
    StoreDuplicateError,
    StoreError,
    StoreInvalidError,
    StoreLockedError,
    StoreNotFoundError,
)

GROUP = "Vänsterpartiets grupp – Åsa"
PAYLOAD = {"vårdcentraler": {"1380": 3, "1315": -1}, "andel_80+": 0.125, "kommentar": "Ökning ≈ 2 %", "lista": [1, 2.5, None, True]}


from tests.store.conftest import backend_store

@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "sub" / "dir" / "scenarier.sqlite3"


@pytest.fixture
def store(backend: str, path: Path, request) -> ScenarioStore:
    """On both backends (tests/store/conftest.py); tests that also take ``path`` use SQLite."""
    return backend_store(backend, path, request, timeout=2.0)


# --------------------------------------------------------------------------- basics


def test_round_trip_unicode(store: ScenarioStore, path: Path):
    saved = store.save("  Plan B – Kungsbacka  ", GROUP, "Rad ett\nRad två\tmed tab", PAYLOAD)
    assert path.exists()  # parent directories were created
    assert isinstance(saved, SavedScenario)
    assert saved.name == "Plan B – Kungsbacka"  # stripped
    assert saved.group == GROUP
    assert saved.payload == PAYLOAD
    assert saved.created_at == saved.updated_at
    assert saved.created_at.endswith("+00:00")
    got = store.get(saved.id)
    assert got == saved
    assert store.list() == [saved]


def test_restart_keeps_everything(path: Path):
    first = ScenarioStore(path)
    a = first.save("A", GROUP, "", {"x": 1})
    b = first.save("B", "", "anteckning", {"y": [1, 2]})
    del first
    again = ScenarioStore(path)
    assert again.list() == [b, a]  # newest first
    assert again.get(a.id).payload == {"x": 1}


def test_file_is_versioned_and_in_wal_mode(store: ScenarioStore, path: Path):
    store.save("A", "", "", {})
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_default_path_from_environment(tmp_path: Path, monkeypatch):
    target = tmp_path / "env" / "s.sqlite3"
    monkeypatch.setenv("NARAVARD_STORE", str(target))
    s = ScenarioStore()
    assert s.path == target
    s.save("A", "", "", {})
    assert target.exists()


def test_default_path_without_environment(monkeypatch):
    monkeypatch.delenv("NARAVARD_STORE", raising=False)
    assert ScenarioStore().path == Path(__file__).resolve().parents[2] / "var" / "scenarier.sqlite3"


def test_list_newest_first_and_empty(store: ScenarioStore):
    assert store.list() == []
    ids = [store.save(f"S{i}", "g", "", {"i": i}).id for i in range(5)]
    assert [s.id for s in store.list()] == ids[::-1]


def test_rename_update_note_delete(path: Path):
    times = iter(["2026-01-01T10:00:00+00:00", "2026-01-02T10:00:00+00:00", "2026-01-03T10:00:00+00:00", "2026-01-04T10:00:00+00:00"])
    store = ScenarioStore(path, clock=lambda: next(times))
    s = store.save("Gammalt namn", GROUP, "", {"a": 1})
    r = store.rename(s.id, "  Nytt namn ")
    assert (r.name, r.group, r.payload, r.created_at) == ("Nytt namn", GROUP, {"a": 1}, s.created_at)
    assert r.updated_at == "2026-01-02T10:00:00+00:00"
    n = store.update_note(s.id, "Diskuterat i nämnden")
    assert n.note == "Diskuterat i nämnden" and n.name == "Nytt namn"
    assert n.updated_at == "2026-01-03T10:00:00+00:00"
    assert store.get(s.id) == n
    store.delete(s.id)
    assert store.list() == []
    with pytest.raises(StoreNotFoundError):
        store.get(s.id)


def test_ids_are_not_reused(store: ScenarioStore):
    a = store.save("A", "", "", {})
    store.delete(a.id)
    b = store.save("A", "", "", {})
    assert b.id > a.id


def test_missing_ids(store: ScenarioStore):
    store.save("A", "", "", {})
    for op in (
        lambda: store.get(999),
        lambda: store.rename(999, "X"),
        lambda: store.update_note(999, "x"),
        lambda: store.delete(999),
    ):
        with pytest.raises(StoreNotFoundError) as exc:
            op()
        assert "999" in str(exc.value)
        assert exc.value.message_sv.startswith("Scenariot finns inte")
    assert len(store.list()) == 1


@pytest.mark.parametrize("bad_id", ["1", 1.0, None, True])
def test_bad_id_types(store: ScenarioStore, bad_id):
    with pytest.raises(StoreInvalidError):
        store.get(bad_id)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "name",
    ["", "   ", "x" * 81, "ny\nrad", "tab\there", "nul\x00", "del\x7f", "c1\x85mitt", "lone \ud800 surrogate", 42, None],
)
def test_invalid_names(store: ScenarioStore, name):
    with pytest.raises(StoreInvalidError) as exc:
        store.save(name, "g", "", {})
    assert exc.value.message_sv  # Swedish text for the UI
    assert store.list() == []


def test_name_limits_are_inclusive(store: ScenarioStore):
    assert store.save("x" * 80, "g" * 80, "n" * 2000, {}).name == "x" * 80
    assert store.save("  " + "y" * 80 + "  ", "", "", {}).name == "y" * 80  # stripped before counting


@pytest.mark.parametrize(
    ("group", "note"),
    [("g" * 81, ""), ("rad\nbryt", ""), ("", "n" * 2001), ("", "bell\x07"), (None, "")],
)
def test_invalid_group_and_note(store: ScenarioStore, group, note):
    with pytest.raises(StoreInvalidError):
        store.save("A", group, note, {})


def test_invalid_rename_leaves_scenario_alone(store: ScenarioStore):
    s = store.save("A", "", "", {})
    with pytest.raises(StoreInvalidError):
        store.rename(s.id, "")
    with pytest.raises(StoreInvalidError):
        store.update_note(s.id, "x" * 2001)
    assert store.get(s.id) == s


def test_duplicate_names_within_group_are_rejected(store: ScenarioStore):
    a = store.save("Plan Å", GROUP, "", {})
    for dup in ("Plan Å", "plan å", "PLAN  Å", " Plan Å "):
        with pytest.raises(StoreDuplicateError) as exc:
            store.save(dup, GROUP, "", {})
        assert "Plan Å" in exc.value.message_sv
    # same name in another group, or without a group, is fine
    store.save("Plan Å", "Moderaterna", "", {})
    store.save("Plan Å", "", "", {})
    b = store.save("Plan B", GROUP, "", {})
    with pytest.raises(StoreDuplicateError):
        store.rename(b.id, "plan å")
    assert store.rename(a.id, "plan å").name == "plan å"  # renaming to itself (new case) is fine
    assert isinstance(StoreDuplicateError("x", "y"), StoreInvalidError)


def test_payload_validation(store: ScenarioStore):
    with pytest.raises(StoreInvalidError) as exc:
        store.save("big", "", "", {"x": "a" * MAX_PAYLOAD_BYTES})
    assert "kB" in exc.value.message_sv
    # the limit counts UTF-8 bytes: 'å' is two bytes
    with pytest.raises(StoreInvalidError):
        store.save("big-å", "", "", {"x": "å" * (MAX_PAYLOAD_BYTES // 2)})
    for bad in ([1, 2], "text", {"x": float("nan")}, {"x": object()}, {"x": {1, 2}}):
        with pytest.raises(StoreInvalidError):
            store.save("bad", "", "", bad)
    assert store.list() == []
    just_fits = {"x": "a" * (MAX_PAYLOAD_BYTES - len('{"x":""}'))}
    assert store.save("fits", "", "", just_fits).payload == just_fits


def test_payload_is_json_normalised(store: ScenarioStore):
    s = store.save("A", "", "", {"t": (1, 2), 3: "tre"})
    assert s.payload == {"t": [1, 2], "3": "tre"}
    assert store.get(s.id) == s


def test_errors_have_english_and_swedish_messages(store: ScenarioStore):
    with pytest.raises(StoreError) as exc:
        store.save("", "", "", {})
    assert "empty" in str(exc.value)
    assert "tomt" in exc.value.message_sv
    for cls in (StoreNotFoundError, StoreInvalidError, StoreDuplicateError, StoreLockedError, StoreCorruptError):
        assert issubclass(cls, StoreError)


# --------------------------------------------------------------------------- concurrency


def _save_many(path: str, prefix: str, n: int) -> None:
    store = ScenarioStore(path, timeout=30.0)
    for i in range(n):
        store.save(f"{prefix}-{i}", prefix, "", {"i": i, "who": prefix})


def test_two_threads_write_at_once(path: Path):
    errors: list[BaseException] = []

    def run(prefix: str) -> None:
        try:
            _save_many(str(path), prefix, 50)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in ("tråd-a", "tråd-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = {s.name for s in ScenarioStore(path).list()}
    assert names == {f"{p}-{i}" for p in ("tråd-a", "tråd-b") for i in range(50)}


def test_two_processes_write_at_once(path: Path, monkeypatch):
    # A fresh file, so the two processes also race to create the schema.
    # A spawned child re-runs the parent's __main__ from its path; after an in-process
    # AppTest that is Streamlit's generated script, so give the children an empty one.
    import types

    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_save_many, args=(str(path), p, 50)) for p in ("proc-a", "proc-b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    saved = ScenarioStore(path).list()
    assert len(saved) == 100
    assert {s.name for s in saved} == {f"{p}-{i}" for p in ("proc-a", "proc-b") for i in range(50)}
    assert all(s.payload["who"] == s.group for s in saved)


def test_lock_held_beyond_timeout(path: Path):
    store = ScenarioStore(path, timeout=0.3)
    before = store.save("Före", GROUP, "", {"a": 1})
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE scenario SET note = 'annan skrivare' WHERE id = ?", (before.id,))
        started = time.monotonic()
        with pytest.raises(StoreLockedError) as exc:
            store.save("Under låset", GROUP, "", {"b": 2})
        assert time.monotonic() - started >= 0.25
        assert exc.value.message_sv == "Lagringen är upptagen just nu, försök igen."
        for op in (lambda: store.rename(before.id, "X"), lambda: store.delete(before.id)):
            with pytest.raises(StoreLockedError):
                op()
        # readers are not blocked by a writer (WAL)
        assert [s.name for s in store.list()] == ["Före"]
        other.execute("COMMIT")
    finally:
        other.close()
    # nothing lost: the other writer's change and the earlier save are both there
    after = store.list()
    assert [(s.name, s.note) for s in after] == [("Före", "annan skrivare")]
    assert store.save("Efter låset", GROUP, "", {"b": 2}).id > before.id


# --------------------------------------------------------------------------- damaged files


def _all_ops(store: ScenarioStore):
    return [
        store.list,
        lambda: store.get(1),
        lambda: store.save("Nytt", "g", "", {"a": 1}),
        lambda: store.rename(1, "Nytt namn"),
        lambda: store.update_note(1, "x"),
        lambda: store.delete(1),
    ]


def _assert_untouched_and_corrupt(path: Path, original: bytes) -> None:
    store = ScenarioStore(path, timeout=1.0)
    for op in _all_ops(store):
        with pytest.raises(StoreCorruptError) as exc:
            op()
        assert str(path) in str(exc.value)
        assert exc.value.message_sv.startswith("Filen med sparade scenarier är skadad")
        assert str(path.parent) not in exc.value.message_sv, "no server path in a user's message (issue 11, 4)"
    assert path.read_bytes() == original


@pytest.mark.parametrize("size", [16, 100, 4096, 5000, 65_536])  # 4096, 65 536: whole pages
def test_random_bytes_file(tmp_path: Path, size: int):
    path = tmp_path / "scenarier.sqlite3"
    original = os.urandom(size)
    path.write_bytes(original)
    _assert_untouched_and_corrupt(path, original)


def test_text_file(tmp_path: Path):
    path = tmp_path / "scenarier.sqlite3"
    original = "namn;grupp\nPlan A;Åsa\n".encode()
    path.write_bytes(original)
    _assert_untouched_and_corrupt(path, original)


def _real_db(tmp_path: Path) -> bytes:
    src = tmp_path / "real.sqlite3"
    s = ScenarioStore(src)
    for i in range(40):
        s.save(f"S{i}", GROUP, "not" * 50, {"i": i, "fill": "x" * 3000})
    return src.read_bytes()  # the last connection closed, so the WAL is checkpointed


@pytest.mark.parametrize("keep", [0.99, 0.5, 8192, 4096, 1000, 60])
def test_truncated_database(tmp_path: Path, keep):
    data = _real_db(tmp_path)
    cut = int(len(data) * keep) if isinstance(keep, float) else keep
    path = tmp_path / "scenarier.sqlite3"
    path.write_bytes(data[:cut])
    _assert_untouched_and_corrupt(path, data[:cut])


def test_another_programs_database(tmp_path: Path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    original = path.read_bytes()
    _assert_untouched_and_corrupt(path, original)


def test_empty_file_is_initialised(tmp_path: Path):
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    store = ScenarioStore(path)
    assert store.list() == []
    assert store.save("A", "", "", {}).id == 1


def test_newer_schema_is_refused(path: Path):
    store = ScenarioStore(path)
    store.save("A", "", "", {})
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as exc:
        store.list()
    assert "nyare version" in exc.value.message_sv


def test_bad_payload_row_is_skipped_in_list(store: ScenarioStore, path: Path, caplog):
    good = store.save("Bra", "", "", {"ok": True})
    bad = store.save("Trasig", "", "", {"ok": False})
    also_bad = store.save("Lista", "", "", {})
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE scenario SET payload = '{not json' WHERE id = ?", (bad.id,))
        conn.execute("UPDATE scenario SET payload = '[1, 2]' WHERE id = ?", (also_bad.id,))
    conn.close()
    with caplog.at_level(logging.WARNING, logger="naravard.store.sqlite"):
        assert store.list() == [good]
    assert sum("skipping scenario" in r.getMessage() for r in caplog.records) == 2
    with pytest.raises(StoreCorruptError) as exc:
        store.get(bad.id)
    assert f"id {bad.id}" in exc.value.message_sv
    store.delete(bad.id)  # a damaged row can still be removed
    assert store.list() == [good]


def test_unusable_location_is_a_store_error(tmp_path: Path):
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    store = ScenarioStore(blocker / "scenarier.sqlite3")  # parent is a file
    with pytest.raises(StoreError) as exc:
        store.list()
    assert exc.value.message_sv
    directory = tmp_path / "katalog"
    directory.mkdir()
    with pytest.raises(StoreError):
        ScenarioStore(directory).save("A", "", "", {})


# --------------------------------------------------------------------------- soft delete


def test_delete_is_soft_and_restore_brings_it_back(store: ScenarioStore, path: Path):
    keep = store.save("Behåll", GROUP, "", {"a": 1})
    gone = store.save("Plan B", GROUP, "anteckning", {"b": 2})
    store.delete(gone.id)
    assert store.list() == [keep]
    with pytest.raises(StoreNotFoundError):
        store.get(gone.id)
    for op in (lambda: store.rename(gone.id, "X"), lambda: store.update_note(gone.id, "x"), lambda: store.delete(gone.id)):
        with pytest.raises(StoreNotFoundError):
            op()
    with sqlite3.connect(path) as conn:  # the row is still in the file, stamped
        assert conn.execute("SELECT deleted_at IS NOT NULL FROM scenario WHERE id = ?", (gone.id,)).fetchone() == (1,)
    conn.close()
    back = store.restore(gone.id)
    assert back == gone  # same id, name, group, note, payload and times
    assert store.list() == [gone, keep]


def test_restore_of_a_live_or_unknown_id_is_not_found(store: ScenarioStore):
    s = store.save("A", "", "", {})
    for scenario_id in (s.id, 999):
        with pytest.raises(StoreNotFoundError) as exc:
            store.restore(scenario_id)
        assert exc.value.message_sv


def test_deleted_name_is_free_and_restore_refuses_a_duplicate(store: ScenarioStore):
    first = store.save("Plan", GROUP, "", {"v": 1})
    store.delete(first.id)
    second = store.save("plan ", GROUP, "", {"v": 2})  # the name is free again
    with pytest.raises(StoreDuplicateError) as exc:
        store.restore(first.id)
    assert "Plan" in exc.value.message_sv or "plan" in exc.value.message_sv
    assert store.list() == [second]
    store.rename(second.id, "Plan 2")
    assert [s.name for s in store.list()] == ["Plan 2"] and store.restore(first.id).name == "Plan"


def test_version_1_store_is_migrated_with_its_scenarios(path: Path):
    """A file written by the previous version (no deleted_at) keeps every scenario and
    gains soft delete; its names stay unique."""
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    from naravard.store.sqlite import APPLICATION_ID, _MIGRATIONS

    for statement in _MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute(
        "INSERT INTO scenario (name, grp, note, created_at, updated_at, payload, name_key, grp_key)"
        " VALUES ('Gammal', 'g', '', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', '{\"x\":1}', 'gammal', 'g')"
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    store = ScenarioStore(path)
    [old] = store.list()
    assert (old.name, old.payload) == ("Gammal", {"x": 1})
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
    c.close()
    with pytest.raises(StoreDuplicateError):
        store.save("GAMMAL", "g", "", {})
    store.delete(old.id)
    assert store.list() == []
    assert store.restore(old.id) == old


# --------------------------------------------------------------------------- issue 11: stored text, damaged rows, many rows

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"


def _lines(name: str) -> list[str]:
    return [line for line in (HOSTILE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("text", _lines("scenarionamn_bidi.txt"))
def test_bidi_controls_are_refused_in_names_groups_and_notes(store: ScenarioStore, text: str):
    """U+202E etc. make ``‮evil.exe‬ txt`` display as ``exe.live txt`` (issue 11, defect 3)."""
    ok = store.save("Giltig", "G", "", {})
    for kwargs in ({"name": text}, {"name": "N", "group": text}, {"name": "N", "note": text}):
        with pytest.raises(StoreInvalidError) as exc:
            store.save(**kwargs)
        assert "riktning" in exc.value.message_sv and "U+202E" in exc.value.message_sv
    with pytest.raises(StoreInvalidError):
        store.rename(ok.id, text)
    with pytest.raises(StoreInvalidError):
        store.update_note(ok.id, text)
    assert [(s.name, s.note) for s in store.list()] == [("Giltig", "")]


@pytest.mark.parametrize("name", _lines("scenarionamn_markdown.txt"))
def test_markdown_and_html_in_names_are_kept_as_written(store: ScenarioStore, name: str):
    """The store keeps text as text; showing it as text is the UI's part."""
    saved = store.save(name, name, name, {})
    got = store.get(saved.id)
    assert (got.name, got.group, got.note) == (name.strip(), name.strip(), name.strip())


def test_bidi_controls_in_an_old_row_are_shown_as_replacement_characters(tmp_path: Path):
    import shutil

    path = tmp_path / "gammal_bidi_scenarier.sqlite3"
    shutil.copy(HOSTILE / path.name, path)  # saved before bidi controls were refused
    store = ScenarioStore(path)
    [s] = store.list()
    assert (s.name, s.group) == ("\ufffdevil.exe\ufffd txt", "\ufffdG\ufffd")
    assert store.get(s.id).name == "\ufffdevil.exe\ufffd txt"


@pytest.mark.parametrize("column", ["note", "name", "payload"])
def test_one_damaged_row_is_skipped_and_counted_the_others_list(tmp_path: Path, column: str, caplog):
    """Issue 11, defect 4: garbage bytes inside one row (SQLite's integrity check still
    passes) used to fail the whole list; now that row is skipped and counted."""
    from tests.storefiles import store_with_a_damaged_row

    path = tmp_path / "scenarier.sqlite3"
    ids = store_with_a_damaged_row(path, column)
    store = ScenarioStore(path)
    with caplog.at_level(logging.WARNING):
        assert [s.name for s in store.list()] == ["Plan C", "Plan A"]
    page = store.page()
    assert [s.name for s in page.items] == ["Plan C", "Plan A"]
    assert (page.total, page.unreadable) == (3, 1)
    with pytest.raises(StoreCorruptError) as exc:
        store.get(ids["B"])
    assert exc.value.message_sv == f"Det sparade scenariot (id {ids['B']}) är skadat och kan inte öppnas."
    # writing still works, and the damaged row can be removed from the list
    store.save("Plan D", "Grupp 1", "", {})
    store.delete(ids["B"])
    page = store.page()
    assert [s.name for s in page.items] == ["Plan D", "Plan C", "Plan A"] and page.unreadable == 0


@pytest.mark.parametrize("name", ["skadad_anteckning_scenarier.sqlite3", "skadat_namn_scenarier.sqlite3", "skadad_payload_scenarier.sqlite3"])
def test_corpus_store_with_a_damaged_row(tmp_path: Path, name: str):
    import shutil

    from tests.storefiles import integrity_ok

    path = tmp_path / name
    shutil.copy(HOSTILE / name, path)
    original = path.read_bytes()
    assert integrity_ok(path)
    page = ScenarioStore(path, read_only=True).page()
    assert [s.name for s in page.items] == ["Plan C", "Plan A"] and page.unreadable == 1
    assert path.read_bytes() == original


def test_page_and_search(path: Path):
    store = ScenarioStore(path)
    for i in range(45):
        store.save(f"Plan {i:02d}", "Åsa" if i % 3 == 0 else "Grupp B", "", {})
    store.save("100% säkert_x", "", "", {})
    first = store.page()
    assert first.total == 46 and len(first.items) == 20 and first.items[0].name == "100% säkert_x"
    third = store.page(offset=40)
    assert [s.name for s in third.items] == [f"Plan {i:02d}" for i in range(5, -1, -1)]  # 46 rows: 41st to 46th
    asa = store.page("  ÅSA ")  # ignoring case and surrounding space, as names are compared
    assert asa.total == 15 and {s.group for s in asa.items} == {"Åsa"}
    assert [s.name for s in store.page("plan 4").items] == ["Plan 44", "Plan 43", "Plan 42", "Plan 41", "Plan 40"]
    # LIKE's wildcards are plain characters in a search
    assert [s.name for s in store.page("%").items] == ["100% säkert_x"]
    assert [s.name for s in store.page("t_x").items] == ["100% säkert_x"]
    assert store.page("_").total == 1
    assert store.page("finns inte").total == 0


def test_saves_per_group_are_capped(path: Path, monkeypatch):
    """Issue 11, defect 6: 20 000 saved scenarios made every Scenario view slow; a
    group keeps at most MAX_SCENARIOS_PER_GROUP."""
    from naravard.store import sqlite as backend
    from naravard.store.sqlite import StoreLimitError

    assert backend.MAX_SCENARIOS_PER_GROUP == 200
    monkeypatch.setattr(backend, "MAX_SCENARIOS_PER_GROUP", 3)
    store = ScenarioStore(path)
    ids = [store.save(f"P{i}", "Grupp A", "", {}).id for i in range(3)]
    with pytest.raises(StoreLimitError) as exc:
        store.save("P3", "grupp a", "", {})  # the same group, as names are compared
    assert exc.value.message_sv.startswith("Gruppen ”grupp a” har redan 3 sparade scenarier")
    store.save("P3", "Grupp B", "", {})  # another group has room
    for i in range(3):
        store.save(f"Q{i}", "", "", {})
    with pytest.raises(StoreLimitError) as exc:
        store.save("Q3", "", "", {})
    assert exc.value.message_sv.startswith("Scenarier utan grupp har redan 3")
    store.delete(ids[0])
    new = store.save("P4", "Grupp A", "", {})  # room again
    with pytest.raises(StoreLimitError):
        store.restore(ids[0])  # restoring would pass the cap
    store.delete(new.id)
    assert store.restore(ids[0]).name == "P0"


def test_read_only_store_reads_and_refuses_writes_in_swedish(path: Path):
    from naravard.store.sqlite import StoreReadOnlyError

    rw = ScenarioStore(path)
    s = rw.save("Plan", "G", "", {"andel_sabo": 0.2})
    from tests.storefiles import checkpoint

    checkpoint(path)
    before = path.read_bytes()
    ro = ScenarioStore(path, read_only=True)
    assert [x.name for x in ro.list()] == ["Plan"] and ro.get(s.id).payload == {"andel_sabo": 0.2}
    assert ro.page().total == 1
    for write in (lambda: ro.save("Ny"), lambda: ro.rename(s.id, "X"), lambda: ro.update_note(s.id, "n"),
                  lambda: ro.delete(s.id), lambda: ro.restore(s.id)):
        with pytest.raises(StoreReadOnlyError) as exc:
            write()
        assert exc.value.message_sv.startswith("Filen med sparade scenarier är skrivskyddad här.")
        assert str(path.parent) not in exc.value.message_sv and str(path) in str(exc.value)
    assert path.read_bytes() == before, "the database file is never written"


def test_read_only_is_detected_from_the_file_and_the_environment(path: Path, monkeypatch):
    ScenarioStore(path).save("Plan")
    assert not ScenarioStore(path).read_only
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == path and mode == os.W_OK else real_access(p, mode))
    store = ScenarioStore(path)
    assert store.read_only and [s.name for s in store.list()] == ["Plan"]
    monkeypatch.setattr(os, "access", real_access)
    monkeypatch.setenv("NARAVARD_STORE_READONLY", "1")
    assert ScenarioStore(path).read_only
    assert not ScenarioStore(path, read_only=False).read_only


def test_read_only_store_that_does_not_exist_says_so(tmp_path: Path):
    path = tmp_path / "saknas" / "scenarier.sqlite3"
    with pytest.raises(StoreError) as exc:
        ScenarioStore(path, read_only=True).page()
    assert exc.value.message_sv == "Det gick inte att öppna filen med sparade scenarier."
    assert not path.parent.exists(), "a read-only store creates nothing"


def test_swedish_messages_never_name_the_server_path(tmp_path: Path):
    """Issue 11, defect 4: no absolute server paths in user messages."""
    path = tmp_path / "scenarier.sqlite3"
    path.write_bytes(b"x" * 1024)
    messages = []
    for op in (lambda s: s.list(), lambda s: s.save("A"), lambda s: s.get(1)):
        with pytest.raises(StoreError) as exc:
            op(ScenarioStore(path, timeout=0.5))
        messages.append(exc.value.message_sv)
    blocked = tmp_path / "fil"
    blocked.write_text("not a directory")
    with pytest.raises(StoreError) as exc:
        ScenarioStore(blocked / "scenarier.sqlite3").list()
    messages.append(exc.value.message_sv)
    newer = tmp_path / "newer.sqlite3"
    ScenarioStore(newer).save("A")
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as exc:
        ScenarioStore(newer).list()
    messages.append(exc.value.message_sv)
    assert len(messages) == 5
    for m in messages:
        assert str(tmp_path) not in m and "/" not in m, m
