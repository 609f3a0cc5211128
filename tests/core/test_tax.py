"""woo_connector.tax on the real store's orders and settings: net, tax and gross to the cent.

Capture 316 is the hard case (coupon, taxable fee whose taxes[].total is a cent off its
total_tax, taxable shipping, a GST-free line); every other captured order must reconcile too.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from captures import all_captures, capture

from woo_connector.tax import (
    ORDER_FIELDS,
    StoreTax,
    TaxRate,
    base_location,
    base_rates,
    price_amounts,
    with_order_amounts,
    with_product_amounts,
)

GST = TaxRate(Decimal("10.0000"), 1, False)


def order_316() -> dict[str, Any]:
    return capture(316)["response"]["body"]


def test_capture_316_order_amounts_to_the_cent() -> None:
    amounts = with_order_amounts(order_316())["amounts"]

    assert (amounts["net"], amounts["tax"], amounts["gross"]) == ("546.56", "50.40", "596.96")
    assert amounts["items"] == {"net": "523.83", "tax": "48.13", "gross": "571.96"}
    assert amounts["shipping"] == {"net": "18.18", "tax": "1.82", "gross": "20.00"}
    # the fee's total_tax (0.45), not its taxes[].total (0.46): only that adds up to the order
    assert amounts["fees"] == {"net": "4.55", "tax": "0.45", "gross": "5.00"}
    # the order's discount_tax (8.49), not the coupon line's one-decimal "8.5"
    assert amounts["discount"] == {"net": "92.43", "tax": "8.49", "gross": "100.92"}
    assert amounts["taxes"] == [{"rate_id": 1, "label": "GST", "rate_percent": 10, "tax": "50.40"}]
    assert amounts["prices_include_tax"] is True
    assert amounts["refunded"] == "0.00"
    assert amounts["reconciled"] is True


def test_capture_316_line_amounts_and_untouched_woocommerce_fields() -> None:
    original = order_316()
    out = with_order_amounts(original)

    by_id = {line["id"]: line["amounts"] for line in out["line_items"]}
    assert by_id[1199] == {"net": "279.73", "tax": "27.97", "gross": "307.70"}
    assert by_id[1201] == {"net": "42.50", "tax": "0.00", "gross": "42.50"}  # the GST-free gift card
    assert out["fee_lines"][0]["amounts"] == {"net": "4.55", "tax": "0.45", "gross": "5.00"}
    assert out["shipping_lines"][0]["amounts"] == {"net": "18.18", "tax": "1.82", "gross": "20.00"}
    assert "amounts" not in out["coupon_lines"][0]
    # Everything WooCommerce sent is still there, value for value; the input was not mutated.
    stripped = copy.deepcopy(out)
    stripped.pop("amounts")
    for kind in ("line_items", "shipping_lines", "fee_lines"):
        for line in stripped[kind]:
            line.pop("amounts")
    assert stripped == original == order_316()


def test_partial_refund_capture_280_reports_the_refunded_total() -> None:
    amounts = with_order_amounts(capture(280)["response"]["body"])["amounts"]
    assert amounts["refunded"] == "50.95"
    assert (amounts["net"], amounts["tax"], amounts["gross"]) == ("266.13", "26.61", "292.74")
    assert amounts["taxes"][0]["tax"] == "26.61"  # 24.79 on lines + 1.82 on shipping
    assert amounts["reconciled"] is True


def _captured_orders() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, exchange in all_captures():
        body = exchange["response"].get("body")
        for doc in body if isinstance(body, list) else [body]:
            if isinstance(doc, dict) and "order_key" in doc and all(k in doc for k in ORDER_FIELDS):
                found.append((name, doc))
    return found


def test_every_captured_order_reconciles_and_gross_is_the_order_total() -> None:
    orders = _captured_orders()
    assert len(orders) > 500
    for name, order in orders:
        amounts = with_order_amounts(order)["amounts"]
        assert amounts["reconciled"], (name, order["id"])
        assert Decimal(amounts["gross"]) == Decimal(order["total"]), (name, order["id"])
        assert Decimal(amounts["net"]) + Decimal(amounts["tax"]) == Decimal(amounts["gross"])


def test_tax_exclusive_us_order() -> None:
    """A US store: prices entered without tax, sales tax 8.875% added (same REST shape as 316)."""
    order = order_316()
    order.update(prices_include_tax=False, discount_total="0.00", discount_tax="0.00", shipping_total="10.00",
                 shipping_tax="0.89", cart_tax="13.23", total="173.12", total_tax="14.12", coupon_lines=[], fee_lines=[])
    order["line_items"] = order["line_items"][:2]
    order["line_items"][0].update(subtotal="100.00", subtotal_tax="8.88", total="100.00", total_tax="8.88",
                                  taxes=[{"id": 1, "total": "8.88", "subtotal": "8.88"}])
    order["line_items"][1].update(subtotal="49.00", subtotal_tax="4.35", total="49.00", total_tax="4.35",
                                  taxes=[{"id": 1, "total": "4.35", "subtotal": "4.35"}])
    order["shipping_lines"][0].update(total="10.00", total_tax="0.89", taxes=[{"id": 1, "total": "0.89", "subtotal": ""}])
    order["tax_lines"] = [{"id": 9, "rate_code": "US-NY-NYC-1", "rate_id": 1, "label": "Sales tax", "compound": False,
                           "tax_total": "13.23", "shipping_tax_total": "0.89", "rate_percent": 8.875, "meta_data": []}]

    amounts = with_order_amounts(order)["amounts"]

    assert amounts["prices_include_tax"] is False
    assert (amounts["net"], amounts["tax"], amounts["gross"]) == ("159.00", "14.12", "173.12")
    assert amounts["items"] == {"net": "149.00", "tax": "13.23", "gross": "162.23"}
    assert amounts["taxes"] == [{"rate_id": 1, "label": "Sales tax", "rate_percent": 8.875, "tax": "14.12"}]
    assert amounts["reconciled"] is True


def test_a_store_whose_figures_disagree_is_not_reconciled() -> None:
    order = order_316()
    order["line_items"][0]["total"] = "279.74"  # one cent more than the order's total allows
    assert with_order_amounts(order)["amounts"]["reconciled"] is False


# -- product prices -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "price,inclusive,rates,expected",
    [
        ("39.95", True, [GST], {"net": "36.32", "tax": "3.63", "gross": "39.95"}),  # AU sticker price
        ("50.95", True, [GST], {"net": "46.32", "tax": "4.63", "gross": "50.95"}),  # 279's refunded unit
        ("19.99", True, [TaxRate(Decimal("20"), 1, False)], {"net": "16.66", "tax": "3.33", "gross": "19.99"}),  # UK VAT
        ("100.00", False, [TaxRate(Decimal("8.875"), 1, False)], {"net": "100.00", "tax": "8.88", "gross": "108.88"}),
        ("100", False, [TaxRate(Decimal("5"), 1, False), TaxRate(Decimal("8.5"), 2, True)],
         {"net": "100.00", "tax": "13.93", "gross": "113.93"}),  # compound: 8.5% of 105.00 = 8.925
        ("113.93", True, [TaxRate(Decimal("5"), 1, False), TaxRate(Decimal("8.5"), 2, True)],
         {"net": "100.00", "tax": "13.93", "gross": "113.93"}),
        ("12.00", True, [], {"net": "12.00", "tax": "0.00", "gross": "12.00"}),
    ],
)
def test_price_amounts(price: str, inclusive: bool, rates: list[TaxRate], expected: dict[str, str]) -> None:
    assert price_amounts(price, rates, inclusive=inclusive) == expected


def test_empty_price_has_no_amounts() -> None:
    assert price_amounts("", [GST], inclusive=True) is None


def _store_tax() -> StoreTax:
    """The captured AU store: settings 161/162 and rates 158, prices entered with tax (317)."""
    general = {row["id"]: row["value"] for row in capture(161)["response"]["body"]}
    country, state = base_location(general["woocommerce_default_country"])
    return StoreTax(
        calc_taxes=general["woocommerce_calc_taxes"] == "yes",
        prices_include_tax=capture(317)["response"]["body"]["value"] == "yes",
        base_country=country, base_state=state,
        rates=base_rates(capture(158)["response"]["body"], country, state),
    )


def test_captured_store_rates_and_a_captured_variation_price() -> None:
    store = _store_tax()
    assert store.prices_include_tax is True and store.base_country == "AU"
    assert [r.rate for r in store.rates_for("")] == [Decimal("10.0000")]
    variation = capture(269)["response"]["body"][0]  # RW-PNT-0161-M: 61.95 on sale, 76.95 regular

    amounts = with_product_amounts(variation, store)["amounts"]

    assert amounts["price"] == {"net": "56.32", "tax": "5.63", "gross": "61.95"}
    assert amounts["regular_price"] == {"net": "69.95", "tax": "7.00", "gross": "76.95"}
    assert amounts["tax_class"] == "standard" and amounts["tax_rate"] == "10.0000"
    assert variation == capture(269)["response"]["body"][0]  # not mutated


def test_untaxable_and_gst_free_products_carry_no_tax() -> None:
    store = _store_tax()
    product = capture(271)["response"]["body"][0]
    assert with_product_amounts({**product, "tax_status": "none"}, store)["amounts"]["price"]["tax"] == "0.00"
    free_class = next(cls for cls in store.rates if cls != "standard")
    assert with_product_amounts({**product, "tax_class": free_class}, store)["amounts"]["price"]["tax"] == "0.00"


def test_variation_with_parent_class_uses_the_parent_class() -> None:
    store = StoreTax(True, False, "US", "NY", {"standard": (TaxRate(Decimal("8.875"), 1, False),),
                                               "reduced-rate": (TaxRate(Decimal("4"), 1, False),)})
    doc = {"price": "10.00", "regular_price": "10.00", "sale_price": "", "tax_status": "taxable", "tax_class": "parent"}
    amounts = with_product_amounts(doc, store, parent_class="reduced-rate")["amounts"]
    assert amounts["tax_class"] == "reduced-rate"
    assert amounts["price"] == {"net": "10.00", "tax": "0.40", "gross": "10.40"}
    assert amounts["sale_price"] is None


def test_base_rates_pick_the_base_location_one_rate_per_priority() -> None:
    rows = [
        {"id": 1, "country": "US", "state": "", "rate": "4.0000", "priority": 1, "compound": False, "class": "standard", "order": 1, "postcode": "", "city": ""},
        {"id": 2, "country": "US", "state": "NY", "rate": "4.5000", "priority": 1, "compound": False, "class": "standard", "order": 2, "postcode": "", "city": ""},
        {"id": 3, "country": "US", "state": "NY", "rate": "0.3750", "priority": 2, "compound": False, "class": "standard", "order": 3, "postcode": "", "city": ""},
        {"id": 4, "country": "US", "state": "NY", "rate": "9.0000", "priority": 3, "compound": False, "class": "standard", "order": 4, "postcodes": ["10001"], "cities": []},
        {"id": 5, "country": "CA", "state": "", "rate": "5.0000", "priority": 1, "compound": False, "class": "standard", "order": 5, "postcode": "", "city": ""},
    ]
    rates = base_rates(rows, "US", "NY")["standard"]
    assert [r.rate for r in rates] == [Decimal("4.5000"), Decimal("0.3750")]  # the state row wins priority 1
