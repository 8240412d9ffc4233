"""Ladda data: check a planner's own CSV file and use it in this session only.

Nothing is written to disk: an accepted file's bytes are kept in the session
(``ui.KEY_DATA_IMPORT``) and every page's dataset is loaded with them.
"""

import streamlit as st

from naravard import fmt, ui
from naravard.services import importing as importer

ds = ui.dataset()


def _use(name: str, raw: bytes) -> None:
    st.session_state[ui.KEY_DATA_IMPORT] = {**dict(ui.data_overrides()), name: raw}


def _reset() -> None:
    st.session_state.pop(ui.KEY_DATA_IMPORT, None)


st.title("Ladda in egna data")
st.markdown(
    "Har du nyare siffror – en ny befolkningsprognos, listade per vårdcentral eller tillgänglighetsmått? "
    "Ladda ner den nuvarande tabellen som mall, fyll i dina siffror i ett kalkylprogram, spara som CSV och "
    "ladda upp filen här. Filen kontrolleras innan den kan användas, och du ser vad som skiljer den från "
    "de data som används nu. **Dina data gäller bara din session** och sparas inte någonstans; "
    "de inbäddade filerna ändras aldrig."
)

own = dict(ui.data_overrides())
if own:
    titles = [importer.IMPORTABLE[n].title_sv if n in importer.IMPORTABLE else ds.info[n].title for n in own if n in ds.info]
    if titles:
        st.info(f"Du använder egen data för: {', '.join(titles)}.", icon=":material/upload_file:")
    st.button("Återställ inbäddad data", on_click=_reset, icon=":material/restart_alt:", key="nv_ladda_aterstall")

name = st.selectbox(
    "Tabell som du vill ersätta",
    options=list(importer.IMPORTABLE),
    format_func=lambda n: importer.IMPORTABLE[n].title_sv,
    key="nv_ladda_tabell",
)
spec = importer.IMPORTABLE[name]
st.markdown(f"**Kolumner:** {spec.columns_sv}")
with st.expander("Exempel på en fil"):
    st.code(spec.example_csv, language=None)

template = importer.template_csv(ds, name)
if template is not None:
    left, right = st.columns(2)
    left.download_button(
        "Ladda ner nuvarande tabell (CSV)",
        data=template,
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="nv_ladda_mall",
    )
    right.download_button(
        "Ladda ner för Excel (semikolon, decimalkomma)",
        data=importer.template_csv(ds, name, excel=True),
        file_name=f"{name}_excel.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="nv_ladda_mall_excel",
    )
ui.source_line(ds, name, extra="Nuvarande tabell.")

up = st.file_uploader(
    f"Välj en CSV-fil (högst {importer.MAX_MB}\u00a0MB)",
    type=["csv", "txt", "tsv", "xlsx", "xls"],
    key="nv_ladda_fil",
    help="Komma, semikolon eller tabb mellan kolumnerna; UTF-8 eller Windows-1252 (Excel); decimalkomma och "
    "mellanslag mellan tusental går bra.",
)
st.caption(
    f"Gräns: {importer.MAX_MB}\u00a0MB och {fmt.number(importer.MAX_ROWS)} rader per fil. "
    "Filen läses bara i minnet för din session."
)

if up is not None:
    raw = up.getvalue()
    report = importer.check_import(ds, name, raw, up.name)
    if not report.ok:
        st.error(
            f"**Filen {report.filename} kan inte användas som {report.title_sv}.** "
            "Rätta följande och ladda upp filen igen:\n\n" + "\n".join(f"- {p}" for p in report.problems_sv),
            icon=":material/error:",
        )
    for note in report.notices_sv:
        st.warning(note, icon=":material/info:")
    if report.ok:
        if own.get(name) == raw:
            st.success(f"Filen {report.filename} används nu för {report.title_sv} på alla sidor.", icon=":material/check_circle:")
        else:
            st.success(report.message_sv, icon=":material/check_circle:")
            st.button(
                "Använd i min session",
                type="primary",
                on_click=_use,
                args=(name, raw),
                icon=":material/done:",
                key="nv_ladda_anvand",
            )
        if report.changed_values:
            st.subheader("Skillnader mot nuvarande data")
            ui.table(
                importer.diff_display(report),
                alt=f"Värden i filen som skiljer sig från nuvarande data, {report.changed_values} stycken.",
            )
        st.subheader("Förhandsvisning")
        ui.table(importer.preview_display(report), alt=f"Innehållet i filen {report.filename}.")
