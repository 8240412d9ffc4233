"""Issue 14, scale-out: the app served by two replicas behind nginx on one PostgreSQL
database (scripts/serve-cluster.sh, which starts the database itself).

Real processes, in order (one cluster for the module): the app answers through nginx and
keeps a browser's session on one replica; a scenario saved through replica 1 is listed
through replica 2 (one shared database); the database stopped while the app runs gives
the Swedish message in the browser, the page and its figures stay, nothing half-saved
appears, and once it is back the list is there again; SIGKILL of replica 1 loses nothing
saved and nginx keeps serving from replica 2; stopping the script leaves no process and
no database behind.
"""

from __future__ import annotations

import os
import re
import signal
import time

import psycopg

from tests.browser.conftest import VIEWPORT, AppServer, _new_app_page
from tests.browser.test_browser_pages import benign
from tests.browser.test_scenario_browser import _metric, _table_text, _type
from tests.cluster.conftest import _alive, get

NAME, GROUP = "Kluster 25 %", "Grupp K"
UNREACHABLE = "Databasen går inte att nå just nu."  # PostgresStore's StoreUnavailableError.message_sv


def _saved_rows(cluster) -> list[tuple[str, str]]:
    """(name, group) of every live scenario, read straight from the replicas' database."""
    with psycopg.connect(cluster.database_url, connect_timeout=5) as conn:
        return conn.execute("SELECT name, grp FROM scenario WHERE deleted_at IS NULL ORDER BY id").fetchall()


def _save(app, name: str, group: str) -> None:
    app.page.get_by_role("tab", name="Spara", exact=True).click()
    _type(app, "nv_sc_ui_namn", name)
    _type(app, "nv_sc_ui_grupp", group)
    app.page.get_by_role("button", name="Spara scenariot", exact=True).click()


def _server(cluster, url: str, log: str = "replica-1.log") -> AppServer:
    return AppServer(url, cluster.log(log), cluster.proc, {})


def _route_lines(cluster, route: str) -> list[tuple[str, str]]:
    """(request, upstream) of every access-log line of one browser's route cookie."""
    out = []
    for ln in cluster.access_log():
        m = re.search(r'"([^"]*)" upstream=(\S+) route=(\S+)$', ln)
        if m and m.group(3) == route:
            out.append((m.group(1), m.group(2)))
    return out


def test_nginx_answers_and_spreads_new_browsers_over_both_replicas(cluster):
    status, headers, body = get(cluster.url + "/_stcore/health")
    assert (status, body.strip()) == (200, b"ok")
    assert get(cluster.url + "/_stcore/metrics")[0] == 404, "the proxy hides Streamlit's metrics"
    replicas = {f"127.0.0.1:{port}" for port, _ in cluster.replicas}
    seen = set()
    for _ in range(20):  # each request without a cookie gets a fresh random route
        status, headers, _ = get(cluster.url + "/")
        assert status == 200
        assert re.match(r"nv_route=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", headers["Set-Cookie"])
        seen.add(headers["X-Naravard-Replica"])
    assert seen == replicas  # 20 random routes all on one of 2 replicas: odds 2 in a million


def test_a_browser_session_stays_on_one_replica_websocket_included(cluster, browser):
    ctx, app = _new_app_page(browser, _server(cluster, cluster.url), VIEWPORT)
    try:
        app.open("scenario")
        app.wait_for_text("Resultat för")
        assert _metric(app, "Invånare 80+") == "30 147"  # FACTS.md: 80+ in 2030, the embedded data
        # one slider step: a websocket round trip through nginx
        thumb = app.page.locator('.st-key-nv_sc_andel_ordinart input[type="range"]')
        thumb.focus()
        thumb.press("ArrowRight")
        app.wait_idle()
        assert _metric(app, "Inskrivna, ordinärt boende") != "5 620"
        route = next(c["value"] for c in ctx.cookies() if c["name"] == "nv_route")
        assert [e for e in app.console_errors if not benign(e, cluster.url)] == []
        assert app.exceptions() == []
    finally:
        ctx.close()
    # nginx logs the websocket when it closes, i.e. after ctx.close()
    deadline = time.monotonic() + 15
    while True:
        lines = _route_lines(cluster, route)
        if any(req.startswith("GET /_stcore/stream") for req, _ in lines) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert any(req.startswith("GET /_stcore/stream") for req, _ in lines), lines
    assert len({up for _, up in lines}) == 1, f"one browser's requests went to several replicas: {lines}"


