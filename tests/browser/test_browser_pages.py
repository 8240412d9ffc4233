"""Every page of the real app, in a real browser: it renders, without errors, with its key figures.

The page list comes from ``naravard.ui.PAGES`` (``spec`` is parametrised in conftest.py),
so a new page is covered automatically by the generic checks; its key figures are
added to ``KEY_FIGURES`` below.

Key figures are compared after normalising no-break spaces (Swedish number format
uses U+00A0) to plain spaces; table cells are read from the data grid's accessible
copy (see ``StreamlitPage.text``).
"""

from __future__ import annotations

from playwright.sync_api import expect
import re

import pytest

from naravard import ui

pytestmark = pytest.mark.browser

# Strings that must be visible on a page (embedded data, default forecast RH2026), by page title.
KEY_FIGURES: dict[str, list[str]] = {
    "Översikt": ["47 / 11", "ca 7 400", "25 km", "21 km", "346 088"],
    "Befolkning": ["19 815", "30 147"],
    # The deck's figures at the source's precision: "92 %" (not "92,0 %"), "86,1 %".
    "Tillgänglighet": ["45 timmar", "92 %", "86,1 %"],
    "Om data": ["Information och dialog om framtidens primärvård"],
}

# Metric label -> value on Översikt (exact, after normalisation), default forecast RH2026.
OVERSIKT_METRICS = {
    "Invånare 2025": "346 088",
    "Vårdcentraler / filialer": "47 / 11",
    "Snitt listade per vårdcentral": "ca 7 400",
    "Längsta avstånd till VC": "25 km",
    "Längsta avstånd till filial": "21 km",
}

# --- console noise we ignore; each entry is narrow and says why -------------------------
#
# 1. Streamlit's frontend finds the server's base path by probing the page URL first:
#    on /befolkning it requests /befolkning/_stcore/health and .../host-config, gets 404,
#    then uses /. Chromium logs each 404 as a console error. Nothing the app can change.
# 2. Failed loads of resources on *other* hosts (e.g. the favicon of a ``:material/...``
#    page icon, which Streamlit fetches from fonts.gstatic.com). The tests run offline,
#    so these fail with ERR_NAME_NOT_RESOLVED; they are not ignored but reported once,
#    with the URL, by ``test_no_requests_leave_the_machine`` instead of in every test.


def benign(message: str, base_url: str) -> bool:
    base = re.escape(base_url)
    if re.fullmatch(
        rf"console\.error: Failed to load resource: the server responded with a status of 404 \(Not Found\) "
        rf"@ {base}/[\w-]+/_stcore/(health|host-config):\d*",
        message,
    ):
        return True
    m = re.fullmatch(r"console\.error: Failed to load resource: net::ERR_\w+ @ (https?://[^/]+)/.*", message)
    return bool(m and m.group(1) != base_url)


def url_of(spec) -> str:
    """The page's URL path. app.py makes ui.PAGES[0] the default page, which Streamlit
    serves at ``/`` (its own url_path is not routed: /oversikt falls back to the main
    page with the console error "The page that you have requested does not seem to exist")."""
    return "" if spec == ui.PAGES[0] else spec.url_path


def metrics(app) -> dict[str, str]:
    out = {}
    for m in app.page.locator('[data-testid="stMetric"]').all():
        label = app.text_of(m.locator('[data-testid="stMetricLabel"]'))
        out[label] = app.text_of(m.locator('[data-testid="stMetricValue"]'))
    return out


