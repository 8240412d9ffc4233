"""The frame: every page runs inside app.py's navigation, and a page that fails
shows a Swedish message instead of Streamlit's English error box."""

from __future__ import annotations

import logging

import streamlit as st

_log = logging.getLogger("naravard")

#: What a person sees when a page fails unexpectedly (the details go to the log).
PAGE_ERROR_SV = (
    "Något gick fel när sidan skulle visas, och felet har loggats. Ladda om sidan (F5) eller välj en "
    "annan sida. Kvarstår felet, kontakta den som driver verktyget och berätta vad du gjorde."
)


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


def _raise_in_tests() -> bool:
    """Under AppTest a failing page stays an exception, so tests that assert
    ``not at.exception`` still see every bug."""
    from streamlit import config  # AppTest patches config.get_option, not st.get_option

    try:
        return bool(config.get_option("global.appTest"))
    except Exception:  # noqa: BLE001 - an unknown option: behave as in production
        return False


def run_page(page) -> None:
    """Run the page from ``st.navigation``; an unexpected error becomes a Swedish message.

    With ``client.showErrorDetails = "none"`` Streamlit already hides the traceback,
    but says so in English ("This app has encountered an error …"). Here the error
    is logged with its traceback and the page shows :data:`PAGE_ERROR_SV`. Streamlit's
    control flow (``st.stop``, ``st.rerun``, ``st.switch_page``) raises BaseException
    subclasses and passes through. A fragment rerun (the Scenario studio) runs its
    function without this wrapper, so an error there still gets Streamlit's text.
    """
    try:
        page.run()
    except Exception:
        if _raise_in_tests():
            raise
        _log.exception("page %s failed", getattr(page, "url_path", "?"))
        st.error(PAGE_ERROR_SV, icon=":material/error:")
