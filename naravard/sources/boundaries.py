"""Kommun boundaries: download, import, normalise and cache.

The map needs one polygon per kommun of the region. SCB publishes them as open data
(CC0, "Digitala gränser"); the release zip has a new address every time, so the URL is
configuration, not code. Everything that reaches the map passes one normalisation
(:func:`normalise_boundaries`) whatever its origin — SCB download, an uploaded GeoJSON,
a shapefile or a zip — and ends in one GeoJSON per län in the cache directory
(``<cache>/kommuner_<lanskod>.geojson``, WGS84, properties ``kommunkod``,
``kommunnamn``, ``lanskod``). The app only ever reads that cache, so it works offline
once the boundaries have been fetched or imported.

Out of the box the map does not need either: the data directory embeds SCB's
generalised polygons of all 290 kommuner (``data/boundaries/``, CC0), listed in the
manifest's ``[boundaries]`` section with source and date; :func:`load_embedded_boundaries`
picks the region's kommuner by the län code. :func:`resolve_boundaries` applies the
precedence the app uses: a user's upload this session, else the fetch/import cache
(a newer release), else the embedded file, else nothing (the map then draws circles).

Hostile input: every file a user (or a download) supplies is read in a worker process
with CPU, wall-clock, memory and file-size limits (:mod:`naravard.sources.sandbox`), so
no upload can stall other sessions; inside it, zips are extracted by streaming under a
cap of :data:`MAX_EXTRACT_BYTES` (declared sizes are checked before reading), and
features and vertices are counted (:func:`check_layer_size`) before any validity check
or simplification. The worker's directory is removed on every exit path.

Bad input never escapes as a stack trace: every expected failure is a
:class:`BoundaryError` (a :class:`~naravard.data.DataError`) with an English message
for logs and the CLI and a Swedish one (``.message_sv``) for the UI. Writes to the
cache are atomic (temporary file + :func:`os.replace`), so a failed fetch or import
never damages a cache that worked.

Coordinate reference systems: SCB ships SWEREF 99 TM (EPSG:3006), sometimes with a
``.prj`` that describes it without naming it; such a ``.prj`` is recognised by its
parameters. A file without a CRS is taken as WGS84 if its coordinates look like
longitude/latitude, otherwise as SWEREF 99 TM if they lie in Sweden's SWEREF 99 TM
range. A GeoJSON without a ``crs`` member is read as WGS84 by GDAL (RFC 7946); if its
coordinates are plainly metres, it gets the same SWEREF 99 TM assumption.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from dataclasses import dataclass
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable

import geopandas as gpd
import shapely
from pyproj import CRS

from naravard import fmt
from naravard.sources import sandbox
from naravard.sources.dataset import DEFAULT_DATA_DIR, MANIFEST_NAME, DataError

# ----------------------------------------------------------------------- configuration

#: SCB "Digitala gränser", release of January 2025 (FACTS S5). Each release gets a new
#: address, hence the environment variable and the CLI flag.
DEFAULT_BOUNDARY_URL = (
    "https://www.scb.se/contentassets/3443fea3fa6640f7a57ea15d9a372d33/shape_svenska_250121.zip"
)
ENV_BOUNDARY_URL = "NARAVARD_BOUNDARY_URL"
ENV_CACHE_DIR = "NARAVARD_CACHE_DIR"
DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "boundaries"

#: Simplification tolerance in metres (SWEREF 99 TM). 200 m is invisible at the
#: scale of a län map and keeps the cached GeoJSON small.
DEFAULT_SIMPLIFY_M = 200.0
DEFAULT_TIMEOUT = 60.0

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"

# Limits against hostile or mistaken input (a zip bomb, a zig-zag polygon, a wrong
# multi-GB file). SCB's own release is far below all of them: its outer zip is a few
# MB, the kommun shapefile of the whole country 172 kB with about 11 000 vertices.
MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024
MAX_INPUT_BYTES = 50 * 1024 * 1024
#: Bytes a zip may unpack to in all (nested zips included); extraction streams to disk
#: in small chunks and stops at this cap, whatever the entries claim.
MAX_EXTRACT_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_DEPTH = 2
#: Features in a layer and vertices in all its geometries, counted before any geometry
#: work (validity checks and simplification cost up to the square of the vertices).
MAX_FEATURES = 5_000
MAX_VERTICES = 150_000
#: The limits a worker process inherits from this module (so a test's monkeypatch holds there too).
_JOB_LIMITS = ("MAX_INPUT_BYTES", "MAX_EXTRACT_BYTES", "MAX_ZIP_MEMBERS", "MAX_ZIP_DEPTH", "MAX_FEATURES", "MAX_VERTICES")
_EXTRACT_CHUNK = 1 << 16

# Column names that hold the kommun code / name, in order of preference
# (matched case-insensitively).
CODE_COLUMNS = ("KnKod", "kommunkod", "KOMMUNKOD", "kod", "kommun_kod", "KOM_KOD")
NAME_COLUMNS = ("KnNamn", "kommunnamn", "KOMMUNNAMN", "kommun", "namn", "name")

# Sweden in WGS84, generous (the same box the kommuner table is validated against).
SWEDEN_LON = (10.5, 24.5)
SWEDEN_LAT = (55.0, 69.5)
# Sweden in SWEREF 99 TM (eastings, northings), generous.
SWEREF_X = (180_000.0, 1_000_000.0)
SWEREF_Y = (6_050_000.0, 7_750_000.0)

_SHP_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")
_VECTOR_SUFFIXES = (".geojson", ".json")


class BoundaryError(DataError):
    """Boundaries could not be downloaded, read or validated.

    ``file`` names what failed (a URL, an uploaded file name or the cache file);
    ``str(err)`` is English, ``err.message_sv`` Swedish for the UI.
    """

    @property
    def message_sv(self) -> str:
        return f"Kommungränserna från {self.file} kunde inte användas: {self.problem_sv}"


class BoundaryBusyError(BoundaryError):
    """Every worker slot is taken (see :mod:`naravard.sources.sandbox`): try again, do not cache."""


class _NoLayerError(BoundaryError):
    """An archive holds no usable layer; lets the search move on to the next nested zip."""


def resolve_boundary_url(url: str | None = None) -> str:
    """The boundary zip URL: explicit argument, else ``$NARAVARD_BOUNDARY_URL``, else SCB's."""
    return url or os.environ.get(ENV_BOUNDARY_URL) or DEFAULT_BOUNDARY_URL


