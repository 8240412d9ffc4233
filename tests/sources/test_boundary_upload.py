"""Boundary uploads that must not freeze the server or fill its memory or disk
(issue 11, defects 1 and 2).

- Features and vertices are counted before any geometry work and refused above
  ``MAX_FEATURES`` / ``MAX_VERTICES`` with a Swedish message that states the limit.
- The file is read in a worker process with time and memory limits; the server's
  process never runs GDAL or GEOS on it.
- Zips are extracted by streaming under ``MAX_EXTRACT_BYTES`` (declared sizes are
  checked first); the job directory is removed on every exit path, also when the worker
  or the server is killed.
- The upload check is cached by the file's SHA-256: a rerun does not check again.
- The hostile boundary files of tests/hostile/ (made by tests/geofiles.py) each give
  their Swedish message, or are read correctly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest

from naravard import fmt
from naravard.sources import boundaries as geo
from naravard.sources import sandbox
from tests import geofiles
from tests.fixtures.geo import synthetic as syn

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "hostile"
CODES = sorted(syn.HALLAND)


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    """Every job directory goes to a private temp dir, so the tests can see what is left."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.delenv(geo.ENV_CACHE_DIR, raising=False)
    return tmp


def _left_behind(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir())


def _text(err: geo.BoundaryError) -> str:
    return fmt.plain(err.message_sv)


# ------------------------------------------------------------------ the corpus

# file → words the Swedish message must contain (None: the file is read).
CORPUS_CASES: dict[str, list[str] | None] = {
    "gransbomb_80mb.zip": ["för stor", "packas upp", "50 MB"],
    "gransbomb_kapslad.zip": ["för stor", "packas upp", "50 MB"],
    "gransbomb_shapefil.zip": ["för stor", "packas upp", "50 MB"],
    "gransbomb_ljuger_om_storlek.zip": ["kan inte packas upp"],
    "grans_manga_filer.zip": ["för många filer"],
    "grans_djup_zip.zip": ["ingen shapefil"],
    "grans_symlank.zip": ["otillåten sökväg"],
    "grans_for_manga_objekt.zip": ["5 006 objekt", "gränsen för en kartfil är 5 000"],
    "grans_for_manga_hornpunkter.zip": ["150 006 hörnpunkter", "gränsen för en kartfil är 150 000"],
    "grans_djup_nastling.geojson": ["kartskikt"],
    "grans_fjarilar.geojson": None,
    "grans_jattekoordinater.geojson": ["koordinat"],
    "grans_markup_namn.geojson": None,
    "grans_okand_crs.geojson": None,  # an unknown CRS: the coordinates are plainly SWEREF 99 TM
    "grans_trasig.zip": ["zip"],
}


def test_every_boundary_corpus_file_has_a_case_and_is_reproducible():
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix in (".zip", ".geojson")}
    assert on_disk == set(CORPUS_CASES) == set(geofiles.CORPUS)
    for name, build in geofiles.CORPUS.items():
        assert (CORPUS / name).read_bytes() == build(), f"{name} differs from tests/geofiles.py"


@pytest.mark.parametrize("name", sorted(CORPUS_CASES))
def test_hostile_boundary_file(name, _private_tmp):
    words = CORPUS_CASES[name]
    raw = (CORPUS / name).read_bytes()
    if words is None:
        gdf = geo.import_boundaries(raw, name, "13", expected_codes=CODES)
        assert list(gdf["kommunkod"]) == CODES and gdf.is_valid.all()
        assert (gdf.to_crs(3006).geometry.area > 0).all()
    else:
        with pytest.raises(geo.BoundaryError) as e:
            geo.import_boundaries(raw, name, "13", expected_codes=CODES)
        text = _text(e.value)
        assert text.startswith(f"Kommungränserna från {name} kunde inte användas: ")
        for w in words:
            assert w in text, text
        assert "Traceback" not in text and tempfile.gettempdir() not in text and "naravard-" not in text
    assert _left_behind(_private_tmp) == []


def test_names_in_a_file_are_kept_as_written():
    gdf = geo.import_boundaries((CORPUS / "grans_markup_namn.geojson").read_bytes(), "k.geojson", "13")
    assert "![x](http://127.0.0.1:9/t.png)" in set(gdf["kommunnamn"])
    assert "<img src=x onerror=alert(1)>" in set(gdf["kommunnamn"])


# ------------------------------------------------------- defect 1: count first


