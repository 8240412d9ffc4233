"""Upload benchmark (issue 11): what the worst uploads cost, and whether they stall others.

    .venv/bin/python bench/upload_bench.py                 # cases + second-session check
    .venv/bin/python bench/upload_bench.py --skip-browser  # the cases only (no server, no browser)
    .venv/bin/python bench/upload_bench.py --out artifacts/upload_bench.json

Part 1, **cases**: the worst accepted and the worst refused upload of each kind
(boundary GeoJSON, zipped GeoJSON, zipped shapefile, and the Ladda data table through
``naravard.services.importing.check_import``). Each case runs in a fresh Python process
(so peak memory is the case's own): wall time, the process's peak RSS over its
baseline after imports (what the server would pay), and the worker's peak RSS (the
boundary reader runs in a limited child process, :mod:`naravard.sources.sandbox`).

Part 2, **second session**: starts the app (bench/run.py's ``Server``), loads the first
page (Översikt) in Chromium ``--loads`` times on a quiet server, then starts each heavy
boundary upload on Om data in one browser session and loads Översikt in a second
session over and over while the upload is processed. Target: the second session's
median load during the upload ≤ 2× its median on the quiet server. Readiness is
bench/run.py's (``WATCHER_JS``: the page settled and no DOM change for ``--quiet-ms``).

Only 127.0.0.1 is contacted; every wait has a timeout; the server is stopped on
every exit path and its temporary directory removed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [p for p in (str(ROOT), str(HERE)) if p not in sys.path]

PY = sys.executable
TARGET_RATIO = 2.0


# ------------------------------------------------------------------------ the files


def _zigzag_shapefile_zip(geojson: bytes, work: Path) -> bytes:
    import geopandas as gpd

    from tests.fixtures.geo import synthetic as syn

    gdf = gpd.read_file(geojson, engine="pyogrio")
    shp = syn.write_shapefile(gdf, work / "shp")
    return syn.shapefile_zip_bytes(shp)


def _table_csv(rows: int, years: int) -> bytes:
    """The issue's table upload: ``rows`` × ``years`` year columns with decimal commas
    (an access-indicator table, the widest importable shape; one row per area)."""
    head = "kpi_id;omrade;" + ";".join(str(1940 + i) for i in range(years))
    values = ";".join(f"{80 + (i % 20)},{i % 10}" for i in range(years))
    return ("\n".join([head] + [f"N79179;Område {r};{values}" for r in range(rows)]) + "\n").encode()


def build_case(name: str, work: Path) -> tuple[str, str, bytes]:
    """(kind, file name, bytes) of a named case."""
    from naravard.sources import boundaries as geo
    from tests import geofiles

    # The slowest file the count lets through: the vertex budget in two zig-zag polygons
    # (measured slower than six of a sixth each, or one of all).
    worst = geofiles.zigzag_some_geojson((geo.MAX_VERTICES - 4 * 5) // 2)
    if name == "geojson_worst_accepted":
        return "boundary", "sicksack_max.geojson", worst
    if name == "geojson_worst_refused":  # the file, unzipped (17 MB: under the 20 MB upload cap)
        return "boundary", "sicksack_issue.geojson", geofiles.zigzag_geojson(166_667)
    if name == "zip_geojson_worst_accepted":
        return "boundary", "sicksack_max.zip", geofiles.zipped({"kommuner.geojson": worst})
    if name == "zip_geojson_worst_refused":  # the 5,9 MB zip
        return "boundary", "sicksack_issue.zip", geofiles.zipped({"kommuner.geojson": geofiles.zigzag_geojson(166_667)})
    if name == "zip_bomb_refused":  # 1 GB of spaces in a 1 MB zip
        return "boundary", "bomb_1gb.zip", geofiles.bomb_zip(1024 * 1024 * 1024)
    if name == "zip_bomb_nested_refused":
        return "boundary", "bomb_nested.zip", geofiles.nested_bomb_zip(1024 * 1024 * 1024)
    if name == "zip_shapefile_worst_accepted":
        return "boundary", "sicksack_max_shp.zip", _zigzag_shapefile_zip(worst, work)
    if name == "zip_shapefile_worst_refused":
        return "boundary", "sicksack_issue_shp.zip", _zigzag_shapefile_zip(geofiles.zigzag_geojson(166_667), work)
    if name == "table_embedded_accepted":
        return "table:befolkning", "befolkning_total.csv", (ROOT / "data" / "befolkning_total.csv").read_bytes()
    if name == "table_issue_9990x90":
        return "table:tillganglighet", "bred.csv", _table_csv(9_990, 90)
    if name == "table_over_size_refused":
        return "table:tillganglighet", "enorm.csv", _table_csv(40_000, 90)
    raise SystemExit(f"unknown case {name}")


CASES = [
    "geojson_worst_accepted", "geojson_worst_refused",
    "zip_geojson_worst_accepted", "zip_geojson_worst_refused", "zip_bomb_refused", "zip_bomb_nested_refused",
    "zip_shapefile_worst_accepted", "zip_shapefile_worst_refused",
    "table_embedded_accepted", "table_issue_9990x90", "table_over_size_refused",
]


def _status_mb(field: str) -> float:
    """VmRSS / VmHWM of this process (VmHWM: its own peak, unlike ru_maxrss, which
    inherits the parent's at fork)."""
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_one(name: str, kind: str, fname: str, path: Path) -> dict[str, Any]:
    """One case in this (fresh) process, the file's bytes read from ``path`` (built by
    the driver, so building it does not count); returns the figures."""
    import gc

    from naravard.services.importing import check_import
    from naravard.sources import boundaries as geo
    from naravard.sources.dataset import load_dataset

    raw = path.read_bytes()  # what the server holds once the upload has arrived
    ds = load_dataset()
    gc.collect()
    base = _status_mb("VmRSS")
    t0 = time.perf_counter()
    if kind == "boundary":
        try:
            gdf = geo.import_boundaries(raw, fname, ds.region.lanskod, expected_codes=ds.kommun_codes)
            ok, message = True, f"{len(gdf)} kommuner"
        except geo.BoundaryError as e:
            ok, message = False, e.message_sv
    else:
        r = check_import(ds, kind.split(":", 1)[1], raw, fname)
        ok, message = r.ok, (r.message_sv if r.ok else (r.problems_sv[0] if r.problems_sv else r.message_sv))
    seconds = time.perf_counter() - t0
    from naravard.sources import sandbox

    peak = _status_mb("VmHWM")
    worker = dict(sandbox.last_usage) if kind == "boundary" else {}
    child = worker.get("peak_rss_mb")
    return {"case": name, "kind": kind, "file": fname, "file_mb": round(len(raw) / 2**20, 2), "accepted": ok,
            "message": message[:300], "seconds": round(seconds, 2), "server_rss_before_mb": round(base),
            "server_peak_rss_mb": round(peak), "server_extra_mb": round(max(0.0, peak - base)),
            "worker_peak_rss_mb": round(child) if child else None, "worker_cpu_s": worker.get("cpu_s")}


def run_cases(names: list[str], log) -> list[dict[str, Any]]:
    out = []
    work = Path(tempfile.mkdtemp(prefix="naravard-ubench-"))
    try:
        for n in names:
            log(f"case {n} …")
            kind, fname, raw = build_case(n, work)
            path = work / fname
            path.write_bytes(raw)
            del raw
            r = subprocess.run([PY, str(Path(__file__).resolve()), "--one", n, kind, fname, str(path)], cwd=ROOT,
                               capture_output=True, text=True, timeout=900)
            path.unlink()
            try:
                out.append(json.loads(r.stdout.strip().splitlines()[-1]))
            except (ValueError, IndexError):
                out.append({"case": n, "error": (r.stderr.strip().splitlines() or ["no output"])[-1][:300]})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


# ------------------------------------------------------------------ second session


async def second_session(cfg, log) -> dict[str, Any]:
    import run  # bench/run.py: the server, the watcher, the sessions
    from playwright.async_api import async_playwright

    pages, problem = run.app_pages()
    if problem:
        return {"status": "error", "reason": problem}
    first = next(p for p in pages if p[2])
    om = next((p for p in pages if p[0].replace("-", "_") in ("om_data", "om")), None)
    if om is None:
        return {"status": "error", "reason": f"no Om data page in {[p[0] for p in pages]}"}
    tmp = Path(tempfile.mkdtemp(prefix="naravard-ubench-"))
    env = {**os.environ, "NARAVARD_STORE": str(tmp / "s.sqlite3"), "NARAVARD_CACHE_DIR": str(tmp / "cache"),
           "PYTHONUNBUFFERED": "1"}
    env.pop("NARAVARD_DATA_DIR", None)
    app = run.Server("app", "app.py", env, tmp / "app.log")
    errors = run.Errors()
    result: dict[str, Any] = {"status": "ok", "page": first[1], "uploads": []}
    try:
        app.start()
        app.wait_healthy()
        files = {}
        for case in cfg.heavy.split(","):
            _, fname, raw = build_case(case, tmp)
            (tmp / fname).write_bytes(raw)
            files[case] = tmp / fname
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=run.CHROMIUM, args=run.CHROMIUM_ARGS)
            url_first = app.base + "/"

            async def load_once() -> float | None:
                s = run.Session(browser, url_first, "second", errors, cfg.quiet_ms)
                await s.open()
                try:
                    r = await s.load(cfg.timeout)
                    return r["ms"] if r else None
                finally:
                    await s.close()

            await load_once()  # warm-up
            normal = [x for x in [await load_once() for _ in range(cfg.loads)] if x is not None]
            result["normal_ms"] = normal
            log(f"quiet server: median {statistics.median(normal):.0f} ms over {len(normal)} loads")
            for case, path in files.items():
                a = run.Session(browser, f"{app.base}/{om[0]}", "uploader", errors, cfg.quiet_ms)
                await a.open()
                await a.load(cfg.timeout)
                t0 = time.perf_counter()
                await a.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
                # the upload's answer: an error or success alert naming the file's outcome
                answer = a.page.locator('[data-testid="stAlertContentError"]').or_(
                    a.page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text="lästes in"))
                during: list[float] = []
                done = asyncio.ensure_future(answer.first.wait_for(timeout=cfg.timeout * 1000))
                while not done.done() or not during:
                    ms = await load_once()
                    if ms is not None:
                        during.append(ms)
                    if len(during) >= cfg.loads * 3:
                        break
                try:
                    await done
                    upload_s = time.perf_counter() - t0
                    text = (await answer.first.inner_text())[:200]
                except Exception as e:  # noqa: BLE001 - the answer did not come in time
                    upload_s, text = None, f"no answer: {str(e).splitlines()[0]}"
                await a.close()
                ratio = statistics.median(during) / statistics.median(normal) if during and normal else None
                result["uploads"].append({"case": case, "upload_answer_s": upload_s, "answer": text,
                                          "during_ms": during, "ratio_median": ratio,
                                          "met": ratio is not None and ratio <= TARGET_RATIO})
                log(f"{case}: answer after {upload_s} s; second session median {statistics.median(during):.0f} ms "
                    f"(×{ratio:.2f})")
            await browser.close()
    except Exception as e:  # noqa: BLE001 - report, not a traceback
        result = {"status": "error", "reason": f"{type(e).__name__}: {e}"}
    finally:
        app.stop()
        result["server_tracebacks"] = app.tracebacks()
        result["errors"] = errors.items
        shutil.rmtree(tmp, ignore_errors=True)
    return result


