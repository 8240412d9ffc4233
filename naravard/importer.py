"""Import of a planner's own CSV file: lenient reading, strict checking, a diff.

Planners load updated data (population forecasts, listings per unit, access metrics)
and check it before using it. Two steps:

* :func:`read_user_csv` reads the bytes of any CSV a spreadsheet may produce: UTF-8
  with or without a BOM, Windows-1252/Latin-1 (Excel's "CSV (semikolonavgränsad)"),
  UTF-16 ("Unicode-text"), comma, semicolon or tab separators, decimal commas and
  spaces as thousands separators. Code columns (``kommunkod`` …) stay text so that
  leading digits survive. Anything it cannot read raises :class:`DataError` whose
  Swedish message names the problem (file, row, column, value).
* :func:`check_import` checks the file as one of the :data:`IMPORTABLE` tables against
  the current dataset: columns, every row of the current table present, numbers,
  kommun codes, names, the table's schema, the cross-table rules of
  :func:`naravard.data.load_dataset`, and that the pages can still be computed. It
  returns an :class:`ImportReport` (never raises for a bad file) with Swedish
  problems and notices, a preview and the differences from the current table.

Nothing here writes anything: an accepted file is used by passing its bytes to
``load_dataset(overrides=...)`` (the UI keeps them in the session only).

Every value quoted from a user's file in a message goes through :func:`_show`, which
keeps letters, digits and a few punctuation marks only, so a message is safe to
render as Markdown.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import fmt
from .data import (
    ACCESS_AREAS,
    AGE_GROUPS,
    SCHEMAS,
    DataError,
    Dataset,
    _check_consistency,
    _post_process,
    _translate_schema_errors,
    load_dataset,
)

_log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
MAX_ROWS = 10_000  # data rows; a national table per kommun and age group has ~1 200
MAX_COLUMNS = 200
MAX_MESSAGES = 8  # problems listed before "… och N till"
# A value changing by more than this share from the current data gets a notice.
PLAUSIBLE_CHANGE = 0.25
ABSURD = 1e12  # no figure in these tables comes near this

_YEAR = re.compile(r"^(19|20)\d{2}$")
CODE_COLUMNS = frozenset({"kommunkod", "regionkod", "kpi_id", "nyckel", "aldersgrupp"})

# ------------------------------------------------------------------ what can be imported


class Importable(NamedTuple):
    """One table a user may replace: Swedish title, expected columns, an example."""

    title_sv: str
    columns_sv: str
    example_csv: str


IMPORTABLE: dict[str, Importable] = {
    "befolkning": Importable(
        "Folkmängd per kommun (historik och prognos)",
        "`regionkod` (kommunkod med fyra siffror, länets kod med två), `region` (namn), "
        "sedan en kolumn per år (`2020`, `2025`, `2030` …) med antal invånare. En rad per kommun och en rad för "
        "länet; länsraden ska vara summan av kommunerna. Alla år och kommuner i den nuvarande tabellen "
        "måste finnas med; nya år får läggas till.",
        "regionkod,region,2024,2025,2030\n"
        "1384,Kungsbacka,85792,86333,86449\n"
        "1383,Varberg,69070,69462,71718\n"
        "…\n"
        "13,Hallands län,345074,346088,349997\n",
    ),
    "befolkning_alder": Importable(
        "Folkmängd per kommun och åldersgrupp",
        "`regionkod`, `aldersgrupp` (`0-19`, `20-64`, `65-79` eller `80+`), sedan en kolumn per år med antal "
        "invånare. Fyra rader per kommun och länets rad för 80+. Åldersgrupperna ska summera till "
        "folkmängden per kommun (högst 50 personers skillnad).",
        "regionkod,aldersgrupp,2020,2025,2030\n"
        "1384,0-19,22638,21861,19946\n"
        "1384,20-64,45355,45923,46029\n"
        "1384,65-79,12401,12363,13127\n"
        "1384,80+,4536,6146,7346\n"
        "…\n"
        "13,80+,19815,25246,30147\n",
    ),
    "utbud": Importable(
        "Vårdcentraler, filialer och listade per kommun",
        "`kommunkod`, `kommun`, `vardcentraler`, `filialer`, `listade_per_vc` (snitt listade per vårdcentral), "
        "`invanare_2022`, `prognos_forandring_2030` (heltal, förändringen får vara negativ). En rad per kommun. "
        "Summorna ska stämma med nyckeltalen: vårdcentraler och filialer exakt, invånare och prognos inom 2 %.",
        "kommunkod,kommun,vardcentraler,filialer,listade_per_vc,invanare_2022,prognos_forandring_2030\n"
        "1384,Kungsbacka,11,0,7800,86100,4850\n"
        "1315,Hylte,1,1,10100,10500,-340\n"
        "…\n",
    ),
    "tillganglighet": Importable(
        "Tillgänglighet och patienternas upplevelse (Kolada), procent per år",
        "`kpi_id` (t.ex. `N79179`), `omrade` (`Halland`, `Riket` eller `Kronoberg`), sedan en kolumn per år "
        "med andel i procent (0–100, decimalkomma eller decimalpunkt). Tom cell = inget publicerat värde. "
        "Alla indikatorer och områden i den nuvarande tabellen måste finnas med.",
        "kpi_id;omrade;2023;2024;2025\n"
        "N79179;Halland;;;89,8\n"
        "N79179;Riket;87,0;87,0;88,5\n"
        "…\n",
    ),
}


@dataclass(frozen=True)
class _Shape:
    id_cols: tuple[str, ...]  # non-value columns, in file order
    key: tuple[str, ...]  # columns that identify a row
    wide: bool  # the value columns are years
    values: tuple[str, ...] = ()  # fixed value columns (not wide)
    integer: bool = True
    code: str | None = None  # kommun/län code column
    code_digits: tuple[int, ...] = (4,)
    name: str | None = None  # free-text name column


_SHAPES: dict[str, _Shape] = {
    "befolkning": _Shape(("regionkod", "region"), ("regionkod",), True, code="regionkod", code_digits=(2, 4), name="region"),
    "befolkning_alder": _Shape(("regionkod", "aldersgrupp"), ("regionkod", "aldersgrupp"), True, code="regionkod", code_digits=(2, 4)),
    "utbud": _Shape(
        ("kommunkod", "kommun"),
        ("kommunkod",),
        False,
        values=("vardcentraler", "filialer", "listade_per_vc", "invanare_2022", "prognos_forandring_2030"),
        code="kommunkod",
        name="kommun",
    ),
    "tillganglighet": _Shape(("kpi_id", "omrade"), ("kpi_id", "omrade"), True, integer=False),
}

# Tables stored in long form by the loader: (id columns, value column).
_LONG = {
    "befolkning": (["regionkod", "region"], "population"),
    "befolkning_alder": (["regionkod", "aldersgrupp"], "population"),
    "tillganglighet": (["kpi_id", "omrade"], "value"),
}


# ------------------------------------------------------------------ safe text


_SHOW_OK = set(".,:;+-−%/() ")


def _show(value: Any, limit: int = 30) -> str:
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


def _col(name: str) -> str:
    """A column name for a message (user headers are untrusted)."""
    return f"`{name}`" if re.fullmatch(r"[a-z0-9_+\-]{1,40}", name) else _show(name)


def _num(x: float, decimals: int | None = None) -> str:
    if decimals is None:
        decimals = 0 if float(x).is_integer() else 1
    if not math.isfinite(float(x)) or abs(float(x)) >= 1e15:
        return _show(repr(float(x)), 20)
    return fmt.number(x, decimals)


def _limit(msgs: list[str]) -> list[str]:
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
_SAVE_AS_CSV = "Spara tabellen som CSV i kalkylprogrammet (i Excel: Spara som → CSV UTF-8) och ladda upp den filen."
# Invisible formatting characters (zero-width space, BOM, word joiner …) are removed.
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD])
# C0/C1 control characters other than tab and line breaks, and lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_MOJIBAKE = re.compile("Ã[¥¤¶…„–\u0085\u0084\u0096]")


def _decode(raw: bytes, file: str) -> tuple[str, list[str]]:
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
class _Parsed:
    file: str
    frame: pd.DataFrame  # every cell a stripped str; "" when empty
    lines: list[int]  # the file's line number of each row
    notices: list[str]


def _norm_header(h: str) -> str:
    h = " ".join(h.split()).lower()
    m = re.fullmatch(r"((?:19|20)\d{2})[.,]0+", h)  # 2030.0 from a spreadsheet
    return m.group(1) if m else h


def _parse(raw: bytes, file: str) -> _Parsed:
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
    text, notices = _decode(raw, file)
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
                f"rubrikraden är {_show(lines[first], 40)}.",
            )
    if sep != ",":
        notices.append(f"Kolumnerna skiljs åt med {_SEPARATORS[sep]}.")

    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=sep, strict=False)
    rows: list[list[str]] = []
    line_nos: list[int] = []
    skipped = 0
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells):
                skipped += bool(row)
                continue
            rows.append(cells)
            line_nos.append(reader.line_num)
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
            problems.append(f"kolumnen {_col(h)} finns {k} gånger i rubrikraden")
    if problems:
        raise DataError(file, "bad header row", "; ".join(_limit(problems)) + ".")
    if not body:
        raise DataError(file, "only a header row", "filen har en rubrikrad men inga datarader.")

    bad: list[tuple[int, int]] = []
    decimal_comma = False
    for r, ln in zip(body, body_lines):
        if len(r) > n and not any(r[n:]):
            del r[n:]
        if len(r) != n:
            bad.append((ln, len(r)))
            decimal_comma = decimal_comma or (sep == "," and len(r) > n and re.search(r"\d,\d", ",".join(r)) is not None)
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
    return _Parsed(file, frame, body_lines, notices)


_ALLOWED = {"aldersgrupp": AGE_GROUPS, "omrade": ACCESS_AREAS}


def _normalise_categories(frame: pd.DataFrame, notices: list[str]) -> None:
    """``0–19`` (en dash), ``80 +`` → ``0-19``, ``80+``; ``riket`` → ``Riket``."""
    changed = []
    for c, allowed in _ALLOWED.items():
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
_DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
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


def _not_plain(cells: list[str]) -> np.ndarray:
    """Indices of the cells that are not a plain integer (checked one by one)."""
    plain = pd.Series(cells, dtype=object).str.fullmatch(_PLAIN).to_numpy(dtype=bool)
    return np.flatnonzero(~plain)


def _convert(p: _Parsed) -> tuple[pd.DataFrame, list[str]]:
    """String frame → typed frame: codes as text, numbers as floats, true/false as bool."""
    out: dict[str, pd.Series] = {}
    used: dict[str, list[str]] = {"decimalkomma": [], "tusental": [], "procent": []}
    for c in p.frame.columns:
        cells = [str(v) for v in p.frame[c]]
        filled = [v for v in cells if v != ""]
        if c not in CODE_COLUMNS and filled:
            vals = np.full(len(cells), np.nan)
            plain = pd.Series(cells, dtype=object).str.fullmatch(_PLAIN).to_numpy(dtype=bool)
            if plain.any():
                vals[plain] = pd.to_numeric(pd.Series(cells, dtype=object)[plain]).to_numpy(dtype="float64")
            flags: set[str] = set()
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
    shown = ", ".join(_col(c) for c in cols[:6])
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
    p = _parse(raw, file)
    df, notes = _convert(p)
    return df, p.notices + notes


# ------------------------------------------------------------------ the current table


def current_frame(ds: Dataset, name: str) -> pd.DataFrame | None:
    """The table as its file has it (wide years, file row order), or None if not loaded."""
    if not ds.has(name):
        return None
    t = ds.tables[name]
    if name == "nyckeltal":
        return t.reset_index()
    if name in _LONG:
        ids, value = _LONG[name]
        keys = t[ids].drop_duplicates()
        w = t.pivot(index=ids, columns="year", values=value)
        w = w.reindex(pd.MultiIndex.from_frame(keys)).sort_index(axis=1)
        w.columns = [str(c) for c in w.columns]
        w = w.reset_index()
        if name != "tillganglighet":
            years = [c for c in w.columns if c not in ids]
            w[years] = w[years].astype("Int64")
        return w
    return t.copy()


def template_csv(ds: Dataset, name: str, excel: bool = False) -> bytes | None:
    """The current table as CSV bytes, to download, edit and load again.

    ``excel=True`` gives what Swedish Excel opens directly: semicolons, decimal
    commas and a UTF-8 BOM. Both forms are read back unchanged by :func:`check_import`.
    """
    w = current_frame(ds, name)
    if w is None:
        return None
    if excel:
        return w.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n").encode("utf-8-sig")
    return w.to_csv(index=False, lineterminator="\n").encode("utf-8")


# ------------------------------------------------------------------ the report


@dataclass(frozen=True, eq=False)
class ImportReport:
    """The result of :func:`check_import`.

    ``ok`` is True when the file can be used. ``problems_sv`` are Swedish sentences
    naming what is wrong (empty when ok); ``notices_sv`` what was interpreted or looks
    odd. ``preview`` is the validated table as in the file; ``diff`` one row per value
    that differs from the current table (columns ``rad``, ``kolumn``, ``tidigare``,
    ``nytt``). ``unexpected`` is empty unless the check itself failed (a bug; English,
    for logs).
    """

    ok: bool
    table: str
    filename: str
    problems_sv: tuple[str, ...] = ()
    notices_sv: tuple[str, ...] = ()
    preview: pd.DataFrame | None = None
    diff: pd.DataFrame | None = None
    changed_values: int = 0
    added_rows: int = 0
    added_columns: tuple[str, ...] = ()
    unexpected: str = ""

    @property
    def title_sv(self) -> str:
        spec = IMPORTABLE.get(self.table)
        return spec.title_sv if spec else _show(self.table)

    @property
    def message_sv(self) -> str:
        """One Swedish text: what happened to the file."""
        if self.ok:
            return f"Filen {self.filename} kan användas som {self.title_sv}. {self.summary_sv}"
        return f"Filen {self.filename} kan inte användas: " + " ".join(self.problems_sv)

    @property
    def summary_sv(self) -> str:
        if not self.ok:
            return ""
        if not self.changed_values and not self.added_rows and not self.added_columns:
            return "Den har samma värden som de data som används nu."
        parts = [f"{fmt.number(self.changed_values)} värden skiljer sig från de data som används nu"]
        if self.added_rows:
            parts.append(f"{fmt.number(self.added_rows)} nya rader")
        if self.added_columns:
            parts.append("nya kolumner: " + ", ".join(self.added_columns[:10]))
        return "; ".join(parts) + "."


def _fail(table: str, file: str, problems: list[str], notices: list[str] | None = None, unexpected: str = "") -> ImportReport:
    return ImportReport(False, table, file, tuple(_sentence(p) for p in problems), tuple(notices or ()), unexpected=unexpected)


def _sentence(s: str) -> str:
    s = s.strip()
    s = s[:1].upper() + s[1:]
    return s if s.endswith((".", "…", "!", "?")) else s + "."


# ------------------------------------------------------------------ checking


def _labeler(ds: Dataset, shape: _Shape, frame: pd.DataFrame, lines: list[int]):
    names = ds.kommun_names() if ds.has("kommuner") else {}
    names = {**names, ds.region.lanskod: ds.region.kort_namn}

    def key_text(values: tuple[str, ...]) -> str:
        out = []
        for c, v in zip(shape.key, values):
            if c == shape.code and v in names:
                out.append(f"{names[v]} {v}")
            else:
                out.append(_show(v, 20).strip("«»"))
        return ", ".join(out)

    def row(i: int) -> str:
        vals = tuple(str(frame.iloc[i][c]) if c in frame.columns else "" for c in shape.key)
        return f"rad {lines[i]} ({key_text(vals)})"

    return row, key_text


class _Msgs(list):
    """Messages up to :data:`MAX_MESSAGES`; beyond that only counted (never formatted)."""

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    @property
    def full(self) -> bool:
        return len(self) >= MAX_MESSAGES

    def add(self, make) -> None:
        if self.full:
            self.more += 1
        else:
            self.append(make() if callable(make) else make)

    def out(self) -> list[str]:
        return list(self) + ([f"… och {fmt.number(self.more)} fel till."] if self.more else [])


def _precheck(ds: Dataset, name: str, p: _Parsed) -> tuple[list[str], list[str]]:
    """Table-aware checks on the text cells, with rows and values in the messages."""
    shape = _SHAPES[name]
    df, cols = p.frame, list(p.frame.columns)
    problems = _Msgs()
    notices = _Msgs()
    expected = list(shape.id_cols) + list(shape.values)
    cur = current_frame(ds, name)

    missing = [c for c in expected if c not in cols]
    if shape.wide:
        extra = [c for c in cols if c not in shape.id_cols and not _YEAR.match(c)]
        cur_years = [c for c in cur.columns if _YEAR.match(c)] if cur is not None else []
        missing += [y for y in cur_years if y not in cols]
        if not any(_YEAR.match(c) for c in cols) and not cur_years:
            problems.add("filen har inga årskolumner (t.ex. 2025, 2030)")
    else:
        extra = [c for c in cols if c not in expected]
    head = []
    for c in missing:
        head.append(f"kolumnen {_col(c)} saknas")
    for c in extra:
        head.append(f"okänd kolumn {_col(c)}; ta bort den eller rätta namnet")
    if head or problems:
        head = _limit(head) + list(problems)
        if missing and len(cols) <= 2:
            head.append("kontrollera att kolumnerna skiljs åt med komma, semikolon eller tabb")
        head.append(f"förväntade kolumner: {', '.join(expected)}" + (" och en kolumn per år" if shape.wide else ""))
        return head, []

    row, key_text = _labeler(ds, shape, df, p.lines)
    lan = ds.region.lanskod
    known = set(ds.kommun_codes) if ds.has("kommuner") else None
    official = ds.kommun_names() if ds.has("kommuner") else {}
    columns = {c: [str(v) for v in df[c]] for c in cols}
    lines = p.lines

    # codes
    if shape.code:
        want = "fyra siffror" if shape.code_digits == (4,) else "fyra siffror för en kommun, två för länet"
        for i, v in enumerate(columns[shape.code]):
            if not v:
                problems.add(lambda: f"rad {lines[i]}: kolumnen {_col(shape.code)} är tom")
            elif not (v.isascii() and v.isdigit() and len(v) in shape.code_digits):
                hint = (
                    " (Excel kan ha tagit bort en inledande nolla; formatera kolumnen som text)"
                    if v.isascii() and v.isdigit() and len(v) in (1, 3)
                    else ""
                )
                problems.add(lambda: f"rad {lines[i]}: kommunkoden {_show(v)} är ogiltig, den ska ha {want}{hint}")
            elif known is not None and v not in known and v != lan:
                problems.add(
                    lambda: f"rad {lines[i]}: okänd kommunkod {v}; regionens kommuner har koderna {', '.join(sorted(known))}"
                    + (f" och länet {lan}" if shape.code_digits != (4,) else "")
                )
    # categories and ids
    for c, allowed in _ALLOWED.items():
        if c in columns:
            for i, v in enumerate(columns[c]):
                if v not in allowed:
                    problems.add(
                        lambda: f"rad {lines[i]}, kolumn {_col(c)}: {_show(v)} är inte tillåtet (tillåtna värden: {', '.join(allowed)})"
                    )
    if "kpi_id" in columns:
        for i, v in enumerate(columns["kpi_id"]):
            if not re.fullmatch(r"[A-Z]\d{5}", v):
                problems.add(
                    lambda: f"rad {lines[i]}, kolumn `kpi_id`: {_show(v)} är inget Kolada-id (en versal och fem siffror, t.ex. N79179)"
                )
    # duplicate rows
    keys = list(zip(*(columns[c] for c in shape.key)))
    where_key: dict[tuple[str, ...], list[int]] = {}
    for i, k in enumerate(keys):
        where_key.setdefault(k, []).append(lines[i])
    for k, at in where_key.items():
        if len(at) > 1:
            shown = ", ".join(str(x) for x in at[:5]) + (" …" if len(at) > 5 else "")
            problems.add(lambda: f"{key_text(k)} finns på {fmt.number(len(at))} rader (rad {shown}); varje rad får bara finnas en gång")
    # names
    if shape.name:
        for i, v in enumerate(columns[shape.name]):
            where = lambda: f"{row(i)}, kolumn {_col(shape.name)}"  # noqa: E731
            if not v:
                problems.add(lambda: f"{where()}: namnet saknas")
            elif v[0] in "=+-@":
                problems.add(
                    lambda: f"{where()}: {_show(v)} ser ut som en kalkylbladsformel (börjar med ”{v[0]}”); sådana värden tas inte emot"
                )
            elif "<" in v or ">" in v:
                problems.add(lambda: f"{where()}: {_show(v)} innehåller vinkelparenteser (HTML eller skript tas inte emot)")
            elif len(v) > 60:
                problems.add(lambda: f"{where()}: namnet är längre än 60 tecken")
            elif not _NAME.fullmatch(v):
                problems.add(
                    lambda: f"{where()}: {_show(v)} innehåller otillåtna tecken (bara bokstäver, siffror, mellanslag och .,-()/&: tas emot)"
                )
            else:
                code = columns[shape.code][i] if shape.code else ""
                if code in official and v.casefold() != official[code].casefold():
                    notices.add(
                        lambda: f"{row(i)}: namnet {_show(v)} skiljer sig från {_show(official[code])} i kommuntabellen; "
                        "sidorna visar namnet i kommuntabellen."
                    )
                elif code == lan and v.casefold() not in (ds.region.lan.casefold(), ds.region.kort_namn.casefold()):
                    notices.add(lambda: f"{row(i)}: länsraden heter {_show(v)}; sidorna visar {_show(ds.region.lan)}.")
    # numbers
    for c in (c for c in cols if c not in shape.id_cols):
        cells = columns[c]
        for i in _not_plain(cells):
            v = cells[i]
            where = lambda: f"{row(i)}, kolumn {_col(c)}"  # noqa: E731
            if v == "":
                if shape.integer:
                    problems.add(lambda: f"{where()}: värdet saknas")
                continue
            parsed = parse_number(v)
            if parsed is None:
                hint = " (en formel; spara värdena, inte formlerna)" if v.startswith("=") else ""
                problems.add(lambda: f"{where()}: {_show(v)} är inget tal{hint}")
                continue
            x = parsed[0]
            if not math.isfinite(x) or abs(x) >= ABSURD:
                problems.add(lambda: f"{where()}: {_show(v)} är ett orimligt stort tal")
            elif shape.integer and _DOT_THOUSANDS.fullmatch(v):
                problems.add(
                    lambda: f"{where()}: {_show(v)} har punkt som tusentalsavgränsare; skriv talet utan avgränsare eller med mellanslag"
                )
            elif shape.integer and not x.is_integer():
                problems.add(lambda: f"{where()}: {_show(v)} är inget heltal")
    # every row of the current table is needed by the pages
    if cur is not None and not problems:
        have = set(keys)
        gone = [k for k in zip(*(cur[c].astype(str) for c in shape.key)) if k not in have]
        if gone:
            shown = "; ".join(key_text(k) for k in gone[:6]) + (f" och {len(gone) - 6} till" if len(gone) > 6 else "")
            problems.add(f"rader saknas för {shown}. Alla rader i den nuvarande tabellen måste finnas med")
    return problems.out(), notices.out()


_NAME = re.compile(r"(?:[^\W_]|[ .,'’()/&:-])+")


def _schema_problems(df: pd.DataFrame, err: pa.errors.SchemaErrors, row) -> list[str]:
    """pandera's failure cases → Swedish sentences with the file's row numbers."""
    out: list[str] = []
    seen: set[tuple[str, str, Any]] = set()
    fc = err.failure_cases
    for _, r in fc.iterrows():
        check = str(r["check"])
        col = "" if pd.isna(r["column"]) else str(r["column"])
        case = r["failure_case"]
        idx = r["index"]
        has_row = idx is not None and not (isinstance(idx, float) and math.isnan(idx))
        if check.startswith("dtype(") and any(str(x).startswith("coerce_dtype") for x in fc.loc[fc["column"] == col, "check"]):
            continue
        k = (check, col, idx if has_row else None)
        if k in seen:
            continue
        seen.add(k)
        value = _num(case) if isinstance(case, (int, float, np.number)) and not isinstance(case, bool) else _show(case)
        m = re.match(r"in_range\((-?[\d.e+]+), (-?[\d.e+]+)\)", check)
        if m:
            what = f"värdet {value} ligger utanför det tillåtna intervallet {_num(float(m.group(1)))}–{_num(float(m.group(2)))}"
            if isinstance(case, (int, float, np.number)) and float(case) < 0 <= float(m.group(1)):
                what = f"värdet {value} är negativt, det måste vara minst {_num(float(m.group(1)))}"
        elif check.startswith("isin"):
            allowed = {"aldersgrupp": AGE_GROUPS, "omrade": ACCESS_AREAS}.get(col)
            what = f"värdet {value} är inte tillåtet" + (f" (tillåtna: {', '.join(allowed)})" if allowed else "")
        elif check.startswith("str_matches"):
            what = f"värdet {value} har fel format" + (" (en versal och fem siffror, t.ex. N79179)" if col == "kpi_id" else "")
        elif check.startswith(("coerce_dtype", "dtype")):
            what = f"värdet {value} har fel typ (ett tal väntas)"
        elif check == "not_nullable":
            what = "värdet saknas"
        elif "unique" in check:
            what = f"värdet {value} förekommer på flera rader"
        else:
            what = f"värdet {value} klarar inte kontrollen {_show(check, 40)}"
        if has_row and isinstance(idx, (int, np.integer)) and 0 <= int(idx) < len(df):
            out.append(f"{row(int(idx))}, kolumn {_col(col)}: {what}")
        else:
            out.append(f"kolumn {_col(col) if col else ''}: {what}")
    if not out:  # pragma: no cover - pandera always reports a case
        out.append(_translate_schema_errors(err)[1])
    return _limit(out)


def _validate(name: str, df: pd.DataFrame, p: _Parsed, ds: Dataset) -> tuple[pd.DataFrame | None, list[str]]:
    shape = _SHAPES[name]
    row, _ = _labeler(ds, shape, p.frame, p.lines)
    schema = SCHEMAS[name](df)
    try:
        return schema.validate(df, lazy=True), []
    except pa.errors.SchemaErrors as e:
        return None, _schema_problems(df, e, row)


def _raw_tables(ds: Dataset) -> dict[str, pd.DataFrame]:
    out = {}
    for n in ds.tables:
        f = current_frame(ds, n)
        if f is not None:
            out[n] = f
    return out


def _smoke(ds: Dataset) -> None:
    """Compute what the pages compute from the tables, so a file the checks let through
    cannot make a page fail. Raises whatever the page code would raise."""
    from . import access, overview, population
    from .scenario import ModelInputs

    if ds.has("utbud") and ds.has("befolkning") and ds.has("kommuner"):
        for v in population.VARIANTS:
            if v == "HSU2023" and not ds.has("nyckeltal"):
                continue
            population.headline_population(ds, v)
            if ds.has("nyckeltal"):
                t = overview.kommun_table(ds, v)
                overview.kommun_table_total(ds, t, v)
    if ds.has("befolkning_alder") and ds.has("kommuner"):
        population.pop80_headline(ds, "RH2026")
        population.pop80_wide(ds)
        population.old_age_ratio(ds)
    if ds.has("utbud") and ds.has("befolkning") and ds.has("befolkning_alder"):
        ModelInputs.from_dataset(ds)
    if ds.has("tillganglighet") and ds.has("indikatorer"):
        for kpi in access.indicators(ds)["kpi_id"]:
            for area in ACCESS_AREAS:
                access.latest(ds, kpi, area)


def _diff(ds: Dataset, name: str, new: pd.DataFrame) -> tuple[pd.DataFrame, int, int, tuple[str, ...], list[str]]:
    shape = _SHAPES[name]
    old = current_frame(ds, name)
    vals_new = [c for c in new.columns if c not in shape.id_cols]
    _, key_text = _labeler(ds, shape, new, list(range(len(new))))
    new_rows = {tuple(str(x) for x in r[list(shape.key)]): r for _, r in new.iterrows()}
    old_rows = {} if old is None else {tuple(str(x) for x in r[list(shape.key)]): r for _, r in old.iterrows()}
    vals_old = [] if old is None else [c for c in old.columns if c not in shape.id_cols]
    added_cols = tuple(c for c in vals_new if old is not None and c not in vals_old)
    records, added_rows, big = [], 0, []
    for k, r in new_rows.items():
        o = old_rows.get(k)
        if o is None:
            added_rows += 1
        for c in vals_new:
            nv = _float(r[c])
            ov = _float(o[c]) if o is not None and c in o.index else math.nan
            if (math.isnan(nv) and math.isnan(ov)) or nv == ov:
                continue
            records.append({"rad": key_text(k), "kolumn": c, "tidigare": ov, "nytt": nv})
            if not math.isnan(ov) and not math.isnan(nv) and ov != 0 and abs(nv - ov) > PLAUSIBLE_CHANGE * abs(ov):
                big.append(f"{key_text(k)} {c}: {_num(ov)} → {_num(nv)}")
    notices = []
    if big:
        notices.append(
            f"{fmt.number(len(big))} värden skiljer sig mer än {round(PLAUSIBLE_CHANGE * 100)}\u00a0% från de data som "
            f"används nu, t.ex. {'; '.join(big[:3])}. Kontrollera att det stämmer."
        )
    diff = pd.DataFrame(records, columns=["rad", "kolumn", "tidigare", "nytt"])
    return diff, len(records), added_rows, added_cols, notices


def _float(x: Any) -> float:
    try:
        return math.nan if pd.isna(x) else float(x)
    except (TypeError, ValueError):
        return math.nan


def check_import(
    ds_or_data_dir: Dataset | Path | str | None,
    table_name: str,
    raw: bytes,
    filename: str,
    *,
    overrides: Mapping[str, bytes] | None = None,
) -> ImportReport:
    """Check a user's file as a replacement for ``table_name``; never raises for a bad file.

    ``ds_or_data_dir`` is the dataset in use (with the session's other imports) or a
    data directory to load it from (``overrides`` then applies the session's other
    imports). Raises :class:`DataError` only when that directory's manifest is broken.
    """
    file = safe_filename(filename)
    table = str(table_name)
    if table not in IMPORTABLE:
        choices = ", ".join(f"{spec.title_sv} ({n})" for n, spec in IMPORTABLE.items())
        return _fail(table, file, [f"tabellen {_show(table)} kan inte laddas in här; välj en av: {choices}"])
    ds = ds_or_data_dir if isinstance(ds_or_data_dir, Dataset) else load_dataset(ds_or_data_dir, overrides=overrides)
    try:
        return _check(ds, table, raw, file)
    except DataError as e:
        return _fail(table, file, [e.problem_sv])
    except Exception as e:  # noqa: BLE001 - a bug must not become a traceback in the UI
        _log.exception("check_import(%s, %s) failed unexpectedly", table, file)
        return _fail(
            table,
            file,
            ["filen kunde inte kontrolleras på grund av ett oväntat fel; kontrollera att den följer mallen"],
            unexpected=f"{type(e).__name__}: {e}",
        )


def _check(ds: Dataset, table: str, raw: bytes, file: str) -> ImportReport:
    p = _parse(raw, file)
    notices = list(p.notices)
    problems, pre_notices = _precheck(ds, table, p)
    notices += pre_notices
    if problems:
        return _fail(table, file, problems, notices)
    df, conv_notices = _convert(p)
    notices += conv_notices
    validated, problems = _validate(table, df, p, ds)
    if validated is None:
        return _fail(table, file, problems, notices)

    # The loader's cross-table rules, with the new table in place of the current one.
    raw_tables = _raw_tables(ds)
    raw_tables[table] = validated
    trial = Dataset(ds.region, ds.sources, ds.info, tables={**ds.tables, table: _post_process(table, validated)})
    _check_consistency(trial, raw_tables)
    if table in trial.problems:
        return _fail(table, file, [trial.problems[table].problem_sv], notices)
    for other, err in trial.problems.items():
        if ds.has(other):
            title = IMPORTABLE[other].title_sv if other in IMPORTABLE else ds.info[other].title
            notices.append(
                f"Med den nya filen stämmer tabellen ”{title}” inte längre ({err.problem_sv}); den kan inte visas "
                "förrän du laddar in en uppdaterad fil även för den."
            )
    try:
        _smoke(trial)
    except (DataError, ValueError, KeyError, IndexError, TypeError, ZeroDivisionError) as e:
        detail = getattr(e, "problem_sv", None) or "uppgifter som sidorna behöver saknas eller är felaktiga"
        return _fail(table, file, [f"sidorna kan inte räknas fram med den nya filen ({detail})"], notices)

    diff, changed, added_rows, added_cols, diff_notices = _diff(ds, table, validated)
    notices += diff_notices
    if table == "tillganglighet" and ds.has("indikatorer"):
        unknown = sorted(set(validated["kpi_id"]) - set(ds.table("indikatorer")["kpi_id"]))
        if unknown:
            notices.append(
                f"Indikatorerna {', '.join(_show(u).strip('«»') for u in unknown[:5])} saknas i indikatortabellen och visas inte."
            )
    return ImportReport(
        True,
        table,
        file,
        (),
        tuple(notices),
        preview=validated,
        diff=diff,
        changed_values=changed,
        added_rows=added_rows,
        added_columns=added_cols,
    )


# ------------------------------------------------------------------ display helpers


def _decimals(table: str) -> int:
    return 1 if table in _SHAPES and not _SHAPES[table].integer else 0


def preview_display(report: ImportReport) -> pd.DataFrame:
    """The validated file as strings in Swedish number format."""
    if report.preview is None:
        return pd.DataFrame()
    d = _decimals(report.table)
    out = report.preview.copy()
    for c in out.columns:
        if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map(lambda v: fmt.number(v, d, missing=""))
        else:
            out[c] = out[c].map(lambda v: "" if pd.isna(v) else str(v))
    return out


def diff_display(report: ImportReport, limit: int = 500) -> pd.DataFrame:
    """The differences as a Swedish table (at most ``limit`` rows)."""
    cols = ["Rad", "Kolumn", "Nu", "I filen", "Förändring"]
    if report.diff is None or report.diff.empty:
        return pd.DataFrame(columns=cols)
    d = _decimals(report.table)
    t = report.diff.head(limit)
    change = t["nytt"] - t["tidigare"]
    return pd.DataFrame(
        {
            "Rad": t["rad"],
            "Kolumn": t["kolumn"],
            "Nu": t["tidigare"].map(lambda v: fmt.number(v, d)),
            "I filen": t["nytt"].map(lambda v: fmt.number(v, d)),
            "Förändring": change.map(lambda v: fmt.number(v, d, signed=True)),
        }
    )
