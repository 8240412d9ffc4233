"""The scenario model: hand-computed figures, edge cases and the API's contracts."""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from naravard.model import scenario as sc
from naravard.sources.dataset import load_dataset
from naravard.model.scenario import (
    FORMULAS_SV,
    KOMMUN_OUTPUTS,
    OUTPUT_LABELS_SV,
    OUTPUT_UNITS_SV,
    OUTPUTS,
    OUTPUT,
    OUTPUT_SPECS,
    PARAMS,
    TOTAL_ONLY_OUTPUTS,
    AssumptionError,
    Assumptions,
    KommunMap,
    ModelInputs,
    run,
)

HYLTE, HALMSTAD, KUNGSBACKA, VARBERG = "1315", "1380", "1384", "1383"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def inputs(ds):
    return ModelInputs.from_dataset(ds)


@pytest.fixture(scope="module")
def base(inputs):
    return run(inputs, Assumptions())


@pytest.fixture(scope="module")
def deck(inputs):
    """The deck's own rounded shares (the preset "Dialogunderlagets andelar")."""
    return run(inputs, sc.presets(inputs)["Dialogunderlagets andelar"])


# 80+ on 2023-01-01 (= 31 December 2022): the sum of the kommun rows, linear between
# S2's 2020 (19 815) and 2025 (4 536+3 984+3 020+5 934+1 644+697 → 6 146+5 267+3 770+
# 7 215+2 133+734 = 25 265) rows: 19 815 + 2/5 × (25 265 − 19 815) = 21 995.
P80_CAL = 19815 + 2 / 5 * (25265 - 19815)
PROGNOSER = ("RH2026", "HSU2023", "EGEN")


def at(res, year, code=None, key=None):
    if code is None:
        row = res.totals[res.totals["year"] == year].iloc[0]
    else:
        pk = res.per_kommun
        row = pk[(pk["year"] == year) & (pk["kommunkod"] == code)].iloc[0]
    return row if key is None else float(row[key])


# ------------------------------------------------------------ defaults and sources


def test_deck_preset_traces_to_the_nyckeltal_table(ds, inputs):
    f = ds.fact
    d = inputs.deck_ratios
    assert d["andel_ordinart"].value * 100 == f("khsv_ordinart_andel").value == 20
    assert d["andel_sabo"].value * 100 == f("khsv_sabo_andel").value == 15
    assert d["korttid_per_1000_80"].value == pytest.approx(f("korttid_platser").value / f("invanare_80_idag").value * 1000)
    assert d["korttid_per_1000_80"].value == pytest.approx(10.4)
    assert "ca 20\u00a0000" in d["andel_sabo"].text_sv and "2023" in d["andel_sabo"].text_sv


def test_calibration_is_todays_counts_over_80_plus_at_the_same_date(inputs, ds):
    cal = inputs.calibration
    assert cal.datum == "2023-01-01" and cal.year == 2022
    assert cal.pop_80 == pytest.approx(P80_CAL) and round(cal.pop_80) == 21995
    d = inputs.data_defaults
    assert d["andel_ordinart"].value == pytest.approx(4100 / P80_CAL)  # 18,6 %
    assert d["andel_sabo"].value == pytest.approx(3000 / P80_CAL)  # 13,6 %
    assert d["korttid_per_1000_80"].value == pytest.approx(208 / P80_CAL * 1000)  # 9,46
    assert d["sabo_platser_per_inskriven"].value == pytest.approx(2964 / 3000)
    assert d["invanare_per_lakare"].value == 1100 == ds.fact("invanare_per_lakare_mal").value
    # the derivation is shown with the figures it rests on
    text = d["andel_sabo"].text_sv
    for part in ("3\u00a0000", "21\u00a0995", "2023-01-01", "19\u00a0815", "25\u00a0265", "13,6"):
        assert part in text, part
    assert "Kronoberg" in d["invanare_per_lakare"].text_sv and "RK-2025" in d["invanare_per_lakare"].text_sv


def test_params_describe_every_assumption_and_match_its_default():
    from naravard.model.scenario.assumptions import NON_PARAM_FIELDS

    names = [f.name for f in dataclasses.fields(Assumptions) if f.name not in NON_PARAM_FIELDS]
    assert list(PARAMS) == names
    a = Assumptions()
    for k, p in PARAMS.items():
        assert p.key == k
        assert p.label_sv and p.source_sv and p.help_sv and p.url_key and p.widget, k
        if not p.per_kommun:
            assert getattr(a, k) == p.default, k
        if p.min is not None:
            assert p.min < p.max and p.step > 0, k
            if isinstance(p.default, (int, float)):
                assert p.min <= p.default <= p.max, k
    assert len({p.url_key for p in PARAMS.values()}) == len(PARAMS)
    assert PARAMS["vc_forandring"].source_sv == "Användarens antagande, ingen källa"
    assert "kalibrerad" in PARAMS["andel_ordinart"].source_sv.lower()
    assert set(sc.CALIBRATED_PARAMS) <= set(sc.DATA_DEFAULT_PARAMS)


