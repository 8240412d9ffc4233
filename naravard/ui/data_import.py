"""The Ladda data section: templates, the uploader, the check's report, use and reset;
published data versions: the choice per table, "Publicera för alla", withdrawing.

A planner's file lives in the session only (:data:`KEY_DATA_IMPORT`: table name →
raw bytes) until it is published; every page's dataset is loaded with the session's
files over the chosen published versions (:func:`naravard.ui.cache.dataset`). The
callbacks that change the session live here, so the page stays layout only.

Publishing and withdrawing go through ``ui.auth.bound_store()`` (the store checks the
planerare role again); the buttons are drawn only for an access that ``can_publish``.

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
from naravard.services import publishing
from naravard.sources.dataset import Dataset
from naravard.ui import auth
from naravard.ui import cache as data
from naravard.ui.cache import base_dataset, data_dir, data_overrides, data_published, session_imports
from naravard.ui.state import (
    KEY_DATA_IMPORT,
    KEY_IMPORT_FILE,
    KEY_IMPORT_RESET,
    KEY_IMPORT_TABLE,
    KEY_IMPORT_TEMPLATE,
    KEY_IMPORT_TEMPLATE_EXCEL,
    KEY_IMPORT_USE,
    KEY_PUBLISH,
    KEY_PUBLISH_MESSAGES,
    KEY_PUBLISH_NAME,
    KEY_PUBLISH_NOTE,
    KEY_PUBLISH_SOURCE,
    KEY_WITHDRAW_CANCEL,
    KEY_WITHDRAW_CONFIRM,
    KEY_WITHDRAW_PENDING,
    KEY_WITHDRAW_PREFIX,
    data_version_key,
)
from naravard.ui.widgets import source_line, table
from naravard.views import ladda_data as view


# A report holds its preview and diff (each at most MAX_CELLS cells), with their
# Swedish display tables; a few sessions' current uploads fit, and an hour later a
# planner has moved on.
@st.cache_data(show_spinner="Filen kontrolleras …", max_entries=8, ttl=3600)
def _checked(
    path: str | None, overrides: tuple[tuple[str, bytes], ...], published: tuple, name: str, raw: bytes, filename: str,
    _ds: Dataset,
) -> tuple[importer.ImportReport, pd.DataFrame | None, pd.DataFrame | None]:
    """The check of one file against ``_ds``, the dataset that ``path``, ``overrides``
    and ``published`` load (so they, not the dataset object, are the cache key), and
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
    return _checked(str(d) if d else None, data_overrides(), data_published(), name, bytes(raw), filename, ds)


def _use(name: str, raw: bytes) -> None:
    st.session_state[KEY_DATA_IMPORT] = {**dict(session_imports()), name: raw}


def _reset() -> None:
    st.session_state.pop(KEY_DATA_IMPORT, None)


def own_data_status(ds: Dataset) -> None:
    """What own data is in use, that a reload (F5) drops it, and the reset button."""
    titles = view.own_titles(ds, [n for n, _ in session_imports()])
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
    in_use = dict(session_imports()).get(name) == raw
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
    publish_form(name, raw, report.filename)
    if diff is not None:
        st.subheader("Skillnader mot nuvarande data")
        table(
            diff,
            alt=f"Värden i filen som skiljer sig från nuvarande data, {fmt.number(report.changed_values)} stycken.",
        )
    st.subheader("Förhandsvisning")
    table(preview, alt=f"Innehållet i filen {report.filename}.")


# ------------------------------------------------------------------ published versions


def _say(kind: str, text: str) -> None:
    st.session_state.setdefault(KEY_PUBLISH_MESSAGES, []).append((kind, text))


def publish_messages() -> None:
    """What the last publish or withdraw did (set by the callbacks), shown once."""
    for kind, text in st.session_state.pop(KEY_PUBLISH_MESSAGES, []):
        icon = ":material/check_circle:" if kind == "success" else ":material/error:"
        (st.success if kind == "success" else st.error)(fmt.as_text(text), icon=icon)


