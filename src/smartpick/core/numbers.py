"""Numbers and dates as people type them, checked before Python reads them: `str.isdigit()`
also takes Unicode digits such as "²" that `int()` refuses, `int()` refuses numbers of more
than 4,300 digits with a message about `sys.set_int_max_str_digits`, `float()` takes "nan" and
"inf", and date arithmetic overflows near the year 9999."""

from __future__ import annotations

import datetime as dt
import math

MAX_DIGITS = 12  # no number SmartPick asks for comes near a trillion
FIRST_DAY = dt.date(1950, 1, 1)  # no date SmartPick asks for is before the oldest graduate's
LAST_DAY = dt.date(2040, 12, 31)  # nor after the last season a profile may name (2035) + 5


def whole_number(text: str) -> int | None:
    """The whole number written in ASCII digits, or None (no sign, at most MAX_DIGITS)."""
    text = text.strip()
    if not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def finite_number(text: str) -> float | None:
    """The finite number written in ASCII (a decimal point and exponent allowed), or None."""
    text = text.strip()
    if not text or len(text) > 4 * MAX_DIGITS or not text.isascii():
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def sensible_date(value: dt.date) -> dt.date:
    """The date when it lies between FIRST_DAY and LAST_DAY; ValueError otherwise."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return value


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """ "1 program", "2 programs": a count with its noun in the right number."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
