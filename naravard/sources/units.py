"""The unit register: every vårdcentral and filial of the region, imported by a planner.

No complete public register with coordinates and listings exists; the region's planners
keep their own and import it here as CSV or .xlsx in Swedish formats (the template from
:func:`template_csv_bytes` / :func:`template_xlsx_bytes`). :func:`read_register` reads the
bytes through the same lenient reader as every other user table
(:mod:`naravard.sources.userfile`), validates every row and returns a
:class:`RegisterReport`: the *supply* frame of :mod:`naravard.sources.geoframes`, or None
with Swedish problems that name the row as the user sees it (file line or sheet row).
It never raises for bad content, so a page can always show what was wrong.

The template's columns (Swedish, as a planner's spreadsheet has them):

* ``id`` — HSA-id or own id (:data:`~naravard.sources.geoframes.ID_PATTERN`), unique;
* ``namn``; ``typ`` — ``vårdcentral`` or ``filial``; ``huvudenhet`` — a filial's main
  unit (the id of a vårdcentral in the same file), empty for a vårdcentral;
* ``kommunkod`` — of the region; ``driftform`` — ``regional`` or ``privat`` (optional);
* ``lat``/``lon`` (WGS84 degrees) **or** ``x``/``y`` (SWEREF 99 TM metres): which pair is
  filled says which system the row uses, row by row;
* ``listade`` — listed patients (empty if unknown); ``listningsdatum`` — ``ÅÅÅÅ-MM-DD``
  or ``ÅÅÅÅ-MM``; ``källa``.

Points are checked against the region's kommun polygons (:class:`RegionShape`, from the
data dir's embedded boundaries): a point inside the region, or at most
:data:`COAST_TOLERANCE_M` outside it in the sea (the polygons are generalised, so a
harbour-side unit may fall just outside), or in one of the region's populated 1 km
squares (islands lie up to 3,2 km outside the polygons), is accepted; a point in another
region's kommun or farther out is refused. A point whose polygon is another of the region's
kommuner than its ``kommunkod`` says is a notice (the stated code is kept: a unit near a
border may serve the other kommun's residents).

The OpenStreetMap example (manifest ``[examples.enheter]``) is loaded by
:func:`load_example` with a label that says it is incomplete: how many units it has of
how many the supply table counts (the VC and filialer of ``utbud``), both from the data.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from naravard import fmt
from naravard.errors import DataError
from naravard.sources import geoframes as gf
from naravard.sources.csvread import limit_messages, parse_number, safe_filename, show
from naravard.sources.dataset import DEFAULT_DATA_DIR, MANIFEST_NAME
from naravard.sources.grid import GridError, load_grid, region_codes
from naravard.sources.userfile import parse_user_file
from naravard.sources.xlsxread import _check_zip, is_zip

#: Units a register may hold. A region has tens of units; a country about 1 200.
MAX_UNITS = 5_000
#: How far outside the region's (generalised) polygons a point may lie, in the sea.
COAST_TOLERANCE_M = 3_000.0
#: Listed patients per unit above this are refused as implausible (the largest
#: vårdcentraler list about 30 000).
MAX_LISTED = 200_000
MAX_NAME_CHARS = 100
MAX_SOURCE_CHARS = 200
#: Sheet names looked for in a workbook, before its first sheet.
SHEET_NAMES = ("enheter", "register")
#: The manifest section of the example register.
EXAMPLE_SECTION = "enheter"
#: Row of :func:`register_check` that holds the region's totals.
REGION_ROW = "region"

# Column names of the template, in order.
ID, NAME, TYPE, MAIN, KOMMUN, OPERATOR = "id", "namn", "typ", "huvudenhet", "kommunkod", "driftform"
LAT, LON, X, Y, LISTED, LISTED_DATE, SOURCE = "lat", "lon", "x", "y", "listade", "listningsdatum", "källa"
TEMPLATE_COLUMNS = (ID, NAME, TYPE, MAIN, KOMMUN, OPERATOR, LAT, LON, X, Y, LISTED, LISTED_DATE, SOURCE)
REQUIRED = (ID, NAME, TYPE, KOMMUN)
# Header spellings a planner's file may use for the template's columns.
_ALIASES = {
    "kalla": SOURCE, "hsa-id": ID, "hsaid": ID, "hsa_id": ID, "enhet": NAME,
    "namn": NAME, "kommun_kod": KOMMUN, "kommunkod": KOMMUN, "listade patienter": LISTED, "antal listade": LISTED,
    "latitud": LAT, "longitud": LON, "sweref_x": X, "sweref_y": Y, "x_sweref99tm": X, "y_sweref99tm": Y,
    "datum": LISTED_DATE, "typ av enhet": TYPE,
}
_TYPES = {
    "vårdcentral": gf.TYPE_VC, "vardcentral": gf.TYPE_VC, "vc": gf.TYPE_VC, "vårdcentralen": gf.TYPE_VC,
    "filial": gf.TYPE_FILIAL, "filialen": gf.TYPE_FILIAL,
}
_OPERATORS = {
    "": "", "regional": "regional", "region": "regional", "regionen": "regional", "offentlig": "regional",
    "privat": "privat", "privat driven": "privat", "privatdriven": "privat",
}
_DATE = re.compile(r"(?:19|20)\d{2}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?")
_ID = re.compile(gf.ID_PATTERN)
# Sweden, generous (WGS84 degrees and SWEREF 99 TM metres).
_LAT, _LON = (55.0, 69.5), (10.5, 24.5)
_SWEREF_X, _SWEREF_Y = (180_000.0, 1_000_000.0), (6_050_000.0, 7_750_000.0)
_TWO_SYSTEMS_M = 100.0  # lat/lon and x/y both filled must agree within this


# ------------------------------------------------------------------ region shape


@dataclass(frozen=True, eq=False)
class RegionShape:
    """The region's kommun polygons and its neighbours', in SWEREF 99 TM (EPSG:3006).

    ``kommuner``: one row per kommun of the region (``kommunkod``, ``geometry``);
    ``others``: the kommuner of other regions near it (to tell a point in a neighbour's
    kommun from one in the sea); ``squares``: the ids of the region's populated 1 km
    squares (the data dir's grid, if any). A point in one of those squares is in the
    region wherever the generalised polygons end: islands and skerries with residents
    lie up to 3,2 km outside them (the grid's coastal squares), and a unit there serves
    them.
    """

    kommuner: Any  # geopandas.GeoDataFrame
    others: Any  # geopandas.GeoDataFrame
    squares: frozenset[str] = frozenset()


def load_region_shape(lanskod: str, data_dir: Path | str | None = None) -> RegionShape | None:
    """The region shape from the data dir's embedded boundaries (all kommuner of the
    country), or None if the data dir has none or it cannot be read (then points are
    checked against Sweden's box only, and the report says so)."""
    from naravard.sources.boundaries import embedded_info

    d = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    info = embedded_info(d)
    if info is None:
        return None
    import geopandas as gpd

    try:
        g = gpd.read_file(d / info.file, engine="pyogrio")
        g = (g.set_crs(gf.CRS_LONLAT) if g.crs is None else g).to_crs(gf.CRS_METRIC)
    except Exception:  # noqa: BLE001 - no shape: the register is checked without it
        return None
    code_col = "kommunkod" if "kommunkod" in g.columns else None
    if code_col is None:
        return None
    g = g.assign(kommunkod=g[code_col].astype(str).str.zfill(4))[["kommunkod", "geometry"]]
    mine = g[g["kommunkod"].str.startswith(str(lanskod))].reset_index(drop=True)
    if mine.empty:
        return None
    minx, miny, maxx, maxy = mine.total_bounds
    pad = 20_000
    others = g[~g["kommunkod"].str.startswith(str(lanskod))].cx[minx - pad:maxx + pad, miny - pad:maxy + pad]
    try:
        squares = frozenset(load_grid(d)[gf.DEMAND_ID])
    except GridError:  # the grid is optional: the polygons and the tolerance still apply
        squares = frozenset()
    return RegionShape(mine, others.reset_index(drop=True), squares)


def square_id(x: float, y: float) -> str:
    """SCB's 13-digit id of the 1 km square that holds a SWEREF 99 TM point."""
    return f"{int(x // 1000) * 1000:06d}{int(y // 1000) * 1000:07d}"


# ------------------------------------------------------------------ report


@dataclass(frozen=True, eq=False)
class RegisterReport:
    """What :func:`read_register` found.

    ``frame`` is the supply frame (None when any problem was found: a register is used
    whole or not at all); ``problems`` and ``notices`` are Swedish sentences, the
    problems naming the row as the user sees it; ``source_label`` names the register
    for a Källa line ("Eget register: enheter.xlsx"); ``rows`` is the number of data
    rows read.
    """

    filename: str
    frame: pd.DataFrame | None
    problems: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    source_label: str = ""
    rows: int = 0

    @property
    def ok(self) -> bool:
        return self.frame is not None and not self.problems

    @property
    def message_sv(self) -> str:
        """One Swedish paragraph: what was read, or why nothing was."""
        if self.ok:
            n = len(self.frame)  # type: ignore[arg-type]
            return f"Filen {self.filename} lästes: {fmt.number(n)} enheter."
        return f"Filen {self.filename} kunde inte användas: " + " ".join(self.problems)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "…", "!", "?")) else text + "."


