"""The what-if change record and its link text form (naravard.model.geo.changes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from naravard.model.geo.changes import (
    ADD,
    MAX_CHANGES,
    MOVE,
    REMOVE,
    GeoChangeError,
    UnitChange,
    changes_from_text,
    changes_to_text,
    check_changes,
    new_unit_id,
)
from naravard.sources.geoframes import TYPE_FILIAL, TYPE_VC

BOUNDS = (300_000, 6_200_000, 400_000, 6_400_000)


def test_parse_each_kind_and_write_back():
    text = "+f:332500:6300500,+v:340000:6310000,-SE2321000064-E000000000001,~abc.1:330000:6290000"
    changes = changes_from_text(text)
    assert [c.op for c in changes] == [ADD, ADD, REMOVE, MOVE]
    assert changes[0] == UnitChange(ADD, unit_type=TYPE_FILIAL, x=332500, y=6300500)
    assert changes[1].unit_type == TYPE_VC
    assert changes[2].unit_id == "SE2321000064-E000000000001"
    assert (changes[3].unit_id, changes[3].x, changes[3].y) == ("abc.1", 330000, 6290000)
    assert changes_to_text(changes) == text


def test_empty_text_is_no_change():
    assert changes_from_text("") == ()
    assert changes_from_text("   ") == ()


@pytest.mark.parametrize(
    "bad",
    ["+x:1:2", "+f:12:6300500", "-", "~abc:1", "-a b", "+f:332500:6300500:1", "-" + "a" * 41, "=abc", "+f:3.5e5:6300500"],
)
def test_bad_tokens_raise_with_swedish_message_naming_the_token(bad):
    with pytest.raises(GeoChangeError) as err:
        changes_from_text("+f:332500:6300500," + bad)
    assert "Ändring 2" in err.value.message_sv
    assert "change 2" in str(err.value)


def test_message_does_not_echo_markup():
    with pytest.raises(GeoChangeError) as err:
        changes_from_text("<script>alert(1)</script>")
    assert "<" not in err.value.message_sv and ">" not in err.value.message_sv


def test_too_many_changes_refused():
    text = ",".join(["-a"] * (MAX_CHANGES + 1))
    with pytest.raises(GeoChangeError):
        changes_from_text(text)
    assert len(changes_from_text(",".join(["-a"] * MAX_CHANGES))) == MAX_CHANGES


def test_check_drops_unknown_ids_and_points_outside_with_a_warning_each():
    changes = changes_from_text("-known,-unknown,+f:100000:6300000,~known:330000:6290000,+v:350000:6300000")
    kept, warnings = check_changes(changes, {"known"}, BOUNDS)
    # "known" is removed first, so moving it afterwards is dropped too.
    assert [c.to_token() for c in kept] == ["-known", "+v:350000:6300000"]
    assert len(warnings) == 3
    assert any("unknown" in w for w in warnings)
    assert any("utanför regionen" in w for w in warnings)


def test_json_round_trip_and_refusals():
    for c in changes_from_text("+f:332500:6300500,-x1,~x2:330000:6290000"):
        assert UnitChange.from_json(c.to_json()) == c
    with pytest.raises(GeoChangeError):
        UnitChange.from_json({"op": "add", "unit_type": "filial", "x": 1, "y": 2, "evil": 1})
    with pytest.raises(GeoChangeError):
        UnitChange.from_json(["add"])
    with pytest.raises(GeoChangeError):
        UnitChange(ADD, unit_type=TYPE_FILIAL, x=True, y=6300000)
    with pytest.raises(GeoChangeError):
        UnitChange(ADD, unit_type=TYPE_FILIAL, x=-1, y=6300000)


def test_new_ids_are_numbered_from_one():
    assert [new_unit_id(i) for i in (1, 2)] == ["ny-1", "ny-2"]


@given(st.text(max_size=60))
def test_parser_never_raises_anything_but_its_own_error(text):
    try:
        changes_from_text(text)
    except GeoChangeError:
        pass