def resolve_cache_dir(cache_dir: Path | str | None = None) -> Path:
    """The cache directory: explicit argument, else ``$NARAVARD_CACHE_DIR``, else ``<repo>/var/boundaries``."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get(ENV_CACHE_DIR)
    return Path(env) if env else DEFAULT_CACHE_DIR


def cache_path(lanskod: str, cache_dir: Path | str | None = None) -> Path:
    """Where the normalised boundaries of one län live."""
    if not re.fullmatch(r"\d{2}", str(lanskod)):
        raise BoundaryError(
            str(lanskod), f"län code must be two digits, got {lanskod!r}", f"länskoden måste vara två siffror ({lanskod})"
        )
    return resolve_cache_dir(cache_dir) / f"kommuner_{lanskod}.geojson"


# ---------------------------------------------------------------------- normalisation


def _find_column(columns: Iterable[str], candidates: tuple[str, ...]) -> str | None:
    by_lower = {str(c).lower(): str(c) for c in columns if str(c).lower() != "geometry"}
    for cand in candidates:
        if cand.lower() in by_lower:
            return by_lower[cand.lower()]
    return None


def _norm_code(value) -> str:
    """Codes as SCB writes them: four digits as text (``114`` or ``114.0`` → ``0114``)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    s = str(value).strip()
    if re.fullmatch(r"\d{1,4}(\.0+)?", s):
        return f"{int(float(s)):04d}"
    return s


