"""Model speed: how long one ``naravard.model.scenario.run(inputs, assumptions)`` takes.

Two cases, each timed ``runs`` times after a few warm-up calls (median, p95, min):

* ``halland``: the embedded dataset (``ModelInputs.from_dataset``), default assumptions;
* ``synthetic_290``: a synthetic country of 290 kommuner × 2020–2040
  (``ModelInputs.synthetic``), default assumptions and a heavier custom forecast
  (``prognos="EGEN"``, horizon 2040, per-kommun changes for every kommun).

Runs on its own (``.venv/bin/python bench/model_bench.py [--runs 200]``) or as a
section of bench/run.py. If ``naravard.model.scenario`` cannot be imported (or lacks the
API used here) the section is skipped with the reason, never failed.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WARMUP = 5


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolation percentile (same as numpy's default), q in 0..100."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _time_calls(fn, runs: int) -> dict:
    for _ in range(WARMUP):
        fn()
    samples = []
    gc.collect()  # start clean; the garbage collector stays on, as in the app
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
        "samples_ms": [round(s, 4) for s in samples],
    }


def bench_model(runs: int = 200) -> dict:
    """Time the model; returns a dict with ``status`` "ok" or "skipped" (+ ``reason``)."""
    try:
        from naravard.model import scenario
        from naravard.sources.dataset import load_dataset

        ModelInputs, Assumptions, run = scenario.ModelInputs, scenario.Assumptions, scenario.run
        ModelInputs.synthetic  # noqa: B018 - API check
    except Exception as e:  # noqa: BLE001 - any import/API problem skips the section
        return {"status": "skipped", "reason": f"naravard.model.scenario not usable: {type(e).__name__}: {e}"}

    out: dict = {"status": "ok", "cases": {}}
    try:
        t = time.perf_counter()
        halland = ModelInputs.from_dataset(load_dataset())
        out["halland_inputs_build_ms"] = (time.perf_counter() - t) * 1000.0
        a = Assumptions()
        out["cases"]["halland"] = {
            "label": f"{halland.region_namn} ({halland.n} kommuner)",
            "description": f"{halland.region_namn}, {halland.n} kommuner, default assumptions",
            **_time_calls(lambda: run(halland, a), runs),
        }

        t = time.perf_counter()
        synth = ModelInputs.synthetic(n_kommuner=290, years=range(2020, 2041))
        out["synthetic_inputs_build_ms"] = (time.perf_counter() - t) * 1000.0
        out["cases"]["synthetic_290"] = {
            "label": "290 kommuner × 2020–2040",
            "description": "synthetic, 290 kommuner × 2020–2040, default assumptions",
            **_time_calls(lambda: run(synth, a), runs),
        }
        heavy = Assumptions(
            prognos=scenario.PROGNOS_EGEN,
            horisont=2040,
            vc_forandring={c: 1 for c in synth.kommunkod},
            filial_forandring={c: -1 for c in synth.kommunkod},
            egen_tillvaxt_total={c: 0.5 for c in synth.kommunkod},
            egen_tillvaxt_80={c: 2.0 for c in synth.kommunkod},
        )
        out["cases"]["synthetic_290_custom"] = {
            "label": "290 kommuner, own forecast to 2040",
            "description": "synthetic, 290 kommuner × 2020–2040, own forecast to 2040, every kommun changed",
            **_time_calls(lambda: run(synth, heavy), runs),
        }
    except Exception as e:  # noqa: BLE001 - report, don't crash the whole benchmark
        out["status"] = "error"
        out["reason"] = f"{type(e).__name__}: {e}"
        out["traceback"] = traceback.format_exc()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200, help="timed runs per case (default 200)")
    ap.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = ap.parse_args(argv)
    res = bench_model(args.runs)
    if args.json:
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return 0
    if res["status"] != "ok":
        print(f"model benchmark {res['status']}: {res['reason']}")
        return 0 if res["status"] == "skipped" else 1
    for name, c in res["cases"].items():
        print(f"{name:24s} median {c['median_ms']:8.3f} ms  p95 {c['p95_ms']:8.3f} ms  ({c['runs']} runs; {c['description']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
