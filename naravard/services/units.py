"""The unit register's use cases: check an import, keep it for all users, load the kept one.

A planner uploads the region's unit list (CSV or .xlsx); :func:`check_register` reads and
validates it against the data in use (kommun codes, the region's polygons from the data
dir's embedded boundaries) and holds it against the supply table's VC and filialer per
kommun (:func:`naravard.sources.units.register_check`: a check to show, never
reconciled). It never raises for a bad file: a :class:`RegisterCheck` carries the Swedish
problems, each naming the row. :func:`keep_register` keeps a checked register in the
store (the newest kept register is the one every user sees); :func:`current_register`
reads it back and validates it again against the data in use, so a register kept for
another region's data, or a row damaged in the file, is never used silently.

Nothing is written unless :func:`keep_register` is called with a register that passed.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from naravard import fmt
from naravard.sources import geoframes as gf
from naravard.sources.dataset import DEFAULT_DATA_DIR, Dataset
from naravard.sources.travelmatrix import MatrixReport, read_travel_matrix
from naravard.sources.units import (
    ExampleInfo,
    RegionShape,
    RegisterReport,
    load_example,
    load_region_shape,
    read_register,
    register_check,
    register_csv_text,
)
from naravard.store.sqlite import RegisterInfo, SavedRegister, StoreInvalidError

_log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class RegisterCheck:
    """The result of :func:`check_register`.

    ``register`` is the source layer's report (frame or problems); ``check`` the table
    per kommun against the supply table (None when the register failed or the data has
    no supply table); ``check_sv`` one Swedish sentence summing the check up;
    ``unexpected`` is empty unless the check itself failed (a bug; English, for logs).
    """

    filename: str
    register: RegisterReport
    check: pd.DataFrame | None = None
    check_sv: str = ""
    unexpected: str = ""

    @property
    def ok(self) -> bool:
        return self.register.ok and not self.unexpected

    @property
    def frame(self) -> pd.DataFrame | None:
        return self.register.frame if self.ok else None

    @property
    def problems_sv(self) -> tuple[str, ...]:
        return self.register.problems

    @property
    def notices_sv(self) -> tuple[str, ...]:
        return self.register.notices

    @property
    def source_label(self) -> str:
        return self.register.source_label

    @property
    def message_sv(self) -> str:
        if self.unexpected:
            return f"Filen {self.filename} kunde inte kontrolleras på grund av ett fel i verktyget. Försök igen eller kontakta förvaltaren."
        return self.register.message_sv


@functools.lru_cache(maxsize=8)
def _shape(lanskod: str, data_dir: str, mtime: float) -> RegionShape | None:
    """The region's polygons, read once per data dir and file version (the embedded
    file is never written by the app; ``mtime`` makes a replaced file count as new)."""
    return load_region_shape(lanskod, data_dir)


def region_shape(ds: Dataset, data_dir: Path | str | None = None) -> RegionShape | None:
    """The region shape of the data in use (None if the data dir has no boundaries)."""
    d = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    manifest = d / "manifest.toml"
    mtime = manifest.stat().st_mtime if manifest.exists() else 0.0
    return _shape(ds.region.lanskod, str(d.resolve()), mtime)


def _check_sentence(ds: Dataset, check: pd.DataFrame) -> str:
    from naravard.sources.units import REGION_ROW

    t = check.loc[REGION_ROW]
    info = ds.info.get("utbud")
    when = f" ({ds.source_of('utbud').key}, {info.date})" if info is not None else ""
    return (f"Registret har {fmt.number(t['vc_register'])} vårdcentraler och {fmt.number(t['filial_register'])} "
            f"filialer; utbudstabellen{when} anger {fmt.number(t['vc_tabell'])} vårdcentraler och "
            f"{fmt.number(t['filial_tabell'])} filialer. Skillnaden visas som en kontroll; ingenting justeras.")


def check_register(ds: Dataset, raw: bytes, filename: str, *, data_dir: Path | str | None = None,
                   shape: RegionShape | None = None) -> RegisterCheck:
    """Check a user's register file against the data in use; never raises for a bad file.

    ``data_dir`` is the data dir of ``ds`` (for its embedded boundaries; default the
    embedded ``data/``); ``shape`` overrides the polygons (tests, a boundary upload).
    """
    from naravard.sources.csvread import safe_filename

    file = safe_filename(filename)
    if not ds.has("kommuner"):
        return RegisterCheck(file, RegisterReport(file, None, (
            "Kommuntabellen saknas eller kunde inte läsas i de data som används, så registrets kommunkoder kan "
            "inte kontrolleras. Rätta kommuntabellen först (se Om data).",)))
    try:
        poly = shape if shape is not None else region_shape(ds, data_dir)
        report = read_register(raw, file, region_codes=ds.kommun_codes, region_shape=poly)
        if not report.ok or not ds.has("utbud"):
            return RegisterCheck(file, report)
        check = register_check(report.frame, ds.table("utbud"))  # type: ignore[arg-type]
        return RegisterCheck(file, report, check, _check_sentence(ds, check))
    except Exception as exc:  # noqa: BLE001 - a bug in a check must not blank the page
        _log.exception("register check failed for %s", file)
        empty = RegisterReport(file, None, ("Kontrollen av filen misslyckades.",))
        return RegisterCheck(file, empty, unexpected=f"{type(exc).__name__}: {exc}")


def keep_register(store, report: RegisterCheck | RegisterReport, name: str) -> SavedRegister:
    """Keep a checked register for all users (it becomes the current one).

    Raises :class:`StoreInvalidError` (Swedish message) for a register that did not
    pass, and the store's errors (read-only, locked, damaged file) as they are: nothing
    is written then.
    """
    if not isinstance(report, (RegisterCheck, RegisterReport)) or not report.ok or report.frame is None:
        raise StoreInvalidError("only a register that passed its check can be kept",
                                "Registret har fel och kan inte sparas. Rätta felen i filen och ladda upp den igen.")
    frame = report.frame
    return store.save_register(name, report.source_label, register_csv_text(frame), len(frame))


@dataclass(frozen=True, eq=False)
class CurrentRegister:
    """The kept register in use: its supply frame, what the store says of it, a label
    for Källa lines, and Swedish problems if it no longer fits the data in use (then
    ``frame`` is None)."""

    frame: pd.DataFrame | None
    saved: RegisterInfo
    label_sv: str
    problems_sv: tuple[str, ...] = ()


def current_register(store, ds: Dataset | None = None, *, data_dir: Path | str | None = None) -> CurrentRegister | None:
    """The newest kept register, validated again against the data in use, or None if
    none is kept. A damaged newest row is skipped by the store (the one before is
    used); store errors (a damaged or foreign file) propagate with their Swedish text.
    """
    saved = store.latest_register()
    if saved is None:
        return None
    if ds is not None:
        codes, shape = ds.kommun_codes, region_shape(ds, data_dir)
    else:
        from naravard.sources.grid import region_codes

        lanskod, codes = region_codes(data_dir)
        shape = load_region_shape(lanskod, data_dir)
    report = read_register(saved.csv_text.encode("utf-8"), f"register-{saved.id}.csv", region_codes=codes,
                           region_shape=shape)
    info = RegisterInfo(saved.id, saved.name, saved.source, saved.saved_at, saved.rows)
    label = f"Sparat register: {saved.name} (sparat {saved.saved_at[:10]}"
    label += f"; {saved.source})" if saved.source else ")"
    if not report.ok:
        return CurrentRegister(None, info, label, ("Det sparade registret stämmer inte med de data som används nu.",
                                                    *report.problems))
    return CurrentRegister(report.frame, info, label)


def example_register(ds: Dataset, data_dir: Path | str | None = None) -> tuple[pd.DataFrame, ExampleInfo]:
    """The data dir's example register with its label (N units of the supply table's M)."""
    utbud = ds.table("utbud") if ds.has("utbud") else None
    return load_example(data_dir, region_shape=region_shape(ds, data_dir), utbud=utbud)


def check_travel_matrix(demand: pd.DataFrame, supply: pd.DataFrame, raw: bytes, filename: str) -> MatrixReport:
    """Check a travel matrix against the grid and the register in use; never raises for a bad file."""
    return read_travel_matrix(raw, filename, demand_ids=demand[gf.DEMAND_ID], supply_ids=supply[gf.SUPPLY_ID])


__all__ = [
    "CurrentRegister",
    "RegisterCheck",
    "check_register",
    "check_travel_matrix",
    "current_register",
    "example_register",
    "keep_register",
    "region_shape",
]
