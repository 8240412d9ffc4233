"""Loading and validation of naravard's dataset.

One loader (:func:`load_dataset`) reads ``data/manifest.toml``, reads every table it
lists, validates each against a pandera schema plus the cross-table consistency rules
below, and returns a :class:`Dataset`. A table that fails is *not* fatal: it is left
out and its problem recorded (``Dataset.problems``), so the pages that do not need it
keep working. Each problem is a :class:`DataError` with an English message (for the
API and logs) and a Swedish one (for the UI) that both name the file.

The data model is region-agnostic: tables are keyed by official kommun/län codes and
the ``[region]`` block of the manifest names the region. Nothing here knows about
any region except through the files.
"""

from __future__ import annotations

import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd
import pandera.pandas as pa

from naravard import fmt
from naravard.errors import DataError
from naravard.sources.dialog import Dialog, load_dialog
from naravard.sources.userfile import read_user_table
from naravard.sources.vocab import AGE_GROUPS, TRAVEL_MODES

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
MANIFEST_NAME = "manifest.toml"

# Tolerance for "ca" figures: the kommun rows of an approximate total may differ
# from it by this share (the deck rounds totals to the nearest thousand and the
# kommun rows to the nearest hundred; 18 762 vs "ca 19 000" is 1.3 %).
APPROX_TOLERANCE = 0.02
# SCB's preliminary 2025 age detail differs from the totals by 3–40 persons (S2);
# the kommun 80+ rows of 2025 sum to 25 265 against the län row's 25 246.
AGE_TOTAL_TOLERANCE = 50



@dataclass(frozen=True)
class Source:
    key: str
    title: str
    publisher: str
    date: str
    # A citation worded differently from "title, publisher, date" (a published data
    # version says "Publicerad version ”NAMN” (datum, källa)"); empty for the manifest's.
    cite: str = ""

    @property
    def citation(self) -> str:
        """Short Swedish citation for a chart's "Källa:" line."""
        return self.cite or f"{self.title}, {self.publisher}, {self.date}"


@dataclass(frozen=True)
class TableInfo:
    name: str
    file: str
    source: str
    date: str
    title: str
    notes: str


@dataclass(frozen=True)
class Region:
    lanskod: str
    lan: str
    organisation: str
    kort_namn: str
    basar: int
    # Areas the access indicators compare the region with (manifest ``jamforelse``).
    jamforelse: tuple[str, ...] = ()

    @property
    def access_areas(self) -> tuple[str, ...]:
        """The ``omrade`` values the access table may hold: the region first, then its comparisons."""
        return (self.kort_namn, *self.jamforelse)


@dataclass(frozen=True)
class Fact:
    """One headline figure from the ``nyckeltal`` table."""

    key: str
    value: float
    unit: str
    approximate: bool
    period: str
    source: str
    description: str


@dataclass(frozen=True)
class CrossTableNote:
    """Two loaded tables that disagree with each other; both stay in use.

    A mismatch between tables (the age groups of one file against the totals of
    another, a supply file against the deck's key figures) is a *note*, never a
    failed table: each figure on a page comes from one table and stays traceable to
    it, and a planner who updates one table must not lose every page that needs the
    other (issue 10, defect a). ``tables`` are the manifest names of both tables; the
    Swedish message names both (title and file), says how much they differ and which
    figures come from which table.
    """

    tables: tuple[str, ...]
    message_en: str
    message_sv: str


