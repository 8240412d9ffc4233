"""Run heavy work on untrusted input in a child process with hard limits.

Why: the app serves every user from one Python process. Geometry work on a hostile
upload (GEOS's validity check is quadratic on some shapes) holds the GIL for minutes,
and a zip bomb can take gigabytes of memory; either stalls every other session. So
such work runs in a child process that

* has its own interpreter (no GIL shared with the server), runs at a lower priority
  (``nice``) and only :data:`MAX_CONCURRENT_JOBS` at a time;
* is limited by the kernel (``setrlimit``): CPU seconds, address space, size of any
  file it writes, no core dump; and by the parent's wall clock (killed after
  ``wall_s``);
* dies with the thread that started it (``PR_SET_PDEATHSIG``), so a server killed with
  ``kill -9`` leaves no worker running;
* works only inside one temporary directory that the parent removes on every exit path;
  a directory left by a killed server (its pid in the name) is removed by the next job
  (:func:`sweep_stale`).

Nothing crosses the process boundary as pickle: the job reads its arguments from a
JSON file in the directory and writes its result as files there (the caller decides
the format). The job is named as ``module:function`` inside the ``naravard`` package.

Run as ``python -m naravard.sources.sandbox <job> <workdir> <parent pid> <limits json>``
(only :func:`run_job` does that).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from naravard import fmt
from naravard.errors import NaravardError

#: Defaults for a job (an upload check). A real kommun boundary file is read in well
#: under a second and 200 MB; these limits leave a wide margin and still keep a hostile
#: file from costing the server more than one core for half a minute.
DEFAULT_CPU_S = 30
DEFAULT_WALL_S = 45.0
#: Resident memory, watched by the parent (sampled every 0,1 s; killed above it). A real
#: boundary file needs ~200 MB, the slowest file the vertex count lets through ~320 MB.
DEFAULT_MEMORY_BYTES = 1024 * 1024 * 1024
#: Address space, enforced by the kernel as a backstop between two samples. GEOS and
#: glibc reserve far more than they touch (VmData 1,3 GB at 314 MB resident), so this
#: is set well above the resident limit.
DEFAULT_ADDRESS_SPACE_BYTES = 4 * 1024 * 1024 * 1024
DEFAULT_FILE_BYTES = 128 * 1024 * 1024  # largest single file the job may write
#: Jobs at once per server process; the rest wait (up to their wall time) for a slot, so
#: a burst of uploads on a 2-core machine leaves a core for the server.
MAX_CONCURRENT_JOBS = max(1, (os.cpu_count() or 2) // 2)

TMP_PREFIX = "naravard-job-"
#: The worker's exit code when it ran out of its address space.
EXIT_MEMORY = 90
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_JOBS)
_PR_SET_PDEATHSIG = 1


class JobError(NaravardError):
    """The job was stopped (time, memory) or could not run; ``reason`` is
    ``"time"``, ``"memory"``, ``"busy"`` or ``"crash"``."""

    def __init__(self, reason: str, message_en: str, message_sv: str):
        self.reason = reason
        super().__init__(message_en, message_sv)

    def __reduce__(self):
        return (self.__class__, (self.reason, str(self), self.message_sv))


@dataclass(frozen=True)
class Limits:
    cpu_s: int = DEFAULT_CPU_S
    wall_s: float = DEFAULT_WALL_S
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    file_bytes: int = DEFAULT_FILE_BYTES
    address_space_bytes: int = DEFAULT_ADDRESS_SPACE_BYTES


#: What the last job in this process used (peak resident MB, CPU s, as the worker
#: reported them, or the parent's samples if it was killed); for logs and bench/.
last_usage: dict = {}


# ------------------------------------------------------------------ parent side


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep_stale(tmp_root: Path | str | None = None) -> int:
    """Remove job directories whose server process is gone (killed mid-job); return how many."""
    root = Path(tmp_root or tempfile.gettempdir())
    removed = 0
    try:
        entries = list(root.iterdir())
    except OSError:
        return 0
    for p in entries:
        m = re.fullmatch(re.escape(TMP_PREFIX) + r"(\d+)-.*", p.name)
        if m and p.is_dir() and not p.is_symlink() and not _pid_alive(int(m.group(1))):
            shutil.rmtree(p, ignore_errors=True)
            removed += 1
    return removed


def new_workdir() -> Path:
    """A fresh private job directory named after this process (see :func:`sweep_stale`)."""
    sweep_stale()
    return Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-"))


def run_job(job: str, workdir: Path, limits: Limits = Limits()) -> None:
    """Run ``job`` (``"naravard.x.y:function"``, called with the workdir) in a limited child.

    Returns when the child exited normally (its result is in ``workdir``); raises
    :class:`JobError` if it was stopped or crashed. The caller owns ``workdir`` and
    removes it (``shutil.rmtree`` in a ``finally``).
    """
    if not re.fullmatch(r"naravard(\.\w+)+:\w+", job):
        raise ValueError(f"not a naravard job: {job!r}")
    if not _SLOTS.acquire(timeout=limits.wall_s):
        raise JobError("busy", "another file is being checked; try again",
                       "servern läser redan in en annan fil; försök igen om en stund")
    try:
        return _run_child(job, workdir, limits)
    finally:
        _SLOTS.release()


def _run_child(job: str, workdir: Path, limits: Limits) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "OPENBLAS_", "MKL_", "GDAL_NUM"))}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", GDAL_NUM_THREADS="1")
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    spec = json.dumps({"cpu_s": limits.cpu_s, "memory_bytes": max(limits.address_space_bytes, limits.memory_bytes),
                       "file_bytes": limits.file_bytes})
    with open(workdir / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "naravard.sources.sandbox", job, str(workdir), str(os.getpid()), spec],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, cwd=str(workdir), env=env,
            close_fds=True,
        )
        deadline = time.monotonic() + limits.wall_s
        rc: int | None = None
        over_memory = False
        peak = 0
        try:
            while True:
                try:
                    rc = proc.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    pass
                rss = _rss_bytes(proc.pid)
                peak = max(peak, rss)
                if rss > limits.memory_bytes:
                    over_memory = True
                    break
                if time.monotonic() > deadline:
                    break
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    last_usage.clear()
    last_usage.update({"peak_rss_mb": round(peak / 2**20), "source": "parent samples"})
    try:
        last_usage.update(json.loads((workdir / "usage.json").read_text(encoding="utf-8")), source="worker")
    except (OSError, ValueError):
        pass
    if rc == 0:
        return
    tail = (workdir / "stderr.txt").read_bytes()[-4000:].decode("utf-8", "replace")
    if over_memory:
        rc = EXIT_MEMORY
    elif rc is None or rc in (-signal.SIGXCPU, -signal.SIGKILL):
        raise JobError("time", f"stopped after the time limit ({limits.wall_s:g} s wall, {limits.cpu_s} s CPU)",
                       f"inläsningen avbröts: den tog längre tid än gränsen på {fmt.number(limits.cpu_s)} sekunder")
    if rc == EXIT_MEMORY or _looks_like_memory(tail):
        raise JobError("memory", f"stopped at the memory limit ({limits.memory_bytes // 2**20} MB)",
                       f"inläsningen avbröts: den behövde mer minne än gränsen på {fmt.number(limits.memory_bytes // 2**20)} MB")
    last = (tail.strip().splitlines() or [""])[-1][:200]
    raise JobError("crash", f"the worker exited with code {rc} ({last})",
                   "inläsningen avbröts av ett oväntat fel")


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _looks_like_memory(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in ("memoryerror", "bad_alloc", "cannot allocate", "out of memory",
                                  "failed to map segment", "memory regions"))


# ------------------------------------------------------------------- child side


def _limit_self(spec: dict, parent: int) -> None:
    """Apply the limits to this process before any work (called first in the child)."""
    import resource

    def cap(which, value):
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY else hard))

    # CPU: SIGXCPU at the soft limit (kills the process); a second later the hard one.
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (int(spec["cpu_s"]), int(spec["cpu_s"]) + 1 if hard == resource.RLIM_INFINITY else hard))
    cap(resource.RLIMIT_AS, int(spec["memory_bytes"]))
    cap(resource.RLIMIT_FSIZE, int(spec["file_bytes"]))  # Python ignores SIGXFSZ: a write raises EFBIG
    cap(resource.RLIMIT_CORE, 0)
    try:
        os.nice(10)
    except OSError:
        pass
    try:  # die with the server (Linux); then sweep_stale removes the directory later
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the server died before prctl took effect
        os._exit(3)


def _report_usage(workdir: Path) -> None:
    """Peak resident memory (VmHWM: this process only, unlike ru_maxrss after a fork) and CPU time."""
    import resource

    hwm = 0
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmHWM:"):
                hwm = int(line.split()[1]) // 1024
    ru = resource.getrusage(resource.RUSAGE_SELF)
    (workdir / "usage.json").write_text(json.dumps({"peak_rss_mb": hwm, "cpu_s": round(ru.ru_utime + ru.ru_stime, 2)}))


def _main(argv: list[str]) -> int:
    job, workdir, parent, spec = argv
    _limit_self(json.loads(spec), int(parent))
    import importlib

    module, func = job.split(":")
    if not module.startswith("naravard."):
        return 2
    try:
        getattr(importlib.import_module(module), func)(Path(workdir))
        try:
            _report_usage(Path(workdir))
        except OSError:  # no /proc: the figures are for logs only
            pass
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except (ImportError, OSError) as e:  # a library that cannot be mapped under the memory limit
        if _looks_like_memory(str(e)):
            os._exit(EXIT_MEMORY)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