def check_page(app, spec) -> str:
    """Open a page and run the generic checks; return its normalised text."""
    app.open(url_of(spec))
    assert app.exceptions() == [], f"{spec.title}: Streamlit shows an exception"
    assert app.page.locator('[data-testid="stAlertContentError"]').count() == 0, (
        f"{spec.title}: error message(s) on the page: "
        + "; ".join(app.page.locator('[data-testid="stAlertContentError"]').all_inner_texts())
    )
    errors = [e for e in app.console_errors if not benign(e, app.server.url)]
    assert errors == [], f"{spec.title}: browser console errors:\n" + "\n".join(errors)
    new_tb = app.new_tracebacks()
    assert new_tb == [], f"{spec.title}: the server logged tracebacks:\n" + "\n\n".join(new_tb)
    # The page ran inside app.py's frame: its title is the selected nav entry and the shared
    # sidebar (forecast radio) is there.
    assert app.page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]').inner_text().strip().endswith(
        spec.title
    ), f"{spec.title}: not the selected page in the sidebar navigation"
    # waited for, not counted at once: seen once in CI (1 of 6 pages, not reproduced in
    # 3 reruns) while the sidebar was still being redrawn after the page went idle
    radio = app.page.locator('[data-testid="stSidebar"]').get_by_role("radiogroup", name="Befolkningsprognos")
    try:
        expect(radio).to_have_count(1, timeout=15_000)
    except AssertionError:
        raise AssertionError(f"{spec.title}: the shared sidebar (Befolkningsprognos) is missing") from None
    assert app.page.locator("h1").count() >= 1, f"{spec.title}: no page title"
    return app.text()


def test_key_figures_name_existing_pages():
    """A renamed page must not silently lose its key-figure checks."""
    titles = [p.title for p in ui.PAGES]
    assert set(KEY_FIGURES) <= set(titles), f"KEY_FIGURES names pages not in ui.PAGES: {set(KEY_FIGURES) - set(titles)}"


def _wait_for_figures(app, figures: list[str]) -> None:
    """Give late elements time to appear (seen once in CI: the page settled while the
    top row of metrics was not yet in the DOM); a figure that never comes still fails."""
    for f in figures:
        try:
            app.wait_for_text(f, timeout_ms=15_000)
        except Exception:  # noqa: BLE001 - reported by the assertion below, with the page text
            return


def test_page_renders(app, app_projector, spec):
    text = check_page(app, spec)
    if any(k not in text for k in KEY_FIGURES.get(spec.title, [])):
        _wait_for_figures(app, KEY_FIGURES.get(spec.title, []))
        text = app.text()
    missing = [k for k in KEY_FIGURES.get(spec.title, []) if k not in text]
    if missing:
        app.screenshot(f"{spec.url_path}-FAILED")
    assert not missing, f"{spec.title}: key figures not visible: {missing}\npage text: {text}"
    app.screenshot(spec.url_path)

    # The same page at projector size (1920×1080, what the room sees: viewport only).
    check_page(app_projector, spec)
    app_projector.screenshot(f"{spec.url_path}-1920x1080", full_page=False)


def test_oversikt_metrics_and_map(app):
    app.open(url_of(ui.PAGES[0]))
    try:  # seen once in CI: the page settled before the top row of metrics was in the DOM
        app.page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= n", arg=len(OVERSIKT_METRICS), timeout=15_000
        )
    except Exception:  # noqa: BLE001 - the per-metric assertions below say what is missing
        pass
    got = metrics(app)
    if any(got.get(label) != value for label, value in OVERSIKT_METRICS.items()):
        app.screenshot("oversikt-metrics-FAILED")
    for label, value in OVERSIKT_METRICS.items():
        assert got.get(label) == value, f"metric {label!r}: {got.get(label)!r} != {value!r} (all: {got}); url {app.page.url}; page text: {app.text()[:600]}"
    assert map_polygons(app) == 6, "a fresh server with an empty boundary cache draws the embedded kommun polygons"
    text = app.text()
    assert "Förenklad karta" not in text
    assert "Kommungränser: SCB, Digitala gränser (kommungränser), CC0, 2025-01-21" in text


def map_polygons(app) -> int:
    """Filled kommun polygons in the map (chart in the container with key nv_karta)."""
    chart = app.page.locator('.st-key-nv_karta [data-testid="stPlotlyChart"]')
    assert chart.count() == 1, "the map (chart in the container with key nv_karta) is missing"
    return chart.evaluate(
        "c => [...c.querySelectorAll('svg.main-svg g.scatterlayer g.trace path.js-fill')]"
        ".filter(p => (p.getAttribute('d') || '').length > 20).length"
    )


