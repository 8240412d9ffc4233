"""Kommun boundaries: download (from a local HTTP server), import, validation, cache, CLI.

Every path runs on synthetic fixtures (tests/fixtures/geo/synthetic.py); the same
checks run again on SCB's real file from ../shared/data when it is present.
"""

from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from naravard.sources import boundaries as geo
from naravard.sources.dataset import DataError
from tests.fixtures.geo import synthetic as syn

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "boundaries"
SHARED_SHP = SHARED / "sweden_kommuner_scb_sweref99tm" / "Kommun_Sweref99TM.shp"
SHARED_GEOJSON = SHARED / "halland_kommuner_scb_wgs84.geojson"
needs_shared_shp = pytest.mark.skipif(not SHARED_SHP.is_file(), reason="../shared/data boundaries absent")
needs_shared_geojson = pytest.mark.skipif(not SHARED_GEOJSON.is_file(), reason="../shared/data boundaries absent")

CODES = sorted(syn.HALLAND)
# README of ../shared/data: EPSG:3006 areas in km² (land + inland water).
SHARED_AREAS_KM2 = {
    "1384": 618.5,
    "1380": 1026.4,
    "1381": 905.5,
    "1382": 1171.2,
    "1383": 897.8,
    "1315": 1048.5,
}
# Generous box around Halland (WGS84).
HALLAND_LON = (11.5, 14.0)
HALLAND_LAT = (56.2, 57.8)


