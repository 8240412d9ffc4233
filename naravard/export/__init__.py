"""Bytes out: Excel/CSV with formula neutralisation (:mod:`.spreadsheet`), the
scenario's files (:mod:`.scenario`), the scenario ↔ URL codec (:mod:`.link`)."""
