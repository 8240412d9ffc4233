"""Write the example unit register (data/examples/) from the shared OpenStreetMap file.

    python scripts/osm_example.py ../shared/data/units/halland_osm_halsoenheter_2020.csv \
        data/examples/enheter_osm_2020.csv

Which rows: the OSM facilities tagged ``clinic`` or ``doctors`` (primary care by tag),
minus child-health centres (BVC, "Barnavårdscentral…": not a vårdcentral). Each becomes a
row of the register template: id ``osm-<osm_id>``, type vårdcentral (OSM does not tell a
filial from its main unit), the kommun code of the file, lat/lon (WGS84), no operator,
no listing count, and the source with the ODbL attribution. The result is an incomplete
example, labelled so wherever it is used (manifest ``[examples.enheter]``); it is not a
register of the region's units. Rows are sorted by id so a re-run is no diff.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from naravard.sources.units import TEMPLATE_COLUMNS  # noqa: E402

SOURCE = "OpenStreetMap 2020 (© OpenStreetMap contributors, ODbL)"
PRIMARY_CARE_TAGS = {"clinic", "doctors"}
CHILD_HEALTH = re.compile(r"\bBVC\b|barnavårdscentral", re.IGNORECASE)


def convert(src: Path, dst: Path) -> int:
    with src.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["facility"] in PRIMARY_CARE_TAGS and not CHILD_HEALTH.search(r["name"])]
    rows.sort(key=lambda r: int(r["osm_id"]))
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(TEMPLATE_COLUMNS)
        for r in rows:
            w.writerow([f"osm-{r['osm_id']}", r["name"].strip(), "vårdcentral", "", r["kommun_kod"], "",
                        r["lat"].replace(".", ","), r["lon"].replace(".", ","), "", "", "", "", SOURCE])
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(f"wrote {convert(Path(sys.argv[1]), Path(sys.argv[2]))} units to {sys.argv[2]}")
