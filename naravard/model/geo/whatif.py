"""What-if on the geography: forecast-scaled demand, register changes, before/after.

Why here and pure: a scenario's unit changes (:class:`~naravard.model.geo.changes.UnitChange`)
are part of a saved and shared scenario, so applying them must give the same register on
every page, export and rerun; and the "before vs after" the politician sees is one
subtraction of two :func:`~naravard.model.geo.distance.access_summary` frames.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Real

import numpy as np
import pandas as pd

from naravard.model.geo.changes import ADD, MOVE, REMOVE, GeoChangeError, UnitChange, new_unit_id
from naravard.model.geo.distance import GeoInputError, check_demand, check_supply
from naravard.sources.geoframes import (
    DEMAND_KOMMUN,
    DEMAND_POP,
    DEMAND_X,
    DEMAND_Y,
    SUPPLY_COLUMNS,
    SUPPLY_ID,
    SUPPLY_KOMMUN,
    SUPPLY_LISTED,
    SUPPLY_LISTED_DATE,
    SUPPLY_MAIN,
    SUPPLY_NAME,
    SUPPLY_OPERATOR,
    SUPPLY_SOURCE,
    SUPPLY_TYPE,
    SUPPLY_X,
    SUPPLY_Y,
    TYPE_LABELS_SV,
)

#: Extra column that :func:`apply_changes` adds: "add", "move" or "" (unchanged), so a
#: map can mark what the scenario changed.
SUPPLY_CHANGE = "supply_change"
#: ``supply_source`` of an added unit.
SCENARIO_SOURCE = "Scenario"


def scale_demand(demand: pd.DataFrame, ratios: Mapping[str, float]) -> pd.DataFrame:
    """A copy of ``demand`` with each square's population × its kommun's ratio.

    Why: the grid is one year (2025-12-31); for a forecast year each square is scaled by
    its kommun's forecast population / grid population — the assumption "befolkningen
    växer lika i hela kommunen", which the UI must show. Squares of a kommun missing from
    ``ratios`` are unchanged. Each ratio must be finite and ≥ 0.
    """
    check_demand(demand)
    clean: dict[str, float] = {}
    for k, r in dict(ratios).items():
        if isinstance(r, bool) or not isinstance(r, Real) or not math.isfinite(float(r)) or float(r) < 0:
            raise GeoInputError(f"ratio for kommun {k!r} must be finite and >= 0, got {r!r}", f"Befolkningsfaktorn för kommun {k} måste vara ett tal, 0 eller mer.")
        clean[str(k)] = float(r)
    out = demand.copy()
    factor = out[DEMAND_KOMMUN].astype(str).map(clean).fillna(1.0).to_numpy(dtype=float)
    out[DEMAND_POP] = out[DEMAND_POP].to_numpy(dtype=float) * factor
    return out


def _kommun_at(demand: pd.DataFrame | None, x: float, y: float) -> str:
    """Kommun of the demand square nearest to (x, y); "" without demand."""
    if demand is None or not len(demand):
        return ""
    dx = demand[DEMAND_X].to_numpy(dtype=float) - x
    dy = demand[DEMAND_Y].to_numpy(dtype=float) - y
    return str(demand[DEMAND_KOMMUN].iloc[int(np.argmin(dx * dx + dy * dy))])


def apply_changes(supply: pd.DataFrame, changes: Iterable[UnitChange], demand: pd.DataFrame | None = None) -> pd.DataFrame:
    """The register after the scenario's changes, in order (a new frame; inputs untouched).

    * remove: the row goes; an unknown id (or one already removed) raises
      :class:`GeoChangeError` — :func:`~naravard.model.geo.changes.check_changes` is the
      lenient filter for links, this is the strict step after it.
    * move: new coordinates; the kommun follows the nearest demand square when
      ``demand`` is given (a move can cross a border). Listings stay with the unit.
    * add: id :func:`new_unit_id` (n = 1, 2, ... in order of the adds, skipping an id the
      register already has), name "Ny vårdcentral 1" / "Ny filial 1" numbered per type,
      kommun from the nearest demand square (or ""), no main unit, operator "", listed NaN
      (a new unit has no listings), source "Scenario".

    The result has the register's columns plus :data:`SUPPLY_CHANGE`.
    """
    check_supply(supply)
    if demand is not None:
        check_demand(demand)
    out = supply.copy()
    for c in SUPPLY_COLUMNS:
        if c not in out.columns:
            out[c] = np.nan if c == SUPPLY_LISTED else ""
    out[SUPPLY_ID] = out[SUPPLY_ID].astype(str)
    if SUPPLY_CHANGE not in out.columns:
        out[SUPPLY_CHANGE] = ""
    out[SUPPLY_X] = out[SUPPLY_X].astype(float)
    out[SUPPLY_Y] = out[SUPPLY_Y].astype(float)
    added_rows: list[dict] = []
    n_add = 0
    per_type: dict[str, int] = {}
    for c in changes:
        if not isinstance(c, UnitChange):
            raise GeoChangeError(f"not a UnitChange: {c!r}", "En ändring av enheter är skadad.")
        if c.op in (REMOVE, MOVE):
            hit_main = out.index[out[SUPPLY_ID] == c.unit_id]
            hit_new = [i for i, r in enumerate(added_rows) if r[SUPPLY_ID] == c.unit_id]
            if not len(hit_main) and not hit_new:
                raise GeoChangeError(f"unknown unit id {c.unit_id!r}", f"Enheten {c.unit_id} finns inte i registret.")
            if c.op == REMOVE:
                if len(hit_main):
                    out = out.drop(index=hit_main)
                else:
                    added_rows.pop(hit_new[0])
            else:
                kommun = _kommun_at(demand, c.x, c.y)
                if len(hit_main):
                    out.loc[hit_main, [SUPPLY_X, SUPPLY_Y]] = [float(c.x), float(c.y)]
                    if demand is not None:
                        out.loc[hit_main, SUPPLY_KOMMUN] = kommun
                    out.loc[hit_main, SUPPLY_CHANGE] = MOVE
                else:
                    r = added_rows[hit_new[0]]
                    r[SUPPLY_X], r[SUPPLY_Y] = float(c.x), float(c.y)
                    if demand is not None:
                        r[SUPPLY_KOMMUN] = kommun
        elif c.op == ADD:
            taken = set(out[SUPPLY_ID]) | {r[SUPPLY_ID] for r in added_rows}
            n_add += 1
            while new_unit_id(n_add) in taken:
                n_add += 1
            per_type[c.unit_type] = per_type.get(c.unit_type, 0) + 1
            added_rows.append(
                {
                    SUPPLY_ID: new_unit_id(n_add),
                    SUPPLY_NAME: f"Ny {TYPE_LABELS_SV[c.unit_type]} {per_type[c.unit_type]}",
                    SUPPLY_TYPE: c.unit_type,
                    SUPPLY_MAIN: "",
                    SUPPLY_KOMMUN: _kommun_at(demand, c.x, c.y),
                    SUPPLY_OPERATOR: "",
                    SUPPLY_X: float(c.x),
                    SUPPLY_Y: float(c.y),
                    SUPPLY_LISTED: np.nan,
                    SUPPLY_LISTED_DATE: "",
                    SUPPLY_SOURCE: SCENARIO_SOURCE,
                    SUPPLY_CHANGE: ADD,
                }
            )
    if added_rows:
        extra = pd.DataFrame(added_rows)
        for c in out.columns:
            if c not in extra.columns:
                extra[c] = np.nan
        out = pd.concat([out, extra[list(out.columns)]], ignore_index=True)
    else:
        out = out.reset_index(drop=True)
    out[SUPPLY_LISTED] = out[SUPPLY_LISTED].astype(float)
    return out


def compare_summaries(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """``after − before`` for every numeric figure of two :func:`access_summary` frames.

    Same index as ``before`` (a row missing from ``after`` gives NaN). The location of
    the longest distance is not a number to subtract: ``max_demand_id_before`` /
    ``max_demand_id_after`` say where it was and is.
    """
    for f, name in ((before, "before"), (after, "after")):
        if not isinstance(f, pd.DataFrame) or "pop" not in f.columns:
            raise GeoInputError(f"{name} is not an access summary", "Jämförelsen saknar en sammanställning.")
    after = after.reindex(before.index)
    num = [c for c in before.columns if c not in ("max_demand_id", "max_x", "max_y") and pd.api.types.is_numeric_dtype(before[c])]
    out = after[num].astype(float) - before[num].astype(float)
    if "max_demand_id" in before.columns:
        out["max_demand_id_before"] = before["max_demand_id"]
        out["max_demand_id_after"] = after["max_demand_id"] if "max_demand_id" in after.columns else ""
    return out
