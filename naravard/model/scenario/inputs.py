"""The data the scenario model needs (:class:`ModelInputs`), and the data's defaults.

Built once per dataset (:meth:`ModelInputs.from_dataset`) or directly from arrays
(tests, benchmarks). Besides the per-kommun arrays it holds the region's key figures
that the assumptions' defaults are derived from (:attr:`ModelInputs.data_defaults`):

* **Calibration of the 80+ ratios to the base year.** Today's enrolled in municipal
  health care (ordinary housing, SäBo) and today's places (SäBo, short-term) are
  counted at one date (the key-figure table's period of the enrolled, e.g.
  ``2023-01-01``). Dividing each by the number of inhabitants aged 80+ *at that same
  date* gives ratios that reproduce today's figures exactly that year, so the gap to
  today's places is zero there and any gap later is growth of the 80+ group. The 80+
  count at the date is the sum of the kommun rows of the age table (the one region
  rule for 80+, see :func:`naravard.model.population.pop80_region`), linearly
  interpolated between the table's years; a date ``YYYY-01-01`` is the population of
  31 December ``YYYY-1`` (the table's year ``YYYY-1``).
* **The source's own shares** (e.g. "ca 20 %", "ca 15 %" and places per 1 000 over
  the source's rounded 80+ figure) are kept as :attr:`ModelInputs.deck_ratios`, the
  preset "Dialogunderlagets andelar".
* **The physician target** comes from the key-figure table with its description.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from naravard import fmt
from naravard.errors import DataError
from naravard.model import forecast as fc
from naravard.model.scenario.params import KOMMUNKOD_RE, AssumptionError, KommunMap

if TYPE_CHECKING:  # pragma: no cover
    from naravard.model.scenario.assumptions import Assumptions
    from naravard.sources.dataset import Dataset


def _ro(a: Any, dtype: Any = np.float64) -> np.ndarray:
    arr = np.array(a, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr


def interp_rows(src_years: tuple[int, ...], values: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Linear interpolation per row; ``years`` outside ``src_years`` are extrapolated
    from the nearest two years (callers clip first)."""
    sy = np.asarray(src_years, dtype=np.float64)
    if len(sy) == 1:
        return np.repeat(values[:, :1], len(years), axis=1)
    idx = np.clip(np.searchsorted(sy, years, side="right") - 1, 0, len(sy) - 2)
    y0, y1 = sy[idx], sy[idx + 1]
    w = (years - y0) / (y1 - y0)
    return values[:, idx] * (1.0 - w) + values[:, idx + 1] * w


def year_of_date(period: str) -> int | None:
    """The table year (population on 31 December) a key figure's date refers to.

    ``"2023-01-01"`` → 2022 (1 January is the day after 31 December 2022);
    ``"2023"`` or ``"2023-06-30"`` → 2023 (the year itself, approximately). None if
    the period does not start with a year.
    """
    s = str(period).strip()
    if len(s) < 4 or not s[:4].isdigit():
        return None
    y = int(s[:4])
    return y - 1 if s[4:10] == "-01-01" else y


@dataclass(frozen=True)
class KeyFigures:
    """The region's figures of today that the defaults are derived from (None = missing).

    ``datum`` is the date of the enrolled counts as the source gives it; places are
    taken to be counted at the same date (the source dates them by the same year).
    ``deck_80``: the source's own rounded 80+ figure (e.g. "ca 20 000"), and
    ``deck_andel_*`` its rounded shares in percent.
    """

    inskrivna_ordinart: float | None = None
    inskrivna_sabo: float | None = None
    sabo_platser: float | None = None
    korttid_platser: float | None = None
    datum: str | None = None
    deck_80: float | None = None
    deck_80_period: str | None = None
    deck_andel_ordinart: float | None = None
    deck_andel_sabo: float | None = None
    invanare_per_lakare: float | None = None
    invanare_per_lakare_text: str = ""
    deck_listade_per_vc: float | None = None  # the source's own rounded regional average
    counts_source: str = ""  # source key of today's enrolled and places (e.g. the deck's)
    age_source: str = ""  # source key of the age table


@dataclass(frozen=True)
class DataDefault:
    """An assumption's value from the data, with how it was derived (Swedish)."""

    value: float
    text_sv: str


