"""The population grid: SCB's 1 km squares of the region, embedded as Parquet.

The data dir's manifest names the file in its ``[grid]`` section (file, title, source,
date, notes); :func:`load_grid` reads it into the *demand* frame of
:mod:`naravard.sources.geoframes` and validates it, so the model can trust every row:
unique ids, each id matching its centre (SCB's 13-digit id is the easting, 6 digits,
and northing, 7 digits, of the square's south-west corner), kommun codes of the region
only, finite coordinates inside Sweden, population a finite number ≥ 0.

The grid is optional: another region's data dir may have none. Then
:func:`grid_info` is None and :func:`load_grid` raises :class:`GridMissingError`, whose
Swedish message says that the grid is missing, so a page can say so instead of failing.

:func:`write_grid` (``python -m naravard grid embed CSV``) writes the Parquet file from
SCB's CSV export as prepared in the shared data (columns ``ruta_id``, ``x_sweref99tm``,
``y_sweref99tm``, ``kommunkod``, ``befolkning``, ``metod``). It writes the same bytes
for the same input (fixed schema, no pandas metadata, rows sorted by id), so a
re-embed of unchanged data is no diff.

Why Parquet: typed columns (the id stays text, the population an integer), about a
third of the CSV's size, and pyarrow reads it in milliseconds.
"""

from __future__ import annotations

import io
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from naravard import fmt
from naravard.errors import DataError
from naravard.sources import geoframes as gf
from naravard.sources.dataset import DEFAULT_DATA_DIR, MANIFEST_NAME

#: The manifest section naming the embedded grid.
MANIFEST_SECTION = "grid"
#: Where ``grid embed`` writes when the manifest names no file yet.
DEFAULT_FILE = "grid/befolkning_1km.parquet"
SQUARE_M = 1000  # side of a square, metres
MAX_SQUARES = 600_000  # all of Sweden's populated 1 km squares are about 100 000
# SWEREF 99 TM box of Sweden (generous), as in sources.boundaries.
SWEREF_X = (180_000.0, 1_000_000.0)
SWEREF_Y = (6_050_000.0, 7_750_000.0)
#: Columns of the Parquet file (and of the CSV it is written from).
FILE_COLUMNS = ("ruta_id", "x_sweref99tm", "y_sweref99tm", "kommunkod", "befolkning", "metod")
# ``metod`` of a square whose centre lies outside the generalised kommun polygons (in
# the sea) and that was given to the nearest kommun.
COASTAL_METHOD = "havscell_narmaste_kommunpolygon"


class GridError(DataError):
    """The grid file is missing, unreadable or fails validation."""


class GridMissingError(GridError):
    """The data dir has no population grid (no ``[grid]`` in its manifest, or no file)."""


@dataclass(frozen=True)
class GridInfo:
    """The manifest's ``[grid]`` entry: what a Källa line and a note under the map need."""

    file: str
    title: str
    source: str
    date: str
    notes: str

    @property
    def citation(self) -> str:
        """The source as a chart's "Källa:" line cites it (the source text names the date)."""
        return self.source


def _data_dir(data_dir: Path | str | None) -> Path:
    return Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR


