"""Distance to care: nearest unit per square, access per kommun, catchments, listings.

Pure functions over the frames of :mod:`naravard.sources.geoframes`. Why these shapes:

* :func:`nearest` is the one place a distance is computed, so the map, the headline
  figures, the table per kommun and the what-if all agree. Straight-line distance is
  measured in SWEREF 99 TM (metres; a transverse Mercator whose scale differs from 1 by
  at most 0,4 ‰ on the west coast and about 2 ‰ at Sweden's far east: metres in 10 km),
  with a scipy cKDTree so a country (100 000 squares × 1 200 units) takes tens of
  milliseconds. A *detour factor* (1,0–3,0) turns fågelväg into a rough
  road distance and must be shown as the labelled assumption it is; an imported cost
  matrix (e.g. an r5r travel-time run) replaces the straight line altogether.
* :func:`access_summary` weights by population, because the question is how far
  *people* live from care, not how far the squares are. Squares with 0 persons do not
  count for means, medians, shares or the longest distance (SCB publishes very small
  counts as 0, and an empty square is nobody's distance).
* :func:`catchments` is närhetsprincipen: every square's population goes to its nearest
  unit. Listing is a choice of the patient and differs from proximity, so the near
  population is shown *beside* the listed count, never as a replacement for it.

Every input check raises :class:`GeoInputError` (English ``str()``, Swedish
``message_sv``); inputs are never mutated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Real

import numpy as np
import pandas as pd

from naravard.errors import NaravardError
from naravard.sources.geoframes import (
    COST_DEMAND_ID,
    COST_SUPPLY_ID,
    COST_UNITS,
    COST_VALUE,
    DEMAND_ID,
    DEMAND_KOMMUN,
    DEMAND_POP,
    DEMAND_X,
    DEMAND_Y,
    SUPPLY_ID,
    SUPPLY_KOMMUN,
    SUPPLY_LISTED,
    SUPPLY_NAME,
    SUPPLY_TYPE,
    SUPPLY_X,
    SUPPLY_Y,
    UNIT_TYPES,
)

#: Index label of the whole region's row in :func:`access_summary`.
REGION_ROW = "region"
#: Default distance bands (km) for the shares of the population within reach.
DEFAULT_BANDS_KM = (5, 10, 15, 20)
#: Bounds of the detour factor (1,0 = fågelväg; 3,0 is already far beyond any road network).
DETOUR_MIN, DETOUR_MAX = 1.0, 3.0
NEAREST_ID = "nearest_id"
NEAREST_COST = "nearest_cost"


class GeoInputError(NaravardError, ValueError):
    """Input to a geography function that cannot be used (English ``str()``, Swedish ``message_sv``)."""


# ---------------------------------------------------------------------------
# Checks shared by the geo modules
# ---------------------------------------------------------------------------


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], what_en: str, what_sv: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise GeoInputError(f"{what_en} must be a DataFrame", f"{what_sv} saknas eller har fel form.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GeoInputError(
            f"{what_en} lacks columns {missing}",
            f"{what_sv} saknar kolumnerna {', '.join(missing)}.",
        )


def _finite_xy(frame: pd.DataFrame, xcol: str, ycol: str, what_en: str, what_sv: str) -> np.ndarray:
    try:
        xy = frame[[xcol, ycol]].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise GeoInputError(f"{what_en} has non-numeric coordinates", f"{what_sv} har koordinater som inte är tal.") from None
    if not np.isfinite(xy).all():
        raise GeoInputError(f"{what_en} has non-finite coordinates", f"{what_sv} har koordinater som saknas eller inte är ändliga tal.")
    return xy


def check_demand(demand: pd.DataFrame) -> None:
    """Raise :class:`GeoInputError` unless ``demand`` is a usable demand frame.

    Coordinates must be finite and populations finite and ≥ 0: a NaN would silently
    drop people from every sum.
    """
    _require_columns(demand, (DEMAND_ID, DEMAND_X, DEMAND_Y, DEMAND_KOMMUN, DEMAND_POP), "demand", "Befolkningsrutorna")
    _finite_xy(demand, DEMAND_X, DEMAND_Y, "demand", "Befolkningsrutorna")
    try:
        pop = demand[DEMAND_POP].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise GeoInputError("demand population is not numeric", "Befolkningen per ruta är inte tal.") from None
    if not np.isfinite(pop).all() or (pop < 0).any():
        raise GeoInputError("demand population must be finite and >= 0", "Befolkningen per ruta måste vara ett tal, 0 eller mer.")


def check_supply(supply: pd.DataFrame) -> None:
    """Raise :class:`GeoInputError` unless ``supply`` is a usable supply frame (unique ids, finite points)."""
    _require_columns(supply, (SUPPLY_ID, SUPPLY_TYPE, SUPPLY_X, SUPPLY_Y), "supply", "Enhetsregistret")
    _finite_xy(supply, SUPPLY_X, SUPPLY_Y, "supply", "Enhetsregistret")
    ids = supply[SUPPLY_ID].astype(str)
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].iloc[0]
        raise GeoInputError(f"duplicate unit id {dup!r}", f"Enhets-id {dup} förekommer mer än en gång.")


def check_detour(detour: float) -> float:
    """The detour factor as a float in 1,0–3,0, or :class:`GeoInputError`."""
    if isinstance(detour, bool) or not isinstance(detour, Real) or not math.isfinite(float(detour)):
        raise GeoInputError(f"detour factor {detour!r} is not a number", "Omvägsfaktorn måste vara ett tal.")
    d = float(detour)
    if not DETOUR_MIN <= d <= DETOUR_MAX:
        raise GeoInputError(
            f"detour factor {d} outside {DETOUR_MIN}..{DETOUR_MAX}",
            "Omvägsfaktorn måste ligga mellan 1,0 och 3,0.",
        )
    return d


def check_km(value: float, what_en: str, what_sv: str) -> float:
    """A finite distance in km > 0 (a radius or a band), or :class:`GeoInputError`."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)) or float(value) <= 0:
        raise GeoInputError(f"{what_en} must be a finite number > 0, got {value!r}", f"{what_sv} måste vara ett tal större än 0 km.")
    return float(value)


