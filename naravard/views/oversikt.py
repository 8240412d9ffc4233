"""What the Översikt page shows: its title and lead, the headline figures, the
per-kommun table. Region names come from the manifest, never from code.

Headlines are built to fit (defect b of issue 10): ``st.metric`` clips a value or
label that is wider than its column, so a headline's value is one figure (the
horizon's, with the change from today as its delta), never "a → b", and labels stay
short. :data:`HEADLINES_PER_ROW` is the column count the browser test measures at
1280 px, 1400 px, 1920 px and 1920 px at 150 % zoom.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from naravard import fmt
from naravard.model import forecast as fc
from naravard.model import population, supply
from naravard.sources.dataset import Dataset
from naravard.views.tables import Column, display, integer, signed

HEADLINES_PER_ROW = 4


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    delta: str | None = None
    help: str | None = None


def title(ds: Dataset) -> str:
    return f"Primärvården i {ds.region.kort_namn} – översikt"


def intro(ds: Dataset) -> str:
    """The lead paragraph; names the deck by its manifest title."""
    deck = ds.source_of("utbud").title.split(" (")[0] if "utbud" in ds.info else "dialogunderlaget"
    return (
        "Hur många vårdcentraler och filialer finns, hur många är listade per vårdcentral "
        f"och hur växer befolkningen? Siffrorna kommer från *{deck}* och officiell statistik."
    )


def _change(later: population.Figure, now: population.Figure) -> str:
    """'+3 909 sedan 2025' ('ca' when either figure is approximate). Short on purpose:
    a delta wider than its column is clipped (the percent goes in the tooltip)."""
    approx = now.approximate or later.approximate
    return f"{fmt.number(later.value - now.value, signed=True, approx=approx)} sedan {now.year}"


def _growth_help(later: population.Figure, now: population.Figure, forecast: str) -> str:
    pct = fmt.percent(100 * (later.value / now.value - 1), 0, signed=True) if now.value else "–"
    return (
        f"{fmt.number(now.value, approx=now.approximate)} år {now.year}, "
        f"{fmt.number(later.value, approx=later.approximate)} år {later.year} ({pct}). Prognos: {forecast}"
    )


def headlines(ds: Dataset, variant: str) -> list[Headline]:
    """The headline figures in reading order; the page lays them out in rows."""
    forecast = population.forecasts(ds)[variant].label_sv
    now, later = population.headline_population(ds, variant)
    old_now, old_later = population.pop80_headline(ds, variant)
    s = supply.supply_headline(ds)
    out = [
        Headline(f"Invånare {now.year}", fmt.number(now.value, approx=now.approximate), help=f"Prognos: {forecast}"),
        Headline(
            f"Invånare {later.year} (prognos)",
            fmt.number(later.value, approx=later.approximate),
            _change(later, now),
            help=_growth_help(later, now, forecast),
        ),
        Headline(
            f"80 år och äldre {old_later.year}",
            fmt.number(old_later.value, approx=old_later.approximate),
            _change(old_later, old_now),
            help=_growth_help(old_later, old_now, forecast) + " " + population.pop80_note_sv(ds),
        ),
        Headline("Vårdcentraler / filialer", f"{fmt.number(s.vardcentraler)} / {fmt.number(s.filialer)}"),
        Headline(
            "Snitt listade per vårdcentral",
            fmt.number(s.listade_per_vc, approx=s.approximate),
            help=supply.listade_per_vc_note_sv(ds),
        ),
    ]
    for key, label in (
        ("max_avstand_vc_km", "Längsta avstånd till VC"),
        ("max_avstand_filial_km", "Längsta avstånd till filial"),
    ):
        if ds.has("nyckeltal") and key in ds.table("nyckeltal").index:
            f = ds.fact(key)
            out.append(Headline(label, f"{fmt.number(f.value)}\u00a0km", help=f.description))
    if ds.has("nyckeltal") and "vc_besok" in ds.table("nyckeltal").index:
        f = ds.fact("vc_besok")
        out.append(Headline(f"Besök på vårdcentralerna {f.period}", fmt.number(f.value, approx=f.approximate)))
    return out


def headline_rows(items: list[Headline], per_row: int = HEADLINES_PER_ROW) -> list[list[Headline]]:
    return [items[i : i + per_row] for i in range(0, len(items), per_row)]


def headline_note(ds: Dataset, variant: str) -> str:
    """The "Källa:" line's extra text: the one 80+ rule, and where the deck's own 80+
    figures stand."""
    note = population.pop80_note_sv(ds)
    if population.forecasts(ds)[variant].method != fc.TABLES:
        return "80+ per kommun finns inte i dialogunderlaget; se sidan Befolkning. " + note
    return note


def kommun_tables(ds: Dataset, variant: str) -> tuple[str, ...]:
    """The tables of the per-kommun table: supply, and the forecast's population."""
    tables = population.forecasts(ds)[variant].method == fc.TABLES
    return ("utbud", *(["befolkning"] if tables else []))


def headline_tables(ds: Dataset, variant: str) -> tuple[str, ...]:
    return ("nyckeltal", *kommun_tables(ds, variant), "befolkning_alder")


def kommun_alt() -> str:
    return (
        "Tabell per kommun: vårdcentraler, filialer, snitt listade per vårdcentral, invånare, "
        "förändring till 2030 och invånare per vårdcentral."
    )


def kommun_numbers(ds: Dataset, variant: str) -> tuple[pd.DataFrame, list[Column]]:
    """The overview table as numbers with its total row, and its columns (source
    column, Swedish header, formatter): :func:`kommun_display` formats it for the
    page, a slide (:mod:`naravard.views.slides`) keeps the numbers."""
    t = supply.kommun_table(ds, variant)
    year = int(t["invanare_ar"].iloc[0])
    total = supply.kommun_table_total(ds, t, variant)
    total_row = {"kommunkod": ds.region.lanskod, "kommun": f"{ds.region.kort_namn} totalt", **total}
    t = pd.concat([t, pd.DataFrame([total_row])], ignore_index=True)
    cols: list[Column] = [
        ("kommun", "Kommun", None),
        ("vardcentraler", "Vårdcentraler", integer),
        ("filialer", "Filialer", integer),
        ("listade_per_vc", "Snitt listade per VC", integer),
        ("invanare", f"Invånare {year}", integer),
        ("forandring_2030", f"Förändring {year}–{int(t['till_ar'].iloc[0])}", signed),
        ("invanare_per_vc", "Invånare per VC", integer),
    ]
    return t, cols


def kommun_display(ds: Dataset, variant: str) -> pd.DataFrame:
    """The overview table as the page shows it: Swedish headers, formatted, total row."""
    t, cols = kommun_numbers(ds, variant)
    total = t.iloc[-1]
    out = display(t, cols)
    # the region's average listing as the source gives it (the deck's is 'ca 7 400')
    out.loc[out.index[-1], "Snitt listade per VC"] = fmt.number(
        total["listade_per_vc"], approx=supply.supply_headline(ds).approximate
    )
    return out
