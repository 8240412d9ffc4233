"""The Dialog page's sections: the theme picker, the deck's options beside the figures,
the group's answer form per question, the group's saved answers and the summary export.

Store actions run as callbacks (they set the form's fields, which Streamlit allows only
before the widgets are drawn); their outcome is a (kind, Swedish text) message shown on
the next run. Each question's form remembers which saved answer and version it was
filled from (``dlg_key(theme, i, "laddat")``): saving edits that version, so an answer
changed by someone else in between is refused with a message and the text typed here
stays in the form (nothing is overwritten, nothing is lost). A form is filled from the
store only when it is first shown for a group, or on "Läs in det sparade svaret".

Everything a person typed (group, author, position, notes) is stored text: the form
shows it in text fields, and every place Streamlit renders as Markdown (messages, table
cells, captions) gets it escaped.
"""

from __future__ import annotations

import re
from typing import Sequence

import pandas as pd
import streamlit as st

from naravard import fmt
from naravard.sources.dataset import Dataset
from naravard.store import MAX_ANSWER_NOTES_CHARS, SavedAnswer, StoreError, StoreNotFoundError
from naravard.ui import auth
from naravard.ui.cache import scenario_inputs
from naravard.ui.state import (
    KEY_DLG_AUTHOR,
    KEY_DLG_EXPORT,
    KEY_DLG_EXPORT_PDF,
    KEY_DLG_EXPORT_PPTX,
    KEY_DLG_EXPORT_REQUEST,
    KEY_DLG_GROUP,
    KEY_DLG_MESSAGES,
    KEY_DLG_SCENARIO,
    KEY_DLG_THEME,
    KEY_DLG_UNDO,
    KEY_DLG_UNDO_BUTTON,
    KEY_SC_CURRENT,
    dlg_key,
)
from naravard.ui.widgets import chart, table, text_table
from naravard.views import dialog as view
from naravard.views import figures
from naravard.views import scenario as scenario_view
from naravard.views.slides import Slide

_MESSAGE_BOX = {"success": (st.success, ":material/check_circle:"), "warning": (st.warning, ":material/warning:"),
                "info": (st.info, ":material/info:")}


def _say(kind: str, text: str) -> None:
    queue = st.session_state.setdefault(KEY_DLG_MESSAGES, [])
    if (kind, text) not in queue:
        queue.append((kind, text))


def messages() -> None:
    """The callbacks' messages, escaped (they quote what people typed)."""
    for kind, text in st.session_state.pop(KEY_DLG_MESSAGES, []):
        box, icon = _MESSAGE_BOX.get(kind, (st.error, ":material/error:"))
        box(fmt.markdown_escape(text), icon=icon)


# ------------------------------------------------------------------ theme and group


def theme_picker(ds: Dataset) -> str | None:
    """The theme radio (the deck's themes with questions); None when the data has none."""
    themes = view.themes(ds)
    if not themes:
        st.info("Dataunderlaget har inga frågor till dialogen (filen dialog.toml saknas eller är tom).",
                icon=":material/info:")
        return None
    titles = {t.id: t.title for t in themes}
    if st.session_state.get(KEY_DLG_THEME) not in titles:
        st.session_state.pop(KEY_DLG_THEME, None)
    return st.radio("Tema", options=list(titles), format_func=titles.get, key=KEY_DLG_THEME, horizontal=True)


def _group_key(group: str) -> str:
    return view.question_key(group or "")


PRIVATE_NOTICE_SV = "Svaren sparas med gruppens namn och syns bara för gruppens medlemmar."


def group_section(store) -> str:
    """Group and author fields, and the group's saved scenario the answers link to.
    Returns the group ('' until one is written)."""
    c1, c2 = st.columns(2)
    with c1:
        group = auth.group_input("Grupp", KEY_DLG_GROUP,
                                 help="Partigruppens eller gruppens namn. Svaren sparas och listas per grupp.")
    c2.text_input("Ditt namn", key=KEY_DLG_AUTHOR, max_chars=80, help="Sparas med svaret som dess författare.")
    st.caption(view.SHARED_NOTICE_SV if auth.mode() == "open" else PRIVATE_NOTICE_SV)
    if group and store is not None:
        names = _group_scenarios(store, group)
        options = [None, *names]
        if st.session_state.get(KEY_DLG_SCENARIO) not in options:
            st.session_state.pop(KEY_DLG_SCENARIO, None)
        st.selectbox("Koppla svaren till gruppens sparade scenario", options=options,
                     format_func=lambda i: "Inget scenario" if i is None else names[i], key=KEY_DLG_SCENARIO,
                     help="Gruppens scenarier sparas på sidan Scenario. Kopplingen sparas med varje svar.")
    return group