# ------------------------------------------------------------------------ fixtures


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture
def server(tmp_path):
    """A static HTTP server on 127.0.0.1 serving ``www``; yields (www dir, base URL)."""
    www = tmp_path / "www"
    www.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """Local test servers must never be reached through a proxy."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv(geo.ENV_BOUNDARY_URL, raising=False)
    monkeypatch.delenv(geo.ENV_CACHE_DIR, raising=False)


@pytest.fixture
def syn_shp(tmp_path) -> Path:
    return syn.write_shapefile(syn.squares_3006(), tmp_path / "src")


@pytest.fixture
def scb_zip(server, syn_shp, tmp_path) -> str:
    """URL of a synthetic SCB-shaped outer zip on the local server."""
    www, base = server
    syn.scb_outer_zip(syn_shp, www / "shape_svenska_test.zip", tmp_path / "work")
    return f"{base}/shape_svenska_test.zip"


@pytest.fixture
def warm_cache(tmp_path) -> Path:
    """A cache directory already holding valid boundaries (to prove failures leave it alone)."""
    cache = tmp_path / "cache"
    geo.write_cache(geo.normalise_boundaries(syn.squares_3006(), "13"), "13", cache)
    return cache


def _snapshot(cache: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(cache.iterdir())}


def _assert_halland(gdf: gpd.GeoDataFrame) -> None:
    assert list(gdf.columns) == ["kommunkod", "kommunnamn", "lanskod", "geometry"]
    assert list(gdf["kommunkod"]) == CODES
    assert dict(zip(gdf["kommunkod"], gdf["kommunnamn"])) == syn.HALLAND
    assert set(gdf["lanskod"]) == {"13"}
    assert gdf.crs.to_epsg() == 4326
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    assert gdf.is_valid.all()
    minx, miny, maxx, maxy = gdf.total_bounds
    assert HALLAND_LON[0] < minx < maxx < HALLAND_LON[1]
    assert HALLAND_LAT[0] < miny < maxy < HALLAND_LAT[1]


def _assert_swedish_error(err: geo.BoundaryError) -> None:
    assert isinstance(err, DataError)
    assert str(err) and err.problem_en
    assert err.message_sv.startswith("Kommungränserna från ")
    assert err.problem_sv and err.problem_sv != err.problem_en


# -------------------------------------------------------------------- configuration


def test_default_url_is_scbs_release_from_facts(monkeypatch):
    facts = (REPO.parent / "shared" / "FACTS.md").read_text() if (REPO.parent / "shared" / "FACTS.md").is_file() else ""
    if facts:
        assert geo.DEFAULT_BOUNDARY_URL in facts
    assert geo.resolve_boundary_url() == geo.DEFAULT_BOUNDARY_URL
    monkeypatch.setenv(geo.ENV_BOUNDARY_URL, "http://example.invalid/x.zip")
    assert geo.resolve_boundary_url() == "http://example.invalid/x.zip"
    assert geo.resolve_boundary_url("http://flag/y.zip") == "http://flag/y.zip"


def test_cache_dir_default_env_and_argument(monkeypatch, tmp_path):
    assert geo.resolve_cache_dir() == REPO / "var" / "boundaries"
    monkeypatch.setenv(geo.ENV_CACHE_DIR, str(tmp_path / "env"))
    assert geo.cache_path("13") == tmp_path / "env" / "kommuner_13.geojson"
    assert geo.cache_path("13", tmp_path / "arg") == tmp_path / "arg" / "kommuner_13.geojson"
    with pytest.raises(geo.BoundaryError) as e:
        geo.cache_path("1/../x", tmp_path)
    _assert_swedish_error(e.value)


# ---------------------------------------------------------------------------- fetch


def test_fetch_scb_shaped_zip_keeps_the_lans_kommuner(scb_zip, tmp_path):
    cache = tmp_path / "cache"
    path = geo.fetch_boundaries(scb_zip, "13", cache, timeout=10, expected_codes=CODES)
    assert path == cache / "kommuner_13.geojson"
    assert [p.name for p in cache.iterdir()] == ["kommuner_13.geojson"]  # no temp files left
    gdf = geo.load_cached_boundaries("13", cache, expected_codes=CODES)
    _assert_halland(gdf)
    # The non-Halland kommun (0180) is dropped, Halmstad keeps its island.
    assert "0180" not in set(gdf["kommunkod"])
    assert gdf.set_index("kommunkod").loc["1380"].geometry.geom_type == "MultiPolygon"
    # Simplification removed the 500 m densification vertices, not the area.
    metric = gdf.to_crs(3006).set_index("kommunkod")
    raw = syn.squares_3006().set_index("KnKod")
    for code in CODES:
        assert shapely.get_num_coordinates(metric.loc[code].geometry) < shapely.get_num_coordinates(raw.loc[code].geometry) / 4
        assert metric.loc[code].geometry.area == pytest.approx(raw.loc[code].geometry.area, rel=0.01)
    # The GeoJSON properties are exactly the documented ones.
    props = json.loads(path.read_text())["features"][0]["properties"]
    assert set(props) == {"kommunkod", "kommunnamn", "lanskod"}


def test_fetch_accepts_a_zip_with_the_shapefile_at_its_root(server, syn_shp, tmp_path):
    www, base = server
    (www / "kommuner.zip").write_bytes(syn.shapefile_zip_bytes(syn_shp, prefix="data/"))
    path = geo.fetch_boundaries(f"{base}/kommuner.zip", "13", tmp_path / "c", 10)
    _assert_halland(geo.load_cached_boundaries("13", path.parent))


def test_fetch_replaces_an_existing_cache(scb_zip, warm_cache):
    before = _snapshot(warm_cache)
    geo.fetch_boundaries(scb_zip, "13", warm_cache, 10, simplify_m=0)
    after = _snapshot(warm_cache)
    assert list(after) == ["kommuner_13.geojson"]
    assert after != before  # unsimplified this time: a different file, atomically swapped in


def _zip_slip_bytes(syn_shp: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for ext in syn.SHP_PARTS:
            zf.write(syn_shp.with_suffix(ext), "Kommun_Sweref99TM" + ext)
        zf.writestr("../../evil.txt", "owned")
    return buf.getvalue()


def _zip_without_shapefile() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "inga kartor här")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\x00" * 18)  # an empty inner zip
    return buf.getvalue()


@pytest.mark.parametrize(
    "case",
    ["404", "connection refused", "garbage", "no shapefile", "zip slip", "missing kommun", "bad scheme"],
)
def test_failed_fetch_leaves_the_cache_untouched(case, server, syn_shp, warm_cache, tmp_path):
    www, base = server
    url = f"{base}/payload.zip"
    if case == "404":
        url = f"{base}/saknas.zip"
    elif case == "connection refused":
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        url = f"http://127.0.0.1:{port}/x.zip"
    elif case == "garbage":
        (www / "payload.zip").write_bytes(os.urandom(2048))
    elif case == "no shapefile":
        (www / "payload.zip").write_bytes(_zip_without_shapefile())
    elif case == "zip slip":
        (www / "payload.zip").write_bytes(_zip_slip_bytes(syn_shp))
    elif case == "missing kommun":
        gdf = syn.squares_3006()
        shp = syn.write_shapefile(gdf[gdf["KnKod"] != "1315"], tmp_path / "partial")
        (www / "payload.zip").write_bytes(syn.shapefile_zip_bytes(shp))
    elif case == "bad scheme":
        url = "ftp://127.0.0.1/x.zip"
    before = _snapshot(warm_cache)
    with pytest.raises(geo.BoundaryError) as e:
        geo.fetch_boundaries(url, "13", warm_cache, timeout=5, expected_codes=CODES)
    _assert_swedish_error(e.value)
    assert _snapshot(warm_cache) == before
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    if case == "missing kommun":
        assert "1315" in e.value.problem_sv and "saknas" in e.value.problem_sv
    if case == "zip slip":
        assert "sökväg" in e.value.problem_sv
    if case == "404":
        assert "404" in str(e.value)


def test_fetch_enforces_size_limits(scb_zip, tmp_path, monkeypatch):
    monkeypatch.setattr(geo, "MAX_DOWNLOAD_BYTES", 1000)
    with pytest.raises(geo.BoundaryError) as e:
        geo.fetch_boundaries(scb_zip, "13", tmp_path / "c", 10)
    assert "för stor" in e.value.problem_sv
    monkeypatch.setattr(geo, "MAX_DOWNLOAD_BYTES", 10**9)
    monkeypatch.setattr(geo, "MAX_EXTRACT_BYTES", 5000)  # smaller than the inner zip
    with pytest.raises(geo.BoundaryError) as e:
        geo.fetch_boundaries(scb_zip, "13", tmp_path / "c", 10)
    assert "för stor" in e.value.problem_sv
    assert not (tmp_path / "c" / "kommuner_13.geojson").exists()


def test_a_failure_while_writing_keeps_the_old_cache(warm_cache, monkeypatch):
    """Atomicity: a crash half-way through writing leaves the old file and no temp file."""
    before = _snapshot(warm_cache)

    def broken_to_file(self, path, *args, **kwargs):
        Path(path).write_text('{"type": "FeatureCollection", "features": [')  # truncated
        raise OSError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", broken_to_file)
    with pytest.raises(geo.BoundaryError) as e:
        geo.write_cache(geo.normalise_boundaries(syn.squares_3006(), "13", simplify_m=0), "13", warm_cache)
    _assert_swedish_error(e.value)
    assert _snapshot(warm_cache) == before


@needs_shared_shp
def test_fetch_scbs_real_file_shipped_the_scb_way(server, tmp_path):
    www, base = server
    syn.scb_outer_zip(SHARED_SHP, www / "shape_svenska_250121.zip", tmp_path / "work")
    url = f"{base}/shape_svenska_250121.zip"
    # Unsimplified, the areas match the README's EPSG:3006 areas.
    path = geo.fetch_boundaries(url, "13", tmp_path / "raw", 10, expected_codes=CODES, simplify_m=0)
    gdf = geo.load_cached_boundaries("13", path.parent)
    assert list(gdf["kommunkod"]) == CODES
    assert dict(zip(gdf["kommunkod"], gdf["kommunnamn"])) == syn.HALLAND
    areas = gdf.to_crs(3006).set_index("kommunkod").area / 1e6
    for code, km2 in SHARED_AREAS_KM2.items():
        assert areas[code] == pytest.approx(km2, rel=0.01), code
    assert areas.sum() == pytest.approx(5667.9, rel=0.01)
    # Simplified (the default), still within 2 % and in Halland.
    path = geo.fetch_boundaries(url, "13", tmp_path / "simple", 10, expected_codes=CODES)
    simple = geo.load_cached_boundaries("13", path.parent)
    _assert_halland(simple)
    s_areas = simple.to_crs(3006).set_index("kommunkod").area / 1e6
    for code, km2 in SHARED_AREAS_KM2.items():
        assert s_areas[code] == pytest.approx(km2, rel=0.02), code
    # Neighbours still share their borders (coverage simplification: no overlaps).
    union = shapely.union_all(simple.to_crs(3006).geometry.values)
    assert union.area == pytest.approx(s_areas.sum() * 1e6, rel=1e-4)


# --------------------------------------------------------------------------- import


@needs_shared_geojson
def test_import_shared_geojson():
    gdf = geo.import_boundaries(SHARED_GEOJSON, None, "13", expected_codes=CODES)
    _assert_halland(gdf)


@needs_shared_shp
def test_import_shared_shapefile_by_path(tmp_path):
    gdf = geo.import_boundaries(SHARED_SHP, None, "13", tmp_path / "c", expected_codes=CODES, simplify_m=0)
    _assert_halland(gdf)
    assert (tmp_path / "c" / "kommuner_13.geojson").is_file()
    areas = gdf.to_crs(3006).set_index("kommunkod").area / 1e6
    assert areas["1380"] == pytest.approx(1026.4, rel=0.01)


def test_import_synthetic_geojson_bytes_and_cache_it(tmp_path):
    data = syn.geojson_bytes(syn.squares_3006().to_crs(4326))
    assert geo.import_boundaries(data, "kommuner.geojson", "13", expected_codes=CODES) is not None
    assert not (tmp_path / "c").exists()  # no cache_dir: nothing written
    gdf = geo.import_boundaries(data, "kommuner.geojson", "13", tmp_path / "c", expected_codes=CODES)
    _assert_halland(gdf)
    cached = geo.load_cached_boundaries("13", tmp_path / "c")
    assert list(cached["kommunkod"]) == CODES


def test_import_accepts_uploads_without_a_known_extension(syn_shp):
    """Type sniffing: a zip or GeoJSON named oddly (or a file-like object) still works."""
    _assert_halland(geo.import_boundaries(syn.shapefile_zip_bytes(syn_shp), "gränser", "13"))
    data = syn.geojson_bytes(syn.squares_3006().to_crs(4326))
    _assert_halland(geo.import_boundaries(io.BytesIO(data), None, "13"))


def test_import_shapefile_path_and_zip(syn_shp, tmp_path):
    _assert_halland(geo.import_boundaries(syn_shp, None, "13", expected_codes=CODES))
    z = tmp_path / "kommuner.zip"
    z.write_bytes(syn.shapefile_zip_bytes(syn_shp))
    _assert_halland(geo.import_boundaries(z, None, "13", expected_codes=CODES))


def test_missing_crs_is_inferred_from_the_coordinates(tmp_path):
    # A shapefile without .prj in metres → SWEREF 99 TM.
    shp = syn.write_shapefile(syn.squares_3006(), tmp_path / "noprj", prj=None)
    assert not shp.with_suffix(".prj").exists()
    _assert_halland(geo.import_boundaries(shp, None, "13"))
    # A GeoJSON without "crs" but in metres (GDAL would call it WGS84) → SWEREF 99 TM.
    _assert_halland(geo.import_boundaries(syn.geojson_bytes(syn.squares_3006()), "m.geojson", "13"))
    # The same with an explicit crs member.
    _assert_halland(geo.import_boundaries(syn.geojson_bytes(syn.squares_3006(), with_crs=True), "m.geojson", "13"))
    # A shapefile without .prj in degrees → WGS84.
    shp = syn.write_shapefile(syn.squares_3006().to_crs(4326), tmp_path / "deg", prj=None)
    _assert_halland(geo.import_boundaries(shp, None, "13"))


def test_code_and_name_columns_are_found_and_codes_normalised():
    g = syn.squares_3006().rename(columns={"KnKod": "KOMMUNKOD", "KnNamn": "namn"})
    g["KOMMUNKOD"] = g["KOMMUNKOD"].astype(int)  # 180 for 0180, 1380 …
    out = geo.normalise_boundaries(g, "13", expected_codes=CODES)
    assert list(out["kommunkod"]) == CODES
    out = geo.normalise_boundaries(g, "01")
    assert list(out["kommunkod"]) == ["0180"]
    g2 = syn.squares_3006().rename(columns={"KnKod": "kod"}).drop(columns="KnNamn")
    out = geo.normalise_boundaries(g2, "13")
    assert list(out["kommunnamn"]) == CODES  # no name column: the code stands in


def test_rows_of_one_kommun_are_merged():
    g = syn.squares_3006()
    island = g[g["KnKod"] == "1380"].explode(index_parts=False)  # two rows with code 1380
    g = gpd.GeoDataFrame(
        pd.concat([g[g["KnKod"] != "1380"], island], ignore_index=True), crs=g.crs
    )
    assert (g["KnKod"] == "1380").sum() == 2
    out = geo.normalise_boundaries(g, "13")
    assert list(out["kommunkod"]) == CODES
    assert out.set_index("kommunkod").loc["1380"].geometry.geom_type == "MultiPolygon"


def _bad_inputs(tmp_path: Path, syn_shp: Path) -> dict[str, tuple[object, str | None, str]]:
    """name → (source, filename, a word the Swedish message must contain)."""
    g = syn.squares_3006().to_crs(4326)
    points = g.copy()
    points["geometry"] = g.geometry.representative_point()
    spain = g.copy()
    spain["geometry"] = g.geometry.translate(-16.0, -16.0)
    nodbf = tmp_path / "nodbf"
    nodbf.mkdir()
    for ext in (".shp", ".shx", ".prj"):
        (nodbf / f"k{ext}").write_bytes(syn_shp.with_suffix(ext).read_bytes())
    return {
        "garbage geojson": (os.urandom(512), "kommuner.geojson", "kartskikt"),
        "garbage zip": (b"PK\x03\x04" + os.urandom(512), "kommuner.zip", "zip"),
        "garbage unnamed": (b"\x00\x01garbage", None, "filtyp"),
        "empty": (b"", "kommuner.geojson", "tom"),
        "truncated json": (b'{"type": "FeatureCollection", "features": [', "k.json", "kartskikt"),
        "zip without shapefile": (_zip_without_shapefile(), "k.zip", "shapefil"),
        "zip with shp but no dbf": (syn.shapefile_zip_bytes(nodbf / "k.shp"), "k.zip", ".dbf"),
        "zip slip": (_zip_slip_bytes(syn_shp), "k.zip", "sökväg"),
        "geojson missing a kommun": (syn.geojson_bytes(g[g["KnKod"] != "1381"]), "k.geojson", "1381"),
        "points": (syn.geojson_bytes(points), "k.geojson", "polygon"),
        "outside Sweden": (syn.geojson_bytes(spain), "k.geojson", "utanför Sverige"),
        "no code column": (syn.geojson_bytes(g.rename(columns={"KnKod": "x"})), "k.geojson", "kommunkod"),
        "other län only": (syn.geojson_bytes(g[g["KnKod"] == "0180"]), "k.geojson", "inga kommuner"),
        "lone shp bytes": (syn_shp.read_bytes(), "Kommun_Sweref99TM.shp", "zip"),
        "shp path without dbf": (nodbf / "k.shp", None, ".dbf"),
        "missing path": (tmp_path / "finns-inte.geojson", None, "finns inte"),
    }


BAD_CASES = [
    "garbage geojson",
    "garbage zip",
    "garbage unnamed",
    "empty",
    "truncated json",
    "zip without shapefile",
    "zip with shp but no dbf",
    "zip slip",
    "geojson missing a kommun",
    "points",
    "outside Sweden",
    "no code column",
    "other län only",
    "lone shp bytes",
    "shp path without dbf",
    "missing path",
]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_imports_raise_a_swedish_domain_error_and_keep_the_cache(case, tmp_path, syn_shp, warm_cache):
    source, filename, word = _bad_inputs(tmp_path, syn_shp)[case]
    before = _snapshot(warm_cache)
    with pytest.raises(geo.BoundaryError) as e:
        geo.import_boundaries(source, filename, "13", warm_cache, expected_codes=CODES)
    _assert_swedish_error(e.value)
    assert word.lower() in e.value.problem_sv.lower(), e.value.problem_sv
    assert "naravard-geo-" not in str(e.value)  # no temp paths in messages
    assert _snapshot(warm_cache) == before


# ---------------------------------------------------------------------------- cache


def test_load_cached_boundaries_absent_valid_and_corrupt(tmp_path, warm_cache):
    assert geo.load_cached_boundaries("13", tmp_path / "empty") is None
    gdf = geo.load_cached_boundaries("13", warm_cache, expected_codes=CODES)
    _assert_halland(gdf)
    with pytest.raises(geo.BoundaryError) as e:
        geo.load_cached_boundaries("13", warm_cache, expected_codes=CODES + ["1399"])
    assert "1399" in e.value.problem_sv
    for corrupt in (b"\x00garbage", b'{"type": "FeatureCollection", "features": [', b'{"type": "FeatureCollection", "features": []}'):
        (warm_cache / "kommuner_13.geojson").write_bytes(corrupt)
        with pytest.raises(geo.BoundaryError) as e:
            geo.load_cached_boundaries("13", warm_cache)
        _assert_swedish_error(e.value)
        assert "skadad" in e.value.problem_sv


# ------------------------------------------------------------------------------ CLI


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the CLI as a user would; never against the developer's own cache or URL."""
    full_env = {k: v for k, v in os.environ.items() if k not in (geo.ENV_CACHE_DIR, geo.ENV_BOUNDARY_URL)}
    full_env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "naravard", *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_fetch_from_local_server(scb_zip, tmp_path):
    res = _cli("boundaries", "fetch", "--url", scb_zip, "--cache-dir", str(tmp_path / "c"))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fetched 6 kommuner of län 13")
    _assert_halland(geo.load_cached_boundaries("13", tmp_path / "c"))


