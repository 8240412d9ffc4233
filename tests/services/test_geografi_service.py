"""The geography use case against closed-form answers (tests/services/geo_case.py) and the data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from naravard.model.geo.changes import MOVE, REMOVE, UnitChange
from naravard.model.geo.distance import REGION_ROW, share_column
from naravard.model.scenario.assumptions import Assumptions
from naravard.services import geografi as svc
from naravard.sources import geoframes as gf
from tests.services import geo_case as case


@pytest.fixture(scope="module")
def ds():
    return case.dataset()


def test_before_any_change_the_figures_are_the_closed_form_ones(ds):
    a = case.analyse(ds)
    assert a.keys == (gf.TYPE_VC, gf.TYPE_FILIAL, svc.ANY)
    vc = a.summary(gf.TYPE_VC).loc[REGION_ROW]
    assert vc["pop"] == pytest.approx(1000)
    assert vc["mean_cost"] == pytest.approx(13.8)
    assert vc["median_cost"] == pytest.approx(12.0)
    assert vc[share_column(5)] == pytest.approx(0.3) and vc[share_column(10)] == pytest.approx(0.3)
    assert vc[share_column(15)] == pytest.approx(0.6) and vc[share_column(20)] == pytest.approx(0.6)
    either = a.summary(svc.ANY).loc[REGION_ROW]
    assert either["mean_cost"] == pytest.approx(5.4) and either[share_column(10)] == pytest.approx(0.6)
    # the longest distance: a populated square (s4), not the empty one further out (s5)
    lg = a.longest_for(gf.TYPE_VC)
    assert (lg.before, lg.after, lg.demand_id) == (pytest.approx(24.0), pytest.approx(24.0), case.IDS["s4"])
    assert lg.kommun == case.kommuner(ds)[1] and (lg.x, lg.y) == (case.XS["s4"], case.Y)
    fi = a.longest_for(gf.TYPE_FILIAL)
    assert fi.after == pytest.approx(12.0) and fi.demand_id == case.IDS["s1"], "a tie goes to the lower square id"
    c = a.catchments_after["near_pop"]
    assert c["vc-1"] == pytest.approx(300) and c["fi-1"] == pytest.approx(700)
    assert not a.has_changes and a.changed_units == () and a.warnings_sv == ()


def test_the_deck_figures_come_from_the_key_figure_table(ds):
    a = case.analyse(ds)
    assert a.longest_for(gf.TYPE_VC).deck_km == ds.fact("max_avstand_vc_km").value == 25
    assert a.longest_for(gf.TYPE_FILIAL).deck_km == ds.fact("max_avstand_filial_km").value == 21
    assert a.longest_for(svc.ANY).deck_km is None


def test_adding_a_filial_changes_distances_catchments_and_the_neighbours(ds):
    a = case.analyse(ds, [case.ADD_AT_S4])
    assert a.added_ids == ("ny-1",)
    either = a.summary(svc.ANY).loc[REGION_ROW]
    assert either["mean_cost"] == pytest.approx(0.6) and either[share_column(10)] == pytest.approx(1.0)
    lg = a.longest_for(svc.ANY)
    assert lg.before == pytest.approx(12.0) and lg.after == pytest.approx(3.0) and lg.demand_id == case.IDS["s2"]
    assert a.longest_for(gf.TYPE_VC).changed is False
    c = a.catchments_after["near_pop"]
    assert (c["vc-1"], c["fi-1"], c["ny-1"]) == (pytest.approx(300), pytest.approx(300), pytest.approx(400))
    # the filial lost s4 to the new one; the VC's squares did not move
    assert a.changed_units == ("fi-1", "ny-1")
    # "before" stays the register's figures
    assert a.summary(svc.ANY, after=False).loc[REGION_ROW, "mean_cost"] == pytest.approx(5.4)


def test_remove_and_move(ds):
    a = case.analyse(ds, [UnitChange(REMOVE, unit_id="fi-1")])
    assert a.removed_ids == ("fi-1",)
    assert math.isnan(a.longest_for(gf.TYPE_FILIAL).after), "no filial left: no distance, not 0"
    assert a.summary(svc.ANY).loc[REGION_ROW, "mean_cost"] == pytest.approx(13.8)
    m = case.analyse(ds, [UnitChange(MOVE, unit_id="vc-1", x=case.XS["s2"], y=case.Y)])
    assert m.moved_ids == ("vc-1",)
    # VC on s2: s1 3, s2 0, s3 9, s4 21 km
    assert m.summary(gf.TYPE_VC).loc[REGION_ROW, "mean_cost"] == pytest.approx((300 + 2700 + 8400) / 1000)


def test_changes_that_do_not_fit_are_dropped_with_a_swedish_warning(ds):
    far = UnitChange("add", unit_type=gf.TYPE_FILIAL, x=900_000, y=7_000_000)
    unknown = UnitChange(REMOVE, unit_id="finns-inte")
    a = case.analyse(ds, [far, unknown, case.ADD_AT_S4])
    assert a.changes == (case.ADD_AT_S4,)
    assert len(a.warnings_sv) == 2
    assert "utanför regionen" in a.warnings_sv[0] and "finns-inte" in a.warnings_sv[1]


def test_one_unit_type_only(ds):
    a = case.analyse(ds, unit_types=(gf.TYPE_VC,))
    assert a.keys == (gf.TYPE_VC,)
    assert list(a.catchments_after.index) == ["vc-1"]
    assert a.catchments_after.loc["vc-1", "near_pop"] == pytest.approx(1000)
    with pytest.raises(svc.GeoServiceError) as e:
        case.analyse(ds, unit_types=("apotek",))
    assert e.value.message_sv == "Okänd enhetstyp."


def test_cost_matrix_and_a_moved_unit(ds):
    rows = [(case.IDS[s], u, v) for s, (v1, v2) in {"s1": (1, 20), "s2": (5, 15), "s3": (30, 2), "s4": (40, 10), "s5": (50, 12)}.items()
            for u, v in (("vc-1", v1), ("fi-1", v2))]
    cost = pd.DataFrame(rows, columns=list(gf.COST_COLUMNS))
    a = case.analyse(ds, cost=cost, cost_unit="min")
    assert a.uses_matrix and a.cost_unit == "min"
    assert a.summary(gf.TYPE_VC).loc[REGION_ROW, "max_cost"] == pytest.approx(40)
    # a moved unit's matrix rows describe its old place: they stop counting
    m = case.analyse(ds, [UnitChange(MOVE, unit_id="fi-1", x=case.XS["s2"], y=case.Y)], cost=cost, cost_unit="min")
    assert math.isnan(m.longest_for(gf.TYPE_FILIAL).after)
    assert any("restidsmatris" in n for n in m.notes_sv)


# ------------------------------------------------------------------ forecast scaling


def test_tables_forecast_scales_each_kommun_by_the_published_years(ds):
    """For a 'tabeller' forecast 2030 is a published year: ratio = table 2030 / table 2025."""
    a = case.analyse(ds, scenario=(2030, "RH2026"))
    b = ds.table("befolkning")
    for code in case.kommuner(ds):
        pop = b[b["regionkod"] == code].set_index("year")["population"]
        expect = float(pop[2030]) / float(pop[2025])
        assert a.scaling.ratio(code) == pytest.approx(expect, rel=1e-12)
        sq = a.demand[a.demand[gf.DEMAND_KOMMUN] == code]
        base = case.grid(ds).set_index(gf.DEMAND_ID).loc[sq[gf.DEMAND_ID], gf.DEMAND_POP].to_numpy()
        assert sq[gf.DEMAND_POP].to_numpy() == pytest.approx(base * expect)
    assert a.scaling.year == 2030 and a.scaling.scaled
    assert svc.ASSUMPTION_SV in a.scaling.text_sv
    names = ds.kommun_names()
    assert all(names[c] in a.scaling.text_sv for c in ds.kommun_codes)


def test_deck_forecast_is_linear_between_its_two_years(ds):
    """The deck's forecast: inhabitants in 2022 plus the change to 2030, spread evenly."""
    a = case.analyse(ds, scenario=(2030, "HSU2023"))
    u = ds.table("utbud").set_index("kommunkod")
    code = case.kommuner(ds)[0]
    p22, ch = float(u.at[code, "invanare_2022"]), float(u.at[code, "prognos_forandring_2030"])
    expect = (p22 + ch) / (p22 + ch * 3 / 8)
    assert a.scaling.ratio(code) == pytest.approx(expect, rel=1e-12)
    assert "Dialogunderlagets prognos" in a.scaling.text_sv


