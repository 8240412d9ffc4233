"""Store fixtures: a throw-away PostgreSQL cluster for the test session, and ``any_store``,
one fresh store per test on each backend (``sqlite``, ``postgres``).

The cluster is started by the session itself: ``initdb`` into a temp dir, ``pg_ctl
start`` listening only on a unix socket in that dir (``-k``, ``listen_addresses=''``),
one database per test (``CREATE DATABASE``), stopped and removed at the end. Binaries
come from ``pg_config --bindir`` or /usr/lib/postgresql/*/bin. initdb refuses root, so
as root (CI) the cluster runs as the ``postgres`` user (``runuser``) in a dir it owns.

A machine where the cluster cannot be started FAILS the postgres tests (a skip would
pass on a fresh machine without testing anything) unless ``NARAVARD_TEST_POSTGRES=0``
is set explicitly; scripts/test.sh installs Debian's postgresql when initdb is missing.
"""

from __future__ import annotations

import glob
import inspect
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from naravard.store import ScenarioStore

BACKENDS = ["sqlite", "postgres"]
_db_numbers = itertools.count(1)


def _bindir() -> Path | None:
    for cand in [shutil.which("pg_config")]:
        if cand:
            try:
                out = subprocess.run([cand, "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
                if (Path(out) / "initdb").exists():
                    return Path(out)
            except (OSError, subprocess.CalledProcessError):
                pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


class Cluster:
    """A PostgreSQL cluster in a temp dir, reachable only through its unix socket."""

    def __init__(self) -> None:
        bindir = _bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (no initdb found; scripts/test.sh installs Debian's "
                               "postgresql). Set NARAVARD_TEST_POSTGRES=0 to run without the postgres tests.")
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="naravard-pg-"))
        self.data = self.dir / "data"
        self.runas: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.runas = ["runuser", "-u", "postgres", "--"]
        self.user = pwd.getpwuid(os.geteuid()).pw_name if not self.runas else "postgres"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "-E", "UTF8", "--no-sync")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.runas, str(self.bindir / tool), *args], check=True, capture_output=True, text=True)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60",
                  "-o", f"-k {self.dir} -c listen_addresses='' -c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, db: str = "postgres") -> str:
        return f"postgresql:///{db}?host={self.dir}&user={self.user}"

    def new_database(self) -> str:
        """A fresh, empty schema, made the URL's search_path: as good as a new database
        for the store (it names no schema) and far cheaper than CREATE DATABASE."""
        import psycopg

        name = f"t{next(_db_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return self.url() + f"&options=-csearch_path%3D{name}"

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster():
    if os.environ.get("NARAVARD_TEST_POSTGRES", "").strip() == "0":
        pytest.skip("NARAVARD_TEST_POSTGRES=0: the postgres tests are switched off explicitly")
    cluster = Cluster()  # raises (the test errors, never skips) when it cannot start
    yield cluster
    from naravard.store.postgres import close_pools

    close_pools()
    cluster.remove()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """A fresh, empty database on the session's cluster (its pools closed afterwards)."""
    from naravard.store.postgres import close_pools

    url = pg_cluster.new_database()
    yield url
    close_pools(url)


def pytest_generate_tests(metafunc) -> None:
    """Every test that uses a store fixture (``store``, ``make_store``, ``any_store``)
    runs on both backends, unless it also takes the SQLite file's ``path`` itself (it
    then tests the file: damage, permissions, old schemas) and runs on SQLite only."""
    if "backend" not in metafunc.fixturenames:
        return
    own_args = inspect.signature(metafunc.function).parameters
    metafunc.parametrize("backend", ["sqlite"] if "path" in own_args else BACKENDS)


def backend_store(backend: str, path: Path, request, **kw):
    """A store on ``backend``: the SQLite file at ``path``, or this test's database."""
    if backend == "sqlite":
        return ScenarioStore(path, **kw)
    from naravard.store.postgres import PostgresStore

    return PostgresStore(request.getfixturevalue("pg_url"), **kw)


@pytest.fixture
def make_store(backend: str, tmp_path: Path, request):
    """``make_store(**kw)``: a store on this test's backend; every call reaches the same
    data (the same file, the same database), as two app processes would."""
    path = tmp_path / "var" / "scenarier.sqlite3"
    return lambda **kw: backend_store(backend, path, request, **kw)


@pytest.fixture
def any_store(make_store):
    return make_store(timeout=5.0)
