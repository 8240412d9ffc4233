"""The checks of an imported table, and its differences from the table in use.

Table-aware checks on the text cells (:func:`precheck`: columns, codes, names,
numbers, every current row present), the table's schema with the file's row numbers
in the messages (:func:`validate`), a smoke run of what the pages compute
(:func:`smoke`), and the diff (:func:`diff`). Every value quoted from a user's file
goes through :func:`naravard.sources.csvread.show`, so messages are safe Markdown.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from naravard import fmt
from naravard.services.import_tables import SHAPES, Shape, current_frame
from naravard.sources.csvread import (
    ABSURD,
    ALLOWED,
    DOT_THOUSANDS,
    MAX_MESSAGES,
    PLAUSIBLE_CHANGE,
    YEAR,
    Parsed,
    col_name,
    limit_messages,
    not_plain,
    num,
    parse_number,
    show,
)
from naravard.sources.dataset import SCHEMAS, Dataset, translate_schema_errors
from naravard.sources.vocab import AGE_GROUPS


def labeler(ds: Dataset, shape: Shape, frame: pd.DataFrame, lines: list[int]):
    names = ds.kommun_names() if ds.has("kommuner") else {}
    names = {**names, ds.region.lanskod: ds.region.kort_namn}

    def key_text(values: tuple[str, ...]) -> str:
        out = []
        for c, v in zip(shape.key, values):
            if c == shape.code and v in names:
                out.append(f"{names[v]} {v}")
            else:
                out.append(show(v, 20).strip("«»"))
        return ", ".join(out)

    def row(i: int) -> str:
        vals = tuple(str(frame.iloc[i][c]) if c in frame.columns else "" for c in shape.key)
        return f"rad {lines[i]} ({key_text(vals)})"

    return row, key_text


class Msgs(list):
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


def precheck(ds: Dataset, name: str, p: Parsed) -> tuple[list[str], list[str]]:
    """Table-aware checks on the text cells, with rows and values in the messages."""
    shape = SHAPES[name]
    df, cols = p.frame, list(p.frame.columns)
    problems = Msgs()
    notices = Msgs()
    expected = list(shape.id_cols) + list(shape.values)
    cur = current_frame(ds, name)

    missing = [c for c in expected if c not in cols]
    if shape.wide:
        extra = [c for c in cols if c not in shape.id_cols and not YEAR.match(c)]
        cur_years = [c for c in cur.columns if YEAR.match(c)] if cur is not None else []
        missing += [y for y in cur_years if y not in cols]
        if not any(YEAR.match(c) for c in cols) and not cur_years:
            problems.add("filen har inga årskolumner (t.ex. 2025, 2030)")
    else:
        extra = [c for c in cols if c not in expected]
    head = []
    for c in missing:
        head.append(f"kolumnen {col_name(c)} saknas")
    for c in extra:
        head.append(f"okänd kolumn {col_name(c)}; ta bort den eller rätta namnet")
    if head or problems:
        head = limit_messages(head) + list(problems)
        if missing and len(cols) <= 2:
            head.append("kontrollera att kolumnerna skiljs åt med komma, semikolon eller tabb")
        head.append(f"förväntade kolumner: {', '.join(expected)}" + (" och en kolumn per år" if shape.wide else ""))
        return head, []

    row, key_text = labeler(ds, shape, df, p.lines)
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
                problems.add(lambda: f"rad {lines[i]}: kolumnen {col_name(shape.code)} är tom")
            elif not (v.isascii() and v.isdigit() and len(v) in shape.code_digits):
                hint = (
                    " (Excel kan ha tagit bort en inledande nolla; formatera kolumnen som text)"
                    if v.isascii() and v.isdigit() and len(v) in (1, 3)
                    else ""
                )
                problems.add(lambda: f"rad {lines[i]}: kommunkoden {show(v)} är ogiltig, den ska ha {want}{hint}")
            elif known is not None and v not in known and v != lan:
                problems.add(
                    lambda: f"rad {lines[i]}: okänd kommunkod {v}; regionens kommuner har koderna {', '.join(sorted(known))}"
                    + (f" och länet {lan}" if shape.code_digits != (4,) else "")
                )
    # categories and ids (the access areas are the region's, from the manifest)
    for c, allowed in {**ALLOWED, "omrade": ds.region.access_areas}.items():
        if c in columns:
            for i, v in enumerate(columns[c]):
                if v not in allowed:
                    problems.add(
                        lambda: f"rad {lines[i]}, kolumn {col_name(c)}: {show(v)} är inte tillåtet (tillåtna värden: {', '.join(allowed)})"
                    )
    if "kpi_id" in columns:
        for i, v in enumerate(columns["kpi_id"]):
            if not re.fullmatch(r"[A-Z]\d{5}", v):
                problems.add(
                    lambda: f"rad {lines[i]}, kolumn `kpi_id`: {show(v)} är inget Kolada-id (en versal och fem siffror, t.ex. N79179)"
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
            where = lambda: f"{row(i)}, kolumn {col_name(shape.name)}"  # noqa: E731
            if not v:
                problems.add(lambda: f"{where()}: namnet saknas")
            elif v[0] in "=+-@":
                problems.add(
                    lambda: f"{where()}: {show(v)} ser ut som en kalkylbladsformel (börjar med ”{v[0]}”); sådana värden tas inte emot"
                )
            elif "<" in v or ">" in v:
                problems.add(lambda: f"{where()}: {show(v)} innehåller vinkelparenteser (HTML eller skript tas inte emot)")
            elif len(v) > 60:
                problems.add(lambda: f"{where()}: namnet är längre än 60 tecken")
            elif not _NAME.fullmatch(v):
                problems.add(
                    lambda: f"{where()}: {show(v)} innehåller otillåtna tecken (bara bokstäver, siffror, mellanslag och .,-()/&: tas emot)"
                )
            else:
                code = columns[shape.code][i] if shape.code else ""
                if code in official and v.casefold() != official[code].casefold():
                    notices.add(
                        lambda: f"{row(i)}: namnet {show(v)} skiljer sig från {show(official[code])} i kommuntabellen; "
                        "sidorna visar namnet i kommuntabellen."
                    )
                elif code == lan and v.casefold() not in (ds.region.lan.casefold(), ds.region.kort_namn.casefold()):
                    notices.add(lambda: f"{row(i)}: länsraden heter {show(v)}; sidorna visar {show(ds.region.lan)}.")
    # numbers
    for c in (c for c in cols if c not in shape.id_cols):
        cells = columns[c]
        for i in not_plain(cells, decimals=not shape.integer):
            v = cells[i]
            where = lambda: f"{row(i)}, kolumn {col_name(c)}"  # noqa: E731
            if v == "":
                if shape.integer:
                    problems.add(lambda: f"{where()}: värdet saknas")
                continue
            parsed = parse_number(v)
            if parsed is None:
                hint = " (en formel; spara värdena, inte formlerna)" if v.startswith("=") else ""
                problems.add(lambda: f"{where()}: {show(v)} är inget tal{hint}")
                continue
            x = parsed[0]
            if not math.isfinite(x) or abs(x) >= ABSURD:
                problems.add(lambda: f"{where()}: {show(v)} är ett orimligt stort tal")
            elif shape.integer and DOT_THOUSANDS.fullmatch(v):
                problems.add(
                    lambda: f"{where()}: {show(v)} har punkt som tusentalsavgränsare; skriv talet utan avgränsare eller med mellanslag"
                )
            elif shape.integer and not x.is_integer():
                problems.add(lambda: f"{where()}: {show(v)} är inget heltal")
    # every row of the current table is needed by the pages
    if cur is not None and not problems:
        have = set(keys)
        gone = [k for k in zip(*(cur[c].astype(str) for c in shape.key)) if k not in have]
        if gone:
            shown = "; ".join(key_text(k) for k in gone[:6]) + (f" och {len(gone) - 6} till" if len(gone) > 6 else "")
            problems.add(f"rader saknas för {shown}. Alla rader i den nuvarande tabellen måste finnas med")
    return problems.out(), notices.out()


_NAME = re.compile(r"(?:[^\W_]|[ .,'’()/&:-])+")


def schema_problems(df: pd.DataFrame, err: pa.errors.SchemaErrors, row) -> list[str]:
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
        value = num(case) if isinstance(case, (int, float, np.number)) and not isinstance(case, bool) else show(case)
        m = re.match(r"in_range\((-?[\d.e+]+), (-?[\d.e+]+)\)", check)
        if m:
            what = f"värdet {value} ligger utanför det tillåtna intervallet {num(float(m.group(1)))}–{num(float(m.group(2)))}"
            if isinstance(case, (int, float, np.number)) and float(case) < 0 <= float(m.group(1)):
                what = f"värdet {value} är negativt, det måste vara minst {num(float(m.group(1)))}"
        elif check.startswith("isin"):
            allowed = {"aldersgrupp": AGE_GROUPS}.get(col)
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
            what = f"värdet {value} klarar inte kontrollen {show(check, 40)}"
        if has_row and isinstance(idx, (int, np.integer)) and 0 <= int(idx) < len(df):
            out.append(f"{row(int(idx))}, kolumn {col_name(col)}: {what}")
        else:
            out.append(f"kolumn {col_name(col) if col else ''}: {what}")
    if not out:  # pragma: no cover - pandera always reports a case
        out.append(translate_schema_errors(err)[1])
    return limit_messages(out)


def validate(name: str, df: pd.DataFrame, p: Parsed, ds: Dataset) -> tuple[pd.DataFrame | None, list[str]]:
    shape = SHAPES[name]
    row, _ = labeler(ds, shape, p.frame, p.lines)
    schema = SCHEMAS[name](df)
    try:
        return schema.validate(df, lazy=True), []
    except pa.errors.SchemaErrors as e:
        return None, schema_problems(df, e, row)


def raw_tables(ds: Dataset) -> dict[str, pd.DataFrame]:
    out = {}
    for n in ds.tables:
        f = current_frame(ds, n)
        if f is not None:
            out[n] = f
    return out


def smoke(ds: Dataset) -> None:
    """Compute what the pages compute from the tables, so a file the checks let through
    cannot make a page fail. Raises whatever the page code would raise."""
    from naravard.model import indicators as access
    from naravard.model import supply as overview
    from naravard.model import forecast as fc
    from naravard.model import population
    from naravard.model.scenario import ModelInputs

    # Every forecast the sidebar offers; the deck's rests on its key figures, so
    # without them it is not computed.
    variants = [v for v, f in population.forecasts(ds).items() if f.method != fc.DECK or ds.has("nyckeltal")]
    if ds.has("utbud") and ds.has("befolkning") and ds.has("kommuner"):
        for v in variants:
            population.headline_population(ds, v)
            if ds.has("nyckeltal"):
                t = overview.kommun_table(ds, v)
                overview.kommun_table_total(ds, t, v)
    if ds.has("befolkning_alder") and ds.has("kommuner"):
        for v in variants:
            population.pop80_headline(ds, v)
        population.pop80_wide(ds)
        population.old_age_ratio(ds)
    if ds.has("utbud") and ds.has("befolkning") and ds.has("befolkning_alder"):
        ModelInputs.from_dataset(ds)
    if ds.has("tillganglighet") and ds.has("indikatorer"):
        for kpi in access.indicators(ds)["kpi_id"]:
            for area in ds.region.access_areas:
                access.latest(ds, kpi, area)


def _floats(col: pd.Series) -> np.ndarray:
    """A column as float64: NaN where a value is missing or not a number."""
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def diff(ds: Dataset, name: str, new: pd.DataFrame) -> tuple[pd.DataFrame, int, int, tuple[str, ...], list[str]]:
    """Every value of ``new`` that differs from the table in use, row by row in the
    file's order (a column at a time: a file may hold up to MAX_CELLS values)."""
    shape = SHAPES[name]
    old = current_frame(ds, name)
    vals_new = [c for c in new.columns if c not in shape.id_cols]
    _, key_text = labeler(ds, shape, new, list(range(len(new))))
    keys = list(shape.key)

    def row_keys(frame: pd.DataFrame) -> list[tuple[str, ...]]:
        return [tuple(str(x) for x in t) for t in frame[keys].itertuples(index=False, name=None)]

    new_keys = row_keys(new)
    old_at = {} if old is None else {k: j for j, k in enumerate(row_keys(old))}
    vals_old = [] if old is None else [c for c in old.columns if c not in shape.id_cols]
    added_cols = tuple(c for c in vals_new if old is not None and c not in vals_old)
    where = np.array([old_at.get(k, -1) for k in new_keys], dtype=np.int64)
    added_rows = int((where < 0).sum())
    nv = np.column_stack([_floats(new[c]) for c in vals_new]) if vals_new else np.empty((len(new), 0))
    ov = np.full(nv.shape, np.nan)
    matched = where >= 0
    for j, c in enumerate(vals_new):
        if old is not None and c in vals_old:
            ov[matched, j] = _floats(old[c])[where[matched]]
    both_nan = np.isnan(nv) & np.isnan(ov)
    with np.errstate(invalid="ignore"):
        changed = ~(both_nan | (nv == ov))
        big_mask = changed & ~np.isnan(nv) & ~np.isnan(ov) & (ov != 0) & (np.abs(nv - ov) > PLAUSIBLE_CHANGE * np.abs(ov))
    rows, cols = np.nonzero(changed)  # row-major: the file's order, then the columns'
    texts: dict[int, str] = {}

    def text(i: int) -> str:
        if i not in texts:
            texts[i] = key_text(new_keys[i])
        return texts[i]

    records = [{"rad": text(i), "kolumn": vals_new[j], "tidigare": ov[i, j], "nytt": nv[i, j]} for i, j in zip(rows.tolist(), cols.tolist())]
    big_rows, big_cols = np.nonzero(big_mask)
    big = [f"{text(i)} {vals_new[j]}: {num(ov[i, j])} → {num(nv[i, j])}" for i, j in zip(big_rows[:3].tolist(), big_cols[:3].tolist())]
    notices = []
    if len(big_rows):
        notices.append(
            f"{fmt.number(len(big_rows))} värden skiljer sig mer än {round(PLAUSIBLE_CHANGE * 100)}\u00a0% från de data som "
            f"används nu, t.ex. {'; '.join(big)}. Kontrollera att det stämmer."
        )
    table = pd.DataFrame(records, columns=["rad", "kolumn", "tidigare", "nytt"])
    return table, len(records), added_rows, added_cols, notices
