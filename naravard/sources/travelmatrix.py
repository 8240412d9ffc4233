"""An imported travel-time or distance matrix: square id → unit id → minutes or km.

A planner who has routed the region (e.g. an r5r run from every 1 km square to every
unit) imports the result as CSV: ``ruta_id;enhet_id;minuter`` or ``ruta_id;enhet_id;km``
(the third column's name states the unit; separators ``;``, ``,`` or tab, decimal comma
or point, UTF-8 with or without BOM, Windows-1252, UTF-16 — the same decoding as every
user CSV, :mod:`naravard.sources.csvread`). :func:`read_travel_matrix` returns a
:class:`MatrixReport` with the *cost* frame of :mod:`naravard.sources.geoframes`, or None
and Swedish problems naming the row (file line).

Why its own reader: a matrix is long (3 940 squares × the nearest few units is tens of
thousands of rows), beyond the generic user-table limits, but it has three columns of
fixed meaning, so it is read column-wise with pandas and bounded by its own limits
(:data:`MAX_BYTES`, :data:`MAX_PAIRS`). Every id must be known: a square of the grid and a
unit of the register in use; an unknown id is named with its row, because a matrix for
another grid or register would silently give wrong distances. An empty value (a pair
the router could not reach) is dropped with a notice. A workbook is read through the
generic reader (:mod:`naravard.sources.userfile`), so its table limits apply.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from naravard import fmt
from naravard.errors import DataError
from naravard.sources import geoframes as gf
from naravard.sources.csvread import _decode, col_name, limit_messages, safe_filename, show
from naravard.sources.userfile import parse_user_file
from naravard.sources.xlsxread import is_zip

MAX_BYTES = 40 * 1024 * 1024
#: Pairs a matrix may hold: every square × every unit of a large region (10 000 × 50).
MAX_PAIRS = 500_000
#: Minutes or km above this are refused as implausible for travel to primary care.
MAX_VALUE = 1_000.0
# The value column's accepted names → the unit key of :data:`geoframes.COST_UNITS`.
VALUE_COLUMNS = {"minuter": "min", "min": "min", "minutes": "min", "restid": "min", "km": "km", "kilometer": "km",
                 "avstand": "km", "avstånd": "km"}
SQUARE_COLUMNS = ("ruta_id", "ruta", "demand_id")
UNIT_COLUMNS = ("enhet_id", "enhet", "id", "supply_id")


@dataclass(frozen=True, eq=False)
class MatrixReport:
    """What :func:`read_travel_matrix` found: the cost frame (None if any problem),
    its unit (``"min"`` or ``"km"``), Swedish problems (naming rows) and notices."""

    filename: str
    frame: pd.DataFrame | None
    unit: str = ""
    problems: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    rows: int = 0

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.problems

    @property
    def unit_label(self) -> str:
        return gf.COST_UNITS.get(self.unit, "")

    @property
    def message_sv(self) -> str:
        if self.ok:
            return (f"Filen {self.filename} lästes: {fmt.number(len(self.frame))} par av ruta och enhet, "  # type: ignore[arg-type]
                    f"i {self.unit_label}.")
        return f"Filen {self.filename} kunde inte användas: " + " ".join(self.problems)


def _refused(file: str, problems: list[str], notices: Iterable[str] = (), rows: int = 0) -> MatrixReport:
    sentences = [p[:1].upper() + p[1:] for p in problems]
    return MatrixReport(file, None, "", tuple(limit_messages(sentences)), tuple(notices), rows)


def _rows_have(k: int) -> str:
    return "1 rad har" if k == 1 else f"{fmt.number(k)} rader har"


def _table(raw: bytes, file: str) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """The file's cells as text and each row's line number; raises DataError."""
    if isinstance(raw, (bytes, bytearray, memoryview)) and is_zip(raw):
        p = parse_user_file(bytes(raw), file, ("restid", "matris"))
        return p.frame, np.asarray(p.lines), list(p.notices)
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise DataError(file, "not bytes", "filen kunde inte läsas (inget filinnehåll).")
    raw = bytes(raw)
    if len(raw) > MAX_BYTES:
        raise DataError(file, f"the file is {len(raw)} bytes, the limit is {MAX_BYTES}",
                        f"filen är {fmt.number(len(raw) / 1024 / 1024, 1)}\u00a0MB, större än gränsen "
                        f"{MAX_BYTES // (1024 * 1024)}\u00a0MB för en restidsmatris.")
    if not raw.strip():
        raise DataError(file, "the file is empty", "filen är tom.")
    text, notices = _decode(raw, file)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        raise DataError(file, "the file is empty", "filen är tom.")
    if re.fullmatch(r"\s*sep=.\s*", lines[first], flags=re.IGNORECASE):
        lines[first] = ""
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        if first is None:
            raise DataError(file, "no header row", "filen har ingen rubrikrad.")
    header = lines[first]
    sep = max((";", "\t", ","), key=header.count)
    if header.count(sep) < 2:
        raise DataError(file, "fewer than three columns", "rubrikraden har färre än tre kolumner; filen ska ha "
                        f"kolumnerna ruta_id, enhet_id och minuter (eller km), åtskilda med semikolon. Rubrikraden är {show(header, 40)}.")
    n_lines = sum(1 for ln in lines[first + 1:] if ln.strip())
    if n_lines > MAX_PAIRS:
        raise DataError(file, f"{n_lines} rows, the limit is {MAX_PAIRS}",
                        f"filen har {fmt.number(n_lines)} rader, fler än gränsen {fmt.number(MAX_PAIRS)} par för en "
                        "restidsmatris. Ta med de närmaste enheterna för varje ruta, inte alla.")
    try:
        df = pd.read_csv(io.StringIO("\n".join(lines[first:])), sep=sep, dtype=str, keep_default_na=False,
                         skip_blank_lines=False, engine="c", on_bad_lines="error")
    except (pd.errors.ParserError, ValueError) as e:
        m = re.search(r"line (\d+)", str(e))
        at = f" vid rad {int(m.group(1)) + first}" if m else ""
        raise DataError(file, f"not a readable CSV ({str(e)[:200]})",
                        f"filen kunde inte läsas som CSV{at} (fel antal värden eller ett citattecken som inte avslutas).") from None
    df = df.fillna("")  # a short row: its missing cells are empty
    line_no = np.arange(len(df)) + first + 2  # header on line first + 1
    filled = (df != "").any(axis=1).to_numpy()
    df.columns = [" ".join(str(c).split()).casefold() for c in df.columns]
    return df[filled].reset_index(drop=True), line_no[filled], notices


def _pick(columns: Iterable[str], names: Iterable[str]) -> str | None:
    cols = list(columns)
    return next((n for n in names if n in cols), None)


def read_travel_matrix(raw: bytes, filename: str, *, demand_ids: Iterable[str], supply_ids: Iterable[str]) -> MatrixReport:
    """Read and validate a travel matrix against the grid's square ids and the
    register's unit ids; never raises for bad content."""
    file = safe_filename(filename)
    try:
        df, lines, notices = _table(raw, file)
    except DataError as e:
        return _refused(file, [e.problem_sv])
    n = len(df)
    if n == 0:
        return _refused(file, ["filen har en rubrikrad men inga rader med värden."], notices)
    if n > MAX_PAIRS:
        return _refused(file, [f"filen har {fmt.number(n)} rader, fler än gränsen {fmt.number(MAX_PAIRS)}."], notices, n)
    sq, un = _pick(df.columns, SQUARE_COLUMNS), _pick(df.columns, UNIT_COLUMNS)
    val = _pick(df.columns, VALUE_COLUMNS)
    missing = [w for w, c in (("ruta_id", sq), ("enhet_id", un), ("minuter eller km", val)) if c is None]
    if missing:
        have = ", ".join(col_name(str(c)) for c in list(df.columns)[:6])
        return _refused(file, [f"kolumner saknas: {', '.join(missing)}. Filen ska ha kolumnerna ruta_id, enhet_id "
                               f"och minuter (eller km); den har {have}."], notices, n)
    assert sq is not None and un is not None and val is not None
    unit = VALUE_COLUMNS[val]
    problems: list[str] = []
    squares = df[sq].str.strip()
    units = df[un].str.strip()
    texts = df[val].str.strip()

    def rows(mask: np.ndarray, k: int = 5) -> str:
        idx = np.flatnonzero(mask)
        shown = ", ".join(str(int(lines[i])) for i in idx[:k])
        return f"rad {shown}" + (f" och {fmt.number(len(idx) - k)} rader till" if len(idx) > k else "")

    known_sq = set(map(str, demand_ids))
    known_un = set(map(str, supply_ids))
    bad_sq = ~squares.isin(known_sq).to_numpy()
    if bad_sq.any():
        first = int(np.flatnonzero(bad_sq)[0])
        problems.append(f"{_rows_have(int(bad_sq.sum()))} ett ruta_id som inte finns i befolkningsrutnätet "
                        f"({rows(bad_sq)}; första: {show(squares.iloc[first], 20)}). Matrisen måste gälla samma "
                        "1 km-rutor (SCB:s 13-siffriga id).")
    bad_un = ~units.isin(known_un).to_numpy()
    if bad_un.any():
        first = int(np.flatnonzero(bad_un)[0])
        problems.append(f"{_rows_have(int(bad_un.sum()))} ett enhet_id som inte finns i enhetsregistret "
                        f"({rows(bad_un)}; första: {show(units.iloc[first], 40)}). Matrisen måste gälla enheterna i "
                        "det register som används.")
    empty = (texts == "").to_numpy()
    norm = texts.str.replace("\u2212", "-", regex=False).str.replace(r"[ \u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    values = pd.to_numeric(norm.where(~empty, "nan"), errors="coerce").to_numpy(dtype="float64")
    text_cells = ~empty & ~np.isfinite(values)
    if text_cells.any():
        first = int(np.flatnonzero(text_cells)[0])
        problems.append(f"kolumnen {val} har värden som inte är tal ({rows(text_cells)}; första: "
                        f"{show(texts.iloc[first], 20)}).")
    negative = np.isfinite(values) & (values < 0)
    if negative.any():
        problems.append(f"kolumnen {val} har negativa värden ({rows(negative)}); en restid eller ett avstånd är 0 eller mer.")
    absurd = np.isfinite(values) & (values > MAX_VALUE)
    if absurd.any():
        problems.append(f"kolumnen {val} har orimligt stora värden, över {fmt.number(MAX_VALUE)} ({rows(absurd)}).")
    dup = pd.Series(list(zip(squares, units))).duplicated().to_numpy()
    if dup.any():
        problems.append(f"samma par av ruta och enhet finns mer än en gång ({rows(dup)}).")
    if problems:
        return _refused(file, problems, notices, n)
    keep = ~empty
    if empty.any():
        notices.append(f"{fmt.number(int(empty.sum()))} par utan värde (ej nåbara) hoppades över ({rows(empty)}).")
    cost = pd.DataFrame({
        gf.COST_DEMAND_ID: squares.to_numpy(dtype=object)[keep],
        gf.COST_SUPPLY_ID: units.to_numpy(dtype=object)[keep],
        gf.COST_VALUE: values[keep],
    })
    covered = cost[gf.COST_DEMAND_ID].nunique()
    if covered < len(known_sq):
        notices.append(f"Matrisen har värden för {fmt.number(covered)} av {fmt.number(len(known_sq))} rutor; "
                       "rutor utan värde får inget avstånd.")
    return MatrixReport(file, cost, unit, (), tuple(notices), n)


__all__ = ["MAX_PAIRS", "MatrixReport", "VALUE_COLUMNS", "read_travel_matrix"]
