"""Scenario: what the 80+ growth means per kommun, under assumptions a user can change.

The page draws widgets and renders; the model is naravard.scenario, the widget ↔
assumption mapping and all tables/figures are naravard.views.scenario.
"""

import streamlit as st

from naravard.export import scenario as scenario_export
from naravard import ui
from naravard.views import content
from naravard.model import scenario
from naravard.model.scenario import PARAMS
from naravard.store import StoreError
from naravard.views import scenario as view

ds = ui.dataset()
inputs = ui.scenario_inputs(ds)
codes = list(inputs.kommunkod)
names = dict(zip(inputs.kommunkod, inputs.kommun))
ui.scenario_state_init(inputs)
PRESETS = scenario.presets(inputs)

st.title("Scenario: äldre och primärvårdens kapacitet")
st.markdown(view.intro_sv(inputs))
for w in st.session_state.pop(ui.KEY_SC_WARNINGS, []):
    st.warning(w, icon=":material/link_off:")


def _param_slider(k: str, container=st) -> None:
    p = PARAMS[k]
    if p.is_share:
        container.slider(f"{p.label_sv} (%)", 0, 100, step=1, key=view.key(k), help=view.param_help(k, inputs))
    else:
        container.number_input(
            f"{p.label_sv}" + (f" ({p.unit_sv})" if p.unit_sv else ""),
            min_value=float(p.min),
            max_value=float(p.max),
            step=float(p.step),
            format=f"%.{p.decimals}f",
            key=view.key(k),
            help=view.param_help(k, inputs),
        )


# Controls that change rarely, and whose change must redraw other controls (a preset
# fills in every widget; the own forecast adds per-kommun inputs), sit outside the
# fragment: changing one reruns the whole page. The frequently moved sliders and the
# results sit inside it, so a slider step redraws only what it changes.
c1, c2 = st.columns([1.1, 2])
c1.selectbox(
    "Utgå från",
    options=list(PRESETS),
    key="nv_sc_ui_forval",
    on_change=lambda: ui.scenario_apply(PRESETS[st.session_state["nv_sc_ui_forval"]], inputs),
    help="Förval fyller i antagandena; du kan sedan ändra dem.",
)
c1.caption(scenario.preset_descriptions(inputs).get(st.session_state.get("nv_sc_ui_forval", "Som idag"), ""))
c2.radio(
    f"{PARAMS['prognos'].label_sv} i scenariot",
    options=[f.key for f in inputs.forecasts],
    format_func=inputs.forecast_label,
    key=view.key("prognos"),
    help=PARAMS["prognos"].source_sv,
)

with st.expander("Fler antaganden: platser, listning, läkare, vårdcentraler per kommun"):
    a1, a2, a3 = st.columns(3)
    _param_slider("sabo_platser_per_inskriven", a1)
    _param_slider("korttid_per_1000_80", a2)
    _param_slider("invanare_per_lakare", a3)
    st.checkbox(
        "Ett gemensamt mål för listade per vårdcentral i hela Halland (annars kommunens snitt idag)",
        key=view.KEY_MAL_ON,
    )
    if st.session_state.get(view.KEY_MAL_ON):
        _param_slider("listade_per_vc_mal")
    st.markdown("**Vårdcentraler och filialer som tillkommer (+) eller läggs ned (−)**")
    cols = st.columns(len(codes))
    for col, c in zip(cols, codes):
        col.number_input(f"VC {names[c]}", min_value=-100, max_value=100, step=1, key=view.key("vc_forandring", c))
        col.number_input(f"Filialer {names[c]}", min_value=-100, max_value=100, step=1, key=view.key("filial_forandring", c))
    if st.session_state.get(view.key("prognos")) == scenario.PROGNOS_EGEN:
        st.markdown(f"**Egen prognos: årlig förändring i procent** (förifyllt med takten {inputs.basar}–{inputs.reference_year} i {inputs.forecast_label(None)})")
        cols = st.columns(len(codes))
        for col, c in zip(cols, codes):
            col.number_input(f"Alla {names[c]} (%)", min_value=-20.0, max_value=20.0, step=0.1, format="%.2f", key=view.key("egen_tillvaxt_total", c))
            col.number_input(f"80+ {names[c]} (%)", min_value=-20.0, max_value=20.0, step=0.1, format="%.2f", key=view.key("egen_tillvaxt_80", c))


