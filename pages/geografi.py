"""Geografi: every vårdcentral and filial on the map, distance to care, and where a new unit would help.

Layout only: the sections are naravard.ui.geografi (register, map with what-if clicks,
what-if and suggestion panels), the figures and tables naravard.views.geografi, the
numbers naravard.services.geografi.
"""

import streamlit as st

from naravard import ui
from naravard.ui import geografi as geo

ds = ui.dataset()
geo.init_from_link()

st.title("Geografi: avstånd till vårdcentral och filial")
geo.messages()
reg = geo.register_section(ds)
if reg is None:
    geo.no_register(ds)
else:
    geo.analysis_section(ds, reg)
