"""Hostile kommun boundary files (uploads on Om data), built in code.

``python -m tests.geofiles`` writes the small ones into tests/hostile/ (they are
committed; this is how they were made). The big ones (the issue's 5,9 MB zig-zag file)
are built at run time by the tests and by bench/upload_bench.py from the same functions.

The geometry sits on the synthetic Halland grid of tests/fixtures/geo/synthetic.py
(SWEREF 99 TM, whole metres); the kommun codes and names are the real ones.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tests.fixtures.geo import synthetic as syn

HOSTILE = Path(__file__).parent / "hostile"
CRS_3006 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}


def _fc(features: list[dict], crs: dict | None = CRS_3006) -> bytes:
    fc: dict = {"type": "FeatureCollection"}
    if crs:
        fc["crs"] = crs
    fc["features"] = features
    return json.dumps(fc, separators=(",", ":")).encode()


def _feature(code: str, name: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"KnKod": code, "KnNamn": name}, "geometry": geometry}


def _cell(code: str) -> tuple[int, int, int]:
    c, r = syn.CELLS[code]
    return int(syn.X0 + c * syn.SIDE_M), int(syn.Y0 + r * syn.SIDE_M), int(syn.SIDE_M)


def zigzag_ring(x: int, y: int, side: int, vertices: int) -> list[list[int]]:
    """A closed ring of ``vertices`` points: a square whose bottom edge zig-zags.

    The shape of the issue's file: GEOS's validity check and coverage simplification
    are far slower than linear on it.
    """
    n = max(4, vertices - 4)
    step = side / n
    bottom = [[x + round(i * step), y + (0 if i % 2 == 0 else 300)] for i in range(n)]
    return bottom + [[x + side, y], [x + side, y + side], [x, y + side], bottom[0]]


def zigzag_geojson(vertices_per_kommun: int) -> bytes:
    """The six Halland kommuner, each one zig-zag polygon of about ``vertices_per_kommun`` vertices."""
    feats = []
    for code, name in syn.HALLAND.items():
        x, y, side = _cell(code)
        feats.append(_feature(code, name, {"type": "Polygon", "coordinates": [zigzag_ring(x, y, side, vertices_per_kommun)]}))
    return _fc(feats)


def zigzag_some_geojson(vertices_each: int, codes: tuple[str, ...] = ("1380", "1381")) -> bytes:
    """The six kommuner as squares, except ``codes``: zig-zag polygons of ``vertices_each``
    vertices. Two of 75 000 is the slowest split of the vertex budget measured (1,8 s of
    normalisation against 0,4 s for six of 25 000)."""
    feats = []
    for c, name in syn.HALLAND.items():
        x, y, side = _cell(c)
        ring = zigzag_ring(x, y, side, vertices_each) if c in codes else [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
        feats.append(_feature(c, name, {"type": "Polygon", "coordinates": [ring]}))
    return _fc(feats)


def squares_geojson(extra_features: int = 0) -> bytes:
    """The six kommun squares, plus ``extra_features`` tiny triangles of another län."""
    feats = []
    for code, name in syn.HALLAND.items():
        x, y, side = _cell(code)
        feats.append(_feature(code, name, {"type": "Polygon", "coordinates": [[[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]]}))
    for i in range(extra_features):
        x, y = 600_000 + (i % 100) * 100, 6_500_000 + (i // 100) * 100
        feats.append(_feature("0180", "Stockholm", {"type": "Polygon", "coordinates": [[[x, y], [x + 50, y], [x, y + 50], [x, y]]]}))
    return _fc(feats)


def _info(name: str) -> zipfile.ZipInfo:
    """An entry with a fixed date (1980-01-01), so a rebuilt file is byte for byte the same."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def zipped(members: dict[str, bytes], level: int = 9) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in members.items():
            zf.writestr(_info(name), data)
    return buf.getvalue()