@st.fragment
def studio() -> None:
    """The main sliders and the results; a fragment, so a slider step reruns only this part.

    What it draws per step is kept small on purpose (a step's cost grows with every
    element redrawn): the headline, one view chosen with "Visa" (chart by default),
    and the notes. Exports and the vägval texts live outside and read the current
    assumptions when used.
    """
    c1, c2, c3 = st.columns(3)
    c1.slider(PARAMS["horisont"].label_sv, scenario.HORISONT_MIN, scenario.HORISONT_MAX, step=1, key=view.key("horisont"))
    _param_slider("andel_ordinart", c2)
    _param_slider("andel_sabo", c3)

    try:
        a = view.assumptions_from_state(st.session_state, codes, inputs)
    except scenario.AssumptionError as e:
        st.error(e.message_sv, icon=":material/error:")
        return
    res = scenario.run(inputs, a)
    ui.scenario_remember(a)
    view.remember_current(st.session_state, a)

    st.subheader(f"Resultat för {res.region_namn} {res.base_year} → {res.horizon}")
    items = view.headline_items(res, inputs)
    for row in (items[:4], items[4:]):
        cols = st.columns(4)
        for col, (label, value, delta, help_) in zip(cols, row):
            col.metric(label, value, delta=delta or None, delta_color="off", help=help_)
    st.markdown(view.gap_markdown(res))

    shown = st.segmented_control(
        "Visa",
        options=list(view.VIEWS),
        format_func=view.VIEWS.get,
        default=next(iter(view.VIEWS)),
        required=True,
        key=view.KEY_VIEW,
        help="Välj vad som visas under nyckeltalen. Alla vyer följer antagandena.",
    )
    if shown == "diagram":
        left, right = st.columns([2, 1])
        with left:
            out = st.selectbox(
                "Resultat per kommun",
                options=list(view.CHARTABLE),
                format_func=scenario.OUTPUT_LABELS_SV.get,
                key="nv_sc_ui_utdata",
            )
            fig, alt = view.kommun_chart(res, out)
            ui.chart(fig, alt, key="nv_sc_diagram")
            st.caption(f"**Så räknas det:** {scenario.formula(out, inputs, a)} Siffrorna: välj *Tabell per kommun* ovan.")
        with right:
            st.markdown("**Antaganden som gäller**\n\n" + view.assumptions_markdown(a, inputs))
    elif shown == "tabell":
        ui.text_table(view.kommun_table(res), alt=f"Resultat per kommun år {res.horizon}.")
    elif shown == "vagval":
        st.markdown(view.VAGVAL_VIEW_INTRO)
        ui.text_table(view.vagval_table(res), alt="Inskrivna i kommunal hälso- och sjukvård och korttidsplatser per kommun, basår och horisont.")
    else:
        ui.text_table(view.assumptions_display_sources(a, inputs), alt="Antagandena som gäller för resultaten, med källa.")
    with st.expander("Bra att veta om beräkningen", icon=":material/info:"):
        st.markdown("\n".join(f"- {n}" for n in res.notes_sv))


def _report(e: Exception) -> None:
    st.session_state.setdefault("nv_sc_ui_fel", []).append(getattr(e, "message_sv", "Åtgärden kunde inte utföras."))


# Store actions run as callbacks: they may set widget state (opening a scenario fills
# in the controls), which Streamlit allows only before the widgets are drawn.
def _save(store) -> None:
    try:
        saved = store.save(
            st.session_state.get("nv_sc_ui_namn", ""),
            st.session_state.get("nv_sc_ui_grupp", ""),
            st.session_state.get("nv_sc_ui_anteckning", ""),
            view.current(st.session_state).to_dict(),
        )
    except StoreError as e:
        st.session_state.setdefault("nv_sc_ui_fel_spara", []).append(e.message_sv)
    else:
        st.session_state["nv_sc_ui_sparat"] = f"Sparat som ”{saved.name}”."


def _open(store, scenario_id: int) -> None:
    try:
        ui.scenario_apply(view.assumptions_of(store.get(scenario_id)), inputs)
    except (StoreError, scenario.AssumptionError) as e:
        _report(e)


def _rename(store, scenario_id: int) -> None:
    try:
        store.rename(scenario_id, st.session_state.get("nv_sc_ui_nytt_namn", ""))
    except StoreError as e:
        _report(e)


def _delete(store, scenario_id: int) -> None:
    try:
        store.delete(scenario_id)
    except StoreError as e:
        _report(e)


studio()
# static, so outside the fragment (every element a slider step redraws costs browser time)
ui.source_line(ds, "utbud", "befolkning", "befolkning_alder", "nyckeltal", extra="Antaganden: reglagen ovan och vyn Antaganden och källor.")

