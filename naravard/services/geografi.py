"""The geography use case: distance to care for a scenario's year, before and after a what-if.

One call, :func:`analyse`, joins the layers the Geografi page needs, so the map, the
headline figures, the table per kommun and the exports read one frozen
:class:`GeoAnalysis` and cannot disagree:

1. **Demand for the year.** The population grid (SCB's 1 km squares at the grid's
   date) is scaled per kommun by the scenario's population forecast:
   ``population(kommun, year) / population(kommun, grid year)``, from the scenario
   model (:func:`naravard.model.scenario.run`), so the Geografi page and the Scenario
   page use the same population for the same forecast and year (the own forecast's
   rates included). That is an assumption and is stated as one
   (:data:`ASSUMPTION_SV`, with each kommun's ratio in :attr:`DemandScaling.text_sv`).
2. **Supply before and after.** The register (a supply frame: an import, the kept
   register or the labelled example) and the same register with the scenario's unit
   changes applied (:func:`naravard.model.geo.whatif.apply_changes`). Changes that
   do not fit the register (an unknown id, a point outside the region) are dropped
   with a Swedish warning, never an error: a shared link must not break the page.
3. **Distances.** Nearest vårdcentral, nearest filial and nearest unit of either
   type for every square, before and after; access summaries per kommun and for the
   region; catchments by proximity (närhetsprincipen) with the units whose near
   population changed; the longest distance per type beside the deck's figures
   (the ``nyckeltal`` rows ``max_avstand_vc_km`` / ``max_avstand_filial_km``).

Inputs are plain (a dataset, frames, tuples) and the result is deterministic, so the
UI can cache it by its arguments. :func:`suggest` wraps the model's site suggestions
for the same demand and the supply after the changes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from naravard import fmt
from naravard.errors import DataError, NaravardError
from naravard.model.geo import distance as dist
from naravard.model.geo import whatif
from naravard.model.geo.changes import ADD, MOVE, REMOVE, UnitChange, check_changes
from naravard.model.scenario.assumptions import Assumptions
from naravard.model.scenario.inputs import ModelInputs
from naravard.model.scenario.params import HORISONT_MAX, HORISONT_MIN
from naravard.model.scenario.run import run
from naravard.sources import geoframes as gf
from naravard.sources.dataset import Dataset

if TYPE_CHECKING:  # pragma: no cover
    from naravard.model.geo.suggest import SuggestionResult

#: Key of "the nearest unit of either type" beside the unit types.
ANY = "alla"
#: Swedish labels of the distance keys, as the headline and tables name them.
KEY_LABELS_SV = {gf.TYPE_VC: "vårdcentral", gf.TYPE_FILIAL: "filial", ANY: "vårdcentral eller filial"}
#: The deck's longest distances (rows of the ``nyckeltal`` table), per unit type.
DECK_FACT_KEYS = {gf.TYPE_VC: "max_avstand_vc_km", gf.TYPE_FILIAL: "max_avstand_filial_km"}
#: The assumption behind every forecast year's squares, in the words the page shows.
ASSUMPTION_SV = "befolkningen växer lika i hela kommunen"
#: Said wherever the deck's distances are shown beside the app's.
DECK_UNMEASURED_SV = "dialogunderlaget anger inte hur avståndet mättes"
#: Margin (m) around the grid's extent inside which a what-if point is accepted.
BOUNDS_MARGIN_M = 5_000.0
#: A near population that moves by less than this (persons) is not a change (float noise).
CHANGE_TOLERANCE = 0.5


class GeoServiceError(NaravardError, ValueError):
    """Input to the geography use case that cannot be used (English ``str()``, Swedish ``message_sv``)."""


# --------------------------------------------------------------------------- demand


@dataclass(frozen=True)
class DemandScaling:
    """How the grid's squares were scaled to the analysed year, and why.

    ``ratios`` are (kommun code, population(year) / population(grid year)) from the
    forecast ``forecast_key``; a kommun the forecast lacks keeps ratio 1 (listed in
    ``notes_sv``). ``year`` is the year actually analysed (a forecast that ends
    earlier than the requested year stops at its last year; ``notes_sv`` says so).
    """

    grid_year: int
    year: int
    requested_year: int
    forecast_key: str
    forecast_label_sv: str
    ratios: tuple[tuple[str, float], ...]
    names: tuple[tuple[str, str], ...] = ()
    notes_sv: tuple[str, ...] = ()

    @property
    def scaled(self) -> bool:
        return self.year != self.grid_year

    def ratio(self, kommun: str) -> float:
        return dict(self.ratios).get(kommun, 1.0)

    @property
    def text_sv(self) -> str:
        """The assumption as the page shows it, with each kommun's ratio."""
        if not self.scaled:
            return f"Befolkningen per ruta är rutnätets, {self.grid_year}."
        names = dict(self.names)
        parts = [f"{names.get(k, k)} {fmt.percent((r - 1) * 100, 1, signed=True)}" for k, r in self.ratios]
        return (
            f"Befolkningen per ruta år {self.year}: rutnätets befolkning {self.grid_year} gånger kommunens "
            f"förändring {self.grid_year}–{self.year} enligt {self.forecast_label_sv}. Antagande: "
            f"{ASSUMPTION_SV}. Förändring per kommun: {', '.join(parts)}."
        )


