"""The Grupper page's sections (admins only): groups, members and their roles, group
passphrases, deleted items to restore, and the audit log.

Everything goes through :func:`naravard.ui.auth.bound_store`, so the store itself
refuses a non-admin (``StoreForbiddenError``) even if this page's own check were
bypassed; the page checks first only to say so in Swedish instead of showing forms.
Actions are callbacks whose outcome is a (kind, Swedish text) message for the next
run. Group names, users and item names are stored text: shown as plain text in
pickers, escaped everywhere Streamlit renders Markdown (messages, st.table cells).
Passphrases are typed twice in password fields and cleared from the session after
every attempt.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from naravard import fmt
from naravard.store.access import PASSPHRASE_ROLES, ROLE_LABELS_SV, ROLES
from naravard.ui import auth
from naravard.ui.state import (
    KEY_ADM_ADD,
    KEY_ADM_CREATE,
    KEY_ADM_DELETED,
    KEY_ADM_GROUP,
    KEY_ADM_LOG_GROUP,
    KEY_ADM_MEMBER,
    KEY_ADM_MESSAGES,
    KEY_ADM_NEW_DESCRIPTION,
    KEY_ADM_NEW_NAME,
    KEY_ADM_PASS1,
    KEY_ADM_PASS2,
    KEY_ADM_PASS_CLEAR,
    KEY_ADM_PASS_ROLE,
    KEY_ADM_PASS_SET,
    KEY_ADM_REMOVE,
    KEY_ADM_RESTORE,
    KEY_ADM_ROLE,
    KEY_ADM_USER,
)
from naravard.ui.widgets import table

REFUSED_SV = "Sidan Grupper är bara för administratörer. Du är inte administratör i någon grupp."
ALL_GROUPS_SV = "Alla grupper"
ITEM_TYPES_SV = {"scenario": "Scenario", "presentation": "Presentation", "dialog_answer": "Dialogsvar",
                 "register": "Enhetsregister", "data_version": "Dataversion", "group": "Grupp",
                 "member": "Medlem", "passphrase": "Lösenfras", "sign_in": "Inloggning"}
MIN_PASSPHRASE_CHARS = 12


SOURCE_SV = ("Källa: verktygets egen databas (grupper, medlemmar, borttagna saker och logg); "
             "lösenfraser sparas bara som hash och visas aldrig.")


def source_line() -> None:
    st.caption(SOURCE_SV)


def allowed() -> bool:
    """Whether the page may show its forms; otherwise it says why (Swedish)."""
    if auth.current_access().is_admin:
        return True
    st.warning(REFUSED_SV, icon=":material/lock:")
    return False


def _say(kind: str, text: str) -> None:
    queue = st.session_state.setdefault(KEY_ADM_MESSAGES, [])
    if (kind, text) not in queue:
        queue.append((kind, text))


_FAILED = object()


def _call(action, *args):
    """Run one store call of a button; its Swedish error goes to the page's messages and
    the result is ``_FAILED``. Every callback below reports the same way."""
    from naravard.store import StoreError

    try:
        return action(*args)
    except StoreError as e:
        _say("error", e.message_sv)
        return _FAILED


def messages() -> None:
    boxes = {"success": (st.success, ":material/check_circle:"), "warning": (st.warning, ":material/warning:")}
    for kind, text in st.session_state.pop(KEY_ADM_MESSAGES, []):
        box, icon = boxes.get(kind, (st.error, ":material/error:"))
        box(fmt.markdown_escape(text), icon=icon)


def _when(iso: str) -> str:
    return (iso or "")[:16].replace("T", " ") + " UTC" if iso else ""


# ------------------------------------------------------------------ groups


def _create(store) -> None:
    g = _call(store.create_group, st.session_state.get(KEY_ADM_NEW_NAME, ""),
              st.session_state.get(KEY_ADM_NEW_DESCRIPTION, ""))
    if g is _FAILED:
        return
    st.session_state[KEY_ADM_NEW_NAME] = ""
    st.session_state[KEY_ADM_NEW_DESCRIPTION] = ""
    st.session_state[KEY_ADM_GROUP] = g.name
    _say("success", f"Gruppen ”{g.name}” är skapad. Lägg till medlemmar eller ge den en lösenfras nedan.")


def groups_section(store) -> list:
    """The list of groups and the form for a new one; returns the groups (GroupInfo)."""
    from naravard.store import StoreError

    try:
        groups = store.list_groups()
    except StoreError as e:
        st.error(fmt.markdown_escape(e.message_sv), icon=":material/error:")
        return []
    if groups:
        table(pd.DataFrame([{
            "Grupp": fmt.as_text(g.name),
            "Beskrivning": fmt.as_text(g.description or ""),
            "Medlemmar": fmt.number(g.members),
            "Lösenfras": (f"ja, ger {g.passphrase_role}" if g.has_passphrase else "nej"),
            "Skapad": _when(g.created_at),
        } for g in groups]), alt="Grupperna med beskrivning, antal medlemmar och om de har en lösenfras.")
    else:
        st.info("Det finns inga grupper ännu.", icon=":material/info:")
    with st.expander("Ny grupp", expanded=not groups):
        st.text_input("Gruppens namn", max_chars=80, key=KEY_ADM_NEW_NAME,
                      help="Till exempel partigruppens namn, planerarna eller HSU.")
        st.text_input("Beskrivning (frivillig)", max_chars=200, key=KEY_ADM_NEW_DESCRIPTION)
        st.button("Skapa gruppen", key=KEY_ADM_CREATE, icon=":material/group_add:", on_click=_create, args=(store,))
    return groups


def group_picker(groups) -> str | None:
    """The group the member and passphrase sections below work on."""
    names = [g.name for g in groups]
    if not names:
        return None
    if st.session_state.get(KEY_ADM_GROUP) not in names:
        st.session_state[KEY_ADM_GROUP] = names[0]
    return st.selectbox("Grupp att ändra", options=names, key=KEY_ADM_GROUP)


# ------------------------------------------------------------------ members


def _add(store, group: str) -> None:
    user = (st.session_state.get(KEY_ADM_USER) or "").strip()
    role = st.session_state.get(KEY_ADM_ROLE) or "gruppmedlem"
    m = _call(store.add_member, group, user, role)
    if m is _FAILED:
        return
    st.session_state[KEY_ADM_USER] = ""
    _say("success", f"{m.user} är {m.role} i gruppen ”{m.group}”.")


def _remove(store, group: str) -> None:
    user = st.session_state.get(KEY_ADM_MEMBER) or ""
    if _call(store.remove_member, group, user) is _FAILED:
        return
    _say("success", f"{user} är inte längre medlem i gruppen ”{group}”.")


def members_section(store, group: str) -> None:
    from naravard.store import StoreError

    try:
        members = store.list_members(group)
    except StoreError as e:
        st.error(fmt.markdown_escape(e.message_sv), icon=":material/error:")
        return
    if members:
        table(pd.DataFrame([{
            "Användare": fmt.as_text(m.user),
            "Roll": ROLE_LABELS_SV.get(m.role, m.role),
            "Tillagd": _when(m.added_at),
            "Av": fmt.as_text(m.added_by or ""),
        } for m in members]), alt="Gruppens medlemmar med roll och när de lades till.")
    else:
        st.caption("Gruppen har inga namngivna medlemmar.")
    c1, c2 = st.columns(2)
    c1.text_input("Användare (e-postadress i organisationens inloggning)", max_chars=200, key=KEY_ADM_USER)
    if st.session_state.get(KEY_ADM_ROLE) not in ROLES:
        st.session_state[KEY_ADM_ROLE] = "gruppmedlem"
    c2.selectbox("Roll", options=list(ROLES), format_func=ROLE_LABELS_SV.get, key=KEY_ADM_ROLE,
                 help="Lägger du till en befintlig medlem igen ändras rollen.")
    st.button("Lägg till eller ändra roll", key=KEY_ADM_ADD, icon=":material/person_add:", on_click=_add,
              args=(store, group))
    if members:
        users = [m.user for m in members]
        if st.session_state.get(KEY_ADM_MEMBER) not in users:
            st.session_state.pop(KEY_ADM_MEMBER, None)
        r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
        r1.selectbox("Medlem", options=users, key=KEY_ADM_MEMBER)
        r2.button("Ta bort ur gruppen", key=KEY_ADM_REMOVE, icon=":material/person_remove:", on_click=_remove,
                  args=(store, group))


# ------------------------------------------------------------------ passphrase


def _set_passphrase(store, group: str) -> None:
    first = st.session_state.get(KEY_ADM_PASS1) or ""
    second = st.session_state.get(KEY_ADM_PASS2) or ""
    role = st.session_state.get(KEY_ADM_PASS_ROLE) or "gruppmedlem"
    st.session_state[KEY_ADM_PASS1] = ""
    st.session_state[KEY_ADM_PASS2] = ""
    if first != second:
        _say("error", "Lösenfraserna är inte lika. Skriv samma lösenfras i båda fälten.")
        return
    if len(first) < MIN_PASSPHRASE_CHARS:
        _say("error", f"Lösenfrasen måste ha minst {MIN_PASSPHRASE_CHARS} tecken.")
        return
    if _call(store.set_passphrase, group, first, role) is _FAILED:
        return
    _say("success", f"Gruppen ”{group}” har en ny lösenfras som ger rollen {role}. Den gamla gäller inte längre.")


def _clear_passphrase(store, group: str) -> None:
    if _call(store.clear_passphrase, group) is _FAILED:
        return
    _say("success", f"Gruppen ”{group}” har ingen lösenfras längre.")


def passphrase_section(store, group: str, info) -> None:
    if info is not None and info.has_passphrase:
        st.caption(f"Gruppen har en lösenfras som ger rollen {info.passphrase_role}.")
    else:
        st.caption("Gruppen har ingen lösenfras: bara namngivna medlemmar kan logga in.")
    if st.session_state.get(KEY_ADM_PASS_ROLE) not in PASSPHRASE_ROLES:
        st.session_state[KEY_ADM_PASS_ROLE] = "gruppmedlem"
    st.selectbox("Roll för den som loggar in med lösenfrasen", options=list(PASSPHRASE_ROLES),
                 format_func=ROLE_LABELS_SV.get, key=KEY_ADM_PASS_ROLE)
    c1, c2 = st.columns(2)
    c1.text_input("Ny lösenfras", type="password", max_chars=200, key=KEY_ADM_PASS1,
                  help=f"Minst {MIN_PASSPHRASE_CHARS} tecken. Sparas bara som en hash.")
    c2.text_input("Samma lösenfras igen", type="password", max_chars=200, key=KEY_ADM_PASS2)
    b1, b2 = st.columns(2)
    b1.button("Spara lösenfrasen", key=KEY_ADM_PASS_SET, icon=":material/key:", on_click=_set_passphrase,
              args=(store, group))
    b2.button("Ta bort lösenfrasen", key=KEY_ADM_PASS_CLEAR, icon=":material/key_off:",
              on_click=_clear_passphrase, args=(store, group),
              disabled=info is None or not info.has_passphrase)


# ------------------------------------------------------------------ deleted items


def _restore(store, items: dict) -> None:
    chosen = st.session_state.get(KEY_ADM_DELETED)
    item = items.get(chosen)
    if item is None:
        return
    action = {"scenario": store.restore, "presentation": store.restore_presentation,
              "dialog_answer": store.restore_answer}.get(item.item_type)
    if action is None:
        _say("error", "Den sortens borttagna sak kan inte återställas här.")
        return
    if _call(action, item.id) is _FAILED:
        return
    _say("success", f"{ITEM_TYPES_SV.get(item.item_type, item.item_type)} ”{item.name}” i gruppen "
                    f"”{item.group}” är återställt.")


def deleted_section(store) -> None:
    from naravard.store import StoreError

    try:
        deleted = store.list_deleted()
    except StoreError as e:
        st.error(fmt.markdown_escape(e.message_sv), icon=":material/error:")
        return
    if not deleted:
        st.caption("Inget borttaget att återställa.")
        return
    table(pd.DataFrame([{
        "Typ": ITEM_TYPES_SV.get(d.item_type, d.item_type),
        "Namn": fmt.as_text(d.name),
        "Grupp": fmt.as_text(d.group),
        "Borttaget": _when(d.deleted_at),
    } for d in deleted]), alt="Borttagna scenarier, presentationer och dialogsvar som kan återställas.")
    items = {f"{d.item_type}:{d.id}": d for d in deleted}
    labels = {k: f"{ITEM_TYPES_SV.get(d.item_type, d.item_type)}: {d.name} ({d.group})" for k, d in items.items()}
    if st.session_state.get(KEY_ADM_DELETED) not in items:
        st.session_state.pop(KEY_ADM_DELETED, None)
    r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
    r1.selectbox("Borttaget", options=list(items), format_func=labels.get, key=KEY_ADM_DELETED)
    r2.button("Återställ", key=KEY_ADM_RESTORE, icon=":material/restore_from_trash:", on_click=_restore,
              args=(store, items))
    st.caption("En administratör kan återställa alla gruppers borttagna saker men inte läsa dem: "
               "innehållet syns bara för gruppen.")


# ------------------------------------------------------------------ audit log


def audit_section(store, groups) -> None:
    from naravard.store import StoreError

    options = [ALL_GROUPS_SV] + [g.name for g in groups]
    if st.session_state.get(KEY_ADM_LOG_GROUP) not in options:
        st.session_state.pop(KEY_ADM_LOG_GROUP, None)
    chosen = st.selectbox("Visa loggen för", options=options, key=KEY_ADM_LOG_GROUP)
    try:
        entries = store.audit_log(None if chosen == ALL_GROUPS_SV else chosen)
    except StoreError as e:
        st.error(fmt.markdown_escape(e.message_sv), icon=":material/error:")
        return
    if not entries:
        st.caption("Loggen är tom.")
        return
    table(pd.DataFrame([{
        "Tid": _when(e.at),
        "Vem": fmt.as_text(e.actor),
        "Grupp": fmt.as_text(e.group),
        "Händelse": fmt.as_text(e.action),
        "Typ": ITEM_TYPES_SV.get(e.item_type, fmt.as_text(e.item_type)),
        "Namn": fmt.as_text(e.item_name),
    } for e in entries]), alt="Loggen: vem som skapade, ändrade, tog bort, återställde och publicerade vad och när.")
    st.caption(f"Visar de {fmt.number(len(entries))} senaste händelserna.")
