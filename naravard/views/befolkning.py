"""What the Befolkning page shows: figures with their text alternatives, and tables.

Each chart function returns ``(figure, alt)`` where ``alt`` is a sentence that states
the chart's main message from the data (for screen readers and as a caption).
"""

from __future__ import annotations

import pandas as pd

from naravard import fmt
from naravard.views import figures
from naravard.model import forecast as fc
from naravard.model import population
from naravard.sources.dataset import Dataset
from naravard.views.tables import Column, display, integer, one_decimal, signed

AGE_YEARS = [2020, 2025, 2030, 2040]


def intro(ds: Dataset) -> str:
    """The page's lead: the deck's 80+ figures, labelled as the deck's, with their years."""
    lead = "Hur många bor i kommunerna, hur förändras åldersstrukturen och hur många är 80 år och äldre?"
    if not ds.has("nyckeltal"):
        return lead
    idx = set(ds.table("nyckeltal").index)
    if not {"invanare_80_idag", "invanare_80_2030"} <= idx:
        return lead
    a, b = ds.fact("invanare_80_idag"), ds.fact("invanare_80_2030")
    return (
        f"{lead} Enligt dialogunderlaget ökar antalet invånare 80 år och äldre i {ds.region.kort_namn} från "
        f"{fmt.number(a.value, approx=a.approximate)} år {a.period} till {fmt.number(b.value, approx=b.approximate)} "
        f"år {b.period}, medan gruppen i arbetsför ålder växer betydligt långsammare."
    )


def kommun_options(ds: Dataset) -> tuple[list[str], dict[str, str]]:
    """(kommun codes in table order, code → name) for the kommun chooser."""
    return ds.kommun_codes, ds.kommun_names()


def pop80_note(ds: Dataset) -> str:
    """The 80+ table's "Källa:" extra: which years are projected, the one 80+ rule
    and the deck's rounded figure with its year."""
    projected = [y for y in AGE_YEARS if y > ds.region.basar]
    note = " och ".join(str(y) for y in projected) + " är framskrivning. " if projected else ""
    return (note + population.pop80_note_sv(ds)).strip()


def population_chart(ds: Dataset, variant: str, kommuner: list[str]) -> tuple[figures.Chart, str]:
    pop = population.total_population(ds, variant)
    pop = pop[pop["regionkod"].isin(kommuner)]
    title = f"Invånare per kommun – {population.forecasts(ds)[variant].label_sv}"
    fig = figures.population_lines(pop, title)
    if pop.empty:
        return fig, "Ingen kommun vald."
    first, last = int(pop["year"].min()), int(pop["year"].max())
    w = pop.pivot_table(index="region", columns="year", values="population")
    growth = (w[last] - w[first]).sort_values()
    parts = [f"{k} {fmt.number(v, signed=True)}" for k, v in growth.items()]
    alt = f"Linjediagram, invånare per kommun {first}–{last}. Förändring {first}–{last}: " + ", ".join(parts) + "."
    return fig, alt


def variant_note(ds: Dataset, variant: str) -> str:
    f = population.forecasts(ds)[variant]
    if f.method == fc.DECK:
        return (
            f"Dialogunderlaget ger invånare {f.first_year} och förändring till {f.last_year}; "
            "linjen mellan åren är bara en förbindelse."
        )
    published = [str(y) for y in f.years if y > f.base_year]
    return (
        f"{f.base_year + 1} och senare: {f.label_sv}"
        + (f"; punkterna {', '.join(published[:-1])} och {published[-1]} är publicerade." if len(published) > 1 else ".")
    )


def variant_tables(ds: Dataset, variant: str) -> tuple[str, ...]:
    """The tables a forecast's population comes from (for its "Källa:" line)."""
    return ("utbud",) if population.forecasts(ds)[variant].method == fc.DECK else ("befolkning",)


