"""Accessibility indicators: Kolada's yearly series and the deck's snapshot values.

The deck's figures (HSU-2023) are measured differently from Kolada's series (a
season, or another survey dimension; FACTS S3 note), so they are returned as a
separate *snapshot* beside a series, never merged into it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from naravard.sources.dataset import Dataset


@dataclass(frozen=True)
class Snapshot:
    label_sv: str
    year: int
    value: float
    decimals: int  # the source's precision (92 %, 86,1 %)


def indicators(ds: Dataset) -> pd.DataFrame:
    """kpi_id, indikator, underliggande_kalla, not — in file order."""
    return ds.table("indikatorer")


def indicator_names(ds: Dataset) -> dict[str, str]:
    """kpi_id → the indicator's Swedish name, in file order."""
    ind = indicators(ds)
    return dict(zip(ind["kpi_id"], ind["indikator"]))


def indicator_series(ds: Dataset, kpi_id: str) -> pd.DataFrame:
    """omrade, year, value for one KPI; missing years are simply absent."""
    t = ds.table("tillganglighet")
    return t[t["kpi_id"] == kpi_id][["omrade", "year", "value"]].reset_index(drop=True)


def snapshot_for(ds: Dataset, kpi_id: str) -> Snapshot | None:
    """The deck's value that stands beside this KPI, if any.

    Which deck row stands beside which series, and at which year, is data (the
    snapshot table's ``kpi_id`` and ``ar``): the deck's wording is kept in the label
    so nobody reads it as the same measure.
    """
    if not ds.has("tillganglighet_hsu"):
        return None
    t = ds.table("tillganglighet_hsu")
    rows = t[(t["kpi_id"] == kpi_id) & t["ar"].notna()]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return Snapshot(
        f"Dialogunderlaget: {r['indikator']} ({r['period']})", int(r["ar"]), float(r["varde"]), int(r["decimaler"])
    )


def latest(ds: Dataset, kpi_id: str, area: str) -> tuple[int, float] | None:
    """(year, value) of the newest published value for an area."""
    s = indicator_series(ds, kpi_id)
    s = s[s["omrade"] == area].dropna()
    if s.empty:
        return None
    row = s.sort_values("year").iloc[-1]
    return int(row["year"]), float(row["value"])
