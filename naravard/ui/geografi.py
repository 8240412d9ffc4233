"""The Geografi page's sections: the register in use, the map with its what-if clicks,
the what-if and suggestion panels, and the scenario's unit changes.

The page (pages/geografi.py) only lays these out. The numbers come from the use case
(:mod:`naravard.services.geografi`), the figures and tables from
:mod:`naravard.views.geografi`; this module is the glue that reads and writes the
session.

**One list of changes.** The what-if changes (add, remove or move a vårdcentral or
filial; :class:`~naravard.model.geo.changes.UnitChange`) live under
:data:`~naravard.ui.state.KEY_GEO_CHANGES`, a plain tuple in the session. The Geografi
page edits it; the Scenario page puts it into ``Assumptions.enheter``, so a saved
scenario and a shared link carry it, and opening a saved scenario sets it. "Ångra"
steps back through :data:`~naravard.ui.state.KEY_GEO_HISTORY`.

**The register in use** is, in order: the one this session chose (an upload, or the
example that a user loads on purpose, labelled as incomplete on every figure it
feeds), else the published register version the session chose (kind "enheter" of
naravard.services.publishing; default the newest, like a published table), else none. Ids
named by a link or a saved scenario are checked against it
(:func:`~naravard.model.geo.changes.check_changes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from naravard import fmt
from naravard.export import link as share
from naravard.model.geo.changes import ADD, MAX_CHANGES, MOVE, REMOVE, UnitChange, check_changes
from naravard.sources import geoframes as gf
from naravard.ui import widgets
from naravard.ui.state import (
    KEY_GEO_CHANGES,
    KEY_GEO_HISTORY,
    KEY_GEO_LINK_READ,
    KEY_GEO_MESSAGES,
    KEY_GEO_MAP_NOREG,
    KEY_GEO_REGISTER,
    KEY_GEO_STORED_PROBLEMS,
    KEY_GEO_WARNINGS,
)

# Margin around the population grid's squares (metres) inside which a link's point
# counts as in the region: half a square plus room for the coast.
BOUNDS_MARGIN_M = 5_000
HISTORY_MAX = 50

# Where a register came from (RegisterInUse.kind).
KIND_UPLOAD = "upload"
KIND_EXAMPLE = "example"
KIND_STORED = "stored"


@dataclass(frozen=True, eq=False)
class RegisterInUse:
    """The unit register this session uses: the supply frame and what to call it.

    ``label_sv`` is shown with every figure the register feeds (for the example:
    "Exempel: OpenStreetMap 2020, ofullständigt – …"); ``attribution`` is a credit the
    source requires (ODbL), or ""."""

    frame: pd.DataFrame
    label_sv: str
    attribution: str
    kind: str
    token: str = ""  # identity for caches: kind and a digest of the content

    @classmethod
    def of(cls, frame: pd.DataFrame, label_sv: str, attribution: str, kind: str) -> RegisterInUse:
        """A register with its cache token (a digest of its CSV text)."""
        import hashlib

        from naravard.sources.units import register_csv_text

        digest = hashlib.sha256(register_csv_text(frame).encode("utf-8")).hexdigest()[:16]
        return cls(frame, label_sv, attribution, kind, f"{kind}:{digest}")

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self.frame[gf.SUPPLY_ID].astype(str))


# ------------------------------------------------------------------ the changes


def changes() -> tuple[UnitChange, ...]:
    """The scenario's unit changes in this session (a tuple, possibly empty)."""
    v = st.session_state.get(KEY_GEO_CHANGES, ())
    return tuple(c for c in v if isinstance(c, UnitChange)) if isinstance(v, (tuple, list)) else ()


def set_changes(new: Iterable[UnitChange], *, undoable: bool = True) -> None:
    """Replace the changes (at most ``MAX_CHANGES``); the old list goes to the history
    so that "Ångra" can bring it back. Safe in a callback."""
    new = tuple(new)[:MAX_CHANGES]
    old = changes()
    if new == old:
        return
    if undoable:
        hist = list(st.session_state.get(KEY_GEO_HISTORY, []))[-HISTORY_MAX + 1:]
        hist.append(old)
        st.session_state[KEY_GEO_HISTORY] = hist
    st.session_state[KEY_GEO_CHANGES] = new


def add_change(change: UnitChange) -> bool:
    """Append one change; False (with a Swedish message) when the list is full."""
    now = changes()
    if len(now) >= MAX_CHANGES:
        say("warning", f"Högst {MAX_CHANGES} ändringar av enheter kan ingå i ett scenario. Ta bort en ändring först.")
        return False
    set_changes(now + (change,))
    return True


def undo() -> None:
    """Callback of "Ångra": the list as it was before the last change."""
    hist = list(st.session_state.get(KEY_GEO_HISTORY, []))
    if hist:
        st.session_state[KEY_GEO_CHANGES] = tuple(hist.pop())
        st.session_state[KEY_GEO_HISTORY] = hist


def drop(i: int) -> None:
    """Callback of "Ta bort" beside change ``i`` (0-based)."""
    now = changes()
    if not 0 <= i < len(now):
        return
    set_changes(now[:i] + now[i + 1:])


def clear() -> None:
    set_changes(())


def consistent(items: Iterable[UnitChange], register: RegisterInUse | None) -> tuple[UnitChange, ...]:
    """The changes that still fit together: a removal or move must name a unit of the
    register that no earlier change removed. The pickers offer only the register's
    units (an added unit is changed by removing its change and adding it again), so
    the ids of added units ("ny-1", which shift when an earlier addition goes) are
    never named. With ``register`` None only repeated removals are dropped."""
    out: list[UnitChange] = []
    live = set(register.ids) if register is not None else None
    removed: set[str] = set()
    for c in items:
        if c.op != ADD:
            if (live is not None and c.unit_id not in live) or c.unit_id in removed:
                continue
            if c.op == REMOVE:
                removed.add(c.unit_id)
        out.append(c)
    return tuple(out)


def adopt_link_changes(items: Iterable[UnitChange]) -> None:
    """The changes a shared link brought (read by the Scenario page at session start);
    the session's own list wins if it has one."""
    if KEY_GEO_CHANGES not in st.session_state:
        st.session_state[KEY_GEO_CHANGES] = tuple(items)
    st.session_state[KEY_GEO_LINK_READ] = True


def scenario_note(items: Iterable[UnitChange]) -> str:
    n = len(tuple(items))
    what = "1 ändring av enheterna" if n == 1 else f"{fmt.number(n)} ändringar av enheterna"
    return (
        f"Scenariot innehåller {what} från sidan Geografi (ny, borttagen eller flyttad vårdcentral eller filial). "
        "De sparas och delas med scenariot och listas i exporten; de ändrar inte antalet vårdcentraler ovan."
    )


def say(kind: str, text: str) -> None:
    """Queue a message for the next run, once."""
    queue = st.session_state.setdefault(KEY_GEO_MESSAGES, [])
    if (kind, text) not in queue:
        queue.append((kind, text))


