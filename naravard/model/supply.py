"""The overview's per-kommun table and the measures a user can colour the map by.

Pure functions on a :class:`~naravard.data.Dataset`; the page only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from naravard import fmt
from naravard.sources.dataset import Dataset
from naravard.model import forecast as fc
from naravard.model.population import age_groups, forecasts, horizon_year, total_population


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


def listade_per_vc_note_sv(ds: Dataset) -> str:
    """Both bases of 'listed per VC' for the region, labelled (one sentence).

    The deck gives its own rounded regional average (e.g. 'ca 7 400'); the scenario
    model, which works per kommun, computes listed today as each kommun's rounded
    average × its VCs, so its regional figure is that sum over all VCs. Wherever one
    of the two is shown, this note names both.
    """
    u = ds.table("utbud")
    vc = float(u["vardcentraler"].sum())
    listed = float((u["listade_per_vc"] * u["vardcentraler"]).sum())
    computed = (
        f"scenariot räknar {fmt.number(listed)} listade / {fmt.number(vc)} vårdcentraler = "
        f"{fmt.number(listed / vc)} ur snitten per kommun"
        if vc
        else "scenariot kan inte räkna ett snitt (inga vårdcentraler)"
    )
    h = supply_headline(ds)
    if h.source_table == "nyckeltal":
        f = ds.fact("listade_per_vc")
        return (
            f"Snitt listade per vårdcentral: {fmt.number(f.value, approx=f.approximate)} är dialogunderlagets "
            f"avrundade tal för hela regionen ({f.period}); {computed}."
        )
    return f"Snitt listade per vårdcentral: {computed[0].upper() + computed[1:]}."


def kommun_table(ds: Dataset, variant: str) -> pd.DataFrame:
    """One row per kommun: supply from the HSU-2023 deck, population in the variant.

    Columns: kommunkod, kommun, vardcentraler, filialer, listade_per_vc, invanare,
    invanare_ar, till_ar, forandring_2030, invanare_per_vc. ``invanare`` is the
    variant's first year (the deck's first year, the tables' base year) so that
    inhabitants per VC uses the same population as the forecast beside it;
    ``forandring_2030`` is the change to ``till_ar``, the forecast's horizon year
    (:func:`~naravard.model.population.horizon_year`; the column keeps its old name).
    """
    u = ds.table("utbud").copy()
    pop = total_population(ds, variant)
    pop = pop[pop["regionkod"].isin(u["kommunkod"])]
    first = int(pop.loc[pop["kind"] == "observerad", "year"].max())
    now = pop[pop["year"] == first].set_index("regionkod")["population"]
    to_year = horizon_year(ds, variant)
    later = pop[pop["year"] == to_year].set_index("regionkod")["population"]
    out = pd.DataFrame(
        {
            "kommunkod": u["kommunkod"],
            "kommun": u["kommunkod"].map(ds.kommun_names()),
            "vardcentraler": u["vardcentraler"],
            "filialer": u["filialer"],
            "listade_per_vc": u["listade_per_vc"],
            "invanare": u["kommunkod"].map(now).astype("int64"),
            "invanare_ar": first,
            "till_ar": to_year,
            "forandring_2030": (u["kommunkod"].map(later) - u["kommunkod"].map(now)).astype("int64"),
        }
    )
    out["invanare_per_vc"] = out["invanare"] / out["vardcentraler"].where(out["vardcentraler"] > 0)
    return out.reset_index(drop=True)


def kommun_table_total(ds: Dataset, table: pd.DataFrame, variant: str) -> dict[str, float]:
    """The region row: sums of the kommun rows, except where a published län total
    exists (a population table's län row; it can differ from the sum by rounding)."""
    vc = float(table["vardcentraler"].sum())
    inv = float(table["invanare"].sum())
    change = float(table["forandring_2030"].sum())
    pop = total_population(ds, variant)
    lan = pop[pop["regionkod"] == ds.region.lanskod].set_index("year")["population"]
    year = int(table["invanare_ar"].iloc[0])
    to_year = horizon_year(ds, variant)
    if forecasts(ds)[variant].method == fc.TABLES and year in lan.index and to_year in lan.index:
        inv, change = float(lan[year]), float(lan[to_year] - lan[year])
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
    """One measure the map can colour by. ``label_sv`` may hold ``{bas}`` (the data's
    base year), ``{till}`` (the forecast's horizon) and ``{till80}`` (the age table's
    first year after the base): :func:`measure_for` fills them from the data in use,
    so no year is written in code."""

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


def _share80(year: int | None = None) -> Callable[[Dataset, str], pd.Series]:
    """Share aged 80+ per kommun in ``year`` (None: the base year of the data)."""

    def f(ds: Dataset, variant: str) -> pd.Series:
        a = age_groups(ds)
        a = a[a["year"] == (ds.region.basar if year is None else year)]
        tot = a.groupby("regionkod")["population"].sum()
        old = a[a["aldersgrupp"] == "80+"].set_index("regionkod")["population"]
        return 100.0 * old / tot

    return f


def _growth80(ds: Dataset, variant: str) -> pd.Series:
    a = age_groups(ds)
    a = a[a["aldersgrupp"] == "80+"].pivot_table(index="regionkod", columns="year", values="population")
    base = ds.region.basar
    later = [y for y in a.columns if y > base]
    to_year = later[0] if later else base
    return 100.0 * (a[to_year] - a[base]) / a[base]


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
        MapMeasure("tillvaxt", "Befolkningsförändring till {till} (%)", ("befolkning", "utbud"), _signed_pct, _growth_pct),
        MapMeasure("andel80", "Andel 80 år och äldre {bas} (%)", ("befolkning_alder",), _pct, _share80()),
        MapMeasure("tillvaxt80", "Förändring 80+ {bas}–{till80} (%)", ("befolkning_alder",), _signed_pct, _growth80),
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


def _age_year_after_base(ds: Dataset) -> int:
    base = ds.region.basar
    if not ds.has("befolkning_alder"):
        return base
    later = sorted(int(y) for y in ds.table("befolkning_alder")["year"].unique() if int(y) > base)
    return later[0] if later else base


def measure_for(ds: Dataset, variant: str, key: str) -> MapMeasure:
    """The measure ``key`` with its label's years filled in from the data in use."""
    from dataclasses import replace

    m = MAP_MEASURES[key]
    if "{" not in m.label_sv:
        return m
    try:
        till = horizon_year(ds, variant)
    except (KeyError, ValueError, IndexError):
        till = ds.region.basar
    return replace(m, label_sv=m.label_sv.format(bas=ds.region.basar, till=till, till80=_age_year_after_base(ds)))


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
