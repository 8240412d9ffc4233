"""The scenario as files: Excel workbook, CSV per kommun and year, assumptions CSV.

Built from the same tables the Scenario page shows (:mod:`naravard.views.scenario`),
so a file never contradicts the screen.
"""

from __future__ import annotations

from naravard.export import spreadsheet
from naravard.model import scenario
from naravard.model.scenario import Assumptions
from naravard.views import scenario as view


def excel_bytes(inputs, a: Assumptions, sources: list[str]) -> bytes:
    """The scenario as an Excel workbook: assumptions sheet plus per kommun/år and totals."""
    res = scenario.run(inputs, a)
    return spreadsheet.to_excel_bytes(view.export_sheets(res), view.assumption_rows(a), view.export_title(res), sources)


def csv_bytes(inputs, a: Assumptions) -> bytes:
    """Per kommun and year as CSV (Excel-friendly, formula injection neutralised)."""
    return spreadsheet.to_csv_bytes(view.export_sheets(scenario.run(inputs, a))["Per kommun och år"])


def assumptions_csv_bytes(a: Assumptions) -> bytes:
    return spreadsheet.assumptions_csv_bytes(view.assumption_rows(a))
