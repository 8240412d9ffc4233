"""Issue 14, scale-out: the app served by two replicas behind nginx on one PostgreSQL
database (scripts/serve-cluster.sh, which starts the database itself), in groups mode
(the default on PostgreSQL: every browser signs in with its group's passphrase).

Real processes, in order (one cluster for the module): the app answers through nginx and
keeps a browser's session on one replica; a scenario saved through replica 1 is listed
through replica 2 (one shared database); failed passphrase attempts through replica 1
lock the group on replica 2 as well (the count is in the database); the database stopped
while the app runs gives the Swedish message in the browser, the page and its figures
stay, nothing half-saved appears, and once it is back the list is there again; SIGKILL of
replica 1 loses nothing saved and nginx keeps serving from replica 2; stopping the
script leaves no process and no database behind.
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
from tests.cluster.conftest import GROUPS, _alive, get

(GROUP, PASSPHRASE), (OTHER_GROUP, OTHER_PASSPHRASE) = GROUPS
NAME = "Kluster 25 %"
UNREACHABLE = "Databasen går inte att nå just nu."  # PostgresStore's StoreUnavailableError.message_sv
SIGN_IN = "Logga in med gruppens lösenfras"  # the sign-in view's heading (naravard.ui.auth)


def _saved_rows(cluster) -> list[tuple[str, str]]:
    """(name, group) of every live scenario, read straight from the replicas' database."""
    with psycopg.connect(cluster.database_url, connect_timeout=5) as conn:
        return conn.execute("SELECT name, grp FROM scenario WHERE deleted_at IS NULL ORDER BY id").fetchall()


def _try_passphrase(app, group: str, passphrase: str) -> None:
    """Fill the sign-in form (the view must be shown) and submit it."""
    page = app.page
    page.locator(".st-key-nv_auth_grupp").click()
    page.get_by_role("option", name=group, exact=True).click()
    page.locator(".st-key-nv_auth_losenfras input").fill(passphrase)
    page.get_by_role("button", name="Logga in", exact=True).click()


def _signed_in(app, group: str = GROUP, passphrase: str = PASSPHRASE) -> None:
    """A new session (the sign-in view) signed in with the group's passphrase, then on the
    Scenario page through the sidebar's link (the same session)."""
    app.open("")
    app.wait_for_text(SIGN_IN)
    _try_passphrase(app, group, passphrase)
    app.wait_for_text(f"{group}: gruppmedlem")  # the sidebar's "who": signed in
    app.page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Scenario").click()
    app.wait_for_text("Resultat för")


def _save(app, name: str) -> None:
    """Save the scenario into the signed-in group (the only group offered, chosen already)."""
    app.page.get_by_role("tab", name="Spara", exact=True).click()
    _type(app, "nv_sc_ui_namn", name)
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
        _signed_in(app)  # the sign-in is part of the session: it must stay on its replica too
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
        _signed_in(app)
        _save(app, NAME)
        app.wait_for_text(f"Sparat som ”{NAME}” i gruppen ”{GROUP}”.")
    finally:
        ctx.close()
    assert _saved_rows(cluster) == [(NAME, GROUP)]  # in PostgreSQL, not in a file of the replica
    assert not (cluster.run_dir.parent / "unused.sqlite3").exists()
    ctx, app = _new_app_page(browser, _server(cluster, cluster.replica_url(1), "replica-2.log"), VIEWPORT)
    try:
        _signed_in(app)
        app.page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
        app.wait_idle()
        assert NAME in _table_text(app, GROUP)
    finally:
        ctx.close()
    # the other group, signed in on replica 2, does not see it
    ctx, app = _new_app_page(browser, _server(cluster, cluster.replica_url(1), "replica-2.log"), VIEWPORT)
    try:
        _signed_in(app, group=OTHER_GROUP, passphrase=OTHER_PASSPHRASE)
        app.page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
        app.wait_idle()
        assert NAME not in app.text()
    finally:
        ctx.close()


def test_failed_passphrases_through_replica_1_lock_the_group_on_replica_2(cluster, browser):
    """The throttle counts in the database, so switching replicas (or servers) gains an
    attacker nothing: 5 wrong attempts on replica 1, then the right passphrase on replica
    2 is refused with the throttle's message (the other group is unaffected)."""
    ctx, app = _new_app_page(browser, _server(cluster, cluster.replica_url(0)), VIEWPORT)
    try:
        app.open("scenario")
        app.wait_for_text(SIGN_IN)
        for i in range(5):
            _try_passphrase(app, OTHER_GROUP, f"fel lösenfras nummer {i}")
            app.wait_for_text("Fel grupp eller lösenfras.")
    finally:
        ctx.close()
    ctx, app = _new_app_page(browser, _server(cluster, cluster.replica_url(1), "replica-2.log"), VIEWPORT)
    try:
        app.open("scenario")
        app.wait_for_text(SIGN_IN)
        _try_passphrase(app, OTHER_GROUP, OTHER_PASSPHRASE)
        app.wait_for_text("För många misslyckade försök. Försök igen om")
        assert "Resultat för" not in app.text()
        _try_passphrase(app, GROUP, PASSPHRASE)  # another group's sign-in is not locked
        app.wait_for_text(f"{GROUP}: gruppmedlem")  # the sidebar's "who": signed in
    finally:
        ctx.close()


def test_a_stopped_database_gives_the_swedish_message_and_the_page_stays_up(cluster, browser):
    ctx, app = _new_app_page(browser, _server(cluster, cluster.url), VIEWPORT)
    try:
        _signed_in(app)
        cluster.stop_database()
        try:
            # a signed-in session keeps its page; saving says the database cannot be reached
            app.page.get_by_role("tab", name="Spara", exact=True).click()
            app.wait_idle()
            shown = app.text().count(UNREACHABLE)
            _save(app, "Under avbrottet")
            app.page.wait_for_function(
                """([want, n]) => (document.querySelector('[data-testid="stApp"]')?.innerText || '')
                    .split(want).length - 1 > n""", arg=[UNREACHABLE, shown])
            app.wait_idle()
            assert "Sparat som" not in app.text()
            assert _metric(app, "Invånare 80+") == "30 147"  # FACTS.md: the figures need no database
            app.screenshot("cluster-database-stopped")
            assert app.exceptions() == [] and "Traceback" not in app.text()
            assert [e for e in app.console_errors if not benign(e, cluster.url)] == []
            # a new browser meanwhile: the sign-in view says the same, without a traceback
            ctx2, app2 = _new_app_page(browser, _server(cluster, cluster.url), VIEWPORT)
            try:
                app2.open("scenario")
                app2.wait_for_text(UNREACHABLE)
                assert app2.exceptions() == [] and "Traceback" not in app2.text()
            finally:
                ctx2.close()
        finally:
            cluster.start_database()
    finally:
        ctx.close()
    # back: the replicas' pools reconnect; the list is whole and the failed save left nothing
    assert _saved_rows(cluster) == [(NAME, GROUP)]
    ctx, app = _new_app_page(browser, _server(cluster, cluster.url), VIEWPORT)
    try:
        _signed_in(app)
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
        _signed_in(app)
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