def _looks_lonlat(bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180.0 <= minx <= maxx <= 180.0 and -90.0 <= miny <= maxy <= 90.0


def _looks_sweref(bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return SWEREF_X[0] <= minx <= maxx <= SWEREF_X[1] and SWEREF_Y[0] <= miny <= maxy <= SWEREF_Y[1]


def _is_sweref99tm(crs: CRS) -> bool:
    """True for EPSG:3006 and for unnamed .prj files with its parameters (as SCB ships)."""
    if crs.to_epsg() == 3006:
        return True
    if not crs.is_projected:
        return False
    try:
        op = crs.coordinate_operation
        params = {p.name.lower(): p.value for p in op.params}
        ellipsoid = crs.ellipsoid
    except Exception:  # pyproj cannot describe this CRS; then it is not SWEREF 99 TM
        return False
    if op is None or "transverse mercator" not in op.method_name.lower() or ellipsoid is None:
        return False
    want = {
        "longitude of natural origin": 15.0,
        "scale factor at natural origin": 0.9996,
        "false easting": 500000.0,
        "false northing": 0.0,
        "latitude of natural origin": 0.0,
    }
    return (
        all(abs(params.get(k, float("nan")) - v) < 1e-6 for k, v in want.items())
        and abs(ellipsoid.semi_major_metre - 6378137.0) < 0.01
        and abs(ellipsoid.inverse_flattening - 298.257222101) < 1e-6
    )


def _resolve_crs(gdf: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    """Give the frame a definite CRS (see the module docstring for the assumptions)."""
    bounds = gdf.total_bounds
    crs = gdf.crs
    if crs is None:
        if _looks_lonlat(bounds):
            return gdf.set_crs(WGS84)
        if _looks_sweref(bounds):
            return gdf.set_crs(SWEREF99TM)
        raise BoundaryError(
            source,
            "the file has no coordinate reference system and its coordinates are neither "
            "longitude/latitude nor SWEREF 99 TM",
            "filen anger inget koordinatsystem och koordinaterna ser varken ut som WGS84 "
            "(longitud/latitud) eller SWEREF 99 TM",
        )
    if crs.is_geographic and not _looks_lonlat(bounds) and _looks_sweref(bounds):
        # A GeoJSON without a "crs" member but written in metres: GDAL says WGS84.
        return gdf.set_crs(SWEREF99TM, allow_override=True)
    if _is_sweref99tm(crs):
        return gdf.set_crs(SWEREF99TM, allow_override=True)
    return gdf


def _polygonal(geom):
    """The polygonal part of a geometry (after repair), or None if there is none."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
        if parts:
            return shapely.union_all(parts)
    return None


def _simplify(geoms: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify in metres keeping shared borders shared.

    Coverage simplification moves each shared edge once for both neighbours, so no
    slivers or gaps appear between kommuner. If the input is not a clean coverage
    (overlaps, say) GEOS refuses; then fall back to per-polygon topology-preserving
    Douglas–Peucker, which never produces invalid polygons but may leave hairline gaps.
    """
    if tolerance_m <= 0:
        return geoms
    try:
        out = geoms.simplify_coverage(tolerance_m)
        if out.is_valid.all() and not out.is_empty.any():
            return out
    except Exception:  # GEOS rejects a non-coverage; fall back below
        pass
    return geoms.simplify(tolerance_m, preserve_topology=True)


def _too_many(source: str, what_en: str, what_sv: str, n: int, limit: int) -> BoundaryError:
    return BoundaryError(
        source,
        f"the file has {n} {what_en}; the limit is {limit}",
        f"filen har {fmt.number(n)} {what_sv}; gränsen för en kartfil är {fmt.number(limit)}. "
        "Använd en generaliserad fil, till exempel SCB:s Digitala gränser",
    )


def check_layer_size(gdf: gpd.GeoDataFrame, source: str) -> None:
    """Refuse a layer above :data:`MAX_FEATURES` features or :data:`MAX_VERTICES` vertices.

    Counting is linear (one pass over the coordinate arrays); it runs before any
    validity check or simplification, whose cost grows with the square of the
    vertices on some shapes (a zig-zag polygon of 166 667 vertices took minutes).
    """
    n = len(gdf)
    if n > MAX_FEATURES:
        raise _too_many(source, "features", "objekt", n, MAX_FEATURES)
    vertices = int(gdf.geometry.count_coordinates().sum()) if n else 0
    if vertices > MAX_VERTICES:
        raise _too_many(source, "vertices", "hörnpunkter", vertices, MAX_VERTICES)


def normalise_boundaries(
    gdf: gpd.GeoDataFrame,
    lanskod: str,
    *,
    expected_codes: Iterable[str] | None = None,
    simplify_m: float = DEFAULT_SIMPLIFY_M,
    source: str = "gränsfilen",
) -> gpd.GeoDataFrame:
    """Turn any kommun boundary layer into the one shape the map uses.

    Keeps the kommuner whose code starts with ``lanskod`` (and, if given, only
    ``expected_codes``, all of which must be present), merges rows of the same code,
    repairs invalid polygons, simplifies by ``simplify_m`` metres and returns WGS84
    with columns ``kommunkod``, ``kommunnamn``, ``lanskod``, ``geometry`` sorted by code.
    Raises :class:`BoundaryError` for anything that cannot become a valid map layer.
    """
    lanskod = str(lanskod)
    if gdf is None or len(gdf) == 0:
        raise BoundaryError(source, "the file contains no features", "filen innehåller inga objekt")
    check_layer_size(gdf, source)
    code_col = _find_column(gdf.columns, CODE_COLUMNS)
    if code_col is None:
        cols = ", ".join(str(c) for c in gdf.columns if c != "geometry")
        raise BoundaryError(
            source,
            f"no kommun code column (looked for {', '.join(CODE_COLUMNS)}; found {cols})",
            f"hittar ingen kolumn med kommunkod (till exempel KnKod eller kommunkod); filen har: {cols}",
        )
    name_col = _find_column(gdf.columns, NAME_COLUMNS)

    codes = gdf[code_col].map(_norm_code)
    keep = codes.str.fullmatch(r"\d{4}") & codes.str.startswith(lanskod)
    if not keep.any():
        sample = ", ".join(sorted(set(codes))[:5])
        raise BoundaryError(
            source,
            f"no kommun of län {lanskod} in the file (codes found: {sample})",
            f"filen innehåller inga kommuner i län {lanskod} (koder i filen: {sample})",
        )
    names = gdf[name_col].where(gdf[name_col].notna(), codes).astype(str).str.strip() if name_col else codes
    out = gpd.GeoDataFrame(
        {"kommunkod": codes[keep].to_numpy(), "kommunnamn": names[keep].to_numpy()},
        geometry=gdf.geometry[keep].to_numpy(),
        crs=gdf.crs,
    )

    if expected_codes is not None:
        expected = {str(c) for c in expected_codes}
        missing = sorted(expected - set(out["kommunkod"]))
        if missing:
            raise BoundaryError(
                source,
                f"kommun codes missing from the file: {', '.join(missing)}",
                f"kommunkoderna {', '.join(missing)} saknas i filen",
            )
        out = out[out["kommunkod"].isin(expected)]

    geoms = [_polygonal(g) for g in out.geometry]
    bad = [c for c, g in zip(out["kommunkod"], geoms) if g is None]
    if bad:
        raise BoundaryError(
            source,
            f"kommun {', '.join(bad)} has no polygon geometry (empty, points or lines)",
            f"kommun {', '.join(bad)} saknar ytgeometri (polygon); filen innehåller tomma objekt, punkter eller linjer",
        )
    out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs))
    out = _resolve_crs(out, source)

    if out["kommunkod"].duplicated().any():
        out = out.dissolve(by="kommunkod", aggfunc="first", as_index=False)

    try:
        wgs = out.to_crs(WGS84)
    except Exception as e:  # pyproj cannot transform this CRS
        raise BoundaryError(
            source,
            f"cannot transform the coordinates to WGS84 ({e})",
            "koordinaterna kan inte räknas om till WGS84; kontrollera koordinatsystemet (.prj)",
        ) from None
    minx, miny, maxx, maxy = wgs.total_bounds
    if not (
        SWEDEN_LON[0] <= minx <= maxx <= SWEDEN_LON[1] and SWEDEN_LAT[0] <= miny <= maxy <= SWEDEN_LAT[1]
    ):
        raise BoundaryError(
            source,
            f"coordinates lie outside Sweden (lon {minx:.2f}–{maxx:.2f}, lat {miny:.2f}–{maxy:.2f}); "
            "wrong coordinate reference system?",
            "koordinaterna ligger utanför Sverige; filen har troligen fel eller saknat koordinatsystem",
        )

    metric = wgs.to_crs(SWEREF99TM) if out.crs is None or out.crs.to_epsg() != 3006 else out
    metric = metric.set_geometry(_simplify(metric.geometry, simplify_m))
    if (metric.geometry.is_empty | (metric.geometry.area <= 0)).any():
        raise BoundaryError(
            source,
            "a kommun polygon has no area (collapsed by simplification?)",
            "en kommun har en yta utan utsträckning",
        )
    result = metric.to_crs(WGS84)
    result["lanskod"] = lanskod
    result = result[["kommunkod", "kommunnamn", "lanskod", "geometry"]]
    return result.sort_values("kommunkod").reset_index(drop=True)


# ---------------------------------------------------------------- reading archives


def _check_member(info: zipfile.ZipInfo, source: str) -> None:
    """Refuse entries that could write outside the extraction directory (zip slip)."""
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
    if (
        not name
        or "\x00" in name
        or name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name)
        or ".." in parts
        or is_link
    ):
        raise BoundaryError(
            source,
            f"unsafe path in the zip archive: {name!r}",
            f"zip-filen innehåller en otillåten sökväg ({name}) och öppnas inte",
        )


