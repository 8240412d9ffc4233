"""Page sections that several pages share or that hold widget state (the map, the
boundary upload). The scenario's sections are in :mod:`naravard.ui.scenario`."""

from __future__ import annotations

import streamlit as st

from naravard.sources.dataset import Dataset
from naravard.ui.cache import boundaries, require
from naravard.ui.state import KEY_MAP_MEASURE, KEY_USER_BOUNDARIES
from naravard.ui.widgets import chart, source_line, table


@st.fragment
def map_section(ds: Dataset, variant: str) -> None:
    """Map of the kommuner coloured by a measure; a fragment, so picking a measure
    reruns only the map."""
    from naravard.views import maps as mapfig
    from naravard.model import supply as overview

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
    from naravard.sources import boundaries as geo

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

