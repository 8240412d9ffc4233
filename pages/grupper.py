"""Grupper (admins only): groups, members and roles, group passphrases, deleted items to
restore, and the audit log.

Layout only: the sections are naravard.ui.admin; the store refuses a non-admin too.
"""

import streamlit as st

from naravard import ui
from naravard.ui import admin

ui.dataset()  # keeps a deep link inside the app's frame
st.title("Grupper och behörigheter")
if admin.allowed():
    store = ui.auth.bound_store()
    admin.messages()
    if store is not None:
        st.subheader("Grupper")
        groups = admin.groups_section(store)
        group = admin.group_picker(groups)
        if group is not None:
            st.subheader("Medlemmar")
            admin.members_section(store, group)
            st.subheader("Lösenfras för gruppen")
            admin.passphrase_section(store, group, next((g for g in groups if g.name == group), None))
        st.subheader("Borttaget")
        admin.deleted_section(store)
        st.subheader("Logg")
        admin.audit_section(store, groups)
    admin.source_line()