def test_forecast_variant_switch(app):
    app.open(url_of(ui.PAGES[0]))
    radio = app.page.locator('[data-testid="stSidebar"]').get_by_role("radiogroup", name="Befolkningsprognos")
    radio.get_by_text("Dialogunderlagets prognos (HSU-2023, 2022–2030)", exact=True).click()
    app.wait_for_text("ca 362 000")
    text = app.text()
    for want in ("ca 343 000", "ca 362 000"):
        assert want in text, f"{want!r} not shown after switching to the dialogue forecast"
    assert "346 088" not in text, "the RH2026 figure is still shown after switching the forecast"
    got = metrics(app)
    assert got.get("Invånare 2030 (prognos)") == "ca 362 000", got
    assert app.page.get_by_role("radio", name="Dialogunderlagets prognos (HSU-2023, 2022–2030)").is_checked()
    errors = [e for e in app.console_errors if not benign(e, app.server.url)]
    assert errors == [], "\n".join(errors)
    app.screenshot("oversikt-hsu2023")


def test_map_with_imported_boundaries(app_with_map):
    """With boundaries in the cache (a newer release) the map uses them before the embedded file."""
    app = app_with_map
    app.open(url_of(ui.PAGES[0]))
    assert app.exceptions() == []
    text = app.text()
    assert "Förenklad karta" not in text, "the fallback map is shown although boundaries were imported"
    assert "Kommungränser: SCB, Digitala gränser (CC0), hämtade till den lokala kartcachen" in text
    assert map_polygons(app) == 6, "expected one filled shape per kommun (6)"
    errors = [e for e in app.console_errors if not benign(e, app.server.url)]
    assert errors == [], "\n".join(errors)
    app.screenshot("oversikt-karta")


def _click_kommun(app, name: str) -> None:
    """Click the map where the kommun's label is (inside its polygon)."""
    chart = app.page.locator('.st-key-nv_karta [data-testid="stPlotlyChart"]')
    chart.scroll_into_view_if_needed()
    label = chart.locator("g.textpoint text").filter(has_text=name).first
    box = label.bounding_box()
    assert box, f"no label {name!r} on the map"
    # a little below the label's centre: inside the kommun, off the label text
    app.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] + 8)
    app.wait_idle()


def test_click_on_a_kommun_selects_it(app):
    """A click on a kommun shows its figures beside the map and outlines it; a second
    click on it clears the choice, and so does "Rensa val"."""
    app.open(url_of(ui.PAGES[0]))
    app.wait_for_text("Klicka på en kommun på kartan")
    _click_kommun(app, "Hylte")
    app.wait_for_text("Rensa val")
    left = app.text('.st-key-nv_karta_vald_panel')
    assert "Hylte" in left and "Invånare per vårdcentral" in left, left
    # Hylte's figures from the data (FACTS S1/HSU): one VC
    assert app.page.locator('.st-key-nv_karta [data-testid="stPlotlyChart"]').evaluate(
        "c => [...c.querySelectorAll('g.scatterlayer g.trace path.js-line')]"
        ".some(p => (p.getAttribute('style') || '').includes('stroke-width: 4px'))"
    ), "the selected kommun is outlined"
    app.screenshot("oversikt-karta-vald", full_page=False)
    app.page.get_by_role("button", name="Rensa val").click()
    app.wait_for_text("Klicka på en kommun på kartan")
    assert "Rensa val" not in app.text()
    _click_kommun(app, "Falkenberg")
    app.wait_for_text("Rensa val")
    assert "Falkenberg" in app.text('.st-key-nv_karta_vald_panel')
    _click_kommun(app, "Falkenberg")
    app.wait_for_text("Klicka på en kommun på kartan")
    assert app.exceptions() == [] and app.new_tracebacks() == []


