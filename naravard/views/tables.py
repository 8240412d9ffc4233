"""Display tables: numbers turned into Swedish-formatted strings with Swedish headers.

Streamlit's own number formatting follows the browser's locale, which on a
presenter's laptop may be English; formatting here keeps ``343 000`` and ``86,1 %``
the same everywhere.
"""

from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd

from naravard import fmt

Column = tuple[str, str, Callable[[object], str] | None]  # (source column, Swedish header, formatter)


def display(df: pd.DataFrame, columns: Sequence[Column]) -> pd.DataFrame:
    """Select, rename and format columns; ``None`` as formatter keeps text as is."""
    out = pd.DataFrame(index=df.index)
    for col, label, f in columns:
        out[label] = df[col].map(f) if f is not None else df[col].astype(str)
    return out.reset_index(drop=True)


def integer(x) -> str:
    return fmt.number(x)


def signed(x) -> str:
    return fmt.number(x, signed=True)


def pct1(x) -> str:
    return fmt.percent(x, 1)


def one_decimal(x) -> str:
    return fmt.number(x, 1)
