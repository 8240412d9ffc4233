"""The scenario model: what the population forecast means for primary care capacity.

Pure Python (numpy/pandas), no Streamlit. Three pieces:

* :class:`Assumptions` – the user's choices (frozen, validated, hashable, JSON round
  trip via :meth:`Assumptions.to_dict` / :meth:`Assumptions.from_dict`). Every choice
  is described by a :class:`Param` in :data:`PARAMS` (label, unit, default, range,
  source), so the UI builds its widgets from this module and cannot drift from it.
* :class:`ModelInputs` – the data the model needs, extracted once from a
  :class:`~naravard.data.Dataset` (:meth:`ModelInputs.from_dataset`) or built directly
  from arrays (tests, benchmarks).
* :func:`run` – evaluates the model for one set of assumptions and returns a
  :class:`ScenarioResult` with a per-kommun table, Halland totals and Swedish notes
  about the assumptions used and the gaps in the sources.

Nothing here invents data. Each output is a table value, a linear interpolation of
table values, or a table value multiplied by a labelled assumption; the formulas are
spelled out in Swedish in :data:`FORMULAS_SV`. Where the sources lack a figure (places
per kommun, today's physicians) the model shows no gap instead of guessing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from dataclasses import replace as _dc_replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from naravard import fmt
from naravard.errors import DataError, NaravardError

if TYPE_CHECKING:  # pragma: no cover
    from naravard.sources.dataset import Dataset

# ----------------------------------------------------------------------- constants

PROGNOS_RH2026 = "RH2026"
PROGNOS_HSU2023 = "HSU2023"
PROGNOS_EGEN = "EGEN"
PROGNOSER: tuple[str, ...] = (PROGNOS_RH2026, PROGNOS_HSU2023, PROGNOS_EGEN)
PROGNOS_LABELS_SV: dict[str, str] = {
    PROGNOS_RH2026: "Region Hallands befolkningsframskrivning 2026 (SCB t.o.m. 2025)",
    PROGNOS_HSU2023: "Dialogunderlagets prognos (HSU-2023, 2022–2030)",
    PROGNOS_EGEN: "Egen prognos (årlig förändring per kommun)",
}

# The deck's table: population 2022 and change to 2030.
HSU_BASAR = 2022
HSU_SLUTAR = 2030
# The default custom growth rate is each kommun's RH2026 annual rate base year → this year.
EGEN_REFERENSAR = 2030

HORISONT_MIN = 2025
HORISONT_MAX = 2040

# Defaults (HSU-2023 unless stated). Tests check them against the nyckeltal table.
DEFAULT_PROGNOS = PROGNOS_RH2026
DEFAULT_HORISONT = 2030
DEFAULT_ANDEL_ORDINART = 0.20  # 4 100 enrolled, "ca 20 %" of all 80+ (2023-01-01)
DEFAULT_ANDEL_SABO = 0.15  # 3 000 enrolled, "ca 15 %" of all 80+ (2023-01-01)
DEFAULT_SABO_PLATSER_PER_INSKRIVEN = 2964 / 3000  # 2 964 places, 3 000 enrolled in SäBo
DEFAULT_KORTTID_PER_1000_80 = 208 / 20000 * 1000  # 208 places, ca 20 000 aged 80+ → 10.4
DEFAULT_LISTADE_PER_VC_MAL: float | None = None  # None = today's average per kommun
DEFAULT_INVANARE_PER_LAKARE = 1100.0  # Region Kronoberg's target (RK-2025), not Halland's

# Ceil of listed/target with a tolerance, so 85 800 / 7 800 = 11.000000000001 stays 11.
_CEIL_EPS = 1e-9
_KOMMUNKOD = re.compile(r"^[0-9]{4}$")


# ------------------------------------------------------------------------- errors


class AssumptionError(NaravardError, ValueError):
    """Invalid assumptions. ``str(err)`` is English; ``err.message_sv`` is for the UI."""

    def __init__(self, message: str, message_sv: str, key: str | None = None, reason_sv: str | None = None):
        super().__init__(message, message_sv)
        self.key = key
        # The Swedish reason without the parameter's label (for callers that name it).
        self.reason_sv = reason_sv if reason_sv is not None else message_sv

    def __reduce__(self):
        return (self.__class__, (str(self), self.message_sv, self.key, self.reason_sv))


# ------------------------------------------------------------------------- params


@dataclass(frozen=True)
class Param:
    """Description of one assumption: the UI builds its widget from this.

    ``per_kommun`` params are mappings kommunkod → value; ``min``/``max``/``step``
    then apply to each value. ``is_share`` means the value is a fraction (0–1) that
    the UI shows as a percentage. ``choices`` is set for a choice between strings.
    """

    key: str
    label_sv: str
    unit_sv: str
    default: float | int | str | None
    min: float | None
    max: float | None
    step: float | None
    source_sv: str
    help_sv: str
    decimals: int = 0
    is_share: bool = False
    per_kommun: bool = False
    choices: tuple[str, ...] = ()


_ANTAGANDE = "Användarens antagande, ingen källa"

PARAMS: dict[str, Param] = {
    p.key: p
    for p in (
        Param(
            key="prognos",
            label_sv="Befolkningsprognos",
            unit_sv="",
            default=DEFAULT_PROGNOS,
            min=None,
            max=None,
            step=None,
            source_sv=(
                "RH2026: SCB:s befolkningsstatistik t.o.m. 2025 och Region Hallands "
                "befolkningsframskrivning 2026. HSU2023: dialogunderlaget (invånare 2022 och "
                "förändring till 2030). Egen: användarens antagande."
            ),
            help_sv=(
                "Vilken befolkningsprognos modellen räknar med. Dialogunderlagets prognos "
                "(ca 362 000 invånare 2030) är högre än Region Hallands nyare (ca 350 000) "
                "och sträcker sig bara till 2030."
            ),
            choices=PROGNOSER,
        ),
        Param(
            key="horisont",
            label_sv="Framskrivning till år",
            unit_sv="år",
            default=DEFAULT_HORISONT,
            min=HORISONT_MIN,
            max=HORISONT_MAX,
            step=1,
            source_sv="Användarens val",
            help_sv="Året som jämförs med basåret. Mellan publicerade år interpoleras befolkningen linjärt.",
        ),
        Param(
            key="andel_ordinart",
            label_sv="Andel av 80+ inskrivna i kommunal hälso- och sjukvård i ordinärt boende",
            unit_sv="andel av invånarna 80+",
            default=DEFAULT_ANDEL_ORDINART,
            min=0.0,
            max=1.0,
            step=0.01,
            source_sv="Dialogunderlaget HSU-2023: 4 100 inskrivna = ca 20 % av 80+ (2023-01-01)",
            help_sv=(
                "Antal inskrivna i förhållande till antalet invånare 80 år och äldre, räknat "
                "som i dialogunderlaget."
            ),
            decimals=2,
            is_share=True,
        ),
        Param(
            key="andel_sabo",
            label_sv="Andel av 80+ inskrivna i särskilt boende (SäBo)",
            unit_sv="andel av invånarna 80+",
            default=DEFAULT_ANDEL_SABO,
            min=0.0,
            max=1.0,
            step=0.01,
            source_sv="Dialogunderlaget HSU-2023: 3 000 inskrivna = ca 15 % av 80+ (2023-01-01)",
            help_sv=(
                "Antal inskrivna i kommunal hälso- och sjukvård i särskilt boende i förhållande "
                "till antalet invånare 80 år och äldre, räknat som i dialogunderlaget."
            ),
            decimals=2,
            is_share=True,
        ),
        Param(
            key="sabo_platser_per_inskriven",
            label_sv="SäBo-platser per inskriven i SäBo",
            unit_sv="platser per inskriven",
            default=DEFAULT_SABO_PLATSER_PER_INSKRIVEN,
            min=0.0,
            max=2.0,
            step=0.01,
            source_sv="Dialogunderlaget HSU-2023: 2 964 platser på 61 SäBo och 3 000 inskrivna (2 964 / 3 000 ≈ 0,99)",
            help_sv="Hur många platser som behövs per inskriven i särskilt boende.",
            decimals=3,
        ),
        Param(
            key="korttid_per_1000_80",
            label_sv="Korttidsplatser per 1 000 invånare 80+",
            unit_sv="platser per 1 000 invånare 80+",
            default=DEFAULT_KORTTID_PER_1000_80,
            min=0.0,
            max=50.0,
            step=0.1,
            source_sv=(
                "Dialogunderlaget HSU-2023: 208 platser på 8 korttidsboenden och ca 20 000 "
                "invånare 80+ (208 / 20 000 × 1 000 = 10,4)"
            ),
            help_sv="Platser på korttidsboende i förhållande till antalet invånare 80 år och äldre.",
            decimals=1,
        ),
        Param(
            key="listade_per_vc_mal",
            label_sv="Mål för listade per vårdcentral",
            unit_sv="listade per vårdcentral",
            default=DEFAULT_LISTADE_PER_VC_MAL,
            min=1000.0,
            max=20000.0,
            step=100.0,
            source_sv=(
                "Standard: dagens snitt per kommun enligt dialogunderlaget HSU-2023. "
                "Ett gemensamt tal för hela Halland är användarens antagande, ingen källa."
            ),
            help_sv=(
                "Används för att räkna hur många vårdcentraler som behövs. Tomt = varje kommuns "
                "snitt idag (Halland ca 7 400)."
            ),
        ),
        Param(
            key="invanare_per_lakare",
            label_sv="Invånare per läkare",
            unit_sv="invånare per läkare",
            default=DEFAULT_INVANARE_PER_LAKARE,
            min=200.0,
            max=5000.0,
            step=50.0,
            source_sv="Region Kronobergs mål (RK-2025), inte ett hallänskt mål",
            help_sv=(
                "Kvot för att räkna hur många läkare som behövs. Antalet läkare idag finns inte "
                "i källorna, så modellen visar inget underskott."
            ),
        ),
        Param(
            key="vc_forandring",
            label_sv="Fler eller färre vårdcentraler",
            unit_sv="vårdcentraler",
            default=0,
            min=-100,
            max=100,
            step=1,
            source_sv=_ANTAGANDE,
            help_sv=(
                "Ändring per kommun mot idag, räknad från året efter basåret. Under LOV beslutar "
                "regionen inte var en vårdcentral öppnar. En kommun kan inte få färre än 0."
            ),
            per_kommun=True,
        ),
        Param(
            key="filial_forandring",
            label_sv="Fler eller färre filialer",
            unit_sv="filialer",
            default=0,
            min=-100,
            max=100,
            step=1,
            source_sv=_ANTAGANDE,
            help_sv="Ändring per kommun mot idag, räknad från året efter basåret. En kommun kan inte få färre än 0.",
            per_kommun=True,
        ),
        Param(
            key="egen_tillvaxt_total",
            label_sv="Egen prognos: årlig befolkningsförändring",
            unit_sv="procent per år",
            default=None,
            min=-20.0,
            max=20.0,
            step=0.1,
            source_sv=(
                "Standard: kommunens årliga förändring 2025–2030 enligt Region Hallands "
                "befolkningsframskrivning 2026 (beräknad). Ett ändrat värde är användarens antagande."
            ),
            help_sv="Används bara med prognosen Egen. Förändringen räknas som ränta på ränta från basåret.",
            decimals=2,
            per_kommun=True,
        ),
        Param(
            key="egen_tillvaxt_80",
            label_sv="Egen prognos: årlig förändring av antalet 80+",
            unit_sv="procent per år",
            default=None,
            min=-20.0,
            max=20.0,
            step=0.1,
            source_sv=(
                "Standard: kommunens årliga förändring av antalet 80+ 2025–2030 enligt Region "
                "Hallands befolkningsframskrivning 2026 (beräknad). Ett ändrat värde är användarens antagande."
            ),
            help_sv="Används bara med prognosen Egen. Förändringen räknas som ränta på ränta från basåret.",
            decimals=2,
            per_kommun=True,
        ),
    )
}


# -------------------------------------------------------------------- KommunMap


class KommunMap(Mapping):
    """An immutable, hashable mapping kommunkod → number (sorted by code).

    Compares equal to a plain ``dict`` with the same items.
    """

    __slots__ = ("_items", "_d")

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None):
        d = dict(data or {})
        items = tuple(sorted(d.items()))
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_d", dict(items))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("KommunMap is immutable")

    def __getitem__(self, key: str) -> Any:
        return self._d[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, KommunMap):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._d == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"KommunMap({self._d!r})"

    def to_dict(self) -> dict[str, Any]:
        return dict(self._items)


# ------------------------------------------------------------------ validation


def _fmt_bound(p: Param, x: float) -> str:
    if p.unit_sv == "år":
        return str(int(x))
    if p.is_share:
        return fmt.plain(fmt.share(x))
    return fmt.plain(fmt.number(x, p.decimals))


def _where_sv(where: str) -> str:
    return f"kommun {where}: " if where else ""


def _range_error(p: Param, value: Any, where: str = "") -> AssumptionError:
    lo, hi = _fmt_bound(p, p.min), _fmt_bound(p, p.max)  # type: ignore[arg-type]
    reason = f"värdet måste ligga mellan {lo} och {hi}."
    return AssumptionError(
        f"{p.key}{' ' + where if where else ''}: {value!r} is outside the allowed range {p.min}..{p.max}",
        f"{p.label_sv}: {_where_sv(where)}{reason}",
        p.key,
        _where_sv(where) + reason,
    )


def _type_error(p: Param, value: Any, expected: str, expected_sv: str, where: str = "") -> AssumptionError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    reason = f"värdet måste vara {expected_sv}."
    return AssumptionError(
        f"{p.key}{' ' + where if where else ''}: expected {expected}, got {shown}",
        f"{p.label_sv}: {_where_sv(where)}{reason}",
        p.key,
        _where_sv(where) + reason,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _check_float(p: Param, value: Any, where: str = "") -> float:
    if not _is_number(value):
        raise _type_error(p, value, "a number", "ett tal", where)
    v = float(value)
    if not math.isfinite(v):
        raise _type_error(p, value, "a finite number", "ett ändligt tal", where)
    if not (p.min <= v <= p.max):  # type: ignore[operator]
        raise _range_error(p, value, where)
    return v


def _check_int(p: Param, value: Any, where: str = "") -> int:
    if not _is_number(value):
        raise _type_error(p, value, "an integer", "ett heltal", where)
    v = float(value)
    if not math.isfinite(v) or v != int(v):
        raise _type_error(p, value, "an integer", "ett heltal", where)
    if not (p.min <= v <= p.max):  # type: ignore[operator]
        raise _range_error(p, value, where)
    return int(v)


def _check_kommun_map(p: Param, value: Any, integer: bool, drop_zero: bool) -> KommunMap:
    if not isinstance(value, Mapping):
        raise _type_error(p, value, "a mapping kommunkod -> value", "en tabell kommunkod → värde")
    out: dict[str, int | float] = {}
    for code, v in value.items():
        if not isinstance(code, str) or not _KOMMUNKOD.match(code):
            shown = repr(code)[:20]
            reason = "kommunkoden måste ha fyra siffror."
            raise AssumptionError(
                f"{p.key}: {shown} is not a four-digit kommun code",
                f"{p.label_sv}: {reason}",
                p.key,
                reason,
            )
        where = code
        x = _check_int(p, v, where) if integer else _check_float(p, v, where)
        if drop_zero and x == 0:
            continue
        out[code] = x
    return KommunMap(out)


# ------------------------------------------------------------------ Assumptions

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Assumptions:
    """The user's choices. Validated on construction; raises :class:`AssumptionError`.

    Per-kommun fields are :class:`KommunMap` (any mapping is accepted and converted).
    ``vc_forandring``/``filial_forandring`` drop zero entries (0 is the default), so
    ``{"1380": 0}`` equals ``{}``. ``egen_tillvaxt_*`` hold only the kommuner whose
    rate the user changed (percent per year); the others use the computed RH2026 rate
    (:attr:`ModelInputs.tillvaxt_total_rh2026`).
    """

    prognos: str = DEFAULT_PROGNOS
    horisont: int = DEFAULT_HORISONT
    andel_ordinart: float = DEFAULT_ANDEL_ORDINART
    andel_sabo: float = DEFAULT_ANDEL_SABO
    sabo_platser_per_inskriven: float = DEFAULT_SABO_PLATSER_PER_INSKRIVEN
    korttid_per_1000_80: float = DEFAULT_KORTTID_PER_1000_80
    listade_per_vc_mal: float | None = DEFAULT_LISTADE_PER_VC_MAL
    invanare_per_lakare: float = DEFAULT_INVANARE_PER_LAKARE
    vc_forandring: KommunMap = field(default=KommunMap())
    filial_forandring: KommunMap = field(default=KommunMap())
    egen_tillvaxt_total: KommunMap = field(default=KommunMap())
    egen_tillvaxt_80: KommunMap = field(default=KommunMap())

    def __post_init__(self) -> None:
        P = PARAMS
        setv = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        if not isinstance(self.prognos, str) or self.prognos not in PROGNOSER:
            shown = repr(self.prognos)[:40]
            raise AssumptionError(
                f"prognos: {shown} is not one of {', '.join(PROGNOSER)}",
                f"{P['prognos'].label_sv}: okänt val. Välj {', '.join(PROGNOSER)}.",
                "prognos",
            )
        setv("horisont", _check_int(P["horisont"], self.horisont))
        for k in ("andel_ordinart", "andel_sabo", "sabo_platser_per_inskriven", "korttid_per_1000_80", "invanare_per_lakare"):
            setv(k, _check_float(P[k], getattr(self, k)))
        if self.listade_per_vc_mal is not None:
            setv("listade_per_vc_mal", _check_float(P["listade_per_vc_mal"], self.listade_per_vc_mal))
        setv("vc_forandring", _check_kommun_map(P["vc_forandring"], self.vc_forandring, integer=True, drop_zero=True))
        setv("filial_forandring", _check_kommun_map(P["filial_forandring"], self.filial_forandring, integer=True, drop_zero=True))
        setv("egen_tillvaxt_total", _check_kommun_map(P["egen_tillvaxt_total"], self.egen_tillvaxt_total, integer=False, drop_zero=False))
        setv("egen_tillvaxt_80", _check_kommun_map(P["egen_tillvaxt_80"], self.egen_tillvaxt_80, integer=False, drop_zero=False))

    # -- convenience

    def replace(self, **changes: Any) -> Assumptions:
        """A copy with some fields changed (validated again)."""
        unknown = sorted(set(changes) - {f.name for f in fields(self)})
        if unknown:
            raise AssumptionError(
                f"unknown assumption(s): {', '.join(unknown)}",
                f"Okänt antagande: {', '.join(unknown)}.",
                unknown[0],
            )
        return _dc_replace(self, **changes)

    def changed_keys(self) -> tuple[str, ...]:
        """Names of the fields that differ from the defaults, in :data:`PARAMS` order."""
        d = Assumptions()
        return tuple(f.name for f in fields(self) if getattr(self, f.name) != getattr(d, f.name))

    def kommun_codes_used(self) -> set[str]:
        return set(self.vc_forandring) | set(self.filial_forandring) | set(self.egen_tillvaxt_total) | set(self.egen_tillvaxt_80)

    def check_kommuner(self, codes: Iterable[str]) -> None:
        """Raise :class:`AssumptionError` if a per-kommun value names an unknown kommun."""
        unknown = sorted(self.kommun_codes_used() - set(codes))
        if unknown:
            raise AssumptionError(
                f"unknown kommun code(s): {', '.join(unknown)}",
                f"Okänd kommunkod i scenariot: {', '.join(unknown)}.",
                None,
            )

    # -- serialisation

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (plain str/int/float/None/dict values) with a ``version``."""
        out: dict[str, Any] = {"version": SCHEMA_VERSION}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.to_dict() if isinstance(v, KommunMap) else v
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Assumptions:
        """Inverse of :meth:`to_dict`. Missing keys take their defaults; unknown keys,
        another version or invalid values raise :class:`AssumptionError`."""
        if not isinstance(d, Mapping):
            raise AssumptionError("assumptions must be a mapping", "Scenariot kunde inte läsas.", None)
        d = dict(d)
        version = d.pop("version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise AssumptionError(
                f"unsupported assumptions version {version!r}",
                "Scenariot är sparat i ett format som den här versionen inte kan läsa.",
                "version",
            )
        names = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in set(d) - names)
        if unknown:
            raise AssumptionError(
                f"unknown assumption(s): {', '.join(unknown)}",
                f"Okänt antagande i scenariot: {', '.join(unknown)}.",
                unknown[0],
            )
        return cls(**d)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> Assumptions:
        try:
            d = json.loads(text)
        except (json.JSONDecodeError, TypeError) as e:
            raise AssumptionError(f"not valid JSON ({e})", "Scenariot kunde inte läsas.", None) from None
        return cls.from_dict(d)