@dataclass(frozen=True)
class Calibration:
    """The 80+ count the calibrated ratios divide by, and where it comes from."""

    year: int
    datum: str
    pop_80: float
    text_sv: str


@dataclass(frozen=True, eq=False)
class ModelInputs:
    """Everything :func:`~naravard.model.scenario.run.run` needs, as plain arrays.

    * ``vardcentraler``, ``filialer``, ``listade_per_vc``, ``hsu_invanare`` (the deck
      forecast's first year), ``hsu_forandring`` (its change to its last year): the
      supply table, per kommun.
    * ``pop_total`` shape (kommuner, len(pop_years)); ``pop_80`` shape
      (kommuner, len(pop_80_years)): published years only, interpolated in ``run``.
    * ``forecasts``: the forecast registry (:mod:`naravard.model.forecast`); None
      gives one table forecast ``"TABELL"`` plus the own forecast (tests, benchmarks).
    * ``figures``: today's key figures (:class:`KeyFigures`).
    """

    kommunkod: tuple[str, ...]
    kommun: tuple[str, ...]
    basar: int
    vardcentraler: np.ndarray
    filialer: np.ndarray
    listade_per_vc: np.ndarray
    hsu_invanare: np.ndarray
    hsu_forandring: np.ndarray
    pop_years: tuple[int, ...]
    pop_total: np.ndarray
    pop_80_years: tuple[int, ...]
    pop_80: np.ndarray
    figures: KeyFigures = field(default_factory=KeyFigures)
    region_namn: str = "Regionen"
    forecasts: tuple[fc.Forecast, ...] | None = None

    def __post_init__(self) -> None:
        setv = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        codes = tuple(str(c) for c in self.kommunkod)
        names = tuple(str(n) for n in self.kommun)
        n = len(codes)
        if n == 0:
            raise ValueError("ModelInputs needs at least one kommun")
        if len(set(codes)) != n or len(names) != n:
            raise ValueError("kommunkod must be unique and match kommun in length")
        bad = [c for c in codes if not KOMMUNKOD_RE.match(c)]
        if bad:
            raise ValueError(f"not four-digit kommun codes: {bad[:5]}")
        setv("kommunkod", codes)
        setv("kommun", names)
        setv("basar", int(self.basar))
        for k in ("vardcentraler", "filialer", "listade_per_vc", "hsu_invanare", "hsu_forandring"):
            arr = _ro(getattr(self, k))
            if arr.shape != (n,):
                raise ValueError(f"{k} must have one value per kommun, shape ({n},), got {arr.shape}")
            if not np.isfinite(arr).all():
                raise ValueError(f"{k} has non-finite values")
            if k != "hsu_forandring" and (arr < 0).any():
                raise ValueError(f"{k} has negative values")
            setv(k, arr)
        for yk, vk in (("pop_years", "pop_total"), ("pop_80_years", "pop_80")):
            years = tuple(int(y) for y in getattr(self, yk))
            if not years or any(b <= a for a, b in zip(years, years[1:])):
                raise ValueError(f"{yk} must be strictly increasing and non-empty")
            arr = _ro(getattr(self, vk))
            if arr.shape != (n, len(years)):
                raise ValueError(f"{vk} must have shape ({n}, {len(years)}), got {arr.shape}")
            if not np.isfinite(arr).all() or (arr < 0).any():
                raise ValueError(f"{vk} must be finite and non-negative")
            if not (years[0] <= self.basar <= years[-1]):
                raise ValueError(f"base year {self.basar} is outside {yk} {years[0]}..{years[-1]}")
            setv(yk, years)
            setv(vk, arr)
        for k in ("inskrivna_ordinart", "inskrivna_sabo", "sabo_platser", "korttid_platser", "deck_80", "invanare_per_lakare"):
            v = getattr(self.figures, k)
            if v is not None and (not math.isfinite(float(v)) or float(v) < 0):
                raise ValueError(f"figures.{k} must be finite and non-negative")
        if self.forecasts is None:
            setv(
                "forecasts",
                (fc.Forecast("TABELL", fc.TABLES, "Befolkningstabellerna", "", "", self.basar, self.pop_years), fc.own(self.basar)),
            )
        else:
            fs = tuple(self.forecasts)
            if not any(f.method != fc.OWN for f in fs):
                raise ValueError("forecasts must hold at least one data forecast")
            setv("forecasts", fs)

    # -- basics

    @property
    def n(self) -> int:
        return len(self.kommunkod)

    @property
    def last_year(self) -> int:
        """Last year for which the population tables (total and 80+) have data."""
        return min(self.pop_years[-1], self.pop_80_years[-1])

    def index_of(self, kommunkod: str) -> int:
        try:
            return self.kommunkod.index(kommunkod)
        except ValueError:
            raise KeyError(f"unknown kommun code {kommunkod!r}") from None

    # -- forecasts

    @cached_property
    def forecast_map(self) -> dict[str, fc.Forecast]:
        return {f.key: f for f in self.forecasts}  # type: ignore[union-attr]

    @property
    def default_forecast(self) -> str:
        """The first data forecast (the manifest's order)."""
        return next(f.key for f in self.forecasts if f.method != fc.OWN)  # type: ignore[union-attr]

    def forecast(self, key: str | None) -> fc.Forecast:
        """The forecast for an assumption's ``prognos`` (None = the default).

        Raises :class:`AssumptionError` for a key the data does not have."""
        k = self.default_forecast if key is None else key
        f = self.forecast_map.get(k)
        if f is None:
            choices = ", ".join(self.forecast_map)
            raise AssumptionError(
                f"prognos: {k!r} is not a forecast of this dataset ({choices})",
                f"Befolkningsprognos: {k} finns inte i datan. Välj {choices}.",
                "prognos",
                f"{k} finns inte i datan.",
            )
        return f

    def forecast_label(self, key: str | None) -> str:
        f = self.forecast_map.get(self.default_forecast if key is None else key)
        return f.label_sv if f else str(key)

    @cached_property
    def reference_year(self) -> int:
        """The own forecast's reference year: the first published table year after the
        base year (the default forecast's first projection); rates run base → it."""
        later = [y for y in self.pop_years if y > self.basar]
        return later[0] if later else self.pop_years[-1]

    def _rate(self, years: tuple[int, ...], values: np.ndarray) -> KommunMap:
        ref = min(self.reference_year, years[-1])
        span = ref - self.basar
        v = interp_rows(years, values, np.array([self.basar, ref], dtype=np.float64))
        out = {}
        for i, code in enumerate(self.kommunkod):
            a, b = v[i, 0], v[i, 1]
            out[code] = float(((b / a) ** (1.0 / span) - 1.0) * 100.0) if a > 0 and b > 0 and span > 0 else 0.0
        return KommunMap(out)

    @cached_property
    def tillvaxt_total_ref(self) -> KommunMap:
        """Each kommun's annual population change, percent, base year → reference year."""
        return self._rate(self.pop_years, self.pop_total)

    @cached_property
    def tillvaxt_80_ref(self) -> KommunMap:
        """Each kommun's annual change of the 80+ population, percent, base → reference year."""
        return self._rate(self.pop_80_years, self.pop_80)

    def growth_rates(self, a: Assumptions) -> tuple[KommunMap, KommunMap]:
        """The rates the own forecast uses: the user's where set, else the reference rates."""
        t = {**self.tillvaxt_total_ref, **a.egen_tillvaxt_total}
        e = {**self.tillvaxt_80_ref, **a.egen_tillvaxt_80}
        return KommunMap(t), KommunMap(e)

    # -- the data's defaults

    def pop_80_region(self, year: float) -> float:
        """The region's 80+ in ``year``: the sum of the kommun rows, interpolated."""
        y = min(max(float(year), self.pop_80_years[0]), self.pop_80_years[-1])
        return float(interp_rows(self.pop_80_years, self.pop_80, np.array([y]))[:, 0].sum())

    @cached_property
    def calibration(self) -> Calibration | None:
        """The 80+ count at the date of today's enrolled and places (None if undated)."""
        f = self.figures
        year = year_of_date(f.datum) if f.datum else None
        if year is None:
            return None
        lo, hi = self.pop_80_years[0], self.pop_80_years[-1]
        used = min(max(year, lo), hi)
        p = self.pop_80_region(used)
        below = [y for y in self.pop_80_years if y <= used]
        above = [y for y in self.pop_80_years if y >= used]
        y0, y1 = (below[-1] if below else lo), (above[0] if above else hi)
        how = (
            f"tabellens värde för {used}"
            if y0 == y1
            else f"linjärt mellan tabellens år {y0} ({fmt.number(self.pop_80_region(y0))}) och {y1} ({fmt.number(self.pop_80_region(y1))})"
        )
        text = (
            f"{fmt.number(p)} invånare 80+ den {f.datum} (31 december {year}; summan av kommunerna, {how}"
            + (f"; {f.age_source}" if f.age_source else "")
            + ")"
            + (f"; tabellen når inte {year}, närmaste år {used} används" if used != year else "")
        )
        return Calibration(year=used, datum=str(f.datum), pop_80=p, text_sv=text)

    @cached_property
    def data_defaults(self) -> dict[str, DataDefault]:
        """Each data-default assumption's value and derivation; missing keys: no value."""
        f, cal = self.figures, self.calibration
        src = f" ({f.counts_source}, {f.datum})" if f.counts_source else ""
        out: dict[str, DataDefault] = {}
        if cal is not None and cal.pop_80 > 0:
            p = cal.pop_80
            if f.inskrivna_ordinart is not None:
                v = f.inskrivna_ordinart / p
                out["andel_ordinart"] = DataDefault(
                    v, f"kalibrerad: {fmt.number(f.inskrivna_ordinart)} inskrivna i ordinärt boende{src} / {cal.text_sv} = {fmt.share(v, 1)}"
                )
            if f.inskrivna_sabo is not None:
                v = f.inskrivna_sabo / p
                out["andel_sabo"] = DataDefault(
                    v, f"kalibrerad: {fmt.number(f.inskrivna_sabo)} inskrivna i SäBo{src} / {cal.text_sv} = {fmt.share(v, 1)}"
                )
            if f.korttid_platser is not None:
                v = f.korttid_platser / p * 1000.0
                out["korttid_per_1000_80"] = DataDefault(
                    v, f"kalibrerad: {fmt.number(f.korttid_platser)} korttidsplatser{src} / {cal.text_sv} × 1 000 = {fmt.number(v, 2)}"
                )
        if f.sabo_platser is not None and f.inskrivna_sabo:
            v = f.sabo_platser / f.inskrivna_sabo
            out["sabo_platser_per_inskriven"] = DataDefault(
                v, f"{fmt.number(f.sabo_platser)} SäBo-platser / {fmt.number(f.inskrivna_sabo)} inskrivna i SäBo{src} = {fmt.number(v, 3)}"
            )
        out["horisont"] = DataDefault(
            float(self.reference_year), f"standardprognosens första prognosår efter basåret {self.basar}"
        )
        if f.invanare_per_lakare is not None:
            out["invanare_per_lakare"] = DataDefault(f.invanare_per_lakare, f.invanare_per_lakare_text or "ur nyckeltalstabellen")
        return out

    @cached_property
    def deck_ratios(self) -> dict[str, DataDefault]:
        """The source's own rounded shares (the preset "Dialogunderlagets andelar")."""
        f = self.figures
        out: dict[str, DataDefault] = {}
        per = f" av ca {fmt.number(f.deck_80)} invånare 80+ ({f.deck_80_period})" if f.deck_80 else ""
        if f.deck_andel_ordinart is not None:
            out["andel_ordinart"] = DataDefault(f.deck_andel_ordinart / 100.0, f"källans andel: ca {fmt.number(f.deck_andel_ordinart)} %{per}")
        if f.deck_andel_sabo is not None:
            out["andel_sabo"] = DataDefault(f.deck_andel_sabo / 100.0, f"källans andel: ca {fmt.number(f.deck_andel_sabo)} %{per}")
        if f.korttid_platser is not None and f.deck_80:
            v = f.korttid_platser / f.deck_80 * 1000.0
            out["korttid_per_1000_80"] = DataDefault(
                v, f"{fmt.number(f.korttid_platser)} platser / ca {fmt.number(f.deck_80)} invånare 80+ ({f.deck_80_period}) × 1 000 = {fmt.number(v, 1)}"
            )
        return out

    def value(self, a: Assumptions, key: str) -> float | None:
        """The value in force for an assumption: the user's, else the data's (None: none)."""
        v = getattr(a, key)
        if v is not None:
            return v
        d = self.data_defaults.get(key)
        return d.value if d is not None else None

    # -- constructors

    @classmethod
    def from_dataset(cls, ds: Dataset) -> ModelInputs:
        """Extract the model's inputs from a loaded dataset.

        Needs the tables ``utbud``, ``befolkning`` and ``befolkning_alder``; raises the
        dataset's :class:`~naravard.errors.DataError` if one failed to load, or
        ``ValueError`` if a kommun lacks population rows. ``nyckeltal`` is optional
        (without it the ratios have no data default and must be set by the user).
        """
        u = ds.table("utbud")
        codes = [str(c) for c in u["kommunkod"]]
        b = ds.table("befolkning")
        bw = b[b["regionkod"].isin(codes)].pivot(index="regionkod", columns="year", values="population")
        a = ds.table("befolkning_alder")
        a80 = a[(a["aldersgrupp"] == "80+") & a["regionkod"].isin(codes)]
        aw = a80.pivot(index="regionkod", columns="year", values="population")
        missing = sorted((set(codes) - set(bw.index)) | (set(codes) - set(aw.index)))
        if missing:
            raise ValueError(f"no population rows for kommun codes {missing}")
        bw = bw.loc[codes].sort_index(axis=1)
        aw = aw.loc[codes].sort_index(axis=1)
        if bw.isna().any().any() or aw.isna().any().any():
            raise ValueError("population tables have gaps for some kommun and year")

        def fact(key: str):
            try:
                return ds.fact(key)
            except DataError:
                return None

        def val(key: str) -> float | None:
            x = fact(key)
            return x.value if x is not None else None

        ord_, lak, deck80 = fact("khsv_ordinart"), fact("invanare_per_lakare_mal"), fact("invanare_80_idag")
        lak_text = ""
        if lak is not None:
            lak_text = f"{lak.description} ({lak.source}, {lak.period})"
        figures = KeyFigures(
            inskrivna_ordinart=val("khsv_ordinart"),
            inskrivna_sabo=val("khsv_sabo"),
            sabo_platser=val("sabo_platser"),
            korttid_platser=val("korttid_platser"),
            datum=ord_.period if ord_ is not None else None,
            deck_80=deck80.value if deck80 is not None else None,
            deck_80_period=deck80.period if deck80 is not None else None,
            deck_andel_ordinart=val("khsv_ordinart_andel"),
            deck_andel_sabo=val("khsv_sabo_andel"),
            invanare_per_lakare=lak.value if lak is not None else None,
            invanare_per_lakare_text=lak_text,
            deck_listade_per_vc=val("listade_per_vc"),
            counts_source=ord_.source if ord_ is not None else "",
            age_source=ds.info["befolkning_alder"].source if "befolkning_alder" in ds.info else "",
        )
        try:
            forecasts = tuple(fc.registry(ds).values())
        except ValueError:
            forecasts = None
        return cls(
            kommunkod=tuple(codes),
            kommun=tuple(str(x) for x in u["kommun"]),
            basar=ds.region.basar,
            vardcentraler=u["vardcentraler"].to_numpy(),
            filialer=u["filialer"].to_numpy(),
            listade_per_vc=u["listade_per_vc"].to_numpy(),
            hsu_invanare=u["invanare_2022"].to_numpy(),
            hsu_forandring=u["prognos_forandring_2030"].to_numpy(),
            pop_years=tuple(int(y) for y in bw.columns),
            pop_total=bw.to_numpy(dtype=np.float64),
            pop_80_years=tuple(int(y) for y in aw.columns),
            pop_80=aw.to_numpy(dtype=np.float64),
            figures=figures,
            region_namn=ds.region.kort_namn,
            forecasts=forecasts,
        )

    @classmethod
    def synthetic(cls, n_kommuner: int = 290, years: range = range(2020, 2041), basar: int = 2025, seed: int = 0) -> ModelInputs:
        """Random but plausible inputs for benchmarks and tests. Never shown in the app."""
        rng = np.random.default_rng(seed)
        yrs = tuple(years)
        t = np.arange(len(yrs), dtype=np.float64)
        pop0 = rng.integers(2_000, 1_000_000, n_kommuner).astype(np.float64)
        growth = rng.uniform(-0.01, 0.015, n_kommuner)
        pop = pop0[:, None] * (1 + growth[:, None]) ** t[None, :]
        share80 = rng.uniform(0.03, 0.09, n_kommuner)
        g80 = rng.uniform(0.0, 0.04, n_kommuner)
        pop80 = pop0[:, None] * share80[:, None] * (1 + g80[:, None]) ** t[None, :]
        vc = rng.integers(1, 60, n_kommuner)
        per_vc = np.round(pop0 / vc / 100) * 100
        p80 = float(np.round(pop80[:, 0].sum()))
        deck_first = yrs[min(2, len(yrs) - 1)]
        deck_last = yrs[min(10, len(yrs) - 1)]
        forecasts = (
            fc.Forecast("TABELL", fc.TABLES, "Syntetiska tabeller", "", "", basar, yrs),
            fc.Forecast("DECK", fc.DECK, "Syntetiskt underlag", "", "", deck_first, (deck_first, deck_last)),
            fc.own(basar),
        )
        return cls(
            kommunkod=tuple(f"{1000 + i:04d}" for i in range(n_kommuner)),
            kommun=tuple(f"Kommun {i + 1}" for i in range(n_kommuner)),
            basar=basar,
            vardcentraler=vc,
            filialer=rng.integers(0, 10, n_kommuner),
            listade_per_vc=per_vc,
            hsu_invanare=np.round(pop[:, yrs.index(deck_first)]),
            hsu_forandring=np.round(pop0 * growth * (deck_last - deck_first)),
            pop_years=yrs,
            pop_total=np.round(pop),
            pop_80_years=yrs,
            pop_80=np.round(pop80),
            figures=KeyFigures(
                inskrivna_ordinart=round(p80 * 0.2),
                inskrivna_sabo=round(p80 * 0.15),
                sabo_platser=round(p80 * 0.15),
                korttid_platser=round(p80 * 0.01),
                datum=f"{yrs[0] + 1}-01-01",
                deck_80=p80,
                deck_80_period=str(yrs[0]),
                deck_andel_ordinart=20.0,
                deck_andel_sabo=15.0,
                invanare_per_lakare=1000.0,
                invanare_per_lakare_text="syntetiskt mål",
            ),
            region_namn="Syntetisk region",
            forecasts=forecasts,
        )


