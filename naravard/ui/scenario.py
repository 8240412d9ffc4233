"""The Scenario page's sections: its state, controls, studio, exports and saved scenarios.

The page (pages/scenario.py) only lays these out. Every session key is a constant in
:mod:`naravard.ui.state`; the mapping between the controls' values and the model's
assumptions is :mod:`naravard.views.scenario` (pure, in field names); this module is
the glue that reads and writes the session.

The population forecast is the app's one choice (the sidebar's radio,
``KEY_VARIANT``): the scenario reads it, a preset, an opened scenario or "Återställ"
sets it. The own forecast ("Egen") is a scenario option that extends it, because only
the scenario can take per-kommun growth rates.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from naravard import fmt
from naravard.export import link as share
from naravard.export import scenario as scenario_export
from naravard.model import scenario
from naravard.model.scenario import PARAMS, Assumptions
from naravard.sources.dataset import Dataset
from naravard.store import MAX_SCENARIOS_PER_GROUP, PAGE_SIZE, StoreConflictError, StoreError, StoreNotFoundError
from naravard.ui import auth
from naravard.ui import geografi as geo
from naravard.ui.chrome import variant
from naravard.ui.state import (
    KEY_SC_CHART,
    KEY_SC_CHOSEN,
    KEY_SC_COMPARE,
    KEY_SC_COMPARE_CHART,
    KEY_SC_COMPARE_OUTPUT,
    KEY_SC_COPY,
    KEY_SC_CURRENT,
    KEY_SC_DELETE,
    KEY_SC_DELETE_CANCEL,
    KEY_SC_DELETE_CONFIRM,
    KEY_SC_DELETE_PENDING,
    KEY_SC_EDIT_NOTE,
    KEY_SC_EDIT_NOTE_FOR,
    KEY_SC_EDIT_NOTE_SAVE,
    KEY_SC_GROUP,
    KEY_SC_LAST_QUERY,
    KEY_SC_LAST_SAVE,
    KEY_SC_LIMIT,
    KEY_SC_LINK,
    KEY_SC_MESSAGES,
    KEY_SC_NAME,
    KEY_SC_NEW_NAME,
    KEY_SC_NOTE,
    KEY_SC_OPEN,
    KEY_SC_OUTPUT,
    KEY_SC_PAGE,
    KEY_SC_PAGE_NEXT,
    KEY_SC_PAGE_PREV,
    KEY_SC_PRESET,
    KEY_SC_RENAME,
    KEY_SC_RESET,
    KEY_SC_SAVE,
    KEY_SC_SEARCH,
    KEY_SC_UNDO,
    KEY_SC_UNDO_BUTTON,
    KEY_SC_VIEW,
    KEY_SC_WARNINGS,
    KEY_VARIANT,
    sc_key,
)
from naravard.ui.widgets import chart, metric, number_input, set_number, source_line, table, text_table
from naravard.views import scenario as view
from naravard.views import slides

# ------------------------------------------------------------------ state


def _set_fields(values: dict[str, Any], *, forecast: bool) -> None:
    """Write field values into the session; the forecast goes to the app's choice.

    Only a callback may set the forecast (``forecast=True``): during a run the
    sidebar's radio is already drawn, and Streamlit refuses to change a drawn widget.
    A shared link's forecast is therefore read by the sidebar itself
    (:func:`naravard.ui.chrome.sidebar`) before it draws the radio.
    """
    for f, v in values.items():
        if f == view.FORECAST:
            if forecast:
                st.session_state[KEY_VARIANT] = v
        else:
            set_number(sc_key(f), v)  # also drops a number input's stale text and error


def state_init(inputs, ignore: tuple[str, ...] = ()) -> None:
    """Fill the scenario's values before its controls are drawn.

    Order of precedence: the values this session already had (Streamlit forgets the
    state of widgets that were not drawn, e.g. after visiting another page, so a
    plain copy is kept), else the URL (a shared link), else the defaults. Bad URL
    values fall back to their defaults one by one, with a Swedish warning. ``ignore``:
    the calling page's own link keys (Presentera's slide list), not the scenario's.
    """
    codes = list(inputs.kommunkod)
    if KEY_SC_COPY in st.session_state:
        for k, v in st.session_state[KEY_SC_COPY].items():
            if k not in st.session_state:
                st.session_state[k] = v
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys() if k not in ignore}
    data_values = {k: d.value for k, d in inputs.data_defaults.items()}  # for the joint limits
    unit_ids, bounds = geo.link_context()  # the link's unit changes are checked against the register in use
    a, warnings = share.from_query(params, codes, [f.key for f in inputs.forecasts], data_values, unit_ids, bounds)
    st.session_state[KEY_SC_WARNINGS] = warnings
    geo.adopt_link_changes(a.enheter)
    _set_fields(view.state_from_assumptions(a, codes, inputs), forecast=False)


def apply(a: Assumptions, inputs) -> None:
    """Callback: show assumptions ``a`` in the controls (a preset, an opened scenario)."""
    _set_fields(view.state_from_assumptions(a, list(inputs.kommunkod), inputs), forecast=True)


def _apply_preset(inputs) -> None:
    apply(scenario.presets(inputs)[st.session_state[KEY_SC_PRESET]], inputs)


def _reset(inputs) -> None:
    """Callback for "Återställ": every assumption to its default, the own forecast off.
    The published forecast stays the app's choice (the sidebar's)."""
    apply(Assumptions(prognos=variant()), inputs)
    st.session_state[KEY_SC_PRESET] = next(iter(scenario.presets(inputs)))


def values(codes: list[str]) -> dict[str, Any]:
    """The scenario's field values in the session, plus the app's forecast."""
    out = {f: st.session_state[sc_key(f)] for f in view.fields(codes) if sc_key(f) in st.session_state}
    out[view.FORECAST] = variant()
    return out


def remember(a: Assumptions, codes: list[str], *, url: bool = True) -> None:
    """Keep a copy of the scenario's values (exactly its fields, so the copy never
    holds itself) and put the assumptions in the URL (``url=False``: a page whose URL
    holds more than the scenario, Presentera, keeps its own)."""
    st.session_state[KEY_SC_COPY] = {
        sc_key(f): st.session_state[sc_key(f)] for f in view.fields(codes) if sc_key(f) in st.session_state
    }
    q = share.to_query(a)
    if url and st.session_state.get(KEY_SC_LAST_QUERY) != q:
        st.query_params.from_dict(q)
        st.session_state[KEY_SC_LAST_QUERY] = q
    holder().assumptions = a


def holder() -> view.CurrentScenario:
    """The session's box with the assumptions the studio last used (see CurrentScenario)."""
    box = st.session_state.get(KEY_SC_CURRENT)
    if not isinstance(box, view.CurrentScenario):
        box = view.CurrentScenario()
        st.session_state[KEY_SC_CURRENT] = box
    return box


