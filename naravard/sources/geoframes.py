"""Column names of the geography frames (pysal-access style role prefixes).

Sources validate the outside world into these frames; the model (``naravard.model.geo``)
computes on them; views draw them. One place for the names so the layers cannot drift.

* **demand** — one row per populated 1 km square (SCB, Statistik på rutor):
  ``demand_id`` (SCB's 13-digit ruta id, text), ``demand_x``/``demand_y`` (the square's
  centre, SWEREF 99 TM metres, float), ``demand_kommun`` (4-digit code), ``demand_pop``
  (persons, float so that forecast scaling keeps fractions).
* **supply** — one row per unit (vårdcentral or filial): ``supply_id`` (HSA-id or own,
  text, unique), ``supply_name``, ``supply_type`` (:data:`TYPE_VC` or
  :data:`TYPE_FILIAL`), ``supply_main`` (a filial's main unit id, "" otherwise),
  ``supply_kommun``, ``supply_operator`` ("regional", "privat" or ""),
  ``supply_x``/``supply_y`` (SWEREF 99 TM metres), ``supply_listed`` (listed patients,
  float, NaN when unknown), ``supply_listed_date`` (text, "" when unknown),
  ``supply_source`` (text).
* **cost** — an imported travel-time or distance matrix: ``cost_demand_id``,
  ``cost_supply_id``, ``cost_value`` (minutes or km, stated by :data:`COST_UNITS`).
"""

from __future__ import annotations

DEMAND_ID = "demand_id"
DEMAND_X = "demand_x"
DEMAND_Y = "demand_y"
DEMAND_KOMMUN = "demand_kommun"
DEMAND_POP = "demand_pop"
DEMAND_COLUMNS = (DEMAND_ID, DEMAND_X, DEMAND_Y, DEMAND_KOMMUN, DEMAND_POP)

SUPPLY_ID = "supply_id"
SUPPLY_NAME = "supply_name"
SUPPLY_TYPE = "supply_type"
SUPPLY_MAIN = "supply_main"
SUPPLY_KOMMUN = "supply_kommun"
SUPPLY_OPERATOR = "supply_operator"
SUPPLY_X = "supply_x"
SUPPLY_Y = "supply_y"
SUPPLY_LISTED = "supply_listed"
SUPPLY_LISTED_DATE = "supply_listed_date"
SUPPLY_SOURCE = "supply_source"
SUPPLY_COLUMNS = (
    SUPPLY_ID,
    SUPPLY_NAME,
    SUPPLY_TYPE,
    SUPPLY_MAIN,
    SUPPLY_KOMMUN,
    SUPPLY_OPERATOR,
    SUPPLY_X,
    SUPPLY_Y,
    SUPPLY_LISTED,
    SUPPLY_LISTED_DATE,
    SUPPLY_SOURCE,
)

TYPE_VC = "vardcentral"
TYPE_FILIAL = "filial"
UNIT_TYPES = (TYPE_VC, TYPE_FILIAL)
# Swedish labels of the unit types, singular and plural.
TYPE_LABELS_SV = {TYPE_VC: "vårdcentral", TYPE_FILIAL: "filial"}
TYPE_PLURAL_SV = {TYPE_VC: "vårdcentraler", TYPE_FILIAL: "filialer"}

COST_DEMAND_ID = "cost_demand_id"
COST_SUPPLY_ID = "cost_supply_id"
COST_VALUE = "cost_value"
COST_COLUMNS = (COST_DEMAND_ID, COST_SUPPLY_ID, COST_VALUE)
COST_UNITS = {"km": "km", "min": "minuter"}

# Unit ids that a register may hold and a link may name (HSA-ids such as
# "SE2321000064-E000000000001" fit; spaces, commas and colons do not).
ID_PATTERN = r"[A-Za-z0-9_.\-]{1,40}"

# SWEREF 99 TM (EPSG:3006): metres; every distance in the model is computed here.
CRS_METRIC = "EPSG:3006"
CRS_LONLAT = "EPSG:4326"
