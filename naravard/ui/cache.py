"""Cached data access: ``st.cache_data`` wraps the pure loaders, so every page and
every rerun reads the files once per process. Errors become Swedish messages.

**The data in use** is the manifest's tables, replaced per table by the published data
version the session chose (default: the newest published one; naravard.services.publishing),
replaced in turn by the session's own import ("prova först"). Both replacements are
one mechanism: override bytes for ``load_dataset`` (:func:`data_overrides`); a published
one also names its version (:func:`data_published`) so its "Källa:" line says
"Publicerad version ”NAMN” (datum, källa)".

**Published versions and a stopped database.** The list of published versions is read
at most every :data:`LIST_TTL_S` seconds per process and the last list read is kept
(:func:`published_list`); a version's content is immutable, so it is cached by id for
the life of the process (:func:`_version_content`). When the database stops, the pages
keep the versions already read and the Ladda data page says the database cannot be
reached and which version is in use. Reading published data needs no sign-in (it is for
everyone), so it uses the unbound store; publishing and withdrawing go through
``ui.auth.bound_store()`` (naravard.ui.data_import).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from naravard.errors import DataError
from naravard.services import publishing
from naravard.sources.dataset import Dataset, load_dataset
from naravard.ui.frame import ensure_frame
from naravard.ui.state import KEY_DATA_IMPORT, KEY_DATA_VERSIONS, KEY_USER_BOUNDARIES

#: How old the list of published versions may be before it is read again (seconds): a
#: version published or withdrawn through another replica shows within this time;
#: through this process at once (:func:`forget_published_list`).
LIST_TTL_S = 30.0


def data_dir() -> Path | None:
    """Data directory: ``NARAVARD_DATA_DIR`` if set, else the embedded ``data/``."""
    d = os.environ.get("NARAVARD_DATA_DIR")
    return Path(d) if d else None


def session_imports() -> tuple[tuple[str, bytes], ...]:
    """The session's own imported tables as sorted (name, bytes) pairs: what "egen
    data" means (a published version is not the session's own)."""
    d = st.session_state.get(KEY_DATA_IMPORT)
    if not isinstance(d, Mapping):
        return ()
    return tuple(sorted((k, bytes(v)) for k, v in d.items() if isinstance(k, str) and isinstance(v, (bytes, bytearray))))


# ------------------------------------------------------------------ published versions


@dataclass(frozen=True)
class PublishedList:
    """The published versions (newest first, every kind) this process knows.

    ``unavailable_sv`` is the store's Swedish message when the list could not be read
    just now (then ``versions`` is the last list read, or empty); ``read_at`` when it
    was read (``time.time()``), 0 if never."""

    versions: tuple[Any, ...] = ()
    unavailable_sv: str = ""
    read_at: float = 0.0

    def of(self, kind: str) -> list[Any]:
        return [v for v in self.versions if v.kind == kind]


_lists: dict[str, tuple[float, PublishedList]] = {}  # store identity → (monotonic time read, list)
_lists_lock = threading.Lock()


def store_identity() -> str:
    """Which database a list or a version belongs to (tests and replicas switch it)."""
    url = os.environ.get("NARAVARD_DATABASE_URL", "").strip()
    return url or os.environ.get("NARAVARD_STORE") or "default"


def _reading_store():
    from naravard.store import open_store

    return open_store()


def published_list() -> PublishedList:
    """The published versions, read at most every :data:`LIST_TTL_S` s per process; when
    the store cannot be read, the last list read (with the store's Swedish message)."""
    from naravard.store import StoreError

    ident = store_identity()
    now = time.monotonic()
    with _lists_lock:
        kept = _lists.get(ident)
    if kept is not None and now - kept[0] < LIST_TTL_S:
        return kept[1]
    try:
        store = _reading_store()
        lister = getattr(store, "list_data_versions", None)
        versions = tuple(lister()) if lister is not None else ()
    except StoreError as e:
        last = kept[1] if kept is not None else PublishedList()
        stale = PublishedList(last.versions, e.message_sv, last.read_at)
        with _lists_lock:  # try again after LIST_TTL_S, not on every rerun (a dead server may take seconds to answer)
            _lists[ident] = (now, stale)
        return stale
    fresh = PublishedList(versions, "", time.time())
    with _lists_lock:
        _lists[ident] = (now, fresh)
    return fresh


def forget_published_list() -> None:
    """Read the list again on the next run (after this process published or withdrew)."""
    with _lists_lock:
        _lists.pop(store_identity(), None)
        _failed.clear()


# A version's content never changes (the store refuses an UPDATE), so it is cached by
# database and id for the life of the process: a stopped database keeps serving the
# versions already read. Bounded: a few tables' versions of a few hundred kB at most.
@st.cache_data(show_spinner=False, max_entries=64)
def _version_content(identity: str, version_id: int, _store) -> str:
    return str(_store.get_data_version(version_id).content)


_failed: dict[tuple[str, int], tuple[float, Exception]] = {}  # (store, id) → (monotonic time, the store's error)


