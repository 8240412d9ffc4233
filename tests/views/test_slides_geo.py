"""The geography slides (naravard.views.slides with a GeoInput): the Geografi page's
numbers for the same scenario and register, the example's label on every slide it
feeds, the what-if only when the scenario changes units, the population map with the
grid's figures (FACTS.md S6, S7)."""

from __future__ import annotations

import pytest

from naravard import fmt
from naravard.model import scenario
from naravard.model.geo.changes import changes_from_text
from naravard.model.scenario import Assumptions
from naravard.services import geografi as geo_service
from naravard.services import units
from naravard.services.geografi import grid_year_of
from naravard.sources.dataset import load_dataset
from naravard.sources.grid import grid_info, load_grid
from naravard.views import geografi as geo_view
from naravard.views import slides

EXAMPLE_LABEL = "Exempel: OpenStreetMap 2020, ofullständigt – 14 enheter av 58"  # FACTS.md S7
OSM = "© OpenStreetMap contributors (ODbL)"
# A filial far out in the east of the region (SWEREF 99 TM), as a link writes it.
ADD = "+f:372000:6300000"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def inputs(ds):
    return scenario.ModelInputs.from_dataset(ds)


@pytest.fixture(scope="module")
def geo(ds):
    frame, info = units.example_register(ds)
    gi = grid_info(None)
    return slides.GeoInput(
        grid=load_grid(None, codes=ds.kommun_codes), grid_year=grid_year_of(gi.date), grid_citation=gi.citation,
        register=frame, register_label_sv=info.label_sv, register_attribution=info.attribution,
    )


def _specs(ds, inputs, geo, a):
    return slides.catalogue(ds, inputs.default_forecast, a, inputs, geo=geo)


def _slide(specs, slide_id):
    return slides.build(specs, [slide_id])[0]


def _analysis(ds, inputs, geo, a):
    """The Geografi page's use case for the same scenario (its "Scenariots år")."""
    return geo_service.analyse(ds, a.replace(enheter=()), geo.register, a.enheter, grid=geo.grid,
                               grid_year=geo.grid_year, inputs=inputs, register_label_sv=geo.register_label_sv,
                               register_attribution=geo.register_attribution)


def test_catalogue_places_geography_after_the_maps_and_before_access(ds, inputs, geo):
    ids = [s.id for s in _specs(ds, inputs, geo, Assumptions(prognos=inputs.default_forecast))]
    assert [i for i in ids if i.startswith("geo-")] == ["geo-avstand", "geo-kommun", "geo-befolkning"]
    assert ids.index("geo-avstand") > max(i for i, x in enumerate(ids) if x.startswith("karta-"))
    assert ids.index("geo-befolkning") < min(i for i, x in enumerate(ids) if x.startswith("tg-"))


def test_without_grid_or_register_the_catalogue_says_nothing_of_geography(ds, inputs, geo):
    a = Assumptions(prognos=inputs.default_forecast)
    no_reg = slides.GeoInput(grid=geo.grid, grid_year=geo.grid_year, grid_citation=geo.grid_citation)
    assert [s.id for s in _specs(ds, inputs, no_reg, a) if s.id.startswith("geo-")] == ["geo-befolkning"]
    assert not [s.id for s in slides.catalogue(ds, inputs.default_forecast, a, inputs) if s.id.startswith("geo-")]


def test_distance_slide_is_the_geografi_headline_with_the_example_label(ds, inputs, geo):
    a = Assumptions(prognos=inputs.default_forecast)
    s = _slide(_specs(ds, inputs, geo, a), "geo-avstand")
    an = _analysis(ds, inputs, geo, a)
    page = [(label, value) for label, value, _, _ in geo_view.headline(an, ds)]
    assert [(label, value) for label, value, _ in s.numbers] == page
    assert dict((label, fmt.plain(v)) for label, v, _ in s.numbers)["Längst till vårdcentral"] == "42,7 km"
    assert dict((label, note) for label, _, note in s.numbers)["Längst till vårdcentral"] == "dialogunderlaget: 25 km (2023)"
    # the example has no filial (OpenStreetMap does not tell them apart): said, not hidden
    assert dict((label, (v, n)) for label, v, n in s.numbers)["Längst till filial"] == (
        "–", "registret har ingen filial; dialogunderlaget: 21 km (2023)")
    assert s.title.endswith(str(an.scaling.year))
    assert EXAMPLE_LABEL in s.body[0] and OSM in s.body[0]
    assert any(EXAMPLE_LABEL in line and OSM in line for line in s.sources)
    assert any(line.startswith("Källa: befolkning per ruta: SCB, Statistik på rutor") for line in s.sources)


