"""Who uses this session, and the store bound to them (issue 14).

Every ui module that reads or writes saved items gets its store from
:func:`bound_store`, never from ``cache.scenario_store()`` directly: the store it
returns checks each item's group against :func:`current_access`, so a page cannot
show or change another group's items even by mistake.

In ``open`` mode (``$NARAVARD_ACCESS``, see naravard.store.access) the session acts as
:meth:`Access.local`; in ``groups`` mode as the person who signed in through
:func:`gate`, which app.py calls before any page runs: until someone signs in the
session sees only the sign-in view (the page is not run at all, so nothing of a
group's can leak into it), and the URL's query parameters are left alone, so a
shared scenario link opens as shared once the person has signed in.

Two ways in (both end in one :class:`Access` in the session, under
:data:`KEY_AUTH_ACCESS`):

* the organisation's identity provider (Streamlit's ``st.login``, configured in
  ``.streamlit/secrets.toml`` ``[auth]``; see ``.streamlit/secrets.toml.example``):
  the memberships come from ``store.access_for_user(email)``;
* a group's passphrase (``store.sign_in_with_passphrase``), for a meeting room without
  an identity provider: throttled and audited by the store.

A sign-in lasts ``$NARAVARD_SIGNIN_HOURS`` (default 8) in the session; after that
the next rerun shows the sign-in view again. The memberships are read again from
the store at most every :data:`REFRESH_S` seconds, so a member removed by an admin
(or a passphrase cleared) loses access within a minute without signing out. If the
store cannot be reached for that check, the session keeps what it had: the pages
then show the store's Swedish message where saved items would be, and published
and embedded data stay readable.
"""

from __future__ import annotations

import importlib.util
import os
import time

import streamlit as st

from naravard import fmt
from naravard.store.access import Access, access_mode, group_key
from naravard.ui import cache
from naravard.ui.notfound import navigation_pages
from naravard.ui.state import (
    KEY_AUTH_ACCESS,
    KEY_AUTH_CHECKED_AT,
    KEY_AUTH_FORM,
    KEY_AUTH_GROUP,
    KEY_AUTH_NAME,
    KEY_AUTH_NOTICE,
    KEY_AUTH_OIDC_PREFIX,
    KEY_AUTH_OIDC_WAIT,
    KEY_AUTH_PASSPHRASE,
    KEY_AUTH_SIGN_OUT,
    KEY_AUTH_SIGNED_IN_AT,
    KEY_AUTH_SUBMIT,
)

SIGNIN_HOURS_ENV_VAR = "NARAVARD_SIGNIN_HOURS"
DEFAULT_SIGNIN_HOURS = 8.0
#: At most this often (seconds) a session's memberships are read again from the store.
REFRESH_S = 60

OPEN_MODE_SV = (
    "Lokalt läge utan inloggning: alla som når den här datorn ser och kan ändra alla sparade "
    "scenarier, svar och presentationer."
)
EXPIRED_SV = "Inloggningen har gått ut. Logga in igen."
GONE_SV = "Din behörighet har ändrats: du är inte längre medlem i gruppen. Logga in igen."
NO_GROUPS_SV = (
    "Du är inte gruppmedlem i någon grupp, så här kan du läsa men inte spara. "
    "En administratör lägger till dig på sidan Grupper."
)
VIA_SV = {"oidc": "med organisationens konto", "lösenfras": "med gruppens lösenfras",
          "lokal": "lokalt", "system": "som systemet"}


# ------------------------------------------------------------------ who is asking


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


def signed_in() -> bool:
    """Whether the session may see the pages (always in open mode)."""
    return mode() == "open" or isinstance(st.session_state.get(KEY_AUTH_ACCESS), Access)


def bound_store():
    """The store acting for :func:`current_access`, or None (with the store's Swedish
    message shown) when it cannot be opened."""
    store = cache.scenario_store()
    if store is None:
        return None
    return store.with_access(current_access())


