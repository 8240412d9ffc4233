"""A synthetic geography case with a closed-form answer, shared by the service and view tests.

Five squares on one east–west line (SWEREF 99 TM, y = 6 300 500), two kommuner (the first
two kommun codes of the data in use), a vårdcentral on the first square and a filial on
the third. No two units are equally far from a populated square, so the nearest unit is
never a tie:

=====  ========  =====  ======  ==========  ==========
square x (m)     pop    kommun  VC (km)     filial (km)
=====  ========  =====  ======  ==========  ==========
s1     400 500   100    A       0           12
s2     403 500   200    A       3           9
s3     412 500   300    B       12          0
s4     424 500   400    B       24          12
s5     430 500   0      B       30          18
=====  ========  =====  ======  ==========  ==========

Region (1 000 persons; s5 has 0 and counts for nothing):
* VC: mean (0·100 + 3·200 + 12·300 + 24·400) / 1 000 = 13,8 km; median 12 km; within
  5 and 10 km 30 %, within 15 and 20 km 60 %; longest 24 km (s4, not s5).
* filial: longest 12 km, a tie of s1 and s4, which goes to the lower id (s1).
* either: mean (3·200 + 12·400) / 1 000 = 5,4 km; within 10 km 60 %; longest 12 km (s4).
* catchments (either): the VC 100 + 200 = 300, the filial 300 + 400 = 700.

What-if ``ADD_AT_S4`` (a filial on s4): either → s4 0 km, mean 0,6 km, within 10 km 100 %,
longest 3 km (s2); catchments VC 300, filial 300, the new one 400; per unit 1 000 / 3.
"""

from __future__ import annotations

import pandas as pd

from naravard.model.geo.changes import ADD, UnitChange
from naravard.sources import geoframes as gf
from naravard.sources.dataset import load_dataset

Y = 6_300_500
XS = {"s1": 400_500, "s2": 403_500, "s3": 412_500, "s4": 424_500, "s5": 430_500}
POP = {"s1": 100.0, "s2": 200.0, "s3": 300.0, "s4": 400.0, "s5": 0.0}
GRID_YEAR = 2025
ADD_AT_S4 = UnitChange(ADD, unit_type=gf.TYPE_FILIAL, x=XS["s4"], y=Y)


def ruta_id(x: int, y: int = Y) -> str:
    """SCB's id: easting (6 digits) and northing (7 digits) of the south-west corner."""
    return f"{x - 500:06d}{y - 500:07d}"


IDS = {k: ruta_id(x) for k, x in XS.items()}


def dataset():
    return load_dataset()


def kommuner(ds) -> tuple[str, str]:
    a, b = ds.kommun_codes[:2]
    return a, b


def grid(ds) -> pd.DataFrame:
    a, b = kommuner(ds)
    kom = {"s1": a, "s2": a, "s3": b, "s4": b, "s5": b}
    return pd.DataFrame(
        {
            gf.DEMAND_ID: [IDS[k] for k in XS],
            gf.DEMAND_X: [float(x) for x in XS.values()],
            gf.DEMAND_Y: [float(Y)] * len(XS),
            gf.DEMAND_KOMMUN: [kom[k] for k in XS],
            gf.DEMAND_POP: [POP[k] for k in XS],
        }
    )


def register(ds, listed: tuple[float, float] = (2500.0, float("nan"))) -> pd.DataFrame:
    a, b = kommuner(ds)
    return pd.DataFrame(
        {
            gf.SUPPLY_ID: ["vc-1", "fi-1"],
            gf.SUPPLY_NAME: ["Testcentralen", "Testfilialen"],
            gf.SUPPLY_TYPE: [gf.TYPE_VC, gf.TYPE_FILIAL],
            gf.SUPPLY_MAIN: ["", "vc-1"],
            gf.SUPPLY_KOMMUN: [a, b],
            gf.SUPPLY_OPERATOR: ["", ""],
            gf.SUPPLY_X: [float(XS["s1"]), float(XS["s3"])],
            gf.SUPPLY_Y: [float(Y), float(Y)],
            gf.SUPPLY_LISTED: list(listed),
            gf.SUPPLY_LISTED_DATE: ["", ""],
            gf.SUPPLY_SOURCE: ["test", "test"],
        }
    )


def analyse(ds, changes=(), **kw):
    from naravard.services import geografi as svc

    kw.setdefault("grid", grid(ds))
    kw.setdefault("grid_year", GRID_YEAR)
    return svc.analyse(ds, kw.pop("scenario", (None, None)), register(ds), changes, **kw)
