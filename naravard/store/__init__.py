"""Storage behind one interface.

:class:`ScenarioRepository` is what the rest of the app may rely on; the SQLite
implementation (:class:`~naravard.store.sqlite.ScenarioStore`) is the default;
:class:`~naravard.store.postgres.PostgresStore` is the same store on PostgreSQL, chosen
by :func:`open_store` when ``$NARAVARD_DATABASE_URL`` is set. The UI reads the saved list a page at a time (``page``, with a search),
never the whole list. :class:`RegisterRepository` keeps unit registers for all users
(the same SQLite file, table ``register``, schema 3). :class:`PresentationRepository`
keeps named presentations (the Presentera page) and :class:`DialogRepository` the
groups' dialogue answers (the Dialog page), both in the same file (schema 4). Both
backends run the same store tests (tests/store/test_backends.py). Every change is
recorded in an audit log (``audit_log``) in the change's own transaction. Errors are :class:`~naravard.store.sqlite.StoreError` and its
subclasses (English ``str()``, Swedish ``message_sv``).

Access control (schema 6): :class:`GroupRepository` (groups, members, passphrases,
``with_access``) and :class:`DataRepository` (published data versions). The UI binds
the shared store to the signed-in person with ``store.with_access(access)``; every item
method then answers only for the groups that person may use (:mod:`naravard.store.access`).
"""

from __future__ import annotations

import os
from typing import Any, Protocol, runtime_checkable

from naravard.store.sqlite import (
    MAX_ANSWER_NOTES_CHARS,
    MAX_ANSWERS_PER_GROUP,
    MAX_POSITION_CHARS,
    MAX_PRESENTATION_SLIDES,
    MAX_PRESENTATIONS_PER_GROUP,
    MAX_REGISTERS,
    MAX_SCENARIOS_PER_GROUP,
    PAGE_SIZE,
    POSITIONS,
    MAX_DATA_VERSIONS_PER_KIND,
    MAX_SIGN_IN_FAILURES,
    REGISTER_KIND,
    SIGN_IN_WINDOW_S,
    AuditEntry,
    DataVersion,
    DataVersionInfo,
    DeletedItem,
    GroupInfo,
    MemberInfo,
    OpenedPresentation,
    RegisterInfo,
    SavedAnswer,
    SavedPresentation,
    SavedRegister,
    SavedScenario,
    ScenarioPage,
    ScenarioStore,
    StoreAuthError,
    StoreConflictError,
    StoreCorruptError,
    StoreDuplicateError,
    StoreError,
    StoreForbiddenError,
    StoreInvalidError,
    StoreLimitError,
    StoreLockedError,
    StoreNotFoundError,
    StoreReadOnlyError,
    StoreThrottledError,
    StoreUnavailableError,
)
from naravard.store.access import PASSPHRASE_ROLES, ROLES, Access

DATABASE_URL_ENV_VAR = "NARAVARD_DATABASE_URL"


def open_store(*, read_only: bool | None = None, user: str = "") -> ScenarioStore:
    """The store the app uses: PostgreSQL when ``$NARAVARD_DATABASE_URL`` is set (many
    processes or servers share one database), else the SQLite file at
    ``$NARAVARD_STORE`` (or ``var/scenarier.sqlite3``). Both have the same methods,
    limits and errors; opening does no I/O."""
    url = os.environ.get(DATABASE_URL_ENV_VAR, "").strip()
    if url:
        from naravard.store.postgres import PostgresStore

        return PostgresStore(url, read_only=read_only, user=user)
    return ScenarioStore(os.environ.get("NARAVARD_STORE") or None, read_only=read_only, user=user)


class ScenarioRepository(Protocol):
    """Named scenarios (assumptions as a JSON object) saved by groups."""

    def save(self, name: str, group: str = "", note: str = "", payload: dict[str, Any] | None = None) -> SavedScenario: ...

    def list(self) -> list[SavedScenario]: ...

    def page(self, search: str = "", offset: int = 0, limit: int = PAGE_SIZE) -> ScenarioPage: ...

    def get(self, scenario_id: int) -> SavedScenario: ...

    def rename(self, scenario_id: int, new_name: str, *, expected_version: int | None = None) -> SavedScenario: ...

    def update_note(self, scenario_id: int, note: str, *, expected_version: int | None = None) -> SavedScenario: ...

    def delete(self, scenario_id: int) -> None: ...

    def restore(self, scenario_id: int) -> SavedScenario: ...


@runtime_checkable
class RegisterRepository(Protocol):
    """Unit registers kept for all users (validated CSV text); the newest is in use.

    A second, small protocol so that a backend (or a test double) that keeps only
    scenarios need not grow register methods; :class:`ScenarioStore` implements both.
    """

    def save_register(self, name: str, source: str, csv_text: str, rows: int) -> SavedRegister: ...

    def latest_register(self) -> SavedRegister | None: ...

    def list_registers(self) -> list[RegisterInfo]: ...

    def get_register(self, register_id: int) -> SavedRegister: ...


