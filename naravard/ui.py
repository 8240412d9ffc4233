"""The UI layer: the only module in the package that imports Streamlit.

What lives here, and nowhere else:
- cached data access (``st.cache_data`` wraps the pure loaders, so every page and
  every rerun reads the CSVs once per process);
- the shared chrome (sidebar with the forecast variant, data-problem banner);
- small render helpers that give every chart a "Källa:" line and a text
  alternative, and turn domain errors into Swedish messages instead of tracebacks.

Session-state keys are prefixed ``nv_`` so they cannot collide with Streamlit's
own or a future component's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from . import figures, fmt, population
from .data import DataError, Dataset, load_dataset

KEY_VARIANT = "nv_prognos"
# The session's own data files: table name → raw bytes (pages/ladda_data.py sets it).
KEY_DATA_IMPORT = "nv_data_import"

#: The accessible name of every chart ends with this (see :func:`chart`).
CHART_ALT_POINTER = "Vad diagrammet visar står i texten under det."


@dataclass(frozen=True)
class PageSpec:
    """One page of the app; app.py builds the navigation from this list.

    No icon: Streamlit uses a page's Material icon as the browser tab's favicon and
    fetches it from a Google CDN, which fails offline and leaks visits.
    ``url_path`` equals the script's file name so that a deep link resolves to the
    same page in Streamlit's legacy pages/ mode and in st.navigation (see
    :func:`ensure_frame`).
    """

    script: str
    title: str
    url_path: str


PAGES: list[PageSpec] = [
    PageSpec("pages/oversikt.py", "Översikt", "oversikt"),
    PageSpec("pages/befolkning.py", "Befolkning", "befolkning"),
    PageSpec("pages/scenario.py", "Scenario", "scenario"),
    PageSpec("pages/tillganglighet.py", "Tillgänglighet", "tillganglighet"),
    PageSpec("pages/ladda_data.py", "Ladda data", "ladda_data"),
    PageSpec("pages/om_data.py", "Om data", "om_data"),
]


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


def ensure_frame() -> None:
    """Make sure the page runs inside app.py's frame, even on a fresh server.

    Streamlit keeps a legacy mode for apps with a ``pages/`` folder beside the main
    script: until some session has called ``st.navigation``, a deep link such as
    ``/scenario`` as the first request after a (re)start runs ``pages/scenario.py``
    alone, without page config, navigation or the shared sidebar. ``st.navigation``
    switches that mode off for the process; here we do the same and rerun, so the
    request goes through app.py. Touches one private flag, guarded: if a future
    Streamlit drops it, this does nothing (and tests/browser catch the regression).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - Streamlit internals moved
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


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


def require(ds: Dataset, *names: str) -> bool:
    """True if all tables loaded; otherwise show a Swedish message per problem."""
    ok = True
    for n in names:
        if not ds.has(n):
            err = ds.problems.get(n) or DataError(n, "missing", "tabellen saknas")
            st.error(f"{err.message_sv}. Den här delen av sidan kan inte visas.", icon=":material/error:")
            ok = False
    return ok


def variant() -> str:
    v = st.session_state.get(KEY_VARIANT, population.DEFAULT_VARIANT)
    return v if v in population.VARIANTS else population.DEFAULT_VARIANT


def sidebar(ds: Dataset, url_path: str = "") -> None:
    """Shared chrome, drawn once by app.py for every page.

    On the Scenario page the forecast is one of the scenario's own assumptions, so
    the global choice is shown disabled there (still drawn, so its state is kept).
    """
    scenario_page = url_path == "scenario"
    with st.sidebar:
        st.radio(
            "Befolkningsprognos",
            options=list(population.VARIANTS),
            format_func=lambda k: population.VARIANTS[k].label_sv,
            key=KEY_VARIANT,
            disabled=scenario_page,
            help="Två prognoser finns och skiljer sig åt: dialogunderlaget räknar med ca 362 000 invånare 2030, "
            "Region Hallands framskrivning 2026 med ca 350 000. Valet gäller alla sidor utom Scenario.",
        )
        if scenario_page:
            # markdown, not caption: grey caption text on the grey sidebar fails WCAG contrast
            st.markdown("På Scenario-sidan väljs prognosen bland scenariots antaganden.")
        else:
            st.markdown(population.VARIANTS[variant()].description_sv)
        own = [name for name, _ in data_overrides() if name in ds.info]
        if own:
            from .importer import IMPORTABLE

            titles = ", ".join(IMPORTABLE[n].title_sv if n in IMPORTABLE else ds.info[n].title for n in own)
            st.info(
                f"Du använder egen data för: {titles}. Den gäller bara din session; "
                "sidan Ladda data återställer den inbäddade datan.",
                icon=":material/upload_file:",
            )
        if ds.problems:
            st.warning(
                f"{len(ds.problems)} datatabell(er) kunde inte läsas. Se sidan Om data.",
                icon=":material/warning:",
            )
        st.markdown(f"{ds.region.organisation} · Primärvårdens kapacitet")


