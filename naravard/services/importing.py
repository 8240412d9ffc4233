"""Import of a planner's own table file (CSV or .xlsx): check it, diff it, report.

Planners load updated data (population forecasts, listings per unit, access metrics)
and check it before using it. :func:`check_import` checks the file as one of the
:data:`IMPORTABLE` tables against the dataset in use and returns an
:class:`ImportReport` (it never raises for a bad file) with Swedish problems and
notices, a preview and the differences from the current table.

The work is split by layer: reading bytes is :mod:`naravard.sources.userfile` (CSV
and workbooks), the table checks and the diff are :mod:`.import_checks`, the
tables' shapes, templates and examples are :mod:`.import_tables`, and the Swedish
display tables are :mod:`naravard.views.ladda_data`.

A check reads every cell several times, so its cost grows with rows × columns, which
:data:`~naravard.sources.csvread.MAX_CELLS` bounds (a larger file is refused while it
is read). The Ladda data page keeps each report by the file's bytes
(:mod:`naravard.ui.data_import`), so a rerun of the page does not check again.

Nothing here writes anything: an accepted file is used by passing its bytes to
``load_dataset(overrides=...)`` (the UI keeps them in the session only). A file
that makes another table disagree with it (new totals against the age table) is
accepted with a note naming both tables (``Dataset.notes``): pages keep working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import pandas as pd

from naravard import fmt
from naravard.services.import_checks import diff, precheck, raw_tables, smoke, validate
from naravard.services.import_tables import IMPORTABLE, SHAPES, Importable, current_frame, example_csv, template_csv  # noqa: F401
from naravard.sources.csvread import MAX_BYTES, MAX_CELLS, MAX_MB, MAX_ROWS, convert, parse_number, read_user_csv, safe_filename, show  # noqa: F401
from naravard.sources.dataset import USER_FILE_SUFFIX, DataError, Dataset, TableInfo, check_consistency, load_dataset, post_process
from naravard.sources.userfile import ACCEPTED_TYPES, parse_user_file, read_user_table  # noqa: F401

_log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class ImportReport:
    """The result of :func:`check_import`.

    ``ok`` is True when the file can be used. ``problems_sv`` are Swedish sentences
    naming what is wrong (empty when ok); ``notices_sv`` what was interpreted or looks
    odd. ``preview`` is the validated table as in the file; ``diff`` one row per value
    that differs from the current table (columns ``rad``, ``kolumn``, ``tidigare``,
    ``nytt``). ``unexpected`` is empty unless the check itself failed (a bug; English,
    for logs).
    """

    ok: bool
    table: str
    filename: str
    problems_sv: tuple[str, ...] = ()
    notices_sv: tuple[str, ...] = ()
    preview: pd.DataFrame | None = None
    diff: pd.DataFrame | None = None
    changed_values: int = 0
    added_rows: int = 0
    added_columns: tuple[str, ...] = ()
    unexpected: str = ""

    @property
    def title_sv(self) -> str:
        spec = IMPORTABLE.get(self.table)
        return spec.title_sv if spec else show(self.table)

    @property
    def message_sv(self) -> str:
        """One Swedish text: what happened to the file."""
        if self.ok:
            return f"Filen {self.filename} kan användas som {self.title_sv}. {self.summary_sv}"
        return f"Filen {self.filename} kan inte användas: " + " ".join(self.problems_sv)

    @property
    def summary_sv(self) -> str:
        if not self.ok:
            return ""
        if not self.changed_values and not self.added_rows and not self.added_columns:
            return "Den har samma värden som de data som används nu."
        parts = [f"{fmt.number(self.changed_values)} värden skiljer sig från de data som används nu"]
        if self.added_rows:
            parts.append(f"{fmt.number(self.added_rows)} nya rader")
        if self.added_columns:
            parts.append("nya kolumner: " + ", ".join(self.added_columns[:10]))
        return "; ".join(parts) + "."


def _fail(table: str, file: str, problems: list[str], notices: list[str] | None = None, unexpected: str = "") -> ImportReport:
    return ImportReport(False, table, file, tuple(_sentence(p) for p in problems), tuple(notices or ()), unexpected=unexpected)


def _sentence(s: str) -> str:
    s = s.strip()
    s = s[:1].upper() + s[1:]
    return s if s.endswith((".", "…", "!", "?")) else s + "."


def check_import(
    ds_or_data_dir: Dataset | Path | str | None,
    table_name: str,
    raw: bytes,
    filename: str,
    *,
    overrides: Mapping[str, bytes] | None = None,
) -> ImportReport:
    """Check a user's file as a replacement for ``table_name``; never raises for a bad file.

    ``ds_or_data_dir`` is the dataset in use (with the session's other imports) or a
    data directory to load it from (``overrides`` then applies the session's other
    imports). Raises :class:`DataError` only when that directory's manifest is broken.
    """
    file = safe_filename(filename)
    table = str(table_name)
    if table not in IMPORTABLE:
        choices = ", ".join(f"{spec.title_sv} ({n})" for n, spec in IMPORTABLE.items())
        return _fail(table, file, [f"tabellen {show(table)} kan inte laddas in här; välj en av: {choices}"])
    ds = ds_or_data_dir if isinstance(ds_or_data_dir, Dataset) else load_dataset(ds_or_data_dir, overrides=overrides)
    try:
        return _check(ds, table, raw, file)
    except DataError as e:
        return _fail(table, file, [e.problem_sv])
    except Exception as e:  # noqa: BLE001 - a bug must not become a traceback in the UI
        _log.exception("check_import(%s, %s) failed unexpectedly", table, file)
        return _fail(
            table,
            file,
            ["filen kunde inte kontrolleras på grund av ett oväntat fel; kontrollera att den följer mallen"],
            unexpected=f"{type(e).__name__}: {e}",
        )


def _check(ds: Dataset, table: str, raw: bytes, file: str) -> ImportReport:
    manifest_file = ds.info[table].file.removesuffix(USER_FILE_SUFFIX) if table in ds.info else ""
    p = parse_user_file(raw, file, prefer=(table, Path(manifest_file).stem))
    notices = list(p.notices)
    problems, pre_notices = precheck(ds, table, p)
    notices += pre_notices
    if problems:
        return _fail(table, file, problems, notices)
    df, conv_notices = convert(p)
    notices += conv_notices
    validated, problems = validate(table, df, p, ds)
    if validated is None:
        return _fail(table, file, problems, notices)

    # The loader's cross-table rules, with the new table in place of the current one
    # and cited as the user's file, exactly as load_dataset(overrides=...) will see it.
    tables = raw_tables(ds)
    tables[table] = validated
    info = dict(ds.info)
    if table in info and not info[table].file.endswith(USER_FILE_SUFFIX):
        ti = info[table]
        info[table] = TableInfo(table, ti.file + USER_FILE_SUFFIX, ti.source, ti.date, ti.title, ti.notes)
    trial = Dataset(
        ds.region, ds.sources, info, tables={**ds.tables, table: post_process(table, validated)},
        dialog=ds.dialog, forecasts=ds.forecasts,
    )
    check_consistency(trial, tables)
    if table in trial.problems:
        return _fail(table, file, [trial.problems[table].problem_sv], notices)
    for other, err in trial.problems.items():
        if ds.has(other):
            title = IMPORTABLE[other].title_sv if other in IMPORTABLE else ds.info[other].title
            notices.append(
                f"Med den nya filen kan tabellen ”{title}” inte längre användas ({err.problem_sv}); ladda in en "
                "uppdaterad fil även för den."
            )
    before = {n.message_sv for n in ds.notes}
    for note in trial.notes:
        if table in note.tables and note.message_sv not in before:
            notices.append(
                "Med den nya filen stämmer två tabeller inte överens; båda används och sidorna visar en not. "
                + note.message_sv
            )
    try:
        smoke(trial)
    except (DataError, ValueError, KeyError, IndexError, TypeError, ZeroDivisionError) as e:
        detail = getattr(e, "problem_sv", None) or "uppgifter som sidorna behöver saknas eller är felaktiga"
        return _fail(table, file, [f"sidorna kan inte räknas fram med den nya filen ({detail})"], notices)

    changes, changed, added_rows, added_cols, diff_notices = diff(ds, table, validated)
    notices += diff_notices
    if table == "tillganglighet" and ds.has("indikatorer"):
        unknown = sorted(set(validated["kpi_id"]) - set(ds.table("indikatorer")["kpi_id"]))
        if unknown:
            notices.append(
                f"Indikatorerna {', '.join(show(u).strip('«»') for u in unknown[:5])} saknas i indikatortabellen och visas inte."
            )
    return ImportReport(
        True,
        table,
        file,
        (),
        tuple(notices),
        preview=validated,
        diff=changes,
        changed_values=changed,
        added_rows=added_rows,
        added_columns=added_cols,
    )