def test_every_output_has_label_unit_and_formula(base, inputs):
    formulas = sc.formulas(inputs)
    assert set(FORMULAS_SV) == set(OUTPUT_LABELS_SV) == set(OUTPUT_UNITS_SV) == set(OUTPUTS) == set(formulas) == set(OUTPUT)
    assert all(formulas[k].strip() and o.short_sv and o.unit_sv for k, o in OUTPUT.items())
    assert "–" not in formulas["sabo_platser_skillnad"]  # every placeholder filled from the data
    assert list(base.per_kommun.columns) == ["kommunkod", "kommun", "year", *KOMMUN_OUTPUTS]
    assert list(base.totals.columns) == ["year", *OUTPUTS]
    assert not set(TOTAL_ONLY_OUTPUTS) & set(base.per_kommun.columns)
    assert TOTAL_ONLY_OUTPUTS == tuple(o.key for o in OUTPUT_SPECS if not o.per_kommun)
    assert sc.SIGNED_OUTPUTS == {"vc_skillnad", "vc_skillnad_exakt", "sabo_platser_skillnad", "korttid_platser_skillnad"}
    assert "interpolera" in formulas["pop_total"]
    assert "Halland" in formulas["pop_80"] and "21\u00a0995" in formulas["inskrivna_sabo"]


def test_presets_are_valid_described_and_neutral(inputs):
    presets, descr = sc.presets(inputs), sc.preset_descriptions(inputs)
    assert presets["Som idag"] == Assumptions()
    assert set(presets) == set(descr)
    assert presets["Dialogunderlagets andelar"].andel_ordinart == 0.20
    assert presets["Dialogunderlagets prognos (HSU-2023, 2022–2030)"].prognos == "HSU2023"
    assert presets["Längre sikt (2040)"].horisont == 2040
    for name, a in presets.items():
        run(inputs, a)
        text = (name + descr[name]).lower()
        assert "rekommend" not in text and "bäst" not in text


# ---------------------------------------------------------------- hand-computed


def test_years_and_base_year_rh2026(base):
    assert base.base_year == 2025 and base.horizon == 2030 and base.requested_horizon == 2030
    assert base.years == [2025, 2026, 2027, 2028, 2029, 2030]
    assert list(base.totals["year"]) == base.years
    assert len(base.per_kommun) == 6 * 6


def test_enrolled_2030_with_the_deck_shares_match_the_deck(deck):
    # 80+ in Halland 2030 (sum of kommuner = län row): 30 147
    assert at(deck, 2030, key="pop_80") == 30147
    assert round(deck.level("inskrivna_ordinart")) == 6029  # 0.20 × 30 147; deck: ca 6 000
    assert round(deck.level("inskrivna_sabo")) == 4522  # 0.15 × 30 147; deck: ca 4 500
    assert deck.level("inskrivna_ordinart") == pytest.approx(6000, rel=0.01)
    assert deck.level("inskrivna_sabo") == pytest.approx(4500, rel=0.01)


def test_calibrated_ratios_reproduce_today_and_the_gap_is_growth(inputs, base):
    """Defect k: by default the base-year gap is zero and the horizon gap is growth."""
    hsu = run(inputs, Assumptions(prognos="HSU2023"))  # its base year is 2022 = 2023-01-01
    assert hsu.base_year == 2022
    assert at(hsu, 2022, key="pop_80") == pytest.approx(P80_CAL)
    assert at(hsu, 2022, key="inskrivna_ordinart") == pytest.approx(4100)
    assert at(hsu, 2022, key="inskrivna_sabo") == pytest.approx(3000)
    assert at(hsu, 2022, key="sabo_platser_skillnad") == pytest.approx(0, abs=1e-9)
    assert at(hsu, 2022, key="korttid_platser_skillnad") == pytest.approx(0, abs=1e-9)
    # closed form: gap(t) = places / 80+ at the date × growth of 80+ since the date
    for res in (base, hsu):
        for y in res.years:
            growth = at(res, y, key="pop_80") - P80_CAL
            assert at(res, y, key="sabo_platser_skillnad") == pytest.approx(2964 / P80_CAL * growth), y
            assert at(res, y, key="korttid_platser_skillnad") == pytest.approx(208 / P80_CAL * growth), y
    # 2030: 2 964 × (30 147 − 21 995) / 21 995 ≈ 1 099 (not the deck shares' +1 504)
    assert round(base.level("sabo_platser_skillnad")) == 1099
    assert any("kalibrerade" in n and "21\u00a0995" in n for n in base.notes_sv)
    assert not any(n.startswith("Redan basåret") for n in base.notes_sv)


def test_places_and_gaps_for_halland_only(deck):
    sabo = 0.15 * 30147 * 2964 / 3000
    assert deck.level("sabo_platser_behov") == pytest.approx(sabo)
    assert deck.level("sabo_platser_idag") == 2964
    assert deck.level("sabo_platser_skillnad") == pytest.approx(sabo - 2964)
    assert round(deck.level("sabo_platser_skillnad")) == 1504  # the "+1 504"
    kort = 30147 / 1000 * 10.4
    assert deck.level("korttid_platser_behov") == pytest.approx(kort)  # 313.5
    assert deck.level("korttid_platser_skillnad") == pytest.approx(kort - 208)
    assert "sabo_platser_skillnad" not in deck.per_kommun
    with pytest.raises(KeyError):
        deck.level("sabo_platser_skillnad", kommunkod=HALMSTAD)
    assert any("per kommun idag finns inte i källorna" in n for n in deck.notes_sv)
    # per kommun: need only, as sums of the same formula
    assert at(deck, 2030, HALMSTAD, "sabo_platser_behov") == pytest.approx(0.15 * 8361 * 0.988)


