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
feeds), else the latest one a planner kept for all users (the store), else none. Ids
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
from naravard.ui.state import (
    KEY_GEO_CHANGES,
    KEY_GEO_HISTORY,
    KEY_GEO_LINK_READ,
    KEY_GEO_MESSAGES,
    KEY_GEO_REGISTER,
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
        getattr(st, kind if kind in ("success", "info", "warning", "error") else "info")(text)


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
            st.warning(w, icon=":material/warning:")
    return kept


# ------------------------------------------------------------------ the register in use


def register_in_use() -> RegisterInUse | None:
    """The session's register, else the latest one kept for all users, else None."""
    reg = st.session_state.get(KEY_GEO_REGISTER)
    if isinstance(reg, RegisterInUse):
        return reg
    return stored_register()


def stored_register() -> RegisterInUse | None:
    """The latest register a planner kept for all users (the store), or None."""
    return None


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


__all__ = [
    "ADD",
    "MOVE",
    "REMOVE",
    "RegisterInUse",
    "add_change",
    "adopt_link_changes",
    "changes",
    "checked_changes",
    "clear",
    "consistent",
    "describe",
    "drop",
    "init_from_link",
    "link_context",
    "messages",
    "register_in_use",
    "scenario_note",
    "set_changes",
    "undo",
    "use_register",
    "write_link",
]