def bomb_zip(unpacked_bytes: int, member: str = "kommuner.geojson", *, filler: bytes = b" ",
             extra: dict[str, bytes] | None = None) -> bytes:
    """A zip whose member ``member`` unpacks to ``unpacked_bytes`` of ``filler`` (written in
    chunks: building it never holds the unpacked data in memory), after the small
    members ``extra``. Deflate packs about 1 000:1, so 80 MB become about 80 kB."""
    buf = io.BytesIO()
    chunk = filler * (1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in (extra or {}).items():
            zf.writestr(_info(name), data)
        with zf.open(_info(member), "w", force_zip64=unpacked_bytes > 2**31) as f:
            left = unpacked_bytes
            while left > 0:
                f.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return buf.getvalue()


def lying_zip(real_bytes: int = 5 * 1024 * 1024, claimed: int = 1000) -> bytes:
    """A zip whose headers claim a small member that really unpacks to ``real_bytes``."""
    raw = bytearray(bomb_zip(real_bytes))
    size = real_bytes.to_bytes(4, "little")
    small = claimed.to_bytes(4, "little")
    # Uncompressed size: local header offset 22, central directory entry offset 24.
    local = raw.find(b"PK\x03\x04")  # the only member
    central = raw.find(b"PK\x01\x02")
    assert raw[local + 22 : local + 26] == size and raw[central + 24 : central + 28] == size
    raw[local + 22 : local + 26] = small
    raw[central + 24 : central + 28] = small
    return bytes(raw)


def nested_bomb_zip(unpacked_bytes: int) -> bytes:
    """A small zip inside a zip; the inner one unpacks to ``unpacked_bytes``."""
    return zipped({"Kommun_Sweref99TM.zip": bomb_zip(unpacked_bytes)}, level=0)


def deep_zip(depth: int) -> bytes:
    """A GeoJSON wrapped in ``depth`` zips (the reader goes at most two levels deep)."""
    data = zipped({"kommuner.geojson": squares_geojson()})
    for i in range(depth - 1):
        data = zipped({f"lager{i}.zip": data}, level=0)
    return data


def many_members_zip(n: int) -> bytes:
    return zipped({f"f{i:05d}.txt": b"" for i in range(n)})


def symlink_zip() -> bytes:
    """A zip whose 'kommuner.geojson' is a symbolic link to /etc/passwd."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("kommuner.geojson")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def deep_json(depth: int = 20_000) -> bytes:
    """Coordinates nested ``depth`` arrays deep (a recursion bomb for a JSON parser)."""
    geom = b'{"type":"Polygon","coordinates":' + b"[" * depth + b"]" * depth + b"}"
    return b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"KnKod":"1384"},"geometry":' + geom + b"}]}"


def bowtie_geojson() -> bytes:
    """Every kommun a self-intersecting 'bow tie' (invalid; repaired by make_valid)."""
    feats = []
    for code, name in syn.HALLAND.items():
        x, y, s = _cell(code)
        ring = [[x, y], [x + s, y + s], [x + s, y], [x, y + s], [x, y]]
        feats.append(_feature(code, name, {"type": "Polygon", "coordinates": [ring]}))
    return _fc(feats)


def huge_coordinates_geojson() -> bytes:
    feats = []
    for code, name in syn.HALLAND.items():
        ring = [[1e308, 1e308], [-1e308, 1e308], [-1e308, -1e308], [1e308, 1e308]]
        feats.append(_feature(code, name, {"type": "Polygon", "coordinates": [ring]}))
    return _fc(feats)


def markup_names_geojson() -> bytes:
    """The six squares with kommun names that are HTML, Markdown and a bidi override."""
    data = json.loads(squares_geojson())
    names = ["<img src=x onerror=alert(1)>", "![x](http://127.0.0.1:9/t.png)", "# Rubrik", "$x^2$", ":red[röd]", "\u202eexe.live"]
    for f, n in zip(data["features"], names):
        f["properties"]["KnNamn"] = n
    return json.dumps(data).encode()


def unknown_crs_geojson() -> bytes:
    data = json.loads(squares_geojson())
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::99999"}}
    return json.dumps(data).encode()


#: The committed corpus: file name → bytes builder. Sizes stay in the tens of kB.
CORPUS = {
    "gransbomb_80mb.zip": lambda: bomb_zip(80 * 1024 * 1024),
    "gransbomb_kapslad.zip": lambda: nested_bomb_zip(80 * 1024 * 1024),
    "gransbomb_shapefil.zip": lambda: bomb_zip(80 * 1024 * 1024, "Kommun_Sweref99TM.shp", filler=b"\x00",
                                               extra={"Kommun_Sweref99TM.shx": b"", "Kommun_Sweref99TM.dbf": b""}),
    "gransbomb_ljuger_om_storlek.zip": lambda: lying_zip(),
    "grans_manga_filer.zip": lambda: many_members_zip(2001),
    "grans_djup_zip.zip": lambda: deep_zip(4),
    "grans_symlank.zip": symlink_zip,
    "grans_for_manga_objekt.zip": lambda: zipped({"kommuner.geojson": squares_geojson(extra_features=5_000)}),
    "grans_for_manga_hornpunkter.zip": lambda: zipped({"kommuner.geojson": zigzag_geojson(25_001)}),
    "grans_djup_nastling.geojson": deep_json,
    "grans_fjarilar.geojson": bowtie_geojson,
    "grans_jattekoordinater.geojson": huge_coordinates_geojson,
    "grans_markup_namn.geojson": markup_names_geojson,
    "grans_okand_crs.geojson": unknown_crs_geojson,
    "grans_trasig.zip": lambda: zipped({"kommuner.geojson": squares_geojson()})[:-40],
}


def write_corpus(directory: Path = HOSTILE) -> list[Path]:
    out = []
    for name, build in CORPUS.items():
        p = directory / name
        p.write_bytes(build())
        out.append(p)
    return out


if __name__ == "__main__":
    for p in write_corpus():
        print(f"{p.stat().st_size:>9}  {p.name}")