def grid_year_of(date_text: str) -> int | None:
    """The year of a grid's reference date ("2025-12-31" → 2025; None if none is given)."""
    m = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", date_text or "")
    return int(m.group(0)) if m else None


def _scenario(scenario: Assumptions | tuple | None, inputs: ModelInputs) -> tuple[Assumptions, int | None]:
    """The assumptions to run and the requested year from either argument form."""
    if scenario is None:
        return Assumptions(), None
    if isinstance(scenario, Assumptions):
        return scenario, scenario.horisont if scenario.horisont is not None else None
    if isinstance(scenario, tuple) and len(scenario) == 2:
        year, key = scenario
        if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))):
            raise GeoServiceError(f"year must be an integer, got {year!r}", "Året måste vara ett heltal.")
        return Assumptions(prognos=key), None if year is None else int(year)
    raise GeoServiceError(
        "expected Assumptions or (year, forecast key)", "Scenariot för geografin kunde inte läsas."
    )


def population_ratios(
    ds: Dataset,
    scenario: Assumptions | tuple | None,
    grid_year: int,
    *,
    inputs: ModelInputs | None = None,
) -> DemandScaling:
    """Each kommun's population in the scenario's year over its population in ``grid_year``.

    ``scenario`` is :class:`Assumptions` (its forecast, own rates and horizon) or
    ``(year, forecast key)``; a year of ``None`` means the forecast's default horizon
    (with ``Assumptions``) or the grid's own year (with a tuple). The populations are
    the scenario model's ``pop_total`` per kommun and year.
    """
    inputs = inputs if inputs is not None else ModelInputs.from_dataset(ds)
    a, year = _scenario(scenario, inputs)
    notes: list[str] = []
    names = tuple((str(k), str(n)) for k, n in zip(inputs.kommunkod, inputs.kommun))
    f = inputs.forecast(a.prognos)
    if year is None and not isinstance(scenario, Assumptions):
        return DemandScaling(grid_year, grid_year, grid_year, f.key, f.label_sv, (), names)
    requested = year
    if year is None:
        res = run(inputs, a)
        target = res.horizon
    else:
        # the run must hold the grid year as well as the requested one
        horizon = min(max(year, grid_year, HORISONT_MIN), HORISONT_MAX)
        res = run(inputs, a.replace(horisont=horizon))
        target = year
    if target > res.horizon:
        notes.append(f"{f.label_sv} räcker till {res.horizon}; befolkningen per ruta visas för {res.horizon}, inte {target}.")
        target = res.horizon
    if target < res.base_year:
        notes.append(f"{f.label_sv} börjar {res.base_year}; befolkningen per ruta visas för {res.base_year}.")
        target = res.base_year
    if not (res.base_year <= grid_year <= res.horizon):
        notes.append(
            f"Rutnätets år {grid_year} ligger utanför {f.label_sv} ({res.base_year}–{res.horizon}); "
            "rutorna visas oskalade."
        )
        return DemandScaling(grid_year, grid_year, requested or grid_year, f.key, f.label_sv, (), names, tuple(notes))
    pk = res.per_kommun
    pop = pk.pivot(index="kommunkod", columns="year", values="pop_total")
    ratios = []
    for code in inputs.kommunkod:
        base, later = float(pop.at[code, grid_year]), float(pop.at[code, target])
        r = later / base if base > 0 and math.isfinite(later) else 1.0
        ratios.append((str(code), float(r)))
    return DemandScaling(grid_year, int(target), int(requested if requested is not None else target), f.key, f.label_sv,
                         tuple(ratios), names, tuple(notes))


