"""naravard benchmark: the app against a bare reference page, side by side.

    .venv/bin/python bench/run.py              # full run (~20–30 min on 2 cores)
    .venv/bin/python bench/run.py --quick      # small counts, a smoke run (~5 min)
    .venv/bin/python bench/run.py --out artifacts/bench.json

Starts two Streamlit servers on free loopback ports, from the repository root (so both
read the same ``.streamlit/config.toml``): the app (``app.py``) and the reference page
(``bench/reference_app.py``, one slider driving one Plotly line). Drives both in
Debian's headless Chromium (``/usr/bin/chromium``; no browser is ever downloaded),
interleaving app and reference measurements so that drift in machine load hits both.
Then times the model (bench/model_bench.py). Prints a Markdown table of app,
reference, ratio, target and verdict, and writes the raw samples as JSON (and the
table as Markdown next to it). See bench/README.md and docs/performance.md.

Only 127.0.0.1 is contacted. Every wait has a timeout; every loop is bounded; the
servers are stopped (by their own pid) on every exit path.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata as md
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [p for p in (str(ROOT), str(HERE)) if p not in sys.path]

import model_bench  # noqa: E402  (bench/model_bench.py)

PY = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1366, "height": 900}
SCENARIO_URL_PATH = "scenario"
REFERENCE_SCRIPT = "bench/reference_app.py"
FLOOR_SCRIPT = "bench/floor_app.py"

# Targets (see docs/performance.md). Ratios are app / reference.
TARGET_PAGE_READY_RATIO = 1.2
TARGET_SLIDER_P95_RATIO = 1.3
TARGET_RSS_PER_SESSION_MB = 5.0

FULL = dict(loads=10, steps=20, mem_sessions=10, concurrency=(10, 25), model_runs=200)
QUICK = dict(loads=3, steps=6, mem_sessions=4, concurrency=(3, 5), model_runs=20)

# ----------------------------------------------------------------------------- in-page watcher
#
# Injected at document start in every page. It decides when the page is "settled":
#   * Streamlit says the script is not running (stApp[data-test-script-state=notRunning]),
#   * the status widget ("Running…", connection problems) is gone,
#   * no lazy-loading skeleton (stSkeleton) and no stale element is left,
#   * every st.plotly_chart holds a drawn Plotly graph (.js-plotly-plot with _fullLayout
#     and its SVG) and every st.vega_lite_chart a Vega SVG with at least one mark,
#   * and, when armed for a slider step, the watched signature (metric texts, or the
#     Plotly line paths for the reference) differs from the one before the key press;
# and this has held, with no DOM mutation at all, for QUIET ms. The reported time is the
# moment of the last DOM change before that quiet period (so late Plotly redraws count),
# measured with performance.now(): for a load from navigation start (timeOrigin), for a
# slider step from the keydown event. The quiet period itself is not counted.
WATCHER_JS = r"""
(() => {
  if (window.__nvb) return;
  const QUIET = __QUIET__;
  const S = {lastMut: 0, readySince: null, done: null, sig: null, baseline: null, t0: null, first: null};
  const SIGS = {
    metrics: () => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]'))
      .map(e => e.textContent).join('|'),
    // marks and axis labels: with a proportional change a line can keep its pixels
    // while the axis is relabelled
    vega: () => Array.from(document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks'))
      .map(svg => Array.from(svg.querySelectorAll('g.role-mark path')).map(p => p.getAttribute('d')).join(';')
        + '#' + Array.from(svg.querySelectorAll('text')).map(t => t.textContent).join(';')).join('|'),
    plot: () => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
      Array.from(gd.querySelectorAll('.scatterlayer path.js-line')).map(p => p.getAttribute('d')).join(';')
      + '#' + ((gd.querySelector('.gtitle') || {}).textContent || '')).join('|'),
  };
  function plotsDrawn() {
    for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
      const gd = c.querySelector('.js-plotly-plot');
      if (!gd || !gd._fullLayout || !gd.querySelector('svg.main-svg')) return false;
    }
    // a Vega-Lite chart is embedded without data first, then given its data: drawn
    // means at least one mark item in its SVG
    for (const c of document.querySelectorAll('[data-testid="stVegaLiteChart"]')) {
      if (!c.querySelector('svg.marks g.role-mark > *')) return false;
    }
    return true;
  }
  function settled() {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-testid="stStatusWidget"]')
      && !document.querySelector('[data-testid="stSkeleton"]')
      && !document.querySelector('[data-stale="true"]')
      && !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
      && plotsDrawn();
  }
  function cond() {
    if (!settled()) return false;
    if (S.sig === null) return true;
    return S.t0 !== null && SIGS[S.sig]() !== S.baseline;
  }
  function check() {
    if (S.done !== null) return;
    const now = performance.now();
    // first visible sign: page content (load) or the watched signature changed (step)
    if (S.first === null && (S.sig === null
        ? !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
        : S.t0 !== null && SIGS[S.sig]() !== S.baseline)) S.first = now;
    if (cond()) {
      if (S.readySince === null) S.readySince = now;
      const last = Math.max(S.readySince, S.lastMut);
      if (now - last >= QUIET) S.done = last;
    } else {
      S.readySince = null;
    }
  }
  new MutationObserver(() => { S.lastMut = performance.now(); check(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  setInterval(check, 10);
  document.addEventListener('keydown', () => { if (S.sig !== null && S.t0 === null) S.t0 = performance.now(); }, true);
  window.__nvb = {
    state: S,
    arm(sig) {
      S.sig = sig; S.baseline = SIGS[sig](); S.t0 = null; S.readySince = null; S.done = null; S.lastMut = 0; S.first = null;
      return S.baseline;
    },
    result() {
      if (S.done === null) return null;
      const t0 = S.sig === null ? 0 : S.t0;
      return {ms: S.done - t0, first_ms: S.first === null ? null : S.first - t0, done: S.done, t0: S.t0};
    },
    exceptions() { return document.querySelectorAll('[data-testid="stException"]').length; },
  };
})();
"""

SLIDER_THUMB = '[data-testid="stSlider"] input[type="range"], [data-testid="stSlider"] [role="slider"]'
DONE_JS = "() => !!window.__nvb && window.__nvb.state.done !== null"

# Streamlit's own probes when a page is opened at a deep URL (/<page>): the frontend
# first tries /<page>/_stcore/health and /<page>/_stcore/host-config, gets 404 and
# falls back to the root. Chromium logs each 404 as a console error. Not an app error.
_BENIGN_404 = re.compile(r"^https?://127\.0\.0\.1:\d+/[^?#]+/_stcore/(health|host-config)$")


# ----------------------------------------------------------------------------- statistics


def pct(values: list[float], q: float) -> float | None:
    return model_bench.percentile(values, q) if values else None


def summary(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "median": statistics.median(values) if values else None,
        "p95": pct(values, 95),
        "max": max(values) if values else None,
        "min": min(values) if values else None,
        "samples": [round(v, 1) for v in values],
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b not in (None, 0) else None


# ----------------------------------------------------------------------------- machine


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def _version(dist: str) -> str | None:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    git = {}
    with contextlib.suppress(Exception):
        git["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        st = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout
        git["dirty_files"] = len([line for line in st.splitlines() if line.strip()])
    return {
        "date_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "date_local": datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "nproc_available": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "cpu_model": cpu.group(1).strip() if cpu else platform.processor() or None,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "streamlit": _version("streamlit"),
        "plotly": _version("plotly"),
        "pandas": _version("pandas"),
        "numpy": _version("numpy"),
        "playwright": _version("playwright"),
        "psutil": _version("psutil"),
        "chromium": None,  # filled in once the browser runs
        "loadavg_start": os.getloadavg(),
        "git": git,
    }


# ----------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    """Resident set size of one process in MB (psutil if installed, else /proc)."""
    try:
        import psutil  # type: ignore[import-not-found]

        return psutil.Process(pid).memory_info().rss / 1024 / 1024
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - process gone etc.
        return None
    m = re.search(r"^VmRSS:\s*(\d+) kB", _read(f"/proc/{pid}/status"), re.M)
    return int(m.group(1)) / 1024 if m else None


@dataclass
class Server:
    name: str
    script: str
    env: dict[str, str]
    log_path: Path
    port: int = 0
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    healthy_after_s: float | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        cmd = [PY, "-m", "streamlit", "run", self.script, "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1"]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)

    def wait_healthy(self, timeout_s: float = 90.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited early; see {self.log_path}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        self.healthy_after_s = time.perf_counter() - self.started_at
                        return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} server not healthy after {timeout_s:.0f} s; see {self.log_path}")

    def rss(self) -> float | None:
        return rss_mb(self.proc.pid) if self.proc else None

    def tracebacks(self) -> int:
        return _read(str(self.log_path)).count("Traceback (most recent call last)")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        with contextlib.suppress(Exception):
            self._log.close()


# ----------------------------------------------------------------------------- browser sessions


@dataclass
class Errors:
    items: list[dict[str, str]] = field(default_factory=list)
    ignored_console: int = 0

    def add(self, kind: str, where: str, text: str) -> None:
        self.items.append({"kind": kind, "where": where, "text": text[:500]})

    def count(self) -> int:
        return len(self.items)


class Session:
    """One fresh browser context with one page, the watcher and error listeners."""

    def __init__(self, browser, url: str, where: str, errors: Errors, quiet_ms: int):
        self.browser, self.url, self.where, self.errors, self.quiet_ms = browser, url, where, errors, quiet_ms
        self.ctx = self.page = None

    async def open(self) -> None:
        self.ctx = await self.browser.new_context(viewport=VIEWPORT)
        await self.ctx.add_init_script(WATCHER_JS.replace("__QUIET__", str(self.quiet_ms)))
        self.page = await self.ctx.new_page()
        self.page.on("pageerror", lambda e: self.errors.add("pageerror", self.where, str(e)))
        self.page.on("console", self._console)

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if msg.text.startswith("Failed to load resource") and "404" in msg.text and _BENIGN_404.match(url):
            self.errors.ignored_console += 1
            return
        self.errors.add("console", self.where, f"{msg.text} ({url})")

    async def _exceptions(self) -> None:
        with contextlib.suppress(Exception):
            n = await self.page.evaluate("() => window.__nvb ? window.__nvb.exceptions() : 0")
            if n:
                self.errors.add("exception", self.where, f"{n} st.exception element(s) on the page")

    async def load(self, timeout_s: float) -> dict | None:
        """Navigate. Returns {"ms": navigation start → settled, "first_ms": → first content},
        or None (error recorded)."""
        try:
            await self.page.goto(self.url, wait_until="commit", timeout=timeout_s * 1000)
            await self.page.wait_for_function(DONE_JS, polling=50, timeout=timeout_s * 1000)
            return await self.page.evaluate("() => window.__nvb.result()")
        except Exception as e:  # noqa: BLE001 - timeouts, navigation errors
            self.errors.add("timeout" if "Timeout" in type(e).__name__ else "load", self.where, f"load: {e}".splitlines()[0])
            return None
        finally:
            await self._exceptions()

    async def step(self, sig: str, timeout_s: float) -> dict | None:
        """Move the first slider one step with the keyboard. Returns {"ms": keydown → the
        watched signature changed and the page settled again, "first_ms": keydown → the
        signature changed}, or None (error recorded)."""
        try:
            thumb = self.page.locator(SLIDER_THUMB).first
            if await thumb.count() == 0:
                self.errors.add("no-slider", self.where, "no st.slider on the page")
                return None
            v, lo, hi = await thumb.evaluate(
                "e => ['value', 'min', 'max'].map(k => Number(e[k] ?? e.getAttribute('aria-value' + (k === 'value' ? 'now' : k))))"
            )
            key = "ArrowLeft" if v >= hi else "ArrowRight"
            await thumb.focus(timeout=timeout_s * 1000)
            base = await self.page.evaluate(f"() => window.__nvb.arm({json.dumps(sig)})")
            if not base:
                self.errors.add("no-signature", self.where, f"nothing to watch for '{sig}' (no metric / no Plotly line)")
                return None
            await self.page.keyboard.press(key)
            await self.page.wait_for_function(DONE_JS, polling=50, timeout=timeout_s * 1000)
            return await self.page.evaluate("() => window.__nvb.result()")
        except Exception as e:  # noqa: BLE001
            self.errors.add("timeout" if "Timeout" in type(e).__name__ else "step", self.where, f"step: {e}".splitlines()[0])
            return None
        finally:
            await self._exceptions()

    async def close(self) -> None:
        if self.ctx is not None:
            with contextlib.suppress(Exception):
                await self.ctx.close()


# ----------------------------------------------------------------------------- the benchmark


@dataclass
class Target:
    key: str  # "app:<url_path>" or "reference"
    title: str
    server: Server
    path: str
    sig: str  # what a slider step must change: "metrics" (app) or "plot" (reference)

    @property
    def url(self) -> str:
        return self.server.base + self.path


def app_pages() -> tuple[list[tuple[str, str, bool]], str | None]:
    """(url_path, title, is_default) of every page in naravard.ui.PAGES (app.py makes the
    first one st.navigation's default), and an import problem if any.

    Read in a child process, so this process never imports Streamlit or the app."""
    code = (
        "import json; from naravard import ui; "
        "print(json.dumps([[p.url_path, p.title, i == 0] for i, p in enumerate(ui.PAGES)]))"
    )
    try:
        r = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return [], "importing naravard.ui took more than 120 s"
    if r.returncode != 0:
        return [], (r.stderr.strip().splitlines() or ["unknown error"])[-1]
    try:
        return [tuple(x) for x in json.loads(r.stdout.strip().splitlines()[-1])], None
    except (ValueError, IndexError) as e:
        return [], f"unexpected output from naravard.ui: {e}"


async def measure_browser(cfg: argparse.Namespace, app: Server, ref: Server, pages: list[tuple[str, str, bool]], log,
                          floor: Server | None = None) -> dict:
    from playwright.async_api import async_playwright

    out: dict[str, Any] = {}
    errors = Errors()
    ref_errors = Errors()
    reference = Target("reference", "Reference page", ref, "/", "plot")
    # The first page is st.navigation's default: its URL is "/" (opening /<its url_path>
    # makes Streamlit log "page does not exist" and fall back to the main page).
    app_targets = [Target(f"app:{u}", t, app, "/" if default else f"/{u}", "metrics") for u, t, default in pages]
    scenario = next((t for t in app_targets if t.key == f"app:{SCENARIO_URL_PATH}"), None)
    mem_target = scenario or app_targets[0]
    # floor probes (bench/floor_app.py): information on what Streamlit itself costs
    floor_layout = Target("floor:layout", "Scenario layout, fixed content", floor, "/?p=layout", "metrics") if floor else None
    floors = [t for t in (floor_layout,) if t is not None]
    q = cfg.quiet_ms
    T = cfg.timeout

    def errs_for(t: Target) -> Errors:
        return ref_errors if t is reference or t in floors else errors

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        out["chromium"] = browser.version
        try:
            # -- 1. first load after server start (cold caches in the server), one each
            log("cold first loads …")
            cold: dict[str, float | None] = {}
            for t in [app_targets[0], reference]:
                s = Session(browser, t.url, t.key + " (cold)", errs_for(t), q)
                await s.open()
                r = await s.load(T * 2)
                cold[t.key] = r and r["ms"]
                await s.close()
            out["cold_first_load_ms"] = cold

            # -- 2. server memory with 1 and with N open sessions (before the load loop,
            #       so freed memory from earlier sessions does not hide the growth)
            log(f"memory: 1 and {cfg.mem_sessions} open sessions …")
            out["memory"] = await _memory(browser, [mem_target, reference], cfg, errs_for, q)

            # -- 3. page ready, every page and the reference, fresh context per load,
            #       interleaved; the order is reversed every other round.
            refs = [reference]
            log(f"page loads: {cfg.loads} rounds × {len(app_targets) + len(refs)} targets …")
            loads: dict[str, list[float]] = {t.key: [] for t in app_targets + refs}
            first: dict[str, list[float]] = {t.key: [] for t in app_targets + refs}
            wall: dict[str, list[float]] = {t.key: [] for t in app_targets + refs}
            # warm each page once so the first measured load is not a cold import
            for t in app_targets:
                s = Session(browser, t.url, t.key + " (warm-up)", errs_for(t), q)
                await s.open()
                await s.load(T * 2)
                await s.close()
            for i in range(cfg.loads):
                order = refs + app_targets if i % 2 == 0 else app_targets[::-1] + refs[::-1]
                for t in order:
                    s = Session(browser, t.url, t.key, errs_for(t), q)
                    await s.open()
                    w = time.perf_counter()
                    r = await s.load(T)
                    w = (time.perf_counter() - w) * 1000
                    await s.close()
                    if r is not None:
                        loads[t.key].append(r["ms"])
                        if r["first_ms"] is not None:
                            first[t.key].append(r["first_ms"])
                        wall[t.key].append(w)
            out["page_ready_ms"] = {k: summary(v) for k, v in loads.items()}
            out["page_first_content_ms"] = {k: summary(v) for k, v in first.items()}
            out["page_ready_wall_ms"] = {k: summary(v) for k, v in wall.items()}
            out["pages"] = {t.key: {"title": t.title, "url_path": t.path} for t in app_targets + refs}

            # -- 4. slider step → updated, app scenario page and reference, alternating
            log(f"slider: {cfg.steps} steps each …")
            out["slider_ms"], out["slider_note"] = await _slider(browser, scenario, reference, cfg, errs_for, q, floors)

            # -- 5. concurrency: N simultaneous sessions, load + 3 slider steps each;
            #       app and reference in ABBA order over the levels.
            out["concurrency"] = {}
            for j, n in enumerate(cfg.concurrency):
                res = {}
                for t in ([scenario, reference] if j % 2 == 0 else [reference, scenario]):
                    if t is None:  # no scenario page: load the app's pages round-robin, no steps
                        log(f"concurrency {n}: app (pages round-robin, no slider) …")
                        res["app"] = await _concurrent(browser, app_targets, n, 0, cfg, errs_for, q)
                    else:
                        who = "reference" if t is reference else "app"
                        log(f"concurrency {n}: {who} …")
                        res[who] = await _concurrent(browser, [t], n, 3, cfg, errs_for, q)
                out["concurrency"][str(n)] = res
        finally:
            await browser.close()

    out["errors"] = {"app": errors.items, "reference": ref_errors.items}
    out["ignored_console_404"] = {"app": errors.ignored_console, "reference": ref_errors.ignored_console}
    return out


async def _memory(browser, targets: list[Target], cfg, errs_for, q) -> dict:
    """RSS of each server with 1, 2, …, N open sessions (one browser context each).

    The target figure is (RSS at N − RSS at 1) / (N − 1); the whole curve and a
    least-squares slope over 2..N go to the JSON."""
    res: dict[str, Any] = {t.key: {"page": t.path, "curve_mb": []} for t in targets}
    sessions: dict[str, list[Session]] = {t.key: [] for t in targets}
    try:
        for k in range(cfg.mem_sessions):
            for t in targets:  # interleaved
                s = Session(browser, t.url, t.key + " (memory)", errs_for(t), q)
                await s.open()
                await s.load(cfg.timeout * 2)
                sessions[t.key].append(s)
            # settle fully for the two figures the target uses, briefly in between
            await asyncio.sleep(cfg.settle_s if k in (0, cfg.mem_sessions - 1) else 1.0)
            for t in targets:
                res[t.key]["curve_mb"].append(t.server.rss())
        for t in targets:
            r = res[t.key]
            c = r["curve_mb"]
            r["sessions"] = len(c)
            r["rss_1_mb"], r["rss_n_mb"] = c[0], c[-1]
            if None not in c and len(c) > 1:
                r["per_extra_session_mb"] = (c[-1] - c[0]) / (len(c) - 1)
                xs = list(range(2, len(c) + 1))
                ys = c[1:]
                if len(xs) > 1:
                    mx, my = statistics.fmean(xs), statistics.fmean(ys)
                    r["slope_2_to_n_mb"] = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    finally:
        for lst in sessions.values():
            for s in lst:
                await s.close()
    return res


async def _slider(browser, scenario: Target | None, reference: Target, cfg, errs_for, q,
                  floors: list[Target] = ()) -> tuple[dict, str | None]:
    note = None
    if scenario is None:
        note = (f"Scenario page not measured (no url_path '{SCENARIO_URL_PATH}' in naravard.ui.PAGES, or left out "
                "with --pages): slider steps on the app skipped; the reference was measured alone; the concurrency "
                "sessions load the app's pages round-robin without slider steps.")
    targets = [t for t in (scenario, reference, *floors) if t is not None]
    sessions = {}
    samples: dict[str, list[float]] = {t.key: [] for t in targets}
    first: dict[str, list[float]] = {t.key: [] for t in targets}
    try:
        for t in targets:
            s = Session(browser, t.url, t.key + " (slider)", errs_for(t), q)
            await s.open()
            await s.load(cfg.timeout * 2)
            sessions[t.key] = s
        for i in range(cfg.steps):
            order = targets if i % 2 == 0 else targets[::-1]
            for t in order:
                r = await sessions[t.key].step(t.sig, cfg.timeout)
                if r is not None:
                    samples[t.key].append(r["ms"])
                    if r["first_ms"] is not None:
                        first[t.key].append(r["first_ms"])
    finally:
        for s in sessions.values():
            await s.close()
    return {k: {**summary(v), "first_change": summary(first[k])} for k, v in samples.items()}, note


async def _concurrent(browser, targets: list[Target], n: int, steps: int, cfg, errs_for, q) -> dict:
    """n sessions start loading at the same moment; each then moves the slider `steps` times."""
    loads: list[float] = []
    step_ms: list[float] = []
    sessions = [Session(browser, targets[i % len(targets)].url, f"{targets[i % len(targets)].key} (concurrency {n})",
                        errs_for(targets[i % len(targets)]), q) for i in range(n)]
    errs = errs_for(targets[0])
    before = errs.count()
    # one Chromium renders all n pages on the same few cores: allow for that
    timeout = max(cfg.timeout * 3, 10.0 * n)
    go = asyncio.Event()

    async def one(i: int, s: Session) -> None:
        await go.wait()
        r = await s.load(timeout)
        if r is None:
            return
        loads.append(r["ms"])
        for _ in range(steps):
            r = await s.step(targets[i % len(targets)].sig, timeout)
            if r is None:
                return
            step_ms.append(r["ms"])

    t0 = time.perf_counter()
    try:
        for s in sessions:
            await s.open()
        tasks = [asyncio.create_task(one(i, s)) for i, s in enumerate(sessions)]
        go.set()
        # hard cap: every op has its own timeout; this only guards against a hang
        done, pending = await asyncio.wait(tasks, timeout=timeout * (2 + steps) + 30)
        for tk in pending:
            tk.cancel()
            errs.add("timeout", f"concurrency {n}", "session did not finish within the hard cap")
        for tk in done:
            if tk.exception() is not None:
                errs.add("harness", f"concurrency {n}", repr(tk.exception()))
    finally:
        for s in sessions:
            await s.close()
    return {
        "sessions": n,
        "steps_per_session": steps,
        "pages": sorted({t.path for t in targets}),
        "wall_s": time.perf_counter() - t0,
        "load_ms": summary(loads),
        "step_ms": summary(step_ms),
        "errors": errs.count() - before,
        "completed_loads": len(loads),
        "completed_steps": len(step_ms),
    }


# ----------------------------------------------------------------------------- report


def _f(v: float | None, unit: str = "ms", nd: int = 0) -> str:
    if v is None:
        return "–"
    return f"{v:,.{nd}f}".replace(",", " ") + (f" {unit}" if unit else "")


def build_rows(res: dict) -> list[dict[str, Any]]:
    """Rows of the summary table: metric, app, reference, ratio, target, met."""
    rows: list[dict[str, Any]] = []

    def row(metric, app, ref, unit="ms", nd=0, target="–", met=None, r=None):
        rr = r if r is not None else ratio(app, ref)
        rows.append({
            "metric": metric, "app": app, "reference": ref, "ratio": rr, "target": target,
            "met": met, "unit": unit, "app_s": _f(app, unit, nd), "reference_s": _f(ref, unit, nd),
        })

    b = res.get("browser") or {}
    if b.get("status") == "ok":
        ref_load = b["page_ready_ms"]["reference"]
        for key, s in b["page_ready_ms"].items():
            if key == "reference" or key.startswith("floor:"):
                continue
            title = b["pages"][key]["title"]
            for stat in ("median", "p95"):
                r = ratio(s[stat], ref_load[stat])
                row(f"Page ready, {title} ({stat}, n={s['n']})", s[stat], ref_load[stat],
                    target=f"≤ {TARGET_PAGE_READY_RATIO}× ref", met=None if r is None else r <= TARGET_PAGE_READY_RATIO)
        cold = b["cold_first_load_ms"]
        app_cold_key = next(k for k in cold if k != "reference")
        row(f"First load after server start ({b['pages'][app_cold_key]['title']})", cold[app_cold_key], cold["reference"])
        sl = b["slider_ms"]
        ref_sl = sl.get("reference") or {}
        app_key = f"app:{SCENARIO_URL_PATH}"
        if app_key in sl:
            a = sl[app_key]
            row("Slider step → first change visible (median; metric / chart)", a["first_change"]["median"],
                (ref_sl.get("first_change") or {}).get("median"))
            row(f"Slider step → updated (median, n={a['n']})", a["median"], ref_sl.get("median"))
            r = ratio(a["p95"], ref_sl.get("p95"))
            row(f"Slider step → updated (p95, n={a['n']})", a["p95"], ref_sl.get("p95"),
                target=f"≤ {TARGET_SLIDER_P95_RATIO}× ref", met=None if r is None else r <= TARGET_SLIDER_P95_RATIO)
        else:
            row("Slider step → updated (p95) – app skipped: scenario page not measured", None, ref_sl.get("p95"),
                target=f"≤ {TARGET_SLIDER_P95_RATIO}× ref", met="skipped")
        # floor probes: information, in the App column, ratios to the reference
        for key, label in (("floor:layout", "scenario layout, fixed content"),):
            if key in sl:
                row(f"Floor: {label}, slider step (median, n={sl[key]['n']})", sl[key]["median"], ref_sl.get("median"))
                row(f"Floor: {label}, slider step (p95)", sl[key]["p95"], ref_sl.get("p95"))
        mem = b["memory"]
        mkey = next(k for k in mem if k != "reference")
        am, rm = mem[mkey], mem["reference"]
        row(f"Server RSS, 1 session ({am['page']})", am.get("rss_1_mb"), rm.get("rss_1_mb"), unit="MB", nd=1)
        row(f"Server RSS, {am.get('sessions')} sessions", am.get("rss_n_mb"), rm.get("rss_n_mb"), unit="MB", nd=1)
        per = am.get("per_extra_session_mb")
        row("Server RSS per extra session", per, rm.get("per_extra_session_mb"), unit="MB", nd=2,
            target=f"≤ {TARGET_RSS_PER_SESSION_MB:g} MB", met=None if per is None else per <= TARGET_RSS_PER_SESSION_MB)
        if am.get("slope_2_to_n_mb") is not None:
            row("Server RSS per session, slope over sessions 2…N (cross-check)", am["slope_2_to_n_mb"],
                rm.get("slope_2_to_n_mb"), unit="MB", nd=2)
        for n, c in b["concurrency"].items():
            a, r_ = c.get("app", {}), c.get("reference", {})
            what = "load" if a.get("steps_per_session") == 0 else "load + 3 steps"
            for part in ("load_ms", "step_ms"):
                if part == "step_ms" and not a.get("steps_per_session"):
                    row(f"{n} sessions: slider step – app skipped: scenario page not measured", None, r_.get(part, {}).get("p95"),
                        met="skipped")
                    continue
                label = "page ready" if part == "load_ms" else "slider step"
                for stat in ("median", "p95", "max"):
                    nm = "p50" if stat == "median" else stat
                    row(f"{n} sessions: {label} {nm}", a.get(part, {}).get(stat), r_.get(part, {}).get(stat))
            row(f"{n} sessions ({what}): errors", a.get("errors"), r_.get("errors"), unit="", target="0",
                met=a.get("errors") == 0, r=None)
        n_err = len(b["errors"]["app"])
        tb = res.get("server_tracebacks", {})
        row("Errors, whole run (page, console, timeouts, st.exception)", n_err, len(b["errors"]["reference"]), unit="",
            target="0", met=n_err == 0)
        row("Server tracebacks in the log, whole run", tb.get("app"), tb.get("reference"), unit="", target="0",
            met=tb.get("app") == 0)
    m = res.get("model") or {}
    if m.get("status") == "ok":
        for name, c in m["cases"].items():
            row(f"Model run, {c['label']} (median, n={c['runs']})", c["median_ms"], None, nd=2)
            row(f"Model run, {c['label']} (p95)", c["p95_ms"], None, nd=2)
    return rows


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = [
        f"## naravard benchmark – {m['date_local']}{' (QUICK: small counts, indicative only)' if res['config']['quick'] else ''}",
        "",
        f"Machine: {m['nproc']} CPU ({m['cpu_model']}), {m['memory_gb']} GB RAM, kernel {m['kernel']}; "
        f"Python {m['python']}, Streamlit {m['streamlit']}, Plotly {m['plotly']}, Chromium {m.get('chromium')}, "
        f"Playwright {m['playwright']}. Load average at start {tuple(round(x, 2) for x in m['loadavg_start'])}, "
        f"at end {tuple(round(x, 2) for x in m.get('loadavg_end', ()))}. Commit {m['git'].get('commit', '?')[:12]}"
        f"{' + ' + str(m['git'].get('dirty_files')) + ' changed files' if m['git'].get('dirty_files') else ''}.",
        "",
        "| Metric | App | Reference | Ratio | Target | Met? |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in res["table"]:
        met = r["met"]
        met_s = "–" if met is None else met if isinstance(met, str) else ("yes" if met else "**NO**")
        rr = "–" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        lines.append(f"| {r['metric']} | {r['app_s']} | {r['reference_s']} | {rr} | {r['target']} | {met_s} |")
    notes = [n for n in res.get("notes", []) if n]
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Benchmark naravard against a bare Streamlit reference page.")
    ap.add_argument("--quick", action="store_true", help="small counts (smoke run; figures are indicative only)")
    ap.add_argument("--out", default="artifacts/bench.json", help="JSON output (Markdown goes next to it as .md)")
    ap.add_argument("--loads", type=int, help="page loads per page (default 10; quick 3)")
    ap.add_argument("--steps", type=int, help="slider steps (default 20; quick 6)")
    ap.add_argument("--mem-sessions", type=int, help="sessions for the memory figure (default 10; quick 4)")
    ap.add_argument("--concurrency", help="comma-separated session counts (default 10,25; quick 3,5)")
    ap.add_argument("--model-runs", type=int, help="timed model runs per case (default 200; quick 20)")
    ap.add_argument("--timeout", type=float, default=45.0,
                    help="seconds per load or step (concurrency: the larger of 3× and 10 s × sessions)")
    ap.add_argument("--quiet-ms", type=int, default=300, help="DOM quiet period that ends a measurement (not counted)")
    ap.add_argument("--settle-s", type=float, default=3.0, help="wait before reading RSS")
    ap.add_argument("--boundaries", help="directory with kommuner_<län>.geojson to copy into the temp boundary cache "
                    "(default: <repo>/var/boundaries if it exists; else the app shows its simplified map)")
    ap.add_argument("--pages", help="comma-separated url_paths of the app pages to measure (default: all of ui.PAGES)")
    ap.add_argument("--skip-browser", action="store_true", help="only the model section")
    ap.add_argument("--no-floors", action="store_true",
                    help="leave out the floor probe (bench/floor_app.py: the scenario layout with fixed content)")
    ap.add_argument("--skip-model", action="store_true", help="only the browser sections")
    a = ap.parse_args(argv)
    d = QUICK if a.quick else FULL
    a.loads = a.loads or d["loads"]
    a.steps = a.steps or d["steps"]
    a.mem_sessions = max(2, a.mem_sessions or d["mem_sessions"])
    a.concurrency = tuple(int(x) for x in a.concurrency.split(",")) if a.concurrency else d["concurrency"]
    a.model_runs = a.model_runs or d["model_runs"]
    for name, hi in (("loads", 200), ("steps", 500), ("mem_sessions", 50), ("model_runs", 100_000)):
        if not 1 <= getattr(a, name) <= hi:
            ap.error(f"--{name.replace('_', '-')} must be 1..{hi}")
    if not all(1 <= n <= 60 for n in a.concurrency):
        ap.error("--concurrency counts must be 1..60")
    return a


def _terminate(signum, frame):  # noqa: ARG001
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop the servers


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    t_start = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - t_start:6.1f}s] {msg}", file=sys.stderr, flush=True)

    res: dict[str, Any] = {
        "machine": machine_info(),
        "config": {k: v for k, v in vars(cfg).items()},
        "notes": [],
    }
    if res["machine"]["loadavg_start"][0] > 0.5 * (res["machine"]["nproc"] or 1):
        res["notes"].append(f"The machine was busy at the start (load average {res['machine']['loadavg_start'][0]:.2f} "
                            f"on {res['machine']['nproc']} CPUs): absolute figures are noisy; ratios less so.")
    if cfg.quick:
        res["notes"].append("QUICK run: small counts; p95 over so few samples is close to the max. Indicative only.")

    if not cfg.skip_browser:
        if not Path(CHROMIUM).exists():
            res["browser"] = {"status": "skipped", "reason": f"{CHROMIUM} not found (apt-get install chromium)"}
        else:
            pages, problem = app_pages()
            if cfg.pages and not problem:
                wanted = [x.strip() for x in cfg.pages.split(",") if x.strip()]
                unknown = sorted(set(wanted) - {p[0] for p in pages})
                if unknown:
                    print(f"unknown --pages {unknown}; known: {[p[0] for p in pages]}", file=sys.stderr)
                    return 2
                pages = [p for p in pages if p[0] in wanted]
            if problem or not pages:
                res["browser"] = {"status": "error", "reason": f"naravard.ui.PAGES not importable: {problem}"}
            else:
                res["browser"] = _run_browser(cfg, pages, res, log)
        if res["browser"].get("status") != "ok":
            res["notes"].append(f"Browser sections {res['browser']['status']}: {res['browser'].get('reason')}")
        elif res["browser"].get("slider_note"):
            res["notes"].append(res["browser"]["slider_note"])

    if not cfg.skip_model:
        log(f"model: {cfg.model_runs} runs per case …")
        res["model"] = model_bench.bench_model(cfg.model_runs)
        if res["model"]["status"] != "ok":
            res["notes"].append(f"Model section {res['model']['status']}: {res['model'].get('reason')}")

    res["machine"]["loadavg_end"] = os.getloadavg()
    res["duration_s"] = round(time.perf_counter() - t_start, 1)
    res["table"] = build_rows(res)
    text = markdown(res)
    print(text)
    out = Path(cfg.out)
    if not out.is_absolute():
        out = ROOT / out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2, ensure_ascii=False, default=str))
    out.with_suffix(".md").write_text(text)
    log(f"wrote {out} and {out.with_suffix('.md')}")
    b = res.get("browser") or {}
    failed = b.get("status") == "error" or (res.get("model") or {}).get("status") == "error"
    return 1 if failed else 0


def _run_browser(cfg, pages, res, log) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="naravard-bench-"))
    cache = tmp / "cache"
    cache.mkdir()
    src = Path(cfg.boundaries) if cfg.boundaries else ROOT / "var" / "boundaries"
    copied = []
    if src.is_dir():
        for f in src.glob("kommuner_*.geojson"):
            shutil.copy2(f, cache / f.name)
            copied.append(f.name)
    res["config"]["boundary_files"] = copied
    if not copied:
        res["notes"].append("No boundary cache: the Översikt map draws the embedded SCB kommun polygons (data/boundaries/).")
    env = {**os.environ, "NARAVARD_STORE": str(tmp / "scenarier.sqlite3"), "NARAVARD_CACHE_DIR": str(cache),
           "PYTHONUNBUFFERED": "1"}
    env.pop("NARAVARD_DATA_DIR", None)
    app = Server("app", "app.py", env, tmp / "app.log")
    ref = Server("reference", REFERENCE_SCRIPT, env, tmp / "reference.log")
    floor = None if cfg.no_floors else Server("floor", FLOOR_SCRIPT, env, tmp / "floor.log")
    servers = [x for x in (app, ref, floor) if x is not None]
    out: dict[str, Any]
    try:
        log(f"starting servers (temp dir {tmp}) …")
        for x in servers:
            x.start()
        for x in servers:
            x.wait_healthy()
        out = asyncio.run(measure_browser(cfg, app, ref, pages, log, floor))
        out["status"] = "ok"
        res["machine"]["chromium"] = out.pop("chromium", None)
        out["server_start_s"] = {"app": app.healthy_after_s, "reference": ref.healthy_after_s}
        out["rss_end_mb"] = {"app": app.rss(), "reference": ref.rss()}
    except Exception as e:  # noqa: BLE001 - report instead of a traceback
        import traceback

        out = {"status": "error", "reason": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()}
    finally:
        for x in servers:
            x.stop()
        res["server_tracebacks"] = {"app": app.tracebacks(), "reference": ref.tracebacks() + (floor.tracebacks() if floor else 0)}
        if res["server_tracebacks"]["app"] or res["server_tracebacks"]["reference"] or out.get("status") != "ok":
            keep = Path(cfg.out).with_suffix("")
            keep = (keep if keep.is_absolute() else ROOT / keep).parent / "bench-logs"
            keep.mkdir(parents=True, exist_ok=True)
            for f in (x.log_path for x in servers):
                with contextlib.suppress(OSError):
                    shutil.copy2(f, keep / f.name)
            res["notes"].append(f"Server logs kept in {keep}.")
        shutil.rmtree(tmp, ignore_errors=True)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
