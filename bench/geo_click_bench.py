"""Geografi: click on the map → updated page, against the reference's slider step.

    .venv/bin/python bench/geo_click_bench.py            # 20 clicks, 20 reference steps
    .venv/bin/python bench/geo_click_bench.py --n 8      # a quicker run

Starts the app and the reference page (``bench/reference_app.py``: one slider, one
Plotly line) on loopback ports with a throw-away store, exactly as ``bench/run.py`` does,
and drives both in Debian's headless Chromium. In the app: the Geografi page, the
labelled example register loaded, then ``--n`` clicks on population squares far from
every unit (the square farthest from a unit, recomputed after each click by the same
use case as the page), each adding a filial. A click is timed from its ``mousedown``
until the headline figures have changed and the page has settled (the watcher of
``bench/run.py``: not running, every chart drawn, no DOM change for the quiet period,
which is not counted). The reference is timed for a keyboard slider step the same way.
Interleaved, so drift in machine load hits both. Prints median and p95 and their
ratios. Only 127.0.0.1 is contacted; every wait has a timeout; the servers are stopped
on every exit path.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402 - bench/run.py: servers, watcher, statistics

CLICK_JS = """(c, xy) => {
    const gd = c.querySelector('.js-plotly-plot');
    const L = gd._fullLayout, r = gd.getBoundingClientRect();
    return {x: r.left + L._size.l + L.xaxis.d2p(xy[0]), y: r.top + L._size.t + L.yaxis.d2p(xy[1])};
}"""
# t0 of a click: the mousedown (bench/run.py's watcher sets t0 on keydown only).
MOUSEDOWN_JS = """() => document.addEventListener('mousedown', () => {
    const S = window.__nvb.state; if (S.sig !== null && S.t0 === null) S.t0 = performance.now();
}, true)"""


def targets(n: int) -> list[tuple[float, float]]:
    """The squares the clicks go to: each time the populated square farthest from every
    unit after the filialer added so far (what a planner would click first)."""
    from naravard.model.geo.changes import ADD, UnitChange
    from naravard.services import geografi as service
    from naravard.sources.dataset import load_dataset
    from naravard.sources.units import load_example

    ds = load_dataset(None)
    frame, _ = load_example()
    out, changes = [], []
    for _ in range(n):
        far = service.analyse(ds, None, frame, tuple(changes)).longest_for(service.ANY)
        out.append((far.x, far.y))
        changes.append(UnitChange(ADD, unit_type="filial", x=int(round(far.x)), y=int(round(far.y))))
    return out


async def measure(app: bench.Server, ref: bench.Server, n: int, quiet_ms: int, log) -> dict:
    from playwright.async_api import async_playwright

    errors = bench.Errors()
    clicks, steps, firsts = [], [], []
    missed = 0
    points = targets(n)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=bench.CHROMIUM, args=bench.CHROMIUM_ARGS, timeout=60_000)
        a = bench.Session(browser, app.base + "/geografi", "app:geografi", errors, quiet_ms)
        r = bench.Session(browser, ref.base + "/", "reference", errors, quiet_ms)
        await a.open()
        await r.open()
        try:
            await a.load(90)
            await r.load(90)
            await a.page.get_by_role("button", name="Använd exemplet").click()
            await a.page.wait_for_selector('.st-key-nv_geo_karta [data-testid="stPlotlyChart"] .js-plotly-plot', timeout=90_000)
            await a.page.wait_for_selector('[data-testid="stMetricValue"]', timeout=90_000)
            # settled again (no signature: the watcher's load condition)
            await a.page.evaluate("() => { const S = window.__nvb.state; S.sig = null; S.done = null; S.readySince = null; }")
            await a.page.wait_for_function(bench.DONE_JS, polling=50, timeout=90_000)
            await a.page.evaluate(MOUSEDOWN_JS)
            chart = a.page.locator('.st-key-nv_geo_karta [data-testid="stPlotlyChart"]')
            for i, (x, y) in enumerate(points):
                await chart.scroll_into_view_if_needed()
                pos = await chart.evaluate(CLICK_JS, [x, y])
                await a.page.evaluate("() => window.__nvb.arm('metrics')")
                await a.page.mouse.click(pos["x"], pos["y"])
                try:
                    await a.page.wait_for_function(bench.DONE_JS, polling=50, timeout=30_000)
                except Exception:  # noqa: BLE001 - the click hit a unit or a label, not a square: nothing changed
                    missed += 1
                    log(f"click {i + 1}/{n}: no change (the point lies under a unit or a label); not counted")
                    continue
                res = await a.page.evaluate("() => window.__nvb.result()")
                clicks.append(res["ms"])
                firsts.append(res["first_ms"])
                st = await r.step("plot", 60)
                if st:
                    steps.append(st["ms"])
                log(f"click {i + 1}/{n}: {res['ms']:.0f} ms (headline changed after {res['first_ms']:.0f} ms); "
                    f"reference step {st['ms'] if st else float('nan'):.0f} ms")
        finally:
            await a.close()
            await r.close()
            await browser.close()
    c, s = bench.summary(clicks), bench.summary(steps)
    return {"clicks": c, "first_change": bench.summary([f for f in firsts if f is not None]), "reference_steps": s,
            "missed": missed, "ratio_median": bench.ratio(c.get("median"), s.get("median")),
            "ratio_p95": bench.ratio(c.get("p95"), s.get("p95")), "errors": errors.items}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=15, help="clicks (at most 20: a scenario holds 20 unit changes)")
    ap.add_argument("--quiet-ms", type=int, default=300)
    cfg = ap.parse_args(argv)
    n = max(1, min(cfg.n, 20))
    tmp = Path(tempfile.mkdtemp(prefix="naravard-geo-click-"))
    (tmp / "cache").mkdir()
    env = {**os.environ, "NARAVARD_STORE": str(tmp / "scenarier.sqlite3"), "NARAVARD_CACHE_DIR": str(tmp / "cache"),
           "PYTHONUNBUFFERED": "1"}
    env.pop("NARAVARD_DATA_DIR", None)
    app = bench.Server("app", "app.py", env, tmp / "app.log")
    ref = bench.Server("reference", bench.REFERENCE_SCRIPT, env, tmp / "reference.log")
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    try:
        for s in (app, ref):
            s.start()
        for s in (app, ref):
            s.wait_healthy()
        out = asyncio.run(measure(app, ref, n, cfg.quiet_ms, log))
    finally:
        for s in (app, ref):
            s.stop()
        tb = app.tracebacks()
        shutil.rmtree(tmp, ignore_errors=True)
    c, s = out["clicks"], out["reference_steps"]
    print("| Geografi | app | reference slider step | ratio |")
    print("|---|---|---|---|")
    print(f"| click → updated, median (n={c.get('n')}) | {bench._f(c.get('median'))} | {bench._f(s.get('median'))} | "
          f"{out['ratio_median']:.2f}× |")
    print(f"| click → updated, p95 | {bench._f(c.get('p95'))} | {bench._f(s.get('p95'))} | {out['ratio_p95']:.2f}× |")
    f = out["first_change"]
    print(f"| click → headline changed (first visible sign), median / p95 | {bench._f(f.get('median'))} / "
          f"{bench._f(f.get('p95'))} | – | – |")
    if out["errors"] or tb:
        print(f"errors: {out['errors']}; server tracebacks: {tb}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