def scaled_demand(grid: pd.DataFrame, scaling: DemandScaling) -> pd.DataFrame:
    """The grid's squares scaled by their kommun's ratio (a copy; the grid itself when unscaled)."""
    if not scaling.scaled:
        return grid
    return whatif.scale_demand(grid, dict(scaling.ratios))


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Longest:
    """The longest distance from a populated square to a unit of one kind, before and after.

    ``deck_km`` is the deck's figure for that kind (None if the data has none; the
    deck does not say how it measured). Where the square lies: ``demand_id``, ``x``,
    ``y`` (SWEREF 99 TM), ``kommun`` — after the changes.
    """

    key: str
    before: float
    after: float
    demand_id: str
    x: float
    y: float
    kommun: str
    deck_km: float | None = None
    deck_period: str = ""

    @property
    def label_sv(self) -> str:
        return KEY_LABELS_SV[self.key]

    @property
    def changed(self) -> bool:
        return _differs(self.before, self.after)


def _differs(a: float, b: float) -> bool:
    if (a is None or (isinstance(a, float) and math.isnan(a))) and (b is None or (isinstance(b, float) and math.isnan(b))):
        return False
    try:
        return not math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    except (TypeError, ValueError):
        return True


@dataclass(frozen=True)
class GeoAnalysis:
    """Everything the Geografi page shows for one scenario. Treat the frames as read-only.

    ``near_*`` and ``summary_*`` are keyed by :data:`~naravard.sources.geoframes.TYPE_VC`,
    :data:`~naravard.sources.geoframes.TYPE_FILIAL` and :data:`ANY` (for the kinds in
    ``keys``); summaries come from :func:`naravard.model.geo.distance.access_summary`
    (one row per kommun plus ``REGION_ROW``). Catchments are over units of every
    analysed type (the nearest unit of either kind). ``changed_units`` are the ids whose
    near population changed (added, moved, removed units and their neighbours).
    """

    scaling: DemandScaling
    demand: pd.DataFrame
    supply_before: pd.DataFrame
    supply_after: pd.DataFrame
    changes: tuple[UnitChange, ...]
    keys: tuple[str, ...]
    near_before: Mapping[str, pd.DataFrame]
    near_after: Mapping[str, pd.DataFrame]
    summary_before: Mapping[str, pd.DataFrame]
    summary_after: Mapping[str, pd.DataFrame]
    catchments_before: pd.DataFrame
    catchments_after: pd.DataFrame
    changed_units: tuple[str, ...]
    longest: tuple[Longest, ...]
    detour: float = 1.0
    cost_unit: str = "km"
    uses_matrix: bool = False
    register_label_sv: str = ""
    register_attribution: str = ""
    warnings_sv: tuple[str, ...] = ()
    notes_sv: tuple[str, ...] = field(default=())
    #: (kommun, the grid's own sum, the population table's figure for the grid year or
    #: None): squares go to a kommun by their centre, so the sums differ a little.
    grid_totals: tuple[tuple[str, float, float | None], ...] = ()

    # -- convenience for views
    @property
    def unit_types(self) -> tuple[str, ...]:
        return tuple(k for k in self.keys if k != ANY)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def summary(self, key: str, after: bool = True) -> pd.DataFrame:
        return (self.summary_after if after else self.summary_before)[key]

    def near(self, key: str, after: bool = True) -> pd.DataFrame:
        return (self.near_after if after else self.near_before)[key]

    def longest_for(self, key: str) -> Longest | None:
        return next((lg for lg in self.longest if lg.key == key), None)

    @property
    def added_ids(self) -> tuple[str, ...]:
        before = set(self.supply_before[gf.SUPPLY_ID].astype(str))
        return tuple(i for i in self.supply_after[gf.SUPPLY_ID].astype(str) if i not in before)

    @property
    def moved_ids(self) -> tuple[str, ...]:
        live = set(self.supply_after[gf.SUPPLY_ID].astype(str))
        return tuple(dict.fromkeys(c.unit_id for c in self.changes if c.op == MOVE and c.unit_id in live))

    @property
    def removed_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.unit_id for c in self.changes if c.op == REMOVE))

    @property
    def distance_label_sv(self) -> str:
        """How distance is measured, for captions and tables."""
        if self.uses_matrix:
            return f"restid enligt importerad matris ({gf.COST_UNITS.get(self.cost_unit, self.cost_unit)})"
        if self.detour == 1.0:
            return "fågelvägen (km)"
        return f"fågelvägen × omvägsfaktor {fmt.number(self.detour, 1)} (km)"


