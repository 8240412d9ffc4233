"""Dialog: per theme of the deck, its questions and options beside the figures that
bear on them, the group's answers per question, and the group's summary as PDF/PPTX.

Layout only: the sections are naravard.ui.dialog, the texts and figures
naravard.views.dialog, the answers the store.
"""

import streamlit as st

from naravard import ui
from naravard.ui import dialog as dlg

ds = ui.dataset()
store = ui.auth.bound_store()  # only the signed-in person's groups' answers

st.title("Dialog")
st.markdown(
    "Dialogunderlagets frågor per tema, med underlagets vägval och de siffror som berör dem. "
    "Gruppen skriver sin ståndpunkt och sina anteckningar per fråga; svaren sparas med tid, namn och grupp."
)
dlg.messages()
theme = dlg.theme_picker(ds)
if theme is not None:
    group = dlg.group_section(store)
    dlg.undo_box(store)
    answers, error = dlg.read_answers(store, group)
    dlg.options_and_figures(ds, theme, store)
    dlg.question_forms(ds, store, theme, group, answers)
    dlg.answers_list(store, group, answers, error)
    dlg.export_section(ds, store, group, answers)
