"""Översikt: headline figures, the per-kommun table and a map."""

import streamlit as st

from naravard import ui
from naravard.views import oversikt as view

ds = ui.dataset()
variant = ui.variant()

st.title(view.title(ds))
st.markdown(view.intro(ds))

if ui.require(ds, "nyckeltal", "utbud", "befolkning", "befolkning_alder"):
    for row in view.headline_rows(view.headlines(ds, variant)):
        for col, h in zip(st.columns(view.HEADLINES_PER_ROW), row):
            ui.metric(col, h.label, h.value, h.delta, h.help)
    ui.source_line(ds, *view.headline_tables(ds, variant), extra=view.headline_note(ds, variant))

    st.subheader("Per kommun")
    ui.table(view.kommun_display(ds, variant), alt=view.kommun_alt())
    ui.source_line(
        ds,
        *view.kommun_tables(ds, variant),
        extra="Invånare per VC = invånare / antal vårdcentraler. Listade kan bo i en annan kommun.",
    )
    ui.map_section(ds, variant)
