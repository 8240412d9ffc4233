"""Published data (schema 6, issue 14) on both backends: named, dated, immutable versions
for everyone; a database trigger refuses any UPDATE of a version's content, even by raw
SQL; a damaged checksum is StoreCorruptError; the unit-register methods are wrappers over
kind ``enheter``; migration 5 → 6 keeps every row (registers copied in) and a second
run changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from naravard.store import (
    Access,
    DataVersion,
    StoreCorruptError,
    StoreDuplicateError,
    StoreForbiddenError,
    StoreInvalidError,
    StoreNotFoundError,
    ScenarioStore,
)
from naravard.store.sqlite import _MIGRATIONS, APPLICATION_ID, SCHEMA_VERSION
from tests.store.test_backends import INJECTIONS
from tests.storefiles import checkpoint

FORECAST = "kommun;ålder;år;antal\n1380;80;2030;5 000\n"
PLANNER = Access.of("plan@example.se", [("Planerare", "planerare")], via="oidc")
MEMBER = Access.of("anna@example.se", [("Grupp A", "gruppmedlem")], via="oidc")


def _raw(store, sql: str, params: tuple = ()):
    """Run SQL past the store (a person with a database client)."""
    if hasattr(store, "url"):
        import psycopg

        with psycopg.connect(store.url, autocommit=True) as conn:
            return conn.execute(sql.replace("?", "%s"), params).fetchall() if sql.lstrip().upper().startswith(
                "SELECT") else conn.execute(sql.replace("?", "%s"), params)
    with sqlite3.connect(store.path, isolation_level=None) as conn:
        return conn.execute(sql, params).fetchall()


def test_publish_list_get_withdraw(make_store):
    base = make_store()
    planner = base.with_access(PLANNER)
    v1 = planner.publish_data("befolkningsprognos", "Prognos 2025", "Regionen", FORECAST, 1, "Huvudalternativ")
    v2 = planner.publish_data("befolkningsprognos", "Prognos 2026", "Regionen", FORECAST + "1380;81;2030;4 000\n", 2)
    reg = planner.publish_data("enheter", "Enheter maj", "Vårdval", "id;namn\n1;A\n", 1)
    assert (v1.kind, v1.name, v1.source, v1.note, v1.rows, v1.published_by) == (
        "befolkningsprognos", "Prognos 2025", "Regionen", "Huvudalternativ", 1, "plan@example.se")
    assert len(v1.checksum) == 64 and v1.published_at.endswith("+00:00")
    assert [x.id for x in base.list_data_versions()] == [reg.id, v2.id, v1.id]
    assert [x.id for x in base.list_data_versions("befolkningsprognos")] == [v2.id, v1.id]
    got = base.with_access(MEMBER).get_data_version(v1.id)
    assert isinstance(got, DataVersion) and got.content == FORECAST and got.info == v1
    # names are unique per kind forever (a withdrawn one keeps its name)
    with pytest.raises(StoreDuplicateError):
        planner.publish_data("befolkningsprognos", "prognos  2025", "", FORECAST, 1)
    planner.publish_data("annan_tabell", "Prognos 2025", "", FORECAST, 1)  # another kind may
    planner.withdraw_data_version(v1.id)
    assert [x.id for x in base.list_data_versions("befolkningsprognos")] == [v2.id]
    assert base.get_data_version(v1.id).content == FORECAST, "content is kept"
    with pytest.raises(StoreDuplicateError):
        planner.publish_data("befolkningsprognos", "Prognos 2025", "", FORECAST, 1)
    with pytest.raises(StoreNotFoundError):
        planner.withdraw_data_version(v1.id)
    with pytest.raises(StoreNotFoundError):
        base.get_data_version(10_000)
    log = [(e.action, e.item_type, e.item_name, e.actor) for e in reversed(base.audit_log())]
    assert log[0] == ("publish", "data_version", "Prognos 2025", "plan@example.se")
    assert log[-1] == ("withdraw", "data_version", "Prognos 2025", "plan@example.se")


def test_only_a_planner_publishes_or_withdraws(make_store):
    base = make_store()
    v = base.publish_data("enheter", "Lista", "", "id\n1\n", 1)  # unbound: the system (CLI)
    member = base.with_access(MEMBER)
    for call in (lambda: member.publish_data("enheter", "Ny", "", "id\n1\n", 1),
                 lambda: member.withdraw_data_version(v.id),
                 lambda: member.save_register("Ny", "", "id\n1\n", 1)):
        with pytest.raises(StoreForbiddenError) as exc:
            call()
        assert "planerare" in exc.value.message_sv
    assert [x.id for x in member.list_data_versions()] == [v.id]


@pytest.mark.parametrize("kind, name, content, rows", [
    ("Befolkning", "N", FORECAST, 1), ("a;b", "N", FORECAST, 1), ("x" * 41, "N", FORECAST, 1),
    ("enheter", "", FORECAST, 1), ("enheter", "N\u202e", FORECAST, 1), ("enheter", "N", "", 1),
    ("enheter", "N", "a\x00b", 1), ("enheter", "N", FORECAST, -1), ("enheter", "N", FORECAST, True)])
def test_bad_versions_are_refused(make_store, kind, name, content, rows):
    s = make_store()
    with pytest.raises(StoreInvalidError) as exc:
        s.publish_data(kind, name, "", content, rows)
    assert exc.value.message_sv
    assert s.list_data_versions() == []


@pytest.mark.parametrize("text", INJECTIONS)
def test_sql_injection_in_a_versions_name_source_and_note_is_data(make_store, text):
    s = make_store().as_user(text)
    v = s.publish_data("enheter", text[:80], text, text + "\n", 1, text)
    got = s.get_data_version(v.id)
    assert (got.name, got.source, got.note, got.content, got.published_by) == (text[:80], text, text, text + "\n",
                                                                               text[:80])
    assert [x.name for x in s.list_data_versions("enheter")] == [text[:80]]
    assert s.list() == [] and len(s.audit_log()) == 1


def test_published_content_cannot_be_updated_even_by_raw_sql(make_store, backend):
    s = make_store()
    v = s.publish_data("enheter", "Lista", "Källa", "id\n1\n", 1)
    for column, value in (("content", "id\n2\n"), ("sha256", "0" * 64), ("name", "Annan"), ("row_count", 5)):
        with pytest.raises(Exception) as exc:
            _raw(s, f"UPDATE data_version SET {column} = ? WHERE id = ?", (value, v.id))
        assert "immutable" in str(exc.value)
    _raw(s, "UPDATE data_version SET withdrawn_at = ? WHERE id = ?", ("2026-01-01T00:00:00+00:00", v.id))
    got = s.get_data_version(v.id)
    assert (got.content, got.name, got.rows, got.withdrawn_at) == ("id\n1\n", "Lista", 1, "2026-01-01T00:00:00+00:00")


def test_a_damaged_checksum_is_store_corrupt(make_store, backend):
    s = make_store()
    good = s.publish_data("enheter", "Bra", "", "id\n1\n", 1)
    bad = s.publish_data("prognos", "Skadad", "", FORECAST, 1)
    reg = s.publish_data("enheter", "Skadat register", "", "id\n2\n", 1)
    # damage beneath the trigger, as a disk or a careless restore would
    _raw(s, "DROP TRIGGER data_version_immutable" + (" ON data_version" if backend == "postgres" else ""))
    _raw(s, "UPDATE data_version SET content = ? WHERE id IN (?, ?)", ("id\nX\n", bad.id, reg.id))
    with pytest.raises(StoreCorruptError) as exc:
        s.get_data_version(bad.id)
    assert exc.value.message_sv == f"Den publicerade dataversionen (id {bad.id}) är skadad och kan inte öppnas."
    with pytest.raises(StoreCorruptError) as exc:
        s.get_register(reg.id)
    assert exc.value.message_sv == f"Det sparade registret (id {reg.id}) är skadat och kan inte öppnas."
    assert s.latest_register().id == good.id, "the damaged newest register is skipped"
    assert [r.id for r in s.list_registers()] == [good.id]
    assert s.get_data_version(good.id).content == "id\n1\n"


def test_register_methods_are_wrappers_over_kind_enheter(make_store):
    s = make_store()
    r = s.save_register("Enheter maj", "Vårdval", "id;namn\n1;A\n", 1)
    s.publish_data("prognos", "Annat", "", FORECAST, 1)
    assert [x.id for x in s.list_data_versions("enheter")] == [r.id] and s.latest_register() == r
    with pytest.raises(StoreNotFoundError):
        s.get_register(s.list_data_versions("prognos")[0].id)  # another kind is no register
    with pytest.raises(StoreDuplicateError):
        s.save_register("enheter MAJ", "", "id\n1\n", 1)
    s.withdraw_data_version(r.id)
    assert s.latest_register() is None and s.list_registers() == []


# --------------------------------------------------------------------------- migration 5 → 6


def _schema_5_file(path: Path) -> None:
    """A file as the previous version wrote it: schema 5 with a scenario, two registers of
    the same name, a presentation and audit lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for step in _MIGRATIONS[:5]:
        for statement in step:
            conn.execute(statement)
    t = "2026-01-01T00:00:00+00:00"
    conn.execute("INSERT INTO scenario (name, grp, note, created_at, updated_at, payload, name_key, grp_key)"
                 " VALUES ('Gammal', 'Grupp A', 'n', ?, ?, '{\"x\":1}', 'gammal', 'grupp a')", (t, t))
    import hashlib

    for csv in ("id\n1\n", "id\n2\n"):
        conn.execute("INSERT INTO register (name, source, saved_at, row_count, csv, sha256) VALUES (?, ?, ?, 1, ?, ?)",
                     ("Enheter", "Vårdval", t, csv, hashlib.sha256(csv.encode()).hexdigest()))
    conn.execute("INSERT INTO presentation (name, grp, title, slide_ids, created_at, updated_at, name_key, grp_key)"
                 " VALUES ('Möte', 'Grupp A', '', '[\"headline\"]', ?, ?, 'möte', 'grupp a')", (t, t))
    conn.execute("INSERT INTO audit_log (at, actor, grp, action, item_type, item_id, item_name)"
                 " VALUES (?, 'Anna', 'Grupp A', 'create', 'scenario', 1, 'Gammal')", (t,))
    conn.executemany("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", [(v, t) for v in range(1, 6)])
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 5")
    conn.close()
    checkpoint(path)