PRESETS: dict[str, Assumptions] = {
    "Som idag": Assumptions(),
    "Högre andel i ordinärt boende (25 %)": Assumptions(andel_ordinart=0.25),
    "Dialogunderlagets prognos (HSU-2023)": Assumptions(prognos=PROGNOS_HSU2023),
    "Längre sikt (2040)": Assumptions(horisont=2040),
}
PRESET_DESCRIPTIONS_SV: dict[str, str] = {
    "Som idag": (
        "Standardvärdena: Region Hallands prognos till 2030, andelarna och kvoterna ur "
        "dialogunderlaget, dagens antal vårdcentraler och filialer."
    ),
    "Högre andel i ordinärt boende (25 %)": (
        "Som idag, men 25 % av invånarna 80+ inskrivna i kommunal hälso- och sjukvård i "
        "ordinärt boende i stället för 20 %."
    ),
    "Dialogunderlagets prognos (HSU-2023)": (
        "Som idag, men med dialogunderlagets befolkningsprognos (basår 2022, till 2030)."
    ),
    "Längre sikt (2040)": "Som idag, men framskrivet till 2040 med Region Hallands prognos.",
}


# -------------------------------------------------------------------- outputs

KOMMUN_OUTPUTS: tuple[str, ...] = (
    "pop_total",
    "pop_80",
    "inskrivna_ordinart",
    "inskrivna_sabo",
    "sabo_platser_behov",
    "korttid_platser_behov",
    "listade",
    "vardcentraler",
    "filialer",
    "listade_per_vc",
    "vc_behov",
    "vc_behov_exakt",
    "vc_skillnad",
    "lakare_behov",
)
# Only for Halland as a whole: the sources give today's places only as a total.
TOTAL_ONLY_OUTPUTS: tuple[str, ...] = (
    "sabo_platser_idag",
    "sabo_platser_skillnad",
    "korttid_platser_idag",
    "korttid_platser_skillnad",
)
OUTPUTS: tuple[str, ...] = KOMMUN_OUTPUTS + TOTAL_ONLY_OUTPUTS
# Outputs that can be negative (differences); all other outputs are levels ≥ 0.
SIGNED_OUTPUTS: frozenset[str] = frozenset({"vc_skillnad", "sabo_platser_skillnad", "korttid_platser_skillnad"})

