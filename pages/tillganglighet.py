"""Tillgänglighet: Kolada's series for Halland vs Riket and Kronoberg, and the deck's facts."""

import streamlit as st

from naravard import fmt, ui
from naravard.model import indicators as access
from naravard.views import tillganglighet as view

ds = ui.dataset()

st.title("Tillgänglighet")
st.markdown(
    "Hur lätt är det att nå primärvården i Halland, jämfört med riket och Region Kronoberg? "
    "Serierna kommer från Kolada; dialogunderlagets siffror är mätta på annat sätt och visas "
    "som en egen punkt (svart stjärna) bredvid serierna."
)

if ui.require(ds, "tillganglighet", "indikatorer"):
    ind = access.indicators(ds)
    kpi = st.selectbox(
        "Indikator",
        options=list(ind["kpi_id"]),
        format_func=dict(zip(ind["kpi_id"], ind["indikator"])).get,
        key="nv_tg_kpi",
    )
    fig, alt = view.indicator_chart(ds, kpi)
    ui.chart(fig, alt)
    with st.expander("Visa siffrorna som tabell"):
        ui.table(view.indicator_table(ds, kpi), alt=f"Värden per år för indikatorn {kpi}.")
    row = ind.set_index("kpi_id").loc[kpi]
    note = f" {row['not']}." if isinstance(row["not"], str) and row["not"] else ""
    ui.source_line(ds, "tillganglighet", extra=f"Underliggande källa: {row['underliggande_kalla']} ({kpi}).{note}")

if ui.require(ds, "tillganglighet_hsu", "nyckeltal"):
    st.subheader("Dialogunderlagets ögonblicksbild")
    ui.text_table(view.snapshot_table(ds), alt="Tillgänglighet enligt dialogunderlaget, Halland och riket.")
    ui.source_line(ds, "tillganglighet_hsu")

    st.subheader("Vad gäller för vårdcentralerna")
    hours = fmt.number(ds.fact("vc_oppet_timmar_vecka").value)
    without = fmt.number(ds.fact("kommuner_utan_kvallsvard").value)
    st.markdown(
        f"""
- Varje vårdcentral ska ha öppet minst **{hours} timmar i veckan**, erbjuda besök, hembesök och distanskontakter,
  ett digitalt grundutbud via 1177 och följa den nationella **vårdgarantin**.
- **Kvällar och helger:** i **{without} kommuner** finns ingen primärvård efter kontorstid på vardagar
  (källan anger inte vilka). Dagtid på helger finns vård, men inte efter kl. 18, utom i Kungsbacka genom en upphandlad tjänst.
- Kvällar, nätter och helger svarar den allmänmedicinska beredskapsjouren för läkarkontakter.
- Ca {fmt.number(ds.fact('vc_besok').value)} besök på vårdcentralerna 2022; {fmt.number(ds.fact('patientnamnd_arenden').value)}
  ärenden till Patientnämnden, varav {fmt.number(ds.fact('patientnamnd_tillganglighet').value)} om tillgänglighet.
"""
    )
    ui.source_line(ds, "nyckeltal")
    st.info(
        "**Frågor till dialogen:** Vilka krav på öppettider ska gälla? Vilket utbud behövs under jourtid? "
        "Ska bemanningen följa Socialstyrelsens riktlinjer? *Vad är bäst för hallänningen?*",
        icon=":material/forum:",
    )

if ui.require(ds, "restid"):
    st.subheader("Restid till närmaste vårdcentral")
    fig, alt = view.travel_chart(ds)
    ui.chart(fig, alt)
    with st.expander("Visa siffrorna som tabell"):
        ui.table(view.travel_table(ds), alt="Mediantid i minuter till närmaste vårdcentral per område och färdsätt.")
    ui.source_line(ds, "restid", extra=ds.info["restid"].notes)
