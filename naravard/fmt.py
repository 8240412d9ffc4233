"""Swedish number formatting, the one place that decides how figures look.

Swedish style: a space between thousands (``343 000``), a decimal comma (``86,1``),
a space before the percent sign (``86,1 %``), a real minus sign (``−340``). The
space is a no-break space (U+00A0) so that a figure never wraps on a projector.
``approx=True`` prefixes "ca" as the sources do.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"
MINUS = "\u2212"


def _is_missing(x) -> bool:
    try:
        return x is None or (isinstance(x, float) and math.isnan(x)) or bool(x != x)
    except (TypeError, ValueError):
        return False


def number(x, decimals: int = 0, approx: bool = False, signed: bool = False, missing: str = "–") -> str:
    """``343000`` → ``"343 000"``; ``-340`` → ``"−340"``; ``86.1, 1`` → ``"86,1"``."""
    if _is_missing(x):
        return missing
    x = float(x)
    if decimals == 0:
        x = round(x)
    s = f"{abs(x):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    if x < 0 and s.strip("0,\u00a0") != "":
        s = MINUS + s
    elif signed and x > 0:
        s = "+" + s
    return f"ca{NBSP}{s}" if approx else s


def percent(x, decimals: int = 1, approx: bool = False, signed: bool = False, missing: str = "–") -> str:
    """A value already in percent: ``86.1`` → ``"86,1 %"``."""
    if _is_missing(x):
        return missing
    return f"{number(x, decimals, approx=approx, signed=signed)}{NBSP}%"


def share(x, decimals: int = 0, approx: bool = False) -> str:
    """A fraction: ``0.2`` → ``"20 %"``."""
    if _is_missing(x):
        return "–"
    return percent(float(x) * 100, decimals, approx=approx)


def plain(text: str) -> str:
    """Turn no-break spaces into ordinary ones (for tests and plain-text exports)."""
    return text.replace(NBSP, " ").replace("\u202f", " ")


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$")


def markdown_escape(text: str) -> str:
    """Backslash-escape Markdown's special characters, so a label (a kommun name from an
    imported file, a scenario name) is shown as written and never becomes a link,
    emphasis or a heading."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