# --------------------------------------------------------------------------- use case


def _keys(unit_types: Iterable[str] | None) -> tuple[str, ...]:
    types = tuple(gf.UNIT_TYPES if unit_types is None else unit_types)
    if not types or any(t not in gf.UNIT_TYPES for t in types):
        raise GeoServiceError(f"unknown unit types {types!r}", "Okänd enhetstyp.")
    types = tuple(t for t in gf.UNIT_TYPES if t in types)  # fixed order
    return (*types, ANY) if len(types) > 1 else types


def _bounds(demand: pd.DataFrame) -> tuple[float, float, float, float]:
    x, y = demand[gf.DEMAND_X], demand[gf.DEMAND_Y]
    m = BOUNDS_MARGIN_M
    return (float(x.min()) - m, float(y.min()) - m, float(x.max()) + m, float(y.max()) + m)


def _deck(ds: Dataset, key: str) -> tuple[float | None, str]:
    fk = DECK_FACT_KEYS.get(key)
    if fk is None:
        return None, ""
    try:
        f = ds.fact(fk)
    except (DataError, KeyError):
        return None, ""
    return f.value, f.period


def _matrix_for(cost: pd.DataFrame | None, changes: Sequence[UnitChange]) -> pd.DataFrame | None:
    """A moved unit's matrix rows describe its old place: they are dropped after the change."""
    if cost is None:
        return None
    moved = {c.unit_id for c in changes if c.op == MOVE}
    return cost[~cost[gf.COST_SUPPLY_ID].astype(str).isin(moved)] if moved else cost


def _near_all(demand, supply, keys, detour, cost, cost_unit) -> dict[str, pd.DataFrame]:
    types = tuple(k for k in keys if k != ANY)
    out = {}
    for k in keys:
        out[k] = dist.nearest(demand, supply, unit_types=types if k == ANY else (k,), detour=detour, cost=cost,
                              cost_unit=cost_unit)
    return out