def test_cli_fetch_url_and_cache_from_environment(scb_zip, tmp_path):
    res = _cli("boundaries", "fetch", "--lan", "13", env={geo.ENV_BOUNDARY_URL: scb_zip, geo.ENV_CACHE_DIR: str(tmp_path / "e")})
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "e" / "kommuner_13.geojson").is_file()


def test_cli_errors_are_one_line_without_traceback(server, tmp_path):
    _, base = server
    res = _cli("boundaries", "fetch", "--url", f"{base}/saknas.zip", "--cache-dir", str(tmp_path / "c"))
    assert res.returncode == 1
    assert res.stdout == ""
    assert res.stderr.startswith("error: ") and "404" in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    junk = tmp_path / "junk.geojson"
    junk.write_bytes(b"not a map")
    res = _cli("boundaries", "import", str(junk), "--cache-dir", str(tmp_path / "c"))
    assert res.returncode == 1 and "Traceback" not in res.stderr and res.stderr.startswith("error: ")
    res = _cli("boundaries", "fetch", "--lan", "1x", "--cache-dir", str(tmp_path / "c"))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert not (tmp_path / "c").exists()


def test_cli_import(syn_shp, tmp_path):
    res = _cli("boundaries", "import", str(syn_shp), "--cache-dir", str(tmp_path / "c"))
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Imported 6 kommuner of län 13")
    _assert_halland(geo.load_cached_boundaries("13", tmp_path / "c"))


