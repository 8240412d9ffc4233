"""Every assumption of the scenario model as one :class:`Param` record.

A ``Param`` carries everything about an assumption: its field name, its URL key,
the widget kind, percent scaling, Swedish label, unit, bounds, step, decimals,
source and help. The UI builds its widgets from :data:`PARAMS`, the link codec
(:mod:`naravard.export.link`) reads its URL keys from it and the exports their
labels, so adding an assumption touches its record here plus the model line that
uses it (and its field in :class:`~naravard.model.scenario.assumptions.Assumptions`).

A default of ``None`` means *the data's value*: the model takes it from the dataset
in use (:attr:`ModelInputs.data_defaults`), e.g. the 80+ ratios calibrated to the
base year, or a physician target from the key-figure table, with the derivation as
its source text. So no region's figure is typed in code.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from naravard import fmt
from naravard.errors import NaravardError

# Widget kinds (the UI maps each to one Streamlit widget).
CHOICE = "choice"
SLIDER = "slider"
NUMBER = "number"
PER_KOMMUN_NUMBER = "per_kommun_number"

HORISONT_MIN = 2025
HORISONT_MAX = 2040
DEFAULT_PROGNOS: str | None = None  # None = the data's default forecast (first in the manifest)
DEFAULT_HORISONT: int | None = None  # None = the default forecast's first projected year (the data's)
DEFAULT_LISTADE_PER_VC_MAL: float | None = None  # None = today's average per kommun

# Ceil of listed/target with a tolerance, so 85 800 / 7 800 = 11.000000000001 stays 11.
CEIL_EPS = 1e-9
KOMMUNKOD_RE = re.compile(r"^[0-9]{4}$")
_PROGNOS_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class AssumptionError(NaravardError, ValueError):
    """Invalid assumptions. ``str(err)`` is English; ``err.message_sv`` is for the UI."""

    def __init__(self, message: str, message_sv: str, key: str | None = None, reason_sv: str | None = None):
        super().__init__(message, message_sv)
        self.key = key
        # The Swedish reason without the parameter's label (for callers that name it).
        self.reason_sv = reason_sv if reason_sv is not None else message_sv

    def __reduce__(self):
        return (self.__class__, (str(self), self.message_sv, self.key, self.reason_sv))


@dataclass(frozen=True)
class Param:
    """Everything about one assumption.

    ``per_kommun`` params are mappings kommunkod → value; ``min``/``max``/``step``
    then apply to each value. ``is_share`` means the value is a fraction (0–1) that
    the UI shows as whole percent (``scale`` 100). ``integer`` values are whole
    numbers. ``url_key`` is the short ASCII key in a shared link. ``widget`` is one of
    :data:`CHOICE`, :data:`SLIDER`, :data:`NUMBER`, :data:`PER_KOMMUN_NUMBER`.
    ``default`` None means the data's value (see the module docstring).
    ``label_names_source``: the control's label itself says whose figure the default
    is (a reference borrowed from elsewhere must not hide in a tooltip).
    """

    key: str
    url_key: str
    widget: str
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
    integer: bool = False
    choices: tuple[str, ...] = ()
    label_names_source: bool = False

    @property
    def scale(self) -> float:
        """Widget value = model value × scale (whole percent for shares)."""
        return 100.0 if self.is_share else 1.0

    @property
    def data_default(self) -> bool:
        """True if the default comes from the data in use."""
        return self.default is None and self.key != "listade_per_vc_mal" and not self.per_kommun


_ANTAGANDE = "Användarens antagande, ingen källa"
_KALIBRERAD = (
    "Standard: kalibrerad till dagens läge – dagens antal (nyckeltalstabellen) delat med "
    "invånarna 80+ samma datum (tabellen över åldersgrupper, summan av kommunerna, linjärt "
    "interpolerad). Då är skillnaden mot dagens platser noll det året och det som visas är "
    "tillväxten. Förvalet ”Dialogunderlagets andelar” ger källans avrundade andelar."
)

PARAMS: Mapping[str, Param] = MappingProxyType({
    p.key: p
    for p in (
        Param(
            key="prognos",
            url_key="prognos",
            widget=CHOICE,
            label_sv="Befolkningsprognos",
            unit_sv="",
            default=DEFAULT_PROGNOS,
            min=None,
            max=None,
            step=None,
            source_sv="Prognoserna och deras källor står i datakatalogens manifest; Egen är användarens antagande.",
            help_sv="Vilken befolkningsprognos modellen räknar med. Prognoserna skiljer sig åt; se Befolkning.",
        ),
        Param(
            key="horisont",
            url_key="ar",
            widget=SLIDER,
            label_sv="Framskrivning till år",
            unit_sv="år",
            default=DEFAULT_HORISONT,
            min=HORISONT_MIN,
            max=HORISONT_MAX,
            step=1,
            source_sv="Standard: standardprognosens första prognosår efter basåret. Ett annat år är användarens val.",
            help_sv="Året som jämförs med basåret. Mellan publicerade år interpoleras befolkningen linjärt.",
            integer=True,
        ),
        Param(
            key="andel_ordinart",
            url_key="ordinart",
            widget=SLIDER,
            label_sv="Andel av 80+ inskrivna i kommunal hälso- och sjukvård i ordinärt boende",
            unit_sv="andel av invånarna 80+",
            default=None,
            min=0.0,
            max=1.0,
            step=0.01,
            source_sv=_KALIBRERAD,
            help_sv="Antal inskrivna i förhållande till antalet invånare 80 år och äldre.",
            decimals=2,
            is_share=True,
        ),
        Param(
            key="andel_sabo",
            url_key="sabo",
            widget=SLIDER,
            label_sv="Andel av 80+ inskrivna i särskilt boende (SäBo)",
            unit_sv="andel av invånarna 80+",
            default=None,
            min=0.0,
            max=1.0,
            step=0.01,
            source_sv=_KALIBRERAD,
            help_sv=(
                "Antal inskrivna i kommunal hälso- och sjukvård i särskilt boende i förhållande "
                "till antalet invånare 80 år och äldre."
            ),
            decimals=2,
            is_share=True,
        ),
        Param(
            key="sabo_platser_per_inskriven",
            url_key="sabokvot",
            widget=NUMBER,
            label_sv="SäBo-platser per inskriven i SäBo",
            unit_sv="platser per inskriven",
            default=None,
            min=0.0,
            max=2.0,
            step=0.01,
            source_sv="Standard: dagens SäBo-platser / dagens inskrivna i SäBo (nyckeltalstabellen).",
            help_sv="Hur många platser som behövs per inskriven i särskilt boende.",
            decimals=3,
        ),
        Param(
            key="korttid_per_1000_80",
            url_key="korttid",
            widget=NUMBER,
            label_sv="Korttidsplatser per 1 000 invånare 80+",
            unit_sv="platser per 1 000 invånare 80+",
            default=None,
            min=0.0,
            max=50.0,
            step=0.1,
            source_sv=_KALIBRERAD,
            help_sv="Platser på korttidsboende i förhållande till antalet invånare 80 år och äldre.",
            decimals=1,
        ),
        Param(
            key="listade_per_vc_mal",
            url_key="listmal",
            widget=NUMBER,
            label_sv="Mål för listade per vårdcentral",
            unit_sv="listade per vårdcentral",
            default=DEFAULT_LISTADE_PER_VC_MAL,
            min=1000.0,
            max=20000.0,
            step=100.0,
            source_sv=(
                "Standard: dagens snitt per kommun enligt tabellen över utbudspunkter. "
                "Ett gemensamt tal för hela regionen är användarens antagande, ingen källa."
            ),
            help_sv="Används för att räkna hur många vårdcentraler som behövs. Tomt = varje kommuns snitt idag.",
        ),
        Param(
            key="invanare_per_lakare",
            url_key="lakarkvot",
            widget=NUMBER,
            label_sv="Invånare per läkare",
            unit_sv="invånare per läkare",
            default=None,
            min=200.0,
            max=5000.0,
            step=50.0,
            source_sv="Standard: målet i nyckeltalstabellen (raden invanare_per_lakare_mal), med den källa och beskrivning som står där.",
            help_sv=(
                "Kvot för att räkna hur många läkare som behövs. Antalet läkare idag finns inte "
                "i källorna, så modellen visar inget underskott."
            ),
            label_names_source=True,
        ),
        Param(
            key="vc_forandring",
            url_key="vc",
            widget=PER_KOMMUN_NUMBER,
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
            integer=True,
        ),
        Param(
            key="filial_forandring",
            url_key="filial",
            widget=PER_KOMMUN_NUMBER,
            label_sv="Fler eller färre filialer",
            unit_sv="filialer",
            default=0,
            min=-100,
            max=100,
            step=1,
            source_sv=_ANTAGANDE,
            help_sv="Ändring per kommun mot idag, räknad från året efter basåret. En kommun kan inte få färre än 0.",
            per_kommun=True,
            integer=True,
        ),
        Param(
            key="egen_tillvaxt_total",
            url_key="tillvaxt",
            widget=PER_KOMMUN_NUMBER,
            label_sv="Egen prognos: årlig befolkningsförändring",
            unit_sv="procent per år",
            default=None,
            min=-20.0,
            max=20.0,
            step=0.1,
            source_sv=(
                "Standard: kommunens årliga förändring från basåret till första prognosåret enligt "
                "standardprognosen (beräknad). Ett ändrat värde är användarens antagande."
            ),
            help_sv="Används bara med prognosen Egen. Förändringen räknas som ränta på ränta från basåret.",
            decimals=2,
            per_kommun=True,
        ),
        Param(
            key="egen_tillvaxt_80",
            url_key="tillvaxt80",
            widget=PER_KOMMUN_NUMBER,
            label_sv="Egen prognos: årlig förändring av antalet 80+",
            unit_sv="procent per år",
            default=None,
            min=-20.0,
            max=20.0,
            step=0.1,
            source_sv=(
                "Standard: kommunens årliga förändring av antalet 80+ från basåret till första "
                "prognosåret enligt standardprognosen (beräknad). Ett ändrat värde är användarens antagande."
            ),
            help_sv="Används bara med prognosen Egen. Förändringen räknas som ränta på ränta från basåret.",
            decimals=2,
            per_kommun=True,
        ),
    )
})


@dataclass(frozen=True)
class JointLimit:
    """A bound on the sum of several assumptions, each valid on its own.

    The 80+ enrolled in home care and in special housing are two groups of the same
    population: their shares cannot add up to more than all of it. Each share's own
    range (0–100 %) cannot say that, so the model, the link reader and the controls
    all check :data:`JOINT_LIMITS` (:func:`check_joint_limits`).
    """

    keys: tuple[str, ...]
    max: float
    what_sv: str  # what the sum is, in Swedish ("andelarna av invånarna 80+")

    def total(self, values: Mapping[str, Any]) -> float | None:
        """The sum, or None when a value is missing (not set, or the data has none)."""
        xs = [values.get(k) for k in self.keys]
        if any(x is None or not _is_number(x) or not math.isfinite(float(x)) for x in xs):
            return None
        return float(sum(float(x) for x in xs))  # type: ignore[arg-type]

    def error(self, values: Mapping[str, Any]) -> AssumptionError | None:
        """The Swedish error if the values break the limit, else None."""
        total = self.total(values)
        if total is None or total <= self.max + 1e-9:
            return None
        parts = " + ".join(_fmt_share(values[k]) for k in self.keys)
        reason = f"{self.what_sv} får tillsammans vara högst {_fmt_share(self.max)}, men blir {_fmt_share(total)} ({parts})."
        en = " + ".join(f"{k}={float(values[k])!r}" for k in self.keys)
        return AssumptionError(
            f"{en} = {total!r} exceeds the joint limit {self.max}",
            f"{reason[:1].upper()}{reason[1:]}",
            self.keys[-1],
            reason,
        )


def _fmt_share(x: Any) -> str:
    # whole percent unless that would hide the excess (100,4 % must not read 100 %)
    v = float(x) * 100
    return fmt.plain(fmt.percent(v, 0 if abs(v - round(v)) < 0.05 else 1))


JOINT_LIMITS: tuple[JointLimit, ...] = (
    JointLimit(("andel_ordinart", "andel_sabo"), 1.0, "andelarna av invånarna 80+ inskrivna i ordinärt boende och i SäBo"),
)


def check_joint_limits(values: Mapping[str, Any]) -> None:
    """Raise :class:`AssumptionError` (Swedish) for the first joint limit broken by
    ``values`` (field → value); a limit with a missing value is not checked here."""
    for limit in JOINT_LIMITS:
        err = limit.error(values)
        if err is not None:
            raise err


# Params whose default is the data's value (resolved by ModelInputs.data_defaults).
DATA_DEFAULT_PARAMS: tuple[str, ...] = tuple(k for k, p in PARAMS.items() if p.data_default and k != "prognos")
# Params that the calibration to the base year sets (the deck's shares are a preset).
CALIBRATED_PARAMS: tuple[str, ...] = ("andel_ordinart", "andel_sabo", "korttid_per_1000_80")


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


def check_prognos(value: Any) -> Any:
    """A forecast key's syntax (None = the data's default); whether the data has that
    forecast is checked by :func:`~naravard.model.scenario.run.run`."""
    if value is None or (isinstance(value, str) and _PROGNOS_RE.match(value)):
        return value
    shown = repr(value)[:40]
    p = PARAMS["prognos"]
    raise AssumptionError(
        f"prognos: {shown} is not a forecast key",
        f"{p.label_sv}: okänt val.",
        "prognos",
        "okänt val.",
    )


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


def check_float(p: Param, value: Any, where: str = "") -> float:
    if not _is_number(value):
        raise _type_error(p, value, "a number", "ett tal", where)
    v = float(value)
    if not math.isfinite(v):
        raise _type_error(p, value, "a finite number", "ett ändligt tal", where)
    if not (p.min <= v <= p.max):  # type: ignore[operator]
        raise _range_error(p, value, where)
    return v


def check_int(p: Param, value: Any, where: str = "") -> int:
    if not _is_number(value):
        raise _type_error(p, value, "an integer", "ett heltal", where)
    v = float(value)
    if not math.isfinite(v) or v != int(v):
        raise _type_error(p, value, "an integer", "ett heltal", where)
    if not (p.min <= v <= p.max):  # type: ignore[operator]
        raise _range_error(p, value, where)
    return int(v)


def check_kommun_map(p: Param, value: Any, integer: bool, drop_zero: bool) -> KommunMap:
    if not isinstance(value, Mapping):
        raise _type_error(p, value, "a mapping kommunkod -> value", "en tabell kommunkod → värde")
    out: dict[str, int | float] = {}
    for code, v in value.items():
        if not isinstance(code, str) or not KOMMUNKOD_RE.match(code):
            shown = repr(code)[:20]
            reason = "kommunkoden måste ha fyra siffror."
            raise AssumptionError(
                f"{p.key}: {shown} is not a four-digit kommun code",
                f"{p.label_sv}: {reason}",
                p.key,
                reason,
            )
        where = code
        x = check_int(p, v, where) if integer else check_float(p, v, where)
        if drop_zero and x == 0:
            continue
        out[code] = x
    return KommunMap(out)


