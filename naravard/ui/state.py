"""Every session-state key the app uses, in one place.

Keys are prefixed ``nv_`` so they cannot collide with Streamlit's own or a future
component's. Pages and other ui modules name keys only through these constants (or
:func:`sc_key`, which derives the scenario's value keys from one prefix).
"""

# The app's one forecast choice (the sidebar's); the scenario reads it too.
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

# ---------------------------------------------------------------- sign-in (naravard.ui.auth)
KEY_AUTH_ACCESS = "nv_auth_atkomst"  # the signed-in person's store.access.Access
KEY_AUTH_SIGNED_IN_AT = "nv_auth_inloggad"  # time.time() of the sign-in (expiry)
KEY_AUTH_CHECKED_AT = "nv_auth_kontrollerad"  # time.time() the memberships were last read from the store
KEY_AUTH_NOTICE = "nv_auth_meddelande"  # Swedish text for the sign-in view (expired, wrong passphrase)
KEY_AUTH_OIDC_WAIT = "nv_auth_oidc_vanta"  # True: an identity-provider sign-in ended here; wait for st.login
KEY_AUTH_OIDC_PREFIX = "nv_auth_oidc_knapp_"  # + provider name: "Logga in med organisationens konto"
KEY_AUTH_FORM = "nv_auth_formular"
KEY_AUTH_GROUP = "nv_auth_grupp"
KEY_AUTH_PASSPHRASE = "nv_auth_losenfras"
KEY_AUTH_NAME = "nv_auth_namn"
KEY_AUTH_SUBMIT = "nv_auth_logga_in"
KEY_AUTH_SIGN_OUT = "nv_auth_logga_ut"
# The Grupper page (naravard.ui.admin, admins only).
KEY_ADM_MESSAGES = "nv_adm_meddelanden"  # [(kind, Swedish text)] from the callbacks
KEY_ADM_NEW_NAME = "nv_adm_ny_grupp"
KEY_ADM_NEW_DESCRIPTION = "nv_adm_ny_beskrivning"
KEY_ADM_CREATE = "nv_adm_skapa"
KEY_ADM_GROUP = "nv_adm_grupp"  # the group the member and passphrase sections work on
KEY_ADM_USER = "nv_adm_anvandare"
KEY_ADM_ROLE = "nv_adm_roll"
KEY_ADM_ADD = "nv_adm_lagg_till"
KEY_ADM_MEMBER = "nv_adm_medlem"
KEY_ADM_REMOVE = "nv_adm_ta_bort"
KEY_ADM_PASS_ROLE = "nv_adm_losen_roll"
KEY_ADM_PASS1 = "nv_adm_losen1"
KEY_ADM_PASS2 = "nv_adm_losen2"
KEY_ADM_PASS_SET = "nv_adm_losen_satt"
KEY_ADM_PASS_CLEAR = "nv_adm_losen_rensa"
KEY_ADM_DELETED = "nv_adm_borttaget"
KEY_ADM_RESTORE = "nv_adm_aterstall"
KEY_ADM_LOG_GROUP = "nv_adm_logg_grupp"

# ---------------------------------------------------------------- Swedish number input
# A number input (ui.widgets.number_input) keeps its value under its own key, the text
# the person typed under key + NUM_TEXT, and a pending Swedish error under key + NUM_ERROR.
NUM_TEXT = "__text"
NUM_ERROR = "__fel"

