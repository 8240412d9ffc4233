"""What-if: scaled demand, register changes and before/after summaries on hand-made cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from naravard.model.geo.changes import ADD, MOVE, REMOVE, GeoChangeError, UnitChange, changes_from_text
from naravard.model.geo.distance import REGION_ROW, GeoInputError, access_summary, catchments, nearest
from naravard.model.geo.whatif import SUPPLY_CHANGE, apply_changes, compare_summaries, scale_demand
from naravard.sources.geoframes import DEMAND_POP, SUPPLY_COLUMNS, SUPPLY_ID, SUPPLY_KOMMUN, TYPE_FILIAL, TYPE_VC
from tests.model.geo.geo_frames import X0, Y0, demand_frame, line_of_squares, supply_frame, two_units


def test_scale_demand_per_kommun_copy():
    d = demand_frame([X0, X0 + 1000, X0 + 2000], [Y0] * 3, [100, 200, 50], ["1380", "1381", "1382"])
    d0 = d.copy()
    out = scale_demand(d, {"1380": 1.1, "1381": 0.0})
    assert out[DEMAND_POP].tolist() == pytest.approx([110.0, 0.0, 50.0])
    pd.testing.assert_frame_equal(d, d0)
    for bad in (-0.1, float("nan"), float("inf"), "1,1"):
        with pytest.raises(GeoInputError) as e:
            scale_demand(d, {"1380": bad})
        assert "1380" in e.value.message_sv


def test_add_a_filial_in_the_middle_shortens_the_longest_distance():
    d = line_of_squares(21)
    s = two_units()
    s0 = s.copy()
    after = apply_changes(s, [UnitChange(ADD, unit_type=TYPE_FILIAL, x=int(X0 + 10_000), y=int(Y0))], d)
    pd.testing.assert_frame_equal(s, s0)
    assert len(after) == 3
    new = after.iloc[-1]
    assert new[SUPPLY_ID] == "ny-1" and new["supply_name"] == "Ny filial 1" and new["supply_type"] == TYPE_FILIAL
    assert new["supply_source"] == "Scenario" and math.isnan(new["supply_listed"]) and new[SUPPLY_KOMMUN] == "1380"
    assert new[SUPPLY_CHANGE] == ADD
    assert set(SUPPLY_COLUMNS) <= set(after.columns)
    before_s = access_summary(d, nearest(d, s))
    after_s = access_summary(d, nearest(d, after))
    # Distances become 0..5..0 twice: the longest is 5 km, the mean 100*(2*2*(0+..+4)+2*5... computed below.
    dist = [min(i, abs(10 - i), 20 - i) for i in range(21)]
    assert after_s.loc[REGION_ROW, "max_cost"] == pytest.approx(max(dist)) == 5
    assert after_s.loc[REGION_ROW, "mean_cost"] == pytest.approx(sum(dist) / 21)
    diff = compare_summaries(before_s, after_s)
    assert diff.loc[REGION_ROW, "max_cost"] == pytest.approx(-5.0)
    assert diff.loc[REGION_ROW, "pop"] == 0
    assert diff.loc[REGION_ROW, "share_within_5"] == pytest.approx(1 - 12 / 21)
    assert diff.loc[REGION_ROW, "max_demand_id_before"] == "r010"
    assert diff.loc[REGION_ROW, "max_demand_id_after"] in {"r005", "r015"}
    c = catchments(d, after, nearest(d, after))
    assert c["near_pop"].sum() == 2100 and c.loc["ny-1", "near_pop"] > 0


def test_remove_and_move_and_numbering():
    d = demand_frame([X0, X0 + 30_000], [Y0, Y0], [10, 10], ["1380", "1381"])
    s = two_units()
    ch = changes_from_text(f"-vc1,~f1:{int(X0 + 30_000)}:{int(Y0)},+v:{int(X0)}:{int(Y0)},+f:{int(X0)}:{int(Y0)},+v:{int(X0)}:{int(Y0)}")
    after = apply_changes(s, ch, d)
    assert after[SUPPLY_ID].tolist() == ["f1", "ny-1", "ny-2", "ny-3"]
    assert after["supply_name"].tolist()[1:] == ["Ny vårdcentral 1", "Ny filial 1", "Ny vårdcentral 2"]
    moved = after.set_index(SUPPLY_ID).loc["f1"]
    assert moved["supply_x"] == X0 + 30_000 and moved[SUPPLY_KOMMUN] == "1381" and moved[SUPPLY_CHANGE] == MOVE
    assert after[SUPPLY_CHANGE].tolist() == [MOVE, ADD, ADD, ADD]
    # Without demand a move keeps the kommun and an add has none.
    plain = apply_changes(s, ch)
    assert plain.set_index(SUPPLY_ID).loc["f1", SUPPLY_KOMMUN] == "1380"
    assert plain.set_index(SUPPLY_ID).loc["ny-1", SUPPLY_KOMMUN] == ""


def test_added_ids_skip_ids_the_register_has_and_added_units_can_be_changed_later():
    s = supply_frame([("ny-1", TYPE_VC, X0, Y0)])
    after = apply_changes(
        s,
        [
            UnitChange(ADD, unit_type=TYPE_VC, x=int(X0), y=int(Y0)),
            UnitChange(ADD, unit_type=TYPE_VC, x=int(X0), y=int(Y0)),
            UnitChange(MOVE, unit_id="ny-2", x=int(X0 + 5), y=int(Y0)),
            UnitChange(REMOVE, unit_id="ny-3"),
        ],
    )
    assert after[SUPPLY_ID].tolist() == ["ny-1", "ny-2"]
    assert after["supply_x"].iloc[1] == X0 + 5


def test_unknown_or_twice_removed_id_raises():
    s = two_units()
    with pytest.raises(GeoChangeError) as e:
        apply_changes(s, [UnitChange(REMOVE, unit_id="nope")])
    assert "nope" in str(e.value) and "nope" in e.value.message_sv
    with pytest.raises(GeoChangeError):
        apply_changes(s, [UnitChange(REMOVE, unit_id="vc1"), UnitChange(MOVE, unit_id="vc1", x=1, y=1)])


def test_no_changes_is_the_register():
    s = two_units()
    after = apply_changes(s, [])
    assert after[SUPPLY_ID].tolist() == ["vc1", "f1"]
    assert after[SUPPLY_CHANGE].tolist() == ["", ""]
    np.testing.assert_array_equal(after["supply_listed"].to_numpy(), s["supply_listed"].to_numpy())


def test_compare_summaries_rejects_other_frames():
    with pytest.raises(GeoInputError):
        compare_summaries(pd.DataFrame({"a": [1]}), pd.DataFrame({"a": [1]}))