def _group_scenarios(store, group: str) -> dict[int, str]:
    """The group's own live scenarios (id → name), newest first."""
    try:
        page = store.page(group, 0, 500)
    except StoreError:
        return {}
    return {s.id: s.name for s in page.items if _group_key(s.group) == _group_key(group)}


def _scenario_names(store, answers: Sequence[SavedAnswer]) -> dict[int, str]:
    """Names of the scenarios the answers link to; a deleted one is left out (shown as "borttaget")."""
    out: dict[int, str] = {}
    for i in {a.scenario_id for a in answers if a.scenario_id is not None}:
        try:
            out[i] = store.get(i).name
        except StoreError:
            pass
    return out


def read_answers(store, group: str) -> tuple[list[SavedAnswer], str]:
    """The group's answers, or the store's Swedish error."""
    if store is None or not group:
        return [], ""
    try:
        return store.list_answers(group), ""
    except StoreError as e:
        return [], e.message_sv


# ------------------------------------------------------------------ figures

SOURCE_PREFIX = "Källa: "


def _source(line: str) -> str:
    """A Källa line for Markdown: the leading "Källa: " as written (the pages' form),
    the rest escaped (it may name an uploaded register)."""
    if line.startswith(SOURCE_PREFIX):
        return SOURCE_PREFIX + fmt.markdown_escape(line[len(SOURCE_PREFIX):])
    return fmt.markdown_escape(line)



def show_slide(s: Slide) -> None:
    """A slide on the page: its numbers, chart (with the table under an expander),
    table or text, its Källa lines and the assumptions it was computed with."""
    st.markdown(f"**{fmt.markdown_escape(s.title)}**")
    for line in s.body:
        st.caption(fmt.markdown_escape(line))
    if s.numbers:
        st.markdown("\n".join(f"- {fmt.markdown_escape(label)}: **{fmt.markdown_escape(value)}**"
                              + (f" ({fmt.markdown_escape(note)})" if note else "") for label, value, note in s.numbers))
    rows = s.table_text()
    frame = pd.DataFrame(rows[1:], columns=rows[0]) if rows else None
    if s.figure is not None:
        chart(figures.Chart(s.figure, title=s.title), s.alt_text)
        if frame is not None:
            with st.expander("Visa siffrorna som tabell"):
                table(frame, alt=s.alt_text or s.title)
    elif frame is not None:
        table(frame, alt=s.alt_text or s.title)
    for line in s.sources:
        st.caption(_source(line))
    if s.assumptions:
        with st.expander("Antaganden"):
            text_table(pd.DataFrame([{"Antagande": a, "Värde": v, "Källa": src} for a, v, src in s.assumptions]),
                       alt="Scenariots antaganden med källa.")


def _geo_analysis(ds: Dataset):
    """(analysis, Källa lines) with the register in use and the Geografi page's choices,
    or (None, ()) without a register or when it cannot be computed."""
    from naravard.errors import NaravardError
    from naravard.ui import geografi as geo
    from naravard.ui.state import KEY_GEO_DETOUR, KEY_GEO_YEAR
    from naravard.views import geografi as geo_view

    reg = geo.register_in_use(ds)
    if reg is None:
        return None, ()
    try:
        detour = float(st.session_state.get(KEY_GEO_DETOUR, 1.0))
        an = geo.analysis(ds, reg, geo.checked_changes(reg), st.session_state.get(KEY_GEO_YEAR) or geo.YEAR_GRID, detour)
    except (NaravardError, TypeError, ValueError):
        return None, ()
    lines = geo_view.source_lines(ds, an, grid_citation=geo._grid_citation(), boundary_citation=geo._boundary_citation(ds))
    return an, tuple(lines)


def scenario_in_force(ds: Dataset, store=None):
    """(assumptions, model inputs, the scenario's name for the figures and the summary).

    The group's saved scenario chosen above the questions, when there is one (the
    answers are kept with it); else the Scenario page's current assumptions (the
    defaults with the app's forecast if it has not run). A chosen scenario that is gone
    or unreadable falls back to the latter with a Swedish message."""
    from naravard.model.scenario import AssumptionError
    from naravard.ui.chrome import variant

    inputs = scenario_inputs(ds)
    chosen = st.session_state.get(KEY_DLG_SCENARIO)
    if chosen is not None and store is not None:
        try:
            saved = store.get(chosen)
            return scenario_view.assumptions_of(saved), inputs, saved.name
        except (StoreError, AssumptionError) as e:
            st.warning(fmt.markdown_escape(f"Det valda scenariot kan inte användas: {e.message_sv} "
                                           "Siffrorna visas med scenariot från sidan Scenario."), icon=":material/warning:")
    box = st.session_state.get(KEY_SC_CURRENT)
    a = scenario_view.current(box)
    if box is None:
        a = a.replace(prognos=variant(ds))
    default = a.replace(prognos=variant(ds)) == scenario_view.current(None).replace(prognos=variant(ds))
    return a, inputs, "" if default else UNSAVED_SCENARIO_SV


