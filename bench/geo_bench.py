"""Geography model speed (issue 12): nearest unit, access, what-if and suggested sites.

Cases, each timed ``runs`` times after warm-up calls (median, p95, min, max in ms):

* ``country_nearest``: a synthetic country — 100 000 populated 1 km squares × 1 200 units
  (seeded; squares clustered around 300 towns in a 650 × 1 550 km box, units placed
  near the population) — ``naravard.model.geo.distance.nearest``. Target < 1 s.
* ``country_access``: the same country, ``nearest`` + ``access_summary`` (290 kommuner)
  + ``catchments``: what a page needs for one map (information, no target).
* ``halland_whatif``: Halland's grid (3 940 squares) with the 14 OpenStreetMap example
  units: ``apply_changes`` (one added filial) + ``nearest`` + ``access_summary`` +
  ``catchments`` — the model's share of the service's 200 ms target (information).
* ``halland_mclp_p5_r{5,10,20}`` and ``halland_pmedian_p5``: suggestions for p = 5 new
  units on Halland's grid. Target < 3 s each. The first MCLP call of a process also pays
  spopt's import (~1,5 s); it is reported separately as ``mclp_first_call_ms``.

Halland's grid is read from the app's data (``naravard.sources.grid.load_grid``) when that
exists, else from ``../shared/data/population/halland_befolkning_1km_2025.csv``; the units
from ``../shared/data/units/halland_osm_halsoenheter_2020.csv`` (clinic/doctors, no BVC).
Without them the Halland cases are skipped with the reason, never failed.

Runs on its own (``.venv/bin/python bench/geo_bench.py [--runs 20] [--json]``).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WARMUP = 2
SHARED = ROOT.parent / "shared" / "data"
GRID_CSV = SHARED / "population" / "halland_befolkning_1km_2025.csv"
UNITS_CSV = SHARED / "units" / "halland_osm_halsoenheter_2020.csv"

TARGET_NEAREST_MS = 1000.0
TARGET_SUGGEST_MS = 3000.0


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolation percentile (same as numpy's default), q in 0..100."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _time_calls(fn, runs: int, warmup: int = WARMUP) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    gc.collect()
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000.0)
    return {
        "runs": runs,
        "median_ms": statistics.median(samples),
        "p95_ms": percentile(samples, 95),
        "min_ms": min(samples),
        "max_ms": max(samples),
        "samples_ms": [round(s, 3) for s in samples],
    }


def synthetic_country(n_squares: int = 100_000, n_units: int = 1_200, n_kommuner: int = 290, seed: int = 12):
    """Demand and supply frames of a made-up country (SWEREF 99 TM-like extent).

    Squares are distinct 1 km cells around 300 towns (normal spread 3–25 km), so the
    density varies like a real country; units are drawn from the squares weighted by
    population, so they sit where people live. Kommun = nearest of 290 seat points.
    """
    import numpy as np
    import pandas as pd
    from scipy.spatial import cKDTree

    from naravard.sources.geoframes import SUPPLY_COLUMNS, TYPE_FILIAL, TYPE_VC

    rng = np.random.default_rng(seed)
    towns = np.c_[rng.uniform(270_000, 920_000, 300), rng.uniform(6_130_000, 7_680_000, 300)]
    spread = rng.uniform(3_000, 25_000, 300)
    cells: set[tuple[int, int]] = set()
    while len(cells) < n_squares:
        t = rng.integers(0, 300, 50_000)
        pts = towns[t] + rng.normal(0, 1, (50_000, 2)) * spread[t, None]
        for cx, cy in np.floor(pts / 1000.0).astype(np.int64):
            cells.add((int(cx), int(cy)))
            if len(cells) >= n_squares:
                break
    ij = np.array(sorted(cells), dtype=np.int64)
    x = ij[:, 0] * 1000.0 + 500.0
    y = ij[:, 1] * 1000.0 + 500.0
    pop = np.maximum(rng.lognormal(3.0, 1.5, len(ij)).round(), 0.0)
    seats = np.c_[rng.uniform(270_000, 920_000, n_kommuner), rng.uniform(6_130_000, 7_680_000, n_kommuner)]
    _, k = cKDTree(seats).query(np.c_[x, y])
    codes = np.array([f"{1000 + i:04d}" for i in range(n_kommuner)])
    demand = pd.DataFrame(
        {
            "demand_id": [f"{a * 1000:06d}{b * 1000:07d}" for a, b in ij],
            "demand_x": x,
            "demand_y": y,
            "demand_kommun": codes[k],
            "demand_pop": pop,
        }
    )
    pick = rng.choice(len(ij), size=n_units, replace=False, p=pop / pop.sum())
    supply = pd.DataFrame(
        {
            "supply_id": [f"u{i}" for i in range(n_units)],
            "supply_name": [f"Enhet {i}" for i in range(n_units)],
            "supply_type": np.where(rng.random(n_units) < 0.8, TYPE_VC, TYPE_FILIAL),
            "supply_main": "",
            "supply_kommun": codes[k[pick]],
            "supply_operator": "",
            "supply_x": x[pick] + rng.uniform(-400, 400, n_units),
            "supply_y": y[pick] + rng.uniform(-400, 400, n_units),
            "supply_listed": rng.integers(2_000, 15_000, n_units).astype(float),
            "supply_listed_date": "",
            "supply_source": "syntetisk",
        },
        columns=list(SUPPLY_COLUMNS),
    )
    return demand, supply


def halland_frames():
    """(demand, supply, where from) for Halland, or raise FileNotFoundError with the reason."""
    import numpy as np
    import pandas as pd

    from naravard.sources.geoframes import SUPPLY_COLUMNS, TYPE_VC

    demand, origin = None, ""
    try:  # the app's embedded grid, once issue 12's sources are merged
        from naravard.sources.grid import load_grid  # type: ignore[import-not-found]

        demand, origin = load_grid(), "data/grid (embedded)"
    except Exception:  # noqa: BLE001 - fall back to the shared CSV
        demand = None
    if demand is None:
        if not GRID_CSV.is_file():
            raise FileNotFoundError(f"no grid: neither naravard.sources.grid nor {GRID_CSV}")
        g = pd.read_csv(GRID_CSV, dtype={"ruta_id": str, "kommunkod": str})
        demand = pd.DataFrame(
            {
                "demand_id": g["ruta_id"],
                "demand_x": g["x_sweref99tm"].astype(float),
                "demand_y": g["y_sweref99tm"].astype(float),
                "demand_kommun": g["kommunkod"],
                "demand_pop": g["befolkning"].astype(float),
            }
        )
        origin = str(GRID_CSV.relative_to(ROOT.parent))
    if not UNITS_CSV.is_file():
        raise FileNotFoundError(f"no units: {UNITS_CSV} absent")
    from pyproj import Transformer

    u = pd.read_csv(UNITS_CSV, dtype={"osm_id": str, "kommun_kod": str})
    u = u[u["facility"].isin(["clinic", "doctors"]) & ~u["name"].str.startswith(("BVC", "Barnavårdscentralen"))]
    sx, sy = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(u["lon"].to_numpy(), u["lat"].to_numpy())
    supply = pd.DataFrame(
        {
            "supply_id": u["osm_id"].to_numpy(),
            "supply_name": u["name"].to_numpy(),
            "supply_type": TYPE_VC,
            "supply_main": "",
            "supply_kommun": u["kommun_kod"].to_numpy(),
            "supply_operator": "",
            "supply_x": sx,
            "supply_y": sy,
            "supply_listed": np.nan,
            "supply_listed_date": "",
            "supply_source": "OpenStreetMap 2020 (exempel)",
        },
        columns=list(SUPPLY_COLUMNS),
    )
    return demand, supply, f"{origin} + {len(supply)} OSM units"


def bench_geo(runs: int = 20, suggest_runs: int = 5) -> dict:
    """Time the geography model; returns a dict with ``status`` "ok" or "skipped" (+ ``reason``)."""
    try:
        from naravard.model.geo import distance, suggest, whatif
        from naravard.model.geo.changes import ADD, UnitChange
    except Exception as e:  # noqa: BLE001 - any import/API problem skips the section
        return {"status": "skipped", "reason": f"naravard.model.geo not usable: {type(e).__name__}: {e}"}
    warnings.filterwarnings("ignore", message=".*PuLP 4.0", category=DeprecationWarning)
    out: dict = {"status": "ok", "cases": {}, "targets_ms": {"nearest": TARGET_NEAREST_MS, "suggest": TARGET_SUGGEST_MS}}
    try:
        t = time.perf_counter()
        demand, supply = synthetic_country()
        out["country_build_ms"] = (time.perf_counter() - t) * 1000.0
        label = f"{len(demand):,} squares × {len(supply):,} units".replace(",", " ")
        out["cases"]["country_nearest"] = {
            "description": f"synthetic country, {label}: nearest()",
            "target_ms": TARGET_NEAREST_MS,
            **_time_calls(lambda: distance.nearest(demand, supply), runs),
        }

        def access():
            near = distance.nearest(demand, supply)
            distance.access_summary(demand, near)
            distance.catchments(demand, supply, near)

        out["cases"]["country_access"] = {
            "description": f"synthetic country, {label}: nearest + access_summary (290 kommuner) + catchments",
            **_time_calls(access, runs),
        }
    except Exception as e:  # noqa: BLE001 - report, don't crash the whole benchmark
        out["status"] = "error"
        out["reason"] = f"{type(e).__name__}: {e}"
        out["traceback"] = traceback.format_exc()
        return out

    try:
        h_demand, h_supply, origin = halland_frames()
    except Exception as e:  # noqa: BLE001 - data absent: skip these cases with the reason
        out["halland"] = {"status": "skipped", "reason": f"{type(e).__name__}: {e}"}
        return out
    out["halland"] = {"status": "ok", "data": origin, "squares": len(h_demand), "units": len(h_supply)}
    try:
        # One filial added at the populated square farthest from any unit.
        near0 = distance.nearest(h_demand, h_supply)
        far = distance.access_summary(h_demand, near0).loc[distance.REGION_ROW]
        change = [UnitChange(ADD, unit_type="filial", x=int(far["max_x"]), y=int(far["max_y"]))]

        def whatif_step():
            reg = whatif.apply_changes(h_supply, change, h_demand)
            near = distance.nearest(h_demand, reg)
            distance.access_summary(h_demand, near)
            distance.catchments(h_demand, reg, near)

        out["cases"]["halland_whatif"] = {
            "description": f"Halland ({origin}): apply_changes (+1 filial) + nearest + access_summary + catchments",
            **_time_calls(whatif_step, runs),
        }
        t = time.perf_counter()
        first = suggest.suggest_mclp(h_demand, h_supply, p=5, radius_km=10)
        out["mclp_first_call_ms"] = (time.perf_counter() - t) * 1000.0
        for r in (5, 10, 20):
            res = {}

            def mclp(r=r, res=res):
                res["last"] = suggest.suggest_mclp(h_demand, h_supply, p=5, radius_km=r)

            timing = _time_calls(mclp, suggest_runs, warmup=1)
            last = res["last"]
            out["cases"][f"halland_mclp_p5_r{r}"] = {
                "description": f"Halland: suggest_mclp p=5, R={r} km",
                "target_ms": TARGET_SUGGEST_MS,
                "before": last.before,
                "after": last.after,
                "notes": list(last.notes),
                **timing,
            }
        res = {}

        def pmedian(res=res):
            res["last"] = suggest.suggest_pmedian(h_demand, h_supply, p=5)

        timing = _time_calls(pmedian, suggest_runs, warmup=1)
        out["cases"]["halland_pmedian_p5"] = {
            "description": "Halland: suggest_pmedian p=5 (greedy + interchange)",
            "target_ms": TARGET_SUGGEST_MS,
            "before": res["last"].before,
            "after": res["last"].after,
            **timing,
        }
        del first
    except Exception as e:  # noqa: BLE001
        out["status"] = "error"
        out["reason"] = f"{type(e).__name__}: {e}"
        out["traceback"] = traceback.format_exc()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20, help="timed runs per distance case (default 20)")
    ap.add_argument("--suggest-runs", type=int, default=5, help="timed runs per suggestion case (default 5)")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = ap.parse_args(argv)
    res = bench_geo(args.runs, args.suggest_runs)
    if args.json:
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return 0
    if res["status"] != "ok":
        print(f"geo benchmark {res['status']}: {res['reason']}")
        return 0 if res["status"] == "skipped" else 1
    for name, c in res["cases"].items():
        target = c.get("target_ms")
        verdict = "" if target is None else ("  met" if c["p95_ms"] < target else "  **NOT MET**")
        tgt = "" if target is None else f"  target < {target:.0f} ms"
        print(f"{name:24s} median {c['median_ms']:9.1f} ms  p95 {c['p95_ms']:9.1f} ms{tgt}{verdict}  ({c['runs']} runs; {c['description']})")
    if "mclp_first_call_ms" in res:
        print(f"{'mclp_first_call':24s} {res['mclp_first_call_ms']:9.1f} ms  (first MCLP of the process, incl. spopt import)")
    if res.get("halland", {}).get("status") == "skipped":
        print(f"Halland cases skipped: {res['halland']['reason']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
