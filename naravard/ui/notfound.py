"""A Swedish page for an address that names no page.

Streamlit 1.67 answers an unknown page address (``/finns-inte``) with an English
dialog, "Page not found – You have requested page /finns-inte, but no corresponding
file was found in the app's pages/ directory. Running the app's main page.", sent
when ``st.navigation`` cannot resolve the requested page name. Its text cannot be
changed. So when the browser's address names no page, the navigation gets one more,
hidden page under exactly that name: Streamlit resolves it (no dialog), and it says
in Swedish that the page does not exist and links every page. Names outside
``[A-Za-z0-9_-]`` (which Streamlit's URL matching may decode differently) keep the
English dialog.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

import streamlit as st

from naravard.ui.chrome import PAGES

_SAFE = re.compile(r"[A-Za-z0-9_-]{1,60}")
TITLE = "Sidan finns inte"


def unknown_page_name(url: str | None, known: Iterable[str], base_path: str = "") -> str | None:
    """The last path segment of ``url`` if it names no known page and is safe, else None.

    ``base_path`` is the server's ``baseUrlPath`` (the app's root may sit under one).
    """
    if not url:
        return None
    path = unquote(urlsplit(url).path).strip("/")
    base = base_path.strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base):].strip("/")
    if not path or "/" in path:
        return None
    return path if _SAFE.fullmatch(path) and path not in set(known) else None


def _render(name: str, admin: bool):
    def not_found() -> None:
        st.title(TITLE)
        st.warning(
            f"Det finns ingen sida som heter ”{name}” i verktyget. Kontrollera adressen, eller välj en av sidorna:",
            icon=":material/search_off:",
        )
        for p in PAGES:
            if admin or not p.admin_only:
                st.page_link(p.script, label=p.title)

    return not_found


def navigation_pages(admin: bool = False) -> list:
    """``st.Page`` objects for ``st.navigation``: every page of :data:`PAGES` (an
    admin-only page hidden from everyone else), and a hidden Swedish "not found" page
    when the browser's address names no page. ``admin``: whether the session may use
    the admin-only pages (``ui.auth.current_access().is_admin``)."""
    pages = [st.Page(p.script, title=p.title, url_path=p.url_path, default=(i == 0),
                     visibility="hidden" if p.admin_only and not admin else "visible") for i, p in enumerate(PAGES)]
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        url = None
    name = unknown_page_name(url, [p.url_path for p in PAGES], str(st.get_option("server.baseUrlPath") or ""))
    if name:
        pages.append(st.Page(_render(name, admin), title=TITLE, url_path=name, visibility="hidden"))
    return pages
