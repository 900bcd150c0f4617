"""Exact values read out of a package: money as Decimal, ratios as Fraction, dates as date.

Every reader returns None for a value that is missing or malformed, so that a rule whose
inputs the schema already rejected is skipped instead of crashing.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from service.domain.pointer import MISSING, resolve

FEN = Decimal("0.01")
_MONEY = re.compile(r"(0|[1-9][0-9]*)\.[0-9]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Beyond the schemas' largest bound (money, 10^12 yuan) a figure is already a SCHEMA finding; reading it
# as None keeps the rules' exact arithmetic within Decimal's 28 digits (1e27 m² once raised InvalidOperation).
BOUND = Decimal(10) ** 12


def money(doc: Any, pointer: str) -> Decimal | None:
    """A money string like '1200000.00' as Decimal, else None."""
    value = resolve(doc, pointer)
    if isinstance(value, str) and _MONEY.fullmatch(value) and Decimal(value) <= BOUND:
        return Decimal(value)
    return None


def number(doc: Any, pointer: str) -> Decimal | None:
    """A JSON number as an exact Decimal (the reader parses floats as Decimal), else None."""
    value = resolve(doc, pointer)
    if isinstance(value, bool) or value is MISSING:
        return None
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, Decimal) and value.is_finite():
        result = value
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        return None
    return result if abs(result) <= BOUND else None


def integer(doc: Any, pointer: str) -> int | None:
    """A JSON integer (1 or 1.0, never true/false), else None."""
    value = resolve(doc, pointer)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if abs(value) <= BOUND else None
    if isinstance(value, Decimal) and value.is_finite() and abs(value) <= BOUND and value == value.to_integral_value():
        return int(value)
    return None


def boolean(doc: Any, pointer: str) -> bool | None:
    """A JSON boolean, else None."""
    value = resolve(doc, pointer)
    return value if isinstance(value, bool) else None


def text(doc: Any, pointer: str) -> str | None:
    """A string, else None (an empty string is returned as such)."""
    value = resolve(doc, pointer)
    return value if isinstance(value, str) else None


def day(doc: Any, pointer: str) -> date | None:
    """A 'YYYY-MM-DD' date, else None (including impossible dates such as 2019-02-30)."""
    value = resolve(doc, pointer)
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def array(doc: Any, pointer: str) -> list:
    """A list, else an empty list."""
    value = resolve(doc, pointer)
    return value if isinstance(value, list) else []


def half_up(value: Decimal) -> Decimal:
    """Round to the fen, half up (the banking rule, not Python's default half-even)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A Decimal written out without exponent or trailing zeros: 73500.0 -> '73500'."""
    text_ = format(value.normalize(), "f")
    return text_


def yuan(value: Decimal) -> str:
    """Money with thousands separators and two decimals: 1200000 -> '1,200,000.00'."""
    return f"{half_up(value):,.2f}"


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> str:
    """A ratio shown as its unreduced fraction, e.g. '1300/1650'."""
    return f"{plain(Decimal(numerator))}/{plain(Decimal(denominator))}"


def percent(value: Fraction) -> str:
    """A fraction as a percentage truncated (never rounded up) to two decimals: 2/3 -> '66.66%'."""
    hundredths = (value * 10000).numerator // (value * 10000).denominator
    sign = "-" if hundredths < 0 else ""
    hundredths = abs(hundredths)
    return f"{sign}{hundredths // 100}.{hundredths % 100:02d}%"


def fraction(text_: str) -> Fraction:
    """A threshold written as data ('2/3') as an exact Fraction."""
    return Fraction(text_)