def warnings() -> None:
    for w in st.session_state.pop(KEY_SC_WARNINGS, []):
        st.warning(w, icon=":material/link_off:")


# ------------------------------------------------------------------ controls


def _joint_checked(k: str, inputs) -> None:
    """Callback of a control whose param is in a joint limit (the 80+ shares): a value
    that breaks the limit together with the others (set, or the data's) is put back
    to the last value the studio ran with, and the reason is kept for the studio to
    show. Each share's own range is the slider's; only the sum is checked here."""
    codes = list(inputs.kommunkod)
    try:
        scenario.resolve(inputs, view.assumptions_from_state(values(codes), codes, inputs))
    except scenario.AssumptionError as e:
        last = st.session_state.get(KEY_SC_COPY, {}).get(sc_key(k))
        if last is None:  # no run yet (cannot happen after the first draw): the control's minimum
            last = int(PARAMS[k].min * PARAMS[k].scale)
        st.session_state[sc_key(k)] = last
        st.session_state[KEY_SC_LIMIT] = (
            f"{e.message_sv} {PARAMS[k].label_sv} står kvar på {fmt.plain(fmt.percent(last, 0))}."
        )


def _in_joint_limit(k: str) -> bool:
    return any(k in lim.keys for lim in scenario.JOINT_LIMITS)


def _param_input(k: str, inputs, container=None) -> None:
    """The control for one scalar assumption, built from its Param; its help names
    where the default comes from (the data's computed value, e.g. a calibrated share).
    A param in a joint limit is checked on change (:func:`_joint_checked`)."""
    p = PARAMS[k]
    box = container if container is not None else st
    help_ = view.param_help(k, inputs)
    if p.is_share:
        joint = {"on_change": _joint_checked, "args": (k, inputs)} if _in_joint_limit(k) else {}
        box.slider(f"{p.label_sv} (%)", 0, 100, step=1, key=sc_key(k), help=help_, **joint)
    else:
        number_input(
            view.param_label(k, inputs),
            key=sc_key(k),
            min_value=float(p.min),
            max_value=float(p.max),
            decimals=p.decimals,
            help=help_,
            container=box,
        )


