"""Översikt: headline figures, the per-kommun table and a map."""

import streamlit as st

from naravard.views import oversikt as oversikt_view
from naravard import fmt, ui
from naravard.model import supply as overview
from naravard.model import population

ds = ui.dataset()
variant = ui.variant()

st.title("Primärvården i Halland – översikt")
st.markdown(
    "Hur många vårdcentraler och filialer finns, hur många är listade per vårdcentral "
    "och hur växer befolkningen? Siffrorna kommer från dialogunderlaget *Information och dialog "
    "om framtidens primärvård* och officiell statistik."
)

if ui.require(ds, "nyckeltal", "utbud", "befolkning", "befolkning_alder"):
    now, later = population.headline_population(ds, variant)
    old_now, old_later = population.pop80_headline(ds, variant)
    c = st.columns(4)
    c[0].metric(
        f"Invånare {now.year}",
        fmt.number(now.value, approx=now.approximate),
        help=f"Prognos: {population.forecasts(ds)[variant].label_sv}",
    )
    c[1].metric(
        f"Invånare {later.year} (prognos)",
        fmt.number(later.value, approx=later.approximate),
        delta=fmt.number(later.value - now.value, signed=True, approx=later.approximate),
        delta_color="off",
        help=f"Prognos: {population.forecasts(ds)[variant].label_sv}",
    )
    c[2].metric(
        f"80 år och äldre {old_now.year} → {old_later.year}",
        f"{fmt.number(old_now.value, approx=old_now.approximate)} → {fmt.number(old_later.value, approx=old_later.approximate)}",
        delta=fmt.percent(100 * (old_later.value / old_now.value - 1), 0, signed=True),
        delta_color="off",
        help=population.pop80_note_sv(ds),
    )
    supply = overview.supply_headline(ds)
    c[3].metric("Vårdcentraler / filialer", f"{fmt.number(supply.vardcentraler)} / {fmt.number(supply.filialer)}")
    c = st.columns(4)
    c[0].metric(
        "Snitt listade per vårdcentral",
        fmt.number(supply.listade_per_vc, approx=supply.approximate),
        help=overview.listade_per_vc_note_sv(ds),
    )
    c[1].metric("Längsta avstånd till vårdcentral", f"{fmt.number(ds.fact('max_avstand_vc_km').value)}\u00a0km")
    c[2].metric("Längsta avstånd till filial", f"{fmt.number(ds.fact('max_avstand_filial_km').value)}\u00a0km")
    c[3].metric("Besök på vårdcentralerna 2022", fmt.number(ds.fact("vc_besok").value, approx=True))
    ui.source_line(
        ds,
        "nyckeltal",
        "utbud",
        *(["befolkning"] if variant == "RH2026" else []),
        extra=population.pop80_note_sv(ds),
    )

    st.subheader("Per kommun")
    ui.table(
        oversikt_view.kommun_display(ds, variant),
        alt="Tabell per kommun: vårdcentraler, filialer, snitt listade per vårdcentral, invånare, "
        "förändring till 2030 och invånare per vårdcentral.",
    )
    ui.source_line(
        ds,
        "utbud",
        *(["befolkning"] if variant == "RH2026" else []),
        extra="Invånare per VC = invånare / antal vårdcentraler. Listade kan bo i en annan kommun.",
    )
    ui.map_section(ds, variant)