def test_base_year_note_explains_the_deck_ratio_mismatch(deck):
    # 25 265 aged 80+ in 2025 (table) vs "ca 20 000" behind the deck's ratios
    note = [n for n in deck.notes_sv if n.startswith("Redan basåret")]
    assert len(note) == 1 and "2\u00a0964" in note[0] and "25\u00a0265" in note[0] and "20\u00a0000" in note[0]


def test_supply_totals_47_vcs_and_11_filials(base):
    for y in base.years:
        assert at(base, y, key="vardcentraler") == 47
        assert at(base, y, key="filialer") == 11
    assert at(base, 2025, KUNGSBACKA, "filialer") == 0


def test_listed_per_vc_at_base_year_equals_the_deck(base, ds):
    u = ds.table("utbud").set_index("kommunkod")
    for code in u.index:
        assert at(base, 2025, code, "listade_per_vc") == u.at[code, "listade_per_vc"]
        assert at(base, 2025, code, "listade") == u.at[code, "listade_per_vc"] * u.at[code, "vardcentraler"]
        assert at(base, 2025, code, "vc_behov") == u.at[code, "vardcentraler"]
        assert at(base, 2025, code, "vc_skillnad") == 0
    assert at(base, 2025, key="listade") == 337300
    assert at(base, 2025, key="listade_per_vc") == pytest.approx(337300 / 47)
    # defect l: the computed base (7 177) and the deck's "ca 7 400" are both named
    note = next(n for n in base.notes_sv if n.startswith("Listade idag"))
    assert "337\u00a0300" in note and "= 7\u00a0177" in note and "ca 7\u00a0400" in note
    text = sc.formula("listade_per_vc", ModelInputs.from_dataset(ds))
    assert "7\u00a0177" in text and "ca 7\u00a0400" in text


def test_listed_follow_population(base):
    # Halmstad: 105 000 listed, population 106 311 → 107 505
    assert at(base, 2030, HALMSTAD, "listade") == pytest.approx(105000 * 107505 / 106311)
    assert at(base, 2030, HALMSTAD, "vc_behov_exakt") == pytest.approx(105000 * 107505 / 106311 / 7500)
    assert at(base, 2030, HALMSTAD, "vc_behov") == 15  # 14.17 rounded up


def test_hylte_population_falls(base):
    hy = base.per_kommun[base.per_kommun["kommunkod"] == HYLTE]
    assert list(hy["pop_total"]) == sorted(hy["pop_total"], reverse=True)
    c = base.change("pop_total", HYLTE)
    assert (c.start, c.end, c.diff) == (10094, 9580, -514)
    assert c.pct == pytest.approx(-514 / 10094 * 100)
    # fewer listed, still one VC: listed per VC falls below today's 10 100
    assert at(base, 2030, HYLTE, "listade_per_vc") == pytest.approx(10100 * 9580 / 10094)
    assert at(base, 2030, HYLTE, "vc_behov") == 1


def test_linear_interpolation_between_published_years(base, inputs):
    assert at(base, 2027, HALMSTAD, "pop_total") == pytest.approx(106311 + 2 / 5 * (107505 - 106311))
    assert at(base, 2027, HALMSTAD, "pop_80") == pytest.approx(7215 + 2 / 5 * (8361 - 7215))
    assert any("linjärt interpolerade" in n for n in base.notes_sv)


def test_physicians_needed_is_population_over_1100(base):
    assert base.level("lakare_behov") == pytest.approx(349997 / 1100)
    assert at(base, 2030, VARBERG, "lakare_behov") == pytest.approx(71718 / 1100)
    assert any("Antalet läkare idag finns inte i källorna" in n for n in base.notes_sv)


def test_hsu2023_forecast_reproduces_the_deck(inputs):
    r = run(inputs, Assumptions(prognos="HSU2023"))
    assert r.base_year == 2022 and r.horizon == 2030
    assert at(r, 2022, key="pop_total") == 342900
    assert at(r, 2030, key="pop_total") == 361662  # 342 900 + 18 762; deck: ca 362 000
    assert at(r, 2030, HYLTE, "pop_total") == 10500 - 340
    assert at(r, 2026, HALMSTAD, "pop_total") == pytest.approx(105400 + 5900 * 4 / 8)
    # 80+ per kommun from the age table, interpolated to 2022
    assert at(r, 2022, HALMSTAD, "pop_80") == pytest.approx(5934 + 2 / 5 * (7215 - 5934))
    assert at(r, 2030, key="pop_80") == 30147
    assert any("åldersgrupper" in n and "ca 20\u00a0000 år 2023" in n for n in r.notes_sv)


def test_hsu2023_stops_at_2030_with_a_note(inputs):
    r = run(inputs, Assumptions(prognos="HSU2023", horisont=2040))
    assert r.horizon == 2030 and r.requested_horizon == 2040
    assert r.totals["year"].max() == 2030 and r.per_kommun["year"].max() == 2030
    assert any("sträcker sig bara till 2030" in n for n in r.notes_sv)
    r25 = run(inputs, Assumptions(prognos="HSU2023", horisont=2025))
    assert r25.years == [2022, 2023, 2024, 2025]
    assert not any("sträcker sig bara till" in n for n in r25.notes_sv)