def _kommun_inputs(param: str, codes: list[str], names: dict[str, str], label: str, signed: bool) -> None:
    p = PARAMS[param]
    for col, c in zip(st.columns(len(codes)), codes):
        number_input(
            label.format(kommun=names[c]),
            key=sc_key(view.field(param, c)),
            min_value=float(p.min),
            max_value=float(p.max),
            decimals=p.decimals,
            signed=signed,
            container=col,
        )


def controls(ds: Dataset, inputs) -> None:
    """Controls that change rarely, and whose change must redraw other controls (a
    preset fills in every control; the own forecast adds per-kommun inputs): outside
    the studio fragment, so changing one reruns the whole page."""
    codes = list(inputs.kommunkod)
    names = dict(zip(inputs.kommunkod, inputs.kommun))
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    c1.selectbox(
        "Utgå från",
        options=list(scenario.presets(inputs)),
        key=KEY_SC_PRESET,
        on_change=_apply_preset,
        args=(inputs,),
        help="Förval fyller i antagandena; du kan sedan ändra dem.",
    )
    c2.button(
        "Återställ",
        key=KEY_SC_RESET,
        icon=":material/restart_alt:",
        on_click=_reset,
        args=(inputs,),
        help="Alla antaganden till standardvärdena. Befolkningsprognosen väljs i sidopanelen och behålls.",
    )
    st.caption(scenario.preset_descriptions(inputs).get(st.session_state.get(KEY_SC_PRESET, ""), ""))
    egen = bool(st.session_state.get(sc_key(view.EGEN)))
    forecast = "en egen prognos (nedan)" if egen else f"prognosen i sidopanelen: {inputs.forecast_label(variant())}"
    st.markdown(f"Scenariot räknar med {forecast}.")

    with st.expander("Fler antaganden: platser, listning, läkare, vårdcentraler, egen prognos"):
        a1, a2, a3 = st.columns(3)
        _param_input("sabo_platser_per_inskriven", inputs, a1)
        _param_input("korttid_per_1000_80", inputs, a2)
        _param_input("invanare_per_lakare", inputs, a3)
        st.checkbox(
            f"Ett gemensamt mål för listade per vårdcentral i hela {ds.region.kort_namn} (annars kommunens snitt idag)",
            key=sc_key(view.MAL_ON),
        )
        if st.session_state.get(sc_key(view.MAL_ON)):
            _param_input("listade_per_vc_mal", inputs)
        st.markdown("**Vårdcentraler och filialer som tillkommer (+) eller läggs ned (−)**")
        _kommun_inputs("vc_forandring", codes, names, "VC {kommun}", signed=True)
        _kommun_inputs("filial_forandring", codes, names, "Filialer {kommun}", signed=True)
        st.checkbox(
            "Egen prognos: ange befolkningens årliga förändring per kommun (i stället för prognosen i sidopanelen)",
            key=sc_key(view.EGEN),
            help=PARAMS["egen_tillvaxt_total"].source_sv,
        )
        if egen:
            st.markdown(
                f"**Egen prognos: årlig förändring i procent** (förifyllt med takten {inputs.basar}–"
                f"{inputs.reference_year} i {inputs.forecast_label(None)})"
            )
            _kommun_inputs("egen_tillvaxt_total", codes, names, "Alla {kommun} (%)", signed=True)
            _kommun_inputs("egen_tillvaxt_80", codes, names, "80+ {kommun} (%)", signed=True)


# ------------------------------------------------------------------ studio


def _link(a: Assumptions) -> None:
    """The shareable link as text, with Streamlit's copy icon (no clipboard permission
    needed to read or select it)."""
    base = st.context.url
    query = share.to_query_string(a)
    if base:
        st.code(f"{base}?{query}", language=None, wrap_lines=True)
        st.caption("Markera länken och kopiera den, eller använd kopieringsikonen till höger.")
    else:
        st.code(f"?{query}", language=None, wrap_lines=True)
        st.caption("Lägg till texten efter sidans adress.")