def _refused(file: str, problems: Iterable[str], notices: Iterable[str] = (), rows: int = 0) -> RegisterReport:
    return RegisterReport(file, None, tuple(limit_messages([_sentence(p) for p in problems])), tuple(notices), "", rows)


# ------------------------------------------------------------------ reading


def _merged_header_cells(raw: bytes, file: str, first_data_row: int | None) -> str | None:
    """The first merged range at or above the first data row of the table's sheet, as
    Excel names it (``A1:C1``), or None. openpyxl's read-only mode does not expose
    merged cells, so the sheet XML is read for its ``<mergeCell ref=…>`` entries (the
    zip has passed the xlsx reader's safety checks by then)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            book = zf.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            sheets = re.findall(r'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', book)
            targets = dict(re.findall(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"', rels))
            targets.update({i: t for t, i in re.findall(r'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"', rels)})
            if not sheets:
                return None
            names = [s[0] for s in sheets]
            wanted = next((n for w in SHEET_NAMES for n in names if n.strip().casefold() == w), names[0])
            rid = dict(sheets)[wanted]
            target = targets.get(rid, "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            xml = zf.read(path).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None
    for ref in re.findall(r'<(?:\w+:)?mergeCell\b[^>]*?ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"', xml):
        top = int(re.search(r"\d+", ref).group())  # type: ignore[union-attr]
        if first_data_row is None or top < first_data_row:
            return ref
    return None


def _date_cell_column(raw: bytes, message_en: str) -> str | None:
    """The template column of the cell the xlsx reader refused as a date, or None.

    The reader refuses every date cell (a figure Excel turned into a date is no longer
    the figure); in a register the listing date is the one column where Excel does
    that to a typed value, so the message can say what to do there."""
    m = re.search(r"date in cell ([A-Z]+)(\d+)", message_en)
    if not m:
        return None
    import openpyxl
    from openpyxl.utils import column_index_from_string

    col = column_index_from_string(m.group(1))
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
        try:
            names = wb.sheetnames
            ws = wb[next((n for w in SHEET_NAMES for n in names if n.strip().casefold() == w), names[0])]
            for r, row in enumerate(ws.iter_rows(max_row=min(int(m.group(2)), 50), max_col=60, values_only=True), 1):
                if sum(v is not None for v in row) >= 2:  # the header row
                    head = row[col - 1] if col <= len(row) else None
                    return _canon_header(str(head)) if isinstance(head, str) else None
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - only a better message is at stake
        return None
    return None


def _merged_refusal(ref: str) -> str:
    return (f"Rubrikraden (eller en rad ovanför den) har sammanfogade celler ({show(ref, 20)}). Registret läses "
            "kolumn för kolumn och varje kolumn behöver ett eget namn i en enda rubrikrad: dela upp de "
            "sammanfogade cellerna (Excel: Start → Sammanfoga och centrera → Dela upp celler) och ladda upp "
            "filen igen.")


def _canon_header(h: str) -> str:
    h = h.strip().casefold()
    return _ALIASES.get(h, h)


def _cell_number(text: str) -> tuple[float | None, bool]:
    """(value, ok): empty → (None, True); a Swedish or English number → (value, True); text → (None, False)."""
    if text == "":
        return None, True
    x = parse_number(text)
    if x is None:
        return None, False
    return x[0], True


def read_register(raw: bytes, filename: str, *, region_codes: Iterable[str],
                  region_shape: RegionShape | None = None) -> RegisterReport:
    """Read and validate a unit register (CSV or .xlsx bytes); never raises for bad content.

    ``region_codes`` are the region's kommun codes; ``region_shape`` its polygons
    (:func:`load_region_shape`; None: points are checked against Sweden's box only).
    """
    file = safe_filename(filename)
    codes = [str(c) for c in region_codes]
    if isinstance(raw, (bytearray, memoryview)):
        raw = bytes(raw)
    workbook = isinstance(raw, bytes) and is_zip(raw)
    if workbook:
        try:
            _check_zip(raw, file)  # before the merged-cell scan reads any XML
        except DataError as e:
            return _refused(file, [e.problem_sv])
    try:
        parsed = parse_user_file(raw, file, SHEET_NAMES)
    except DataError as e:
        ref = _merged_header_cells(raw, file, None) if workbook else None
        if ref:
            return _refused(file, [_merged_refusal(ref), e.problem_sv])
        date_col = _date_cell_column(raw, str(e)) if workbook else None
        if date_col == LISTED_DATE:
            cell = re.search(r"date in cell ([A-Z]+\d+)", str(e)).group(1)  # type: ignore[union-attr]
            return _refused(file, [f"Cell {cell} ({LISTED_DATE}) är sparad som ett datum i Excel. Formatera kolumnen "
                                   "som text och skriv datumet som ÅÅÅÅ-MM-DD (mallen har kolumnen formaterad så), "
                                   "eller spara filen som CSV."])
        return _refused(file, [e.problem_sv])
    notices = list(parsed.notices)
    if workbook:
        ref = _merged_header_cells(raw, file, parsed.lines[0] if parsed.lines else None)
        if ref is not None:
            return _refused(file, [_merged_refusal(ref)], notices)
    frame = parsed.frame
    lines = list(parsed.lines)
    n = len(frame)
    if n > MAX_UNITS:
        return _refused(file, [f"Filen har {fmt.number(n)} rader med enheter, fler än gränsen {fmt.number(MAX_UNITS)} "
                               "enheter för ett register. Kontrollera att det är rätt fil (ett register har en rad "
                               "per vårdcentral eller filial)."], notices, n)

    # Headers: the template's names and a few aliases.
    rename: dict[str, str] = {}
    problems: list[str] = []
    for c in frame.columns:
        canon = _canon_header(str(c))
        if canon in rename.values():
            problems.append(f"Kolumnen {show(canon)} finns mer än en gång (som {show(c)}).")
        rename[c] = canon
    frame = frame.rename(columns=rename)
    unknown = [c for c in frame.columns if c not in TEMPLATE_COLUMNS]
    if unknown:
        notices.append("Kolumner som inte används: " + ", ".join(show(c) for c in unknown[:8]) + ".")
    missing = [c for c in REQUIRED if c not in frame.columns]
    has_ll = LAT in frame.columns and LON in frame.columns
    has_xy = X in frame.columns and Y in frame.columns
    if missing:
        problems.append("Kolumner saknas: " + ", ".join(f"`{c}`" for c in missing)
                        + f". Registret behöver kolumnerna {', '.join(TEMPLATE_COLUMNS)}; ladda ner mallen.")
    if not (has_ll or has_xy):
        problems.append("Koordinaterna saknas: filen behöver kolumnerna `lat` och `lon` (WGS84, grader) eller "
                        "`x` och `y` (SWEREF 99 TM, meter).")
    if problems:
        return _refused(file, problems, notices, n)

    def col(name: str) -> list[str]:
        return [str(v) for v in frame[name]] if name in frame.columns else [""] * n

    ids, names, types, mains = col(ID), col(NAME), col(TYPE), col(MAIN)
    kommuner, operators, lats, lons = col(KOMMUN), col(OPERATOR), col(LAT), col(LON)
    xs_t, ys_t, listed_t, dates, sources = col(X), col(Y), col(LISTED), col(LISTED_DATE), col(SOURCE)

    out_type: list[str] = [""] * n
    out_op: list[str] = [""] * n
    out_kommun: list[str] = [""] * n
    out_x = np.full(n, np.nan)
    out_y = np.full(n, np.nan)
    wgs = np.zeros(n, dtype=bool)
    lat_v = np.full(n, np.nan)
    lon_v = np.full(n, np.nan)
    out_listed = np.full(n, np.nan)
    seen: dict[str, int] = {}

    for i in range(n):
        row = f"Rad {lines[i]}"
        uid = ids[i]
        if uid == "":
            problems.append(f"{row}: id saknas (varje enhet behöver ett eget id, t.ex. HSA-id).")
        elif not _ID.fullmatch(uid):
            problems.append(f"{row}: id {show(uid, 40)} går inte att använda; ett id får bara innehålla bokstäverna "
                            "A–Z, siffror och tecknen - _ . (högst 40 tecken), inga mellanslag eller å, ä, ö.")
        elif uid in seen:
            problems.append(f"{row}: id {show(uid, 40)} finns redan på rad {lines[seen[uid]]}; varje enhet behöver "
                            "ett eget id.")
        else:
            seen[uid] = i
        name = names[i]
        if name == "":
            problems.append(f"{row}: namn saknas.")
        elif len(name) > MAX_NAME_CHARS:
            problems.append(f"{row}: namnet är {len(name)} tecken, högst {MAX_NAME_CHARS} tecken går.")
        else:
            problems.extend(_text_problems(row, "namn", name))
        t = _TYPES.get(types[i].strip().casefold())
        if t is None:
            problems.append(f"{row}: typ {show(types[i])} är okänd; skriv vårdcentral eller filial.")
        else:
            out_type[i] = t
        code = kommuner[i].strip()
        if re.fullmatch(r"\d{3}", code):
            code = "0" + code  # a spreadsheet dropped the leading zero
        if code == "":
            problems.append(f"{row}: kommunkod saknas (fyra siffror, t.ex. {codes[0] if codes else '0000'}).")
        elif code not in codes:
            problems.append(f"{row}: kommunkod {show(kommuner[i])} är inte en kommun i regionen "
                            f"(kända koder: {', '.join(codes)}).")
        else:
            out_kommun[i] = code
        op = _OPERATORS.get(operators[i].strip().casefold())
        if op is None:
            problems.append(f"{row}: driftform {show(operators[i])} är okänd; skriv regional eller privat, "
                            "eller lämna tomt.")
        else:
            out_op[i] = op
        problems.extend(_coordinate_problems(i, row, lats, lons, xs_t, ys_t, has_ll, has_xy, lat_v, lon_v, out_x,
                                             out_y, wgs))
        v, ok = _cell_number(listed_t[i])
        if not ok:
            problems.append(f"{row}: listade {show(listed_t[i])} är inte ett tal (lämna tomt om antalet är okänt).")
        elif v is not None:
            if v < 0:
                problems.append(f"{row}: listade är negativt ({fmt.number(v)}); antalet listade kan inte vara "
                                "mindre än 0.")
            elif not float(v).is_integer():
                problems.append(f"{row}: listade {show(listed_t[i])} är inte ett heltal.")
            elif v > MAX_LISTED:
                problems.append(f"{row}: listade {fmt.number(v)} är orimligt många för en enhet "
                                f"(högst {fmt.number(MAX_LISTED)}).")
            else:
                out_listed[i] = v
        if dates[i] and not _DATE.fullmatch(dates[i]):
            problems.append(f"{row}: listningsdatum {show(dates[i])} ska skrivas ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM "
                            "(t.ex. 2025-11-30).")
        src = sources[i]
        if len(src) > MAX_SOURCE_CHARS:
            problems.append(f"{row}: källa är {len(src)} tecken, högst {MAX_SOURCE_CHARS} tecken går.")
        else:
            problems.extend(_text_problems(row, "källa", src))
        if len(problems) > 200:  # enough to show; the rest is the same kind
            break

    # Main units: a filial names a vårdcentral of the same file.
    for i in range(n):
        row = f"Rad {lines[i]}"
        main = mains[i]
        if out_type[i] == gf.TYPE_FILIAL:
            if main == "":
                problems.append(f"{row}: filialen {show(names[i])} saknar huvudenhet; skriv id:t för den "
                                "vårdcentral som filialen hör till.")
            elif main not in seen:
                problems.append(f"{row}: huvudenheten {show(main, 40)} finns inte i filen; den ska vara id:t för en "
                                "vårdcentral i registret.")
            elif main == ids[i]:
                problems.append(f"{row}: filialen anger sig själv som huvudenhet.")
            elif out_type[seen[main]] == gf.TYPE_FILIAL:
                problems.append(f"{row}: huvudenheten {show(main, 40)} (rad {lines[seen[main]]}) är själv en filial; "
                                "en filials huvudenhet ska vara en vårdcentral.")
        elif out_type[i] == gf.TYPE_VC and main:
            notices.append(f"Rad {lines[i]}: en vårdcentral har ingen huvudenhet; {show(main, 40)} används inte.")
            mains[i] = ""

    if wgs.any() and not problems:
        from pyproj import Transformer

        tr = Transformer.from_crs(gf.CRS_LONLAT, gf.CRS_METRIC, always_xy=True)
        ex, ny = tr.transform(lon_v[wgs], lat_v[wgs])
        both = wgs & ~np.isnan(out_x)
        if both.any():  # both pairs filled: they must name the same place
            far = np.hypot(np.asarray(ex)[both[wgs]] - out_x[both], np.asarray(ny)[both[wgs]] - out_y[both]) > _TWO_SYSTEMS_M
            for i in np.flatnonzero(both)[far]:
                problems.append(f"Rad {lines[i]}: lat/lon och x/y är båda ifyllda men anger olika platser; "
                                "lämna det ena paret tomt.")
        out_x[wgs], out_y[wgs] = np.round(ex, 1), np.round(ny, 1)
    if not problems:
        problems.extend(_place_problems(out_x, out_y, out_kommun, lines, region_shape, notices))
    if problems:
        return _refused(file, problems, notices, n)

    label = f"Eget register: {file}"
    stated = sorted({s for s in sources if s})
    if len(stated) == 1:
        label += f" (källa: {stated[0]})"
    supply = pd.DataFrame(
        {
            gf.SUPPLY_ID: pd.Series(ids, dtype=object),
            gf.SUPPLY_NAME: pd.Series(names, dtype=object),
            gf.SUPPLY_TYPE: pd.Series(out_type, dtype=object),
            gf.SUPPLY_MAIN: pd.Series(mains, dtype=object),
            gf.SUPPLY_KOMMUN: pd.Series(out_kommun, dtype=object),
            gf.SUPPLY_OPERATOR: pd.Series(out_op, dtype=object),
            gf.SUPPLY_X: out_x,
            gf.SUPPLY_Y: out_y,
            gf.SUPPLY_LISTED: out_listed,
            gf.SUPPLY_LISTED_DATE: pd.Series(dates, dtype=object),
            gf.SUPPLY_SOURCE: pd.Series([s or label for s in sources], dtype=object),
        }
    )
    if region_shape is None:
        notices.append("Kommungränserna saknas i datamappen: platserna kontrollerades bara mot Sveriges utsträckning.")
    return RegisterReport(file, supply, (), tuple(notices), label, n)


def _text_problems(row: str, what: str, text: str) -> list[str]:
    if text[:1] in ("=", "+", "@") or (text.startswith("-") and not re.fullmatch(r"-[\d ,.]*", text)):
        return [f"{row}: {what} {show(text)} börjar som en kalkylbladsformel (=, +, - eller @); skriv texten utan "
                "det tecknet först."]
    if re.search(r"<\s*/?\s*[A-Za-z!]", text):
        return [f"{row}: {what} innehåller HTML-kod ({show(text)}); skriv bara text."]
    return []


def _coordinate_problems(i, row, lats, lons, xs_t, ys_t, has_ll, has_xy, lat_v, lon_v, out_x, out_y, wgs) -> list[str]:
    out: list[str] = []
    ll_filled = [bool(lats[i]), bool(lons[i])] if has_ll else [False, False]
    xy_filled = [bool(xs_t[i]), bool(ys_t[i])] if has_xy else [False, False]
    if ll_filled[0] != ll_filled[1]:
        return [f"{row}: bara en av lat och lon är ifylld; fyll i båda eller ingen."]
    if xy_filled[0] != xy_filled[1]:
        return [f"{row}: bara en av x och y är ifylld; fyll i båda eller ingen."]
    if not ll_filled[0] and not xy_filled[0]:
        return [f"{row}: koordinater saknas; fyll i lat och lon (WGS84) eller x och y (SWEREF 99 TM)."]
    if ll_filled[0]:
        (la, ok1), (lo, ok2) = _cell_number(lats[i]), _cell_number(lons[i])
        if not (ok1 and ok2):
            bad = lats[i] if not ok1 else lons[i]
            return [f"{row}: {'lat' if not ok1 else 'lon'} {show(bad)} är inte ett tal (grader med decimaler, "
                    "t.ex. 56,67)."]
        assert la is not None and lo is not None
        if _LAT[0] <= lo <= _LAT[1] and _LON[0] <= la <= _LON[1]:
            return [f"{row}: lat och lon verkar vara omkastade (lat {fmt.number(la, 4)}, lon {fmt.number(lo, 4)}); "
                    "lat är avståndet norrut (55–69 i Sverige), lon österut (11–24)."]
        if not (_LAT[0] <= la <= _LAT[1] and _LON[0] <= lo <= _LON[1]):
            return [f"{row}: lat {fmt.number(la, 4)}, lon {fmt.number(lo, 4)} ligger inte i Sverige "
                    "(WGS84-grader med decimaler väntas, t.ex. 56,67 och 12,86)."]
        lat_v[i], lon_v[i], wgs[i] = la, lo, True
    if xy_filled[0]:
        (x, ok1), (y, ok2) = _cell_number(xs_t[i]), _cell_number(ys_t[i])
        if not (ok1 and ok2):
            bad = xs_t[i] if not ok1 else ys_t[i]
            return [f"{row}: {'x' if not ok1 else 'y'} {show(bad)} är inte ett tal (meter i SWEREF 99 TM)."]
        assert x is not None and y is not None
        if not (_SWEREF_X[0] <= x <= _SWEREF_X[1] and _SWEREF_Y[0] <= y <= _SWEREF_Y[1]):
            hint = " x och y verkar vara omkastade." if _SWEREF_X[0] <= y <= _SWEREF_X[1] and _SWEREF_Y[0] <= x <= _SWEREF_Y[1] else ""
            return [f"{row}: x {fmt.number(x)}, y {fmt.number(y)} ligger inte i Sverige i SWEREF 99 TM "
                    f"(x 180 000–1 000 000, y 6 050 000–7 750 000 meter).{hint}"]
        out_x[i], out_y[i] = x, y
    return out


def _place_problems(xs: np.ndarray, ys: np.ndarray, kommuner: list[str], lines: list[int],
                    shape: RegionShape | None, notices: list[str]) -> list[str]:
    """Points against the region's polygons: inside, at the coast, in a neighbour, far off."""
    if shape is None or len(xs) == 0:
        return []
    import shapely

    problems: list[str] = []
    geoms = np.asarray(shape.kommuner.geometry.values)
    kcodes = list(shape.kommuner["kommunkod"])
    inside_code = np.array([""] * len(xs), dtype=object)
    for code, g in zip(kcodes, geoms):
        hit = shapely.contains_xy(g, xs, ys)
        inside_code[hit & (inside_code == "")] = code
    outside = np.flatnonzero(inside_code == "")
    if len(outside):
        union = shapely.union_all(geoms)
        pts = shapely.points(xs[outside], ys[outside])
        dist = shapely.distance(union, pts)
        other_geoms = np.asarray(shape.others.geometry.values) if len(shape.others) else np.array([])
        other_codes = list(shape.others["kommunkod"]) if len(shape.others) else []
        coastal = []
        for j, i in enumerate(outside):
            row = f"Rad {lines[i]}"
            neighbour = next((c for c, g in zip(other_codes, other_geoms) if shapely.contains_xy(g, xs[i], ys[i])), None)
            if neighbour is not None:
                problems.append(f"{row}: platsen ligger i kommun {neighbour}, som inte hör till regionen. "
                                "Kontrollera koordinaterna.")
            elif dist[j] > COAST_TOLERANCE_M and square_id(xs[i], ys[i]) not in shape.squares:
                problems.append(f"{row}: platsen ligger {fmt.number(dist[j] / 1000, 1)} km utanför regionens "
                                f"kommungränser (högst {fmt.number(COAST_TOLERANCE_M / 1000)} km godtas vid kusten). "
                                "Kontrollera koordinaterna.")
            else:
                coastal.append(lines[i])
        if coastal:
            what = "1 enhet ligger" if len(coastal) == 1 else f"{len(coastal)} enheter ligger"
            notices.append(f"{what} strax utanför de förenklade kommungränserna, i vatten nära "
                           f"kusten (högst {fmt.number(COAST_TOLERANCE_M / 1000)} km) eller i en befolkad ruta "
                           f"i skärgården; de godtogs (rad "
                           f"{', '.join(str(r) for r in coastal[:10])}{' …' if len(coastal) > 10 else ''}).")
    mismatch = [(lines[i], kommuner[i], inside_code[i]) for i in range(len(xs)) if inside_code[i] and inside_code[i] != kommuner[i]]
    for line, stated, found in mismatch[:10]:
        notices.append(f"Rad {line}: platsen ligger i kommun {found} men kommunkoden är {stated}; kommunkoden "
                       "i filen används.")
    if len(mismatch) > 10:
        notices.append(f"… och {len(mismatch) - 10} enheter till vars plats ligger i en annan kommun än kommunkoden.")
    return problems


# ------------------------------------------------------------------ writing


def register_csv_text(frame: pd.DataFrame) -> str:
    """A supply frame as a register CSV in the template's columns (semicolon, decimal
    comma, x/y in SWEREF 99 TM): what the store keeps, and what :func:`read_register`
    reads back to the same frame."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(TEMPLATE_COLUMNS)
    for r in frame.itertuples(index=False):
        d = r._asdict()
        listed = d[gf.SUPPLY_LISTED]
        w.writerow([
            d[gf.SUPPLY_ID], d[gf.SUPPLY_NAME], gf.TYPE_LABELS_SV[d[gf.SUPPLY_TYPE]], d[gf.SUPPLY_MAIN],
            d[gf.SUPPLY_KOMMUN], d[gf.SUPPLY_OPERATOR], "", "", _dec(d[gf.SUPPLY_X]), _dec(d[gf.SUPPLY_Y]),
            "" if listed != listed else str(int(listed)), d[gf.SUPPLY_LISTED_DATE], d[gf.SUPPLY_SOURCE],
        ])
    return buf.getvalue()


def _dec(v: float) -> str:
    return (str(int(v)) if float(v).is_integer() else f"{v:.1f}").replace(".", ",")


# ------------------------------------------------------------------ template

_TEMPLATE_ROWS = [
    # Placeholder rows that show the form; a planner replaces them. Coordinates are
    # deliberately blank: the file is refused until real places are filled in.
    ["VC-1", "Vårdcentralen Exempel", "vårdcentral", "", "", "regional", "", "", "", "", "", "", ""],
    ["FIL-1", "Filial Exempel", "filial", "VC-1", "", "privat", "", "", "", "", "", "", ""],
]
TEMPLATE_HELP = (
    "En rad per vårdcentral eller filial. typ: vårdcentral eller filial. huvudenhet: för en filial id:t för "
    "dess vårdcentral. kommunkod: fyra siffror. driftform: regional eller privat (får vara tom). Koordinater: "
    "fyll i lat och lon (WGS84, grader med decimalkomma) ELLER x och y (SWEREF 99 TM, meter). listade: antal "
    "listade patienter (tomt om okänt). listningsdatum: ÅÅÅÅ-MM-DD. källa: varifrån uppgifterna kommer."
)


def template_csv_bytes() -> bytes:
    """The register template as CSV (UTF-8 with BOM, semicolons: opens right in Swedish Excel)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(TEMPLATE_COLUMNS)
    w.writerows(_TEMPLATE_ROWS)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def template_xlsx_bytes() -> bytes:
    """The register template as an .xlsx workbook: sheet ``enheter`` (every cell text-
    formatted where Excel would otherwise turn a code or date into a number or a date)
    and a sheet ``instruktion`` with the help text."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_NAMES[0]
    ws.append(list(TEMPLATE_COLUMNS))
    for r in _TEMPLATE_ROWS:
        ws.append(r)
    text_cols = {TEMPLATE_COLUMNS.index(c) + 1 for c in (ID, MAIN, KOMMUN, LISTED_DATE)}
    for c in text_cols:
        for r in range(1, 501):
            ws.cell(row=r, column=c).number_format = "@"
    for i, name in enumerate(TEMPLATE_COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = max(10, len(name) + 4)
    help_ws = wb.create_sheet("instruktion")
    help_ws.append([TEMPLATE_HELP])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ example


@dataclass(frozen=True)
class ExampleInfo:
    """The example register's label and attribution, for every figure it feeds."""

    label_sv: str
    attribution: str
    source: str
    licence: str
    file: str
    units: int
    units_in_table: int | None = None
    notes: str = ""


def _utbud_total(data_dir: Path, manifest: dict) -> int | None:
    """VC + filialer of the supply table (``utbud``), or None if it cannot be read."""
    try:
        file = manifest["tables"]["utbud"]["file"]
        u = pd.read_csv(data_dir / file)
        return int(u["vardcentraler"].sum() + u["filialer"].sum())
    except (KeyError, TypeError, OSError, ValueError, pd.errors.ParserError):
        return None


def load_example(data_dir: Path | str | None = None, *, region_shape: RegionShape | None = None,
                 utbud: pd.DataFrame | None = None) -> tuple[pd.DataFrame, ExampleInfo]:
    """The data dir's example register (manifest ``[examples.enheter]``) as a supply
    frame, with its label: "<label> – N enheter av M", M the supply table's VC +
    filialer. Raises :class:`DataError` if the data dir has no example or it fails
    validation (a shipped file that fails is a defect, not a user error)."""
    d = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    try:
        m = tomllib.loads((d / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        raise DataError(MANIFEST_NAME, "manifest unreadable", "manifestet kan inte läsas") from None
    e = m.get("examples", {}).get(EXAMPLE_SECTION) if isinstance(m.get("examples"), dict) else None
    if not isinstance(e, dict) or not e.get("file"):
        raise DataError(MANIFEST_NAME, "no example register in the manifest ([examples.enheter])",
                        "datamappen har inget exempelregister")
    path = d / str(e["file"])
    if not path.resolve().is_relative_to(d.resolve()) or not path.is_file():
        raise DataError(str(e["file"]), "the example register file is missing", "exempelfilen saknas")
    lanskod, codes = region_codes(d)
    shape = region_shape if region_shape is not None else load_region_shape(lanskod, d)
    report = read_register(path.read_bytes(), path.name, region_codes=codes, region_shape=shape)
    if not report.ok:
        raise DataError(path.name, "the example register fails validation: " + " ".join(report.problems),
                        "exempelregistret kunde inte läsas: " + " ".join(report.problems))
    frame = report.frame
    assert frame is not None
    total = (int(utbud["vardcentraler"].sum() + utbud["filialer"].sum()) if utbud is not None
             else _utbud_total(d, m))
    label = str(e.get("label", "Exempel"))
    label += f" – {len(frame)} enheter av {total}" if total else f" – {len(frame)} enheter"
    info = ExampleInfo(label, str(e.get("attribution", "")), str(e.get("source", "")), str(e.get("licence", "")),
                       str(e["file"]), len(frame), total, str(e.get("notes", "")))
    return frame, info


# ------------------------------------------------------------------ check against the supply table


def register_check(frame: pd.DataFrame, utbud: pd.DataFrame) -> pd.DataFrame:
    """Units per kommun in the register beside the supply table's VC and filialer.

    Index: kommun code, plus :data:`REGION_ROW` with the sums. Columns ``kommun``,
    ``vc_register``, ``vc_tabell``, ``vc_skillnad`` (register − table), and the same for
    ``filial_``. A check to show, never reconciled: the register and the table come from
    different sources and dates.
    """
    u = utbud.set_index("kommunkod")
    counts = frame.groupby([gf.SUPPLY_KOMMUN, gf.SUPPLY_TYPE]).size().unstack(fill_value=0)
    for t in gf.UNIT_TYPES:
        if t not in counts.columns:
            counts[t] = 0
    codes = list(u.index) + [c for c in counts.index if c not in u.index]
    out = pd.DataFrame(index=pd.Index(codes, name="kommunkod"))
    out["kommun"] = [str(u["kommun"].get(c, "")) for c in codes]
    out["vc_register"] = [int(counts[gf.TYPE_VC].get(c, 0)) for c in codes]
    out["vc_tabell"] = [int(u["vardcentraler"].get(c, 0)) for c in codes]
    out["filial_register"] = [int(counts[gf.TYPE_FILIAL].get(c, 0)) for c in codes]
    out["filial_tabell"] = [int(u["filialer"].get(c, 0)) for c in codes]
    total = out.drop(columns="kommun").sum()
    out.loc[REGION_ROW] = {"kommun": "", **{k: int(v) for k, v in total.items()}}
    out["vc_skillnad"] = out["vc_register"] - out["vc_tabell"]
    out["filial_skillnad"] = out["filial_register"] - out["filial_tabell"]
    return out.astype({c: "int64" for c in out.columns if c != "kommun"})


__all__ = [
    "COAST_TOLERANCE_M",
    "ExampleInfo",
    "MAX_UNITS",
    "REGION_ROW",
    "RegionShape",
    "RegisterReport",
    "TEMPLATE_COLUMNS",
    "load_example",
    "load_region_shape",
    "read_register",
    "square_id",
    "register_check",
    "register_csv_text",
    "template_csv_bytes",
    "template_xlsx_bytes",
]
