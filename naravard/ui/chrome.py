"""The shared chrome: the page list and the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from naravard.model import population
from naravard.sources.dataset import Dataset
from naravard.ui.cache import data_overrides
from naravard.ui.state import KEY_VARIANT


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


def variant() -> str:
    v = st.session_state.get(KEY_VARIANT, population.DEFAULT_VARIANT)
    return v if v in population.VARIANTS else population.DEFAULT_VARIANT


def _forecast_from_link() -> None:
    """A shared link names its forecast (``?prognos=HSU2023``); it becomes the app's
    choice when a session starts. Read here because the radio below must get its
    value before it is drawn."""
    from naravard.export.link import QUERY_KEYS

    wanted = st.query_params.get(QUERY_KEYS["prognos"])
    if KEY_VARIANT not in st.session_state and wanted in population.VARIANTS:
        st.session_state[KEY_VARIANT] = wanted


def sidebar(ds: Dataset, url_path: str = "") -> None:
    """Shared chrome, drawn once by app.py for every page.

    The forecast radio is the app's one forecast choice, on every page; the Scenario
    page reads it (its own forecast, "Egen", is a scenario option on top of it).
    """
    _forecast_from_link()
    with st.sidebar:
        st.radio(
            "Befolkningsprognos",
            options=list(population.VARIANTS),
            format_func=lambda k: population.VARIANTS[k].label_sv,
            key=KEY_VARIANT,
            help="Två prognoser finns och skiljer sig åt: dialogunderlaget räknar med ca 362 000 invånare 2030, "
            "Region Hallands framskrivning 2026 med ca 350 000. Valet gäller alla sidor, också Scenario.",
        )
        st.markdown(population.VARIANTS[variant()].description_sv)
        own = [name for name, _ in data_overrides() if name in ds.info]
        if own:
            from naravard.services.importing import IMPORTABLE

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
