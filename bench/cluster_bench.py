"""naravard cluster benchmark (issue 14): 50 sessions on 2 replicas vs 25 on one process,
both on PostgreSQL.

    .venv/bin/python bench/cluster_bench.py                       # 25 vs 50 sessions, 3 steps each
    .venv/bin/python bench/cluster_bench.py --single 5 --cluster 10 --replicas 2 --steps 2   # smoke
    .venv/bin/python bench/cluster_bench.py --out artifacts/cluster_bench.json

Two rounds, one after the other, on the same machine and the same Chromium:

1. **One process.** ``streamlit run app.py`` (bench/run.py's ``Server``) on a throw-away
   PostgreSQL (scripts/pg-throwaway.sh); ``--single`` sessions (default 25) open the
   Scenario page at the same moment, then each moves the first slider ``--steps`` times
   (default 3).
2. **Cluster.** ``scripts/serve-cluster.sh --replicas`` (default 2 Streamlit replicas
   behind nginx with sticky sessions, on the throw-away PostgreSQL the script starts);
   ``--cluster`` sessions (default 50) do the same through nginx.

Before each round every app process serves the Scenario page once, directly on its own
port (not through nginx, whose random routes may miss a replica), so no round pays a
process's first imports.

The sessions are bench/run.py's: one headless Chromium context each, the same in-page
watcher (a step is keydown → metrics changed and the page quiet), the same error
accounting (page errors, console errors, timeouts, ``st.exception``) and the same
per-operation timeout (the larger of 3 × ``--timeout`` and 10 s × sessions). The RSS of
the app processes is sampled every second during each round: memory per session is
(peak RSS sum − RSS sum before the round) / sessions, and the peak sum / sessions. The
database server's RSS (postmaster and backends) is sampled too and reported on its own
row (shared pages are counted once per process, so it overstates).

Access: groups mode, the default on PostgreSQL. Each round's database gets one group with
a passphrase (``python -m naravard groups``, as an administrator makes it), and every
session signs in as a politician with a shared link does: it opens ``/scenario`` (the
sign-in view; the link is kept), types the passphrase and presses Enter (timed: Enter →
the Scenario page's figures drawn, "Sign-in"), then moves the first slider ``--steps``
times (as bench/run.py). (The first version signed in at ``/`` and went on to Scenario
from the sidebar: every session also drew Översikt's map, and on 2 cores shared with the
load generator 32 of 50 cluster sessions timed out; see cluster_results.md.) Timing is bench/run.py's in-page watcher, measured from the keydown.

Target (issue 14): 0 errors; cluster step p95 ≤ one process's step p95. Both rounds share
the machine with one Chromium that renders every page, so on 2 cores the browser takes
much of the CPU the replicas would use; the figures say what this machine does, no more.

Only 127.0.0.1 is contacted; every process started here is stopped (by its own pid or,
for the cluster, by the script's trap) on every exit path.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [p for p in (str(ROOT), str(HERE)) if p not in sys.path]

import run as bench  # noqa: E402  (bench/run.py: Server, Session, Target, _concurrent, rss_mb)

SCRIPT = ROOT / "scripts" / "serve-cluster.sh"
PG_THROWAWAY = ROOT / "scripts" / "pg-throwaway.sh"
GROUP, PASSPHRASE = "Mätning", "en lösenfras för mätningen"


def _make_group(database_url: str) -> None:
    """The round's group and passphrase, through the CLI (the passphrase on stdin)."""
    env = dict(os.environ, NARAVARD_DATABASE_URL=database_url)
    for args, stdin in ((["create", GROUP], ""), (["passphrase", GROUP], PASSPHRASE + "\n")):
        subprocess.run([bench.PY, "-m", "naravard", "groups", *args], cwd=ROOT, env=env, input=stdin, text=True,
                       check=True, capture_output=True, timeout=120)


async def _sign_in(s, base: str, timeout_s: float) -> float | None:
    """Session ``s`` (opened) signs in at ``base``'s Scenario page: Enter → the Scenario
    page's figures drawn, in ms, or None (the error recorded in ``s.errors``)."""
    page, t = s.page, timeout_s * 1000
    try:
        await page.goto(base + "/scenario", wait_until="commit", timeout=t)
        await page.wait_for_function(bench.DONE_JS, polling=50, timeout=t)  # the sign-in view, settled
        box = page.locator(".st-key-nv_auth_losenfras input")
        await box.fill(PASSPHRASE, timeout=t)
        await page.evaluate("() => window.__nvb.arm('metrics')")  # the Scenario page's figures appear
        await box.press("Enter")
        await page.wait_for_function(bench.DONE_JS, polling=50, timeout=t)
        signed_in = (await page.evaluate("() => window.__nvb.result()"))["ms"]
        await page.locator(bench.SLIDER_THUMB).first.wait_for(timeout=t)
        return signed_in
    except Exception as e:  # noqa: BLE001 - timeouts, navigation errors
        s.errors.add("timeout" if "Timeout" in type(e).__name__ else "sign-in", s.where, f"sign-in: {e}".splitlines()[0])
        return None
    finally:
        await s._exceptions()


