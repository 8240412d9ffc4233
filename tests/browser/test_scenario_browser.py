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


# ------------------------------------------------------------------ a politician's session (issue 10 e, f, i, j)


def _type(app, key: str, text: str) -> None:
    box = app.page.locator(f'.st-key-{key} input')
    box.fill(text)
    box.press("Enter")
    app.wait_idle()


def _table_text(app, has_text: str, nth: int = 0) -> str:
    t = app.page.locator('[data-testid="stTable"]').filter(has_text=has_text).nth(nth)
    return app.text_of(t)


def test_politician_saves_shares_compares_deletes_and_undoes(app, browser):
    from tests.browser.conftest import _new_app_page, VIEWPORT

    page = app.page
    app.open("scenario")
    app.wait_for_text("Resultat för Halland 2025 → 2030")
    # the sidebar's forecast is the one choice, and it is enabled here
    assert page.locator('[data-testid="stSidebar"] [role="radiogroup"] input[disabled]').count() == 0

    # Swedish decimals in the number inputs (issue 10 f)
    page.get_by_text("Fler antaganden").click()
    app.wait_idle()
    korttid = page.locator(".st-key-nv_sc_korttid_per_1000_80__text input")
    assert korttid.input_value() == "9,5"  # calibrated: 208 / 21 995 × 1 000 = 9,46 (issue 10 k)
    assert page.locator(".st-key-nv_sc_sabo_platser_per_inskriven__text input").input_value() == "0,988"
    _type(app, "nv_sc_korttid_per_1000_80__text", "12,5")
    assert korttid.input_value() == "12,5"
    # 12,5 per 1 000 of 30 147 aged 80+ = 376,8
    assert _metric(app, "Korttidsplatser som behövs") == "377"
    _type(app, "nv_sc_korttid_per_1000_80__text", "femtio")
    app.wait_for_text("”femtio” är inget tal")
    assert "Number is outside" not in app.text()
    assert _metric(app, "Korttidsplatser som behövs") == "377", "the last good value still holds"
    app.screenshot("scenario-number-input-error")
    _type(app, "nv_sc_korttid_per_1000_80__text", "12,5")

    _press(app, "nv_sc_andel_ordinart", 6)  # 19 % (calibrated 18,6 %) → 25 %
    app.wait_for_text("7 537")  # 25 % of 30 147
    page.locator(".st-key-nv_sc_ui_lank label").click()
    app.wait_idle()
    link = app.text_of(page.locator('[data-testid="stCode"]').first)
    assert link.startswith(app.server.url + "/scenario?v=1") and "ordinart=0.25" in link and "korttid=12.5" in link
    app.screenshot("scenario-copy-link")

    # save it under a group
    page.get_by_role("tab", name="Spara", exact=True).click()
    _type(app, "nv_sc_ui_namn", "Plan 25 %")
    _type(app, "nv_sc_ui_grupp", "Grupp A")
    page.get_by_role("button", name="Spara scenariot", exact=True).click()
    app.wait_for_text("Sparat som ”Plan 25 %” i gruppen ”Grupp A”.")
    page.get_by_role("button", name="Spara scenariot", exact=True).click()  # again, nothing changed: the same save
    app.wait_for_text("Redan sparat som ”Plan 25 %” i gruppen ”Grupp A”: inget har ändrats sedan dess.")

    # a colleague opens the link in a session of their own
    ctx2, other = _new_app_page(browser, app.server, VIEWPORT)
    try:
        other.page.goto(link, wait_until="domcontentloaded")
        other.wait_for_text("Resultat för Halland 2025 → 2030")
        assert _metric(other, "Inskrivna, ordinärt boende") == "7 537"
        assert _metric(other, "Korttidsplatser som behövs") == "377"
        assert other.exceptions() == []
        other.screenshot("scenario-link-in-new-session")
    finally:
        ctx2.close()

    # back to the defaults, then compare with the saved plan, per kommun too
    page.get_by_role("button", name="Återställ", exact=True).click()
    app.wait_for_text("5 620")  # 30 147 × 4 100 / 21 995
    assert _metric(app, "Inskrivna, ordinärt boende") == "5 620"
    page.get_by_role("tab", name="Jämför", exact=True).click()
    page.locator(".st-key-nv_sc_ui_jamfor").click()
    page.get_by_role("option", name="Plan 25 % (Grupp A)", exact=True).click()
    page.keyboard.press("Escape")
    app.wait_for_text("Plan 25 %: skillnad mot Aktuellt")
    totals = _table_text(app, "skillnad mot Aktuellt", 0)
    # (the totals' difference column is helper B1's comparison; this checks the figures)
    assert "Inskrivna i kommunal hälso- och sjukvård, ordinärt boende 5 620 7 537" in totals
    box = page.locator(".st-key-nv_sc_ui_jamfor_utdata").get_by_role("combobox")
    box.focus()
    page.keyboard.type("ordinärt boende")
    page.keyboard.press("Enter")
    app.wait_idle()
    per_kommun = _table_text(app, "skillnad mot Aktuellt", 1)
    # Halmstad: 4 100 / 21 995 (calibrated) and 25 % of 8 361 aged 80+ in 2030
    assert "Halmstad 1 559 2 090 +531" in per_kommun
    app.screenshot("scenario-compare-per-kommun")

    # delete asks first, then offers undo
    page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
    page.get_by_role("button", name="Ta bort", exact=True).click()
    app.wait_for_text("Vill du ta bort ”Plan 25 % (Grupp A)”?")
    app.screenshot("scenario-delete-confirm")
    page.get_by_role("button", name="Ja, ta bort", exact=True).click()
    app.wait_for_text("”Plan 25 % (Grupp A)” är borttaget.")
    assert "Inga sparade scenarier ännu." in app.text()
    app.screenshot("scenario-deleted-with-undo")
    page.get_by_role("button", name="Ångra", exact=True).click()
    app.wait_for_text("är tillbaka")
    page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
    assert "Plan 25 %" in _table_text(app, "Grupp A")
    assert app.exceptions() == [] and app.new_tracebacks() == []


