"""The Presentera page in a real browser at 1920×1080: start a presentation, step three
slides with the arrow keys, and check what a projector audience sees: the counter and
title change, body text ≥ 28 px, big numbers ≥ 64 px, no sidebar. Screenshots go to
artifacts/screenshots/ (and to $NARAVARD_SHOTS if set)."""

from __future__ import annotations

import os
import shutil

import pytest

from naravard import ui
from tests.browser.conftest import StreamlitPage, normalise
from tests.browser.test_browser_pages import benign

pytestmark = pytest.mark.browser

SLIDE = f".st-key-{ui.KEY_PR_SLIDE}"
COUNTER = f".st-key-{ui.KEY_PR_COUNTER}"
# Four slides of different kinds: numbers, table, figure, text.
IDS = "oversikt,kommuner,aldre80,dialog-aldre"


def _shot(app: StreamlitPage, name: str) -> None:
    path = app.screenshot(name, full_page=False)
    extra = os.environ.get("NARAVARD_SHOTS")
    if extra:
        os.makedirs(extra, exist_ok=True)
        shutil.copy(path, os.path.join(extra, path.name))


def _counter(app: StreamlitPage) -> str:
    return normalise(app.page.locator(COUNTER).inner_text()).strip()


def _title(app: StreamlitPage) -> str:
    return normalise(app.page.locator(f"{SLIDE} h2").first.inner_text()).strip()


def _min_font_px(app: StreamlitPage, selector: str) -> float:
    """The smallest computed font size of visible text under the elements matching
    ``selector``: every element (matched or inside one) that holds a text node of its
    own counts (0 when there is no text)."""
    return app.page.evaluate(
        """(sel) => {
            const sizes = [];
            for (const root of document.querySelectorAll(sel)) {
                for (const e of [root, ...root.querySelectorAll('*')]) {
                    if (e.offsetParent === null) continue;
                    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                    if (own) sizes.push(parseFloat(getComputedStyle(e).fontSize));
                }
            }
            return sizes.length ? Math.min(...sizes) : 0;
        }""",
        selector,
    )


def _press(app: StreamlitPage, key: str, expect_counter: str) -> None:
    app.page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no button has focus
    app.page.keyboard.press(key)
    app.page.wait_for_function(
        "([sel, want]) => { const e = document.querySelector(sel); return e && e.innerText.trim() === want; }",
        arg=[COUNTER, expect_counter],
    )
    app.wait_idle()


def test_arrow_keys_step_three_slides_at_projector_scale(app_projector):
    app = app_projector
    app.open(f"presentera?bilder={IDS}&titel=HSU-m%C3%B6te")
    assert app.exceptions() == []
    app.page.get_by_role("button", name="Starta presentationen").click()
    app.page.locator(COUNTER).wait_for()
    app.wait_idle()

    assert app.page.locator('[data-testid="stSidebar"]').is_hidden(), "the sidebar must be hidden while presenting"
    assert _counter(app) == "1 / 4"
    titles = [_title(app)]
    assert _min_font_px(app, f"{SLIDE} [data-testid='stMetricValue']") >= 64
    assert _min_font_px(app, f"{SLIDE} [data-testid='stMetricLabel'] p") >= 28
    _shot(app, "presentera-1-nyckeltal-1920")

    for n, name in ((2, "tabell"), (3, "diagram"), (4, "text")):
        _press(app, "ArrowRight", f"{n} / 4")
        titles.append(_title(app))
        body = f"{SLIDE} [data-testid='stMarkdownContainer'] p, {SLIDE} li, {SLIDE} td, {SLIDE} th"
        if name == "diagram":  # one figure, its message in the caption under it
            assert app.page.locator(f"{SLIDE} [data-testid='stPlotlyChart']").count() == 1
        else:
            assert _min_font_px(app, body) >= 28, f"slide {n}: body text smaller than 28 px"
        _shot(app, f"presentera-{n}-{name}-1920")
    assert titles == [
        "Primärvården i Halland – översikt",
        "Invånare och vårdcentraler per kommun",
        "Invånare 80 år och äldre per kommun",
        "Frågor till dialogen: Äldre",
    ], titles

    _press(app, "ArrowLeft", "3 / 4")
    assert _title(app) == titles[2]
    assert app.exceptions() == [] and app.new_tracebacks() == []
    errors = [e for e in app.console_errors if not benign(e, app.server.url)]
    assert errors == [], errors


