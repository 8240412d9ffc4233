"""The user's choices: :class:`Assumptions` (frozen, validated, hashable, JSON round trip)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from dataclasses import replace as _dc_replace
from typing import Any

from naravard.model.geo.changes import MAX_CHANGES, GeoChangeError, UnitChange
from naravard.model.scenario.params import (
    DEFAULT_HORISONT,
    DEFAULT_LISTADE_PER_VC_MAL,
    DEFAULT_PROGNOS,
    JOINT_LIMITS,
    PARAMS,
    AssumptionError,
    KommunMap,
    check_float,
    check_int,
    check_joint_limits,
    check_kommun_map,
    check_prognos,
)

SCHEMA_VERSION = 1
# Fields that are not a Param (no widget of their own, no PARAMS record): the what-if
# changes to the unit register, made on the Geografi page.
NON_PARAM_FIELDS = ("enheter",)


@dataclass(frozen=True)
class Assumptions:
    """The user's choices. Validated on construction; raises :class:`AssumptionError`.

    Each value is checked against its :class:`Param`'s range, and values that share a
    bound are checked together (:data:`JOINT_LIMITS`: the 80+ shares in ordinary and
    special housing sum to at most 100 %).

    Per-kommun fields are :class:`KommunMap` (any mapping is accepted and converted).
    ``vc_forandring``/``filial_forandring`` drop zero entries (0 is the default), so
    ``{"1380": 0}`` equals ``{}``. ``egen_tillvaxt_*`` hold only the kommuner whose
    rate the user changed (percent per year); the others use the computed rate of the
    default forecast (:attr:`ModelInputs.tillvaxt_total_ref`).

    ``None`` in ``prognos`` means the data's default forecast; ``None`` in the ratios
    (``andel_*``, ``sabo_platser_per_inskriven``, ``korttid_per_1000_80``,
    ``invanare_per_lakare``) means the data's value: calibrated to the base year or
    read from the key-figure table (:attr:`ModelInputs.data_defaults`, which says how).

    ``enheter`` holds the what-if changes to the unit register (add, remove or move a
    vårdcentral or filial; :class:`~naravard.model.geo.changes.UnitChange`), at most
    :data:`~naravard.model.geo.changes.MAX_CHANGES`, in the order they were made. They
    belong to the scenario so that a saved or shared scenario carries them; whether an
    id exists in the register in use is checked where the register is known
    (:func:`~naravard.model.geo.changes.check_changes`). A payload saved before the
    field existed opens with no changes.
    """

    prognos: str | None = DEFAULT_PROGNOS
    horisont: int | None = DEFAULT_HORISONT
    andel_ordinart: float | None = None
    andel_sabo: float | None = None
    sabo_platser_per_inskriven: float | None = None
    korttid_per_1000_80: float | None = None
    listade_per_vc_mal: float | None = DEFAULT_LISTADE_PER_VC_MAL
    invanare_per_lakare: float | None = None
    vc_forandring: KommunMap = field(default=KommunMap())
    filial_forandring: KommunMap = field(default=KommunMap())
    egen_tillvaxt_total: KommunMap = field(default=KommunMap())
    egen_tillvaxt_80: KommunMap = field(default=KommunMap())
    enheter: tuple[UnitChange, ...] = ()

    def __post_init__(self) -> None:
        P = PARAMS
        setv = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        setv("enheter", _check_changes(self.enheter))
        setv("prognos", check_prognos(self.prognos))
        for k, p in P.items():
            if k == "prognos":
                continue
            v = getattr(self, k)
            if p.per_kommun:
                setv(k, check_kommun_map(p, v, integer=p.integer, drop_zero=p.integer))
            elif v is None and p.default is None:
                continue  # the data's value (or, for the listing target, each kommun's average)
            else:
                setv(k, check_int(p, v) if p.integer else check_float(p, v))
        # Limits across fields whose values are all set here; one left to the data
        # is checked with the data's value by run.resolve().
        check_joint_limits({k: getattr(self, k) for lim in JOINT_LIMITS for k in lim.keys})

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
            if f.name == "enheter":
                out[f.name] = [c.to_json() for c in v]
            else:
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


def _check_changes(value: Any) -> tuple[UnitChange, ...]:
    """The unit changes as a tuple of :class:`UnitChange`; dicts (JSON) are read with
    :meth:`UnitChange.from_json`. Raises :class:`AssumptionError` (Swedish message)."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise AssumptionError("enheter must be a list of unit changes", "Ändringarna av enheter är skadade.", "enheter")
    items = list(value)
    if len(items) > MAX_CHANGES:
        raise AssumptionError(
            f"more than {MAX_CHANGES} unit changes",
            f"Högst {MAX_CHANGES} ändringar av enheter kan ingå i ett scenario.",
            "enheter",
        )
    out: list[UnitChange] = []
    for item in items:
        try:
            out.append(item if isinstance(item, UnitChange) else UnitChange.from_json(item))
        except (GeoChangeError, TypeError) as e:
            detail = getattr(e, "message_sv", "")
            sv = "En ändring av enheter i scenariot är skadad" + (f": {detail}" if detail else ".")
            raise AssumptionError(f"bad unit change: {e}", sv, "enheter") from None
    return tuple(out)