@dataclass
class Dataset:
    region: Region
    sources: dict[str, Source]
    info: dict[str, TableInfo]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: dict[str, DataError] = field(default_factory=dict)
    notes: list[CrossTableNote] = field(default_factory=list)
    # The deck's dialogue text (manifest ``[dialog]``), None if the data dir has none.
    dialog: Dialog | None = None
    # The manifest's [forecasts] section as written (read by naravard.model.forecast).
    forecasts: dict = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.tables

    def table(self, name: str) -> pd.DataFrame:
        """The validated table; raises :class:`DataError` if it failed to load."""
        if name in self.tables:
            return self.tables[name]
        if name in self.problems:
            raise self.problems[name]
        raise DataError(name, "no such table in the manifest", "tabellen finns inte i manifestet")

    def source_of(self, name: str) -> Source:
        return self.sources[self.info[name].source]

    def fact(self, key: str) -> Fact:
        facts = self.table("nyckeltal")
        if key not in facts.index:
            raise DataError(self.info["nyckeltal"].file, f"missing key {key!r}", f"nyckeln {key} saknas")
        row = facts.loc[key]
        return Fact(
            key=key,
            value=float(row["varde"]),
            unit=str(row["enhet"]),
            approximate=bool(row["ungefarligt"]),
            period=str(row["period"]),
            source=str(row["kalla"]),
            description=str(row["beskrivning"]),
        )

    @property
    def kommun_codes(self) -> list[str]:
        return list(self.table("kommuner")["kommunkod"])

    def kommun_names(self) -> dict[str, str]:
        k = self.table("kommuner")
        return dict(zip(k["kommunkod"], k["kommun"]))


# --------------------------------------------------------------------------- schemas

_CODE = r"^\d{2}(\d{2})?$"  # län (2 digits) or kommun (4 digits)
_YEAR_COL = re.compile(r"^(19|20)\d{2}$")


def _code_col(**kw) -> pa.Column:
    return pa.Column(str, pa.Check.str_matches(_CODE), nullable=False, **kw)


def _count(nullable: bool = False, max_value: int = 20_000_000) -> pa.Column:
    return pa.Column(
        "Int64",
        pa.Check.in_range(0, max_value),
        nullable=nullable,
        coerce=True,
    )


def _schema_for_wide(id_cols: dict[str, pa.Column], value: Callable[[], pa.Column]) -> Callable[[pd.DataFrame], pa.DataFrameSchema]:
    """Schema for a 'wide' table whose other columns are years (``2020``, ``2025`` …)."""

    def build(df: pd.DataFrame) -> pa.DataFrameSchema:
        cols = dict(id_cols)
        for c in df.columns:
            if c not in cols:
                if not _YEAR_COL.match(str(c)):
                    continue  # reported by strict=True below
                cols[c] = value()
        return pa.DataFrameSchema(cols, strict=True, coerce=True)

    return build


def _fixed(schema: pa.DataFrameSchema) -> Callable[[pd.DataFrame], pa.DataFrameSchema]:
    return lambda df: schema