def _unbound_store():
    """The store for what anyone may ask before signing in (the group names, the
    passphrase check itself); no item is read through it."""
    return cache.scenario_store()


def signin_hours() -> float:
    """How long a sign-in lasts (``$NARAVARD_SIGNIN_HOURS``, default 8). A value that
    is not a positive number gives the default: a typo must not make sign-ins last
    forever."""
    raw = os.environ.get(SIGNIN_HOURS_ENV_VAR, "").strip().replace(",", ".")
    try:
        hours = float(raw)
    except ValueError:
        return DEFAULT_SIGNIN_HOURS
    return hours if 0 < hours < 24 * 365 else DEFAULT_SIGNIN_HOURS


def _now() -> float:
    return time.time()


# ------------------------------------------------------------------ the gate


def gate() -> None:
    """Called by app.py before the page: in open mode a sidebar line saying so; in
    groups mode the sign-in view and ``st.stop()`` until the session has signed in,
    then the person, their groups and "Logga ut" in the sidebar."""
    try:
        m = mode()
    except ValueError:  # a typo in NARAVARD_ACCESS must not open a shared install
        st.error("Verktyget är felaktigt inställt och kan inte visas: miljövariabeln NARAVARD\\_ACCESS ska vara "
                 "open eller groups. Kontakta den som driver verktyget.", icon=":material/error:")
        st.stop()
        return
    if m == "open":
        st.sidebar.markdown(OPEN_MODE_SV)  # not a caption: its grey fails contrast on the sidebar's background
        return
    _check_session()
    access = st.session_state.get(KEY_AUTH_ACCESS)
    if not isinstance(access, Access):
        # The requested page stays the current one (its address and a shared link's query
        # are kept) but is not run, and no page is listed. Without st.navigation in this
        # run Streamlit would fall back to its automatic pages/ list.
        st.navigation(navigation_pages(admin=False), position="hidden")
        with st.columns([1, 2, 1])[1]:  # a form, not a page: narrow, in the middle of the screen
            _sign_in_view()
        st.stop()
        return
    _who(access)


def _start(access: Access) -> None:
    st.session_state[KEY_AUTH_ACCESS] = access
    st.session_state[KEY_AUTH_SIGNED_IN_AT] = _now()
    st.session_state[KEY_AUTH_CHECKED_AT] = _now()
    st.session_state.pop(KEY_AUTH_NOTICE, None)


def _forget_session(notice: str = "") -> None:
    """End the sign-in and forget everything this session held (the scenario's values,
    a half-written answer, an opened presentation): the next person at this browser
    must not see them. The URL (a shared link) is kept."""
    for k in list(st.session_state.keys()):
        if str(k).startswith("nv_"):
            del st.session_state[k]
    if notice:
        st.session_state[KEY_AUTH_NOTICE] = notice


def _check_session() -> None:
    """Expire an old sign-in, adopt an identity-provider sign-in, and read the
    memberships again when the last read is more than :data:`REFRESH_S` old."""
    access = st.session_state.get(KEY_AUTH_ACCESS)
    if isinstance(access, Access):
        started = float(st.session_state.get(KEY_AUTH_SIGNED_IN_AT, 0.0) or 0.0)
        if _now() - started >= signin_hours() * 3600:
            _forget_session(EXPIRED_SV)
            if access.via == "oidc":
                # the identity cookie outlives this session's sign-in: wait for st.login
                st.session_state[KEY_AUTH_OIDC_WAIT] = True
            return
        checked = float(st.session_state.get(KEY_AUTH_CHECKED_AT, 0.0) or 0.0)
        if _now() - checked >= REFRESH_S:
            _refresh(access)
        return
    email = _oidc_user()
    if email and not st.session_state.get(KEY_AUTH_OIDC_WAIT):
        store = _unbound_store()
        if store is None:
            return
        from naravard.store import StoreError

        try:
            _start(store.access_for_user(email))
        except StoreError as e:
            st.session_state[KEY_AUTH_NOTICE] = e.message_sv


