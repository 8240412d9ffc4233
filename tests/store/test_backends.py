"""The same store tests on both backends (SQLite file, PostgreSQL database), issue 14.

Every test here runs twice, ``[sqlite]`` and ``[postgres]`` (tests/store/conftest.py
starts the throw-away PostgreSQL cluster). What only one backend has (a damaged file,
file permissions, the server stopped) is tested where it exists.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from naravard.store import (
    MAX_SCENARIOS_PER_GROUP,
    StoreConflictError,
    StoreDuplicateError,
    StoreInvalidError,
    StoreLimitError,
    StoreNotFoundError,
    StoreReadOnlyError,
    StoreUnavailableError,
    open_store,
)
from naravard.store.sqlite import MAX_NAME_CHARS

REPO = Path(__file__).resolve().parents[2]

INJECTIONS = [
    "Robert'); DROP TABLE scenario;--",
    "x' OR '1'='1",
    '"; DELETE FROM audit_log; --',
    "50% rabatt_på \\ allt",
    "1; SELECT pg_sleep(10)",
    "?) , (?, ?",
    "%s %(x)s",
]


def test_round_trip_rename_note_delete_restore(any_store):
    s = any_store
    a = s.save("Plan A", "Grupp 1", "Första\nraden", {"andel_sabo": 0.15, "lista": [1, 2]})
    b = s.save("Plan B", "Grupp 2", "", {})
    assert (a.name, a.group, a.note, a.payload, a.version) == ("Plan A", "Grupp 1", "Första\nraden",
                                                               {"andel_sabo": 0.15, "lista": [1, 2]}, 1)
    assert s.get(a.id) == a and [x.name for x in s.list()] == ["Plan B", "Plan A"]
    page = s.page("grupp 1")
    assert [x.id for x in page.items] == [a.id] and (page.total, page.unreadable) == (1, 0)
    r = s.rename(a.id, "Plan Å")
    assert (r.name, r.version) == ("Plan Å", 2)
    n = s.update_note(a.id, "Ny anteckning")
    assert (n.note, n.version, n.name) == ("Ny anteckning", 3, "Plan Å")
    s.delete(b.id)
    assert [x.id for x in s.list()] == [a.id]
    with pytest.raises(StoreNotFoundError):
        s.get(b.id)
    assert s.restore(b.id).name == "Plan B"
    assert s.page().total == 2


def test_names_are_unique_per_group_ignoring_case_and_form(any_store):
    s = any_store
    s.save("Plan  A", "Grupp 1")
    with pytest.raises(StoreDuplicateError) as exc:
        s.save("plan a", "grupp 1")
    assert "Det finns redan ett scenario" in exc.value.message_sv
    s.save("plan a", "Grupp 2")  # another group may use it
    assert s.page().total == 2


def test_limits_and_bidi_are_refused_on_both(any_store):
    s = any_store
    with pytest.raises(StoreInvalidError):
        s.save("x" * (MAX_NAME_CHARS + 1), "g")
    with pytest.raises(StoreInvalidError) as exc:
        s.save("txt.\u202eexe", "g")
    assert "ändrar textens riktning" in exc.value.message_sv
    with pytest.raises(StoreInvalidError):
        s.save("ok", "g", "noll\x00tecken")
    assert s.list() == []


def test_cap_per_group(make_store):
    s = make_store()
    for i in range(MAX_SCENARIOS_PER_GROUP):
        s.save(f"P{i}", "g")
    with pytest.raises(StoreLimitError):
        s.save("en till", "g")
    s.save("en till", "h")


def test_a_stale_scenario_edit_is_refused_never_overwrites(make_store):
    """Two people open the same scenario; the second save names the version it read."""
    first, second = make_store(user="Anna"), make_store(user="Bo")
    s = first.save("Plan", "Grupp 1", "start")
    seen_by_second = second.get(s.id)
    first.update_note(s.id, "Annas text", expected_version=s.version)
    with pytest.raises(StoreConflictError) as exc:
        second.update_note(s.id, "Bos text", expected_version=seen_by_second.version)
    assert "har ändrats av någon annan" in exc.value.message_sv
    with pytest.raises(StoreConflictError):
        second.rename(s.id, "Bos namn", expected_version=seen_by_second.version)
    now = first.get(s.id)
    assert (now.note, now.name, now.version) == ("Annas text", "Plan", 2)
    # with the new version the edit goes through
    assert second.rename(s.id, "Bos namn", expected_version=now.version).version == 3


def test_a_stale_answer_edit_is_refused(any_store):
    a = any_store.save_answer("Grupp 1", "geo", "Fråga?", "Ja", "", "Åsa")
    any_store.update_answer(a.id, 1, position="Nej", notes="", author="Bo")
    with pytest.raises(StoreConflictError):
        any_store.update_answer(a.id, 1, position="Delvis", notes="", author="Åsa")
    assert any_store.get_answer(a.id).position == "Nej"


def test_registers_presentations_answers_round_trip(any_store):
    s = any_store
    csv = "enhet_id;namn\n1;Vårdcentral A\n"
    r = s.save_register("Register maj", "Regionen", csv, 1)
    assert s.latest_register() == r and s.get_register(r.id).csv_text == csv
    assert [x.name for x in s.list_registers()] == ["Register maj"]
    sc = s.save("Plan", "Grupp 1")
    p = s.save_presentation("Möte", "Grupp 1", ["headline", "map"], "a=1", "Rubrik", scenario_id=sc.id)
    assert s.get_presentation(p.id).slide_ids == ("headline", "map")
    s.delete(sc.id)
    opened = s.open_presentation(p.id)
    assert opened.scenario is None and "har tagits bort" in opened.message_sv
    s.delete_presentation(p.id)
    assert s.list_presentations("Grupp 1") == []
    assert s.restore_presentation(p.id).name == "Möte"
    a = s.save_answer("Grupp 1", "geo", "Fråga?", "Ja", "Rad\nrad", "Åsa")
    assert [x.id for x in s.list_answers("Grupp 1")] == [a.id] and s.list_answers("Grupp 2") == []
    s.delete_answer(a.id)
    assert s.restore_answer(a.id).notes == "Rad\nrad"


def test_audit_log_records_each_change_in_its_transaction(make_store):
    s = make_store(user="Anna")
    a = s.save("Plan", "Grupp 1")
    s.rename(a.id, "Plan 2")
    s.delete(a.id)
    s.restore(a.id)
    s.save_register("Register", "Källa", "a;b\n1;2\n", 1)
    p = s.save_presentation("Möte", "Grupp 1", ["headline"])
    with pytest.raises(StoreDuplicateError):  # refused: no audit line either
        s.save("plan 2", "Grupp 1")
    log = s.audit_log()
    assert [(e.action, e.item_type) for e in reversed(log)] == [
        ("create", "scenario"), ("rename", "scenario"), ("delete", "scenario"), ("restore", "scenario"),
        ("publish", "data_version"), ("create", "presentation")]
    assert {e.actor for e in log} == {"Anna"} and log[0].item_id == p.id and log[0].group == "Grupp 1"
    assert log[-1].item_name == "Plan" and log[-2].item_name == "Plan 2"
    assert all(e.at.endswith("+00:00") for e in log)
    assert [e.action for e in s.audit_log(group="")] == ["publish"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_sql_injection_in_every_text_field_is_stored_verbatim(any_store, text):
    s = any_store.as_user(text)
    name = text[:MAX_NAME_CHARS]
    sc = s.save(name, text, text, {text: text})
    assert s.get(sc.id) == sc and (sc.name, sc.group, sc.note, sc.payload) == (name, text, text, {text: text})
    assert [x.id for x in s.page(text).items] == [sc.id]
    assert s.rename(sc.id, name + "2").name == name + "2"
    assert s.update_note(sc.id, text + text).note == text + text
    p = s.save_presentation(name, text, ["headline"], text, text[:120])
    assert (s.get_presentation(p.id).title, s.get_presentation(p.id).scenario_query) == (text[:120], text)
    assert [x.id for x in s.list_presentations(text)] == [p.id]
    a = s.save_answer(text, text[:40], text, text[:80], text, text)
    assert (s.get_answer(a.id).question, s.get_answer(a.id).notes) == (text, text)
    assert [x.id for x in s.list_answers(text, text[:40])] == [a.id]
    r = s.save_register(name, text, text + "\n", 1)
    assert s.get_register(r.id).source == text
    assert s.audit_log(group=text)[0].actor == text
    # every table is still there and holds exactly what was saved
    assert len(s.list()) == 1 and len(s.list_registers()) == 1 and len(s.audit_log()) == 6


def test_migrations_run_once_and_a_second_run_is_a_no_op(make_store, backend):
    s = make_store()
    s.save("Plan", "g")
    if backend == "postgres":
        assert s.migrate() == 0  # the first operation migrated
        from naravard.store.postgres import PG_SCHEMA_VERSION

        assert s.migrate() == 0 and s.schema_version() == PG_SCHEMA_VERSION == 2
        fresh = make_store()
        assert fresh.migrate() == 0
    else:
        import sqlite3

        from naravard.store.sqlite import SCHEMA_VERSION

        def versions():
            with sqlite3.connect(s.path) as c:
                return c.execute("SELECT version FROM schema_version ORDER BY version").fetchall()

        assert versions() == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
        make_store().list()
        assert versions() == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    assert [x.name for x in make_store().list()] == ["Plan"]


def test_a_read_only_store_never_migrates(make_store, backend):
    ro = make_store(read_only=True)
    with pytest.raises(StoreReadOnlyError):
        ro.save("Plan", "g")
    if backend == "postgres":
        with pytest.raises(StoreReadOnlyError):
            ro.list()
        assert ro.schema_version() == 0  # nothing was created
    rw = make_store()
    rw.save("Plan", "g")
    assert [x.name for x in make_store(read_only=True).list()] == ["Plan"]


def _writer(backend: str, target: str, ready: Path) -> subprocess.Popen:
    code = (
        "import sys, pathlib\n"
        "from naravard.store import ScenarioStore\n"
        "from naravard.store.postgres import PostgresStore\n"
        "backend, target, ready = sys.argv[1:4]\n"
        "s = ScenarioStore(target) if backend == 'sqlite' else PostgresStore(target)\n"
        "i = 0\n"
        "while True:\n"
        "    s.save(f'Plan {i}', 'Grupp', 'x' * 1500, {'i': i, 'fyll': 'y' * 20000})\n"
        "    i += 1\n"
        "    if i == 20: pathlib.Path(ready).write_text('20')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", code, backend, target, str(ready)], env=env, cwd=REPO)


def test_kill_9_of_a_writer_leaves_the_store_intact(make_store, backend, tmp_path, request):
    s = make_store()
    s.save("Före", "Annan grupp")
    target = str(s.path) if backend == "sqlite" else s.url
    ready = tmp_path / "ready"
    proc = _writer(backend, target, ready)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, "the writer died on its own"
            assert time.monotonic() < deadline, "the writer did not commit 20 rows in 60 s"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # in the middle of a later write
    finally:
        proc.kill()
        proc.wait()
    after = make_store()
    rows = after.list()
    names = {x.name for x in rows}
    assert "Före" in names and {f"Plan {i}" for i in range(20)} <= names
    for x in rows:  # every committed row reads whole
        assert after.get(x.id) == x
    assert after.save("Efter", "Grupp").name == "Efter"
    if backend == "sqlite":
        import sqlite3

        with sqlite3.connect(s.path) as c:
            assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_the_database_stopped_while_the_app_runs_gives_a_swedish_message(pg_cluster, pg_url):
    from naravard.store.postgres import PostgresStore

    s = PostgresStore(pg_url, timeout=2.0)
    saved = s.save("Plan", "Grupp")
    pg_cluster.stop()
    try:
        for call in (s.list, lambda: s.save("Ny", "Grupp"), lambda: s.get(saved.id)):
            with pytest.raises(StoreUnavailableError) as exc:
                call()
            assert exc.value.message_sv.startswith("Databasen går inte att nå just nu")
            assert "Traceback" not in str(exc.value) and "password" not in str(exc.value)
    finally:
        pg_cluster.start()
    assert [x.name for x in s.list()] == ["Plan"]  # back: the pool reconnects, nothing lost
    assert s.save("Ny", "Grupp").name == "Ny"


def test_after_a_long_outage_the_first_call_works_again(pg_cluster, pg_url):
    """psycopg_pool waits longer and longer between reconnect attempts (1 s, 2 s, 4 s,
    8 s …); after an outage of ~20 s its next attempt could come after the store's
    timeout, so the first calls once the server is back would still fail. The store
    drops a pool that timed out, and a fresh pool connects at once (the clean-clone CI
    run caught a cluster test waiting for this)."""
    import time

    from naravard.store.postgres import PostgresStore

    s = PostgresStore(pg_url, timeout=2.0)
    s.save("Plan", "Grupp")
    pg_cluster.stop()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with pytest.raises(StoreUnavailableError):
                s.list()
    finally:
        pg_cluster.start()
    assert [x.name for x in s.list()] == ["Plan"], "the first call after the restart"


def test_open_store_picks_the_backend_from_the_environment(monkeypatch, tmp_path):
    from naravard.store import ScenarioStore
    from naravard.store.postgres import PostgresStore

    monkeypatch.delenv("NARAVARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "s.sqlite3"))
    s = open_store()
    assert type(s) is ScenarioStore and s.path == tmp_path / "s.sqlite3"
    monkeypatch.setenv("NARAVARD_DATABASE_URL", "postgresql://naravard:hemligt@db.example/naravard")
    p = open_store()
    assert isinstance(p, PostgresStore) and "hemligt" not in repr(p) and "hemligt" not in str(p.path)


def test_the_scenario_page_says_the_database_is_unreachable_and_still_shows_its_figures(
        pg_cluster, pg_url, monkeypatch, tmp_path):
    """The database stopped while the app runs: the Scenario page's saved list says so in
    Swedish; the page and its figures (FACTS: 30 147 aged 80+) stay; no traceback."""
    from naravard.store.postgres import PostgresStore
    from tests.apptables import scenario_page

    monkeypatch.setenv("NARAVARD_DATABASE_URL", pg_url)
    # open mode: this is about the database, not sign-in (a database URL alone means
    # groups mode; tests/ui/test_access_pages.py stops the database under a signed-in member)
    monkeypatch.setenv("NARAVARD_ACCESS", "open")
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    PostgresStore(pg_url).save("Sparad plan", "Grupp 1")
    at = scenario_page(timeout=120)
    assert not at.exception and not at.error
    pg_cluster.stop()
    try:
        at.run()
        assert not at.exception
        errors = [e.value for e in at.error]
        assert any("Databasen går inte att nå just nu" in e for e in errors), errors
        assert not any("Traceback" in e for e in errors)
        assert {m.label: m.value for m in at.metric}["Invånare 80+"].replace("\u00a0", " ") == "30 147"
    finally:
        pg_cluster.start()
    at.run()
    assert not at.exception and not at.error


def test_concurrent_writers_never_duplicate_a_name(make_store):
    """Four writers save the same ten names into one group at once: each name is kept
    exactly once, every other attempt is a StoreDuplicateError, nothing else fails."""
    import threading

    make_store().list()  # the schema exists before the race starts
    outcomes: list[str] = []
    lock = threading.Lock()

    def writer(w: int) -> None:
        s = make_store(timeout=30.0)
        for i in range(10):
            try:
                s.save(f"Plan {i}", "Grupp", f"skriven av {w}")
                result = "saved"
            except StoreDuplicateError:
                result = "duplicate"
            except Exception as exc:  # noqa: BLE001 - the test reports any other outcome
                result = f"{type(exc).__name__}: {exc}"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(outcomes)) == ["duplicate", "saved"] and outcomes.count("saved") == 10
    assert sorted(x.name for x in make_store().list()) == sorted(f"Plan {i}" for i in range(10))


def test_a_machine_without_postgresql_fails_the_postgres_tests_not_skips(monkeypatch, tmp_path):
    """The cluster fixture raises (so the postgres tests error) when no initdb exists;
    only NARAVARD_TEST_POSTGRES=0 turns them off."""
    from tests.store import conftest

    monkeypatch.setenv("NARAVARD_PG_BINDIR", str(tmp_path))  # a dir without initdb
    with pytest.raises(RuntimeError, match="NARAVARD_TEST_POSTGRES=0"):
        conftest.Cluster()


def test_postgres_connections_wait_for_a_lock_at_most_the_store_timeout(pg_url):
    from naravard.store.postgres import PostgresStore, _pool_for

    PostgresStore(pg_url, timeout=2.0).list()
    with _pool_for(pg_url, 2.0).connection() as conn:
        assert conn.execute("SHOW lock_timeout").fetchone()[0] == "2s"
        assert conn.execute("SHOW client_encoding").fetchone()[0] == "UTF8"
