"""The travel matrix reader (sources.travelmatrix): units, formats, row numbers, limits."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pytest

from naravard.sources import geoframes as gf
from naravard.sources import travelmatrix as tm

SQ = ["3150006365000", "3150006368000", "3150006369000"]
UNITS = ["VC-A", "FIL-C"]


def _read(raw: bytes, name: str = "m.csv"):
    return tm.read_travel_matrix(raw, name, demand_ids=SQ, supply_ids=UNITS)


def test_minutes_with_decimal_comma_become_the_cost_frame():
    r = _read(f"ruta_id;enhet_id;minuter\n{SQ[0]};VC-A;12,5\n{SQ[1]};FIL-C;7\n".encode())
    assert r.ok and r.unit == "min" and r.unit_label == "minuter"
    assert list(r.frame.columns) == list(gf.COST_COLUMNS)
    assert r.frame[gf.COST_VALUE].tolist() == [12.5, 7.0]
    assert "Matrisen har värden för 2 av 3 rutor; rutor utan värde får inget avstånd." in r.notices
    assert r.message_sv == "Filen m.csv lästes: 2 par av ruta och enhet, i minuter."


def test_km_comma_separated_with_bom_and_crlf():
    raw = b"\xef\xbb\xbf" + f"Ruta_ID,Enhet_ID,KM\r\n{SQ[0]},VC-A,3.25\r\n{SQ[1]},VC-A,4\r\n{SQ[2]},VC-A,1\r\n".encode()
    r = _read(raw)
    assert r.ok and r.unit == "km" and r.frame[gf.COST_VALUE].tolist() == [3.25, 4.0, 1.0] and not any("av 3 rutor" in n for n in r.notices)


def test_row_numbers_count_blank_lines_and_the_sep_line():
    raw = f"sep=;\nruta_id;enhet_id;minuter\n{SQ[0]};VC-A;1\n\n{SQ[1]};VC-Ö;2\n".encode("cp1252")
    r = _read(raw)
    assert r.problems[0].startswith("1 rad har ett enhet_id som inte finns i enhetsregistret (rad 5; första: «VC-Ö»)")


def test_unreachable_pairs_are_dropped_with_a_notice():
    r = _read(f"ruta_id;enhet_id;minuter\n{SQ[0]};VC-A;\n{SQ[0]};FIL-C;9\n{SQ[1]};VC-A;4\n{SQ[2]};VC-A;5\n".encode())
    assert r.ok and len(r.frame) == 3
    assert "1 par utan värde (ej nåbara) hoppades över (rad 2)." in r.notices


def test_implausible_values_and_many_unknown_rows_are_summarised():
    lines = ["ruta_id;enhet_id;minuter"] + [f"{SQ[0]};X{i};5" for i in range(8)] + [f"{SQ[1]};VC-A;5000"]
    r = _read("\n".join(lines).encode())
    text = " ".join(r.problems)
    assert "8 rader har ett enhet_id" in text and "rad 2, 3, 4, 5, 6 och 3 rader till" in text
    assert "orimligt stora värden, över 1\u00a0000 (rad 10)" in text


def test_size_limits(monkeypatch):
    monkeypatch.setattr(tm, "MAX_PAIRS", 2)
    r = _read(f"ruta_id;enhet_id;minuter\n{SQ[0]};VC-A;1\n{SQ[1]};VC-A;1\n{SQ[2]};VC-A;1\n".encode())
    assert r.problems[0].startswith("Filen har 3 rader, fler än gränsen 2 par")
    monkeypatch.setattr(tm, "MAX_BYTES", 10)
    assert "större än gränsen" in _read(b"ruta_id;enhet_id;minuter\n1;2;3\n").problems[0]


def test_a_workbook_is_read_with_sheet_rows():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ruta_id", "enhet_id", "minuter"])
    ws.append([SQ[0], "VC-A", 12.5])
    ws.append([int(SQ[1]), "VC-B", 3])
    buf = io.BytesIO()
    wb.save(buf)
    r = _read(buf.getvalue(), "m.xlsx")
    assert r.problems[0].startswith("1 rad har ett enhet_id som inte finns i enhetsregistret (rad 3; första: «VC-B»)")


@pytest.mark.parametrize("raw, words", [
    (b"", "tom"),
    (b"\x89PNG....", "bild"),
    (b"ruta_id;enhet_id\n1;2\n", "färre än tre kolumner"),
    (b'ruta_id;enhet_id;minuter\n"3150006365000;VC-A;1\n', "citattecken"),
])
def test_unreadable_files_give_a_message(raw, words):
    r = _read(raw)
    assert not r.ok and r.frame is None
    assert words in " ".join(r.problems) and r.message_sv.startswith("Filen m.csv kunde inte användas: ")


def test_values_are_floats_and_ids_text():
    r = _read(f"ruta_id;enhet_id;km\n{SQ[0]};VC-A;12,0\n{SQ[1]};VC-A;−0\n".encode())
    assert r.ok and r.frame[gf.COST_VALUE].dtype == np.float64 and r.frame[gf.COST_VALUE].tolist() == [12.0, 0.0]
    assert r.frame[gf.COST_DEMAND_ID].tolist() == SQ[:2]