def test_unknown_forecast_is_an_error_from_run_not_from_assumptions(inputs):
    a = Assumptions(prognos="SCB2099")  # well formed; the data decides whether it exists
    with pytest.raises(AssumptionError) as e:
        run(inputs, a)
    assert e.value.key == "prognos" and "RH2026" in e.value.message_sv


def test_rh2026_to_2040(inputs):
    r = run(inputs, Assumptions(horisont=2040))
    assert r.level("pop_total") == 359866  # sum of kommuner; the län row says 359 865 (rounding)
    assert r.level("pop_80") == 34166  # sum of kommuner; the län row says 34 165
    assert len(r.years) == 16


def test_custom_forecast_defaults_to_rh2026_rates(inputs, base):
    r = run(inputs, Assumptions(prognos="EGEN"))
    for k in ("pop_total", "pop_80"):
        got = r.per_kommun[r.per_kommun["year"] == 2030][k].to_numpy()
        want = base.per_kommun[base.per_kommun["year"] == 2030][k].to_numpy()
        np.testing.assert_allclose(got, want, rtol=1e-12)
    assert inputs.tillvaxt_total_ref[HYLTE] == pytest.approx(((9580 / 10094) ** 0.2 - 1) * 100)
    assert inputs.tillvaxt_80_ref[VARBERG] == pytest.approx(((6597 / 5267) ** 0.2 - 1) * 100)
    assert any("Alla kommuner följer" in n for n in r.notes_sv)


def test_custom_forecast_overrides(inputs):
    a = Assumptions(prognos="EGEN", horisont=2035, egen_tillvaxt_total={HYLTE: 0.0}, egen_tillvaxt_80={HALMSTAD: 2.0})
    r = run(inputs, a)
    hy = r.per_kommun[r.per_kommun["kommunkod"] == HYLTE]["pop_total"]
    assert (hy == 10094).all()
    assert at(r, 2035, HALMSTAD, "pop_80") == pytest.approx(7215 * 1.02**10)
    assert any("Egna tal för: Hylte, Halmstad" in n for n in r.notes_sv)
    assert any("Efter 2030 fortsätter den egna prognosen" in n for n in r.notes_sv)
    other = run(inputs, a.replace(prognos="RH2026"))
    assert any("bara med prognosen Egen" in n for n in other.notes_sv)
    t, e = inputs.growth_rates(a)
    assert t[HYLTE] == 0.0 and t[HALMSTAD] == inputs.tillvaxt_total_ref[HALMSTAD]


def test_listing_target_for_all_of_halland(inputs):
    r = run(inputs, Assumptions(listade_per_vc_mal=7400))
    # base year: ceil(listed / 7 400) per kommun, by hand
    want = {KUNGSBACKA: 12, VARBERG: 9, "1382": 7, HALMSTAD: 15, "1381": 4, HYLTE: 2}
    for code, n in want.items():
        assert at(r, 2025, code, "vc_behov") == n, code
    assert at(r, 2025, key="vc_behov") == 49
    assert at(r, 2025, key="vc_skillnad") == 2
    assert any("7\u00a0400 i alla kommuner" in n for n in r.notes_sv)


def test_vc_changes_apply_after_the_base_year(inputs):
    r = run(inputs, Assumptions(vc_forandring={HALMSTAD: 1, KUNGSBACKA: -2}, filial_forandring={KUNGSBACKA: 1}))
    assert at(r, 2025, HALMSTAD, "vardcentraler") == 14
    assert at(r, 2026, HALMSTAD, "vardcentraler") == 15
    assert at(r, 2030, KUNGSBACKA, "vardcentraler") == 9
    assert at(r, 2030, KUNGSBACKA, "filialer") == 1
    assert at(r, 2030, key="vardcentraler") == 46
    assert r.change("vardcentraler").diff == -1
    assert at(r, 2030, HALMSTAD, "listade_per_vc") == pytest.approx(105000 * 107505 / 106311 / 15)


# -------------------------------------------------------------------- edge cases


def test_zero_vcs_gives_nan_listed_per_vc_and_a_note(inputs):
    r = run(inputs, Assumptions(vc_forandring={HYLTE: -1}))
    assert at(r, 2030, HYLTE, "vardcentraler") == 0
    assert math.isnan(at(r, 2030, HYLTE, "listade_per_vc"))
    assert at(r, 2030, HYLTE, "vc_behov") == 1 and at(r, 2030, HYLTE, "vc_skillnad") == 1
    assert math.isfinite(r.level("listade_per_vc"))  # Halland as a whole still defined
    assert any("Ingen vårdcentral i Hylte" in n for n in r.notes_sv)


def test_closing_more_vcs_than_exist_clips_to_zero(inputs):
    r = run(inputs, Assumptions(vc_forandring={HYLTE: -5}, filial_forandring={HALMSTAD: -9}))
    assert at(r, 2030, HYLTE, "vardcentraler") == 0
    assert at(r, 2030, HALMSTAD, "filialer") == 0
    assert any("vårdcentraler är större än antalet idag i Hylte" in n for n in r.notes_sv)
    assert any("filialer är större än antalet idag i Halmstad" in n for n in r.notes_sv)