SCHEMAS: dict[str, Callable[[pd.DataFrame], pa.DataFrameSchema]] = {
    "kommuner": _fixed(
        pa.DataFrameSchema(
            {
                "kommunkod": pa.Column(str, pa.Check.str_matches(r"^\d{4}$"), unique=True),
                "kommun": pa.Column(str, pa.Check.str_length(1, 60), unique=True),
                "centralort": pa.Column(str, pa.Check.str_length(1, 60)),
                "lat": pa.Column(float, pa.Check.in_range(55.0, 69.5), coerce=True),
                "lon": pa.Column(float, pa.Check.in_range(10.5, 24.5), coerce=True),
            },
            strict=True,
        )
    ),
    "utbud": _fixed(
        pa.DataFrameSchema(
            {
                "kommunkod": pa.Column(str, pa.Check.str_matches(r"^\d{4}$"), unique=True),
                "kommun": pa.Column(str),
                "vardcentraler": _count(max_value=1000),
                "filialer": _count(max_value=1000),
                "listade_per_vc": _count(max_value=100_000),
                "invanare_2022": _count(),
                "prognos_forandring_2030": pa.Column("Int64", pa.Check.in_range(-5_000_000, 5_000_000), coerce=True),
            },
            strict=True,
        )
    ),
    "nyckeltal": _fixed(
        pa.DataFrameSchema(
            {
                "nyckel": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$"), unique=True),
                "varde": pa.Column(float, pa.Check.ge(0), coerce=True),
                "enhet": pa.Column(str),
                "ungefarligt": pa.Column(bool, coerce=True),
                "period": pa.Column(str),
                "kalla": pa.Column(str),
                "beskrivning": pa.Column(str),
            },
            strict=True,
        )
    ),
    "tillganglighet_hsu": _fixed(
        pa.DataFrameSchema(
            {
                "indikator": pa.Column(str, unique=True),
                "varde": pa.Column(float, pa.Check.in_range(0, 100), coerce=True),
                "riket": pa.Column(float, pa.Check.in_range(0, 100), nullable=True, coerce=True),
                # the source's precision: 92 is shown as "92 %", not "92,0 %"
                "decimaler": pa.Column("Int64", pa.Check.in_range(0, 3), coerce=True),
                "period": pa.Column(str),
                "riket_text": pa.Column(str, nullable=True),
                "not": pa.Column(str, nullable=True),
                # the Kolada series the value stands beside, and the year it is drawn at
                "kpi_id": pa.Column(str, pa.Check.str_matches(r"^[A-Z]\d{5}$"), nullable=True),
                "ar": pa.Column("Int64", pa.Check.in_range(1990, 2100), nullable=True, coerce=True),
            },
            strict=True,
        )
    ),
    "befolkning": _schema_for_wide(
        {"regionkod": _code_col(unique=True), "region": pa.Column(str)},
        lambda: _count(),
    ),
    "befolkning_alder": _schema_for_wide(
        {
            "regionkod": _code_col(),
            "aldersgrupp": pa.Column(str, pa.Check.isin(AGE_GROUPS)),
        },
        lambda: _count(),
    ),
    "tillganglighet": _schema_for_wide(
        {
            "kpi_id": pa.Column(str, pa.Check.str_matches(r"^[A-Z]\d{5}$")),
            # which areas are allowed comes from the manifest (checked in _check_consistency)
            "omrade": pa.Column(str, pa.Check.str_length(1, 60)),
        },
        lambda: pa.Column(float, pa.Check.in_range(0, 100), nullable=True, coerce=True),
    ),
    "indikatorer": _fixed(
        pa.DataFrameSchema(
            {
                "kpi_id": pa.Column(str, pa.Check.str_matches(r"^[A-Z]\d{5}$"), unique=True),
                "indikator": pa.Column(str),
                "underliggande_kalla": pa.Column(str),
                "not": pa.Column(str, nullable=True),
            },
            strict=True,
        )
    ),
    "restid": _fixed(
        pa.DataFrameSchema(
            {
                "regionkod": _code_col(unique=True),
                "omrade": pa.Column(str),
                **{m: pa.Column(float, pa.Check.in_range(0, 600), nullable=True, coerce=True) for m in TRAVEL_MODES},
            },
            strict=True,
        )
    ),
}

# Columns read as text so that codes keep their leading digits and formatting.
_TEXT_COLUMNS = {"kommunkod", "regionkod", "kpi_id", "nyckel", "aldersgrupp", "period", "riket_text", "not"}


# ----------------------------------------------------------------- error translation

_CHECK_SV = [
    (re.compile(r"column_in_schema"), "okänd kolumn {case}"),
    (re.compile(r"column_in_dataframe"), "kolumnen {case} saknas"),
    (re.compile(r"coerce_dtype|dtype"), "kolumnen {col} har ett värde av fel typ ({case})"),
    (re.compile(r"field_uniqueness|unique"), "kolumnen {col} har dubbletter ({case})"),
    (re.compile(r"not_nullable"), "kolumnen {col} saknar värden"),
    (re.compile(r"in_range|greater_than|less_than"), "kolumnen {col} har ett värde utanför tillåtet intervall ({case})"),
    (re.compile(r"isin"), "kolumnen {col} har ett okänt värde ({case})"),
    (re.compile(r"str_matches"), "kolumnen {col} har ett ogiltigt värde ({case})"),
    (re.compile(r"str_length"), "kolumnen {col} har ett tomt eller för långt värde"),
]