# ---------------------------------------------------------------- scenario
# The scenario's assumption values live under KEY_SC_PREFIX + a field name from
# naravard.views.scenario (e.g. "nv_sc_andel_ordinart", "nv_sc_vc_1380"); see sc_key().
KEY_SC_PREFIX = "nv_sc_"
KEY_SC_COPY = "nv_sc_ui_kopia"  # a plain copy of the values that survives page switches
KEY_SC_WARNINGS = "nv_sc_ui_url_varningar"
KEY_SC_LIMIT = "nv_sc_ui_gransfel"  # Swedish text: a control moved past a joint limit was put back
KEY_SC_LAST_QUERY = "nv_sc_ui_senaste_url"
KEY_SC_CURRENT = "nv_sc_ui_aktuellt"  # a views.scenario.CurrentScenario (a plain object, not a widget)
KEY_SC_PRESET = "nv_sc_ui_forval"
KEY_SC_RESET = "nv_sc_ui_aterstall"
KEY_SC_VIEW = "nv_sc_ui_visa"
KEY_SC_OUTPUT = "nv_sc_ui_utdata"
KEY_SC_CHART = "nv_sc_diagram"  # container around the per-kommun chart (CSS class st-key-…)
KEY_SC_LINK = "nv_sc_ui_lank"
KEY_SC_NAME = "nv_sc_ui_namn"
KEY_SC_GROUP = "nv_sc_ui_grupp"
KEY_SC_NOTE = "nv_sc_ui_anteckning"
KEY_SC_SAVE = "nv_sc_ui_spara"
KEY_SC_CHOSEN = "nv_sc_ui_valt"
KEY_SC_NEW_NAME = "nv_sc_ui_nytt_namn"
KEY_SC_EDIT_NOTE = "nv_sc_ui_ny_anteckning"  # the chosen scenario's note, being edited
KEY_SC_EDIT_NOTE_FOR = "nv_sc_ui_ny_anteckning_for"  # (id, version) the note field was filled from
KEY_SC_EDIT_NOTE_SAVE = "nv_sc_ui_spara_anteckning"
KEY_SC_OPEN = "nv_sc_ui_oppna"
KEY_SC_RENAME = "nv_sc_ui_byt_namn"
KEY_SC_DELETE = "nv_sc_ui_ta_bort"
KEY_SC_DELETE_CONFIRM = "nv_sc_ui_ta_bort_ja"
KEY_SC_DELETE_CANCEL = "nv_sc_ui_ta_bort_nej"
KEY_SC_DELETE_PENDING = "nv_sc_ui_ta_bort_vantar"  # id awaiting confirmation
KEY_SC_UNDO = "nv_sc_ui_angra"  # (id, name) of the scenario just deleted
KEY_SC_UNDO_BUTTON = "nv_sc_ui_angra_knapp"
KEY_SC_MESSAGES = "nv_sc_ui_meddelanden"  # [(kind, Swedish text)] from store callbacks
KEY_SC_LAST_SAVE = "nv_sc_ui_senast_sparat"  # (what was saved, its id): a repeated click is the same save
KEY_SC_SEARCH = "nv_sc_ui_sok"  # search in the saved list (name or group)
KEY_SC_PAGE = "nv_sc_ui_sida"  # page of the saved list (0-based; not a widget)
KEY_SC_PAGE_PREV = "nv_sc_ui_sida_fore"
KEY_SC_PAGE_NEXT = "nv_sc_ui_sida_nasta"
KEY_SC_COMPARE = "nv_sc_ui_jamfor"
KEY_SC_COMPARE_OUTPUT = "nv_sc_ui_jamfor_utdata"
KEY_SC_COMPARE_CHART = "nv_sc_jamfor_diagram"


def sc_key(field: str) -> str:
    """Session key of one scenario value (a field name from views.scenario)."""
    return KEY_SC_PREFIX + field

