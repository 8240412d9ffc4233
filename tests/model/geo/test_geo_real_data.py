"""The geography model on the real grid and the OSM example units (../shared/data), and on a
synthetic twin of the same shape so the same checks run where ../shared is absent.

Real figures: 3 940 squares and 346 002 persons (FACTS.md S6) and the grid's sums per kommun
(../shared/data/README.md); 14 primary-care-like OSM units (FACTS.md S7). Everything else
is checked for consistency between the model's own functions, not against invented values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from naravard.model.geo.changes import ADD, UnitChange
from naravard.model.geo.distance import REGION_ROW, access_summary, catchments, nearest
from naravard.model.geo.suggest import suggest_mclp, suggest_pmedian
from naravard.model.geo.whatif import apply_changes, compare_summaries
from naravard.sources.geoframes import DEMAND_ID, DEMAND_POP, TYPE_FILIAL
from tests.model.geo.geo_frames import (
    GRID_CSV_COLUMNS,
    UNITS_CSV_COLUMNS,
    grid_csv_to_demand,
    primary_care_like,
    synthetic_grid_csv,
    synthetic_units_csv,
    units_csv_to_supply,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*PuLP 4.0:DeprecationWarning")

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared" / "data"
GRID_CSV = SHARED / "population" / "halland_befolkning_1km_2025.csv"
UNITS_CSV = SHARED / "units" / "halland_osm_halsoenheter_2020.csv"
needs_shared = pytest.mark.skipif(not (GRID_CSV.is_file() and UNITS_CSV.is_file()), reason="../shared/data (grid and OSM units) absent")

#: FACTS.md S6 and the data README's per-kommun grid sums.
REAL_SQUARES = 3940
REAL_TOTAL = 346_002
REAL_ZERO_SQUARES = 318
REAL_KOMMUN_SUMS = {"1384": 86_683, "1383": 69_252, "1382": 47_136, "1380": 105_999, "1381": 26_862, "1315": 10_070}
#: FACTS.md S7: about 14 of the OSM facilities look like primary care.
REAL_UNITS = 14


def _read(path: Path, columns) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"ruta_id": str, "kommunkod": str, "osm_id": str, "kommun_kod": str})
    assert tuple(df.columns) == tuple(columns)
    return df


@pytest.fixture(scope="module", params=["synthetic", pytest.param("real", marks=needs_shared)])
def case(request):
    if request.param == "real":
        g, u = _read(GRID_CSV, GRID_CSV_COLUMNS), _read(UNITS_CSV, UNITS_CSV_COLUMNS)
    else:
        g, u = synthetic_grid_csv(), synthetic_units_csv()
    demand = grid_csv_to_demand(g)
    supply = units_csv_to_supply(primary_care_like(u))
    return request.param, demand, supply


@needs_shared
def test_real_grid_and_units_match_the_facts():
    g = _read(GRID_CSV, GRID_CSV_COLUMNS)
    d = grid_csv_to_demand(g)
    assert len(d) == REAL_SQUARES and d[DEMAND_ID].is_unique
    assert d[DEMAND_POP].sum() == REAL_TOTAL
    assert (d[DEMAND_POP] == 0).sum() == REAL_ZERO_SQUARES
    assert d.groupby("demand_kommun")[DEMAND_POP].sum().to_dict() == REAL_KOMMUN_SUMS
    u = primary_care_like(_read(UNITS_CSV, UNITS_CSV_COLUMNS))
    assert len(u) == REAL_UNITS


def test_synthetic_twin_has_the_real_shape():
    g = synthetic_grid_csv()
    assert tuple(g.columns) == GRID_CSV_COLUMNS
    assert g["ruta_id"].str.fullmatch(r"\d{13}").all()
    # The id is the south-west corner; the centre is 500 m further.
    assert (g["ruta_id"].str[:6].astype(int) + 500 == g["x_sweref99tm"]).all()
    assert (g["ruta_id"].str[6:].astype(int) + 500 == g["y_sweref99tm"]).all()
    assert (g["befolkning"] == 0).any()
    assert len(primary_care_like(synthetic_units_csv())) == 14


def test_access_and_catchments_are_consistent(case):
    name, demand, supply = case
    total = demand[DEMAND_POP].sum()
    near = nearest(demand, supply)
    assert (near["nearest_id"] != "").all() and np.isfinite(near["nearest_cost"]).all()
    s = access_summary(demand, near)
    reg = s.loc[REGION_ROW]
    assert reg["pop"] == total
    assert s.drop(index=REGION_ROW)["pop"].sum() == total
    if name == "real":
        assert s.drop(index=REGION_ROW)["pop"].to_dict() == REAL_KOMMUN_SUMS
        assert total == REAL_TOTAL
    shares = reg[["share_within_5", "share_within_10", "share_within_15", "share_within_20"]].to_numpy(float)
    assert (np.diff(shares) >= 0).all() and 0 < shares[0] and shares[-1] <= 1
    assert 0 < reg["median_cost"] <= reg["max_cost"] and 0 < reg["mean_cost"] <= reg["max_cost"]
    # The longest distance is a populated square's own distance, and the largest of the kommuner's.
    far = demand.index[demand[DEMAND_ID] == reg["max_demand_id"]][0]
    assert demand.loc[far, DEMAND_POP] > 0
    assert near.loc[far, "nearest_cost"] == reg["max_cost"] == s["max_cost"].max()
    c = catchments(demand, supply, near)
    assert c["near_pop"].sum() == total and len(c) == len(supply)


def test_suggestions_agree_with_the_register_after_adding_them(case):
    """A suggested set, added as filialer through apply_changes, gives the same coverage
    and mean distance through nearest/access_summary as the suggestion claims."""
    _, demand, supply = case
    total = demand[DEMAND_POP].sum()
    before = access_summary(demand, nearest(demand, supply), bands_km=(10,))

    def added(sites):
        changes = [UnitChange(ADD, unit_type=TYPE_FILIAL, x=int(x), y=int(y)) for x, y in zip(sites["x"], sites["y"], strict=True)]
        reg = apply_changes(supply, changes, demand)
        return access_summary(demand, nearest(demand, reg), bands_km=(10,))

    m = suggest_mclp(demand, supply, p=5, radius_km=10)
    assert m.before == pytest.approx(before.loc[REGION_ROW, "share_within_10"] * total)
    assert m.before < m.after <= total
    assert 1 <= len(m.sites) <= 5 and m.sites["demand_id"].is_unique
    assert (m.sites["gain"] > 0).all() and m.sites["gain"].is_monotonic_decreasing
    after = added(m.sites)
    assert after.loc[REGION_ROW, "share_within_10"] * total == pytest.approx(m.after)

    h = suggest_pmedian(demand, supply, p=5)
    assert h.before == pytest.approx(before.loc[REGION_ROW, "mean_cost"])
    assert h.after < h.before and len(h.sites) == 5
    assert h.sites["gain_cumulative"].iloc[-1] == pytest.approx(h.before - h.after, rel=1e-6)
    after_h = added(h.sites)
    assert after_h.loc[REGION_ROW, "mean_cost"] == pytest.approx(h.after, rel=1e-5)
    diff = compare_summaries(before, after_h)
    assert diff.loc[REGION_ROW, "mean_cost"] == pytest.approx(h.after - h.before, rel=1e-5)
