"""Forecast variants, 80+ and the overview table, against FACTS.md."""

import pytest

from naravard.views import oversikt as oversikt_view
from naravard import fmt
from naravard.model import supply as overview
from naravard.model import population
from naravard.sources.dataset import DEFAULT_DATA_DIR, load_dataset


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_headline_population_in_both_variants(ds):
    now, later = population.headline_population(ds, "RH2026")
    assert (now.value, now.year, later.value, later.year) == (346_088, 2025, 349_997, 2030)
    now, later = population.headline_population(ds, "HSU2023")
    assert (now.value, now.year, later.value) == (343_000, 2022, 362_000)
    assert now.approximate and later.approximate


def test_hsu_variant_per_kommun_is_the_deck_table(ds):
    p = population.total_population(ds, "HSU2023")
    hylte = p[p["regionkod"] == "1315"].set_index("year")["population"]
    assert hylte[2022] == 10_500 and hylte[2030] == 10_160
    lan = p[p["regionkod"] == "13"].set_index("year")["population"]
    assert lan[2022] == 342_900 and lan[2030] == 361_662
    assert set(p["year"]) == {2022, 2030}


def test_rh_variant_marks_projection(ds):
    p = population.total_population(ds, "RH2026")
    kinds = p.drop_duplicates("year").set_index("year")["kind"]
    assert kinds[2025] == population.OBSERVED and kinds[2030] == population.PROJECTED


def test_unknown_variant_is_an_english_error(ds):
    with pytest.raises(ValueError, match="unknown forecast variant"):
        population.total_population(ds, "XYZ")


def test_pop80_headline_is_one_base_per_forecast(ds):
    """Defect d: Översikt/Befolkning said 25 246 (S2's län row), Scenario 25 265 (the
    sum of kommuner). One rule: the sum of the kommun rows, as the model computes it."""
    from naravard.model.scenario import Assumptions, ModelInputs, run

    inputs = ModelInputs.from_dataset(ds)
    now, later = population.pop80_headline(ds, "RH2026")
    assert (now.value, now.year, later.value, later.year) == (25_265, 2025, 30_147, 2030)
    assert 6_146 + 5_267 + 3_770 + 7_215 + 2_133 + 734 == 25_265
    for key in population.forecasts(ds):
        now, later = population.pop80_headline(ds, key)
        res = run(inputs, Assumptions(prognos=key))
        assert (now.year, later.year) == (res.base_year, res.horizon), key
        assert now.value == pytest.approx(res.level("pop_80", res.base_year)), key
        assert later.value == pytest.approx(res.level("pop_80")), key
    now, later = population.pop80_headline(ds, "HSU2023")
    assert (round(now.value), now.year, later.value) == (21_995, 2022, 30_147) and not now.approximate
    # the page tables use the same rule
    w = population.pop80_wide(ds).set_index("regionkod")
    assert w.at["13", 2025] == 25_265 and w.at["13", 2020] == 19_815


def test_deck_80_plus_is_labelled_as_its_2023_figure(ds):
    now, later = population.pop80_deck(ds)
    assert (now.value, now.year, now.approximate) == (20_000, 2023, True)
    assert (later.value, later.year) == (30_000, 2030)
    note = fmt.plain(population.pop80_note_sv(ds))
    assert "summan av kommunerna (25 265 år 2025)" in note
    assert "länsrad anger 25 246" in note
    assert "ca 20 000 är källans avrundade tal för 2023" in note


def test_listed_per_vc_names_both_bases(ds):
    """Defect l: Översikt showed the deck's "ca 7 400", Scenario 337 300 / 47."""
    note = fmt.plain(overview.listade_per_vc_note_sv(ds))
    assert "ca 7 400 är dialogunderlagets avrundade tal" in note
    assert "337 300 listade / 47 vårdcentraler = 7 177" in note


def test_forecast_registry_comes_from_the_manifest(ds):
    from naravard.model import forecast

    fs = forecast.registry(ds)
    assert list(fs) == ["RH2026", "HSU2023", "EGEN"]
    assert fs["RH2026"].method == forecast.TABLES and fs["RH2026"].base_year == 2025
    assert fs["RH2026"].first_projected_year() == 2030 and fs["RH2026"].last_year == 2040
    assert fs["HSU2023"].years == (2022, 2030) and fs["HSU2023"].first_projected_year() == 2030
    assert fs["HSU2023"].label_sv == ds.forecasts["HSU2023"]["label"]
    assert fs["EGEN"].method == forecast.OWN and forecast.default_key(ds) == "RH2026"
    assert population.horizon_year(ds, "HSU2023") == 2030


