"""Every output of the scenario model as one :class:`Output` record, and the result.

An ``Output`` carries its key (the column in :class:`ScenarioResult`'s frames), its
Swedish label and short label (headlines), unit, formula text, whether it exists per
kommun or only for the region, whether it is a signed difference, and how it is
shown (decimals, and a rounding note where the model itself rounds). Views, exports
and the comparison read these records, so a figure is labelled, rounded and
explained the same way on every surface.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

import pandas as pd

from naravard import fmt

if TYPE_CHECKING:  # pragma: no cover
    from naravard.model.scenario.assumptions import Assumptions
    from naravard.model.scenario.inputs import ModelInputs


@dataclass(frozen=True)
class Output:
    """One model output. ``formula_sv`` may hold ``{placeholders}`` that
    :func:`formula` fills from the data in use (region name, today's figures, the
    derivation of a default). ``decimals`` is how the screen and the export show it;
    :func:`shown` rounds to it."""

    key: str
    label_sv: str
    short_sv: str
    unit_sv: str
    formula_sv: str
    per_kommun: bool = True
    signed: bool = False
    decimals: int = 0
    rounding_sv: str = ""


OUTPUT_SPECS: tuple[Output, ...] = (
    Output(
        "pop_total",
        "Invånare",
        "Invånare",
        "invånare",
        "Invånare enligt vald prognos ({prognos}). Prognoser ur befolkningstabellerna: folkmängd 31 december, "
        "publicerade år, åren däremellan linjärt interpolerade. Dialogunderlagets prognos: invånare första året "
        "plus förändringen till sista året, jämnt fördelad över åren (bara till sista året). Egen prognos: "
        "invånarna basåret × (1 + årlig förändring) upphöjt till antalet år efter basåret.",
    ),
    Output(
        "pop_80",
        "Invånare 80 år och äldre",
        "Invånare 80+",
        "invånare",
        "Invånare 80 år och äldre per kommun ur tabellen över åldersgrupper, linjärt interpolerat mellan "
        "åren; {region} = summan av kommunerna ({regel}). Samma tabell används med dialogunderlagets "
        "prognos, som bara anger 80+ för regionen totalt ({deck_80}). Egen prognos: 80+ basåret × "
        "(1 + årlig förändring) upphöjt till antalet år.",
    ),
    Output(
        "inskrivna_ordinart",
        "Inskrivna i kommunal hälso- och sjukvård, ordinärt boende",
        "Inskrivna, ordinärt boende",
        "personer",
        "Andelen i ordinärt boende × invånare 80+. Standardandelen är {andel_ordinart}.",
    ),
    Output(
        "inskrivna_sabo",
        "Inskrivna i särskilt boende (SäBo)",
        "Inskrivna, SäBo",
        "personer",
        "Andelen i särskilt boende × invånare 80+. Standardandelen är {andel_sabo}.",
    ),
    Output(
        "sabo_platser_behov",
        "SäBo-platser som behövs",
        "SäBo-platser som behövs",
        "platser",
        "Inskrivna i SäBo × platser per inskriven (standard {sabo_platser_per_inskriven}).",
    ),
    Output(
        "korttid_platser_behov",
        "Korttidsplatser som behövs",
        "Korttidsplatser som behövs",
        "platser",
        "Invånare 80+ / 1 000 × korttidsplatser per 1 000 invånare 80+ (standard {korttid_per_1000_80}).",
    ),
    Output(
        "listade",
        "Listade på vårdcentral",
        "Listade",
        "personer",
        "Listade idag = snitt listade per vårdcentral × antal vårdcentraler per kommun enligt tabellen över "
        "utbudspunkter (avrundade värden). De räknas om med befolkningens förändring: listade idag × invånare "
        "året / invånare basåret (samma andel av invånarna listade som idag).",
    ),
    Output(
        "vardcentraler",
        "Vårdcentraler",
        "Vårdcentraler",
        "vårdcentraler",
        "Dagens antal vårdcentraler enligt tabellen över utbudspunkter. Åren efter basåret plus den ändring "
        "som valts i scenariot; aldrig färre än 0.",
    ),
    Output(
        "filialer",
        "Filialer",
        "Filialer",
        "filialer",
        "Dagens antal filialer enligt tabellen över utbudspunkter. Åren efter basåret plus den ändring som "
        "valts i scenariot; aldrig färre än 0.",
    ),
    Output(
        "listade_per_vc",
        "Listade per vårdcentral",
        "Listade per vårdcentral",
        "listade per vårdcentral",
        "Listade / antal vårdcentraler i scenariot. Kan inte räknas för en kommun utan vårdcentral (visas "
        "tomt). {region}: alla listade / alla vårdcentraler{listade_bas}.",
    ),
    Output(
        "vc_behov",
        "Vårdcentraler som behövs vid målet, avrundat uppåt per kommun",
        "Vårdcentraler som behövs (hela)",
        "vårdcentraler",
        "Listade / målet för listade per vårdcentral, avrundat uppåt till helt antal per kommun. "
        "Standardmålet är kommunens snitt idag; annars ett gemensamt tal för alla kommuner. "
        "{region} = summan av kommunernas avrundade tal. Avrundningen uppåt gör att en kommun vars listade ökar "
        "det minsta över målet räknas behöva en vårdcentral till; jämför med det oavrundade talet.",
        rounding_sv="avrundat uppåt per kommun",
    ),
    Output(
        "vc_behov_exakt",
        "Vårdcentraler som behövs vid målet, oavrundat",
        "Vårdcentraler som behövs",
        "vårdcentraler",
        "Listade / målet för listade per vårdcentral, utan avrundning. {region} = summan av kommunerna.",
        decimals=1,
    ),
    Output(
        "vc_skillnad",
        "Vårdcentraler: behov (avrundat uppåt per kommun) minus antal i scenariot",
        "Vårdcentraler, behov minus antal",
        "vårdcentraler",
        "Vårdcentraler som behövs (avrundat uppåt per kommun) minus antalet vårdcentraler i scenariot. "
        "Positivt tal = fler behövs för att nå målet.",
        signed=True,
        rounding_sv="avrundat uppåt per kommun",
    ),
    Output(
        "vc_skillnad_exakt",
        "Vårdcentraler: behov (oavrundat) minus antal i scenariot",
        "Vårdcentraler, behov minus antal",
        "vårdcentraler",
        "Vårdcentraler som behövs, oavrundat, minus antalet vårdcentraler i scenariot. Positivt tal = fler "
        "behövs för att nå målet. Det är skillnaden sidan visar.",
        signed=True,
        decimals=1,
    ),
    Output(
        "lakare_behov",
        "Läkare som behövs enligt kvoten",
        "Läkare som behövs",
        "läkare",
        "Invånare / invånare per läkare (standard {invanare_per_lakare}). Antalet läkare idag finns inte i "
        "källorna, så ingen skillnad mot idag visas.",
    ),
    Output(
        "sabo_platser_idag",
        "SäBo-platser idag",
        "SäBo-platser idag",
        "platser",
        "{sabo_platser} platser på särskilda boenden ({datum}). Finns bara för {region} totalt.",
        per_kommun=False,
    ),
    Output(
        "sabo_platser_skillnad",
        "SäBo-platser: behov minus dagens",
        "SäBo-platser, behov minus idag",
        "platser",
        "SäBo-platser som behövs minus dagens {sabo_platser}. Positivt tal = fler platser behövs än idag. "
        "Med kalibrerade kvoter är skillnaden noll {kal_ar} och växer sedan med antalet 80+. Bara för "
        "{region} totalt: antalet platser per kommun finns inte i källorna.",
        per_kommun=False,
        signed=True,
    ),
    Output(
        "korttid_platser_idag",
        "Korttidsplatser idag",
        "Korttidsplatser idag",
        "platser",
        "{korttid_platser} platser på korttidsboenden ({datum}). Finns bara för {region} totalt.",
        per_kommun=False,
    ),
    Output(
        "korttid_platser_skillnad",
        "Korttidsplatser: behov minus dagens",
        "Korttidsplatser, behov minus idag",
        "platser",
        "Korttidsplatser som behövs minus dagens {korttid_platser}. Positivt tal = fler platser behövs än idag. "
        "Med kalibrerade kvoter är skillnaden noll {kal_ar}. Bara för {region} totalt.",
        per_kommun=False,
        signed=True,
    ),
)
OUTPUT: dict[str, Output] = {o.key: o for o in OUTPUT_SPECS}

# Derived read-only views of the records. KOMMUN_OUTPUTS/OUTPUTS order the result's
# columns; the label and unit maps remain for callers that index by key (the Scenario
# page's output selector); new code reads OUTPUT[key].
KOMMUN_OUTPUTS: tuple[str, ...] = tuple(o.key for o in OUTPUT_SPECS if o.per_kommun)
TOTAL_ONLY_OUTPUTS: tuple[str, ...] = tuple(o.key for o in OUTPUT_SPECS if not o.per_kommun)
OUTPUTS: tuple[str, ...] = KOMMUN_OUTPUTS + TOTAL_ONLY_OUTPUTS
SIGNED_OUTPUTS: frozenset[str] = frozenset(o.key for o in OUTPUT_SPECS if o.signed)
OUTPUT_LABELS_SV: Mapping[str, str] = MappingProxyType({o.key: o.label_sv for o in OUTPUT_SPECS})
OUTPUT_UNITS_SV: Mapping[str, str] = MappingProxyType({o.key: o.unit_sv for o in OUTPUT_SPECS})


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "–"


def formula(key: str, inputs: ModelInputs | None = None, a: Assumptions | None = None) -> str:
    """The output's formula in plain Swedish, with the data's figures filled in."""
    return OUTPUT[key].formula_sv.format_map(_Blank(formula_values(inputs, a)))


def formula_values(inputs: ModelInputs | None, a: Assumptions | None = None) -> dict[str, str]:
    if inputs is None:
        return {"region": "regionen", "regel": "en regel för hela modellen"}
    f = inputs.figures
    d = inputs.data_defaults
    cal = inputs.calibration
    out = {
        "region": inputs.region_namn,
        "regel": "samma regel på alla sidor",
        "prognos": inputs.forecast_label(a.prognos if a is not None else None),
        "datum": str(f.datum or "–"),
        "kal_ar": f"den {cal.datum}" if cal else "det år de räknades",
    }
    if f.deck_80:
        out["deck_80"] = f"ca {fmt.number(f.deck_80)} år {f.deck_80_period}, källans avrundade tal"
    for k in ("sabo_platser", "korttid_platser"):
        v = getattr(f, k)
        if v is not None:
            out[k] = fmt.number(v)
    for k, dd in d.items():
        out[k] = dd.text_sv
    vc = float(inputs.vardcentraler.sum())
    if vc:
        listed = float((inputs.listade_per_vc * inputs.vardcentraler).sum())
        deck = (
            f"; dialogunderlagets eget avrundade snitt för hela regionen är ca {fmt.number(f.deck_listade_per_vc)}"
            if f.deck_listade_per_vc
            else ""
        )
        out["listade_bas"] = (
            f"; basåret {fmt.number(listed)} / {fmt.number(vc)} = {fmt.number(listed / vc)}, räknat ur de avrundade "
            f"snitten per kommun{deck}"
        )
    else:
        out["listade_bas"] = ""
    return out


def formulas(inputs: ModelInputs | None = None, a: Assumptions | None = None) -> dict[str, str]:
    """Every output's formula, filled in (key → text), in :data:`OUTPUT_SPECS` order."""
    return {o.key: formula(o.key, inputs, a) for o in OUTPUT_SPECS}


