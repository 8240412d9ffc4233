"""What-if changes to the unit register: add, remove or move a vårdcentral or filial.

A :class:`UnitChange` is part of a scenario (saved, and shared in a link), so it has a
short, plain text form for URLs (:func:`changes_to_text` / :func:`changes_from_text`):
tokens separated by commas,

* ``+v:X:Y`` / ``+f:X:Y`` — add a vårdcentral / filial at SWEREF 99 TM metres X, Y;
* ``-ID`` — remove the unit with id ID;
* ``~ID:X:Y`` — move the unit with id ID to X, Y.

Ids in a link are limited to :data:`ID_PATTERN` (the register's validation enforces the
same pattern, so every registered unit can be named). Coordinates are whole metres.
Parsing never evals anything and raises :class:`GeoChangeError` (English ``str()``,
Swedish ``message_sv``) naming the bad token; whether an id exists or a point lies in
the region is checked against the data by :func:`check_changes`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from naravard.errors import NaravardError
from naravard.sources.geoframes import ID_PATTERN, TYPE_FILIAL, TYPE_LABELS_SV, TYPE_VC

ADD, REMOVE, MOVE = "add", "remove", "move"
OPS = (ADD, REMOVE, MOVE)
MAX_CHANGES = 20
_ID_RE = re.compile(ID_PATTERN, re.ASCII)
_COORD = r"[0-9]{5,7}"
_TOKEN_RE = re.compile(
    rf"(?:\+(?P<atype>[vf]):(?P<ax>{_COORD}):(?P<ay>{_COORD}))"
    rf"|(?:-(?P<rid>{ID_PATTERN}))"
    rf"|(?:~(?P<mid>{ID_PATTERN}):(?P<mx>{_COORD}):(?P<my>{_COORD}))",
    re.ASCII,
)
_TYPE_CODE = {TYPE_VC: "v", TYPE_FILIAL: "f"}
_CODE_TYPE = {v: k for k, v in _TYPE_CODE.items()}
# Ids given to added units, in order: "ny-1", "ny-2", ...
NEW_ID_PREFIX = "ny-"


class GeoChangeError(NaravardError, ValueError):
    """A what-if change that cannot be used (English ``str()``, Swedish ``message_sv``)."""


@dataclass(frozen=True)
class UnitChange:
    """One change to the register. ``x``/``y`` are SWEREF 99 TM metres (whole)."""

    op: str
    unit_type: str = ""  # add only: TYPE_VC or TYPE_FILIAL
    unit_id: str = ""  # remove/move only
    x: int | None = None
    y: int | None = None

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise GeoChangeError(f"unknown change {self.op!r}", "Okänd ändring av enheter.")
        if self.op == ADD and self.unit_type not in _TYPE_CODE:
            raise GeoChangeError(f"unknown unit type {self.unit_type!r}", "Okänd enhetstyp.")
        if self.op in (REMOVE, MOVE) and not _ID_RE.fullmatch(self.unit_id or ""):
            raise GeoChangeError(f"bad unit id {self.unit_id!r}", "Ogiltigt enhets-id.")
        if self.op in (ADD, MOVE):
            for v in (self.x, self.y):
                if not isinstance(v, int) or isinstance(v, bool) or not (0 <= v <= 9_999_999):
                    raise GeoChangeError(f"bad coordinate {v!r}", "Ogiltig koordinat.")
            object.__setattr__(self, "x", int(self.x))
            object.__setattr__(self, "y", int(self.y))

    def describe_sv(self) -> str:
        """A short Swedish description for lists and exports."""
        if self.op == ADD:
            return f"Ny {TYPE_LABELS_SV[self.unit_type]} vid {self.x} / {self.y} (SWEREF 99 TM)"
        if self.op == REMOVE:
            return f"Enheten {self.unit_id} tas bort"
        return f"Enheten {self.unit_id} flyttas till {self.x} / {self.y} (SWEREF 99 TM)"

    def to_token(self) -> str:
        if self.op == ADD:
            return f"+{_TYPE_CODE[self.unit_type]}:{self.x}:{self.y}"
        if self.op == REMOVE:
            return f"-{self.unit_id}"
        return f"~{self.unit_id}:{self.x}:{self.y}"

    def to_json(self) -> dict:
        return {"op": self.op, "unit_type": self.unit_type, "unit_id": self.unit_id, "x": self.x, "y": self.y}

    @classmethod
    def from_json(cls, d: dict) -> "UnitChange":
        if not isinstance(d, dict):
            raise GeoChangeError("a change must be an object", "En ändring av enheter är skadad.")
        allowed = {"op", "unit_type", "unit_id", "x", "y"}
        if set(d) - allowed:
            raise GeoChangeError("unknown keys in a change", "En ändring av enheter är skadad.")
        return cls(**{k: d[k] for k in allowed if k in d and d[k] is not None})


def changes_to_text(changes: Iterable[UnitChange]) -> str:
    return ",".join(c.to_token() for c in changes)


def changes_from_text(text: str) -> tuple[UnitChange, ...]:
    """Parse a link value; raises :class:`GeoChangeError` naming the first bad token."""
    text = (text or "").strip()
    if not text:
        return ()
    tokens = text.split(",")
    if len(tokens) > MAX_CHANGES:
        raise GeoChangeError(
            f"more than {MAX_CHANGES} unit changes",
            f"Högst {MAX_CHANGES} ändringar av enheter kan ingå i ett scenario.",
        )
    out: list[UnitChange] = []
    for i, tok in enumerate(tokens, start=1):
        m = _TOKEN_RE.fullmatch(tok.strip())
        if not m:
            short = re.sub(r"[^A-Za-z0-9_.:+~\-]", "?", tok)[:24]
            raise GeoChangeError(f"change {i} ({short!r}) is not understood", f"Ändring {i} av enheterna ({short}) kunde inte läsas.")
        if m["atype"]:
            out.append(UnitChange(ADD, unit_type=_CODE_TYPE[m["atype"]], x=int(m["ax"]), y=int(m["ay"])))
        elif m["rid"]:
            out.append(UnitChange(REMOVE, unit_id=m["rid"]))
        else:
            out.append(UnitChange(MOVE, unit_id=m["mid"], x=int(m["mx"]), y=int(m["my"])))
    return tuple(out)


def check_changes(
    changes: Iterable[UnitChange],
    known_ids: Collection[str],
    bounds: tuple[float, float, float, float] | None = None,
) -> tuple[tuple[UnitChange, ...], list[str]]:
    """Keep the changes that fit the data; return them and a Swedish warning per dropped one.

    A change is dropped when it names an unknown id (or one already removed), or puts a
    point outside ``bounds`` (minx, miny, maxx, maxy in SWEREF 99 TM metres, e.g. the
    region's boundary box with a margin). Never raises.
    """
    kept: list[UnitChange] = []
    warnings: list[str] = []
    live = set(known_ids)
    for i, c in enumerate(changes, start=1):
        if len(kept) >= MAX_CHANGES:
            warnings.append(f"Högst {MAX_CHANGES} ändringar av enheter kan ingå; resten har utelämnats.")
            break
        if c.op in (REMOVE, MOVE) and c.unit_id not in live:
            warnings.append(f"Ändring {i}: enheten {c.unit_id} finns inte i registret som används och har utelämnats.")
            continue
        if c.op in (ADD, MOVE) and bounds is not None:
            minx, miny, maxx, maxy = bounds
            if not (minx <= c.x <= maxx and miny <= c.y <= maxy):
                warnings.append(f"Ändring {i}: platsen ligger utanför regionen och har utelämnats.")
                continue
        if c.op == REMOVE:
            live.discard(c.unit_id)
        kept.append(c)
    return tuple(kept), warnings


def new_unit_id(n: int) -> str:
    """Id of the n-th added unit (1-based)."""
    return f"{NEW_ID_PREFIX}{n}"