# ---------------------------------------------------------------- Geografi
# The what-if changes to the unit register: a tuple of model.geo.changes.UnitChange, the
# one copy the Geografi page edits and the Scenario page puts into Assumptions.enheter.
KEY_GEO_CHANGES = "nv_geo_enheter"
KEY_GEO_HISTORY = "nv_geo_historik"  # earlier change tuples, newest last ("Ångra")
KEY_GEO_LINK_READ = "nv_geo_lank_last"  # True once this session read a link's enh
KEY_GEO_WARNINGS = "nv_geo_varningar"  # Swedish warnings for the next run (link, dropped changes)
KEY_GEO_MESSAGES = "nv_geo_meddelanden"  # [(kind, Swedish text)] from callbacks
# The register in use this session (a ui.geografi.RegisterInUse: frame, label, source).
KEY_GEO_REGISTER = "nv_geo_register"
KEY_GEO_REG_UPLOAD = "nv_geo_register_fil"
KEY_GEO_REG_USE = "nv_geo_register_anvand"
KEY_GEO_REG_EXAMPLE = "nv_geo_register_exempel"
KEY_GEO_REG_SAVE = "nv_geo_register_spara"
KEY_GEO_REG_NAME = "nv_geo_register_namn"
KEY_GEO_REG_RESET = "nv_geo_register_aterstall"
KEY_GEO_REG_TEMPLATE = "nv_geo_register_mall"
KEY_GEO_REG_TEMPLATE_EXCEL = "nv_geo_register_mall_excel"
KEY_GEO_MATRIX = "nv_geo_matris"  # the travel matrix in use: (token, cost frame, unit, file name)
KEY_GEO_MATRIX_UPLOAD = "nv_geo_matris_fil"
KEY_GEO_MATRIX_USE = "nv_geo_matris_anvand"
KEY_GEO_MATRIX_RESET = "nv_geo_matris_aterstall"
# The map and its controls.
KEY_GEO_MAP = "nv_geo_karta"  # container around the map (CSS class st-key-nv_geo_karta)
KEY_GEO_MAP_CLICK = "nv_geo_karta_klick"  # the map chart's selection state (st.plotly_chart key)
KEY_GEO_ADD_TYPE = "nv_geo_lagg_till"  # radio: filial / vårdcentral / inget (bara titta)
KEY_GEO_COLOUR = "nv_geo_farg"  # colour the squares by population or by distance
KEY_GEO_TO_TYPE = "nv_geo_avstand_till"  # distance to: vårdcentral, filial or either
KEY_GEO_DETOUR = "nv_geo_omvag"  # detour factor (Swedish number input), 1,0 = fågelväg
KEY_GEO_HEADLINES = "nv_geo_nyckeltal"  # container of the headline figures
# The what-if panel.
KEY_GEO_UNDO = "nv_geo_angra"
KEY_GEO_CLEAR = "nv_geo_rensa"
KEY_GEO_DROP_PREFIX = "nv_geo_ta_bort_"  # + the change's position: "Ta bort" beside each change
KEY_GEO_PLACE_KOMMUN = "nv_geo_plats_kommun"
KEY_GEO_PLACE = "nv_geo_plats"
KEY_GEO_PLACE_TYPE = "nv_geo_plats_typ"
KEY_GEO_PLACE_ADD = "nv_geo_plats_lagg_till"
KEY_GEO_UNIT = "nv_geo_enhet"
KEY_GEO_UNIT_REMOVE = "nv_geo_enhet_ta_bort"
KEY_GEO_MOVE_KOMMUN = "nv_geo_flytt_kommun"
KEY_GEO_MOVE_PLACE = "nv_geo_flytt_plats"
KEY_GEO_UNIT_MOVE = "nv_geo_enhet_flytta"
# The suggestion panel.
KEY_GEO_SUG_P = "nv_geo_forslag_antal"
KEY_GEO_SUG_R = "nv_geo_forslag_radie"
KEY_GEO_SUG_METHOD = "nv_geo_forslag_metod"
KEY_GEO_SUG_TYPE = "nv_geo_forslag_typ"
KEY_GEO_SUG_RUN = "nv_geo_forslag_kor"
KEY_GEO_SUG_RESULT = "nv_geo_forslag_resultat"  # the last SuggestionResult and what it was asked
KEY_GEO_SUG_ADD = "nv_geo_forslag_lagg_till"
KEY_GEO_YEAR = "nv_geo_ar"  # the squares' population: the grid's year or the scenario's
KEY_GEO_MAP_NOREG = "nv_geo_befolkningskarta"  # container around the population map (no register)
KEY_GEO_STORED_PROBLEMS = "nv_geo_register_sparat_fel"  # Swedish problems of a kept register that no longer fits

