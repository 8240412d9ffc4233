"""The tables a planner may replace, as their files look: shapes, templates, examples.

A planner downloads the current table as a template (CSV for any program, or the
semicolon/decimal-comma form Swedish Excel opens directly), edits it and loads it
again (:mod:`naravard.services.importing`). Examples and templates are built from the
dataset in use, so they show the region's own kommuner and figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from naravard.sources.csvread import YEAR
from naravard.sources.dataset import Dataset
from naravard.sources.vocab import AGE_GROUPS


class Importable(NamedTuple):
    """One table a user may replace: Swedish title and the expected columns."""

    title_sv: str
    columns_sv: str


IMPORTABLE: dict[str, Importable] = {
    "befolkning": Importable(
        "Folkmängd per kommun (historik och prognos)",
        "`regionkod` (kommunkod med fyra siffror, länets kod med två), `region` (namn), "
        "sedan en kolumn per år (`2020`, `2025`, `2030` …) med antal invånare. En rad per kommun och en rad för "
        "länet; länsraden ska vara summan av kommunerna. Alla år och kommuner i den nuvarande tabellen "
        "måste finnas med; nya år får läggas till.",
    ),
    "befolkning_alder": Importable(
        "Folkmängd per kommun och åldersgrupp",
        f"`regionkod`, `aldersgrupp` ({', '.join(f'`{a}`' for a in AGE_GROUPS)}), sedan en kolumn per år med antal "
        "invånare. En rad per kommun och åldersgrupp och länets rad för 80+. Åldersgrupperna bör summera till "
        "folkmängden per kommun i folkmängdstabellen (högst 50 personers skillnad); annars visas en not som "
        "namnger båda tabellerna.",
    ),
    "utbud": Importable(
        "Vårdcentraler, filialer och listade per kommun",
        "`kommunkod`, `kommun`, `vardcentraler`, `filialer`, `listade_per_vc` (snitt listade per vårdcentral), "
        "`invanare_2022`, `prognos_forandring_2030` (heltal, förändringen får vara negativ). En rad per kommun. "
        "Stämmer summorna inte med nyckeltalen visas en not.",
    ),
    "tillganglighet": Importable(
        "Tillgänglighet och patienternas upplevelse (Kolada), procent per år",
        "`kpi_id` (t.ex. `N79179`), `omrade` (regionen, `Riket` eller en jämförelseregion, som i den nuvarande "
        "tabellen), sedan en kolumn per år "
        "med andel i procent (0–100, decimalkomma eller decimalpunkt). Tom cell = inget publicerat värde. "
        "Alla indikatorer och områden i den nuvarande tabellen måste finnas med.",
    ),
}


@dataclass(frozen=True)
class Shape:
    """How a table's file is laid out, for the checks and the diff."""

    id_cols: tuple[str, ...]  # non-value columns, in file order
    key: tuple[str, ...]  # columns that identify a row
    wide: bool  # the value columns are years
    values: tuple[str, ...] = ()  # fixed value columns (not wide)
    integer: bool = True
    code: str | None = None  # kommun/län code column
    code_digits: tuple[int, ...] = (4,)
    name: str | None = None  # free-text name column


SHAPES: dict[str, Shape] = {
    "befolkning": Shape(("regionkod", "region"), ("regionkod",), True, code="regionkod", code_digits=(2, 4), name="region"),
    "befolkning_alder": Shape(("regionkod", "aldersgrupp"), ("regionkod", "aldersgrupp"), True, code="regionkod", code_digits=(2, 4)),
    "utbud": Shape(
        ("kommunkod", "kommun"),
        ("kommunkod",),
        False,
        values=("vardcentraler", "filialer", "listade_per_vc", "invanare_2022", "prognos_forandring_2030"),
        code="kommunkod",
        name="kommun",
    ),
    "tillganglighet": Shape(("kpi_id", "omrade"), ("kpi_id", "omrade"), True, integer=False),
}

# Tables stored in long form by the loader: (id columns, value column).
LONG = {
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
    if name in LONG:
        ids, value = LONG[name]
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


def template_csv(ds: Dataset, name: str, excel: bool = False, fallback: Dataset | None = None) -> bytes | None:
    """The current table as CSV bytes, to download, edit and load again.

    ``excel=True`` gives what Swedish Excel opens directly: semicolons, decimal
    commas and a UTF-8 BOM. Both forms are read back unchanged by the import check.

    A template must stay downloadable whatever state the data is in (issue 10,
    defect a): if ``ds`` lacks the table (a session file that no longer loads),
    ``fallback`` (the data without the session's files) gives it; if neither has it,
    the template is the header row the check expects. None only for a table that is
    not importable and not loaded.
    """
    w = current_frame(ds, name)
    if w is None and fallback is not None:
        w = current_frame(fallback, name)
    if w is None:
        if name not in SHAPES:
            return None
        shape = SHAPES[name]
        w = pd.DataFrame(columns=list(shape.id_cols) + list(shape.values or ((str(ds.region.basar),) if shape.wide else ())))
    if excel:
        return w.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n").encode("utf-8-sig")
    return w.to_csv(index=False, lineterminator="\n").encode("utf-8")


def example_csv(ds: Dataset, name: str, rows: int | None = None) -> str:
    """A short example of the table's file from the data in use (first rows, …, the län row)."""
    w = current_frame(ds, name)
    if w is None:
        b = template_csv(ds, name)
        return b.decode("utf-8") if b else ""
    shape = SHAPES.get(name)
    rows = rows or (len(AGE_GROUPS) if name == "befolkning_alder" else 3)
    years = [c for c in w.columns if YEAR.match(str(c))]
    if len(years) > 4:  # a few recent years keep the example readable
        w = w[[c for c in w.columns if c not in years] + years[-4:]]
    code = shape.code if shape else None
    lan = w[w[code] == ds.region.lanskod] if code else w.iloc[0:0]
    rest = w.drop(lan.index)
    sep = ";" if shape is not None and not shape.integer else ","
    decimal = "," if sep == ";" else "."
    head = rest.head(rows).to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\n")
    out = head + ("…\n" if len(rest) > rows else "")
    if len(lan):
        out += lan.to_csv(index=False, header=False, sep=sep, decimal=decimal, lineterminator="\n")
    return out