def _publish(name: str, raw: bytes, filename: str) -> None:
    """Callback of "Publicera för alla": the same check as the page's, then the store
    (bound to the signed-in person: it refuses anyone but a planerare)."""
    from naravard.store import StoreError

    store = auth.bound_store()
    ds = data.session_dataset()
    if store is None or ds is None:
        _say("error", "Lagringen kan inte öppnas; inget har publicerats.")
        return
    try:
        info = publishing.publish_import(
            store, ds, name, raw, filename, st.session_state.get(KEY_PUBLISH_NAME, ""),
            st.session_state.get(KEY_PUBLISH_SOURCE, ""), st.session_state.get(KEY_PUBLISH_NOTE, ""),
        )
    except StoreError as e:
        _say("error", e.message_sv)
        return
    data.forget_published_list()
    data.set_version_choice(name, info.id)
    own = dict(session_imports())
    if own.get(name) == raw:  # the published version replaces the trial: same bytes, now with their source
        own.pop(name)
        st.session_state[KEY_DATA_IMPORT] = own
    for k in (KEY_PUBLISH_NAME, KEY_PUBLISH_SOURCE, KEY_PUBLISH_NOTE):
        st.session_state.pop(k, None)
    _say("success", f"{publishing.label_sv(info)} är publicerad för alla och används nu för {publishing.kind_title_sv(name)}.")


def publish_form(name: str, raw: bytes, filename: str) -> None:
    """"Publicera för alla" under an accepted file: only for a planner (the store checks
    the role again). Name, source (required) and a note."""
    if not auth.current_access().can_publish:
        return
    with st.container(border=True):
        st.markdown("**Publicera för alla**")
        st.caption(
            "En publicerad version kan väljas av alla användare och blir förval för dem som inte har valt någon "
            "annan. Den ändras aldrig; den kan återkallas men inte skrivas över."
        )
        st.text_input("Namn på versionen", max_chars=80, key=KEY_PUBLISH_NAME,
                      help="Till exempel prognosens namn och år. Ett namn kan bara användas en gång per tabell.")
        st.text_input("Källa", max_chars=publishing.MAX_SOURCE_CHARS, key=KEY_PUBLISH_SOURCE,
                      help="Vem som har tagit fram siffrorna och i vilken rapport eller leverans (krävs).")
        st.text_area("Not (valfri)", max_chars=publishing.MAX_NOTE_CHARS, key=KEY_PUBLISH_NOTE, height=80)
        st.button("Publicera för alla", key=KEY_PUBLISH, on_click=_publish, args=(name, raw, filename),
                  icon=":material/publish:")


def _choose(kind: str) -> None:
    data.set_version_choice(kind, st.session_state.get(data_version_key(kind)))


def version_select(kind: str, label: str, none_label: str, listing: data.PublishedList | None = None):
    """The "Dataversion" choice of one kind: ``none_label`` (0) or a published version,
    default the newest. Returns the chosen version's info or None. The choice lives in a
    plain session dict (ui.cache.version_choice), so it holds on every page."""
    listing = listing or data.published_list()
    versions = listing.of(kind)
    if not versions:
        return None
    chosen = data.chosen_version(kind, listing)
    labels = {0: none_label}
    for i, v in enumerate(versions):
        labels[v.id] = publishing.label_sv(v) + (" – nyast" if i == 0 else "")
    key = data_version_key(kind)
    current = chosen.id if chosen is not None else 0
    if st.session_state.get(key) != current:
        st.session_state[key] = current
    st.selectbox(label, options=list(labels), format_func=labels.get, key=key, on_change=_choose, args=(kind,))
    if chosen is not None and chosen.note:
        st.caption(fmt.as_text(f"Not: {chosen.note}"))
    return chosen


def _withdraw_ask(kind: str, version_id: int) -> None:
    st.session_state[KEY_WITHDRAW_PENDING] = (kind, version_id)