def comparison_pair(ds: Dataset) -> tuple[fc.Forecast, fc.Forecast] | None:
    """(the deck's forecast, the tables' forecast), or None if the data has not both."""
    fs = population.forecasts(ds)
    deck, tables = fc.of_method(fs, fc.DECK), fc.of_method(fs, fc.TABLES)
    return (deck, tables) if deck is not None and tables is not None and deck.last_year else None


def comparison_title(ds: Dataset) -> str:
    pair = comparison_pair(ds)
    return f"Jämför prognoserna för {pair[0].last_year}" if pair else "Jämför prognoserna"


def variant_comparison(ds: Dataset) -> pd.DataFrame:
    """Population in the deck's last year per kommun in both forecasts, with the difference."""
    pair = comparison_pair(ds)
    if pair is None:
        return pd.DataFrame({"Kommun": []})
    deck, tables = pair
    year = deck.last_year
    a = population.total_population(ds, deck.key)
    b = population.total_population(ds, tables.key)
    a = a[a["year"] == year].set_index("regionkod")["population"]
    b = b[b["year"] == year].set_index("regionkod")["population"]
    names = ds.kommun_names() | {ds.region.lanskod: f"{ds.region.kort_namn} totalt"}
    codes = [*ds.kommun_codes, ds.region.lanskod]
    df = pd.DataFrame({"kommun": [names[c] for c in codes], "hsu": a.reindex(codes).values, "rh": b.reindex(codes).values})
    df["diff"] = df["rh"] - df["hsu"]
    return display(
        df,
        [
            ("kommun", "Kommun", None),
            ("hsu", deck.label_sv, integer),
            ("rh", tables.label_sv, integer),
            ("diff", "Skillnad", signed),
        ],
    )


def pop80_chart(ds: Dataset) -> tuple[figures.Chart, str]:
    p = population.pop80(ds)
    p = p[(p["regionkod"] != ds.region.lanskod) & (p["year"].isin(AGE_YEARS))].copy()
    p["serie"] = p["year"].map(lambda y: f"{y}" + (" (prognos)" if y > ds.region.basar else ""))
    fig = figures.grouped_bars(p, "region", "serie", "population", title="Invånare 80 år och äldre", y_title="Invånare")
    lan = population.pop80(ds)
    lan = lan[lan["regionkod"] == ds.region.lanskod].set_index("year")["population"]
    alt = (
        f"Stapeldiagram, 80 år och äldre per kommun {AGE_YEARS[0]}–{AGE_YEARS[-1]}. "
        f"I hela {ds.region.kort_namn}: {fmt.number(lan.get(2020))} år 2020, {fmt.number(lan.get(2025))} år 2025, "
        f"{fmt.number(lan.get(2030))} år 2030 och {fmt.number(lan.get(2040))} år 2040 (framskrivning)."
    )
    return fig, alt


def pop80_numbers(ds: Dataset) -> tuple[pd.DataFrame, list[Column]]:
    """The 80+ table as numbers and its columns (source column, Swedish header,
    formatter): :func:`pop80_display` formats it for the page, a slide
    (:mod:`naravard.views.slides`) keeps the numbers beside the same formatters."""
    w = population.pop80_wide(ds, tuple(AGE_YEARS))
    w["region"] = w.apply(lambda r: f"{ds.region.kort_namn} totalt" if r["regionkod"] == ds.region.lanskod else r["region"], axis=1)
    w["forandring"] = w[2030] - w[ds.region.basar]
    w["forandring_pct"] = 100 * w["forandring"] / w[ds.region.basar]
    cols: list[Column] = [("region", "Kommun", None)]
    cols += [(y, f"{y}" + (" (prognos)" if y > ds.region.basar else ""), integer) for y in AGE_YEARS]
    cols += [
        ("forandring", f"Förändring {ds.region.basar}–2030", signed),
        ("forandring_pct", f"Förändring {ds.region.basar}–2030 (%)", lambda v: fmt.percent(v, 0, signed=True)),
    ]
    return w, cols