# The formulas without the data's figures (read-only; the UI uses formula(key, inputs)).
FORMULAS_SV: Mapping[str, str] = MappingProxyType(formulas(None))


def shown(key: str, value: float) -> float:
    """The value as the screen shows it: rounded to the output's decimals, half away
    from zero like :func:`naravard.fmt.number` (NaN stays NaN)."""
    if value is None or not math.isfinite(float(value)):
        return float("nan")
    d = OUTPUT[key].decimals
    s = float(fmt.number(value, d).replace("\u00a0", "").replace(",", ".").replace("\u2212", "-"))
    return s + 0.0


# ---------------------------------------------------------------- ScenarioResult


@dataclass(frozen=True)
class Change:
    """One output's change from the base year to the horizon."""

    key: str
    from_year: int
    to_year: int
    start: float
    end: float

    @property
    def diff(self) -> float:
        return self.end - self.start

    @property
    def pct(self) -> float:
        """Relative change in percent; NaN when the start is 0 or undefined."""
        if not math.isfinite(self.start) or self.start == 0:
            return float("nan")
        return (self.end - self.start) / abs(self.start) * 100.0


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """What :func:`~naravard.model.scenario.run.run` returns.

    ``per_kommun``: one row per kommun and year with ``kommunkod``, ``kommun``, ``year``
    and the :data:`KOMMUN_OUTPUTS` columns. ``totals``: one row per year with ``year``
    and the :data:`OUTPUTS` columns (the region as a whole). Years run from
    ``base_year`` to ``horizon`` (which can be earlier than ``requested_horizon``: see
    ``notes_sv``). ``values`` are the assumptions in force (the user's, else the
    data's). Treat the frames as read-only.
    """

    assumptions: Assumptions
    base_year: int
    horizon: int
    requested_horizon: int
    per_kommun: pd.DataFrame
    totals: pd.DataFrame
    notes_sv: tuple[str, ...]
    region_namn: str = "Regionen"
    forecast_key: str = ""
    forecast_label_sv: str = ""
    values: tuple[tuple[str, float | None], ...] = ()

    @property
    def years(self) -> list[int]:
        return list(range(self.base_year, self.horizon + 1))

    def value(self, key: str) -> float | None:
        """An assumption's value in force (the user's, else the data's)."""
        return dict(self.values).get(key, getattr(self.assumptions, key, None))

    def _check_key(self, key: str, kommunkod: str | None) -> None:
        if key not in OUTPUT:
            raise KeyError(f"unknown output {key!r}")
        if kommunkod is not None and not OUTPUT[key].per_kommun:
            raise KeyError(f"output {key!r} exists only for the region as a whole")

    def level(self, key: str, year: int | None = None, kommunkod: str | None = None) -> float:
        """The output's value in ``year`` (default: the horizon), for a kommun or the region."""
        self._check_key(key, kommunkod)
        year = self.horizon if year is None else int(year)
        if not (self.base_year <= year <= self.horizon):
            raise KeyError(f"year {year} is outside {self.base_year}..{self.horizon}")
        if kommunkod is None:
            return float(self.totals[key].iloc[year - self.base_year])
        rows = self.per_kommun
        hit = rows.loc[(rows["kommunkod"] == kommunkod) & (rows["year"] == year), key]
        if hit.empty:
            raise KeyError(f"unknown kommun code {kommunkod!r}")
        return float(hit.iloc[0])

    def change(self, key: str, kommunkod: str | None = None) -> Change:
        """The output at the base year and at the horizon."""
        return Change(
            key,
            self.base_year,
            self.horizon,
            self.level(key, self.base_year, kommunkod),
            self.level(key, self.horizon, kommunkod),
        )

    def horizon_table(self, key: str) -> pd.DataFrame:
        """Kommun rows plus a region row: ``kommunkod, kommun, start, end, diff, pct``.

        ``start`` is the base year, ``end`` the horizon; the region row has
        ``kommunkod`` None and ``kommun`` = region name.
        """
        self._check_key(key, None)
        rows = []
        if OUTPUT[key].per_kommun:
            pk = self.per_kommun
            b = pk[pk["year"] == self.base_year].set_index("kommunkod")
            h = pk[pk["year"] == self.horizon].set_index("kommunkod")
            for code in b.index:
                c = Change(key, self.base_year, self.horizon, float(b.at[code, key]), float(h.at[code, key]))
                rows.append((code, b.at[code, "kommun"], c.start, c.end, c.diff, c.pct))
        c = self.change(key)
        rows.append((None, self.region_namn, c.start, c.end, c.diff, c.pct))
        return pd.DataFrame(rows, columns=["kommunkod", "kommun", "start", "end", "diff", "pct"])