UNSAVED_SCENARIO_SV = "Scenariot på sidan Scenario (osparat)"


def evidence(ds: Dataset, theme: str, store=None, force=None) -> list[Slide]:
    """The figures behind one theme, for the scenario in force (``force``, what
    :func:`scenario_in_force` returned, or read here)."""
    from naravard.ui.chrome import variant

    a, inputs, name = force or scenario_in_force(ds, store)
    an, lines = _geo_analysis(ds) if theme == "geo" else (None, ())
    return view.evidence(ds, theme, variant=variant(ds), assumptions=a, inputs=inputs, scenario_name=name,
                         geo_analysis=an, geo_source_lines=lines)


def options_and_figures(ds: Dataset, theme: str, store=None) -> None:
    """The deck's options beside the figures that bear on them (neutral: no ranking)."""
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Ur dialogunderlaget")
        for o in view.options(ds, theme):
            st.markdown(f"**{fmt.markdown_escape(o.heading)}**")
            st.markdown("\n".join(f"- {fmt.markdown_escape(line)}" for line in o.lines))
        cite = view.citation(ds)
        if cite:
            st.caption(_source(cite))
    with right:
        st.subheader("Siffror som berör frågorna")
        st.caption(view.NEUTRAL_SV)
        force = scenario_in_force(ds, store)
        st.caption(fmt.markdown_escape(f"Räknat med: {force[2] or 'standardantagandena'}."))
        slides_ = evidence(ds, theme, store, force)
        if not slides_:
            st.info("Siffrorna till det här temat saknas i dataunderlaget (se sidan Om data).", icon=":material/info:")
        for s in slides_:
            with st.container(border=True):
                show_slide(s)


# ------------------------------------------------------------------ the answer forms


def _fill(theme: str, i: int, answer: SavedAnswer | None, group: str) -> None:
    """Put a saved answer (or nothing) into question ``i``'s fields and remember it."""
    choice, own = view.position_choice(answer.position) if answer else (None, "")
    st.session_state[dlg_key(theme, i, "stand")] = choice
    st.session_state[dlg_key(theme, i, "egen")] = own
    st.session_state[dlg_key(theme, i, "ant")] = answer.notes if answer else ""
    st.session_state[dlg_key(theme, i, "laddat")] = _marker(group, answer)


def _marker(group: str, answer: SavedAnswer | None) -> tuple:
    return (_group_key(group), answer.id if answer else None, answer.version if answer else None)


def _save(store, theme: str, i: int, question: str, group: str) -> None:
    """Callback of "Spara svaret": a new answer, or an edit of the version the form holds."""
    marker = st.session_state.get(dlg_key(theme, i, "laddat")) or (_group_key(group), None, None)
    position = view.position_from(st.session_state.get(dlg_key(theme, i, "stand")),
                                  st.session_state.get(dlg_key(theme, i, "egen"), ""))
    if not position:
        _say("error", f"Välj gruppens ståndpunkt till frågan ”{question}” innan du sparar.")
        return
    notes = st.session_state.get(dlg_key(theme, i, "ant"), "") or ""
    author = st.session_state.get(KEY_DLG_AUTHOR, "") or ""
    scenario_id = st.session_state.get(KEY_DLG_SCENARIO)
    try:
        if marker[1] is None:
            saved = store.save_answer(group, theme, question, position, notes, author, scenario_id=scenario_id)
        else:
            saved = store.update_answer(marker[1], marker[2], position=position, notes=notes, author=author,
                                        scenario_id=scenario_id)
    except StoreNotFoundError as e:
        if marker[1] is not None:  # deleted meanwhile: the next click saves it anew
            st.session_state[dlg_key(theme, i, "laddat")] = (marker[0], None, None)
            _say("error", e.message_sv + " Din text finns kvar; klicka Spara svaret igen för att spara den som ett nytt svar.")
        else:
            _say("error", e.message_sv)
        return
    except StoreError as e:
        _say("error", e.message_sv)
        return
    st.session_state[dlg_key(theme, i, "laddat")] = _marker(group, saved)
    _say("success", f"Svaret på ”{question}” är sparat (version {saved.version}).")


