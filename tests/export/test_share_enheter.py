"""The link's what-if changes to the unit register (key ``enh``): round trip and hostile values."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from naravard.export.link import ENH_KEY, MAX_ENH_LEN, MAX_WARNINGS, changes_from_query, from_query, to_query, to_query_string
from naravard.model.geo.changes import ADD, MAX_CHANGES, MOVE, REMOVE, UnitChange
from naravard.model.scenario import Assumptions
from naravard.sources.geoframes import TYPE_FILIAL, TYPE_VC

CODES = ("1384", "1383", "1382", "1380", "1381", "1315")
IDS = ("SE2321000064-E000000000001", "osm-12", "osm-13")
# A box around the region (SWEREF 99 TM metres), as the Geografi page passes it.
BOUNDS = (300000.0, 6200000.0, 420000.0, 6400000.0)
CHANGES = (
    UnitChange(ADD, unit_type=TYPE_FILIAL, x=372000, y=6300000),
    UnitChange(REMOVE, unit_id="SE2321000064-E000000000001"),
    UnitChange(MOVE, unit_id="osm-12", x=350123, y=6280456),
    UnitChange(ADD, unit_type=TYPE_VC, x=330000, y=6350000),
)


def read(params, ids=IDS, bounds=BOUNDS):
    return from_query(params, CODES, None, unit_ids=ids, bounds=bounds)


def _safe_for_ui(warnings):
    for w in warnings:
        assert isinstance(w, str) and w
        assert "<" not in w and ">" not in w and "\n" not in w and "`" not in w and "[" not in w


def test_changes_round_trip_through_the_link():
    a = Assumptions(horisont=2035, enheter=CHANGES)
    q = to_query(a)
    assert q[ENH_KEY] == "+f:372000:6300000,-SE2321000064-E000000000001,~osm-12:350123:6280456,+v:330000:6350000"
    back, warnings = read(q)
    assert warnings == [] and back == a
    # through a real URL: "+" is encoded, so it survives
    s = to_query_string(a)
    assert "enh=%2Bf:372000:6300000" in s
    parsed = {k: v for k, v in parse_qs(s).items()}
    assert read(parsed) == (a, [])
    assert ENH_KEY not in to_query(Assumptions())


def test_an_unencoded_plus_arrives_as_a_space_and_is_still_read():
    back, warnings = read({"enh": " f:372000:6300000, v:330000:6350000"})
    assert warnings == [] and back.enheter == (CHANGES[0], CHANGES[3])


def test_unknown_ids_and_points_outside_the_region_are_dropped_one_by_one():
    q = {"v": "1", "ar": "2035", "enh": "+f:372000:6300000,-okand-1,~osm-12:100000:6280456,+v:330000:9000000,-osm-13"}
    back, warnings = read(q)
    assert back.horisont == 2035  # the rest of the link is used
    assert back.enheter == (CHANGES[0], UnitChange(REMOVE, unit_id="osm-13"))
    assert len(warnings) == 3, warnings
    assert "okand-1 finns inte i registret" in warnings[0]
    assert all("utanför regionen" in w for w in warnings[1:])
    _safe_for_ui(warnings)


def test_without_a_register_every_removal_is_dropped_but_additions_stay():
    back, warnings = read({"enh": "+f:372000:6300000,-osm-12"}, ids=())
    assert back.enheter == (CHANGES[0],)
    assert len(warnings) == 1 and "osm-12" in warnings[0]


def test_a_caller_that_knows_no_register_keeps_well_formed_changes():
    back, warnings = from_query({"enh": "-osm-12,-osm-12,~x:1:2"}, CODES)
    # the same unit removed twice: the second is dropped; "~x:1:2" has too short coordinates
    assert back.enheter == (UnitChange(REMOVE, unit_id="osm-12"),)
    assert len(warnings) == 2


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "+x:1:2",
        "+f:372000",
        "-",
        "~osm-12",
        "+f:372000:6300000:1",
        "<script>alert(1)</script>",
        "-a b",
        "+f:-372000:6300000",
        "+f:3.5e5:6300000",
        "~osm-12:nan:inf",
        "-" + "a" * 41,
        "-id\u00e5",
        "\x00\x01",
        "-`rm`",
        "-[x](javascript:alert(1))",
    ],
)
def test_garbage_tokens_give_a_warning_each_and_no_change(value):
    back, warnings = read({"v": "1", "enh": value, "ar": "2035"})
    assert back.enheter == () and back.horisont == 2035
    assert len(warnings) == 1 and "enh" in warnings[0]
    _safe_for_ui(warnings)


def test_one_bad_token_does_not_spoil_the_others():
    back, warnings = read({"enh": "+f:372000:6300000,garbage,-osm-12"})
    assert back.enheter == (CHANGES[0], UnitChange(REMOVE, unit_id="osm-12"))
    assert len(warnings) == 1 and "post 2" in warnings[0]


def test_a_thousand_tokens_are_refused_with_one_warning():
    value = ",".join(["+f:372000:6300000"] * 1000)
    assert len(value) > MAX_ENH_LEN
    back, warnings = read({"enh": value})
    assert back.enheter == () and len(warnings) == 1 and "för långt" in warnings[0]
    # a thousand short tokens within the length limit: only the first MAX_CHANGES are read
    short = ",".join(["-osm-12"] * 100)[:MAX_ENH_LEN]
    back, warnings = read({"enh": short})
    assert back.enheter == (UnitChange(REMOVE, unit_id="osm-12"),)  # repeated removals dropped
    assert len(warnings) <= MAX_WARNINGS + 1
    assert f"högst {MAX_CHANGES}" in warnings[0]


def test_repeated_enh_with_different_values_or_non_text_is_dropped():
    back, warnings = read({"enh": ["+f:372000:6300000", "-osm-12"]})
    assert back.enheter == () and "flera gånger" in warnings[0]
    back, warnings = read({"enh": [5]})
    assert back.enheter == () and len(warnings) == 1


def test_changes_from_query_reads_only_enh_and_never_raises():
    assert changes_from_query({}) == ((), [])
    assert changes_from_query({"enh": "+f:372000:6300000"}, IDS, BOUNDS) == ((CHANGES[0],), [])
    changes, warnings = changes_from_query({"enh": "-nope"}, IDS, BOUNDS)
    assert changes == () and len(warnings) == 1
    assert changes_from_query(None) == ((), [])  # type: ignore[arg-type]
    assert changes_from_query({"enh": object()})[0] == ()  # type: ignore[dict-item]
