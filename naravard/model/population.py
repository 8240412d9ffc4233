"""Population views: the two forecast variants, age structure and the 80+ group.

Two forecast variants are legitimate and differ (FACTS S1 note): the HSU-2023 deck
(ca 343 000 in 2022 → ca 362 000 in 2030) and Region Halland's projection 2026
(346 088 in 2025 → 349 997 in 2030). Every function takes the variant explicitly so
that the UI always says which one is in use.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from naravard.sources.dataset import Dataset

OBSERVED = "observerad"
PROJECTED = "prognos"


@dataclass(frozen=True)
class ForecastVariant:
    key: str
    label_sv: str
    source: str  # a manifest source key
    description_sv: str


VARIANTS: dict[str, ForecastVariant] = {
    "RH2026": ForecastVariant(
        "RH2026",
        "Region Hallands framskrivning 2026",
        "SCB-RH-2026",
        "SCB:s folkmängd 2020–2025 och Region Hallands framskrivning för 2030, 2035 och 2040.",
    ),
    "HSU2023": ForecastVariant(
        "HSU2023",
        "Dialogunderlaget 2023 (HSU)",
        "HSU-2023",
        "Invånare 2022 och prognostiserad förändring till 2030 enligt dialogunderlaget; ingen prognos efter 2030.",
    ),
}
DEFAULT_VARIANT = "RH2026"


@dataclass(frozen=True)
class Figure:
    """A headline figure with the year it refers to and whether the source says 'ca'."""

    value: float
    year: int
    approximate: bool
    source: str


def _projection_start(ds: Dataset) -> int:
    """First projected year of the SCB/RH table: the year after the base year."""
    return ds.region.basar + 1


def total_population(ds: Dataset, variant: str) -> pd.DataFrame:
    """Population per kommun and year in the variant, with a ``kind`` column.

    Columns: regionkod, region, year, population, kind (observerad/prognos).
    Only the län row ("13") of the RH2026 table is a published total; for HSU2023 the
    län rows are the sum of the deck's kommun rows (the deck's own totals are 'ca').
    """
    names = ds.kommun_names()
    if variant == "RH2026":
        b = ds.table("befolkning").copy()
        b["kind"] = b["year"].map(lambda y: PROJECTED if y >= _projection_start(ds) else OBSERVED)
        return b
    if variant == "HSU2023":
        u = ds.table("utbud")
        rows = []
        for _, r in u.iterrows():
            rows.append((r["kommunkod"], names.get(r["kommunkod"], r["kommun"]), 2022, int(r["invanare_2022"]), OBSERVED))
            rows.append(
                (
                    r["kommunkod"],
                    names.get(r["kommunkod"], r["kommun"]),
                    2030,
                    int(r["invanare_2022"] + r["prognos_forandring_2030"]),
                    PROJECTED,
                )
            )
        df = pd.DataFrame(rows, columns=["regionkod", "region", "year", "population", "kind"])
        lan = df.groupby(["year", "kind"], as_index=False)["population"].sum()
        lan["regionkod"], lan["region"] = ds.region.lanskod, ds.region.lan
        return pd.concat([df, lan[df.columns]], ignore_index=True)
    raise ValueError(f"unknown forecast variant {variant!r}; expected one of {sorted(VARIANTS)}")


def headline_population(ds: Dataset, variant: str) -> tuple[Figure, Figure]:
    """(now, 2030) inhabitants of the region in the variant."""
    if variant == "HSU2023":
        now, later = ds.fact("invanare"), ds.fact("invanare_prognos_2030")
        return (
            Figure(now.value, 2022, now.approximate, "HSU-2023"),
            Figure(later.value, 2030, later.approximate, "HSU-2023"),
        )
    b = total_population(ds, variant)
    lan = b[b["regionkod"] == ds.region.lanskod].set_index("year")["population"]
    base = ds.region.basar
    return (
        Figure(float(lan[base]), base, False, "SCB-RH-2026"),
        Figure(float(lan[2030]), 2030, False, "SCB-RH-2026"),
    )


def age_groups(ds: Dataset) -> pd.DataFrame:
    """Long table regionkod, kommun, aldersgrupp, year, population (kommun rows only)."""
    a = ds.table("befolkning_alder")
    a = a[a["regionkod"] != ds.region.lanskod].copy()
    a["kommun"] = a["regionkod"].map(ds.kommun_names())
    return a


def pop80(ds: Dataset) -> pd.DataFrame:
    """80+ per kommun and year, plus the region's published total.

    Columns: regionkod, region, year, population, kind.
    """
    a = ds.table("befolkning_alder")
    a = a[a["aldersgrupp"] == "80+"].copy()
    names = ds.kommun_names() | {ds.region.lanskod: ds.region.lan}
    a["region"] = a["regionkod"].map(names)
    a["kind"] = a["year"].map(lambda y: PROJECTED if y >= _projection_start(ds) else OBSERVED)
    return a[["regionkod", "region", "year", "population", "kind"]].reset_index(drop=True)


def pop80_headline(ds: Dataset, variant: str) -> tuple[Figure, Figure]:
    """(today, 2030) aged 80+ in the region.

    HSU2023: the deck's 'ca 20 000 → ca 30 000'. RH2026: the age table's base year and
    2030 values (25 246 → 30 147 for Halland).
    """
    if variant == "HSU2023":
        now, later = ds.fact("invanare_80_idag"), ds.fact("invanare_80_2030")
        return (
            Figure(now.value, int(now.period[:4]), now.approximate, "HSU-2023"),
            Figure(later.value, 2030, later.approximate, "HSU-2023"),
        )
    p = pop80(ds)
    lan = p[p["regionkod"] == ds.region.lanskod].set_index("year")["population"]
    base = ds.region.basar if ds.region.basar in lan.index else int(lan.index[lan.index <= ds.region.basar].max())
    return (
        Figure(float(lan[base]), base, False, "SCB-RH-2026"),
        Figure(float(lan[2030]), 2030, False, "SCB-RH-2026"),
    )


def pop80_wide(ds: Dataset, years: tuple[int, ...] = (2020, 2025, 2030, 2040)) -> pd.DataFrame:
    """80+ per kommun for the given years, with change from the first of them.

    Columns: regionkod, region, then one column per year; kommuner in the order of
    the kommun table, the län row last.
    """
    p = pop80(ds)
    w = p.pivot_table(index=["regionkod", "region"], columns="year", values="population").reset_index()
    w = w[["regionkod", "region", *[y for y in years if y in w.columns]]]
    order = {c: i for i, c in enumerate(ds.kommun_codes)} | {ds.region.lanskod: len(ds.kommun_codes)}
    w["_order"] = w["regionkod"].map(order)
    return w.sort_values("_order").drop(columns="_order").reset_index(drop=True)


def old_age_ratio(ds: Dataset) -> pd.DataFrame:
    """80+ per 100 aged 20–64, per kommun and year (and the region where both exist).

    The region's 20–64 total is not published separately, so the region row is the
    sum of the kommun rows for both groups.
    """
    a = age_groups(ds)
    w = a.pivot_table(index=["regionkod", "kommun", "year"], columns="aldersgrupp", values="population").reset_index()
    w["per_100"] = 100.0 * w["80+"] / w["20-64"]
    reg = w.groupby("year", as_index=False)[["80+", "20-64"]].sum()
    reg["per_100"] = 100.0 * reg["80+"] / reg["20-64"]
    reg["regionkod"], reg["kommun"] = ds.region.lanskod, ds.region.kort_namn
    out = pd.concat([w[["regionkod", "kommun", "year", "per_100"]], reg[["regionkod", "kommun", "year", "per_100"]]])
    return out.reset_index(drop=True)