def test_zero_vcs_today_in_the_data(inputs):
    vc = inputs.vardcentraler.copy()
    vc[inputs.index_of(HYLTE)] = 0
    inp = dataclasses.replace(inputs, vardcentraler=vc)
    r = run(inp, Assumptions())
    assert at(r, 2030, HYLTE, "listade") == 0
    assert at(r, 2030, HYLTE, "vc_behov") == 0
    assert math.isnan(at(r, 2025, HYLTE, "listade_per_vc"))
    assert r.level("vardcentraler") == 46


@pytest.mark.parametrize("ordinart, sabo", [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.5, 0.5)])
def test_shares_at_0_and_100_percent(inputs, ordinart, sabo):
    """0 % enrolled, and all of the 80+ enrolled (the joint limit: 100 % together)."""
    r = run(inputs, Assumptions(andel_ordinart=ordinart, andel_sabo=sabo))
    pk = r.per_kommun
    np.testing.assert_allclose(pk["inskrivna_ordinart"], ordinart * pk["pop_80"])
    np.testing.assert_allclose(pk["inskrivna_sabo"], sabo * pk["pop_80"])
    np.testing.assert_allclose(pk["sabo_platser_behov"], sabo * pk["pop_80"] * 0.988)
    np.testing.assert_allclose(pk["inskrivna_ordinart"] + pk["inskrivna_sabo"], (ordinart + sabo) * pk["pop_80"])
    if sabo == 0:
        assert r.level("sabo_platser_skillnad") == -2964


def test_horizon_equal_to_base_year(inputs):
    r = run(inputs, Assumptions(horisont=2025, vc_forandring={HALMSTAD: 3}))
    assert r.years == [2025] and len(r.per_kommun) == 6
    c = r.change("inskrivna_sabo")
    assert c.from_year == c.to_year == 2025 and c.diff == 0
    assert r.level("vardcentraler") == 47  # the change shows from the year after the base year
    assert any("Framskrivningsåret är basåret" in n for n in r.notes_sv)
    assert any("syns först året efter basåret" in n for n in r.notes_sv)


def test_kommun_without_80_plus(inputs):
    p80 = inputs.pop_80.copy()
    p80[inputs.index_of(HYLTE), :] = 0
    inp = dataclasses.replace(inputs, pop_80=p80)
    assert inp.tillvaxt_80_ref[HYLTE] == 0.0
    for prognos in PROGNOSER:
        r = run(inp, Assumptions(prognos=prognos))
        hy = r.per_kommun[r.per_kommun["kommunkod"] == HYLTE]
        for k in ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_behov", "korttid_platser_behov"):
            assert (hy[k] == 0).all(), (prognos, k)
        assert any("Inga invånare 80+ i Hylte" in n for n in r.notes_sv)


def test_kommun_without_population(inputs):
    pop = inputs.pop_total.copy()
    pop[inputs.index_of(HYLTE), :] = 0
    r = run(dataclasses.replace(inputs, pop_total=pop), Assumptions())
    assert math.isnan(at(r, 2030, HYLTE, "listade"))
    assert at(r, 2030, HYLTE, "lakare_behov") == 0
    assert any("Inga invånare basåret i Hylte" in n for n in r.notes_sv)


def test_missing_places_today_means_no_gap(inputs):
    figures = dataclasses.replace(inputs.figures, sabo_platser=None, korttid_platser=None)
    r = run(dataclasses.replace(inputs, figures=figures), sc.presets(inputs)["Dialogunderlagets andelar"].replace(sabo_platser_per_inskriven=0.988))
    assert math.isnan(r.level("sabo_platser_skillnad")) and math.isnan(r.level("korttid_platser_idag"))
    assert any("ingen skillnad mot idag visas" in n for n in r.notes_sv)


def test_data_ending_before_the_horizon_is_noted(inputs):
    inp = dataclasses.replace(
        inputs,
        pop_years=inputs.pop_years[:-1],
        pop_total=inputs.pop_total[:, :-1],
    )
    r = run(inp, Assumptions(horisont=2040))
    assert r.horizon == 2035 and any("t.o.m. 2035" in n for n in r.notes_sv)


def test_unknown_kommun_in_assumptions_is_an_error(inputs):
    with pytest.raises(AssumptionError) as e:
        run(inputs, Assumptions(vc_forandring={"9999": 1}))
    assert "9999" in str(e.value) and "9999" in e.value.message_sv


# --------------------------------------------------------------- result helpers


def test_level_change_and_horizon_table(base):
    assert base.level("pop_total", 2025) == 346089  # sum of kommuner (län row: 346 088)
    assert base.level("pop_total", 2025, HYLTE) == 10094
    with pytest.raises(KeyError):
        base.level("pop_total", 2031)
    with pytest.raises(KeyError):
        base.level("nonsense")
    with pytest.raises(KeyError):
        base.level("pop_total", kommunkod="9999")
    t = base.horizon_table("pop_80")
    assert list(t.columns) == ["kommunkod", "kommun", "start", "end", "diff", "pct"]
    assert len(t) == 7 and t["kommun"].iloc[-1] == "Halland"
    assert t["end"].iloc[-1] == 30147 and t["end"].iloc[:-1].sum() == 30147
    g = base.horizon_table("sabo_platser_skillnad")
    assert len(g) == 1
    assert sc.Change("x", 2025, 2030, 0.0, 5.0).pct != sc.Change("x", 2025, 2030, 0.0, 5.0).pct  # NaN


