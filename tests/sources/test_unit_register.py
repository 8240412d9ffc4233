"""The unit register reader (sources.units): formats, coordinates, places, template,
round trip, the check against the supply table and the OpenStreetMap example."""

from __future__ import annotations

import io
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest

from naravard.errors import DataError
from naravard.sources import geoframes as gf
from naravard.sources import units as u
from naravard.sources.dataset import DEFAULT_DATA_DIR, load_dataset
from tests import unitfiles
from tests.test_region import write_region

CODES = ["1384", "1383", "1382", "1380", "1381", "1315"]


@pytest.fixture(scope="module")
def shape():
    s = u.load_region_shape("13")
    assert s is not None and sorted(s.kommuner["kommunkod"]) == sorted(CODES)
    return s


def _read(lines, shape=None, name="r.csv"):
    raw = "\n".join(lines).encode("utf-8") if isinstance(lines, list) else lines
    return u.read_register(raw, name, region_codes=CODES, region_shape=shape)


def test_valid_register_becomes_the_supply_frame(shape):
    r = _read(unitfiles.VALID, shape)
    assert r.ok and r.problems == () and r.rows == 3, r.problems
    f = r.frame
    assert list(f.columns) == list(gf.SUPPLY_COLUMNS)
    assert list(f[gf.SUPPLY_ID]) == ["VC-A", "VC-B", "FIL-C"]
    assert list(f[gf.SUPPLY_TYPE]) == [gf.TYPE_VC, gf.TYPE_VC, gf.TYPE_FILIAL]
    assert list(f[gf.SUPPLY_MAIN]) == ["", "", "VC-A"]
    assert list(f[gf.SUPPLY_OPERATOR]) == ["regional", "privat", "regional"]
    assert f[gf.SUPPLY_LISTED].iloc[0] == 8100 and np.isnan(f[gf.SUPPLY_LISTED].iloc[2])
    assert list(f[gf.SUPPLY_LISTED_DATE]) == ["2025-11-30", "2025-11-30", ""]
    assert r.source_label == "Eget register: r.csv (källa: Test)"
    # WGS84 became SWEREF 99 TM metres (the OSM point of VC-A, as in the example file).
    assert (f[gf.SUPPLY_X].iloc[0], f[gf.SUPPLY_Y].iloc[0]) == (368716.7, 6283382.6)


def test_sweref_projection_on_the_central_meridian():
    """SWEREF 99 TM: central meridian 15° E with false easting 500 000 m."""
    r = _read([unitfiles.HEADER, "A;A;vårdcentral;;1380;;56,0;15,0;;;;;"])
    assert r.ok and abs(r.frame[gf.SUPPLY_X].iloc[0] - 500_000) < 0.1
    assert 6_200_000 < r.frame[gf.SUPPLY_Y].iloc[0] < 6_215_000


def test_coordinates_per_row_either_system(shape):
    h = unitfiles.HEADER
    x, y = "368716,7", "6283382,6"
    r = _read([h, f"A;A;vårdcentral;;1380;;;;{x};{y};;;", f"B;B;vc;;1380;;56,6760923;12,8572648;;;;;"], shape)
    assert r.ok and r.frame[gf.SUPPLY_X].tolist() == [368716.7, 368716.7]
    both_agree = _read([h, f"A;A;vårdcentral;;1380;;56,6760923;12,8572648;{x};{y};;;"], shape)
    assert both_agree.ok
    both_differ = _read([h, f"A;A;vårdcentral;;1380;;56,6760923;12,8572648;{x};6293382;;;"], shape)
    assert "Rad 2: lat/lon och x/y är båda ifyllda men anger olika platser" in both_differ.problems[0]
    half = _read([h, "A;A;vårdcentral;;1380;;56,67;;;;;;"], shape)
    assert half.problems == ("Rad 2: bara en av lat och lon är ifylld; fyll i båda eller ingen.",)
    swapped_xy = _read([h, f"A;A;vårdcentral;;1380;;;;{y};{x};;;"], shape)
    assert "x och y verkar vara omkastade" in swapped_xy.problems[0]


def test_coastal_point_is_accepted_with_a_notice_and_a_kommun_mismatch_is_a_notice(shape):
    # An OSM unit in a fishing harbour lies just outside the generalised polygon.
    r = _read([unitfiles.HEADER, "G;Glommen;vårdcentral;;1382;;56,9298212;12,3634557;;;;;"], shape)
    assert r.ok and any("1 enhet ligger strax utanför" in n and "rad 2" in n for n in r.notices), r.notices
    # A Halmstad point stated as Kungsbacka: the stated code is kept, with a notice.
    m = _read([unitfiles.HEADER, "A;A;vårdcentral;;1384;;56,6760923;12,8572648;;;;;"], shape)
    assert m.ok and m.frame[gf.SUPPLY_KOMMUN].iloc[0] == "1384"
    assert "Rad 2: platsen ligger i kommun 1380 men kommunkoden är 1384; kommunkoden i filen används." in m.notices