def _reload(store, theme: str, i: int, question: str, group: str) -> None:
    """Callback of "Läs in det sparade svaret": the form shows the stored answer now."""
    try:
        answers = view.by_question(store.list_answers(group, theme), theme)
    except StoreError as e:
        _say("error", e.message_sv)
        return
    _fill(theme, i, answers.get(view.question_key(question)), group)


def _delete(store, theme: str, i: int, answer_id: int, question: str, group: str) -> None:
    try:
        store.delete_answer(answer_id)
    except StoreError as e:
        _say("error", e.message_sv)
        return
    st.session_state[dlg_key(theme, i, "laddat")] = (_group_key(group), None, None)
    st.session_state[KEY_DLG_UNDO] = (answer_id, question, theme, i, group)


def _undo(store) -> None:
    answer_id, question, theme, i, group = st.session_state.pop(KEY_DLG_UNDO)
    try:
        restored = store.restore_answer(answer_id)
    except StoreError as e:
        _say("error", e.message_sv)
        return
    _fill(theme, i, restored, group)
    _say("success", f"Svaret på ”{question}” är tillbaka.")


def undo_box(store) -> None:
    undo = st.session_state.get(KEY_DLG_UNDO)
    if undo and store is not None:
        u1, u2 = st.columns([3, 1], vertical_alignment="center")
        u1.info(fmt.markdown_escape(f"Svaret på ”{undo[1]}” är borttaget."), icon=":material/delete:")
        u2.button("Ångra", key=KEY_DLG_UNDO_BUTTON, icon=":material/undo:", on_click=_undo, args=(store,))


DRAFT_FIELDS = ("stand", "egen", "ant")


def keep_drafts(ds: Dataset) -> None:
    """Keep every theme's form fields across a theme switch.

    Streamlit drops the state of a widget that a run does not draw, so text typed under
    one theme and not yet saved would be gone after a look at another theme. Writing
    each field's value back at the start of the run (Streamlit's documented way to keep
    a widget's value) keeps it until its theme is drawn again."""
    for t in view.THEMES:
        for i in range(1, len(view.questions(ds, t.id)) + 1):
            for f in DRAFT_FIELDS:
                k = dlg_key(t.id, i, f)
                if k in st.session_state:
                    st.session_state[k] = st.session_state[k]


def question_forms(ds: Dataset, store, theme: str, group: str, answers: Sequence[SavedAnswer]) -> None:
    """One form per question of the theme: position, notes, save; with the saved answer
    it can be read in again and deleted."""
    st.subheader("Frågor och gruppens svar")
    keep_drafts(ds)
    qs = view.questions(ds, theme)
    writable = store is not None and not getattr(store, "read_only", False)
    if store is not None and not writable:
        st.info("Svaren är skrivskyddade här: de går att läsa men inte att spara eller ändra.", icon=":material/lock:")
    saved = view.by_question(answers, theme)
    for i, q in enumerate(qs, start=1):
        answer = saved.get(view.question_key(q))
        with st.container(border=True):
            st.markdown(f"**{i}. {fmt.markdown_escape(q)}**")
            if not group or store is None:
                continue
            marker = st.session_state.get(dlg_key(theme, i, "laddat"))
            if marker is None or marker[0] != _group_key(group):
                _fill(theme, i, answer, group)
                marker = st.session_state[dlg_key(theme, i, "laddat")]
            if answer is not None:
                st.caption(fmt.markdown_escape(
                    f"Sparat av {answer.author}, {view.local_time(answer.updated_at)} (version {answer.version})."))
                if marker[1] != answer.id or marker[2] != answer.version:
                    st.warning("Någon har sparat ett nytt svar på frågan sedan formuläret fylldes i. Läs in det "
                               "sparade svaret innan du sparar, så skrivs ingenting över.", icon=":material/sync_problem:")
            c1, c2 = st.columns([1, 1])
            choice = c1.radio("Gruppens ståndpunkt", options=list(view.POSITION_CHOICES), index=None,
                              key=dlg_key(theme, i, "stand"), horizontal=True)
            c2.text_input("Egen ståndpunkt (kort)", key=dlg_key(theme, i, "egen"), max_chars=80,
                          disabled=choice != view.OTHER_POSITION,
                          help="Välj ”Annan ståndpunkt” för att skriva en egen, högst 80 tecken.")
            notes = st.text_area("Anteckningar", key=dlg_key(theme, i, "ant"), height=120,
                                 help=f"Högst {fmt.number(MAX_ANSWER_NOTES_CHARS)} tecken. Texten visas alltid som "
                                      "den är skriven (Markdown och HTML visas som text).")
            st.caption(view.notes_length_text(notes))
            if not writable:
                continue
            b1, b2, b3 = st.columns(3)
            b1.button("Spara svaret", key=dlg_key(theme, i, "spara"), icon=":material/save:", type="primary",
                      on_click=_save, args=(store, theme, i, q, group))
            b2.button("Läs in det sparade svaret", key=dlg_key(theme, i, "las"), icon=":material/refresh:",
                      on_click=_reload, args=(store, theme, i, q, group))
            if answer is not None:
                b3.button("Ta bort svaret", key=dlg_key(theme, i, "bort"), icon=":material/delete:",
                          on_click=_delete, args=(store, theme, i, answer.id, q, group))


