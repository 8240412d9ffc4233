"""The scenario's what-if changes to the unit register (``Assumptions.enheter``)."""

from __future__ import annotations

import json

import pytest

from naravard.model.geo.changes import ADD, MAX_CHANGES, MOVE, REMOVE, UnitChange
from naravard.model.scenario import AssumptionError, Assumptions
from naravard.sources.geoframes import TYPE_FILIAL, TYPE_VC

CHANGES = (
    UnitChange(ADD, unit_type=TYPE_FILIAL, x=372000, y=6300000),
    UnitChange(REMOVE, unit_id="SE2321000064-E000000000001"),
    UnitChange(MOVE, unit_id="osm-12", x=350123, y=6280456),
    UnitChange(ADD, unit_type=TYPE_VC, x=330000, y=6350000),
)


def test_default_is_no_change_and_old_payloads_still_open():
    assert Assumptions().enheter == ()
    old = {"version": 1, "horisont": 2035, "andel_ordinart": 0.2}  # saved before the field existed
    a = Assumptions.from_dict(old)
    assert a.enheter == () and a.horisont == 2035
    assert "enheter" not in Assumptions().changed_keys()


def test_json_round_trip_keeps_order_and_equality():
    a = Assumptions(horisont=2035, enheter=CHANGES)
    text = a.to_json()
    assert json.loads(text)["enheter"][0] == {"op": "add", "unit_type": "filial", "unit_id": "", "x": 372000, "y": 6300000}
    b = Assumptions.from_json(text)
    assert b == a and hash(b) == hash(a)
    assert b.enheter == CHANGES
    assert b.changed_keys() == ("horisont", "enheter")
    # order matters: the same changes in another order are another scenario
    assert Assumptions(enheter=CHANGES[::-1]) != a.replace(horisont=Assumptions().horisont)


def test_lists_and_dicts_are_accepted_and_become_a_tuple():
    a = Assumptions(enheter=[c.to_json() for c in CHANGES])
    assert a.enheter == CHANGES and isinstance(a.enheter, tuple)
    assert a.replace(enheter=list(CHANGES)) == a


@pytest.mark.parametrize(
    "bad",
    [
        "+f:372000:6300000",  # text, not a list
        {"op": "add"},  # a dict, not a list
        [{"op": "add", "unit_type": "sjukhus", "x": 1, "y": 2}],
        [{"op": "remove", "unit_id": "a b"}],
        [{"op": "move", "unit_id": "x", "x": 1.5, "y": 2}],
        [{"op": "add", "unit_type": "filial", "x": "372000", "y": 6300000}],
        [{"op": "add", "unit_type": "filial", "x": 1, "y": 2, "extra": 1}],
        [5],
        [{"op": "remove", "unit_id": 7}],
        [CHANGES[0]] * (MAX_CHANGES + 1),
    ],
)
def test_bad_changes_raise_a_swedish_assumption_error(bad):
    with pytest.raises(AssumptionError) as e:
        Assumptions(enheter=bad)
    assert e.value.message_sv and "enhet" in e.value.message_sv.lower()
    with pytest.raises(AssumptionError):
        Assumptions.from_dict({"version": 1, "enheter": bad})
