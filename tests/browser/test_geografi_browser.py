"""The Geografi page in a real browser: load the example, click the map to add a filial
far from every unit, and see the longest distance change. Screenshots at 1400×900 and
1920×1080 go to artifacts/screenshots/ (and to $NARAVARD_SHOTS if set)."""

from __future__ import annotations

import os
import shutil

import pytest

from naravard import fmt
from tests.browser.conftest import StreamlitPage, normalise

pytestmark = pytest.mark.browser

EXAMPLE_LABEL = "Exempel: OpenStreetMap 2020, ofullständigt – 14 enheter av 58"  # FACTS.md S7


def _farthest():
    """The populated square farthest from any unit of the example (the use case's own answer)."""
    from naravard.services import geografi as service
    from naravard.sources.dataset import load_dataset
    from naravard.sources.units import load_example

    ds = load_dataset(None)
    frame, _ = load_example()
    an = service.analyse(ds, None, frame)
    return an.longest_for(service.ANY)


def _metric(app: StreamlitPage, name: str) -> str:
    for m in app.page.locator('[data-testid="stMetric"]').all():
        label = app.text_of(m.locator('[data-testid="stMetricLabel"]'))
        if label == name:
            return app.text_of(m.locator('[data-testid="stMetricValue"]'))
    raise AssertionError(f"no headline {name!r}")


def _shot(app: StreamlitPage, name: str) -> None:
    path = app.screenshot(name, full_page=False)
    extra = os.environ.get("NARAVARD_SHOTS")
    if extra:
        os.makedirs(extra, exist_ok=True)
        shutil.copy(path, os.path.join(extra, path.name))


def _click_data_point(app: StreamlitPage, x: float, y: float) -> None:
    """Click the map at data coordinates (SWEREF 99 TM metres), through plotly's own axes."""
    chart = app.page.locator('.st-key-nv_geo_karta [data-testid="stPlotlyChart"]')
    assert chart.count() == 1, "the Geografi map (container nv_geo_karta) is missing"
    chart.scroll_into_view_if_needed()
    pos = chart.evaluate(
        """(c, xy) => {
            const gd = c.querySelector('.js-plotly-plot');
            const L = gd._fullLayout, r = gd.getBoundingClientRect();
            return {x: r.left + L._size.l + L.xaxis.d2p(xy[0]), y: r.top + L._size.t + L.yaxis.d2p(xy[1])};
        }""",
        [x, y],
    )
    app.page.mouse.click(pos["x"], pos["y"])


def _run(app: StreamlitPage, viewport_name: str) -> None:
    far = _farthest()
    km = lambda v: normalise(f"{fmt.number(v, 1)} km")  # noqa: E731
    app.open("geografi")
    app.wait_for_text("Inget enhetsregister är inläst")
    _shot(app, f"geografi-utan-register-{viewport_name}")
    app.page.get_by_role("button", name="Använd exemplet").click()
    app.wait_for_text(EXAMPLE_LABEL)
    # the example has no filial; the map's caption names the longest distance to either kind
    assert _metric(app, "Längst till filial") == "–"
    caption = app.text('.st-key-nv_geo_karta')
    assert f"Längst: {km(far.before)}" in caption, caption
    _shot(app, f"geografi-exempel-{viewport_name}")

    # "Lägg till: filial" is the default; click the square farthest from every unit
    _click_data_point(app, far.x, far.y)
    app.wait_for_text("Tillagd: Ny filial")
    assert _metric(app, "Längst till filial") != "–"
    caption = app.text('.st-key-nv_geo_karta')
    assert f"före ändringarna {km(far.before)}" in caption, caption
    after = caption.split("Längst: ")[1].split(" km")[0]
    assert float(after.replace(",", ".")) < far.before
    assert "Ny filial vid" in app.text()
    _shot(app, f"geografi-ny-filial-{viewport_name}")
    assert app.exceptions() == [] and app.new_tracebacks() == []


def test_click_the_map_to_add_a_filial(app):
    app.page.set_viewport_size({"width": 1400, "height": 900})
    _run(app, "1400x900")


def test_click_the_map_to_add_a_filial_on_a_projector(app_projector):
    _run(app_projector, "1920x1080")


def test_the_page_with_a_what_if_passes_axe(app, axe_script):
    """axe-core (WCAG A/AA) on the Geografi page with the example and a change: the
    what-if panel, the headline with deltas and the tables, not only the empty page."""
    from tests.browser.test_a11y import report, run_axe, serious

    app.open("geografi")
    app.page.get_by_role("button", name="Använd exemplet").click()
    app.wait_for_text(EXAMPLE_LABEL)
    far = _farthest()
    _click_data_point(app, far.x, far.y)
    app.wait_for_text("Tillagd: Ny filial")
    bad = serious(run_axe(app, axe_script))
    assert not bad, report("Geografi med exempel och ändring", bad)