OUTPUT_LABELS_SV: dict[str, str] = {
    "pop_total": "Invånare",
    "pop_80": "Invånare 80 år och äldre",
    "inskrivna_ordinart": "Inskrivna i kommunal hälso- och sjukvård, ordinärt boende",
    "inskrivna_sabo": "Inskrivna i särskilt boende (SäBo)",
    "sabo_platser_behov": "SäBo-platser som behövs",
    "sabo_platser_idag": "SäBo-platser idag",
    "sabo_platser_skillnad": "SäBo-platser: behov minus dagens",
    "korttid_platser_behov": "Korttidsplatser som behövs",
    "korttid_platser_idag": "Korttidsplatser idag",
    "korttid_platser_skillnad": "Korttidsplatser: behov minus dagens",
    "listade": "Listade på vårdcentral",
    "vardcentraler": "Vårdcentraler",
    "filialer": "Filialer",
    "listade_per_vc": "Listade per vårdcentral",
    "vc_behov": "Vårdcentraler som behövs vid målet för listade",
    "vc_behov_exakt": "Vårdcentraler som behövs vid målet, oavrundat",
    "vc_skillnad": "Vårdcentraler: behov minus antal i scenariot",
    "lakare_behov": "Läkare som behövs enligt kvoten",
}
OUTPUT_UNITS_SV: dict[str, str] = {
    "pop_total": "invånare",
    "pop_80": "invånare",
    "inskrivna_ordinart": "personer",
    "inskrivna_sabo": "personer",
    "sabo_platser_behov": "platser",
    "sabo_platser_idag": "platser",
    "sabo_platser_skillnad": "platser",
    "korttid_platser_behov": "platser",
    "korttid_platser_idag": "platser",
    "korttid_platser_skillnad": "platser",
    "listade": "personer",
    "vardcentraler": "vårdcentraler",
    "filialer": "filialer",
    "listade_per_vc": "listade per vårdcentral",
    "vc_behov": "vårdcentraler",
    "vc_behov_exakt": "vårdcentraler",
    "vc_skillnad": "vårdcentraler",
    "lakare_behov": "läkare",
}

