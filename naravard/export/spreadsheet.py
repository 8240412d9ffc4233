"""Spreadsheet (.xlsx) and CSV exports of the dashboard's tables.

Every export is safe to open in Excel: text cells that a spreadsheet could read as a
formula are *neutralised* (:func:`neutralise`, following OWASP's CSV-injection
guidance) and the .xlsx writer is told never to turn strings into formulas or links.
Numbers stay numbers — a negative figure is written as a numeric cell, never as text.

* :func:`to_excel_bytes` — a workbook whose first sheet, "Antaganden", records the
  title, the export date, the assumptions behind the figures and the sources; then
  one sheet per table. Numeric cells carry a number format (``#,##0`` or with the
  decimals the column needs), which Swedish Excel shows as ``343 000`` / ``86,1``;
  years and codes (``År``, ``Kommunkod``) get plain ``0``. A named index is written
  as leading column(s); an unnamed one is dropped. Dates before March 1900 (which
  Excel cannot show) are written as ISO text.
* :func:`to_csv_bytes` — one clean table for Swedish Excel: UTF-8 with a BOM, ``;``
  between fields and a decimal comma. The assumptions go in a separate file,
  :func:`assumptions_csv_bytes`, so that the table stays machine-readable.

Neutralising prefixes an apostrophe. In an .xlsx the apostrophe is a visible part of
the text (the cell is text either way); in a CSV opened in Excel it shows too. That is
the documented trade-off: a harmless visible ``'`` rather than a live formula.

Pure Python; no Streamlit. Errors are :class:`ExportError` (English ``str``, Swedish
``message_sv``).
"""

from __future__ import annotations

import csv
import decimal
import io
import math
import numbers
import re
import statistics
import unicodedata
from datetime import date, datetime, time
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
import xlsxwriter

from naravard.errors import NaravardError

# A text cell starting with one of these (possibly after leading whitespace) could be
# read as a formula: = + - @ (formula starts), tab and carriage return (OWASP).
DANGEROUS_PREFIXES = frozenset("=+-@\t\r")

