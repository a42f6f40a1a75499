"""Excel number formats (ECMA-376 §18.8.31, openpyxl's ``cell.number_format``) read for what a cell shows.

A statistician who types 706700 and formats the cell ``0!.0000"万"`` sees **70.6700万**; one who types 0.053 and
formats it ``0.0%`` sees **5.3%**. :func:`shown_number` returns that number with the format's own text around it
(“70.67万”, “5.3%”, “约70.67”) — at the precision the cell stores, not the rounding of the display — so that the
number read is the number the person saw. What a format does to the number:

* ``%`` multiplies by 100 (each one) and shows “%”;
* a ``,`` after the last digit placeholder divides by 1000 (each one: ``0.0,,`` shows millions);
* a literal dot between digit placeholders where the format has no decimal point (``0!.0000``, ``0\\.0000``,
  ``0"."0000``: the usual way to show 万 and 亿) divides by ten per placeholder after it;
* literal text (``"万"``, ``\\万``, ``!万``) is shown before or after the number; a currency sign (``¥``,
  ``[$¥-804]``) is left out (the unit column says 元);
* sections ``positive;negative;zero;text`` and conditions (``[>=10000]…;…``) choose the part used; an explicit
  negative section shows no minus sign unless it writes one (``-0.0`` or ``(0.0)``), so a stored −5 may show
  as 5 (:attr:`Shown.sign_hidden`); a section without digit placeholders shows only its text (``0;-0;"-"``
  shows 0 as “-”).

Colours, alignment (``_x``), fill (``*x``) and thousands separators change nothing read. Dates are converted
by openpyxl before this module sees them. Pure functions; no format makes them raise.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["Shown", "shown_number"]

_DIGITS = frozenset("0#?")
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d+)?)\]")
_DATE_TOKENS = re.compile(r"[ymdhsYMDHS]|AM/PM|A/P", re.IGNORECASE)
_CURRENCY = re.compile(r"\[\$([^\]-]*)(?:-[0-9A-Fa-f]+)?\]")
_CURRENCY_SIGNS = frozenset("¥￥$€£")  # shown, but not part of the number read (the unit column says 元)


@dataclass(frozen=True)
class Shown:
    """A number as its cell shows it. ``text`` is the number at the stored precision with the format's text
    (“70.67万”, “5.3%”, “-”); ``scale`` the power of ten the format moved the stored number by (−4 for
    ``0!.0000"万"``, 2 for ``%``); ``prefix``/``suffix`` the format's text before and after the number;
    ``sign_hidden`` True when the stored number is negative and the format shows no sign."""

    text: str
    scale: int
    prefix: str
    suffix: str
    sign_hidden: bool = False
    display: str = ""  # the cell as it shows, rounded to the format's decimals (“70.6700万”): for messages

    def __post_init__(self) -> None:
        if not self.display:
            object.__setattr__(self, "display", self.text)


@dataclass(frozen=True)
class _Section:
    tokens: tuple[tuple[str, str], ...]  # (kind, text): digit, point, comma, percent, literal, exponent, general
    condition: tuple[str, float] | None


def shown_number(value: float, number_format: str | None) -> Shown:
    """``value`` (a stored number) as the cell formatted with ``number_format`` shows it (see the module docstring)."""
    sections = _sections(number_format or "General")
    section, automatic_sign = _choose(sections, value)
    if section is None:
        return Shown(_plain(value, 0), 0, "", "")
    tokens = section.tokens
    if any(kind == "text" for kind, _ in tokens) and not any(kind == "digit" for kind, _ in tokens):
        tokens = (*tokens, ("general", ""))  # “@” shows a number as it is
    if not any(kind in {"digit", "general"} for kind, _ in tokens):  # only text: the number is not shown
        text = "".join(t for kind, t in tokens if kind == "literal")
        return Shown(text, 0, text, "", sign_hidden=value < 0 and not automatic_sign)
    digits = [i for i, (kind, _) in enumerate(tokens) if kind in {"digit", "general"}]
    first, last = digits[0], digits[-1]
    prefix = "".join(t for kind, t in tokens[:first] if kind in {"literal", "percent"} and t not in _CURRENCY_SIGNS)
    suffix = "".join(t for kind, t in tokens[last + 1 :] if kind in {"literal", "percent"} and t not in _CURRENCY_SIGNS)
    scale = 2 * sum(kind == "percent" for kind, _ in tokens)
    scale -= 3 * _trailing_commas(tokens, last)
    if not any(kind == "point" for kind, _ in tokens[first : last + 1]):
        # a literal dot among the digit placeholders: the digits after it read as decimals (0!.0000 → ÷10 000)
        dots = [i for i in range(first, last + 1) if tokens[i] == ("literal", ".")]
        if dots:
            scale -= sum(1 for kind, _ in tokens[dots[0] : last + 1] if kind == "digit")
    number = _plain(abs(value) if not automatic_sign else value, scale)
    decimals = _decimals(tokens, first, last)
    hidden = False
    if value < 0 and not automatic_sign:
        if prefix.endswith("(") and suffix.startswith(")"):  # accounting: (1,234) is −1234
            prefix, suffix, number = prefix[:-1], suffix[1:], "-" + number
        elif "-" in prefix or "−" in prefix:
            prefix, number = prefix.replace("−", "-").replace("-", "", 1), "-" + number
        else:
            hidden = True
    display = number if decimals is None else _rounded(number, decimals)
    return Shown(f"{prefix}{number}{suffix}", scale, prefix, suffix, sign_hidden=hidden,
                 display=f"{prefix}{display}{suffix}")  # fmt: skip


def _decimals(tokens: tuple[tuple[str, str], ...], first: int, last: int) -> int | None:
    """How many decimals the format shows (digit placeholders after its point or its literal dot); None for
    General or a scientific format (shown as stored)."""
    if any(kind in {"general", "exponent"} for kind, _ in tokens):
        return None
    part = tokens[first : last + 1]
    marks = [i for i, t in enumerate(part) if t[0] == "point" or t == ("literal", ".")]
    if not marks:
        return 0
    return sum(1 for kind, _ in part[marks[0] :] if kind == "digit")


def _rounded(number: str, decimals: int) -> str:
    """Rounded as Excel displays (half away from zero: 1234.5 → 1235)."""
    try:
        return str(Decimal(number).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError):
        return number


def _plain(value: float, scale: int) -> str:
    """The number × 10**scale without float noise and without an exponent for ordinary sizes (15 digits kept,
    as Excel stores them)."""
    text = format(float(value), ".15g")
    try:
        number = Decimal(text).scaleb(scale).normalize()
    except InvalidOperation:  # inf, nan: shown as Python writes them; the number reader refuses them
        return text
    if number == 0:
        return "0"
    if -20 < number.adjusted() < 20:
        return format(number, "f")
    return format(float(number), ".15g")


def _trailing_commas(tokens: tuple[tuple[str, str], ...], last: int) -> int:
    """Commas right after the last digit placeholder (with only commas, literals or a percent between)."""
    count = 0
    for kind, _ in tokens[last + 1 :]:
        if kind == "comma":
            count += 1
        elif kind == "digit":
            break
    return count


def _choose(sections: tuple[_Section, ...], value: float) -> tuple[_Section | None, bool]:
    """The section that formats ``value`` and whether Excel adds the minus sign itself."""
    if not sections:
        return None, True
    numeric = [s for s in sections if not any(kind == "text" for kind, _ in s.tokens)] or list(sections)
    if any(s.condition for s in numeric):
        for s in numeric:
            if s.condition and _holds(s.condition, value):
                return s, not (s.condition[0] in {"<", "<="} and s.condition[1] <= 0)
        rest = [s for s in numeric if not s.condition]
        return (rest[0] if rest else numeric[-1]), True
    if len(numeric) == 1 or value > 0 or (value == 0 and len(numeric) < 3):
        return numeric[0], True
    if value < 0:
        return numeric[1], False
    return numeric[2], True


def _holds(condition: tuple[str, float], value: float) -> bool:
    op, bound = condition
    return {"<": value < bound, "<=": value <= bound, ">": value > bound, ">=": value >= bound,
            "=": value == bound, "<>": value != bound}[op]  # fmt: skip


@functools.lru_cache(maxsize=256)
def _sections(number_format: str) -> tuple[_Section, ...]:
    """The sections of a format, tokenised. A date or time format gives no section (openpyxl reads those)."""
    out = []
    for raw in _split(number_format):
        condition = _CONDITION.search(raw)
        tokens = _tokens(raw)
        if tokens is None:
            return ()
        out.append(_Section(tuple(tokens), (condition[1], float(condition[2])) if condition else None))
    return tuple(out)


def _split(number_format: str) -> list[str]:
    """Split at ``;`` outside quotes, brackets and escapes."""
    parts, current, i, quoted, bracket = [], "", 0, False, False
    while i < len(number_format):
        char = number_format[i]
        if char in "\\!" and not quoted and i + 1 < len(number_format):
            current += number_format[i : i + 2]
            i += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "[" and not quoted:
            bracket = True
        elif char == "]" and not quoted:
            bracket = False
        elif char == ";" and not quoted and not bracket:
            parts.append(current)
            current, i = "", i + 1
            continue
        current += char
        i += 1
    parts.append(current)
    return parts


def _tokens(section: str) -> list[tuple[str, str]] | None:
    """(kind, text) tokens of one section; None for a date or time section."""
    out: list[tuple[str, str]] = []
    i, seen_point = 0, False
    if section.strip().lower() == "general" or not section.strip():
        return [("general", "")]
    while i < len(section):
        char = section[i]
        if char == '"':
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            out.append(("literal", section[i + 1 : end]))
            i = end + 1
        elif char in "\\!" and i + 1 < len(section):
            out.append(("literal", section[i + 1]))
            i += 2
        elif char in "_*" and i + 1 < len(section):
            i += 2  # alignment space or fill: nothing is read
        elif char == "[":
            end = section.find("]", i)
            end = len(section) - 1 if end < 0 else end
            bracket = section[i : end + 1]
            currency = _CURRENCY.fullmatch(bracket)
            if currency and currency[1]:
                out.append(("currency", currency[1]))
            elif re.fullmatch(r"\[(h+|m+|s+)\]", bracket, re.IGNORECASE):
                return None  # elapsed time
            i = end + 1
        elif section[i : i + 7].lower() == "general":
            out.append(("general", ""))
            i += 7
        elif char in _DIGITS:
            out.append(("digit", char))
            i += 1
        elif char == "." and not seen_point:
            out.append(("point", "."))
            seen_point = True
            i += 1
        elif char == ",":
            out.append(("comma", ","))
            i += 1
        elif char == "%":
            out.append(("percent", "%"))
            i += 1
        elif char in "Ee" and i + 1 < len(section) and section[i + 1] in "+-":
            out.append(("exponent", section[i : i + 2]))
            i += 2
        elif char == "@":
            out.append(("text", "@"))
            i += 1
        elif _DATE_TOKENS.match(section, i):
            return None
        elif char in _CURRENCY_SIGNS:
            out.append(("currency", char))
            i += 1
        else:
            out.append(("literal", char))
            i += 1
    return out