@runtime_checkable
class PresentationRepository(Protocol):
    """Named presentations: slide ids in order, the scenario's link query, a title."""

    def save_presentation(self, name: str, group: str, slide_ids: list[str], scenario_query: str = "",
                          title: str = "", *, scenario_id: int | None = None) -> SavedPresentation: ...

    def list_presentations(self, group: str | None = None) -> list[SavedPresentation]: ...

    def get_presentation(self, presentation_id: int) -> SavedPresentation: ...

    def open_presentation(self, presentation_id: int) -> OpenedPresentation: ...

    def delete_presentation(self, presentation_id: int) -> None: ...

    def restore_presentation(self, presentation_id: int) -> SavedPresentation: ...


@runtime_checkable
class DialogRepository(Protocol):
    """The groups' answers to the dialogue deck's questions (one live answer per group,
    theme and question; edits carry the version they started from)."""

    def save_answer(self, group: str, theme: str, question: str, position: str, notes: str = "",
                    author: str = "", *, scenario_id: int | None = None) -> SavedAnswer: ...

    def list_answers(self, group: str, theme: str | None = None) -> list[SavedAnswer]: ...

    def get_answer(self, answer_id: int) -> SavedAnswer: ...

    def update_answer(self, answer_id: int, expected_version: int, *, position: str, notes: str, author: str,
                      scenario_id: int | None = None) -> SavedAnswer: ...

    def delete_answer(self, answer_id: int) -> None: ...

    def restore_answer(self, answer_id: int) -> SavedAnswer: ...


@runtime_checkable
class GroupRepository(Protocol):
    """Work groups, their members and passphrases, and who may do what (schema 6).

    Bind a store to a person with ``store.with_access(access)``; an unbound store acts
    as :meth:`Access.system` (the CLI, scripts). Admin methods raise
    :class:`StoreForbiddenError` for anyone else."""

    def with_access(self, access: Access) -> Any: ...

    def create_group(self, name: str, description: str = "") -> GroupInfo: ...

    def list_groups(self) -> list[GroupInfo]: ...

    def add_member(self, group: str, user: str, role: str) -> MemberInfo: ...

    def remove_member(self, group: str, user: str) -> None: ...

    def list_members(self, group: str | None = None) -> list[MemberInfo]: ...

    def set_passphrase(self, group: str, passphrase: str, role: str = "gruppmedlem") -> None: ...

    def clear_passphrase(self, group: str) -> None: ...

    def sign_in_with_passphrase(self, group: str, passphrase: str, display_name: str = "") -> Access: ...

    def access_for_user(self, user: str) -> Access: ...

    def list_deleted(self, group: str | None = None) -> list[DeletedItem]: ...


@runtime_checkable
class DataRepository(Protocol):
    """Published data: named, dated, immutable versions of a table for everyone."""

    def publish_data(self, kind: str, name: str, source: str, content: str, rows: int,
                     note: str = "") -> DataVersionInfo: ...

    def list_data_versions(self, kind: str | None = None) -> list[DataVersionInfo]: ...

    def get_data_version(self, version_id: int) -> DataVersion: ...

    def withdraw_data_version(self, version_id: int) -> None: ...


__all__ = [
    "Access",
    "AuditEntry",
    "DataRepository",
    "DataVersion",
    "DataVersionInfo",
    "DeletedItem",
    "GroupInfo",
    "GroupRepository",
    "MAX_DATA_VERSIONS_PER_KIND",
    "MAX_SIGN_IN_FAILURES",
    "MemberInfo",
    "PASSPHRASE_ROLES",
    "REGISTER_KIND",
    "ROLES",
    "SIGN_IN_WINDOW_S",
    "DATABASE_URL_ENV_VAR",
    "DialogRepository",
    "MAX_ANSWER_NOTES_CHARS",
    "MAX_ANSWERS_PER_GROUP",
    "MAX_POSITION_CHARS",
    "MAX_PRESENTATION_SLIDES",
    "MAX_PRESENTATIONS_PER_GROUP",
    "MAX_REGISTERS",
    "MAX_SCENARIOS_PER_GROUP",
    "OpenedPresentation",
    "PAGE_SIZE",
    "POSITIONS",
    "PresentationRepository",
    "RegisterInfo",
    "RegisterRepository",
    "SavedAnswer",
    "SavedPresentation",
    "SavedRegister",
    "SavedScenario",
    "ScenarioPage",
    "ScenarioRepository",
    "ScenarioStore",
    "StoreAuthError",
    "StoreConflictError",
    "StoreCorruptError",
    "StoreDuplicateError",
    "StoreError",
    "StoreForbiddenError",
    "StoreInvalidError",
    "StoreLimitError",
    "StoreLockedError",
    "StoreNotFoundError",
    "StoreReadOnlyError",
    "StoreThrottledError",
    "StoreUnavailableError",
    "open_store",
]
