"""Tillgänglighet: Kolada's series for the region vs its comparisons, and the deck's facts."""

import streamlit as st

from naravard import ui
from naravard.views import tillganglighet as view

ds = ui.dataset()

st.title("Tillgänglighet")
st.markdown(view.intro(ds))

if ui.require(ds, "tillganglighet", "indikatorer"):
    names = view.indicator_names(ds)
    kpi = st.selectbox("Indikator", options=list(names), format_func=names.get, key=ui.KEY_TG_KPI)
    fig, alt = view.indicator_chart(ds, kpi)
    ui.chart(fig, alt)
    with st.expander("Visa siffrorna som tabell"):
        ui.table(view.indicator_table(ds, kpi), alt=f"Värden per år för indikatorn {kpi}.")
    ui.source_line(ds, "tillganglighet", extra=view.indicator_note(ds, kpi))

if ui.require(ds, "tillganglighet_hsu", "nyckeltal"):
    st.subheader("Dialogunderlagets ögonblicksbild")
    ui.text_table(view.snapshot_table(ds), alt=view.snapshot_alt(ds))
    ui.source_line(ds, "tillganglighet_hsu")

    requirements = view.requirements_markdown(ds)
    if requirements:
        st.subheader("Vad gäller för vårdcentralerna")
        st.markdown(requirements)
        ui.source_line(ds, "nyckeltal")
    questions = view.dialog_questions(ds)
    if questions:
        st.info(questions, icon=":material/forum:")

if ui.require(ds, "restid"):
    st.subheader("Restid till närmaste vårdcentral")
    fig, alt = view.travel_chart(ds)
    ui.chart(fig, alt)
    with st.expander("Visa siffrorna som tabell"):
        ui.table(view.travel_table(ds), alt="Mediantid i minuter till närmaste vårdcentral per område och färdsätt.")
    ui.source_line(ds, "restid", extra=ds.info["restid"].notes)
