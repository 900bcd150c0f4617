"""How amounts, areas and dates are written in Chinese documents."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import cn2an
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, parse_pattern

from service.domain.values import half_up

# cn2an handles at most 16 digits before the decimal point; the programme's amounts are far
# smaller, and anything larger is an error rather than a wrong capital amount.
_CAPITAL_LIMIT = Decimal("10") ** 15
# Parsed once: babel parses a locale name or a pattern again on every call, which cost more than
# the formatting (a notice writes a few dozen amounts).
_ZH = Locale.parse("zh_CN")
_AMOUNT = parse_pattern("#,##0.00")


def day(value: date) -> str:
    """2019年10月8日 (Arabic numerals, no leading zeros, GB/T 9704)."""
    return format_date(value, "long", locale=_ZH)


def yuan(value: Decimal) -> str:
    """1,200,000.00元"""
    return format_decimal(half_up(value), _AMOUNT, locale=_ZH) + "元"


def area(value: Decimal) -> str:
    """98,500.50平方米"""
    return format_decimal(half_up(value), _AMOUNT, locale=_ZH) + "平方米"


def capital(value: Decimal) -> str:
    """Amount in capitals (大写), rounded half-up to the fen first: 壹佰贰拾万元整."""
    rounded = half_up(value)
    if not 0 <= rounded < _CAPITAL_LIMIT:
        raise ValueError(f"amount {value} is outside what can be written in capitals")
    return cn2an.an2cn(f"{rounded:.2f}", "rmb")
