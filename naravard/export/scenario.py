"""The scenario as files: Excel workbook, CSV per kommun and year, assumptions CSV.

Built from the same tables the Scenario page shows (:mod:`naravard.views.scenario`:
:func:`~naravard.views.scenario.kommun_frame`, rounded as the screen shows it), so a
file never contradicts the screen; assumptions are numbers with their units, and the
workbook says how its figures are rounded. The scenario's what-if changes to the unit
register (made on the Geografi page) are listed among the assumptions, one row each,
in the order they were made.
"""

from __future__ import annotations

from collections.abc import Mapping

from naravard.export import spreadsheet
from naravard.model import scenario
from naravard.model.scenario import Assumptions
from naravard.views import scenario as view


CHANGE_LABEL_SV = "Ändring av enheter"
CHANGE_SOURCE_SV = "Användarens antagande (sidan Geografi)"
NO_CHANGES_SV = "Inga ändringar"


def change_cells(a: Assumptions) -> list[tuple]:
    """One row per what-if change to the unit register (label, text, unit, source);
    one row saying there is none, so a reader of the file knows the register was used
    as it is."""
    if not a.enheter:
        return [(CHANGE_LABEL_SV, NO_CHANGES_SV, "", CHANGE_SOURCE_SV)]
    return [(f"{CHANGE_LABEL_SV} {i}", c.describe_sv(), "", CHANGE_SOURCE_SV) for i, c in enumerate(a.enheter, start=1)]


def _assumption_cells(inputs, a: Assumptions) -> list[tuple]:
    return [(r.label, r.value, r.unit, r.source) for r in view.assumption_records(a, inputs)] + change_cells(a)


# Columns the per-kommun CSV gets from the export's meta (what every export carries:
# date, data versions, forecast and the scenario's name; see views.slides.handout_meta).
META_COLUMNS_SV = {"Scenario": "Scenario", "Prognos": "Prognos", "Data": "Dataversioner", "Datum": "Exportdatum"}
META_SOURCE_SV = "Exporten"


def _meta_lines(meta: Mapping[str, str] | None) -> list[str]:
    # The workbook writes its date itself; the other lines go under its title.
    return [f"{k}: {v}" for k, v in (meta or {}).items() if k != "Datum"]


def excel_bytes(inputs, a: Assumptions, sources: list[str], meta: Mapping[str, str] | None = None) -> bytes:
    """The scenario as an Excel workbook: assumptions sheet, the page's per-kommun
    table, then per kommun and year and the region per year. ``meta`` (date, data
    versions, forecast, scenario name) is written under the title."""
    res = scenario.run(inputs, a)
    return spreadsheet.to_excel_bytes(
        view.export_sheets(res),
        _assumption_cells(inputs, a),
        view.export_title(res),
        sources,
        notes=[*_meta_lines(meta), view.ROUNDING_NOTE_SV],
    )


def csv_bytes(inputs, a: Assumptions, meta: Mapping[str, str] | None = None) -> bytes:
    """Per kommun and year as CSV (Excel-friendly, formula injection neutralised).

    A CSV has no title page, so the export's meta (scenario, forecast, data versions,
    date) are columns of constant value: the file stays one tidy table that a program
    reads as it is, and a copied row still says where it came from."""
    df = view.export_sheets(scenario.run(inputs, a))["Per kommun och år"].copy()
    for key, column in META_COLUMNS_SV.items():
        if meta and key in meta:
            df[column] = meta[key]
    return spreadsheet.to_csv_bytes(df)


def assumptions_csv_bytes(a: Assumptions, inputs=None, meta: Mapping[str, str] | None = None) -> bytes:
    """The assumptions in force as CSV: value (a number where it is one), unit, source;
    the export's meta first, as rows of the same shape."""
    head = [(k, v, "", META_SOURCE_SV) for k, v in (meta or {}).items()]
    return spreadsheet.assumptions_csv_bytes(head + _assumption_cells(inputs, a))
