"""Amounts of money: kept in 元 as exact decimals, printed in the unit a table or page names.

Tables print their amounts in 元, 千元 or 万元 (金额单位：元, 年度资金总额（万元）, 393.57万元);
the model keeps every amount in 元 (``Decimal``) with the unit it was printed in, so that a
table shows again as printed and sums over many tables are exact.  Pure: no I/O.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = [
    "DEFAULT_UNIT",
    "MONEY_UNITS",
    "as_decimal",
    "format_money",
    "implausible",
    "in_unit",
    "to_yuan",
]

#: The money units tables print, with their size in 元.
MONEY_UNITS: dict[str, Decimal] = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000)}
#: The unit of an amount printed without one (the national templates print 万元), and of
#: ``jixiao/1`` documents written before amounts carried their unit.
DEFAULT_UNIT = "万元"

# Above this many 元 a project's amount is implausible (10 billion 元); below 100 元 a
# project's funds printed in 元 are implausible (0.9 元 is 0.9 万元 printed under 元).
_TOO_LARGE = Decimal(10) ** 10
_TOO_SMALL = Decimal(100)


def as_decimal(number: int | float | str | Decimal) -> Decimal:
    """A number as an exact decimal (a float by its shortest repr: 393.57 → 393.57)."""
    if isinstance(number, Decimal):
        return number
    if isinstance(number, float):
        return Decimal(repr(number))
    try:
        return Decimal(number)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {number!r}") from exc


def to_yuan(amount: int | float | str | Decimal, unit: str = DEFAULT_UNIT) -> Decimal:
    """An amount printed in ``unit`` as 元."""
    return as_decimal(amount) * MONEY_UNITS[unit]


def in_unit(yuan: Decimal, unit: str = DEFAULT_UNIT) -> Decimal:
    """An amount in 元 as a number of ``unit`` (exact: 3,309,840 元 → 330.984 万元)."""
    return (yuan / MONEY_UNITS[unit]).normalize() if yuan else Decimal(0)


def format_money(yuan: Decimal | None, unit: str = DEFAULT_UNIT, *, empty: str = "—") -> str:
    """An amount in 元 shown in ``unit``: grouped, two decimals or as many as it has, never in
    scientific notation (3309840 元 → ``3,309,840.00`` in 元, ``330.984`` in 万元)."""
    if yuan is None:
        return empty
    number = in_unit(yuan, unit)
    places = max(2, -int(number.as_tuple().exponent))
    return f"{number:,.{places}f}"


def implausible(yuan: Decimal, unit: str) -> str | None:
    """Why a project's amount printed in ``unit`` is implausible, or None."""
    if yuan >= _TOO_LARGE:
        return f"金额 {format_money(yuan, unit)} {unit}超过 100 亿元，单位可能有误"
    if unit == "元" and 0 < yuan < _TOO_SMALL:
        return f"金额 {format_money(yuan, unit)} 元不足 100 元，可能是以万元为单位填写的"
    return None
