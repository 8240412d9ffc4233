"""naravard: entry point. Only the frame: page config, the sign-in gate, navigation, shared sidebar.

Run with ``streamlit run app.py``. Pages live in ``pages/`` and are listed in
``naravard.ui.PAGES``; all logic lives in the ``naravard`` package.
"""

import streamlit as st

from naravard import ui

st.set_page_config(
    page_title="Primärvårdens kapacitet",
    # No page_icon: a Material or emoji icon is fetched from a CDN, and the app must
    # work offline. Streamlit's bundled favicon is used instead.
    layout="wide",
    initial_sidebar_state="expanded",
)

ds = ui.dataset()
st.set_page_config(page_title=ui.page_title(ds))  # additive: names the region from the manifest
# groups mode: until the session has signed in, the sign-in view and st.stop() (no page
# runs); the URL, a shared link included, is left as it is
ui.auth.gate()
page = st.navigation(ui.navigation_pages(admin=ui.auth.current_access().is_admin))
ui.sidebar(ds, page.url_path)
ui.run_page(page)  # an unexpected error: a Swedish message, not Streamlit's English box
