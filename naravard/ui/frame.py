"""The frame guard: every page runs inside app.py's navigation."""

from __future__ import annotations

import streamlit as st


def ensure_frame() -> None:
    """Make sure the page runs inside app.py's frame, even on a fresh server.

    Streamlit keeps a legacy mode for apps with a ``pages/`` folder beside the main
    script: until some session has called ``st.navigation``, a deep link such as
    ``/scenario`` as the first request after a (re)start runs ``pages/scenario.py``
    alone, without page config, navigation or the shared sidebar. ``st.navigation``
    switches that mode off for the process; here we do the same and rerun, so the
    request goes through app.py. Touches one private flag, guarded: if a future
    Streamlit drops it, this does nothing (and tests/browser catch the regression).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - Streamlit internals moved
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