def _withdraw_cancel() -> None:
    st.session_state.pop(KEY_WITHDRAW_PENDING, None)


def _withdraw(kind: str, version_id: int) -> None:
    from naravard.store import StoreError

    st.session_state.pop(KEY_WITHDRAW_PENDING, None)
    store = auth.bound_store()
    if store is None:
        _say("error", "Lagringen kan inte öppnas; inget har återkallats.")
        return
    try:
        store.withdraw_data_version(version_id)
    except StoreError as e:
        _say("error", e.message_sv)
        return
    data.forget_published_list()
    if data.version_choice(kind) == version_id:
        data.set_version_choice(kind, None)
    _say("success", "Versionen är återkallad och kan inte längre väljas.")


def withdraw_controls(kind: str, chosen) -> None:
    """"Återkalla versionen" (for a planner), asking first."""
    pending = st.session_state.get(KEY_WITHDRAW_PENDING)
    if pending == (kind, chosen.id):
        st.warning(fmt.as_text(f"Återkalla {publishing.label_sv(chosen)} för alla användare? Den kan sedan inte väljas; den som använder den får den nyaste publicerade versionen eller de inbäddade data."),
                   icon=":material/warning:")
        a, b = st.columns(2)
        a.button("Ja, återkalla", key=KEY_WITHDRAW_CONFIRM, on_click=_withdraw, args=(kind, chosen.id),
                 type="primary")
        b.button("Avbryt", key=KEY_WITHDRAW_CANCEL, on_click=_withdraw_cancel)
    else:
        st.button("Återkalla versionen", key=KEY_WITHDRAW_PREFIX + kind, on_click=_withdraw_ask,
                  args=(kind, chosen.id), icon=":material/undo:")


def unavailable_text(listing: data.PublishedList, in_use: list[str]) -> str:
    """What a stopped database means here: which versions are still in use."""
    text = f"Databasen kan inte nås just nu ({listing.unavailable_sv.rstrip('.')})."
    if in_use:
        return text + " Publicerade versioner som redan har lästs används fortfarande: " + "; ".join(in_use) + "."
    return text + " De inbäddade data används; publicerade versioner visas när databasen kan nås igen."


def data_versions_section(ds: Dataset) -> None:
    """"Dataversion" per table for everyone: the embedded data or a published version
    (default the newest); a planner may withdraw the chosen one. When the database
    cannot be reached, says so and which version is in use."""
    publish_messages()
    listing = data.published_list()
    own = {n for n, _ in session_imports()}
    in_use: list[str] = []
    shown = False
    for kind in importer.IMPORTABLE:
        if not listing.of(kind):
            continue
        if not shown:
            st.subheader("Dataversioner")
            st.caption("Planerare publicerar uppdaterade tabeller för alla. Välj vilken version du vill använda; "
                       "förvalet är den nyaste. En fil du själv laddar in nedan gäller bara din session och går före.")
            shown = True
        chosen = version_select(kind, f"Dataversion: {publishing.kind_title_sv(kind)}", "Inbäddade data (manifest)",
                                listing)
        if chosen is not None:
            in_use.append(f"{publishing.kind_title_sv(kind)}: {publishing.label_sv(chosen)}")
            if kind in own:
                st.caption("Din egen fil används i den här sessionen i stället för den valda versionen (prova först).")
            elif kind in ds.problems:
                st.error(fmt.as_text(f"Den valda versionen kan inte användas: {ds.problems[kind].message_sv}"),
                         icon=":material/error:")
            elif kind not in {t for t, *_ in data_published()}:
                st.warning("Den valda versionen kan inte läsas just nu; de inbäddade data används.",
                           icon=":material/warning:")
            if auth.current_access().can_publish and not listing.unavailable_sv:
                withdraw_controls(kind, chosen)
    if listing.unavailable_sv:
        st.warning(fmt.as_text(unavailable_text(listing, in_use)), icon=":material/cloud_off:")