def test_a_schema_5_file_reads_read_only_and_upgrades_in_place_keeping_every_row(tmp_path):
    path = tmp_path / "var" / "scenarier.sqlite3"
    _schema_5_file(path)
    before = path.read_bytes()
    ro = ScenarioStore(path, read_only=True)
    assert [x.name for x in ro.list()] == ["Gammal"] and [r.name for r in ro.list_registers()] == ["Enheter"] * 2
    assert ro.latest_register().csv_text == "id\n2\n" and ro.list_groups() == []
    assert ro.with_access(MEMBER).audit_log() == []  # no group keys yet: nothing to show a member
    assert path.read_bytes() == before, "a read-only file is never migrated"
    s = ScenarioStore(path)
    assert [x.name for x in s.list()] == ["Gammal"]  # the first use migrates
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
        assert c.execute("SELECT version FROM schema_version ORDER BY version").fetchall() == [(v,) for v in range(1, 7)]
        assert c.execute("SELECT count(*) FROM register").fetchone()[0] == 2, "the old rows stay"
    assert [x.name for x in s.list_presentations()] == ["Möte"]
    regs = s.list_registers()
    assert [r.name for r in regs] == ["Enheter (2)", "Enheter"] and s.latest_register().csv_text == "id\n2\n"
    assert [(v.kind, v.source) for v in s.list_data_versions()] == [("enheter", "Vårdval")] * 2
    member = s.with_access(MEMBER)
    assert [(e.actor, e.item_name) for e in member.audit_log()] == [("Anna", "Gammal")], "old lines keep their group"
    assert [x.name for x in member.list()] == ["Gammal"]
    # a second run (another process opening the file, the migration step called again) changes nothing
    before = _dump(path)
    ScenarioStore(path).list()
    conn = s._connect(False)
    try:
        s._initialise(conn)
    finally:
        conn.close()
    assert _dump(path) == before
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _dump(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as c:
        tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: c.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}