async def _signed_in_sessions(browser, base: str, n: int, cfg, errors, where: str) -> dict:
    """bench/run.py's concurrency round with a sign-in: ``n`` sessions start at the same
    moment, each signs in, opens the Scenario page and moves the slider ``cfg.steps`` times."""
    signin_ms: list[float] = []
    step_ms: list[float] = []
    sessions = [bench.Session(browser, base + "/", where, errors, cfg.quiet_ms) for _ in range(n)]
    before = errors.count()
    timeout = max(cfg.timeout * 3, 10.0 * n)  # one Chromium renders all n pages on the same cores
    go = asyncio.Event()

    async def one(s) -> None:
        await go.wait()
        r = await _sign_in(s, base, timeout)
        if r is None:
            return
        signin_ms.append(r)
        for _ in range(cfg.steps):
            st = await s.step("metrics", timeout)
            if st is None:
                return
            step_ms.append(st["ms"])

    t0 = time.perf_counter()
    try:
        for s in sessions:
            await s.open()
        tasks = [asyncio.create_task(one(s)) for s in sessions]
        go.set()
        done, pending = await asyncio.wait(tasks, timeout=timeout * (3 + cfg.steps) + 30)  # guards a hang only
        for tk in pending:
            tk.cancel()
            errors.add("timeout", where, "session did not finish within the hard cap")
        for tk in done:
            if tk.exception() is not None:
                errors.add("harness", where, repr(tk.exception()))
    finally:
        for s in sessions:
            await s.close()
    return {
        "sessions": n,
        "steps_per_session": cfg.steps,
        "wall_s": time.perf_counter() - t0,
        "signin_ms": bench.summary(signin_ms),
        "step_ms": bench.summary(step_ms),
        "errors": errors.count() - before,
        "completed_signins": len(signin_ms),
        "completed_steps": len(step_ms),
    }


def _pg(*args: str) -> str:
    return subprocess.run(["bash", str(PG_THROWAWAY), *args], check=True, capture_output=True, text=True).stdout.strip()