def source_line(ds: Dataset, *tables: str, extra: str = "") -> None:
    """The "Källa:" line under a chart or table, from the manifest."""
    seen: list[str] = []
    for t in tables:
        if t in ds.info:
            c = ds.source_of(t).citation
            if c not in seen:
                seen.append(c)
    text = "Källa: " + "; ".join(seen) if seen else ""
    if extra:
        text = f"{text}. {extra}" if text else extra
    st.caption(text)


def chart(c: figures.Chart, alt: str, key: str | None = None) -> None:
    """A Vega-Lite chart with its text alternative as a caption under it.

    ``alt`` states the chart's main message from the data; it is shown (and read by
    screen readers) as the caption. The chart's own accessible name is its kind and
    title and a pointer to the caption, so it stays the same whatever the values:
    Streamlit re-embeds a Vega-Lite chart when its spec or accessible name changes and
    otherwise swaps the data in place, which is what keeps a slider step cheap.
    ``theme=None`` because the theme is in the spec (:data:`naravard.figures.CONFIG`).
    ``key`` names a container around chart and caption (CSS class ``st-key-<key>``).
    """
    name = f"{c.kind_sv}: {c.title}. {CHART_ALT_POINTER}" if c.title else f"{c.kind_sv}. {CHART_ALT_POINTER}"
    with st.container(key=key) if key else nullcontext():
        st.vega_lite_chart(c.data, c.spec, width="stretch", theme=None, alt=name)
        st.caption(fmt.markdown_escape(alt))


#: Tables up to this many rows are drawn as static HTML tables (see :func:`table`).
STATIC_TABLE_MAX_ROWS = 60


def table(df: pd.DataFrame, alt: str, height: int | str = "auto") -> None:
    """A read-only table of preformatted strings (Swedish number format).

    Small tables (most of the app's: one row per kommun) are static HTML tables: they
    cost the browser far less than the scrolling data grid (a page with a grid loads
    its JavaScript and mounts a canvas), a screen reader reads them as a real table,
    and they take no Tab stops. Larger ones (data previews) keep the grid, which
    scrolls and sorts.
    """
    if len(df) <= STATIC_TABLE_MAX_ROWS:
        st.table(df, hide_index=True, alt=alt)
    else:
        st.dataframe(df, hide_index=True, alt=alt, height=height)


def text_table(df: pd.DataFrame, alt: str) -> None:
    """A small static table whose cells wrap (labels and sources, not numbers)."""
    st.table(df, hide_index=True, border="horizontal", alt=alt)


KEY_MAP_MEASURE = "nv_karta_matt"
KEY_USER_BOUNDARIES = "nv_gransfil"


@st.cache_data(show_spinner=False)
def _cached_boundaries(lanskod: str, cache_dir: str | None):
    from . import geo

    return geo.load_cached_boundaries(lanskod, Path(cache_dir) if cache_dir else None)


def boundaries(ds: Dataset):
    """Kommun polygons: the user's upload this session, else the cache, else None."""
    from . import geo

    user = st.session_state.get(KEY_USER_BOUNDARIES)
    if user is not None:
        return user
    try:
        return _cached_boundaries(ds.region.lanskod, os.environ.get("NARAVARD_CACHE_DIR"))
    except geo.BoundaryError as e:
        st.warning(e.message_sv, icon=":material/warning:")
        return None


@st.fragment
def map_section(ds: Dataset, variant: str) -> None:
    """Map of the kommuner coloured by a measure; a fragment, so picking a measure
    reruns only the map."""
    from . import mapfig, overview

    st.subheader("Karta")
    left, right = st.columns([1, 1.4])
    measure = left.selectbox(
        "Färglägg kommunerna efter",
        options=list(overview.MAP_MEASURES),
        format_func=lambda k: overview.MAP_MEASURES[k].label_sv,
        key=KEY_MAP_MEASURE,
    )
    m = overview.MAP_MEASURES[measure]
    if not require(ds, "kommuner", *m.sources):
        return
    values = overview.map_values(ds, measure, variant)
    gdf = boundaries(ds)
    fig = mapfig.map_figure(gdf, ds.table("kommuner"), values, m.label_sv, m.format, title=m.label_sv)
    ranking = overview.map_ranking(ds, values, m)
    alt = f"Karta över kommunerna, {m.label_sv.lower()}: " + ", ".join(f"{r.Kommun} {r.Värde}" for r in ranking.itertuples()) + "."
    message = overview.map_message(ds, values, m)
    with left:
        st.caption("Värdena på kartan, högst först:")
        table(ranking, alt=alt)
        source_line(
            ds,
            *m.sources,
            "kommuner",
            extra="Kommungränser: SCB, Digitala gränser (CC0)."
            if gdf is not None
            else "Förenklad karta: kommungränser saknas (se Om data).",
        )
    with right:
        chart(fig, message, key="nv_karta")


