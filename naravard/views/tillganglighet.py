"""What the Tillgänglighet page shows: indicator series beside the deck's snapshot."""

from __future__ import annotations

import pandas as pd

from naravard import fmt
from naravard.model import indicators as access
from naravard.views import figures
from naravard.sources.dataset import Dataset
from naravard.views.tables import display, pct1


def indicator_chart(ds: Dataset, kpi_id: str) -> tuple[figures.Chart, str]:
    ind = access.indicators(ds).set_index("kpi_id")
    name = str(ind.loc[kpi_id, "indikator"])
    series = access.indicator_series(ds, kpi_id)
    snap = access.snapshot_for(ds, kpi_id)
    fig = figures.indicator_lines(series, (snap.label_sv, snap.year, snap.value) if snap else None, title=name)
    parts = []
    for area in series["omrade"].unique():
        last = access.latest(ds, kpi_id, area)
        if last:
            parts.append(f"{area} {fmt.percent(last[1], 1)} ({last[0]})")
    alt = f"Linjediagram, {name.lower()}, procent per år. Senaste värde: " + ", ".join(parts) + "."
    if snap:
        alt += f" {snap.label_sv}: {fmt.percent(snap.value, 1)}."
    return fig, alt


def indicator_table(ds: Dataset, kpi_id: str) -> pd.DataFrame:
    """The series as a table: one row per area, one column per year ('–' = no value)."""
    s = access.indicator_series(ds, kpi_id)
    w = s.pivot_table(index="omrade", columns="year", values="value", sort=False).reset_index()
    return display(w, [("omrade", "Område", None), *[(y, str(y), pct1) for y in w.columns if y != "omrade"]])


def snapshot_table(ds: Dataset) -> pd.DataFrame:
    t = ds.table("tillganglighet_hsu").copy()
    t["riket_visning"] = t.apply(
        lambda r: fmt.percent(r["riket"], 1) if pd.notna(r["riket"]) else (r["riket_text"] if pd.notna(r["riket_text"]) else "–"),
        axis=1,
    )
    t["not"] = t["not"].fillna("")
    return display(
        t,
        [
            ("indikator", "Indikator", None),
            ("halland", "Halland", pct1),
            ("riket_visning", "Riket", None),
            ("period", "Period", None),
            ("not", "Not", None),
        ],
    )


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
    h = t[t["regionkod"] == ds.region.lanskod].iloc[0]
    worst = t[t["regionkod"] != ds.region.lanskod].sort_values("bil").iloc[-1]
    alt = (
        f"Stapeldiagram, mediantid i minuter till närmaste vårdcentral per kommun och färdsätt. "
        f"{h['omrade']}: bil {fmt.number(h['bil'])}, cykel {fmt.number(h['cykel'])}, kollektivtrafik "
        f"{fmt.number(h['kollektivtrafik'])} och gång {fmt.number(h['gang'])} minuter. Längst med bil: "
        f"{worst['omrade']} ({fmt.number(worst['bil'])} minuter). Gångtid saknas för Laholm och Hylte."
    )
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