def test_scenario_saved_through_replica_1_is_listed_through_replica_2(cluster, browser):
    ctx, app = _new_app_page(browser, _server(cluster, cluster.replica_url(0)), VIEWPORT)
    try:
        app.open("scenario")
        app.wait_for_text("Resultat för")
        _save(app, NAME, GROUP)
        app.wait_for_text(f"Sparat som ”{NAME}” i gruppen ”{GROUP}”.")
    finally:
        ctx.close()
    assert _saved_rows(cluster) == [(NAME, GROUP)]  # in PostgreSQL, not in a file of the replica
    assert not (cluster.run_dir.parent / "unused.sqlite3").exists()
    ctx, app = _new_app_page(browser, _server(cluster, cluster.replica_url(1), "replica-2.log"), VIEWPORT)
    try:
        app.open("scenario")
        app.wait_for_text("Resultat för")
        app.page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
        app.wait_idle()
        assert NAME in _table_text(app, GROUP)
    finally:
        ctx.close()


def test_a_stopped_database_gives_the_swedish_message_and_the_page_stays_up(cluster, browser):
    cluster.stop_database()
    try:
        ctx, app = _new_app_page(browser, _server(cluster, cluster.url), VIEWPORT)
        try:
            app.open("scenario")
            app.wait_for_text("Resultat för")
            assert _metric(app, "Invånare 80+") == "30 147"  # FACTS.md: the page's figures need no database
            app.page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
            app.wait_for_text(UNREACHABLE)
            app.page.get_by_role("tab", name="Spara", exact=True).click()
            app.wait_idle()
            shown = app.text().count(UNREACHABLE)  # the visible tab's own messages
            _save(app, "Under avbrottet", GROUP)
            app.page.wait_for_function(
                """([want, n]) => (document.querySelector('[data-testid="stApp"]')?.innerText || '')
                    .split(want).length - 1 > n""", arg=[UNREACHABLE, shown])
            app.wait_idle()
            assert "Sparat som" not in app.text()
            app.screenshot("cluster-database-stopped")
            assert _metric(app, "Invånare 80+") == "30 147"  # the page is still up and whole
            assert app.exceptions() == [] and "Traceback" not in app.text()
            assert [e for e in app.console_errors if not benign(e, cluster.url)] == []
        finally:
            ctx.close()
    finally:
        cluster.start_database()
    # back: the replicas' pools reconnect; the list is whole and the failed save left nothing
    assert _saved_rows(cluster) == [(NAME, GROUP)]
    ctx, app = _new_app_page(browser, _server(cluster, cluster.url), VIEWPORT)
    try:
        app.open("scenario")
        app.wait_for_text("Resultat för")
        app.page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
        app.wait_idle()
        assert NAME in _table_text(app, GROUP)
        assert UNREACHABLE not in app.text()
    finally:
        ctx.close()


def test_sigkill_of_one_replica_loses_no_saved_data_and_the_other_serves(cluster, browser):
    (_, pid1), (port2, _) = cluster.replicas
    os.kill(pid1, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(pid1) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid1)
    assert get(cluster.replica_url(0) + "/_stcore/health", timeout=2)[0] == 599
    # every new browser is served, by replica 2 (nginx retries a refused connection on the next server)
    for _ in range(10):
        status, headers, _ = get(cluster.url + "/")
        assert status == 200 and headers["X-Naravard-Replica"].endswith(f":{port2}")
    ctx, app = _new_app_page(browser, _server(cluster, cluster.url, "replica-2.log"), VIEWPORT)
    try:
        app.open("scenario")
        app.wait_for_text("Resultat för")
        app.page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
        app.wait_idle()
        assert NAME in _table_text(app, GROUP)
        assert app.exceptions() == []
    finally:
        ctx.close()
    assert _saved_rows(cluster) == [(NAME, GROUP)]


def test_stopping_the_script_leaves_no_process_behind(cluster):
    running = cluster.processes()
    assert cluster.proc.pid in running and cluster.nginx_pid in running
    assert cluster.pg_pid in running
    assert len(running) >= 5  # script, nginx master and worker, replica 2, postmaster
    assert cluster.stop() == []
    assert not (cluster.run_dir / "ready").exists()
    assert get(cluster.url + "/_stcore/health", timeout=2)[0] != 200
    assert not cluster.pg_dir.exists(), "the throw-away database is deleted with the cluster"
