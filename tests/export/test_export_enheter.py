"""The scenario's files list its what-if changes to the unit register."""

from __future__ import annotations

import io

import openpyxl
import pytest

from naravard.export import scenario as scenario_export
from naravard.export.spreadsheet import ASSUMPTIONS_SHEET
from naravard.model.geo.changes import ADD, MOVE, REMOVE, UnitChange
from naravard.model.scenario import Assumptions, ModelInputs
from naravard.sources.dataset import load_dataset
from naravard.sources.geoframes import TYPE_FILIAL

CHANGES = (
    UnitChange(ADD, unit_type=TYPE_FILIAL, x=372000, y=6300000),
    UnitChange(REMOVE, unit_id="-osm-1"),  # an id starting with "-" must not become a formula
    UnitChange(MOVE, unit_id="osm-12", x=350123, y=6280456),
)


@pytest.fixture(scope="module")
def inputs():
    return ModelInputs.from_dataset(load_dataset(None))


def _cells(book) -> list[tuple]:
    return [tuple(r) for r in book[ASSUMPTIONS_SHEET].iter_rows(values_only=True)]


def test_the_workbook_lists_each_change_in_order(inputs):
    a = Assumptions(enheter=CHANGES)
    book = openpyxl.load_workbook(io.BytesIO(scenario_export.excel_bytes(inputs, a, ["Källa"])))
    rows = [r for r in _cells(book) if r and isinstance(r[0], str) and r[0].startswith("Ändring av enheter")]
    assert [r[0] for r in rows] == ["Ändring av enheter 1", "Ändring av enheter 2", "Ändring av enheter 3"]
    assert rows[0][1] == "Ny filial vid 372000 / 6300000 (SWEREF 99 TM)"
    assert rows[1][1] == "Enheten -osm-1 tas bort"  # text starting with "E": kept as is
    assert "osm-12 flyttas till 350123 / 6280456" in rows[2][1]


def test_the_assumptions_csv_lists_the_changes_or_says_there_are_none(inputs):
    text = scenario_export.assumptions_csv_bytes(Assumptions(enheter=CHANGES), inputs).decode("utf-8-sig")
    assert "Ändring av enheter 1;Ny filial vid 372000 / 6300000 (SWEREF 99 TM)" in text
    assert "Ändring av enheter 3" in text
    none = scenario_export.assumptions_csv_bytes(Assumptions(), inputs).decode("utf-8-sig")
    assert "Ändring av enheter;Inga ändringar" in none and "Ändring av enheter 1" not in none
