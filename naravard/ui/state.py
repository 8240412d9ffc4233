"""Every session-state key the app uses, in one place.

Keys are prefixed ``nv_`` so they cannot collide with Streamlit's own or a future
component's. Pages and other ui modules name keys only through these constants.
"""

KEY_VARIANT = "nv_prognos"
# The session's own data files: table name → raw bytes (pages/ladda_data.py sets it).
KEY_DATA_IMPORT = "nv_data_import"
KEY_MAP_MEASURE = "nv_karta_matt"
KEY_USER_BOUNDARIES = "nv_gransfil"
KEY_SC_COPY = "nv_sc_kopia"  # a plain copy of the widget values that survives page switches
KEY_SC_WARNINGS = "nv_sc_url_varningar"
KEY_SC_LAST_QUERY = "nv_sc_senaste_url"
# Widgets of the pages Befolkning, Tillgänglighet and Om data.
KEY_BEF_KOMMUNER = "nv_bef_kommuner"
KEY_BEF_AR = "nv_bef_ar"
KEY_TG_KPI = "nv_tg_kpi"
KEY_OM_TABELL = "nv_om_tabell"