def translate_schema_errors(err: pa.errors.SchemaErrors) -> tuple[str, str]:
    """Turn pandera's failure cases into one English and one Swedish sentence."""
    fc = err.failure_cases
    en, sv, seen = [], [], set()
    for _, r in fc.iterrows():
        check = str(r["check"])
        col = "" if pd.isna(r["column"]) else str(r["column"])
        case = "" if pd.isna(r["failure_case"]) else str(r["failure_case"])[:40]
        key = (check, col)
        if key in seen:
            continue
        seen.add(key)
        en.append(f"column {col or case!r}: check {check} failed ({case})")
        for pat, tmpl in _CHECK_SV:
            if pat.search(check):
                sv.append(tmpl.format(col=col, case=case))
                break
        else:
            sv.append(f"kolumnen {col} klarar inte kontrollen {check} ({case})")
        if len(en) >= 4:
            break
    return "; ".join(en), "; ".join(sv)


# ------------------------------------------------------------------------ reading


def read_csv_bytes(raw: bytes, file: str) -> pd.DataFrame:
    """Parse a CSV as the embedded files are written (UTF-8, comma, dot decimals).

    Raises :class:`DataError` with a Swedish message for an empty or undecodable file.
    """
    if not raw.strip():
        raise DataError(file, "the file is empty", "filen är tom")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(
            file,
            "the file is not UTF-8 encoded",
            "filen är inte sparad som UTF-8 (teckenkodning); spara om den som UTF-8",
        ) from None
    try:
        df = pd.read_csv(
            io.StringIO(text),
            dtype={c: str for c in _TEXT_COLUMNS},
            keep_default_na=True,
            skipinitialspace=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as e:
        raise DataError(file, f"not a readable CSV ({e})", "filen är ingen läsbar CSV-fil") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def validate_table(name: str, df: pd.DataFrame, file: str) -> pd.DataFrame:
    """Validate one table against its schema; return the coerced frame."""
    if name not in SCHEMAS:
        raise DataError(file, f"unknown table {name!r}", f"okänd tabell {name}")
    schema = SCHEMAS[name](df)
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        en, sv = translate_schema_errors(e)
        raise DataError(file, en, sv) from None
    except pa.errors.SchemaError as e:  # pragma: no cover - lazy=True gives SchemaErrors
        raise DataError(file, str(e), "tabellen klarar inte valideringen") from None


def _year_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if _YEAR_COL.match(str(c))]


def to_long(df: pd.DataFrame, id_cols: list[str], value_name: str) -> pd.DataFrame:
    """Wide year columns → long rows with an integer ``year``; empty cells dropped."""
    long = df.melt(id_vars=id_cols, value_vars=_year_columns(df), var_name="year", value_name=value_name)
    long["year"] = long["year"].astype(int)
    return long.dropna(subset=[value_name]).reset_index(drop=True)


# ------------------------------------------------------------------ consistency