def test_deep_link_on_fresh_server(fresh_app):
    """A bookmark to a page, as the very first request after a (re)start, still runs app.py.

    Streamlit keeps a legacy mode for apps with a ``pages/`` folder next to the main
    script: until some session has executed ``st.navigation``, a URL that matches a
    file in ``pages/`` runs that file *alone* (no set_page_config, no shared sidebar,
    Streamlit's file-name navigation). The other tests share a server that has long
    run app.py and would not notice, so this one gets a server of its own.
    """
    app = fresh_app
    target = ui.PAGES[1]
    app.open(target.url_path)
    nav = app.text('[data-testid="stSidebarNav"]')
    has_radio = app.page.locator('[data-testid="stSidebar"]').get_by_role("radiogroup", name="Befolkningsprognos").count() == 1
    app.screenshot("deep-link-fresh-server", full_page=False)
    assert has_radio and ui.PAGES[0].title in nav, (
        f"/{target.url_path} as the first request ran {target.script} without app.py: "
        f"sidebar navigation {nav!r}, shared sidebar {'present' if has_radio else 'missing'}"
    )


def test_no_requests_leave_the_machine(app):
    """The app must work offline and must not leak visits to third parties: every request
    of every page goes to the app's own server."""
    external: dict[str, set[str]] = {}
    current = [""]
    app.page.on(
        "request",
        lambda r: external.setdefault(current[0], set()).add(r.url)
        if not r.url.startswith((app.server.url, "data:", "blob:"))
        else None,
    )
    for spec in ui.PAGES:
        current[0] = spec.title
        app.open(url_of(spec))
    assert not external, "requests to other hosts:\n" + "\n".join(
        f"  {page}: {sorted(urls)}" for page, urls in external.items()
    )


def test_charts_speak_swedish(app):
    """Mode bar titles in Swedish (plotly.js's dictionary through config.locales, nothing
    fetched), Swedish thousands on the axes, and the chart's accessible name."""
    app.open("befolkning")
    chart = app.page.locator('[data-testid="stPlotlyChart"]').first
    titles = chart.evaluate("c => [...c.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))")
    assert titles == ["Ladda ned diagrammet som PNG", "Zooma in", "Zooma ut", "Återställ zoom"]
    ticks = chart.evaluate("c => [...c.querySelectorAll('g.ytick text')].map(t => t.textContent)")
    assert "100\u00a0000" in ticks, ticks
    assert chart.get_attribute("aria-label").startswith("Linjediagram: Invånare per kommun")


@pytest.mark.parametrize(
    "size, viewport, zoom",
    [("1400", {"width": 1400, "height": 900}, 1), ("1920", {"width": 1920, "height": 1080}, 1),
     # 150 % zoom on a 1920×1080 screen: 1280×720 CSS pixels at 1,5 device pixels each
     ("1920-zoom150", {"width": 1280, "height": 720}, 1.5)],
)
def test_map_labels_are_whole_and_apart(browser, warm_app_server, size, viewport, zoom):
    """No clipped or overlapping map labels ("ungsbacka", a label under a neighbour's)
    and the colour bar's title whole ("nvånare per vårdcentral"), at the sizes the room uses."""
    from tests.browser.conftest import RUN_TIMEOUT_MS, StreamlitPage

    ctx = browser.new_context(viewport=viewport, device_scale_factor=zoom, locale="sv-SE")
    ctx.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        app = StreamlitPage(ctx.new_page(), warm_app_server)
        app.open(url_of(ui.PAGES[0]))
        chart = app.page.locator('.st-key-nv_karta [data-testid="stPlotlyChart"]')
        chart.scroll_into_view_if_needed()
        boxes = chart.evaluate(
            """c => {
                const svg = c.querySelector('svg.main-svg').getBoundingClientRect();
                const one = el => { const r = el.getBoundingClientRect(); return {t: el.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
                return {svg: {x0: svg.left, y0: svg.top, x1: svg.right, y1: svg.bottom},
                        labels: [...c.querySelectorAll('g.textpoint text')].map(one),
                        bar: [...c.querySelectorAll('.colorbar text')].map(one)};
            }"""
        )
        svg = boxes["svg"]
        texts = boxes["labels"] + boxes["bar"]
        assert len(boxes["labels"]) == 6
        assert any(b["t"] == "Invånare per vårdcentral" for b in boxes["bar"]), boxes["bar"]
        for b in texts:
            inside = svg["x0"] - 0.5 <= b["x0"] and b["x1"] <= svg["x1"] + 0.5 and svg["y0"] - 0.5 <= b["y0"] and b["y1"] <= svg["y1"] + 0.5
            assert inside, f"{size}: {b['t']!r} is clipped by the chart's edge ({b} in {svg})"
        labels = boxes["labels"]
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                gap = 3  # px between two labels, so they read as two
                apart = a["x1"] + gap <= b["x0"] or b["x1"] + gap <= a["x0"] or a["y1"] + gap <= b["y0"] or b["y1"] + gap <= a["y0"]
                assert apart, f"{size}: labels {a['t']!r} and {b['t']!r} touch or overlap ({a}, {b})"
        app.screenshot(f"karta-{size}", full_page=False)
    finally:
        ctx.close()


