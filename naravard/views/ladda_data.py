"""What the Ladda data page shows: the checked file and its differences, in Swedish."""

from __future__ import annotations

import pandas as pd

from naravard import fmt
from naravard.services.import_tables import SHAPES
from naravard.services.importing import ImportReport


def _decimals(table: str) -> int:
    return 1 if table in SHAPES and not SHAPES[table].integer else 0


def preview_display(report: ImportReport) -> pd.DataFrame:
    """The validated file as strings in Swedish number format."""
    if report.preview is None:
        return pd.DataFrame()
    d = _decimals(report.table)
    out = report.preview.copy()
    for c in out.columns:
        if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map(lambda v: fmt.number(v, d, missing=""))
        else:
            out[c] = out[c].map(lambda v: "" if pd.isna(v) else str(v))
    return out


def diff_display(report: ImportReport, limit: int = 500) -> pd.DataFrame:
    """The differences as a Swedish table (at most ``limit`` rows)."""
    cols = ["Rad", "Kolumn", "Nu", "I filen", "Förändring"]
    if report.diff is None or report.diff.empty:
        return pd.DataFrame(columns=cols)
    d = _decimals(report.table)
    t = report.diff.head(limit)
    change = t["nytt"] - t["tidigare"]
    return pd.DataFrame(
        {
            "Rad": t["rad"],
            "Kolumn": t["kolumn"],
            "Nu": t["tidigare"].map(lambda v: fmt.number(v, d)),
            "I filen": t["nytt"].map(lambda v: fmt.number(v, d)),
            "Förändring": change.map(lambda v: fmt.number(v, d, signed=True)),
        }
    )
