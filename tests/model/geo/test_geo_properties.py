"""Properties of the distance functions on random frames (hypothesis): the cKDTree answer
equals a brute-force minimum, catchments add up to the population, shares grow with the
band, and a cost matrix of straight-line km gives the same figures as the straight line.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from naravard.model.geo.distance import REGION_ROW, access_summary, catchments, nearest
from naravard.sources.geoframes import DEMAND_POP, TYPE_FILIAL, TYPE_VC
from tests.model.geo.geo_frames import X0, Y0, cost_frame, demand_frame, supply_frame


@st.composite
def frames(draw):
    n = draw(st.integers(1, 40))
    k = draw(st.integers(1, 8))
    coord = st.integers(0, 60_000)
    xs = draw(st.lists(coord, min_size=n, max_size=n))
    ys = draw(st.lists(coord, min_size=n, max_size=n))
    pops = draw(st.lists(st.integers(0, 500), min_size=n, max_size=n))
    kom = draw(st.lists(st.sampled_from(["1380", "1381", "1382"]), min_size=n, max_size=n))
    d = demand_frame(np.add(xs, X0), np.add(ys, Y0), pops, kom)
    ux = draw(st.lists(coord, min_size=k, max_size=k))
    uy = draw(st.lists(coord, min_size=k, max_size=k))
    types = draw(st.lists(st.sampled_from([TYPE_VC, TYPE_FILIAL]), min_size=k, max_size=k))
    s = supply_frame([(f"u{i}", types[i], X0 + ux[i], Y0 + uy[i]) for i in range(k)])
    return d, s


@settings(max_examples=60, deadline=None)
@given(frames(), st.sampled_from([1.0, 1.3, 2.5]))
def test_nearest_is_the_brute_force_minimum(fs, detour):
    d, s = fs
    near = nearest(d, s, detour=detour)
    D = np.hypot(d["demand_x"].to_numpy()[:, None] - s["supply_x"].to_numpy()[None, :], d["demand_y"].to_numpy()[:, None] - s["supply_y"].to_numpy()[None, :]) / 1000.0
    np.testing.assert_allclose(near["nearest_cost"].to_numpy(), D.min(axis=1) * detour, rtol=1e-12, atol=1e-9)
    # The named unit is at that distance (ties may name any of the nearest).
    col = {u: i for i, u in enumerate(s["supply_id"])}
    picked = D[np.arange(len(d)), [col[u] for u in near["nearest_id"]]]
    np.testing.assert_allclose(picked, D.min(axis=1), rtol=1e-12, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(frames())
def test_catchments_and_summary_add_up(fs):
    d, s = fs
    near = nearest(d, s)
    c = catchments(d, s, near)
    assert c["near_pop"].sum() == d[DEMAND_POP].sum()
    summ = access_summary(d, near, bands_km=(1, 5, 10, 50))
    assert summ.loc[REGION_ROW, "pop"] == d[DEMAND_POP].sum()
    shares = summ[["share_within_1", "share_within_5", "share_within_10", "share_within_50"]]
    ok = shares.dropna()
    assert (ok.diff(axis=1).iloc[:, 1:] >= -1e-12).all().all()
    assert ((ok >= 0) & (ok <= 1 + 1e-12)).all().all()
    r = summ.loc[REGION_ROW]
    if r["pop"] > 0:
        assert r["median_cost"] <= r["max_cost"] + 1e-12 and r["mean_cost"] <= r["max_cost"] + 1e-12


@settings(max_examples=40, deadline=None)
@given(frames())
def test_a_matrix_of_straight_lines_gives_the_same_costs(fs):
    d, s = fs
    near = nearest(d, s)
    D = np.hypot(d["demand_x"].to_numpy()[:, None] - s["supply_x"].to_numpy()[None, :], d["demand_y"].to_numpy()[:, None] - s["supply_y"].to_numpy()[None, :]) / 1000.0
    triples = [(d["demand_id"].iloc[i], s["supply_id"].iloc[j], float(D[i, j])) for i in range(len(d)) for j in range(len(s))]
    via = nearest(d, s, cost=cost_frame(triples))
    np.testing.assert_allclose(via["nearest_cost"].to_numpy(), near["nearest_cost"].to_numpy(), rtol=1e-12)
    pd.testing.assert_frame_equal(access_summary(d, via).drop(columns=["max_demand_id", "max_x", "max_y"]), access_summary(d, near).drop(columns=["max_demand_id", "max_x", "max_y"]), check_exact=False)
