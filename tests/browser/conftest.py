"""Fixtures for the browser tests: the real app in a subprocess, Debian's Chromium via Playwright.

- ``app_server``: ``streamlit run app.py`` on a free port with a throw-away scenario
  store (``NARAVARD_STORE``) and an *empty* boundary cache (``NARAVARD_CACHE_DIR``, so
  the map uses the boundaries embedded in ``data/``, as on a fresh clone), started once
  per session and stopped at the end. The
  developer's ``var/`` is never touched. The file watcher is off, so edits made while
  the tests run cannot change what they see.
- ``app_server_with_boundaries``: a second server whose cache holds Halland's kommun
  boundaries, imported with the project CLI (``python -m naravard boundaries import``)
  from ``../shared/data/boundaries`` (or ``$NARAVARD_TEST_BOUNDARIES``); skipped, with
  the reason, when no such file exists.
- ``browser``: Debian's ``/usr/bin/chromium``, launched through Playwright's bundled
  driver. No browser is ever downloaded; a missing Chromium is a test *failure*
  (``scripts/test.sh`` installs it), never a skip.
- ``app`` / ``app_projector`` / ``app_with_map``: a new browser context (so a new
  Streamlit session) wrapped in ``StreamlitPage``, which waits for Streamlit to finish,
  collects console errors and reads text including table cells. 1440×900, or 1920×1080.
- ``fresh_app``: like ``app`` on a server of its own that has served nothing yet.
- ``spec``: parametrised over ``naravard.ui.PAGES``.

Screenshots go to ``artifacts/screenshots/``, the servers' logs to ``artifacts/``
(both gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import unicodedata
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable  # the .venv interpreter that runs pytest (scripts/test.sh)
CHROMIUM = Path("/usr/bin/chromium")
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
SCREENSHOTS = REPO / "artifacts" / "screenshots"
SHARED_BOUNDARIES = REPO.parent / "shared" / "data" / "boundaries" / "halland_kommuner_scb_wgs84.geojson"

VIEWPORT = {"width": 1440, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}

STARTUP_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 45_000
SETTLE_MS = 1_000

# What wait_idle() watches: readiness plus a signature that must stay unchanged.
_PAGE_STATE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const tables = [...document.querySelectorAll('[data-testid="stDataFrame"]')]
        .filter(t => !t.closest('details:not([open])'));
    // drawn: plotly.js has built its SVG with at least one trace (the component is
    // lazy-loaded and mounts after the run ends)
    const drawn = charts.filter(c => c.querySelector('svg.main-svg g.trace')).length;
    const filled = tables.filter(t => t.querySelector('canvas table [role="row"]')).length;
    const script = app && app.getAttribute('data-test-script-state');
    const running = !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
    return {
        // A page has content: right after (re)connecting the script state is briefly
        // notRunning with an empty main area, which must not count as "finished".
        ready: script === 'notRunning' && !running && drawn === charts.length && filled === tables.length
            && !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]'),
        script, running,
        elements: document.querySelectorAll('[data-testid="stElementContainer"]').length,
        charts: charts.length, drawn, tables: tables.length, filled,
    };
}"""


# ------------------------------------------------------------------------ app server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    """A running ``streamlit run app.py``; ``log`` holds its stdout and stderr."""

    url: str
    log: Path
    proc: subprocess.Popen
    env: dict[str, str] = field(repr=False)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def log_size(self) -> int:
        return self.log.stat().st_size

    def tracebacks(self, since: int = 0) -> list[str]:
        """Python tracebacks the server has logged after byte ``since`` (one string each)."""
        with open(self.log, "rb") as f:
            f.seek(since)
            text = f.read().decode("utf-8", errors="replace")
        parts = text.split("Traceback (most recent call last):")[1:]
        return ["Traceback (most recent call last):" + p[:4000] for p in parts]


