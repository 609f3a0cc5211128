"""Money as WooCommerce prints it: decimal strings, PHP's float-to-string, JSON numbers.

Orders, refunds, coupons, reports and the seed all format amounts; they take it from here
rather than from the tax module, so formatting has one home and no resource imports another
just to print a price.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def cents(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Any, dp: int = 2) -> str:
    """A money string with ``dp`` decimals, as WooCommerce's ``wc_format_decimal`` prints it."""
    quantum = Decimal(1).scaleb(-dp)
    return str(Decimal(str(value or 0)).quantize(quantum, rounding=ROUND_HALF_UP))


def php_number(value: Decimal) -> str:
    """A float as PHP casts it to string ("74.7", "0"): coupon lines report discounts that way."""
    text = format(value.normalize(), "f")
    return text if text not in ("-0",) else "0"


def json_number(value: Decimal) -> int | float:
    """A JSON number that stays an integer when whole, the way PHP encodes floats like 59.0."""
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else round(as_float, 7)
