"""Damaged scenario stores for the hostile corpus (tests/hostile/*.sqlite3).

A row is damaged *in place*: a few bytes inside one row's text are overwritten in the
database file, the record's header and lengths are left alone, so SQLite's
``integrity_check`` still says "ok" while the row no longer holds valid text (issue 11,
defect 4). ``python -m tests.storefiles`` writes the corpus files again.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from naravard.store.sqlite import ScenarioStore

HOSTILE = Path(__file__).parent / "hostile"


def garbage(n: int, seed: int = 11) -> bytes:
    """``n`` bytes that are not UTF-8 (the first is 0xFF, which UTF-8 never uses)."""
    rng = random.Random(seed)
    return b"\xff" + bytes(rng.randrange(256) for _ in range(n - 1))


def checkpoint(path: Path) -> None:
    """Move everything from the WAL into the database file, so it is one file."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def overwrite(path: Path, marker: bytes, replacement: bytes) -> None:
    """Overwrite the bytes at ``marker`` (unique in the file) with ``replacement``."""
    checkpoint(path)
    data = bytearray(path.read_bytes())
    at = data.find(marker)
    assert at >= 0 and data.find(marker, at + 1) < 0, "the marker must occur once"
    data[at : at + len(replacement)] = replacement
    path.write_bytes(bytes(data))


def integrity_ok(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


NOTE_MARK = "ANTECKNING-SOM-SKADAS "
NAME_MARK = "Namn som skadas 0123456789"
PAYLOAD_MARK = "PAYLOAD-SOM-SKADAS"


def _forget_audit_names(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("UPDATE audit_log SET item_name = ''")
        conn.execute("VACUUM")
    finally:
        conn.close()


def store_with_a_damaged_row(path: Path, column: str = "note") -> dict[str, int]:
    """Three scenarios (A, B, C); B's ``column`` (note, name or payload) is damaged in
    place. Returns the ids by name ("B" for the damaged one)."""
    store = ScenarioStore(path)
    a = store.save("Plan A", "Grupp 1", "Första planen", {"andel_sabo": 0.15})
    b = store.save(
        NAME_MARK if column == "name" else "Plan B",
        "Grupp 1",
        NOTE_MARK + "x" * 120 if column == "note" else "Andra planen",
        {"kommentar": PAYLOAD_MARK} if column == "payload" else {"andel_sabo": 0.2},
    )
    c = store.save("Plan C", "Grupp 2", "Tredje planen", {"andel_sabo": 0.25})
    _forget_audit_names(path)  # the audit log names the item too: the marker must be in the row only
    if column == "note":
        overwrite(path, NOTE_MARK.encode(), garbage(100))
    elif column == "name":
        overwrite(path, NAME_MARK.encode(), garbage(20))
    else:  # valid UTF-8 that is no longer a JSON object
        overwrite(path, b'"' + PAYLOAD_MARK.encode(), b"}}{{ ]] trasigt ")
    assert integrity_ok(path)
    return {"A": a.id, "B": b.id, "C": c.id}


def store_with_an_old_bidi_row(path: Path) -> int:
    """A store whose one row was saved before bidi controls were refused: its name
    displays as ``exe.live txt`` but is ``evil.exe`` with a right-to-left override."""
    store = ScenarioStore(path)
    s = store.save("Plan", "Grupp", "", {})
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute("UPDATE scenario SET name = ?, grp = ? WHERE id = ?", ("\u202eevil.exe\u202c txt", "\u2066G\u2069", s.id))
    finally:
        conn.close()
    checkpoint(path)
    return s.id


CORPUS = {
    "skadad_anteckning_scenarier.sqlite3": "note",
    "skadat_namn_scenarier.sqlite3": "name",
    "skadad_payload_scenarier.sqlite3": "payload",
    "gammal_bidi_scenarier.sqlite3": "bidi",
}


def write_corpus() -> None:
    for name, column in CORPUS.items():
        path = HOSTILE / name
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        if column == "bidi":
            store_with_an_old_bidi_row(path)
        else:
            store_with_a_damaged_row(path, column)
        for p in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)


if __name__ == "__main__":
    write_corpus()
