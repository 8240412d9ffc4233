"""Handouts with chart images from the real kept-open browser (Debian's chromium):
pictures in the PPTX beside the native tables, images in the PDF, and one browser for
many images."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from naravard.export.handout.images import ImageExporter, resolve_browser_path
from naravard.export.handout.pdf import build_pdf
from naravard.export.handout.pptx import build_pptx
from naravard.model import scenario
from naravard.sources.boundaries import resolve_boundaries
from naravard.sources.dataset import load_dataset
from naravard.views import slides

BROWSER = resolve_browser_path()
pytestmark = pytest.mark.skipif(not BROWSER or not Path(BROWSER).is_file(), reason="no chromium (scripts/test.sh installs it)")
IDS = ["aldre80", "karta-invanare-per-vc", "tg-n79179", "sc-kommun"]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def exporter():
    e = ImageExporter()
    yield e
    e.close()


@pytest.fixture(scope="module")
def deck():
    ds = load_dataset()
    inputs = scenario.ModelInputs.from_dataset(ds)
    gdf = resolve_boundaries(ds.region.lanskod, "data").gdf
    return slides.build(slides.catalogue(ds, inputs.default_forecast, None, inputs, boundaries=gdf), IDS)


def test_png_is_a_png_of_the_asked_size(exporter):
    ok, reason = exporter.available()
    assert ok and reason == ""
    data = exporter.png({"data": [{"type": "bar", "x": ["Hylte"], "y": [1]}], "layout": {}}, 400, 300, scale=1)
    assert data[:8] == PNG
    from PIL import Image

    assert Image.open(io.BytesIO(data)).size == (400, 300)


def test_pptx_has_chart_pictures_and_native_tables(exporter, deck):
    prs = Presentation(io.BytesIO(build_pptx(deck, title="T", meta={"Datum": "2026-11-30"}, images=exporter)))
    pages = list(prs.slides)[1:]
    for page, s in zip(pages, deck):
        pictures = [sh for sh in page.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if s.kind == "figure":
            assert len(pictures) == 1, s.id
            assert pictures[0].image.blob[:8] == PNG
            assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == s.alt_text  # read by screen readers
        else:
            assert not pictures
    # the map beside its values as an editable table; a wide chart's numbers in the notes
    assert any(sh.has_table for sh in pages[IDS.index("karta-invanare-per-vc")].shapes)
    assert "Siffrorna i diagrammet:" in pages[IDS.index("aldre80")].notes_slide.notes_text_frame.text
    assert any(sh.has_table for sh in pages[IDS.index("sc-kommun")].shapes)


def test_pdf_has_the_chart_images(exporter, deck):
    reader = pypdf.PdfReader(io.BytesIO(build_pdf(deck, title="T", images=exporter)))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == sum(s.kind == "figure" for s in deck)


def test_a_figure_plotly_refuses_gives_none_and_the_next_one_works(exporter):
    assert exporter.png({"data": [{"type": "bar", "nonsense": 1}], "layout": {}}, 400, 300) is None
    assert exporter.png({"data": [{"type": "bar", "y": [1]}], "layout": {}}, 400, 300)[:8] == PNG
