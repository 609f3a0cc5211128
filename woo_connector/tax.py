"""Net, tax and gross for orders and product prices, to the cent, from the store's own figures.

Why a module of its own: WooCommerce reports money in ways that are easy to add up wrong. Order
lines are always ex-tax (``total``) with the tax beside them (``total_tax``), whether or not the
store entered prices with tax (``prices_include_tax``); a fee's ``total_tax`` can differ by a cent
from its ``taxes[].total`` and only ``total_tax`` adds up to the order (capture 316); a coupon
line's ``discount_tax`` can be a PHP float with one decimal ("8.5" where the order says "8.49").
Product prices are the strings the merchant typed, with or without tax depending on the store's
``woocommerce_prices_include_tax`` (capture 317). Everything here is ``Decimal``: a float sum of
line totals drifts by a cent often enough to break an ERP's reconciliation.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable, Mapping

CENT = Decimal("0.01")
ZERO = Decimal("0")

# The order's line kinds that carry their own ex-tax total and tax. Coupon lines do not: their
# discount is already inside the line items' totals, and their discount_tax may be rounded.
TAXED_LINES = ("line_items", "shipping_lines", "fee_lines")


def decimal(value: Any) -> Decimal:
    """A money field as a Decimal: WooCommerce sends strings, numbers, "" and null."""
    if value is None or value == "" or isinstance(value, bool):
        return ZERO
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a money amount: {value!r}") from None


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent, as PHP's round() does for WooCommerce."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return str(cents(value))


def split(net: Decimal, tax: Decimal) -> dict[str, str]:
    """The three figures, gross always exactly net + tax (nothing is re-derived by division)."""
    return {"net": money(net), "tax": money(tax), "gross": money(net + tax)}


# -- orders ---------------------------------------------------------------------------------------


def line_amounts(line: Mapping[str, Any]) -> dict[str, str]:
    """A line item, shipping line or fee line: ``total`` is ex-tax, ``total_tax`` its tax."""
    return split(decimal(line.get("total")), decimal(line.get("total_tax")))


ORDER_FIELDS = ("total", "total_tax", "prices_include_tax", "discount_total", "discount_tax",
                "shipping_total", "shipping_tax", "line_items", "shipping_lines", "fee_lines",
                "tax_lines", "refunds")
PRODUCT_FIELDS = ("price", "regular_price", "sale_price", "tax_status", "tax_class")


def missing_fields(doc: Mapping[str, Any], needed: Iterable[str]) -> list[str]:
    """The fields a breakdown reads that a ``_fields`` projection left out."""
    return [name for name in needed if name not in doc]


def with_order_amounts(order: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``order`` with ``amounts`` on the order and on every taxed line.

    WooCommerce's own fields are left exactly as the store sent them. ``reconciled`` says
    whether the lines add up to the order's own total and tax; it is false only when the store's
    figures disagree with each other, which is worth knowing before an ERP import.
    """
    out = copy.deepcopy(dict(order))
    sums = {kind: [ZERO, ZERO] for kind in TAXED_LINES}
    for kind in TAXED_LINES:
        for line in out.get(kind) or []:
            line["amounts"] = line_amounts(line)
            sums[kind][0] += decimal(line.get("total"))
            sums[kind][1] += decimal(line.get("total_tax"))
    gross = decimal(out.get("total"))
    tax = decimal(out.get("total_tax"))
    lines_net = sum((s[0] for s in sums.values()), ZERO)
    lines_tax = sum((s[1] for s in sums.values()), ZERO)
    refunded = sum((-decimal(r.get("total")) for r in out.get("refunds") or []), ZERO)
    out["amounts"] = {
        "prices_include_tax": bool(out.get("prices_include_tax")),
        **split(gross - tax, tax),
        "items": split(*sums["line_items"]),
        "shipping": split(decimal(out.get("shipping_total")), decimal(out.get("shipping_tax"))),
        "fees": split(*sums["fee_lines"]),
        "discount": split(decimal(out.get("discount_total")), decimal(out.get("discount_tax"))),
        "taxes": [
            {
                "rate_id": t.get("rate_id"),
                "label": t.get("label"),
                "rate_percent": t.get("rate_percent"),
                "tax": money(decimal(t.get("tax_total")) + decimal(t.get("shipping_tax_total"))),
            }
            for t in out.get("tax_lines") or []
        ],
        "refunded": money(refunded),
        "reconciled": cents(lines_net) == cents(gross - tax) and cents(lines_tax) == cents(tax),
    }
    return out


# -- product prices -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxRate:
    """One row of /taxes, reduced to what a price needs."""

    rate: Decimal  # percent, "10.0000" -> Decimal("10.0000")
    priority: int
    compound: bool
    order: int = 0


