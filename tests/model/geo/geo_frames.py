"""Small builders of demand, supply and cost frames for the geography tests.

Made-up geometry in SWEREF 99 TM metres (so every expected value is computed by hand in
the tests); kommun codes are real Halland codes only because the frames need some.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from naravard.sources.geoframes import (
    COST_DEMAND_ID,
    COST_SUPPLY_ID,
    COST_VALUE,
    DEMAND_ID,
    DEMAND_KOMMUN,
    DEMAND_POP,
    DEMAND_X,
    DEMAND_Y,
    SUPPLY_COLUMNS,
    SUPPLY_ID,
    SUPPLY_KOMMUN,
    SUPPLY_LISTED,
    SUPPLY_NAME,
    SUPPLY_TYPE,
    SUPPLY_X,
    SUPPLY_Y,
    TYPE_FILIAL,
    TYPE_VC,
)

X0, Y0 = 350_000.0, 6_300_000.0


def demand_frame(xs, ys, pops, kommuner=None, ids=None, index=None) -> pd.DataFrame:
    n = len(xs)
    return pd.DataFrame(
        {
            DEMAND_ID: ids if ids is not None else [f"r{i:03d}" for i in range(n)],
            DEMAND_X: np.asarray(xs, dtype=float),
            DEMAND_Y: np.asarray(ys, dtype=float),
            DEMAND_KOMMUN: kommuner if kommuner is not None else ["1380"] * n,
            DEMAND_POP: np.asarray(pops, dtype=float),
        },
        index=index,
    )


def supply_frame(units) -> pd.DataFrame:
    """``units``: (id, type, x, y[, listed[, kommun]]) tuples."""
    rows = []
    for u in units:
        uid, typ, x, y = u[:4]
        listed = u[4] if len(u) > 4 else np.nan
        kommun = u[5] if len(u) > 5 else "1380"
        rows.append(
            {
                SUPPLY_ID: uid,
                SUPPLY_NAME: f"Enhet {uid}",
                SUPPLY_TYPE: typ,
                "supply_main": "",
                SUPPLY_KOMMUN: kommun,
                "supply_operator": "",
                SUPPLY_X: float(x),
                SUPPLY_Y: float(y),
                SUPPLY_LISTED: float(listed),
                "supply_listed_date": "",
                "supply_source": "test",
            }
        )
    return pd.DataFrame(rows, columns=list(SUPPLY_COLUMNS))


def cost_frame(triples) -> pd.DataFrame:
    return pd.DataFrame(triples, columns=[COST_DEMAND_ID, COST_SUPPLY_ID, COST_VALUE])


def line_of_squares(n: int = 21, pop: float = 100.0, kommun: str = "1380") -> pd.DataFrame:
    """n squares 1 km apart on a west-east line, ``pop`` persons each."""
    return demand_frame([X0 + 1000.0 * i for i in range(n)], [Y0] * n, [pop] * n, [kommun] * n)


def two_units() -> pd.DataFrame:
    """A vårdcentral at the line's square 0 and a filial at its square 20."""
    return supply_frame([("vc1", TYPE_VC, X0, Y0, 5000.0), ("f1", TYPE_FILIAL, X0 + 20_000.0, Y0, np.nan)])


