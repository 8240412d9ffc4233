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

import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from naravard.sources.csvread import (
    ABSURD,
    MAX_MESSAGES,
    PLAUSIBLE_CHANGE,
    _ALLOWED,
    _DOT_THOUSANDS,
    _Parsed,
    _YEAR,
    _col,
    _convert,
    _limit,
    _not_plain,
    _num,
    _parse,
    _show,
    parse_number,
    safe_filename,
)

# The reading limits and the reader belong to sources.csvread; they are part of this
# service's API too (the page states the limits, callers read files through it).
from naravard.sources.csvread import MAX_BYTES, MAX_MB, MAX_ROWS, read_user_csv  # noqa: F401  (re-exported)

from naravard import fmt
from naravard.sources.dataset import (
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
    from naravard.model import indicators as access
    from naravard.model import supply as overview
    from naravard.model import population
    from naravard.model.scenario import ModelInputs

    if ds.has("utbud") and ds.has("befolkning") and ds.has("kommuner"):
        for v, f in population.forecasts(ds).items():
            if f.method == "dialogunderlag" and not ds.has("nyckeltal"):
                continue
            population.headline_population(ds, v)
            if ds.has("nyckeltal"):
                t = overview.kommun_table(ds, v)
                overview.kommun_table_total(ds, t, v)
    if ds.has("befolkning_alder") and ds.has("kommuner"):
        for v in population.forecasts(ds):
            population.pop80_headline(ds, v)
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
    trial = Dataset(ds.region, ds.sources, ds.info, tables={**ds.tables, table: _post_process(table, validated)}, forecasts=ds.forecasts)
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