def _manifest(d: Path) -> dict:
    try:
        return tomllib.loads((d / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}  # the dataset loader reports a broken manifest


def grid_info(data_dir: Path | str | None = None) -> GridInfo | None:
    """The data dir's ``[grid]`` entry, or None if its manifest names no grid."""
    g = _manifest(_data_dir(data_dir)).get(MANIFEST_SECTION)
    if not isinstance(g, dict) or not g.get("file"):
        return None
    return GridInfo(str(g["file"]), str(g.get("title", "")), str(g.get("source", "")), str(g.get("date", "")),
                    str(g.get("notes", "")))


def region_codes(data_dir: Path | str | None = None) -> tuple[str, list[str]]:
    """The region's län code and kommun codes, read from the data dir's manifest and
    kommun table directly (cheaper than loading the whole dataset)."""
    d = _data_dir(data_dir)
    m = _manifest(d)
    try:
        lanskod = str(m["region"]["lanskod"])
        file = m["tables"]["kommuner"]["file"]
        codes = pd.read_csv(d / file, dtype={"kommunkod": str})["kommunkod"].str.strip().tolist()
    except (KeyError, TypeError, OSError, ValueError, pd.errors.ParserError) as e:
        raise GridError(MANIFEST_NAME, f"cannot read the region's kommun codes ({e})",
                        "kommunkoderna för regionen kunde inte läsas") from None
    return lanskod, codes


def _missing(detail_en: str, detail_sv: str, file: str) -> GridMissingError:
    return GridMissingError(file, detail_en, detail_sv)


def load_grid(data_dir: Path | str | None = None, *, codes: list[str] | None = None) -> pd.DataFrame:
    """The demand frame: one row per 1 km square of the region, validated.

    ``codes`` are the region's kommun codes (default: the data dir's kommun table).
    Raises :class:`GridMissingError` when the data dir has no grid and
    :class:`GridError` (Swedish message naming the problem) when it cannot be used.
    """
    d = _data_dir(data_dir)
    info = grid_info(d)
    if info is None:
        raise _missing("the manifest has no [grid] section", "befolkningsrutnätet saknas i datamappen "
                       "(manifestet har inget avsnitt [grid])", MANIFEST_NAME)
    path = d / info.file
    if not path.resolve().is_relative_to(d.resolve()):
        raise GridError(info.file, "the grid file lies outside the data directory", "rutnätsfilen ligger utanför datamappen")
    if not path.is_file():
        raise _missing("the grid file does not exist", "befolkningsrutnätet saknas (filen finns inte)", info.file)
    import pyarrow.parquet as pq  # only when the grid is needed

    try:
        table = pq.read_table(path, columns=list(FILE_COLUMNS))
    except Exception as e:  # noqa: BLE001 - any unreadable file becomes one message
        raise GridError(info.file, f"the grid file cannot be read ({str(e)[:200]})",
                        "rutnätsfilen kan inte läsas (den är skadad eller har fel kolumner)") from None
    if codes is None:
        codes = region_codes(d)[1]
    return validate_grid(table.to_pandas(), info.file, codes)


def validate_grid(raw: pd.DataFrame, file: str, codes: list[str]) -> pd.DataFrame:
    """A table with :data:`FILE_COLUMNS` → the demand frame; :class:`GridError` if it cannot be used."""
    missing = [c for c in FILE_COLUMNS[:5] if c not in raw.columns]
    if missing:
        raise GridError(file, f"missing columns {missing}", f"kolumner saknas: {', '.join(missing)}")
    n = len(raw)
    if n == 0:
        raise GridError(file, "no squares", "rutnätet har inga rutor")
    if n > MAX_SQUARES:
        raise GridError(file, f"{n} squares, the limit is {MAX_SQUARES}",
                        f"rutnätet har {fmt.number(n)} rutor, fler än gränsen {fmt.number(MAX_SQUARES)}")
    ids = raw["ruta_id"].astype(str).str.strip()
    kommun = raw["kommunkod"].astype(str).str.strip().str.zfill(4)
    x = pd.to_numeric(raw["x_sweref99tm"], errors="coerce").to_numpy(dtype="float64")
    y = pd.to_numeric(raw["y_sweref99tm"], errors="coerce").to_numpy(dtype="float64")
    pop = pd.to_numeric(raw["befolkning"], errors="coerce").to_numpy(dtype="float64")

    def fail(mask: np.ndarray, en: str, sv: str) -> None:
        if mask.any():
            first = int(np.flatnonzero(mask)[0])
            raise GridError(file, f"{int(mask.sum())} squares: {en} (first: {ids.iloc[first]!r})",
                            f"{fmt.number(int(mask.sum()))} rutor {sv} (första: ruta {ids.iloc[first][:20]})")

    fail(~ids.str.fullmatch(r"\d{13}").to_numpy(dtype=bool), "id is not 13 digits", "har ett id som inte är 13 siffror")
    fail(ids.duplicated().to_numpy(), "duplicate id", "finns mer än en gång")
    fail(~(np.isfinite(x) & np.isfinite(y)), "coordinates are not finite numbers", "saknar koordinater")
    fail((x < SWEREF_X[0]) | (x > SWEREF_X[1]) | (y < SWEREF_Y[0]) | (y > SWEREF_Y[1]),
         "centre outside Sweden in SWEREF 99 TM", "ligger utanför Sverige (SWEREF 99 TM)")
    east = pd.to_numeric(ids.str[:6], errors="coerce").to_numpy(dtype="float64")
    north = pd.to_numeric(ids.str[6:], errors="coerce").to_numpy(dtype="float64")
    half = SQUARE_M / 2
    fail((east + half != x) | (north + half != y), "centre does not match the id", "har ett mittläge som inte stämmer med id:t")
    fail(~kommun.isin(list(codes)).to_numpy(dtype=bool), "kommun code not of the region", "har en kommunkod utanför regionen")
    fail(~np.isfinite(pop), "population is not a number", "saknar befolkningstal")
    fail(pop < 0, "negative population", "har negativ befolkning")
    out = pd.DataFrame(
        {
            gf.DEMAND_ID: ids.to_numpy(dtype=object),
            gf.DEMAND_X: x,
            gf.DEMAND_Y: y,
            gf.DEMAND_KOMMUN: kommun.to_numpy(dtype=object),
            gf.DEMAND_POP: pop,
        }
    )
    return out.sort_values(gf.DEMAND_ID, kind="stable").reset_index(drop=True)


def coastal_count(data_dir: Path | str | None = None) -> int:
    """How many squares were given to a kommun by the nearest polygon (centre at sea)."""
    info = grid_info(data_dir)
    if info is None:
        return 0
    import pyarrow.parquet as pq

    t = pq.read_table(_data_dir(data_dir) / info.file, columns=["metod"]).to_pandas()
    return int((t["metod"] == COASTAL_METHOD).sum())


def read_grid_csv(path: Path | str, codes: list[str]) -> pd.DataFrame:
    """The shared data's grid CSV as a table with :data:`FILE_COLUMNS`, validated."""
    p = Path(path)
    try:
        raw = pd.read_csv(p, dtype={"ruta_id": str, "kommunkod": str, "metod": str})
    except (OSError, ValueError, pd.errors.ParserError) as e:
        raise GridError(p.name, f"cannot read the CSV ({e})", "CSV-filen kan inte läsas") from None
    if "metod" not in raw.columns:
        raw["metod"] = ""
    validate_grid(raw, p.name, codes)  # raises before anything is written
    for c in ("x_sweref99tm", "y_sweref99tm", "befolkning"):
        v = pd.to_numeric(raw[c]).to_numpy(dtype="float64")
        if not all(math.isfinite(a) and float(a).is_integer() for a in v):
            raise GridError(p.name, f"column {c} holds non-integers", f"kolumnen {c} har värden som inte är heltal")
    return raw


def grid_parquet_bytes(raw: pd.DataFrame) -> bytes:
    """The Parquet bytes of a grid table: fixed schema, sorted by id, no pandas metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = raw.assign(ruta_id=raw["ruta_id"].astype(str).str.strip()).sort_values("ruta_id", kind="stable")
    schema = pa.schema(
        [
            ("ruta_id", pa.string()),
            ("x_sweref99tm", pa.int32()),
            ("y_sweref99tm", pa.int32()),
            ("kommunkod", pa.string()),
            ("befolkning", pa.int32()),
            ("metod", pa.string()),
        ]
    )
    table = pa.Table.from_arrays(
        [
            pa.array(df["ruta_id"].tolist(), pa.string()),
            pa.array(pd.to_numeric(df["x_sweref99tm"]).astype("int64").tolist(), pa.int32()),
            pa.array(pd.to_numeric(df["y_sweref99tm"]).astype("int64").tolist(), pa.int32()),
            pa.array(df["kommunkod"].astype(str).str.strip().str.zfill(4).tolist(), pa.string()),
            pa.array(pd.to_numeric(df["befolkning"]).astype("int64").tolist(), pa.int32()),
            pa.array(df["metod"].fillna("").astype(str).tolist(), pa.string()),
        ],
        schema=schema,
    )
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd", use_dictionary=["kommunkod", "metod"], write_statistics=False)
    return buf.getvalue()


def write_grid(source: Path | str, target: Path | str, codes: list[str]) -> int:
    """Write the grid CSV ``source`` as the embedded Parquet file ``target``; the number of squares."""
    raw = read_grid_csv(source, codes)
    data = grid_parquet_bytes(raw)
    t = Path(target)
    t.parent.mkdir(parents=True, exist_ok=True)
    tmp = t.with_name(t.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(t)
    return len(raw)


__all__ = [
    "COASTAL_METHOD",
    "GridError",
    "GridInfo",
    "GridMissingError",
    "coastal_count",
    "grid_info",
    "grid_parquet_bytes",
    "load_grid",
    "region_codes",
    "validate_grid",
    "write_grid",
]
