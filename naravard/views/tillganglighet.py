"""What the Tillgänglighet page shows: indicator series beside the deck's snapshot,
and the page's texts. Region and comparison names come from the manifest, quoted text
from the data dir's dialogue file (:mod:`naravard.views.content`)."""

from __future__ import annotations

import pandas as pd

from naravard import fmt
from naravard.model import indicators as access
from naravard.sources.dataset import Dataset
from naravard.sources.vocab import NATIONAL_AREA
from naravard.views import content, figures
from naravard.views.tables import Column, display, pct1


def _area(name: str) -> str:
    """An area as running text: the nation's row reads "riket"."""
    return "riket" if name == NATIONAL_AREA else name


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def intro(ds: Dataset) -> str:
    """The page's lead paragraph, naming the region and the areas it is compared with."""
    comp = [_area(a) for a in ds.region.jamforelse]
    versus = f", jämfört med {_and(comp)}" if comp else ""
    return (
        f"Hur lätt är det att nå primärvården i {ds.region.kort_namn}{versus}? Serierna kommer från Kolada; "
        "dialogunderlagets siffror är mätta på annat sätt och visas som en egen punkt (svart stjärna) "
        "bredvid serierna."
    )


def indicator_names(ds: Dataset) -> dict[str, str]:
    """kpi_id → name, for the indicator chooser (file order)."""
    return access.indicator_names(ds)


def indicator_note(ds: Dataset, kpi_id: str) -> str:
    """The series' underlying source and note, for its "Källa:" line."""
    row = access.indicators(ds).set_index("kpi_id").loc[kpi_id]
    note = f" {row['not']}." if isinstance(row["not"], str) and row["not"] else ""
    return f"Underliggande källa: {row['underliggande_kalla']} ({kpi_id}).{note}"


def indicator_chart(ds: Dataset, kpi_id: str) -> tuple[figures.Chart, str]:
    ind = access.indicators(ds).set_index("kpi_id")
    name = str(ind.loc[kpi_id, "indikator"])
    series = access.indicator_series(ds, kpi_id)
    snap = access.snapshot_for(ds, kpi_id)
    fig = figures.indicator_lines(
        series, (snap.label_sv, snap.year, snap.value, snap.decimals) if snap else None, title=name
    )
    parts = []
    for area in series["omrade"].unique():
        last = access.latest(ds, kpi_id, area)
        if last:
            parts.append(f"{area} {fmt.percent(last[1], 1)} ({last[0]})")
    alt = f"Linjediagram, {name.lower()}, procent per år. Senaste värde: " + ", ".join(parts) + "."
    if snap:
        alt += f" {snap.label_sv}: {fmt.percent(snap.value, snap.decimals)}."
    return fig, alt


def indicator_numbers(ds: Dataset, kpi_id: str) -> tuple[pd.DataFrame, list[Column]]:
    """The series as numbers, one row per area and one column per year, and its
    columns (source column, Swedish header, formatter): :func:`indicator_table`
    formats it for the page, a slide (:mod:`naravard.views.slides`) keeps the numbers."""
    s = access.indicator_series(ds, kpi_id)
    w = s.pivot_table(index="omrade", columns="year", values="value", sort=False).reset_index()
    return w, [("omrade", "Område", None), *[(y, str(y), pct1) for y in w.columns if y != "omrade"]]


def indicator_table(ds: Dataset, kpi_id: str) -> pd.DataFrame:
    """The series as a table: one row per area, one column per year ('–' = no value)."""
    return display(*indicator_numbers(ds, kpi_id))


def snapshot_table(ds: Dataset) -> pd.DataFrame:
    """The deck's snapshot at the source's precision ("92 %", "86,1 %")."""
    t = ds.table("tillganglighet_hsu").copy()
    t["varde_visning"] = [fmt.percent(v, int(d)) for v, d in zip(t["varde"], t["decimaler"])]
    t["riket_visning"] = t.apply(
        lambda r: fmt.percent(r["riket"], int(r["decimaler"]))
        if pd.notna(r["riket"])
        else (r["riket_text"] if pd.notna(r["riket_text"]) else "–"),
        axis=1,
    )
    t["not"] = t["not"].fillna("")
    return display(
        t,
        [
            ("indikator", "Indikator", None),
            ("varde_visning", ds.region.kort_namn, None),
            ("riket_visning", NATIONAL_AREA, None),
            ("period", "Period", None),
            ("not", "Not", None),
        ],
    )


def snapshot_alt(ds: Dataset) -> str:
    return f"Tillgänglighet enligt dialogunderlaget, {ds.region.kort_namn} och riket."


def requirements_markdown(ds: Dataset) -> str:
    """"Vad gäller för vårdcentralerna": the deck's text, figures from the key-figure table."""
    d = content.dialog(ds)
    if d is None or not d.access_requirements:
        return ""
    lines = [content.fill_facts(ds, line) for line in d.access_requirements]
    # a bullet may open with a figure ("ca 1 200 000 besök …"): a sentence starts with a capital
    return "\n".join(f"- {line[:1].upper()}{line[1:]}" for line in lines if line)


def dialog_questions(ds: Dataset) -> str:
    """The deck's questions for this theme and its closing question ('' if none)."""
    d = content.dialog(ds)
    if d is None or not (d.access_questions or d.closing_question):
        return ""
    text = "**Frågor till dialogen:** " + " ".join(d.access_questions)
    return f"{text} *{d.closing_question}*" if d.closing_question else text


def travel_chart(ds: Dataset) -> tuple[figures.Chart, str]:
    t = ds.table("restid")
    labels = {"bil": "Bil", "cykel": "Cykel", "kollektivtrafik": "Kollektivtrafik", "gang": "Gång"}
    long = t.melt(id_vars=["regionkod", "omrade"], value_vars=list(labels), var_name="satt", value_name="min")
    long["satt"] = long["satt"].map(labels)
    long = long.dropna(subset=["min"])
    fig = figures.grouped_bars(
        long, "omrade", "satt", "min", title="Mediantid till närmaste vårdcentral", y_title="Minuter",
        value_format=lambda v: f"{fmt.number(v)} min",
    )
    alt = "Stapeldiagram, mediantid i minuter till närmaste vårdcentral per kommun och färdsätt."
    region = t[t["regionkod"] == ds.region.lanskod]
    if not region.empty:
        h = region.iloc[0]
        parts = [f"{labels[m].lower()} {fmt.number(h[m])}" for m in labels if pd.notna(h[m])]
        alt += f" {h['omrade']}: {_and(parts)} minuter."
    kom = t[t["regionkod"] != ds.region.lanskod].dropna(subset=["bil"]).sort_values("bil")
    if not kom.empty:
        worst = kom.iloc[-1]
        alt += f" Längst med bil: {worst['omrade']} ({fmt.number(worst['bil'])} minuter)."
    for m, label in labels.items():
        missing = list(t.loc[t[m].isna(), "omrade"])
        if missing:
            alt += f" {label}: värde saknas för {_and(missing)}."
    return fig, alt


def travel_table(ds: Dataset) -> pd.DataFrame:
    minutes = lambda v: "inget värde" if pd.isna(v) else fmt.number(v)  # noqa: E731
    return display(
        ds.table("restid"),
        [
            ("omrade", "Område", None),
            ("bil", "Bil (min)", minutes),
            ("cykel", "Cykel (min)", minutes),
            ("kollektivtrafik", "Kollektivtrafik (min)", minutes),
            ("gang", "Gång (min)", minutes),
        ],
    )