def test_cli_usage_errors_exit_2():
    res = _cli("boundaries")
    assert res.returncode == 2 and "Traceback" not in res.stderr


# ------------------------------------------------------------ embedded boundaries

EMBEDDED = REPO / "data" / "boundaries" / "kommuner_scb_2025.geojson"


def test_embedded_file_holds_all_290_kommuner_in_sweref99tm():
    """data/boundaries/ embeds SCB's generalised polygons of every kommun (FACTS S5)."""
    info = geo.embedded_info()
    assert info is not None and REPO / "data" / info.file == EMBEDDED
    assert info.source == "SCB, Digitala gränser (kommungränser), CC0" and info.date == "2025-01-21"
    raw = gpd.read_file(EMBEDDED, engine="pyogrio")
    assert len(raw) == 290 and raw["kommunkod"].is_unique
    assert raw.crs.to_epsg() == 3006
    assert raw["kommunkod"].str.fullmatch(r"\d{4}").all()
    assert sorted(c for c in raw["kommunkod"] if c.startswith("13")) == ["1315", "1380", "1381", "1382", "1383", "1384"]
    assert raw.is_valid.all() and set(raw.geom_type) <= {"Polygon", "MultiPolygon"}
    assert EMBEDDED.stat().st_size < 250_000, "small enough to review and ship"
    head = json.loads(EMBEDDED.read_text(encoding="utf-8"))["crs"]["properties"]["name"]
    assert head == "urn:ogc:def:crs:EPSG::3006"


