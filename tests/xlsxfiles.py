"""Excel workbooks for the tests, built with openpyxl as a planner's Excel would save
them, and hostile ones built by editing the zip. ``python -m tests.xlsxfiles`` writes
the hostile ones into tests/hostile/ (they are committed; this is how they were made).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

HOSTILE = Path(__file__).parent / "hostile"


def workbook(frame: pd.DataFrame, sheet: str = "Blad1", *, title: str | None = None, extra_sheets: tuple[str, ...] = (),
             number_format: str | None = None, percent: bool = False, text_numbers: bool = False) -> bytes:
    """The table as a planner saves it from Excel: header row, numbers as number cells.

    ``title`` puts a one-cell title row above the header; ``extra_sheets`` come first
    (a notes sheet); ``number_format`` is applied to the number cells (``"# ##0"`` as
    Swedish Excel shows thousands); ``percent`` stores 89.8 as 0.898 formatted as
    percent; ``text_numbers`` writes the numbers as Swedish text (``"86 449"``, ``"89,8"``).
    """
    wb = openpyxl.Workbook()
    first = wb.active
    for i, name in enumerate(extra_sheets):
        ws = first if i == 0 else wb.create_sheet(name)
        ws.title = name
        ws["A1"] = "Anteckningar"
    ws = wb.create_sheet(sheet) if extra_sheets else first
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append([int(c) if str(c).isdigit() else c for c in frame.columns])
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, str) or v is None or (isinstance(v, float) and v != v) or v is pd.NA:
                cells.append(None if not isinstance(v, str) else v)
            else:
                x = float(v)
                if text_numbers:
                    s = f"{x:,.1f}" if not x.is_integer() else f"{int(x):,}"
                    cells.append(s.replace(",", " ").replace(".", ","))
                elif percent:
                    cells.append(x / 100)
                else:
                    cells.append(int(x) if x.is_integer() else x)
        ws.append(cells)
    if number_format or percent:
        for r in ws.iter_rows(min_row=2 + bool(title)):
            for c in r:
                if isinstance(c.value, (int, float)):
                    c.number_format = "0.0%" if percent else number_format
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _edit(raw: bytes, edit) -> bytes:
    """Rewrite a workbook's zip, passing each entry through ``edit(name, data) -> data``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = edit(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info.filename, data)
    return out.getvalue()


def _small() -> bytes:
    return workbook(pd.DataFrame({"kommunkod": ["1384"], "kommun": ["Kungsbacka"], "vardcentraler": [11]}))


def zip_bomb() -> bytes:
    """A valid-looking workbook whose sheet expands to 60 MB of blanks (compressed ~60 kB)."""
    def edit(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", b"<sheetData>" + b" " * (60 * 1024 * 1024))
        return data

    return _edit(_small(), edit)


def entity_bomb() -> bytes:
    """Billion laughs in the sheet's XML (Excel never writes a DTD)."""
    dtd = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
           + b"]>")

    def edit(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return dtd + re.sub(rb"^<\?xml[^>]*\?>", b"", data).replace(b"Kungsbacka", b"&lol9;")
        return data

    return _edit(_small(), edit)


def many_sheets(n: int = 120) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Blad1"
    for i in range(2, n + 1):
        wb.create_sheet(f"Blad{i}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def huge_dimension(real_far_cell: bool) -> bytes:
    """The sheet claims A1:XFD1048576; with ``real_far_cell`` a value sits in the last row."""
    def edit(name, data):
        if name == "xl/worksheets/sheet1.xml":
            data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', data)
            if real_far_cell:
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
        return data

    return _edit(_small(), edit)


def formula() -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(_small()))
    wb.active["C2"] = "=5+6"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def not_a_workbook() -> bytes:
    """A zip archive with a CSV inside, not a workbook."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("utbud.csv", "kommunkod,kommun\n1384,Kungsbacka\n")
    return buf.getvalue()


def broken_zip() -> bytes:
    return b"PK\x03\x04" + b"\x00" * 40 + b"detta ar ingen arbetsbok"


HOSTILE_XLSX = {
    "zipbomb.xlsx": zip_bomb,
    "entitetsbomb.xlsx": entity_bomb,
    "manga_blad.xlsx": many_sheets,
    "jattedimension_rad.xlsx": lambda: huge_dimension(True),
    "formel_cell.xlsx": formula,
    "zip_utan_arbetsbok.xlsx": not_a_workbook,
    "trasig_zip.xlsx": broken_zip,
}


if __name__ == "__main__":
    for name, make in HOSTILE_XLSX.items():
        (HOSTILE / name).write_bytes(make())
        print(name, (HOSTILE / name).stat().st_size)