FORMULAS_SV: dict[str, str] = {
    "pop_total": (
        "Invånare enligt vald prognos. Region Hallands prognos: SCB:s folkmängd 31 december "
        "t.o.m. 2025, därefter Region Hallands framskrivning 2026 för 2030, 2035 och 2040; åren "
        "däremellan är linjärt interpolerade. Dialogunderlagets prognos: invånare 2022 plus "
        "förändringen till 2030, jämnt fördelad över åren (bara till 2030). Egen prognos: "
        "invånarna basåret × (1 + årlig förändring) upphöjt till antalet år efter basåret."
    ),
    "pop_80": (
        "Invånare 80 år och äldre per kommun ur tabellen över åldersgrupper (SCB 2020 och 2025, "
        "Region Hallands framskrivning 2030–2040), linjärt interpolerat mellan åren. Med "
        "dialogunderlagets prognos används samma tabell, eftersom dialogunderlaget bara anger "
        "Halland totalt (ca 20 000 idag, ca 30 000 år 2030). Egen prognos: 80+ basåret × "
        "(1 + årlig förändring) upphöjt till antalet år."
    ),
    "inskrivna_ordinart": "Andelen i ordinärt boende × invånare 80+ (standard 20 % enligt dialogunderlaget).",
    "inskrivna_sabo": "Andelen i särskilt boende × invånare 80+ (standard 15 % enligt dialogunderlaget).",
    "sabo_platser_behov": (
        "Inskrivna i SäBo × platser per inskriven (standard 2 964 platser / 3 000 inskrivna ≈ 0,99)."
    ),
    "sabo_platser_idag": "2 964 platser på 61 särskilda boenden (dialogunderlaget, 2023). Finns bara för Halland totalt.",
    "sabo_platser_skillnad": (
        "SäBo-platser som behövs minus dagens 2 964. Positivt tal = fler platser behövs än idag. "
        "Bara för Halland totalt: antalet platser per kommun finns inte i källorna."
    ),
    "korttid_platser_behov": (
        "Invånare 80+ / 1 000 × korttidsplatser per 1 000 invånare 80+ (standard 208 platser / "
        "ca 20 000 invånare 80+ × 1 000 = 10,4)."
    ),
    "korttid_platser_idag": "208 platser på 8 korttidsboenden (dialogunderlaget, 2023). Finns bara för Halland totalt.",
    "korttid_platser_skillnad": (
        "Korttidsplatser som behövs minus dagens 208. Positivt tal = fler platser behövs än idag. "
        "Bara för Halland totalt."
    ),
    "listade": (
        "Listade idag = snitt listade per vårdcentral × antal vårdcentraler enligt dialogunderlaget "
        "(avrundade värden). De räknas om med befolkningens förändring: listade idag × invånare året / "
        "invånare basåret (samma andel av invånarna listade som idag)."
    ),
    "vardcentraler": (
        "Dagens antal vårdcentraler enligt dialogunderlaget. Åren efter basåret plus den ändring "
        "som valts i scenariot; aldrig färre än 0."
    ),
    "filialer": (
        "Dagens antal filialer enligt dialogunderlaget. Åren efter basåret plus den ändring som "
        "valts i scenariot; aldrig färre än 0."
    ),
    "listade_per_vc": (
        "Listade / antal vårdcentraler i scenariot. Kan inte räknas för en kommun utan vårdcentral "
        "(visas tomt). Halland: alla listade / alla vårdcentraler."
    ),
    "vc_behov": (
        "Listade / målet för listade per vårdcentral, avrundat uppåt till helt antal per kommun. "
        "Standardmålet är kommunens snitt idag; annars ett gemensamt tal för alla kommuner. "
        "Halland = summan av kommunerna. Avrundningen uppåt gör att en kommun vars listade ökar "
        "det minsta över målet räknas behöva en vårdcentral till; jämför med det oavrundade talet."
    ),
    "vc_behov_exakt": (
        "Listade / målet för listade per vårdcentral, utan avrundning. Halland = summan av kommunerna."
    ),
    "vc_skillnad": (
        "Vårdcentraler som behövs minus antalet vårdcentraler i scenariot. Positivt tal = fler "
        "behövs för att nå målet."
    ),
    "lakare_behov": (
        "Invånare / invånare per läkare (standard 1 100, Region Kronobergs mål, inte ett hallänskt "
        "mål). Antalet läkare idag finns inte i källorna, så ingen skillnad mot idag visas."
    ),
}