def select_types(supply: pd.DataFrame, unit_types: str | Iterable[str] | None) -> pd.DataFrame:
    """The units of the given type(s) (``None`` = all). Unknown type names raise.

    Why a filter and not separate frames: the deck asks for the distance to the nearest
    vårdcentral, to the nearest filial and to either, from one register.
    """
    if unit_types is None:
        return supply
    types = (unit_types,) if isinstance(unit_types, str) else tuple(unit_types)
    bad = [t for t in types if t not in UNIT_TYPES]
    if bad or not types:
        raise GeoInputError(f"unknown unit types {bad or types!r}", "Okänd enhetstyp.")
    return supply[supply[SUPPLY_TYPE].isin(types)]


# ---------------------------------------------------------------------------
# Nearest unit
# ---------------------------------------------------------------------------


def nearest(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    unit_types: str | Iterable[str] | None = None,
    detour: float = 1.0,
    cost: pd.DataFrame | None = None,
    cost_unit: str = "km",
) -> pd.DataFrame:
    """The nearest unit of each square and the cost of getting there.

    Returns a frame indexed like ``demand`` with ``nearest_id`` (str, "" when there is no
    unit) and ``nearest_cost`` (float; NaN when there is none). Without ``cost`` the cost is
    the straight-line distance in km × ``detour``. With ``cost`` (a cost frame) it is the
    minimum of ``cost_value`` over the units of the chosen types that the matrix lists for
    the square, in ``cost_unit`` ("km" or "min"); ``detour`` is then ignored (a matrix is
    already a network measure), and a square the matrix does not list gets "" / NaN rather
    than a guessed value. Ties go to the lowest unit id in the matrix, and to cKDTree's
    (deterministic) choice for straight lines. ``attrs["cost_unit"]`` and
    ``attrs["detour"]`` record what was measured, so a view can label it.
    """
    check_demand(demand)
    check_supply(supply)
    d = check_detour(detour)
    if cost_unit not in COST_UNITS:
        raise GeoInputError(f"unknown cost unit {cost_unit!r}", "Okänd enhet för restid eller avstånd.")
    units = select_types(supply, unit_types)
    n = len(demand)
    ids = np.full(n, "", dtype=object)
    costs = np.full(n, np.nan)
    if cost is None:
        if len(units):
            from scipy.spatial import cKDTree

            tree = cKDTree(units[[SUPPLY_X, SUPPLY_Y]].to_numpy(dtype=float))
            dist, idx = tree.query(demand[[DEMAND_X, DEMAND_Y]].to_numpy(dtype=float), k=1)
            ids = units[SUPPLY_ID].astype(str).to_numpy()[idx].astype(object)
            costs = dist / 1000.0 * d
        unit_label, used_detour = "km", d
    else:
        _require_columns(cost, (COST_DEMAND_ID, COST_SUPPLY_ID, COST_VALUE), "cost matrix", "Restidsmatrisen")
        try:
            values = cost[COST_VALUE].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise GeoInputError("cost values are not numeric", "Restidsmatrisen har värden som inte är tal.") from None
        if not np.isfinite(values).all() or (values < 0).any():
            raise GeoInputError("cost values must be finite and >= 0", "Restidsmatrisens värden måste vara tal, 0 eller mer.")
        m = pd.DataFrame(
            {"d": cost[COST_DEMAND_ID].astype(str).to_numpy(), "s": cost[COST_SUPPLY_ID].astype(str).to_numpy(), "v": values}
        )
        m = m[m["s"].isin(set(units[SUPPLY_ID].astype(str)))]
        if len(m):
            best = m.sort_values(["d", "v", "s"], kind="mergesort").drop_duplicates("d", keep="first").set_index("d")
            key = demand[DEMAND_ID].astype(str)
            got_id = key.map(best["s"])
            got_v = key.map(best["v"])
            ids = got_id.fillna("").astype(object).to_numpy()
            costs = got_v.to_numpy(dtype=float)
        unit_label, used_detour = cost_unit, None
    out = pd.DataFrame({NEAREST_ID: ids, NEAREST_COST: costs}, index=demand.index)
    out[NEAREST_ID] = out[NEAREST_ID].astype(object)
    out.attrs["cost_unit"] = unit_label
    out.attrs["detour"] = used_detour
    return out


