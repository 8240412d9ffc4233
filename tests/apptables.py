"""AppTest helpers: the app's path, and finding a table on a page whichever element draws it.

``naravard.ui.table`` draws small tables as static ``st.table`` and large ones as the
``st.dataframe`` grid, so a test asks for a table by a column it has, not by kind and
position.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

#: The app's entry script, absolute (AppTest.from_file resolves a relative path against
#: the calling test file, which differs with the test's folder).
APP = str(Path(__file__).resolve().parents[1] / "app.py")


def all_tables(at: AppTest) -> list[pd.DataFrame]:
    return [t.value for t in list(at.table) + list(at.dataframe)]


def table_with(at: AppTest, column: str, nth: int = 0) -> pd.DataFrame:
    """The ``nth`` table on the page that has ``column`` (AssertionError if none)."""
    found = [t for t in all_tables(at) if column in t.columns]
    assert len(found) > nth, f"no table with column {column!r}; tables: {[list(t.columns) for t in all_tables(at)]}"
    return found[nth]


def scenario_page(query: dict | None = None, timeout: int = 90) -> AppTest:
    """The Scenario page with ``query`` as its URL parameters.

    Starts on the main page, as a browser does: app.py's st.navigation takes Streamlit
    out of its legacy pages/ mode (AppTest resets it per test; see ui.ensure_frame).
    """
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    at.switch_page("pages/scenario.py")
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
