"""The Ladda data section: templates, the uploader, the check's report, use and reset.

A planner's file lives in the session only (:data:`KEY_DATA_IMPORT`: table name →
raw bytes); every page's dataset is loaded with it (:func:`naravard.ui.cache.dataset`).
The callbacks that change the session live here, so the page stays layout only.

Streamlit reruns the page on every widget change while the uploaded file stays in
the uploader, and checking a large file takes seconds: :func:`checked` keeps each
report in ``st.cache_data``, keyed by what the check depends on (the data directory,
the session's other imports, the table, the file's bytes and name), so the check
runs once per file and data in use, not once per rerun.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from naravard import fmt
from naravard.services import importing as importer
from naravard.sources.dataset import Dataset
from naravard.ui.cache import base_dataset, data_dir, data_overrides
from naravard.ui.state import (
    KEY_DATA_IMPORT,
    KEY_IMPORT_FILE,
    KEY_IMPORT_RESET,
    KEY_IMPORT_TABLE,
    KEY_IMPORT_TEMPLATE,
    KEY_IMPORT_TEMPLATE_EXCEL,
    KEY_IMPORT_USE,
)
from naravard.ui.widgets import source_line, table
from naravard.views import ladda_data as view


# A report holds its preview and diff (each at most MAX_CELLS cells), with their
# Swedish display tables; a few sessions' current uploads fit, and an hour later a
# planner has moved on.
@st.cache_data(show_spinner="Filen kontrolleras …", max_entries=8, ttl=3600)
def _checked(
    path: str | None, overrides: tuple[tuple[str, bytes], ...], name: str, raw: bytes, filename: str, _ds: Dataset
) -> tuple[importer.ImportReport, pd.DataFrame | None, pd.DataFrame | None]:
    """The check of one file against ``_ds``, the dataset that ``path`` and
    ``overrides`` load (so they, not the dataset object, are the cache key), and
    the display tables of its preview and diff (formatting every cell is part of the
    cost of a large file, so it is done once too)."""
    report = importer.check_import(_ds, name, raw, filename)
    if not report.ok:
        return report, None, None
    diff = view.diff_display(report) if report.changed_values else None
    return report, view.preview_display(report), diff


def checked(ds: Dataset, name: str, raw: bytes, filename: str) -> tuple[importer.ImportReport, pd.DataFrame | None, pd.DataFrame | None]:
    """The report on a user's file for table ``name`` and its display tables:
    checked once per file and data, not once per rerun."""
    d = data_dir()
    return _checked(str(d) if d else None, data_overrides(), name, bytes(raw), filename, ds)


def _use(name: str, raw: bytes) -> None:
    st.session_state[KEY_DATA_IMPORT] = {**dict(data_overrides()), name: raw}


def _reset() -> None:
    st.session_state.pop(KEY_DATA_IMPORT, None)


def own_data_status(ds: Dataset) -> None:
    """What own data is in use, that a reload (F5) drops it, and the reset button."""
    titles = view.own_titles(ds, [n for n, _ in data_overrides()])
    if titles:
        st.info(view.own_data_text(titles), icon=":material/upload_file:")
        st.button("Återställ inbäddad data", on_click=_reset, icon=":material/restart_alt:", key=KEY_IMPORT_RESET)


def cross_table_notes(ds: Dataset) -> None:
    """Every pair of tables that disagree, named, with what each figure comes from."""
    for note in ds.notes:
        st.warning(note.message_sv, icon=":material/warning:")


def import_section(ds: Dataset) -> None:
    """Pick a table, download its template, upload a file, see the check, use it."""
    name = st.selectbox(
        "Tabell som du vill ersätta",
        options=list(importer.IMPORTABLE),
        format_func=lambda n: importer.IMPORTABLE[n].title_sv,
        key=KEY_IMPORT_TABLE,
    )
    spec = importer.IMPORTABLE[name]
    st.markdown(f"**Kolumner:** {spec.columns_sv}")
    with st.expander("Exempel på en fil (ur de data som används nu)"):
        st.code(importer.example_csv(ds, name), language=None)

    fallback = base_dataset()
    left, right = st.columns(2)
    left.download_button(
        "Ladda ner nuvarande tabell (CSV)",
        data=importer.template_csv(ds, name, fallback=fallback),
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=KEY_IMPORT_TEMPLATE,
    )
    right.download_button(
        "Ladda ner för Excel (semikolon, decimalkomma)",
        data=importer.template_csv(ds, name, excel=True, fallback=fallback),
        file_name=f"{name}_excel.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=KEY_IMPORT_TEMPLATE_EXCEL,
    )
    if ds.has(name):
        source_line(ds, name, extra="Nuvarande tabell.")
    else:
        st.caption(view.template_fallback_text(ds, name, fallback is not None and fallback.has(name)))

    up = st.file_uploader(
        view.UPLOAD_LABEL,
        type=list(importer.ACCEPTED_TYPES),
        max_upload_size=importer.MAX_MB,
        key=KEY_IMPORT_FILE,
        help=view.UPLOAD_HELP,
    )
    st.caption(view.limits_text())
    if up is not None:
        _report(ds, name, up.getvalue(), up.name)


def _report(ds: Dataset, name: str, raw: bytes, filename: str) -> None:
    report, preview, diff = checked(ds, name, raw, filename)
    if not report.ok:
        st.error(view.problems_text(report), icon=":material/error:")
        for note in report.notices_sv:
            st.warning(note, icon=":material/info:")
        return
    in_use = dict(data_overrides()).get(name) == raw
    if in_use:
        st.success(f"Filen {report.filename} används nu för {report.title_sv} på alla sidor.", icon=":material/check_circle:")
    else:
        st.success(report.message_sv, icon=":material/check_circle:")
    for note in report.notices_sv:
        st.warning(note, icon=":material/info:")
    if not in_use:
        st.info(view.RELOAD_NOTE, icon=":material/info:")  # said before the data is used
        st.button(
            "Använd i min session",
            type="primary",
            on_click=_use,
            args=(name, raw),
            icon=":material/done:",
            key=KEY_IMPORT_USE,
        )
    if diff is not None:
        st.subheader("Skillnader mot nuvarande data")
        table(
            diff,
            alt=f"Värden i filen som skiljer sig från nuvarande data, {fmt.number(report.changed_values)} stycken.",
        )
    st.subheader("Förhandsvisning")
    table(preview, alt=f"Innehållet i filen {report.filename}.")
