"""Fixtures for the cluster tests: ``scripts/serve-cluster.sh 2`` for real (issue 14).

- ``cluster``: two Streamlit replicas, nginx and PostgreSQL, started by the script exactly
  as a user starts it (no ``NARAVARD_DATABASE_URL``: the script starts its own throw-away
  database with scripts/pg-throwaway.sh; no ``NARAVARD_ACCESS``: groups mode, the default
  on PostgreSQL), with the groups ``GROUPS`` and their passphrases made by the CLI as an
  administrator makes them (``python -m naravard groups``), an empty boundary cache and a kept run dir
  (``NARAVARD_CLUSTER_DIR``: the generated nginx config, the access log with each
  request's upstream, ``replicas.txt``, ``postgres-dir``). One per module, because a
  module's tests build on each other (saved on replica 1 → listed on replica 2 → the
  database stopped and started → replica 1 killed). ``Cluster.stop()`` sends the script
  SIGINT, as Ctrl-C does (its trap stops everything, the database last) and returns the
  processes that survived, so a test can assert that none did.
- ``browser``: the browser tests' Debian Chromium (tests/browser/conftest.py).

nginx is Debian's package; ``scripts/test.sh`` installs it. A missing nginx is a test
failure, never a skip. Every test here is marked ``cluster`` and ``browser``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import _free_port  # the browser fixture is tests/conftest.py's, shared

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "serve-cluster.sh"
PG_THROWAWAY = REPO / "scripts" / "pg-throwaway.sh"
STARTUP_TIMEOUT_S = 120


def _pg(*args: str) -> str:
    """scripts/pg-throwaway.sh's stdout (the script serve-cluster.sh starts its database with)."""
    return subprocess.run(["bash", str(PG_THROWAWAY), *args], check=True, capture_output=True, text=True).stdout.strip()


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc, no psutil)."""
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@dataclass
class Cluster:
    url: str
    run_dir: Path
    proc: subprocess.Popen
    replicas: list[tuple[int, int]]  # (port, pid) per replica, in order
    nginx_pid: int
    pg_dir: Path | None  # the throw-away PostgreSQL's dir (its socket and data); None: a given database
    database_url: str  # the replicas' database (the script's: role and database ``naravard``)
    pg_pid: int  # the throw-away database's postmaster (0: none)

    def replica_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.replicas[i][0]}"

    def access_log(self) -> list[str]:
        return (self.run_dir / "logs" / "access.log").read_text(errors="replace").splitlines()

    def log(self, name: str) -> Path:
        return self.run_dir / "logs" / name

    def processes(self) -> list[int]:
        """The script, nginx (master and workers), every replica and the database server
        (postmaster and its backends: pg_ctl detaches it from the script) still alive."""
        pids = {self.proc.pid, self.nginx_pid, *(pid for _, pid in self.replicas), *_children(self.proc.pid)}
        if self.pg_pid:
            pids |= {self.pg_pid, *_children(self.pg_pid)}
        return sorted(p for p in pids if _alive(p))

    def stop_database(self) -> None:
        """Stop the replicas' PostgreSQL (as a server crash or maintenance would), the
        replicas keep running."""
        _pg("stop", str(self.pg_dir), "fast")

    def start_database(self) -> None:
        _pg("start", str(self.pg_dir))
        self.pg_pid = int(_pg("pid", str(self.pg_dir)))

    def stop(self, sig: int = signal.SIGINT) -> list[int]:
        """Ctrl-C (SIGINT) to the script, or ``sig``; the processes left after it exits."""
        watched = self.processes()
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in watched):
            time.sleep(0.1)
        return [p for p in watched if _alive(p)]

    def kill_all(self) -> None:
        """The last resort after a failed stop: SIGKILL to everything, then the database's dir."""
        for p in self.processes():
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.pg_dir is not None:
            subprocess.run(["bash", str(PG_THROWAWAY), "remove", str(self.pg_dir)], capture_output=True)


def start_cluster(tmp: Path, replicas: int = 2, database_url: str | None = None, access: str | None = None) -> Cluster:
    """``serve-cluster.sh REPLICAS`` on its own throw-away database, or on ``database_url``;
    ``NARAVARD_ACCESS=access`` (None: unset, the app's default)."""
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").is_file():
        pytest.fail("nginx is missing: the cluster tests need Debian's nginx (./scripts/test.sh installs it)")
    run_dir = tmp / "run"
    (tmp / "cache").mkdir(exist_ok=True)
    env = dict(os.environ)
    env.pop("NARAVARD_DATABASE_URL", None)  # the script starts its own database …
    if database_url:
        env["NARAVARD_DATABASE_URL"] = database_url  # … unless it is given one
    env.update(
        NARAVARD_STORE=str(tmp / "unused.sqlite3"),  # must stay unused: the replicas are on PostgreSQL
        NARAVARD_CACHE_DIR=str(tmp / "cache"),
        NARAVARD_CLUSTER_DIR=str(run_dir),
        PYTHON=sys.executable,
        PYTHONUNBUFFERED="1",
    )
    env.pop("NARAVARD_DATA_DIR", None)  # the embedded data: the figures asserted depend on it
    env.pop("NARAVARD_ACCESS", None)
    if access is not None:
        env["NARAVARD_ACCESS"] = access
    port = _free_port()
    out = open(tmp / "serve-cluster.log", "wb")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(
        ["bash", str(SCRIPT), str(replicas), "--port", str(port)],
        cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    out.close()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not (run_dir / "ready").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"serve-cluster.sh did not get ready:\n{(tmp / 'serve-cluster.log').read_text()[-4000:]}")
        time.sleep(0.2)
    rows = [ln.split() for ln in (run_dir / "replicas.txt").read_text().splitlines() if ln.strip()]
    reps = [(int(r[1]), int(r[2])) for r in rows if r[0] != "nginx"]
    nginx = next(int(r[2]) for r in rows if r[0] == "nginx")
    url = f"http://127.0.0.1:{port}"
    if database_url:
        return Cluster(url, run_dir, proc, reps, nginx, None, database_url, 0)
    pg_dir = Path((run_dir / "postgres-dir").read_text().strip())
    return Cluster(url, run_dir, proc, reps, nginx, pg_dir, _pg("url", str(pg_dir), "naravard", "naravard"),
                   int(_pg("pid", str(pg_dir))))


#: (group, passphrase) made in the module's cluster; passphrases of at least 12 characters
GROUPS = (("Grupp K", "kluster lösenfras ett"), ("Grupp L", "kluster lösenfras två"))


def naravard_cli(database_url: str, *args: str, stdin: str = "") -> str:
    """``python -m naravard ARGS`` against the cluster's database, as an administrator runs it."""
    env = dict(os.environ, NARAVARD_DATABASE_URL=database_url)
    done = subprocess.run([sys.executable, "-m", "naravard", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = start_cluster(tmp_path_factory.mktemp("cluster"))
    try:
        for group, passphrase in GROUPS:
            naravard_cli(c.database_url, "groups", "create", group)
            naravard_cli(c.database_url, "groups", "passphrase", group, stdin=passphrase + "\n")
    except BaseException:
        c.kill_all()
        raise
    yield c
    left = c.stop()
    if left:
        c.kill_all()
    try:
        dest = REPO / "artifacts" / "cluster"
        shutil.copytree(c.run_dir / "logs", dest, dirs_exist_ok=True)
    except OSError:
        pass


def get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body); status 599 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
    except OSError as e:  # refused, reset, timed out: nothing answered
        return 599, {}, str(e).encode()


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.cluster)
            item.add_marker(pytest.mark.browser)
