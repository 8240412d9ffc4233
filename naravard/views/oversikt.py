"""Översikt: the per-kommun table as the page shows it (Swedish headers, formatted)."""

from __future__ import annotations

import pandas as pd

from naravard import fmt
from naravard.model import supply
from naravard.sources.dataset import Dataset
from naravard.views.tables import display, integer, signed


def kommun_display(ds: Dataset, variant: str) -> pd.DataFrame:
    """The overview table as the page shows it: Swedish headers, formatted, total row."""
    t = supply.kommun_table(ds, variant)
    year = int(t["invanare_ar"].iloc[0])
    total = supply.kommun_table_total(ds, t, variant)
    total_row = {"kommunkod": ds.region.lanskod, "kommun": f"{ds.region.kort_namn} totalt", **total}
    t = pd.concat([t, pd.DataFrame([total_row])], ignore_index=True)
    cols = [
        ("kommun", "Kommun", None),
        ("vardcentraler", "Vårdcentraler", integer),
        ("filialer", "Filialer", integer),
        ("listade_per_vc", "Snitt listade per VC", integer),
        ("invanare", f"Invånare {year}", integer),
        ("forandring_2030", f"Förändring {year}–{int(t['till_ar'].iloc[0])}", signed),
        ("invanare_per_vc", "Invånare per VC", integer),
    ]
    out = display(t, cols)
    # the deck's Halland average listing is 'ca 7 400'
    out.loc[out.index[-1], "Snitt listade per VC"] = fmt.number(
        total["listade_per_vc"], approx=supply.supply_headline(ds).approximate
    )
    return out