def version_content(info) -> str:
    """The content of a published version (cached, see :func:`_version_content`);
    raises the store's error if it was never read and cannot be read now. A failed
    read is not tried again for :data:`LIST_TTL_S` seconds: a page asks for the data
    several times per run, and a stopped database must not be waited for each time."""
    from naravard.store import StoreError

    key = (store_identity(), int(info.id))
    with _lists_lock:
        failed = _failed.get(key)
    if failed is not None and time.monotonic() - failed[0] < LIST_TTL_S:
        raise failed[1]
    try:
        return _version_content(key[0], key[1], _reading_store())
    except StoreError as e:
        with _lists_lock:
            _failed[key] = (time.monotonic(), e)
        raise


def version_choice(kind: str) -> int | None:
    """The session's choice for ``kind``: a version id, 0 for none (the embedded data,
    or no register), None for the default (the newest published)."""
    d = st.session_state.get(KEY_DATA_VERSIONS)
    c = d.get(kind) if isinstance(d, Mapping) else None
    return int(c) if isinstance(c, int) and c >= 0 else None


def set_version_choice(kind: str, choice: int | None) -> None:
    d = dict(st.session_state.get(KEY_DATA_VERSIONS) or {})
    if choice is None:
        d.pop(kind, None)
    else:
        d[kind] = int(choice)
    st.session_state[KEY_DATA_VERSIONS] = d


def chosen_version(kind: str, listing: PublishedList | None = None):
    """The published version this session uses for ``kind`` (its ``DataVersionInfo``),
    or None (the embedded data / no register). A chosen version that was withdrawn
    is no longer listed: the newest one is used instead."""
    versions = (listing or published_list()).of(kind)
    c = version_choice(kind)
    if c == 0 or not versions:
        return None
    return next((v for v in versions if v.id == c), versions[0])


def _published_tables() -> dict[str, tuple[Any, bytes]]:
    """Table name → (version info, override bytes) of the published versions in use
    (readable ones only: a version that cannot be read leaves the table as embedded,
    and the Ladda data page says why)."""
    from naravard.services.import_tables import IMPORTABLE
    from naravard.store import StoreError

    listing = published_list()
    if not listing.versions:
        return {}
    out: dict[str, tuple[Any, bytes]] = {}
    for kind in IMPORTABLE:
        info = chosen_version(kind, listing)
        if info is None:
            continue
        try:
            out[kind] = (info, version_content(info).encode("utf-8"))
        except StoreError:
            continue
    return out


def data_overrides() -> tuple[tuple[str, bytes], ...]:
    """The tables that replace the manifest's, as sorted (name, bytes) pairs (hashable
    for the caches): the chosen published versions, then the session's own imports
    over them."""
    merged = {k: raw for k, (_, raw) in _published_tables().items()}
    merged.update(dict(session_imports()))
    return tuple(sorted(merged.items()))


def data_published() -> tuple[tuple[str, int, str, str, str], ...]:
    """For the tables of :func:`data_overrides` that are published versions (not the
    session's own file): (table, version id, name, source, published_at), sorted."""
    own = {k for k, _ in session_imports()}
    return tuple(sorted(
        (k, int(info.id), str(info.name), str(info.source), str(info.published_at))
        for k, (info, _) in _published_tables().items() if k not in own
    ))


def _published_sources(published: tuple[tuple[str, int, str, str, str], ...]) -> dict:
    from types import SimpleNamespace

    return {
        t: publishing.provenance(SimpleNamespace(id=i, name=n, source=s, published_at=at))
        for t, i, n, s, at in published
    }


# Each distinct set of imported files is one entry; the bound keeps many sessions'
# uploads from growing the cache without limit (the embedded data reloads in ~50 ms).
@st.cache_data(show_spinner=False, max_entries=32)
def _cached_dataset(path: str | None, overrides: tuple[tuple[str, bytes], ...] = (),
                    published: tuple[tuple[str, int, str, str, str], ...] = ()) -> Dataset:
    return load_dataset(path, overrides=dict(overrides) or None, published=_published_sources(published) or None)


def dataset() -> Dataset:
    """The validated dataset, or a Swedish error and a stopped page.

    Every page calls this first; it also puts a deep-linked page back into the
    app's frame (:func:`ensure_frame`).

    Tables the user imported this session (:data:`KEY_DATA_IMPORT`) and the chosen
    published versions replace the embedded ones (:func:`data_overrides`). Only a missing/broken manifest stops the page; a single broken
    table is shown where it is needed (:func:`require`) and in the sidebar banner.
    """
    ensure_frame()
    d = data_dir()
    try:
        return _cached_dataset(str(d) if d else None, data_overrides(), data_published())
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
        return _cached_dataset(str(d) if d else None, data_overrides(), data_published())
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
def _cached_inputs(path: str | None, overrides: tuple[tuple[str, bytes], ...] = (),
                   published: tuple[tuple[str, int, str, str, str], ...] = ()):
    from naravard.model.scenario import ModelInputs

    return ModelInputs.from_dataset(_cached_dataset(path, overrides, published))


def scenario_inputs(ds: Dataset):
    """The model's inputs, built once per dataset (embedded or with the session's imports)."""
    from naravard.model.scenario import AssumptionError

    d = data_dir()
    try:
        return _cached_inputs(str(d) if d else None, data_overrides(), data_published())
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
