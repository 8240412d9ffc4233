"""ONE registry of population forecasts and their years.

A forecast has a *method* (how the model gets a population from the data) and, for
the data-defined ones, a key, a label, a description, a source and its years from the
manifest's ``[forecasts.<key>]`` sections, so that no region, organisation or year is
typed in code and another region's data dir brings its own forecasts:

* ``tabeller`` – the population tables (``befolkning``, ``befolkning_alder``):
  observed years up to the base year, published projections after it, linear
  interpolation between published years. Its years are the tables' years.
* ``dialogunderlag`` – the deck's kommun table (``utbud``): inhabitants in a first
  year plus the forecast change to a last year, spread evenly over the years. Its two
  years are the manifest's ``years = [first, last]``.
* ``egen`` – the user's own annual rates per kommun (a model feature, key
  :data:`EGEN`), from the base year; defaults are each kommun's rate in the first
  data forecast up to its first projected year.

The first data forecast in the manifest is the default. The keys are stable
identifiers: they appear in shared links and saved scenarios.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from naravard.sources.dataset import Dataset

TABLES = "tabeller"
DECK = "dialogunderlag"
OWN = "egen"
METHODS = (TABLES, DECK, OWN)

EGEN = "EGEN"  # the own forecast's key (a model feature, not data)
EGEN_LABEL_SV = "Egen prognos (årlig förändring per kommun)"
EGEN_DESCRIPTION_SV = (
    "Invånare och invånare 80+ från basåret förändras med en fast årlig takt per kommun "
    "(ränta på ränta). Takterna är användarens antaganden."
)

OBSERVED = "observerad"
PROJECTED = "prognos"


@dataclass(frozen=True)
class Forecast:
    """One forecast: its key, method, Swedish texts, source and years.

    ``years`` are the published years the forecast rests on (for ``tabeller`` the
    tables' years, for ``dialogunderlag`` its first and last year, empty for ``egen``);
    ``base_year`` is the year the scenario counts from.
    """

    key: str
    method: str
    label_sv: str
    description_sv: str
    source: str
    base_year: int
    years: tuple[int, ...] = ()

    @property
    def first_year(self) -> int:
        return self.years[0] if self.years else self.base_year

    @property
    def last_year(self) -> int | None:
        """The last year the forecast has data for (None: the own forecast, unbounded)."""
        return self.years[-1] if self.years else None

    def first_projected_year(self) -> int | None:
        """The first published year after the base year (the deck's horizon, or the
        tables' first projection): the year headlines compare 'today' with."""
        later = [y for y in self.years if y > self.base_year]
        return later[0] if later else None


def _years(raw: Any, where: str) -> tuple[int, ...]:
    if not isinstance(raw, (list, tuple)) or not raw or not all(isinstance(y, int) for y in raw):
        raise ValueError(f"manifest [forecasts.{where}] years must be a non-empty list of years")
    years = tuple(int(y) for y in raw)
    if any(b <= a for a, b in zip(years, years[1:])):
        raise ValueError(f"manifest [forecasts.{where}] years must increase")
    return years


def from_manifest(
    section: Mapping[str, Any], basar: int, table_years: tuple[int, ...]
) -> dict[str, Forecast]:
    """The data forecasts of a manifest's ``[forecasts]`` section, in manifest order.

    ``table_years`` are the population tables' years (used by ``tabeller``). Raises
    ``ValueError`` on a malformed section.
    """
    out: dict[str, Forecast] = {}
    for key, spec in section.items():
        if not isinstance(spec, Mapping):
            raise ValueError(f"manifest [forecasts.{key}] must be a table")
        method = spec.get("method")
        if method not in (TABLES, DECK):
            raise ValueError(f"manifest [forecasts.{key}] method must be {TABLES!r} or {DECK!r}")
        if key == EGEN:
            raise ValueError(f"forecast key {EGEN!r} is reserved for the own forecast")
        if method == TABLES:
            years = tuple(table_years)
            base = basar
        else:
            years = _years(spec.get("years"), key)
            if len(years) != 2:
                raise ValueError(f"manifest [forecasts.{key}] years must be [first, last]")
            base = years[0]
        out[str(key)] = Forecast(
            key=str(key),
            method=method,
            label_sv=str(spec.get("label", key)),
            description_sv=str(spec.get("description", "")),
            source=str(spec.get("source", "")),
            base_year=int(base),
            years=years,
        )
    return out


def own(basar: int) -> Forecast:
    return Forecast(EGEN, OWN, EGEN_LABEL_SV, EGEN_DESCRIPTION_SV, "", int(basar), ())


TABLES_FALLBACK_KEY = "TABELL"


def data_forecasts(ds: Dataset) -> dict[str, Forecast]:
    """The dataset's forecasts (no own forecast): for pages that show population.

    A manifest without a ``[forecasts]`` section gets one ``tabeller`` forecast,
    :data:`TABLES_FALLBACK_KEY`, labelled with the population table's title and source.
    """
    years: tuple[int, ...] = ()
    if ds.has("befolkning"):
        years = tuple(sorted(int(y) for y in ds.table("befolkning")["year"].unique()))
    if ds.forecasts:
        return from_manifest(ds.forecasts, ds.region.basar, years)
    info = ds.info.get("befolkning")
    return {
        TABLES_FALLBACK_KEY: Forecast(
            TABLES_FALLBACK_KEY,
            TABLES,
            info.title if info else "Befolkningstabellerna",
            info.notes if info else "",
            info.source if info else "",
            ds.region.basar,
            years,
        )
    }


def registry(ds: Dataset) -> dict[str, Forecast]:
    """Every forecast the scenario can use: the dataset's, then the own forecast."""
    return {**data_forecasts(ds), EGEN: own(ds.region.basar)}


def default_key(ds: Dataset) -> str | None:
    """The first data forecast in the manifest (None if the manifest lists none)."""
    return next(iter(data_forecasts(ds)), None)


def of_method(forecasts: Mapping[str, Forecast], method: str) -> Forecast | None:
    """The first forecast with that method (None if there is none)."""
    return next((f for f in forecasts.values() if f.method == method), None)
