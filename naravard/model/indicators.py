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


# Which deck row stands beside which Kolada series, and the year to draw it at.
# The deck's wording is kept in the label so nobody reads it as the same measure.
SNAPSHOT_ROWS: dict[str, tuple[str, int]] = {
    "N79179": ("Telefontillgänglighet (vårdgaranti)", 2022),
    "N79173": ("Medicinsk bedömning inom 3 dagar", 2022),
    "U71451": ("Nationell patientenkät, dimension tillgänglighet, andel positiva", 2021),
    "U70450": ("Hälso- och sjukvårdsbarometern, väntetider, andel positiva", 2022),
}


def indicators(ds: Dataset) -> pd.DataFrame:
    """kpi_id, indikator, underliggande_kalla, not — in file order."""
    return ds.table("indikatorer")


def indicator_series(ds: Dataset, kpi_id: str) -> pd.DataFrame:
    """omrade, year, value for one KPI; missing years are simply absent."""
    t = ds.table("tillganglighet")
    return t[t["kpi_id"] == kpi_id][["omrade", "year", "value"]].reset_index(drop=True)


def snapshot_for(ds: Dataset, kpi_id: str) -> Snapshot | None:
    """The deck's value that stands beside this KPI, if any."""
    if kpi_id not in SNAPSHOT_ROWS or not ds.has("tillganglighet_hsu"):
        return None
    name, year = SNAPSHOT_ROWS[kpi_id]
    t = ds.table("tillganglighet_hsu").set_index("indikator")
    if name not in t.index:
        return None
    return Snapshot(f"Dialogunderlaget: {name} ({t.loc[name, 'period']})", year, float(t.loc[name, "halland"]))


def latest(ds: Dataset, kpi_id: str, area: str) -> tuple[int, float] | None:
    """(year, value) of the newest published value for an area."""
    s = indicator_series(ds, kpi_id)
    s = s[s["omrade"] == area].dropna()
    if s.empty:
        return None
    row = s.sort_values("year").iloc[-1]
    return int(row["year"]), float(row["value"])
