"""Swedish text content quoted from the source documents (not figures).

The text itself is data (``dialog.toml`` in the data dir, see
:mod:`naravard.sources.dialog`): another region's deck brings its own questions and
options. This module hands it to the pages and fills the ``{nyckel}`` placeholders with
the figures of the ``nyckeltal`` table, so a figure is typed once, in the table that
cites it. Presented neutrally: the app shows the options and the numbers that bear on
them, never a recommendation.
"""

from __future__ import annotations

import re

from naravard import fmt
from naravard.errors import DataError
from naravard.sources.dataset import Dataset
from naravard.sources.dialog import Dialog, Option  # noqa: F401  (re-exported for pages)

_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")
MISSING_FIGURE = "(uppgift saknas)"


def dialog(ds: Dataset) -> Dialog | None:
    """The data dir's dialogue text, or None when it has none (or it failed to load)."""
    return ds.dialog


def fill_facts(ds: Dataset, text: str) -> str:
    """Replace each ``{nyckel}`` with that key figure in Swedish format ("ca" kept).

    A key the table lacks becomes "(uppgift saknas)": the page says a figure is
    missing rather than inventing one or failing.
    """

    def one(m: re.Match) -> str:
        try:
            f = ds.fact(m.group(1))
        except DataError:
            return MISSING_FIGURE
        return fmt.number(f.value, approx=f.approximate)

    return _PLACEHOLDER.sub(one, text)


def closing_question(ds: Dataset) -> str:
    """The question each theme of the deck closes with ('' if the data has none)."""
    d = dialog(ds)
    return d.closing_question if d else ""


def citation(ds: Dataset) -> str:
    """The "Källa:" text for quoted dialogue content."""
    d = dialog(ds)
    if d is None or d.source not in ds.sources:
        return ""
    return f"Texterna: {ds.sources[d.source].citation}"
