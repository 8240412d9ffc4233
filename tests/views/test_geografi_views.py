"""The Geografi page's views: figures, headline, tables and texts on the closed-form case
(tests/services/geo_case.py), Swedish formats, the example's label on everything it feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from naravard import fmt
from naravard.model.geo.changes import REMOVE, UnitChange
from naravard.services import geografi as svc
from naravard.sources import geoframes as gf
from naravard.sources.boundaries import resolve_boundaries
from naravard.views import figures
from naravard.views import geografi as gv
from tests.services import geo_case as case

EXAMPLE_LABEL = "Exempel: OpenStreetMap 2020, ofullständigt – 14 enheter av 58"
OSM = "© OpenStreetMap contributors (ODbL)"
NB = fmt.NBSP


@pytest.fixture(scope="module")
def ds():
    return case.dataset()


@pytest.fixture(scope="module")
def boundaries(ds):
    return resolve_boundaries(ds.region.lanskod, expected_codes=ds.kommun_codes).gdf


@pytest.fixture(scope="module")
def before(ds):
    return case.analyse(ds)


@pytest.fixture(scope="module")
def after(ds):
    return case.analyse(ds, [case.ADD_AT_S4])


# ------------------------------------------------------------------ headline


def test_headline_values_are_the_closed_form_ones(ds, before):
    h = {label: (value, delta, help_) for label, value, delta, help_ in gv.headline(before, ds)}
    assert list(h) == ["Längst till vårdcentral", "Längst till filial", "Inom 10 km från vårdcentral eller filial",
                       "Invånare per enhet"]
    assert h["Längst till vårdcentral"][0] == f"24,0{NB}km"
    assert h["Längst till filial"][0] == f"12,0{NB}km"
    assert h["Inom 10 km från vårdcentral eller filial"][0] == f"60,0{NB}%"
    assert h["Invånare per enhet"][0] == "500"
    assert all(d == "" for _, d, _ in h.values()), "no changes, no deltas"
    vc_help = h["Längst till vårdcentral"][2]
    assert "Dialogunderlaget: 25 km" in vc_help and svc.DECK_UNMEASURED_SV in vc_help
    assert "Dialogunderlaget: 21 km" in h["Längst till filial"][2]
    assert ds.kommun_names()[case.kommuner(ds)[1]] in vc_help, "where the farthest square lies"


def test_headline_deltas_after_adding_a_filial(ds, after):
    h = {label: (value, delta) for label, value, delta, _ in gv.headline(after, ds)}
    assert h["Längst till vårdcentral"] == (f"24,0{NB}km", ""), "the VC's longest did not move"
    assert h["Längst till filial"] == (f"12,0{NB}km", "")
    assert h["Inom 10 km från vårdcentral eller filial"] == (f"100,0{NB}%", "+40,0 procentenheter")
    # 1 000 / 3 = 333 per unit, from 500: a real minus sign
    assert h["Invånare per enhet"] == ("333", f"{fmt.MINUS}167")


def test_longest_delta_is_signed_km(ds):
    a = case.analyse(ds, [UnitChange("add", unit_type=gf.TYPE_VC, x=case.XS["s4"], y=case.Y)])
    h = {label: (value, delta) for label, value, delta, _ in gv.headline(a, ds)}
    # VC on s4 too: the farthest from a VC is now s3 (12 km), from 24 km
    assert h["Längst till vårdcentral"] == (f"12,0{NB}km", f"{fmt.MINUS}12,0{NB}km")


# ------------------------------------------------------------------ tables


def test_kommun_table_values_and_swedish_headers(ds, before, after):
    ka, kb = case.kommuner(ds)
    names = ds.kommun_names()
    t = gv.kommun_table(before, ds).set_index("Kommun")
    assert list(t.index) == [names[ka], names[kb], ds.region.kort_namn]
    assert list(t.columns) == ["Invånare i rutorna", "Medel, km", "Median, km", "Inom 5 km", "Inom 10 km", "Inom 15 km",
                               "Inom 20 km", "Längst, km", "Vårdcentraler", "Filialer", "Nära befolkning", "Listade"]
    region = t.loc[ds.region.kort_namn]
    assert region["Invånare i rutorna"] == f"1{NB}000"
    assert (region["Medel, km"], region["Median, km"], region["Längst, km"]) == ("5,4", "3,0", "12,0")
    assert region["Inom 10 km"] == f"60,0{NB}%" and region["Inom 20 km"] == f"100,0{NB}%"
    b = t.loc[names[kb]]
    # kommun B: s3 0 km (300), s4 12 km (400): mean 4 800 / 700
    assert b["Medel, km"] == "6,9" and b["Inom 10 km"] == f"42,9{NB}%"
    assert (b["Vårdcentraler"], b["Filialer"]) == ("0", "1")
    assert t.loc[names[ka], "Nära befolkning"] == "300" and b["Nära befolkning"] == "700"
    assert t.loc[names[ka], "Listade"] == f"2{NB}500" and b["Listade"] == "uppgift saknas", "unknown is not 0"
    assert region["Listade"] == f"2{NB}500"

    t2 = gv.kommun_table(after, ds).set_index("Kommun")
    b2 = t2.loc[names[kb]]
    assert b2["Medel, km"] == "0,0" and b2["Filialer"] == "2"
    assert b2[f"Förändring medel, km"] == f"{fmt.MINUS}6,9"
    assert b2["Förändring inom 10 km"] == "+57,1 procentenheter"
    assert t2.loc[names[ka], "Förändring medel, km"] == "0,0", "no '+0,0' for an unchanged kommun"


def test_kommun_table_in_minutes_with_a_matrix(ds):
    rows = [(case.IDS[s], "vc-1", v) for s, v in {"s1": 1, "s2": 5, "s3": 30, "s4": 40, "s5": 50}.items()]
    a = case.analyse(ds, cost=pd.DataFrame(rows, columns=list(gf.COST_COLUMNS)), cost_unit="min", unit_types=(gf.TYPE_VC,))
    t = gv.kommun_table(a, ds)
    assert "Medel, minuter" in t.columns and "Inom 10 minuter" in t.columns
    assert a.distance_label_sv.startswith("restid")


def test_kommun_table_note_says_how_far_the_grid_is_from_the_official_figures(ds, before):
    note = gv.kommun_table_note(before, ds)
    assert "mittpunkt" in note and gv.LISTING_VS_PROXIMITY_SV in note
    # the synthetic grid's sums are far from the official ones: the gap is computed, not typed
    ka, kb = case.kommuner(ds)
    b = ds.table("befolkning")
    off = {k: float(b[(b["regionkod"] == k) & (b["year"] == case.GRID_YEAR)]["population"].iloc[0]) for k in (ka, kb)}
    worst = max(abs(300 - off[ka]) / off[ka], abs(700 - off[kb]) / off[kb])
    assert fmt.percent(worst * 100, 1) in note


def test_catchment_table_near_population_beside_listed(ds, before, after):
    t = gv.catchment_table(before, ds).set_index("Enhet")
    assert t.loc["Testcentralen", "Nära befolkning"] == "300" and t.loc["Testfilialen", "Nära befolkning"] == "700"
    assert t.loc["Testcentralen", "Listade"] == f"2{NB}500"
    assert t.loc["Testcentralen", "Listade minus nära"] == f"+2{NB}200"
    assert t.loc["Testfilialen", "Listade"] == "uppgift saknas" and t.loc["Testfilialen", "Listade minus nära"] == "–"
    assert "Förändring" not in t.columns
    t2 = gv.catchment_table(after, ds, only_changed=True).set_index("Enhet")
    assert list(t2.index) == ["Testfilialen", "Ny filial 1"]
    assert t2.loc["Testfilialen", "Förändring"] == f"{fmt.MINUS}400" and t2.loc["Ny filial 1", "Förändring"] == "+400"
    r = case.analyse(ds, [UnitChange(REMOVE, unit_id="fi-1")])
    t3 = gv.catchment_table(r, ds).set_index("Enhet")
    assert t3.loc["Testfilialen (tas bort)", "Nära befolkning"] == "0"
    assert t3.loc["Testfilialen (tas bort)", "Förändring"] == f"{fmt.MINUS}700"
    assert t3.loc["Testcentralen", "Förändring"] == f"+{700}"


# ------------------------------------------------------------------ the map


def _squares(chart):
    return [chart.data[i] for i in chart.meta["square_traces"]]


def test_map_squares_are_clickable_points_with_their_ruta_id(ds, boundaries, after):
    c = gv.map_figure(boundaries, after, names=ds, title="Avstånd")
    c.to_plotly()
    ids = [i for t in _squares(c) for i in t["customdata"]]
    assert sorted(ids) == sorted(case.IDS.values()), "every square once, by its ruta id"
    lay = c.layout
    assert lay["uirevision"] == gv.UIREVISION and lay["yaxis"]["scaleanchor"] == "x"
    assert lay["separators"] == "," + NB and lay["height"] == gv.HEIGHT
    text = json.dumps(c.figure)
    assert "http" not in text and not any(t["type"] != "scatter" for t in c.data)
    # a click on a square gives its id; a click on a unit is not a square
    sq_curve = c.meta["square_traces"][0]
    event = {"selection": {"points": [{"curve_number": sq_curve, "point_number": 0, "customdata": _squares(c)[0]["customdata"][0]}]}}
    assert gv.clicked_square(event, c) == _squares(c)[0]["customdata"][0]
    unit_curve = c.meta["unit_traces"][0]
    unit_event = {"selection": {"points": [{"curve_number": unit_curve, "customdata": c.data[unit_curve]["customdata"][0]}]}}
    assert gv.clicked_square(unit_event, c) is None and gv.clicked_unit(unit_event, c) == "vc-1"
    assert gv.clicked_square({"selection": {"points": []}}, c) is None and gv.clicked_square(None, c) is None
    assert gv.square_xy(after.demand, case.IDS["s2"]) == (case.XS["s2"], case.Y)


def test_distance_bands_have_colour_and_size_and_a_swedish_legend(ds, boundaries, before):
    c = gv.map_figure(boundaries, before, names=ds, key=gf.TYPE_VC)
    bands = {t["name"]: t for t in _squares(c)}
    labels = gv.band_labels()
    assert labels == [f"0–5{NB}km", f"5–10{NB}km", f"10–15{NB}km", f"15–20{NB}km", f"över 20{NB}km"]
    # VC distances: s1 0, s2 3 (0–5), s3 12 (10–15), s4 24 and s5 30 (over 20)
    assert sorted(bands[labels[0]]["customdata"]) == sorted([case.IDS["s1"], case.IDS["s2"]])
    assert bands[labels[2]]["customdata"] == [case.IDS["s3"]]
    assert sorted(bands[labels[4]]["customdata"]) == sorted([case.IDS["s4"], case.IDS["s5"]])
    sizes = [bands[lab]["marker"]["size"] for lab in (labels[0], labels[2], labels[4])]
    colors = {bands[lab]["marker"]["color"] for lab in (labels[0], labels[2], labels[4])}
    assert sizes == sorted(sizes) and len(set(sizes)) == 3, "farther is bigger: a second carrier"
    assert len(colors) == 3 and all(t["showlegend"] for t in bands.values())
    far = [t for t in c.data if str(t.get("name", "")).startswith("Längst till vårdcentral")]
    assert far and far[0]["x"] == [case.XS["s4"]] and f"24,0{NB}km" in far[0]["name"]


def test_units_by_type_added_units_marked_and_suggestions_numbered(ds, boundaries, after):
    sites = pd.DataFrame({"rank": [1, 2], "demand_id": [case.IDS["s2"], case.IDS["s5"]], "x": [case.XS["s2"], case.XS["s5"]],
                          "y": [case.Y, case.Y], "gain": [200.0, 0.0]})
    c = gv.map_figure(boundaries, after, names=ds, suggestions=sites, suggestion_gain_label="fler inom 10 km")
    units = {c.data[i]["name"]: c.data[i] for i in c.meta["unit_traces"]}
    vc, fi, new = units["Vårdcentraler (1)"], units["Filialer (1)"], units["Ny filial i scenariot (1)"]
    assert vc["marker"]["symbol"] != fi["marker"]["symbol"]
    assert vc["marker"]["color"] in figures.PALETTE and fi["marker"]["color"] in figures.PALETTE
    assert vc["marker"]["color"] != fi["marker"]["color"]
    assert new["marker"]["symbol"] == gv.ADDED_SYMBOL and new["customdata"] == ["ny-1"]
    s = c.data[c.meta["suggestion_trace"]]
    assert s["text"] == ["1", "2"] and s["x"] == [case.XS["s2"], case.XS["s5"]]
    assert "fler inom 10 km 200" in s["hovertext"][0].replace(NB, " ")


def test_population_map_without_a_register(ds, boundaries):
    grid = case.grid(ds)
    c = gv.map_figure(boundaries, grid, names=ds, color_by=gv.COLOR_BY_BAND)
    c.to_plotly()
    assert c.meta["color_by"] == gv.COLOR_BY_POP and c.meta["unit_traces"] == []
    classes = {t["name"]: t["customdata"] for t in _squares(c)}
    assert classes["0 invånare (små tal visas som 0)"] == [case.IDS["s5"]]
    assert classes["100–499 invånare"] == [case.IDS["s1"], case.IDS["s2"], case.IDS["s3"], case.IDS["s4"]]
    alt = gv.map_text_alternative(grid, names=ds)
    assert f"5 befolkade km-rutor med sammanlagt 1{NB}000 invånare" in alt
    none = gv.map_figure(None, grid)
    assert any("Kommungränser saknas" in a["text"] for a in none.layout["annotations"])


# ------------------------------------------------------------------ the example's label


def test_example_label_on_every_figure_it_feeds(ds, boundaries):
    a = case.analyse(ds, [case.ADD_AT_S4], register_label_sv=EXAMPLE_LABEL, register_attribution=OSM)
    for color_by in gv.COLOR_MODES:
        c = gv.map_figure(boundaries, a, names=ds, color_by=color_by)
        notes = " ".join(x["text"] for x in c.layout.get("annotations", []))
        assert fmt.plotly_text(EXAMPLE_LABEL) in notes and fmt.plotly_text(OSM) in notes, "in the figure: a PNG keeps it"
    assert EXAMPLE_LABEL in gv.map_text_alternative(a, names=ds)
    lines = " ".join(gv.source_lines(ds, a, grid_citation="SCB", boundary_citation="SCB gränser"))
    assert EXAMPLE_LABEL in lines and OSM in lines
    plain = case.analyse(ds)
    c = gv.map_figure(boundaries, plain, names=ds)
    assert not c.layout.get("annotations"), "a planner's register carries no example note"


def test_source_lines(ds, boundaries):
    a = case.analyse(ds, scenario=(2030, "RH2026"))
    lines = gv.source_lines(ds, a, grid_citation="SCB, Statistik på rutor", boundary_citation="SCB, Digitala gränser")
    assert lines[0].startswith("Källa: befolkning per ruta: SCB, Statistik på rutor; skalad till 2030")
    assert svc.ASSUMPTION_SV in lines[0]
    assert "Enheter: inläst register." in lines
    assert "Avstånd: fågelvägen (km)." in lines
    assert "Kommungränser: SCB, Digitala gränser." in lines
    assert lines[-1].startswith("Dialogunderlagets avstånd: " + ds.sources["HSU-2023"].citation)


def test_text_alternatives_state_the_main_message(ds, after):
    alt = gv.map_text_alternative(after, names=ds)
    assert f"100,0{NB}% bor inom 10 km" in alt
    assert f"Längst: 3,0{NB}km" in alt and f"före ändringarna 12,0{NB}km" in alt
    assert "Ny filial vid" in alt
    cat = gv.catchment_text_alternative(after)
    assert gv.LISTING_VS_PROXIMITY_SV in cat and "1 befintliga enheter" in cat


# ------------------------------------------------------------------ the page without a register


def test_no_register_content(ds):
    c = gv.no_register_content(ds, case.grid(ds))
    deck = " ".join(c.deck_lines)
    assert "25 km" in deck and "21 km" in deck and "anger inte hur avståndet mättes" in deck
    t = c.travel_table
    assert len(t) == len(ds.table("restid")) and "inget värde" in set(t["Gång (min)"])
    assert c.travel_source == f"Källa: {ds.source_of('restid').citation}"
    assert "mallen" in c.how_to_load and "ofullständigt" in c.how_to_load
    est = " ".join(c.establishment)
    assert "(LOV)" in est and gv.SUGGESTION_SCOPE_SV in c.establishment
    assert "filial" in c.questions and c.population_alt


def test_deck_quotes_come_from_the_data_dir(ds):
    """The LOV sentence and the longest distances are quotes of the deck: in dialog.toml,
    with the figures from the key-figure table, not literals in the code."""
    code = Path(gv.__file__).read_text(encoding="utf-8") + Path(svc.__file__).read_text(encoding="utf-8")
    d = ds.dialog
    for quote in (*d.geo_establishment, *d.geo_facts):
        assert quote[:60] not in code
    assert "25 km" not in code and "21 km" not in code
    assert any("{max_avstand_vc_km}" in f for f in d.geo_facts)


# ------------------------------------------------------------------ suggestions


def test_suggestion_on_the_closed_form_case(ds, boundaries, before):
    """Within 10 km of the VC (s1) or the filial (s3): s1, s2, s3 = 600 persons. One new
    site within 10 km of s4 brings its 400 in; the only populated candidate that does is s4."""
    r = svc.suggest(before, p=1, method=svc.MCLP, radius_km=10)
    assert list(r.sites["demand_id"]) == [case.IDS["s4"]]
    assert (r.before, r.after, r.sites["gain"].iloc[0]) == (pytest.approx(600), pytest.approx(1000), pytest.approx(400))
    t = gv.suggestion_table(r, ds)
    assert list(t.columns) == ["Nr", "Kommun", "Ruta", "Invånare som får fler inom 10 km", "Sammanlagt"]
    assert t.iloc[0].tolist() == ["1", ds.kommun_names()[case.kommuner(ds)[1]], case.IDS["s4"], "400", "400"]
    assert gv.suggestion_text(r).startswith(f"Invånare inom 10 km från en enhet: 600 → 1{NB}000 av 1{NB}000.")
    c = gv.map_figure(boundaries, before, names=ds, suggestions=r.sites, suggestion_gain_label=gv.suggestion_gain_label(r))
    s = c.data[c.meta["suggestion_trace"]]
    assert s["text"] == ["1"] and s["x"] == [case.XS["s4"]]
    pm = svc.suggest(before, p=1, method=svc.PMEDIAN)
    # p-median: a site on s4 saves 400 × 12 km = 4,8 km on the mean (5,4 → 0,6)
    assert list(pm.sites["demand_id"]) == [case.IDS["s4"]]
    assert (pm.before, pm.after) == (pytest.approx(5.4), pytest.approx(0.6))
    assert gv.suggestion_table(pm, ds).iloc[0]["Sänker medelavståndet, km"] == "4,80"
    with pytest.raises(svc.GeoServiceError):
        svc.suggest(before, p=1, method="okänd")


def test_the_shipped_example_feeds_every_figure_with_its_label(ds, boundaries):
    """Real data: the OSM example (FACTS.md S7) on the embedded grid; its label from the data."""
    from naravard.services.units import example_register

    frame, info = example_register(ds)
    assert info.label_sv == EXAMPLE_LABEL and info.attribution == OSM
    a = svc.analyse(ds, (None, None), frame, register_label_sv=info.label_sv, register_attribution=info.attribution)
    assert a.summary(svc.ANY).loc["region", "pop"] == pytest.approx(346_002)
    c = gv.map_figure(boundaries, a, names=ds)
    assert fmt.plotly_text(EXAMPLE_LABEL) in c.meta["register_note"]
    assert any(fmt.plotly_text(EXAMPLE_LABEL) in x["text"] for x in c.layout["annotations"])
    assert EXAMPLE_LABEL in gv.map_text_alternative(a, names=ds)
    assert any(EXAMPLE_LABEL in line and OSM in line for line in gv.source_lines(ds, a))


def test_listing_table_against_the_target_and_the_deck(ds, before):
    t = gv.listing_table(before, ds, target=2000).set_index("Kommun")
    ka, kb = case.kommuner(ds)
    names = ds.kommun_names()
    a = t.loc[names[ka]]
    assert (a["Vårdcentraler i registret"], a["Listade i registret"], a["Snitt per vårdcentral"]) == ("1", f"2{NB}500", f"2{NB}500")
    assert a["Mål per vårdcentral"] == f"2{NB}000" and a["Snitt mot målet"] == f"125{NB}%"
    deck = ds.table("utbud").set_index("kommunkod")["listade_per_vc"]
    assert a["Snitt enligt dialogunderlaget"] == fmt.number(deck[ka], approx=True)
    b = t.loc[names[kb]]
    assert b["Vårdcentraler i registret"] == "0" and b["Listade i registret"] == "uppgift saknas" and b["Snitt mot målet"] == "–"
    # no target: each kommun's own average in the deck's table
    t2 = gv.listing_table(before, ds).set_index("Kommun")
    assert t2.loc[names[ka], "Mål per vårdcentral"] == fmt.number(deck[ka])
    assert len(t2) == len(ds.kommun_codes)