def messages() -> None:
    """Show and forget the queued messages and link warnings."""
    for w in st.session_state.pop(KEY_GEO_WARNINGS, []):
        st.warning(w, icon=":material/link_off:")
    for kind, text in st.session_state.pop(KEY_GEO_MESSAGES, []):
        # messages may name a file, a unit or a saved name: shown as text, never as Markdown
        getattr(st, kind if kind in ("success", "info", "warning", "error") else "info")(fmt.as_text(text))


# ------------------------------------------------------------------ the link


@st.cache_data(show_spinner=False, max_entries=4)
def _grid_bounds(path: str | None) -> tuple[float, float, float, float] | None:
    from naravard.sources.grid import GridError, load_grid

    try:
        g = load_grid(path)
    except GridError:
        return None
    if g.empty:
        return None
    m = BOUNDS_MARGIN_M
    return (float(g[gf.DEMAND_X].min() - m), float(g[gf.DEMAND_Y].min() - m),
            float(g[gf.DEMAND_X].max() + m), float(g[gf.DEMAND_Y].max() + m))


def region_bounds() -> tuple[float, float, float, float] | None:
    """The region's box in SWEREF 99 TM metres (the populated squares plus a margin),
    or None when the data dir has no grid."""
    from naravard.ui.cache import data_dir

    d = data_dir()
    return _grid_bounds(str(d) if d else None)


def link_context() -> tuple[frozenset[str], tuple[float, float, float, float] | None]:
    """What a link's unit changes are checked against: the ids of the register in use
    (empty without one: every removal and move is then dropped with a warning) and the
    region's box."""
    reg = register_in_use()
    return (reg.ids if reg is not None else frozenset()), region_bounds()


def init_from_link() -> None:
    """At the start of a session on the Geografi page: a shared link's ``enh`` becomes
    the list of changes (checked, with a warning per dropped change)."""
    if st.session_state.get(KEY_GEO_LINK_READ) or KEY_GEO_CHANGES in st.session_state:
        st.session_state[KEY_GEO_LINK_READ] = True
        return
    params = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    ids, bounds = link_context()
    found, warnings = share.changes_from_query(params, ids, bounds)
    st.session_state[KEY_GEO_CHANGES] = found
    st.session_state[KEY_GEO_LINK_READ] = True
    if warnings:
        st.session_state[KEY_GEO_WARNINGS] = warnings


def write_link(items: tuple[UnitChange, ...]) -> None:
    """Keep the page's address in step with the changes, so it can be shared."""
    want = share.to_query(_assumptions_with(items)).get(share.ENH_KEY)
    have = st.query_params.get(share.ENH_KEY)
    if want == have:
        return
    if want:
        st.query_params[share.VERSION_KEY] = share.QUERY_VERSION
        st.query_params[share.ENH_KEY] = want
    else:
        st.query_params.pop(share.ENH_KEY, None)


def _assumptions_with(items: tuple[UnitChange, ...]):
    from naravard.model.scenario import Assumptions

    return Assumptions(enheter=items)


def checked_changes(register: RegisterInUse | None) -> tuple[UnitChange, ...]:
    """The session's changes that fit the register in use and the region; the others
    are dropped from the list with a Swedish message each (e.g. after switching from
    the example to an imported register whose ids differ)."""
    now = changes()
    if not now:
        return now
    kept, warnings = check_changes(now, register.ids if register is not None else frozenset(), region_bounds())
    kept = consistent(kept, register)
    if kept != now:
        st.session_state[KEY_GEO_CHANGES] = kept
        for w in warnings or ["Ändringar som inte passar registret som används har utelämnats."]:
            st.warning(fmt.as_text(w), icon=":material/warning:")
    return kept


# ------------------------------------------------------------------ the register in use


def register_in_use(ds=None) -> RegisterInUse | None:
    """The session's register, else the chosen published one (default the newest), else None."""
    reg = st.session_state.get(KEY_GEO_REGISTER)
    if isinstance(reg, RegisterInUse):
        return reg
    return stored_register(ds)


@st.cache_data(show_spinner=False, max_entries=4)
def _validated_stored(path: str | None, overrides, identity: str, version_id: int, _info, _content: str, _ds):
    """A published register validated against the data in use, once per version and
    data (a version never changes): (RegisterInUse or None, Swedish problems)."""
    from naravard.services import publishing

    frame, label, problems = publishing.register_from_version(_info, _content, _ds, path)
    if frame is None:
        return None, tuple(problems)
    return RegisterInUse.of(frame, label, "", KIND_STORED), ()


def stored_register(ds=None) -> RegisterInUse | None:
    """The published register this session uses (its choice, default the newest),
    validated again against the data in use, or None (none published or chosen, the
    store unreadable and the version never read here, or it no longer fits the data:
    then the Geografi page says why). A version once read stays usable while the
    database is stopped (ui.cache keeps it)."""
    from naravard.services.publishing import KIND_REGISTER
    from naravard.store import StoreError
    from naravard.ui import cache

    info = cache.chosen_version(KIND_REGISTER)
    if info is None:
        return None
    ds = ds if ds is not None else cache.session_dataset()
    if ds is None:
        return None
    try:
        content = cache.version_content(info)
    except StoreError:
        return None
    reg, problems = _validated_stored(_path(), cache.data_overrides(), cache.store_identity(), int(info.id), info,
                                      content, ds)
    if problems:
        st.session_state[KEY_GEO_STORED_PROBLEMS] = problems
    return reg


def use_register(reg: RegisterInUse | None) -> None:
    if reg is None:
        st.session_state.pop(KEY_GEO_REGISTER, None)
    else:
        st.session_state[KEY_GEO_REGISTER] = reg


def units_by_name(reg: RegisterInUse, items: tuple[UnitChange, ...] = ()) -> dict[str, str]:
    """Unit id → "Name (type)" for pickers: the register's units, less those the
    changes remove."""
    names: dict[str, str] = {}
    for r in reg.frame.itertuples(index=False):
        uid = str(getattr(r, gf.SUPPLY_ID))
        names[uid] = f"{getattr(r, gf.SUPPLY_NAME)} ({gf.TYPE_LABELS_SV.get(getattr(r, gf.SUPPLY_TYPE), '')})"
    for c in items:
        if c.op == REMOVE:
            names.pop(c.unit_id, None)
    return names


def describe(c: UnitChange, names: Mapping[str, str]) -> str:
    """A change in plain Swedish, naming the unit when the register knows it."""
    if c.op == ADD:
        return c.describe_sv()
    who = names.get(c.unit_id, c.unit_id)
    if c.op == REMOVE:
        return f"{who} tas bort"
    return f"{who} flyttas till {c.x} / {c.y} (SWEREF 99 TM)"


# ------------------------------------------------------------------ register section

@st.cache_data(show_spinner="Registret kontrolleras …", max_entries=8, ttl=3600)
def _checked_register(path: str | None, overrides, raw: bytes, filename: str, _ds):
    """An uploaded register checked once per file content and data in use (a rerun is
    a cache hit): services.units.check_register."""
    from naravard.services import units as register_service

    return register_service.check_register(_ds, raw, filename, data_dir=path)


