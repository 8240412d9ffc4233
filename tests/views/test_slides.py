"""Slides (naravard.views.slides): the catalogue of today's pages, every slide's numbers
equal to the page's, stable link ids, and a link's list of ids read without surprises."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from naravard import fmt
from naravard.model import scenario
from naravard.sources.dataset import load_dataset
from naravard.views import befolkning, oversikt, slides
from naravard.views import scenario as scenario_view


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def inputs(ds):
    return scenario.ModelInputs.from_dataset(ds)


@pytest.fixture(scope="module")
def specs(ds, inputs):
    return slides.catalogue(ds, inputs.default_forecast, None, inputs, scenario_name="Standard")


def _by_id(specs, slide_id):
    return next(s for s in specs if s.id == slide_id).build()


def _plain_rows(slide):
    return [[fmt.plain(c) for c in row] for row in slide.table_text()]


def test_catalogue_has_every_page_part_with_short_ascii_ids(specs):
    ids = [s.id for s in specs]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", i) for i in ids)
    # headline figures, population and 80+, the scenario, maps, access trends, dialogue
    for wanted in ("oversikt", "kommuner", "aldre80", "sc-tal", "sc-kommun", "karta-invanare-per-vc", "dialog-aldre", "dialog-tg"):
        assert wanted in ids
    assert sum(i.startswith("tg-") for i in ids) == 5  # the five Kolada indicators
    assert sum(i.startswith("karta-") for i in ids) == 10  # every map measure


def test_ids_are_stable_across_builds_and_assumptions(ds, inputs, specs):
    other = slides.catalogue(ds, inputs.default_forecast, scenario.Assumptions(andel_ordinart=0.25), inputs)
    assert [s.id for s in other] == [s.id for s in specs]


def test_every_slide_builds_with_title_sources_and_alt_text(specs):
    for spec in specs:
        s = spec.build()
        assert s.id == spec.id and s.kind == spec.kind and s.title
        assert s.sources and s.sources[0].startswith("Källa: "), s.id
        assert s.alt_text, s.id
        if s.kind == "figure":
            assert s.figure and s.figure["data"] and s.table is not None, s.id


def test_kommun_slide_numbers_are_the_overview_table(ds, inputs, specs):
    s = _by_id(specs, "kommuner")
    page = oversikt.kommun_display(ds, inputs.default_forecast)
    rows = s.table_text()
    header = rows[0]
    assert "Snitt listade per VC" not in header  # the deck's "ca 7 400" stays on the headline slide
    assert [r for r in rows[1:]] == page[header].values.tolist()
    t = s.table.set_index("Kommun")
    # HSU-2023: Kungsbacka 11 VC and no filial, Halmstad 14 and 5, the region 47 and 11
    assert (t.at["Kungsbacka", "Vårdcentraler"], t.at["Kungsbacka", "Filialer"]) == (11, 0)
    assert (t.at["Halmstad", "Vårdcentraler"], t.at["Halmstad", "Filialer"]) == (14, 5)
    assert (t.at["Halland totalt", "Vårdcentraler"], t.at["Halland totalt", "Filialer"]) == (47, 11)


def test_pop80_slide_numbers_are_the_befolkning_table(ds, specs):
    s = _by_id(specs, "aldre80")
    page = befolkning.pop80_display(ds)
    assert s.table_text()[1:] == page.values.tolist()
    assert s.table_text()[0] == list(page.columns)
    # the table holds numbers, the view's formatter shows them
    assert pd.api.types.is_numeric_dtype(s.table["2025"])


def test_scenario_slide_numbers_are_the_scenario_page_for_the_same_assumptions(ds, inputs):
    a = scenario.Assumptions(andel_ordinart=0.25, horisont=2035)
    s = _by_id(slides.catalogue(ds, inputs.default_forecast, a, inputs), "sc-kommun")
    res = scenario.run(inputs, a)
    page = scenario_view.kommun_table(res)
    rows = s.table_text()
    assert [r[0] for r in rows[1:]] == page["Kommun"].tolist()
    for j, key in enumerate(slides.SCENARIO_SLIDE_OUTPUTS, start=1):
        o = scenario.OUTPUT[key]
        assert rows[0][j] == f"{o.short_sv} 2035"
        assert [r[j] for r in rows[1:]] == page[o.label_sv].tolist(), key
    # 25 % of the region's 80+ in ordinary housing, as the model gives it
    total = s.table.set_index("Kommun").loc["Halland totalt"]
    assert total[f"{scenario.OUTPUT['inskrivna_ordinart'].short_sv} 2035"] == scenario.shown("inskrivna_ordinart", res.level("inskrivna_ordinart"))
    labels = [label for label, _, _ in s.assumptions]
    assert any("ordinärt boende" in label for label in labels)
    assert ("Framskrivning till år", "2035") in [(l, v) for l, v, _ in s.assumptions]


def test_default_scenario_2030_headline(specs):
    s = _by_id(specs, "sc-tal")
    numbers = {label: fmt.plain(value) for label, value, _ in s.numbers}
    # the 80+ in 2030 is the sum of the kommuner in the age table (FACTS S2: 30 147)
    assert numbers["Invånare 80+"] == "30 147"
    assert s.body == ("Scenario: Standard",)
    assert s.assumptions


def test_headline_slide_is_the_overview_headlines(ds, inputs, specs):
    s = _by_id(specs, "oversikt")
    heads = oversikt.headlines(ds, inputs.default_forecast)
    assert [(label, value) for label, value, _ in s.numbers] == [(h.label, h.value) for h in heads]
    values = {label: fmt.plain(v) for label, v, _ in s.numbers}
    assert values["Vårdcentraler / filialer"] == "47 / 11"
    assert values["Längsta avstånd till VC"] == "25 km"


def test_map_slide_lists_every_kommun_highest_first(specs):
    s = _by_id(specs, "karta-vardcentraler")
    rows = _plain_rows(s)
    assert rows[0] == ["Kommun", "Värde"]
    assert rows[1] == ["Halmstad", "14"] and rows[-1] == ["Hylte", "1"]
    assert len(rows) == 7


def test_access_slide_has_riket_and_the_series(ds, specs):
    from naravard.views import tillganglighet

    s = _by_id(specs, "tg-n79179")
    page = tillganglighet.indicator_table(ds, "N79179")
    assert s.table_text() == [list(page.columns), *page.values.tolist()]
    halland = s.table.set_index("Område").loc["Halland"]
    assert halland["2025"] == pytest.approx(89.8)  # Kolada N79179 (FACTS S3)
    areas = s.table["Område"].tolist()
    assert "Riket" in areas and "Halland" in areas
    assert all(fmt.plain(c).endswith("%") or c == "–" for row in s.table_text()[1:] for c in row[1:])


def test_dialog_slides_quote_the_deck(ds, specs):
    aldre = _by_id(specs, "dialog-aldre")
    assert aldre.kind == "text"
    assert aldre.body[0].startswith("Vilket strategiskt val möter behoven av läkare")
    assert aldre.body[-1] == "Vad är bäst för hallänningen?"
    assert sum(line.startswith("Vägval ") for line in aldre.body) == 3
    tg = _by_id(specs, "dialog-tg")
    assert "Vilka krav på öppettider ska gälla?" in tg.body
    assert all("**" not in line for line in aldre.body + tg.body)


def test_catalogue_without_inputs_has_no_scenario_slides(ds, inputs):
    ids = [s.id for s in slides.catalogue(ds, inputs.default_forecast, None, None)]
    assert "sc-tal" not in ids and "oversikt" in ids


def test_slide_rejects_a_bad_id_or_kind():
    with pytest.raises(ValueError):
        slides.Slide("Ö", "t", "text")
    with pytest.raises(ValueError):
        slides.Slide("ok", "t", "video")


# ------------------------------------------------------------------ link ids


def test_parse_keeps_order_and_drops_unknown_and_repeated(specs):
    ids, warnings = slides.parse_slide_ids("sc-kommun, oversikt;KOMMUNER  oversikt,nope,<b>x</b>", specs)
    assert ids == ["sc-kommun", "oversikt", "kommuner"]
    assert len(warnings) == 2
    assert "”nope”" in warnings[0] and "<b>x</b>" in warnings[0] and "finns inte" in warnings[0]
    assert "”oversikt”" in warnings[1] and "flera gånger" in warnings[1]


def test_parse_caps_at_thirty(specs):
    ids_all = [s.id for s in specs]
    assert len(ids_all) < slides.MAX_SLIDES + 5
    # repeat known ids as distinct ones cannot exceed the catalogue; build a bigger fake one
    many = [slides.SlideSpec(f"s{i}", f"S{i}", "text", lambda: None) for i in range(40)]
    ids, warnings = slides.parse_slide_ids(",".join(f"s{i}" for i in range(40)), many)
    assert ids == [f"s{i}" for i in range(30)]
    assert warnings == ["En presentation har högst 30 bilder; 10 till hoppades över."]


def test_parse_hostile_input_never_raises(specs):
    assert slides.parse_slide_ids("", specs) == ([], [])
    ids, warnings = slides.parse_slide_ids("x" * 100_000, specs)
    assert ids == [] and len(warnings) == 2 and "för lång" in warnings[0]
    assert all(len(w) < 200 for w in warnings)
    ids, warnings = slides.parse_slide_ids("oversikt,\x00\x1b[31m," + ",".join(f"u{i}" for i in range(50)), specs)
    assert ids == ["oversikt"] and "och 46 till" in warnings[0] and "\x00" not in warnings[0]
    assert slides.parse_slide_ids(None, specs)[0] == []  # type: ignore[arg-type]


# ------------------------------------------------------------- another region


def test_another_regions_slides_name_no_halland(tmp_path):
    from tests.test_region import write_region

    from naravard.export.handout.pdf import build_pdf
    from naravard.export.handout.pptx import build_pptx
    import io
    import pypdf
    from pptx import Presentation

    other = load_dataset(write_region(tmp_path / "data"))
    inputs = scenario.ModelInputs.from_dataset(other)
    specs = slides.catalogue(other, inputs.default_forecast, None, inputs)
    deck = [s.build() for s in specs]
    assert {"oversikt", "kommuner", "sc-kommun", "dialog-tg"} <= {s.id for s in deck}
    texts = []
    for s in deck:
        texts += [s.title, s.alt_text, *s.sources, *s.body, *(x for n in s.numbers for x in n)]
        texts += [c for row in s.table_text() for c in row]
        texts += [x for a in s.assumptions for x in a]
    blob = "\n".join(texts)
    assert "Blekinge totalt" in blob and "Vad är bäst för blekingarna?" in blob
    assert not re.search(r"(?i)hallan|hallän", blob)
    pptx = Presentation(io.BytesIO(build_pptx(deck, title="Primärvården i Blekinge")))
    assert len(pptx.slides) == len(deck) + 1
    pdf = pypdf.PdfReader(io.BytesIO(build_pdf(deck, title="Primärvården i Blekinge")))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Blekinge totalt" in text and not re.search(r"(?i)hallan|hallän", text)


def test_handout_meta_has_date_data_versions_forecast_and_scenario(ds, inputs):
    import datetime as dt

    meta = slides.handout_meta(ds, inputs.default_forecast, "", today=dt.date(2026, 11, 30))
    assert meta["Datum"] == "2026-11-30"
    versions = meta["Data"].split("; ")
    assert "HSU-2023 (2023)" in versions and len(versions) == len(set(versions))
    assert any(v.startswith("KOLADA (") for v in versions)
    assert meta["Prognos"] == scenario.ModelInputs.forecast_label(inputs, None)
    assert meta["Scenario"] == "Standardantagandena"
    assert slides.handout_meta(ds, inputs.default_forecast, '<b>&"')["Scenario"] == '<b>&"'


def test_geography_questions_become_a_slide_when_the_data_has_them(ds, inputs):
    """The geography theme (issue 12 adds ``geo_questions`` to the dialogue file): its
    slide appears once the data holds the theme's questions, placeholders filled."""
    import dataclasses

    from naravard.sources.dialog import Dialog

    @dataclasses.dataclass(frozen=True)
    class GeoDialog(Dialog):
        geo_questions: tuple[str, ...] = ()

    questions = ("Vill vi ha och behöver vi fler vårdcentraler?", "Längst till VC idag: {max_avstand_vc_km} km.")
    geo = dataclasses.replace(ds, dialog=GeoDialog(**{f.name: getattr(ds.dialog, f.name) for f in dataclasses.fields(Dialog)} | {"geo_questions": questions}))
    specs = slides.catalogue(geo, inputs.default_forecast, None, inputs)
    ids = [s.id for s in specs]
    assert ids.index("dialog-aldre") < ids.index("dialog-geo") < ids.index("dialog-tg")
    s = _by_id(specs, "dialog-geo")
    assert s.title == "Frågor till dialogen: Geografi och utbudspunkter"
    assert s.body == ("Vill vi ha och behöver vi fler vårdcentraler?", "Längst till VC idag: 25 km.", "Vad är bäst för hallänningen?")
