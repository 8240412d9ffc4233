"""Share a scenario as URL query parameters, and read one back safely.

The format is plain text, versioned (``v=1``) and compact: only values that differ
from the defaults are written. Per-kommun values are ``code:value`` pairs separated
by commas, e.g. ``vc=1380:+1,1315:-1``. No pickle, no eval, no encoded objects.

:func:`from_query` never raises. Each bad value (unknown key, wrong type, NaN or
infinity, out of range, unknown kommun code, repeated with different values, longer
than :data:`MAX_VALUE_LEN` characters) falls back to its default on its own and adds
a Swedish warning that names the parameter. Values that are each valid but break a
limit together (:data:`~naravard.model.scenario.JOINT_LIMITS`: ``ordinart=1&sabo=1``
would enrol 200 % of the 80+) all fall back to their defaults, with one warning that
names them and their sum. Warnings never echo raw input beyond a short, sanitised
excerpt, so they are safe to show in the UI.

The scenario's what-if changes to the unit register (``Assumptions.enheter``) travel
under :data:`ENH_KEY` in their link text form (``enh=+f:372000:6300000,-ID,~ID:X:Y``;
see :mod:`naravard.model.geo.changes`). Each token is read on its own: a token that
cannot be read is dropped with a warning naming it, and the rest is checked against
the data in use (:func:`~naravard.model.geo.changes.check_changes`: ids of the
register in use, the region's bounds), each dropped change with its own warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlencode

from naravard.model.geo.changes import MAX_CHANGES, GeoChangeError, changes_from_text, changes_to_text, check_changes
from naravard.model.scenario import JOINT_LIMITS, PARAMS, AssumptionError, Assumptions, KommunMap

QUERY_VERSION = "1"
VERSION_KEY = "v"
# Assumption field → URL key (short, readable, ASCII): read from each Param record.
QUERY_KEYS: dict[str, str] = {k: p.url_key for k, p in PARAMS.items()}
FIELD_OF_KEY: dict[str, str] = {v: k for k, v in QUERY_KEYS.items()}

MAX_VALUE_LEN = 200  # characters per value; per-kommun values may hold more (see below)
_PER_KOMMUN_CHARS = 32  # room per kommun in a per-kommun value ("1380:-1.2345678901234567e-05,")
MAX_KEYS = 50  # more keys than this are ignored (with one warning)
MAX_WARNINGS = 12
# The what-if changes to the unit register (Assumptions.enheter), not a Param.
ENH_KEY = "enh"
ENH_LABEL_SV = "ändringar av enheterna (enh)"
# Room per change in the value: "~" + a 40-character id + ":1234567:1234567" + ",".
_PER_CHANGE_CHARS = 60
MAX_ENH_LEN = _PER_CHANGE_CHARS * MAX_CHANGES

_INT_FIELDS = {k for k, p in PARAMS.items() if p.integer and not p.per_kommun}
_INT_MAP_FIELDS = {k for k, p in PARAMS.items() if p.integer and p.per_kommun}
_FLOAT_MAP_FIELDS = {k for k, p in PARAMS.items() if p.per_kommun and not p.integer}

# ASCII only: Python's float()/int() also accept "nan", "inf", "1_000" and non-ASCII
# digits, none of which belong in a link.
_INT_RE = re.compile(r"[+-]?[0-9]{1,9}", re.ASCII)
_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?", re.ASCII)
_CODE_RE = re.compile(r"[0-9]{4}", re.ASCII)


# --------------------------------------------------------------------- writing


def _fmt_float(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def _fmt_map(m: KommunMap, integer: bool) -> str:
    if integer:
        return ",".join(f"{c}:{int(v):+d}" for c, v in m.items())
    return ",".join(f"{c}:{_fmt_float(v)}" for c, v in m.items())


def to_query(a: Assumptions) -> dict[str, str]:
    """The assumptions as query parameters: ``v`` plus every non-default value."""
    d = Assumptions()
    out: dict[str, str] = {VERSION_KEY: QUERY_VERSION}
    for field, key in QUERY_KEYS.items():
        v = getattr(a, field)
        if v == getattr(d, field):
            continue
        if field == "prognos":
            out[key] = str(v)
        elif field in _INT_FIELDS:
            out[key] = str(int(v))
        elif field in _INT_MAP_FIELDS:
            out[key] = _fmt_map(v, integer=True)
        elif field in _FLOAT_MAP_FIELDS:
            out[key] = _fmt_map(v, integer=False)
        else:
            out[key] = _fmt_float(v)
    if a.enheter:
        out[ENH_KEY] = changes_to_text(a.enheter)
    return out


def to_query_string(a: Assumptions) -> str:
    """``to_query`` URL-encoded, e.g. ``v=1&ordinart=0.25`` (``:`` and ``,`` kept)."""
    return urlencode(to_query(a), safe=":,")


# --------------------------------------------------------------------- reading


def _safe(text: Any, limit: int = 30) -> str:
    """A short excerpt of untrusted text, safe for Markdown/HTML: ASCII letters,
    digits, ``. : , + - _`` only; anything else becomes ``?``."""
    s = str(text)
    cut = len(s) > limit
    s = "".join(ch if (ch.isascii() and (ch.isalnum() or ch in ".:,+-_")) else "?" for ch in s[:limit])
    return s + ("…" if cut else "")


def _label(field: str) -> str:
    return f"{PARAMS[field].label_sv} ({QUERY_KEYS[field]})"


def _parse_float(text: str) -> float | None:
    if not _FLOAT_RE.fullmatch(text):
        return None
    x = float(text)
    return x if math.isfinite(x) else None


def _parse_int(text: str) -> int | None:
    return int(text) if _INT_RE.fullmatch(text) else None


class _Reader:
    def __init__(self, codes: frozenset[str], forecasts: tuple[str, ...] | None):
        self.codes = codes
        self.forecasts = forecasts
        self.warnings: list[str] = []
        self.dropped = 0

    def warn(self, text: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(text)
        else:
            self.dropped += 1

    def single(self, field: str, value: Any) -> Any:
        """Check one scalar value by building Assumptions with only that field set."""
        try:
            return getattr(Assumptions().replace(**{field: value}), field)
        except AssumptionError as e:
            self.warn(f"Länken hade ett ogiltigt värde för {_label(field)}: {e.reason_sv} Standardvärdet används.")
            return None

    def scalar(self, field: str, text: str) -> Any:
        if field == "prognos":
            known = {k.upper(): k for k in self.forecasts} if self.forecasts is not None else None
            if known is not None and text.upper() in known:
                return known[text.upper()]
            if known is None:
                return self.single(field, text)
            self.warn(
                f"Länken hade ett okänt val för {_label(field)}: {_safe(text)}. "
                f"Giltiga val är {', '.join(self.forecasts or ())}. Standardvärdet används."
            )
            return None
        parsed: Any = _parse_int(text) if field in _INT_FIELDS else _parse_float(text)
        if parsed is None:
            kind = "ett heltal" if field in _INT_FIELDS else "ett ändligt tal (med punkt som decimaltecken)"
            self.warn(f"Länken hade ett ogiltigt värde för {_label(field)}: {_safe(text)} är inte {kind}. Standardvärdet används.")
            return None
        return self.single(field, parsed)

    def per_kommun(self, field: str, text: str) -> KommunMap | None:
        integer = field in _INT_MAP_FIELDS
        text = "".join(text.split())  # a "+" sent unencoded arrives as a space
        if not text:
            self.warn(f"Länken hade ett tomt värde för {_label(field)}. Standardvärdet används.")
            return None
        items: dict[str, Any] = {}
        seen: set[str] = set()
        bad_codes: set[str] = set()
        for item in text.split(","):
            if not item:  # "1380:1," or ",,": nothing to read
                continue
            code, sep, raw = item.partition(":")
            if not sep or not _CODE_RE.fullmatch(code):
                self.warn(f"Länken hade en ogiltig post för {_label(field)}: {_safe(item)}. Posten används inte.")
                continue
            if code not in self.codes:
                self.warn(
                    f"Länken hade ett värde för {_label(field)} i kommun {code}, men kommunkoden finns inte i "
                    "datan som används. Värdet används inte."
                )
                continue
            if code in seen:
                bad_codes.add(code)
                continue
            seen.add(code)
            value = _parse_int(raw) if integer else _parse_float(raw)
            if value is None:
                kind = "ett heltal" if integer else "ett ändligt tal"
                self.warn(
                    f"Länken hade ett ogiltigt värde för {_label(field)}, kommun {code}: {_safe(raw)} är inte {kind}. "
                    "Standardvärdet används för kommunen."
                )
                continue
            try:
                Assumptions().replace(**{field: {code: value}})
            except AssumptionError as e:
                self.warn(f"Länken hade ett ogiltigt värde för {_label(field)}, {e.reason_sv} Standardvärdet används för kommunen.")
                continue
            items[code] = value
        for code in sorted(bad_codes):
            items.pop(code, None)
            self.warn(
                f"Länken angav kommun {code} flera gånger för {_label(field)}. Standardvärdet används för kommunen."
            )
        return KommunMap(items)


def _read_changes(r: _Reader, text: str, unit_ids: Collection[str] | None, bounds) -> tuple:
    """The changes in an ``enh`` value, token by token (see the module docstring)."""
    parsed = []
    tokens = [t for t in text.split(",") if t.strip()]
    if len(tokens) > MAX_CHANGES:
        r.warn(
            f"Länken hade {len(tokens)} {ENH_LABEL_SV}; högst {MAX_CHANGES} kan ingå i ett scenario. "
            f"Bara de första {MAX_CHANGES} lästes."
        )
        tokens = tokens[:MAX_CHANGES]
    for i, tok in enumerate(tokens, start=1):
        if tok[:1] == " " and tok[1:2] in ("v", "f"):
            tok = "+" + tok[1:]  # a "+" sent unencoded arrives as a space
        try:
            parsed.extend(changes_from_text(tok.strip()))
        except GeoChangeError:
            r.warn(f"Länken hade en ogiltig post {i} för {ENH_LABEL_SV}: {_safe(tok.strip())}. Posten används inte.")
    if unit_ids is None:  # the register is not known here: only repeated removals are dropped
        unit_ids = {c.unit_id for c in parsed if c.unit_id}
    kept, warnings = check_changes(parsed, unit_ids, bounds)
    for w in warnings:
        r.warn(f"Länken: {w}")
    return kept


def changes_from_query(
    params: Mapping[str, Any],
    unit_ids: Collection[str] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> tuple[tuple, list[str]]:
    """Only the unit changes of a link (:data:`ENH_KEY`) and their Swedish warnings;
    never raises. For a page that reads nothing else from the link (Geografi)."""
    try:
        r = _Reader(frozenset(), None)
        if not callable(getattr(params, "keys", None)) or ENH_KEY not in list(params.keys()):
            return (), []
        kept = _enh_value(r, params, unit_ids, bounds)
        if r.dropped:
            r.warnings.append(f"… och {r.dropped} till varningar om länken.")
        return kept, r.warnings
    except Exception:  # noqa: BLE001 - never raise on a bad link
        return (), ["Länkens ändringar av enheterna kunde inte läsas och används inte."]


def _enh_value(r: _Reader, params: Mapping[str, Any], unit_ids, bounds) -> tuple:
    raw_values = _values(params, ENH_KEY)
    if not raw_values:
        return ()
    if not all(isinstance(v, str) for v in raw_values):
        r.warn(f"Länken hade ett ogiltigt värde för {ENH_LABEL_SV}. Inga ändringar används.")
        return ()
    distinct = list(dict.fromkeys(raw_values))
    if len(distinct) > 1:
        r.warn(f"Länken angav {ENH_LABEL_SV} flera gånger med olika värden. Inga ändringar används.")
        return ()
    text = distinct[0]
    if len(text) > MAX_ENH_LEN:
        r.warn(f"Länken hade ett för långt värde för {ENH_LABEL_SV} ({len(text)} tecken). Inga ändringar används.")
        return ()
    return _read_changes(r, text, unit_ids, bounds)


def _values(params: Mapping[str, Any], key: Any) -> list[Any]:
    get_all = getattr(params, "get_all", None)  # Streamlit's st.query_params
    if callable(get_all):
        try:
            v = get_all(key)
        except Exception:  # noqa: BLE001
            v = params[key]
    else:
        v = params[key]
    if isinstance(v, (list, tuple)):
        return list(v)
    return [v]


def from_query(
    params: Mapping[str, str | list[str]],
    kommun_codes: Collection[str],
    forecasts: Collection[str] | None = None,
    data_values: Mapping[str, float] | None = None,
    unit_ids: Collection[str] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> tuple[Assumptions, list[str]]:
    """Read assumptions from query parameters; never raises.

    ``kommun_codes`` are the kommun codes of the dataset in use (required: the link
    is read against the data the user sees, which may be another data dir or an
    import); ``forecasts`` the forecast keys it offers (None: any well-formed key,
    checked when the model runs). Returns the assumptions and a list of Swedish
    warnings, one per value that was ignored (each per-kommun value for a code the
    data lacks gets its own). Accepts a plain mapping (str or list of str per key) or
    Streamlit's ``st.query_params`` (repeated keys are read with ``get_all``).
    ``data_values`` are the data's values of the assumptions a link may leave out
    (``ModelInputs.data_defaults``): a joint limit is then checked with them too, so
    ``ordinart=0.95`` alone falls back when the data's SäBo share leaves less room.
    ``unit_ids`` are the ids of the unit register in use and ``bounds`` the region's
    box (minx, miny, maxx, maxy, SWEREF 99 TM metres): a change of :data:`ENH_KEY` that
    names another id or a point outside is dropped with a warning. ``unit_ids`` None
    (no register known to the caller) keeps every well-formed removal and move.
    """
    try:
        codes = frozenset(str(c) for c in kommun_codes)
        fs = tuple(str(f) for f in forecasts) if forecasts is not None else None
        return _from_query(params, codes, fs, dict(data_values or {}), unit_ids, bounds)
    except Exception:  # noqa: BLE001 - the contract is: never raise on a bad link
        return Assumptions(), ["Länken kunde inte läsas. Standardvärdena används."]


def _joint(r: _Reader, accepted: dict[str, Any], data_values: Mapping[str, float]) -> None:
    """Drop the values of every joint limit they break together (with a warning)."""
    for limit in JOINT_LIMITS:
        given = [k for k in limit.keys if k in accepted]
        if not given:
            continue
        err = limit.error({k: accepted.get(k, data_values.get(k)) for k in limit.keys})
        if err is None:
            continue
        for k in given:
            del accepted[k]
        names = " och ".join(_label(k) for k in given)
        which = "Standardvärdena används" if len(given) > 1 else "Standardvärdet används"
        r.warn(f"Länkens värden passade inte ihop: {err.reason_sv} {which} för {names}.")


def _from_query(
    params: Mapping[str, Any],
    codes: frozenset[str],
    forecasts: tuple[str, ...] | None,
    data_values: Mapping[str, float] | None = None,
    unit_ids: Collection[str] | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> tuple[Assumptions, list[str]]:
    r = _Reader(codes, forecasts)
    accepted: dict[str, Any] = {}
    if not callable(getattr(params, "keys", None)):
        return Assumptions(), ["Länken kunde inte läsas. Standardvärdena används."]
    keys = list(params.keys())
    if len(keys) > MAX_KEYS:
        r.warn(f"Länken hade för många parametrar ({len(keys)}); bara de första {MAX_KEYS} lästes.")
        keys = keys[:MAX_KEYS]
    map_limit = max(MAX_VALUE_LEN, _PER_KOMMUN_CHARS * len(codes))

    for key in keys:
        skey = key if isinstance(key, str) else str(key)
        raw_values = _values(params, key)
        if skey == VERSION_KEY:
            vals = {str(v).strip() for v in raw_values}
            if vals != {QUERY_VERSION}:
                shown = ", ".join(_safe(v, 10) for v in sorted(vals))
                r.warn(f"Länken är skapad för en annan version av verktyget (v={shown}); värdena tolkas som version {QUERY_VERSION}.")
            continue
        if skey == ENH_KEY:
            changes = _enh_value(r, params, unit_ids, bounds)
            if changes:
                accepted["enheter"] = changes
            continue
        field = FIELD_OF_KEY.get(skey)
        if field is None:
            r.warn(f"Okänd parameter i länken ignorerades: {_safe(skey)}.")
            continue
        if not raw_values:
            continue
        if not all(isinstance(v, str) for v in raw_values):
            r.warn(f"Länken hade ett ogiltigt värde för {_label(field)}. Standardvärdet används.")
            continue
        distinct = list(dict.fromkeys(raw_values))
        if len(distinct) > 1:
            r.warn(f"Länken angav {_label(field)} flera gånger med olika värden. Standardvärdet används.")
            continue
        text = distinct[0]
        limit = map_limit if field in _INT_MAP_FIELDS | _FLOAT_MAP_FIELDS else MAX_VALUE_LEN
        if len(text) > limit:
            r.warn(f"Länken hade ett för långt värde för {_label(field)} ({len(text)} tecken). Standardvärdet används.")
            continue
        value = r.per_kommun(field, text) if field in _INT_MAP_FIELDS | _FLOAT_MAP_FIELDS else r.scalar(field, text)
        if value is not None:
            accepted[field] = value

    _joint(r, accepted, data_values or {})
    if r.dropped:
        r.warnings.append(f"… och {r.dropped} till varningar om länken.")
    try:
        return Assumptions(**accepted), r.warnings
    except AssumptionError as e:  # pragma: no cover - each value was checked on its own
        return Assumptions(), r.warnings + [f"Länkens värden passade inte ihop ({e.message_sv}). Standardvärdena används."]