def check_consistency(ds: Dataset, raw: dict[str, pd.DataFrame]) -> None:
    """Cross-table rules.

    A table that cannot be used at all (codes not in the kommun table, missing kommun
    rows, kommun rows that do not add up to the table's own län row) moves from
    ``tables`` to ``problems``. Two usable tables that disagree with each other get a
    :class:`CrossTableNote` in ``notes`` and both stay in use (see there why).
    """

    def fail(name: str, en: str, sv: str) -> None:
        ds.problems[name] = DataError(ds.info[name].file, en, sv)
        ds.tables.pop(name, None)

    codes = set(raw["kommuner"]["kommunkod"]) if "kommuner" in raw else None
    lan = ds.region.lanskod

    if "tillganglighet" in ds.tables:
        unknown_areas = sorted(set(raw["tillganglighet"]["omrade"]) - set(ds.region.access_areas))
        if unknown_areas:
            fail(
                "tillganglighet",
                f"unknown areas {unknown_areas} (allowed: {list(ds.region.access_areas)})",
                f"okänt område {', '.join(unknown_areas)} (tillåtna: {', '.join(ds.region.access_areas)})",
            )

    for name in ("utbud", "befolkning", "befolkning_alder", "restid"):
        if name not in raw or codes is None:
            continue
        col = "kommunkod" if name == "utbud" else "regionkod"
        unknown = sorted(set(raw[name][col]) - codes - {lan})
        if unknown:
            fail(name, f"unknown codes {unknown}", f"okända kommunkoder {', '.join(unknown)}")
            continue
        missing = sorted(codes - set(raw[name][col]))
        if missing:
            fail(name, f"no rows for codes {missing}", f"rader saknas för kommunkoderna {', '.join(missing)}")

    # The deck's kommun table against the deck's key figures. A planner's newer supply
    # file may have more or fewer VCs than the deck: a note naming both tables, and
    # both stay in use (the key figures are labelled as the deck's).
    if "utbud" in ds.tables and "nyckeltal" in ds.tables:
        u, f = raw["utbud"], raw["nyckeltal"].set_index("nyckel")
        for col, key in (
            ("vardcentraler", "vardcentraler"),
            ("filialer", "filialer"),
            ("invanare_2022", "invanare"),
            ("prognos_forandring_2030", "prognos_forandring_2030"),
        ):
            if key not in f.index:
                continue
            total, stated = float(u[col].sum()), float(f.loc[key, "varde"])
            tol = APPROX_TOLERANCE * abs(stated) if bool(f.loc[key, "ungefarligt"]) else 0.0
            if abs(total - stated) > tol:
                ds.notes.append(
                    CrossTableNote(
                        ("utbud", "nyckeltal"),
                        f"{ds.info['utbud'].file}: column {col} sums to {total:.0f}, "
                        f"{ds.info['nyckeltal'].file} states {stated:.0f}",
                        f"{table_label(ds, 'utbud')} och {table_label(ds, 'nyckeltal')} stämmer inte överens: "
                        f"kolumnen {col} summerar till {fmt.number(total)} men nyckeltalen anger {fmt.number(stated)}. "
                        "Tabellerna visas var för sig; nyckeltalen är källans egna siffror.",
                    )
                )

    if "befolkning" in ds.tables:
        b = raw["befolkning"]
        if lan in set(b["regionkod"]):
            kom = b[b["regionkod"] != lan]
            tot = b[b["regionkod"] == lan].iloc[0]
            for y in _year_columns(b):
                s, t = float(kom[y].sum()), float(tot[y])
                if abs(s - t) > max(2.0, 0.001 * t):
                    fail(
                        "befolkning",
                        f"kommun rows for {y} sum to {s:.0f}, the län row says {t:.0f}",
                        f"kommunerna summerar till {fmt.number(s)} år {y} men länsraden säger {fmt.number(t)}",
                    )
                    break

    if "befolkning_alder" in ds.tables:
        a = raw["befolkning_alder"]
        dup = a.duplicated(["regionkod", "aldersgrupp"])
        if dup.any():
            fail("befolkning_alder", "duplicate (regionkod, aldersgrupp) rows", "dubbletter av kommun och åldersgrupp")
        else:
            kom = a[a["regionkod"] != lan]
            for y in _year_columns(a):
                for grp, rows in a[a["regionkod"] == lan].groupby("aldersgrupp"):
                    s = float(kom.loc[kom["aldersgrupp"] == grp, y].sum())
                    t = float(rows[y].iloc[0])
                    if abs(s - t) > AGE_TOTAL_TOLERANCE:
                        fail(
                            "befolkning_alder",
                            f"{grp} kommun rows for {y} sum to {s:.0f}, the län row says {t:.0f}",
                            f"åldersgrupp {grp} summerar till {fmt.number(s)} år {y} men länsraden säger {fmt.number(t)}",
                        )
                        break
                if "befolkning_alder" in ds.problems:
                    break
            if "befolkning_alder" in ds.tables and "befolkning" in ds.tables:
                _age_against_totals(ds, kom, raw["befolkning"], raw.get("kommuner"))


def table_label(ds: Dataset, name: str) -> str:
    """A table as a message names it: ”title” (file)."""
    ti = ds.info[name]
    return f"”{ti.title}” ({ti.file})"