def test_picker_and_link_warnings(app):
    app.open("presentera?bilder=oversikt,oversikt,finnsinte&titel=%3Cb%3Ex%3C%2Fb%3E")
    text = app.text()
    assert "Bilden ”oversikt” stod flera gånger" in text
    assert "Bilden ”finnsinte” finns inte i katalogen" in text
    assert app.page.get_by_role("button", name="Ladda ner PowerPoint").count() == 1
    assert app.page.get_by_role("button", name="Ladda ner PDF").count() == 1
    assert app.page.locator("b").filter(has_text="x").count() == 0  # the name is text, never markup
    _shot(app, "presentera-valj-1440")


@pytest.mark.parametrize("ids", ["oversikt", "kommuner", "aldre80", "dialog-aldre", "sc-tal", "sc-kommun"])
def test_axe_in_presentation_mode(app_projector, axe_script, ids):
    """axe-core on each kind of slide (numbers, table, figure, text, a scenario slide
    with its assumptions) while presenting."""
    from tests.browser.test_a11y import report, run_axe, serious

    app = app_projector
    app.open(f"presentera?bilder={ids}")
    app.page.get_by_role("button", name="Starta presentationen").click()
    app.page.locator(COUNTER).wait_for()
    app.wait_idle()
    _shot(app, f"presentera-axe-{ids}-1920")
    bad = serious(run_axe(app, axe_script))
    assert not bad, report(f"Presentera, bild {ids}", bad)


def test_downloads_hold_the_chosen_slides_with_date_data_and_scenario(app, tmp_path):
    """The download buttons build the handouts on a click, from the slides chosen."""
    import io

    from pptx import Presentation
    from pypdf import PdfReader

    app.open("presentera?bilder=kommuner,aldre80&titel=HSU-m%C3%B6te&v=1&ordinart=0.3")
    with app.page.expect_download(timeout=120_000) as dl:
        app.page.get_by_role("button", name="Ladda ner PowerPoint").click()
    data = open(dl.value.path(), "rb").read()
    prs = Presentation(io.BytesIO(data))
    slides = list(prs.slides)
    assert len(slides) == 3  # the title slide and the two chosen
    first = " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert "HSU-möte" in first and "Datum" in first and "Scenario" in first and "Eget scenario" in first
    titles = [s.shapes.title.text for s in slides[1:]]
    assert titles == ["Invånare och vårdcentraler per kommun", "Invånare 80 år och äldre per kommun"]

    with app.page.expect_download(timeout=120_000) as dl:
        app.page.get_by_role("button", name="Ladda ner PDF").click()
    text = " ".join(p.extract_text() for p in PdfReader(dl.value.path()).pages)
    assert "HSU-möte" in text and "Invånare 80 år och äldre per kommun" in text and "Källa" in text
    assert app.exceptions() == [] and app.new_tracebacks() == []


def test_geography_slides_with_the_example_at_projector_scale(app_projector):
    """Load the example register on Geografi, go to Presentera in the same session, pick
    the geography slides and present them: the example's label on the slides it feeds."""
    from tests.browser.test_geografi_browser import EXAMPLE_LABEL

    app = app_projector
    app.open("geografi")
    app.page.get_by_role("button", name="Använd exemplet").click()
    app.wait_for_text(EXAMPLE_LABEL)
    app.wait_idle()
    app.page.locator('[data-testid="stSidebarNav"] a', has_text="Presentera").click()
    app.wait_for_text("Starta presentationen")
    app.wait_idle()
    box = app.page.get_by_role("combobox", name="Bilder")
    for name in ("Avstånd till vårdcentral och filial", "Avstånd per kommun", "Var invånarna bor (karta)"):
        box.click()
        box.fill(name)
        app.page.keyboard.press("Enter")
        app.wait_idle()
    app.page.keyboard.press("Escape")
    app.page.get_by_role("button", name="Starta presentationen").click()
    app.page.locator(COUNTER).wait_for()
    app.wait_idle()
    assert _counter(app) == "1 / 7"  # the four default slides, then the three chosen
    for n in (2, 3, 4, 5):
        _press(app, "ArrowRight", f"{n} / 7")
    expected = {
        5: "Avstånd till vårdcentral och filial 2030",
        6: "Avstånd till närmaste vårdcentral eller filial per kommun 2030",
        7: "Var invånarna bor (2025)",
    }
    for n, title in expected.items():
        if n > 5:
            _press(app, "ArrowRight", f"{n} / 7")
        assert _title(app) == title
        shown = normalise(app.page.locator(SLIDE).inner_text())
        assert (EXAMPLE_LABEL in shown) == (n < 7), title  # the grid alone feeds the population map
        _shot(app, f"presentera-geo-{n}-1920")
    assert app.exceptions() == [] and app.new_tracebacks() == []
