"""Population views: the forecast variants, age structure and the 80+ group.

The variants are the dataset's forecasts (:mod:`naravard.model.forecast`, from the
manifest); they are legitimately different, and every function takes the variant
explicitly so that the UI always says which one is in use. The region's 80+ follows
one rule everywhere (:func:`pop80_region`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from naravard.sources.dataset import Dataset

from naravard.model import forecast as fc
from naravard.model.forecast import OBSERVED, PROJECTED, Forecast

# The one rule for the region's 80+ (and every region total the model shows): the sum
# of the kommun rows. The age table's own län row is SCB's separate (preliminary)
# figure and can differ by some tens of persons; pages show the sum and say so.
REGION_RULE_SV = "summan av kommunerna"


def forecasts(ds: Dataset) -> dict[str, Forecast]:
    """The dataset's population forecasts (the manifest's ``[forecasts]``), in order."""
    return fc.data_forecasts(ds)


def default_variant(ds: Dataset) -> str | None:
    return fc.default_key(ds)


def _forecast(ds: Dataset, variant: str) -> Forecast:
    fs = forecasts(ds)
    if variant not in fs:
        raise ValueError(f"unknown forecast variant {variant!r}; expected one of {sorted(fs)}")
    return fs[variant]


@dataclass(frozen=True)
class Figure:
    """A headline figure with the year it refers to and whether the source says 'ca'."""

    value: float
    year: int
    approximate: bool
    source: str


def _projection_start(ds: Dataset) -> int:
    """First projected year of the population tables: the year after the base year."""
    return ds.region.basar + 1


def horizon_year(ds: Dataset, variant: str) -> int:
    """The year headlines compare today with: the forecast's first published year
    after its base year (the deck's last year; the tables' first projection)."""
    f = _forecast(ds, variant)
    y = f.first_projected_year()
    return int(y if y is not None else f.years[-1])


def total_population(ds: Dataset, variant: str) -> pd.DataFrame:
    """Population per kommun and year in the variant, with a ``kind`` column.

    Columns: regionkod, region, year, population, kind (observerad/prognos).
    For a ``tabeller`` forecast only the län row of the table is a published total;
    for a ``dialogunderlag`` forecast the län rows are the sum of the kommun rows
    (the deck's own totals are 'ca').
    """
    f = _forecast(ds, variant)
    names = ds.kommun_names()
    if f.method == fc.TABLES:
        b = ds.table("befolkning").copy()
        b["kind"] = b["year"].map(lambda y: PROJECTED if y >= _projection_start(ds) else OBSERVED)
        return b
    first, last = f.years[0], f.years[-1]
    u = ds.table("utbud")
    rows = []
    for _, r in u.iterrows():
        name = names.get(r["kommunkod"], r["kommun"])
        rows.append((r["kommunkod"], name, first, int(r["invanare_2022"]), OBSERVED))
        rows.append((r["kommunkod"], name, last, int(r["invanare_2022"] + r["prognos_forandring_2030"]), PROJECTED))
    df = pd.DataFrame(rows, columns=["regionkod", "region", "year", "population", "kind"])
    lan = df.groupby(["year", "kind"], as_index=False)["population"].sum()
    lan["regionkod"], lan["region"] = ds.region.lanskod, ds.region.lan
    return pd.concat([df, lan[df.columns]], ignore_index=True)


def headline_population(ds: Dataset, variant: str) -> tuple[Figure, Figure]:
    """(now, horizon) inhabitants of the region in the variant."""
    f = _forecast(ds, variant)
    later_year = horizon_year(ds, variant)
    if f.method == fc.DECK:
        now, later = ds.fact("invanare"), ds.fact("invanare_prognos_2030")
        return (
            Figure(now.value, f.years[0], now.approximate, f.source),
            Figure(later.value, later_year, later.approximate, f.source),
        )
    b = total_population(ds, variant)
    lan = b[b["regionkod"] == ds.region.lanskod].set_index("year")["population"]
    base = ds.region.basar
    return (
        Figure(float(lan[base]), base, False, f.source),
        Figure(float(lan[later_year]), later_year, False, f.source),
    )


def age_groups(ds: Dataset) -> pd.DataFrame:
    """Long table regionkod, kommun, aldersgrupp, year, population (kommun rows only)."""
    a = ds.table("befolkning_alder")
    a = a[a["regionkod"] != ds.region.lanskod].copy()
    a["kommun"] = a["regionkod"].map(ds.kommun_names())
    return a


def pop80(ds: Dataset) -> pd.DataFrame:
    """80+ per kommun and year, plus the region row by the one rule (the sum of the
    kommun rows, :data:`REGION_RULE_SV`) – the same figure the scenario model shows.

    Columns: regionkod, region, year, population, kind.
    """
    a = ds.table("befolkning_alder")
    a = a[(a["aldersgrupp"] == "80+") & (a["regionkod"] != ds.region.lanskod)].copy()
    reg = a.groupby("year", as_index=False)["population"].sum()
    reg["regionkod"], reg["aldersgrupp"] = ds.region.lanskod, "80+"
    a = pd.concat([a, reg[a.columns]], ignore_index=True)
    names = ds.kommun_names() | {ds.region.lanskod: ds.region.lan}
    a["region"] = a["regionkod"].map(names)
    a["kind"] = a["year"].map(lambda y: PROJECTED if y >= _projection_start(ds) else OBSERVED)
    return a[["regionkod", "region", "year", "population", "kind"]].reset_index(drop=True)


def pop80_region(ds: Dataset, year: float) -> float:
    """The region's 80+ in ``year`` by the one rule: the sum of the kommun rows,
    linearly interpolated between the table's years (clipped to its range), exactly
    as the scenario model computes it."""
    p = pop80(ds)
    lan = p[p["regionkod"] == ds.region.lanskod].set_index("year")["population"].sort_index()
    ys = [float(y) for y in lan.index]
    return float(np.interp(min(max(float(year), ys[0]), ys[-1]), ys, lan.to_numpy(dtype=float)))


def pop80_published_lan(ds: Dataset) -> pd.Series:
    """The age table's own län row (SCB's separate figure), by year; empty if absent."""
    a = ds.table("befolkning_alder")
    a = a[(a["aldersgrupp"] == "80+") & (a["regionkod"] == ds.region.lanskod)]
    return a.set_index("year")["population"].astype(float)


def pop80_headline(ds: Dataset, variant: str) -> tuple[Figure, Figure]:
    """(base year, horizon) aged 80+ in the region for the variant: the age table by
    the one rule (:func:`pop80_region`), the same base the scenario uses for that
    forecast. The deck's own rounded figure is :func:`pop80_deck` (labelled apart)."""
    f = _forecast(ds, variant)
    src = ds.info["befolkning_alder"].source
    return (
        Figure(pop80_region(ds, f.base_year), f.base_year, False, src),
        Figure(pop80_region(ds, horizon_year(ds, variant)), horizon_year(ds, variant), False, src),
    )


