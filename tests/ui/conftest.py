"""Shared set-up of the ui tests that run the app against a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from naravard.store import ScenarioStore


def app_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, access: str) -> ScenarioStore:
    """An empty SQLite store in ``tmp_path`` that the app under test uses, in access mode
    ``access`` (``open`` or ``groups``): the embedded data, no database URL, the default
    sign-in hours. Returned unbound (the system, as the CLI bootstraps groups)."""
    path = tmp_path / "scenarier.sqlite3"
    monkeypatch.setenv("NARAVARD_STORE", str(path))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NARAVARD_ACCESS", access)
    for name in ("NARAVARD_DATABASE_URL", "NARAVARD_DATA_DIR", "NARAVARD_SIGNIN_HOURS"):
        monkeypatch.delenv(name, raising=False)
    return ScenarioStore(path)