# ---------------------------------------------------------------------------
# Access per kommun and for the region
# ---------------------------------------------------------------------------


def _band_label(b: float) -> str:
    return f"share_within_{b:g}"


def share_column(band_km: float) -> str:
    """Column name of :func:`access_summary`'s share within ``band_km`` (``share_within_10``)."""
    return _band_label(float(band_km))


def _summaries(pop: np.ndarray, cost: np.ndarray, did: np.ndarray, x: np.ndarray, y: np.ndarray, bands: tuple[float, ...]) -> dict:
    """Figures of one group of squares (all arrays aligned; pop > 0 only)."""
    total = float(pop.sum())
    has = np.isfinite(cost)
    row: dict = {"pop": total, "pop_no_cost": float(pop[~has].sum())}
    pc, cc = pop[has], cost[has]
    wsum = float(pc.sum())
    if wsum > 0:
        row["mean_cost"] = float((pc * cc).sum() / wsum)
        order = np.argsort(cc, kind="mergesort")
        cum = np.cumsum(pc[order])
        i = min(int(np.searchsorted(cum, wsum / 2.0, side="left")), len(cum) - 1)
        row["median_cost"] = float(cc[order][i])
        # The farthest populated square; ties go to the lowest square id (stable output).
        mx = cc.max()
        cand = np.flatnonzero(has)[cc == mx]
        pick = cand[np.argsort(did[cand].astype(str), kind="mergesort")[0]]
        row.update(max_cost=float(mx), max_demand_id=str(did[pick]), max_x=float(x[pick]), max_y=float(y[pick]))
    else:
        row.update(mean_cost=np.nan, median_cost=np.nan, max_cost=np.nan, max_demand_id="", max_x=np.nan, max_y=np.nan)
    for b in bands:
        row[_band_label(b)] = float(pc[cc <= b].sum() / total) if total > 0 else np.nan
    return row


