"""Distances, access shares, weighted medians, catchments and listings on hand-made cases.

Every expected value is worked out by hand from the geometry in the test (a line of
1 km squares with a unit at each end), so each assertion can fail.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from naravard.errors import NaravardError
from naravard.model.geo.distance import (
    REGION_ROW,
    GeoInputError,
    access_summary,
    catchments,
    listing_vs_target,
    listing_vs_target_per_kommun,
    nearest,
    share_column,
)
from naravard.sources.geoframes import DEMAND_POP, DEMAND_X, SUPPLY_X, TYPE_FILIAL, TYPE_VC
from tests.model.geo.geo_frames import X0, Y0, cost_frame, demand_frame, line_of_squares, supply_frame, two_units


def test_nearest_either_type_on_a_line():
    d = line_of_squares(21)
    near = nearest(d, two_units())
    expected = [min(i, 20 - i) for i in range(21)]
    assert near["nearest_cost"].tolist() == pytest.approx(expected)
    assert near["nearest_id"].iloc[:10].tolist() == ["vc1"] * 10
    assert near["nearest_id"].iloc[11:].tolist() == ["f1"] * 10
    assert near.index.equals(d.index)
    assert near.attrs["cost_unit"] == "km"


def test_nearest_type_filter_and_detour():
    d = line_of_squares(21)
    vc = nearest(d, two_units(), unit_types=TYPE_VC, detour=1.5)
    assert vc["nearest_cost"].tolist() == pytest.approx([1.5 * i for i in range(21)])
    assert set(vc["nearest_id"]) == {"vc1"}
    fil = nearest(d, two_units(), unit_types=[TYPE_FILIAL])
    assert fil["nearest_cost"].tolist() == pytest.approx([20 - i for i in range(21)])
    assert vc.attrs["detour"] == 1.5


def test_nearest_keeps_the_demand_index_and_does_not_mutate():
    d = line_of_squares(5)
    d.index = [10, 30, 20, 50, 40]
    s = two_units()
    d0, s0 = d.copy(), s.copy()
    near = nearest(d, s)
    assert list(near.index) == [10, 30, 20, 50, 40]
    pd.testing.assert_frame_equal(d, d0)
    pd.testing.assert_frame_equal(s, s0)


def test_nearest_diagonal_distance():
    d = demand_frame([X0 + 3000.0], [Y0 + 4000.0], [1.0])
    near = nearest(d, supply_frame([("a", TYPE_VC, X0, Y0)]))
    assert near["nearest_cost"].iloc[0] == pytest.approx(5.0)


def test_empty_supply_gives_no_unit_and_nan():
    d = line_of_squares(3)
    near = nearest(d, supply_frame([]))
    assert near["nearest_id"].tolist() == ["", "", ""]
    assert near["nearest_cost"].isna().all()
    s = access_summary(d, near)
    assert s.loc[REGION_ROW, "pop"] == 300
    assert s.loc[REGION_ROW, "pop_no_cost"] == 300
    assert math.isnan(s.loc[REGION_ROW, "mean_cost"])
    assert s.loc[REGION_ROW, "share_within_20"] == 0.0
    # A type absent from the register behaves the same.
    near_f = nearest(d, supply_frame([("a", TYPE_VC, X0, Y0)]), unit_types=TYPE_FILIAL)
    assert near_f["nearest_id"].tolist() == ["", "", ""]


def test_cost_matrix_minimum_type_filter_and_missing_squares():
    d = line_of_squares(3)  # ids r000, r001, r002
    s = two_units()
    m = cost_frame([("r000", "vc1", 12.0), ("r000", "f1", 7.0), ("r001", "vc1", 3.0), ("r001", "zz", 1.0)])
    near = nearest(d, s, cost=m, cost_unit="min")
    assert near["nearest_id"].tolist() == ["f1", "vc1", ""]  # "zz" is not in the register
    assert near["nearest_cost"].iloc[:2].tolist() == [7.0, 3.0]
    assert math.isnan(near["nearest_cost"].iloc[2])
    assert near.attrs["cost_unit"] == "min"
    vc = nearest(d, s, cost=m, unit_types=TYPE_VC)
    assert vc["nearest_id"].tolist() == ["vc1", "vc1", ""]
    assert vc["nearest_cost"].iloc[0] == 12.0
    summ = access_summary(d, near, bands_km=(5, 10))
    assert summ.loc[REGION_ROW, "pop_no_cost"] == 100
    # Two of three squares have a cost: mean (7 + 3) / 2; within 5: one square of three.
    assert summ.loc[REGION_ROW, "mean_cost"] == pytest.approx(5.0)
    assert summ.loc[REGION_ROW, "share_within_5"] == pytest.approx(1 / 3)
    assert summ.loc[REGION_ROW, "share_within_10"] == pytest.approx(2 / 3)


def test_cost_matrix_ties_go_to_the_lowest_unit_id():
    d = line_of_squares(1)
    s = supply_frame([("b", TYPE_VC, X0, Y0), ("a", TYPE_VC, X0, Y0)])
    near = nearest(d, s, cost=cost_frame([("r000", "b", 4.0), ("r000", "a", 4.0)]))
    assert near["nearest_id"].iloc[0] == "a"


def test_access_summary_closed_form_on_a_line():
    d = line_of_squares(21)
    summ = access_summary(d, nearest(d, two_units()))
    r = summ.loc[REGION_ROW]
    assert r["pop"] == 2100
    # Distances 0,1,..,9,10,9,..,0 km, 100 persons each.
    assert r["mean_cost"] == pytest.approx(100 * (2 * sum(range(10)) + 10) / 2100)
    assert r["median_cost"] == pytest.approx(5.0)
    assert r[share_column(5)] == pytest.approx(12 / 21)
    assert r["share_within_10"] == pytest.approx(1.0)
    assert r["max_cost"] == pytest.approx(10.0)
    assert r["max_demand_id"] == "r010"
    assert r["max_x"] == X0 + 10_000 and r["max_y"] == Y0
    vc = access_summary(d, nearest(d, two_units(), unit_types=TYPE_VC)).loc[REGION_ROW]
    assert vc["mean_cost"] == pytest.approx(10.0)
    assert vc["median_cost"] == pytest.approx(10.0)
    assert vc["share_within_5"] == pytest.approx(6 / 21)
    assert vc["max_cost"] == pytest.approx(20.0) and vc["max_demand_id"] == "r020"


@pytest.mark.parametrize(
    ("pops", "median"),
    [((10, 10, 100), 3.0), ((60, 10, 30), 1.0), ((50, 50, 0), 1.0), ((49, 2, 49), 2.0), ((1, 1, 1), 2.0)],
)
def test_weighted_median(pops, median):
    d = demand_frame([X0 + 1000, X0 + 2000, X0 + 3000], [Y0] * 3, pops)
    near = nearest(d, supply_frame([("a", TYPE_VC, X0, Y0)]))
    assert access_summary(d, near).loc[REGION_ROW, "median_cost"] == pytest.approx(median)


def test_empty_squares_do_not_count_for_the_longest_distance_or_the_mean():
    d = demand_frame([X0 + 1000, X0 + 2000, X0 + 50_000], [Y0] * 3, [100, 300, 0])
    near = nearest(d, supply_frame([("a", TYPE_VC, X0, Y0)]))
    r = access_summary(d, near).loc[REGION_ROW]
    assert r["max_cost"] == pytest.approx(2.0) and r["max_demand_id"] == "r001"
    assert r["mean_cost"] == pytest.approx((100 * 1 + 300 * 2) / 400)
    assert r["pop"] == 400


def test_access_summary_per_kommun_and_region():
    d = demand_frame(
        [X0 + 1000, X0 + 2000, X0 + 8000, X0 + 12_000],
        [Y0] * 4,
        [100, 100, 200, 0],
        ["1380", "1380", "1381", "1382"],
    )
    near = nearest(d, supply_frame([("a", TYPE_VC, X0, Y0)]))
    s = access_summary(d, near, bands_km=(2, 10))
    assert list(s.index) == ["1380", "1381", "1382", REGION_ROW]
    assert s.loc["1380", "mean_cost"] == pytest.approx(1.5)
    assert s.loc["1381", "share_within_2"] == 0.0 and s.loc["1381", "share_within_10"] == 1.0
    assert s.loc[REGION_ROW, "share_within_2"] == pytest.approx(0.5)
    assert s.loc[REGION_ROW, "max_cost"] == pytest.approx(8.0)
    assert s.loc[REGION_ROW, "pop"] == s.drop(index=REGION_ROW)["pop"].sum() == 400
    assert s.loc["1382", "pop"] == 0 and math.isnan(s.loc["1382", "mean_cost"]) and math.isnan(s.loc["1382", "share_within_2"])


def test_catchments_sum_to_the_population_and_list_every_unit():
    d = line_of_squares(21)
    s = supply_frame(
        [("vc1", TYPE_VC, X0, Y0, 1500.0), ("f1", TYPE_FILIAL, X0 + 20_500, Y0), ("far", TYPE_VC, X0 + 900_000, Y0, 10.0)]
    )
    near = nearest(d, s)
    c = catchments(d, s, near)
    assert list(c.index) == ["vc1", "f1", "far"]
    # Square 10 is 10 km from vc1 and 10,5 km from f1: vc1 gets squares 0..10.
    assert c.loc["vc1", "near_pop"] == 1100
    assert c.loc["f1", "near_pop"] == 1000
    assert c.loc["far", "near_pop"] == 0
    assert c["near_pop"].sum() == d[DEMAND_POP].sum()
    assert c.loc["vc1", "listed_minus_near"] == 400
    assert math.isnan(c.loc["f1", "listed"]) and math.isnan(c.loc["f1", "listed_minus_near"])
    # Near computed for vårdcentraler only: the filial is nobody's nearest.
    cv = catchments(d, s, nearest(d, s, unit_types=TYPE_VC))
    assert cv.loc["f1", "near_pop"] == 0 and cv.loc["vc1", "near_pop"] == 2100


def test_listing_vs_target():
    s = supply_frame(
        [
            ("a", TYPE_VC, X0, Y0, 9000.0, "1380"),
            ("b", TYPE_VC, X0, Y0, 6000.0, "1380"),
            ("c", TYPE_VC, X0, Y0, np.nan, "1381"),
            ("d", TYPE_FILIAL, X0, Y0, 1000.0, "1380"),
        ]
    )
    per = listing_vs_target(s, 7500)
    assert per.loc["a", "ratio"] == pytest.approx(1.2)
    assert math.isnan(per.loc["c", "ratio"])
    k = listing_vs_target_per_kommun(s, 7500, unit_types=TYPE_VC)
    assert k.loc["1380", "units"] == 2 and k.loc["1380", "mean_listed"] == 7500 and k.loc["1380", "ratio"] == 1.0
    assert k.loc["1381", "units"] == 1 and k.loc["1381", "units_listed_known"] == 0 and math.isnan(k.loc["1381", "listed"])
    with pytest.raises(GeoInputError):
        listing_vs_target(s, 0)


@pytest.mark.parametrize("detour", [0.99, 3.01, float("nan"), float("inf"), "1,5", True])
def test_bad_detour(detour):
    with pytest.raises(GeoInputError) as e:
        nearest(line_of_squares(2), two_units(), detour=detour)
    assert isinstance(e.value, NaravardError) and "detour" in str(e.value) and "Omvägsfaktorn" in e.value.message_sv


def test_bad_inputs_raise_bilingual_errors():
    d = line_of_squares(3)
    bad = d.copy()
    bad.loc[1, DEMAND_X] = np.nan
    with pytest.raises(GeoInputError, match="non-finite"):
        nearest(bad, two_units())
    s = two_units()
    s.loc[0, SUPPLY_X] = np.inf
    with pytest.raises(GeoInputError) as e:
        nearest(d, s)
    assert "Enhetsregistret" in e.value.message_sv
    dup = supply_frame([("a", TYPE_VC, X0, Y0), ("a", TYPE_VC, X0, Y0)])
    with pytest.raises(GeoInputError, match="duplicate"):
        nearest(d, dup)
    with pytest.raises(GeoInputError, match="unknown unit types"):
        nearest(d, two_units(), unit_types="sjukhus")
    with pytest.raises(GeoInputError):
        nearest(d, two_units(), cost=cost_frame([("r000", "vc1", -1.0)]))
    with pytest.raises(GeoInputError):
        nearest(d, two_units(), cost_unit="mil")
    with pytest.raises(GeoInputError):
        access_summary(d, nearest(d, two_units()), bands_km=(5, -1))
    neg = d.copy()
    neg[DEMAND_POP] = [1.0, -1.0, 1.0]
    with pytest.raises(GeoInputError):
        nearest(neg, two_units())
    with pytest.raises(GeoInputError, match="lacks columns"):
        nearest(d.drop(columns=[DEMAND_X]), two_units())
