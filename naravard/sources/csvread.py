"""Lenient reading of a user's CSV file into a frame, with Swedish messages.

:func:`read_user_csv` reads the bytes of any CSV a spreadsheet may produce: UTF-8
with or without a BOM, Windows-1252/Latin-1 (Excel's "CSV (semikolonavgränsad)"),
UTF-16 ("Unicode-text"), comma, semicolon or tab separators, decimal commas and
spaces as thousands separators. Code columns (``kommunkod`` …) stay text so that
leading digits survive. Anything it cannot read raises :class:`DataError` whose
Swedish message names the problem (file, row, column, value).

This lives in ``sources`` because the dataset loader reads a user's replacement
table with it (through :mod:`.userfile`, which also reads workbooks with
:mod:`.xlsxread`; both share :func:`rows_to_parsed`); the checks against the current
data live in :mod:`naravard.services.importing`.

Every value quoted from a user's file in a message goes through :func:`show`, which
keeps letters, digits and a few punctuation marks only, so a message is safe to
render as Markdown.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from naravard import fmt
from naravard.errors import DataError
from naravard.sources.vocab import AGE_GROUPS, NATIONAL_AREA

MAX_BYTES = 5 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
MAX_ROWS = 10_000  # data rows; a national table per kommun and age group has ~1 200
MAX_COLUMNS = 200
# Cells (data rows × columns) per table. Every check costs per cell, and the lenient
# reading holds each cell as a Python string (~60 bytes plus the frame), so the bytes
# limit alone lets a 3,7 MB file of short decimal-comma cells cost seconds and
# hundreds of MB. A national table per kommun and age group (290 × 4 rows) with the
# most columns allowed (200) is 232 000 cells, so every real table fits.
MAX_CELLS = 250_000
MAX_MESSAGES = 8  # problems listed before "… och N till"
# A value changing by more than this share from the current data gets a notice.
PLAUSIBLE_CHANGE = 0.25
ABSURD = 1e12  # no figure in these tables comes near this

YEAR = re.compile(r"^(19|20)\d{2}$")
CODE_COLUMNS = frozenset({"kommunkod", "regionkod", "kpi_id", "nyckel", "aldersgrupp"})

# ------------------------------------------------------------------ safe text


_SHOW_OK = set(".,:;+-−%/() ")


def show(value: Any, limit: int = 30) -> str:
    """A short excerpt of untrusted text, safe in Markdown, in «guillemets».

    Letters (å, ä, ö included), digits, spaces and ``.,:;+-−%/()`` are kept; anything
    else (``< > [ ] * _ ` $ | \\ =`` …) becomes ``?``.
    """
    s = str(value)
    cut = len(s) > limit
    s = "".join(ch if (ch.isalnum() or ch in _SHOW_OK) else "?" for ch in s[:limit])
    return f"«{s}{'…' if cut else ''}»"


def safe_filename(name: Any) -> str:
    """The base name of an uploaded file, cut to 60 characters and safe in Markdown."""
    s = Path(str(name or "")).name.replace("\\", "/").rsplit("/", 1)[-1]
    s = "".join(ch if (ch.isalnum() or ch in "._-() ") else "_" for ch in s)[:60].strip()
    return s or "filen"


def col_name(name: str) -> str:
    """A column name for a message (user headers are untrusted)."""
    return f"`{name}`" if re.fullmatch(r"[a-z0-9_+\-]{1,40}", name) else show(name)


def num(x: float, decimals: int | None = None) -> str:
    if decimals is None:
        decimals = 0 if float(x).is_integer() else 1
    if not math.isfinite(float(x)) or abs(float(x)) >= 1e15:
        return show(repr(float(x)), 20)
    return fmt.number(x, decimals)


def cells_error(file: str, rows: int, columns: int, *, at_least: bool = False) -> DataError:
    """The Swedish refusal of a table with more than :data:`MAX_CELLS` cells."""
    cells = rows * columns
    about = "minst " if at_least else ""
    return DataError(
        file,
        f"{about}{rows} rows x {columns} columns = {cells} cells, the limit is {MAX_CELLS}",
        f"filen har {about}{fmt.number(rows)} rader × {fmt.number(columns)} kolumner = {fmt.number(cells)} värden, "
        f"fler än gränsen {fmt.number(MAX_CELLS)} värden för en tabell här. Ta bort kolumner eller rader som inte "
        "behövs (t.ex. år som tabellen inte använder) och ladda upp filen igen.",
    )


def limit_messages(msgs: list[str]) -> list[str]:
    if len(msgs) > MAX_MESSAGES:
        return msgs[:MAX_MESSAGES] + [f"… och {len(msgs) - MAX_MESSAGES} fel till av samma slag."]
    return msgs


# ------------------------------------------------------------------ decoding

_MAGIC: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "en zip-fil eller en Excel-arbetsbok (.xlsx)"),
    (b"PK\x05\x06", "en zip-fil"),
    (b"\xd0\xcf\x11\xe0", "en äldre Excel-arbetsbok (.xls)"),
    (b"%PDF", "en PDF-fil"),
    (b"\x89PNG", "en bild (PNG)"),
    (b"\xff\xd8\xff", "en bild (JPEG)"),
    (b"GIF8", "en bild (GIF)"),
    (b"\x1f\x8b", "en gzip-komprimerad fil"),
    (b"SQLite format 3", "en SQLite-databas"),
    (b"{\\rtf", "ett RTF-dokument"),
]
_SAVE_AS_CSV = "Spara tabellen i kalkylprogrammet som Excel-arbetsbok (.xlsx) eller som CSV (i Excel: Spara som → CSV UTF-8) och ladda upp den filen."
# Invisible formatting characters (zero-width space, BOM, word joiner …) are removed.
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD])
# C0/C1 control characters other than tab and line breaks, and lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_MOJIBAKE = re.compile("Ã[¥¤¶…„–\u0085\u0084\u0096]")


def decode_text(raw: bytes, file: str) -> tuple[str, list[str]]:
    notices: list[str] = []
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise DataError(file, f"the file is binary ({magic!r})", f"filen är {what}, inte en CSV-fil. {_SAVE_AS_CSV}")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
        notices.append("Filen började med en BOM (osynlig markering för UTF-8); den ignorerades.")
        if not raw.strip():
            raise DataError(file, "the file is empty", "filen är tom (den innehåller bara en BOM).")
        text = _strict(raw, "utf-8", file)
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(raw, "utf-16", file)
        notices.append("Filen var sparad som UTF-16 (Excel: ”Unicode-text”); den lästes som sådan.")
    elif b"\x00" in raw and raw.count(b"\x00") * 3 > len(raw) and (b"\x00" not in raw[0::2] or b"\x00" not in raw[1::2]):
        raise DataError(
            file,
            "the file looks like UTF-16 without a byte order mark",
            f"filen verkar vara sparad som UTF-16 utan BOM-markering och kan inte läsas säkert. {_SAVE_AS_CSV}",
        )
    elif b"\x00" in raw:
        raise DataError(
            file,
            "the file contains NUL bytes (binary data)",
            f"filen innehåller binära data (nolltecken) och är ingen textfil. {_SAVE_AS_CSV}",
        )
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
                enc = "Windows-1252"
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
                enc = "Latin-1"
            notices.append(
                f"Filen var inte sparad som UTF-8. Tecknen tolkades som {enc} (Latin-1), så å, ä och ö "
                "blir rätt från Excel i Sverige. Kontrollera namnen i förhandsvisningen."
            )
    text = text.translate(_INVISIBLE)
    m = _CONTROL.search(text)
    if m:
        i = text.count("\n", 0, m.start()) + 1
        code = f"U+{ord(m.group()):04X}"
        raise DataError(
            file,
            f"line {i} contains the control character {code}",
            f"rad {i} innehåller ett tecken som inte hör hemma i en textfil ({code}); "
            f"teckenkodningen kunde inte tolkas eller filen är inte en CSV-fil. {_SAVE_AS_CSV}",
        )
    if _MOJIBAKE.search(text):
        notices.append(
            "Filen verkar innehålla felkodade tecken (t.ex. ”Ã¥” i stället för ”å”); den har troligen sparats om "
            "med fel teckenkodning. Kontrollera namnen i förhandsvisningen."
        )
    return text, notices


def _strict(raw: bytes, encoding: str, file: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise DataError(
            file,
            f"the file is not valid {encoding}",
            f"teckenkodningen kunde inte tolkas (filen säger {encoding.upper()} men innehåller ogiltiga tecken). {_SAVE_AS_CSV}",
        ) from None


# ------------------------------------------------------------------ parsing

_SEPARATORS = {";": "semikolon (;)", "\t": "tabb", ",": "komma (,)"}


@dataclass
class Parsed:
    file: str
    frame: pd.DataFrame  # every cell a stripped str; "" when empty
    lines: list[int]  # the file's line number of each row
    notices: list[str]


def _norm_header(h: str) -> str:
    h = " ".join(h.split()).lower()
    m = re.fullmatch(r"((?:19|20)\d{2})[.,]0+", h)  # 2030.0 from a spreadsheet
    return m.group(1) if m else h


def parse_csv(raw: bytes, file: str) -> Parsed:
    if not isinstance(raw, (bytes, bytearray, memoryview)):
        raise DataError(file, "not bytes", "filen kunde inte läsas (inget filinnehåll).")
    raw = bytes(raw)
    if len(raw) > MAX_BYTES:
        size = fmt.number(len(raw) / 1024 / 1024, 1)
        raise DataError(
            file,
            f"the file is {len(raw)} bytes, the limit is {MAX_BYTES}",
            f"filen är {size}\u00a0MB, större än gränsen {MAX_MB}\u00a0MB. Tabellerna här är små; "
            "kontrollera att det är rätt fil.",
        )
    if not raw.strip():
        raise DataError(file, "the file is empty", "filen är tom.")
    text, notices = decode_text(raw, file)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    n_lines = text.count("\n") + 1
    if n_lines > MAX_ROWS + 1000:  # blank lines are tolerated, rows counted below
        raise DataError(
            file,
            f"the file has {n_lines} lines, the limit is {MAX_ROWS} rows",
            f"filen har {fmt.number(n_lines)} rader, fler än gränsen {fmt.number(MAX_ROWS)} rader.",
        )
    lines = text.split("\n")
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is None:
        raise DataError(file, "the file is empty", "filen är tom.")
    sep = None
    m = re.fullmatch(r"\s*sep=(.)\s*", lines[first], flags=re.IGNORECASE)
    if m and m.group(1) in _SEPARATORS:  # Excel's "sep=;" hint line
        sep = m.group(1)
        lines[first] = ""
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        if first is None:
            raise DataError(file, "the file has no header row", "filen har ingen rubrikrad.")
    if sep is None:
        counts = {s: len(next(csv.reader([lines[first]], delimiter=s))) for s in _SEPARATORS}
        sep = max(_SEPARATORS, key=lambda s: counts[s])  # ties: ; before tab before ,
        if counts[sep] < 2:
            raise DataError(
                file,
                "only one column found (unknown separator)",
                "rubrikraden har bara en kolumn. Kolumnerna ska skiljas åt med komma (,), semikolon (;) eller tabb; "
                f"rubrikraden är {show(lines[first], 40)}.",
            )
    if sep != ",":
        notices.append(f"Kolumnerna skiljs åt med {_SEPARATORS[sep]}.")

    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=sep, strict=False)
    rows: list[list[str]] = []
    line_nos: list[int] = []
    skipped = 0
    n_cells = 0  # data cells read so far: reading stops at the limit, so it bounds time and memory
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells):
                skipped += bool(row)
                continue
            rows.append(cells)
            line_nos.append(reader.line_num)
            if len(rows) > 1:
                n_cells += len(cells)
                if n_cells > MAX_CELLS:
                    data_lines = sum(1 for ln in lines[first + 1:] if ln.strip())
                    raise cells_error(file, max(data_lines, len(rows) - 1), len(rows[0]), at_least=data_lines < len(rows) - 1)
            if len(rows) > MAX_ROWS + 1:
                raise DataError(
                    file,
                    f"more than {MAX_ROWS} rows",
                    f"filen har fler än {fmt.number(MAX_ROWS)} datarader, gränsen för en tabell här.",
                )
    except csv.Error as e:
        raise DataError(
            file,
            f"not a readable CSV at line {reader.line_num} ({e})",
            f"filen kunde inte läsas som CSV vid rad {reader.line_num} (t.ex. ett citattecken som inte avslutas "
            "eller ett fält som är för långt).",
        ) from None
    if skipped:
        notices.append(f"{skipped} tomma rader hoppades över.")
    if not rows:
        raise DataError(file, "the file has no values", "filen innehåller inga värden, bara avgränsare.")
    return rows_to_parsed(rows, line_nos, file, notices, csv_comma=sep == ",")


def rows_to_parsed(rows: list[list[str]], line_nos: list[int], file: str, notices: list[str], csv_comma: bool = False) -> Parsed:
    """Rows of stripped text cells (the first is the header) → a :class:`Parsed` table.

    Shared by the CSV and the xlsx reader, so both get the same header rules (names
    normalised, trailing empty columns dropped, no empty or repeated names) and the
    same row-length check. ``line_nos`` are the rows' numbers as the user sees them
    (file lines, sheet rows); ``csv_comma`` adds the decimal-comma hint for CSV.
    """
    header = [_norm_header(h) for h in rows[0]]
    body, body_lines = rows[1:], line_nos[1:]
    if len(header) > MAX_COLUMNS:
        raise DataError(file, f"{len(header)} columns", f"filen har {len(header)} kolumner, fler än gränsen {MAX_COLUMNS}.")
    # Trailing columns without a header and without values (a spreadsheet's ";;;").
    while header and header[-1] == "" and all(len(r) < len(header) or r[len(header) - 1] == "" for r in body):
        header.pop()
    n = len(header)
    if n < 2:
        raise DataError(
            file,
            "only one column found",
            "filen har bara en kolumn med namn. Kolumnerna ska skiljas åt med komma (,), semikolon (;) eller tabb.",
        )
    problems: list[str] = []
    for i, h in enumerate(header, start=1):
        if h == "":
            problems.append(f"kolumn nr {i} i rubrikraden saknar namn")
    seen: dict[str, int] = {}
    for h in header:
        seen[h] = seen.get(h, 0) + 1
    for h, k in seen.items():
        if h and k > 1:
            problems.append(f"kolumnen {col_name(h)} finns {k} gånger i rubrikraden")
    if problems:
        raise DataError(file, "bad header row", "; ".join(limit_messages(problems)) + ".")
    if not body:
        raise DataError(file, "only a header row", "filen har en rubrikrad men inga datarader.")
    if len(body) * n > MAX_CELLS:
        raise cells_error(file, len(body), n)

    bad: list[tuple[int, int]] = []
    decimal_comma = False
    for r, ln in zip(body, body_lines):
        if len(r) > n and not any(r[n:]):
            del r[n:]
        if len(r) != n:
            bad.append((ln, len(r)))
            decimal_comma = decimal_comma or (csv_comma and len(r) > n and re.search(r"\d,\d", ",".join(r)) is not None)
    if bad:
        shown = ", ".join(f"rad {ln} har {k} värden" for ln, k in bad[:5])
        more = f" ({fmt.number(len(bad))} rader har fel antal värden)" if len(bad) > 5 else ""
        hint = (
            " Filen verkar ha decimalkomma och komma som avgränsare; spara den med semikolon som avgränsare "
            "eller med citattecken runt talen."
            if decimal_comma
            else ""
        )
        raise DataError(
            file,
            f"{len(bad)} rows with the wrong number of fields (first: line {bad[0][0]})",
            f"rubrikraden har {n} kolumner, men {shown}{more}.{hint}",
        )
    frame = pd.DataFrame(body, columns=header, dtype=object)
    _normalise_categories(frame, notices)
    return Parsed(file, frame, body_lines, notices)


ALLOWED = {"aldersgrupp": AGE_GROUPS, "omrade": (NATIONAL_AREA,)}


def _normalise_categories(frame: pd.DataFrame, notices: list[str]) -> None:
    """``0–19`` (en dash), ``80 +`` → ``0-19``, ``80+``; ``riket`` → ``Riket``."""
    changed = []
    for c, allowed in ALLOWED.items():
        if c not in frame.columns:
            continue
        canon = {a.casefold(): a for a in allowed}
        new = []
        for v in frame[c]:
            w = str(v)
            if c == "aldersgrupp":
                w = re.sub(r"\s*([-+])\s*", r"\1", w.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-"))
            w = canon.get(w.casefold(), w)
            new.append(w)
        if new != list(frame[c]):
            frame[c] = new
            changed.append(c)
    if changed:
        notices.append(f"Värdena i {_cols(changed)} skrevs om till standardformen (t.ex. 0–19 → 0-19).")


# ------------------------------------------------------------------ numbers

_NUMBER = re.compile(r"([+-]?)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:([.,])(\d+))?")
DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
_BOOL = {"true": True, "false": False, "sant": True, "falskt": False}


def parse_number(text: str) -> tuple[float, set[str]] | None:
    """Swedish or English number text → (value, what was interpreted); None if not a number.

    ``"86,1"`` → 86.1 (``decimalkomma``), ``"343 000"`` → 343000 (``tusental``),
    ``"−340"`` → −340, ``"86,1 %"`` → 86.1 (``procent``).
    """
    s = text.strip().replace("\u2212", "-")
    flags: set[str] = set()
    if s.endswith("%"):
        s = s[:-1].rstrip()
        flags.add("procent")
    m = _NUMBER.fullmatch(s)
    if not m:
        return None
    sign, whole, dec, frac = m.groups()
    if whole != re.sub(r"\D", "", whole):
        flags.add("tusental")
    if dec == ",":
        flags.add("decimalkomma")
    digits = re.sub(r"\D", "", whole)
    return float(f"{sign}{digits}.{frac or '0'}"), flags


_PLAIN = r"-?\d{1,11}"  # an integer that needs no interpretation (< ABSURD)
# A decimal number without thousands separators (``86,1``, ``-0.5``): read the same as
# :func:`parse_number` reads it, but for a whole column at once. Most cells of a
# decimal-comma file are like this, and one regex call per cell was most of the cost.
_DECIMAL = r"[+-]?\d{1,11}[.,]\d{1,15}"


def not_plain(cells: list[str], decimals: bool = False) -> np.ndarray:
    """Indices of the cells that are not a plain integer (or, with ``decimals``, a
    plain decimal number): the ones to check one by one."""
    series = pd.Series(cells, dtype=object)
    plain = series.str.fullmatch(_PLAIN).to_numpy(dtype=bool)
    if decimals and not plain.all():
        plain = plain | series.str.fullmatch(_DECIMAL).to_numpy(dtype=bool)  # (to_numpy may be read-only)
    return np.flatnonzero(~plain)


def convert(p: Parsed) -> tuple[pd.DataFrame, list[str]]:
    """String frame → typed frame: codes as text, numbers as floats, true/false as bool."""
    out: dict[str, pd.Series] = {}
    used: dict[str, list[str]] = {"decimalkomma": [], "tusental": [], "procent": []}
    for c in p.frame.columns:
        cells = [str(v) for v in p.frame[c]]
        filled = [v for v in cells if v != ""]
        if c not in CODE_COLUMNS and filled:
            vals = np.full(len(cells), np.nan)
            series = pd.Series(cells, dtype=object)
            plain = series.str.fullmatch(_PLAIN).to_numpy(dtype=bool)
            if plain.any():
                vals[plain] = pd.to_numeric(series[plain]).to_numpy(dtype="float64")
            flags: set[str] = set()
            if not plain.all():  # plain decimals, a column at a time (as parse_number reads them)
                dec = series.str.fullmatch(_DECIMAL).to_numpy(dtype=bool) & ~plain
                if dec.any():
                    texts = series[dec]
                    if texts.str.contains(",", regex=False).any():
                        flags.add("decimalkomma")
                    vals[dec] = pd.to_numeric(texts.str.replace(",", ".", regex=False)).to_numpy(dtype="float64")
                    plain = plain | dec
            numeric = True
            for i in np.flatnonzero(~plain):
                if cells[i] == "":
                    continue
                x = parse_number(cells[i])
                if x is None:
                    numeric = False
                    break
                vals[i] = x[0]
                flags |= x[1]
            if numeric:
                for f in flags:
                    used[f].append(c)
                out[c] = pd.Series(vals, dtype="float64")
                continue
            if len(filled) == len(cells) and all(v.lower() in _BOOL for v in filled):
                out[c] = pd.Series([_BOOL[v.lower()] for v in cells], dtype=bool)
                continue
        out[c] = pd.Series([v if v != "" else np.nan for v in cells], dtype="str")
    notices = []
    if used["decimalkomma"]:
        notices.append(f"Decimalkomma tolkades som decimaltecken (kolumner: {_cols(used['decimalkomma'])}).")
    if used["tusental"]:
        notices.append(f"Mellanslag mellan tusental togs bort (kolumner: {_cols(used['tusental'])}).")
    if used["procent"]:
        notices.append(f"Procenttecken togs bort; talen används som procent (kolumner: {_cols(used['procent'])}).")
    return pd.DataFrame(out, index=pd.RangeIndex(len(p.frame))), notices


def _cols(cols: list[str]) -> str:
    shown = ", ".join(col_name(c) for c in cols[:6])
    return shown + (f" och {len(cols) - 6} till" if len(cols) > 6 else "")


def read_user_csv(raw: bytes, filename: str) -> tuple[pd.DataFrame, list[str]]:
    """Read a user's CSV leniently; return the frame and Swedish notices.

    The frame has one column per header (names trimmed and lower-cased), code columns
    (``kommunkod``, ``regionkod``, ``kpi_id``, ``nyckel``, ``aldersgrupp``) as text,
    columns whose every value is a number as floats (empty cells NaN), and other
    columns as text (empty cells NaN). Raises :class:`DataError` (Swedish message
    naming the file and the problem) for anything it cannot read; never another
    exception.
    """
    file = safe_filename(filename)
    p = parse_csv(raw, file)
    df, notes = convert(p)
    return df, p.notices + notes
