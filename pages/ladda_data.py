"""Ladda data: the published data versions to choose from, and a planner's own CSV or
Excel file: check it, try it in this session, publish it for everyone (planerare).

Nothing is written to disk by a trial: an accepted file's bytes are kept in the session
and every page's dataset is loaded with them (see naravard.ui.data_import); a published
version is kept by the store and never changes.
"""

import streamlit as st

from naravard import ui

ds = ui.dataset()

st.title("Ladda in egna data")
st.markdown(
    "Har du nyare siffror – en ny befolkningsprognos, listade per vårdcentral eller tillgänglighetsmått? "
    "Ladda ner den nuvarande tabellen som mall, fyll i dina siffror i ett kalkylprogram, spara som CSV eller "
    "Excel-arbetsbok (.xlsx) och ladda upp filen här. Filen kontrolleras innan den kan användas, och du ser vad "
    "som skiljer den från de data som används nu. **Dina data gäller bara din session** och sparas inte "
    "någonstans; laddar du om sidan (F5) försvinner de. De inbäddade filerna ändras aldrig. "
    "Planerare kan publicera en kontrollerad fil för alla, med namn och källa."
)

ui.data_versions_section(ds)
ui.own_data_status(ds)
ui.cross_table_notes(ds)
ui.import_section(ds)
