"""Befolkning: population per kommun in both forecast variants, age structure, 80+."""

import streamlit as st

from naravard import ui
from naravard.views import befolkning as view

ds = ui.dataset()
variant = ui.variant()

st.title("Befolkning och äldre")
st.markdown(view.intro(ds))

if ui.require(ds, "befolkning", "utbud"):
    st.subheader("Invånare per kommun")
    codes, names = view.kommun_options(ds)
    kommuner = st.multiselect("Kommuner", options=codes, default=codes, format_func=names.get, key=ui.KEY_BEF_KOMMUNER)
    fig, alt = view.population_chart(ds, variant, kommuner)
    ui.chart(fig, alt)
    with st.expander("Visa siffrorna som tabell"):
        ui.table(view.population_table(ds, variant, kommuner), alt="Invånare per kommun och år.")
    ui.source_line(ds, *view.variant_tables(ds, variant), extra=view.variant_note(ds, variant))
    with st.expander(view.comparison_title(ds)):
        ui.table(view.variant_comparison(ds), alt="Invånare 2030 per kommun enligt båda prognoserna.")
        ui.source_line(ds, "utbud", "befolkning")

if ui.require(ds, "befolkning_alder"):
    st.subheader("80 år och äldre per kommun")
    fig, alt = view.pop80_chart(ds)
    ui.chart(fig, alt)
    ui.table(view.pop80_display(ds), alt="Invånare 80 år och äldre per kommun 2020, 2025, 2030 och 2040.")
    ui.source_line(ds, "befolkning_alder", extra=view.pop80_note(ds))

    left, right = st.columns(2)
    with left:
        st.subheader("Åldersstruktur")
        year = st.segmented_control(
            "År", options=view.AGE_YEARS, default=ds.region.basar, key=ui.KEY_BEF_AR, format_func=str
        ) or ds.region.basar
        fig, alt = view.age_chart(ds, int(year))
        ui.chart(fig, alt)
        with st.expander("Visa siffrorna som tabell"):
            ui.table(view.age_table(ds, int(year)), alt=f"Invånare per åldersgrupp och kommun {year}.")
        ui.source_line(ds, "befolkning_alder")
    with right:
        st.subheader("80+ per 100 i arbetsför ålder")
        fig, alt = view.ratio_chart(ds)
        ui.chart(fig, alt)
        with st.expander("Visa siffrorna som tabell"):
            ui.table(view.ratio_table(ds), alt="Invånare 80+ per 100 invånare 20–64 år, per område och år.")
        ui.source_line(ds, "befolkning_alder", extra="Kvot: invånare 80+ per 100 invånare 20–64 år.")