def test_without_a_region_shape_only_sweden_is_checked():
    r = _read(unitfiles.VALID, None)
    assert r.ok and any("Kommungränserna saknas" in n for n in r.notices)
    far = _read([unitfiles.HEADER, "A;A;vårdcentral;;1380;;40,0;12,0;;;;;"], None)
    assert "ligger inte i Sverige" in far.problems[0]


def test_aliases_unknown_columns_and_comma_separated_file(shape):
    lines = ["HSA-id,Namn,Typ,huvudenhet,Kommunkod,Latitud,Longitud,Listade,Kommentar",
             'VC-A,Vårdcentralen A,Vårdcentral,,1380,56.6760923,12.8572648,"8 100",fin']
    r = _read(lines, shape)
    assert r.ok, r.problems
    assert r.frame[gf.SUPPLY_LISTED].iloc[0] == 8100
    assert "Kolumner som inte används: «kommentar»." in r.notices


def test_missing_columns_are_named():
    r = _read(["id;namn;lat;lon", "A;A;56,6;12,8"])
    assert r.problems[0].startswith("Kolumner saknas: `typ`, `kommunkod`.")
    r = _read(["id;namn;typ;kommunkod", "A;A;vc;1380"])
    assert r.problems[0].startswith("Koordinaterna saknas")


def test_register_csv_text_round_trips(shape):
    r = _read(unitfiles.VALID, shape)
    text = u.register_csv_text(r.frame)
    again = u.read_register(text.encode("utf-8"), "kept.csv", region_codes=CODES, region_shape=shape)
    assert again.ok, again.problems
    pd.testing.assert_frame_equal(again.frame, r.frame)


def test_templates_have_the_columns_and_are_refused_until_filled():
    csv_text = u.template_csv_bytes().decode("utf-8-sig")
    assert csv_text.splitlines()[0] == ";".join(u.TEMPLATE_COLUMNS)
    for raw, name in ((u.template_csv_bytes(), "mall.csv"), (u.template_xlsx_bytes(), "mall.xlsx")):
        r = u.read_register(raw, name, region_codes=CODES)
        assert not r.ok and "Rad 2: kommunkod saknas" in " ".join(r.problems)
    wb = openpyxl.load_workbook(io.BytesIO(u.template_xlsx_bytes()))
    assert wb.sheetnames == ["enheter", "instruktion"]
    assert [c.value for c in wb["enheter"][1]] == list(u.TEMPLATE_COLUMNS)
    assert wb["enheter"]["L5"].number_format == "@"  # listningsdatum stays text in Excel


def test_filled_xlsx_template_is_read_with_sheet_rows(shape):
    wb = openpyxl.load_workbook(io.BytesIO(u.template_xlsx_bytes()))
    ws = wb["enheter"]
    rows = [
        ["VC-A", "Vårdcentralen A", "vårdcentral", None, "1380", "regional", 56.6760923, 12.8572648, None, None, 8100,
         "2025-11-30", "Vårdval"],
        ["FIL-C", "Filial C", "filial", "VC-A", 1380, None, None, None, 361750.5, 6299217.4, None, None, None],
        ["FIL-D", "Filial D", "filial", "VC-A", 1380, None, None, None, "x", 6299217.4, None, None, None],
    ]
    for r, values in enumerate(rows, start=2):  # as a planner types over the example rows
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v)
    buf = io.BytesIO()
    wb.save(buf)
    r = u.read_register(buf.getvalue(), "mall.xlsx", region_codes=CODES, region_shape=shape)
    assert r.problems == ("Rad 4: x «x» är inte ett tal (meter i SWEREF 99 TM).",)
    for c in range(1, 14):
        ws.cell(row=4, column=c).value = None
    buf = io.BytesIO()
    wb.save(buf)
    r = u.read_register(buf.getvalue(), "mall.xlsx", region_codes=CODES, region_shape=shape)
    assert r.ok, r.problems
    assert r.frame[gf.SUPPLY_KOMMUN].tolist() == ["1380", "1380"] and r.frame[gf.SUPPLY_X].iloc[1] == 361750.5


def test_row_limit_is_stated(monkeypatch):
    monkeypatch.setattr(u, "MAX_UNITS", 2)
    r = _read(unitfiles.VALID)
    assert r.problems[0].startswith("Filen har 3 rader med enheter, fler än gränsen 2 enheter")


# ------------------------------------------------------------------ example and check

