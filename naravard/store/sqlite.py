"""The scenario store: named sets of assumptions saved by groups, in embedded SQLite.

A :class:`ScenarioStore` is a path plus a few settings; it holds no connection. Every
operation opens a fresh connection, does one short transaction and closes it, so one
store object can be shared by Streamlit's script threads and several server processes
can use the same file. The database runs in WAL mode (readers never wait for a
writer) and every connection has a busy timeout; an operation still waiting after the
timeout (``timeout``, default 5 s) gets :class:`StoreLockedError` and has changed
nothing, so the user can simply try again.

What is stored (:class:`SavedScenario`): a name, a group (the party group or author
label), a free-text note, UTC timestamps and a *payload* — the scenario's assumptions
as a JSON object. The store does not interpret the payload beyond checking that it is
a JSON object of at most :data:`MAX_PAYLOAD_BYTES` bytes (UTF-8); what ``get`` returns
is the JSON decoding of what was saved (tuples come back as lists, and so on).

Names are unique within a group: saving or renaming to a name that the group already
uses (compared ignoring case, Unicode form and runs of whitespace) raises
:class:`StoreDuplicateError`, so one group can never silently shadow or overwrite
its own scenario. Different groups may use the same name. Ids are never reused, so a
stale id refers to nothing rather than to someone else's newer scenario.

Deleting is soft: :meth:`ScenarioStore.delete` stamps ``deleted_at`` and keeps the
row, so a click on the wrong row can be undone with :meth:`ScenarioStore.restore`.
A deleted scenario is invisible to ``list``, ``get``, ``rename`` and ``update_note``
and does not hold its name (the uniqueness index covers live rows only); restoring
it when its group has since reused the name raises :class:`StoreDuplicateError`.

Damaged files are never repaired, overwritten or deleted here: if the file at the path
is not a naravard scenario store (random bytes, a truncated database, another
program's database) every read and write raises :class:`StoreCorruptError`, whose
message says where the file is, and the file is left exactly as it was. Every
operation checks that the file is a whole number of pages (a cut-short copy is caught
even where SQLite would read the missing tail as zeros) and that it carries naravard's
``application_id``; every write first runs SQLite's ``quick_check`` inside its
transaction, so a write never lands on a damaged file. A single row whose payload no
longer decodes (garbage bytes inside one row's text, which SQLite's checks do not see)
is skipped by :meth:`ScenarioStore.list` and :meth:`ScenarioStore.page` with a logged
warning, and ``page`` counts it (``ScenarioPage.unreadable``) so the UI can say that one
could not be read while the others list; ``get`` of that row raises
:class:`StoreCorruptError` (``delete`` still removes it from the list). Text columns are
decoded leniently (invalid UTF-8 becomes lone surrogates, which no saved text can hold),
so one bad row can never fail a whole query.

Names, groups and notes are plain text: control characters and the bidirectional
controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which can make a name
display as something else (``exe.txt`` that is really ``txt.exe``), are refused on
save; any found in older rows are shown as U+FFFD.

Each group holds at most :data:`MAX_SCENARIOS_PER_GROUP` live scenarios (a save or
restore beyond it raises :class:`StoreLimitError`), and the UI reads the list a page
at a time (:meth:`ScenarioStore.page`, with a search on name and group), so neither
the file nor what a page sends to the browser grows without bound.

A file the process may not write (or a store made with ``read_only=True``) is opened
read-only: reads work, every write raises :class:`StoreReadOnlyError`, and the file is
never touched.

Unit registers (schema 3, table ``register``) are kept in the same file for all users:
:meth:`ScenarioStore.save_register` keeps a validated register as CSV text with its name,
source, saved time, row count and SHA-256; :meth:`ScenarioStore.latest_register` returns
the newest readable one (a damaged row — text that no longer matches its checksum — is
skipped with a logged warning, never rewritten); :meth:`ScenarioStore.list_registers`
lists them without their text. A schema-2 file opened read-only (it cannot be migrated)
still reads its scenarios and simply has no registers.

Named presentations and dialogue answers (schema 4, tables ``presentation`` and
``dialog_answer``) follow the same rules: soft delete and restore, names (presentations)
or questions (answers) unique per group among live rows, a cap per group, bidi refused,
a damaged row skipped by the lists. A presentation may name a saved scenario by id;
:meth:`ScenarioStore.open_presentation` opens it even when that scenario is gone, with
a Swedish message. A group keeps one live answer per theme and question; an edit names
the version it started from and a stale edit raises :class:`StoreConflictError`
without writing. A schema-3 file opened read-only has neither (empty lists).

Schema 5 gives each scenario a ``version`` (one more with each rename or note edit:
``rename`` and ``update_note`` take ``expected_version``, and a stale edit raises
:class:`StoreConflictError` without writing), adds ``audit_log`` (create, rename,
edit, delete, restore and publish, with UTC time, the store's ``user``, group and
item, written in the same transaction as the change, so both land or neither) and
``schema_version`` (one row per migration applied). Every rule and SQL statement here
is shared with the PostgreSQL backend (:mod:`naravard.store.postgres`), which only
runs transactions differently; the statements therefore stay in the SQL both speak.

Schema 6 (issue 14) adds access control and published data. A store bound to a person
(:meth:`ScenarioStore.with_access`) checks every item's group against the one access
rule of :mod:`naravard.store.access`: another group's scenario, presentation or answer
is :class:`StoreNotFoundError`, exactly as a missing id (existence is not leaked),
lists filter in SQL, saving elsewhere is :class:`StoreForbiddenError`; an unbound store
is the system and may do everything. Tables ``workgroup`` and ``member`` hold groups
and roles; a group passphrase is kept only as a salted scrypt hash
(:mod:`naravard.store.passphrase`), and ``sign_in_failure`` counts failed attempts in
the database, so every replica throttles alike (:class:`StoreAuthError`,
:class:`StoreThrottledError`). ``data_version`` keeps published tables (named, dated,
with a SHA-256) for everyone; a trigger refuses any UPDATE of a version's content, on
both backends, so published data cannot change under the people who chose it. The
unit-register methods are wrappers over kind :data:`REGISTER_KIND`; migration 6
copies the old ``register`` rows in (and leaves that table as it was).

Swedish messages never name the file's path on the server (the English ones do, for
the logs).

Errors follow the project's convention: ``str(err)`` is English (API, logs) and
``err.message_sv`` is the Swedish text for the UI. Nothing here imports Streamlit.

WAL needs shared memory between processes, so the file must be on a local disk, not
a network share.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import math
import operator
import os
import sqlite3
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

from naravard.errors import NaravardError
from naravard.store.access import PASSPHRASE_ROLES, ROLES, Access, role_rank
from naravard.store.passphrase import MAX_PASSPHRASE_CHARS, MIN_PASSPHRASE_CHARS, hash_passphrase, verify_passphrase

log = logging.getLogger(__name__)
_T = TypeVar("_T")

DEFAULT_STORE_PATH = Path(__file__).resolve().parents[2] / "var" / "scenarier.sqlite3"
ENV_VAR = "NARAVARD_STORE"

SCHEMA_VERSION = 6
# The oldest schema a read-only store can still read scenarios from (its file cannot be
# migrated): schema 2 has every scenario column; it simply has no registers yet.
MIN_READ_ONLY_VERSION = 2
# PRAGMA application_id marks the file as ours ("NRVD").
APPLICATION_ID = 0x4E525644

MAX_NAME_CHARS = 80
MAX_GROUP_CHARS = 80
MAX_NOTE_CHARS = 2000
MAX_PAYLOAD_BYTES = 64 * 1024
DEFAULT_TIMEOUT_S = 5.0
# Live scenarios one group (or "no group") may keep: enough for any real use, few
# enough that a burst of saves cannot make the list, the file or a page unusable.
MAX_SCENARIOS_PER_GROUP = 200
# Rows per page of the saved list (ScenarioStore.page).
PAGE_SIZE = 20
# Unit registers: the CSV text of one (5 000 units of ~200 bytes is 1 MB) and how many
# are kept (a monthly update for eight years); older ones are never pruned silently.
MAX_REGISTER_BYTES = 2 * 1024 * 1024
# Published data versions (schema 6): the content of one (a forecast table for every
# kommun, age and year stays far below) and how many one kind keeps (a monthly update
# for eight years); none is ever pruned silently. The unit registers are one kind.
MAX_DATA_VERSION_BYTES = 8 * 1024 * 1024
MAX_DATA_VERSIONS_PER_KIND = 100
MAX_REGISTERS = MAX_DATA_VERSIONS_PER_KIND
MAX_KIND_CHARS = 40
# Groups and sign-in (schema 6).
MAX_USER_CHARS = 254  # an e-mail address
MAX_DESCRIPTION_CHARS = 500
MAX_SIGN_IN_FAILURES = 5
SIGN_IN_WINDOW_S = 15 * 60
MAX_SOURCE_CHARS = 200
READONLY_ENV_VAR = "NARAVARD_STORE_READONLY"
# Named presentations (schema 4): a title, an ordered list of slide ids and the
# scenario's link query. The slide cap matches views.slides.MAX_SLIDES (a test checks);
# the query holds at most the link's 50 keys of a few hundred characters each.
MAX_TITLE_CHARS = 120
MAX_PRESENTATION_SLIDES = 30
MAX_SLIDE_ID_CHARS = 32
MAX_QUERY_CHARS = 16_000
MAX_PRESENTATIONS_PER_GROUP = 200
# Dialogue answers (schema 4): one live answer per group, theme and question.
# A position is a short choice (POSITIONS) or a short text of the group's own; notes
# hold up to 5 000 characters (about two typed pages).
POSITIONS = ("Ja", "Nej", "Delvis", "Vet inte")
MAX_POSITION_CHARS = 80
MAX_ANSWER_NOTES_CHARS = 5000
MAX_AUTHOR_CHARS = 80
MAX_THEME_CHARS = 40
MAX_QUESTION_CHARS = 500
MAX_ANSWERS_PER_GROUP = 500

# Bidirectional controls: they reorder how the text around them is displayed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

# The audit log: who did what to which item, when (UTC ISO), in which group. ``{id}`` is the
# dialect's auto-increment key (the PostgreSQL backend creates the same table).
AUDIT_TABLE_SQL = """
        CREATE TABLE audit_log (
            id        {id},
            at        TEXT NOT NULL,
            actor     TEXT NOT NULL DEFAULT '',
            grp       TEXT NOT NULL DEFAULT '',
            action    TEXT NOT NULL,
            item_type TEXT NOT NULL,
            item_id   INTEGER NOT NULL,
            item_name TEXT NOT NULL DEFAULT ''
        )
        """
SCHEMA_VERSION_TABLE_SQL = "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
# What the audit log records (``publish``/``withdraw``: a data version for all users;
# ``sign_in``/``sign_in_failed``: a group passphrase; ``grant``/``revoke``: a membership;
# ``passphrase``: a group's passphrase set or cleared).
AUDIT_ACTIONS = ("create", "rename", "edit", "delete", "restore", "publish", "withdraw", "sign_in",
                 "sign_in_failed", "grant", "revoke", "passphrase")

# Groups, members and passphrase throttling, and published data (schema 6). ``{id}`` is
# the dialect's auto-increment key; the PostgreSQL backend runs the same statements.
# A data version is immutable: a trigger (per dialect, SQLITE_DATA_VERSION_TRIGGER and
# its PostgreSQL twin) refuses an UPDATE of anything but ``withdrawn_at``.
SCHEMA_6_SQL: tuple[str, ...] = (
    """
    CREATE TABLE workgroup (
        id          {id},
        name        TEXT NOT NULL,
        name_key    TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        created_by  TEXT NOT NULL DEFAULT '',
        pass_hash   TEXT,
        pass_role   TEXT,
        pass_set_at TEXT
    )
    """,
    "CREATE UNIQUE INDEX workgroup_name ON workgroup (name_key)",
    """
    CREATE TABLE member (
        id        {id},
        group_id  INTEGER NOT NULL,
        user_key  TEXT NOT NULL,
        user_name TEXT NOT NULL,
        role      TEXT NOT NULL,
        added_at  TEXT NOT NULL,
        added_by  TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE UNIQUE INDEX member_group_user ON member (group_id, user_key)",
    "CREATE INDEX member_user ON member (user_key)",
    "CREATE TABLE sign_in_failure (id {id}, group_key TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE INDEX sign_in_failure_group ON sign_in_failure (group_key, at)",
    """
    CREATE TABLE data_version (
        id           {id},
        kind         TEXT NOT NULL,
        name         TEXT NOT NULL,
        name_key     TEXT NOT NULL,
        source       TEXT NOT NULL DEFAULT '',
        note         TEXT NOT NULL DEFAULT '',
        row_count    INTEGER NOT NULL,
        content      TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        published_at TEXT NOT NULL,
        published_by TEXT NOT NULL DEFAULT '',
        withdrawn_at TEXT
    )
    """,
    "CREATE UNIQUE INDEX data_version_kind_name ON data_version (kind, name_key)",
    "ALTER TABLE audit_log ADD COLUMN grp_key TEXT NOT NULL DEFAULT ''",
)
DATA_VERSION_FROZEN_COLUMNS = ("kind, name, name_key, source, note, row_count, content, sha256, "
                               "published_at, published_by")