def test_vertices_are_counted_before_any_geometry_work(monkeypatch):
    """The zig-zag file is refused by its count; no validity check or simplification runs."""
    raw = geofiles.zigzag_geojson(geo.MAX_VERTICES // 6 + 10)
    gdf = gpd.read_file(raw, engine="pyogrio")

    def no_geometry_work(*args, **kwargs):
        raise AssertionError("geometry work before the count")

    monkeypatch.setattr(geo, "_polygonal", no_geometry_work)
    monkeypatch.setattr(geo, "_simplify", no_geometry_work)
    with pytest.raises(geo.BoundaryError) as e:
        geo.normalise_boundaries(gdf, "13", source="k.geojson")
    n = 6 * (geo.MAX_VERTICES // 6 + 10)
    assert f"{fmt.number(n)} hörnpunkter" in e.value.problem_sv
    assert f"gränsen för en kartfil är {fmt.number(geo.MAX_VERTICES)}" in e.value.problem_sv


def test_the_issues_zigzag_upload_is_refused_by_its_count():
    """The issue's file: six kommun polygons of 166 667 zig-zag vertices each, zipped."""
    raw = geofiles.zipped({"kommuner.geojson": geofiles.zigzag_geojson(166_667)})
    with pytest.raises(geo.BoundaryError) as e:
        geo.import_boundaries(raw, "sicksack.zip", "13", expected_codes=CODES)
    assert "1 000 002 hörnpunkter" in _text(e.value)
    assert "gränsen för en kartfil är 150 000" in _text(e.value)


def test_the_feature_count_is_checked_before_the_geometries_are_read(monkeypatch, tmp_path):
    path = tmp_path / "k.geojson"
    path.write_bytes(geofiles.squares_geojson(extra_features=geo.MAX_FEATURES))
    monkeypatch.setattr(gpd, "read_file", lambda *a, **k: pytest.fail("geometries read before the count"))
    with pytest.raises(geo.BoundaryError) as e:
        geo._read_layer(path, "k.geojson")
    assert f"{fmt.number(geo.MAX_FEATURES + 6)} objekt" in e.value.problem_sv


def test_a_file_within_the_limits_is_read():
    gdf = geo.import_boundaries(geofiles.zigzag_geojson(2_000), "k.geojson", "13", expected_codes=CODES)
    assert list(gdf["kommunkod"]) == CODES and gdf.is_valid.all()


def test_the_file_is_read_outside_the_servers_process(monkeypatch):
    """Reading and normalising run in a worker: in this process they are never called."""
    for fn in ("_read_any", "_read_layer", "normalise_boundaries", "_simplify", "_polygonal"):
        monkeypatch.setattr(geo, fn, lambda *a, _fn=fn, **k: pytest.fail(f"{_fn} ran in the server's process"))
    gdf = geo.import_boundaries(syn.geojson_bytes(syn.squares_3006()), "k.geojson", "13", expected_codes=CODES)
    assert list(gdf["kommunkod"]) == CODES


def test_a_worker_over_its_time_limit_is_stopped_and_leaves_nothing(_private_tmp):
    raw = geofiles.zigzag_geojson(20_000)
    with pytest.raises(geo.BoundaryError) as e:
        geo.import_boundaries(raw, "k.geojson", "13", limits=sandbox.Limits(cpu_s=1, wall_s=0.05))
    assert "avbröts" in _text(e.value) and "sekunder" in _text(e.value)
    assert _left_behind(_private_tmp) == []


def test_a_worker_over_its_memory_limit_is_stopped_with_a_swedish_message(_private_tmp):
    with pytest.raises(geo.BoundaryError) as e:
        geo.import_boundaries(geofiles.squares_geojson(), "k.geojson", "13",
                              limits=sandbox.Limits(memory_bytes=64 * 2**20))  # importing geopandas alone takes more
    assert "mer minne än gränsen" in _text(e.value) and "64 MB" in _text(e.value)
    assert _left_behind(_private_tmp) == []


def test_the_slowest_file_within_the_count_is_read_within_the_default_limits():
    """All the vertex budget in two zig-zag polygons: GEOS reserves 1,3 GB of address
    space for it at ~320 MB resident; the default limits let it through."""
    raw = geofiles.zigzag_some_geojson((geo.MAX_VERTICES - 20) // 2)
    gdf = geo.import_boundaries(raw, "k.geojson", "13", expected_codes=CODES)
    assert list(gdf["kommunkod"]) == CODES and gdf.is_valid.all()
    assert 0 < sandbox.last_usage["peak_rss_mb"] < sandbox.DEFAULT_MEMORY_BYTES / 2**20


def test_limits_set_in_this_process_hold_in_the_worker(monkeypatch):
    monkeypatch.setattr(geo, "MAX_VERTICES", 100)
    with pytest.raises(geo.BoundaryError) as e:
        geo.import_boundaries(geofiles.zigzag_geojson(50), "k.geojson", "13")
    assert "gränsen för en kartfil är 100" in _text(e.value)


# ------------------------------------------------------- defect 2: zip bombs


def test_extraction_streams_without_holding_the_member_in_memory(tmp_path):
    size = 30 * 1024 * 1024
    archive = tmp_path / "b.zip"
    archive.write_bytes(geofiles.bomb_zip(size))
    work = tmp_path / "w"
    work.mkdir()
    tracemalloc.start()
    try:
        layer = geo._extract_vector(archive, work, "b.zip", [geo.MAX_EXTRACT_BYTES])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert layer.stat().st_size == size
    assert peak < 2 * 1024 * 1024, peak  # one chunk, not the 30 MB member


def test_a_zip_bomb_is_refused_by_its_declared_size_before_anything_is_written(tmp_path):
    archive = tmp_path / "b.zip"
    archive.write_bytes((CORPUS / "gransbomb_80mb.zip").read_bytes())
    work = tmp_path / "w"
    work.mkdir()
    with pytest.raises(geo.BoundaryError) as e:
        geo._extract_vector(archive, work, "b.zip", [geo.MAX_EXTRACT_BYTES])
    assert "50 MB" in fmt.plain(e.value.problem_sv)
    assert list(work.iterdir()) == []


def test_the_real_size_is_capped_whatever_the_entries_declare(tmp_path):
    """Entries that under-declare their size: the stream stops at the cap anyway."""
    archive = tmp_path / "b.zip"
    archive.write_bytes(geofiles.bomb_zip(3 * 1024 * 1024))
    work = tmp_path / "w"
    work.mkdir()
    with zipfile.ZipFile(archive) as zf:
        info = zf.infolist()[0]
        info.file_size = 10  # what a lying header would make zipfile believe for the pre-count
        with pytest.raises(geo.BoundaryError) as e:
            geo._precount([info], [1024 * 1024], "b.zip")  # passes: the claim is small
            info.file_size = 3 * 1024 * 1024  # the stream reads the real data
            geo._extract_member(zf, info, work / "x", [1024 * 1024], "b.zip")
    assert "för stor" in e.value.problem_sv
    assert (work / "x").stat().st_size <= 1024 * 1024


def test_a_failing_or_killed_import_leaves_no_temporary_files(_private_tmp, tmp_path):
    bad = [
        ((CORPUS / "gransbomb_kapslad.zip").read_bytes(), "b.zip", None),
        (b"PK\x03\x04" + os.urandom(300), "g.zip", None),
        (geofiles.zigzag_geojson(20_000), "k.geojson", sandbox.Limits(wall_s=0.05)),
    ]
    for raw, name, limits in bad:
        with pytest.raises(geo.BoundaryError):
            geo.import_boundaries(raw, name, "13", limits=limits)
        assert _left_behind(_private_tmp) == [], name


_SERVER = """
import sys
from naravard.sources import boundaries as geo
from tests import geofiles
raw = geofiles.zigzag_geojson(24_000) if sys.argv[1] == "geometry" else geofiles.bomb_zip(45 * 1024 * 1024)
geo.import_boundaries(raw, "k.geojson" if sys.argv[1] == "geometry" else "k.zip", "13")
"""


def _workers_of(workdir: Path) -> list[int]:
    pids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                cmd = (p / "cmdline").read_bytes()
            except OSError:
                continue
            if str(workdir).encode() in cmd and b"naravard.sources.sandbox" in cmd:
                pids.append(int(p.name))
    return pids


def _wait(predicate, seconds: float = 60.0):
    """Poll until ``predicate()`` is truthy (a wait with a bound, not a timing assert)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("stage", ["geometry", "extraction"])
def test_a_server_killed_mid_import_leaves_no_worker_and_its_directory_is_swept(stage, _private_tmp):
    """kill -9 of the server while its worker reads a file (geometry work, or extracting
    45 MB from a zip): the worker dies with it and the next job removes the directory.
    (On main the extraction directory stayed behind.)"""
    env = dict(os.environ, TMPDIR=str(_private_tmp), PYTHONPATH=str(REPO))
    server = subprocess.Popen([sys.executable, "-c", _SERVER, stage], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = (lambda w: (w / "job.json").exists()) if stage == "geometry" else (lambda w: (w / "x" / "layer.geojson").exists())
    try:
        workdir = _wait(lambda: next((p for p in _private_tmp.glob(f"{sandbox.TMP_PREFIX}{server.pid}-*") if started(p)), None))
        assert workdir is not None, "the job never started"
        assert _wait(lambda: _workers_of(workdir)), "no worker process"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    assert _wait(lambda: not _workers_of(workdir)), "the worker outlived the server"
    # The next job of any server removes what the killed one left.
    assert workdir.exists()  # nobody was left to remove it …
    assert sandbox.sweep_stale() == 1
    assert _left_behind(_private_tmp) == []


def test_a_live_servers_job_directory_is_not_swept(_private_tmp):
    mine = sandbox.new_workdir()
    dead = _private_tmp / f"{sandbox.TMP_PREFIX}999999999-x"
    dead.mkdir()
    assert sandbox.sweep_stale() == 1
    assert mine.is_dir() and not dead.exists()


# ------------------------------------------------- the check is cached by hash


def _boundary_app() -> None:
    from naravard import ui

    ui.boundary_section(ui.dataset())


def test_an_upload_is_checked_once_per_file_content(monkeypatch):
    """Reruns (any widget change) and a second upload of the same bytes hit the cache."""
    from streamlit.testing.v1 import AppTest

    from naravard.ui import cache

    cache._checked_boundary_upload.clear()
    calls = []
    real = geo.import_boundaries
    monkeypatch.setattr(geo, "import_boundaries", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    refused = (CORPUS / "grans_for_manga_hornpunkter.zip").read_bytes()
    good = syn.geojson_bytes(syn.squares_3006())

    at = AppTest.from_function(_boundary_app, default_timeout=120)
    at.run()
    at.file_uploader(key="nv_gransfil_upload").set_value(("sicksack.zip", refused, "application/zip")).run()
    assert not at.exception
    assert "150 006 hörnpunkter" in fmt.plain(at.error[0].value)
    at.run()
    at.run()
    assert "150 006 hörnpunkter" in fmt.plain(at.error[0].value)
    assert calls == ["sicksack.zip"]

    at.file_uploader(key="nv_gransfil_upload").set_value(("k.geojson", good, "application/geo+json")).run()
    assert not at.exception and not at.error
    assert at.success[-1].value.startswith("6 kommuner lästes in")
    at.run()
    assert calls == ["sicksack.zip", "k.geojson"]
    # another session uploading the same file: no new check
    at2 = AppTest.from_function(_boundary_app, default_timeout=120)
    at2.run()
    at2.file_uploader(key="nv_gransfil_upload").set_value(("k.geojson", good, "application/geo+json")).run()
    assert at2.success[-1].value.startswith("6 kommuner lästes in")
    assert calls == ["sicksack.zip", "k.geojson"]


def test_a_busy_server_is_not_remembered_as_a_refusal(monkeypatch):
    from naravard.sources.dataset import load_dataset
    from naravard.ui import cache

    cache._checked_boundary_upload.clear()
    calls = []

    def busy(*a, **k):
        calls.append(1)
        raise geo.BoundaryBusyError("k.geojson", "busy", "servern läser redan in en annan fil; försök igen om en stund")

    monkeypatch.setattr(geo, "import_boundaries", busy)
    ds = load_dataset()
    for _ in range(2):
        gdf, err = cache.checked_boundary_upload(b'{"x": 1}', "k.geojson", ds)
        assert gdf is None and "försök igen" in err.message_sv
    assert len(calls) == 2


def test_the_error_quoting_a_file_is_shown_as_text():
    """A file name is user text: the message shows it literally, never as Markdown."""
    from streamlit.testing.v1 import AppTest

    from naravard.ui import cache

    cache._checked_boundary_upload.clear()
    at = AppTest.from_function(_boundary_app, default_timeout=120)
    at.run()
    name = "![x](http://127.0.0.1:9/t.png).geojson"
    at.file_uploader(key="nv_gransfil_upload").set_value((name, b"{not json", "application/geo+json")).run()
    assert not at.exception
    shown = at.error[0].value
    from naravard import fmt

    assert fmt.markdown_escape(name) in shown  # escaped: renders as the literal name
    assert "](http" not in shown and "\\!\\[x\\]" in shown
