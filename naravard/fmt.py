"""Swedish number formatting, the one place that decides how figures look.

Swedish style: a space between thousands (``343 000``), a decimal comma (``86,1``),
a space before the percent sign (``86,1 %``), a real minus sign (``−340``). The
space is a no-break space (U+00A0) so that a figure never wraps on a projector.
``approx=True`` prefixes "ca" as the sources do.
"""

from __future__ import annotations

import math
import re

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


_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$&=:@")
# Where GFM would make a link of bare text (http(s)://, www., e-mail addresses), and
# Streamlit an icon (":material/name:", matched in the source before any escape is read).
_AUTOLINK_START = re.compile(r"(?i)(?=https?:|www\.|@)|(?<=:)(?=material/)")
WORD_JOINER = "\u2060"


def markdown_escape(text: str) -> str:
    """Backslash-escape Markdown's special characters, so a label (a kommun name from an
    imported file, a scenario name) is shown as written and never becomes a link, an
    image, emphasis, a heading, LaTeX (``$``), a coloured directive (``:red[…]``), an
    entity (``&amp;``) or a setext heading (a line of ``=``).

    Streamlit's Markdown also links bare ``http://…``, ``www.…`` and ``a@b.se`` after
    the escapes are read, and draws ``:material/…:`` as an icon, where no backslash
    helps; an invisible word joiner (U+2060) before each such start keeps them text
    (GFM links one only after a space, punctuation or the start of the text). The text
    looks the same."""
    text = _AUTOLINK_START.sub(WORD_JOINER, text)
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def plotly_text(text: str) -> str:
    """Text for a Plotly label (a legend entry, a hover text): Plotly reads a few HTML
    tags there (``<a href>``, ``<b>``, ``<br>``) and decodes entities, so ``&``, ``<``
    and ``>`` become entities and a stored name is shown as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_text(text: str) -> str:
    """A stored or uploaded text for Markdown: :func:`markdown_escape` after turning
    line breaks into spaces (a table cell or a message is one line)."""
    return markdown_escape(" ".join(text.split()))


_SPACES = (" ", NBSP, "\u202f", "\u2009")
_MINUSES = ("-", MINUS, "\u2013")  # hyphen-minus, minus sign, en dash (what autocorrect makes of "-")


def parse_number(text: str) -> float:
    """A number as a person types it in Swedish: ``"0,95"`` → ``0.95``, ``"7 400"`` → ``7400.0``,
    ``"−1,5"`` → ``-1.5``. The inverse of :func:`number` (whose output it accepts).

    Spaces (also no-break and thin) are thousands separators; the decimal separator is a
    comma, or a point for someone on an English keyboard or a numeric keypad. A text
    with both, or with more than one separator, is ambiguous (``"1.000,5"``, ``"1,2,3"``)
    and rejected rather than guessed. Raises :class:`ValueError` (English message).
    """
    if not isinstance(text, str):
        raise ValueError(f"not text: {text!r}")
    s = text.strip()
    for sp in _SPACES:
        s = s.replace(sp, "")
    sign = 1.0
    if s[:1] in _MINUSES:
        sign, s = -1.0, s[1:]
    elif s[:1] == "+":
        s = s[1:]
    if s.count(",") + s.count(".") > 1:
        raise ValueError(f"ambiguous number: {text!r}")
    s = s.replace(",", ".")
    if not s or not all(ch.isdigit() and ch.isascii() or ch == "." for ch in s) or s == ".":
        raise ValueError(f"not a number: {text!r}")
    return sign * float(s)
