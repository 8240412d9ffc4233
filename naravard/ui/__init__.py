"""The UI layer: the only part of the package that imports Streamlit.

- :mod:`.state`: every session-state key (prefixed ``nv_``);
- :mod:`.auth`: who uses the session (the sign-in gate), the store bound to them, the group choice;
- :mod:`.admin`: the Grupper page's sections (groups, members, passphrases, restore, audit log);
- :mod:`.cache`: cached data access (``st.cache_data`` around the pure loaders);
- :mod:`.frame`: the guard that keeps a deep-linked page inside app.py's frame, and
  :func:`~.frame.run_page`, which turns a page's unexpected error into a Swedish message;
- :mod:`.chrome`: the page list and the shared sidebar;
- :mod:`.widgets`: render helpers (charts with captions, tables, "Källa:" lines);
- :mod:`.sections`: page sections with widget state (map, boundaries);
- :mod:`.scenario`: the Scenario page's sections (its state, controls, studio, saved scenarios);
- :mod:`.notfound`: the pages for ``st.navigation``, with a Swedish page for an unknown address;
- :mod:`.data_import`: the Ladda data section (templates, upload, check, use, reset);
- :mod:`.geografi`: the Geografi page's sections (register in use, the map with what-if
  clicks, the what-if and suggestion panels) and the scenario's one list of unit changes.

Pages import ``ui`` and call the names re-exported here.
"""

from naravard.ui import auth  # noqa: F401
from naravard.ui.cache import (  # noqa: F401
    base_dataset,
    boundaries,
    data_dir,
    data_overrides,
    dataset,
    require,
    scenario_inputs,
    scenario_store,
)
from naravard.ui.data_import import cross_table_notes, import_section, own_data_status  # noqa: F401
from naravard.ui.chrome import PAGES, PageSpec, page_title, sidebar, variant  # noqa: F401
from naravard.ui.frame import PAGE_ERROR_SV, ensure_frame, run_page  # noqa: F401
from naravard.ui.notfound import navigation_pages  # noqa: F401
from naravard.ui.sections import boundary_section, map_section  # noqa: F401
from naravard.ui.state import *  # noqa: F401,F403
from naravard.ui.widgets import CHART_ALT_POINTER, STATIC_TABLE_MAX_ROWS, chart, metric, number_input, source_line, table, text_table  # noqa: F401
