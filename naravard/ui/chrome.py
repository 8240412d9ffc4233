"""The shared chrome: the page list and the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from naravard.model import population
from naravard.sources.dataset import Dataset
from naravard.ui.cache import data_overrides, session_dataset
from naravard.ui.state import KEY_VARIANT
from naravard.views import ladda_data as view_import


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
    # Shown in the navigation only to admins (naravard.store.access); the page itself
    # also refuses anyone else, since a hidden page is still reachable by its address.
    admin_only: bool = False


PAGES: list[PageSpec] = [
    PageSpec("pages/oversikt.py", "Översikt", "oversikt"),
    PageSpec("pages/befolkning.py", "Befolkning", "befolkning"),
    PageSpec("pages/scenario.py", "Scenario", "scenario"),
    PageSpec("pages/tillganglighet.py", "Tillgänglighet", "tillganglighet"),
    PageSpec("pages/geografi.py", "Geografi", "geografi"),
    PageSpec("pages/ladda_data.py", "Ladda data", "ladda_data"),
    PageSpec("pages/om_data.py", "Om data", "om_data"),
    PageSpec("pages/presentera.py", "Presentera", "presentera"),
    PageSpec("pages/dialog.py", "Dialog", "dialog"),
    PageSpec("pages/grupper.py", "Grupper", "grupper", admin_only=True),
]


def variant(ds: Dataset | None = None) -> str:
    """The forecast chosen in the sidebar (a key of the dataset's forecast registry).

    Without ``ds`` it reads the session's dataset without the frame guard, so a
    callback may call it (the guard may rerun, which a callback must not)."""
    if ds is None:
        ds = session_dataset()
        if ds is None:
            return str(st.session_state.get(KEY_VARIANT, ""))
    fs = population.forecasts(ds)
    v = st.session_state.get(KEY_VARIANT)
    return v if v in fs else next(iter(fs))


def _forecast_from_link(ds: Dataset) -> None:
    """A shared link names its forecast (``?prognos=HSU2023``); it becomes the app's
    choice when a session starts. Read here because the radio below must get its
    value before it is drawn."""
    from naravard.export.link import QUERY_KEYS

    wanted = st.query_params.get(QUERY_KEYS["prognos"])
    if KEY_VARIANT not in st.session_state and wanted in population.forecasts(ds):
        st.session_state[KEY_VARIANT] = wanted


def sidebar(ds: Dataset, url_path: str = "") -> None:
    """Shared chrome, drawn once by app.py for every page.

    The forecast radio is the app's one forecast choice, on every page; the Scenario
    page reads it (its own forecast, "Egen", is a scenario option on top of it).
    """
    _forecast_from_link(ds)
    with st.sidebar:
        st.radio(
            "Befolkningsprognos",
            options=list(population.forecasts(ds)),
            format_func=lambda k: population.forecasts(ds)[k].label_sv,
            key=KEY_VARIANT,
            help="Prognoserna skiljer sig åt; vad var och en bygger på står under valet. "
            "Valet gäller alla sidor, också Scenario.",
        )
        st.markdown(population.forecasts(ds)[variant(ds)].description_sv)
        own = view_import.own_titles(ds, [name for name, _ in data_overrides()])
        if own:
            st.info(
                view_import.own_data_text(own) + " Sidan Ladda data återställer den inbäddade datan.",
                icon=":material/upload_file:",
            )
        for note in ds.notes:
            st.warning(view_import.note_short_text(ds, note), icon=":material/warning:")
        if ds.problems:
            st.warning(
                f"{len(ds.problems)} datatabell(er) kunde inte läsas. Se sidan Om data.",
                icon=":material/warning:",
            )
        st.markdown(f"{ds.region.organisation} · Primärvårdens kapacitet")


def page_title(ds: Dataset) -> str:
    """The browser tab's title, naming the region from the manifest."""
    return f"Nära vård i {ds.region.kort_namn} – primärvårdens kapacitet"