def _refresh(access: Access) -> None:
    """Read the person's memberships again (see the module docstring)."""
    from naravard.store import StoreError

    store = _unbound_store()
    st.session_state[KEY_AUTH_CHECKED_AT] = _now()  # also on failure: one try a minute
    if store is None:
        return
    try:
        if access.via == "oidc":
            fresh = store.access_for_user(access.user)
        elif access.via == "lösenfras":
            fresh = _passphrase_access_now(store, access)
        else:
            return
    except StoreError:
        return  # the database is away: keep the access; pages say so where it matters
    if fresh is None:
        _forget_session(GONE_SV)
    elif fresh != access:
        st.session_state[KEY_AUTH_ACCESS] = fresh


def _passphrase_access_now(store, access: Access) -> Access | None:
    """A passphrase sign-in as the store has it now: the group must still exist and
    still have a passphrase (its current role applies); None if not."""
    keys = list(access.roles)
    if len(keys) != 1:
        return None
    for g in store.list_groups():
        if group_key(g.name) == keys[0]:
            if not g.has_passphrase or not g.passphrase_role:
                return None
            return Access(user=access.user, roles={keys[0]: g.passphrase_role},
                          group_names={keys[0]: g.name}, via=access.via)
    return None


# ------------------------------------------------------------------ identity provider


def _auth_secrets():
    """The ``[auth]`` section of secrets.toml, or None when there is none (or no
    secrets file at all)."""
    try:
        if "auth" in st.secrets:
            return st.secrets["auth"]
    except Exception:  # noqa: BLE001 - no secrets.toml, or a broken one: no OIDC
        return None
    return None


def oidc_providers() -> list[str | None]:
    """The providers configured in ``[auth]``: ``[None]`` for one unnamed provider,
    else the names of the ``[auth.NAME]`` sections that name a client."""
    auth = _auth_secrets()
    if not auth:
        return []
    if "client_id" in auth:
        return [None]
    return sorted(k for k, v in auth.items() if hasattr(v, "keys") and "client_id" in v)


def _oidc_user() -> str:
    """The identity provider's user (email, else subject) if one has signed in."""
    if not oidc_providers():
        return ""
    try:
        if not st.user.is_logged_in:
            return ""
        return str(st.user.get("email") or st.user.get("sub") or "")
    except Exception:  # noqa: BLE001 - st.user without an identity (a host without auth)
        return ""


def _authlib_installed() -> bool:
    """st.login needs Authlib (``streamlit[auth]``); without it the button would fail."""
    return importlib.util.find_spec("authlib") is not None


def _oidc_buttons() -> None:
    providers = oidc_providers()
    if not providers:
        return
    if not _authlib_installed():
        st.warning("Inloggning med organisationens konto är inställd, men servern saknar paketet Authlib. "
                   "Kontakta den som driver verktyget.", icon=":material/warning:")
        return
    for name in providers:
        label = "Logga in med organisationens konto" + (f" ({name})" if name and len(providers) > 1 else "")
        if st.button(label, key=KEY_AUTH_OIDC_PREFIX + (name or "standard"), type="primary",
                     icon=":material/login:"):
            st.session_state.pop(KEY_AUTH_OIDC_WAIT, None)
            if name:
                st.login(name)
            else:
                st.login()


# ------------------------------------------------------------------ the sign-in view


def _sign_in(store) -> None:
    """Callback of the passphrase form. The passphrase is cleared from the session
    whatever the outcome."""
    from naravard.store import StoreError

    group = st.session_state.get(KEY_AUTH_GROUP) or ""
    passphrase = st.session_state.get(KEY_AUTH_PASSPHRASE) or ""
    name = (st.session_state.get(KEY_AUTH_NAME) or "").strip()
    st.session_state[KEY_AUTH_PASSPHRASE] = ""
    try:
        access = store.sign_in_with_passphrase(group, passphrase, name)
    except StoreError as e:
        st.session_state[KEY_AUTH_NOTICE] = e.message_sv
        return
    _start(access)