def test_forecast_manifest_errors_are_english():
    from naravard.model import forecast

    with pytest.raises(ValueError, match="method"):
        forecast.from_manifest({"X": {"method": "guess"}}, 2025, (2020, 2025))
    with pytest.raises(ValueError, match="years"):
        forecast.from_manifest({"X": {"method": "dialogunderlag", "years": [2030, 2022]}}, 2025, ())
    with pytest.raises(ValueError, match="reserved"):
        forecast.from_manifest({"EGEN": {"method": "tabeller"}}, 2025, (2020, 2025))


def test_old_age_ratio(ds):
    r = population.old_age_ratio(ds)
    k = r[(r["regionkod"] == "1384") & (r["year"] == 2030)]["per_100"].iloc[0]
    assert k == pytest.approx(100 * 7_346 / 46_029)
    h = r[(r["regionkod"] == "13") & (r["year"] == 2020)]["per_100"].iloc[0]
    assert h == pytest.approx(100 * 19_815 / (45_355 + 34_812 + 24_408 + 58_399 + 13_417 + 5_533))


def test_overview_table(ds):
    t = overview.kommun_table(ds, "HSU2023").set_index("kommun")
    assert t.loc["Halmstad", "invanare"] == 105_400
    assert t.loc["Halmstad", "invanare_per_vc"] == pytest.approx(105_400 / 14)
    assert t.loc["Hylte", "forandring_2030"] == -340
    t = overview.kommun_table(ds, "RH2026").set_index("kommun")
    assert t.loc["Halmstad", "invanare"] == 106_311 and t.loc["Halmstad", "forandring_2030"] == 107_505 - 106_311


def test_overview_display_has_total_row(ds):
    d = oversikt_view.kommun_display(ds, "HSU2023")
    last = d.iloc[-1].map(fmt.plain)
    assert last["Kommun"] == "Halland totalt"
    assert last["Vårdcentraler"] == "47" and last["Filialer"] == "11"
    assert last["Snitt listade per VC"] == "ca 7 400"
    assert last["Invånare 2022"] == "342 900"


def test_map_measures_cover_all_kommuner(ds):
    for key in overview.MAP_MEASURES:
        v = overview.map_values(ds, key, "RH2026")
        assert sorted(v.index) == sorted(ds.kommun_codes), key
    v = overview.map_values(ds, "restid_bil", "RH2026")
    assert v["1315"] == 12
    assert overview.map_values(ds, "andel80", "RH2026")["1315"] == pytest.approx(100 * 734 / (2394 + 5241 + 1728 + 734))


def test_supply_headline_is_the_deck_for_embedded_data(ds):
    s = overview.supply_headline(ds)
    assert (s.vardcentraler, s.filialer, s.listade_per_vc, s.approximate) == (47, 11, 7_400, True)


def test_imported_supply_may_differ_from_the_deck():
    raw = (DEFAULT_DATA_DIR / "hsu2023_utbud.csv").read_bytes()
    new = raw.replace(b"1380,Halmstad,14,5,7500", b"1380,Halmstad,15,5,7000")
    d = load_dataset(overrides={"utbud": new})
    assert "utbud" not in d.problems
    s = overview.supply_headline(d)
    assert (s.vardcentraler, s.filialer, s.approximate) == (48, 11, False)
    assert s.listade_per_vc == pytest.approx((337_300 - 14 * 7_500 + 15 * 7_000) / 48)
    assert d.source_of("utbud").key == "EGEN"


def test_a_data_dir_without_forecasts_gets_one_table_forecast(tmp_path):
    """Another region's data dir may list no [forecasts]: its population tables are
    then the one forecast, labelled with the table's title, and the scenario runs."""
    import shutil

    from naravard.model import forecast
    from naravard.model.scenario import Assumptions, ModelInputs, run

    shutil.copytree(DEFAULT_DATA_DIR, tmp_path / "data")
    m = tmp_path / "data" / "manifest.toml"
    text = m.read_text(encoding="utf-8")
    start, end = text.index("[forecasts."), text.index("[sources.")
    m.write_text(text[:start] + text[end:], encoding="utf-8")
    d = load_dataset(tmp_path / "data")
    assert d.forecasts == {} and not d.problems
    fs = forecast.registry(d)
    assert list(fs) == [forecast.TABLES_FALLBACK_KEY, forecast.EGEN]
    assert fs["TABELL"].label_sv == d.info["befolkning"].title
    inputs = ModelInputs.from_dataset(d)
    res = run(inputs, Assumptions())
    assert res.forecast_key == "TABELL" and res.level("pop_80") == 30_147
    assert population.pop80_headline(d, "TABELL")[0].value == 25_265
