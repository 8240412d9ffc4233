"""Property tests of the scenario model (hypothesis)."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import param_values, within_joint_limits
from naravard.sources.dataset import load_dataset
from naravard.model.scenario import (
    KOMMUN_OUTPUTS,
    OUTPUT,
    OUTPUTS,
    SIGNED_OUTPUTS,
    Assumptions,
    ModelInputs,
    run,
)

INPUTS = ModelInputs.from_dataset(load_dataset())
CODES = INPUTS.kommunkod
PROGNOSER = (None, *(f.key for f in INPUTS.forecasts))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_num = param_values


@st.composite
def assumptions(draw, codes=CODES, prognos=None):
    kw = {
        "prognos": draw(st.sampled_from(PROGNOSER)) if prognos is None else prognos,
        "horisont": draw(_num("horisont", True)),
        # None = the data's value (calibrated ratios, the key-figure table's target)
        "andel_ordinart": draw(st.none() | _num("andel_ordinart")),
        "andel_sabo": draw(st.none() | _num("andel_sabo")),
        "sabo_platser_per_inskriven": draw(st.none() | _num("sabo_platser_per_inskriven")),
        "korttid_per_1000_80": draw(st.none() | _num("korttid_per_1000_80")),
        "listade_per_vc_mal": draw(st.none() | _num("listade_per_vc_mal")),
        "invanare_per_lakare": draw(st.none() | _num("invanare_per_lakare")),
    }
    code = st.sampled_from(codes)
    for k in ("vc_forandring", "filial_forandring"):
        kw[k] = draw(st.dictionaries(code, _num(k, True), max_size=len(codes)))
    for k in ("egen_tillvaxt_total", "egen_tillvaxt_80"):
        kw[k] = draw(st.dictionaries(code, _num(k), max_size=len(codes)))
    return Assumptions(**within_joint_limits(kw, {k: d.value for k, d in INPUTS.data_defaults.items()}))


# ------------------------------------------------------------------ round trip


@SETTINGS
@given(assumptions())
def test_to_dict_from_dict_round_trip(a):
    assert Assumptions.from_dict(a.to_dict()) == a
    assert Assumptions.from_dict(json.loads(json.dumps(a.to_dict(), allow_nan=False))) == a
    assert Assumptions.from_json(a.to_json()) == a
    assert hash(Assumptions.from_dict(a.to_dict())) == hash(a)


# ------------------------------------------------------------- outputs are sane


@SETTINGS
@given(assumptions())
def test_outputs_finite_and_non_negative_where_meaningful(a):
    r = run(INPUTS, a)
    assert r.base_year <= r.horizon <= max(a.horisont, r.base_year)
    for frame, cols in ((r.per_kommun, KOMMUN_OUTPUTS), (r.totals, OUTPUTS)):
        for k in cols:
            v = frame[k].to_numpy(dtype=float)
            if k == "listade_per_vc":
                # undefined exactly where there is no VC
                vc = frame["vardcentraler"].to_numpy()
                assert np.isnan(v[vc == 0]).all() and np.isfinite(v[vc > 0]).all()
                v = v[vc > 0]
            assert np.isfinite(v).all(), k
            if k not in SIGNED_OUTPUTS:
                assert (v >= 0).all(), k
    assert all(isinstance(n, str) and n for n in r.notes_sv)


@SETTINGS
@given(assumptions())
def test_vc_need_is_the_exact_need_rounded_up(a):
    pk = run(INPUTS, a).per_kommun
    exact, need = pk["vc_behov_exakt"].to_numpy(), pk["vc_behov"].to_numpy()
    assert (need >= exact - 1e-6).all() and (need < exact + 1).all()
    assert (need == np.round(need)).all()
    np.testing.assert_allclose(pk["vc_skillnad"], need - pk["vardcentraler"])


@SETTINGS
@given(assumptions())
def test_totals_are_sums_of_the_kommun_rows(a):
    r = run(INPUTS, a)
    sums = r.per_kommun.groupby("year")[list(KOMMUN_OUTPUTS)].sum()
    t = r.totals.set_index("year")
    for k in KOMMUN_OUTPUTS:
        if k != "listade_per_vc":
            np.testing.assert_allclose(t[k], sums[k], rtol=1e-12, atol=1e-9, err_msg=k)


# -------------------------------------------------------------------- monotone


@SETTINGS
@given(
    assumptions(),
    st.lists(st.floats(1.0, 3.0, allow_nan=False), min_size=len(CODES), max_size=len(CODES)),
)
def test_more_80_plus_never_means_fewer_places(a, factors):
    # with fixed ratios: calibrated ones divide by the (also larger) 80+ at their date
    a = a.replace(**{k: INPUTS.value(a, k) for k in ("andel_ordinart", "andel_sabo", "sabo_platser_per_inskriven", "korttid_per_1000_80")})
    more = dataclasses.replace(INPUTS, pop_80=INPUTS.pop_80 * np.array(factors)[:, None])
    r0, r1 = run(INPUTS, a), run(more, a)
    for k in ("pop_80", "inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_behov", "korttid_platser_behov"):
        lo = r0.per_kommun[k].to_numpy()
        hi = r1.per_kommun[k].to_numpy()
        assert (hi >= lo - 1e-9 * np.maximum(1, lo)).all(), k
        assert (r1.totals[k].to_numpy() >= r0.totals[k].to_numpy() - 1e-6).all(), k


@SETTINGS
@given(assumptions(prognos="EGEN"), st.sampled_from(CODES), st.floats(0.0, 5.0))
def test_faster_80_plus_growth_never_means_fewer_places(a, code, extra):
    rate = a.egen_tillvaxt_80.get(code, INPUTS.tillvaxt_80_ref[code])
    faster = a.replace(egen_tillvaxt_80={**a.egen_tillvaxt_80, code: min(20.0, rate + extra)})
    r0, r1 = run(INPUTS, a), run(INPUTS, faster)
    for k in ("sabo_platser_behov", "korttid_platser_behov", "inskrivna_ordinart"):
        assert (r1.totals[k].to_numpy() >= r0.totals[k].to_numpy() - 1e-6).all(), k


@SETTINGS
@given(assumptions(), st.floats(0.0, 0.5), st.floats(0.0, 0.5))  # both shares: at most 100 % together
def test_a_higher_share_never_means_fewer_places(a, s1, s2):
    lo, hi = sorted((s1, s2))
    r0 = run(INPUTS, a.replace(andel_sabo=lo, andel_ordinart=lo))
    r1 = run(INPUTS, a.replace(andel_sabo=hi, andel_ordinart=hi))
    for k in ("inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_behov"):
        assert (r1.per_kommun[k].to_numpy() >= r0.per_kommun[k].to_numpy()).all(), k


@SETTINGS
@given(assumptions())
def test_share_zero_means_nobody_enrolled(a):
    r = run(INPUTS, a.replace(andel_ordinart=0.0, andel_sabo=0.0))
    for k in ("inskrivna_ordinart", "inskrivna_sabo", "sabo_platser_behov"):
        assert (r.per_kommun[k] == 0).all() and (r.totals[k] == 0).all(), k


@SETTINGS
@given(assumptions())
def test_physicians_and_listed_follow_population(a):
    r = run(INPUTS, a)
    pk = r.per_kommun
    np.testing.assert_allclose(pk["lakare_behov"], pk["pop_total"] / r.value("invanare_per_lakare"))
    base = pk[pk["year"] == r.base_year].set_index("kommunkod")
    for code in CODES:
        i = INPUTS.index_of(code)
        assert base.at[code, "vardcentraler"] == INPUTS.vardcentraler[i]
        assert base.at[code, "listade"] == pytest.approx(INPUTS.listade_per_vc[i] * INPUTS.vardcentraler[i])


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**16), assumptions(codes=("1000",)))
def test_synthetic_inputs_of_any_size_run(n, seed, a):
    inp = ModelInputs.synthetic(n, range(2020, 2041), seed=seed)
    keys = {None: None, **{f.key: g.key for f, g in zip(INPUTS.forecasts, inp.forecasts)}}
    shares = {k: getattr(a, k) for k in ("andel_ordinart", "andel_sabo")}  # within the joint limit with these data
    a = a.replace(prognos=keys[a.prognos], **within_joint_limits(shares, {k: d.value for k, d in inp.data_defaults.items()}))
    r = run(inp, a)
    assert len(r.per_kommun) == n * len(r.years)
    assert math.isfinite(r.level("pop_total"))


# ------------------------------------------------------- calibration (defect k)


@SETTINGS
@given(assumptions())
def test_calibrated_gap_is_places_over_80_plus_times_growth(a):
    """With the calibrated defaults the gap to today's places is, every year and with
    every forecast, today's places / 80+ at their date × the 80+ growth since then."""
    room = 1.0 - INPUTS.data_defaults["andel_sabo"].value  # the shares' joint limit with the data's SäBo share
    ordinart = None if a.andel_ordinart is None else min(a.andel_ordinart, room)
    a = a.replace(andel_sabo=None, sabo_platser_per_inskriven=None, korttid_per_1000_80=None, andel_ordinart=ordinart)
    r = run(INPUTS, a)
    cal = INPUTS.calibration.pop_80
    assert round(cal) == 21995
    growth = r.totals["pop_80"].to_numpy() - cal
    np.testing.assert_allclose(r.totals["sabo_platser_skillnad"], 2964 / cal * growth, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(r.totals["korttid_platser_skillnad"], 208 / cal * growth, rtol=1e-9, atol=1e-6)


# ------------------------------------------------------ comparison (defect j)


@SETTINGS
@given(assumptions(), assumptions())
def test_comparison_differences_match_the_shown_values(a, b):
    from naravard import fmt
    from naravard.model.scenario import compare

    ra, rb = run(INPUTS, a), run(INPUTS, b)
    c = compare(ra, rb, tuple(OUTPUT))
    for row in c.itertuples():
        d = OUTPUT[row.key].decimals
        if math.isfinite(row.a) and math.isfinite(row.b):
            # the difference of the two figures as printed is the printed difference
            assert fmt.number(row.b - row.a, d) == fmt.number(row.delta, d)
            assert row.delta == pytest.approx(row.b - row.a, abs=1e-9)
        else:
            assert math.isnan(row.delta)
    assert len(c) == sum(len(CODES) + 1 if OUTPUT[k].per_kommun else 1 for k in OUTPUT)
