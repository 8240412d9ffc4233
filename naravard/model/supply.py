"""The overview's per-kommun table and the measures a user can colour the map by.

Pure functions on a :class:`~naravard.data.Dataset`; the page only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from naravard import fmt
from naravard.sources.dataset import Dataset
from naravard.model.population import age_groups, total_population


@dataclass(frozen=True)
class Supply:
    """The region's supply headline: the deck's figures, or the sums of an imported table."""

    vardcentraler: int
    filialer: int
    listade_per_vc: float
    approximate: bool  # the deck's "ca 7 400"
    source_table: str


def supply_headline(ds: Dataset) -> Supply:
    """VCs, filialer and listed per VC for the region.

    With the embedded data the kommun rows are validated to sum to the deck's totals
    (47 and 11), so the sums are the deck's figures and the average is its 'ca 7 400'.
    With an imported supply table the sums and a listed-weighted average are shown.
    """
    u = ds.table("utbud")
    vc, fil = int(u["vardcentraler"].sum()), int(u["filialer"].sum())
    if ds.has("nyckeltal") and ds.info["utbud"].source == ds.info["nyckeltal"].source:
        f = ds.fact("listade_per_vc")
        return Supply(vc, fil, f.value, f.approximate, "nyckeltal")
    avg = float((u["listade_per_vc"] * u["vardcentraler"]).sum() / vc) if vc else float("nan")
    return Supply(vc, fil, avg, False, "utbud")


def kommun_table(ds: Dataset, variant: str) -> pd.DataFrame:
    """One row per kommun: supply from the HSU-2023 deck, population in the variant.

    Columns: kommunkod, kommun, vardcentraler, filialer, listade_per_vc, invanare,
    invanare_ar, forandring_2030, invanare_per_vc. ``invanare`` is the variant's
    first year (2022 in the deck, the base year in the SCB/regional table) so that
    inhabitants per VC uses the same population as the forecast beside it.
    """
    u = ds.table("utbud").copy()
    pop = total_population(ds, variant)
    pop = pop[pop["regionkod"].isin(u["kommunkod"])]
    first = int(pop.loc[pop["kind"] == "observerad", "year"].max())
    now = pop[pop["year"] == first].set_index("regionkod")["population"]
    later = pop[pop["year"] == 2030].set_index("regionkod")["population"]
    out = pd.DataFrame(
        {
            "kommunkod": u["kommunkod"],
            "kommun": u["kommunkod"].map(ds.kommun_names()),
            "vardcentraler": u["vardcentraler"],
            "filialer": u["filialer"],
            "listade_per_vc": u["listade_per_vc"],
            "invanare": u["kommunkod"].map(now).astype("int64"),
            "invanare_ar": first,
            "forandring_2030": (u["kommunkod"].map(later) - u["kommunkod"].map(now)).astype("int64"),
        }
    )
    out["invanare_per_vc"] = out["invanare"] / out["vardcentraler"].where(out["vardcentraler"] > 0)
    return out.reset_index(drop=True)


def kommun_table_total(ds: Dataset, table: pd.DataFrame, variant: str) -> dict[str, float]:
    """The region row: sums of the kommun rows, except where a published län total
    exists (the regional population table has one; it can differ from the sum by rounding)."""
    vc = float(table["vardcentraler"].sum())
    inv = float(table["invanare"].sum())
    change = float(table["forandring_2030"].sum())
    pop = total_population(ds, variant)
    lan = pop[pop["regionkod"] == ds.region.lanskod].set_index("year")["population"]
    year = int(table["invanare_ar"].iloc[0])
    if variant == "RH2026" and year in lan.index and 2030 in lan.index:
        inv, change = float(lan[year]), float(lan[2030] - lan[year])
    return {
        "vardcentraler": vc,
        "filialer": float(table["filialer"].sum()),
        "listade_per_vc": supply_headline(ds).listade_per_vc,
        "invanare": inv,
        "forandring_2030": change,
        "invanare_per_vc": inv / vc if vc else float("nan"),
    }


@dataclass(frozen=True)
class MapMeasure:
    key: str
    label_sv: str
    sources: tuple[str, ...]  # manifest tables, for the "Källa:" line
    format: Callable[[float], str]
    compute: Callable[[Dataset, str], pd.Series]  # (ds, variant) -> Series by kommunkod


def _from_table(col: str) -> Callable[[Dataset, str], pd.Series]:
    return lambda ds, variant: kommun_table(ds, variant).set_index("kommunkod")[col]


def _growth_pct(ds: Dataset, variant: str) -> pd.Series:
    t = kommun_table(ds, variant).set_index("kommunkod")
    return 100.0 * t["forandring_2030"] / t["invanare"]


def _share80(year: int) -> Callable[[Dataset, str], pd.Series]:
    def f(ds: Dataset, variant: str) -> pd.Series:
        a = age_groups(ds)
        a = a[a["year"] == year]
        tot = a.groupby("regionkod")["population"].sum()
        old = a[a["aldersgrupp"] == "80+"].set_index("regionkod")["population"]
        return 100.0 * old / tot

    return f


def _growth80(ds: Dataset, variant: str) -> pd.Series:
    a = age_groups(ds)
    a = a[a["aldersgrupp"] == "80+"].pivot_table(index="regionkod", columns="year", values="population")
    base = ds.region.basar
    return 100.0 * (a[2030] - a[base]) / a[base]


def _travel(mode: str) -> Callable[[Dataset, str], pd.Series]:
    return lambda ds, variant: ds.table("restid").set_index("regionkod")[mode]


def _int(x: float) -> str:
    return fmt.number(x)


def _pct(x: float) -> str:
    return fmt.percent(x, 1)


def _signed_pct(x: float) -> str:
    return fmt.percent(x, 1, signed=True)


def _minutes(x: float) -> str:
    return "inget värde" if pd.isna(x) else f"{fmt.number(x)}\u00a0min"


MAP_MEASURES: dict[str, MapMeasure] = {
    m.key: m
    for m in (
        MapMeasure("invanare_per_vc", "Invånare per vårdcentral", ("utbud", "befolkning"), _int, _from_table("invanare_per_vc")),
        MapMeasure("listade_per_vc", "Snitt listade per vårdcentral", ("utbud",), _int, _from_table("listade_per_vc")),
        MapMeasure("vardcentraler", "Antal vårdcentraler", ("utbud",), _int, _from_table("vardcentraler")),
        MapMeasure("filialer", "Antal filialer", ("utbud",), _int, _from_table("filialer")),
        MapMeasure("invanare", "Invånare", ("befolkning", "utbud"), _int, _from_table("invanare")),
        MapMeasure("tillvaxt", "Befolkningsförändring till 2030 (%)", ("befolkning", "utbud"), _signed_pct, _growth_pct),
        MapMeasure("andel80", "Andel 80 år och äldre 2025 (%)", ("befolkning_alder",), _pct, _share80(2025)),
        MapMeasure("tillvaxt80", "Förändring 80+ 2025–2030 (%)", ("befolkning_alder",), _signed_pct, _growth80),
        MapMeasure("restid_bil", "Restid till närmaste VC med bil (median, min)", ("restid",), _minutes, _travel("bil")),
        MapMeasure(
            "restid_koll",
            "Restid till närmaste VC med kollektivtrafik (median, min)",
            ("restid",),
            _minutes,
            _travel("kollektivtrafik"),
        ),
    )
}
DEFAULT_MAP_MEASURE = "invanare_per_vc"


def map_ranking(ds: Dataset, values: pd.Series, measure: MapMeasure) -> pd.DataFrame:
    """The map's values as a table, highest first (the map's text alternative)."""
    names = ds.kommun_names()
    v = values.sort_values(ascending=False, na_position="last")
    return pd.DataFrame({"Kommun": [names.get(k, k) for k in v.index], "Värde": [measure.format(x) for x in v]})


def map_message(ds: Dataset, values: pd.Series, measure: MapMeasure) -> str:
    """The map's main message (its caption): where the value is highest and lowest."""
    names = ds.kommun_names()
    v = values.dropna().sort_values(ascending=False)
    head = f"Karta över kommunerna, {measure.label_sv.lower()}"
    if v.empty:
        return f"{head}: uppgift saknas för alla kommuner."
    hi, lo = v.index[0], v.index[-1]
    missing = len(values) - len(v)
    tail = f" Uppgift saknas för {missing} kommun{'er' if missing > 1 else ''}." if missing else ""
    return (
        f"{head}: högst i {names.get(hi, hi)} ({measure.format(v.iloc[0])}), lägst i {names.get(lo, lo)} "
        f"({measure.format(v.iloc[-1])}).{tail} Alla värden står i tabellen."
    )


def map_values(ds: Dataset, measure: str, variant: str) -> pd.Series:
    """The chosen measure per kommunkod (kommun rows only)."""
    m = MAP_MEASURES[measure]
    s = m.compute(ds, variant)
    return s[s.index.isin(ds.kommun_codes)].astype(float)
