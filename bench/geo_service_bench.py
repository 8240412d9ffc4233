"""Geografi use case speed: Halland recomputed after a what-if (target < 200 ms).

What the page does after a click on the map: ``services.geografi.analyse`` with one more
unit change (the grid scaled to the scenario's year, nearest VC / filial / either before
and after, access summaries, catchments), then the views it draws (the map figure, the
headline, the table per kommun). The grid, the dataset and the model inputs are loaded
once, as the UI caches them.

Data: the embedded population grid (3 940 squares) and a SYNTHETIC register of as many
units as the deck's supply table lists (47 VC + 11 filialer in 2023 for Halland), placed
on populated squares drawn by population with a fixed seed and moved a few hundred
metres off the square centres (a real register's points are not on the grid). The
register is synthetic because no public register exists (FACTS.md S7); only its size
matters here.

    .venv/bin/python bench/geo_service_bench.py [--runs 50] [--out artifacts/geo_service_bench.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.model_bench import _time_calls  # noqa: E402

TARGET_MS = 200.0


def synthetic_register(ds, grid, seed: int = 7):
    import numpy as np
    import pandas as pd

    from naravard.sources import geoframes as gf

    u = ds.table("utbud")
    n_vc, n_fi = int(u["vardcentraler"].sum()), int(u["filialer"].sum())
    rng = np.random.default_rng(seed)
    pop = grid[gf.DEMAND_POP].to_numpy(float)
    idx = rng.choice(len(grid), n_vc + n_fi, replace=False, p=pop / pop.sum())
    jitter = rng.uniform(-400, 400, size=(len(idx), 2))
    return pd.DataFrame({
        gf.SUPPLY_ID: [f"syn-{i + 1}" for i in range(len(idx))],
        gf.SUPPLY_NAME: [f"Syntetisk enhet {i + 1}" for i in range(len(idx))],
        gf.SUPPLY_TYPE: [gf.TYPE_VC] * n_vc + [gf.TYPE_FILIAL] * n_fi,
        gf.SUPPLY_MAIN: "",
        gf.SUPPLY_KOMMUN: grid[gf.DEMAND_KOMMUN].to_numpy()[idx],
        gf.SUPPLY_OPERATOR: "",
        gf.SUPPLY_X: grid[gf.DEMAND_X].to_numpy(float)[idx] + jitter[:, 0],
        gf.SUPPLY_Y: grid[gf.DEMAND_Y].to_numpy(float)[idx] + jitter[:, 1],
        gf.SUPPLY_LISTED: 7000.0,
        gf.SUPPLY_LISTED_DATE: "",
        gf.SUPPLY_SOURCE: "syntetisk",
    })


def bench(runs: int = 50) -> dict:
    from naravard.model.geo.changes import ADD, UnitChange
    from naravard.model.scenario.inputs import ModelInputs
    from naravard.services import geografi as svc
    from naravard.sources import geoframes as gf
    from naravard.sources.boundaries import resolve_boundaries
    from naravard.sources.dataset import load_dataset
    from naravard.sources.grid import grid_info, load_grid
    from naravard.views import geografi as gv

    ds = load_dataset()
    grid = load_grid()
    year = svc.grid_year_of(grid_info().date)
    inputs = ModelInputs.from_dataset(ds)
    reg = synthetic_register(ds, grid)
    gdf = resolve_boundaries(ds.region.lanskod, expected_codes=ds.kommun_codes).gdf
    # a filial added at the farthest populated square, as a click there would
    first = svc.analyse(ds, (year + 5, None), reg, (), grid=grid, grid_year=year, inputs=inputs)
    lg = first.longest_for(svc.ANY)
    change = UnitChange(ADD, unit_type=gf.TYPE_FILIAL, x=int(lg.x), y=int(lg.y))

    def service():
        return svc.analyse(ds, (year + 5, None), reg, (change,), grid=grid, grid_year=year, inputs=inputs)

    def service_and_views():
        a = service()
        gv.map_figure(gdf, a, names=ds)
        gv.headline(a, ds)
        gv.kommun_table(a, ds)
        return a

    out = {
        "squares": len(grid),
        "units": len(reg),
        "what_if": change.describe_sv(),
        "target_ms": TARGET_MS,
        "service": _time_calls(service, runs),
        "service_and_views": _time_calls(service_and_views, runs),
    }
    a = service()
    out["longest_before_km"] = round(a.longest_for(svc.ANY).before, 3)
    out["longest_after_km"] = round(a.longest_for(svc.ANY).after, 3)
    for k in ("service", "service_and_views"):
        out[k].pop("samples_ms", None)
    out["met"] = out["service_and_views"]["p95_ms"] < TARGET_MS
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args()
    r = bench(args.runs)
    print(f"Halland, {r['squares']} squares × {r['units']} units, what-if: {r['what_if']}")
    for k in ("service", "service_and_views"):
        s = r[k]
        print(f"  {k:18s} median {s['median_ms']:7.1f} ms   p95 {s['p95_ms']:7.1f} ms   (target < {TARGET_MS:.0f} ms)")
    print(f"  longest distance to either unit: {r['longest_before_km']} km → {r['longest_after_km']} km")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(r, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
