"""Use cases over several layers, no Streamlit: checking and comparing an imported
table against the current data (:mod:`.importing`)."""
