"""Cached data access: ``st.cache_data`` wraps the pure loaders, so every page and
every rerun reads the files once per process. Errors become Swedish messages."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from naravard.errors import DataError
from naravard.sources.dataset import Dataset, load_dataset
from naravard.ui.frame import ensure_frame
from naravard.ui.state import KEY_DATA_IMPORT, KEY_USER_BOUNDARIES


def data_dir() -> Path | None:
    """Data directory: ``NARAVARD_DATA_DIR`` if set, else the embedded ``data/``."""
    d = os.environ.get("NARAVARD_DATA_DIR")
    return Path(d) if d else None


def data_overrides() -> tuple[tuple[str, bytes], ...]:
    """The session's imported tables as sorted (name, bytes) pairs (hashable for the cache)."""
    d = st.session_state.get(KEY_DATA_IMPORT)
    if not isinstance(d, Mapping):
        return ()
    return tuple(sorted((k, bytes(v)) for k, v in d.items() if isinstance(k, str) and isinstance(v, (bytes, bytearray))))


# Each distinct set of imported files is one entry; the bound keeps many sessions'
# uploads from growing the cache without limit (the embedded data reloads in ~50 ms).
@st.cache_data(show_spinner=False, max_entries=32)
def _cached_dataset(path: str | None, overrides: tuple[tuple[str, bytes], ...] = ()) -> Dataset:
    return load_dataset(path, overrides=dict(overrides) or None)


def dataset() -> Dataset:
    """The validated dataset, or a Swedish error and a stopped page.

    Every page calls this first; it also puts a deep-linked page back into the
    app's frame (:func:`ensure_frame`).

    Tables the user imported this session (:data:`KEY_DATA_IMPORT`) replace the
    embedded ones. Only a missing/broken manifest stops the page; a single broken
    table is shown where it is needed (:func:`require`) and in the sidebar banner.
    """
    ensure_frame()
    d = data_dir()
    try:
        return _cached_dataset(str(d) if d else None, data_overrides())
    except DataError as e:
        st.error(f"Data kunde inte läsas. {e.message_sv}")
        st.stop()
        raise  # unreachable; st.stop() raises


def session_dataset() -> Dataset | None:
    """The dataset in use, for callbacks: like :func:`dataset` but without the frame
    guard or any element (a callback may not rerun or draw). None if the manifest is
    broken (the page says so)."""
    d = data_dir()
    try:
        return _cached_dataset(str(d) if d else None, data_overrides())
    except DataError:
        return None


def base_dataset() -> Dataset | None:
    """The data without the session's own files (embedded or ``NARAVARD_DATA_DIR``).

    Ladda data offers every table's template from it when the session's file for that
    table no longer loads, so a template is always downloadable. None if even the
    manifest is broken (the page has said so already).
    """
    d = data_dir()
    try:
        return _cached_dataset(str(d) if d else None, ())
    except DataError:
        return None


def require(ds: Dataset, *names: str) -> bool:
    """True if all tables loaded; otherwise show a Swedish message per problem."""
    ok = True
    for n in names:
        if not ds.has(n):
            err = ds.problems.get(n) or DataError(n, "missing", "tabellen saknas")
            st.error(f"{err.message_sv}. Den här delen av sidan kan inte visas.", icon=":material/error:")
            ok = False
    return ok


@st.cache_data(show_spinner=False, max_entries=16)
def _cached_boundary_source(lanskod: str, data_dir: str | None, cache_dir: str | None, codes: tuple[str, ...], stamp: float):
    from naravard.sources import boundaries as geo

    # ``stamp`` (the cache file's mtime) makes a new `boundaries fetch/import` visible without a restart
    return geo.resolve_boundaries(lanskod, data_dir, cache_dir, expected_codes=codes or None)


def boundary_source(ds: Dataset):
    """Which kommun polygons the map uses and where they came from
    (:func:`naravard.sources.boundaries.resolve_boundaries`: upload > cache > embedded > none)."""
    from naravard.sources import boundaries as geo

    user = st.session_state.get(KEY_USER_BOUNDARIES)
    cache_dir = os.environ.get("NARAVARD_CACHE_DIR")
    codes = tuple(ds.kommun_codes) if ds.has("kommuner") else ()
    if user is not None:
        return geo.resolve_boundaries(ds.region.lanskod, user=user)
    try:
        p = geo.cache_path(ds.region.lanskod, cache_dir)
        stamp = p.stat().st_mtime if p.is_file() else 0.0
    except (geo.BoundaryError, OSError):
        stamp = 0.0
    d = data_dir()
    return _cached_boundary_source(ds.region.lanskod, str(d) if d else None, cache_dir, codes, stamp)


# Each distinct upload (by content hash) is checked once per process, accepted or
# refused: a rerun (any widget change on the page) or another session uploading the
# same file gets the answer from here instead of another worker run. The bytes are not
# part of the key (``_raw``: Streamlit does not hash underscore parameters); their
# SHA-256 is. Bounded, so many uploads cannot grow the cache without limit.
@st.cache_data(show_spinner=False, max_entries=16)
def _checked_boundary_upload(digest: str, name: str, lanskod: str, codes: tuple[str, ...], _raw: bytes):
    from naravard.sources import boundaries as geo

    try:
        return geo.import_boundaries(_raw, name, lanskod, expected_codes=codes or None), None
    except geo.BoundaryBusyError:
        raise  # transient: not cached
    except geo.BoundaryError as e:
        return None, e


def checked_boundary_upload(raw: bytes, name: str, ds: Dataset):
    """``(boundaries, None)`` or ``(None, BoundaryError)`` for an uploaded boundary file,
    cached by the file's SHA-256 (see :func:`_checked_boundary_upload`). The check runs
    in a limited worker process (:func:`naravard.sources.boundaries.import_boundaries`)."""
    import hashlib

    from naravard.sources import boundaries as geo

    codes = tuple(ds.kommun_codes) if ds.has("kommuner") else ()
    try:
        return _checked_boundary_upload(hashlib.sha256(raw).hexdigest(), name, ds.region.lanskod, codes, raw)
    except geo.BoundaryBusyError as e:
        return None, e


def boundaries(ds: Dataset):
    """Kommun polygons (WGS84) for the map, or None (see :func:`boundary_source`)."""
    src = boundary_source(ds)
    if src.warning_sv:
        st.warning(src.warning_sv, icon=":material/warning:")
    return src.gdf


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_inputs(path: str | None, overrides: tuple[tuple[str, bytes], ...] = ()):
    from naravard.model.scenario import ModelInputs

    return ModelInputs.from_dataset(_cached_dataset(path, overrides))


def scenario_inputs(ds: Dataset):
    """The model's inputs, built once per dataset (embedded or with the session's imports)."""
    from naravard.model.scenario import AssumptionError

    d = data_dir()
    try:
        return _cached_inputs(str(d) if d else None, data_overrides())
    except (DataError, AssumptionError, ValueError, KeyError) as e:
        msg = getattr(e, "message_sv", None) or "data som modellen behöver saknas eller är felaktiga"
        st.error(f"Scenariomodellen kan inte räknas: {msg}. Se sidan Om data.", icon=":material/error:")
        st.stop()
        raise


def scenario_store():
    """The scenario store (SQLite, or PostgreSQL when NARAVARD_DATABASE_URL is set), or
    None with a Swedish message if it cannot be opened."""
    from naravard.store import StoreError, open_store

    try:
        return open_store()
    except StoreError as e:
        st.error(e.message_sv, icon=":material/error:")
        return None