def test_assumptions_with_an_own_forecast_use_its_rates(ds):
    code = case.kommuner(ds)[0]
    a = case.analyse(ds, scenario=Assumptions(prognos="EGEN", horisont=2027, egen_tillvaxt_total={code: 2.0}))
    assert a.scaling.year == 2027
    assert a.scaling.ratio(code) == pytest.approx(1.02**2)


def test_grid_year_unscaled_and_a_year_past_the_forecast(ds):
    a = case.analyse(ds, scenario=(case.GRID_YEAR, None))
    assert not a.scaling.scaled and a.demand[gf.DEMAND_POP].sum() == pytest.approx(1000)
    late = case.analyse(ds, scenario=(2040, "HSU2023"))
    assert late.scaling.year == 2030 and any("2030" in n for n in late.notes_sv)


def test_grid_totals_beside_the_official_population(ds):
    a = case.analyse(ds)
    ka, kb = case.kommuner(ds)
    tot = {k: (g, o) for k, g, o in a.grid_totals}
    b = ds.table("befolkning")
    assert tot[ka][0] == pytest.approx(300) and tot[kb][0] == pytest.approx(700)
    assert tot[ka][1] == float(b[(b["regionkod"] == ka) & (b["year"] == case.GRID_YEAR)]["population"].iloc[0])


def test_the_embedded_grid_is_used_by_default(ds):
    """Real data: the grid's region sum is FACTS.md S6 (346 002 persons in 3 940 squares)."""
    from naravard.sources.grid import grid_info

    assert svc.grid_year_of(grid_info().date) == 2025
    a = svc.analyse(ds, (None, None), case.register(ds))
    assert len(a.demand) == 3940
    assert a.summary(svc.ANY).loc[REGION_ROW, "pop"] == pytest.approx(346_002)
    assert a.scaling.grid_year == 2025 and not a.scaling.scaled
    gaps = [abs(g - o) / o for _, g, o in a.grid_totals]
    assert 0.010 < max(gaps) < 0.0115, "the ±1,1 % of FACTS.md S6"


def test_grid_year_of():
    assert svc.grid_year_of("2025-12-31") == 2025
    assert svc.grid_year_of("31 december 2024") == 2024
    assert svc.grid_year_of("") is None and svc.grid_year_of("12345") is None
