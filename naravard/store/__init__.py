"""Storage behind one interface.

:class:`ScenarioRepository` is what the rest of the app may rely on; the SQLite
implementation (:class:`~naravard.store.sqlite.ScenarioStore`) is the default and the
only one today. The UI reads the saved list a page at a time (``page``, with a search),
never the whole list. :class:`RegisterRepository` keeps unit registers for all users
(the same SQLite file, table ``register``, schema 3). A second backend (PostgreSQL) implements the same protocol and runs
the same store tests. Errors are :class:`~naravard.store.sqlite.StoreError` and its
subclasses (English ``str()``, Swedish ``message_sv``).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from naravard.store.sqlite import (
    MAX_REGISTERS,
    MAX_SCENARIOS_PER_GROUP,
    PAGE_SIZE,
    RegisterInfo,
    SavedRegister,
    SavedScenario,
    ScenarioPage,
    ScenarioStore,
    StoreCorruptError,
    StoreDuplicateError,
    StoreError,
    StoreInvalidError,
    StoreLimitError,
    StoreLockedError,
    StoreNotFoundError,
    StoreReadOnlyError,
)


class ScenarioRepository(Protocol):
    """Named scenarios (assumptions as a JSON object) saved by groups."""

    def save(self, name: str, group: str = "", note: str = "", payload: dict[str, Any] | None = None) -> SavedScenario: ...

    def list(self) -> list[SavedScenario]: ...

    def page(self, search: str = "", offset: int = 0, limit: int = PAGE_SIZE) -> ScenarioPage: ...

    def get(self, scenario_id: int) -> SavedScenario: ...

    def rename(self, scenario_id: int, new_name: str) -> SavedScenario: ...

    def update_note(self, scenario_id: int, note: str) -> SavedScenario: ...

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


__all__ = [
    "MAX_REGISTERS",
    "MAX_SCENARIOS_PER_GROUP",
    "PAGE_SIZE",
    "RegisterInfo",
    "RegisterRepository",
    "SavedRegister",
    "SavedScenario",
    "ScenarioPage",
    "ScenarioRepository",
    "ScenarioStore",
    "StoreCorruptError",
    "StoreDuplicateError",
    "StoreError",
    "StoreInvalidError",
    "StoreLimitError",
    "StoreLockedError",
    "StoreNotFoundError",
    "StoreReadOnlyError",
]
