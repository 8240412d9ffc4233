"""Where would p new units help most? Suggested sites among the populated squares.

Two questions, two classic location models (Church & Murray, *Location Covering Models*):

* **MCLP** (maximal covering): choose p sites that bring the most people within R km of
  a unit. Solved exactly with spopt's :class:`spopt.locate.MCLP` model and the CBC solver
  shipped in PuLP.
* **p-median**: choose p sites that lower the population-weighted mean distance the most.
  The exact model is far too slow at the region's size (2 000 × 300 did not finish in ten
  minutes), so :func:`suggest_pmedian` runs a greedy start plus a vertex-substitution
  interchange (Teitz & Bart) — a heuristic, labelled as one — and :func:`pmedian_exact`
  (PuLP/CBC) solves small instances so the tests can hold the heuristic against it.

Existing units count as already open in both: only new sites are chosen, and a person's
distance is the shorter of the way to an existing unit and to a new site. For MCLP this
is done by *removing the demand that existing units already cover* from the coverage
problem (it is covered whatever is chosen, so it cannot change which sites are best),
rather than by predefined facilities: the model then holds only uncovered squares and
the candidate sites that can reach them, which is what keeps it small.

Candidates are populated squares (their centres): a unit is placed where people live,
and the grid is the finest public geography of where that is. Distances are straight
lines in SWEREF 99 TM × the detour factor, like :func:`~naravard.model.geo.distance.nearest`.

Why spopt's ``MCLP.from_cost_matrix`` is not called as is: it writes every coverage row
as a dense sum over *all* candidates (about 3,5 µs per client × candidate here, so
the embedded region's 1 900 uncovered squares × 3 400 candidates at R = 10 km would take ~23 s to
build). :func:`suggest_mclp` builds the same formulation on spopt's ``MCLP`` object with
only the candidates within R of each square in its row (a few hundred thousand terms).
A test checks that both give the same optimum on small instances.

The functions are pure in the model's sense (no files of the app, inputs not mutated);
the CBC solver itself runs as a child process on temporary files that PuLP manages.
spopt and PuLP are imported inside the solving functions (spopt takes ~1,5 s to import).
"""

from __future__ import annotations

import functools
import math
import time
import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import pandas as pd

from naravard.model.geo.distance import (
    GeoInputError,
    _finite_xy,
    _require_columns,
    check_demand,
    check_detour,
    check_supply,
    select_types,
)
from naravard.sources.geoframes import (
    DEMAND_ID,
    DEMAND_KOMMUN,
    DEMAND_POP,
    DEMAND_X,
    DEMAND_Y,
    SUPPLY_X,
    SUPPLY_Y,
)

P_MIN, P_MAX = 1, 10
#: Largest radius (km) a suggestion takes: beyond it the question is not primary care.
RADIUS_MAX_KM = 100.0
#: Coverage terms (client × candidate pairs within R) above which the MCLP's candidate
#: set is thinned to a coarser lattice (about 3 s of model building at this size).
MAX_COVER_TERMS = 800_000
#: Candidate × demand distances kept as one float32 matrix up to this many cells
#: (64 MB); above it they are recomputed per chunk, so memory stays bounded.
MAX_MATRIX_CELLS = 4096 * 4096
_CHUNK = 256
#: Largest instance :func:`pmedian_exact` accepts (candidates × squares).
EXACT_MAX_CELLS = 4_000
#: Seconds CBC may use before it returns its best solution so far.
SOLVER_SECONDS = 30

METHOD_MCLP = "MCLP (spopt, CBC)"
METHOD_HEURISTIC = "heuristik (girig + utbyte)"
METHOD_EXACT = "p-median, exakt (PuLP, CBC)"
OBJECTIVE_COVERED = "covered_pop"
OBJECTIVE_MEAN_KM = "mean_km"

SITE_COLUMNS = ("rank", DEMAND_ID, "x", "y", "kommun", "gain", "gain_cumulative")