# ------------------------------------------------------------------ issue 11: stored text is text; double-click save

# Each would fetch http://127.0.0.1:9/… (the discard port: nothing answers) or render as
# markup if a name were read as Markdown or HTML.
HOSTILE_NAMES = [
    "![x](http://127.0.0.1:9/track.png)",
    "[l](javascript:alert(1))",
    "# H",
    "$x^2$",
    ":red[r]",
    '<img src="http://127.0.0.1:9/img.png">',
    "http://127.0.0.1:9/autolink.png",
    ":material/home: :smile:",
]
HOSTILE_GROUP = "![g](http://127.0.0.1:9/g.png)"

_MARKUP_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const bad = [];
    for (const img of main.querySelectorAll('img')) bad.push('img ' + img.src);
    for (const a of main.querySelectorAll('a[href]')) {
        const h = a.getAttribute('href');
        if (h.includes('127.0.0.1:9/') || h.toLowerCase().startsWith('javascript:')) bad.push('a ' + h);
    }
    for (const h of main.querySelectorAll('h1, h2, h3, h4, h5, h6')) if (h.textContent.trim() === 'H') bad.push('heading H');
    for (const k of main.querySelectorAll('.katex, math')) bad.push('katex ' + k.textContent);
    for (const a of main.querySelectorAll('svg a')) bad.push('svg link ' + a.textContent);
    return bad;
}"""


def _shown(text: str) -> str:
    """How the page writes a stored text in Markdown: as written, with an invisible word
    joiner before a bare URL (fmt.markdown_escape), which keeps it from becoming a link."""
    return fmt._AUTOLINK_START.sub(fmt.WORD_JOINER, text)


def _leaving(requests: list[str]) -> list[str]:
    return [u for u in requests if "127.0.0.1:9/" in u]


def test_stored_names_are_shown_as_text_and_fetch_nothing(fresh_app, tmp_path):
    """Issue 11, defect 3: a saved name like ``![x](http://…/track.png)`` made every
    visitor's browser fetch that image; links, headings, KaTeX and :red[…] rendered in
    the saved list, the Jämför headers, "Sparat som …" and the duplicate-name error."""
    from naravard.store import ScenarioStore

    store = ScenarioStore(tmp_path / "scenarier.sqlite3")  # the fresh server's store
    for n in HOSTILE_NAMES[1:]:
        store.save(n, HOSTILE_GROUP, "$n^2$ [not](http://127.0.0.1:9/note) **fet**", {})
    app, page = fresh_app, fresh_app.page
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    app.open("")
    app.open("scenario")
    app.wait_for_text("Resultat för Halland")

    # saved through the page: the success message shows the name as written
    page.get_by_role("tab", name="Spara", exact=True).click()
    _type(app, "nv_sc_ui_namn", HOSTILE_NAMES[0])
    page.get_by_role("button", name="Spara scenariot", exact=True).click()
    app.wait_for_text(f"Sparat som ”{_shown(HOSTILE_NAMES[0])}”.")
    # the scenario changes, the name is taken: the error quotes it as written
    _press(app, "nv_sc_andel_ordinart", 1)
    page.get_by_role("button", name="Spara scenariot", exact=True).click()
    app.wait_for_text(f"Det finns redan ett scenario som heter ”{_shown(HOSTILE_NAMES[0])}” (utan grupp).")
    # a right-to-left override is refused
    _type(app, "nv_sc_ui_namn", "\u202eevil.exe\u202c txt")
    page.get_by_role("button", name="Spara scenariot", exact=True).click()
    app.wait_for_text("ändrar textens riktning")
    assert page.evaluate(_MARKUP_JS) == []

    page.get_by_role("tab", name="Sparade scenarier", exact=True).click()
    app.wait_idle()
    listed = _table_text(app, "Grupp/författare")
    for n in HOSTILE_NAMES:
        assert _shown(n) in listed, (n, listed)
    assert _shown(HOSTILE_GROUP) in listed and _shown("$n^2$ [not](http://127.0.0.1:9/note) **fet**") in listed
    assert page.evaluate(_MARKUP_JS) == []
    app.screenshot("scenario-hostile-names")

    page.get_by_role("tab", name="Jämför", exact=True).click()
    page.locator(".st-key-nv_sc_ui_jamfor").click()
    page.get_by_role("option", name=HOSTILE_NAMES[0], exact=True).click()
    page.get_by_role("option", name=f"# H ({HOSTILE_GROUP})", exact=True).click()
    page.keyboard.press("Escape")
    app.wait_for_text(f"{_shown(HOSTILE_NAMES[0])}: skillnad mot Aktuellt")
    totals = _table_text(app, "skillnad mot Aktuellt", 0)
    assert f"{_shown(HOSTILE_NAMES[0])} (2030)" in totals and "# H (2030)" in totals and "# H: skillnad mot Aktuellt" in totals
    legend = page.locator(".st-key-nv_sc_jamfor_diagram").evaluate(
        "c => Array.from(c.querySelectorAll('g.legend text.legendtext')).map(t => t.textContent)"
    )
    assert legend == ["Aktuellt", HOSTILE_NAMES[0], "# H"]
    assert page.evaluate(_MARKUP_JS) == []
    app.screenshot("scenario-hostile-names-compare")
    app.wait_idle()
    assert _leaving(requests) == [], "a stored name made the browser fetch something"
    assert app.exceptions() == [] and app.new_tracebacks() == []


def test_twenty_quick_clicks_on_save_make_one_row_and_say_it_was_saved(fresh_app, tmp_path):
    """Issue 11, defect 8: 20 quick clicks saved one row but showed only "finns redan"."""
    from naravard.store import ScenarioStore

    app, page = fresh_app, fresh_app.page
    app.open("")
    app.open("scenario")
    app.wait_for_text("Resultat för Halland")
    page.get_by_role("tab", name="Spara", exact=True).click()
    _type(app, "nv_sc_ui_namn", "Dubbelklick")
    button = page.get_by_role("button", name="Spara scenariot", exact=True)
    for _ in range(20):
        button.click(no_wait_after=True)
    app.wait_for_text("som ”Dubbelklick”")
    app.wait_idle()
    text = app.text()
    assert "finns redan" not in text
    assert "Sparat som ”Dubbelklick”." in text or "Redan sparat som ”Dubbelklick”" in text
    assert [s.name for s in ScenarioStore(tmp_path / "scenarier.sqlite3").list()] == ["Dubbelklick"]
    assert app.exceptions() == [] and app.new_tracebacks() == []
