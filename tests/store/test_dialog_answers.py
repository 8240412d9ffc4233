"""The groups' dialogue answers (schema 4): round trip, per-group lists, one answer per
question, versioned edits (a stale edit is refused and nothing is overwritten), limits
(a 10 000-character note is refused), Markdown/HTML kept verbatim, soft delete, the
scenario link, a damaged row skipped, read-only stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from naravard.store import DialogRepository, ScenarioStore
from naravard.store.sqlite import (
    MAX_ANSWER_NOTES_CHARS,
    StoreConflictError,
    StoreCorruptError,
    StoreDuplicateError,
    StoreInvalidError,
    StoreLimitError,
    StoreNotFoundError,
    StoreReadOnlyError,
)
from tests.storefiles import checkpoint, garbage, integrity_ok, overwrite

GROUP = "Centerpartiets grupp"
Q1 = "Vill vi ha fler filialer?"  # data/dialog.toml, [geografi] fragor
Q2 = "Vilka krav på öppettider ska gälla?"  # [tillganglighet] fragor
HOSTILE = "**fet** <script>alert('x')</script> <b>&amp;</b> [länk](javascript:alert(1))\n| a | b |\n=SUM(A1)"


from tests.store.conftest import backend_store

@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "scenarier.sqlite3"


@pytest.fixture
def store(backend: str, path: Path, request) -> ScenarioStore:
    """On both backends (tests/store/conftest.py); tests that also take ``path`` use SQLite."""
    times = iter(f"2026-05-0{d}T10:00:00+00:00" for d in range(1, 10))
    return backend_store(backend, path, request, timeout=2.0, clock=lambda: next(times))


def test_round_trip_and_lists_per_group_and_theme(store: ScenarioStore, path: Path):
    assert isinstance(store, DialogRepository)
    a = store.save_answer(GROUP, "geo", Q1, "Ja", "Rad ett\nRad två", "Åsa Ölund")
    b = store.save_answer(GROUP, "tg", Q2, "Delvis", "", "Bo")
    c = store.save_answer("Annan grupp", "geo", Q1, "Nej", "", "Cia")
    assert (a.group, a.theme, a.question, a.position, a.notes, a.author, a.version, a.scenario_id) == (
        GROUP, "geo", Q1, "Ja", "Rad ett\nRad två", "Åsa Ölund", 1, None)
    assert a.created_at == a.updated_at == "2026-05-01T10:00:00+00:00"
    again = ScenarioStore(path)
    assert again.get_answer(a.id) == a
    assert again.list_answers(GROUP) == [a, b]  # oldest first, the group's only
    assert again.list_answers(" centerpartiets  GRUPP ", "geo") == [a]
    assert again.list_answers("Annan grupp") == [c]
    assert again.list_answers("Ingen") == []


def test_one_live_answer_per_group_and_question(store: ScenarioStore):
    a = store.save_answer(GROUP, "geo", Q1, "Ja", "", "Åsa")
    with pytest.raises(StoreDuplicateError) as e:
        store.save_answer(GROUP.upper(), "geo", "  vill vi ha  fler filialer? ", "Nej", "", "Bo")
    assert "redan svarat" in e.value.message_sv
    store.save_answer(GROUP, "tg", Q1, "Nej", "", "Bo")  # another theme may ask the same words
    store.delete_answer(a.id)
    b = store.save_answer(GROUP, "geo", Q1, "Nej", "", "Bo")  # a deleted answer does not hold the question
    with pytest.raises(StoreDuplicateError):
        store.restore_answer(a.id)
    store.delete_answer(b.id)
    assert store.restore_answer(a.id).position == "Ja"


def test_edit_bumps_the_version_and_a_stale_edit_is_refused(store: ScenarioStore):
    a = store.save_answer(GROUP, "geo", Q1, "Ja", "Första", "Åsa")
    first = store.update_answer(a.id, a.version, position="Delvis", notes="Andra", author="Bo")
    assert (first.version, first.position, first.notes, first.author) == (2, "Delvis", "Andra", "Bo")
    assert first.created_at == a.created_at and first.updated_at > a.updated_at
    # Another member edits from the version they opened (1): refused, nothing overwritten.
    with pytest.raises(StoreConflictError) as e:
        store.update_answer(a.id, a.version, position="Nej", notes="Tredje", author="Cia")
    assert "ändrats av någon annan" in e.value.message_sv and "Bo" in e.value.message_sv
    assert "version 2" in str(e.value)
    assert store.get_answer(a.id) == first
    # an edit of a deleted answer is not found, and nothing comes back
    store.delete_answer(a.id)
    with pytest.raises(StoreNotFoundError):
        store.update_answer(a.id, first.version, position="Nej", notes="", author="Cia")
    assert store.list_answers(GROUP) == []


def test_a_note_of_10000_characters_is_refused_and_5000_kept(store: ScenarioStore):
    with pytest.raises(StoreInvalidError) as e:
        store.save_answer(GROUP, "geo", Q1, "Ja", "x" * 10_000, "Åsa")
    assert e.value.message_sv == f"Anteckningen får vara högst {MAX_ANSWER_NOTES_CHARS} tecken (nu 10000)."
    assert store.list_answers(GROUP) == []
    a = store.save_answer(GROUP, "geo", Q1, "Ja", "å" * MAX_ANSWER_NOTES_CHARS, "Åsa")
    assert store.get_answer(a.id).notes == "å" * 5000
    with pytest.raises(StoreInvalidError):
        store.update_answer(a.id, a.version, position="Ja", notes="x" * 5001, author="Åsa")
    assert store.get_answer(a.id) == a


def test_empty_notes_are_allowed(store: ScenarioStore):
    assert store.save_answer(GROUP, "geo", Q1, "Vet inte", "   ", "Åsa").notes == ""


@pytest.mark.parametrize(
    "args, fragment",
    [
        ((GROUP, "geo", Q1, "", "", "Åsa"), "Ståndpunkten får inte vara tomt"),
        ((GROUP, "geo", Q1, "J" * 81, "", "Åsa"), "högst 80 tecken"),
        ((GROUP, "geo", Q1, "Ja\nNej", "", "Åsa"), "styrtecken"),
        ((GROUP, "geo", Q1, "Ja", "", ""), "får inte vara tomt"),
        (("", "geo", Q1, "Ja", "", "Åsa"), "Gruppnamnet får inte vara tomt"),
        ((GROUP, "", Q1, "Ja", "", "Åsa"), "Temat"),
        ((GROUP, "geo", "", "Ja", "", "Åsa"), "Frågan"),
        ((GROUP, "geo", Q1, "Ja", "text\u202egnalb", "Åsa"), "riktning"),
        ((GROUP, "geo", Q1, "Ja", "nul\x00", "Åsa"), "styrtecken"),
        ((GROUP, "geo", Q1, "Ja", "", "Åsa\u2067"), "riktning"),
        ((GROUP, "geo", Q1, "Ja", 5, "Åsa"), "måste vara text"),
    ],
)
def test_bad_input_is_refused_in_swedish(store: ScenarioStore, args, fragment):
    with pytest.raises(StoreInvalidError) as e:
        store.save_answer(*args)
    assert fragment in e.value.message_sv
    assert store.list_answers(GROUP) == []


def test_markdown_and_html_are_stored_verbatim(store: ScenarioStore, path: Path):
    a = store.save_answer(GROUP, "geo", Q1, "<i>Ja</i>", HOSTILE, "<b>Åsa</b>")
    got = ScenarioStore(path).get_answer(a.id)
    assert (got.notes, got.position, got.author) == (HOSTILE, "<i>Ja</i>", "<b>Åsa</b>")


def test_the_scenario_link_must_be_a_live_scenario_of_the_group(store: ScenarioStore):
    own = store.save("Plan 2030", GROUP, "", {"andel_sabo": 0.2})
    other = store.save("Plan 2030", "Annan grupp", "", {})
    a = store.save_answer(GROUP, "aldre", Q1, "Ja", "", "Åsa", scenario_id=own.id)
    assert a.scenario_id == own.id
    with pytest.raises(StoreInvalidError) as e:
        store.save_answer(GROUP, "geo", Q1, "Ja", "", "Åsa", scenario_id=other.id)
    assert "annan grupp" in e.value.message_sv
    store.delete(own.id)
    assert store.get_answer(a.id).scenario_id == own.id  # the answer is kept; the page says the scenario is gone
    with pytest.raises(StoreNotFoundError):
        store.update_answer(a.id, 1, position="Nej", notes="", author="Åsa", scenario_id=own.id)
    assert store.update_answer(a.id, 1, position="Nej", notes="", author="Åsa").scenario_id is None


def test_answers_per_group_are_capped(store: ScenarioStore, monkeypatch):
    monkeypatch.setattr("naravard.store.sqlite.MAX_ANSWERS_PER_GROUP", 2)
    store.save_answer(GROUP, "geo", Q1, "Ja", "", "Åsa")
    store.save_answer(GROUP, "tg", Q2, "Ja", "", "Åsa")
    with pytest.raises(StoreLimitError) as e:
        store.save_answer(GROUP, "aldre", Q1, "Ja", "", "Åsa")
    assert "2 sparade svar" in e.value.message_sv
    store.save_answer("Annan", "aldre", Q1, "Ja", "", "Åsa")


MARK = "SVAR-SOM-SKADAS"


def test_a_damaged_row_is_skipped_and_the_others_list(path: Path, caplog):
    store = ScenarioStore(path)
    a = store.save_answer(GROUP, "geo", Q1, "Ja", "", "Åsa")
    b = store.save_answer(GROUP, "tg", Q2, "Ja", MARK, "Åsa")
    c = store.save_answer(GROUP, "aldre", Q1, "Nej", "", "Åsa")
    overwrite(path, MARK.encode(), garbage(6))
    assert integrity_ok(path)
    assert [x.id for x in store.list_answers(GROUP)] == [a.id, c.id]
    assert "skipping dialogue answer" in caplog.text
    with pytest.raises(StoreCorruptError) as e:
        store.get_answer(b.id)
    assert "skadat" in e.value.message_sv
    store.delete_answer(b.id)


def test_read_only_store_reads_answers_and_refuses_writes(path: Path):
    rw = ScenarioStore(path)
    a = rw.save_answer(GROUP, "geo", Q1, "Ja", HOSTILE, "Åsa")
    checkpoint(path)
    before = path.read_bytes()
    ro = ScenarioStore(path, read_only=True)
    assert ro.list_answers(GROUP) == [a]
    for write in (lambda: ro.save_answer(GROUP, "tg", Q2, "Ja", "", "Åsa"),
                  lambda: ro.update_answer(a.id, 1, position="Nej", notes="", author="Åsa"),
                  lambda: ro.delete_answer(a.id), lambda: ro.restore_answer(a.id)):
        with pytest.raises(StoreReadOnlyError):
            write()
    assert path.read_bytes() == before


def test_two_members_edit_the_same_version_at_once_one_wins_one_is_refused(path: Path):
    """The version check and the write are one transaction: of two edits made from the
    same version at the same moment exactly one is written, the other is refused."""
    import threading

    a = ScenarioStore(path).save_answer(GROUP, "geo", Q1, "Ja", "", "Åsa")
    results: dict[str, object] = {}
    barrier = threading.Barrier(2)

    def edit(who: str) -> None:
        store = ScenarioStore(path, timeout=5.0)
        barrier.wait()
        try:
            results[who] = store.update_answer(a.id, 1, position="Nej", notes=f"av {who}", author=who)
        except StoreConflictError as e:
            results[who] = e

    threads = [threading.Thread(target=edit, args=(w,)) for w in ("Bo", "Cia")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [w for w, r in results.items() if not isinstance(r, StoreConflictError)]
    assert len(won) == 1 and len(results) == 2
    got = ScenarioStore(path).get_answer(a.id)
    assert (got.version, got.notes, got.author) == (2, f"av {won[0]}", won[0])