def answers_list(store, group: str, answers: Sequence[SavedAnswer], error: str) -> None:
    """The group's saved answers, all themes, as a table of escaped text."""
    st.subheader("Gruppens sparade svar")
    if not group:
        if auth.mode() == "open":  # in groups mode the group choice has said why there is none
            st.info("Skriv gruppens namn ovan för att se och spara gruppens svar.", icon=":material/group:")
        return
    if error:
        st.error(fmt.markdown_escape(f"Svaren kunde inte läsas. {error}"), icon=":material/error:")
        return
    if not answers:
        st.info(fmt.markdown_escape(f"Gruppen ”{group}” har inga sparade svar ännu."), icon=":material/info:")
        return
    df = view.answers_table(answers, _scenario_names(store, answers))
    text_table(df.map(fmt.as_text), alt=f"Gruppens sparade svar: {len(df)} svar med tema, fråga, ståndpunkt och anteckningar.")


# ------------------------------------------------------------------ export


def _file_stem(group: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9åäöÅÄÖ_-]+", "-", group).strip("-")[:40]
    return f"dialog-{stem or 'grupp'}"


def _ask_export(kind: str) -> None:
    """Callback of "Skapa PDF"/"Skapa PPTX": the summary is built in this run, once."""
    st.session_state[KEY_DLG_EXPORT_REQUEST] = kind


def export_section(ds: Dataset, store, group: str, answers: Sequence[SavedAnswer]) -> None:
    """"Sammanfattning": the group's answers with the figures behind them as PDF or PPTX,
    built on a click (the first chart image starts the browser)."""
    from naravard.export import dialog as export
    from naravard.export.handout.images import shared_exporter
    from naravard.ui.chrome import variant

    st.subheader("Sammanfattning för gruppen")
    if not group or not answers:
        st.caption("När gruppen har sparat svar kan de laddas ned som PDF och PPTX med siffrorna bakom dem.")
        return
    c1, c2 = st.columns(2)
    c1.button("Skapa PDF", key=KEY_DLG_EXPORT_PDF, icon=":material/picture_as_pdf:", on_click=_ask_export, args=("pdf",))
    c2.button("Skapa PPTX", key=KEY_DLG_EXPORT_PPTX, icon=":material/slideshow:", on_click=_ask_export, args=("pptx",))
    kind = st.session_state.pop(KEY_DLG_EXPORT_REQUEST, None)
    fingerprint = (_group_key(group), tuple((a.id, a.version) for a in answers))
    if kind is not None:
        themes = {a.theme for a in answers}
        force = scenario_in_force(ds, store)
        ev = {t: evidence(ds, t, store, force) for t in themes}
        names = _scenario_names(store, answers)
        scenario_name = force[2]
        args = (ds, variant(ds), group, answers, ev)
        try:
            with st.spinner("Skapar sammanfattningen …"):
                build = export.summary_pdf if kind == "pdf" else export.summary_pptx
                data = build(*args, scenario_name=scenario_name, scenario_names=names, images=shared_exporter())
        except Exception:  # noqa: BLE001 - a handout must never cost the page; the page says so
            st.error("Sammanfattningen kunde inte skapas. Försök igen, eller ladda ned den andra formen.",
                     icon=":material/error:")
            return
        st.session_state[KEY_DLG_EXPORT] = (fingerprint, kind, data)
    made = st.session_state.get(KEY_DLG_EXPORT)
    if made and made[0] == fingerprint:
        _, kind, data = made
        mime = "application/pdf" if kind == "pdf" else \
            "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        st.download_button(f"Ladda ned {kind.upper()}", data=data, file_name=f"{_file_stem(group)}.{kind}", mime=mime,
                           icon=":material/download:", on_click="ignore")
