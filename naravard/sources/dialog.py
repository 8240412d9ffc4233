"""The dialogue text of the source deck: questions, strategic options, descriptions.

These are quotes of a region's source document, so they are data: they live in the
data dir (``dialog.toml``, listed under ``[dialog]`` in the manifest with its source)
and another region's deck brings its own file. Every key is optional; a page leaves
out what a region's file lacks. A broken file is reported like a broken table
(``Dataset.problems["dialog"]``) and the pages that do not quote it keep working.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from naravard.errors import DataError


@dataclass(frozen=True)
class Option:
    """One strategic option (vägval) of the deck, with the scenario figures that bear on it."""

    title: str
    points: tuple[str, ...]
    bearing: str  # which scenario figures bear on it (the app's pointer)
    source: str


@dataclass(frozen=True)
class Dialog:
    source: str
    file: str
    title: str = ""
    strategic_question: str = ""
    closing_question: str = ""  # the question each theme of the deck closes with
    lmh_status: str = ""
    complements: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    access_requirements: tuple[str, ...] = ()  # may hold {nyckel} placeholders
    access_questions: tuple[str, ...] = ()
    # Theme "geography and service points": the deck's establishment rules (LOV, filial
    # consent) and its questions; may hold {nyckel} placeholders.
    geo_facts: tuple[str, ...] = ()
    geo_establishment: tuple[str, ...] = ()
    geo_questions: tuple[str, ...] = ()


def _text(d: dict, key: str, file: str) -> str:
    v = d.get(key, "")
    if not isinstance(v, str):
        raise DataError(file, f"{key!r} must be a string", f"{key} måste vara en text")
    return v.strip()


def _texts(d: dict, key: str, file: str) -> tuple[str, ...]:
    v = d.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise DataError(file, f"{key!r} must be a list of strings", f"{key} måste vara en lista med texter")
    return tuple(x.strip() for x in v)


def parse_dialog(text: str, file: str, source: str, title: str = "") -> Dialog:
    """Parse the TOML text of a dialogue file; :class:`DataError` names what is wrong."""
    try:
        d = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DataError(file, f"not valid TOML ({e})", "filen är inte giltig TOML") from None
    options = []
    raw_options = d.get("vagval", [])
    if not isinstance(raw_options, list) or not all(isinstance(o, dict) for o in raw_options):
        raise DataError(file, "'vagval' must be a list of tables", "vagval måste vara en lista av tabeller ([[vagval]])")
    for o in raw_options:
        options.append(Option(_text(o, "titel", file), _texts(o, "punkter", file), _text(o, "underlag", file), source))
    access = d.get("tillganglighet", {})
    if not isinstance(access, dict):
        raise DataError(file, "'tillganglighet' must be a table", "tillganglighet måste vara en tabell")
    geo = d.get("geografi", {})
    if not isinstance(geo, dict):
        raise DataError(file, "'geografi' must be a table", "geografi måste vara en tabell")
    return Dialog(
        source=source,
        file=file,
        title=title,
        strategic_question=_text(d, "strategisk_fraga", file),
        closing_question=_text(d, "avslutande_fraga", file),
        lmh_status=_text(d, "lmh_lage", file),
        complements=_texts(d, "komplement", file),
        options=tuple(options),
        access_requirements=_texts(access, "krav", file),
        access_questions=_texts(access, "fragor", file),
        geo_facts=_texts(geo, "fakta", file),
        geo_establishment=_texts(geo, "etablering", file),
        geo_questions=_texts(geo, "fragor", file),
    )


def load_dialog(data_dir: Path, entry: dict) -> Dialog:
    """Read the dialogue file that the manifest's ``[dialog]`` block names."""
    try:
        file, source = str(entry["file"]), str(entry["source"])
    except (KeyError, TypeError):
        raise DataError("manifest.toml", "[dialog] needs 'file' and 'source'", "[dialog] saknar file eller source") from None
    path = data_dir / file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(file, "file not found", "filen saknas") from None
    except UnicodeDecodeError:
        raise DataError(file, "the file is not UTF-8 encoded", "filen är inte sparad som UTF-8") from None
    except OSError as e:
        raise DataError(file, f"cannot be read ({e.strerror})", "filen kan inte läsas") from None
    return parse_dialog(text, file, source, str(entry.get("title", "")))
