"""Store fixtures: a throw-away PostgreSQL cluster for the test session, and ``any_store``,
one fresh store per test on each backend (``sqlite``, ``postgres``).

The cluster is started by the session itself with scripts/pg-throwaway.sh (the same
script scripts/serve-cluster.sh uses): ``initdb`` into a temp dir, ``pg_ctl start``
listening only on a unix socket in that dir (``-k``, ``listen_addresses=''``), one
schema per test, stopped and removed at the end. Binaries come from ``pg_config
--bindir`` or /usr/lib/postgresql/*/bin. initdb refuses root, so as root (CI) the
cluster runs as the ``postgres`` user (``runuser``) in a dir it owns.

A machine where the cluster cannot be started FAILS the postgres tests (a skip would
pass on a fresh machine without testing anything) unless ``NARAVARD_TEST_POSTGRES=0``
is set explicitly; scripts/test.sh installs Debian's postgresql when initdb is missing.
"""

from __future__ import annotations

import inspect
import itertools
import os
import subprocess
from pathlib import Path

import pytest

from naravard.store import ScenarioStore

BACKENDS = ["sqlite", "postgres"]
_db_numbers = itertools.count(1)
PG_THROWAWAY = Path(__file__).resolve().parents[2] / "scripts" / "pg-throwaway.sh"


class Cluster:
    """A PostgreSQL cluster in a temp dir, reachable only through its unix socket:
    scripts/pg-throwaway.sh (shared with scripts/serve-cluster.sh) starts, stops and
    removes it."""

    def __init__(self) -> None:
        self.dir = Path(self._run("start"))
        self.base_url = self._run("url", str(self.dir))

    @staticmethod
    def _run(*args: str) -> str:
        try:
            out = subprocess.run(["bash", str(PG_THROWAWAY), *args], check=True, capture_output=True, text=True)
        except subprocess.CalledProcessError as e:
            raise RuntimeError(f"pg-throwaway.sh {' '.join(args)} failed: {e.stderr.strip()} (scripts/test.sh "
                               "installs Debian's postgresql; NARAVARD_TEST_POSTGRES=0 runs without the postgres "
                               "tests)") from None
        return out.stdout.strip()

    def start(self) -> None:
        self._run("start", str(self.dir))

    def stop(self, mode: str = "fast") -> None:
        self._run("stop", str(self.dir), mode)

    def url(self) -> str:
        return self.base_url

    def new_database(self) -> str:
        """A fresh, empty schema, made the URL's search_path: as good as a new database
        for the store (it names no schema) and far cheaper than CREATE DATABASE."""
        import psycopg

        name = f"t{next(_db_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
        return self.url() + f"&options=-csearch_path%3D{name}"

    def remove(self) -> None:
        self._run("remove", str(self.dir))


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