# ------------------------------------------------------------------------- report


def markdown(res: dict[str, Any]) -> str:
    lines = ["## Uploads: worst accepted and worst refused", "",
             "| case | file | MB | result | s | server +MB (peak) | worker peak MB |", "|---|---|---:|---|---:|---:|---:|"]
    for c in res.get("cases", []):
        if "error" in c:
            lines.append(f"| {c['case']} | – | – | error: {c['error']} | – | – | – |")
            continue
        verdict = "accepted" if c["accepted"] else "refused: " + c["message"].split(": ", 1)[-1][:90]
        lines.append(f"| {c['case']} | {c['file']} | {c['file_mb']} | {verdict} | {c['seconds']} | "
                     f"{c['server_extra_mb']} ({c['server_peak_rss_mb']}) | {c['worker_peak_rss_mb'] or '–'} |")
    s = res.get("second_session")
    if s:
        lines += ["", "## A second session's page load during a heavy upload", ""]
        if s.get("status") != "ok":
            lines.append(f"Not measured: {s.get('reason')}")
        else:
            med = statistics.median(s["normal_ms"]) if s["normal_ms"] else None
            lines += [f"{s['page']} on a quiet server: median {med:.0f} ms over {len(s['normal_ms'])} loads.", "",
                      "| upload | answer after s | loads during | median ms | ratio | target ≤ 2× |", "|---|---:|---:|---:|---:|---|"]
            for u in s["uploads"]:
                m = statistics.median(u["during_ms"]) if u["during_ms"] else None
                lines.append(f"| {u['case']} | {u['upload_answer_s'] and round(u['upload_answer_s'], 1)} | "
                             f"{len(u['during_ms'])} | {m and round(m)} | {u['ratio_median'] and round(u['ratio_median'], 2)} | "
                             f"{'yes' if u['met'] else '**NO**'} |")
            lines.append(f"\nServer tracebacks: {s['server_tracebacks']}; browser errors: {len(s['errors'])}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--cases", default=",".join(CASES), help="comma-separated cases (default: all)")
    ap.add_argument("--skip-cases", action="store_true")
    ap.add_argument("--skip-browser", action="store_true")
    ap.add_argument("--heavy", default="zip_geojson_worst_accepted,zip_geojson_worst_refused,zip_bomb_refused",
                    help="the uploads made while the second session loads")
    ap.add_argument("--loads", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--quiet-ms", type=int, default=300)
    ap.add_argument("--out", default="artifacts/upload_bench.json")
    cfg = ap.parse_args(argv)
    if cfg.one:
        name, kind, fname, path = cfg.one
        print(json.dumps(run_one(name, kind, fname, Path(path)), ensure_ascii=False))
        return 0
    t_start = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t_start:6.1f}s] {msg}", file=sys.stderr, flush=True)

    res: dict[str, Any] = {"loadavg_start": os.getloadavg(), "nproc": os.cpu_count()}
    if not cfg.skip_cases:
        res["cases"] = run_cases([c for c in cfg.cases.split(",") if c], log)
    if not cfg.skip_browser:
        res["second_session"] = asyncio.run(second_session(cfg, log))
    res["loadavg_end"] = os.getloadavg()
    text = markdown(res)
    print(text)
    out = Path(cfg.out)
    out = out if out.is_absolute() else ROOT / out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2, ensure_ascii=False, default=str))
    out.with_suffix(".md").write_text(text)
    return 1 if (res.get("second_session") or {}).get("status") == "error" else 0


if __name__ == "__main__":
    raise SystemExit(main())
