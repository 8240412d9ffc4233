"""Storage behind one interface.

:class:`ScenarioRepository` is what the rest of the app may rely on; the SQLite
implementation (:class:`~naravard.store.sqlite.ScenarioStore`) is the default and the
only one today. The UI reads the saved list a page at a time (``page``, with a search),
never the whole list. A second backend (PostgreSQL) implements the same protocol and runs
the same store tests. Errors are :class:`~naravard.store.sqlite.StoreError` and its
subclasses (English ``str()``, Swedish ``message_sv``).
"""

from __future__ import annotations

from typing import Any, Protocol

from naravard.store.sqlite import (
    MAX_SCENARIOS_PER_GROUP,
    PAGE_SIZE,
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


__all__ = [
    "MAX_SCENARIOS_PER_GROUP",
    "PAGE_SIZE",
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