# Exports sit outside the fragment; each file is built when its button is clicked,
# from the assumptions the fragment last used (a plain object in the session, read
# without Streamlit's script context, which a deferred download does not have).
st.subheader("Dela och exportera")
st.markdown("Länken i webbläsarens adressfält innehåller scenariots antaganden. Kopiera den för att dela scenariot med din grupp.")
current = view.current_holder(st.session_state)
sources = view.export_sources(ds)
e1, e2, e3 = st.columns(3)
e1.download_button(
    "Ladda ned Excel",
    data=lambda: scenario_export.excel_bytes(inputs, view.current(current), sources),
    file_name="naravard_scenario.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table:",
    on_click="ignore",
)
e2.download_button(
    "Ladda ned CSV (per kommun och år)",
    data=lambda: scenario_export.csv_bytes(inputs, view.current(current)),
    file_name="naravard_scenario.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
e3.download_button(
    "Ladda ned antagandena (CSV)",
    data=lambda: scenario_export.assumptions_csv_bytes(view.current(current), inputs),
    file_name="naravard_antaganden.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)

dialog = content.dialog(ds)
if dialog and dialog.options:
    st.subheader("Vägval för läkarinsatser till äldre")
    st.markdown(
        f"*{dialog.strategic_question}* Dialogunderlaget beskriver {len(dialog.options)} möjliga vägval. Verktyget visar dem "
        "neutralt. Scenariots siffror per kommun som berör dem: välj *Underlag för vägvalen* under Resultat."
    )
    cols = st.columns(len(dialog.options))
    for col, opt in zip(cols, dialog.options):
        with col.container(border=True):
            st.markdown(f"**{opt.title}**")
            st.markdown("\n".join(f"- {p}" for p in opt.points))
            st.caption(f"Berörs av: {opt.bearing}")
    if dialog.complements:
        st.markdown("**Möjliga komplement:** " + " ".join(dialog.complements))
    st.caption(dialog.lmh_status)
    ui.source_line(ds, "nyckeltal", extra=f"{content.citation(ds)}. {dialog.closing_question}")

with st.expander("Så räknas det – alla resultat"):
    ui.text_table(view.formulas_table(inputs), alt="Formler för varje resultat.")

st.divider()
st.subheader("Spara, öppna och jämför scenarier")
store = ui.scenario_store()
if store is not None:
    tab_save, tab_open, tab_compare = st.tabs(["Spara", "Sparade scenarier", "Jämför"])
    with tab_save:
        st.text_input("Namn på scenariot", max_chars=80, key="nv_sc_ui_namn")
        st.text_input("Grupp eller författare", max_chars=80, key="nv_sc_ui_grupp")
        st.text_area("Anteckning", max_chars=2000, key="nv_sc_ui_anteckning")
        st.button("Spara scenariot", icon=":material/save:", on_click=_save, args=(store,), key="nv_sc_ui_spara")
        if msg := st.session_state.pop("nv_sc_ui_sparat", None):
            st.success(msg)
        for msg in st.session_state.pop("nv_sc_ui_fel_spara", []):
            st.error(msg, icon=":material/error:")
    saved_list = []
    try:
        saved_list = store.list()
    except StoreError as e:
        st.error(e.message_sv, icon=":material/error:")
    with tab_open:
        if not saved_list:
            st.info("Inga sparade scenarier ännu.")
        else:
            ui.table(view.saved_display(saved_list), alt="Sparade scenarier med namn, grupp, anteckning och tid.")
            choice = st.selectbox(
                "Välj scenario",
                options=[s.id for s in saved_list],
                format_func=lambda i: view.saved_label(saved_list, i),
                key="nv_sc_ui_valt",
            )
            o1, o2, o3 = st.columns([1, 1.4, 1])
            o1.button("Öppna", icon=":material/open_in_new:", on_click=_open, args=(store, choice))
            o2.text_input("Nytt namn", key="nv_sc_ui_nytt_namn", label_visibility="collapsed", placeholder="Nytt namn")
            o2.button("Byt namn", icon=":material/edit:", on_click=_rename, args=(store, choice))
            o3.button("Ta bort", icon=":material/delete:", on_click=_delete, args=(store, choice))
            for msg in st.session_state.pop("nv_sc_ui_fel", []):
                st.error(msg, icon=":material/error:")
    with tab_compare:
        if not saved_list:
            st.info("Spara minst ett scenario för att kunna jämföra.")
        else:
            picked = st.multiselect(
                "Jämför det aktuella scenariot med (högst två)",
                options=[s.id for s in saved_list],
                format_func=lambda i: view.saved_label(saved_list, i),
                max_selections=2,
                key="nv_sc_ui_jamfor",
            )
            if picked:
                try:
                    results = view.compare_results(inputs, view.current(st.session_state), [store.get(i) for i in picked])
                except (StoreError, scenario.AssumptionError) as e:
                    st.error(e.message_sv, icon=":material/error:")
                else:
                    table, fig, alt = view.compare(results)
                    ui.table(table, alt="Jämförelse av nyckeltal mellan scenarierna.")
                    ui.chart(fig, alt, key="nv_sc_jamfor_diagram")
                    ui.source_line(ds, "utbud", "befolkning_alder", "nyckeltal")
