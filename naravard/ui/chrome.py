"""The shared chrome: the page list and the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from naravard.model import population
from naravard.sources.dataset import Dataset
from naravard.ui.cache import data_overrides, dataset
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


PAGES: list[PageSpec] = [
    PageSpec("pages/oversikt.py", "Översikt", "oversikt"),
    PageSpec("pages/befolkning.py", "Befolkning", "befolkning"),
    PageSpec("pages/scenario.py", "Scenario", "scenario"),
    PageSpec("pages/tillganglighet.py", "Tillgänglighet", "tillganglighet"),
    PageSpec("pages/ladda_data.py", "Ladda data", "ladda_data"),
    PageSpec("pages/om_data.py", "Om data", "om_data"),
]


def variant(ds: Dataset | None = None) -> str:
    """The forecast chosen in the sidebar (a key of the dataset's forecast registry)."""
    fs = population.forecasts(ds if ds is not None else dataset())
    v = st.session_state.get(KEY_VARIANT)
    return v if v in fs else next(iter(fs))


def sidebar(ds: Dataset, url_path: str = "") -> None:
    """Shared chrome, drawn once by app.py for every page.

    On the Scenario page the forecast is one of the scenario's own assumptions, so
    the global choice is shown disabled there (still drawn, so its state is kept).
    """
    scenario_page = url_path == "scenario"
    with st.sidebar:
        st.radio(
            "Befolkningsprognos",
            options=list(population.forecasts(ds)),
            format_func=lambda k: population.forecasts(ds)[k].label_sv,
            key=KEY_VARIANT,
            disabled=scenario_page,
            help="Två prognoser finns och skiljer sig åt: dialogunderlaget räknar med ca 362 000 invånare 2030, "
            "Region Hallands framskrivning 2026 med ca 350 000. Valet gäller alla sidor utom Scenario.",
        )
        if scenario_page:
            # markdown, not caption: grey caption text on the grey sidebar fails WCAG contrast
            st.markdown("På Scenario-sidan väljs prognosen bland scenariots antaganden.")
        else:
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
