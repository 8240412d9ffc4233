"""Presentera: pick and order slides, present them at projector scale, download handouts.

Layout only: the sections are naravard.ui.presentera, the slides naravard.views.slides,
the handouts naravard.export.handout.
"""

import streamlit as st

from naravard import ui
from naravard.ui import presentera as pr

ds = ui.dataset()
inputs = ui.scenario_inputs(ds)
a = pr.scenario_in_force(inputs)
specs = pr.catalogue(ds, inputs, a)
pr.read_link(specs)
pr.adopt_pending(specs)

if pr.presenting():
    pr.presentation(specs)
else:
    st.title("Presentera")
    st.markdown(pr.INTRO)
    pr.warnings()
    ids = pr.picker(specs)
    st.subheader("Ladda ner")
    pr.handouts(ds, specs, ids, a)
    st.subheader("Dela")
    pr.link_section(ids, a)
    st.subheader("Spara och öppna")
    pr.saved_section(inputs, ids, a)
