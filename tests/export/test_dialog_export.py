"""The dialogue summary (naravard.export.dialog) as PDF and PPTX: the group's answers
verbatim (Markdown and HTML printed as written, never as markup), the figures and
assumptions behind them equal to the model's, sources in the PPTX notes, the group,
date, data versions and scenario on the title page; a 5 000-character note kept whole."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from pptx import Presentation

from naravard import fmt
from naravard.export import dialog as export
from naravard.export.handout.images import ImageExporter
from naravard.model import scenario
from naravard.sources.dataset import load_dataset
from naravard.store import ScenarioStore
from naravard.views import dialog as view

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots"
GROUP = "Grupp <b>&\"Ö"
HOSTILE = "**fet** <script>alert('x')</script> <b>&amp;</b> [länk](javascript:alert(1))\n=SUM(A1)"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def inputs(ds):
    return scenario.ModelInputs.from_dataset(ds)


@pytest.fixture(scope="module")
def answers(ds, tmp_path_factory):
    store = ScenarioStore(tmp_path_factory.mktemp("store") / "s.sqlite3")
    s = store.save("Plan <2030>", GROUP, "", {})
    store.save_answer(GROUP, "aldre", view.questions(ds, "aldre")[0], "<i>Vägval 2</i>", HOSTILE, "Åsa", scenario_id=s.id)
    store.save_answer(GROUP, "geo", view.questions(ds, "geo")[1], "Delvis", "ord " * 1249 + "SLUT", "Bo")
    return store.list_answers(GROUP), {s.id: s.name}


@pytest.fixture(scope="module")
def evidence(ds, inputs):
    a = scenario.Assumptions(prognos=inputs.default_forecast, andel_sabo=0.2)
    return {t: view.evidence(ds, t, variant=inputs.default_forecast, assumptions=a, inputs=inputs, scenario_name="Plan <2030>")
            for t in ("aldre", "geo")}, a


@pytest.fixture(scope="module")
def no_browser():
    return ImageExporter("/nonexistent/chromium")


@pytest.fixture(scope="module")
def pdf_bytes(ds, inputs, answers, evidence, no_browser):
    return export.summary_pdf(ds, inputs.default_forecast, GROUP, answers[0], evidence[0], scenario_name="Plan <2030>",
                              scenario_names=answers[1], images=no_browser)


@pytest.fixture(scope="module")
def pptx_bytes(ds, inputs, answers, evidence, no_browser):
    return export.summary_pptx(ds, inputs.default_forecast, GROUP, answers[0], evidence[0], scenario_name="Plan <2030>",
                               scenario_names=answers[1], images=no_browser)


def _pdf_text(data: bytes) -> str:
    return fmt.plain("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _sabo_line(inputs, a) -> str:
    res = scenario.run(inputs, a)
    need = scenario.shown("sabo_platser_behov", res.level("sabo_platser_behov"))
    return f"{fmt.plain(fmt.number(need))} behövs 2030, 2 964 idag", f"{fmt.plain(fmt.number(need - 2964, signed=True))} platser"


def test_pdf_holds_the_answers_verbatim_and_escaped(pdf_bytes, inputs, evidence):
    text = _pdf_text(pdf_bytes)
    flat = _flat(text)
    assert "<script>alert('x')</script>" in text and "<b>&amp;</b>" in text and "**fet**" in text
    assert "[länk](javascript:alert(1))" in text and "=SUM(A1)" in text
    assert "Ståndpunkt: <i>Vägval 2</i>" in text
    assert f"Dialog: {GROUP}" in text and "Grupp: " + GROUP in text
    assert "Kopplat till scenariot: Plan <2030>" in text and "Scenario: Plan <2030>" in text
    # the 5 000-character note whole, to its last word
    assert len(re.findall(r"\bord\b", text)) == 1249 and "ord SLUT" in flat
    # the figures behind the answers: the scenario's SäBo places (FACTS.md: 2 964 today), the deck's 25/21 km
    note, gap = _sabo_line(inputs, evidence[1])
    assert note in flat and gap in flat
    assert "Längst till vårdcentral" in text and "25 km" in text and "21 km" in text
    # the assumptions behind them and the sources
    assert "Antaganden" in text and "Antagande" in text and "Värde" in text
    assert "Källa: " in text and "Information och dialog om framtidens primärvård" in flat
    assert "alla som använder det kan läsa dem" in flat  # open mode: the title page says who can read


def test_pdf_renders(pdf_bytes):
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        n = len(pdf)
        img = pdf[1].render(scale=1.3).to_pil().convert("L")
    finally:
        pdf.close()
    assert n >= 3
    SHOTS.mkdir(parents=True, exist_ok=True)
    img.save(SHOTS / "dialog-summary-pdf-page2.png")
    dark = sum(img.histogram()[:128]) / (img.width * img.height)
    assert 0.005 < dark < 0.3


def test_pptx_slides_titles_text_and_notes(pptx_bytes, inputs, evidence):
    prs = Presentation(io.BytesIO(pptx_bytes))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[0] == f"Dialog: {GROUP}"
    assert titles[1:4] == ["Äldre: gruppens svar", "Äldre: svar 1", "Invånare 80 år och äldre per kommun"]
    assert "Geografi och utbudspunkter: svar 2 (forts.)" in titles
    texts = {i: "\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for i, s in enumerate(prs.slides)}
    notes = {i: s.notes_slide.notes_text_frame.text for i, s in enumerate(prs.slides)}
    answer1 = texts[titles.index("Äldre: svar 1")]
    assert "<script>alert('x')</script>" in answer1 and "**fet**" in answer1 and "<b>&amp;</b>" in answer1
    # the long note continues over slides and is whole when read in order
    geo = "\n".join(texts[i] for i, t in enumerate(titles) if t.startswith("Geografi och utbudspunkter: svar 2"))
    assert "ord SLUT" in _flat(geo) and len(re.findall(r"\bord\b", geo)) == 1249
    # the table of positions, native and as written
    table = next([[c.text for c in r.cells] for r in sh.table.rows] for sh in prs.slides[1].shapes if sh.has_table)
    assert table[0] == ["Fråga", "Ståndpunkt", "Skrivet av"] and table[1][1:] == ["<i>Vägval 2</i>", "Åsa"]
    # figures and their sources and assumptions in the notes
    places = titles.index("Platser i särskilt boende och korttidsboende 2030")
    note, gap = _sabo_line(inputs, evidence[1])
    assert gap in fmt.plain(texts[places]) and note in fmt.plain(texts[places])
    assert "Källa: " in notes[places] and "Antaganden:" in notes[places]
    assert "Grupp: " + GROUP in notes[1] and "Källa: " in notes[1]
    assert "Grupp: " + GROUP in notes[0] and "Scenario: Plan <2030>" in notes[0]


def test_nothing_to_summarise_is_a_title_page(ds, inputs, no_browser):
    prs = Presentation(io.BytesIO(export.summary_pptx(ds, inputs.default_forecast, GROUP, [], {}, images=no_browser)))
    assert len(prs.slides) == 1