def _descendants(pid: int) -> list[int]:
    """``pid`` and every live descendant (from /proc)."""
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                kids.setdefault(int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]), []).append(int(d.name))
    out, todo = [pid], [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _postmaster(pg_dir: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((pg_dir / "data" / "postmaster.pid").read_text().split()[0])
    return None


class Cluster:
    """``scripts/serve-cluster.sh N --port P`` in its own process group; ``base`` is nginx."""

    def __init__(self, replicas: int, env: dict[str, str], run_dir: Path):
        self.replicas, self.run_dir = replicas, run_dir
        self.port = bench.free_port()
        self.env = dict(env, NARAVARD_CLUSTER_DIR=str(run_dir), PYTHON=bench.PY)
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 120.0) -> None:
        self._log = open(self.run_dir.parent / "serve-cluster.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(["bash", str(SCRIPT), str(self.replicas), "--port", str(self.port)], cwd=ROOT,
                                     env=self.env, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while not (self.run_dir / "ready").exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve-cluster.sh exited with {self.proc.returncode}; see {self._log.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"cluster not ready within {timeout_s:.0f} s; see {self._log.name}")
            time.sleep(0.2)

    def ports_and_pids(self) -> list[tuple[int, int]]:
        """(port, pid) of each replica."""
        lines = (self.run_dir / "replicas.txt").read_text().split("\n")
        return [(int(ln.split()[1]), int(ln.split()[2])) for ln in lines if ln and not ln.startswith("nginx")]

    def pids(self) -> list[int]:
        return [pid for _, pid in self.ports_and_pids()]

    def pg_dir(self) -> Path:
        return Path((self.run_dir / "postgres-dir").read_text().strip())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the script's trap stops nginx and the replicas
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        with contextlib.suppress(Exception):
            self._log.close()


def _rss_sum(pids: list[int]) -> float:
    return sum(v for v in (bench.rss_mb(p) for p in pids) if v is not None)


async def _sample_rss(pids: list[int], pg_dir: Path, out: list[float], db_out: list[float],
                      stop: asyncio.Event) -> None:
    while not stop.is_set():
        out.append(_rss_sum(pids))
        pm = _postmaster(pg_dir)
        if pm is not None:
            db_out.append(_rss_sum(_descendants(pm)))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


async def _round(name: str, base: str, warm: list[str], pids: list[int], pg_dir: Path, n: int, cfg, log) -> dict:
    """``n`` sessions through ``base``; ``warm``: each app process's own address."""
    from playwright.async_api import async_playwright

    errors = bench.Errors()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=bench.CHROMIUM, headless=True, args=bench.CHROMIUM_ARGS)
        try:
            # warm-up: each process serves the page once, on its own port, so no round pays first imports
            for url in warm:
                s = bench.Session(browser, url + "/", f"{name} (warm-up)", errors, cfg.quiet_ms)
                await s.open()
                ok = await _sign_in(s, url, cfg.timeout * 2)
                await s.close()
                if ok is None:
                    raise RuntimeError(f"{name}: the warm-up session could not sign in at {url}: {errors.items[-1:]}")
            await asyncio.sleep(2)
            idle = _rss_sum(pids)
            samples: list[float] = []
            db_samples: list[float] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(_sample_rss(pids, pg_dir, samples, db_samples, stop))
            log(f"{name}: {n} sessions, load + {cfg.steps} slider steps each …")
            try:
                res = await _signed_in_sessions(browser, base, n, cfg, errors, name)
            finally:
                stop.set()
                await sampler
        finally:
            await browser.close()
    peak = max(samples) if samples else None
    res.update(
        processes=len(pids),
        rss_idle_mb=idle,
        rss_peak_mb=peak,
        rss_per_session_mb=None if peak is None else (peak - idle) / n,
        rss_peak_per_session_mb=None if peak is None else peak / n,
        db_rss_peak_mb=max(db_samples) if db_samples else None,
        error_items=errors.items[:50],
    )
    return res


def _fmt(v, unit="ms", nd=0) -> str:
    return "–" if v is None else f"{v:,.{nd}f}".replace(",", " ") + (f" {unit}" if unit else "")


def markdown(res: dict) -> str:
    s, c = res["single"], res["cluster"]
    p95s, p95c = s["step_ms"].get("p95"), c["step_ms"].get("p95")
    rows = [
        ("Sessions", s["sessions"], c["sessions"], "", ""),
        ("App processes", s["processes"], c["processes"], "", ""),
        ("Sign-in at a Scenario link (Enter → its figures drawn) p50", _fmt(s["signin_ms"].get("median")),
         _fmt(c["signin_ms"].get("median")), "", ""),
        ("Sign-in p95", _fmt(s["signin_ms"].get("p95")), _fmt(c["signin_ms"].get("p95")), "", ""),
        ("Slider step p50", _fmt(s["step_ms"].get("median")), _fmt(c["step_ms"].get("median")), "", ""),
        ("Slider step p95", _fmt(p95s), _fmt(p95c), "cluster ≤ one process",
         "–" if None in (p95s, p95c) else ("yes" if p95c <= p95s else "**NO**")),
        ("Slider step max", _fmt(s["step_ms"].get("max")), _fmt(c["step_ms"].get("max")), "", ""),
        ("Completed sign-ins / steps", f"{s['completed_signins']} / {s['completed_steps']}",
         f"{c['completed_signins']} / {c['completed_steps']}", "all", ""),
        ("Errors", s["errors"], c["errors"], "0", "yes" if s["errors"] == 0 and c["errors"] == 0 else "**NO**"),
        ("RSS of the app processes, before", _fmt(s["rss_idle_mb"], "MB"), _fmt(c["rss_idle_mb"], "MB"), "", ""),
        ("RSS of the app processes, peak", _fmt(s["rss_peak_mb"], "MB"), _fmt(c["rss_peak_mb"], "MB"), "", ""),
        ("RSS per session (peak − before) / sessions", _fmt(s["rss_per_session_mb"], "MB", 1),
         _fmt(c["rss_per_session_mb"], "MB", 1), "", ""),
        ("RSS per session (peak / sessions)", _fmt(s["rss_peak_per_session_mb"], "MB", 1),
         _fmt(c["rss_peak_per_session_mb"], "MB", 1), "", ""),
        ("RSS of PostgreSQL (postmaster + backends), peak", _fmt(s.get("db_rss_peak_mb"), "MB"),
         _fmt(c.get("db_rss_peak_mb"), "MB"), "", ""),
        ("Wall time of the round", _fmt(s["wall_s"], "s"), _fmt(c["wall_s"], "s"), "", ""),
    ]
    m = res["machine"]
    out = [
        f"## naravard cluster benchmark – {m['date']}",
        "",
        f"{m['nproc']} CPU, load average at start {m['loadavg_start']}, at end {m['loadavg_end']}; "
        f"{res['config']['steps']} slider steps per session on /scenario; both rounds on PostgreSQL in "
        f"groups mode, every session signed in with its group's passphrase.",
        "",
        "| Metric | One process | Cluster (nginx + replicas) | Target | Met? |",
        "|---|---:|---:|---|---|",
        *[f"| {a} | {b} | {c_} | {t} | {ok} |" for a, b, c_, t, ok in rows],
    ]
    return "\n".join(out) + "\n"


def parse_args(argv):
    ap = argparse.ArgumentParser(description="50 sessions on 2 replicas behind nginx vs 25 on one process.")
    ap.add_argument("--single", type=int, default=25, help="sessions on one process (default 25)")
    ap.add_argument("--cluster", type=int, default=50, help="sessions on the cluster (default 50)")
    ap.add_argument("--replicas", type=int, default=2, help="replicas behind nginx (default 2)")
    ap.add_argument("--steps", type=int, default=3, help="slider steps per session (default 3)")
    ap.add_argument("--timeout", type=float, default=45.0, help="seconds per load or step (see bench/run.py)")
    ap.add_argument("--quiet-ms", type=int, default=300, help="DOM quiet period that ends a measurement")
    ap.add_argument("--out", default="artifacts/cluster_bench.json", help="JSON output (Markdown next to it)")
    a = ap.parse_args(argv)
    for name, lo, hi in (("single", 1, 60), ("cluster", 1, 60), ("replicas", 1, 8), ("steps", 1, 20)):
        if not lo <= getattr(a, name) <= hi:
            ap.error(f"--{name} must be {lo}..{hi}")
    return a


def main(argv=None) -> int:
    cfg = parse_args(argv)
    signal.signal(signal.SIGTERM, bench._terminate)

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    res: dict = {"config": vars(cfg), "machine": {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "nproc": os.cpu_count(),
        "loadavg_start": tuple(round(x, 2) for x in os.getloadavg())}}
    with tempfile.TemporaryDirectory(prefix="naravard-cluster-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "cache").mkdir()
        env = dict(os.environ, NARAVARD_STORE=str(tmp / "unused.sqlite3"), NARAVARD_CACHE_DIR=str(tmp / "cache"),
                   NARAVARD_ACCESS="groups", PYTHONUNBUFFERED="1")
        env.pop("NARAVARD_DATA_DIR", None)
        env.pop("NARAVARD_DATABASE_URL", None)  # each round on its own throw-away database
        pg_dir = Path(_pg("start"))
        try:
            db_url = _pg("createdb", str(pg_dir), "naravard", "naravard")
            _make_group(db_url)
            single = bench.Server("app", "app.py", dict(env, NARAVARD_DATABASE_URL=db_url), tmp / "single.log")
            try:
                single.start()
                single.wait_healthy()
                res["single"] = asyncio.run(_round("one process", single.base, [single.base], [single.proc.pid],
                                                   pg_dir, cfg.single, cfg, log))
            finally:
                single.stop()
        finally:
            _pg("remove", str(pg_dir))
        cluster = Cluster(cfg.replicas, env, tmp / "cluster")
        try:
            cluster.start()
            _make_group(_pg("url", str(cluster.pg_dir()), "naravard", "naravard"))
            res["cluster"] = asyncio.run(_round(
                f"{cfg.replicas} replicas", cluster.base, [f"http://127.0.0.1:{port}" for port, _ in cluster.ports_and_pids()],
                cluster.pids(), cluster.pg_dir(), cfg.cluster, cfg, log))
            access = (tmp / "cluster" / "logs" / "access.log").read_text(errors="replace")
            res["cluster"]["requests_per_replica"] = {
                up: access.count(f"upstream={up}") for up in sorted(set(
                    w.split("=", 1)[1] for w in access.split() if w.startswith("upstream=127.")))}
        finally:
            cluster.stop()
            with contextlib.suppress(OSError):  # the replicas' and nginx's logs, for the errors above
                shutil.copytree(tmp / "cluster" / "logs", ROOT / "artifacts" / "cluster-bench-logs", dirs_exist_ok=True)
    res["machine"]["loadavg_end"] = tuple(round(x, 2) for x in os.getloadavg())
    out = ROOT / cfg.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    md = markdown(res)
    out.with_suffix(".md").write_text(md, encoding="utf-8")
    print(md)
    ok = res["single"]["errors"] == 0 and res["cluster"]["errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
