"""Page sections that several pages share or that hold widget state (the map, the
boundary upload). The scenario's sections are in :mod:`naravard.ui.scenario`."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from naravard import fmt
from naravard.sources.dataset import Dataset
from naravard.ui.cache import boundary_source, checked_boundary_upload, data_dir, require
from naravard.ui.state import (
    KEY_BOUNDARY_UPLOAD,
    KEY_MAP_CLEAR,
    KEY_MAP_CLICK,
    KEY_MAP_MEASURE,
    KEY_MAP_PANEL,
    KEY_MAP_SELECTED,
    KEY_USER_BOUNDARIES,
)
from naravard.ui.widgets import chart, source_line, table


@st.fragment
def map_section(ds: Dataset, variant: str) -> None:
    """Map of the kommuner coloured by a measure; a fragment, so picking a measure or
    clicking a kommun reruns only the map.

    A click on a kommun selects it (:data:`KEY_MAP_SELECTED`): it is outlined on the
    map and its figures for every map measure are shown beside it; a second click on
    it, a double click on the map or "Rensa val" clears the selection. The selection
    is kept in our own key, set by the chart's ``on_select`` callback, because the
    chart's own selection state goes with its element id, which changes with the
    figure (Streamlit 1.67 derives the id from the figure).
    """
    from naravard.model import supply as overview
    from naravard.views import maps as mapfig

    st.subheader("Karta")
    left, right = st.columns([1, 1.4])
    measure = left.selectbox(
        "Färglägg kommunerna efter",
        options=list(overview.MAP_MEASURES),
        format_func=lambda k: overview.measure_for(ds, variant, k).label_sv,
        key=KEY_MAP_MEASURE,
    )
    m = overview.measure_for(ds, variant, measure)
    if not require(ds, "kommuner", *m.sources):
        return
    values = overview.map_values(ds, measure, variant)
    src = boundary_source(ds)
    if src.warning_sv:
        st.warning(src.warning_sv, icon=":material/warning:")
    names = ds.kommun_names()
    selected = st.session_state.get(KEY_MAP_SELECTED)
    if selected not in names:
        selected = None
    fig = mapfig.map_figure(src.gdf, ds.table("kommuner"), values, m.label_sv, m.format, title=m.label_sv, selected=selected)

    def on_click() -> None:
        code = mapfig.clicked_code(st.session_state.get(KEY_MAP_CLICK), fig)
        if code is None or code == st.session_state.get(KEY_MAP_SELECTED):
            st.session_state.pop(KEY_MAP_SELECTED, None)
        else:
            st.session_state[KEY_MAP_SELECTED] = code

    ranking = overview.map_ranking(ds, values, m)
    alt = f"Karta över kommunerna, {m.label_sv.lower()}: " + ", ".join(f"{r.Kommun} {r.Värde}" for r in ranking.itertuples()) + "."
    message = overview.map_message(ds, values, m)
    with left:
        if selected is not None:
            with st.container(key=KEY_MAP_PANEL):
                _selected_kommun(ds, variant, selected)
        else:
            st.caption("Klicka på en kommun på kartan för att se dess siffror. Värdena på kartan, högst först:")
            table(ranking, alt=alt)
        source_line(ds, *m.sources, "kommuner", extra=boundary_credit(src))
    with right:
        chart(fig, message, key="nv_karta", select_key=KEY_MAP_CLICK, on_select=on_click)


def _selected_kommun(ds: Dataset, variant: str, code: str) -> None:
    """The clicked kommun's value for every map measure, and a button that clears the choice."""
    from naravard.model import supply as overview

    st.markdown(f"**{ds.kommun_names()[code]}**")
    rows = []
    for key in overview.MAP_MEASURES:
        mm = overview.measure_for(ds, variant, key)
        if all(ds.has(t) for t in mm.sources):
            v = overview.map_values(ds, key, variant).get(code)
            rows.append({"Mått": mm.label_sv, "Värde": mm.format(v) if v is not None and v == v else "uppgift saknas"})
    table(pd.DataFrame(rows), alt=f"{ds.kommun_names()[code]}: " + ", ".join(f"{r['Mått']} {r['Värde']}" for r in rows) + ".")
    st.button("Rensa val", key=KEY_MAP_CLEAR, on_click=lambda: st.session_state.pop(KEY_MAP_SELECTED, None),
              icon=":material/close:")


def boundary_credit(src) -> str:
    from naravard.sources import boundaries as geo

    if src.origin == geo.ORIGIN_EMBEDDED:
        info = geo.embedded_info(data_dir())
        return f"Kommungränser: {info.citation}." if info else "Kommungränser: SCB, Digitala gränser (CC0)."
    if src.origin == geo.ORIGIN_CACHE:
        return "Kommungränser: SCB, Digitala gränser (CC0), hämtade till den lokala kartcachen."
    if src.origin == geo.ORIGIN_UPLOAD:
        return "Kommungränser: din uppladdade fil."
    return "Förenklad karta: kommungränser saknas (se Om data)."


def boundary_section(ds: Dataset) -> None:
    """Which map boundaries are used (upload > cache > embedded > none) and an upload
    for a user's own file."""
    from naravard.sources import boundaries as geo

    src = boundary_source(ds)
    if src.warning_sv:
        st.warning(src.warning_sv, icon=":material/warning:")
    if src.gdf is not None:
        st.success(f"Kartan visar kommungränser för {len(src.gdf)} kommuner från {src.label_sv}.", icon=":material/map:")
        if src.origin == geo.ORIGIN_EMBEDDED:
            st.caption(
                "En nyare version av SCB:s gränser kan hämtas med `python -m naravard boundaries fetch` "
                "(eller importeras med `boundaries import`); den används då före den inbyggda filen."
            )
    else:
        st.info(
            "Inga kommungränser finns, så kartan visar cirklar vid centralorterna. Gränserna hämtas från SCB "
            "med kommandot `python -m naravard boundaries fetch`, eller så laddar du upp en egen fil här.",
            icon=":material/map:",
        )
    up = st.file_uploader(
        "Ladda upp kommungränser (GeoJSON eller zippad shapefil)",
        type=["geojson", "json", "zip"],
        key=KEY_BOUNDARY_UPLOAD,
        help=(
            "Gäller bara din session. Filen måste innehålla regionens alla kommuner med kommunkod. "
            f"Högst {fmt.number(geo.MAX_FEATURES)} objekt och {fmt.number(geo.MAX_VERTICES)} hörnpunkter; "
            f"en zip-fil får packas upp till högst {fmt.number(geo.MAX_EXTRACT_BYTES // 2**20)} MB."
        ),
    )
    if up is not None:
        # Checked once per file content (a rerun is a cache hit) in a limited worker process.
        with st.spinner("Läser in och kontrollerar kommungränserna …"):
            gdf, err = checked_boundary_upload(up.getvalue(), up.name, ds)
        if err is not None:
            # The message quotes the file's name and contents: shown as text, never as Markdown.
            st.error(fmt.markdown_escape(err.message_sv), icon=":material/error:")
        else:
            st.session_state[KEY_USER_BOUNDARIES] = gdf
            st.success(f"{len(gdf)} kommuner lästes in. Kartan på Översikt använder nu din fil.")