def test_example_loads_with_its_label_and_attribution():
    frame, info = u.load_example()
    assert info.label_sv == "Exempel: OpenStreetMap 2020, ofullständigt – 14 enheter av 58"
    assert info.attribution == "© OpenStreetMap contributors (ODbL)"
    assert info.units == 14 and info.units_in_table == 58  # FACTS: 47 VC + 11 filialer
    assert len(frame) == 14 and set(frame[gf.SUPPLY_TYPE]) == {gf.TYPE_VC}
    assert frame[gf.SUPPLY_LISTED].isna().all()
    assert set(frame[gf.SUPPLY_SOURCE]) == {"OpenStreetMap 2020 (© OpenStreetMap contributors, ODbL)"}
    assert not any("BVC" in n or "Barnavårdscentral" in n for n in frame[gf.SUPPLY_NAME])


def test_the_example_label_counts_come_from_the_data(tmp_path):
    d = tmp_path / "d"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    utbud = pd.read_csv(d / "hsu2023_utbud.csv", dtype={"kommunkod": str})
    utbud.loc[utbud["kommunkod"] == "1315", "filialer"] = 3
    utbud.to_csv(d / "hsu2023_utbud.csv", index=False)
    assert u.load_example(d)[1].label_sv.endswith("– 14 enheter av 60")


def test_a_region_without_the_example_says_so(tmp_path):
    d = write_region(tmp_path / "b")
    with pytest.raises(DataError) as e:
        u.load_example(d)
    assert "exempelfilen saknas" in e.value.message_sv


def test_register_check_holds_the_register_against_the_supply_table():
    frame, _ = u.load_example()
    check = u.register_check(frame, load_dataset().table("utbud"))
    region = check.loc[u.REGION_ROW]
    assert (region["vc_register"], region["vc_tabell"], region["filial_register"], region["filial_tabell"]) == (14, 47, 0, 11)
    assert region["vc_skillnad"] == -33 and region["filial_skillnad"] == -11
    halmstad = check.loc["1380"]
    assert (halmstad["kommun"], halmstad["vc_register"], halmstad["vc_tabell"], halmstad["filial_tabell"]) == ("Halmstad", 6, 14, 5)
    assert list(check.index) == ["1384", "1383", "1382", "1380", "1381", "1315", u.REGION_ROW]


def test_a_point_in_a_populated_island_square_is_accepted(shape):
    """The grid's farthest coastal square lies 3,2 km outside the generalised polygons:
    a unit there is in the region; the same distance in empty sea is not."""
    import shapely

    from naravard.sources.grid import load_grid

    g = load_grid()
    union = shapely.union_all(shape.kommuner.geometry.values)
    d = shapely.distance(union, shapely.points(g[gf.DEMAND_X], g[gf.DEMAND_Y]))
    far = g.iloc[int(np.argmax(d))]
    assert d.max() > u.COAST_TOLERANCE_M
    assert u.square_id(far[gf.DEMAND_X], far[gf.DEMAND_Y]) == far[gf.DEMAND_ID]
    row = f"O-1;Ö;vårdcentral;;{far[gf.DEMAND_KOMMUN]};;;;{far[gf.DEMAND_X]:.0f};{far[gf.DEMAND_Y]:.0f};;;"
    r = _read([unitfiles.HEADER, row], shape)
    assert r.ok and "i en befolkad ruta i skärgården" in r.notices[-1]
    without_grid = u.RegionShape(shape.kommuner, shape.others)
    assert "km utanför regionens kommungränser" in _read([unitfiles.HEADER, row], without_grid).problems[0]


SHARED_OSM = DEFAULT_DATA_DIR.parents[1] / "shared" / "data" / "units" / "halland_osm_halsoenheter_2020.csv"


@pytest.mark.skipif(not SHARED_OSM.is_file(), reason="../shared/data units absent")
def test_the_example_file_is_what_the_script_writes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("osm_example", DEFAULT_DATA_DIR.parent / "scripts" / "osm_example.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "e.csv"
    assert mod.convert(SHARED_OSM, out) == 14  # FACTS S7: clinic 10 + doctors 6, minus 2 child-health centres
    assert out.read_bytes() == (DEFAULT_DATA_DIR / "examples" / "enheter_osm_2020.csv").read_bytes()


def test_a_listing_date_that_excel_made_a_date_gets_its_own_message(shape):
    import datetime

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(u.TEMPLATE_COLUMNS))
    ws.append(["VC-A", "A", "vårdcentral", None, "1380", None, 56.6760923, 12.8572648, None, None, 8100,
               datetime.date(2025, 11, 30), None])
    buf = io.BytesIO()
    wb.save(buf)
    r = u.read_register(buf.getvalue(), "d.xlsx", region_codes=CODES, region_shape=shape)
    assert r.problems[0].startswith("Cell L2 (listningsdatum) är sparad som ett datum i Excel.")