def synthetic_grid(n_side: int = 40, seed: int = 0) -> pd.DataFrame:
    """A grid of the real grid's shape: 13-digit ids, centres at 500 m, 6 kommuner."""
    rng = np.random.default_rng(seed)
    xs, ys, ids, kom = [], [], [], []
    codes = ["1315", "1380", "1381", "1382", "1383", "1384"]
    for i in range(n_side):
        for j in range(n_side):
            x0, y0 = 310_000 + 1000 * i, 6_250_000 + 1000 * j
            xs.append(x0 + 500.0)
            ys.append(y0 + 500.0)
            ids.append(f"{x0:06d}{y0:07d}")
            kom.append(codes[(i * 6) // n_side])
    pops = rng.integers(0, 400, size=len(xs)).astype(float)
    return demand_frame(xs, ys, pops, kom, ids)


# ---------------------------------------------------------------------------
# The shared data files' shapes (../shared/data/README.md) and a synthetic twin
# ---------------------------------------------------------------------------

GRID_CSV_COLUMNS = ("ruta_id", "x_sweref99tm", "y_sweref99tm", "kommunkod", "befolkning", "metod")
UNITS_CSV_COLUMNS = ("osm_id", "facility", "name", "lat", "lon", "kommun_kod", "kommun", "kommun_assignment", "name_contains_vardcentral")


def grid_csv_to_demand(g: pd.DataFrame) -> pd.DataFrame:
    """The grid CSV's columns as a demand frame (what G2's loader does for the app)."""
    return pd.DataFrame(
        {
            DEMAND_ID: g["ruta_id"].astype(str),
            DEMAND_X: g["x_sweref99tm"].astype(float),
            DEMAND_Y: g["y_sweref99tm"].astype(float),
            DEMAND_KOMMUN: g["kommunkod"].astype(str),
            DEMAND_POP: g["befolkning"].astype(float),
        }
    )


def primary_care_like(u: pd.DataFrame) -> pd.DataFrame:
    """OSM clinics and doctors, minus child health centres (names "BVC…"/"Barnavårdscentralen…")."""
    keep = u["facility"].isin(["clinic", "doctors"]) & ~u["name"].astype(str).str.startswith(("BVC", "Barnavårdscentralen"))
    return u[keep]


def units_csv_to_supply(u: pd.DataFrame) -> pd.DataFrame:
    """OSM points (WGS84) as a supply frame in SWEREF 99 TM, all typed as vårdcentral."""
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True).transform(u["lon"].to_numpy(float), u["lat"].to_numpy(float))
    return pd.DataFrame(
        {
            SUPPLY_ID: u["osm_id"].astype(str).to_numpy(),
            SUPPLY_NAME: u["name"].astype(str).to_numpy(),
            SUPPLY_TYPE: TYPE_VC,
            "supply_main": "",
            SUPPLY_KOMMUN: u["kommun_kod"].astype(str).to_numpy(),
            "supply_operator": "",
            SUPPLY_X: x,
            SUPPLY_Y: y,
            SUPPLY_LISTED: np.nan,
            "supply_listed_date": "",
            "supply_source": "OpenStreetMap 2020 (exempel)",
        },
        columns=list(SUPPLY_COLUMNS),
    )


def synthetic_grid_csv(n_side: int = 40, seed: int = 1) -> pd.DataFrame:
    """A made-up grid in the real CSV's shape: 13-digit ids (SW corner), centres at +500 m,
    some squares with 0 persons, six kommun codes, column ``metod``."""
    d = synthetic_grid(n_side, seed)
    return pd.DataFrame(
        {
            "ruta_id": d[DEMAND_ID],
            "x_sweref99tm": d[DEMAND_X].astype(int),
            "y_sweref99tm": d[DEMAND_Y].astype(int),
            "kommunkod": d[DEMAND_KOMMUN],
            "befolkning": d[DEMAND_POP].astype(int),
            "metod": "centrum_i_kommunpolygon",
        },
        columns=list(GRID_CSV_COLUMNS),
    )


def synthetic_units_csv(seed: int = 2, n: int = 18) -> pd.DataFrame:
    """Made-up facilities in the OSM CSV's shape (WGS84), inside the synthetic grid."""
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    xs = rng.uniform(312_000, 348_000, n)
    ys = rng.uniform(6_252_000, 6_288_000, n)
    lon, lat = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True).transform(xs, ys)
    facility = (["clinic"] * (n - 6)) + ["doctors", "dentist", "pharmacy", "clinic", "clinic", "doctors"]
    names = [f"Vårdcentralen {i}" for i in range(n - 6)] + ["Läkarhuset", "Tandläkaren", "Apoteket", "BVC Norr", "Barnavårdscentralen Syd", "Husläkarna"]
    return pd.DataFrame(
        {
            "osm_id": [str(1000 + i) for i in range(n)],
            "facility": facility,
            "name": names,
            "lat": lat,
            "lon": lon,
            "kommun_kod": "1380",
            "kommun": "",
            "kommun_assignment": "inside",
            "name_contains_vardcentral": [n_.startswith("Vårdcentralen") for n_ in names],
        },
        columns=list(UNITS_CSV_COLUMNS),
    )
