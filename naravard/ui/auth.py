"""Who uses this session, and the store bound to them (issue 14).

Every ui module that reads or writes saved items gets its store from
:func:`bound_store`, never from ``cache.scenario_store()`` directly: the store it
returns checks each item's group against :func:`current_access`, so a page cannot
show or change another group's items even by mistake.

In ``open`` mode (``$NARAVARD_ACCESS``, see naravard.store.access) the session acts as
:meth:`Access.local`; in ``groups`` mode as the person who signed in (this module's
sign-in gate; until then a reader without groups).
"""

from __future__ import annotations

import streamlit as st

from naravard.store.access import Access, access_mode
from naravard.ui import cache
from naravard.ui.state import KEY_AUTH_ACCESS


def mode() -> str:
    """``open`` or ``groups``."""
    return access_mode()


def current_access() -> Access:
    """The session's access: :meth:`Access.local` in open mode, else the signed-in
    person's (a reader with no groups until someone signs in)."""
    if mode() == "open":
        return Access.local()
    found = st.session_state.get(KEY_AUTH_ACCESS)
    return found if isinstance(found, Access) else Access(user="", via="")


def bound_store():
    """The store acting for :func:`current_access`, or None (with the store's Swedish
    message shown) when it cannot be opened."""
    store = cache.scenario_store()
    if store is None:
        return None
    return store.with_access(current_access())