@st.fragment
def studio(inputs) -> None:
    """The main sliders and the results; a fragment, so a slider step reruns only this part.

    What it draws per step is kept small on purpose (a step's cost grows with every
    element redrawn): the headline, one view chosen with "Visa" (chart by default),
    and the notes. "Kopiera länk" is a toggle in here, so the link it shows follows
    every step and is never stale; off (the default), it costs no element per step.
    """
    codes = list(inputs.kommunkod)
    c1, c2, c3 = st.columns(3)
    c1.slider(PARAMS["horisont"].label_sv, scenario.HORISONT_MIN, scenario.HORISONT_MAX, step=1, key=sc_key("horisont"))
    _param_input("andel_ordinart", inputs, c2)
    _param_input("andel_sabo", inputs, c3)
    if (limit := st.session_state.pop(KEY_SC_LIMIT, None)) is not None:
        st.warning(limit, icon=":material/block:")

    try:
        a = view.assumptions_from_state(values(codes), codes, inputs).replace(enheter=geo.changes())
        res = scenario.run(inputs, a)  # raises for values that break a limit with the data's
    except scenario.AssumptionError as e:
        st.error(e.message_sv, icon=":material/error:")
        return
    remember(a, codes)

    st.subheader(f"Resultat för {res.region_namn} {res.base_year} → {res.horizon}")
    items = view.headline_items(res, inputs)
    for row in (items[:4], items[4:]):
        cols = st.columns(4)
        for col, (label, value, delta, help_) in zip(cols, row):
            metric(col, label, value, delta, help_)
    st.markdown(view.gap_markdown(res))
    if a.enheter:
        st.caption(geo.scenario_note(a.enheter))

    shown = st.segmented_control(
        "Visa",
        options=list(view.VIEWS),
        format_func=view.VIEWS.get,
        default=next(iter(view.VIEWS)),
        required=True,
        key=KEY_SC_VIEW,
        help="Välj vad som visas under nyckeltalen. Alla vyer följer antagandena.",
    )
    if shown == "diagram":
        left, right = st.columns([2, 1])
        with left:
            out = st.selectbox(
                "Resultat per kommun",
                options=list(view.CHARTABLE),
                format_func=scenario.OUTPUT_LABELS_SV.get,
                key=KEY_SC_OUTPUT,
            )
            fig, alt = view.kommun_chart(res, out)
            chart(fig, alt, key=KEY_SC_CHART)
            st.caption(f"**Så räknas det:** {scenario.formula(out, inputs, a)} Siffrorna: välj *Tabell per kommun* ovan.")
        with right:
            st.markdown("**Antaganden som gäller**\n\n" + view.assumptions_markdown(a, inputs))
    elif shown == "tabell":
        text_table(view.kommun_table(res), alt=f"Resultat per kommun år {res.horizon}.")
    elif shown == "vagval":
        st.markdown(view.VAGVAL_VIEW_INTRO)
        text_table(view.vagval_table(res), alt="Inskrivna i kommunal hälso- och sjukvård och korttidsplatser per kommun, basår och horisont.")
    else:
        text_table(view.assumptions_display_sources(a, inputs), alt="Antagandena som gäller för resultaten, med källa.")
    with st.expander("Bra att veta om beräkningen", icon=":material/info:"):
        st.markdown("\n".join(f"- {n}" for n in res.notes_sv))
    if st.toggle("Kopiera länk", key=KEY_SC_LINK, help="Visar länken till scenariot som text, att kopiera och dela."):
        _link(a)


# ------------------------------------------------------------------ exports


def scenario_name(a: Assumptions) -> str:
    """The scenario's name for the handouts: "" for the defaults, else the name the
    person gave it on the Scenario page, else a plain label."""
    if set(share.to_query(a)) <= {share.VERSION_KEY, share.QUERY_KEYS["prognos"]}:
        return ""
    name = st.session_state.get(KEY_SC_NAME)
    return name.strip() if isinstance(name, str) and name.strip() else "Eget scenario (se antagandena)"