@dataclass(frozen=True)
class StoreTax:
    """The store's tax settings and its base-location rates per tax class slug.

    A catalogue price means "what a customer at the store's base address pays", so the rates
    are those of the base country/state (rates limited to postcodes or cities are left out).
    """

    calc_taxes: bool
    prices_include_tax: bool
    base_country: str
    base_state: str
    rates: Mapping[str, tuple[TaxRate, ...]] = field(default_factory=dict)

    def rates_for(self, tax_class: str) -> tuple[TaxRate, ...]:
        return self.rates.get(tax_class or "standard", ())


def base_location(default_country: str) -> tuple[str, str]:
    """``"AU:VIC"`` -> ("AU", "VIC"); a country alone has no state."""
    country, _, state = str(default_country or "").partition(":")
    return country.upper(), state.upper()


def base_rates(rows: Iterable[Mapping[str, Any]], country: str, state: str) -> dict[str, tuple[TaxRate, ...]]:
    """The /taxes rows that apply at the base location, one per priority (the first by ``order``),
    grouped by class slug, as WooCommerce's WC_Tax::find_rates picks them."""
    chosen: dict[str, dict[int, tuple[int, TaxRate]]] = {}
    for row in rows:
        row_country = str(row.get("country") or "").upper()
        row_state = str(row.get("state") or "").upper()
        if row_country not in ("", country) or row_state not in ("", state):
            continue
        if row.get("postcode") or row.get("city") or row.get("postcodes") or row.get("cities"):
            continue
        rate = TaxRate(decimal(row.get("rate")), int(row.get("priority") or 1), bool(row.get("compound")),
                       int(row.get("order") or 0))
        slot = chosen.setdefault(str(row.get("class") or "standard"), {})
        ranked = (row_country == "") + (row_state == ""), rate.order  # specific rows win, then order
        if rate.priority not in slot or ranked < slot[rate.priority][0]:
            slot[rate.priority] = (ranked, rate)
    return {cls: tuple(r for _, (_, r) in sorted(slot.items())) for cls, slot in chosen.items()}


def price_tax(price: Decimal, rates: Iterable[TaxRate], *, inclusive: bool) -> Decimal:
    """The tax in one unit's price, rounded per rate to the cent (tax_round_at_subtotal off, 318).

    Inclusive prices: compound rates come off first, then the regular rates share what is left
    (WC_Tax::calc_inclusive_tax). Exclusive prices: regular rates on the price, compound rates on
    the price plus the taxes before them (WC_Tax::calc_exclusive_tax).
    """
    rates = list(rates)
    regular = [r for r in rates if not r.compound]
    compound = [r for r in rates if r.compound]
    total = ZERO
    if inclusive:
        remaining = price
        for rate in reversed(compound):
            tax = remaining - remaining / (1 + rate.rate / 100)
            total += cents(tax)
            remaining -= tax
        regular_sum = sum((r.rate for r in regular), ZERO)
        for rate in regular:
            total += cents(remaining * rate.rate / (100 + regular_sum))
        return total
    taxes = [cents(price * r.rate / 100) for r in regular]
    running = price + sum(taxes, ZERO)
    for rate in compound:
        tax = cents(running * rate.rate / 100)
        taxes.append(tax)
        running += tax
    return sum(taxes, ZERO)


def price_amounts(price: Any, rates: Iterable[TaxRate], *, inclusive: bool) -> dict[str, str] | None:
    """A price string as the merchant entered it, split; None for an empty price ("")."""
    if price is None or price == "":
        return None
    amount = decimal(price)
    tax = price_tax(amount, rates, inclusive=inclusive)
    net = amount - tax if inclusive else amount
    return split(net, tax)


def with_product_amounts(product: Mapping[str, Any], store: StoreTax, parent_class: str = "") -> dict[str, Any]:
    """A copy of a product or variation with ``amounts`` for price, regular_price and sale_price.

    The tax class decides the rate (a variation's ``parent`` class is its product's); a product
    whose ``tax_status`` is not ``taxable``, or a store with taxes off, has no tax in its prices.
    """
    out = copy.deepcopy(dict(product))
    tax_class = str(out.get("tax_class") or "")
    if tax_class == "parent":
        tax_class = parent_class
    taxable = store.calc_taxes and out.get("tax_status", "taxable") == "taxable"
    rates = store.rates_for(tax_class) if taxable else ()
    out["amounts"] = {
        "prices_include_tax": store.prices_include_tax,
        "tax_class": tax_class or "standard",
        "tax_rate": str(sum((r.rate for r in rates), ZERO)),
        **{
            key: price_amounts(out.get(key), rates, inclusive=store.prices_include_tax)
            for key in ("price", "regular_price", "sale_price")
        },
    }
    return out
