"""Handouts (naravard.export.handout): the PPTX opened with python-pptx and the PDF read
with pypdf carry the same numbers as the pages for the same scenario, their sources,
assumptions, date, data versions and the scenario's name; user text stays text; with
no browser the handouts carry tables and say why."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from pptx import Presentation

from naravard import fmt
from naravard.export.handout import common
from naravard.export.handout.images import NO_BROWSER_SV, ImageExporter
from naravard.export.handout.pdf import build_pdf
from naravard.export.handout.pptx import MAX_ROWS, build_pptx
from naravard.model import scenario
from naravard.sources.dataset import load_dataset
from naravard.views import slides
from naravard.views import scenario as scenario_view

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"
HOSTILE_NAME = '<b>&"' + "Å" * 10_000
META = {"Datum": "2026-11-30", "Data": "HSU-2023 (2023); SCB/Region Halland 2026", "Scenario": "Standard"}
IDS = ["oversikt", "kommuner", "aldre80", "sc-tal", "sc-kommun", "karta-vardcentraler", "tg-n79179", "dialog-aldre"]


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def inputs(ds):
    return scenario.ModelInputs.from_dataset(ds)


@pytest.fixture(scope="module")
def assumptions():
    return scenario.Assumptions(andel_ordinart=0.25)


@pytest.fixture(scope="module")
def deck(ds, inputs, assumptions):
    specs = slides.catalogue(ds, inputs.default_forecast, assumptions, inputs, scenario_name="Fler i ordinärt boende")
    return slides.build(specs, IDS)


@pytest.fixture(scope="module")
def no_browser():
    return ImageExporter("/nonexistent/chromium")


@pytest.fixture(scope="module")
def pptx_bytes(deck, no_browser):
    return build_pptx(deck, title="Primärvården i Halland", subtitle="HSU-möte", meta=META, images=no_browser)


@pytest.fixture(scope="module")
def pdf_bytes(deck, no_browser):
    return build_pdf(deck, title="Primärvården i Halland", subtitle="HSU-möte", meta=META, images=no_browser)


def _tables(slide):
    return [[[c.text for c in row.cells] for row in sh.table.rows] for sh in slide.shapes if sh.has_table]


def _texts(slide):
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


def _pdf_text(data: bytes) -> str:
    return fmt.plain("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages))


# -------------------------------------------------------------------- PPTX


def test_pptx_has_a_title_slide_and_one_slide_per_slide(pptx_bytes, deck):
    prs = Presentation(io.BytesIO(pptx_bytes))
    assert prs.slide_width * 9 == prs.slide_height * 16
    assert len(prs.slides) == 1 + len(deck)
    assert [s.shapes.title.text for s in list(prs.slides)[1:]] == [s.title for s in deck]
    first = list(prs.slides)[0]
    text = _texts(first)
    assert first.shapes.title.text == "Primärvården i Halland"
    for k, v in META.items():
        assert f"{k}: {v}" in text


def test_pptx_tables_hold_the_scenario_page_numbers(pptx_bytes, inputs, assumptions):
    prs = Presentation(io.BytesIO(pptx_bytes))
    slide = list(prs.slides)[1 + IDS.index("sc-kommun")]
    (table,) = _tables(slide)
    page = scenario_view.kommun_table(scenario.run(inputs, assumptions))
    assert [r[0] for r in table[1:]] == page["Kommun"].tolist()
    for j, key in enumerate(slides.SCENARIO_SLIDE_OUTPUTS, start=1):
        assert [r[j] for r in table[1:]] == page[scenario.OUTPUT[key].label_sv].tolist(), key
    # 25 % of the 80+ in ordinary housing: the model's region figure, Swedish format
    res = scenario.run(inputs, assumptions)
    assert table[-1][2] == fmt.number(res.level("inskrivna_ordinart"))
    assert table[-1][0] == "Halland totalt"


def test_pptx_overview_table_has_the_decks_supply(pptx_bytes):
    prs = Presentation(io.BytesIO(pptx_bytes))
    (table,) = _tables(list(prs.slides)[1 + IDS.index("kommuner")])
    rows = {r[0]: r for r in table[1:]}
    head = table[0]
    assert rows["Kungsbacka"][head.index("Vårdcentraler")] == "11"
    assert rows["Halland totalt"][head.index("Vårdcentraler")] == "47"
    assert rows["Halland totalt"][head.index("Filialer")] == "11"


def test_pptx_big_numbers_and_notes(pptx_bytes, deck):
    prs = Presentation(io.BytesIO(pptx_bytes))
    s = list(prs.slides)
    headline = s[1 + IDS.index("sc-tal")]
    assert "30\u00a0147" in _texts(headline)  # 80+ in 2030, the sum of the kommuner
    for slide, data in zip(s[1:], deck):
        notes = slide.notes_slide.notes_text_frame.text
        assert data.sources[0] in notes
    notes = fmt.plain(s[1 + IDS.index("sc-kommun")].notes_slide.notes_text_frame.text)
    assert "Antaganden:" in notes and "25 %" in notes


def test_pptx_without_browser_has_tables_and_says_why(pptx_bytes):
    prs = Presentation(io.BytesIO(pptx_bytes))
    for i in (IDS.index("aldre80"), IDS.index("karta-vardcentraler"), IDS.index("tg-n79179")):
        slide = list(prs.slides)[1 + i]
        assert not any(sh.shape_type == 13 for sh in slide.shapes)  # no picture
        assert _tables(slide), IDS[i]
        assert "ingen webbläsare" in _texts(slide)
    assert "ingen webbläsare" in NO_BROWSER_SV


def test_pptx_and_pdf_keep_a_hostile_scenario_name_as_text(deck, no_browser):
    meta = {"Datum": "2026-11-30", "Scenario": HOSTILE_NAME + "\x00\x0b"}
    p = build_pptx(deck[:1], title='Titel <i>&amp;', meta=meta, images=no_browser)
    prs = Presentation(io.BytesIO(p))
    first = list(prs.slides)[0]
    assert first.shapes.title.text == 'Titel <i>&amp;'
    text = _texts(first)
    assert 'Scenario: <b>&"ÅÅÅ' in text and "avkortat, 10 005 tecken" in fmt.plain(text)
    assert len(text) < 1000
    assert HOSTILE_NAME in first.notes_slide.notes_text_frame.text  # the whole name, as text
    d = build_pdf(deck[:1], title='Titel <i>&amp;', meta=meta, images=no_browser)
    text = _pdf_text(d)
    assert 'Titel <i>&amp;' in text
    assert 'Scenario: <b>&"ÅÅÅ' in text
    assert re.search(r"avkortat,\s+10 005\s+tecken", text)


def test_pptx_long_table_is_cut_with_a_note(no_browser):
    import pandas as pd

    t = pd.DataFrame({"Kommun": [f"K{i}" for i in range(40)], "Invånare": list(range(40))})
    s = slides.Slide("lang", "Lång tabell", "table", table=t, formats={"Invånare": fmt.number}, sources=("Källa: test",))
    prs = Presentation(io.BytesIO(build_pptx([s], title="T", images=no_browser)))
    slide = list(prs.slides)[1]
    (table,) = _tables(slide)
    assert len(table) == 1 + MAX_ROWS
    assert f"visar {MAX_ROWS} av 40 rader" in _texts(slide)
    # the PDF prints every row
    text = _pdf_text(build_pdf([s], title="T", images=no_browser))
    assert "K39" in text


def test_pptx_shapes_stay_on_the_slide(pptx_bytes):
    prs = Presentation(io.BytesIO(pptx_bytes))
    for slide in prs.slides:
        for sh in slide.shapes:
            assert sh.left >= 0 and sh.top >= 0
            assert sh.left + sh.width <= prs.slide_width, sh.name
            assert sh.top + sh.height <= prs.slide_height, sh.name


# --------------------------------------------------------------------- PDF


def test_pdf_holds_the_same_numbers_sources_and_meta(pdf_bytes, deck, inputs, assumptions):
    text = _pdf_text(pdf_bytes)
    for k, v in META.items():
        assert f"{k}: {v}" in text
    res = scenario.run(inputs, assumptions)
    page = scenario_view.kommun_table(res)
    for key in slides.SCENARIO_SLIDE_OUTPUTS:
        for kommun, value in zip(page["Kommun"], page[scenario.OUTPUT[key].label_sv]):
            assert fmt.plain(value) in text, (key, kommun)
    # each kommun's row reads in order in the extracted text
    sc = next(s for s in deck if s.id == "sc-kommun")
    for row in sc.table_text()[1:]:
        assert re.search(r"\s+".join(re.escape(fmt.plain(c)) for c in row), text), row
    for s in deck:
        assert s.title in text
    assert "Antaganden" in text and "25 %" in text
    assert "Vad är bäst för hallänningen?" in text
    assert "ingen webbläsare" in text


def test_pdf_page_one_renders(pdf_bytes):
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        w, h = pdf[0].get_size()
        assert round(w) == 595 and round(h) == 842  # A4 portrait in points
        img = pdf[0].render(scale=1.5).to_pil().convert("L")
    finally:
        pdf.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    img.save(SHOTS / "handout-pdf-page1.png")
    dark = sum(img.histogram()[:128]) / (img.width * img.height)
    assert 0.01 < dark < 0.3  # text on white, neither blank nor a black page


def test_pdf_without_dejavu_falls_back_to_helvetica_with_swedish_letters(deck, no_browser, tmp_path):
    data = build_pdf(deck[:2], title="Översikt för Hallänningen", meta={"Scenario": "Åsa & Örjan"}, images=no_browser, font_dir=tmp_path)
    assert b"/Helvetica" in data and b"DejaVu" not in data
    text = _pdf_text(data)
    assert "Översikt för Hallänningen" in text and "Åsa & Örjan" in text
    assert "-514" in text  # Hylte's change: the minus sign written as "-"


def test_pdf_uses_dejavu_when_installed(pdf_bytes):
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").is_file():
        pytest.skip("fonts-dejavu-core not installed")
    assert b"DejaVuSans" in pdf_bytes
    assert "\u2212514" in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()


# ---------------------------------------------------------------- images


def test_missing_browser_gives_none_and_a_swedish_reason():
    e = ImageExporter("/nonexistent/chromium")
    ok, reason = e.available()
    assert not ok and reason.startswith("Diagrammen kunde inte ritas") and "/nonexistent/chromium" in reason
    assert e.png({"data": [], "layout": {}}, 400, 300) is None


def test_a_program_that_is_no_browser_gives_none(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    e = ImageExporter(fake, start_timeout=20)
    assert e.available()[0] is False
    assert e.png({"data": [], "layout": {}}, 400, 300) is None


def test_figure_for_image_drops_the_title_only():
    fig = {"data": [{"type": "bar"}], "layout": {"title": {"text": "X"}, "margin": {"t": 60, "l": 5}, "height": 400}}
    out = common.figure_for_image(fig)
    assert out["layout"]["title"] == {"text": ""} and out["layout"]["margin"] == {"t": 30, "l": 5}
    assert fig["layout"]["title"] == {"text": "X"}  # the slide's figure is not changed


def test_markup_in_slide_text_and_cells_is_printed_as_written(no_browser):
    import pandas as pd

    hostile = '<script>alert(1)</script> **fet** & <b>Ö</b> =SUM(A1)'
    t = pd.DataFrame({"Kommun": [hostile], "Invånare": [1234]})
    deck = [
        slides.Slide("text", hostile, "text", body=(hostile,), sources=(f"Källa: {hostile}",)),
        slides.Slide("tab", "Tabell", "table", table=t, formats={"Invånare": fmt.number}),
        slides.Slide("tom", "Inga tal", "numbers"),
        slides.Slide("fig", "Utan tabell", "figure", figure={"data": [], "layout": {}}),
    ]
    prs = Presentation(io.BytesIO(build_pptx(deck, title=hostile, images=no_browser)))
    pages = list(prs.slides)
    assert pages[1].shapes.title.text == hostile and f"• {hostile}" in _texts(pages[1])
    assert _tables(pages[2])[0][1] == [hostile, "1\u00a0234"]
    assert hostile in pages[1].notes_slide.notes_text_frame.text
    text = _pdf_text(build_pdf(deck, title=hostile, images=no_browser))
    assert text.count("<script>alert(1)</script> **fet** & <b>Ö</b> =SUM(A1)") >= 3
    assert "1 234" in text


def test_an_empty_presentation_is_a_title_page():
    prs = Presentation(io.BytesIO(build_pptx([], title="Tom", meta={"Datum": "2026-11-30"})))
    assert len(prs.slides) == 1
    assert "Datum: 2026-11-30" in _pdf_text(build_pdf([], title="Tom", meta={"Datum": "2026-11-30"}))


def test_browser_path_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/from-env")
    e = ImageExporter()
    assert e.browser_path == "/nonexistent/from-env"
    ok, reason = e.available()
    assert not ok and "/nonexistent/from-env" in reason


def test_a_stuck_browser_costs_one_timeout_then_no_image_is_tried_for_a_while():
    """A browser that stops answering must not make every chart of a handout wait its
    timeout: after one timeout the exporter pauses images (tables only, with a reason)."""
    import asyncio
    import threading

    from naravard.export.handout import images

    class Stuck:
        async def calc_fig(self, fig, opts):
            await asyncio.sleep(3600)

        async def close(self):
            return None

    ex = images.ImageExporter(image_timeout=0.05)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    ex._loop, ex._thread, ex._kaleido = loop, thread, Stuck()
    fig = {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}
    assert ex.png(fig, 400, 300) is None

    def no_start():
        raise AssertionError("the browser was started again during the pause")

    ex._start = no_start
    assert ex.png(fig, 400, 300) is None
    ok, reason = ex.available()
    assert not ok and "svarade inte i tid" in reason
