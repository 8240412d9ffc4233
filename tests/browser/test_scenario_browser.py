"""The scenario studio as a person uses it: move a slider, see the figures change."""

from naravard import fmt


def _metric(app, label: str) -> str:
    m = app.page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return fmt.plain(m.locator('[data-testid="stMetricValue"]').inner_text())


def _bars(app) -> list:
    """The value labels on the per-kommun chart's bars (plotly.js draws them as SVG text)."""
    return app.page.locator('.st-key-nv_sc_diagram [data-testid="stPlotlyChart"]').evaluate(
        "c => Array.from(c.querySelectorAll('g.trace.bars text.bartext')).map(t => t.textContent)"
    )


def _press(app, key: str, times: int) -> None:
    thumb = app.page.locator(f'.st-key-{key} input[type="range"]')
    thumb.focus()
    for _ in range(times):
        thumb.press("ArrowRight")
    app.wait_idle()


def test_slider_moves_headline_and_chart(app):
    app.open("scenario")
    app.wait_for_text("Resultat för Halland")
    assert _metric(app, "Invånare 80+") == "30 147"
    assert _metric(app, "Inskrivna, ordinärt boende") == "5 620"  # calibrated: 4 100 / 21 995 × 30 147
    before = _bars(app)
    # labels in data order: the six kommuner in 2025, then in 2030; Kungsbacka first
    assert len(before) == 12 and (fmt.plain(before[0]), fmt.plain(before[6])) == ("6 146", "7 346")
    # Streamlit 1.67 gives a Plotly chart a new element id when its figure changes, and
    # the chart is then drawn anew (a new SVG; measured: the SVG survives only steps that
    # leave the figure as it was). What must survive is the page around it: the same
    # chart container (no page-level remount) in the same document (no reload).
    container = app.page.locator('.st-key-nv_sc_diagram')
    container.evaluate("c => { window.__nvChartBox = c; window.__nvSameDocument = true;"
                       " window.__nvChartSvg = c.querySelector('[data-testid=\"stPlotlyChart\"] svg.main-svg'); }")

    _press(app, "nv_sc_horisont", 5)  # 2030 → 2035
    app.wait_for_text("Resultat för Halland 2025 → 2035")
    assert _metric(app, "Invånare 80+") == "32 314"  # sum of the kommun rows for 2035
    after = _bars(app)
    assert after != before, "the per-kommun chart follows the slider"
    assert fmt.plain(after[0]) == "6 146" and fmt.plain(after[6]) != "7 346"
    assert container.evaluate("c => window.__nvSameDocument === true && c === window.__nvChartBox"), (
        "the slider step remounted the page around the chart"
    )
    assert app.page.locator('[data-testid="stPlotlyChart"]').count() == 1, "one chart in the studio"

    # a step that leaves the chart's figure as it was (the 80+ chart does not depend on
    # the share in ordinary housing) keeps the chart as it is: same SVG
    container.evaluate("c => { window.__nvChartSvg = c.querySelector('[data-testid=\"stPlotlyChart\"] svg.main-svg'); }")
    _press(app, "nv_sc_andel_ordinart", 7)  # 19 % (calibrated 18,6 %) → 26 %
    app.wait_for_text("8 402")  # 26 % of 32 314 = 8 401,6
    assert container.evaluate(
        "c => c.querySelector('[data-testid=\"stPlotlyChart\"] svg.main-svg') === window.__nvChartSvg"
    ), "an unchanged figure must not be drawn again"
    assert _metric(app, "Inskrivna, ordinärt boende") == "8 402"
    assert "ordinart=0.26" in app.page.url and "ar=2035" in app.page.url, "the URL carries the scenario"
    assert app.exceptions() == []
    app.screenshot("scenario-slider")


def test_shared_link_opens_the_same_scenario(app):
    app.open("scenario?v=1&ordinart=0.3&ar=2040")
    app.wait_for_text("Resultat för Halland 2025 → 2040")
    assert _metric(app, "Inskrivna, ordinärt boende") == fmt.plain(fmt.number(0.3 * 34_166))


def test_download_after_a_slider_step_has_the_new_scenario(app):
    """The export buttons are outside the studio fragment (a slider step does not redraw
    them); the file is built on click, from what the sliders show now."""
    app.open("scenario")
    app.wait_for_text("Resultat för Halland")
    _press(app, "nv_sc_horisont", 3)  # 2030 → 2033
    app.wait_for_text("Resultat för Halland 2025 → 2033")
    with app.page.expect_download(timeout=30_000) as dl:
        app.page.get_by_role("button", name="Ladda ned CSV (per kommun och år)").click()
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    years = {line.split(";")[2] for line in text.splitlines()[1:] if line}
    assert max(years) == "2033", f"the CSV ends at the horizon on screen, got years {sorted(years)}"
    assert app.exceptions() == []