def pop80_deck(ds: Dataset) -> tuple[Figure, Figure] | None:
    """The deck's own 80+ figures (e.g. 'ca 20 000' in 2023 → 'ca 30 000'), each with
    the year the source gives; None if the key-figure table lacks them."""
    try:
        now, later = ds.fact("invanare_80_idag"), ds.fact("invanare_80_2030")
    except Exception:  # noqa: BLE001 - a missing fact or table: no deck figure
        return None
    return (
        Figure(now.value, int(now.period[:4]), now.approximate, now.source),
        Figure(later.value, int(later.period[:4]), later.approximate, later.source),
    )


def pop80_note_sv(ds: Dataset) -> str:
    """The one-sentence note on the 80+ base, for every page that shows it."""
    from naravard import fmt

    base = ds.region.basar
    parts = [f"Invånare 80+ för {ds.region.kort_namn} är {REGION_RULE_SV} ({fmt.number(pop80_region(ds, base))} år {base})"]
    pub = pop80_published_lan(ds)
    if base in pub.index and round(pub[base]) != round(pop80_region(ds, base)):
        parts.append(f"åldertabellens egen länsrad anger {fmt.number(pub[base])}")
    deck = pop80_deck(ds)
    if deck is not None:
        parts.append(
            f"dialogunderlagets ca {fmt.number(deck[0].value)} är källans avrundade tal för {deck[0].year}"
        )
    return "; ".join(parts) + "."


def pop80_wide(ds: Dataset, years: tuple[int, ...] | None = None) -> pd.DataFrame:
    """80+ per kommun for the given years (default: every year of the table).

    Columns: regionkod, region, then one column per year; kommuner in the order of
    the kommun table, the län row last.
    """
    p = pop80(ds)
    w = p.pivot_table(index=["regionkod", "region"], columns="year", values="population").reset_index()
    wanted = [y for y in w.columns if isinstance(y, (int, np.integer))] if years is None else list(years)
    w = w[["regionkod", "region", *[y for y in wanted if y in w.columns]]]
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