def test_kommun_slide_numbers_are_the_geografi_table(ds, inputs, geo):
    a = Assumptions(prognos=inputs.default_forecast)
    s = _slide(_specs(ds, inputs, geo, a), "geo-kommun")
    page = geo_view.kommun_table(_analysis(ds, inputs, geo, a), ds)
    rows = s.table_text()
    assert rows[0] == ["Kommun", "Invånare i rutorna", "Medel, km", "Inom 10 km", "Inom 20 km", "Längst, km"]
    assert [r[0] for r in rows[1:]] == page["Kommun"].to_list()
    for j, col in enumerate(rows[0][1:], start=1):
        assert [r[j] for r in rows[1:]] == page[col].to_list(), col
    region = rows[-1]
    assert region[0] == ds.region.kort_namn and fmt.plain(region[-1]) == "42,7"
    assert EXAMPLE_LABEL in s.body[0]
    assert any("1,1" in n for n in s.notes)  # grid sums vs official totals (FACTS.md S6)


def test_what_if_slide_only_with_changes_and_shows_change_and_assumptions(ds, inputs, geo):
    a = Assumptions(prognos=inputs.default_forecast, enheter=tuple(changes_from_text(ADD)))
    specs = _specs(ds, inputs, geo, a)
    assert "geo-andring" in [x.id for x in specs]
    s = _slide(specs, "geo-andring")
    an = _analysis(ds, inputs, geo, a)
    before = geo_service.analyse(ds, a.replace(enheter=()), geo.register, (), grid=geo.grid, grid_year=geo.grid_year,
                                 inputs=inputs)
    share_label = "Inom 10 km från vårdcentral eller filial"
    after_share = dict((label, v) for label, v, _, _ in geo_view.headline(an, ds))[share_label]
    before_share = dict((label, v) for label, v, _, _ in geo_view.headline(before, ds))[share_label]
    assert after_share != before_share
    assert dict((label, v) for label, v, _ in s.numbers)[share_label] == after_share
    assert dict((label, n) for label, _, n in s.numbers)[share_label].startswith("förändring +")
    assert "Ny filial vid 372000 / 6300000 (SWEREF 99 TM)" in s.body
    assert EXAMPLE_LABEL in s.body[0]
    assert any("med scenariots ändringar" in line for line in s.sources)
    assert "Befolkningsprognos" in [label for label, _, _ in s.assumptions]  # the scenario slide shows its assumptions


def test_population_map_slide_has_the_grid_figures(ds, inputs, geo):
    s = _slide(_specs(ds, inputs, geo, Assumptions(prognos=inputs.default_forecast)), "geo-befolkning")
    assert s.kind == "figure" and s.figure is not None
    assert fmt.plain(s.alt_text).startswith("Karta över 3 940 befolkade km-rutor med sammanlagt 346 002 invånare")
    rows = s.table_text()
    assert rows[0] == ["Kommun", "Invånare i rutorna", "Folkmängd 2025"]
    assert sum(fmt.parse_number(r[1]) for r in rows[1:]) == 346_002  # FACTS.md S6
    b = ds.table("befolkning")
    official = {str(k): v for k, v, y in zip(b["regionkod"], b["population"], b["year"]) if y == 2025}
    names = ds.kommun_names()
    assert [fmt.parse_number(r[2]) for r in rows[1:]] == [official[c] for c in names]  # S1, not the grid's sums
    assert rows[1][0] == "Kungsbacka" and fmt.plain(rows[1][2]) == "86 333"
    assert "1,1" in s.body[0]
    assert any("SCB, Statistik på rutor: befolkning per km-ruta 2025-12-31 (CC0)" in line for line in s.sources)
    assert EXAMPLE_LABEL not in " ".join(s.sources)  # the grid alone: no register feeds it


def test_geography_slides_in_the_handouts_carry_the_example_label(ds, inputs, geo):
    """PPTX and PDF (tables only: no browser asked for) of the four geography slides."""
    import io

    from pptx import Presentation
    from pypdf import PdfReader

    from naravard.export.handout.pdf import build_pdf
    from naravard.export.handout.pptx import build_pptx

    a = Assumptions(prognos=inputs.default_forecast, enheter=tuple(changes_from_text(ADD)))
    built = slides.build(_specs(ds, inputs, geo, a), list(slides.GEO_IDS))
    meta = slides.handout_meta(ds, inputs.default_forecast, "Ny filial i öster")
    prs = Presentation(io.BytesIO(build_pptx(built, title="Geografi", meta=meta)))
    shown = list(prs.slides)[1:]
    assert [s.shapes.title.text for s in shown] == [s.title for s in built]
    for s, slide in zip(shown[:3], built[:3]):
        text = " ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame)
        notes = s.notes_slide.notes_text_frame.text
        assert EXAMPLE_LABEL in text + notes, slide.id
    table = next(sh.table for sh in shown[1].shapes if sh.has_table)
    assert fmt.plain(table.cell(len(table.rows) - 1, 5).text) == fmt.plain(built[1].table_text()[-1][5])
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(build_pdf(built, title="Geografi", meta=meta))).pages)
    assert EXAMPLE_LABEL in pdf and "Ny filial i öster" in pdf