def grid_totals(ds: Dataset, grid: pd.DataFrame, grid_year: int) -> tuple[tuple[str, float, float | None], ...]:
    """Each kommun's sum of squares beside its official population in the grid's year."""
    sums = dist.population_by_kommun(grid)
    official: dict[str, float] = {}
    if ds.has("befolkning"):
        b = ds.table("befolkning")
        b = b[b["year"] == grid_year]
        official = {str(k): float(v) for k, v in zip(b["regionkod"], b["population"])}
    return tuple((k, float(sums[k]), official.get(k)) for k in sorted(sums))


def _changed_units(before: pd.DataFrame, after: pd.DataFrame) -> tuple[str, ...]:
    b = before["near_pop"]
    a = after["near_pop"]
    ids = sorted(set(b.index.astype(str)) | set(a.index.astype(str)))
    b = b.rename(index=str).reindex(ids).fillna(0.0)
    a = a.rename(index=str).reindex(ids).fillna(0.0)
    return tuple(i for i in ids if abs(float(a[i]) - float(b[i])) > CHANGE_TOLERANCE)


def analyse(
    ds: Dataset,
    scenario: Assumptions | tuple | None,
    register: pd.DataFrame,
    changes: Iterable[UnitChange] = (),
    *,
    unit_types: Iterable[str] | None = None,
    detour: float = 1.0,
    cost: pd.DataFrame | None = None,
    cost_unit: str = "km",
    grid: pd.DataFrame | None = None,
    grid_year: int | None = None,
    data_dir: Path | str | None = None,
    inputs: ModelInputs | None = None,
    register_label_sv: str = "",
    register_attribution: str = "",
) -> GeoAnalysis:
    """Distance to care for the scenario's year, before and after the unit changes.

    ``scenario``: :class:`Assumptions` (forecast, own rates, horizon) or ``(year,
    forecast key)``. ``register``: the supply frame in use. ``changes``: the scenario's
    unit changes; those that do not fit are dropped with a warning in ``warnings_sv``.
    ``grid``/``grid_year``: the demand frame and its year (default: the data dir's
    embedded grid and its manifest date). ``register_label_sv``/``register_attribution``
    travel with the result so every figure fed by it carries them (the example's
    "ofullständigt" label). Raises :class:`GeoServiceError` or the model's
    ``GeoInputError`` (both with ``message_sv``) on unusable input.
    """
    if grid is None or grid_year is None:
        from naravard.sources import grid as gridsrc  # the grid is optional in a data dir

        if grid is None:
            grid = gridsrc.load_grid(data_dir, codes=ds.kommun_codes)
        if grid_year is None:
            info = gridsrc.grid_info(data_dir)
            grid_year = grid_year_of(info.date if info else "")
    if grid_year is None:
        raise GeoServiceError("the grid has no reference year", "Befolkningsrutnätets år är okänt (manifestets [grid] date).")
    keys = _keys(unit_types)
    inputs = inputs if inputs is not None else ModelInputs.from_dataset(ds)
    scaling = population_ratios(ds, scenario, int(grid_year), inputs=inputs)
    demand = scaled_demand(grid, scaling)

    dist.check_supply(register)
    supply_before = register.reset_index(drop=True)
    kept, warnings = check_changes(tuple(changes), set(supply_before[gf.SUPPLY_ID].astype(str)), _bounds(demand))
    supply_after = whatif.apply_changes(supply_before, kept, demand) if kept else supply_before
    types = tuple(k for k in keys if k != ANY)

    near_before = _near_all(demand, supply_before, keys, detour, cost, cost_unit)
    cost_after = _matrix_for(cost, kept)
    near_after = near_before if not kept else _near_all(demand, supply_after, keys, detour, cost_after, cost_unit)
    summ_before = {k: dist.access_summary(demand, near_before[k]) for k in keys}
    summ_after = summ_before if not kept else {k: dist.access_summary(demand, near_after[k]) for k in keys}
    last = keys[-1]  # ANY when both types are analysed, else the one type
    sup_b = supply_before[supply_before[gf.SUPPLY_TYPE].isin(types)]
    sup_a = supply_after[supply_after[gf.SUPPLY_TYPE].isin(types)]
    catch_before = dist.catchments(demand, sup_b, near_before[last])
    catch_after = catch_before if not kept else dist.catchments(demand, sup_a, near_after[last])

    longest = []
    for k in keys:
        rb = summ_before[k].loc[dist.REGION_ROW]
        ra = summ_after[k].loc[dist.REGION_ROW]
        deck_km, period = _deck(ds, k)
        did = str(ra.get("max_demand_id", "") or "")
        kommun = ""
        if did:
            hit = demand.loc[demand[gf.DEMAND_ID].astype(str) == did, gf.DEMAND_KOMMUN]
            kommun = str(hit.iloc[0]) if len(hit) else ""
        longest.append(Longest(k, float(rb["max_cost"]), float(ra["max_cost"]), did, float(ra.get("max_x", np.nan)),
                               float(ra.get("max_y", np.nan)), kommun, deck_km, period))

    notes = list(scaling.notes_sv)
    if cost is not None and kept:
        notes.append(
            "Avstånden kommer från en importerad restidsmatris. Nya och flyttade enheter finns inte i matrisen "
            "och påverkar därför inte restiderna."
        )
    return GeoAnalysis(
        scaling=scaling,
        demand=demand,
        supply_before=supply_before,
        supply_after=supply_after,
        changes=tuple(kept),
        keys=keys,
        near_before=near_before,
        near_after=near_after,
        summary_before=summ_before,
        summary_after=summ_after,
        catchments_before=catch_before,
        catchments_after=catch_after,
        changed_units=_changed_units(catch_before, catch_after) if kept else (),
        longest=tuple(longest),
        detour=float(detour),
        cost_unit=cost_unit if cost is not None else "km",
        uses_matrix=cost is not None,
        register_label_sv=register_label_sv,
        register_attribution=register_attribution,
        warnings_sv=tuple(warnings),
        notes_sv=tuple(notes),
        grid_totals=grid_totals(ds, grid, int(grid_year)),
    )