def _start_app(tmp: Path, name: str, env_extra: dict[str, str] | None = None) -> AppServer:
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "NARAVARD_STORE": str(tmp / "scenarier.sqlite3"),
            "NARAVARD_CACHE_DIR": str(tmp / "cache"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("NARAVARD_DATA_DIR", None)  # always the embedded data: the key figures below depend on it
    env.update(env_extra or {})
    (tmp / "cache").mkdir(exist_ok=True)
    log = tmp / f"streamlit-{name}.log"
    cmd = [
        PYTHON, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        # Tests must not react to files being edited while they run (a rerun prompt, or a
        # module half-written by an editor); the app's behaviour does not depend on it.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = AppServer(f"http://127.0.0.1:{port}", log, proc, env)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode} before it was healthy:\n{server.log_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            _stop_app(server)
            pytest.fail(f"streamlit was not healthy within {STARTUP_TIMEOUT_S} s:\n{server.log_text()[-4000:]}")
        time.sleep(0.25)


def _stop_app(server: AppServer) -> None:
    """Stop the server and keep its log next to the screenshots (artifacts/, gitignored)."""
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=10)
    try:
        SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(server.log, SCREENSHOTS.parent / server.log.name)
    except OSError:
        pass


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> AppServer:
    """The app with an empty boundary cache and an empty scenario store."""
    server = _start_app(tmp_path_factory.mktemp("app"), "default")
    yield server
    _stop_app(server)


@pytest.fixture(scope="session")
def app_server_with_boundaries(tmp_path_factory) -> AppServer:
    """The app whose boundary cache was filled by ``python -m naravard boundaries import``."""
    src = Path(os.environ.get("NARAVARD_TEST_BOUNDARIES", SHARED_BOUNDARIES))
    if not src.is_file():
        pytest.skip(f"no boundary file to import ({src}); set NARAVARD_TEST_BOUNDARIES to a kommun GeoJSON")
    tmp = tmp_path_factory.mktemp("app-map")
    env = dict(os.environ, NARAVARD_CACHE_DIR=str(tmp / "cache"), NARAVARD_STORE=str(tmp / "scenarier.sqlite3"))
    res = subprocess.run(
        [PYTHON, "-m", "naravard", "boundaries", "import", str(src)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    cached = list((tmp / "cache").glob("kommuner_*.geojson"))
    if res.returncode != 0 or not cached:
        pytest.fail(
            f"`python -m naravard boundaries import {src}` failed (exit {res.returncode}, cache files {cached}):\n"
            f"{res.stdout[-2000:]}\n{res.stderr[-4000:]}"
        )
    server = _start_app(tmp, "boundaries")
    yield server
    _stop_app(server)


# --------------------------------------------------------------------------- browser


def launch_browser():
    """Debian's Chromium through Playwright's bundled driver (never a downloaded browser).

    A generator for the one session-wide ``browser`` fixture in tests/conftest.py: the
    browser and cluster tests share it, because a second ``sync_playwright()`` in the
    same process fails ("Sync API inside the asyncio loop")."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(./scripts/test.sh installs it with apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception:
        pw.stop()
        raise
    yield b
    b.close()
    pw.stop()


def normalise(text: str) -> str:
    """Page text with no-break/narrow spaces turned into plain spaces and runs collapsed."""
    text = unicodedata.normalize("NFC", text)
    for ch in ("\u00a0", "\u202f", "\u2009", "\u2007"):
        text = text.replace(ch, " ")
    return " ".join(text.split())


class StreamlitPage:
    """A Playwright page on the app, with Streamlit-aware waiting and error collection."""

    def __init__(self, page, server: AppServer):
        self.page = page
        self.server = server
        self.console_errors: list[str] = []
        self.log_mark = server.log_size()  # server log offset at the last open(); see new_tracebacks()
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            self.console_errors.append(f"console.error: {msg.text} @ {loc.get('url', '')}:{loc.get('lineNumber', '')}")

    # navigation and waiting

    def open(self, url_path: str) -> None:
        self.log_mark = self.server.log_size()
        self.page.goto(f"{self.server.url}/{url_path}", wait_until="domcontentloaded")
        self.wait_idle()

    def wait_idle(self, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
        """Wait until the script run is over and the page has finished drawing.

        "Finished" means: the app is connected and its script state is ``notRunning``
        (``data-test-script-state`` on ``stApp``), no "Running…" icon is shown, the main
        area holds at least one element (right after connecting it is empty and
        ``notRunning`` for a moment), every Plotly chart has its SVG, every table outside a collapsed expander has its cells,
        and none of that has changed for ``SETTLE_MS``. The settle window is needed because
        Plotly and the data grid are lazy-loaded components: when the run ends their
        element containers exist but the components mount 0.5–2 s later (their
        ``data-testid`` only appears then), so "every chart is drawn" is briefly true of
        an empty set.
        """
        p = self.page
        p.wait_for_selector(
            '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]',
            timeout=timeout_ms,
        )
        deadline = time.monotonic() + timeout_ms / 1000
        stable_since, last = None, None
        while True:
            state = p.evaluate(_PAGE_STATE_JS)
            now = time.monotonic()
            if state["ready"] and state == last:
                if now - stable_since >= SETTLE_MS / 1000:
                    return
            else:
                stable_since, last = now, state
            if now > deadline:
                raise AssertionError(f"the page did not settle within {timeout_ms} ms; last state: {state}")
            p.wait_for_timeout(100)

    def wait_for_text(self, text: str, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
        """Wait until ``text`` (plain spaces) appears in the main area, then until the run is idle."""
        self.page.wait_for_function(
            """(want) => {
                const t = (document.querySelector('[data-testid="stApp"]')?.innerText || '')
                    .replace(/[\\u00a0\\u202f\\u2009\\u2007]/g, ' ').replace(/\\s+/g, ' ');
                return t.includes(want);
            }""",
            arg=text,
            timeout=timeout_ms,
        )
        self.wait_idle(timeout_ms)

    # reading

    def text(self, selector: str = '[data-testid="stApp"]') -> str:
        """Visible text under ``selector`` plus the cells of its tables, spaces normalised.

        ``st.dataframe`` draws on a canvas, so its cells are not in ``innerText``; the grid
        keeps an accessible copy of them (``role=gridcell``/``columnheader``) which is
        appended here, one table per line, cells separated by `` | ``.
        """
        loc = self.page.locator(selector).first
        tables = loc.evaluate(
            """root => [...root.querySelectorAll('[data-testid="stDataFrame"]')].map(df =>
                [...df.querySelectorAll('[role="row"]')].map(row =>
                    [...row.querySelectorAll('[role="gridcell"], [role="columnheader"]')]
                        .map(c => c.textContent.trim()).join(' | ')
                ).join(' || ')
            )"""
        )
        return normalise(loc.inner_text() + "\n" + "\n".join(tables))

    def text_of(self, locator) -> str:
        return normalise(locator.inner_text())

    def new_tracebacks(self) -> list[str]:
        """Tracebacks the server logged since the last :meth:`open` (any session, so a
        concurrent test could in principle contribute; the suite runs serially)."""
        return self.server.tracebacks(self.log_mark)

    def exceptions(self) -> list[str]:
        return [normalise(t) for t in self.page.locator('[data-testid="stException"]').all_inner_texts()]

    # screenshots

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """Save ``artifacts/screenshots/<name>.png``.

        Streamlit scrolls inside its own container, so the document is only as tall as
        the viewport and Playwright's ``full_page`` would stop at the fold. For a full
        page the viewport is grown to the content's height for the shot, then restored.
        """
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        size = self.page.viewport_size
        if full_page:
            height = self.page.evaluate(
                """() => Math.max(document.documentElement.scrollHeight,
                    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"],'
                        + ' [data-testid="stSidebarContent"]')].map(e => e.scrollHeight))"""
            )
            if height > size["height"]:
                self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16_000)})
                self.wait_idle()
        try:
            self.page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        finally:
            if self.page.viewport_size != size:
                self.page.set_viewport_size(size)
                self.wait_idle()
        return path


def _new_app_page(browser, server: AppServer, viewport: dict) -> tuple[object, StreamlitPage]:
    ctx = browser.new_context(viewport=viewport, locale="sv-SE", timezone_id="Europe/Stockholm", color_scheme="light")
    ctx.set_default_timeout(RUN_TIMEOUT_MS)
    return ctx, StreamlitPage(ctx.new_page(), server)


def _warm_up(browser, server: AppServer) -> AppServer:
    """Open ``/`` once so app.py (and its st.navigation) has run in the server process.

    Until then Streamlit treats an app with a ``pages/`` folder as a legacy multipage
    app, and a deep link runs the page file without app.py. That first-request
    behaviour is tested on its own (test_browser_pages.py::test_deep_link_on_fresh_server);
    every other test should not depend on which test happens to run first.
    """
    ctx, sp = _new_app_page(browser, server, VIEWPORT)
    try:
        sp.open("")
    finally:
        ctx.close()
    return server


@pytest.fixture(scope="session")
def warm_app_server(browser, app_server) -> AppServer:
    return _warm_up(browser, app_server)


@pytest.fixture(scope="session")
def warm_app_server_with_boundaries(browser, app_server_with_boundaries) -> AppServer:
    return _warm_up(browser, app_server_with_boundaries)


@pytest.fixture()
def app(browser, warm_app_server) -> StreamlitPage:
    """A fresh browser context (own Streamlit session) at 1440×900 on the default app."""
    ctx, sp = _new_app_page(browser, warm_app_server, VIEWPORT)
    yield sp
    ctx.close()


@pytest.fixture()
def app_projector(browser, warm_app_server) -> StreamlitPage:
    """Like ``app`` but at 1920×1080, the size of a meeting-room projector."""
    ctx, sp = _new_app_page(browser, warm_app_server, PROJECTOR)
    yield sp
    ctx.close()


@pytest.fixture()
def app_with_map(browser, warm_app_server_with_boundaries) -> StreamlitPage:
    """Like ``app`` on the server whose cache holds the kommun boundaries."""
    ctx, sp = _new_app_page(browser, warm_app_server_with_boundaries, VIEWPORT)
    yield sp
    ctx.close()


@pytest.fixture()
def fresh_app(browser, tmp_path) -> StreamlitPage:
    """A page on a server of its own that has served nothing yet (for first-request behaviour)."""
    server = _start_app(tmp_path, "fresh")
    ctx, sp = _new_app_page(browser, server, VIEWPORT)
    yield sp
    ctx.close()
    _stop_app(server)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    path = REPO / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `npm ci` (./scripts/test.sh does) to install the pinned axe-core.")
    return path


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser gets the ``browser`` marker (``-m "not browser"`` skips them)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def pytest_generate_tests(metafunc):
    """Parametrise ``spec`` over ``naravard.ui.PAGES``, the list app.py builds its navigation from.

    New pages (e.g. Scenario) are covered without touching the tests.
    """
    if "spec" in metafunc.fixturenames:
        from naravard import ui

        metafunc.parametrize("spec", ui.PAGES, ids=[p.url_path for p in ui.PAGES])
