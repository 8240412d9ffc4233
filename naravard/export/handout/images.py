"""Chart images for the handouts: one kept-open kaleido exporter (kaleido 1.x driving
a headless Chromium).

Why a kept-open browser: starting Chromium costs 1,5–3,5 s per image here, a warm
browser about 0,1 s; a 10-slide handout must stay under 5 s.

Why not ``kaleido.start_sync_server()``: its server thread opens the browser and,
when that fails (no browser at the path, a browser that will not start), the thread
ends while ``calc_fig_sync`` keeps waiting on the task queue: the caller hangs for
ever (tried here with ``path="/nonexistent"``). This class runs the same
``kaleido.Kaleido`` in its own thread and event loop instead, waits for every step
with a timeout, and turns every failure into ``None`` and a Swedish reason, so a
handout without a browser carries tables only and says why: never a crash, never a
hang.

The browser: ``browser_path`` if given, else ``BROWSER_PATH`` from the environment,
else Debian's ``/usr/bin/chromium`` when present, else whatever choreographer finds.
MathJax is off and plotly.js comes from the installed plotly package: nothing is
fetched from the network.
"""

from __future__ import annotations

import asyncio
import atexit
import copy
import logging
import os
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

log = logging.getLogger(__name__)

DEBIAN_CHROMIUM = "/usr/bin/chromium"
#: Seconds to wait for the browser to start (cold start measured at 1,5–3,5 s).
START_TIMEOUT_S = 30.0
#: Seconds to wait for one image (warm: about 0,1 s).
IMAGE_TIMEOUT_S = 30.0
#: After an image timed out, seconds during which no image is tried (the handout being
#: built gets tables only at once, instead of waiting a timeout per chart on a stuck
#: browser); the browser is started afresh after it.
IMAGE_COOLDOWN_S = 120.0
#: Largest side of an image in CSS pixels (a 1920 px slide at scale 2 is plenty).
MAX_SIDE_PX = 4000

SLOW_BROWSER_SV = "Webbläsaren svarade inte i tid; bilderna försöks igen om en stund."
NO_BROWSER_SV = (
    "Diagrammen kunde inte ritas som bilder eftersom ingen webbläsare (Chromium) kunde startas "
    "på servern; handouten innehåller tabellerna med samma siffror."
)


def resolve_browser_path(browser_path: str | os.PathLike | None = None) -> str | None:
    """The browser to start: the argument, ``BROWSER_PATH``, Debian's chromium, or None
    (let choreographer search ``PATH``)."""
    if browser_path:
        return str(browser_path)
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env
    return DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).is_file() else None