def _age_against_totals(ds: Dataset, age_kommun: pd.DataFrame, totals: pd.DataFrame, kommuner: pd.DataFrame | None) -> None:
    """The age groups of each kommun against its total population: a note, not a failure.

    Both tables stay in use: totals (invånare, VC need) come from the population
    table, 80+ and the age structure from the age table, so a new total carries
    through wherever a total is shown; the note names both tables and the gaps.
    """
    b = totals.set_index("regionkod")
    names = dict(zip(kommuner["kommunkod"], kommuner["kommun"])) if kommuner is not None else {}
    gaps: list[tuple[str, str, float, float]] = []
    for code, rows in age_kommun.groupby("regionkod"):
        if set(rows["aldersgrupp"]) != set(AGE_GROUPS) or code not in b.index:
            continue
        for y in _year_columns(age_kommun):
            if y in b.columns and pd.notna(b.loc[code, y]) and rows[y].notna().all():
                s_age, total = float(rows[y].sum()), float(b.loc[code, y])
                if abs(s_age - total) > AGE_TOTAL_TOLERANCE:
                    gaps.append((code, y, s_age, total))
    if not gaps:
        return
    shown = "; ".join(
        f"{names.get(c, '')} {c} år {y}: {fmt.number(a)} mot {fmt.number(t)} ({fmt.number(t - a, signed=True)})".strip()
        for c, y, a, t in gaps[:3]
    )
    more = f" och {fmt.number(len(gaps) - 3)} till" if len(gaps) > 3 else ""
    ds.notes.append(
        CrossTableNote(
            ("befolkning_alder", "befolkning"),
            f"{ds.info['befolkning_alder'].file}: age groups do not add up to the totals of "
            f"{ds.info['befolkning'].file} for {len(gaps)} kommun-years (first: {gaps[0][0]} {gaps[0][1]})",
            f"{table_label(ds, 'befolkning_alder')} och {table_label(ds, 'befolkning')} stämmer inte överens: "
            f"åldersgrupperna summerar inte till folkmängden för {shown}{more}. Båda tabellerna används: "
            "invånare i alla åldrar kommer från folkmängdstabellen, 80 år och äldre och åldersfördelningen från "
            "åldersgruppstabellen. Ladda in en uppdaterad fil för den tabell som inte stämmer, så försvinner noten.",
        )
    )


# ---------------------------------------------------------------------- loader


def _read_manifest(data_dir: Path) -> dict:
    path = data_dir / MANIFEST_NAME
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(MANIFEST_NAME, f"manifest not found in {data_dir}", "manifestet saknas") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise DataError(MANIFEST_NAME, f"manifest is not valid TOML ({e})", "manifestet är inte giltig TOML") from None


