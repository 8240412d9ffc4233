"""Sign-in as a person meets it (issue 14): a server in groups mode, a group passphrase,
a shared scenario link that survives the sign-in, a saved scenario, sign-out; and the
Grupper page as an admin sees it. Screenshots at 1920×1080 (the projector)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from naravard import fmt
from naravard.store import ScenarioStore
from tests.browser.conftest import PROJECTOR, _new_app_page, _start_app, _stop_app

PASSPHRASE = "rätt häst batteri häftklammer"
# The lead asked for the two views next to the helpers' notes as well as in artifacts/.
STATUS_DIR = Path("/work/helpers/status")


def _keep(path: Path) -> None:
    if STATUS_DIR.is_dir():
        shutil.copyfile(path, STATUS_DIR / path.name)


def _metric(app, label: str) -> str:
    m = app.page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return fmt.plain(m.locator('[data-testid="stMetricValue"]').inner_text())


@pytest.fixture()
def groups_app(browser, tmp_path):
    """A server of its own in groups mode whose store has Grupp A with a passphrase."""
    store = ScenarioStore(tmp_path / "scenarier.sqlite3")
    store.create_group("Grupp A", "Partigruppen A")
    store.create_group("Grupp B")
    store.set_passphrase("Grupp A", PASSPHRASE, "gruppmedlem")
    server = _start_app(tmp_path, "signin", {"NARAVARD_ACCESS": "groups"})
    ctx, sp = _new_app_page(browser, server, PROJECTOR)
    yield sp, store
    ctx.close()
    _stop_app(server)


def test_sign_in_with_a_passphrase_keeps_the_link_saves_and_signs_out(groups_app, axe_script):
    from tests.browser.test_a11y import report, run_axe, serious

    app, store = groups_app
    page = app.page
    app.open("scenario?v=1&ordinart=0.3")
    app.wait_for_text("Logga in med gruppens lösenfras")
    text = app.text()
    assert "Invånare 80+" not in text and "Spara scenariot" not in text, "no page before sign-in"
    assert page.locator('.st-key-nv_auth_losenfras input').get_attribute("type") == "password"
    assert page.locator('[data-testid="stSidebarNav"] a').count() == 0, "no page list before sign-in"
    _keep(app.screenshot("signin-view", full_page=False))
    bad = serious(run_axe(app, axe_script))
    assert not bad, report("Logga in", bad)

    # a wrong passphrase first
    page.locator('.st-key-nv_auth_losenfras input').fill("fel lösenfras här")
    page.get_by_role("button", name="Logga in", exact=True).click()
    app.wait_for_text("Fel grupp eller lösenfras.")

    page.locator('.st-key-nv_auth_losenfras input').fill(PASSPHRASE)
    page.locator('.st-key-nv_auth_namn input').fill("Eva")
    page.get_by_role("button", name="Logga in", exact=True).click()
    app.wait_for_text("Resultat för Halland")
    # the shared link's scenario, read after the sign-in
    assert _metric(app, "Inskrivna, ordinärt boende") == fmt.plain(fmt.number(0.3 * 30_147))  # 30 % of 30 147 aged 80+ in 2030
    assert "ordinart=0.3" in page.url and "/scenario" in page.url
    bad = serious(run_axe(app, axe_script))
    assert not bad, report("Scenario, inloggad", bad)
    _keep(app.screenshot("signed-in-scenario", full_page=False))
    sidebar = app.text('[data-testid="stSidebar"]')
    assert "Eva" in sidebar and "Grupp A: gruppmedlem" in sidebar
    assert "Grupper" not in [app.text_of(a) for a in page.locator('[data-testid="stSidebarNav"] a').all()], \
        "the admin page is not offered to a member"

    # save into the group: the only group offered
    page.get_by_role("tab", name="Spara", exact=True).click()
    box = page.locator(".st-key-nv_sc_ui_namn input")
    box.fill("Plan 30 %")
    box.press("Enter")
    app.wait_idle()
    page.get_by_role("button", name="Spara scenariot", exact=True).click()
    app.wait_for_text("Sparat som ”Plan 30 %” i gruppen ”Grupp A”.")
    saved = store.list()
    assert [(s.name, s.group) for s in saved] == [("Plan 30 %", "Grupp A")]
    assert saved[0].payload["andel_ordinart"] == pytest.approx(0.3)
    assert [e.actor for e in store.audit_log() if e.action == "create" and e.item_type == "scenario"] == ["Eva"]

    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Logga ut").click()
    app.wait_for_text("Logga in med gruppens lösenfras")
    assert "Plan 30 %" not in app.text()
    assert app.exceptions() == [] and app.new_tracebacks() == []


def test_grupper_page_for_an_admin(app_projector):
    """The default server is in open mode, where the local user is an admin."""
    store = ScenarioStore(app_projector.server.env["NARAVARD_STORE"])
    names = {g.name for g in store.list_groups()}
    for name, description in (("HSU", "Hälso- och sjukvårdsutskottet"), ("Planerare", "Förvaltningens planerare")):
        if name not in names:
            store.create_group(name, description)
    store.add_member("Planerare", "planerare@example.se", "planerare")
    store.set_passphrase("HSU", "en lång lösenfras för mötet", "läsare")
    app_projector.open("grupper")
    app_projector.wait_for_text("Lösenfras för gruppen")
    text = app_projector.text()
    assert "Grupper och behörigheter" in text and "ja, ger läsare" in text
    assert app_projector.exceptions() == []
    _keep(app_projector.screenshot("grupper-admin", full_page=False))