def test_totals_are_sums_of_kommuner(base):
    pk = base.per_kommun.groupby("year").sum(numeric_only=True)
    for k in KOMMUN_OUTPUTS:
        if k == "listade_per_vc":
            continue
        np.testing.assert_allclose(base.totals.set_index("year")[k], pk[k], err_msg=k)


# ----------------------------------------------------------------- assumptions


@pytest.mark.parametrize(
    "kw",
    [
        {"prognos": "not a key!"},
        {"prognos": 1},
        {"horisont": 2024},
        {"horisont": 2041},
        {"horisont": 2030.5},
        {"horisont": "2030"},
        {"andel_ordinart": -0.01},
        {"andel_sabo": 1.01},
        {"andel_sabo": True},
        {"andel_sabo": float("nan")},
        {"korttid_per_1000_80": float("inf")},
        {"invanare_per_lakare": 0},
        {"listade_per_vc_mal": 0},
        {"listade_per_vc_mal": "7400"},
        {"vc_forandring": {"1380": 0.5}},
        {"vc_forandring": {"1380": 101}},
        {"vc_forandring": {1380: 1}},
        {"vc_forandring": {"abcd": 1}},
        {"vc_forandring": [("1380", 1)]},
        {"egen_tillvaxt_80": {"1380": 25.0}},
        {"egen_tillvaxt_total": {"1380": float("nan")}},
    ],
)
def test_invalid_assumptions_raise_with_swedish_message(kw):
    with pytest.raises(AssumptionError) as e:
        Assumptions(**kw)
    assert isinstance(e.value, ValueError)
    assert e.value.message_sv and e.value.reason_sv
    assert e.value.key == next(iter(kw))
    assert PARAMS[e.value.key].label_sv in e.value.message_sv


def test_assumptions_normalise_and_are_hashable():
    a = Assumptions(vc_forandring={"1380": 0, "1315": 1}, horisont=2030.0, andel_ordinart=1)
    assert a.vc_forandring == {"1315": 1} and isinstance(a.vc_forandring, KommunMap)
    assert a.horisont == 2030 and isinstance(a.horisont, int)
    assert isinstance(a.andel_ordinart, float)
    assert Assumptions(vc_forandring={"1380": 0}) == Assumptions()
    assert len({Assumptions(), Assumptions(), Assumptions(horisont=2040)}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.horisont = 2035  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):
        a.vc_forandring["1380"] = 2  # type: ignore[index]


def test_replace_and_changed_keys():
    a = Assumptions().replace(andel_sabo=0.2, horisont=2035)
    assert a.changed_keys() == ("horisont", "andel_sabo")
    assert Assumptions().changed_keys() == ()
    with pytest.raises(AssumptionError):
        Assumptions().replace(andel=0.2)
    with pytest.raises(AssumptionError):
        Assumptions().replace(andel_sabo=2)


def test_to_dict_is_json_safe_and_round_trips():
    a = Assumptions(
        prognos="EGEN",
        horisont=2040,
        listade_per_vc_mal=6500.0,
        vc_forandring={"1380": 2},
        egen_tillvaxt_80={"1315": -0.5},
    )
    d = a.to_dict()
    assert d["version"] == 1 and d["vc_forandring"] == {"1380": 2}
    assert Assumptions.from_dict(json.loads(json.dumps(d, allow_nan=False))) == a
    assert Assumptions.from_json(a.to_json()) == a
    assert Assumptions.from_dict({}) == Assumptions()
    for bad in ({"version": 2}, {"nonsense": 1}, {"andel_sabo": "x"}, [1, 2]):
        with pytest.raises(AssumptionError):
            Assumptions.from_dict(bad)  # type: ignore[arg-type]
    with pytest.raises(AssumptionError):
        Assumptions.from_json("{not json")


def test_kommun_map_behaves_like_a_frozen_dict():
    m = KommunMap({"1380": 1, "1315": -1})
    assert list(m) == ["1315", "1380"] and m == {"1380": 1, "1315": -1} and m["1380"] == 1
    assert hash(m) == hash(KommunMap([("1315", -1), ("1380", 1)]))
    assert m != KommunMap({"1380": 1})
    with pytest.raises(AttributeError):
        m._d = {}  # type: ignore[misc]


# ------------------------------------------------------------------ model inputs


