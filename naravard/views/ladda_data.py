"""What the Ladda data page shows: the checked file and its differences, in Swedish."""

from __future__ import annotations

import pandas as pd

from naravard import fmt
from naravard.services.import_tables import IMPORTABLE, SHAPES
from naravard.services.importing import ACCEPTED_TYPES, MAX_CELLS, MAX_MB, MAX_ROWS, ImportReport
from naravard.sources.dataset import CrossTableNote, Dataset


def _decimals(table: str) -> int:
    return 1 if table in SHAPES and not SHAPES[table].integer else 0


def preview_display(report: ImportReport) -> pd.DataFrame:
    """The validated file as strings in Swedish number format."""
    if report.preview is None:
        return pd.DataFrame()
    d = _decimals(report.table)
    out = report.preview.copy()
    for c in out.columns:
        if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c].map(lambda v: fmt.number(v, d, missing=""))
        else:
            out[c] = out[c].map(lambda v: "" if pd.isna(v) else str(v))
    return out


def diff_display(report: ImportReport, limit: int = 500) -> pd.DataFrame:
    """The differences as a Swedish table (at most ``limit`` rows)."""
    cols = ["Rad", "Kolumn", "Nu", "I filen", "Förändring"]
    if report.diff is None or report.diff.empty:
        return pd.DataFrame(columns=cols)
    d = _decimals(report.table)
    t = report.diff.head(limit)
    change = t["nytt"] - t["tidigare"]
    return pd.DataFrame(
        {
            "Rad": t["rad"],
            "Kolumn": t["kolumn"],
            "Nu": t["tidigare"].map(lambda v: fmt.number(v, d)),
            "I filen": t["nytt"].map(lambda v: fmt.number(v, d)),
            "Förändring": change.map(lambda v: fmt.number(v, d, signed=True)),
        }
    )


# ------------------------------------------------------------------ texts

UPLOAD_LABEL = f"Välj en fil: CSV eller Excel-arbetsbok (.xlsx), högst {MAX_MB}\u00a0MB"
UPLOAD_HELP = (
    "CSV: komma, semikolon eller tabb mellan kolumnerna; UTF-8 eller Windows-1252 (Excel); decimalkomma och "
    "mellanslag mellan tusental går bra. Excel (.xlsx): bladet som heter som tabellen, annars det första; "
    "tal som tal eller text, inga formler eller datum. Äldre .xls-filer: spara som .xlsx eller CSV först."
)

#: Said before a file is used and while own data is in use: a reload drops it.
RELOAD_NOTE = (
    "Dina data finns bara i den här fliken: laddar du om sidan (F5) eller stänger fliken försvinner de, och de "
    "inbäddade data används igen. Spara din fil så att du kan ladda upp den igen."
)


def limits_text() -> str:
    """The upload limits and accepted types, in Swedish.

    Streamlit 1.67's uploader draws its own "Upload" button and "5MB per file • CSV, …"
    line, which cannot be translated (streamlit/streamlit#13500, open); the label,
    the help and this line say it in Swedish.
    """
    types = ", ".join(t.upper() for t in ACCEPTED_TYPES)
    return (
        f"Gräns: {MAX_MB}\u00a0MB och {fmt.number(MAX_ROWS)} rader per fil. Filtyper: {types}. "
        f"Högst {fmt.number(MAX_CELLS)} värden (rader × kolumner). "
        "Filen läses bara i minnet för din session."
    )


def own_titles(ds: Dataset, names: list[str]) -> list[str]:
    """Swedish titles of the tables the session's own files replace."""
    return [IMPORTABLE[n].title_sv if n in IMPORTABLE else ds.info[n].title for n in names if n in ds.info]


def own_data_text(titles: list[str]) -> str:
    return f"Du använder egen data för: {', '.join(titles)}. {RELOAD_NOTE}"


def problems_text(report: ImportReport) -> str:
    return (
        f"**Filen {report.filename} kan inte användas som {report.title_sv}.** "
        "Rätta följande och ladda upp filen igen:\n\n" + "\n".join(f"- {p}" for p in report.problems_sv)
    )


def template_fallback_text(ds: Dataset, name: str, from_base: bool) -> str:
    """Why the template differs from the table in use (the session's file does not load)."""
    err = ds.problems.get(name)
    why = f" ({err.problem_sv})" if err else ""
    if from_base:
        return f"Din fil för tabellen kan inte användas{why}; mallen är den inbäddade tabellen."
    return f"Tabellen kunde inte läsas{why}; mallen har bara rubrikraden."


def note_short_text(ds: Dataset, note: CrossTableNote) -> str:
    """A cross-table note for the sidebar: both tables named, the detail on Om data."""
    titles = " och ".join(f"”{ds.info[t].title}”" for t in note.tables if t in ds.info)
    return f"Tabellerna {titles} stämmer inte överens; båda används. Se Om data eller Ladda data."