def access_summary(
    demand: pd.DataFrame,
    near: pd.DataFrame,
    *,
    bands_km: Iterable[float] = DEFAULT_BANDS_KM,
) -> pd.DataFrame:
    """Population-weighted access per kommun plus one region row (index :data:`REGION_ROW`).

    Columns: ``pop`` (all persons), ``pop_no_cost`` (persons whose square has no cost —
    no unit, or no matrix entry), ``mean_cost`` and ``median_cost`` (population-weighted,
    over persons with a cost; the median is the lower weighted median: the smallest cost
    at which half of them are reached), ``share_within_B`` per band B (0..1 of *all*
    persons, so people without a cost count as not within reach), ``max_cost``,
    ``max_demand_id``, ``max_x``, ``max_y`` (the populated square farthest away, ties to
    the lowest id). Squares with 0 persons count for none of these. Bands are in the unit
    of ``near`` (km unless a matrix in minutes was used). A kommun whose squares all have
    0 persons gets NaN means and shares.
    """
    check_demand(demand)
    _require_columns(near, (NEAREST_COST,), "near", "Avståndsberäkningen")
    bands = tuple(sorted({check_km(b, "a band", "Ett avståndsband") for b in bands_km}))
    if not near.index.equals(demand.index):
        raise GeoInputError("near is not indexed like demand", "Avståndsberäkningen hör inte till befolkningsrutorna.")
    pop = demand[DEMAND_POP].to_numpy(dtype=float)
    cost = near[NEAREST_COST].to_numpy(dtype=float)
    kom = demand[DEMAND_KOMMUN].astype(str).to_numpy()
    did = demand[DEMAND_ID].astype(str).to_numpy()
    x = demand[DEMAND_X].to_numpy(dtype=float)
    y = demand[DEMAND_Y].to_numpy(dtype=float)
    rows: dict[str, dict] = {}
    live = pop > 0
    # One stable sort by kommun, then contiguous slices: linear in the squares however
    # many kommuner there are (a mask per kommun would be squares × kommuner).
    group, codes = pd.factorize(kom, sort=True)
    order = np.argsort(group, kind="stable")
    order = order[live[order]]
    starts = np.searchsorted(group[order], np.arange(len(codes)), side="left")
    ends = np.searchsorted(group[order], np.arange(len(codes)), side="right")
    for k, a, b in zip(codes, starts, ends, strict=True):
        sel = order[a:b]
        rows[str(k)] = _summaries(pop[sel], cost[sel], did[sel], x[sel], y[sel], bands)
    rows[REGION_ROW] = _summaries(pop[live], cost[live], did[live], x[live], y[live], bands)
    cols = ["pop", "pop_no_cost", "mean_cost", "median_cost", *[_band_label(b) for b in bands], "max_cost", "max_demand_id", "max_x", "max_y"]
    out = pd.DataFrame.from_dict(rows, orient="index")[cols]
    out.index.name = DEMAND_KOMMUN
    out.attrs["cost_unit"] = near.attrs.get("cost_unit", "km")
    return out


# ---------------------------------------------------------------------------
# Catchments and listings
# ---------------------------------------------------------------------------