ASSUMPTIONS_SHEET = "Antaganden"
ASSUMPTION_HEADERS = ("Antagande", "Värde", "Källa")
ASSUMPTION_HEADERS_WITH_UNIT = ("Antagande", "Värde", "Enhet", "Källa")

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
EXCEL_MAX_SHEETNAME = 31
EXCEL_MAX_STRING = 32_767
_SHEETNAME_SLASHES = re.compile(r"[/\\]")
_SHEETNAME_FORBIDDEN = re.compile(r"[\[\]:*?]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Excel's 1900 date system is only right from March 1900 on.
_EXCEL_FIRST_DATE = pd.Timestamp("1900-03-01")
_PLAIN_INTEGER = -1  # "decimals" value for codes and years


class ExportError(NaravardError):
    """An export could not be produced. ``str(err)`` is English; ``.message_sv`` Swedish."""

    def __init__(self, message_en: str, message_sv: str):
        super().__init__(message_en, message_sv)
        self.message_en = message_en


# --------------------------------------------------------------------------- neutralising


def neutralise(value: Any) -> Any:
    """Make a text cell inert: prefix ``'`` if it could start a formula.

    ``"=1+1"`` → ``"'=1+1"``, ``" =1"`` → ``"' =1"``, ``"\\t=1"`` → ``"'\\t=1"``.
    Anything that is not a ``str`` (numbers, including negative ones, dates,
    missing values) is returned unchanged. Idempotent.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in DANGEROUS_PREFIXES or value.lstrip()[:1] in DANGEROUS_PREFIXES:
        return "'" + value
    return value


# --------------------------------------------------------------------------- shared helpers


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (str, bytes)) else False
    except (TypeError, ValueError):
        return False


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _is_number(value: Any) -> bool:
    """A real number, not a bool; numpy scalars and Decimal included."""
    return isinstance(value, (numbers.Real, decimal.Decimal)) and not _is_bool(value)


def _header_text(col: Any) -> str:
    if isinstance(col, tuple):  # MultiIndex columns
        return " – ".join(str(c) for c in col if not _is_missing(c) and str(c) != "")
    return "" if _is_missing(col) else str(col)


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Write a named index (``set_index("Kommun")``) as leading column(s); drop an
    unnamed one (0..n-1, or what is left of it after filtering)."""
    if all(name is None for name in df.index.names):
        return df
    return df.reset_index(allow_duplicates=True)


def _check_assumptions(assumptions: Iterable[Sequence[Any]]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Headers and rows. A row is ``(label, value, source)`` or ``(label, value, unit,
    source)``; with any 4-item row the sheet gets a unit column. A value that is a
    number stays a number (a numeric cell); everything else becomes text."""
    rows: list[tuple[Any, ...]] = []
    for row in assumptions:
        if len(row) not in (3, 4):
            raise ExportError(
                f"an assumption must be (label, value, source) or (label, value, unit, source), got {len(row)} items",
                "Ett antagande saknar uppgifter och kunde inte exporteras.",
            )
        rows.append(tuple(x if (i == 1 and _is_number(x) and not _is_missing(x)) else ("" if _is_missing(x) else str(x)) for i, x in enumerate(row)))
    if any(len(r) == 4 for r in rows):
        rows = [r if len(r) == 4 else (r[0], r[1], "", r[2]) for r in rows]
        return ASSUMPTION_HEADERS_WITH_UNIT, rows
    return ASSUMPTION_HEADERS, rows


# --------------------------------------------------------------------------- Excel


def sheet_name(name: Any, taken: set[str], fallback: str) -> str:
    """A valid, unique Excel sheet name: no ``[]:*?/\\``, ≤ 31 chars, not ``'``-delimited.

    Slashes become ``-``, the other forbidden characters are dropped, and a clash
    with a name already used (Excel ignores case) gets `` (2)``, `` (3)`` ….

    ``taken`` holds the case-folded names already used and is updated.
    """
    text = _SHEETNAME_FORBIDDEN.sub(" ", _SHEETNAME_SLASHES.sub("-", str(name)))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))
    text = " ".join(text.split()).strip("'").strip()
    if not text:
        text = fallback
    base = _truncate_utf16(text, EXCEL_MAX_SHEETNAME)
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = _truncate_utf16(base, EXCEL_MAX_SHEETNAME - len(suffix)).rstrip("'").rstrip() + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate


def _truncate_utf16(text: str, limit: int) -> str:
    """Excel counts sheet-name length in UTF-16 code units."""
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[:-1]
    return text


def _decimals_for(values: Iterable[float]) -> int:
    """Fewest decimals (0–3) that show every value exactly; otherwise 1 for a column
    of large figures (median ≥ 100) and 2 for small ones. The cell keeps full precision."""
    vals = [float(v) for v in values if math.isfinite(float(v))]
    for d in range(4):
        if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in vals):
            return d
    return 1 if statistics.median(abs(v) for v in vals) >= 100 else 2


_CODE_WORDS = ("kod", "code")
_YEAR_WORDS = frozenset({"år", "årtal", "year", "basår", "prognosår", "startår", "slutår"})


def _is_plain_integer_column(header: str, values: Sequence[float], decimals: int) -> bool:
    """Codes and years are shown without a thousands separator (1384, not 1 384)."""
    if decimals or not values:
        return False
    h = header.casefold()
    if any(w in h for w in _CODE_WORDS) or h.strip() == "id":
        return True
    words = set(re.findall(r"\w+", h))
    return bool(words & _YEAR_WORDS) and all(1800 <= float(v) <= 2200 for v in values)


def _num_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _display_len(value: Any, decimals: int) -> int:
    if _is_missing(value):
        return 0
    if _is_bool(value):
        return 6
    if _is_number(value):
        v = float(value)
        return len(f"{v:,.{max(decimals, 0)}f}") if math.isfinite(v) else 0
    if isinstance(value, (datetime, pd.Timestamp)):
        return 16 if (value.hour or value.minute or value.second) else 10
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _width(lengths: Iterable[int]) -> float:
    return float(min(max([_MIN_WIDTH - 2, *lengths]) + 2, _MAX_WIDTH))


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.bold = wb.add_format({"bold": True})
        self.header = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.date = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self._numbers: dict[int, Any] = {}

    def number(self, decimals: int):
        """``decimals`` < 0 means a plain integer (codes, years): format ``0``."""
        if decimals not in self._numbers:
            num_format = "0" if decimals < 0 else _num_format(decimals)
            self._numbers[decimals] = self.wb.add_format({"num_format": num_format})
        return self._numbers[decimals]


def _write_cell(ws, row: int, col: int, value: Any, fmt: _Formats, decimals: int) -> None:
    if _is_missing(value):
        return  # blank
    if _is_bool(value):
        ws.write_boolean(row, col, bool(value))
    elif _is_number(value):
        v = float(value)
        if math.isfinite(v):
            ws.write_number(row, col, v, fmt.number(decimals))
    elif isinstance(value, date):  # datetime and pd.Timestamp included
        moment = pd.Timestamp(value)
        if moment.tzinfo is not None:
            moment = moment.tz_convert("Europe/Stockholm").tz_localize(None)
        if moment < _EXCEL_FIRST_DATE:  # Excel cannot show it as a date
            _write_text(ws, row, col, value.isoformat(), fmt)
            return
        has_time = bool(moment.hour or moment.minute or moment.second or moment.microsecond)
        ws.write_datetime(row, col, moment.to_pydatetime(), fmt.datetime if has_time else fmt.date)
    else:
        _write_text(ws, row, col, value if isinstance(value, str) else str(value), fmt)


def _write_text(ws, row: int, col: int, text: str, fmt: _Formats, cell_format=None) -> None:
    """A neutralised text cell."""
    text = neutralise(_encodable(text))[:EXCEL_MAX_STRING]
    ws.write_string(row, col, text, cell_format or (fmt.wrap if "\n" in text else fmt.text))


def _encodable(text: str) -> str:
    """Lone surrogates (which cannot be saved as UTF-8) become ``?``."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _write_table(ws, df: pd.DataFrame, fmt: _Formats) -> None:
    df = _prepare(df)
    n_rows, n_cols = df.shape
    if n_rows + 1 > EXCEL_MAX_ROWS or n_cols > EXCEL_MAX_COLS:
        raise ExportError(
            f"table of {n_rows} × {n_cols} does not fit in an Excel sheet",
            "Tabellen är för stor för ett Excel-blad.",
        )
    for c, col in enumerate(df.columns):
        header = _header_text(col)
        _write_text(ws, 0, c, header, fmt, fmt.header)
        values = df.iloc[:, c].tolist()
        numeric = [v for v in values if _is_number(v) and not _is_missing(v) and math.isfinite(float(v))]
        decimals = _decimals_for(numeric) if numeric else 0
        if _is_plain_integer_column(header, numeric, decimals):
            decimals = _PLAIN_INTEGER
        for r, value in enumerate(values, start=1):
            _write_cell(ws, r, c, value, fmt, decimals)
        header_len = max((len(w) for w in header.split()), default=0)
        ws.set_column(c, c, _width([header_len, *(_display_len(v, decimals) for v in values)]))
    if n_cols:
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, n_rows, n_cols - 1)


def _write_assumptions(
    ws,
    headers: tuple[str, ...],
    assumptions: list[tuple[Any, ...]],
    title: str,
    source_lines: Sequence[str],
    today: date,
    fmt: _Formats,
    notes: Sequence[str] = (),
) -> None:
    _write_text(ws, 0, 0, title, fmt, fmt.title)
    ws.write_string(1, 0, "Exportdatum", fmt.bold)
    ws.write_datetime(1, 1, datetime.combine(today, time()), fmt.date)
    row = 2
    for note in notes:  # e.g. how the figures are rounded
        _write_text(ws, row, 0, str(note), fmt, fmt.text)
        row += 1
    row += 1
    for c, h in enumerate(headers):
        ws.write_string(row, c, h, fmt.header)
    for cells in assumptions:
        row += 1
        for c, value in enumerate(cells):
            if c == 1 and _is_number(value):
                v = float(value)
                unit = str(cells[2]) if len(headers) == 4 else ""
                year = unit.casefold() in _YEAR_WORDS and 1800 <= v <= 2200 and v.is_integer()
                ws.write_number(row, c, v, fmt.number(_PLAIN_INTEGER if year else _decimals_for([v])))
            else:
                _write_text(ws, row, c, value, fmt)
    if source_lines:
        row += 2
        ws.write_string(row, 0, "Källor", fmt.bold)
        for line in source_lines:
            row += 1
            _write_text(ws, row, 0, str(line), fmt, fmt.text)
    for c in range(len(headers)):
        lengths = [len(headers[c]) + 2, *(_display_len(a[c], 0) for a in assumptions)]
        if c == 0:
            lengths.append(len("Exportdatum"))
        if c == 1:
            lengths.append(10)
        ws.set_column(c, c, _width(lengths))


def to_excel_bytes(
    sheets: dict[str, pd.DataFrame],
    assumptions: Sequence[tuple[str, str, str]],
    title: str,
    source_lines: Sequence[str] = (),
    *,
    today: date | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """An .xlsx: sheet "Antaganden" (title, date, assumptions, sources), then one per table.

    ``sheets`` maps a sheet name (sanitised for Excel) to a table; its column headers
    are used as given. ``assumptions`` are ``(label_sv, value, source_sv)`` or
    ``(label_sv, value, unit_sv, source_sv)``; a numeric value is a numeric cell.
    ``notes`` are lines under the title (e.g. how the figures are rounded).
    ``today`` defaults to the current date in Sweden.
    """
    headers, rows = _check_assumptions(assumptions)
    if today is None:
        today = _today_in_sweden()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        wb.set_properties({"title": _encodable(str(title)), "comments": "Export från naravard"})
        fmt = _Formats(wb)
        taken = {ASSUMPTIONS_SHEET.casefold(), "history"}  # "History" is reserved by Excel
        _write_assumptions(wb.add_worksheet(ASSUMPTIONS_SHEET), headers, rows, str(title), list(source_lines), today, fmt, list(notes))
        for i, (name, df) in enumerate(sheets.items(), start=1):
            ws = wb.add_worksheet(sheet_name(name, taken, fallback=f"Tabell {i}"))
            _write_table(ws, df, fmt)
    finally:
        wb.close()
    return buf.getvalue()


def _today_in_sweden() -> date:
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Europe/Stockholm")).date()
    except Exception:  # no tz database on this machine: local date is close enough
        return date.today()


# --------------------------------------------------------------------------- CSV


def _csv_text_cell(value: Any) -> Any:
    """A cell of a non-numeric column: neutralise text, decimal comma for stray floats."""
    if _is_missing(value) or _is_bool(value):
        return value
    if isinstance(value, str):
        return neutralise(_encodable(value))
    if _is_number(value):
        if isinstance(value, numbers.Integral):
            return str(int(value))
        return repr(float(value)).replace(".", ",")
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    return neutralise(_encodable(str(value)))


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """One table as CSV for Swedish Excel: UTF-8 with BOM, ``;``, decimal comma, CRLF.

    Text cells and headers are neutralised; numbers are written as numbers.
    """
    df = _prepare(df)
    out = pd.DataFrame(
        {
            i: (
                df.iloc[:, i]
                if pd.api.types.is_numeric_dtype(df.iloc[:, i]) or pd.api.types.is_datetime64_any_dtype(df.iloc[:, i])
                else df.iloc[:, i].astype(object).map(_csv_text_cell)
            )
            for i in range(df.shape[1])
        }
    )
    out.columns = [neutralise(_encodable(_header_text(c))) for c in df.columns]
    text = out.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    return ("\ufeff" + text).encode("utf-8")


def assumptions_csv_bytes(assumptions: Sequence[tuple[Any, ...]]) -> bytes:
    """The assumptions as their own CSV (Antagande;Värde;Källa, or with Enhet), same dialect."""
    headers, rows = _check_assumptions(assumptions)
    df = pd.DataFrame(rows, columns=list(headers), dtype=object)
    return to_csv_bytes(df)