def _sign_in_view() -> None:
    st.title("Logga in")
    st.markdown(
        "Verktyget används av flera grupper, och varje grupps sparade scenarier, anteckningar och "
        "presentationer syns bara för gruppen. Logga in för att fortsätta."
    )
    if notice := st.session_state.get(KEY_AUTH_NOTICE):
        st.warning(fmt.markdown_escape(notice), icon=":material/lock:")
    _oidc_buttons()
    store = _unbound_store()  # None: it has said why
    if store is None:
        return
    from naravard.store import StoreError

    try:
        groups = [g for g in store.list_groups() if g.has_passphrase]
    except StoreError as e:
        st.error(fmt.markdown_escape(e.message_sv), icon=":material/error:")
        return
    st.subheader("Logga in med gruppens lösenfras")
    if not groups:
        st.info("Ingen grupp har någon lösenfras ännu. En administratör sätter den på sidan Grupper "
                "eller med kommandot python -m naravard groups passphrase.", icon=":material/info:")
        return
    names = [g.name for g in groups]
    if st.session_state.get(KEY_AUTH_GROUP) not in names:
        st.session_state.pop(KEY_AUTH_GROUP, None)
    with st.form(KEY_AUTH_FORM, enter_to_submit=True):
        st.selectbox("Grupp", options=names, key=KEY_AUTH_GROUP)
        st.text_input("Lösenfras", type="password", key=KEY_AUTH_PASSPHRASE, max_chars=200)
        st.text_input("Ditt namn (frivilligt)", key=KEY_AUTH_NAME, max_chars=80,
                      help="Visas i gruppens logg över ändringar.")
        st.form_submit_button("Logga in", key=KEY_AUTH_SUBMIT, icon=":material/login:", on_click=_sign_in,
                              args=(store,))
    st.caption(f"En inloggning gäller i {fmt.number(signin_hours(), 0 if signin_hours().is_integer() else 1)} "
               "timmar. Efter för många felaktiga försök spärras gruppen en stund.")


# ------------------------------------------------------------------ sidebar: who


def _who(access: Access) -> None:
    with st.sidebar:
        lines = [f"Inloggad {VIA_SV.get(access.via, '')}: **{fmt.as_text(access.user or 'okänd')}**"]
        for k, role in sorted(access.roles.items()):
            lines.append(f"- {fmt.as_text(access.group_names.get(k, k))}: {role}")
        if not access.roles:
            lines.append("- inga grupper")
        st.markdown("  \n".join(lines[:1]) + "\n\n" + "\n".join(lines[1:]))
        if access.via == "oidc":
            # st.logout also ends the identity cookie and starts a new session
            if st.button("Logga ut", key=KEY_AUTH_SIGN_OUT, icon=":material/logout:"):
                _forget_session()
                st.logout()
        else:
            st.button("Logga ut", key=KEY_AUTH_SIGN_OUT, icon=":material/logout:", on_click=_forget_session)


# ------------------------------------------------------------------ the group of an item


def group_input(label: str, key: str, help: str | None = None) -> str:
    """Which group an item is saved into: in open mode a text field as before; in
    groups mode a choice among the groups whose items the person may use (none: a
    Swedish line saying so, and ""). The value is also in ``st.session_state[key]``
    for the callbacks."""
    if mode() == "open":
        return (st.text_input(label, max_chars=80, key=key, help=help) or "").strip()
    groups = current_access().item_groups
    if not groups:
        st.session_state.pop(key, None)
        st.info(NO_GROUPS_SV, icon=":material/group_off:")
        return ""
    if st.session_state.get(key) not in groups:
        st.session_state[key] = groups[0]
    return st.selectbox(label, options=groups, key=key, help=help) or ""


def shared_with_sv() -> str:
    """Who sees a saved item, for the pages' confirmations and notices."""
    return "alla i gruppen" if mode() == "groups" else "alla som använder verktyget"
