"""Every session-state key the app uses, in one place.

Keys are prefixed ``nv_`` so they cannot collide with Streamlit's own or a future
component's. Pages and other ui modules name keys only through these constants.
"""

KEY_VARIANT = "nv_prognos"
# The session's own data files: table name → raw bytes (pages/ladda_data.py sets it).
KEY_DATA_IMPORT = "nv_data_import"
KEY_MAP_MEASURE = "nv_karta_matt"
KEY_USER_BOUNDARIES = "nv_gransfil"
KEY_BOUNDARY_UPLOAD = "nv_gransfil_upload"  # the file uploader on Om data
KEY_MAP_SELECTED = "nv_karta_vald"  # the kommun code clicked on the map, or absent
KEY_MAP_CLICK = "nv_karta_klick"  # the map chart's selection state (st.plotly_chart key)
KEY_MAP_CLEAR = "nv_karta_rensa"  # the "Rensa val" button beside the map
KEY_MAP_PANEL = "nv_karta_vald_panel"  # container of the selected kommun's figures (CSS class st-key-…)
KEY_SC_COPY = "nv_sc_kopia"  # a plain copy of the widget values that survives page switches
KEY_SC_WARNINGS = "nv_sc_url_varningar"
KEY_SC_LAST_QUERY = "nv_sc_senaste_url"
# Ladda data (naravard.ui.data_import): the table picked, the uploader, the buttons.
KEY_IMPORT_TABLE = "nv_ladda_tabell"
KEY_IMPORT_FILE = "nv_ladda_fil"
KEY_IMPORT_USE = "nv_ladda_anvand"
KEY_IMPORT_RESET = "nv_ladda_aterstall"
KEY_IMPORT_TEMPLATE = "nv_ladda_mall"
KEY_IMPORT_TEMPLATE_EXCEL = "nv_ladda_mall_excel"
# Widgets of the pages Befolkning, Tillgänglighet and Om data.
KEY_BEF_KOMMUNER = "nv_bef_kommuner"
KEY_BEF_AR = "nv_bef_ar"
KEY_TG_KPI = "nv_tg_kpi"
KEY_OM_TABLE = "nv_om_tabell"  # Om data: the table to review
