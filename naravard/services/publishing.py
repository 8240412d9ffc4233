"""Published data versions: a planner's checked table, kept for everyone, immutable.

A planner who has checked an import (:func:`naravard.services.importing.check_import`)
or a unit register (:func:`naravard.services.units.check_register`) may publish it as a
named, dated version with its source and a note (:func:`publish_import`,
:func:`publish_register`); the store keeps the validated CSV text and never changes it
(``ScenarioStore.publish_data``; withdrawing only hides a version from the list).

**One mechanism.** A published version is used exactly like a session import: its
bytes (:func:`override_bytes`) are an override passed to
``load_dataset(overrides=...)``, so every page, chart and check works unchanged. The
only difference is the provenance: ``load_dataset(published=...)`` cites the version's
:class:`~naravard.sources.dataset.Source` (:func:`provenance`), whose "Källa:" text is
``Publicerad version ”NAMN” (datum, källa)`` (:func:`label_sv`).

Nothing here imports Streamlit; which version a session uses is the UI's choice
(naravard.ui.cache).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from naravard.services.import_tables import IMPORTABLE
from naravard.services.importing import ImportReport, check_import
from naravard.sources.dataset import Dataset, Source
from naravard.store.sqlite import MAX_NOTE_CHARS, MAX_SOURCE_CHARS, StoreInvalidError

#: The publishing kind of the unit register (the Geografi page's "enheter").
KIND_REGISTER = "enheter"
#: Every kind that may be published: the importable tables and the unit register.
KINDS: tuple[str, ...] = (*IMPORTABLE, KIND_REGISTER)
# The forms' limits are the store's (MAX_SOURCE_CHARS, MAX_NOTE_CHARS), re-exported.


def kind_title_sv(kind: str) -> str:
    """The Swedish name of what a kind holds (a table's title, or "Enhetsregister")."""
    if kind == KIND_REGISTER:
        return "Enhetsregister (vårdcentraler och filialer)"
    spec = IMPORTABLE.get(kind)
    return spec.title_sv if spec else kind


def validated_csv(report: ImportReport) -> str:
    """The validated table of an accepted import as CSV text: the file's columns, one
    header row, ``.`` decimals. ``load_dataset(overrides=...)`` reads it back into the
    same table as the planner's own file (tests/services/test_publishing.py)."""
    if not report.ok or report.preview is None:
        raise StoreInvalidError("only an accepted import can be published", _refused_sv(report))
    return report.preview.to_csv(index=False, lineterminator="\n")


def _refused_sv(report: Any) -> str:
    problems = " ".join(getattr(report, "problems_sv", ()) or ())
    return ("Filen har fel och kan inte publiceras. Rätta felen i filen och ladda upp den igen."
            + (f" {problems}" if problems else ""))


def _source_text(source: str) -> str:
    text = " ".join(str(source or "").split())
    if not text:
        raise StoreInvalidError("a published data version needs its source",
                                "Ange källan till datan (till exempel utgivare och rapportens namn).")
    return text


def publish_import(store, ds: Dataset, table: str, raw: bytes, filename: str, name: str, source: str,
                   note: str = ""):
    """Check ``raw`` as ``table`` against ``ds`` (the data in use: the same check as
    Ladda data, :func:`check_import`) and publish the validated CSV text as a named
    version for everyone. Raises :class:`StoreInvalidError` (Swedish) if the file does
    not pass or the source is missing, and the store's errors (forbidden without the
    planerare role, a duplicate name, the database unavailable) as they are; nothing
    is written then. Returns the store's ``DataVersionInfo``."""
    src = _source_text(source)
    report = check_import(ds, table, raw, filename)
    if not report.ok:
        raise StoreInvalidError(f"the file does not pass the import check for {table}", _refused_sv(report))
    content = validated_csv(report)
    return store.publish_data(table, name, src, content, len(report.preview), note=note or "")


def publish_register(store, report, name: str, source: str, note: str = ""):
    """Publish a checked unit register (:func:`naravard.services.units.check_register`)
    as kind :data:`KIND_REGISTER`; the register's CSV text is the form
    :func:`naravard.sources.units.register_csv_text` writes and reads back."""
    from naravard.sources.units import register_csv_text

    src = _source_text(source)
    frame = getattr(report, "frame", None)
    if not getattr(report, "ok", False) or frame is None:
        raise StoreInvalidError("only a register that passed its check can be published",
                                "Registret har fel och kan inte publiceras. Rätta felen i filen och ladda upp den igen.")
    return store.publish_data(KIND_REGISTER, name, src, register_csv_text(frame), len(frame), note=note or "")


def info_of(version: Any) -> Any:
    """The ``DataVersionInfo`` of a ``DataVersion`` (which carries it, or is one)."""
    return getattr(version, "info", version)


def override_bytes(version: Any) -> bytes:
    """A published version's content as the override bytes ``load_dataset`` accepts
    (the same form as a session import's file)."""
    return str(version.content).encode("utf-8")


def date_of(info: Any) -> str:
    """The version's publication date, YYYY-MM-DD."""
    return str(info.published_at)[:10]


def label_sv(info: Any) -> str:
    """``Publicerad version ”NAMN” (datum, källa)``: the provenance every figure from
    this version carries."""
    return f"Publicerad version ”{info.name}” ({date_of(info)}, {info.source})"


def provenance(info: Any) -> Source:
    """The :class:`Source` a table replaced by this version cites (its key is unique
    per version, so two tables from two versions never share a citation)."""
    return Source(f"PUBL-{info.id}", f"Publicerad version ”{info.name}”", str(info.source), date_of(info),
                  cite=label_sv(info))


def register_label_sv(info: Any) -> str:
    """What the Geografi page calls a published register (the figures it feeds carry it)."""
    return f"Sparat register: {info.name} (publicerad version {date_of(info)}; {info.source})"


def register_from_version(info: Any, content: str, ds: Dataset, data_dir: Path | str | None = None):
    """A published register (its info and content) validated again against the data in
    use: ``(frame, label, ())``, or ``(None, label, Swedish problems)`` when it no longer
    fits (another region's data, a kommun the data lacks): never used silently."""
    from naravard.services.units import region_shape
    from naravard.sources.units import read_register

    report = read_register(str(content).encode("utf-8"), f"register-{info.id}.csv", region_codes=ds.kommun_codes,
                           region_shape=region_shape(ds, data_dir))
    label = register_label_sv(info)
    if not report.ok:
        return None, label, ("Det sparade registret stämmer inte med de data som används nu.", *report.problems)
    return report.frame, label, ()


def by_kind(versions) -> dict[str, list]:
    """Versions grouped by kind, each list newest first (as the store lists them)."""
    out: dict[str, list] = {}
    for v in versions:
        out.setdefault(v.kind, []).append(v)
    return out


__all__ = [
    "KINDS",
    "MAX_NOTE_CHARS",
    "MAX_SOURCE_CHARS",
    "KIND_REGISTER",
    "by_kind",
    "date_of",
    "info_of",
    "kind_title_sv",
    "label_sv",
    "override_bytes",
    "provenance",
    "publish_import",
    "publish_register",
    "register_from_version",
    "register_label_sv",
    "validated_csv",
]
