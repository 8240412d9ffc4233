"""Om data: every table with its source, date and notes; problems; map boundaries."""

import streamlit as st

from naravard import ui
from naravard.views import content
from naravard.views import om_data as view

ds = ui.dataset()

st.title("Om data")
st.markdown(
    "Alla siffror i verktyget kommer från tabellerna nedan, från en dataversion som en planerare har publicerat, från en fil du själv laddar in, "
    "eller från ett antagande som syns och kan ändras. Värden som källan anger som *ca* är "
    "markerade som ungefärliga. Inga siffror är påhittade."
)

for name, err in ds.problems.items():
    st.error(err.message_sv, icon=":material/error:")
ui.cross_table_notes(ds)

st.subheader("Tabeller")
ui.text_table(view.catalogue(ds), alt="Förteckning över datatabeller med källa, period, noter och status.")

st.subheader("Källor")
ui.text_table(view.sources(ds), alt="Källdokument med titel, utgivare och datum.")
if ds.dialog:
    st.caption(f"Citerade texter (dialogfrågor, vägval): {ds.dialog.file}. {content.citation(ds)}.")

st.subheader("Granska en tabell")
titles = {n: ti.title for n, ti in ds.info.items() if ds.has(n)}
name = st.selectbox("Tabell", options=list(titles), format_func=titles.get, key=ui.KEY_OM_TABLE)
if name:
    ui.table(view.preview(ds, name), alt=f"Innehållet i tabellen {ds.info[name].title}.")
    ui.source_line(ds, name, extra=ds.info[name].notes)

st.subheader("Kartgränser")
ui.boundary_section(ds)