def test_inputs_are_read_only_and_validated(inputs):
    assert inputs.kommunkod == ("1384", "1383", "1382", "1380", "1381", "1315")
    assert inputs.pop_years == (2020, 2021, 2022, 2023, 2024, 2025, 2030, 2035, 2040)
    assert inputs.pop_80_years == (2020, 2025, 2030, 2035, 2040)
    assert inputs.figures.sabo_platser == 2964 and inputs.figures.korttid_platser == 208
    with pytest.raises(ValueError):
        inputs.pop_total[0, 0] = 1
    good = dict(
        kommunkod=("0001",), kommun=("A",), basar=2025, vardcentraler=[1], filialer=[0], listade_per_vc=[1000],
        hsu_invanare=[1000], hsu_forandring=[10], pop_years=(2020, 2030), pop_total=[[1000, 1100]],
        pop_80_years=(2020, 2030), pop_80=[[50, 60]],
    )
    ModelInputs(**good)
    for bad in (
        {"kommunkod": ("1",)},
        {"kommunkod": ("0001", "0001"), "kommun": ("A", "B")},
        {"vardcentraler": [1, 2]},
        {"vardcentraler": [-1]},
        {"pop_total": [[1000, float("nan")]]},
        {"pop_years": (2030, 2020)},
        {"basar": 2031},
        {"figures": sc.KeyFigures(sabo_platser=-5)},
    ):
        with pytest.raises(ValueError):
            ModelInputs(**{**good, **bad})


def test_synthetic_benchmark_inputs_run_every_forecast():
    inp = ModelInputs.synthetic(290, range(2020, 2041))
    assert inp.n == 290
    for f in inp.forecasts:
        r = run(inp, Assumptions(prognos=f.key, horisont=2040))
        assert len(r.per_kommun) == 290 * len(r.years)


def test_model_modules_do_not_import_streamlit():
    code = "import sys, naravard.model.scenario, naravard.export.link, naravard.views.scenario, naravard.store; sys.exit('streamlit' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=sc.__file__.rsplit("/naravard/", 1)[0]).returncode == 0


# ------------------------------------------------------ comparison (defect j)


def test_comparison_difference_is_computed_from_the_shown_values(inputs, deck):
    """Jämför showed "+894" between SäBo gaps shown as +1 504 and +2 397."""
    other = run(inputs, sc.presets(inputs)["Dialogunderlagets andelar"].replace(andel_sabo=0.18))
    raw = other.level("sabo_platser_skillnad") - deck.level("sabo_platser_skillnad")
    assert round(raw) == 894  # what a difference of the unrounded values shows
    c = sc.compare(deck, other, ("sabo_platser_skillnad", "inskrivna_sabo", "vc_behov_exakt"))
    row = c[(c["key"] == "sabo_platser_skillnad")].iloc[0]
    assert (row.a, row.b, row.delta) == (1504, 2397, 893) and row.kommun == "Halland"
    # per kommun and in total, region row last per output; decimals as displayed
    sabo = c[c["key"] == "inskrivna_sabo"]
    assert list(sabo["kommunkod"])[:-1] == list(inputs.kommunkod) and sabo["kommunkod"].isna().iloc[-1]
    assert (sabo["delta"] == sabo["b"] - sabo["a"]).all()
    vc = c[c["key"] == "vc_behov_exakt"].iloc[-1]
    assert vc.a == 47.5 and vc.delta == 0.0  # one decimal, as the headline shows it


def test_shown_rounds_like_the_screen():
    assert sc.shown("sabo_platser_skillnad", 1503.6) == 1504
    assert sc.shown("sabo_platser_skillnad", -0.4) == 0.0
    assert sc.shown("vc_behov_exakt", 47.5475) == 47.5
    assert math.isnan(sc.shown("pop_80", float("nan")))


def test_views_show_differences_of_the_shown_values(inputs, deck):
    from naravard import fmt
    from naravard.views import scenario as view

    other = run(inputs, sc.presets(inputs)["Dialogunderlagets andelar"].replace(andel_sabo=0.18))
    table, _, _ = view.compare({"A": deck, "B": other})
    row = table[table["Resultat"] == "SäBo-platser: behov minus dagens"].iloc[0].map(fmt.plain)
    assert (row["A (2030)"], row["B (2030)"], row["B: skillnad mot A"]) == ("+1 504", "+2 397", "+893")
    per = view.compare_per_kommun(deck, other, ("A", "B"))
    sabo = per[per["Resultat"] == "SäBo-platser: behov minus dagens"].map(fmt.plain)
    assert sabo.iloc[-1].tolist() == ["SäBo-platser: behov minus dagens", "Halland", "+1 504", "+2 397", "+893"]
    ins = per[per["Resultat"] == "Inskrivna i särskilt boende (SäBo)"]
    assert list(ins["Kommun"]) == [*inputs.kommun, "Halland"]
    # headline: value and change are both the shown figures
    for label, value, delta, _ in view.headline_items(deck, inputs):
        if label == "SäBo-platser som behövs":
            assert fmt.plain(value) == "4 468" and fmt.plain(delta).startswith("+724 ")  # 4 468 − 3 744 (0,15 × 25 265 × 0,988)


def test_calibration_is_shown_as_an_assumption_with_its_value(inputs):
    from naravard import fmt
    from naravard.views import scenario as view

    rows = {label: (value, source) for label, value, source in view.assumption_rows(Assumptions(), inputs)}
    value, source = rows[PARAMS["andel_sabo"].label_sv]
    assert fmt.plain(value) == "13,6 %" and "kalibrerad" in source and "21\u00a0995" in source
    help_ = view.param_help("andel_sabo", inputs)
    assert "13,6" in help_ and "3\u00a0000" in help_ and "2023-01-01" in help_
    # the deck's shares stay available, labelled
    rows = {label: value for label, value, _ in view.assumption_rows(sc.presets(inputs)["Dialogunderlagets andelar"], inputs)}
    assert fmt.plain(rows[PARAMS["andel_sabo"].label_sv]) == "15 %"  # no false precision