def catchments(demand: pd.DataFrame, supply: pd.DataFrame, near: pd.DataFrame) -> pd.DataFrame:
    """Near population per unit (närhetsprincipen) beside its listed count.

    Indexed by ``supply_id`` in the register's order; every unit appears (0 when it is
    nobody's nearest, e.g. when ``near`` was computed for the other type). Columns:
    ``near_pop``, ``listed`` (NaN when unknown), ``listed_minus_near``, and the unit's
    ``supply_name``/``supply_type``/``supply_kommun`` when the register has them. The
    near populations sum to the population of the squares that have a nearest unit.
    """
    check_demand(demand)
    check_supply(supply)
    _require_columns(near, (NEAREST_ID,), "near", "Avståndsberäkningen")
    if not near.index.equals(demand.index):
        raise GeoInputError("near is not indexed like demand", "Avståndsberäkningen hör inte till befolkningsrutorna.")
    pop = pd.Series(demand[DEMAND_POP].to_numpy(dtype=float), index=near[NEAREST_ID].astype(str).to_numpy())
    by_unit = pop.groupby(level=0).sum()
    sid = supply[SUPPLY_ID].astype(str)
    out = pd.DataFrame(index=pd.Index(sid.to_numpy(), name=SUPPLY_ID))
    for c in (SUPPLY_NAME, SUPPLY_TYPE, SUPPLY_KOMMUN):
        if c in supply.columns:
            out[c] = supply[c].to_numpy()
    out["near_pop"] = by_unit.reindex(out.index).fillna(0.0).to_numpy(dtype=float)
    listed = supply[SUPPLY_LISTED].to_numpy(dtype=float) if SUPPLY_LISTED in supply.columns else np.full(len(supply), np.nan)
    out["listed"] = listed
    out["listed_minus_near"] = out["listed"] - out["near_pop"]
    return out


def _check_target(target: float) -> float:
    if isinstance(target, bool) or not isinstance(target, Real) or not math.isfinite(float(target)) or float(target) <= 0:
        raise GeoInputError(f"target listing size must be > 0, got {target!r}", "Målet för antal listade måste vara ett tal större än 0.")
    return float(target)


def listing_vs_target(supply: pd.DataFrame, target: float) -> pd.DataFrame:
    """Listed patients per unit against the scenario's target listing size.

    Indexed by ``supply_id``; ``listed``, ``target``, ``ratio`` = listed / target (NaN where
    the listed count is unknown: an unknown count is never read as 0).
    """
    check_supply(supply)
    t = _check_target(target)
    listed = supply[SUPPLY_LISTED].to_numpy(dtype=float) if SUPPLY_LISTED in supply.columns else np.full(len(supply), np.nan)
    out = pd.DataFrame(index=pd.Index(supply[SUPPLY_ID].astype(str).to_numpy(), name=SUPPLY_ID))
    for c in (SUPPLY_NAME, SUPPLY_TYPE, SUPPLY_KOMMUN):
        if c in supply.columns:
            out[c] = supply[c].to_numpy()
    out["listed"] = listed
    out["target"] = t
    out["ratio"] = listed / t
    return out


def listing_vs_target_per_kommun(supply: pd.DataFrame, target: float, unit_types: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Listings per kommun against the target: ``units``, ``units_listed_known``,
    ``listed`` (sum over units with a known count; NaN when none is known),
    ``mean_listed`` (per unit with a known count), ``target``, ``ratio`` = mean_listed /
    target. Indexed by ``supply_kommun``. Why the mean per unit: the deck's table gives
    the average listed per vårdcentral, and the target is a size per unit.
    """
    t = _check_target(target)
    check_supply(supply)
    _require_columns(supply, (SUPPLY_KOMMUN,), "supply", "Enhetsregistret")
    units = select_types(supply, unit_types)
    listed = units[SUPPLY_LISTED].astype(float) if SUPPLY_LISTED in units.columns else pd.Series(np.nan, index=units.index)
    g = pd.DataFrame({"k": units[SUPPLY_KOMMUN].astype(str), "listed": listed}).groupby("k")
    out = pd.DataFrame(
        {
            "units": g.size(),
            "units_listed_known": g["listed"].count(),
            "listed": g["listed"].sum(min_count=1),
        }
    )
    out["mean_listed"] = out["listed"] / out["units_listed_known"].where(out["units_listed_known"] > 0)
    out["target"] = t
    out["ratio"] = out["mean_listed"] / t
    out.index.name = SUPPLY_KOMMUN
    return out.astype({"units": int, "units_listed_known": int})


def population_by_kommun(demand: pd.DataFrame) -> Mapping[str, float]:
    """Sum of the squares' population per kommun code (the grid's own sums)."""
    check_demand(demand)
    return demand.groupby(demand[DEMAND_KOMMUN].astype(str))[DEMAND_POP].sum().astype(float).to_dict()