def boundary_section(ds: Dataset) -> None:
    """Status of the map boundaries and an upload for a user's own file."""
    from . import geo

    gdf = boundaries(ds)
    if gdf is not None:
        src = "din uppladdade fil" if st.session_state.get(KEY_USER_BOUNDARIES) is not None else "den lokala kartcachen"
        st.success(f"Kommungränser för {len(gdf)} kommuner används, från {src}.", icon=":material/map:")
    else:
        st.info(
            "Inga kommungränser finns, så kartan visar cirklar vid centralorterna. Gränserna hämtas från SCB "
            "med kommandot `python -m naravard boundaries fetch`, eller så laddar du upp en egen fil här.",
            icon=":material/map:",
        )
    up = st.file_uploader(
        "Ladda upp kommungränser (GeoJSON eller zippad shapefil)",
        type=["geojson", "json", "zip"],
        key="nv_gransfil_upload",
        help="Gäller bara din session. Filen måste innehålla regionens alla kommuner med kommunkod.",
    )
    if up is not None:
        try:
            gdf = geo.import_boundaries(up.getvalue(), up.name, ds.region.lanskod, expected_codes=ds.kommun_codes)
        except geo.BoundaryError as e:
            st.error(e.message_sv, icon=":material/error:")
        else:
            st.session_state[KEY_USER_BOUNDARIES] = gdf
            st.success(f"{len(gdf)} kommuner lästes in. Kartan på Översikt använder nu din fil.")


# ------------------------------------------------------------------ scenario page

KEY_SC_COPY = "nv_sc_kopia"  # a plain copy of the widget values that survives page switches
KEY_SC_WARNINGS = "nv_sc_url_varningar"
KEY_SC_LAST_QUERY = "nv_sc_senaste_url"


@st.cache_data(show_spinner=False, max_entries=32)
def _cached_inputs(path: str | None, overrides: tuple[tuple[str, bytes], ...] = ()):
    from .scenario import ModelInputs

    return ModelInputs.from_dataset(_cached_dataset(path, overrides))


def scenario_inputs(ds: Dataset):
    """The model's inputs, built once per dataset (embedded or with the session's imports)."""
    from .scenario import AssumptionError

    d = data_dir()
    try:
        return _cached_inputs(str(d) if d else None, data_overrides())
    except (DataError, AssumptionError, ValueError, KeyError) as e:
        msg = getattr(e, "message_sv", None) or "data som modellen behöver saknas eller är felaktiga"
        st.error(f"Scenariomodellen kan inte räknas: {msg}. Se sidan Om data.", icon=":material/error:")
        st.stop()
        raise


def scenario_state_init(inputs) -> None:
    """Fill the scenario widgets' state before they are drawn.

    Order of precedence: the values this session already had (Streamlit forgets the
    state of widgets that were not drawn, e.g. after visiting another page, so a
    plain copy is kept), else the URL (a shared link), else the defaults. Bad URL
    values fall back to their defaults one by one, with a Swedish warning.
    """
    from . import share
    from .views import scenario as view

    codes = list(inputs.kommunkod)
    if KEY_SC_COPY in st.session_state:
        for k, v in st.session_state[KEY_SC_COPY].items():
            if k not in st.session_state:
                st.session_state[k] = v
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    a, warnings = share.from_query(params)
    try:
        a.check_kommuner(codes)
    except Exception:  # unknown kommun codes were already reported by from_query
        a = a.replace(vc_forandring={}, filial_forandring={}, egen_tillvaxt_total={}, egen_tillvaxt_80={})
    st.session_state[KEY_SC_WARNINGS] = warnings
    for k, v in view.state_from_assumptions(a, codes, inputs).items():
        st.session_state[k] = v


def scenario_apply(a, inputs) -> None:
    """Callback: show assumptions ``a`` in the widgets (a preset, an opened scenario)."""
    from .views import scenario as view

    for k, v in view.state_from_assumptions(a, list(inputs.kommunkod), inputs).items():
        st.session_state[k] = v


def scenario_remember(a) -> None:
    """Keep a copy of the widget values and put the assumptions in the URL."""
    from . import share
    from .views import scenario as view

    st.session_state[KEY_SC_COPY] = {k: v for k, v in st.session_state.items() if isinstance(k, str) and k.startswith(view.PREFIX) and not k.startswith(view.PREFIX + "ui_")}
    q = share.to_query(a)
    if st.session_state.get(KEY_SC_LAST_QUERY) != q:
        st.query_params.from_dict(q)
        st.session_state[KEY_SC_LAST_QUERY] = q


def scenario_store():
    """The scenario store, or None with a Swedish message if it cannot be opened."""
    from .store import ScenarioStore, StoreError

    try:
        return ScenarioStore(os.environ.get("NARAVARD_STORE") or None)
    except StoreError as e:
        st.error(e.message_sv, icon=":material/error:")
        return None