@st.cache_data(show_spinner=False, max_entries=4)
def _example(path: str | None, overrides, _ds):
    from naravard.services import units as register_service

    return register_service.example_register(_ds, path)


def _path() -> str | None:
    from naravard.ui.cache import data_dir

    d = data_dir()
    return str(d) if d else None


def example_register() -> RegisterInUse | None:
    """The data dir's example (OpenStreetMap), labelled as incomplete, or None."""
    from naravard.errors import DataError
    from naravard.ui.cache import data_overrides, session_dataset

    ds = session_dataset()
    if ds is None:
        return None
    try:
        frame, info = _example(_path(), data_overrides(), ds)
    except DataError:
        return None
    return RegisterInUse.of(frame, info.label_sv, info.attribution, KIND_EXAMPLE)


def _use_example() -> None:
    reg = example_register()
    if reg is None:
        say("error", "Datamappen har inget exempelregister.")
        return
    use_register(reg)  # the status line above the page says which register is in use, with its label


def _use_upload(report) -> None:
    use_register(RegisterInUse.of(report.frame, report.source_label or f"Eget register: {report.filename}", "", KIND_UPLOAD))
    say("success", f"Registret {report.filename} används nu i din session ({fmt.number(len(report.frame))} enheter).")


def _stop_register() -> None:
    use_register(None)


def register_status(reg: RegisterInUse | None) -> None:
    """One line on which register is in use (the example's label in full)."""
    if reg is None:
        st.info(
            "Inget enhetsregister är inläst. Kartan visar befolkningen per ruta; för avstånd till vårdcentral och "
            "filial behövs ett register. Ladda upp regionens register nedan, eller prova med exemplet.",
            icon=":material/info:",
        )
    elif reg.kind == KIND_EXAMPLE:
        st.warning(fmt.as_text(f"{reg.label_sv}. {reg.attribution}. Exemplet är inte regionens register."),
                   icon=":material/warning:")
    else:
        st.success(fmt.as_text(f"Register som används: {reg.label_sv} ({fmt.number(len(reg.frame))} enheter)."),
                   icon=":material/task_alt:")


