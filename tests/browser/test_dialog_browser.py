"""The Dialog page in a real browser: a group saves an answer with hostile notes, the
saved list shows it as text (no element made from it), and axe-core (WCAG A/AA) passes
on the page with the form, the saved answer and each theme's figures. Screenshots go to
artifacts/screenshots/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

HOSTILE = "**fet** <img src=x onerror=alert(1)> <b>inte fet</b> [länk](javascript:alert(1))"


def _save_an_answer(app) -> None:
    page = app.page
    page.get_by_label("Grupp", exact=True).fill("Testgruppen <b>")
    page.get_by_label("Grupp", exact=True).press("Enter")
    app.wait_idle()
    page.get_by_label("Ditt namn", exact=True).fill("Åsa")
    page.get_by_label("Ditt namn", exact=True).press("Enter")
    app.wait_idle()
    app.wait_for_text("Gruppens ståndpunkt")
    page.locator('[data-testid="stRadio"]').filter(has_text="Gruppens ståndpunkt").first.get_by_text("Delvis", exact=True).click()
    app.wait_idle()
    notes = page.locator("textarea").first
    notes.fill(HOSTILE)
    notes.press("Tab")
    app.wait_idle()
    page.get_by_role("button", name="Spara svaret").first.click()
    app.wait_for_text("är sparat (version 1)")


def test_save_an_answer_and_it_is_shown_as_text_and_passes_axe(app, axe_script):
    from tests.browser.test_a11y import report, run_axe, serious

    app.open("dialog")
    app.wait_for_text("Vad är bäst för hallänningen?")
    _save_an_answer(app)
    page = app.page
    # the notes are text: no <img> and no link were made from them
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    table = page.locator('[data-testid="stTable"]').filter(has_text="Anteckningar")
    assert "<img src=x onerror=alert(1)>" in table.inner_text() and "**fet**" in table.inner_text()
    app.screenshot("dialog-aldre-svar")
    bad = serious(run_axe(app, axe_script))
    assert not bad, report("Dialog med sparat svar", bad)
    assert not app.exceptions()

    # the summary is built on a click and offered for download
    page.get_by_role("button", name="Skapa PDF").click()
    app.wait_for_text("Ladda ned PDF")
    assert not app.exceptions()

    for theme in ("Geografi och utbudspunkter", "Tillgänglighet"):
        page.locator('[data-testid="stRadio"]').filter(has_text="Tema").get_by_text(theme, exact=True).click()
        app.wait_idle()
        app.wait_for_text("Siffror som berör frågorna")
        bad = serious(run_axe(app, axe_script))
        assert not bad, report(f"Dialog, {theme}", bad)
    app.screenshot("dialog-tillganglighet")
    assert not app.exceptions()
