"""Hostile unit registers and travel matrices (tests/hostile/geo/), written by code.

``python -m tests.unitfiles`` writes the corpus again. Each file differs from a valid
register in one way (or, for the 10 000 rows, in size); the cases and the words their
Swedish message must contain are in tests/services/test_hostile_units.py. Valid rows
use real places of the region (the OpenStreetMap example's units); the hostile ones
use a point far out in Kattegat and one just across the border in a neighbouring
region's kommun (found from the embedded boundaries: 750 m outside the region).
"""

from __future__ import annotations

import io
from pathlib import Path

GEO = Path(__file__).parent / "hostile" / "geo"

HEADER = "id;namn;typ;huvudenhet;kommunkod;driftform;lat;lon;x;y;listade;listningsdatum;källa"
# Valid rows (OpenStreetMap 2020 places; the listing figures are invented for the tests).
VC_A = "VC-A;Vårdcentralen A;vårdcentral;;1380;regional;56,6760923;12,8572648;;;8100;2025-11-30;Test"
VC_B = "VC-B;Vårdcentralen B;vårdcentral;;1384;privat;57,4127535;12,0167363;;;6200;2025-11-30;Test"
FIL_C = "FIL-C;Filial C;filial;VC-A;1380;regional;56,8162326;12,7351234;;;;;Test"
VALID = [HEADER, VC_A, VC_B, FIL_C]

SEA = ("56,95", "11,9")  # Kattegat, about 26 km from the coast
NEIGHBOUR = ("56,393652", "12,945956")  # in a neighbouring region's kommun, 750 m from the border

# Two squares of the grid and the valid register's units, for the matrices.
SQ1, SQ2 = "3150006365000", "3150006368000"
MATRIX_OK = ["ruta_id;enhet_id;minuter", f"{SQ1};VC-A;12,5", f"{SQ1};VC-B;31", f"{SQ2};VC-B;7,25"]


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _replace(row: str, **cells: str) -> str:
    names = HEADER.split(";")
    parts = row.split(";")
    for k, v in cells.items():
        parts[names.index(k)] = v
    return ";".join(parts)


def _merged_header_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "enheter"
    header = HEADER.split(";")
    header[6], header[7] = "Koordinater (WGS84)", None  # lat/lon under one merged heading
    ws.append(header)
    for line in VALID[1:]:
        ws.append(line.split(";"))
    ws.merge_cells("G1:H1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rows_10000() -> bytes:
    lines = [HEADER] + [f"E{i};E;vc;;1380;;;;;;;;" for i in range(10_000)]
    return _csv(lines)


FILES: dict[str, bytes] = {
    "enheter_okand_kommunkod.csv": _csv([HEADER, VC_A, _replace(VC_B, kommunkod="9999"), FIL_C]),
    "enheter_punkt_i_havet.csv": _csv([HEADER, _replace(VC_A, lat=SEA[0], lon=SEA[1]), VC_B, FIL_C]),
    "enheter_annan_region.csv": _csv([HEADER, VC_A, VC_B, _replace(FIL_C, kommunkod="1381", lat=NEIGHBOUR[0], lon=NEIGHBOUR[1])]),
    "enheter_dubblett_id.csv": _csv([HEADER, VC_A, VC_B, FIL_C, _replace(VC_B, namn="Vårdcentralen B igen")]),
    "enheter_filial_utan_huvudenhet.csv": _csv([HEADER, VC_A, VC_B, _replace(FIL_C, huvudenhet="")]),
    "enheter_filial_okand_huvudenhet.csv": _csv([HEADER, VC_A, VC_B, _replace(FIL_C, huvudenhet="VC-X")]),
    "enheter_filial_till_filial.csv": _csv([HEADER, VC_A, VC_B, FIL_C,
                                            _replace(FIL_C, id="FIL-D", namn="Filial D", huvudenhet="FIL-C")]),
    "enheter_text_i_listade.csv": _csv([HEADER, _replace(VC_A, listade="cirka 8000"), VC_B, FIL_C]),
    "enheter_text_i_koordinat.csv": _csv([HEADER, VC_A, _replace(VC_B, lat="norr om torget"), FIL_C]),
    "enheter_negativt_listade.csv": _csv([HEADER, VC_A, _replace(VC_B, listade="-6200"), FIL_C]),
    "enheter_10000_rader.csv": _rows_10000(),
    "enheter_sammanfogad_rubrik.xlsx": _merged_header_xlsx(),
    "enheter_ogiltigt_id.csv": _csv([HEADER, _replace(VC_A, id="VC A:1"), VC_B, _replace(FIL_C, huvudenhet="VC A:1")]),
    "enheter_latlon_omkastade.csv": _csv([HEADER, VC_A, _replace(VC_B, lat="12,0167363", lon="57,4127535"), FIL_C]),
    "enheter_formel_i_namn.csv": _csv([HEADER, _replace(VC_A, namn='=HYPERLINK("http://x")'), VC_B, FIL_C]),
    "enheter_okand_typ.csv": _csv([HEADER, VC_A, _replace(VC_B, typ="sjukhus"), FIL_C]),
    "enheter_utan_koordinater.csv": _csv([HEADER, VC_A, _replace(VC_B, lat="", lon=""), FIL_C]),
    "enheter_cp1252_okand_kommunkod.csv": "\r\n".join([HEADER, VC_A, _replace(VC_B, kommunkod="1399"), FIL_C]).encode("cp1252"),
    "restid_matris_okand_ruta.csv": _csv(MATRIX_OK + ["9999999999999;VC-A;40"]),
    "restid_matris_okand_enhet.csv": _csv(MATRIX_OK[:2] + [f"{SQ2};VC-Z;9"] + MATRIX_OK[2:]),
    "restid_matris_text_i_minuter.csv": _csv(MATRIX_OK[:3] + [f"{SQ2};VC-B;en kvart"]),
    "restid_matris_negativ.csv": _csv(MATRIX_OK[:3] + [f"{SQ2};VC-B;-7"]),
    "restid_matris_dubblett.csv": _csv(MATRIX_OK + [f"{SQ1};VC-A;13"]),
    "restid_matris_saknar_kolumn.csv": _csv(["ruta_id;enhet_id;tid", f"{SQ1};VC-A;12"]),
}


def write_all() -> None:
    GEO.mkdir(parents=True, exist_ok=True)
    for name, data in FILES.items():
        (GEO / name).write_bytes(data)


if __name__ == "__main__":
    write_all()
    print(f"wrote {len(FILES)} files to {GEO}")