class ImageExporter:
    """Plotly figure dicts → PNG bytes through one browser that stays open.

    Thread-safe (one image at a time); the browser starts on the first :meth:`png` or
    :meth:`available` and stays open until :meth:`close`. A start that failed is not
    retried (every later call returns ``None`` at once with the same reason).
    """

    def __init__(self, browser_path: str | os.PathLike | None = None, *, start_timeout: float = START_TIMEOUT_S,
                 image_timeout: float = IMAGE_TIMEOUT_S) -> None:
        self.browser_path = resolve_browser_path(browser_path)
        self.start_timeout = start_timeout
        self.image_timeout = image_timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._failed: str | None = None  # the Swedish reason once a start failed
        self._cooldown_until = 0.0  # time.monotonic() before which no image is tried

    # ------------------------------------------------------------------ lifecycle

    def _start(self) -> None:
        """Open the browser in a private event loop (caller holds the lock)."""
        if self._kaleido is not None or self._failed is not None:
            return
        path = self.browser_path
        if path is not None and not Path(path).is_file():
            self._fail(f"no browser at {path!r}", f"Ingen webbläsare finns på {path}.")
            return
        try:
            import kaleido
        except ImportError as e:  # pragma: no cover - kaleido is a pinned requirement
            self._fail(f"kaleido not installed ({e})", "Bildexporten (kaleido) är inte installerad.")
            return
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="naravard-kaleido", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread

        async def open_browser():
            kw = {"mathjax": False, "timeout": self.image_timeout}
            if path is not None:
                kw["path"] = path
            k = kaleido.Kaleido(**kw)
            await k.open()
            return k

        fut = asyncio.run_coroutine_threadsafe(open_browser(), loop)
        try:
            self._kaleido = fut.result(timeout=self.start_timeout)
        except FutureTimeout:
            fut.cancel()
            self._fail(f"the browser did not start within {self.start_timeout:g} s",
                       "Webbläsaren startade inte i tid.")
        except Exception as e:  # noqa: BLE001 - any failure to start means: no images
            self._fail(f"the browser could not be started: {e}", "Webbläsaren kunde inte startas.")

    def _fail(self, en: str, sv: str) -> None:
        log.warning("chart images unavailable: %s", en)
        self._failed = sv
        self._stop_loop()

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=5)

    def _close_browser(self) -> None:
        """Close the browser and its loop (caller holds the lock)."""
        k, loop = self._kaleido, self._loop
        self._kaleido = None
        if k is not None and loop is not None:
            fut = asyncio.run_coroutine_threadsafe(k.close(), loop)
            try:
                fut.result(timeout=10)
            except Exception as e:  # noqa: BLE001 - closing is best effort
                log.warning("closing the browser failed: %s", e)
        self._stop_loop()

    def close(self) -> None:
        """Close the browser (a later call starts a new one, also after a failed start)."""
        with self._lock:
            self._close_browser()
            self._failed = None

    def __enter__(self) -> "ImageExporter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------- service

    def available(self) -> tuple[bool, str]:
        """(True, "") when images can be made, else (False, the Swedish reason for the
        handout's note). Starts the browser if it is not running."""
        with self._lock:
            if self._cooling():
                return False, f"{NO_BROWSER_SV} ({SLOW_BROWSER_SV})"
            self._start()
            if self._kaleido is None:
                return False, f"{NO_BROWSER_SV} ({self._failed or 'Okänt fel.'})"
            return True, ""

    def _cooling(self) -> bool:
        return time.monotonic() < self._cooldown_until

    def png(self, fig_dict: dict, width: int, height: int, scale: float = 2.0) -> bytes | None:
        """The figure as PNG bytes at ``width`` × ``height`` CSS pixels (× ``scale``),
        or None when no browser runs or this figure failed (logged)."""
        width, height = (max(50, min(int(v), MAX_SIDE_PX)) for v in (width, height))
        with self._lock:
            if self._cooling():
                return None
            self._start()
            if self._kaleido is None or self._loop is None:
                return None
            try:
                fig = _validated(fig_dict)
            except Exception as e:  # noqa: BLE001 - a figure plotly refuses: no image
                log.warning("chart figure refused by plotly: %s", e)
                return None
            opts = {"format": "png", "width": width, "height": height, "scale": scale}
            fut = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts=opts), self._loop)
            try:
                data = fut.result(timeout=self.image_timeout + 5)
            except Exception as e:  # noqa: BLE001 - one bad figure must not stop a handout
                fut.cancel()
                log.warning("chart image failed: %s; the browser is restarted for the next image", e)
                # a crashed or stuck browser must not make every later image wait its
                # timeout: no images for a while, then a fresh browser
                self._close_browser()
                if isinstance(e, FutureTimeout):
                    self._cooldown_until = time.monotonic() + IMAGE_COOLDOWN_S
                return None
        return bytes(data) if data else None


def _validated(fig_dict: dict) -> dict:
    """The figure through plotly's own validation, as ``st.plotly_chart`` passes it:
    plotly.py expands names plotly.js does not know (the maps' reversed scale
    ``"Viridis_r"`` becomes a list of colours; sent as a name, the browser would draw
    its default scale)."""
    import plotly.graph_objects as go

    return go.Figure(copy.deepcopy(fig_dict)).to_dict()


_shared: ImageExporter | None = None
_shared_lock = threading.Lock()


def shared_exporter() -> ImageExporter:
    """The process's one exporter (the app keeps one browser for every session)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ImageExporter()
            atexit.register(_shared.close)  # no browser left behind when the app stops
        return _shared
