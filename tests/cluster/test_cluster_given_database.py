"""serve-cluster.sh with ``NARAVARD_DATABASE_URL`` already set (a server's own PostgreSQL):
the replicas use that database in the access mode that is the default on PostgreSQL
(groups), the script starts no database of its own, never prints the URL (it may hold a
password), and leaves the database running when it stops.

No browser: one replica, and what the replica was started with (/proc/PID/environ).
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.cluster.conftest import _alive, _pg, get, start_cluster


@pytest.fixture
def own_database():
    """A database the test starts, as a server's PostgreSQL would be: not the script's."""
    pg_dir = _pg("start")
    try:
        yield pg_dir, _pg("createdb", pg_dir, "eget", "eget")
    finally:
        _pg("remove", pg_dir)


def test_a_given_database_url_is_used_and_no_database_is_started(own_database, tmp_path):
    pg_dir, url = own_database
    # with a password, as a server's URL has one (the socket trusts it; the script must not echo it)
    url = url.replace("postgresql:///", "postgresql://eget:hemlig-fras-123@/")
    c = start_cluster(tmp_path, replicas=1, database_url=url, access=None)
    try:
        assert get(c.url + "/_stcore/health")[0] == 200
        assert not (c.run_dir / "postgres-dir").exists()
        (_, pid), = c.replicas
        env = dict(kv.split("=", 1) for kv in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in kv)
        assert env["NARAVARD_DATABASE_URL"] == url
        assert "NARAVARD_ACCESS" not in env
        log = (tmp_path / "serve-cluster.log").read_text()
        assert "access mode groups" in log and "naravard groups create" in log  # how to make the first group
        assert "throw-away PostgreSQL" not in log
        assert "hemlig-fras-123" not in log
    finally:
        left = c.stop()
        if left:
            c.kill_all()
    assert left == []
    assert _alive(int(_pg("pid", pg_dir))), "the script stops only a database it started itself"
    with psycopg.connect(url, connect_timeout=5) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("eget",)