def register_section(ds) -> RegisterInUse | None:
    """Upload, templates, the example, the check against the supply table, and keep
    for all users. Returns the register in use after the section's buttons."""
    from naravard.sources import units
    from naravard.ui.cache import data_overrides
    from naravard.ui.state import (
        KEY_GEO_REG_EXAMPLE,
        KEY_GEO_REG_RESET,
        KEY_GEO_REG_TEMPLATE,
        KEY_GEO_REG_TEMPLATE_EXCEL,
        KEY_GEO_REG_UPLOAD,
        KEY_GEO_REG_USE,
    )
    from naravard.ui.widgets import table

    reg = register_in_use(ds)
    register_status(reg)
    if reg is None or reg.kind == KIND_STORED:
        register_version_choice(reg)
    for p in st.session_state.pop(KEY_GEO_STORED_PROBLEMS, ()):
        st.warning(fmt.as_text(p), icon=":material/warning:")
    with st.expander("Enhetsregister: ladda upp, mall och exempel", expanded=reg is None, icon=":material/upload_file:"):
        st.markdown(
            "Ett register har en rad per vårdcentral och filial: id, namn, typ, huvudenhet (för en filial), "
            "kommunkod, driftform, koordinater (WGS84 lat/lon eller SWEREF 99 TM x/y), listade och listningsdatum, "
            "källa. Inget fullständigt offentligt register med koordinater och listade finns; regionens planerare "
            "har ett (vårdvalets enhetslista och listningsstatistik)."
        )
        c1, c2, c3 = st.columns(3)
        c1.download_button("Mall (CSV)", data=units.template_csv_bytes(), file_name="enhetsregister_mall.csv",
                           mime="text/csv", key=KEY_GEO_REG_TEMPLATE, icon=":material/download:", on_click="ignore")
        c2.download_button("Mall (Excel)", data=units.template_xlsx_bytes, file_name="enhetsregister_mall.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=KEY_GEO_REG_TEMPLATE_EXCEL, icon=":material/table:", on_click="ignore")
        c3.button("Använd exemplet", key=KEY_GEO_REG_EXAMPLE, on_click=_use_example, icon=":material/science:",
                  help="Exempel: OpenStreetMap 2020, ofullständigt. Det är inte regionens register, och varje "
                       "siffra från det märks så.")
        up = st.file_uploader("Ladda upp register (CSV eller Excel .xlsx)", type=["csv", "xlsx", "txt"],
                              key=KEY_GEO_REG_UPLOAD, help=f"Högst {fmt.number(units.MAX_UNITS)} enheter. "
                              "Registret gäller din session tills du sparar det för alla användare.")
        report = None
        if up is not None:
            report = _checked_register(_path(), data_overrides(), up.getvalue(), up.name, ds)
            for n in report.notices_sv:
                st.info(fmt.as_text(n), icon=":material/info:")
            if report.ok:
                st.success(fmt.as_text(report.message_sv), icon=":material/task_alt:")
                st.button("Använd registret", key=KEY_GEO_REG_USE, on_click=_use_upload, args=(report,),
                          icon=":material/check:", type="primary")
            else:
                st.error(fmt.as_text(f"Filen {report.filename} kunde inte användas. Inget har sparats."),
                         icon=":material/error:")
                shown = report.problems_sv[:30]
                st.markdown("\n".join(f"- {fmt.as_text(p)}" for p in shown))
                if len(report.problems_sv) > len(shown):
                    st.caption(f"… och {fmt.number(len(report.problems_sv) - len(shown))} problem till.")
        if reg is not None and ds.has("utbud"):
            st.markdown("**Kontroll mot utbudstabellen** (visas som kontroll, justeras aldrig)")
            table(check_display(units.register_check(reg.frame, ds.table("utbud"))),
                  alt="Antal vårdcentraler och filialer per kommun i registret och i utbudstabellen.")
        if reg is not None and reg.kind != KIND_STORED:
            st.button("Sluta använda registret", key=KEY_GEO_REG_RESET, on_click=_stop_register,
                      icon=":material/close:")
        store_section(reg, report)
    reg = register_in_use(ds)
    if reg is not None:
        matrix_section(reg)
    return reg


@st.cache_data(show_spinner=False, max_entries=4)
def _checked_matrix(path: str | None, reg_token: str, raw: bytes, filename: str, _reg_frame):
    """A travel matrix checked against the grid and the register in use, cached by the
    file's bytes and the register's identity (a rerun does not read the file again)."""
    from naravard.services import units as register_service

    return register_service.check_travel_matrix(_grid(path), _reg_frame, raw, filename)


def matrix_in_use(reg: RegisterInUse | None):
    """(token, cost frame, unit, file name) of the travel matrix in use, if it was
    checked against this register; a matrix of another register is dropped."""
    from naravard.ui.state import KEY_GEO_MATRIX

    m = st.session_state.get(KEY_GEO_MATRIX)
    if m is None or reg is None or m[0][0] != reg.token:
        return None
    return m


def _use_matrix(report, reg_token: str, digest: str) -> None:
    from naravard.ui.state import KEY_GEO_MATRIX

    st.session_state[KEY_GEO_MATRIX] = ((reg_token, digest), report.frame, report.unit, report.filename)
    say("success", f"Restidsmatrisen {report.filename} används nu i stället för fågelvägen.")


def _stop_matrix() -> None:
    from naravard.ui.state import KEY_GEO_MATRIX

    st.session_state.pop(KEY_GEO_MATRIX, None)


def matrix_section(reg: RegisterInUse) -> None:
    """An imported travel-time or distance matrix (square id → unit id, e.g. an r5r run)
    replaces the straight-line distance; it is checked against the grid and the register
    in use and lives in this session only."""
    import hashlib

    from naravard.ui.state import KEY_GEO_MATRIX_RESET, KEY_GEO_MATRIX_UPLOAD, KEY_GEO_MATRIX_USE

    m = matrix_in_use(reg)
    with st.expander("Restidsmatris (valfritt)", expanded=False, icon=":material/route:"):
        st.markdown(
            "En restids- eller avståndsmatris ersätter fågelvägen: en rad per ruta och enhet med kolumnerna "
            "`ruta_id`, `enhet_id` och `minuter` (eller `km`), till exempel från en r5r-körning. Rutorna ska finnas "
            "i befolkningsrutnätet och enheterna i registret som används. Matrisen gäller bara din session."
        )
        up = st.file_uploader("Ladda upp matris (CSV)", type=["csv", "txt"], key=KEY_GEO_MATRIX_UPLOAD)
        if up is not None:
            raw = up.getvalue()
            report = _checked_matrix(_path(), reg.token, raw, up.name, reg.frame)
            for n in report.notices:
                st.info(fmt.as_text(n), icon=":material/info:")
            if report.ok:
                st.success(fmt.as_text(report.message_sv), icon=":material/task_alt:")
                st.button("Använd matrisen", key=KEY_GEO_MATRIX_USE, on_click=_use_matrix,
                          args=(report, reg.token, hashlib.sha256(raw).hexdigest()[:16]),
                          icon=":material/check:", type="primary")
            else:
                st.error(fmt.as_text(f"Filen {report.filename} kunde inte användas. Inget har sparats."),
                         icon=":material/error:")
                st.markdown("\n".join(f"- {fmt.as_text(p)}" for p in report.problems[:30]))
        if m is not None:
            st.caption(fmt.markdown_escape(f"Matrisen {m[3]} används ({gf.COST_UNITS.get(m[2], m[2])})."))
            st.button("Sluta använda matrisen", key=KEY_GEO_MATRIX_RESET, on_click=_stop_matrix,
                      icon=":material/close:")


def _keep(report) -> None:
    """Callback of "Spara för alla användare": publish the checked upload as a register
    version (kind "enheter"); the store refuses anyone but a planerare."""
    from naravard.services import publishing
    from naravard.store import StoreError
    from naravard.ui import auth, cache
    from naravard.ui.state import KEY_GEO_REG_NAME, KEY_GEO_REG_NOTE, KEY_GEO_REG_SOURCE

    store = auth.bound_store()
    if store is None:
        say("error", "Lagringen kan inte öppnas; registret sparades inte.")
        return
    try:
        saved = publishing.publish_register(store, report, st.session_state.get(KEY_GEO_REG_NAME, ""),
                                            st.session_state.get(KEY_GEO_REG_SOURCE, ""),
                                            st.session_state.get(KEY_GEO_REG_NOTE, ""))
    except StoreError as e:
        say("error", e.message_sv)
        return
    cache.forget_published_list()
    cache.set_version_choice(publishing.KIND_REGISTER, int(saved.id))
    st.session_state.pop(KEY_GEO_REGISTER, None)  # the published one is now everyone's, this session's too
    say("success", f"Registret är sparat för alla användare som ”{saved.name}” ({fmt.number(saved.rows)} enheter).")


def store_section(reg: RegisterInUse | None, report) -> None:
    """"Spara för alla användare" (planerare only): a checked upload is published as a
    register version, which becomes every user's default (the newest published)."""
    from naravard.services.publishing import MAX_SOURCE_CHARS
    from naravard.ui import auth
    from naravard.ui.state import KEY_GEO_REG_NAME, KEY_GEO_REG_NOTE, KEY_GEO_REG_SAVE, KEY_GEO_REG_SOURCE

    if report is None or not report.ok:
        return
    if not auth.current_access().can_publish:
        st.caption("Registret gäller din session. Bara en planerare kan spara ett register för alla användare.")
        return
    store = auth.bound_store()  # the one that publishes (_keep); here only: is it writable?
    if store is None or getattr(store, "read_only", False):
        st.caption("Registret kan inte sparas för alla användare här (lagringen är skrivskyddad eller saknas).")
        return
    st.markdown("**Spara för alla användare**")
    st.text_input("Namn på registret", max_chars=80, key=KEY_GEO_REG_NAME,
                  help="Till exempel enhetslistans namn och månad. Det senast sparade registret är förval för alla.")
    if KEY_GEO_REG_SOURCE not in st.session_state and report.source_label:
        st.session_state[KEY_GEO_REG_SOURCE] = report.source_label[:MAX_SOURCE_CHARS]
    st.text_input("Källa", max_chars=MAX_SOURCE_CHARS, key=KEY_GEO_REG_SOURCE,
                  help="Vem som har tagit fram registret (till exempel vårdvalets enhetslista och månad). Krävs.")
    st.text_input("Not (valfri)", max_chars=300, key=KEY_GEO_REG_NOTE)  # one line here; the store allows more
    st.button("Spara för alla användare", key=KEY_GEO_REG_SAVE, on_click=_keep, args=(report,),
              icon=":material/cloud_upload:")


def register_version_choice(reg: RegisterInUse | None) -> None:
    """"Registerversion": which published register this session uses when it has not
    loaded its own (default the newest); "Inget publicerat register" turns it off.
    When the database cannot be reached, says so and which register is still in use."""
    from naravard.services.publishing import KIND_REGISTER
    from naravard.ui import auth, cache
    from naravard.ui.data_import import publish_messages, version_select, withdraw_controls

    listing = cache.published_list()
    publish_messages()
    chosen = version_select(KIND_REGISTER, "Registerversion", "Inget publicerat register", listing)
    if chosen is not None and auth.current_access().can_publish and not listing.unavailable_sv:
        withdraw_controls(KIND_REGISTER, chosen)
    if listing.unavailable_sv:
        using = f"Registret {reg.label_sv} används fortfarande." if reg is not None else "Inget publicerat register används."
        st.warning(fmt.as_text(f"Databasen kan inte nås just nu ({listing.unavailable_sv.rstrip('.')}). {using}"),
                   icon=":material/cloud_off:")


def check_display(chk: pd.DataFrame) -> pd.DataFrame:
    """The register check as a Swedish table (the smallest adapter: the view for it is
    a column rename and a sign)."""
    from naravard.sources.units import REGION_ROW

    rows = []
    for code, r in chk.iterrows():
        rows.append({
            "Kommun": "Hela regionen" if code == REGION_ROW else (r["kommun"] or str(code)),
            "VC i registret": fmt.number(r["vc_register"]),
            "VC i tabellen": fmt.number(r["vc_tabell"]),
            "Skillnad VC": fmt.number(r["vc_skillnad"], signed=True),
            "Filialer i registret": fmt.number(r["filial_register"]),
            "Filialer i tabellen": fmt.number(r["filial_tabell"]),
            "Skillnad filialer": fmt.number(r["filial_skillnad"], signed=True),
        })
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ analysis

ADD_NONE = "inget"
ADD_OPTIONS = {gf.TYPE_FILIAL: "filial", gf.TYPE_VC: "vårdcentral", ADD_NONE: "inget (bara titta)"}
DETOUR_MIN, DETOUR_MAX = 1.0, 3.0


@st.cache_data(show_spinner=False, max_entries=16)
def _analysis(path, overrides, reg_token, _ds, _frame, scenario_key, items, detour, label, attribution,
              matrix_token=None, _cost=None, cost_unit="km"):
    """The use case's result, cached by what it depends on (data dir and imports,
    the register's identity, the scenario's forecast and year, the changes, the detour);
    the dataset and the register frame are named by those keys, not hashed.
    ``scenario_key`` is ("rutnat", forecast) or ("scenario", the assumptions' JSON): plain
    text, because the cache hashes its arguments by copying them."""
    from naravard.model.scenario import Assumptions
    from naravard.services import geografi as service

    kind, value = scenario_key
    scenario = Assumptions.from_json(value) if kind == YEAR_SCENARIO else (None, value)
    return service.analyse(_ds, scenario, _frame, items, detour=detour, register_label_sv=label,
                           register_attribution=attribution, cost=_cost, cost_unit=cost_unit)




def _scenario_for(year_choice: str) -> tuple[str, str]:
    """The scenario whose population the squares show, as a cache key: the grid's own
    year, or the Scenario page's assumptions (forecast, own rates, horizon; the app's
    forecast if the Scenario page has not run yet)."""
    from naravard.ui.chrome import variant

    if year_choice == YEAR_SCENARIO:
        from naravard.ui.state import KEY_SC_CURRENT
        from naravard.views import scenario as sc_view

        box = st.session_state.get(KEY_SC_CURRENT)
        a = sc_view.current(box)
        if box is None:
            a = a.replace(prognos=variant())
        return (YEAR_SCENARIO, a.replace(enheter=()).to_json())
    return (YEAR_GRID, variant())


YEAR_GRID, YEAR_SCENARIO = "rutnat", "scenario"


def analysis(ds, reg: RegisterInUse, items: tuple[UnitChange, ...], year_choice: str, detour: float):
    """The use case's result for the session's choices (cached)."""
    from naravard.ui.cache import data_overrides

    m = matrix_in_use(reg)
    return _analysis(_path(), data_overrides(), reg.token, ds, reg.frame, _scenario_for(year_choice), items,
                     float(detour), reg.label_sv, reg.attribution,
                     m[0] if m else None, m[1] if m else None, m[2] if m else "km")


def _on_map_click(fig, demand: pd.DataFrame) -> None:
    """Callback of a click on the map: with "Lägg till: filial/vårdcentral", a unit of
    that type at the centre of the clicked population square (the square's id is its
    point's customdata: views.geografi.clicked_square)."""
    from naravard.ui.state import KEY_GEO_ADD_TYPE, KEY_GEO_MAP_CLICK
    from naravard.views import geografi as view

    kind = st.session_state.get(KEY_GEO_ADD_TYPE, ADD_NONE)
    if kind not in gf.UNIT_TYPES:
        return
    square = view.clicked_square(st.session_state.get(KEY_GEO_MAP_CLICK), fig)
    xy = view.square_xy(demand, square) if square else None
    if xy is None:
        say("info", "Klicka på en befolkad ruta på kartan för att lägga till en enhet där.")
        return
    change = UnitChange(ADD, unit_type=kind, x=xy[0], y=xy[1])
    if add_change(change):
        say("success", f"Tillagd: {change.describe_sv()}.")


# ------------------------------------------------------------------ what-if panel


def _places(demand: pd.DataFrame, kommun: str) -> dict[str, str]:
    """Populated squares of a kommun, most people first: square id → a readable label."""
    sub = demand[(demand[gf.DEMAND_KOMMUN].astype(str) == kommun) & (demand[gf.DEMAND_POP] > 0)]
    sub = sub.sort_values([gf.DEMAND_POP, gf.DEMAND_ID], ascending=[False, True])
    return {
        str(r[gf.DEMAND_ID]): f"Ruta {r[gf.DEMAND_ID]} – {fmt.number(r[gf.DEMAND_POP])} invånare "
        f"({int(r[gf.DEMAND_X])} / {int(r[gf.DEMAND_Y])})"
        for _, r in sub.iterrows()
    }


def _square_xy(demand: pd.DataFrame, square, kommun=None) -> tuple[int, int] | None:
    """The square's centre, if it is a square of ``kommun`` (a pick left over from the
    kommun chosen before does not count)."""
    from naravard.views import geografi as view

    if not square:
        return None
    if kommun is not None:
        hit = demand[demand[gf.DEMAND_ID].astype(str) == str(square)]
        if hit.empty or str(hit.iloc[0][gf.DEMAND_KOMMUN]) != str(kommun):
            return None
    return view.square_xy(demand, str(square))


def _add_at_place(demand: pd.DataFrame) -> None:
    from naravard.ui.state import KEY_GEO_PLACE, KEY_GEO_PLACE_KOMMUN, KEY_GEO_PLACE_TYPE

    xy = _square_xy(demand, st.session_state.get(KEY_GEO_PLACE, ""), st.session_state.get(KEY_GEO_PLACE_KOMMUN))
    kind = st.session_state.get(KEY_GEO_PLACE_TYPE, gf.TYPE_FILIAL)
    if xy is None or kind not in gf.UNIT_TYPES:
        say("warning", "Välj en plats i listan först.")
        return
    change = UnitChange(ADD, unit_type=kind, x=xy[0], y=xy[1])
    if add_change(change):
        say("success", f"Tillagd: {change.describe_sv()}.")


def _remove_unit(names: Mapping[str, str]) -> None:
    from naravard.ui.state import KEY_GEO_UNIT

    uid = st.session_state.get(KEY_GEO_UNIT)
    if uid not in names:
        say("warning", "Välj en enhet i listan först.")
        return
    if add_change(UnitChange(REMOVE, unit_id=uid)):
        say("success", f"{names[uid]} tas bort i scenariot.")


def _move_unit(names: Mapping[str, str], demand: pd.DataFrame) -> None:
    from naravard.ui.state import KEY_GEO_MOVE_KOMMUN, KEY_GEO_MOVE_PLACE, KEY_GEO_UNIT

    uid = st.session_state.get(KEY_GEO_UNIT)
    xy = _square_xy(demand, st.session_state.get(KEY_GEO_MOVE_PLACE, ""), st.session_state.get(KEY_GEO_MOVE_KOMMUN))
    if uid not in names or xy is None:
        say("warning", "Välj både en enhet och en ny plats först.")
        return
    if add_change(UnitChange(MOVE, unit_id=uid, x=xy[0], y=xy[1])):
        say("success", f"{names[uid]} flyttas i scenariot.")


def _label_of(labels: Mapping[str, str]):
    """A picker's format function that never returns None (a value left from other
    options, e.g. a place of the kommun chosen before, shows as itself)."""
    return lambda k: labels.get(k, str(k))


def whatif_panel(ds, reg: RegisterInUse, demand: pd.DataFrame, items: tuple[UnitChange, ...]) -> None:
    """The list of changes with "Ångra"/"Ta bort", and three ways to change: add at a
    place picked from a list, remove a unit, move a unit."""
    from naravard.ui.state import (
        KEY_GEO_CLEAR,
        KEY_GEO_DROP_PREFIX,
        KEY_GEO_HISTORY,
        KEY_GEO_MOVE_KOMMUN,
        KEY_GEO_MOVE_PLACE,
        KEY_GEO_PLACE,
        KEY_GEO_PLACE_ADD,
        KEY_GEO_PLACE_KOMMUN,
        KEY_GEO_PLACE_TYPE,
        KEY_GEO_UNDO,
        KEY_GEO_UNIT,
        KEY_GEO_UNIT_MOVE,
        KEY_GEO_UNIT_REMOVE,
    )

    st.markdown("**Ändringar i scenariot**")
    names = units_by_name(reg)
    if not items:
        st.caption("Inga ändringar ännu. Klicka på kartan, eller använd valen nedan.")
    for i, c in enumerate(items):
        a, b = st.columns([2.4, 1], vertical_alignment="center")
        a.markdown(f"{i + 1}. {fmt.markdown_escape(describe(c, names))}")
        b.button("Ta bort", key=f"{KEY_GEO_DROP_PREFIX}{i}", on_click=drop, args=(i,), help="Ta bort den här ändringen.")
    u1, u2 = st.columns(2)
    u1.button("Ångra", key=KEY_GEO_UNDO, on_click=undo, icon=":material/undo:",
              disabled=not st.session_state.get(KEY_GEO_HISTORY), help="Tillbaka till listan före den senaste ändringen.")
    u2.button("Ta bort alla", key=KEY_GEO_CLEAR, on_click=clear, icon=":material/delete_sweep:", disabled=not items)

    kommuner = ds.kommun_names()
    codes = [c for c in kommuner if c in set(demand[gf.DEMAND_KOMMUN].astype(str))]
    with st.expander("Lägg till på en plats ur listan", icon=":material/add_location:"):
        k = st.selectbox("Kommun", options=codes, format_func=_label_of(kommuner), key=KEY_GEO_PLACE_KOMMUN)
        places = _places(demand, k) if k else {}
        st.selectbox("Plats (befolkad ruta, flest invånare först)", options=list(places), format_func=_label_of(places),
                     key=KEY_GEO_PLACE)
        st.radio("Typ", options=list(gf.UNIT_TYPES)[::-1], format_func=ADD_OPTIONS.get, key=KEY_GEO_PLACE_TYPE,
                 horizontal=True)
        st.button("Lägg till", key=KEY_GEO_PLACE_ADD, on_click=_add_at_place, args=(demand,), icon=":material/add:")
    live = units_by_name(reg, items)
    with st.expander("Ta bort eller flytta en enhet", icon=":material/edit_location_alt:"):
        st.selectbox("Enhet", options=list(live), format_func=_label_of(live), key=KEY_GEO_UNIT)
        st.button("Ta bort enheten", key=KEY_GEO_UNIT_REMOVE, on_click=_remove_unit, args=(live,),
                  icon=":material/remove_circle:")
        mk = st.selectbox("Flytta till kommun", options=codes, format_func=_label_of(kommuner), key=KEY_GEO_MOVE_KOMMUN)
        mplaces = _places(demand, mk) if mk else {}
        st.selectbox("Ny plats", options=list(mplaces), format_func=_label_of(mplaces), key=KEY_GEO_MOVE_PLACE)
        st.button("Flytta enheten", key=KEY_GEO_UNIT_MOVE, on_click=_move_unit, args=(live, demand),
                  icon=":material/moving:")


# ------------------------------------------------------------------ suggestions

SUG_METHODS = {"mclp": "Flest invånare inom R km (MCLP)", "pmedian": "Kortast medelavstånd (p-median, heuristik)"}
SUG_P_MIN, SUG_P_MAX = 1, 10
SUG_R_MIN, SUG_R_MAX, SUG_R_DEFAULT = 1.0, 50.0, 10.0


def _suggest(an, fingerprint) -> None:
    """Callback of "Föreslå platser": the solver runs once per click, its result is
    kept with what it was asked (the analysis' fingerprint) so a stale one is not shown."""
    from naravard.errors import NaravardError
    from naravard.services import geografi as service
    from naravard.ui.state import KEY_GEO_SUG_METHOD, KEY_GEO_SUG_P, KEY_GEO_SUG_R, KEY_GEO_SUG_RESULT

    p = int(st.session_state.get(KEY_GEO_SUG_P, 3))
    method = st.session_state.get(KEY_GEO_SUG_METHOD, "mclp")
    radius = float(st.session_state.get(KEY_GEO_SUG_R, SUG_R_DEFAULT))
    try:
        res = service.suggest(an, p=p, method=method, radius_km=radius)
    except NaravardError as e:
        say("error", e.message_sv)
        return
    st.session_state[KEY_GEO_SUG_RESULT] = (fingerprint, (p, method, radius), res)


def _add_suggestions(res) -> None:
    from naravard.ui.state import KEY_GEO_SUG_RESULT, KEY_GEO_SUG_TYPE

    kind = st.session_state.get(KEY_GEO_SUG_TYPE, gf.TYPE_FILIAL)
    now = changes()
    new = [UnitChange(ADD, unit_type=kind, x=int(round(float(r["x"]))), y=int(round(float(r["y"]))))
           for _, r in res.sites.iterrows()]
    room = MAX_CHANGES - len(now)
    if room <= 0:
        say("warning", f"Högst {MAX_CHANGES} ändringar av enheter kan ingå i ett scenario. Ta bort en ändring först.")
        return
    set_changes(now + tuple(new[:room]))
    st.session_state.pop(KEY_GEO_SUG_RESULT, None)
    say("success", f"{fmt.number(min(room, len(new)))} föreslagna platser har lagts till i scenariot som "
                   f"{gf.TYPE_PLURAL_SV[kind] if len(new) > 1 else gf.TYPE_LABELS_SV[kind]}.")


def current_suggestion(fingerprint):
    """The kept suggestion if it was made for this analysis, else None."""
    from naravard.ui.state import KEY_GEO_SUG_RESULT

    kept = st.session_state.get(KEY_GEO_SUG_RESULT)
    if isinstance(kept, tuple) and len(kept) == 3 and kept[0] == fingerprint:
        return kept[2]
    return None


# ------------------------------------------------------------------ the analysis fragment

def _to_options() -> dict[str, str]:
    """The distances the map and the kommun table can show (the use case's keys and labels)."""
    from naravard.services.geografi import ANY, KEY_LABELS_SV

    return {k: KEY_LABELS_SV[k] for k in (gf.TYPE_VC, gf.TYPE_FILIAL, ANY)}


def _headlines(ds, an) -> None:
    """Headline figures with their change after the what-if (views.geografi.headline)."""
    from naravard.ui.state import KEY_GEO_HEADLINES
    from naravard.views import geografi as view

    items = view.headline(an, ds)
    with st.container(key=KEY_GEO_HEADLINES):
        for col, (label, value, delta, help_) in zip(st.columns(len(items)), items):
            widgets.metric(col, label, value, delta, help_)


def source_caption(ds, an=None) -> None:
    """The Källa lines (grid, units with the example's label, distance, boundaries, deck)."""
    from naravard.views import geografi as view

    st.caption("  \n".join(_escaped(t) for t in view.source_lines(
        ds, an, grid_citation=_grid_citation(), boundary_citation=_boundary_citation(ds))))


SOURCE_PREFIX = "Källa: "


def _escaped(line: str) -> str:
    """A Källa line for Markdown: the leading "Källa: " as written, the rest (which may
    name an uploaded file) escaped."""
    if line.startswith(SOURCE_PREFIX):
        return SOURCE_PREFIX + fmt.markdown_escape(line[len(SOURCE_PREFIX):])
    return fmt.markdown_escape(line)


def _grid_citation() -> str:
    from naravard.sources.grid import grid_info

    info = grid_info(_path())
    return info.citation if info else ""


def _boundary_citation(ds) -> str:
    from naravard.sources import boundaries as geo
    from naravard.ui.cache import boundary_source

    src = boundary_source(ds)
    if src.gdf is None:
        return ""
    if src.origin == geo.ORIGIN_EMBEDDED:
        info = geo.embedded_info(_path())
        return info.citation if info else ""
    return src.label_sv


def _boundaries(ds):
    from naravard.ui.cache import boundary_source

    return boundary_source(ds).gdf


@st.fragment
def analysis_section(ds, reg: RegisterInUse) -> None:
    """Map, headline figures, what-if and suggestion panels, the tables.

    A fragment: a click on the map, a what-if button or a control reruns only this
    part. Every figure is labelled with the register it comes from (the example's
    "ofullständigt" label is in the Källa lines and written into the map itself)."""
    from naravard.errors import NaravardError
    from naravard.services import geografi as service
    from naravard.ui.state import (
        KEY_GEO_ADD_TYPE,
        KEY_GEO_COLOUR,
        KEY_GEO_DETOUR,
        KEY_GEO_MAP,
        KEY_GEO_MAP_CLICK,
        KEY_GEO_TO_TYPE,
        KEY_GEO_YEAR,
    )
    from naravard.ui.widgets import chart, number_input, table
    from naravard.views import geografi as view

    messages()
    items = checked_changes(reg)
    write_link(items)

    c1, c2, c3 = st.columns([1.2, 1.2, 1])
    to_options = _to_options()
    to_key = c1.selectbox("Avstånd till närmaste", options=list(to_options), format_func=_label_of(to_options),
                          index=len(to_options) - 1, key=KEY_GEO_TO_TYPE,
                          help="Vilket avstånd kartans färger och tabellen per kommun visar.")
    year_choice = c2.segmented_control(
        "Befolkning", options=[YEAR_GRID, YEAR_SCENARIO], default=YEAR_GRID, required=True, key=KEY_GEO_YEAR,
        format_func={YEAR_GRID: "Rutnätets år", YEAR_SCENARIO: "Scenariots år"}.get,
        help="Scenariots år: varje ruta skalas med sin kommuns befolkningsförändring enligt scenariots prognos "
             f"(antagande: {service.ASSUMPTION_SV}).",
    )
    detour = number_input(
        "Omvägsfaktor (1,0 = fågelväg)", key=KEY_GEO_DETOUR, min_value=DETOUR_MIN, max_value=DETOUR_MAX, decimals=2,
        default=1.0, container=c3,
        help="Avståndet är fågelvägen i SWEREF 99 TM gånger faktorn. 1,0 betyder fågelväg; vägen är oftast längre. "
             "Faktorn är ett antagande som du väljer.",
    )
    try:
        an = analysis(ds, reg, items, year_choice, detour)
    except NaravardError as e:
        st.error(e.message_sv, icon=":material/error:")
        return
    if to_key not in an.keys:
        to_key = an.keys[-1]
    for w in an.warnings_sv:
        st.warning(w, icon=":material/warning:")
    if an.scaling.scaled:
        st.caption(fmt.markdown_escape(an.scaling.text_sv))
    for n in an.notes_sv:
        st.caption(fmt.markdown_escape(n))

    _headlines(ds, an)
    fingerprint = (reg.token, items, year_choice, float(detour))
    sug = current_suggestion(fingerprint)

    left, right = st.columns([2.2, 1])
    with left:
        r1, r2 = st.columns([1.4, 1])
        r1.radio("Lägg till:", options=list(ADD_OPTIONS), format_func=ADD_OPTIONS.get, key=KEY_GEO_ADD_TYPE,
                 horizontal=True,
                 help="Välj typ och klicka på en befolkad ruta på kartan: enheten läggs till i scenariot där. "
                      "Med ”inget” kan du klicka och zooma utan att något ändras.")
        colour = r2.segmented_control("Färga rutorna efter", options=list(view.COLOR_MODES), default=view.COLOR_BY_BAND,
                                      required=True, format_func=COLOUR_LABELS.get, key=KEY_GEO_COLOUR)
        sites = sug.sites if sug is not None else None
        fig = view.map_figure(_boundaries(ds), an, color_by=colour, key=to_key, suggestions=sites,
                              suggestion_gain_label=_gain_label(sug), names=ds)
        alt = view.map_text_alternative(an, names=ds, color_by=colour, key=to_key, suggestions=sites)
        chart(fig, alt, key=KEY_GEO_MAP, select_key=KEY_GEO_MAP_CLICK, on_select=lambda: _on_map_click(fig, an.demand))
    with right:
        whatif_panel(ds, reg, an.demand, items)
    source_caption(ds, an)
    if an.has_changes and an.changed_units:
        st.markdown("**Enheter vars närområde ändras**")
        table(view.catchment_table(an, ds, only_changed=True), alt=view.catchment_text_alternative(an))

    st.subheader("Per kommun")
    wide_table(view.kommun_table(an, ds, key=to_key), alt=f"Avstånd till närmaste {to_options[to_key]} per kommun.")
    st.caption(fmt.markdown_escape(view.kommun_table_note(an, ds)))
    with st.expander("Nära befolkning och listade per enhet"):
        table(view.catchment_table(an, ds), alt=view.catchment_text_alternative(an))
        st.caption(view.LISTING_VS_PROXIMITY_SV)

    suggestion_panel(ds, an, fingerprint, sug)


COLOUR_LABELS = {"avstand": "Avstånd", "befolkning": "Befolkning"}
#: A static table wider than this many columns is drawn as several (the first column,
#: the row names, repeated): a table that scrolls sideways cannot be reached with the
#: keyboard (axe: scrollable-region-focusable), and at 1400 px the kommun table with
#: its changes (16 columns) does not fit.
MAX_TABLE_COLUMNS = 9


def wide_table(df: pd.DataFrame, alt: str) -> None:
    """A table in parts of at most :data:`MAX_TABLE_COLUMNS` columns, each with the first."""
    from naravard.ui.widgets import table

    cols = list(df.columns)
    if len(cols) <= MAX_TABLE_COLUMNS:
        table(df, alt=alt)
        return
    first, rest = cols[0], cols[1:]
    step = MAX_TABLE_COLUMNS - 1
    parts = [rest[i:i + step] for i in range(0, len(rest), step)]
    for i, part in enumerate(parts, start=1):
        table(df[[first, *part]], alt=f"{alt} Del {i} av {len(parts)}.")


def _gain_label(sug) -> str:
    if sug is None:
        return ""
    return "invånare nya inom R km" if getattr(sug, "objective", "") == "covered_pop" else "km kortare medelavstånd"


def suggestion_panel(ds, an, fingerprint, sug) -> None:
    """p new units (1–10), R km, the method; results on the map and in a table with
    the gain; "Lägg till förslagen i scenariot"; the deck's LOV rules said plainly."""
    from naravard.ui.state import KEY_GEO_SUG_ADD, KEY_GEO_SUG_METHOD, KEY_GEO_SUG_P, KEY_GEO_SUG_R, KEY_GEO_SUG_RUN, KEY_GEO_SUG_TYPE
    from naravard.ui.widgets import number_input, table
    from naravard.views import geografi as view

    st.subheader("Förslag: var skulle en ny enhet göra mest nytta?")
    st.markdown("\n\n".join(fmt.markdown_escape(t) for t in view.establishment_lines(ds)))
    s1, s2, s3, s4 = st.columns(4)
    s1.slider("Antal nya enheter (p)", SUG_P_MIN, SUG_P_MAX, value=3, key=KEY_GEO_SUG_P)
    s2.selectbox("Mål", options=list(SUG_METHODS), format_func=SUG_METHODS.get, key=KEY_GEO_SUG_METHOD)
    number_input("Radie R i km (för flest inom R km)", key=KEY_GEO_SUG_R, min_value=SUG_R_MIN, max_value=SUG_R_MAX,
                 decimals=1, default=SUG_R_DEFAULT, container=s3)
    s4.radio("Lägg till som", options=[gf.TYPE_FILIAL, gf.TYPE_VC], format_func=ADD_OPTIONS.get, key=KEY_GEO_SUG_TYPE)
    st.button("Föreslå platser", key=KEY_GEO_SUG_RUN, on_click=_suggest, args=(an, fingerprint),
              icon=":material/travel_explore:", type="primary",
              help="Kandidater är de befolkade rutorna. Befintliga enheter (och scenariots ändringar) räknas som öppna.")
    if sug is None:
        return
    st.markdown(fmt.markdown_escape(suggestion_text(sug)))
    table(suggestion_table(ds, sug), alt=suggestion_text(sug))
    st.button("Lägg till förslagen i scenariot", key=KEY_GEO_SUG_ADD, on_click=_add_suggestions, args=(sug,),
              icon=":material/add_location_alt:")


# The suggestion result has no view of its own in views.geografi: these two are the
# smallest adapters (a column rename with Swedish formats, and one sentence).

def suggestion_table(ds, sug) -> pd.DataFrame:
    names = ds.kommun_names()
    covered = getattr(sug, "objective", "") == "covered_pop"
    gain, cum = ("Nya inom R km", "Sammanlagt") if covered else ("Kortare medelavstånd, km", "Sammanlagt, km")
    dec = 0 if covered else 2
    rows = [{"Nr": str(int(r["rank"])), "Kommun": names.get(str(r["kommun"]), str(r["kommun"])),
             "Ruta": str(r[gf.DEMAND_ID]), gain: fmt.number(r["gain"], dec), cum: fmt.number(r["gain_cumulative"], dec)}
            for _, r in sug.sites.iterrows()]
    return pd.DataFrame(rows)


def suggestion_text(sug) -> str:
    n = len(sug.sites)
    if getattr(sug, "objective", "") == "covered_pop":
        r = fmt.number(sug.radius_km, 1) if sug.radius_km is not None else ""
        what = (f"Invånare inom {r} km från en enhet: {fmt.number(sug.before)} före, {fmt.number(sug.after)} med "
                f"{fmt.number(n)} nya enheter")
    else:
        what = (f"Befolkningsvägt medelavstånd: {fmt.number(sug.before, 2)} km före, {fmt.number(sug.after, 2)} km med "
                f"{fmt.number(n)} nya enheter")
    return f"{what}. Metod: {sug.method}; {fmt.number(sug.seconds, 1)} s. Fågelvägen, kandidater är befolkade rutor."


# ------------------------------------------------------------------ without a register


def no_register(ds) -> None:
    """The population map, the deck's longest distances, S4 travel times, how to load a
    register or the example (views.geografi.no_register_content)."""
    from naravard.errors import DataError
    from naravard.ui.widgets import chart, table
    from naravard.views import geografi as view

    try:
        demand = _grid(_path())
    except DataError as e:
        demand = None
        st.warning(e.message_sv, icon=":material/warning:")
    c = view.no_register_content(ds, demand)
    if changes():
        n = len(changes())
        st.info(f"Scenariot har {fmt.number(n)} {'ändring' if n == 1 else 'ändringar'} av enheterna. De räknas och "
                "visas när ett register är inläst.", icon=":material/info:")
    st.markdown(c.how_to_load)
    if demand is not None:
        fig = view.map_figure(_boundaries(ds), demand, color_by=view.COLOR_BY_POP, names=ds)
        chart(fig, c.population_alt, key=KEY_GEO_MAP_NOREG)
        source_caption(ds)
    if c.deck_lines:
        st.subheader("Dialogunderlagets avstånd")
        st.markdown("\n\n".join(fmt.markdown_escape(t) for t in c.deck_lines))
    if c.travel_table is not None:
        st.subheader(c.travel_title or "Restid till närmaste vårdcentral")
        table(c.travel_table, alt="Mediantid i minuter till närmaste vårdcentral per område och färdsätt.")
        st.caption(_escaped(" ".join(t for t in (c.travel_source, c.travel_notes) if t)))
    if c.establishment:
        st.subheader("Vem bestämmer var en enhet finns?")
        st.markdown("\n\n".join(fmt.markdown_escape(t) for t in c.establishment))
    if c.questions:
        st.info(c.questions, icon=":material/forum:")


@st.cache_data(show_spinner=False, max_entries=4)
def _grid(path: str | None) -> pd.DataFrame:
    from naravard.sources.grid import load_grid

    return load_grid(path)