# Widths a headline must fit at (issue 10 b): a laptop, the reported 1400 px, the
# projector, and the projector at 150 % browser zoom (CSS width 1280 px at 1.5 device
# pixels per CSS pixel, which is what zoom does to the layout).
HEADLINE_SIZES = {
    "1280": ({"width": 1280, "height": 800}, 1),
    "1400": ({"width": 1400, "height": 900}, 1),
    "1920": ({"width": 1920, "height": 1080}, 1),
    "1920-zoom150": ({"width": 1280, "height": 720}, 1.5),
}

# Every element inside a metric whose text is wider than its box (clipped or ellipsised).
_CLIPPED_JS = """() => [...document.querySelectorAll('[data-testid="stMetric"]')].flatMap(m =>
    [m, ...m.querySelectorAll('*')]
        .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
        .map(e => ({text: m.innerText.replace(/\\s+/g, ' ').trim(), testid: e.closest('[data-testid]').dataset.testid,
                    scroll: e.scrollWidth, client: e.clientWidth})))"""


@pytest.mark.parametrize("variant", ["Region Hallands befolkningsframskrivning 2026 (SCB t.o.m. 2025)", "Dialogunderlagets prognos (HSU-2023, 2022–2030)"], ids=["RH2026", "HSU2023"])
@pytest.mark.parametrize("size", list(HEADLINE_SIZES), ids=list(HEADLINE_SIZES))
def test_oversikt_headlines_are_not_clipped(browser, warm_app_server, size, variant):
    """No headline value, label or delta on Översikt is cut off at 1280 px and wider."""
    from tests.browser.conftest import RUN_TIMEOUT_MS, StreamlitPage

    viewport, scale = HEADLINE_SIZES[size]
    ctx = browser.new_context(viewport=viewport, device_scale_factor=scale, locale="sv-SE", color_scheme="light")
    ctx.set_default_timeout(RUN_TIMEOUT_MS)
    try:
        app = StreamlitPage(ctx.new_page(), warm_app_server)
        app.open(url_of(ui.PAGES[0]))
        radio = app.page.locator('[data-testid="stSidebar"]').get_by_role("radiogroup", name="Befolkningsprognos")
        if not radio.get_by_role("radio", name=variant).is_checked():
            radio.get_by_text(variant, exact=True).click()
            app.wait_for_text("ca 362 000")
            app.wait_idle()
        app.page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetric\"]').length >= 8", timeout=15_000)
        n = app.page.locator('[data-testid="stMetric"]').count()
        clipped = app.page.evaluate(_CLIPPED_JS)
        shot = app.screenshot(f"oversikt-headlines-{size}-{variant.split()[0]}", full_page=False)
        assert n >= 8, f"expected the eight headlines, found {n}"
        assert clipped == [], f"clipped headline text at {size} ({variant}), screenshot {shot}: {clipped}"
    finally:
        ctx.close()
