"""Amounts as WooCommerce takes them: decimal text, exactly what the caller gave.

WooCommerce refuses prices sent as JSON numbers (``rest_invalid_param``), so a number a host
gives must leave as text; the text is the number's own shortest decimal form, never a rounding
of it: ``4e-7`` is ``"0.0000004"`` (six fixed places made it ``"0"``), ``19.9`` is ``"19.9"``.
A string is the caller's exact text and is never touched. NaN and Infinity have no decimal
text; the registry refuses them before a tool runs (``payload.screen``), and this refuses
them again rather than send ``"nan"``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from collections.abc import Mapping
from typing import Any


def decimal_text(value: int | float | str) -> str:
    """A price or amount as the decimal string WooCommerce reads."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"an amount is a number or decimal text, not {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not an amount")
    # repr is the shortest text that reads back as this float: what the caller wrote.
    return format(Decimal(repr(value)), "f")


def amounts_as_text(fields: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """``fields`` with each amount in ``names`` as decimal text (a new dict)."""
    out = dict(fields)
    for name in names:
        value = out.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = decimal_text(value)
    return out