def post_process(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Shape a validated raw table into the form the rest of the package uses."""
    if name == "nyckeltal":
        return df.set_index("nyckel")
    if name == "befolkning":
        return to_long(df, ["regionkod", "region"], "population").astype({"population": "int64"})
    if name == "befolkning_alder":
        return to_long(df, ["regionkod", "aldersgrupp"], "population").astype({"population": "int64"})
    if name == "tillganglighet":
        return to_long(df, ["kpi_id", "omrade"], "value")
    if name in ("utbud",):
        ints = [c for c in df.columns if c not in ("kommunkod", "kommun")]
        return df.astype({c: "int64" for c in ints})
    return df


# Source key of tables a user replaced with an own file (``load_dataset(overrides=...)``);
# every chart built from such a table then cites this instead of the manifest's source.
USER_SOURCE = Source("EGEN", "Egen data (inläst fil)", "användaren", "denna session")
USER_FILE_SUFFIX = " (egen data)"
# File suffix of a table replaced by a planner's published data version (the bytes
# are an override like a session import; ``published`` names its source).
PUBLISHED_FILE_SUFFIX = " (publicerad version)"


def load_dataset(
    data_dir: Path | str | None = None,
    overrides: Mapping[str, bytes] | None = None,
    published: Mapping[str, Source] | None = None,
) -> Dataset:
    """Read and validate every table of the manifest in ``data_dir``.

    ``overrides`` maps table names to the raw bytes of a user's file that replaces
    that table's file for this load only (nothing is written). Such bytes are parsed
    leniently by :func:`naravard.sources.userfile.read_user_table` (CSV in any encoding
    and separator, decimal commas, or an .xlsx workbook), then checked by the same schema and consistency rules; the
    table's info then names the file ``<file> (egen data)`` and cites
    :data:`USER_SOURCE`. Names not in the manifest are ignored.

    ``published`` names, for some of the ``overrides``, the published data version
    their bytes are (naravard.services.publishing): such a table is read exactly like
    a user's file but cites that version's :class:`Source` and is named
    ``<file> (publicerad version)``.

    Raises :class:`DataError` only when the manifest itself is missing or broken;
    problems with single tables are collected in ``Dataset.problems``.
    """
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA_DIR
    m = _read_manifest(data_dir)
    try:
        r = m["region"]
        region = Region(
            str(r["lanskod"]), r["lan"], r["organisation"], r["kort_namn"], int(r["basar"]),
            tuple(str(a) for a in r.get("jamforelse", ())),
        )
        sources = {
            k: Source(k, v["title"], v["publisher"], str(v["date"])) for k, v in m.get("sources", {}).items()
        }
        info = {
            k: TableInfo(k, v["file"], v["source"], str(v["date"]), v["title"], v.get("notes", ""))
            for k, v in m["tables"].items()
        }
    except (KeyError, TypeError, ValueError) as e:
        raise DataError(MANIFEST_NAME, f"manifest lacks a required field ({e})", f"manifestet saknar fältet {e}") from None

    user = {n: b for n, b in (overrides or {}).items() if n in info}
    if user:
        if set(user) - set(published or {}):
            sources.setdefault(USER_SOURCE.key, USER_SOURCE)
        for n in user:
            ti = info[n]
            pub = (published or {}).get(n)
            if pub is not None:
                sources.setdefault(pub.key, pub)
                notes = f"Ersatt av en publicerad dataversion: {pub.citation}."
                info[n] = TableInfo(n, ti.file + PUBLISHED_FILE_SUFFIX, pub.key, pub.date, ti.title, notes)
                continue
            notes = "Ersatt av en fil som du har laddat in i den här sessionen."
            info[n] = TableInfo(n, ti.file + USER_FILE_SUFFIX, USER_SOURCE.key, "enligt din fil", ti.title, notes)

    ds = Dataset(region=region, sources=sources, info=info, forecasts=dict(m.get("forecasts", {})))
    raw: dict[str, pd.DataFrame] = {}
    for name, ti in info.items():
        try:
            if ti.source not in sources:
                raise DataError(ti.file, f"unknown source key {ti.source!r}", f"okänd källa {ti.source}")
            if name in user:

                df = validate_table(name, read_user_table(user[name], ti.file, prefer=(name, Path(ti.file.removesuffix(USER_FILE_SUFFIX).removesuffix(PUBLISHED_FILE_SUFFIX)).stem))[0], ti.file)
                raw[name] = df
                ds.tables[name] = post_process(name, df)
                continue
            path = data_dir / ti.file
            try:
                content = path.read_bytes()
            except FileNotFoundError:
                raise DataError(ti.file, "file not found", "filen saknas") from None
            except OSError as e:
                raise DataError(ti.file, f"cannot be read ({e.strerror})", "filen kan inte läsas") from None
            df = validate_table(name, read_csv_bytes(content, ti.file), ti.file)
            raw[name] = df
            ds.tables[name] = post_process(name, df)
        except DataError as e:
            ds.problems[name] = e
    check_consistency(ds, raw)
    if "dialog" in m:
        try:
            entry = m["dialog"]
            if isinstance(entry, dict) and entry.get("source") not in sources:
                raise DataError(str(entry.get("file", "dialog")), f"unknown source key {entry.get('source')!r}", "okänd källa")
            ds.dialog = load_dialog(data_dir, entry)
        except DataError as e:
            ds.problems["dialog"] = e
    return ds