def test_embedded_halland_has_scbs_areas():
    gdf = geo.load_embedded_boundaries("13")
    assert list(gdf["kommunkod"]) == CODES
    assert dict(zip(gdf["kommunkod"], gdf["kommunnamn"])) == syn.HALLAND
    areas = gdf.to_crs(3006).set_index("kommunkod").geometry.area / 1e6
    for code, km2 in SHARED_AREAS_KM2.items():
        assert areas[code] == pytest.approx(km2, abs=0.2), code  # whole-metre rounding moves < 0.1 km²


def test_embedded_file_picks_any_regions_kommuner():
    """Another region's data dir uses the same file: the län code picks its kommuner."""
    kronoberg = geo.load_embedded_boundaries("07")
    assert len(kronoberg) == 8 and set(kronoberg["kommunkod"].str[:2]) == {"07"}
    assert len(geo.load_embedded_boundaries("01")) == 26  # Stockholms län


@needs_shared_shp
def test_embedded_file_is_reproducible_from_scbs_shapefile(tmp_path):
    out = tmp_path / "kommuner.geojson"
    assert geo.write_embedded(SHARED_SHP, out) == 290
    assert out.read_bytes() == EMBEDDED.read_bytes()


def _data_dir_without_boundaries(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    text = (REPO / "data" / "manifest.toml").read_text(encoding="utf-8")
    (d / "manifest.toml").write_text(text.split("\n[boundaries]")[0], encoding="utf-8")
    return d


def test_precedence_upload_cache_embedded_none(tmp_path, warm_cache):
    # embedded, with an empty cache
    src = geo.resolve_boundaries("13", cache_dir=tmp_path / "empty", expected_codes=CODES)
    assert src.origin == geo.ORIGIN_EMBEDDED and len(src.gdf) == 6
    assert "SCB, Digitala gränser (kommungränser), CC0, 2025-01-21" in src.label_sv
    # a fetch/import cache (a newer release) wins over the embedded file
    src = geo.resolve_boundaries("13", cache_dir=warm_cache, expected_codes=CODES)
    assert src.origin == geo.ORIGIN_CACHE
    assert shapely.get_num_coordinates(src.gdf.geometry.values).max() <= 10  # the synthetic squares
    # a user's upload this session wins over both
    user = geo.normalise_boundaries(syn.squares_3006(), "13")
    assert geo.resolve_boundaries("13", cache_dir=warm_cache, user=user).origin == geo.ORIGIN_UPLOAD
    # a data dir without boundaries: nothing (the map draws circles)
    src = geo.resolve_boundaries("13", _data_dir_without_boundaries(tmp_path), tmp_path / "empty")
    assert src.origin == geo.ORIGIN_NONE and src.gdf is None


def test_a_corrupt_cache_falls_back_to_the_embedded_file_with_a_warning(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "kommuner_13.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    src = geo.resolve_boundaries("13", cache_dir=cache, expected_codes=CODES)
    assert src.origin == geo.ORIGIN_EMBEDDED and len(src.gdf) == 6
    assert "skadad" in src.warning_sv


def test_a_missing_embedded_file_is_a_swedish_error(tmp_path):
    d = _data_dir_without_boundaries(tmp_path)
    with open(d / "manifest.toml", "a", encoding="utf-8") as f:
        f.write('\n[boundaries]\nfile = "boundaries/saknas.geojson"\nsource = "x"\ndate = "2025"\n')
    with pytest.raises(geo.BoundaryError) as e:
        geo.load_embedded_boundaries("13", d)
    _assert_swedish_error(e.value)
    src = geo.resolve_boundaries("13", d, tmp_path / "empty")
    assert src.origin == geo.ORIGIN_NONE and "kan inte läsas" in src.warning_sv
    (d / "manifest.toml").write_text(
        (d / "manifest.toml").read_text(encoding="utf-8").replace("boundaries/saknas.geojson", "../../etc/passwd"),
        encoding="utf-8",
    )
    with pytest.raises(geo.BoundaryError, match="outside the data directory"):
        geo.load_embedded_boundaries("13", d)


def test_cli_embed(tmp_path):
    src = syn.write_shapefile(syn.squares_3006(), tmp_path / "src")
    out = tmp_path / "emb.geojson"
    res = subprocess.run([sys.executable, "-m", "naravard", "boundaries", "embed", str(src), "--out", str(out)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "Embedded" in res.stdout
    assert set(gpd.read_file(out)["kommunkod"]) >= set(CODES)
