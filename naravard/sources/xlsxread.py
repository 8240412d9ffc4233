"""Reading a user's Excel workbook (.xlsx) into the same text table as a CSV.

A planner edits the downloaded template in Excel and saves it as a workbook. This
module turns the workbook into the rows of text cells that :mod:`.csvread` makes of
a CSV (:func:`naravard.sources.csvread.rows_to_parsed`), so every later rule – the
header, the numbers, the checks against the data in use – is the same for both.

What is read, and why:

* the sheet named like the table (``befolkning`` or the manifest's file name
  ``befolkning_total``), else the first sheet, so a workbook with a notes sheet works;
* number cells as their exact value (Excel stores numbers without locale, whatever
  Swedish format they show), percent-formatted cells as percent (``0,898`` shown as
  ``89,8 %`` is 89.8), text cells as text that the CSV rules then read (``86,1``,
  ``343 000``);
* title rows above the header (one filled cell) are skipped with a notice.

What is refused with a Swedish message naming the cell: formulas (the value a formula
shows is not stored reliably, and a template's figures are values), dates (a figure
Excel turned into a date is no longer the figure), error values (``#REF!``).

Safety: the raw bytes are checked as a zip first (entries, total uncompressed size,
compression ratio, no XML DTDs or entities) before openpyxl sees them, so a zip bomb
or an XML entity bomb costs nothing; rows and columns are capped while reading, so a
sheet whose dimension claims a million rows cannot exhaust memory; reading stops at
:data:`~naravard.sources.csvread.MAX_CELLS` cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from naravard import fmt
from naravard.errors import DataError
from naravard.sources.csvread import MAX_BYTES, MAX_CELLS, MAX_COLUMNS, MAX_MB, MAX_ROWS, Parsed, cells_error, col_name, rows_to_parsed, show

#: Magic bytes of a zip archive (an .xlsx is one).
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MAX_UNCOMPRESSED = 20 * 1024 * 1024  # all entries together; a 10 000-row table is ~2 MB of XML
MAX_ENTRIES = 200
MAX_RATIO = 100  # uncompressed / compressed per entry above 1 MB (text XML compresses ~10–20×)
MAX_SHEETS = 50

_SAVE = "Spara tabellen i Excel som Excel-arbetsbok (.xlsx) eller som CSV UTF-8 och ladda upp den filen."
_INVISIBLE = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD])
# A DTD (and so any entity) in any encoding expat reads; Excel never writes one.
_DTD_MARKS = tuple(t.encode(e) for t in ("<!DOCTYPE", "<!ENTITY") for e in ("utf-8", "utf-16-le", "utf-16-be"))
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_zip(raw: bytes) -> bool:
    """True if the bytes start like a zip archive (an .xlsx workbook is one)."""
    return bytes(raw[:4]) in ZIP_MAGIC


def _refuse(file: str, en: str, sv: str) -> DataError:
    return DataError(file, en, sv)


def check_zip(raw: bytes, file: str) -> None:
    """Refuse what is not a small, honest xlsx zip before any XML is parsed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _refuse(file, "not a readable zip/xlsx file", f"filen ser ut som en zip-fil eller Excel-arbetsbok men är skadad och kan inte öppnas. {_SAVE}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _refuse(file, f"{len(infos)} zip entries", f"filen innehåller {fmt.number(len(infos))} delar, fler än en tabell behöver (högst {MAX_ENTRIES}). {_SAVE}")
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise _refuse(file, "a zip file without xl/workbook.xml", f"filen är en zip-fil men ingen Excel-arbetsbok (.xlsx). {_SAVE}")
        total = 0
        for i in infos:
            if i.flag_bits & 0x1:
                raise _refuse(file, "encrypted zip entry", f"arbetsboken är krypterad eller lösenordsskyddad. {_SAVE}")
            total += i.file_size
            if i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise _refuse(file, f"entry {i.filename!r} expands {i.file_size} bytes from {i.compress_size}", f"arbetsboken packas upp till orimligt mycket data (en så kallad zip-bomb) och läses inte. {_SAVE}")
        if total > MAX_UNCOMPRESSED:
            size = fmt.number(total / 1024 / 1024, 1)
            raise _refuse(file, f"uncompressed size {total} bytes", f"arbetsboken packas upp till {size}\u00a0MB, mer än gränsen {MAX_UNCOMPRESSED // (1024 * 1024)}\u00a0MB. Tabellerna här är små; kontrollera att det är rätt fil.")
        for i in infos:
            if not i.filename.endswith((".xml", ".rels")):
                continue
            try:
                head = zf.open(i).read(MAX_UNCOMPRESSED)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
                raise _refuse(file, f"entry {i.filename!r} unreadable", f"en del av arbetsboken är skadad och kan inte läsas. {_SAVE}") from None
            if any(m in head for m in _DTD_MARKS):
                raise _refuse(file, f"entry {i.filename!r} has a DTD", f"arbetsboken innehåller XML-konstruktioner som Excel aldrig skriver (DTD) och läses inte. {_SAVE}")


def _pick_sheet(names: list[str], prefer: Sequence[str]) -> str:
    def norm(s: str) -> str:
        return re.sub(r"[\s\-]+", "_", s.strip().casefold())

    wanted = [norm(p) for p in prefer if p]
    for w in wanted:
        for n in names:
            if norm(n) == w:
                return n
    return names[0]


def _cell_text(cell, at, file: str) -> str:
    """One cell → the text the CSV rules read; raise for formulas, dates, errors.

    ``at()`` gives the cell's Excel name (``C5``), only built for a message.
    """
    v = cell.value
    if v is None:
        return ""
    kind = getattr(cell, "data_type", "n")
    if kind == "f" or (isinstance(v, str) and kind != "s" and v.startswith("=")):
        raise _refuse(file, f"formula in cell {at()}", f"cell {at()} innehåller en formel. Spara värdena i stället för formlerna (kopiera och klistra in som värden) och ladda upp filen igen.")
    if kind == "e":
        raise _refuse(file, f"error value in cell {at()}", f"cell {at()} innehåller ett felvärde ({show(v, 12)}) i stället för ett tal.")
    if isinstance(v, (datetime, date, time, timedelta)) or kind == "d":
        raise _refuse(file, f"date in cell {at()}", f"cell {at()} är ett datum eller en tid, inte ett tal eller en text. Excel kan ha gjort om talet till ett datum; formatera cellen som tal och skriv in värdet igen.")
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        x = float(v)
        if "%" in str(getattr(cell, "number_format", "") or ""):
            x = round(x * 100, 10)
        if x != x or x in (float("inf"), float("-inf")):
            return str(v)
        if x.is_integer() and abs(x) < 1e15:
            return str(int(x))
        text = repr(x)
        if "e" in text:
            text = format(x, ".12f").rstrip("0").rstrip(".")
        return text
    s = str(v).translate(_INVISIBLE).strip()
    if _CONTROL.search(s):
        raise _refuse(file, f"control character in cell {at()}", f"cell {at()} innehåller tecken som inte hör hemma i en tabell (styrtecken).")
    return s


def parse_xlsx(raw: bytes, file: str, prefer: Sequence[str] = ()) -> Parsed:
    """An .xlsx workbook's table sheet → :class:`Parsed`, with Swedish notices.

    ``prefer`` are sheet names to look for (the table's name, its file name); else the
    first sheet is read. Raises :class:`DataError` (Swedish message) for anything that
    is not a readable, safe workbook with a table of values.
    """
    raw = bytes(raw)
    if len(raw) > MAX_BYTES:
        size = fmt.number(len(raw) / 1024 / 1024, 1)
        raise _refuse(file, f"the file is {len(raw)} bytes, the limit is {MAX_BYTES}", f"filen är {size}\u00a0MB, större än gränsen {MAX_MB}\u00a0MB. Tabellerna här är små; kontrollera att det är rätt fil.")
    check_zip(raw, file)
    import openpyxl  # only when a workbook arrives: the app's start stays light

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a malformed workbook
        raise _refuse(file, "openpyxl could not open the workbook", f"arbetsboken kunde inte läsas (den är skadad eller inte sparad av ett kalkylprogram). {_SAVE}") from None
    try:
        return _read_sheet(wb, file, prefer)
    except DataError:
        raise
    except Exception:  # noqa: BLE001 - a malformed sheet must become a message, never a traceback
        raise _refuse(file, "the worksheet could not be parsed", f"bladet i arbetsboken kunde inte läsas (det är skadat). {_SAVE}") from None
    finally:
        wb.close()


def _read_sheet(wb, file: str, prefer: Sequence[str]) -> Parsed:
    names = list(wb.sheetnames)
    if not names:
        raise _refuse(file, "no sheets", "arbetsboken har inga blad.")
    if len(names) > MAX_SHEETS:
        raise _refuse(file, f"{len(names)} sheets", f"arbetsboken har {fmt.number(len(names))} blad, fler än gränsen {MAX_SHEETS}. Spara tabellen i en arbetsbok med ett blad.")
    name = _pick_sheet(names, prefer)
    ws = wb[name]
    if not hasattr(ws, "iter_rows"):
        raise _refuse(file, f"sheet {name!r} is not a worksheet", f"bladet {show(name)} är inget kalkylblad (kanske ett diagram). {_SAVE}")
    notices: list[str] = []
    if len(names) > 1:
        notices.append(f"Arbetsboken har {len(names)} blad; bladet {col_name(name)} lästes.")
    ws.reset_dimensions()  # never trust the stored dimension (it may claim a million rows)
    from openpyxl.utils import get_column_letter

    rows: list[list[str]] = []
    line_nos: list[int] = []
    skipped = titles = pending = n_cells = 0
    for r, cells in enumerate(ws.iter_rows(max_col=MAX_COLUMNS + 1), start=1):
        if r > MAX_ROWS + 1000:
            raise _refuse(file, f"more than {MAX_ROWS + 1000} rows", f"bladet har fler än {fmt.number(MAX_ROWS)} rader, gränsen för en tabell här.")
        texts = ["" if c.value is None else _cell_text(c, lambda i=i: f"{get_column_letter(i)}{r}", file) for i, c in enumerate(cells, start=1)]
        if len(texts) > MAX_COLUMNS and texts[MAX_COLUMNS]:
            raise _refuse(file, f"more than {MAX_COLUMNS} columns", f"bladet har fler än {MAX_COLUMNS} kolumner, gränsen för en tabell här.")
        texts = texts[:MAX_COLUMNS]
        while texts and texts[-1] == "":
            texts.pop()
        if not texts:
            pending += bool(rows)  # counted only if a row with values follows
            continue
        if not rows and sum(1 for t in texts if t) < 2:
            titles += 1  # a title above the header row
            continue
        rows.append(texts)
        line_nos.append(r)
        skipped, pending = skipped + pending, 0
        if len(rows) > 1:
            n_cells += len(texts)
            if n_cells > MAX_CELLS:  # stop reading: the sheet's true size is not needed to refuse it
                raise cells_error(file, len(rows) - 1, len(rows[0]), at_least=True)
        if len(rows) > MAX_ROWS + 1:
            raise _refuse(file, f"more than {MAX_ROWS} rows", f"bladet har fler än {fmt.number(MAX_ROWS)} datarader, gränsen för en tabell här.")
    if not rows:
        raise _refuse(file, "the sheet has no table", f"bladet {show(name)} har ingen tabell (ingen rad med minst två ifyllda celler).")
    if titles:
        notices.append(f"{titles} rad(er) ovanför rubrikraden (t.ex. en rubrik) hoppades över.")
    if skipped:
        notices.append(f"{skipped} tomma rader hoppades över.")
    width = len(rows[0])
    for t in rows:  # empty cells at a row's end are not stored in a sheet
        if len(t) < width:
            t.extend([""] * (width - len(t)))
    return rows_to_parsed(rows, line_nos, file, notices)
