"""What the Om data page shows: every table with its source, date, notes and status."""

from __future__ import annotations

import pandas as pd

from naravard import fmt
from naravard.sources.dataset import Dataset


def catalogue(ds: Dataset) -> pd.DataFrame:
    """One row per manifest table, in Swedish, with its load status."""
    rows = []
    for name, ti in ds.info.items():
        src = ds.sources.get(ti.source)
        if name in ds.tables:
            status = f"OK, {fmt.number(len(ds.tables[name]))} rader"
            others = [ds.info[t].title for n in ds.notes if name in n.tables for t in n.tables if t != name]
            if others:
                status += "; stämmer inte med " + ", ".join(f"”{o}”" for o in dict.fromkeys(others)) + " (se noten ovan)"
        else:
            err = ds.problems.get(name)
            status = f"Fel: {err.problem_sv}" if err else "Fel"
        rows.append(
            {
                "Tabell": ti.title,
                "Fil": ti.file,
                "Källa": src.title if src else ti.source,
                "Utgivare": src.publisher if src else "",
                "Avser": ti.date,
                "Not": ti.notes,
                "Status": status,
            }
        )
    return pd.DataFrame(rows)


def sources(ds: Dataset) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Nyckel": s.key, "Titel": s.title, "Utgivare": s.publisher, "Datum": s.date} for s in ds.sources.values()]
    )


def _decimals(col: pd.Series, most: int = 4) -> int:
    """How many decimals show every value of a column exactly (at most ``most``)."""
    vals = col.dropna().astype(float)
    for d in range(most + 1):
        if ((vals * 10**d).round(6) % 1 == 0).all():
            return d
    return most


def preview(ds: Dataset, name: str) -> pd.DataFrame:
    """The raw table as loaded (numbers formatted), for a reviewer to compare with the source."""
    df = ds.tables[name].reset_index()
    if "index" in df.columns:
        df = df.drop(columns="index")
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map({True: "ja", False: "nej"})
        elif pd.api.types.is_numeric_dtype(out[c]) and c not in ("year",):
            out[c] = out[c].map(lambda v, d=_decimals(out[c]): fmt.number(v, d))
        else:
            out[c] = out[c].astype(str).replace({"nan": "", "<NA>": ""})
    return out
