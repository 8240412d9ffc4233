"""Scenario: what the 80+ growth means per kommun, under assumptions a user can change.

Layout only: the sections are naravard.ui.scenario (state, controls, studio, exports,
saved scenarios), the tables and figures naravard.views.scenario, the model
naravard.model.scenario.
"""

import streamlit as st

from naravard import ui
from naravard.ui import scenario as sc

ds = ui.dataset()
inputs = ui.scenario_inputs(ds)
sc.state_init(inputs)

st.title("Scenario: äldre och primärvårdens kapacitet")
st.markdown(sc.intro(inputs))
sc.warnings()
sc.controls(ds, inputs)
sc.studio(inputs)
# static, so outside the fragment (every element a slider step redraws costs browser time)
ui.source_line(ds, "utbud", "befolkning", "befolkning_alder", "nyckeltal", extra="Antaganden: reglagen ovan och vyn Antaganden och källor.")

st.subheader("Dela och exportera")
st.markdown(
    "Länken i webbläsarens adressfält innehåller scenariots antaganden; *Kopiera länk* ovan visar den som text. "
    "Filerna nedan byggs av de antaganden som gäller just nu."
)
sc.exports(ds, inputs)

sc.vagval(ds, inputs)

st.divider()
st.subheader("Spara, öppna och jämför scenarier")
sc.saved_section(ds, inputs)
sc.deleted_section()