SQLITE_DATA_VERSION_TRIGGER = (
    f"CREATE TRIGGER data_version_immutable BEFORE UPDATE OF {DATA_VERSION_FROZEN_COLUMNS} ON data_version"
    " BEGIN SELECT RAISE(ABORT, 'a published data version is immutable'); END"
)
REGISTER_KIND = "enheter"


def _migrate_6_rows(conn: Any) -> None:
    """Schema 6's data step, shared by both backends (``conn`` speaks the store's SQL):
    every kept unit register becomes a published data version of kind ``enheter``
    (a repeated name gets its old id appended: names are unique per kind from now on),
    and every audit line gets the key of its group, so a person's view of the log can
    be filtered in SQL."""
    def whole(*texts: object) -> bool:  # a damaged row (lone surrogates) cannot be copied as text
        return all(isinstance(t, str) and not any("\ud800" <= c <= "\udfff" for c in t) for t in texts)

    if _has_table(conn, "register"):
        taken: set[str] = set()
        for rid, name, source, saved_at, count, text, digest in conn.execute(
                "SELECT id, name, source, saved_at, row_count, csv, sha256 FROM register ORDER BY id").fetchall():
            if not whole(name, source, saved_at, text, digest):
                log.warning("register %s is damaged; it stays in the register table and is not published", rid)
                continue
            shown = name if _key(name) not in taken else f"{name} ({rid})"
            taken.add(_key(shown))
            conn.execute(
                "INSERT INTO data_version (kind, name, name_key, source, note, row_count, content, sha256,"
                " published_at, published_by) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, '')",
                (REGISTER_KIND, shown, _key(shown), source, count, text, digest, saved_at),
            )
    for (grp,) in conn.execute("SELECT DISTINCT grp FROM audit_log").fetchall():
        if grp and whole(grp):
            conn.execute("UPDATE audit_log SET grp_key = ? WHERE grp = ?", (_key(grp), grp))

# Migration i brings the schema from version i to i + 1.
_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE scenario (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            name       TEXT NOT NULL,
            grp        TEXT NOT NULL DEFAULT '',
            note       TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            payload    TEXT NOT NULL,
            name_key   TEXT NOT NULL,
            grp_key    TEXT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX scenario_grp_name ON scenario (grp_key, name_key)",
    ),
    # 1 → 2: soft delete. A deleted row keeps its data but not its name.
    (
        "ALTER TABLE scenario ADD COLUMN deleted_at TEXT",
        "DROP INDEX scenario_grp_name",
        "CREATE UNIQUE INDEX scenario_grp_name_live ON scenario (grp_key, name_key) WHERE deleted_at IS NULL",
    ),
    # 2 → 3: unit registers kept for all users (the Geografi page). Each row is one
    # validated register as CSV text; sha256 lets a damaged row be recognised and skipped.
    (
        """
        CREATE TABLE register (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            name      TEXT NOT NULL,
            source    TEXT NOT NULL DEFAULT '',
            saved_at  TEXT NOT NULL,
            row_count INTEGER NOT NULL,
            csv       TEXT NOT NULL,
            sha256    TEXT NOT NULL
        )
        """,
    ),
    # 3 → 4: named presentations (the Presentera page) and the groups' dialogue answers
    # (the Dialog page). Both delete softly and keep their names/questions unique among
    # live rows only, as scenarios do.
    (
        """
        CREATE TABLE presentation (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            name           TEXT NOT NULL,
            grp            TEXT NOT NULL DEFAULT '',
            title          TEXT NOT NULL DEFAULT '',
            slide_ids      TEXT NOT NULL,
            scenario_query TEXT NOT NULL DEFAULT '',
            scenario_id    INTEGER,
            created_at     TEXT NOT NULL,
            updated_at     TEXT NOT NULL,
            deleted_at     TEXT,
            name_key       TEXT NOT NULL,
            grp_key        TEXT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX presentation_grp_name_live ON presentation (grp_key, name_key) WHERE deleted_at IS NULL",
        """
        CREATE TABLE dialog_answer (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            grp          TEXT NOT NULL,
            theme        TEXT NOT NULL,
            question     TEXT NOT NULL,
            position     TEXT NOT NULL,
            notes        TEXT NOT NULL DEFAULT '',
            author       TEXT NOT NULL,
            scenario_id  INTEGER,
            version      INTEGER NOT NULL,
            created_at   TEXT NOT NULL,
            updated_at   TEXT NOT NULL,
            deleted_at   TEXT,
            grp_key      TEXT NOT NULL,
            question_key TEXT NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX dialog_answer_live ON dialog_answer (grp_key, theme, question_key) WHERE deleted_at IS NULL",
    ),
    # 4 → 5: a version per scenario (a stale edit is refused, never overwrites), the audit
    # log (written in the same transaction as the change it records) and the record of
    # the migrations applied (user_version stays the authority in SQLite: it is part of
    # the same transaction; schema_version is for people and for the PostgreSQL twin).
    (
        "ALTER TABLE scenario ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        AUDIT_TABLE_SQL.replace("{id}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
        "CREATE INDEX audit_log_item ON audit_log (item_type, item_id)",
        SCHEMA_VERSION_TABLE_SQL,
    ),
    # 5 → 6: groups, members, passphrase throttling, published data versions (the unit
    # registers are copied into them; the register table stays, unread, as it was).
    (
        *(statement.replace("{id}", "INTEGER PRIMARY KEY AUTOINCREMENT") for statement in SCHEMA_6_SQL),
        SQLITE_DATA_VERSION_TRIGGER,
        _migrate_6_rows,
    ),
)
assert len(_MIGRATIONS) == SCHEMA_VERSION

_COLUMNS = "id, name, grp, note, created_at, updated_at, payload"


def _scols(conn: Any) -> str:
    """The scenario columns to select, version last; a read-only file older than
    schema 5 has no version column and reads as version 1."""
    if isinstance(conn, sqlite3.Connection) and conn.execute(
        "SELECT 1 FROM pragma_table_info('scenario') WHERE name = 'version'"
    ).fetchone() is None:
        return _COLUMNS + ", 1"
    return _COLUMNS + ", version"
_LIVE = "deleted_at IS NULL"

# SQLite primary result codes (the low byte of an extended code).
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_MIN_PAGE_SIZE = 512


# --------------------------------------------------------------------------- errors


class StoreError(NaravardError):
    """The scenario store could not do what was asked.

    ``str(err)`` is English; ``err.message_sv`` is the Swedish text for the UI.
    """

    def __init__(self, message_en: str, message_sv: str):
        super().__init__(message_en, message_sv)
        self.message_en = message_en


class StoreNotFoundError(StoreError):
    """No scenario with that id (it may have been deleted by someone else)."""


class StoreInvalidError(StoreError):
    """A name, group, note, id or payload was not acceptable."""


class StoreDuplicateError(StoreInvalidError):
    """The group already has a scenario with that name."""


class StoreLockedError(StoreError):
    """Another writer held the database for longer than the busy timeout."""


class StoreLimitError(StoreInvalidError):
    """The group already keeps MAX_SCENARIOS_PER_GROUP scenarios."""


class StoreReadOnlyError(StoreError):
    """The store is read-only here: it can be read but not written."""


class StoreCorruptError(StoreError):
    """The file is damaged or is not a naravard scenario store; it was left untouched."""


class StoreConflictError(StoreError):
    """The row changed since the caller read it (a stale edit); nothing was written."""


class StoreUnavailableError(StoreError):
    """The database server cannot be reached (stopped, restarting, network); nothing
    was written. Only the PostgreSQL backend raises it."""


class StoreForbiddenError(StoreError):
    """The person may not do this (save into a group they are not a member of, publish
    without being a planner, manage groups without being an admin). Items of a group
    the person may not use raise :class:`StoreNotFoundError` instead, so their
    existence is not leaked."""


class StoreAuthError(StoreError):
    """Wrong passphrase or unknown group: one message for both, so a guess learns
    nothing about which groups exist."""

    def __init__(self, message_en: str = "wrong group or passphrase",
                 message_sv: str = "Fel grupp eller lösenfras."):
        super().__init__(message_en, message_sv)


