"""Every export carries its date, the data versions, the forecast and the scenario's name (issue 13)."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from naravard.export import scenario as scenario_export
from naravard.export.spreadsheet import ASSUMPTIONS_SHEET
from naravard.model.scenario import Assumptions, ModelInputs
from naravard.sources.dataset import load_dataset
from naravard.views.slides import handout_meta

HOSTILE_NAME = '=HYPERLINK("http://x")<b>Grupp A</b>'


@pytest.fixture(scope="module")
def ds():
    return load_dataset(None)


@pytest.fixture(scope="module")
def inputs(ds):
    return ModelInputs.from_dataset(ds)


@pytest.fixture(scope="module")
def meta(ds):
    return handout_meta(ds, "RH2026", HOSTILE_NAME, today=date(2026, 11, 30))


def test_meta_names_the_data_versions_from_the_manifest(meta):
    assert meta["Datum"] == "2026-11-30"
    # Every table's source key with its date from the manifest, e.g. the deck and SCB/RH 2026.
    assert "HSU-2023 (2023)" in meta["Data"] and "SCB-RH-2026 (2026)" in meta["Data"]
    assert meta["Prognos"].startswith("Region Hallands befolkningsframskrivning 2026")


def test_workbook_carries_scenario_forecast_and_data_versions(inputs, meta):
    book = openpyxl.load_workbook(io.BytesIO(scenario_export.excel_bytes(inputs, Assumptions(), ["Källa"], meta)))
    cells = [c for row in book[ASSUMPTIONS_SHEET].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(c.startswith("Scenario: ") and "Grupp A" in c for c in cells), cells[:12]
    # The user's name is text, never a formula.
    assert all(not c.startswith("=") for c in cells)
    assert any("HSU-2023 (2023)" in c for c in cells if c.startswith("Data: "))
    assert any(c.startswith("Prognos: Region Hallands") for c in cells)


def test_per_kommun_csv_has_the_meta_as_columns_on_every_row(inputs, meta):
    text = scenario_export.csv_bytes(inputs, Assumptions(), meta).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows and {r["Exportdatum"] for r in rows} == {"2026-11-30"}
    assert all("HSU-2023 (2023)" in r["Dataversioner"] for r in rows)
    names = {r["Scenario"] for r in rows}
    assert len(names) == 1 and not next(iter(names)).startswith("=")  # formula neutralised
    assert "Grupp A" in next(iter(names))


def test_assumptions_csv_starts_with_the_meta(inputs, meta):
    text = scenario_export.assumptions_csv_bytes(Assumptions(), inputs, meta).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[1].startswith("Datum;2026-11-30")
    assert any(line.startswith("Scenario;") and "Grupp A" in line and ";=" not in line for line in lines)


def test_without_meta_the_files_are_as_before(inputs):
    text = scenario_export.csv_bytes(inputs, Assumptions()).decode("utf-8-sig")
    assert "Exportdatum" not in text.splitlines()[0]