def exports(ds: Dataset, inputs) -> None:
    """Download buttons outside the fragment; each file is built when its button is
    clicked, from the assumptions the studio last used (a plain object in the
    session, read without Streamlit's script context, which a deferred download does
    not have)."""
    box = holder()
    sources = view.export_sources(ds)
    # What every export carries (date, data versions, forecast, scenario name), read
    # here in the script's context; the date is the click's (the lambdas run later).
    a_now = view.current(box)
    name, forecast = scenario_name(a_now), a_now.prognos or variant(ds)
    meta = lambda: slides.handout_meta(ds, forecast, name)  # noqa: E731
    e1, e2, e3 = st.columns(3)
    e1.download_button(
        "Ladda ned Excel",
        data=lambda: scenario_export.excel_bytes(inputs, view.current(box), sources, meta()),
        file_name="naravard_scenario.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table:",
        on_click="ignore",
    )
    e2.download_button(
        "Ladda ned CSV (per kommun och år)",
        data=lambda: scenario_export.csv_bytes(inputs, view.current(box), meta()),
        file_name="naravard_scenario.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    e3.download_button(
        "Ladda ned antagandena (CSV)",
        data=lambda: scenario_export.assumptions_csv_bytes(view.current(box), inputs, meta()),
        file_name="naravard_antaganden.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


# ------------------------------------------------------------------ saved scenarios
# Store actions run as callbacks: they may set widget state (opening a scenario fills
# in the controls), which Streamlit allows only before the widgets are drawn. Their
# outcome is a (kind, Swedish text) message shown on the next run.
#
# Everything a person typed (names, groups, notes, the search) is stored text: it is
# shown as text in every place. Pickers show their options as plain text; whatever
# Streamlit renders as Markdown (messages, st.table cells and headers, captions) gets
# it escaped (fmt.markdown_escape / fmt.as_text); the comparison chart's labels are
# escaped for Plotly (views.scenario.compare).


def _say(kind: str, text: str) -> None:
    """Queue a message for the next run, once: quick repeated clicks (each a run with
    its callback) must not pile up the same message."""
    queue = st.session_state.setdefault(KEY_SC_MESSAGES, [])
    if (kind, text) not in queue:
        queue.append((kind, text))


def _saved_text(saved, again: bool = False) -> str:
    where = f" i gruppen ”{saved.group}”" if saved.group else ""
    if again:
        return f"Redan sparat som ”{saved.name}”{where}: inget har ändrats sedan dess."
    return f"Sparat som ”{saved.name}”{where}."


def _save(store) -> None:
    """Callback of "Spara scenariot", idempotent per click: a click that would save
    exactly what this session's last click saved (same name, group, note and
    assumptions, the row still there) is the same save, so 20 quick clicks make one
    row and say "Sparat som …" / "Redan sparat som …", not 19 times "finns redan".
    A changed scenario under a taken name is still refused. After saving, the row is
    read back, so a save into a store that cannot be read never reports success alone."""
    name = st.session_state.get(KEY_SC_NAME, "")
    group = st.session_state.get(KEY_SC_GROUP, "")
    note = st.session_state.get(KEY_SC_NOTE, "")
    payload = view.current(holder()).to_dict()
    what = view.save_fingerprint(name, group, note, payload)
    last = st.session_state.get(KEY_SC_LAST_SAVE)
    if last is not None and last[0] == what:
        try:
            before = store.get(last[1])
        except StoreNotFoundError:
            before = None  # deleted since: save it again
        except StoreError as e:
            _say("error", e.message_sv)
            return
        if before is not None and (before.name, before.group) == (name.strip(), group.strip()):
            _say("success", _saved_text(before, again=True))
            return
    try:
        saved = store.save(name, group, note, payload)
    except StoreError as e:
        _say("error", e.message_sv)
        return
    st.session_state[KEY_SC_LAST_SAVE] = (what, saved.id)
    st.session_state[KEY_SC_PAGE] = 0  # newest first: the new one is on the first page
    try:
        store.get(saved.id)
    except StoreError as e:
        _say("error", "Scenariot sparades, men det går inte att läsa tillbaka det: " + e.message_sv)
        return
    _say("success", _saved_text(saved))


def _open(store, inputs, scenario_id: int) -> None:
    try:
        s = store.get(scenario_id)
        a = view.assumptions_of(s)
        apply(a, inputs)
        geo.set_changes(a.enheter)  # the unit changes are the Geografi page's (ui.geografi)
    except (StoreError, scenario.AssumptionError) as e:
        _say("error", e.message_sv)
    else:
        _say("success", f"”{s.name}” är öppnat: reglagen visar dess antaganden.")


RELOADED_SV = "Listan och anteckningen visar nu scenariot som det är sparat."


def _conflict(e: StoreConflictError) -> None:
    """A stale edit: the store's message says that someone else changed the scenario
    and that nothing was written. The list is read again on the next run, and the
    note field is filled from the scenario as it is now (its version moved on)."""
    _say("warning", f"{e.message_sv} {RELOADED_SV}")


def _versioned_edit(edit, scenario_id: int, value: str, version: int | None, success) -> None:
    """One edit of a saved scenario that names the ``version`` the list showed, so a
    scenario renamed or re-noted by someone else since is not overwritten (the store
    refuses; :func:`_conflict` says so). ``success`` makes the message from the row."""
    try:
        s = edit(scenario_id, value, expected_version=version)
    except StoreConflictError as e:
        _conflict(e)
    except StoreError as e:
        _say("error", e.message_sv)
    else:
        _say("success", success(s))


def _rename(store, scenario_id: int, version: int | None = None) -> None:
    """Callback of "Byt namn"."""
    _versioned_edit(store.rename, scenario_id, st.session_state.get(KEY_SC_NEW_NAME, ""), version,
                    lambda s: f"Namnet är nu ”{s.name}”.")


def _edit_note(store, scenario_id: int, version: int | None = None) -> None:
    """Callback of "Spara anteckningen"."""
    _versioned_edit(store.update_note, scenario_id, st.session_state.get(KEY_SC_EDIT_NOTE, ""), version,
                    lambda s: f"Anteckningen till ”{s.name}” är sparad.")


def _ask_delete(scenario_id: int) -> None:
    st.session_state[KEY_SC_DELETE_PENDING] = scenario_id


def _cancel_delete() -> None:
    st.session_state.pop(KEY_SC_DELETE_PENDING, None)


def _delete(store, scenario_id: int, label: str) -> None:
    st.session_state.pop(KEY_SC_DELETE_PENDING, None)
    try:
        store.delete(scenario_id)
    except StoreError as e:
        _say("error", e.message_sv)
    else:
        st.session_state[KEY_SC_UNDO] = (scenario_id, label)


def _undo(store) -> None:
    scenario_id, label = st.session_state.pop(KEY_SC_UNDO)
    try:
        store.restore(scenario_id)
    except StoreError as e:
        _say("error", e.message_sv)
    else:
        _say("success", f"”{label}” är tillbaka.")


_MESSAGE_BOX = {"success": (st.success, ":material/check_circle:"), "warning": (st.warning, ":material/warning:"),
                "info": (st.info, ":material/info:")}


def _messages() -> None:
    """The store callbacks' messages. They quote names people typed, and Streamlit
    renders these boxes as Markdown, so every message is escaped (a name is shown as
    written, never as a link or emphasis)."""
    for kind, text in st.session_state.pop(KEY_SC_MESSAGES, []):
        box, icon = _MESSAGE_BOX.get(kind, (st.error, ":material/error:"))
        box(fmt.markdown_escape(text), icon=icon)


def _first_page() -> None:
    st.session_state[KEY_SC_PAGE] = 0


def _turn(step: int) -> None:
    st.session_state[KEY_SC_PAGE] = max(0, int(st.session_state.get(KEY_SC_PAGE, 0)) + step)


def _read_page(store):
    """The page of the saved list this session is on (one query of at most PAGE_SIZE
    rows: the page never sends the whole list), or the store's Swedish error."""
    search = st.session_state.get(KEY_SC_SEARCH, "")
    number = max(0, int(st.session_state.get(KEY_SC_PAGE, 0)))
    try:
        page = store.page(search, number * PAGE_SIZE, PAGE_SIZE)
        if number and page.offset >= page.total:  # the list shrank under this page
            number = max(0, (page.total - 1) // PAGE_SIZE)
            st.session_state[KEY_SC_PAGE] = number
            page = store.page(search, number * PAGE_SIZE, PAGE_SIZE)
    except StoreError as e:
        return None, e.message_sv
    return page, ""


def _unreadable_box(error: str) -> None:
    """The store could not be read: say so (never "none yet", which would be false)."""
    st.error(fmt.markdown_escape(f"Sparade scenarier kunde inte läsas. {error}"), icon=":material/error:")


def deleted_section() -> None:
    """What the person's groups deleted, to restore later: deletes are soft, and the
    owning group (or an admin) may restore them. Right after a delete, "Ångra" above
    does the same; this is for the day after. The same section as the Grupper page's,
    and the store lists only the groups the person may restore."""
    from naravard.ui import admin

    store = auth.bound_store()
    if store is None:
        return
    with st.expander("Borttaget i gruppen: återställ", icon=":material/restore_from_trash:"):
        admin.messages()
        admin.deleted_section(store)


def saved_section(ds: Dataset, inputs) -> None:
    """Save, open, rename, delete (with confirmation and undo), search, page and compare."""
    store = auth.bound_store()
    if store is None:
        return
    # One container, always drawn, holds the messages: the tabs below keep their place
    # in the page, so Streamlit keeps the tab the person was on (a message drawn above
    # them only sometimes would move them and reset the choice to the first tab).
    with st.container():
        _messages()
        if undo := st.session_state.get(KEY_SC_UNDO):
            u1, u2 = st.columns([3, 1], vertical_alignment="center")
            u1.info(fmt.markdown_escape(f"”{undo[1]}” är borttaget."), icon=":material/delete:")
            u2.button("Ångra", key=KEY_SC_UNDO_BUTTON, icon=":material/undo:", on_click=_undo, args=(store,))
    page, error = _read_page(store)
    items = page.items if page is not None else []
    options = view.saved_options(items)
    tab_save, tab_open, tab_compare = st.tabs(["Spara", "Sparade scenarier", "Jämför"])
    with tab_save:
        if getattr(store, "read_only", False):
            st.info("Sparade scenarier är skrivskyddade här: de går att öppna och jämföra, men inte att ändra.", icon=":material/lock:")
        st.text_input("Namn på scenariot", max_chars=80, key=KEY_SC_NAME, help="Namnet måste vara unikt inom gruppen.")
        auth.group_input("Grupp" if auth.mode() == "groups" else "Grupp eller författare", KEY_SC_GROUP)
        st.text_area("Anteckning", max_chars=2000, key=KEY_SC_NOTE)
        st.button("Spara scenariot", icon=":material/save:", on_click=_save, args=(store,), key=KEY_SC_SAVE)
        st.caption(f"Varje grupp kan ha högst {fmt.number(MAX_SCENARIOS_PER_GROUP)} sparade scenarier.")
    with tab_open:
        if error:
            _unreadable_box(error)
        else:
            _saved_list(store, inputs, page, options)
    with tab_compare:
        if error:
            _unreadable_box(error)
        elif not options and not st.session_state.get(KEY_SC_COMPARE):
            if st.session_state.get(KEY_SC_SEARCH):
                st.info("Inga sparade scenarier matchar sökningen under Sparade scenarier.")
            else:
                st.info("Spara minst ett scenario för att kunna jämföra.")
        else:
            _compare(ds, inputs, store, options)


def _saved_list(store, inputs, page, options: dict[int, str]) -> None:
    """The "Sparade scenarier" tab: search, one page of the list and its actions."""
    search = st.session_state.get(KEY_SC_SEARCH, "")
    if page.total or search:
        st.text_input(
            "Sök bland sparade scenarier",
            key=KEY_SC_SEARCH,
            on_change=_first_page,
            placeholder="Namn eller grupp",
            help="Visar de scenarier vars namn eller grupp innehåller texten (stora och små bokstäver lika).",
        )
    if page.unreadable:
        st.warning(view.unreadable_sv(page.unreadable), icon=":material/warning:")
    if not page.items:
        st.info(fmt.markdown_escape(view.page_caption(page.offset, 0, page.total, search)))
        return
    table(view.saved_display(page.items), alt="Sparade scenarier med namn, grupp, anteckning och tid.")
    pages = max(1, -(-page.total // PAGE_SIZE))
    number = page.offset // PAGE_SIZE
    p1, p2, p3 = st.columns([1, 3, 1], vertical_alignment="center")
    p1.button("Föregående", key=KEY_SC_PAGE_PREV, icon=":material/chevron_left:", on_click=_turn, args=(-1,), disabled=number == 0)
    p2.caption(fmt.markdown_escape(view.page_caption(page.offset, len(page.items) + page.unreadable, page.total, search)))
    p3.button("Nästa", key=KEY_SC_PAGE_NEXT, icon=":material/chevron_right:", on_click=_turn, args=(1,), disabled=number + 1 >= pages)
    if st.session_state.get(KEY_SC_CHOSEN) not in options:
        st.session_state.pop(KEY_SC_CHOSEN, None)  # chosen on another page or search
    choice = st.selectbox("Välj scenario", options=list(options), format_func=options.get, key=KEY_SC_CHOSEN)
    o1, o2, o3 = st.columns([1, 1.4, 1])
    o1.button("Öppna", key=KEY_SC_OPEN, icon=":material/open_in_new:", on_click=_open, args=(store, inputs, choice))
    o2.text_input("Nytt namn", key=KEY_SC_NEW_NAME, label_visibility="collapsed", placeholder="Nytt namn")
    shown = next((s for s in page.items if s.id == choice), None)
    version = shown.version if shown is not None else None
    o2.button("Byt namn", key=KEY_SC_RENAME, icon=":material/edit:", on_click=_rename, args=(store, choice, version))
    o3.button("Ta bort", key=KEY_SC_DELETE, icon=":material/delete:", on_click=_ask_delete, args=(choice,))
    pending = st.session_state.get(KEY_SC_DELETE_PENDING)
    if pending in options:
        with st.container(border=True):
            st.warning(
                fmt.markdown_escape(f"Vill du ta bort ”{options[pending]}”? Det gäller {auth.shared_with_sv()}."),
                icon=":material/warning:",
            )
            d1, d2 = st.columns(2)
            d1.button("Ja, ta bort", key=KEY_SC_DELETE_CONFIRM, type="primary", on_click=_delete, args=(store, pending, options[pending]))
            d2.button("Avbryt", key=KEY_SC_DELETE_CANCEL, on_click=_cancel_delete)
    if shown is not None:
        _note_editor(store, shown)


def _note_editor(store, shown) -> None:
    """Edit the chosen scenario's note. The field is filled from the scenario whenever
    another scenario, or a newer version of it, is chosen."""
    if st.session_state.get(KEY_SC_EDIT_NOTE_FOR) != (shown.id, shown.version):
        st.session_state[KEY_SC_EDIT_NOTE] = shown.note
        st.session_state[KEY_SC_EDIT_NOTE_FOR] = (shown.id, shown.version)
    with st.expander("Ändra anteckningen"):
        st.text_area("Anteckning till det valda scenariot", max_chars=2000, key=KEY_SC_EDIT_NOTE)
        st.button("Spara anteckningen", key=KEY_SC_EDIT_NOTE_SAVE, icon=":material/edit_note:",
                  on_click=_edit_note, args=(store, shown.id, shown.version))


def _compare(ds: Dataset, inputs, store, options: dict[int, str]) -> None:
    """The Jämför tab: pick from the saved list's current page (search and page it on
    "Sparade scenarier"); scenarios already picked stay available on any page."""
    options = dict(options)
    kept = []
    for i in st.session_state.get(KEY_SC_COMPARE, []) or []:
        if i in options:
            kept.append(i)
            continue
        try:
            options[i] = view.label_of(store.get(i))
            kept.append(i)
        except StoreError:
            pass  # deleted or damaged since it was picked
    st.session_state[KEY_SC_COMPARE] = kept
    picked = st.multiselect(
        "Jämför det aktuella scenariot med (högst två)",
        options=list(options),
        format_func=options.get,
        max_selections=2,
        key=KEY_SC_COMPARE,
        help="Listan visar scenarierna på den sida av Sparade scenarier som är vald; sök där för att hitta fler.",
    )
    if not picked:
        return
    try:
        results = view.compare_results(inputs, view.current(holder()), [store.get(i) for i in picked])
    except (StoreError, scenario.AssumptionError) as e:
        st.error(fmt.markdown_escape(e.message_sv), icon=":material/error:")
        return
    tbl, fig, alt = view.compare(results)
    table(tbl, alt="Jämförelse av nyckeltal mellan scenarierna.")
    chart(fig, alt, key=KEY_SC_COMPARE_CHART)
    out = st.selectbox(
        "Per kommun",
        options=list(view.COMPARE_KOMMUN_OUTPUTS),
        format_func=scenario.OUTPUT_LABELS_SV.get,
        key=KEY_SC_COMPARE_OUTPUT,
    )
    table(
        view.compare_output_per_kommun(results, out),
        alt=f"{scenario.OUTPUT_LABELS_SV[out]} per kommun i scenarierna, med skillnaden mot det aktuella.",
    )
    source_line(ds, "utbud", "befolkning_alder", "nyckeltal")


# ------------------------------------------------------------------ static sections


def vagval(ds: Dataset, inputs) -> None:
    """The deck's strategic options for physicians' work with the elderly, shown
    neutrally; the texts come from the data dir (``dialog.toml``), not from code."""
    from naravard.views import content

    dialog = content.dialog(ds)
    if dialog and dialog.options:
        st.subheader("Vägval för läkarinsatser till äldre")
        st.markdown(
            f"*{dialog.strategic_question}* Dialogunderlaget beskriver {len(dialog.options)} möjliga vägval. "
            "Verktyget visar dem neutralt. Scenariots siffror per kommun som berör dem: välj *Underlag för "
            "vägvalen* under Resultat."
        )
        for col, opt in zip(st.columns(len(dialog.options)), dialog.options):
            with col.container(border=True):
                st.markdown(f"**{opt.title}**")
                st.markdown("\n".join(f"- {p}" for p in opt.points))
                st.caption(f"Berörs av: {opt.bearing}")
        if dialog.complements:
            st.markdown("**Möjliga komplement:** " + " ".join(dialog.complements))
        st.caption(dialog.lmh_status)
        source_line(ds, "nyckeltal", extra=f"{content.citation(ds)}. {dialog.closing_question}")
    with st.expander("Så räknas det – alla resultat"):
        text_table(view.formulas_table(inputs), alt="Formler för varje resultat.")


def intro(inputs) -> str:
    """The page's opening sentence, from the data in use; a Swedish fallback if the
    model cannot run on the defaults (another region's data without a horizon)."""
    try:
        return view.intro_sv(inputs)
    except scenario.AssumptionError as e:
        return e.message_sv