# ----------------------------------------------------------------- ModelInputs


def _ro(a: Any, dtype: Any = np.float64) -> np.ndarray:
    arr = np.array(a, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr


def _interp_rows(src_years: tuple[int, ...], values: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Linear interpolation per row; ``years`` must lie within ``src_years``."""
    sy = np.asarray(src_years, dtype=np.float64)
    idx = np.clip(np.searchsorted(sy, years, side="right") - 1, 0, len(sy) - 2) if len(sy) > 1 else np.zeros(len(years), int)
    if len(sy) == 1:
        return np.repeat(values[:, :1], len(years), axis=1)
    y0, y1 = sy[idx], sy[idx + 1]
    w = (years - y0) / (y1 - y0)
    return values[:, idx] * (1.0 - w) + values[:, idx + 1] * w


@dataclass(frozen=True, eq=False)
class ModelInputs:
    """Everything :func:`run` needs, as plain arrays (one row per kommun).

    Built once per dataset with :meth:`from_dataset`; can also be built directly
    (tests, benchmarks). Arrays are copied and made read-only.

    * ``vardcentraler``, ``filialer``, ``listade_per_vc``, ``hsu_invanare`` (2022),
      ``hsu_forandring`` (change 2022→2030): the deck's table, per kommun.
    * ``pop_total`` shape (kommuner, len(pop_years)); ``pop_80`` shape
      (kommuner, len(pop_80_years)): published years only, interpolated in :func:`run`.
    * ``sabo_platser_idag``, ``korttid_platser_idag``: Halland totals today (None if the
      table lacks them: then no gap is shown). ``invanare_80_kalla``: the 80+ figure the
      deck's ratios refer to (ca 20 000), used only in a note.
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
    sabo_platser_idag: float | None = None
    korttid_platser_idag: float | None = None
    invanare_80_kalla: float | None = None
    region_namn: str = "Halland"

    def __post_init__(self) -> None:
        setv = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        codes = tuple(str(c) for c in self.kommunkod)
        names = tuple(str(n) for n in self.kommun)
        n = len(codes)
        if n == 0:
            raise ValueError("ModelInputs needs at least one kommun")
        if len(set(codes)) != n or len(names) != n:
            raise ValueError("kommunkod must be unique and match kommun in length")
        bad = [c for c in codes if not _KOMMUNKOD.match(c)]
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
        for k in ("sabo_platser_idag", "korttid_platser_idag", "invanare_80_kalla"):
            v = getattr(self, k)
            if v is not None:
                v = float(v)
                if not math.isfinite(v) or v < 0:
                    raise ValueError(f"{k} must be finite and non-negative")
                setv(k, v)

    @property
    def n(self) -> int:
        return len(self.kommunkod)

    @property
    def last_year(self) -> int:
        """Last year for which RH2026 (total and 80+) has data."""
        return min(self.pop_years[-1], self.pop_80_years[-1])

    def index_of(self, kommunkod: str) -> int:
        try:
            return self.kommunkod.index(kommunkod)
        except ValueError:
            raise KeyError(f"unknown kommun code {kommunkod!r}") from None

    def _rate(self, years: tuple[int, ...], values: np.ndarray) -> KommunMap:
        ref = min(EGEN_REFERENSAR, years[-1])
        span = ref - self.basar
        yrs = np.array([self.basar, ref], dtype=np.float64)
        v = _interp_rows(years, values, yrs)
        out = {}
        for i, code in enumerate(self.kommunkod):
            a, b = v[i, 0], v[i, 1]
            out[code] = float(((b / a) ** (1.0 / span) - 1.0) * 100.0) if a > 0 and b > 0 and span > 0 else 0.0
        return KommunMap(out)

    @cached_property
    def tillvaxt_total_rh2026(self) -> KommunMap:
        """Each kommun's annual population change, percent, base year → 2030 (RH2026)."""
        return self._rate(self.pop_years, self.pop_total)

    @cached_property
    def tillvaxt_80_rh2026(self) -> KommunMap:
        """Each kommun's annual change of the 80+ population, percent, base year → 2030."""
        return self._rate(self.pop_80_years, self.pop_80)

    def growth_rates(self, a: Assumptions) -> tuple[KommunMap, KommunMap]:
        """The rates the custom forecast uses: the user's where set, else RH2026's."""
        t = {**self.tillvaxt_total_rh2026, **a.egen_tillvaxt_total}
        e = {**self.tillvaxt_80_rh2026, **a.egen_tillvaxt_80}
        return KommunMap(t), KommunMap(e)

    # -- constructors

    @classmethod
    def from_dataset(cls, ds: Dataset) -> ModelInputs:
        """Extract the model's inputs from a loaded dataset.

        Needs the tables ``utbud``, ``befolkning`` and ``befolkning_alder``; raises the
        dataset's :class:`~naravard.data.DataError` if one failed to load, or
        ``ValueError`` if a kommun lacks population rows. ``nyckeltal`` is optional.
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

        def fact(key: str) -> float | None:
            try:
                return ds.fact(key).value
            except DataError:
                return None

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
            sabo_platser_idag=fact("sabo_platser"),
            korttid_platser_idag=fact("korttid_platser"),
            invanare_80_kalla=fact("invanare_80_idag"),
            region_namn=ds.region.kort_namn,
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
        return cls(
            kommunkod=tuple(f"{1000 + i:04d}" for i in range(n_kommuner)),
            kommun=tuple(f"Kommun {i + 1}" for i in range(n_kommuner)),
            basar=basar,
            vardcentraler=vc,
            filialer=rng.integers(0, 10, n_kommuner),
            listade_per_vc=per_vc,
            hsu_invanare=np.round(pop[:, max(0, min(len(yrs) - 1, HSU_BASAR - yrs[0]))]),
            hsu_forandring=np.round(pop0 * growth * 8),
            pop_years=yrs,
            pop_total=np.round(pop),
            pop_80_years=yrs,
            pop_80=np.round(pop80),
            sabo_platser_idag=float(np.round(pop80[:, 0].sum() * 0.15)),
            korttid_platser_idag=float(np.round(pop80[:, 0].sum() * 0.01)),
            invanare_80_kalla=float(np.round(pop80[:, 0].sum())),
            region_namn="Syntetisk region",
        )


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
    """What :func:`run` returns.

    ``per_kommun``: one row per kommun and year with ``kommunkod``, ``kommun``, ``year``
    and the :data:`KOMMUN_OUTPUTS` columns. ``totals``: one row per year with ``year``
    and the :data:`OUTPUTS` columns (Halland as a whole). Years run from ``base_year``
    to ``horizon`` (which can be earlier than ``requested_horizon``: see ``notes_sv``).
    Treat the frames as read-only.
    """

    assumptions: Assumptions
    base_year: int
    horizon: int
    requested_horizon: int
    per_kommun: pd.DataFrame
    totals: pd.DataFrame
    notes_sv: tuple[str, ...]
    region_namn: str = "Halland"

    @property
    def years(self) -> list[int]:
        return list(range(self.base_year, self.horizon + 1))

    def _check_key(self, key: str, kommunkod: str | None) -> None:
        if key not in OUTPUTS:
            raise KeyError(f"unknown output {key!r}")
        if kommunkod is not None and key in TOTAL_ONLY_OUTPUTS:
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
        if key in KOMMUN_OUTPUTS:
            pk = self.per_kommun
            b = pk[pk["year"] == self.base_year].set_index("kommunkod")
            h = pk[pk["year"] == self.horizon].set_index("kommunkod")
            for code in b.index:
                c = Change(key, self.base_year, self.horizon, float(b.at[code, key]), float(h.at[code, key]))
                rows.append((code, b.at[code, "kommun"], c.start, c.end, c.diff, c.pct))
        c = self.change(key)
        rows.append((None, self.region_namn, c.start, c.end, c.diff, c.pct))
        return pd.DataFrame(rows, columns=["kommunkod", "kommun", "start", "end", "diff", "pct"])


# ------------------------------------------------------------------------- run


def _n(x: float, decimals: int = 0) -> str:
    return fmt.number(x, decimals)


def run(inputs: ModelInputs, a: Assumptions) -> ScenarioResult:
    """Evaluate the model for one set of assumptions (about 1 ms for Halland).

    Raises :class:`AssumptionError` if ``a`` names a kommun code that ``inputs`` does
    not have, and ``ValueError`` if the 80+ table does not reach back to 2022 (needed
    by the HSU2023 forecast). Every other edge case (no VC, 0 % or 100 % shares, a
    shrinking or empty kommun, horizon = base year, a horizon past the data) gives a
    defined result, NaN where a value is undefined, and a Swedish note."""
    a.check_kommuner(inputs.kommunkod)
    notes: list[str] = []
    names = inputs.kommun
    n = inputs.n

    # --- years
    if a.prognos == PROGNOS_HSU2023:
        base = HSU_BASAR
        last = min(a.horisont, HSU_SLUTAR)
        if a.horisont > HSU_SLUTAR:
            notes.append(
                f"Dialogunderlagets prognos sträcker sig bara till {HSU_SLUTAR}. Resultaten visas "
                f"t.o.m. {HSU_SLUTAR}, inte till {a.horisont}; modellen skriver inte fram prognosen längre."
            )
        if not (inputs.pop_80_years[0] <= base):
            raise ValueError(f"the 80+ table must start no later than {base} for the HSU2023 forecast")
        last = min(last, inputs.pop_80_years[-1])
    else:
        base = inputs.basar
        last = a.horisont
        data_last = inputs.last_year if a.prognos == PROGNOS_RH2026 else 10**6
        if last > data_last:
            notes.append(
                f"Befolkningsdata finns bara t.o.m. {data_last}; resultaten visas t.o.m. {data_last}, "
                f"inte till {a.horisont}."
            )
            last = data_last
    if last < base:
        notes.append(f"Det valda året ligger före basåret {base}; bara basåret visas.")
        last = base
    if last == base:
        notes.append(f"Framskrivningsåret är basåret ({base}); ingen förändring visas.")
    years = np.arange(base, last + 1)
    yf = years.astype(np.float64)
    T = len(years)

    # --- population
    if a.prognos == PROGNOS_HSU2023:
        pop_total = inputs.hsu_invanare[:, None] + inputs.hsu_forandring[:, None] * ((yf - HSU_BASAR) / (HSU_SLUTAR - HSU_BASAR))[None, :]
        pop_total = np.maximum(pop_total, 0.0)
        pop_80 = _interp_rows(inputs.pop_80_years, inputs.pop_80, yf)
        notes.append(
            f"Prognos: dialogunderlaget (HSU-2023). Basår {HSU_BASAR}: invånare {HSU_BASAR} plus "
            f"förändringen till {HSU_SLUTAR}, linjärt fördelad över åren."
        )
        notes.append(
            "Dialogunderlaget anger antalet invånare 80+ bara för Halland totalt (ca 20 000 idag, "
            "ca 30 000 år 2030). Per kommun används därför tabellen över åldersgrupper (SCB och "
            "Region Hallands framskrivning 2026), linjärt interpolerad."
        )
    elif a.prognos == PROGNOS_EGEN:
        g_tot, g_80 = inputs.growth_rates(a)
        gt = np.array([g_tot[c] for c in inputs.kommunkod]) / 100.0
        g8 = np.array([g_80[c] for c in inputs.kommunkod]) / 100.0
        steps = (yf - base)[None, :]
        base_tot = _interp_rows(inputs.pop_years, inputs.pop_total, np.array([float(base)]))[:, 0]
        base_80 = _interp_rows(inputs.pop_80_years, inputs.pop_80, np.array([float(base)]))[:, 0]
        pop_total = base_tot[:, None] * (1.0 + gt[:, None]) ** steps
        pop_80 = base_80[:, None] * (1.0 + g8[:, None]) ** steps
        own = sorted(set(a.egen_tillvaxt_total) | set(a.egen_tillvaxt_80))
        own_names = ", ".join(names[inputs.index_of(c)] for c in own)
        notes.append(
            f"Prognos: egen. Invånare och invånare 80+ från basåret {base} förändras med en fast årlig "
            "takt (ränta på ränta). "
            + (f"Egna tal för: {own_names}. " if own else "")
            + ("Övriga kommuner" if own else "Alla kommuner")
            + f" följer sin årliga takt {base}–{EGEN_REFERENSAR} enligt Region Hallands framskrivning 2026 (beräknad)."
        )
        if last > EGEN_REFERENSAR:
            notes.append(
                f"Efter {EGEN_REFERENSAR} fortsätter den egna prognosen med samma årliga takt. Region Hallands "
                f"framskrivning har en annan takt efter {EGEN_REFERENSAR}, så resultaten skiljer sig från den prognosen."
            )
    else:
        pop_total = _interp_rows(inputs.pop_years, inputs.pop_total, yf)
        pop_80 = _interp_rows(inputs.pop_80_years, inputs.pop_80, yf)
        notes.append(
            f"Prognos: SCB t.o.m. {base} och Region Hallands befolkningsframskrivning 2026. "
            "Åren mellan publicerade år är linjärt interpolerade."
        )

    if a.prognos != PROGNOS_EGEN and (a.egen_tillvaxt_total or a.egen_tillvaxt_80):
        notes.append("Egna tal för årlig befolkningsförändring används bara med prognosen Egen och påverkar inte resultatet.")

    # --- municipal health care and places
    inskrivna_ordinart = a.andel_ordinart * pop_80
    inskrivna_sabo = a.andel_sabo * pop_80
    sabo_behov = inskrivna_sabo * a.sabo_platser_per_inskriven
    korttid_behov = pop_80 / 1000.0 * a.korttid_per_1000_80
    notes.append(
        "Antalet SäBo- och korttidsplatser per kommun idag finns inte i källorna. Behovet visas per "
        "kommun, men skillnaden mot dagens platser bara för "
        f"{inputs.region_namn} totalt."
    )

    # --- primary care supply
    today_vc = inputs.vardcentraler
    listade0 = inputs.listade_per_vc * today_vc
    base_pop = pop_total[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base_pop[:, None] > 0, pop_total / np.where(base_pop > 0, base_pop, 1.0)[:, None], np.nan)
    listade = np.where(listade0[:, None] == 0, 0.0, listade0[:, None] * ratio)
    notes.append(
        "Listade idag = snitt listade per vårdcentral × antal vårdcentraler enligt dialogunderlaget "
        "(avrundade värden). De följer befolkningens förändring från basåret."
    )
    no_base_pop = [names[i] for i in range(n) if base_pop[i] <= 0 and listade0[i] > 0]
    if no_base_pop:
        notes.append(f"Inga invånare basåret i {', '.join(no_base_pop)}; antalet listade kan inte räknas om (visas tomt).")

    def supply(today: np.ndarray, change: KommunMap, what_sv: str) -> np.ndarray:
        delta = np.array([change.get(c, 0) for c in inputs.kommunkod], dtype=np.float64)
        after = today + delta
        clipped = [names[i] for i in range(n) if after[i] < 0]
        if clipped:
            notes.append(
                f"Minskningen av antalet {what_sv} är större än antalet idag i {', '.join(clipped)}; "
                "antalet sätts till 0."
            )
        after = np.maximum(after, 0.0)
        out = np.repeat(after[:, None], T, axis=1)
        out[:, 0] = today
        return out

    vardcentraler = supply(today_vc, a.vc_forandring, "vårdcentraler")
    filialer = supply(inputs.filialer, a.filial_forandring, "filialer")
    if (a.vc_forandring or a.filial_forandring) and T == 1:
        notes.append("Ändrat antal vårdcentraler eller filialer syns först året efter basåret.")
    with np.errstate(divide="ignore", invalid="ignore"):
        listade_per_vc = np.where(vardcentraler > 0, listade / np.where(vardcentraler > 0, vardcentraler, 1.0), np.nan)
    zero_vc = [names[i] for i in range(n) if (vardcentraler[i] == 0).any()]
    if zero_vc:
        notes.append(
            f"Ingen vårdcentral i {', '.join(zero_vc)} (i scenariot eller idag); listade per "
            "vårdcentral kan inte räknas där och visas tomt."
        )

    if a.listade_per_vc_mal is None:
        target = inputs.listade_per_vc.astype(np.float64)
        notes.append("Mål för listade per vårdcentral: varje kommuns snitt idag enligt dialogunderlaget.")
    else:
        target = np.full(n, a.listade_per_vc_mal)
        notes.append(
            f"Mål för listade per vårdcentral: {_n(a.listade_per_vc_mal)} i alla kommuner "
            "(användarens antagande, ingen källa)."
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        vc_behov_exakt = np.where(
            listade == 0,
            0.0,
            np.where(target[:, None] > 0, listade / np.where(target > 0, target, 1.0)[:, None], np.nan),
        )
    # Round up, with a tolerance so that 85 800 / 7 800 computed as 11.000000000001 stays 11.
    vc_behov = np.ceil(vc_behov_exakt - _CEIL_EPS) + 0.0  # + 0.0 turns -0.0 into 0.0
    no_target = [names[i] for i in range(n) if target[i] <= 0 and listade0[i] > 0]
    if no_target:
        notes.append(f"Inget snitt listade per vårdcentral idag i {', '.join(no_target)}; behovet av vårdcentraler kan inte räknas där.")
    vc_skillnad = vc_behov - vardcentraler

    lakare_behov = pop_total / a.invanare_per_lakare
    notes.append(
        f"Läkare: {_n(a.invanare_per_lakare)} invånare per läkare"
        + (" är Region Kronobergs mål (RK-2025), inte ett hallänskt mål." if a.invanare_per_lakare == DEFAULT_INVANARE_PER_LAKARE else " (användarens antagande).")
        + " Antalet läkare idag finns inte i källorna, så ingen skillnad mot idag visas."
    )

    zero80 = [names[i] for i in range(n) if (pop_80[i] == 0).all()]
    if zero80:
        notes.append(f"Inga invånare 80+ i {', '.join(zero80)}; behoven som bygger på 80+ blir 0 där.")

    # --- frames
    cols = {
        "pop_total": pop_total,
        "pop_80": pop_80,
        "inskrivna_ordinart": inskrivna_ordinart,
        "inskrivna_sabo": inskrivna_sabo,
        "sabo_platser_behov": sabo_behov,
        "korttid_platser_behov": korttid_behov,
        "listade": listade,
        "vardcentraler": vardcentraler,
        "filialer": filialer,
        "listade_per_vc": listade_per_vc,
        "vc_behov": vc_behov,
        "vc_behov_exakt": vc_behov_exakt,
        "vc_skillnad": vc_skillnad,
        "lakare_behov": lakare_behov,
    }
    per_kommun = pd.DataFrame(
        {
            "kommunkod": np.repeat(np.array(inputs.kommunkod, dtype=object), T),
            "kommun": np.repeat(np.array(names, dtype=object), T),
            "year": np.tile(years.astype(np.int64), n),
            **{k: np.asarray(v, dtype=np.float64).reshape(-1) for k, v in cols.items()},
        }
    )
    per_kommun["kommunkod"] = per_kommun["kommunkod"].astype("str")
    per_kommun["kommun"] = per_kommun["kommun"].astype("str")

    tot = {k: np.asarray(v, dtype=np.float64).sum(axis=0) for k, v in cols.items() if k != "listade_per_vc"}
    with np.errstate(divide="ignore", invalid="ignore"):
        tot["listade_per_vc"] = np.where(tot["vardcentraler"] > 0, tot["listade"] / np.where(tot["vardcentraler"] > 0, tot["vardcentraler"], 1.0), np.nan)
    nan = np.full(T, np.nan)
    for key, today in (("sabo_platser", inputs.sabo_platser_idag), ("korttid_platser", inputs.korttid_platser_idag)):
        tot[f"{key}_idag"] = np.full(T, today) if today is not None else nan
        tot[f"{key}_skillnad"] = tot[f"{key}_behov"] - today if today is not None else nan
    totals = pd.DataFrame({"year": years.astype(np.int64), **{k: tot[k] for k in OUTPUTS}})
    notes.append(
        f"{inputs.region_namn} totalt = summan av kommunerna; den kan skilja sig några personer från "
        "länets publicerade total, som är avrundad för sig."
    )

    # --- base-year consistency of the deck's ratios
    if inputs.sabo_platser_idag and inputs.invanare_80_kalla:
        b_need = float(tot["sabo_platser_behov"][0])
        if abs(b_need - inputs.sabo_platser_idag) > 0.05 * inputs.sabo_platser_idag:
            notes.append(
                f"Redan basåret {base} ger kvoterna {_n(b_need)} SäBo-platser mot dagens "
                f"{_n(inputs.sabo_platser_idag)}. Dialogunderlagets kvoter bygger på ca "
                f"{_n(inputs.invanare_80_kalla)} invånare 80+, medan tabellen anger "
                f"{_n(float(tot['pop_80'][0]))} för {base}."
            )
    if inputs.sabo_platser_idag is None or inputs.korttid_platser_idag is None:
        notes.append("Dagens antal SäBo- eller korttidsplatser saknas i tabellen; ingen skillnad mot idag visas.")

    return ScenarioResult(
        assumptions=a,
        base_year=int(base),
        horizon=int(last),
        requested_horizon=a.horisont,
        per_kommun=per_kommun,
        totals=totals,
        notes_sv=tuple(notes),
        region_namn=inputs.region_namn,
    )


def default_inputs() -> ModelInputs:
    """Inputs from the embedded dataset (loads it; cache the result in the app)."""
    from naravard.sources.dataset import load_dataset

    return ModelInputs.from_dataset(load_dataset())