# --------------------------------------------------------------------------- suggestions

MCLP, PMEDIAN = "mclp", "pmedian"
METHODS = (MCLP, PMEDIAN)


def suggest(
    analysis: GeoAnalysis,
    *,
    p: int,
    method: str = MCLP,
    radius_km: float = 10.0,
    unit_types: Iterable[str] | None = None,
    candidates: pd.DataFrame | None = None,
) -> SuggestionResult:
    """Places for ``p`` new units on the analysis' demand, with its supply after the changes.

    ``method`` :data:`MCLP` maximises the population within ``radius_km`` of a unit;
    :data:`PMEDIAN` minimises the population-weighted distance. Existing units of
    ``unit_types`` (default: the analysis' types) count as already open. Straight-line
    distance × the analysis' detour factor (an imported matrix has no rows for new sites).
    """
    from naravard.model.geo import suggest as sug  # the solvers load only when asked

    types = tuple(unit_types) if unit_types is not None else analysis.unit_types
    if method == MCLP:
        return sug.suggest_mclp(analysis.demand, analysis.supply_after, p=p, radius_km=radius_km,
                                candidates=candidates, unit_types=types, detour=analysis.detour)
    if method == PMEDIAN:
        return sug.suggest_pmedian(analysis.demand, analysis.supply_after, p=p, candidates=candidates, unit_types=types,
                                   detour=analysis.detour)
    raise GeoServiceError(f"unknown method {method!r}", "Okänd metod för förslag.")


__all__ = [
    "ANY",
    "ASSUMPTION_SV",
    "DECK_FACT_KEYS",
    "DECK_UNMEASURED_SV",
    "KEY_LABELS_SV",
    "METHODS",
    "MCLP",
    "PMEDIAN",
    "DemandScaling",
    "GeoAnalysis",
    "GeoServiceError",
    "Longest",
    "analyse",
    "grid_year_of",
    "population_ratios",
    "scaled_demand",
    "suggest",
]