def presets(inputs: ModelInputs) -> dict[str, Assumptions]:
    """Named starting points for the studio, from the data in use.

    "Som idag": the defaults (ratios calibrated to the base year). "Dialogunderlagets
    andelar": the source's own rounded shares (only if the data has them). One preset
    per other data forecast, and the longest horizon the tables reach.
    """
    from naravard.model.scenario.assumptions import Assumptions

    out: dict[str, Assumptions] = {"Som idag": Assumptions()}
    if inputs.deck_ratios:
        out["Dialogunderlagets andelar"] = Assumptions(**{k: d.value for k, d in inputs.deck_ratios.items()})
    for f in inputs.forecasts or ():
        if f.method == fc.DECK:
            out[f.label_sv] = Assumptions(prognos=f.key)
    last = inputs.last_year
    from naravard.model.scenario.params import PARAMS

    hmax = int(PARAMS["horisont"].max)  # type: ignore[arg-type]
    if min(last, hmax) != inputs.reference_year:
        out[f"Längre sikt ({min(last, hmax)})"] = Assumptions(horisont=min(last, hmax))
    return out


def preset_descriptions(inputs: ModelInputs) -> dict[str, str]:
    """One Swedish sentence per preset of :func:`presets`."""
    out: dict[str, str] = {}
    for name, a in presets(inputs).items():
        if name == "Som idag":
            out[name] = (
                "Standardvärdena: standardprognosen, andelarna och kvoterna kalibrerade till dagens "
                "inskrivna och platser, dagens antal vårdcentraler och filialer."
            )
        elif name == "Dialogunderlagets andelar":
            out[name] = "Som idag, men med källans avrundade andelar: " + "; ".join(d.text_sv for d in inputs.deck_ratios.values()) + "."
        elif a.prognos is not None:
            out[name] = f"Som idag, men med prognosen {inputs.forecast_label(a.prognos)}."
        else:
            out[name] = f"Som idag, men framskrivet till {a.horisont or inputs.reference_year}."
    return out