# ------------------------------------------- joint limits (issue 11, defect 7)


def test_shares_of_the_80_plus_may_not_sum_past_100_percent():
    """Each share is valid on its own (0–100 %), but in ordinary and in special housing
    they are parts of the same 80+: 100 % + 100 % would enrol 200 % of them."""
    with pytest.raises(AssumptionError) as e:
        Assumptions(andel_ordinart=1.0, andel_sabo=1.0)
    from naravard import fmt

    msg = fmt.plain(e.value.message_sv)
    assert "högst 100 %" in msg and "200 % (100 % + 100 %)" in msg and "SäBo" in msg
    assert "exceeds the joint limit" in str(e.value)  # English for logs and the API
    assert e.value.key == "andel_sabo"
    assert Assumptions(andel_ordinart=0.6, andel_sabo=0.4).andel_sabo == 0.4  # exactly 100 %: allowed
    with pytest.raises(AssumptionError):
        Assumptions(andel_ordinart=0.6, andel_sabo=0.41)
    with pytest.raises(AssumptionError):
        Assumptions(andel_ordinart=0.7).replace(andel_sabo=0.7)
    with pytest.raises(AssumptionError):  # a stored or sent scenario cannot carry them either
        Assumptions.from_json('{"version": 1, "andel_ordinart": 1, "andel_sabo": 1}')


def test_a_share_is_checked_with_the_datas_value_of_the_other(inputs):
    """Left to the data, the SäBo share is calibrated: 3 000 / 21 995 = 13,6 %; so the
    ordinary-housing share may be at most 86,4 % (the model refuses 87 %)."""
    sabo = inputs.data_defaults["andel_sabo"].value
    assert sabo == pytest.approx(3000 / P80_CAL)
    r = run(inputs, Assumptions(andel_ordinart=0.86))  # 86 % + 13,6 % = 99,6 %
    assert r.level("inskrivna_ordinart") > 0
    with pytest.raises(AssumptionError) as e:
        run(inputs, Assumptions(andel_ordinart=0.87))
    from naravard import fmt

    assert "100,6 % (87 % + 13,6 %)" in fmt.plain(e.value.message_sv)
    # the data's own values together are not the model's business (the calibration)
    run(inputs, Assumptions())


def _scenario_page(tmp_path, monkeypatch, query: dict | None = None):
    from tests.apptables import scenario_page

    monkeypatch.setenv("NARAVARD_STORE", str(tmp_path / "scenarier.sqlite3"))
    monkeypatch.setenv("NARAVARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("NARAVARD_DATA_DIR", raising=False)
    return scenario_page(query)


def test_page_link_with_200_percent_enrolled_warns_and_uses_the_datas_shares(tmp_path, monkeypatch):
    from naravard import fmt

    at = _scenario_page(tmp_path, monkeypatch, {"ordinart": "1", "sabo": "1"})
    warnings = fmt.plain(" ".join(w.value for w in at.warning))
    assert "högst 100 %" in warnings and "200 %" in warnings, warnings
    assert at.slider(key="nv_sc_andel_ordinart").value == 19  # calibrated 4 100 / 21 995 = 18,6 %
    assert at.slider(key="nv_sc_andel_sabo").value == 14  # calibrated 3 000 / 21 995 = 13,6 %
    metrics = {m.label: fmt.plain(m.value) for m in at.metric}
    assert metrics["Inskrivna, ordinärt boende"] == "5 620" and metrics["Inskrivna, SäBo"] == "4 112"
    assert not at.error


def test_slider_past_the_joint_limit_is_put_back_with_a_swedish_message(tmp_path, monkeypatch):
    """87 % in ordinary housing with the data's 13,6 % in SäBo is 100,6 % of the 80+:
    the slider goes back to its last value, the page says why, the results stay."""
    from naravard import fmt

    at = _scenario_page(tmp_path, monkeypatch)
    at.slider(key="nv_sc_andel_ordinart").set_value(25).run()
    at.slider(key="nv_sc_andel_ordinart").set_value(87).run()
    assert not at.exception and not at.error
    assert at.slider(key="nv_sc_andel_ordinart").value == 25  # the last valid value kept
    warnings = fmt.plain(" ".join(w.value for w in at.warning))
    assert "100,6 % (87 % + 13,6 %)" in warnings and "står kvar på 25 %" in warnings, warnings
    metrics = {m.label: fmt.plain(m.value) for m in at.metric}
    assert metrics["Inskrivna, ordinärt boende"] == "7 537"  # 25 % of 30 147, as before
    assert at.query_params["ordinart"] == "0.25"
    at.slider(key="nv_sc_andel_ordinart").set_value(86).run()  # 99,6 %: allowed
    assert at.slider(key="nv_sc_andel_ordinart").value == 86 and not at.error
    assert "står kvar" not in " ".join(w.value for w in at.warning)
    at.slider(key="nv_sc_andel_sabo").set_value(20).run()  # 86 % + 20 %: SäBo goes back
    assert at.slider(key="nv_sc_andel_sabo").value == 14 and not at.error
    assert "106 % (86 % + 20 %)" in fmt.plain(" ".join(w.value for w in at.warning))