class StoreThrottledError(StoreError):
    """Too many failed passphrase attempts for a group (``MAX_SIGN_IN_FAILURES``
    within ``SIGN_IN_WINDOW_S``, counted in the database, so every replica shares
    the count); ``retry_after_s`` says when the next attempt will be heard."""

    def __init__(self, retry_after_s: int):
        self.retry_after_s = max(1, int(retry_after_s))
        minutes = max(1, -(-self.retry_after_s // 60))
        super().__init__(
            f"too many failed passphrase attempts; try again in {self.retry_after_s} s",
            f"För många misslyckade försök. Försök igen om {minutes} {'minut' if minutes == 1 else 'minuter'}.",
        )


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class SavedScenario:
    id: int
    name: str
    group: str
    note: str
    created_at: str  # UTC, ISO 8601 ("2026-05-09T12:34:56+00:00")
    updated_at: str
    payload: dict[str, Any] = field(hash=False)
    # Starts at 1 and grows with each rename or note edit; an edit that names the version
    # it started from (``expected_version``) is refused once the row has moved on.
    version: int = 1


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: ``action`` (one of AUDIT_ACTIONS) on ``item_type``
    (scenario, presentation, dialog_answer, register) ``item_id`` by ``actor`` of ``group``."""

    id: int
    at: str
    actor: str
    group: str
    action: str
    item_type: str
    item_id: int
    item_name: str


@dataclass(frozen=True)
class RegisterInfo:
    """A kept unit register without its text: what the list of registers shows."""

    id: int
    name: str
    source: str
    saved_at: str  # UTC, ISO 8601
    rows: int


@dataclass(frozen=True)
class SavedRegister(RegisterInfo):
    """A kept unit register with its validated CSV text (the register template's form)."""

    csv_text: str = field(default="", repr=False)


@dataclass(frozen=True)
class ScenarioPage:
    """One page of the saved list: what :meth:`ScenarioStore.page` returns.

    ``total`` counts the live scenarios that match the search (readable or not);
    ``unreadable`` the rows of this page that were skipped because they are damaged.
    """

    items: list[SavedScenario]
    total: int
    unreadable: int
    offset: int
    limit: int


@dataclass(frozen=True)
class SavedPresentation:
    """A named presentation: which slides, in which order, with which scenario.

    ``scenario_query`` is the scenario link's query string (``to_query_string``), so the
    presentation opens with the assumptions it was saved with; ``scenario_id`` optionally
    names a saved scenario (see :meth:`ScenarioStore.open_presentation`)."""

    id: int
    name: str
    group: str
    title: str
    slide_ids: tuple[str, ...]
    scenario_query: str
    scenario_id: int | None
    created_at: str  # UTC, ISO 8601
    updated_at: str


@dataclass(frozen=True)
class OpenedPresentation:
    """What opening a presentation gives: the presentation, its saved scenario (None
    when it names none or that scenario is gone) and a Swedish message for the page
    ("" when all is well). A deleted scenario costs the slides nothing: they open with
    the scenario in force."""

    presentation: SavedPresentation
    scenario: SavedScenario | None
    message_sv: str = ""


@dataclass(frozen=True)
class SavedAnswer:
    """A group's answer to one question of the dialogue deck.

    ``question`` is the question's text as it was answered (the deck is data and may
    change; the answer keeps what was asked). ``version`` starts at 1 and grows with
    each edit; :meth:`ScenarioStore.update_answer` refuses an edit made from an older
    version. ``scenario_id`` optionally links the group's saved scenario."""

    id: int
    group: str
    theme: str
    question: str
    position: str
    notes: str
    author: str
    scenario_id: int | None
    version: int
    created_at: str  # UTC, ISO 8601
    updated_at: str


@dataclass(frozen=True)
class GroupInfo:
    """A work group (a party group, the planners, HSU): ``key`` is what items and roles
    are compared by (:func:`naravard.store.access.group_key`); ``members`` counts the
    named members. A passphrase is never shown, only whether there is one and the role
    it grants."""

    name: str
    key: str
    description: str
    created_at: str  # UTC, ISO 8601
    has_passphrase: bool
    passphrase_role: str | None
    members: int


@dataclass(frozen=True)
class MemberInfo:
    """One person's role in one group (``user`` as it was added: an OIDC e-mail or subject)."""

    group: str
    user: str
    role: str
    added_at: str  # UTC, ISO 8601
    added_by: str


@dataclass(frozen=True)
class DeletedItem:
    """A soft-deleted item the person may restore (what a restore list shows)."""

    item_type: str  # "scenario", "presentation" or "dialog_answer"
    id: int
    name: str  # a dialogue answer's question
    group: str
    deleted_at: str  # UTC, ISO 8601


@dataclass(frozen=True)
class DataVersionInfo:
    """A published data version without its content: what the list of versions shows.

    ``kind`` is the table it replaces (an importable table's name, or ``enheter`` for
    the unit register); ``checksum`` is the SHA-256 of the content, checked on every
    read. ``withdrawn_at`` is set once a planner has withdrawn it (hidden from the list,
    still readable by id)."""

    id: int
    kind: str
    name: str
    source: str
    note: str
    rows: int
    published_at: str  # UTC, ISO 8601
    published_by: str
    checksum: str
    withdrawn_at: str | None = None


@dataclass(frozen=True)
class DataVersion(DataVersionInfo):
    """A published data version with its content (the validated CSV text)."""

    content: str = field(default="", repr=False)

    @property
    def info(self) -> DataVersionInfo:
        return DataVersionInfo(self.id, self.kind, self.name, self.source, self.note, self.rows,
                               self.published_at, self.published_by, self.checksum, self.withdrawn_at)


# --------------------------------------------------------------------------- validation


def _has_bad_chars(text: str, allow: str = "") -> bool:
    """Control characters (Cc) other than those in ``allow``, or lone surrogates (Cs)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in allow for c in text)


def _has_bidi(text: str) -> bool:
    return any(c in BIDI_CONTROLS for c in text)


def _check_text(value: object, what_en: str, what_sv: str, max_chars: int, *, required: bool, allow: str = "") -> str:
    if not isinstance(value, str):
        raise StoreInvalidError(f"{what_en} must be a string", f"{what_sv} måste vara text.")
    text = unicodedata.normalize("NFC", value.strip())
    if required and not text:
        raise StoreInvalidError(f"{what_en} must not be empty", f"{what_sv} får inte vara tomt.")
    if len(text) > max_chars:
        raise StoreInvalidError(
            f"{what_en} is {len(text)} characters; at most {max_chars} are allowed",
            f"{what_sv} får vara högst {max_chars} tecken (nu {len(text)}).",
        )
    if _has_bad_chars(text, allow):
        raise StoreInvalidError(
            f"{what_en} contains control characters", f"{what_sv} innehåller otillåtna tecken (styrtecken)."
        )
    if _has_bidi(text):
        raise StoreInvalidError(
            f"{what_en} contains bidirectional control characters",
            f"{what_sv} innehåller osynliga tecken som ändrar textens riktning (till exempel U+202E). "
            "Ta bort dem och skriv texten på nytt.",
        )
    return text


def _check_name(name: object) -> str:
    return _check_text(name, "name", "Namnet", MAX_NAME_CHARS, required=True)


def _check_group(group: object) -> str:
    return _check_text(group, "group", "Gruppnamnet", MAX_GROUP_CHARS, required=False)


def _check_note(note: object) -> str:
    return _check_text(note, "note", "Anteckningen", MAX_NOTE_CHARS, required=False, allow="\n\t")


def _check_id(scenario_id: object) -> int:
    if isinstance(scenario_id, bool):
        raise StoreInvalidError("scenario id must be an integer", "Scenariots id måste vara ett heltal.")
    try:
        return operator.index(scenario_id)  # type: ignore[arg-type]
    except TypeError:
        raise StoreInvalidError("scenario id must be an integer", "Scenariots id måste vara ett heltal.") from None


def _encode_payload(payload: object) -> str:
    if not isinstance(payload, dict):
        raise StoreInvalidError(
            "payload must be a dict (a JSON object)", "Scenariots antaganden har fel form och kan inte sparas."
        )
    try:
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        size = len(text.encode("utf-8"))
    except (TypeError, ValueError, RecursionError) as exc:
        raise StoreInvalidError(
            f"payload is not JSON-serialisable: {exc}",
            "Scenariots antaganden innehåller värden som inte kan sparas.",
        ) from None
    if size > MAX_PAYLOAD_BYTES:
        raise StoreInvalidError(
            f"payload is {size} bytes as JSON; at most {MAX_PAYLOAD_BYTES} are allowed",
            f"Scenariot är för stort för att sparas ({size // 1024} kB, högst {MAX_PAYLOAD_BYTES // 1024} kB).",
        )
    return text


def _key(text: str) -> str:
    """Comparison key for uniqueness: compatibility form, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _shown(text: str) -> str:
    """A stored text as it may be shown: bidi controls (from rows saved before they were
    refused) become U+FFFD, so they cannot reorder what the reader sees."""
    return "".join("\ufffd" if c in BIDI_CONTROLS else c for c in text) if _has_bidi(text) else text


def _lenient_text(raw: bytes) -> str:
    """SQLite TEXT → str without ever failing: invalid UTF-8 (a damaged row) becomes
    lone surrogates, which ``_row_to_scenario`` recognises, instead of an exception
    that would fail the whole query and hide every other row."""
    return raw.decode("utf-8", "surrogateescape")


def _valid(text: str) -> str:
    """Text read from a damaged row (lone surrogates) as valid text (U+FFFD), so it can be
    written elsewhere (the audit log)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _actor(user: str) -> str:
    """The store's ``user`` as the audit log's actor (and a version's publisher) keeps
    it: valid text without control characters, at most MAX_NAME_CHARS characters."""
    text = _valid(str(user))[:MAX_NAME_CHARS]
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in text)


def _describe_group(group: str) -> str:
    return f"gruppen {group}" if group else "utan grupp"


# --------------------------------------------------------------------------- store


class ScenarioStore:
    """Saved scenarios in one SQLite file; see the module docstring.

    ``path`` defaults to ``$NARAVARD_STORE`` or ``<repo>/var/scenarier.sqlite3``.
    Constructing a store does no I/O; the file (and its parent directories) are
    created on the first operation. ``clock`` returns the current UTC time as an
    ISO string (for tests). ``read_only``: True opens the file read-only whatever its
    permissions; None (the default) does so when ``$NARAVARD_STORE_READONLY`` is set or
    the file exists and this process may not write it.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        clock: Callable[[], str] = _now_utc,
        read_only: bool | None = None,
        user: str = "",
    ):
        if path is None:
            path = os.environ.get(ENV_VAR) or DEFAULT_STORE_PATH
        self.path = Path(path)
        self.timeout = float(timeout)
        self._clock = clock
        self._read_only = read_only
        self.user = user
        self._access: Access | None = None

    def as_user(self, user: str) -> "ScenarioStore":
        """The same store acting for ``user`` (what the audit log records as actor);
        a shallow copy, so one shared store can serve every session."""
        other = copy.copy(self)
        other.user = user
        return other

    def with_access(self, access: Access) -> "ScenarioStore":
        """The same store acting for ``access`` (a shallow copy, as :meth:`as_user`):
        every item method then checks the item's group against it (see
        :mod:`naravard.store.access`), and ``user`` becomes ``access.user``."""
        if not isinstance(access, Access):
            raise TypeError(f"with_access needs an Access, not {type(access).__name__}")
        other = copy.copy(self)
        other._access = access
        other.user = access.user
        return other

    @property
    def access(self) -> Access:
        """Who is asking: the bound :class:`Access`, or for an unbound store (the CLI,
        scripts, tests) :meth:`Access.system`, which may do everything."""
        return self._access if self._access is not None else Access.system(self.user or "system")

    def _item_scope(self, *, restore: bool = False, column: str = "grp_key") -> tuple[str, tuple]:
        """The SQL condition (`` AND …``) limiting a list to the groups this access may
        use (``restore``: may restore, which for an admin is every group)."""
        acc = self.access
        if acc.open or (restore and acc.is_admin):
            return "", ()
        keys = sorted(k for k, r in acc.roles.items() if role_rank(r) >= role_rank("gruppmedlem"))
        if not keys:
            return " AND 1 = 0", ()
        return f" AND {column} IN ({', '.join('?' * len(keys))})", tuple(keys)

    def _require_group(self, group: str) -> None:
        """Refuse saving into a group the access may not use."""
        if not self.access.can_use_group(group):
            raise StoreForbiddenError(
                f"{self.access.user!r} may not save into group {group!r}",
                f"Du kan inte spara i {_describe_group(group)}: du är inte gruppmedlem där.",
            )

    def _require(self, allowed: bool, what_en: str, what_sv: str) -> None:
        if not allowed:
            raise StoreForbiddenError(f"{self.access.user!r} may not {what_en}", what_sv)

    @property
    def read_only(self) -> bool:
        """Whether writes are refused (see the class docstring); checked per operation,
        so a file made read-only while the app runs is respected from then on."""
        if self._read_only is not None:
            return self._read_only
        if os.environ.get(READONLY_ENV_VAR, "").strip() not in ("", "0"):
            return True
        return self.path.exists() and not os.access(self.path, os.W_OK)

    def __repr__(self) -> str:
        return f"ScenarioStore({str(self.path)!r})"

    # ---------------------------------------------------------------- public API

    def save(self, name: str, group: str = "", note: str = "", payload: dict[str, Any] | None = None) -> SavedScenario:
        """Save a new scenario and return it as stored."""
        name, group, note = _check_name(name), _check_group(group), _check_note(note)
        text = _encode_payload({} if payload is None else payload)
        self._require_group(group)

        def op(conn: sqlite3.Connection) -> SavedScenario:
            self._check_unique(conn, name, group, exclude_id=None)
            self._check_room(conn, group)
            now = self._clock()
            cur = conn.execute(
                "INSERT INTO scenario (name, grp, note, created_at, updated_at, payload, name_key, grp_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, group, note, now, now, text, _key(name), _key(group)),
            )
            assert cur.lastrowid is not None
            self._audit(conn, "create", "scenario", cur.lastrowid, group, name)
            return SavedScenario(cur.lastrowid, name, group, note, now, now, json.loads(text))

        return self._run(op, write=True)

    def list(self) -> list[SavedScenario]:
        """All scenarios, newest saved first. Rows that cannot be decoded are skipped (logged).

        Reads every row: for the UI use :meth:`page`, which reads one page."""
        scope, params = self._item_scope()
        rows = self._run(
            lambda conn: conn.execute(f"SELECT {_scols(conn)} FROM scenario WHERE {_LIVE}{scope} ORDER BY id DESC",
                                      params).fetchall(), write=False
        )
        return self._decode_rows(rows)[0]

    def page(self, search: str = "", offset: int = 0, limit: int = PAGE_SIZE) -> ScenarioPage:
        """One page of the saved list, newest first, optionally only the scenarios whose
        name or group contains ``search`` (compared as uniqueness is: ignoring case,
        Unicode form and runs of whitespace). Damaged rows of the page are skipped and
        counted in ``unreadable``; ``total`` counts every match, so the UI can page."""
        if not isinstance(search, str):
            raise StoreInvalidError("search must be a string", "Sökningen måste vara text.")
        offset, limit = max(0, _check_id(offset)), max(1, min(_check_id(limit), 500))
        pattern = _like_pattern(_key(search))
        scope, scope_params = self._item_scope()
        where = f"{_LIVE} AND (name_key LIKE ? ESCAPE '\\' OR grp_key LIKE ? ESCAPE '\\'){scope}"
        params = (pattern, pattern, *scope_params)

        def op(conn: sqlite3.Connection) -> tuple[int, list[tuple]]:
            total = conn.execute(f"SELECT count(*) FROM scenario WHERE {where}", params).fetchone()[0]
            rows = conn.execute(
                f"SELECT {_scols(conn)} FROM scenario WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                (*params, limit, offset),
            ).fetchall()
            return total, rows

        total, rows = self._run(op, write=False)
        items, unreadable = self._decode_rows(rows)
        return ScenarioPage(items, int(total), unreadable, offset, limit)

    def get(self, scenario_id: int) -> SavedScenario:
        """The scenario with this id; :class:`StoreNotFoundError` if there is none."""
        scenario_id = _check_id(scenario_id)
        row = self._run(lambda conn: self._scenario(conn, scenario_id), write=False)
        return self._row_to_scenario(row)

    def rename(self, scenario_id: int, new_name: str, *, expected_version: int | None = None) -> SavedScenario:
        """Give a scenario a new name (unique within its group). With
        ``expected_version`` (the version the editor read), a scenario changed since
        raises :class:`StoreConflictError` and nothing is written."""
        scenario_id, new_name = _check_id(scenario_id), _check_name(new_name)
        expected = None if expected_version is None else _check_id(expected_version)

        def op(conn: sqlite3.Connection) -> tuple:
            row = self._scenario(conn, scenario_id)
            _check_scenario_version(row, expected)
            self._check_unique(conn, new_name, row[2], exclude_id=scenario_id)
            conn.execute(
                "UPDATE scenario SET name = ?, name_key = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                (new_name, _key(new_name), self._clock(), scenario_id),
            )
            self._audit(conn, "rename", "scenario", scenario_id, row[2], new_name)
            return _select(conn, scenario_id)

        return self._row_to_scenario(self._run(op, write=True))

    def update_note(self, scenario_id: int, note: str, *, expected_version: int | None = None) -> SavedScenario:
        """Replace a scenario's note (``expected_version`` as for :meth:`rename`)."""
        scenario_id, note = _check_id(scenario_id), _check_note(note)
        expected = None if expected_version is None else _check_id(expected_version)

        def op(conn: sqlite3.Connection) -> tuple:
            row = self._scenario(conn, scenario_id)  # raises if missing (or not this person's)
            _check_scenario_version(row, expected)
            conn.execute(
                "UPDATE scenario SET note = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                (note, self._clock(), scenario_id),
            )
            self._audit(conn, "edit", "scenario", scenario_id, row[2], row[1])
            return _select(conn, scenario_id)

        return self._row_to_scenario(self._run(op, write=True))

    def delete(self, scenario_id: int) -> None:
        """Delete a scenario (softly: :meth:`restore` undoes it); :class:`StoreNotFoundError` if there is none.

        Soft, because one click in a shared tool can remove another group's work: the
        UI asks first and then offers "Ångra", which needs the row to still exist.
        """
        scenario_id = _check_id(scenario_id)

        self._soft_delete("scenario", scenario_id, _not_found)

    def restore(self, scenario_id: int) -> SavedScenario:
        """Undo :meth:`delete`. Raises :class:`StoreNotFoundError` if the id was never
        used, is not deleted or belongs to a group the access may not restore,
        :class:`StoreDuplicateError` if its group has since saved another scenario
        under the same name (rename that one first). An admin restoring another
        group's scenario gets it back without its note and assumptions: restoring is
        not reading (see :mod:`naravard.store.access`)."""
        scenario_id = _check_id(scenario_id)

        def op(conn: sqlite3.Connection) -> tuple:
            row = conn.execute(
                "SELECT name, grp FROM scenario WHERE id = ? AND deleted_at IS NOT NULL", (scenario_id,)
            ).fetchone()
            if row is None or not self.access.can_restore(row[1]):
                raise _not_found(scenario_id)
            self._check_unique(conn, row[0], row[1], exclude_id=scenario_id)
            self._check_room(conn, row[1])
            conn.execute("UPDATE scenario SET deleted_at = NULL WHERE id = ?", (scenario_id,))
            self._audit(conn, "restore", "scenario", scenario_id, row[1], row[0])
            return _select(conn, scenario_id)

        restored = self._row_to_scenario(self._run(op, write=True))
        if not self.access.can_use_group(restored.group):  # an admin restoring another group's
            return SavedScenario(restored.id, restored.name, restored.group, "", restored.created_at,
                                 restored.updated_at, {}, restored.version)
        return restored

    # ---------------------------------------------------------------- published data

    def publish_data(self, kind: str, name: str, source: str, content: str, rows: int,
                     note: str = "") -> DataVersionInfo:
        """Publish a validated table for everyone as a named, dated, immutable version.

        ``kind`` is the table it stands for (an importable table's name, or
        :data:`REGISTER_KIND` for the unit register; the services check which);
        ``name`` is unique per kind forever (a withdrawn version keeps it);
        ``content`` is the validated CSV text, kept exactly with its SHA-256. Needs
        the planner role (:class:`StoreForbiddenError`)."""
        self._require(self.access.can_publish, "publish data",
                      "Bara planerare kan publicera data för alla. Be en planerare att publicera den.")
        kind, name = _check_kind(kind), _check_name(name)
        source = _check_text(source, "source", "Källan", MAX_SOURCE_CHARS, required=False)
        note = _check_note(note)
        content = _check_content(content, MAX_DATA_VERSION_BYTES, "Tabellen")
        rows = _check_rows(rows)
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()

        def op(conn: sqlite3.Connection) -> DataVersionInfo:
            n = conn.execute("SELECT count(*) FROM data_version WHERE kind = ?", (kind,)).fetchone()[0]
            if n >= MAX_DATA_VERSIONS_PER_KIND:
                raise StoreLimitError(
                    f"{n} versions of {kind} are kept; at most {MAX_DATA_VERSIONS_PER_KIND} are allowed",
                    f"Det finns redan {MAX_DATA_VERSIONS_PER_KIND} sparade {_kind_sv(kind)}, vilket är det högsta "
                    "antalet. Be den som förvaltar verktyget att rensa bland de äldre.",
                )
            dup = conn.execute("SELECT id, name FROM data_version WHERE kind = ? AND name_key = ?",
                               (kind, _key(name))).fetchone()
            if dup is not None:
                raise StoreDuplicateError(
                    f"a version of {kind} named {_valid(dup[1])!r} exists (id {dup[0]})",
                    f"Det finns redan en publicerad version som heter ”{_shown(_valid(dup[1]))}” (även återkallade "
                    "versioner behåller sitt namn). Välj ett annat namn.",
                )
            now, by = self._clock(), _actor(self.user)
            cur = conn.execute(
                "INSERT INTO data_version (kind, name, name_key, source, note, row_count, content, sha256,"
                " published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, name, _key(name), source, note, rows, content, digest, now, by),
            )
            assert cur.lastrowid is not None
            self._audit(conn, "publish", "data_version", cur.lastrowid, "", name)
            return DataVersionInfo(cur.lastrowid, kind, name, source, note, rows, now, by, digest)

        return self._run(op, write=True)

    def list_data_versions(self, kind: str | None = None) -> list[DataVersionInfo]:
        """Published versions (of ``kind`` when given), newest first, without their
        content; withdrawn ones are left out, damaged rows skipped (logged). Anyone
        may list them."""
        where, params = ("", ()) if kind is None else (" AND kind = ?", (_check_kind(kind),))

        def op(conn: sqlite3.Connection) -> list[tuple]:
            table = _data_table(conn)
            if table is None:
                return []
            return conn.execute(f"SELECT {_DATA_COLUMNS} FROM {table} WHERE withdrawn_at IS NULL{where}"
                                " ORDER BY id DESC LIMIT ?", (*params, _LIST_CAP)).fetchall()

        return _decode_all(self._run(op, write=False), self._row_to_data, "data version")

    def get_data_version(self, version_id: int) -> DataVersion:
        """A published version with its content (withdrawn ones too: what was used
        stays readable); :class:`StoreNotFoundError` if there is none,
        :class:`StoreCorruptError` if its content no longer matches its checksum."""
        version_id = _check_id(version_id)
        row = self._run(lambda conn: _data_row(conn, version_id), write=False)
        if row is None:
            raise StoreNotFoundError(f"no data version with id {version_id}",
                                     "Dataversionen finns inte (den kan ha tagits bort).")
        return self._row_to_data(row)  # type: ignore[return-value]

    def withdraw_data_version(self, version_id: int) -> None:
        """Hide a version from :meth:`list_data_versions` (its content is kept, and so is
        its name); needs the planner role. The content itself is never changed: the
        database refuses any UPDATE of it (a trigger)."""
        self._require(self.access.can_publish, "withdraw data", "Bara planerare kan återkalla publicerade data.")
        version_id = _check_id(version_id)

        def op(conn: sqlite3.Connection) -> None:
            row = conn.execute("SELECT name FROM data_version WHERE id = ? AND withdrawn_at IS NULL",
                               (version_id,)).fetchone()
            if row is None:
                raise StoreNotFoundError(f"no published data version with id {version_id}",
                                         "Dataversionen finns inte eller är redan återkallad.")
            conn.execute("UPDATE data_version SET withdrawn_at = ? WHERE id = ?", (self._clock(), version_id))
            self._audit(conn, "withdraw", "data_version", version_id, "", row[0])

        self._run(op, write=True)

    def _row_to_data(self, row: tuple) -> DataVersionInfo:
        """A data_version row (with ``content`` last, or without) as the dataclass;
        :class:`StoreCorruptError` when it does not hold what publish_data writes."""
        vid, kind, name, source, note, count, published_at, published_by, digest, withdrawn_at = row[:10]
        content = row[10] if len(row) > 10 else None
        try:
            texts = (kind, name, source, published_at, published_by, digest)
            if not all(isinstance(v, str) for v in (*texts, note)):
                raise ValueError("a text column has the wrong type")
            if withdrawn_at is not None and not isinstance(withdrawn_at, str):
                raise ValueError("the withdrawal time is not text")
            if _has_bad_chars("".join(texts)) or _has_bad_chars(note, "\n\t"):
                raise ValueError("a text column holds bytes that are not valid text")
            if isinstance(count, bool) or not isinstance(count, int):
                raise ValueError("the row count is not an integer")
            if content is not None:
                if not isinstance(content, str) or _has_bad_chars(content, "\n\r\t"):
                    raise ValueError("the content holds bytes that are not valid text")
                if hashlib.sha256(content.encode("utf-8")).hexdigest() != digest:
                    raise ValueError("the content does not match its checksum")
        except (TypeError, ValueError, UnicodeEncodeError) as exc:
            if kind == REGISTER_KIND:
                sv = f"Det sparade registret (id {vid}) är skadat och kan inte öppnas."
            else:
                sv = f"Den publicerade dataversionen (id {vid}) är skadad och kan inte öppnas."
            raise StoreCorruptError(f"data version {vid} in {self.path} is damaged ({exc})", sv) from None
        info = (int(vid), kind, _shown(name), _shown(source), _shown(note), int(count), published_at,
                _shown(published_by), digest, withdrawn_at)
        return DataVersion(*info, content=content) if content is not None else DataVersionInfo(*info)

    # ---------------------------------------------------------------- registers

    def save_register(self, name: str, source: str, csv_text: str, rows: int) -> SavedRegister:
        """Keep a validated unit register for all users; the newest is the one in use.

        A published data version of kind :data:`REGISTER_KIND` (:meth:`publish_data`;
        the planner role is needed). ``csv_text`` is what
        :func:`naravard.sources.units.register_csv_text` wrote from a register that
        passed validation; the store keeps it as it is, with its SHA-256, so a row
        damaged later is recognised (and skipped) on reading.
        """
        name = _check_name(name)
        _check_text(source, "source", "Källan", MAX_SOURCE_CHARS, required=False)
        csv_text = _check_content(csv_text, MAX_REGISTER_BYTES, "Registret")
        rows = _check_rows(rows)
        info = self.publish_data(REGISTER_KIND, name, source, csv_text, rows)
        return SavedRegister(info.id, info.name, info.source, info.published_at, info.rows, csv_text)

    def list_registers(self) -> list[RegisterInfo]:
        """Kept registers, newest first, without their text; damaged rows skipped (logged)."""
        return [RegisterInfo(r.id, r.name, r.source, r.saved_at, r.rows)
                for r in _decode_all(self._run(lambda conn: _register_data_rows(conn), write=False),
                                     self._row_to_register, "register")]

    def latest_register(self) -> SavedRegister | None:
        """The newest readable register, or None if none is kept. A damaged newest row
        is skipped (logged) and the one before it is used: a damaged row never costs
        the page its register, and it is never overwritten."""
        def op(conn: sqlite3.Connection) -> SavedRegister | None:
            # One row at a time, newest first: the older registers' text is not read.
            for register_id in _register_data_rows(conn, ids_only=True):
                try:
                    return self._row_to_register(_data_row(conn, register_id))
                except StoreCorruptError as exc:
                    log.warning("skipping register: %s", exc)
            return None

        return self._run(op, write=False)

    def get_register(self, register_id: int) -> SavedRegister:
        """The register with this id; :class:`StoreNotFoundError` if there is none,
        :class:`StoreCorruptError` if its row is damaged."""
        register_id = _check_id(register_id)
        row = self._run(lambda conn: _data_row(conn, register_id), write=False)
        if row is None or row[1] != REGISTER_KIND:
            raise StoreNotFoundError(f"no register with id {register_id}", "Registret finns inte längre.")
        return self._row_to_register(row)

    def _row_to_register(self, row: tuple) -> SavedRegister:
        d = self._row_to_data(row)
        assert isinstance(d, DataVersion)
        return SavedRegister(d.id, d.name, d.source, d.published_at, d.rows, d.content)

    # ---------------------------------------------------------------- groups and sign-in

    def create_group(self, name: str, description: str = "") -> GroupInfo:
        """A new work group (admin); :class:`StoreDuplicateError` if the name (compared
        as item names are) is taken."""
        self._require_admin()
        name = _check_text(name, "group", "Gruppnamnet", MAX_GROUP_CHARS, required=True)
        description = _check_text(description, "description", "Beskrivningen", MAX_DESCRIPTION_CHARS,
                                  required=False, allow="\n\t")

        def op(conn: sqlite3.Connection) -> GroupInfo:
            row = conn.execute("SELECT name FROM workgroup WHERE name_key = ?", (_key(name),)).fetchone()
            if row is not None:
                raise StoreDuplicateError(f"a group named {_valid(row[0])!r} exists",
                                          f"Det finns redan en grupp som heter ”{_shown(_valid(row[0]))}”. "
                                          "Välj ett annat namn.")
            now = self._clock()
            cur = conn.execute("INSERT INTO workgroup (name, name_key, description, created_at, created_by)"
                               " VALUES (?, ?, ?, ?, ?)", (name, _key(name), description, now, _actor(self.user)))
            assert cur.lastrowid is not None
            self._audit(conn, "create", "workgroup", cur.lastrowid, name, name)
            return GroupInfo(name, _key(name), description, now, False, None, 0)

        return self._run(op, write=True)

    def list_groups(self) -> list[GroupInfo]:
        """Every group, by name (anyone: the sign-in form offers the names)."""
        def op(conn: sqlite3.Connection) -> list[tuple]:
            if not _has_table(conn, "workgroup"):
                return []
            return conn.execute(
                "SELECT w.name, w.name_key, w.description, w.created_at, w.pass_hash IS NOT NULL, w.pass_role,"
                " (SELECT count(*) FROM member m WHERE m.group_id = w.id) FROM workgroup w ORDER BY w.name_key"
            ).fetchall()

        return [GroupInfo(_shown(_valid(n)), k, _shown(_valid(d)), c, bool(h), r if h else None, int(m))
                for n, k, d, c, h, r, m in self._run(op, write=False)]

    def add_member(self, group: str, user: str, role: str) -> MemberInfo:
        """Give ``user`` (an OIDC e-mail or subject, compared case-insensitively)
        ``role`` in ``group`` (admin); adding again changes the role."""
        self._require_admin()
        group, user, role = _check_group_name(group), _check_user(user), _check_role(role, ROLES)

        def op(conn: sqlite3.Connection) -> MemberInfo:
            gid, gname = self._group_row(conn, group)
            now, by = self._clock(), _actor(self.user)
            params = (user, role, now, by, gid, _key(user))
            if conn.execute("SELECT 1 FROM member WHERE group_id = ? AND user_key = ?", (gid, _key(user))).fetchone():
                conn.execute("UPDATE member SET user_name = ?, role = ?, added_at = ?, added_by = ?"
                             " WHERE group_id = ? AND user_key = ?", params)
            else:
                conn.execute("INSERT INTO member (user_name, role, added_at, added_by, group_id, user_key)"
                             " VALUES (?, ?, ?, ?, ?, ?)", params)
            self._audit(conn, "grant", "member", gid, gname, f"{user}: {role}")
            return MemberInfo(_shown(gname), user, role, now, by)

        return self._run(op, write=True)

    def remove_member(self, group: str, user: str) -> None:
        """Take ``user`` out of ``group`` (admin); :class:`StoreNotFoundError` if not a member."""
        self._require_admin()
        group, user = _check_group_name(group), _check_user(user)

        def op(conn: sqlite3.Connection) -> None:
            gid, gname = self._group_row(conn, group)
            cur = conn.execute("DELETE FROM member WHERE group_id = ? AND user_key = ?", (gid, _key(user)))
            if not cur.rowcount:
                raise StoreNotFoundError(f"{user!r} is not a member of {group!r}",
                                         f"{user} är inte medlem i gruppen ”{_shown(gname)}”.")
            self._audit(conn, "revoke", "member", gid, gname, user)

        self._run(op, write=True)

    def list_members(self, group: str | None = None) -> list[MemberInfo]:
        """Members (of ``group`` when given), by group and user (admin)."""
        self._require_admin()
        key = None if group is None else _key(_check_group_name(group))

        def op(conn: sqlite3.Connection) -> list[tuple]:
            if not _has_table(conn, "member"):
                return []
            if key is not None:
                self._group_row(conn, group)  # type: ignore[arg-type]
            where, params = ("", ()) if key is None else (" WHERE w.name_key = ?", (key,))
            return conn.execute(
                "SELECT w.name, m.user_name, m.role, m.added_at, m.added_by FROM member m JOIN workgroup w"
                f" ON w.id = m.group_id{where} ORDER BY w.name_key, m.user_key LIMIT ?", (*params, _LIST_CAP)
            ).fetchall()

        return [MemberInfo(_shown(_valid(g)), _shown(_valid(u)), r, a, _shown(_valid(b)))
                for g, u, r, a, b in self._run(op, write=False)]

    def set_passphrase(self, group: str, passphrase: str, role: str = "gruppmedlem") -> None:
        """Let ``group`` sign in with ``passphrase`` (admin), granting ``role`` (one of
        PASSPHRASE_ROLES: never admin). At least MIN_PASSPHRASE_CHARS characters; only
        its scrypt hash is kept (:mod:`naravard.store.passphrase`). A new passphrase
        also clears the group's failed attempts."""
        self._require_admin()
        group, role = _check_group_name(group), _check_role(role, PASSPHRASE_ROLES)
        if not isinstance(passphrase, str) or _has_bad_chars(passphrase):
            raise StoreInvalidError("the passphrase must be text without control characters",
                                    "Lösenfrasen måste vara text utan styrtecken.")
        n = len(unicodedata.normalize("NFC", passphrase))
        if not MIN_PASSPHRASE_CHARS <= n <= MAX_PASSPHRASE_CHARS:
            raise StoreInvalidError(
                f"the passphrase must be {MIN_PASSPHRASE_CHARS} to {MAX_PASSPHRASE_CHARS} characters, not {n}",
                f"Lösenfrasen måste vara minst {MIN_PASSPHRASE_CHARS} och högst {MAX_PASSPHRASE_CHARS} tecken "
                f"(nu {n}).",
            )
        hashed = hash_passphrase(passphrase)  # outside the transaction: it takes a while

        def op(conn: sqlite3.Connection) -> None:
            gid, gname = self._group_row(conn, group)
            conn.execute("UPDATE workgroup SET pass_hash = ?, pass_role = ?, pass_set_at = ? WHERE id = ?",
                         (hashed, role, self._clock(), gid))
            conn.execute("DELETE FROM sign_in_failure WHERE group_key = ?", (_key(gname),))
            self._audit(conn, "passphrase", "workgroup", gid, gname, f"set ({role})")

        self._run(op, write=True)

    def clear_passphrase(self, group: str) -> None:
        """The group can no longer sign in with a passphrase (admin)."""
        self._require_admin()
        group = _check_group_name(group)

        def op(conn: sqlite3.Connection) -> None:
            gid, gname = self._group_row(conn, group)
            conn.execute("UPDATE workgroup SET pass_hash = NULL, pass_role = NULL, pass_set_at = ? WHERE id = ?",
                         (self._clock(), gid))
            self._audit(conn, "passphrase", "workgroup", gid, gname, "cleared")

        self._run(op, write=True)

    def sign_in_with_passphrase(self, group: str, passphrase: str, display_name: str = "") -> Access:
        """The :class:`Access` of a group's passphrase (via ``lösenfras``; the user is
        ``display_name`` or ``grupp <name>``; the one role is the passphrase's).

        A wrong passphrase and an unknown group raise the same :class:`StoreAuthError`.
        After MAX_SIGN_IN_FAILURES failures within SIGN_IN_WINDOW_S for one group name
        (counted in the database, so every replica shares the count) every attempt
        raises :class:`StoreThrottledError` until the oldest of them is that old; the
        failure that reaches the limit already says so. Every success and failure is
        in the audit log. Works on any store, bound or not."""
        display = _check_text(display_name, "display name", "Namnet", MAX_AUTHOR_CHARS, required=False)
        typed = _audit_text(group if isinstance(group, str) else "")
        gkey = _key(_valid(group if isinstance(group, str) else ""))[:4 * MAX_GROUP_CHARS]
        now_dt = _parse_time(self._clock())
        now = _iso(now_dt)
        cutoff = _iso(now_dt - timedelta(seconds=SIGN_IN_WINDOW_S))

        def recent(conn: Any) -> list[str]:
            return [str(r[0]) for r in conn.execute(
                "SELECT at FROM sign_in_failure WHERE group_key = ? AND at > ? ORDER BY at DESC LIMIT ?",
                (gkey, cutoff, MAX_SIGN_IN_FAILURES)).fetchall()]

        def wait_s(failures: list[str]) -> int | None:
            if len(failures) < MAX_SIGN_IN_FAILURES:
                return None
            until = _parse_time(failures[MAX_SIGN_IN_FAILURES - 1]) + timedelta(seconds=SIGN_IN_WINDOW_S)
            return max(1, math.ceil((until - now_dt).total_seconds()))

        def read(conn: Any) -> tuple[tuple | None, list[str]]:
            if not _has_table(conn, "workgroup"):
                return None, []
            row = conn.execute("SELECT id, name, pass_hash, pass_role FROM workgroup WHERE name_key = ?",
                               (gkey,)).fetchone()
            return row, recent(conn)

        row, failures = self._run(read, write=False)
        wait = wait_s(failures)
        if wait is not None:
            raise StoreThrottledError(wait)
        ok = verify_passphrase(passphrase, row[2] if row else None) and row is not None and row[3] in PASSPHRASE_ROLES
        gname = _valid(row[1]) if row else typed
        user = display or f"grupp {gname}"

        def write(conn: Any) -> tuple[str, int]:
            conn.execute("DELETE FROM sign_in_failure WHERE at <= ?", (cutoff,))  # keep the table small
            failures = recent(conn)
            wait = wait_s(failures)
            if wait is not None:
                return "throttled", wait
            if ok:
                now_row = conn.execute("SELECT pass_hash, pass_role FROM workgroup WHERE id = ?", (row[0],)).fetchone()
                if now_row is not None and tuple(now_row) == (row[2], row[3]):  # not changed meanwhile
                    conn.execute("DELETE FROM sign_in_failure WHERE group_key = ?", (gkey,))
                    self._audit(conn, "sign_in", "workgroup", row[0], gname, f"lösenfras ({row[3]})", actor=user)
                    return "ok", 0
            conn.execute("INSERT INTO sign_in_failure (group_key, at) VALUES (?, ?)", (gkey, now))
            self._audit(conn, "sign_in_failed", "workgroup", row[0] if row else 0, gname, "lösenfras", actor=user)
            wait = wait_s([now, *failures])
            return ("throttled", wait) if wait is not None else ("auth", 0)

        outcome, wait = self._run(write, write=True)
        if outcome == "ok":
            assert row is not None
            return Access.of(user, [(_shown(gname), row[3])], via="lösenfras")
        if outcome == "throttled":
            raise StoreThrottledError(wait)
        raise StoreAuthError()

    def access_for_user(self, user: str) -> Access:
        """The :class:`Access` of a signed-in person (an OIDC e-mail or subject,
        compared case-insensitively): their roles in every group they are a member
        of (none: an access that sees published data only). Via ``oidc``."""
        user = _check_user(user)

        def op(conn: sqlite3.Connection) -> list[tuple]:
            if not _has_table(conn, "member"):
                return []
            return conn.execute("SELECT w.name, m.role FROM member m JOIN workgroup w ON w.id = m.group_id"
                                " WHERE m.user_key = ?", (_key(user),)).fetchall()

        rows = self._run(op, write=False)
        return Access.of(user, [(_shown(_valid(n)), r) for n, r in rows if r in ROLES], via="oidc")

    def _require_admin(self) -> None:
        self._require(self.access.is_admin, "manage groups and members",
                      "Bara en administratör kan hantera grupper, medlemmar och lösenfraser.")

    def _group_row(self, conn: Any, group: str) -> tuple[int, str]:
        row = conn.execute("SELECT id, name FROM workgroup WHERE name_key = ?", (_key(group),)).fetchone()
        if row is None:
            raise StoreNotFoundError(f"no group named {group!r}", f"Det finns ingen grupp som heter ”{group}”.")
        return int(row[0]), str(row[1])

    # ---------------------------------------------------------------- presentations

    def save_presentation(
        self,
        name: str,
        group: str,
        slide_ids: list[str],
        scenario_query: str = "",
        title: str = "",
        *,
        scenario_id: int | None = None,
    ) -> SavedPresentation:
        """Save a named presentation (unique per group among live ones, as scenarios).

        ``slide_ids`` are the catalogue's ids in the order shown (short lower-case
        ASCII, none repeated, at most :data:`MAX_PRESENTATION_SLIDES`); whether the
        data in use knows them is the page's business when it opens the presentation.
        ``scenario_id``, when given, must be a live saved scenario."""
        name, group = _check_name(name), _check_group(group)
        title = _check_text(title, "title", "Rubriken", MAX_TITLE_CHARS, required=False)
        query = _check_text(scenario_query, "scenario query", "Scenariolänken", MAX_QUERY_CHARS, required=False)
        ids_text = _encode_slide_ids(slide_ids)
        sid = None if scenario_id is None else _check_id(scenario_id)

        self._require_group(group)

        def op(conn: sqlite3.Connection) -> SavedPresentation:
            if sid is not None:
                self._scenario(conn, sid)  # raises StoreNotFoundError when it is gone (or not this person's)
            _check_unique_in(conn, "presentation", name, group, None)
            _check_room_in(conn, "presentation", group, MAX_PRESENTATIONS_PER_GROUP, "presentationer")
            now = self._clock()
            cur = conn.execute(
                "INSERT INTO presentation (name, grp, title, slide_ids, scenario_query, scenario_id, created_at,"
                " updated_at, name_key, grp_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, group, title, ids_text, query, sid, now, now, _key(name), _key(group)),
            )
            assert cur.lastrowid is not None
            self._audit(conn, "create", "presentation", cur.lastrowid, group, name)
            return SavedPresentation(cur.lastrowid, name, group, title, tuple(json.loads(ids_text)), query, sid, now, now)

        return self._run(op, write=True)

    def list_presentations(self, group: str | None = None) -> list[SavedPresentation]:
        """Live presentations, newest first; only ``group``'s when given (compared as
        names are). Damaged rows are skipped (logged); a schema-3 file opened read-only
        has none."""
        where, params = _group_filter(group)
        scope, scope_params = self._item_scope()
        where, params = where + scope, (*params, *scope_params)

        def op(conn: sqlite3.Connection) -> list[tuple]:
            if not _has_table(conn, "presentation"):
                return []
            return conn.execute(
                f"SELECT {_PRESENTATION_COLUMNS} FROM presentation WHERE {_LIVE}{where} ORDER BY id DESC LIMIT ?",
                (*params, _LIST_CAP),
            ).fetchall()

        return _decode_all(self._run(op, write=False), self._row_to_presentation, "presentation")

    def get_presentation(self, presentation_id: int) -> SavedPresentation:
        """The live presentation with this id; :class:`StoreNotFoundError` if there is
        none, :class:`StoreCorruptError` if its row is damaged."""
        presentation_id = _check_id(presentation_id)
        return self._row_to_presentation(self._run(lambda conn: self._presentation(conn, presentation_id), write=False))

    def open_presentation(self, presentation_id: int) -> OpenedPresentation:
        """A presentation with its saved scenario. When that scenario was deleted (or is
        damaged) the presentation still opens, with ``scenario`` None and a Swedish
        message: the slides then show the scenario in force."""
        p = self.get_presentation(presentation_id)
        if p.scenario_id is None:
            return OpenedPresentation(p, None)
        try:
            return OpenedPresentation(p, self.get(p.scenario_id))
        except StoreNotFoundError:
            msg = (f"Presentationen ”{p.name}” hänvisar till ett sparat scenario (id {p.scenario_id}) som har tagits bort. "
                   "Bilderna visas med det scenario som gäller nu.")
        except StoreCorruptError:
            msg = (f"Presentationen ”{p.name}” hänvisar till ett sparat scenario (id {p.scenario_id}) som är skadat. "
                   "Bilderna visas med det scenario som gäller nu.")
        return OpenedPresentation(p, None, msg)

    def delete_presentation(self, presentation_id: int) -> None:
        """Delete a presentation softly (:meth:`restore_presentation` undoes it)."""
        self._soft_delete("presentation", _check_id(presentation_id), _presentation_not_found)

    def restore_presentation(self, presentation_id: int) -> SavedPresentation:
        """Undo :meth:`delete_presentation`; :class:`StoreDuplicateError` if the group has
        since used the name, :class:`StoreLimitError` if it has no room."""
        presentation_id = _check_id(presentation_id)

        def op(conn: sqlite3.Connection) -> tuple:
            row = conn.execute(
                "SELECT name, grp FROM presentation WHERE id = ? AND deleted_at IS NOT NULL", (presentation_id,)
            ).fetchone()
            if row is None or not self.access.can_restore(row[1]):
                raise _presentation_not_found(presentation_id)
            _check_unique_in(conn, "presentation", row[0], row[1], presentation_id)
            _check_room_in(conn, "presentation", row[1], MAX_PRESENTATIONS_PER_GROUP, "presentationer")
            conn.execute("UPDATE presentation SET deleted_at = NULL WHERE id = ?", (presentation_id,))
            self._audit(conn, "restore", "presentation", presentation_id, row[1], row[0])
            return _select_presentation(conn, presentation_id)

        p = self._row_to_presentation(self._run(op, write=True))
        if not self.access.can_use_group(p.group):  # an admin restoring: not reading (see restore)
            return SavedPresentation(p.id, p.name, p.group, "", (), "", None, p.created_at, p.updated_at)
        return p

    def _row_to_presentation(self, row: tuple) -> SavedPresentation:
        pid, name, group, title, ids_text, query, sid, created_at, updated_at = row
        try:
            texts = (name, group, title, ids_text, query, created_at, updated_at)
            if not all(isinstance(v, str) for v in texts) or _has_bad_chars("".join(texts)):
                raise ValueError("a text column holds bytes that are not valid text")
            ids = json.loads(ids_text)
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise ValueError("slide ids are not a list of strings")
            if sid is not None and (isinstance(sid, bool) or not isinstance(sid, int)):
                raise ValueError("the scenario id is not an integer")
        except (TypeError, ValueError, RecursionError) as exc:
            raise StoreCorruptError(
                f"presentation {pid} in {self.path} is damaged ({exc})",
                f"Den sparade presentationen (id {pid}) är skadad och kan inte öppnas.",
            ) from None
        return SavedPresentation(int(pid), _shown(name), _shown(group), _shown(title), tuple(ids), query, sid,
                                 created_at, updated_at)

    # ---------------------------------------------------------------- dialogue answers

    def save_answer(
        self,
        group: str,
        theme: str,
        question: str,
        position: str,
        notes: str = "",
        author: str = "",
        *,
        scenario_id: int | None = None,
    ) -> SavedAnswer:
        """Record a group's answer to one question of a theme (version 1).

        A group has one live answer per theme and question: a second save raises
        :class:`StoreDuplicateError` (edit the first with :meth:`update_answer`), so two
        members writing at once cannot silently replace each other's text. ``group``,
        ``position`` and ``author`` are required; ``notes`` may be empty. Text is kept
        exactly as written (Markdown and HTML included): showing it as text is the
        reader's job. ``scenario_id``, when given, must be a live scenario of the group."""
        group, theme, question = _check_answer_group(group), _check_theme(theme), _check_question(question)
        position, notes, author = _check_position(position), _check_answer_notes(notes), _check_author(author)
        sid = None if scenario_id is None else _check_id(scenario_id)
        self._require_group(group)

        def op(conn: sqlite3.Connection) -> SavedAnswer:
            _check_answer_scenario(conn, sid, group, self.access)
            _check_answer_unique(conn, group, theme, question, None)
            _check_room_in(conn, "dialog_answer", group, MAX_ANSWERS_PER_GROUP, "svar")
            now = self._clock()
            cur = conn.execute(
                "INSERT INTO dialog_answer (grp, theme, question, position, notes, author, scenario_id, version,"
                " created_at, updated_at, grp_key, question_key) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
                (group, theme, question, position, notes, author, sid, now, now, _key(group), _key(question)),
            )
            assert cur.lastrowid is not None
            self._audit(conn, "create", "dialog_answer", cur.lastrowid, group, question)
            return SavedAnswer(cur.lastrowid, group, theme, question, position, notes, author, sid, 1, now, now)

        return self._run(op, write=True)

    def list_answers(self, group: str, theme: str | None = None) -> list[SavedAnswer]:
        """A group's live answers (one theme's, when given), oldest first (the order
        the questions were answered in). Damaged rows are skipped (logged)."""
        group = _check_answer_group(group)
        where, params = _group_filter(group)
        if theme is not None:
            where += " AND theme = ?"
            params = (*params, _check_theme(theme))
        scope, scope_params = self._item_scope()
        where, params = where + scope, (*params, *scope_params)

        def op(conn: sqlite3.Connection) -> list[tuple]:
            if not _has_table(conn, "dialog_answer"):
                return []
            return conn.execute(
                f"SELECT {_ANSWER_COLUMNS} FROM dialog_answer WHERE {_LIVE}{where} ORDER BY id LIMIT ?",
                (*params, _LIST_CAP),
            ).fetchall()

        return _decode_all(self._run(op, write=False), self._row_to_answer, "dialogue answer")

    def get_answer(self, answer_id: int) -> SavedAnswer:
        """The live answer with this id; :class:`StoreNotFoundError` if there is none."""
        answer_id = _check_id(answer_id)
        return self._row_to_answer(self._run(lambda conn: self._answer(conn, answer_id), write=False))

    def update_answer(
        self,
        answer_id: int,
        expected_version: int,
        *,
        position: str,
        notes: str,
        author: str,
        scenario_id: int | None = None,
    ) -> SavedAnswer:
        """Replace an answer's position, notes, author and scenario link.

        ``expected_version`` is the version the editor started from; if the answer has
        been edited since (or deleted), :class:`StoreConflictError` (or
        :class:`StoreNotFoundError`) is raised and nothing is written: a stale edit is
        refused, never overwrites. The new version is one more."""
        answer_id, expected = _check_id(answer_id), _check_id(expected_version)
        position, notes, author = _check_position(position), _check_answer_notes(notes), _check_author(author)
        sid = None if scenario_id is None else _check_id(scenario_id)

        def op(conn: sqlite3.Connection) -> tuple:
            row = self._answer(conn, answer_id)
            current, group, who, when = row[8], row[1], row[6], row[10]
            if current != expected:
                raise StoreConflictError(
                    f"answer {answer_id} is at version {current}, the edit was made from version {expected}",
                    f"Svaret har ändrats av någon annan sedan du öppnade det (senast av {_shown(str(who))}, "
                    f"{str(when)[:16].replace('T', ' ')} UTC). Din ändring har inte sparats; din text finns kvar i "
                    "formuläret. Läs det nya svaret och spara igen.",
                )
            _check_answer_scenario(conn, sid, group, self.access)
            conn.execute(
                "UPDATE dialog_answer SET position = ?, notes = ?, author = ?, scenario_id = ?, version = version + 1,"
                " updated_at = ? WHERE id = ?",
                (position, notes, author, sid, self._clock(), answer_id),
            )
            self._audit(conn, "edit", "dialog_answer", answer_id, group, row[3])
            return _select_answer(conn, answer_id)

        return self._row_to_answer(self._run(op, write=True))

    def delete_answer(self, answer_id: int) -> None:
        """Delete an answer softly (:meth:`restore_answer` undoes it)."""
        self._soft_delete("dialog_answer", _check_id(answer_id), _answer_not_found)

    def restore_answer(self, answer_id: int) -> SavedAnswer:
        """Undo :meth:`delete_answer`; :class:`StoreDuplicateError` if the group has
        answered the question again since."""
        answer_id = _check_id(answer_id)

        def op(conn: sqlite3.Connection) -> tuple:
            row = conn.execute(
                "SELECT grp, theme, question FROM dialog_answer WHERE id = ? AND deleted_at IS NOT NULL", (answer_id,)
            ).fetchone()
            if row is None or not self.access.can_restore(row[0]):
                raise _answer_not_found(answer_id)
            _check_answer_unique(conn, row[0], row[1], row[2], answer_id)
            _check_room_in(conn, "dialog_answer", row[0], MAX_ANSWERS_PER_GROUP, "svar")
            conn.execute("UPDATE dialog_answer SET deleted_at = NULL WHERE id = ?", (answer_id,))
            self._audit(conn, "restore", "dialog_answer", answer_id, row[0], row[2])
            return _select_answer(conn, answer_id)

        a = self._row_to_answer(self._run(op, write=True))
        if not self.access.can_use_group(a.group):  # an admin restoring: not reading (see restore)
            return SavedAnswer(a.id, a.group, a.theme, a.question, "", "", "", None, a.version, a.created_at,
                               a.updated_at)
        return a

    def _row_to_answer(self, row: tuple) -> SavedAnswer:
        aid, group, theme, question, position, notes, author, sid, version, created_at, updated_at = row
        try:
            texts = (group, theme, question, position, author, created_at, updated_at)
            if not all(isinstance(v, str) for v in (*texts, notes)):
                raise ValueError("a text column has the wrong type")
            if _has_bad_chars("".join(texts)) or _has_bad_chars(notes, "\n\t"):
                raise ValueError("a text column holds bytes that are not valid text")
            if sid is not None and (isinstance(sid, bool) or not isinstance(sid, int)):
                raise ValueError("the scenario id is not an integer")
            if isinstance(version, bool) or not isinstance(version, int):
                raise ValueError("the version is not an integer")
        except (TypeError, ValueError) as exc:
            raise StoreCorruptError(
                f"dialogue answer {aid} in {self.path} is damaged ({exc})",
                f"Det sparade svaret (id {aid}) är skadat och kan inte öppnas.",
            ) from None
        return SavedAnswer(int(aid), _shown(group), _shown(theme), _shown(question), _shown(position), _shown(notes),
                           _shown(author), sid, version, created_at, updated_at)

    def _soft_delete(self, table: str, row_id: int, not_found: Callable[[int], StoreNotFoundError]) -> None:
        name_col = "question" if table == "dialog_answer" else "name"

        def op(conn: sqlite3.Connection) -> None:
            if not _has_table(conn, table):
                raise not_found(row_id)
            row = conn.execute(f"SELECT grp, {name_col} FROM {table} WHERE id = ? AND {_LIVE}", (row_id,)).fetchone()
            if row is None or not self.access.can_use_group(row[0]):
                raise not_found(row_id)
            conn.execute(f"UPDATE {table} SET deleted_at = ? WHERE id = ?", (self._clock(), row_id))
            self._audit(conn, "delete", table, row_id, row[0], row[1])

        self._run(op, write=True)

    # ---------------------------------------------------------------- audit log

    def audit_log(self, group: str | None = None, limit: int = 200) -> list[AuditEntry]:
        """The newest ``limit`` audit entries, newest first; only ``group``'s when given
        (the exact group text). An admin (and an unbound store) sees every entry; anyone
        else only those of the groups whose items they may use, and their own sign-ins.
        A file older than schema 5 opened read-only has none (older than 6: none for a
        person who is not an admin, whose entries cannot be told apart there)."""
        limit = max(1, min(_check_id(limit), 10_000))
        where, params = ("WHERE 1 = 1", ()) if group is None else ("WHERE grp = ?", (group,))
        acc = self.access
        limited = not (acc.open or acc.is_admin)
        if limited:
            scope, scope_params = self._item_scope()
            # own sign-ins: by this name, into a group this person holds a role in (a
            # namesake's sign-ins elsewhere are not theirs to see)
            keys = sorted(acc.roles)
            own = ("actor = ? AND item_type = 'workgroup' AND action IN ('sign_in', 'sign_in_failed')"
                   f" AND grp_key IN ({', '.join('?' * len(keys))})" if keys else "1 = 0")
            where += f" AND ((1 = 1{scope}) OR ({own}))"
            params = (*params, *scope_params, *((_actor(acc.user), *keys) if keys else ()))

        def op(conn: sqlite3.Connection) -> list[tuple]:
            if not _has_table(conn, "audit_log") or (limited and not _has_column(conn, "audit_log", "grp_key")):
                return []
            return conn.execute(
                "SELECT id, at, actor, grp, action, item_type, item_id, item_name FROM audit_log "
                f"{where} ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()

        return [AuditEntry(int(r[0]), *(_shown(str(v)) for v in r[1:6]), int(r[6]), _shown(str(r[7])))
                for r in self._run(op, write=False)]

    def _audit(self, conn: Any, action: str, item_type: str, item_id: int, group: str, name: str,
               *, actor: str | None = None) -> None:
        """Record one change in the same transaction as the change itself: both land or neither."""
        assert action in AUDIT_ACTIONS
        group = _valid(str(group))
        conn.execute(
            "INSERT INTO audit_log (at, actor, grp, action, item_type, item_id, item_name, grp_key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_now_utc(), _actor(self.user if actor is None else actor), group, action, item_type, int(item_id),
             _valid(str(name))[:200], _key(group)),
        )

    def list_deleted(self, group: str | None = None) -> list[DeletedItem]:
        """Soft-deleted scenarios, presentations and dialogue answers this access may
        restore (its own groups'; an admin's: every group's), newest deletion first;
        only ``group``'s when given. Names only: what a restore list needs."""
        gwhere, gparams = _group_filter(group)
        scope, sparams = self._item_scope(restore=True)
        tables = (("scenario", "name"), ("presentation", "name"), ("dialog_answer", "question"))

        def op(conn: sqlite3.Connection) -> list[DeletedItem]:
            out: list[DeletedItem] = []
            for table, name_col in tables:
                if not _has_table(conn, table):
                    continue
                for rid, name, grp, deleted_at in conn.execute(
                        f"SELECT id, {name_col}, grp, deleted_at FROM {table} WHERE deleted_at IS NOT NULL"
                        f"{gwhere}{scope} ORDER BY deleted_at DESC, id DESC LIMIT ?",
                        (*gparams, *sparams, _LIST_CAP)).fetchall():
                    out.append(DeletedItem(table, int(rid), _shown(_valid(str(name))), _shown(_valid(str(grp))),
                                           str(deleted_at)))
            return sorted(out, key=lambda d: (d.deleted_at, d.id), reverse=True)[:_LIST_CAP]

        return self._run(op, write=False)

    # ---------------------------------------------------------------- internals

    def _scenario(self, conn: Any, scenario_id: int) -> tuple:
        """The live scenario row, or :class:`StoreNotFoundError` when there is none or
        its group is not this access's (existence is not leaked)."""
        row = _select(conn, scenario_id)
        if not self.access.can_use_group(row[2]):
            raise _not_found(scenario_id)
        return row

    def _presentation(self, conn: Any, presentation_id: int) -> tuple:
        row = _select_presentation(conn, presentation_id)
        if not self.access.can_use_group(row[2]):
            raise _presentation_not_found(presentation_id)
        return row

    def _answer(self, conn: Any, answer_id: int) -> tuple:
        row = _select_answer(conn, answer_id)
        if not self.access.can_use_group(row[1]):
            raise _answer_not_found(answer_id)
        return row

    def _decode_rows(self, rows: list[tuple]) -> tuple[list[SavedScenario], int]:
        """The rows that decode, and how many did not (each logged)."""
        out: list[SavedScenario] = []
        bad = 0
        for row in rows:
            try:
                out.append(self._row_to_scenario(row))
            except StoreCorruptError as exc:
                bad += 1
                log.warning("skipping scenario: %s", exc)
        return out, bad

    def _row_to_scenario(self, row: tuple) -> SavedScenario:
        """A row as a SavedScenario; :class:`StoreCorruptError` if it does not hold what
        ``save`` can write (text that is not valid UTF-8 or has control characters, a
        payload that is not a JSON object)."""
        scenario_id, name, group, note, created_at, updated_at, payload_text, version = row
        try:
            if isinstance(version, bool) or not isinstance(version, int):
                raise ValueError("the version is not an integer")
            texts = (name, group, note, created_at, updated_at, payload_text)
            if not all(isinstance(v, str) for v in texts):
                raise ValueError("a text column has the wrong type")
            if _has_bad_chars("".join(texts[:2] + texts[3:]), "") or _has_bad_chars(note, "\n\t"):
                raise ValueError("a text column holds bytes that are not valid text")
            payload = json.loads(payload_text)
            if not isinstance(payload, dict):
                raise ValueError("not a JSON object")
        except (TypeError, ValueError, RecursionError) as exc:
            raise StoreCorruptError(
                f"scenario {scenario_id} in {self.path} is damaged ({exc})",
                f"Det sparade scenariot (id {scenario_id}) är skadat och kan inte öppnas.",
            ) from None
        return SavedScenario(int(scenario_id), _shown(name), _shown(group), _shown(note), created_at, updated_at, payload,
                             int(version))

    def _check_room(self, conn: sqlite3.Connection, group: str) -> None:
        n = conn.execute(f"SELECT count(*) FROM scenario WHERE grp_key = ? AND {_LIVE}", (_key(group),)).fetchone()[0]
        if n >= MAX_SCENARIOS_PER_GROUP:
            where = f"Gruppen ”{group}”" if group else "Scenarier utan grupp"
            raise StoreLimitError(
                f"group {group!r} already keeps {n} scenarios; at most {MAX_SCENARIOS_PER_GROUP} are allowed",
                f"{where} har redan {MAX_SCENARIOS_PER_GROUP} sparade scenarier, vilket är det högsta antalet. "
                "Ta bort något av dem först, eller spara i en annan grupp.",
            )

    def _check_unique(self, conn: sqlite3.Connection, name: str, group: str, exclude_id: int | None) -> None:
        row = conn.execute(
            f"SELECT id, name FROM scenario WHERE grp_key = ? AND name_key = ? AND id IS NOT ? AND {_LIVE}",
            (_key(group), _key(name), exclude_id),
        ).fetchone()
        if row is not None:
            existing = _shown(row[1].encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
            raise StoreDuplicateError(
                f"group {group!r} already has a scenario named {existing!r} (id {row[0]})",
                f"Det finns redan ett scenario som heter ”{existing}” ({_describe_group(group)}). Välj ett annat namn.",
            )

    def _connect(self, read_only: bool) -> sqlite3.Connection:
        if read_only:
            # mode=ro: SQLite never writes the file. In WAL mode a reader needs the
            # shared-memory file; where it cannot be created (a read-only directory)
            # the file is read as immutable.
            params = "mode=ro"
            shm = self.path.with_name(self.path.name + "-shm")
            if not shm.exists() and not os.access(self.path.parent, os.W_OK):
                params += "&immutable=1"
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?{params}", uri=True, timeout=self.timeout, isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        conn.text_factory = _lenient_text
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _run(self, op: Callable[[sqlite3.Connection], _T], *, write: bool) -> _T:
        """Run ``op`` in one transaction on a fresh connection; retry while busy.

        SQLite's busy handler covers most waits, but a few (switching a new file to
        WAL, a reader meeting a checkpoint) return "busy" at once; those attempts are
        rolled back whole, so they are retried until ``timeout`` has passed.
        """
        deadline = time.monotonic() + self.timeout
        delay = 0.002
        while True:
            try:
                return self._attempt(op, write=write)
            except StoreLockedError:
                if time.monotonic() + delay >= deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.1)

    def _attempt(self, op: Callable[[sqlite3.Connection], _T], *, write: bool) -> _T:
        begin = "BEGIN IMMEDIATE" if write else "BEGIN"
        conn: sqlite3.Connection | None = None
        read_only = self.read_only
        if write and read_only:
            raise self._read_only_error("the store is read-only")
        try:
            if read_only and not self.path.exists():
                raise FileNotFoundError(self.path)
            conn = self._connect(read_only)
            self._check_file_size()
            try:
                conn.execute(begin)
                version = self._check_identity(conn)
                if version < SCHEMA_VERSION:
                    if read_only:
                        if version >= MIN_READ_ONLY_VERSION:
                            result = op(conn)  # readable as it is (register reads see no table)
                            conn.execute("COMMIT")
                            return result
                        raise self._read_only_error("its schema must be created or upgraded first")
                    conn.execute("ROLLBACK")
                    self._initialise(conn)
                    conn.execute(begin)
                    self._check_identity(conn)
                if write:
                    self._quick_check(conn)
                result = op(conn)
                conn.execute("COMMIT")
                return result
            except BaseException:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # closing the connection rolls back anyway
                raise
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc
        except OSError as exc:
            raise StoreError(
                f"cannot use the scenario store at {self.path}: {exc}",
                "Det gick inte att öppna filen med sparade scenarier.",
            ) from exc
        finally:
            if conn is not None:
                conn.close()

    def _initialise(self, conn: sqlite3.Connection) -> None:
        """Create or upgrade the schema (outside any transaction on ``conn``)."""
        # WAL is persistent in the file and must be set outside a transaction.
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        version = self._check_identity(conn)  # another connection may have got here first
        for step in _MIGRATIONS[version:]:
            for statement in step:
                if callable(statement):
                    statement(conn)
                else:
                    conn.execute(statement)
        if version < SCHEMA_VERSION:
            now = _now_utc()
            conn.executemany("INSERT OR IGNORE INTO schema_version (version, applied_at) VALUES (?, ?)",
                             [(v, now) for v in range(version + 1, SCHEMA_VERSION + 1)])
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")

    def _check_identity(self, conn: sqlite3.Connection) -> int:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if app_id == APPLICATION_ID:
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has schema version {version}; this version of naravard knows {SCHEMA_VERSION}",
                    "Filen med sparade scenarier är skapad av en nyare version av verktyget "
                    "och kan inte användas av den här versionen.",
                )
            if version >= 1:
                return version
        has_objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if app_id == 0 and version == 0 and not has_objects:
            return 0  # an empty database (or an empty file): ours to initialise
        raise self._corrupt("it is an SQLite database but not a naravard scenario store")

    def _check_file_size(self) -> None:
        """SQLite only ever writes whole pages (512 bytes or a multiple), so a file
        whose size is not a multiple of 512 was cut short (an interrupted copy, a full
        disk). SQLite itself may not notice if the cut falls inside the last page."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size % _MIN_PAGE_SIZE:
            raise self._corrupt(f"its size, {size} bytes, is not a whole number of database pages")

    def _quick_check(self, conn: sqlite3.Connection) -> None:
        result = [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
        if result != ["ok"]:
            raise self._corrupt("quick_check: " + "; ".join(map(str, result)))

    def _corrupt(self, detail: str) -> StoreCorruptError:
        return StoreCorruptError(
            f"the scenario store {self.path} is damaged or not a scenario store ({detail}); it was left unchanged",
            "Filen med sparade scenarier är skadad och kan inte användas. Den har inte ändrats.",
        )

    def _read_only_error(self, detail: str) -> StoreReadOnlyError:
        return StoreReadOnlyError(
            f"the scenario store {self.path} is read-only here ({detail}); nothing was written",
            "Filen med sparade scenarier är skrivskyddad här. Sparade scenarier går att öppna och "
            "jämföra, men inte att spara, byta namn på eller ta bort.",
        )

    def _translate(self, exc: sqlite3.Error) -> StoreError:
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return StoreLockedError(
                f"the scenario store {self.path} was busy for more than {self.timeout:g} s: {exc}",
                "Lagringen är upptagen just nu, försök igen.",
            )
        if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return self._corrupt(str(exc))
        if primary == _SQLITE_READONLY:
            return self._read_only_error(str(exc))
        if primary == _SQLITE_CANTOPEN:
            return StoreError(
                f"cannot open the scenario store {self.path}: {exc}",
                "Det gick inte att öppna filen med sparade scenarier.",
            )
        return StoreError(
            f"the scenario store {self.path} failed: {exc}",
            "Det gick inte att läsa eller skriva filen med sparade scenarier.",
        )


# --------------------------------------------------------------------------- schema 6 helpers

_DATA_COLUMNS = "id, kind, name, source, note, row_count, published_at, published_by, sha256, withdrawn_at"
# A file older than schema 6 opened read-only: its unit registers read as data versions.
_REGISTER_AS_DATA = (
    "(SELECT id, 'enheter' AS kind, name, source, '' AS note, row_count, saved_at AS published_at,"
    " '' AS published_by, sha256, NULL AS withdrawn_at, csv AS content FROM register) AS dv"
)
_KIND_RE = re.compile(r"[a-z][a-z0-9_]*\Z")


def _data_table(conn: sqlite3.Connection) -> str | None:
    """Where published data is read from: ``data_version``, or (a read-only file older
    than schema 6) its registers; None when there is neither (schema 2)."""
    if _has_table(conn, "data_version"):
        return "data_version"
    if _has_table(conn, "register"):
        return _REGISTER_AS_DATA
    return None


def _data_row(conn: sqlite3.Connection, version_id: int) -> tuple | None:
    """One data version's row with its content, or None."""
    table = _data_table(conn)
    if table is None:
        return None
    return conn.execute(f"SELECT {_DATA_COLUMNS}, content FROM {table} WHERE id = ?", (version_id,)).fetchone()


def _register_data_rows(conn: sqlite3.Connection, ids_only: bool = False) -> list:
    """The live unit registers (kind ``enheter``), newest first: their ids, or their rows
    with content."""
    table = _data_table(conn)
    if table is None:
        return []
    cols = "id" if ids_only else f"{_DATA_COLUMNS}, content"
    rows = conn.execute(f"SELECT {cols} FROM {table} WHERE kind = ? AND withdrawn_at IS NULL ORDER BY id DESC LIMIT ?",
                        (REGISTER_KIND, _LIST_CAP)).fetchall()
    return [int(r[0]) for r in rows] if ids_only else rows


def _check_kind(kind: object) -> str:
    if not isinstance(kind, str) or not _KIND_RE.match(kind) or len(kind) > MAX_KIND_CHARS:
        raise StoreInvalidError(f"data kind {str(kind)[:60]!r} is not a short lower-case table name",
                                "Tabellens namn är ogiltigt.")
    return kind


def _kind_sv(kind: str) -> str:
    return "register" if kind == REGISTER_KIND else f"versioner av tabellen {kind}"


def _check_content(text: object, max_bytes: int, what_sv: str) -> str:
    """Validated CSV text: non-empty, no control characters but line breaks and tabs, at
    most ``max_bytes`` as UTF-8."""
    if not isinstance(text, str) or not text.strip():
        raise StoreInvalidError("the text must be a non-empty string", f"{what_sv} är tom och kan inte sparas."
                                if what_sv == "Tabellen" else f"{what_sv} är tomt och kan inte sparas.")
    if _has_bad_chars(text, "\n\r\t"):
        raise StoreInvalidError("the text contains control characters",
                                f"{what_sv} innehåller otillåtna tecken och kan inte sparas.")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise StoreInvalidError(
            f"the text is {size} bytes; at most {max_bytes} are allowed",
            f"{what_sv} är för stor{'t' if what_sv == 'Registret' else ''} för att sparas ({size // 1024} kB, "
            f"högst {max_bytes // 1024} kB).",
        )
    return text


def _check_rows(rows: object) -> int:
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        raise StoreInvalidError("rows must be a non-negative integer", "Antalet rader måste vara ett heltal.")
    return rows


def _check_group_name(group: object) -> str:
    return _check_text(group, "group", "Gruppnamnet", MAX_GROUP_CHARS, required=True)


def _check_user(user: object) -> str:
    return _check_text(user, "user", "Användaren", MAX_USER_CHARS, required=True)


def _check_role(role: object, allowed: tuple[str, ...]) -> str:
    if role not in allowed:
        raise StoreInvalidError(f"role {str(role)[:40]!r} is not one of {', '.join(allowed)}",
                                f"Rollen måste vara en av: {', '.join(allowed)}.")
    return str(role)


def _audit_text(text: str) -> str:
    """Typed text (a group name that may not exist) as the audit log may keep it:
    control and bidi characters replaced, at most MAX_GROUP_CHARS characters."""
    text = _valid(text).strip()[:MAX_GROUP_CHARS]
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS else c for c in text)


def _parse_time(text: str) -> datetime:
    """The store's clock text as an aware UTC datetime (a naive one is taken as UTC)."""
    dt = datetime.fromisoformat(str(text))
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _iso(dt: datetime) -> str:
    """UTC ISO text that sorts as the time does (what sign_in_failure.at compares)."""
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def _select(conn: sqlite3.Connection, scenario_id: int) -> tuple:
    row = conn.execute(f"SELECT {_scols(conn)} FROM scenario WHERE id = ? AND {_LIVE}", (scenario_id,)).fetchone()
    if row is None:
        raise _not_found(scenario_id)
    return row


def _check_scenario_version(row: tuple, expected: int | None) -> None:
    """Refuse an edit made from an older version of the scenario (``row`` from _select)."""
    if expected is not None and row[7] != expected:
        raise StoreConflictError(
            f"scenario {row[0]} is at version {row[7]}, the edit was made from version {expected}",
            f"Scenariot ”{_shown(str(row[1]))}” har ändrats av någon annan sedan du öppnade det "
            f"(senast {str(row[5])[:16].replace('T', ' ')} UTC). Din ändring har inte sparats. "
            "Öppna scenariot på nytt och gör ändringen igen.",
        )


def _not_found(scenario_id: int) -> StoreNotFoundError:
    return StoreNotFoundError(
        f"no scenario with id {scenario_id}",
        "Scenariot finns inte längre (det kan ha tagits bort).",
    )


# --------------------------------------------------------------------------- schema 4 helpers

_PRESENTATION_COLUMNS = "id, name, grp, title, slide_ids, scenario_query, scenario_id, created_at, updated_at"
_ANSWER_COLUMNS = (
    "id, grp, theme, question, position, notes, author, scenario_id, version, created_at, updated_at"
)
# A list reads at most this many rows (the caps per group keep real lists far below).
_LIST_CAP = 2000
_SLIDE_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    if not isinstance(conn, sqlite3.Connection):
        return True  # another backend: its schema is always current
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    if not isinstance(conn, sqlite3.Connection):
        return True
    return conn.execute(f"SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?", (column,)).fetchone() is not None


def _group_filter(group: str | None) -> tuple[str, tuple]:
    if group is None:
        return "", ()
    if not isinstance(group, str):
        raise StoreInvalidError("group must be a string", "Gruppnamnet måste vara text.")
    return " AND grp_key = ?", (_key(unicodedata.normalize("NFC", group.strip())),)


def _decode_all(rows: list[tuple], decode: Callable[[tuple], _T], what: str) -> list[_T]:
    out: list[_T] = []
    for row in rows:
        try:
            out.append(decode(row))
        except StoreCorruptError as exc:
            log.warning("skipping %s: %s", what, exc)
    return out


def _encode_slide_ids(slide_ids: object) -> str:
    if isinstance(slide_ids, (str, bytes)) or not isinstance(slide_ids, (list, tuple)):
        raise StoreInvalidError("slide ids must be a list of strings", "Bildlistan har fel form och kan inte sparas.")
    ids = list(slide_ids)
    if not ids:
        raise StoreInvalidError("a presentation needs at least one slide", "Välj minst en bild innan du sparar presentationen.")
    if len(ids) > MAX_PRESENTATION_SLIDES:
        raise StoreInvalidError(
            f"{len(ids)} slides; at most {MAX_PRESENTATION_SLIDES} are allowed",
            f"En presentation får ha högst {MAX_PRESENTATION_SLIDES} bilder (nu {len(ids)}).",
        )
    for i in ids:
        if (not isinstance(i, str) or not i or len(i) > MAX_SLIDE_ID_CHARS or i[0] == "-"
                or not set(i) <= _SLIDE_ID_CHARS):
            raise StoreInvalidError(f"slide id {str(i)[:40]!r} is not a short lower-case ASCII id",
                                    "Bildlistan innehåller ett ogiltigt bild-id.")
    if len(set(ids)) != len(ids):
        raise StoreInvalidError("slide ids repeat", "Samma bild finns flera gånger i listan; ta bort dubbletterna.")
    return json.dumps(ids, separators=(",", ":"))


def _check_unique_in(conn: sqlite3.Connection, table: str, name: str, group: str, exclude_id: int | None) -> None:
    row = conn.execute(
        f"SELECT id, name FROM {table} WHERE grp_key = ? AND name_key = ? AND id IS NOT ? AND {_LIVE}",
        (_key(group), _key(name), exclude_id),
    ).fetchone()
    if row is not None:
        existing = _shown(row[1].encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
        raise StoreDuplicateError(
            f"group {group!r} already has a {table} named {existing!r} (id {row[0]})",
            f"Det finns redan en presentation som heter ”{existing}” ({_describe_group(group)}). Välj ett annat namn.",
        )


def _check_room_in(conn: sqlite3.Connection, table: str, group: str, cap: int, what_sv: str) -> None:
    n = conn.execute(f"SELECT count(*) FROM {table} WHERE grp_key = ? AND {_LIVE}", (_key(group),)).fetchone()[0]
    if n >= cap:
        where = f"Gruppen ”{group}”" if group else "Utan grupp finns det"
        raise StoreLimitError(
            f"group {group!r} already keeps {n} rows in {table}; at most {cap} are allowed",
            f"{where} har redan {cap} sparade {what_sv}, vilket är det högsta antalet. Ta bort något först.",
        )


def _select_presentation(conn: sqlite3.Connection, presentation_id: int) -> tuple:
    row = None
    if _has_table(conn, "presentation"):
        row = conn.execute(
            f"SELECT {_PRESENTATION_COLUMNS} FROM presentation WHERE id = ? AND {_LIVE}", (presentation_id,)
        ).fetchone()
    if row is None:
        raise _presentation_not_found(presentation_id)
    return row


def _presentation_not_found(presentation_id: int) -> StoreNotFoundError:
    return StoreNotFoundError(
        f"no presentation with id {presentation_id}", "Presentationen finns inte längre (den kan ha tagits bort)."
    )


def _check_answer_group(group: object) -> str:
    return _check_text(group, "group", "Gruppnamnet", MAX_GROUP_CHARS, required=True)


def _check_theme(theme: object) -> str:
    return _check_text(theme, "theme", "Temat", MAX_THEME_CHARS, required=True)


def _check_question(question: object) -> str:
    return _check_text(question, "question", "Frågan", MAX_QUESTION_CHARS, required=True)


def _check_position(position: object) -> str:
    return _check_text(position, "position", "Ståndpunkten", MAX_POSITION_CHARS, required=True)


def _check_answer_notes(notes: object) -> str:
    return _check_text(notes, "notes", "Anteckningen", MAX_ANSWER_NOTES_CHARS, required=False, allow="\n\t")


def _check_author(author: object) -> str:
    return _check_text(author, "author", "Namnet på den som skriver", MAX_AUTHOR_CHARS, required=True)


def _check_answer_scenario(conn: sqlite3.Connection, scenario_id: int | None, group: str, access: Access) -> None:
    """A linked scenario must be live and the group's own (one of a group ``access``
    may not use is reported as missing)."""
    if scenario_id is None:
        return
    row = conn.execute(f"SELECT grp_key FROM scenario WHERE id = ? AND {_LIVE}", (scenario_id,)).fetchone()
    if row is None or (row[0] != _key(group) and not access.can_use_group(row[0])):
        raise _not_found(scenario_id)  # another group's, which this access may not see: as if missing
    if row[0] != _key(group):
        raise StoreInvalidError(
            f"scenario {scenario_id} belongs to another group",
            "Scenariot tillhör en annan grupp; svaret kan bara kopplas till gruppens egna scenarier.",
        )


def _check_answer_unique(conn: sqlite3.Connection, group: str, theme: str, question: str, exclude_id: int | None) -> None:
    row = conn.execute(
        f"SELECT id FROM dialog_answer WHERE grp_key = ? AND theme = ? AND question_key = ? AND id IS NOT ? AND {_LIVE}",
        (_key(group), theme, _key(question), exclude_id),
    ).fetchone()
    if row is not None:
        raise StoreDuplicateError(
            f"group {group!r} already has an answer to this question (id {row[0]})",
            f"Gruppen ”{group}” har redan svarat på frågan. Ändra det sparade svaret i stället.",
        )


def _select_answer(conn: sqlite3.Connection, answer_id: int) -> tuple:
    row = None
    if _has_table(conn, "dialog_answer"):
        row = conn.execute(f"SELECT {_ANSWER_COLUMNS} FROM dialog_answer WHERE id = ? AND {_LIVE}", (answer_id,)).fetchone()
    if row is None:
        raise _answer_not_found(answer_id)
    return row


def _answer_not_found(answer_id: int) -> StoreNotFoundError:
    return StoreNotFoundError(f"no dialogue answer with id {answer_id}", "Svaret finns inte längre (det kan ha tagits bort).")