def test_postgres_version_1_upgrades_in_place_and_a_second_run_is_a_no_op(pg_url):
    import hashlib

    import psycopg

    from naravard.store.postgres import PG_MIGRATIONS, PG_SCHEMA_VERSION, PostgresStore
    from naravard.store.sqlite import SCHEMA_VERSION_TABLE_SQL

    t = "2026-01-01T00:00:00+00:00"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(SCHEMA_VERSION_TABLE_SQL)
        for statement in PG_MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (1, %s)", (t,))
        conn.execute("INSERT INTO scenario (name, grp, note, created_at, updated_at, payload, name_key, grp_key)"
                     " VALUES ('Gammal', 'Grupp A', 'n', %s, %s, '{\"x\":1}', 'gammal', 'grupp a')", (t, t))
        for csv in ("id\n1\n", "id\n2\n"):
            conn.execute("INSERT INTO register (name, source, saved_at, row_count, csv, sha256) VALUES"
                         " ('Enheter', 'Vårdval', %s, 1, %s, %s)", (t, csv, hashlib.sha256(csv.encode()).hexdigest()))
        conn.execute("INSERT INTO audit_log (at, actor, grp, action, item_type, item_id, item_name)"
                     " VALUES (%s, 'Anna', 'Grupp A', 'create', 'scenario', 1, 'Gammal')", (t,))
    s = PostgresStore(pg_url)
    assert s.migrate() == 1 and s.migrate() == 0 and s.schema_version() == PG_SCHEMA_VERSION == 2
    assert [x.name for x in s.list()] == ["Gammal"]
    assert [r.name for r in s.list_registers()] == ["Enheter (2)", "Enheter"]
    assert [(e.actor, e.item_name) for e in s.with_access(MEMBER).audit_log()] == [("Anna", "Gammal")]
    assert PostgresStore(pg_url).migrate() == 0
    assert len(PostgresStore(pg_url).list_data_versions("enheter")) == 2


def test_a_damaged_register_row_does_not_stop_the_migration(tmp_path, caplog):
    """Bytes that are not UTF-8 in an old register row: the file still upgrades, the
    damaged row stays in the old table (never rewritten), the others are published."""
    path = tmp_path / "var" / "scenarier.sqlite3"
    _schema_5_file(path)
    with sqlite3.connect(path, isolation_level=None) as c:
        c.execute("INSERT INTO register (name, source, saved_at, row_count, csv, sha256)"
                  " VALUES ('Trasig', '', '2026-02-01T00:00:00+00:00', 1, CAST(x'ff41' AS TEXT), 'x')")
    with caplog.at_level("WARNING"):
        s = ScenarioStore(path)
        assert [r.name for r in s.list_registers()] == ["Enheter (2)", "Enheter"]
    assert "register 3 is damaged" in caplog.text
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT hex(csv) FROM register WHERE id = 3").fetchone() == ("FF41",)