# ---------------------------------------------------------------- Presentera
# The presentation: the chosen slide ids in showing order (a multiselect whose value the
# up/down buttons rewrite), its name, and presentation mode (on/off, the slide shown).
# Streamlit forgets a widget's value on a run that does not draw it (presentation mode),
# so the order and the name live in plain keys and the widgets are filled from them.
KEY_PR_ORDER = "nv_pr_ordning"  # the chosen ids in showing order (not a widget)
KEY_PR_TITLE = "nv_pr_titel"  # the presentation's name (not a widget)
KEY_PR_CHOSEN = "nv_pr_valda"  # the multiselect
KEY_PR_TITLE_INPUT = "nv_pr_titel_falt"  # the name's text field
KEY_PR_UP_PREFIX = "nv_pr_upp_"  # + the slide's position: move it one step earlier
KEY_PR_DOWN_PREFIX = "nv_pr_ned_"  # + the slide's position: move it one step later
KEY_PR_START = "nv_pr_starta"
KEY_PR_ACTIVE = "nv_pr_aktiv"  # True while presenting (not a widget)
KEY_PR_INDEX = "nv_pr_nummer"  # 0-based position of the slide shown (not a widget)
KEY_PR_PREV = "nv_pr_foregaende"
KEY_PR_NEXT = "nv_pr_nasta"
KEY_PR_EXIT = "nv_pr_avsluta"
KEY_PR_SLIDE = "nv_pr_bild"  # container of the slide (CSS class st-key-nv_pr_bild)
KEY_PR_NAV = "nv_pr_navigering"  # container of the buttons and the counter
KEY_PR_COUNTER = "nv_pr_raknare"  # container of the counter "3 / 10"
KEY_PR_LINK = "nv_pr_lank"  # toggle "Kopiera länk"
KEY_PR_LINK_READ = "nv_pr_lank_last"  # True once this session read a presentation link
KEY_PR_WARNINGS = "nv_pr_varningar"  # Swedish warnings about the link, for the next run
KEY_PR_PPTX = "nv_pr_pptx"
KEY_PR_PDF = "nv_pr_pdf"
# ---------------------------------------------------------------- Dialog
KEY_DLG_THEME = "nv_dlg_tema"
KEY_DLG_GROUP = "nv_dlg_grupp"
KEY_DLG_AUTHOR = "nv_dlg_forfattare"
KEY_DLG_SCENARIO = "nv_dlg_scenario"  # the group's saved scenario id the answers link to (or None)
KEY_DLG_MESSAGES = "nv_dlg_meddelanden"  # [(kind, Swedish text)] from the store callbacks
KEY_DLG_UNDO = "nv_dlg_angra"  # (answer id, question, theme, index, group) of the answer just deleted
KEY_DLG_UNDO_BUTTON = "nv_dlg_angra_knapp"
KEY_DLG_EXPORT = "nv_dlg_export"  # (fingerprint of the answers, "pdf"/"pptx", bytes) of the last summary built
KEY_DLG_EXPORT_PDF = "nv_dlg_skapa_pdf"
KEY_DLG_EXPORT_PPTX = "nv_dlg_skapa_pptx"
KEY_DLG_EXPORT_REQUEST = "nv_dlg_export_begard"  # "pdf"/"pptx": a button asked for the summary in this run
# One question's form: KEY_DLG_PREFIX + theme + index + field (see dlg_key).
KEY_DLG_PREFIX = "nv_dlg_"


def dlg_key(theme: str, index: int, field: str) -> str:
    """Session key of one field of question ``index`` of ``theme`` on the Dialog page:
    "stand" (position choice), "egen" (own position), "ant" (notes), "laddat" (the saved
    answer and version the form was filled from), and the buttons "spara", "las", "bort"."""
    return f"{KEY_DLG_PREFIX}{theme}_{index}_{field}"
# Presentera: saved presentations (the store's named presentations).
KEY_PR_SAVE_NAME = "nv_pr_spara_namn"
KEY_PR_SAVE_GROUP = "nv_pr_spara_grupp"
KEY_PR_SAVE = "nv_pr_spara"
KEY_PR_SAVED = "nv_pr_sparade"  # the picker of saved presentations
KEY_PR_OPEN = "nv_pr_oppna"
KEY_PR_DELETE = "nv_pr_ta_bort"
KEY_PR_UNDO = "nv_pr_angra"  # (id, name) of the presentation just deleted
KEY_PR_UNDO_BUTTON = "nv_pr_angra_knapp"
KEY_PR_MESSAGES = "nv_pr_meddelanden"  # [(kind, Swedish text)] from store callbacks
KEY_PR_PENDING = "nv_pr_vantande"  # slide ids of an opened presentation, read on the next run