def compare(a: ScenarioResult, b: ScenarioResult, keys: tuple[str, ...]) -> pd.DataFrame:
    """Two results side by side at each one's horizon, per kommun and for the region.

    One row per (output, kommun) with the region last for each output: columns
    ``key, kommunkod, kommun, a, b, delta``. ``a`` and ``b`` are the values *as the
    screen shows them* (rounded to the output's decimals by :func:`shown`) and
    ``delta = b − a`` is computed from those, so a difference never contradicts the
    two figures beside it (+1 504 and +2 397 differ by +893, not +894). Outputs that
    exist only for the region have only the region row. NaN where undefined.
    """
    rows = []
    for k in keys:
        o = OUTPUT[k]
        if o.per_kommun:
            pa = a.per_kommun[a.per_kommun["year"] == a.horizon].set_index("kommunkod")
            pb = b.per_kommun[b.per_kommun["year"] == b.horizon].set_index("kommunkod")
            for code in pa.index:
                va = shown(k, float(pa.at[code, k]))
                vb = shown(k, float(pb.at[code, k])) if code in pb.index else float("nan")
                rows.append((k, code, pa.at[code, "kommun"], va, vb, _diff(k, va, vb)))
        va, vb = shown(k, a.level(k)), shown(k, b.level(k))
        rows.append((k, None, a.region_namn, va, vb, _diff(k, va, vb)))
    return pd.DataFrame(rows, columns=["key", "kommunkod", "kommun", "a", "b", "delta"])


def _diff(key: str, va: float, vb: float) -> float:
    if not (math.isfinite(va) and math.isfinite(vb)):
        return float("nan")
    return round(vb - va, OUTPUT[key].decimals) + 0.0
