"""The Presentera page: pick and order slides, present them one at a time at projector
scale, download them as PowerPoint or PDF, share the presentation as a link.

The slides are :mod:`naravard.views.slides` (built from the live data and the scenario
in force); the handouts :mod:`naravard.export.handout`. Presentation mode is the same
page with another layout: a fixed stylesheet (no user text) hides the sidebar and sets
projector sizes inside the slide's container (body 28 px, big numbers 64 px), and the
"Föregående"/"Nästa" buttons take the arrow keys through Streamlit's own button
shortcuts (``shortcut="Left"``/``"Right"``), so no script of ours runs in the browser.

A presentation link holds the slide ids (:data:`LINK_IDS`), the name (:data:`LINK_TITLE`)
and the scenario's own link (:mod:`naravard.export.link`), read once per session; bad
ids get Swedish warnings (:func:`naravard.views.slides.parse_slide_ids`) and the rest
opens.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlencode

import streamlit as st

from naravard import fmt
from naravard.errors import NaravardError
from naravard.export import link as share
from naravard.model.scenario import AssumptionError, Assumptions
from naravard.sources.dataset import Dataset
from naravard.ui import geografi as geo
from naravard.ui import scenario as sc
from naravard.ui.chrome import variant
from naravard.ui.widgets import chart
from naravard.ui.state import (
    KEY_GEO_DETOUR,
    KEY_PR_ACTIVE,
    KEY_PR_CHOSEN,
    KEY_PR_COUNTER,
    KEY_PR_DOWN_PREFIX,
    KEY_PR_EXIT,
    KEY_PR_INDEX,
    KEY_PR_LINK,
    KEY_PR_LINK_READ,
    KEY_PR_NAV,
    KEY_PR_NEXT,
    KEY_PR_ORDER,
    KEY_PR_PDF,
    KEY_PR_PPTX,
    KEY_PR_PREV,
    KEY_PR_SLIDE,
    KEY_PR_START,
    KEY_PR_TITLE,
    KEY_PR_TITLE_INPUT,
    KEY_PR_UP_PREFIX,
    KEY_PR_WARNINGS,
    KEY_PR_DELETE,
    KEY_PR_MESSAGES,
    KEY_PR_OPEN,
    KEY_PR_PENDING,
    KEY_PR_SAVE,
    KEY_PR_SAVE_GROUP,
    KEY_PR_SAVE_NAME,
    KEY_PR_SAVED,
    KEY_PR_UNDO,
    KEY_PR_UNDO_BUTTON,
)
from naravard.views import scenario as sc_view
from naravard.views import slides as sv

#: The presentation's own keys in a link (the scenario's keys are export.link's).
LINK_IDS = "bilder"
LINK_TITLE = "titel"
LINK_KEYS = (LINK_IDS, LINK_TITLE)
TITLE_MAX = 120
DEFAULT_TITLE = "Presentation"
#: Chosen when nobody has chosen yet (and no link says otherwise), if the data has them.
DEFAULT_IDS = ("oversikt", "kommuner", "aldre80", "sc-tal")
#: Big numbers per row on a slide.
NUMBERS_PER_ROW = 4
#: Plotly font size on a slide (the page's figures use 14 px: too small on a projector).
FIGURE_FONT_PX = 22
FIGURE_HEIGHT_PX = 620

# The projector stylesheet: fixed text (no user text), drawn only in presentation mode.
PRESENTATION_CSS = f"""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100% !important; padding: 1.5rem 3rem 0.5rem 3rem !important; }}
.st-key-{KEY_PR_SLIDE} p, .st-key-{KEY_PR_SLIDE} li, .st-key-{KEY_PR_SLIDE} td,
.st-key-{KEY_PR_SLIDE} th {{ font-size: 28px !important; line-height: 1.35 !important; }}
.st-key-{KEY_PR_SLIDE} h2 {{ font-size: 48px !important; line-height: 1.2 !important; padding-top: 0 !important; }}
.st-key-{KEY_PR_SLIDE} [data-testid="stMetricValue"],
.st-key-{KEY_PR_SLIDE} [data-testid="stMetricValue"] * {{ font-size: 64px !important; line-height: 1.15 !important; }}
.st-key-{KEY_PR_SLIDE} [data-testid="stMetricLabel"] * {{ font-size: 28px !important; }}
.st-key-{KEY_PR_SLIDE} [data-testid="stMetricDelta"] * {{ font-size: 24px !important; }}
.st-key-{KEY_PR_SLIDE} [data-testid="stCaptionContainer"] p {{ font-size: 20px !important; }}
.st-key-{KEY_PR_NAV} kbd {{ color: #4a4a48 !important; opacity: 1 !important; }}  /* the shortcut hint: 4.5:1 also on a hovered button */
.st-key-{KEY_PR_COUNTER} p {{ font-size: 22px !important; margin: 0.3rem 0 0 0 !important; }}
</style>"""


# ------------------------------------------------------------------ the scenario in force


def scenario_in_force(inputs) -> Assumptions:
    """The scenario the slides show: the Scenario page's values in this session (a
    presentation link's on the first visit), with the Geografi page's unit changes.
    Kept as the session's scenario, so the Scenario page opens with it too."""
    codes = list(inputs.kommunkod)
    sc.state_init(inputs, ignore=LINK_KEYS)
    try:
        a = sc_view.assumptions_from_state(sc.values(codes), codes, inputs).replace(enheter=geo.changes())
    except AssumptionError as e:
        st.warning(f"Scenariots antaganden kunde inte användas ({e.message_sv}). Standardantagandena visas.",
                   icon=":material/warning:")
        return Assumptions(prognos=variant())
    sc.remember(a, codes, url=False)
    return a


# ------------------------------------------------------------------ the catalogue


@st.cache_data(show_spinner=False, max_entries=4)
def _grid(path: str | None, codes: tuple[str, ...]):
    from naravard.sources.grid import load_grid

    return load_grid(path, codes=list(codes))


def _geo_input(ds: Dataset) -> sv.GeoInput | None:
    """The grid and the register in use (the Geografi page's), or None without a grid."""
    from naravard.errors import DataError
    from naravard.services.geografi import grid_year_of
    from naravard.sources.grid import grid_info
    from naravard.ui.cache import data_dir

    d = data_dir()
    path = str(d) if d else None
    info = grid_info(path)
    if info is None:
        return None
    try:
        grid = _grid(path, tuple(ds.kommun_codes))
    except DataError:
        return None
    reg = geo.register_in_use(ds)
    detour = st.session_state.get(KEY_GEO_DETOUR, 1.0)
    detour = float(detour) if isinstance(detour, (int, float)) and 1.0 <= detour <= 3.0 else 1.0
    return sv.GeoInput(
        grid=grid, grid_year=grid_year_of(info.date), grid_citation=info.citation,
        boundary_citation=_boundary_note(ds).removeprefix("Kommungränser: ").rstrip(".")
        if _boundary_note(ds).startswith("Kommungränser: ") else "",
        register=reg.frame if reg is not None else None,
        register_label_sv=reg.label_sv if reg is not None else "",
        register_attribution=reg.attribution if reg is not None else "", detour=detour,
    )


def _boundary_note(ds: Dataset) -> str:
    from naravard.ui.cache import boundary_source
    from naravard.ui.sections import boundary_credit

    return boundary_credit(boundary_source(ds))


def catalogue(ds: Dataset, inputs, a: Assumptions) -> list[sv.SlideSpec]:
    """Every slide the data in use gives, for the scenario in force (cheap: nothing
    is built until a slide is shown or a handout made)."""
    from naravard.ui.cache import boundary_source

    return sv.catalogue(ds, variant(ds), a, inputs, scenario_name=sc.scenario_name(a),
                        boundaries=boundary_source(ds).gdf, boundary_note=_boundary_note(ds), geo=_geo_input(ds))


# ------------------------------------------------------------------ the link


def _clean_title(text: object) -> str:
    """A name from a link or a field: printable, one line, at most TITLE_MAX characters."""
    s = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in str(text))
    s = " ".join(s.split())
    return s[:TITLE_MAX]


def read_link(specs: list[sv.SlideSpec]) -> None:
    """Once per session: a link's slide list and name become the presentation's."""
    if st.session_state.get(KEY_PR_LINK_READ):
        return
    st.session_state[KEY_PR_LINK_READ] = True
    qp = st.query_params
    if LINK_IDS in qp.keys():
        values = qp.get_all(LINK_IDS)
        warnings: list[str] = []
        if len(set(values)) > 1:
            warnings.append("Länken angav listan med bilder flera gånger; den första används.")
        ids, more = sv.parse_slide_ids(values[0] if values else "", specs)
        warnings += more
        if not ids:
            warnings.append("Länken hade inga bilder som finns i katalogen. Välj bilder nedan.")
        st.session_state[KEY_PR_ORDER] = ids
        st.session_state[KEY_PR_WARNINGS] = warnings
    elif KEY_PR_ORDER not in st.session_state:
        known = {s.id for s in specs}
        st.session_state[KEY_PR_ORDER] = [i for i in DEFAULT_IDS if i in known]
    if LINK_TITLE in qp.keys():
        st.session_state[KEY_PR_TITLE] = _clean_title(qp.get(LINK_TITLE, ""))


def adopt_pending(specs: list[sv.SlideSpec]) -> None:
    """The slide list of a presentation opened from the store (by a callback, before
    this run's catalogue was made with its scenario), read against the catalogue."""
    pending = st.session_state.pop(KEY_PR_PENDING, None)
    if pending is None:
        return
    ids, warnings_sv = sv.parse_slide_ids(",".join(pending), specs)
    st.session_state[KEY_PR_ORDER] = ids
    if warnings_sv:
        st.session_state.setdefault(KEY_PR_WARNINGS, []).extend(warnings_sv)


def warnings() -> None:
    """The link's warnings: the scenario's values (ui.scenario), then the slide list."""
    sc.warnings()
    for w in st.session_state.pop(KEY_PR_WARNINGS, []):
        st.warning(w, icon=":material/link_off:")


def title() -> str:
    t = _clean_title(st.session_state.get(KEY_PR_TITLE, "") or "")
    return t or DEFAULT_TITLE


def link_query(ids: list[str], name: str, a: Assumptions) -> str:
    """The presentation's link: slide ids, name and the scenario's own parameters."""
    q = {LINK_IDS: ",".join(ids)}
    if name:
        q[LINK_TITLE] = name
    q.update(share.to_query(a))
    return urlencode(q, safe=":,")


# ------------------------------------------------------------------ the picker


def chosen(specs: list[sv.SlideSpec]) -> list[str]:
    """The chosen ids in showing order, those the catalogue no longer has left out."""
    known = {s.id for s in specs}
    order = st.session_state.get(KEY_PR_ORDER, [])
    ids = [i for i in order if isinstance(i, str) and i in known] if isinstance(order, list) else []
    return list(dict.fromkeys(ids))[: sv.MAX_SLIDES]


def _move(pos: int, step: int, specs: list[sv.SlideSpec]) -> None:
    ids = chosen(specs)
    j = pos + step
    if 0 <= pos < len(ids) and 0 <= j < len(ids):
        ids[pos], ids[j] = ids[j], ids[pos]
        st.session_state[KEY_PR_ORDER] = ids


def _picked() -> None:
    """The multiselect changed: its value (in the order of choosing) is the order."""
    st.session_state[KEY_PR_ORDER] = list(st.session_state.get(KEY_PR_CHOSEN, []))


def _named() -> None:
    st.session_state[KEY_PR_TITLE] = _clean_title(st.session_state.get(KEY_PR_TITLE_INPUT, ""))


def _start(specs: list[sv.SlideSpec]) -> None:
    if chosen(specs):
        st.session_state[KEY_PR_ACTIVE] = True
        st.session_state[KEY_PR_INDEX] = 0


def picker(specs: list[sv.SlideSpec]) -> list[str]:
    """Name the presentation, choose slides (in the order they are added) and reorder
    them; "Starta presentationen". Returns the chosen ids in order."""
    st.session_state[KEY_PR_ORDER] = chosen(specs)  # drop ids the data no longer gives
    st.session_state[KEY_PR_CHOSEN] = chosen(specs)
    st.session_state[KEY_PR_TITLE_INPUT] = st.session_state.get(KEY_PR_TITLE, "")
    titles = {s.id: s.title for s in specs}
    st.text_input("Presentationens namn", key=KEY_PR_TITLE_INPUT, max_chars=TITLE_MAX, placeholder=DEFAULT_TITLE,
                  on_change=_named)
    st.multiselect(
        "Bilder", options=[s.id for s in specs], format_func=titles.get, key=KEY_PR_CHOSEN, on_change=_picked,
        max_selections=sv.MAX_SLIDES, placeholder="Välj bilder ur katalogen",
        help="Bilderna visas i den ordning du väljer dem; ändra ordningen med pilarna nedan.",
    )
    ids = chosen(specs)
    if ids:
        st.markdown("**Ordning**")
        for pos, i in enumerate(ids):
            c1, c2, c3 = st.columns([10, 1, 1], vertical_alignment="center")
            c1.markdown(f"{pos + 1}. {fmt.markdown_escape(titles[i])}")
            c2.button("", icon=":material/arrow_upward:", key=f"{KEY_PR_UP_PREFIX}{pos}", disabled=pos == 0,
                      on_click=_move, args=(pos, -1, specs), help=f"Flytta bild {pos + 1} ett steg upp")
            c3.button("", icon=":material/arrow_downward:", key=f"{KEY_PR_DOWN_PREFIX}{pos}",
                      disabled=pos == len(ids) - 1, on_click=_move, args=(pos, 1, specs),
                      help=f"Flytta bild {pos + 1} ett steg ned")
    st.button("Starta presentationen", key=KEY_PR_START, type="primary", icon=":material/slideshow:",
              disabled=not ids, on_click=_start, args=(specs,),
              help="Visar en bild i taget i stor text. Piltangenterna vänster och höger bläddrar.")
    return ids


# ------------------------------------------------------------------ presentation mode


def presenting() -> bool:
    return bool(st.session_state.get(KEY_PR_ACTIVE))


def _step(step: int, n: int) -> None:
    i = int(st.session_state.get(KEY_PR_INDEX, 0)) + step
    st.session_state[KEY_PR_INDEX] = max(0, min(n - 1, i))


def _exit() -> None:
    st.session_state[KEY_PR_ACTIVE] = False


def _figure(fig: dict) -> dict:
    """A slide's figure at projector scale: larger text, a fixed height."""
    import copy

    out = copy.deepcopy(fig)
    lay = out.setdefault("layout", {})
    font = dict(lay.get("font") or {})
    font["size"] = FIGURE_FONT_PX
    lay["font"] = font
    lay["height"] = FIGURE_HEIGHT_PX
    for k, v in list(lay.items()):  # the theme sets the axes' own sizes: raise them too
        if (k.startswith("xaxis") or k.startswith("yaxis")) and isinstance(v, dict):
            v["tickfont"] = {**(v.get("tickfont") or {}), "size": FIGURE_FONT_PX}
            title = v.get("title")
            if isinstance(title, dict):
                title["font"] = {**(title.get("font") or {}), "size": FIGURE_FONT_PX}
    if isinstance(lay.get("legend"), dict):
        lay["legend"]["font"] = {**(lay["legend"].get("font") or {}), "size": FIGURE_FONT_PX}
    else:
        lay["legend"] = {"font": {"size": FIGURE_FONT_PX}}
    return out


def _numbers(s: sv.Slide) -> None:
    items = list(s.numbers)
    for start in range(0, len(items), NUMBERS_PER_ROW):
        row = items[start:start + NUMBERS_PER_ROW]
        for col, (label, value, note) in zip(st.columns(NUMBERS_PER_ROW), row):
            col.metric(fmt.markdown_escape(label), value, delta=note or None, delta_color="off", delta_arrow="off")


def show_slide(s: sv.Slide) -> None:
    """One slide: title, its first line, the numbers, figure, table or text, the
    assumptions of a scenario slide, and the Källa lines. Every text is escaped."""
    from naravard.views import figures

    st.header(fmt.markdown_escape(s.title), anchor=False)
    body = list(s.body)
    if s.kind == "text":
        st.markdown("\n".join(f"- {fmt.markdown_escape(line)}" for line in body))
    elif body:
        st.markdown("  \n".join(fmt.markdown_escape(line) for line in body))
    if s.kind == "numbers":
        _numbers(s)
    elif s.kind == "figure" and s.figure is not None:
        chart(figures.Chart(_figure(s.figure), s.title), s.alt_text)
    elif s.kind == "table" and s.table is not None:
        import pandas as pd

        rows = s.table_text()
        st.table(pd.DataFrame(rows[1:], columns=rows[0]), hide_index=True, alt=s.alt_text)
    if s.assumptions:
        st.markdown("**Antaganden:** " + "; ".join(f"{fmt.markdown_escape(l)}: {fmt.markdown_escape(v)}"
                                                  for l, v, _ in s.assumptions))
    if s.sources:
        st.caption("  \n".join(fmt.markdown_escape(t) for t in s.sources))


def presentation(specs: list[sv.SlideSpec]) -> None:
    """Presentation mode: the slide, then small buttons and the counter under it."""
    st.html(PRESENTATION_CSS)
    ids = chosen(specs)
    if not ids:
        _exit()
        st.rerun()
    n = len(ids)
    i = max(0, min(n - 1, int(st.session_state.get(KEY_PR_INDEX, 0))))
    st.session_state[KEY_PR_INDEX] = i
    by_id = {s.id: s for s in specs}
    with st.container(key=KEY_PR_SLIDE):
        try:
            show_slide(by_id[ids[i]].build())
        except NaravardError as e:
            st.error(f"Bilden kunde inte visas: {e.message_sv}", icon=":material/error:")
    with st.container(key=KEY_PR_NAV, horizontal=True, vertical_alignment="center"):
        st.button("Föregående", key=KEY_PR_PREV, icon=":material/arrow_back:", disabled=i == 0, on_click=_step,
                  args=(-1, n), shortcut="Left", help="Föregående bild (vänsterpil)")
        with st.container(key=KEY_PR_COUNTER, width="content"):
            st.markdown(f"{i + 1} / {n}")
        st.button("Nästa", key=KEY_PR_NEXT, icon=":material/arrow_forward:", disabled=i == n - 1, on_click=_step,
                  args=(1, n), shortcut="Right", help="Nästa bild (högerpil)")
        st.button("Avsluta", key=KEY_PR_EXIT, icon=":material/close:", on_click=_exit, shortcut="Esc",
                  help="Tillbaka till valet av bilder (Esc)")


# ------------------------------------------------------------------ handouts and link


def handouts(ds: Dataset, specs: list[sv.SlideSpec], ids: list[str], a: Assumptions) -> None:
    """PowerPoint and PDF of the chosen slides, each built when its button is clicked
    (from what was chosen when the page was drawn: a deferred download has no script
    context)."""
    from naravard.export.handout import images

    meta = sv.handout_meta(ds, variant(ds), sc.scenario_name(a))
    name = title()
    subtitle = ds.region.organisation
    chosen_ids = list(ids)

    def pptx() -> bytes:
        from naravard.export.handout.pptx import build_pptx

        return build_pptx(sv.build(specs, chosen_ids), title=name, subtitle=subtitle, meta=meta,
                          images=images.shared_exporter())

    def pdf() -> bytes:
        from naravard.export.handout.pdf import build_pdf

        return build_pdf(sv.build(specs, chosen_ids), title=name, subtitle=subtitle, meta=meta,
                         images=images.shared_exporter())

    c1, c2 = st.columns(2)
    c1.download_button("Ladda ner PowerPoint", data=pptx, file_name="naravard_presentation.pptx",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       key=KEY_PR_PPTX, icon=":material/slideshow:", on_click="ignore", disabled=not chosen_ids)
    c2.download_button("Ladda ner PDF", data=pdf, file_name="naravard_presentation.pdf", mime="application/pdf",
                       key=KEY_PR_PDF, icon=":material/picture_as_pdf:", on_click="ignore", disabled=not chosen_ids)
    if not _browser_present(images.resolve_browser_path()):
        st.info(images.NO_BROWSER_SV, icon=":material/info:")
    st.caption("Filerna har datum, dataversioner och scenariots namn på första sidan: "
               + fmt.markdown_escape("; ".join(f"{k}: {v}" for k, v in meta.items() if k != "Data")) + ".  \n"
               + "Källa: varje bild har sin egen källrad. Datan som används: " + fmt.markdown_escape(meta["Data"]) + ".")


def _browser_present(path: str | None) -> bool:
    """Whether a browser for the chart images is there (without starting it: the first
    image starts it, on a click). None: the exporter would search PATH."""
    import shutil
    from pathlib import Path

    if path is not None:
        return Path(path).is_file()
    return any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome", "chrome"))


def link_section(ids: list[str], a: Assumptions) -> None:
    """"Kopiera länk": the presentation as a link (slides, name, scenario)."""
    if st.toggle("Kopiera länk", key=KEY_PR_LINK, help="Visar länken till presentationen (bilderna, namnet och "
                 "scenariots antaganden) som text, att kopiera och dela."):
        name = _clean_title(st.session_state.get(KEY_PR_TITLE, "") or "")
        query = link_query(ids, name, a)
        base = st.context.url
        st.code(f"{base}?{query}" if base else f"?{query}", language=None, wrap_lines=True)
        st.caption("Markera länken och kopiera den, eller använd kopieringsikonen till höger.")


INTRO = (
    "Välj bilder ur katalogen och ordna dem, ge presentationen ett namn och starta den: en bild i taget i "
    "stor text för projektor, utan sidomeny. Bilderna byggs av datan och det scenario som gäller nu, med källa "
    "på varje bild. Samma bilder kan laddas ner som PowerPoint eller PDF."
)


# ------------------------------------------------------------------ saved presentations
# Store actions run as callbacks (opening one sets the scenario's controls, which
# Streamlit allows only before they are drawn); their outcome is a message for the next
# run. Names, groups and titles are stored text: shown as plain text (selectbox options)
# or Markdown-escaped.


def _say(kind: str, text: str) -> None:
    queue = st.session_state.setdefault(KEY_PR_MESSAGES, [])
    if (kind, text) not in queue:
        queue.append((kind, text))


def _messages() -> None:
    boxes = {"success": (st.success, ":material/check_circle:"), "warning": (st.warning, ":material/warning:"),
             "error": (st.error, ":material/error:")}
    for kind, text in st.session_state.pop(KEY_PR_MESSAGES, []):
        box, icon = boxes.get(kind, boxes["error"])
        box(fmt.markdown_escape(text), icon=icon)


def _save(store, ids: list[str], a: Assumptions) -> None:
    from naravard.store import StoreError

    name = st.session_state.get(KEY_PR_SAVE_NAME, "") or ""
    group = st.session_state.get(KEY_PR_SAVE_GROUP, "") or ""
    try:
        p = store.save_presentation(name, group, list(ids), share.to_query_string(a),
                                    _clean_title(st.session_state.get(KEY_PR_TITLE, "") or ""))
    except StoreError as e:
        _say("error", e.message_sv)
    else:
        _say("success", f"Presentationen ”{p.name}” ({p.group}) är sparad med {len(p.slide_ids)} bilder och scenariots antaganden.")


def _open(store, inputs, presentation_id: int) -> None:
    """Open a saved presentation: its scenario (the saved scenario it names, else its
    link query) becomes the session's, its name the presentation's; its slide ids are
    read on the next run, against the catalogue of that scenario."""
    from urllib.parse import parse_qs

    from naravard.store import StoreError

    try:
        opened = store.open_presentation(presentation_id)
    except StoreError as e:
        _say("error", e.message_sv)
        return
    p = opened.presentation
    warnings_sv: list[str] = []
    try:
        if opened.scenario is not None:
            a = sc_view.assumptions_of(opened.scenario)
        else:
            codes = list(inputs.kommunkod)
            data_values = {k: d.value for k, d in inputs.data_defaults.items()}
            unit_ids, bounds = geo.link_context()
            a, warnings_sv = share.from_query(parse_qs(p.scenario_query, keep_blank_values=True), codes,
                                              [f.key for f in inputs.forecasts], data_values, unit_ids, bounds)
        sc.apply(a, inputs)
        geo.set_changes(a.enheter)
    except AssumptionError as e:
        _say("warning", f"Presentationens scenario kunde inte användas ({e.message_sv}); scenariot som gäller nu visas.")
    for w in warnings_sv:
        _say("warning", w)
    if opened.message_sv:
        _say("warning", opened.message_sv)
    st.session_state[KEY_PR_PENDING] = list(p.slide_ids)
    st.session_state[KEY_PR_TITLE] = p.title or p.name
    _say("success", f"”{p.name}” är öppnad: bilderna och scenariot är presentationens.")


def _delete(store, presentation_id: int, name: str) -> None:
    from naravard.store import StoreError

    try:
        store.delete_presentation(presentation_id)
    except StoreError as e:
        _say("error", e.message_sv)
    else:
        st.session_state[KEY_PR_UNDO] = (presentation_id, name)
        _say("success", f"”{name}” är borttagen.")


def _undo(store) -> None:
    from naravard.store import StoreError

    pid, name = st.session_state.pop(KEY_PR_UNDO, (None, ""))
    if pid is None:
        return
    try:
        store.restore_presentation(pid)
    except StoreError as e:
        _say("error", e.message_sv)
    else:
        _say("success", f"”{name}” är återställd.")


def saved_section(inputs, ids: list[str], a: Assumptions) -> None:
    """Save the presentation under a name in a group; open or delete a saved one."""
    from naravard.store import StoreError
    from naravard.ui import auth

    _messages()
    store = auth.bound_store()  # None: it says why; lists only the person's groups' presentations
    if store is None:
        return
    c1, c2 = st.columns(2)
    c1.text_input("Namn på presentationen", max_chars=80, key=KEY_PR_SAVE_NAME,
                  help="Namnet måste vara unikt inom gruppen.")
    with c2:
        auth.group_input("Grupp", KEY_PR_SAVE_GROUP, help="Till exempel partigruppen eller nämnden.")
    st.button("Spara presentationen", key=KEY_PR_SAVE, icon=":material/save:", disabled=not ids,
              on_click=_save, args=(store, list(ids), a))
    try:
        saved = store.list_presentations()
    except StoreError as e:
        st.error(e.message_sv, icon=":material/error:")
        return
    if st.session_state.get(KEY_PR_UNDO):
        st.button("Ångra borttagningen", key=KEY_PR_UNDO_BUTTON, icon=":material/undo:", on_click=_undo, args=(store,))
    if not saved:
        st.caption("Inga sparade presentationer ännu.")
        return
    options = {p.id: f"{p.name} ({p.group}, {len(p.slide_ids)} bilder)" for p in saved}
    chosen_id = st.selectbox("Sparade presentationer", options=list(options), format_func=options.get, key=KEY_PR_SAVED)
    if chosen_id is None:
        return
    name = next(p.name for p in saved if p.id == chosen_id)
    b1, b2 = st.columns(2)
    b1.button("Öppna", key=KEY_PR_OPEN, icon=":material/folder_open:", on_click=_open, args=(store, inputs, chosen_id))
    b2.button("Ta bort", key=KEY_PR_DELETE, icon=":material/delete:", on_click=_delete, args=(store, chosen_id, name))
