"""Named presentations (schema 4): round trip, per-group lists, names unique per group
among live rows, limits, bidi refused, caps, soft delete and restore, a damaged row
skipped, a deleted scenario referenced by a presentation, migration and read-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from naravard.store import PresentationRepository, ScenarioStore
from naravard.store.sqlite import (
    _MIGRATIONS,
    APPLICATION_ID,
    MAX_PRESENTATION_SLIDES,
    MAX_QUERY_CHARS,
    MAX_TITLE_CHARS,
    SCHEMA_VERSION,
    StoreCorruptError,
    StoreDuplicateError,
    StoreInvalidError,
    StoreLimitError,
    StoreNotFoundError,
    StoreReadOnlyError,
)
from naravard.views.slides import MAX_SLIDES
from tests.storefiles import checkpoint, garbage, integrity_ok, overwrite

GROUP = "Socialdemokraternas grupp – Åsa"
QUERY = "v=1&andel_sabo=0.2&lakare_per_listade=1500"


from tests.store.conftest import backend_store

@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "scenarier.sqlite3"


@pytest.fixture
def store(backend: str, path: Path, request) -> ScenarioStore:
    """On both backends (tests/store/conftest.py); tests that also take ``path`` use SQLite."""
    return backend_store(backend, path, request, timeout=2.0)


def test_round_trip_and_lists_per_group(store: ScenarioStore, path: Path):
    assert isinstance(store, PresentationRepository)
    assert store.list_presentations() == []
    a = store.save_presentation(" HSU maj ", GROUP, ["headline", "pop80", "dialog-aldre"], QUERY, "HSU 12 maj")
    b = store.save_presentation("Dialog", "Andra gruppen", ["dialog-geo"], "", "")
    assert (a.name, a.group, a.slide_ids, a.scenario_query, a.title) == (
        "HSU maj", GROUP, ("headline", "pop80", "dialog-aldre"), QUERY, "HSU 12 maj")
    assert a.scenario_id is None and a.created_at == a.updated_at and a.created_at.endswith("+00:00")
    again = ScenarioStore(path)
    assert again.get_presentation(a.id) == a
    assert [p.id for p in again.list_presentations()] == [b.id, a.id]  # newest first
    assert again.list_presentations(GROUP) == [a]
    assert again.list_presentations("  andra   GRUPPEN ") == [b]  # compared as names are
    assert again.list_presentations("Ingen sådan") == []
    # scenarios and presentations do not see each other
    assert again.list() == []


def test_names_are_unique_per_group_among_live_rows(store: ScenarioStore):
    a = store.save_presentation("HSU maj", GROUP, ["headline"])
    with pytest.raises(StoreDuplicateError) as e:
        store.save_presentation("hsu  MAJ", GROUP, ["pop80"])
    assert "presentation" in e.value.message_sv and "HSU maj" in e.value.message_sv
    store.save_presentation("HSU maj", "Annan grupp", ["pop80"])  # another group may
    store.delete_presentation(a.id)
    b = store.save_presentation("HSU maj", GROUP, ["pop80"])  # a deleted one does not hold its name
    with pytest.raises(StoreDuplicateError):
        store.restore_presentation(a.id)
    store.delete_presentation(b.id)
    assert store.restore_presentation(a.id).slide_ids == ("headline",)


def test_soft_delete_and_restore(store: ScenarioStore):
    p = store.save_presentation("P", GROUP, ["headline"])
    store.delete_presentation(p.id)
    assert store.list_presentations() == []
    with pytest.raises(StoreNotFoundError) as e:
        store.get_presentation(p.id)
    assert e.value.message_sv.startswith("Presentationen finns inte längre")
    with pytest.raises(StoreNotFoundError):
        store.delete_presentation(p.id)
    assert store.restore_presentation(p.id) == p
    with pytest.raises(StoreNotFoundError):
        store.restore_presentation(p.id)  # it is live
    with pytest.raises(StoreNotFoundError):
        store.restore_presentation(p.id + 100)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"name": ""}, "Namnet får inte vara tomt"),
        ({"name": "x" * 81}, "högst 80 tecken"),
        ({"name": "Plan\u202e"}, "riktning"),
        ({"group": "G\u2066"}, "riktning"),
        ({"title": "T" * (MAX_TITLE_CHARS + 1)}, f"högst {MAX_TITLE_CHARS} tecken"),
        ({"title": "Rubrik\u200f"}, "riktning"),
        ({"scenario_query": "a" * (MAX_QUERY_CHARS + 1)}, "högst"),
        ({"scenario_query": "v=1\x00"}, "styrtecken"),
        ({"slide_ids": []}, "minst en bild"),
        ({"slide_ids": "headline"}, "fel form"),
        ({"slide_ids": ["headline", "headline"]}, "flera gånger"),
        ({"slide_ids": ["Headline"]}, "ogiltigt"),
        ({"slide_ids": ["a" * 33]}, "ogiltigt"),
        ({"slide_ids": ["<script>"]}, "ogiltigt"),
        ({"slide_ids": [1]}, "ogiltigt"),
        ({"slide_ids": [f"s{i}" for i in range(MAX_PRESENTATION_SLIDES + 1)]}, f"högst {MAX_PRESENTATION_SLIDES} bilder"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_saved(store: ScenarioStore, kwargs, fragment):
    args = {"name": "P", "group": GROUP, "slide_ids": ["headline"], "scenario_query": QUERY, "title": ""} | kwargs
    with pytest.raises(StoreInvalidError) as e:
        store.save_presentation(**args)
    assert fragment in e.value.message_sv
    assert str(e.value) and str(e.value) != e.value.message_sv
    assert store.list_presentations() == []


def test_limits_are_inclusive(store: ScenarioStore):
    ids = [f"s{i}" for i in range(MAX_PRESENTATION_SLIDES)]
    p = store.save_presentation("x" * 80, GROUP, ids, "q" * MAX_QUERY_CHARS, "T" * MAX_TITLE_CHARS)
    assert store.get_presentation(p.id).slide_ids == tuple(ids)


def test_slide_cap_matches_the_catalogue():
    assert MAX_PRESENTATION_SLIDES == MAX_SLIDES


def test_markdown_and_html_are_kept_as_written(store: ScenarioStore):
    p = store.save_presentation("**fet** <b>x</b>", "<script>alert(1)</script>", ["headline"], "", "[länk](javascript:x)")
    got = store.get_presentation(p.id)
    assert (got.name, got.group, got.title) == ("**fet** <b>x</b>", "<script>alert(1)</script>", "[länk](javascript:x)")


def test_presentations_per_group_are_capped(store: ScenarioStore, monkeypatch):
    monkeypatch.setattr("naravard.store.sqlite.MAX_PRESENTATIONS_PER_GROUP", 2)
    a = store.save_presentation("A", GROUP, ["headline"])
    store.save_presentation("B", GROUP, ["headline"])
    with pytest.raises(StoreLimitError) as e:
        store.save_presentation("C", GROUP, ["headline"])
    assert "2 sparade presentationer" in e.value.message_sv
    store.save_presentation("C", "Annan", ["headline"])  # per group
    store.delete_presentation(a.id)
    c = store.save_presentation("C", GROUP, ["headline"])
    with pytest.raises(StoreLimitError):
        store.restore_presentation(a.id)
    assert [p.name for p in store.list_presentations(GROUP)] == ["C", "B"] and c.id > a.id


def test_saved_scenario_reference_and_a_deleted_scenario(store: ScenarioStore):
    s = store.save("Plan 2030", GROUP, "", {"andel_sabo": 0.2})
    p = store.save_presentation("HSU", GROUP, ["scen-kommun"], QUERY, scenario_id=s.id)
    opened = store.open_presentation(p.id)
    assert opened.scenario == s and opened.message_sv == "" and opened.presentation == p
    store.delete(s.id)
    opened = store.open_presentation(p.id)
    assert opened.scenario is None and opened.presentation.slide_ids == ("scen-kommun",)
    assert "har tagits bort" in opened.message_sv and "det scenario som gäller nu" in opened.message_sv
    assert f"id {s.id}" in opened.message_sv
    # a presentation cannot be saved naming a scenario that is gone
    with pytest.raises(StoreNotFoundError):
        store.save_presentation("HSU 2", GROUP, ["headline"], scenario_id=s.id)
    assert store.open_presentation(store.save_presentation("Utan", GROUP, ["headline"]).id).message_sv == ""


MARK = "presentation-som-skadas"


def test_a_damaged_row_is_skipped_and_the_others_list(path: Path, caplog):
    store = ScenarioStore(path)
    a = store.save_presentation("A", GROUP, ["headline"])
    b = store.save_presentation("B", GROUP, ["headline"], title=MARK)
    c = store.save_presentation("C", GROUP, ["headline"])
    overwrite(path, MARK.encode(), garbage(8))
    assert integrity_ok(path)
    assert [p.id for p in store.list_presentations()] == [c.id, a.id]
    assert "skipping presentation" in caplog.text
    with pytest.raises(StoreCorruptError) as e:
        store.get_presentation(b.id)
    assert "skadad" in e.value.message_sv
    store.delete_presentation(b.id)  # still removable
    assert [p.id for p in store.list_presentations()] == [c.id, a.id]


def _schema_3_file(path: Path) -> None:
    """A file as the previous version wrote it: schema 3, one scenario, no presentations."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for step in _MIGRATIONS[:3]:
        for statement in step:
            conn.execute(statement)
    conn.execute(
        "INSERT INTO scenario (name, grp, note, created_at, updated_at, payload, name_key, grp_key)"
        " VALUES ('Gammal', 'g', '', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', '{\"x\":1}', 'gammal', 'g')"
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    checkpoint(path)


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_schema_3_file_is_migrated_and_keeps_its_scenarios(path: Path):
    _schema_3_file(path)
    assert SCHEMA_VERSION >= 5
    store = ScenarioStore(path)
    assert store.list_presentations() == []  # a read migrates a writable file
    assert _version(path) == SCHEMA_VERSION
    [old] = store.list()
    assert (old.name, old.payload) == ("Gammal", {"x": 1})
    p = store.save_presentation("Ny", "g", ["headline"], scenario_id=old.id)
    assert store.open_presentation(p.id).scenario == old
    assert store.save_answer("g", "geo", "Fråga?", "Ja", "", "Åsa", scenario_id=old.id).version == 1


def test_schema_3_file_read_only_reads_scenarios_and_has_no_presentations(path: Path):
    _schema_3_file(path)
    before = path.read_bytes()
    ro = ScenarioStore(path, read_only=True)
    assert [s.name for s in ro.list()] == ["Gammal"] and ro.list_presentations() == []
    assert ro.list_answers("g") == []
    with pytest.raises(StoreNotFoundError):
        ro.get_answer(1)
    with pytest.raises(StoreNotFoundError):
        ro.get_presentation(1)
    with pytest.raises(StoreReadOnlyError) as e:
        ro.save_presentation("Ny", "g", ["headline"])
    assert "skrivskyddad" in e.value.message_sv
    assert path.read_bytes() == before and _version(path) == 3, "a read-only file is never migrated"


def test_read_only_store_reads_presentations_and_refuses_writes(path: Path):
    rw = ScenarioStore(path)
    p = rw.save_presentation("P", GROUP, ["headline", "pop80"], QUERY)
    checkpoint(path)
    before = path.read_bytes()
    ro = ScenarioStore(path, read_only=True)
    assert ro.list_presentations(GROUP) == [p] and ro.get_presentation(p.id) == p
    for write in (lambda: ro.save_presentation("Q", GROUP, ["headline"]), lambda: ro.delete_presentation(p.id),
                  lambda: ro.restore_presentation(p.id)):
        with pytest.raises(StoreReadOnlyError):
            write()
    assert path.read_bytes() == before
