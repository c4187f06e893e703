"""Numbers as tables print them, and parsed values cached by their text."""

from __future__ import annotations

import functools
import math

from jixiao.domain.values import TargetValue, format_number, parse_value

Number = int | float


@functools.lru_cache(maxsize=1 << 18)
def value(text: str) -> TargetValue:
    """``parse_value`` of a generated text (texts repeat a lot: cached)."""
    return parse_value(text)


def decimals(x: Number) -> int:
    """Decimals a printed number has (at most 4): 0 for ints and integral floats."""
    if isinstance(x, int) or float(x).is_integer():
        return 0
    printed = format_number(float(x))
    return min(4, len(printed.partition(".")[2]))


def show(x: Number, places: int = 0) -> str:
    """``x`` rounded to ``places`` decimals, without trailing zeros (12, 0.35, 96.5)."""
    if places <= 0:
        return str(round(x))
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def floor_to(x: float, places: int) -> float:
    scale = 10.0**places
    return math.floor(round(x * scale, 6)) / scale


def ceil_to(x: float, places: int) -> float:
    scale = 10.0**places
    return math.ceil(round(x * scale, 6)) / scale


def _whole(x: float, how: str) -> int:
    x = round(x, 6)  # float noise (1100.0000001) must not round up
    if how == "up":
        return math.ceil(x)
    if how == "down":
        return math.floor(x)
    return round(x)


def nice(x: float, how: str = "round") -> int:
    """A round count as targets are written: whole numbers below 20, else two significant
    digits (1234 → 1200); ``how`` is "round", "up" or "down"; at least 1."""
    if x < 20:
        return max(1, _whole(x, how))
    step = int(10 ** max(0, math.floor(math.log10(x)) - 1))
    return max(1, _whole(x / step, how) * step)
