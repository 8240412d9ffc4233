"""The embedded population grid (FACTS.md S6): figures, validation, CLI, another region.

The real figures are asserted from the embedded Parquet (always present); the CLI
test re-embeds from ../shared/data when it is there and checks the committed bytes.
The synthetic second region (tests/test_region.py) shows that the grid is optional:
a data dir without one says that it is missing, and one with its own grid loads it.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from naravard.cli import main as cli_main
from naravard.sources import geoframes as gf
from naravard.sources import grid
from naravard.sources.dataset import DEFAULT_DATA_DIR
from tests.test_region import KOMMUNER, write_region

SHARED_CSV = DEFAULT_DATA_DIR.parents[1] / "shared" / "data" / "population" / "halland_befolkning_1km_2025.csv"
needs_shared = pytest.mark.skipif(not SHARED_CSV.is_file(), reason="../shared/data grid absent")

# FACTS.md S6 and ../shared/data/README.md: grid sums per kommun (by square centre).
S6_TOTAL = 346_002
S6_SQUARES = 3_940
S6_PER_KOMMUN = {
    "1384": 86_683,  # Kungsbacka
    "1383": 69_252,  # Varberg
    "1382": 47_136,  # Falkenberg
    "1380": 105_999,  # Halmstad
    "1381": 26_862,  # Laholm
    "1315": 10_070,  # Hylte
}


@pytest.fixture(scope="module")
def demand() -> pd.DataFrame:
    return grid.load_grid()


def test_grid_figures_match_facts_s6(demand):
    assert list(demand.columns) == list(gf.DEMAND_COLUMNS)
    assert len(demand) == S6_SQUARES
    assert demand[gf.DEMAND_POP].sum() == S6_TOTAL
    per = demand.groupby(gf.DEMAND_KOMMUN)[gf.DEMAND_POP].sum().astype(int).to_dict()
    assert per == S6_PER_KOMMUN
    assert (demand[gf.DEMAND_POP] == 0).sum() == 318  # README: SCB shows very small counts as 0
    assert grid.coastal_count() == 178


def test_grid_frame_types_and_geometry(demand):
    assert demand[gf.DEMAND_ID].is_unique
    assert demand[gf.DEMAND_X].dtype == np.float64 and demand[gf.DEMAND_POP].dtype == np.float64
    # Centres are at the half kilometre and the id is the south-west corner.
    assert ((demand[gf.DEMAND_X] % 1000) == 500).all() and ((demand[gf.DEMAND_Y] % 1000) == 500).all()
    row = demand.iloc[0]
    assert row[gf.DEMAND_ID] == f"{int(row[gf.DEMAND_X]) - 500:06d}{int(row[gf.DEMAND_Y]) - 500:07d}"


def test_manifest_names_source_licence_and_caveats():
    info = grid.grid_info()
    assert info is not None and info.file == "grid/befolkning_1km_2025.parquet"
    assert info.source == "SCB, Statistik på rutor: befolkning per km-ruta 2025-12-31 (CC0)"
    assert info.date == "2025-12-31"
    assert "±1,1 %" in info.notes and "178 kustrutor" in info.notes


@needs_shared
def test_cli_embed_writes_the_committed_bytes(tmp_path, capsys):
    out = tmp_path / "g.parquet"
    assert cli_main(["grid", "embed", str(SHARED_CSV), "--out", str(out)]) == 0
    assert "Embedded 3940 squares" in capsys.readouterr().out
    committed = DEFAULT_DATA_DIR / "grid" / "befolkning_1km_2025.parquet"
    assert out.read_bytes() == committed.read_bytes()
    # Twice: the same bytes (deterministic).
    assert cli_main(["grid", "embed", str(SHARED_CSV), "--out", str(out)]) == 0
    assert out.read_bytes() == committed.read_bytes()


def test_cli_embed_refuses_a_bad_csv_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("ruta_id,x_sweref99tm,y_sweref99tm,kommunkod,befolkning,metod\n"
                   "3150006365000,315500,6365500,9999,22,\n", encoding="utf-8")
    out = tmp_path / "g.parquet"
    assert cli_main(["grid", "embed", str(bad), "--out", str(out)]) == 1
    assert "kommun code not of the region" in capsys.readouterr().err
    assert not out.exists()


# ------------------------------------------------------------------ validation

def _table(**change) -> pd.DataFrame:
    base = {
        "ruta_id": ["3150006365000", "3150006368000"],
        "x_sweref99tm": [315500, 315500],
        "y_sweref99tm": [6365500, 6368500],
        "kommunkod": ["1384", "1384"],
        "befolkning": [22, 107],
        "metod": ["", ""],
    }
    base.update(change)
    return pd.DataFrame(base)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"ruta_id": ["3150006365000", "3150006365000"], "y_sweref99tm": [6365500, 6365500]}, "finns mer än en gång"),
        ({"kommunkod": ["1384", "1060"]}, "kommunkod utanför regionen"),
        ({"befolkning": [22, -1]}, "negativ befolkning"),
        ({"befolkning": [22, None]}, "saknar befolkningstal"),
        ({"x_sweref99tm": [315500, np.inf]}, "saknar koordinater"),
        ({"x_sweref99tm": [315500, 316500]}, "stämmer med id:t"),
        ({"ruta_id": ["3150006365000", "31500063680"]}, "inte är 13 siffror"),
    ],
)
def test_validation_refuses_with_a_swedish_message(change, words):
    with pytest.raises(grid.GridError) as e:
        grid.validate_grid(_table(**change), "g.parquet", list(S6_PER_KOMMUN))
    assert words in e.value.message_sv and "g.parquet" in e.value.message_sv


# ------------------------------------------------------------------ another region

def _blekinge(tmp_path: Path) -> Path:
    return write_region(tmp_path / "blekinge")


def test_region_without_grid_section_says_it_is_missing(tmp_path):
    d = _blekinge(tmp_path)
    m = (d / "manifest.toml").read_text(encoding="utf-8")
    start = m.index("[grid]")
    (d / "manifest.toml").write_text(m[:start], encoding="utf-8")
    assert "grid" not in tomllib.loads((d / "manifest.toml").read_text(encoding="utf-8"))
    assert grid.grid_info(d) is None
    with pytest.raises(grid.GridMissingError) as e:
        grid.load_grid(d)
    assert "befolkningsrutnätet saknas" in e.value.message_sv
    assert grid.coastal_count(d) == 0


def test_region_whose_grid_file_is_absent_says_it_is_missing(tmp_path):
    d = _blekinge(tmp_path)
    assert grid.grid_info(d) is not None
    shutil.rmtree(d / "grid", ignore_errors=True)
    with pytest.raises(grid.GridMissingError) as e:
        grid.load_grid(d)
    assert "filen finns inte" in e.value.message_sv


def test_region_with_its_own_grid_loads_it(tmp_path):
    d = _blekinge(tmp_path)
    codes = list(KOMMUNER)
    rows = []
    for i, code in enumerate(codes):  # synthetic: two squares per kommun
        for j in range(2):
            e, n = 480_000 + 10_000 * i, 6_220_000 + 1_000 * j
            rows.append({"ruta_id": f"{e:06d}{n:07d}", "x_sweref99tm": e + 500, "y_sweref99tm": n + 500,
                         "kommunkod": code, "befolkning": 100 * (i + 1) + j, "metod": ""})
    csv = tmp_path / "syn.csv"
    pd.DataFrame(rows).to_csv(csv, index=False)
    assert cli_main(["grid", "embed", str(csv), "--data-dir", str(d)]) == 0
    demand = grid.load_grid(d)
    assert len(demand) == 10
    assert demand.groupby(gf.DEMAND_KOMMUN)[gf.DEMAND_POP].sum().to_dict() == {
        c: float(200 * (i + 1) + 1) for i, c in enumerate(codes)
    }
    # Halland's grid is not Blekinge's: its codes are refused there.
    with pytest.raises(grid.GridError, match="kommun code not of the region"):
        grid.load_grid(DEFAULT_DATA_DIR, codes=codes)


def test_damaged_grid_file_is_a_message(tmp_path):
    d = tmp_path / "d"
    shutil.copytree(DEFAULT_DATA_DIR, d)
    (d / "grid" / "befolkning_1km_2025.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(grid.GridError) as e:
        grid.load_grid(d)
    assert "kan inte läsas" in e.value.message_sv