def pop80_display(ds: Dataset) -> pd.DataFrame:
    return display(*pop80_numbers(ds))


def age_chart(ds: Dataset, year: int) -> tuple[figures.Chart, str]:
    a = population.age_groups(ds)
    fig = figures.age_structure(a, year, title=f"Åldersstruktur {year}" + (" (prognos)" if year > ds.region.basar else ""))
    y = a[a["year"] == year]
    share = 100 * y[y["aldersgrupp"] == "80+"].set_index("kommun")["population"] / y.groupby("kommun")["population"].sum()
    share = share.sort_values()
    alt = (
        f"Staplat stapeldiagram, åldersgruppernas andel per kommun {year}. Andelen 80+ är lägst i "
        f"{share.index[0]} ({fmt.percent(share.iloc[0], 1)}) och högst i {share.index[-1]} ({fmt.percent(share.iloc[-1], 1)})."
    )
    return fig, alt


def ratio_chart(ds: Dataset) -> tuple[figures.Chart, str]:
    r = population.old_age_ratio(ds).rename(columns={"kommun": "omrade", "per_100": "value"})
    fig = figures.area_lines(
        r,
        "80+ per 100 invånare 20–64 år",
        y_title="Per 100",
        hover_unit="per 100",
        highlight=ds.region.kort_namn,
        divider=(ds.region.basar + 0.5, "prognos →"),
    )
    reg = r[r["regionkod"] == ds.region.lanskod].set_index("year")["value"]
    alt = (
        f"Linjediagram, invånare 80+ per 100 i åldern 20–64. {ds.region.kort_namn}: "
        f"{one_decimal(reg.get(2020))} år 2020, {one_decimal(reg.get(2030))} år 2030 och {one_decimal(reg.get(2040))} år 2040."
    )
    return fig, alt


# ------------------------------------------------------- the charts' numbers as tables


def population_table(ds: Dataset, variant: str, kommuner: list[str]) -> pd.DataFrame:
    """The population chart's numbers: one row per area, one column per year."""
    pop = population.total_population(ds, variant)
    pop = pop[pop["regionkod"].isin(kommuner)]
    w = pop.pivot_table(index="region", columns="year", values="population", sort=False).reset_index()
    years = [c for c in w.columns if c != "region"]
    f = population.forecasts(ds)[variant]
    first_proj = f.first_projected_year() or f.base_year + 1
    cols = [("region", "Kommun", None)] + [(y, f"{y}" + (" (prognos)" if y >= first_proj else ""), integer) for y in years]
    return display(w, cols)


def age_table(ds: Dataset, year: int) -> pd.DataFrame:
    """The age-structure chart's numbers: persons and share per age group."""
    a = population.age_groups(ds)
    a = a[a["year"] == year]
    w = a.pivot_table(index="kommun", columns="aldersgrupp", values="population", sort=False)
    total = w.sum(axis=1)
    out = pd.DataFrame({"Kommun": w.index})
    for g in w.columns:
        out[f"{g} år"] = [f"{fmt.number(v)} ({fmt.percent(100 * v / t, 1)})" for v, t in zip(w[g], total)]
    return out


def ratio_table(ds: Dataset) -> pd.DataFrame:
    """The old-age ratio chart's numbers: 80+ per 100 aged 20–64."""
    r = population.old_age_ratio(ds)
    w = r.pivot_table(index=["regionkod", "kommun"], columns="year", values="per_100").reset_index()
    order = {c: i for i, c in enumerate([*ds.kommun_codes, ds.region.lanskod])}
    w = w.sort_values("regionkod", key=lambda s: s.map(order)).reset_index(drop=True)
    cols = [("kommun", "Område", None)] + [
        (y, f"{y}" + (" (prognos)" if y > ds.region.basar else ""), one_decimal)
        for y in w.columns
        if y not in ("kommun", "regionkod")
    ]
    return display(w, cols)