def _rank(name: str) -> tuple[int, int, str]:
    """Prefer kommun layers in SWEREF 99 TM (SCB's outer zip also holds län layers)."""
    low = name.lower()
    return ("kommun" not in low, "sweref" not in low, low)


def _too_big_unpacked(source: str) -> BoundaryError:
    mb = MAX_EXTRACT_BYTES // (1024 * 1024)
    return BoundaryError(
        source,
        f"the archive unpacks to more than {mb} MB",
        f"zip-filen är för stor när den packas upp: mer än {fmt.number(mb)} MB (gränsen för en kartfil)",
    )


def _precount(members: list[zipfile.ZipInfo], budget: list[int], source: str) -> None:
    """Refuse before reading if the entries to extract *declare* more than the budget
    (a zip bomb usually does); :func:`_extract_member` enforces the real size anyway."""
    if sum(max(0, m.file_size) for m in members) > budget[0]:
        raise _too_big_unpacked(source)


def _extract_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: list[int], source: str) -> None:
    """Stream one member to ``dest`` in small chunks, stopping at the remaining budget.

    Memory stays at one chunk whatever the member claims or really holds; disk at the
    budget. The caller's job directory is removed on every exit path.
    """
    with zf.open(info) as f, open(dest, "wb") as out:
        while chunk := f.read(_EXTRACT_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _too_big_unpacked(source)
            out.write(chunk)


def _extract_vector(archive: Path, workdir: Path, source: str, budget: list[int], depth: int = 0) -> Path:
    """Find the kommun layer in a zip (possibly nested in another zip) and extract it.

    Only the chosen layer (a shapefile with its sidecars, or a GeoJSON) is written, under
    its base name into ``workdir``; every entry name is still checked first, so an
    archive with a path-traversal entry is refused as a whole.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError):
        # A broken *nested* zip only rules out that member; the search goes on.
        err = _NoLayerError if depth > 0 else BoundaryError
        raise err(source, "not a valid zip archive", "filen är ingen giltig zip-fil") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise BoundaryError(source, "the zip archive has too many entries", "zip-filen innehåller för många filer")
        for info in infos:
            _check_member(info, source)
        files = [
            i
            for i in infos
            if not i.is_dir() and "__MACOSX" not in i.filename and not PurePosixPath(i.filename).name.startswith("._")
        ]
        by_lower = {i.filename.lower(): i for i in files}
        try:
            shps = sorted((i for i in files if i.filename.lower().endswith(".shp")), key=lambda i: _rank(i.filename))
            if shps:
                shp = shps[0]
                stem = shp.filename[:-4]
                for ext in (".shx", ".dbf"):
                    if (stem + ext).lower() not in by_lower:
                        raise _NoLayerError(
                            source,
                            f"the shapefile {shp.filename} lacks its {ext} file",
                            f"shapefilen {PurePosixPath(shp.filename).name} saknar sin {ext}-fil",
                        )
                base = PurePosixPath(stem.replace("\\", "/")).name
                parts = [(ext, by_lower[(stem + ext).lower()]) for ext in (".shp",) + _SHP_SIDECARS
                         if (stem + ext).lower() in by_lower]
                _precount([m for _, m in parts], budget, source)
                for ext, member in parts:
                    _extract_member(zf, member, workdir / (base + ext), budget, source)
                return workdir / (base + ".shp")
            vectors = sorted(
                (i for i in files if i.filename.lower().endswith(_VECTOR_SUFFIXES)), key=lambda i: _rank(i.filename)
            )
            if vectors:
                target = workdir / ("layer" + PurePosixPath(vectors[0].filename).suffix.lower())
                _precount([vectors[0]], budget, source)
                _extract_member(zf, vectors[0], target, budget, source)
                return target
            nested = sorted((i for i in files if i.filename.lower().endswith(".zip")), key=lambda i: _rank(i.filename))
            if nested and depth < MAX_ZIP_DEPTH:
                last: _NoLayerError | None = None
                for n, inner in enumerate(nested):
                    sub = workdir / f"inner{depth}_{n}"
                    sub.mkdir()
                    inner_path = sub / "archive.zip"
                    _precount([inner], budget, source)
                    _extract_member(zf, inner, inner_path, budget, source)
                    try:
                        return _extract_vector(inner_path, sub, source, budget, depth + 1)
                    except _NoLayerError as e:  # try the next nested zip
                        last = e
                if last is not None:
                    raise last
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError) as e:
            # Corrupt member data, unsupported compression or encryption.
            raise BoundaryError(source, f"cannot unpack the zip archive ({e})", "zip-filen kan inte packas upp") from None
    raise _NoLayerError(
        source,
        "the zip archive contains no shapefile (.shp with .shx and .dbf) or GeoJSON",
        "zip-filen innehåller ingen shapefil (.shp med .shx och .dbf) eller GeoJSON",
    )


def _read_layer(path: Path, source: str) -> gpd.GeoDataFrame:
    """Read a vector file with GDAL; any reader failure becomes a BoundaryError.

    The broad ``except`` is deliberate: this is the boundary to an external library
    reading untrusted bytes, and GDAL raises many unrelated exception types.
    """
    try:
        import pyogrio

        n = pyogrio.read_info(path).get("features", -1)
    except Exception:  # unreadable: read_file below says so in the same words
        n = -1
    if n > MAX_FEATURES:  # refuse before reading a single geometry
        raise _too_many(source, "features", "objekt", n, MAX_FEATURES)
    try:
        return gpd.read_file(path, engine="pyogrio")
    except Exception as e:
        # GDAL quotes the temporary path; name the user's file instead.
        detail = (str(e).splitlines() or [type(e).__name__])[0].replace(f"'{path}'", source)[:200]
        raise BoundaryError(
            source,
            f"cannot read the file as a map layer ({detail})",
            "filen kan inte läsas som kartskikt (GeoJSON, shapefil eller zip med shapefil)",
        ) from None


def _kind(filename: str, head: bytes) -> str:
    """'zip', 'geojson' or 'shp', from the file name and, failing that, its first bytes."""
    low = filename.lower()
    if low.endswith(".zip"):
        return "zip"
    if low.endswith(_VECTOR_SUFFIXES):
        return "geojson"
    if low.endswith(".shp"):
        return "shp"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    raise BoundaryError(
        filename or "filen",
        "unknown file type (expected .geojson, .shp or .zip)",
        "okänd filtyp; använd GeoJSON (.geojson), shapefil (.shp) eller en zip-fil med shapefilen",
    )


def _read_any(path: Path, kind: str, source: str, workdir: Path) -> gpd.GeoDataFrame:
    """Read a file of a known kind ('zip', 'geojson', 'shp'); ``source`` names it in errors."""
    if kind == "zip":
        layer = _extract_vector(path, workdir, source, [MAX_EXTRACT_BYTES])
        return _read_layer(layer, source)
    if kind == "shp":
        for ext in (".shx", ".dbf"):
            if not any(path.with_suffix(e).exists() for e in (ext, ext.upper())):
                raise BoundaryError(
                    source,
                    f"the shapefile lacks its {ext} file next to it",
                    f"shapefilen saknar sin {ext}-fil i samma mapp; ladda hellre upp alla delar i en zip-fil",
                )
    return _read_layer(path, source)


# ---------------------------------------------------------------------------- cache


def write_cache(gdf: gpd.GeoDataFrame, lanskod: str, cache_dir: Path | str | None = None) -> Path:
    """Write normalised boundaries atomically; the old cache stays until the new one is complete.

    The new file is written next to the target, read back and checked, and only then
    moved over the old one with :func:`os.replace` (atomic on one file system).
    """
    target = cache_path(lanskod, cache_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BoundaryError(
            str(target.parent), f"cannot create the cache directory ({e.strerror})", "mappen för kartfiler kan inte skapas"
        ) from None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp.geojson", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()  # GDAL's GeoJSON driver will not write over an existing file
        gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio", layer=target.stem, COORDINATE_PRECISION=6)
        _read_cache_file(tmp, target.name)  # never publish a file we cannot read back
        os.replace(tmp, target)
    except BoundaryError:
        raise
    except Exception as e:
        raise BoundaryError(
            target.name, f"cannot write the cache file ({e})", "kartfilen kan inte sparas"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _read_cache_file(path: Path, name: str, expected_codes: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    corrupt_sv = "den sparade kartfilen är skadad; hämta eller importera kommungränserna igen"
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except Exception as e:  # GDAL: unreadable or truncated file
        raise BoundaryError(name, f"the cached boundary file is corrupt ({str(e)[:200]})", corrupt_sv) from None
    if "kommunkod" not in gdf.columns or len(gdf) == 0 or gdf.geometry.is_empty.any():
        raise BoundaryError(name, "the cached boundary file lacks kommunkod or geometries", corrupt_sv)
    if not gdf.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise BoundaryError(name, "the cached boundary file holds non-polygon geometries", corrupt_sv)
    gdf["kommunkod"] = gdf["kommunkod"].map(_norm_code)
    for col in ("kommunnamn", "lanskod"):
        gdf[col] = gdf[col].astype(str) if col in gdf.columns else ""
    if gdf.crs is None:
        gdf = gdf.set_crs(WGS84)
    if expected_codes is not None:
        missing = sorted({str(c) for c in expected_codes} - set(gdf["kommunkod"]))
        if missing:
            raise BoundaryError(
                name,
                f"the cached boundaries lack kommun codes {', '.join(missing)}",
                f"den sparade kartfilen saknar kommunkoderna {', '.join(missing)}; hämta eller importera gränserna igen",
            )
    return gdf[["kommunkod", "kommunnamn", "lanskod", "geometry"]].sort_values("kommunkod").reset_index(drop=True)


def load_cached_boundaries(
    lanskod: str, cache_dir: Path | str | None = None, *, expected_codes: Iterable[str] | None = None
) -> gpd.GeoDataFrame | None:
    """The cached boundaries of a län (WGS84), or ``None`` if none have been fetched yet.

    A cache that exists but cannot be read is an error, not ``None``: the UI should say
    so instead of silently showing the simplified map.
    """
    path = cache_path(lanskod, cache_dir)
    if not path.is_file():
        return None
    return _read_cache_file(path, path.name, expected_codes)


# ---------------------------------------------------------------------- download


def _download(url: str, dest: Path, timeout: float) -> None:
    """Stream ``url`` to ``dest`` with a size cap; network problems become BoundaryError."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https", "file"):
        raise BoundaryError(url, "the URL must start with http://, https:// or file://", "adressen måste börja med http:// eller https://")
    req = urllib.request.Request(url, headers={"User-Agent": "naravard-boundaries/1 (+python-urllib)"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp, open(dest, "wb") as out:
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_DOWNLOAD_BYTES:
                raise BoundaryError(url, f"the file is too large ({int(length)} bytes)", "filen är för stor")
            total = 0
            while chunk := resp.read(1 << 16):
                total += len(chunk)
                if total > MAX_DOWNLOAD_BYTES:
                    raise BoundaryError(url, "the file is too large", "filen är för stor")
                out.write(chunk)
    except BoundaryError:
        raise
    except urllib.error.HTTPError as e:
        raise BoundaryError(
            url, f"the server answered HTTP {e.code} {e.reason}", f"servern svarade med felkod {e.code}; kontrollera adressen"
        ) from None
    except urllib.error.URLError as e:
        reason = getattr(e, "reason", e)
        raise BoundaryError(
            url,
            f"cannot connect ({reason})",
            "kunde inte ansluta till servern; kontrollera adressen och internetanslutningen",
        ) from None
    except TimeoutError:
        raise BoundaryError(url, f"no answer within {timeout:g} s", f"servern svarade inte inom {timeout:g} sekunder") from None
    except (OSError, ValueError) as e:  # connection reset, malformed URL, disk full …
        raise BoundaryError(url, f"download failed ({e})", "nedladdningen misslyckades") from None
    except Exception as e:  # http.client.HTTPException and friends
        raise BoundaryError(url, f"download failed ({type(e).__name__}: {e})", "nedladdningen misslyckades") from None


# ------------------------------------------------------- reading in a worker process

#: The job that reads and normalises a file in a worker (see :mod:`naravard.sources.sandbox`).
_JOB = "naravard.sources.boundaries:_import_job"


def _read_isolated(
    path: Path,
    kind: str,
    name: str,
    workdir: Path,
    lanskod: str,
    expected_codes: Iterable[str] | None,
    simplify_m: float,
    limits: sandbox.Limits | None,
) -> gpd.GeoDataFrame:
    """Read and normalise ``path`` in a worker process with time and memory limits.

    The worker gets its arguments as JSON and returns the normalised layer as
    GeoParquet (or the error as JSON) in ``workdir``; the server's process never runs
    GDAL or GEOS on the user's bytes, so a hostile file costs one limited worker, not
    every session's responsiveness. The caller removes ``workdir``.
    """
    limits = limits or sandbox.Limits()
    job = {
        "input": str(path),
        "kind": kind,
        "name": name,
        "lanskod": str(lanskod),
        "expected_codes": sorted(str(c) for c in expected_codes) if expected_codes is not None else None,
        "simplify_m": float(simplify_m),
        "memory_mb": limits.memory_bytes // (1024 * 1024),
        "limits": {k: int(globals()[k]) for k in _JOB_LIMITS},
    }
    (workdir / "job.json").write_text(json.dumps(job), encoding="utf-8")
    try:
        sandbox.run_job(_JOB, workdir, limits)
    except sandbox.JobError as e:
        cls = BoundaryBusyError if e.reason == "busy" else BoundaryError
        raise cls(name, str(e), e.message_sv) from None
    err = workdir / "error.json"
    if err.is_file():
        d = json.loads(err.read_text(encoding="utf-8"))
        raise BoundaryError(str(d["file"]), str(d["problem_en"]), str(d["problem_sv"]))
    try:
        return gpd.read_parquet(workdir / "result.parquet")
    except Exception as e:  # the worker wrote no readable result (disk full?)
        raise BoundaryError(name, f"the worker's result cannot be read ({type(e).__name__})",
                            "inläsningen gav inget resultat") from None


def _import_job(workdir: Path) -> None:
    """Worker side of :func:`_read_isolated`: read, count, normalise, write the result."""
    job = json.loads((workdir / "job.json").read_text(encoding="utf-8"))
    globals().update({k: int(v) for k, v in job["limits"].items() if k in _JOB_LIMITS})
    name = job["name"]
    scratch = workdir / "x"
    scratch.mkdir()
    try:
        try:
            raw = _read_any(Path(job["input"]), job["kind"], name, scratch)
            gdf = normalise_boundaries(raw, job["lanskod"], expected_codes=job["expected_codes"],
                                       simplify_m=job["simplify_m"], source=name)
        except MemoryError:
            raise BoundaryError(
                name, f"out of memory (limit {job['memory_mb']} MB)",
                f"filen behövde mer minne än gränsen för en kartfil ({fmt.number(job['memory_mb'])} MB)",
            ) from None
    except BoundaryError as e:
        (workdir / "error.json").write_text(
            json.dumps({"file": e.file, "problem_en": e.problem_en, "problem_sv": e.problem_sv}), encoding="utf-8"
        )
        return
    gdf.to_parquet(workdir / "result.parquet")


# ---------------------------------------------------------------- fetch and import


def fetch_boundaries(
    url: str | None,
    lanskod: str,
    cache_dir: Path | str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    expected_codes: Iterable[str] | None = None,
    simplify_m: float = DEFAULT_SIMPLIFY_M,
) -> Path:
    """Download SCB's boundary zip, keep the län's kommuner and cache them; return the cache path.

    ``url`` ``None`` means :func:`resolve_boundary_url`. Accepts SCB's outer zip (which
    holds ``Kommun_Sweref99TM.zip``) or any zip holding the shapefile directly. If
    anything fails, the existing cache is left as it was. The archive is read in a
    limited worker like an upload (:func:`_read_isolated`).
    """
    url = resolve_boundary_url(url)
    target = cache_path(lanskod, cache_dir)
    workdir = sandbox.new_workdir()
    try:
        archive = workdir / "download.zip"
        _download(url, archive, timeout)
        gdf = _read_isolated(archive, "zip", url, workdir, lanskod, expected_codes, simplify_m, None)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return write_cache(gdf, lanskod, target.parent)


def import_boundaries(
    source: Path | str | bytes | bytearray | BinaryIO,
    filename: str | None,
    lanskod: str,
    cache_dir: Path | str | None = None,
    *,
    expected_codes: Iterable[str] | None = None,
    simplify_m: float = DEFAULT_SIMPLIFY_M,
    write: bool = False,
    limits: sandbox.Limits | None = None,
) -> gpd.GeoDataFrame:
    """Read user-provided boundaries (GeoJSON, a .shp with sidecars beside it, or a zip).

    ``source`` is a path or the file's bytes (e.g. an upload); ``filename`` tells the
    type for bytes (a path's own name is used when ``None``). The result is normalised
    like a download (see :func:`normalise_boundaries`). It is written to the cache when
    ``cache_dir`` is given (or ``write=True``, which uses the default cache directory);
    otherwise only returned, so the UI can preview before saving.

    The file is read in a worker process with time and memory limits (``limits``, by
    default :class:`naravard.sources.sandbox.Limits`), features and vertices are
    counted before any geometry work, and the job directory is removed on every exit
    path (see :mod:`naravard.sources.sandbox`).
    """
    workdir = sandbox.new_workdir()
    try:
        if isinstance(source, (bytes, bytearray)) or hasattr(source, "read"):
            data = bytes(source) if isinstance(source, (bytes, bytearray)) else source.read(MAX_INPUT_BYTES + 1)
            name = filename or "uppladdad fil"
            if len(data) > MAX_INPUT_BYTES:
                raise _too_big_input(name)
            if not data.strip():
                raise BoundaryError(name, "the file is empty", "filen är tom")
            kind = _kind(filename or "", data[:8])
            if kind == "shp":
                raise BoundaryError(
                    name,
                    "a shapefile needs its .shx and .dbf files; upload them together in a zip",
                    "en shapefil behöver sina .shx- och .dbf-filer; ladda upp alla delar tillsammans i en zip-fil",
                )
            path = workdir / ("upload.zip" if kind == "zip" else "upload.geojson")
            path.write_bytes(data)
            del data
        else:
            path = Path(source).resolve()
            name = filename or path.name
            if not path.is_file():
                raise BoundaryError(name, f"file not found: {path}", "filen finns inte")
            if path.stat().st_size > MAX_INPUT_BYTES:
                raise _too_big_input(name)
            with open(path, "rb") as f:
                kind = _kind(name, f.read(8))
        gdf = _read_isolated(path, kind, name, workdir, lanskod, expected_codes, simplify_m, limits)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if cache_dir is not None or write:
        write_cache(gdf, lanskod, cache_dir)
    return gdf


def _too_big_input(name: str) -> BoundaryError:
    mb = MAX_INPUT_BYTES // (1024 * 1024)
    return BoundaryError(name, f"the file is too large (limit {mb} MB)",
                         f"filen är för stor (gränsen för en kartfil är {fmt.number(mb)} MB)")


# ------------------------------------------------------------ embedded boundaries

#: The manifest section that names the embedded boundary file (see data/manifest.toml).
MANIFEST_SECTION = "boundaries"


@dataclass(frozen=True)
class EmbeddedInfo:
    """The manifest's ``[boundaries]`` entry: file (relative to the data dir), source and date."""

    file: str
    title: str
    source: str
    date: str
    notes: str

    @property
    def citation(self) -> str:
        return f"{self.source}, {self.date}"


def embedded_info(data_dir: Path | str | None = None) -> EmbeddedInfo | None:
    """The data dir's embedded boundary entry, or None if its manifest names none."""
    d = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    try:
        m = tomllib.loads((d / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None  # the dataset loader reports a broken manifest; the map just has no polygons
    b = m.get(MANIFEST_SECTION)
    if not isinstance(b, dict) or not b.get("file"):
        return None
    return EmbeddedInfo(str(b["file"]), str(b.get("title", "")), str(b.get("source", "")), str(b.get("date", "")),
                        str(b.get("notes", "")))


def load_embedded_boundaries(
    lanskod: str, data_dir: Path | str | None = None, *, expected_codes: Iterable[str] | None = None
) -> gpd.GeoDataFrame | None:
    """The region's kommuner from the data dir's embedded boundary file (WGS84), or
    None if the manifest names no file. The file holds every kommun of the country;
    the län code picks the region's. Already generalised by SCB, so not simplified again.
    """
    info = embedded_info(data_dir)
    if info is None:
        return None
    d = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    path = d / info.file
    if not path.resolve().is_relative_to(d.resolve()):
        raise BoundaryError(info.file, "the boundary file lies outside the data directory",
                            "kartfilen ligger utanför datamappen")
    try:
        raw = gpd.read_file(path, engine="pyogrio")
    except Exception as e:  # missing or unreadable file
        raise BoundaryError(info.file, f"the embedded boundary file cannot be read ({str(e)[:200]})",
                            "den inbyggda kartfilen kan inte läsas") from None
    return normalise_boundaries(raw, lanskod, expected_codes=expected_codes, simplify_m=0, source=info.file)


def _whole_metres(coords):
    """Nested coordinate tuples as lists of ints (the geometry is already on a 1 m grid)."""
    if isinstance(coords, (int, float)):
        return int(round(coords))
    return [_whole_metres(c) for c in coords]


def write_embedded(source: Path | str, target: Path | str) -> int:
    """Write a kommun layer (e.g. SCB's ``Kommun_Sweref99TM.shp``) as the embedded file.

    GeoJSON in SWEREF 99 TM (EPSG:3006, named in a ``crs`` member) with whole-metre
    coordinates, one kommun per line sorted by code, so a new release is a readable
    diff. Returns the number of kommuner written.
    """
    src = Path(source)
    raw = _resolve_crs(gpd.read_file(src, engine="pyogrio"), src.name)
    code_col, name_col = _find_column(raw.columns, CODE_COLUMNS), _find_column(raw.columns, NAME_COLUMNS)
    if code_col is None or name_col is None:
        raise BoundaryError(src.name, "no kommun code or name column", "hittar ingen kolumn med kommunkod eller kommunnamn")
    g = raw.to_crs(SWEREF99TM)
    g = g.assign(kommunkod=g[code_col].map(_norm_code), kommunnamn=g[name_col].astype(str).str.strip())
    g = g.set_geometry(shapely.make_valid(shapely.set_precision(g.geometry.values, 1.0)))
    g = g.sort_values("kommunkod")
    lines = []
    for r in g.itertuples():
        geom = shapely.geometry.mapping(r.geometry)
        feature = {"type": "Feature", "properties": {"kommunkod": r.kommunkod, "kommunnamn": r.kommunnamn},
                   "geometry": {"type": geom["type"], "coordinates": _whole_metres(geom["coordinates"])}}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    head = '{"type":"FeatureCollection","name":"kommuner","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3006"}},"features":[\n'
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(head + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    return len(lines)


# ------------------------------------------------------------------- precedence


#: Where the map's boundaries came from, in the order the app prefers them.
ORIGIN_UPLOAD, ORIGIN_CACHE, ORIGIN_EMBEDDED, ORIGIN_NONE = "upload", "cache", "embedded", "none"


@dataclass(frozen=True)
class BoundarySource:
    """The boundaries the map uses, where they came from, and a Swedish sentence saying so."""

    gdf: gpd.GeoDataFrame | None
    origin: str
    label_sv: str
    #: A problem met on the way (a corrupt cache that was skipped), in Swedish, or "".
    warning_sv: str = ""


def resolve_boundaries(
    lanskod: str,
    data_dir: Path | str | None = None,
    cache_dir: Path | str | None = None,
    *,
    expected_codes: Iterable[str] | None = None,
    user: gpd.GeoDataFrame | None = None,
) -> BoundarySource:
    """The boundaries by precedence: ``user`` (an upload this session) > the
    fetch/import cache (a newer release) > the data dir's embedded file > none.

    A cache or embedded file that cannot be used is skipped with a Swedish warning
    (the next source is tried), so a broken cache never costs the map its polygons.
    """
    if user is not None:
        return BoundarySource(user, ORIGIN_UPLOAD, "din uppladdade fil (gäller bara den här sessionen)")
    codes = list(expected_codes) if expected_codes is not None else None
    warning = ""
    try:
        cached = load_cached_boundaries(lanskod, cache_dir, expected_codes=codes)
    except BoundaryError as e:
        cached, warning = None, e.message_sv
    if cached is not None:
        return BoundarySource(cached, ORIGIN_CACHE, "den lokala kartcachen (hämtad eller importerad med "
                              "`python -m naravard boundaries fetch/import`)", warning)
    info = embedded_info(data_dir)
    if info is not None:
        try:
            gdf = load_embedded_boundaries(lanskod, data_dir, expected_codes=codes)
        except BoundaryError as e:
            warning = f"{warning} {e.message_sv}".strip()
        else:
            return BoundarySource(gdf, ORIGIN_EMBEDDED, f"den inbyggda filen {info.file} ({info.citation})", warning)
    return BoundarySource(None, ORIGIN_NONE, "inga kommungränser (kartan visar cirklar vid centralorterna)", warning)

__all__ = [
    "BoundaryBusyError",
    "BoundaryError",
    "BoundarySource",
    "EmbeddedInfo",
    "embedded_info",
    "load_embedded_boundaries",
    "resolve_boundaries",
    "write_embedded",
    "DEFAULT_BOUNDARY_URL",
    "DEFAULT_CACHE_DIR",
    "DEFAULT_SIMPLIFY_M",
    "ENV_BOUNDARY_URL",
    "ENV_CACHE_DIR",
    "MAX_EXTRACT_BYTES",
    "MAX_FEATURES",
    "MAX_VERTICES",
    "cache_path",
    "check_layer_size",
    "fetch_boundaries",
    "import_boundaries",
    "load_cached_boundaries",
    "normalise_boundaries",
    "resolve_boundary_url",
    "resolve_cache_dir",
    "write_cache",
]