def _pulp_quiet(func):
    """Silence PuLP 3.3's notice that ``PULP_CBC_CMD`` (and ``LpVariable`` as spopt calls
    it) goes away in PuLP 4.0. Both are pinned here, so the notice is noise: thousands per
    solve, which would bury a warning that matters."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*PuLP 4", category=DeprecationWarning)
            return func(*args, **kwargs)

    return wrapper


class SuggestionError(GeoInputError):
    """A suggestion that cannot be computed as asked (English ``str()``, Swedish ``message_sv``)."""


@dataclass(frozen=True, eq=False)
class SuggestionResult:
    """Suggested sites, ranked, and the objective before and after.

    ``sites``: one row per suggested site in rank order (rank 1 = the largest gain on its
    own; later ranks count what they add after the earlier ones): ``rank``, ``demand_id``
    (the candidate square), ``x``, ``y`` (SWEREF 99 TM), ``kommun``, ``gain`` and
    ``gain_cumulative``. For MCLP the gain is persons newly within ``radius_km``; for the
    p-median it is the drop in the population-weighted mean distance (km). ``before`` /
    ``after``: persons within R km (MCLP) or the weighted mean km (p-median) with the
    existing units only / with the sites added. ``method``: Swedish text for the UI that
    says what was maximised or minimised and how. ``notes``: Swedish sentences the UI must
    show (sites dropped, candidates thinned, a time limit reached). Compared by identity
    (``eq=False``): a frame inside has no single truth value.
    """

    sites: pd.DataFrame
    before: float
    after: float
    method: str
    seconds: float
    objective: str
    population: float
    radius_km: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------
# Checks and shared preparation
# ---------------------------------------------------------------------------


def check_p(p: int) -> int:
    """p as an int in 1..10, or :class:`SuggestionError`."""
    if isinstance(p, bool) or not isinstance(p, Integral) or not P_MIN <= int(p) <= P_MAX:
        raise SuggestionError(f"p must be a whole number in {P_MIN}..{P_MAX}, got {p!r}", f"Antalet nya enheter måste vara ett heltal från {P_MIN} till {P_MAX}.")
    return int(p)


def check_radius(radius_km: float) -> float:
    """R as a float in (0, 100] km, or :class:`SuggestionError`."""
    if isinstance(radius_km, bool) or not isinstance(radius_km, Real) or not math.isfinite(float(radius_km)) or not 0 < float(radius_km) <= RADIUS_MAX_KM:
        raise SuggestionError(
            f"radius must be a number in (0, {RADIUS_MAX_KM:g}] km, got {radius_km!r}",
            f"Avståndet måste vara större än 0 och högst {_km_sv(RADIUS_MAX_KM)} km.",
        )
    return float(radius_km)


def candidate_sites(demand: pd.DataFrame, min_pop: float = 1) -> pd.DataFrame:
    """The populated squares (population ≥ ``min_pop``) as candidate sites, a copy.

    Why populated squares: a new unit belongs where people live, and the grid gives no
    other public set of places. Same columns as ``demand``.
    """
    check_demand(demand)
    if isinstance(min_pop, bool) or not isinstance(min_pop, Real) or not math.isfinite(float(min_pop)) or float(min_pop) < 0:
        raise SuggestionError(f"min_pop must be a number >= 0, got {min_pop!r}", "Minsta befolkning för en möjlig plats måste vara ett tal, 0 eller mer.")
    return demand[demand[DEMAND_POP].to_numpy(dtype=float) >= float(min_pop)].copy()


@dataclass(frozen=True)
class _Problem:
    """Arrays of one suggestion problem (populated squares only)."""

    xy: np.ndarray  # (n, 2) metres
    w: np.ndarray  # (n,) persons
    d0: np.ndarray  # (n,) km to the nearest existing unit × detour (inf: none)
    cxy: np.ndarray  # (m, 2) candidate centres
    cand: pd.DataFrame  # the candidate rows, aligned with cxy
    detour: float


def _prepare(demand, supply, candidates, unit_types, detour) -> _Problem:
    check_demand(demand)
    check_supply(supply)
    d = check_detour(detour)
    if candidates is None:
        candidates = candidate_sites(demand)
    else:
        _require_columns(candidates, (DEMAND_ID, DEMAND_X, DEMAND_Y), "candidates", "De möjliga platserna")
        _finite_xy(candidates, DEMAND_X, DEMAND_Y, "candidates", "De möjliga platserna")
    if not len(candidates):
        raise SuggestionError("no candidate sites", "Det finns inga möjliga platser (inga befolkade rutor).")
    live = demand[demand[DEMAND_POP].to_numpy(dtype=float) > 0]
    xy = live[[DEMAND_X, DEMAND_Y]].to_numpy(dtype=float)
    units = select_types(supply, unit_types)
    if len(units) and len(xy):
        from scipy.spatial import cKDTree

        dist, _ = cKDTree(units[[SUPPLY_X, SUPPLY_Y]].to_numpy(dtype=float)).query(xy, k=1)
        d0 = dist / 1000.0 * d
    else:
        d0 = np.full(len(xy), np.inf)
    return _Problem(
        xy=xy,
        w=live[DEMAND_POP].to_numpy(dtype=float),
        d0=d0,
        cxy=candidates[[DEMAND_X, DEMAND_Y]].to_numpy(dtype=float),
        cand=candidates,
        detour=d,
    )


def _sites_frame(prob: _Problem, chosen: list[int], gains: list[float]) -> pd.DataFrame:
    c = prob.cand.iloc[chosen] if chosen else prob.cand.iloc[[]]
    kommun = c[DEMAND_KOMMUN].astype(str).to_numpy() if DEMAND_KOMMUN in c.columns else np.full(len(c), "")
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1, dtype=int),
            DEMAND_ID: c[DEMAND_ID].astype(str).to_numpy(),
            "x": c[DEMAND_X].to_numpy(dtype=float),
            "y": c[DEMAND_Y].to_numpy(dtype=float),
            "kommun": kommun,
            "gain": np.asarray(gains, dtype=float),
            "gain_cumulative": np.cumsum(np.asarray(gains, dtype=float)),
        },
        columns=list(SITE_COLUMNS),
    )


def _dist_km(cxy: np.ndarray, xy: np.ndarray, detour: float) -> np.ndarray:
    """Candidates × squares distances in km × detour, float32 (to about a metre).

    Differences are taken in float64 (SWEREF northings are ~6,4 million metres, beyond
    float32's whole-metre precision) a chunk of candidates at a time, so the
    temporaries stay a few megabytes whatever the size.
    """
    out = np.empty((len(cxy), len(xy)), dtype=np.float32)
    scale = detour / 1000.0
    for a in range(0, len(cxy), _CHUNK):
        b = min(a + _CHUNK, len(cxy))
        dx = cxy[a:b, 0:1] - xy[None, :, 0]
        dy = cxy[a:b, 1:2] - xy[None, :, 1]
        out[a:b] = np.hypot(dx, dy) * scale
    return out


# ---------------------------------------------------------------------------
# MCLP
# ---------------------------------------------------------------------------


def _cover_sets(prob: _Problem, clients: np.ndarray, cidx: np.ndarray, radius_km: float, count_only: bool = False):
    """For each client (index into prob.xy), the candidates (indices into cidx) within R
    — or, with ``count_only``, just the total number of such pairs."""
    if not len(cidx) or not len(clients):
        return 0 if count_only else [[] for _ in clients]
    from scipy.spatial import cKDTree

    tree = cKDTree(prob.cxy[cidx])
    # query_ball_point's radius is in metres; straight line × detour ≤ R.
    r_m = radius_km * 1000.0 / prob.detour + 1e-6
    if count_only:
        return int(tree.query_ball_point(prob.xy[clients], r=r_m, return_length=True).sum())
    return list(tree.query_ball_point(prob.xy[clients], r=r_m))


def _thin_candidates(prob: _Problem, step: int) -> np.ndarray:
    """Candidates on a lattice of every ``step``-th km in x and y (1 = all)."""
    if step == 1:
        return np.arange(len(prob.cxy))
    kx = np.floor(prob.cxy[:, 0] / 1000.0).astype(np.int64)
    ky = np.floor(prob.cxy[:, 1] / 1000.0).astype(np.int64)
    return np.flatnonzero((kx % step == 0) & (ky % step == 0))


def _coverage_order(sets_by_cand: dict[int, np.ndarray], w: np.ndarray, chosen: list[int]) -> tuple[list[int], list[float]]:
    """Order chosen sites by marginal coverage (largest first); gains in persons."""
    covered = np.zeros(len(w), dtype=bool)
    left, order, gains = list(chosen), [], []
    while left:
        best = max(left, key=lambda j: (float(w[sets_by_cand[j][~covered[sets_by_cand[j]]]].sum()), -j))
        g = float(w[sets_by_cand[best][~covered[sets_by_cand[best]]]].sum())
        covered[sets_by_cand[best]] = True
        order.append(best)
        gains.append(g)
        left.remove(best)
    return order, gains


@_pulp_quiet
def suggest_mclp(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    p: int,
    radius_km: float,
    candidates: pd.DataFrame | None = None,
    unit_types=None,
    detour: float = 1.0,
) -> SuggestionResult:
    """p new sites that bring the most people within ``radius_km`` of a unit (MCLP).

    Existing units (of ``unit_types``; None = all) count as open: the squares they
    already reach are removed from the problem, so ``before`` is the population within R
    of them and every ``gain`` is population *newly* within R. Sites that would add
    nobody (p larger than needed) are left out and a note says so. Solved to optimality
    by CBC (with a time limit; a note says if it was reached). If the coverage problem
    has more than :data:`MAX_COVER_TERMS` client × candidate pairs, the candidates are
    thinned to every 2nd (3rd, ...) km square in each direction, and a note says so.
    """
    t0 = time.perf_counter()
    p = check_p(p)
    r = check_radius(radius_km)
    prob = _prepare(demand, supply, candidates, unit_types, detour)
    total = float(prob.w.sum())
    covered0 = prob.d0 <= r
    before = float(prob.w[covered0].sum())
    notes: list[str] = []
    clients_all = np.flatnonzero(~covered0)
    step = 1
    while True:
        cidx = _thin_candidates(prob, step)
        if _cover_sets(prob, clients_all, cidx, r, count_only=True) <= MAX_COVER_TERMS or step >= 10:
            break
        step += 1
    sets = _cover_sets(prob, clients_all, cidx, r)
    if step > 1:
        notes.append(
            f"Problemet var stort: som möjliga platser användes var {step}:e km-ruta i varje riktning i stället för alla befolkade rutor."
        )
    keep = [i for i, s in enumerate(sets) if s]
    clients = clients_all[keep]
    sets = [sets[i] for i in keep]
    if not len(clients):
        notes.append(f"Ingen ny plats kan nå fler personer inom {_km_sv(r)} km än de befintliga enheterna.")
        return SuggestionResult(_sites_frame(prob, [], []), before, before, _mclp_method(r), time.perf_counter() - t0, OBJECTIVE_COVERED, total, r, tuple(notes))
    # Candidates that reach at least one uncovered square, renumbered 0..k-1.
    used = np.unique(np.concatenate([np.asarray(s, dtype=np.int64) for s in sets]))
    local = {int(j): k for k, j in enumerate(used)}
    rows = [[local[j] for j in s] for s in sets]
    w = prob.w[clients]
    p_eff = min(p, len(used))

    import pulp
    from spopt.locate import MCLP
    from spopt.locate.base import FacilityModelBuilder

    model = MCLP("mclp", pulp.LpProblem("mclp", pulp.LpMaximize))
    FacilityModelBuilder.add_facility_integer_variable(model, range(len(used)), "x[{i}]")
    FacilityModelBuilder.add_client_integer_variable(model, range(len(clients)), "y[{i}]")
    fac, cli = model.fac_vars, model.cli_vars
    model.problem += pulp.LpAffineExpression([(cli[i], float(w[i])) for i in range(len(clients))]), "objective function"
    for i, row in enumerate(rows):
        expr = pulp.LpAffineExpression([(fac[j], 1) for j in row] + [(cli[i], -1)])
        model.problem += pulp.LpConstraint(expr, sense=pulp.LpConstraintGE, rhs=0)
    FacilityModelBuilder.add_facility_constraint(model, p_eff)
    try:
        model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=SOLVER_SECONDS), results=False)
    except (RuntimeError, pulp.PulpSolverError) as e:
        raise SuggestionError(f"the MCLP solver failed: {e}", "Förslagen kunde inte beräknas (lösaren gav inget svar).") from None
    if model.problem.sol_status != pulp.LpSolutionOptimal:
        notes.append(f"Lösaren nådde tidsgränsen ({SOLVER_SECONDS} s); förslagen är den bästa lösning den hann hitta.")
    chosen_local = [k for k in range(len(used)) if (fac[k].value() or 0) > 0.5]
    # Coverage of each chosen candidate over the client rows, in client positions.
    members: dict[int, list[int]] = {k: [] for k in chosen_local}
    for i, row in enumerate(rows):
        for k in row:
            if k in members:
                members[k].append(i)
    sets_by = {k: np.asarray(v, dtype=np.int64) for k, v in members.items()}
    order, gains = _coverage_order(sets_by, w, chosen_local)
    nz = [(k, g) for k, g in zip(order, gains, strict=True) if g > 0]
    if len(nz) < p:
        notes.append(f"Färre än {p} platser behövs: {len(nz)} nya enheter når alla som kan nås inom {_km_sv(r)} km.")
    chosen_cand = [int(cidx[used[k]]) for k, _ in nz]
    sites = _sites_frame(prob, chosen_cand, [g for _, g in nz])
    after = before + float(sites["gain"].sum())
    return SuggestionResult(sites, before, after, _mclp_method(r), time.perf_counter() - t0, OBJECTIVE_COVERED, total, r, tuple(notes))


def _km_sv(v: float) -> str:
    return f"{v:g}".replace(".", ",")


def _mclp_method(r: float) -> str:
    return f"{METHOD_MCLP}: flest personer inom {_km_sv(r)} km från en enhet"


# ---------------------------------------------------------------------------
# p-median: greedy + interchange, and exact for small instances
# ---------------------------------------------------------------------------


class _Distances:
    """Candidate × square distances (km × detour) with bounded memory.

    Kept as one float32 matrix up to :data:`MAX_MATRIX_CELLS` cells, else computed per
    chunk of candidates each time it is read.
    """

    def __init__(self, prob: _Problem):
        self.prob = prob
        self.m = len(prob.cxy)
        self.cells = self.m * len(prob.xy)
        self.full = _dist_km(prob.cxy, prob.xy, prob.detour) if self.cells <= MAX_MATRIX_CELLS else None

    def chunks(self):
        for a in range(0, self.m, _CHUNK):
            b = min(a + _CHUNK, self.m)
            yield a, b, (self.full[a:b] if self.full is not None else _dist_km(self.prob.cxy[a:b], self.prob.xy, self.prob.detour))

    def row(self, j: int) -> np.ndarray:
        if self.full is not None:
            return self.full[j]
        return _dist_km(self.prob.cxy[j : j + 1], self.prob.xy, self.prob.detour)[0]

    def savings(self, cur: np.ndarray, w: np.ndarray) -> np.ndarray:
        """S_j = Σ_{cur_i finite} w_i·max(0, cur_i − d_ji) − Σ_{cur_i = ∞} w_i·d_ji per candidate j.

        The total person-km with candidate j added is Σ_{finite} w_i·cur_i − S_j, so the
        best candidate is argmax S_j, also where some squares have no unit yet (∞).
        """
        fin = np.isfinite(cur)
        c32 = np.where(fin, cur, 0.0).astype(np.float32)
        # float32 sums are exact enough to rank candidates; the chosen swap is checked
        # again in float64 by the caller.
        w_fin = np.where(fin, w, 0.0).astype(np.float32)
        w_inf = np.where(fin, 0.0, w).astype(np.float32)
        any_inf = bool(w_inf.any())
        out = np.empty(self.m)
        tmp = np.empty((min(_CHUNK, self.m), len(cur)), dtype=np.float32)
        for a, b, block in self.chunks():
            t = tmp[: b - a]
            np.subtract(c32[None, :], block, out=t)
            np.maximum(t, 0, out=t)
            out[a:b] = t @ w_fin
            if any_inf:
                out[a:b] -= block @ w_inf
        return out

    def best_swap(self, w: np.ndarray, d1: np.ndarray, f1: np.ndarray, d2: np.ndarray, chosen: list[int]) -> tuple[float, int, int]:
        """The best single swap (change of person-km, position out, candidate in).

        The whole swap neighbourhood in one pass over the distances (the closest/second
        closest decomposition of Whitaker's fast interchange): swapping the site at position
        s for candidate j changes the total by −gain_j + L[j, s], where gain_j = Σ_i w_i ·
        max(0, d1_i − d_ji) and L[j, s] = Σ_{i: f1_i = s} w_i · (clip(d_ji, d1_i, d2_i) − d1_i).
        """
        p = len(chosen)
        wmat = np.zeros((len(w), p), dtype=np.float32)
        own = f1 >= 0
        wmat[np.flatnonzero(own), f1[own]] = w[own]
        d1_32 = d1.astype(np.float32)
        d2_32 = np.minimum(d2, 1e7).astype(np.float32)  # ∞ only where p = 1 and no unit exists
        w32 = w.astype(np.float32)
        best = (0.0, -1, -1)
        tmp = np.empty((min(_CHUNK, self.m), len(w)), dtype=np.float32)
        is_open = np.zeros(self.m, dtype=bool)
        is_open[chosen] = True
        for a, b, block in self.chunks():
            t = tmp[: b - a]
            np.subtract(d1_32[None, :], block, out=t)
            np.maximum(t, 0, out=t)
            gain = t @ w32
            np.clip(block, d1_32[None, :], d2_32[None, :], out=t)
            t -= d1_32[None, :]
            delta = t @ wmat - gain[:, None]
            delta[is_open[a:b]] = np.inf
            k = int(np.argmin(delta))
            jj, ss = divmod(k, p)
            if delta[jj, ss] < best[0]:
                best = (float(delta[jj, ss]), ss, a + jj)
        return best


class _NearPairs:
    """Only the candidate–square pairs that can matter once units exist: d_ji < d0_i.

    Why: a person is never served from farther than their existing unit, so a candidate
    farther than that can neither save them anything nor take them over. With units
    open that is a small share of all pairs (1,2 of 13 million for the embedded grid with the 14
    OSM units), and every pass is a bincount over those pairs instead of a pass over
    the whole matrix. Same interface and the same sums as :class:`_Distances`; used only
    when every square has a unit (d0 finite) and the pairs fit :data:`MAX_MATRIX_CELLS`.
    """

    def __init__(self, prob: _Problem, cand: np.ndarray, sq: np.ndarray, dist: np.ndarray):
        self.prob = prob
        self.m = len(prob.cxy)
        self.J, self.sq, self.D = cand, sq, dist
        # Work per pass in dense-cell equivalents (a gathered pair costs about two cells).
        self.cells = 2 * len(cand)

    @classmethod
    def build(cls, prob: _Problem, limit: int) -> _NearPairs | None:
        """The pairs, read a chunk of candidates at a time; None if more than ``limit``."""
        if not np.isfinite(prob.d0).all():
            return None
        d0 = prob.d0.astype(np.float32)
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        total = 0
        for a in range(0, len(prob.cxy), _CHUNK):
            block = _dist_km(prob.cxy[a : a + _CHUNK], prob.xy, prob.detour)
            jj, ii = np.nonzero(block < d0[None, :])
            total += len(jj)
            if total > limit:
                return None
            parts.append(((jj + a).astype(np.int32), ii.astype(np.int32), block[jj, ii]))
        if not parts:
            return None
        cand, sq, dist = (np.concatenate(x) for x in zip(*parts, strict=True))
        return cls(prob, cand, sq, dist)

    def row(self, j: int) -> np.ndarray:
        return _dist_km(self.prob.cxy[j : j + 1], self.prob.xy, self.prob.detour)[0]

    def savings(self, cur: np.ndarray, w: np.ndarray) -> np.ndarray:
        """As :meth:`_Distances.savings` (here every cur_i is finite)."""
        g = w[self.sq] * np.maximum(cur[self.sq] - self.D, 0.0)
        return np.bincount(self.J, weights=g, minlength=self.m)

    def best_swap(self, w: np.ndarray, d1: np.ndarray, f1: np.ndarray, d2: np.ndarray, chosen: list[int]) -> tuple[float, int, int]:
        """As :meth:`_Distances.best_swap`. For a pair outside the set, d_ji ≥ d0_i ≥ d2_i,
        so L[j, s] = loss_s − Σ_{pairs (j, i), f1_i = s} w_i · (d2_i − clip(d_ji, d1_i, d2_i)),
        with loss_s = Σ_{f1_i = s} w_i · (d2_i − d1_i)."""
        p = len(chosen)
        gain = self.savings(d1, w)
        own = f1 >= 0
        loss = np.bincount(f1[own], weights=(w * (d2 - d1))[own], minlength=p)
        fi = f1[self.sq]
        sel = fi >= 0
        Is, Ds = self.sq[sel], self.D[sel]
        back = w[Is] * (d2[Is] - np.clip(Ds, d1[Is], d2[Is]))
        L = loss[None, :] - np.bincount(self.J[sel].astype(np.int64) * p + fi[sel], weights=back, minlength=self.m * p).reshape(self.m, p)
        delta = L - gain[:, None]
        delta[chosen] = np.inf
        k = int(np.argmin(delta))
        jj, ss = divmod(k, p)
        if delta[jj, ss] < 0:
            return float(delta[jj, ss]), ss, jj
        return 0.0, -1, -1


def _current(d0: np.ndarray, rows: list[np.ndarray]) -> np.ndarray:
    cur = d0.astype(np.float64, copy=True)
    for r in rows:
        np.minimum(cur, r, out=cur)
    return cur


def _weighted_cost(cur: np.ndarray, w: np.ndarray) -> float:
    """Σ w_i·cur_i (∞ when a populated square has no unit)."""
    return float((w * cur).sum())


def _assignment(D: _Distances, d0: np.ndarray, chosen: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per square: distance to the nearest open unit (d1), which chosen site that is
    (position in ``chosen``, −1 for an existing unit), and the distance without it (d2).
    """
    d1 = d0.astype(np.float64, copy=True)
    f1 = np.full(len(d0), -1, dtype=np.int64)
    d2 = d0.astype(np.float64, copy=True)
    for pos, j in enumerate(chosen):
        r = D.row(j).astype(np.float64)
        closer = r < d1
        # the old nearest becomes the second nearest where the new site is closer
        d2 = np.where(closer, d1, np.minimum(d2, r))
        d1 = np.where(closer, r, d1)
        f1 = np.where(closer, pos, f1)
    d2 = np.where(f1 < 0, d1, d2)  # an existing unit is never swapped out
    return d1, f1, d2


def _interchange(D: _Distances, prob: _Problem, chosen: list[int]) -> tuple[list[int], float]:
    """Best-improvement swaps to a local optimum (at most 100 swaps); returns it and its person-km."""
    chosen = list(chosen)
    w = prob.w
    d1, f1, d2 = _assignment(D, prob.d0, chosen)
    cost = _weighted_cost(d1, w)
    for _ in range(100):
        _, s, j = D.best_swap(w, d1, f1, d2, chosen)
        if s < 0:
            break
        trial = chosen.copy()
        trial[s] = j
        t1, tf, t2 = _assignment(D, prob.d0, trial)
        tcost = _weighted_cost(t1, w)
        # float32 proposed the swap; float64 decides, so rounding cannot cycle.
        if not tcost < cost - 1e-9 * max(cost, 1.0):
            break
        chosen, d1, f1, d2, cost = trial, t1, tf, t2, tcost
    return chosen, cost


def _greedy(D: _Distances, prob: _Problem, p: int, first: int | None = None) -> list[int]:
    """p sites added one at a time, each saving the most person-km (``first`` forced)."""
    chosen: list[int] = []
    cur = prob.d0.astype(np.float64, copy=True)
    for _ in range(min(p, D.m)):
        if first is not None and not chosen:
            j = first
        else:
            sv = D.savings(cur, prob.w)
            sv[chosen] = -np.inf
            j = int(np.argmax(sv))
        chosen.append(j)
        np.minimum(cur, D.row(j), out=cur)
    return chosen


#: Work budget for restarts, in candidate × square cells read (about half a second on
#: the 2-core machine): small instances get up to :data:`MAX_RESTARTS` restarts,
#: the embedded region's grid none or one.
RESTART_CELLS = 60_000_000
MAX_RESTARTS = 24


def _pmedian_heuristic(prob: _Problem, p: int) -> list[int]:
    """Greedy start + interchange, then a few deterministic restarts while cheap.

    Greedy then swaps (vertex substitution, Teitz & Bart) reach a local optimum that can
    miss the best set by several per cent on small, scattered instances. So, within a
    fixed work budget (:data:`RESTART_CELLS`, never a clock: the result must not depend
    on the machine's load), the interchange is run again from greedy starts whose first
    site is forced to each of the best single sites in turn; the best local optimum wins.
    """
    D = _NearPairs.build(prob, min(MAX_MATRIX_CELLS, len(prob.cxy) * len(prob.w) // 3)) or _Distances(prob)
    best, best_cost = _interchange(D, prob, _greedy(D, prob, p))
    if p < 2:
        return best
    per_start = max(D.cells * (p + 2 * p), 1)
    starts = min(MAX_RESTARTS, RESTART_CELLS // per_start)
    if starts <= 0:
        return best
    sv = D.savings(prob.d0.astype(np.float64), prob.w)
    order = [int(j) for j in np.argsort(-sv, kind="mergesort") if int(j) != best[0]][:starts]
    for first in order:
        cand, cost = _interchange(D, prob, _greedy(D, prob, p, first=first))
        if cost < best_cost - 1e-9 * max(best_cost, 1.0):
            best, best_cost = cand, cost
    return best


def _median_order(prob: _Problem, chosen: list[int], rows: dict[int, np.ndarray]) -> tuple[list[int], list[float]]:
    """Order chosen sites by marginal drop of the weighted mean km (largest first)."""
    W = float(prob.w.sum())
    cur = prob.d0.copy()
    left, order, gains = list(chosen), [], []
    while left:
        costs = {j: _weighted_cost(np.minimum(cur, rows[j]), prob.w) for j in left}
        best = min(left, key=lambda j: (costs[j], j))
        new = np.minimum(cur, rows[best])
        if np.isfinite(cur).all():
            gains.append((_weighted_cost(cur, prob.w) - _weighted_cost(new, prob.w)) / W)
        else:
            gains.append(np.nan)  # no mean before any unit exists
        cur = new
        order.append(best)
        left.remove(best)
    return order, gains


def _pmedian_result(prob: _Problem, chosen: list[int], method: str, t0: float, notes: list[str]) -> SuggestionResult:
    W = float(prob.w.sum())
    rows = {j: _dist_km(prob.cxy[j : j + 1], prob.xy, prob.detour)[0].astype(np.float64) for j in chosen}
    order, gains = _median_order(prob, chosen, rows)
    before = _weighted_cost(prob.d0, prob.w) / W if np.isfinite(prob.d0).all() and W > 0 else np.nan
    after = _weighted_cost(_current(prob.d0, list(rows.values())), prob.w) / W if W > 0 else np.nan
    if not np.isfinite(before):
        notes.append("Det finns inga befintliga enheter att jämföra med; vinsten per plats anges inte.")
    return SuggestionResult(_sites_frame(prob, order, gains), float(before), float(after), method, time.perf_counter() - t0, OBJECTIVE_MEAN_KM, W, None, tuple(notes))


def _pmedian_method(kind: str) -> str:
    return f"{kind}: kortast befolkningsviktat medelavstånd till närmaste enhet"


def suggest_pmedian(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    p: int,
    candidates: pd.DataFrame | None = None,
    unit_types=None,
    detour: float = 1.0,
) -> SuggestionResult:
    """p new sites that lower the population-weighted mean distance the most (heuristic).

    Greedy: add, p times, the candidate that saves the most person-km given the existing
    units and the sites already chosen; then interchange: swap a chosen site for a
    candidate while that lowers the total, to a local optimum (Teitz & Bart); then, within
    a fixed work budget, the same from other greedy starts (see
    :func:`_pmedian_heuristic`). In the tests it met the exact optimum
    (:func:`pmedian_exact`) on every one of 20 random small instances, and on the embedded region's
    grid (p = 1, 3, 5, 10, with and without units) it equalled a run with 24 restarts; it
    is labelled a heuristic all the same. ``gain`` is the drop in the weighted mean km
    that each site adds in rank order (NaN for the first site when no unit exists: there
    is no mean distance before it).
    """
    t0 = time.perf_counter()
    p = check_p(p)
    prob = _prepare(demand, supply, candidates, unit_types, detour)
    if not len(prob.w):
        raise SuggestionError("no populated squares", "Det finns inga befolkade rutor att räkna på.")
    notes: list[str] = []
    chosen = _pmedian_heuristic(prob, p)
    return _pmedian_result(prob, chosen, _pmedian_method(METHOD_HEURISTIC), t0, notes)


@_pulp_quiet
def pmedian_exact(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    p: int,
    candidates: pd.DataFrame | None = None,
    unit_types=None,
    detour: float = 1.0,
) -> SuggestionResult:
    """The exact p-median with existing units open (PuLP/CBC), for small instances only.

    Model: each populated square i is assigned to one new site j (x_ij ≤ y_j) or to its
    nearest existing unit (z_i, cost d0_i; absent when there is none); Σ y_j = p; minimise
    Σ_i w_i (Σ_j d_ij x_ij + d0_i z_i). Refuses more than :data:`EXACT_MAX_CELLS`
    candidate × square cells: it exists to check the heuristic, not for the app.
    """
    t0 = time.perf_counter()
    p = check_p(p)
    prob = _prepare(demand, supply, candidates, unit_types, detour)
    n, m = len(prob.w), len(prob.cxy)
    if n * m > EXACT_MAX_CELLS:
        raise SuggestionError(f"instance too large for the exact p-median ({m} x {n})", "Problemet är för stort för den exakta metoden.")
    if p > m:
        raise SuggestionError(f"p = {p} exceeds the {m} candidates", "Fler nya enheter än möjliga platser.")
    import pulp

    D = _dist_km(prob.cxy, prob.xy, prob.detour).astype(np.float64)
    prob_lp = pulp.LpProblem("pmedian", pulp.LpMinimize)
    y = [prob_lp.add_variable(f"y{j}", cat=pulp.LpBinary) for j in range(m)]
    x = {(i, j): prob_lp.add_variable(f"x{i}_{j}", lowBound=0, upBound=1) for i in range(n) for j in range(m)}
    z = {i: prob_lp.add_variable(f"z{i}", lowBound=0, upBound=1) for i in range(n) if np.isfinite(prob.d0[i])}
    prob_lp += pulp.lpSum(prob.w[i] * D[j, i] * x[i, j] for i in range(n) for j in range(m)) + pulp.lpSum(prob.w[i] * prob.d0[i] * z[i] for i in z)
    for i in range(n):
        prob_lp += pulp.lpSum(x[i, j] for j in range(m)) + (z[i] if i in z else 0) == 1
        for j in range(m):
            prob_lp += x[i, j] <= y[j]
    prob_lp += pulp.lpSum(y) == p
    prob_lp.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=SOLVER_SECONDS))
    if prob_lp.status != pulp.LpStatusOptimal:
        raise SuggestionError("the exact p-median was not solved", "Den exakta beräkningen gav inget svar.")
    chosen = [j for j in range(m) if (y[j].value() or 0) > 0.5]
    return _pmedian_result(prob, chosen, _pmedian_method(METHOD_EXACT), t0, [])
