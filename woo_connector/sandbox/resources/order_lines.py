"""An order's lines and the money that follows from them, in the captured store's tax rules.

Line items remember the unit price as the shop entered it (``_unit_incl``: with tax in a
tax-inclusive store, without in a tax-exclusive one); every total,
tax line and coupon discount is recomputed from the lines after each write, so an order can
never report totals that disagree with its own lines.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from woo_connector.sandbox.money import CENT, cents, json_number, money, php_number
from woo_connector.sandbox.resources.taxes import RATES, rate_for, split_entered, tax_on
from woo_connector.sandbox.state import SITE

ADDRESS_KEYS = ("first_name", "last_name", "company", "address_1", "address_2", "city", "state",
                "postcode", "country")


def empty_address(with_email: bool) -> dict[str, str]:
    keys = ADDRESS_KEYS + (("email", "phone") if with_email else ("phone",))
    return {key: "" for key in keys}


def image_ref(product: dict[str, Any] | None) -> dict[str, Any]:
    """A line's image as the captures show it: a product's image id is a string ("12", or ""
    without one), a variation's an integer, and a line without a product has ``0``."""
    if product is None:
        return {"id": 0, "src": ""}
    if product.get("type") == "variation":
        image = product.get("image")
        return {"id": image["id"], "src": image["src"]} if image else {"id": 0, "src": ""}
    images = product.get("images") or []
    return {"id": str(images[0]["id"]), "src": images[0]["src"]} if images else {"id": "", "src": ""}


def line_item(store: Any, product: dict[str, Any] | None, quantity: int, *, parent: dict[str, Any] | None = None,
              name: str | None = None) -> dict[str, Any]:
    """A new line for ``product`` (a variation when ``parent`` is given) at its current price."""
    unit = Decimal(str((product or {}).get("price") or "0"))
    tax_class = (product or {}).get("tax_class", "") if product else ""
    if product and product.get("type") == "variation" and tax_class == "parent" and parent:
        tax_class = parent.get("tax_class", "")
    meta = []
    if parent is not None and product is not None:
        for attr in product.get("attributes", []):
            key = attr["slug"] if attr.get("id") else attr["name"].lower()
            meta.append({"id": store.next_id("meta"), "key": key, "value": attr["option"].lower() if attr.get("id") else attr["option"],
                         "display_key": attr["name"], "display_value": attr["option"]})
    label = name if name is not None else (product or {}).get("name", "")
    if parent is not None and product is not None:
        label = f"{parent['name']} - {product['name']}"
    return {
        "id": store.next_id("item"),
        "name": label,
        "product_id": (parent or product or {}).get("id", 0),
        "variation_id": product["id"] if parent is not None and product else 0,
        "quantity": quantity,
        "tax_class": tax_class,
        "subtotal": "0.00", "subtotal_tax": "0.00", "total": "0.00", "total_tax": "0.00",
        "taxes": [],
        "meta_data": meta,
        "sku": (product or {}).get("sku") if product else None,
        "price": 0,
        "image": image_ref(product),
        "parent_name": parent["name"] if parent is not None else None,
        "_unit_incl": str(unit),
        "_taxable": (parent or product or {}).get("tax_status", "taxable") != "none",
    }


def shipping_line(store: Any, total: str, method_id: str = "flat_rate", title: str = "Flat rate") -> dict[str, Any]:
    return {"id": store.next_id("item"), "method_title": title, "method_id": method_id, "instance_id": "",
            "total": money(total), "total_tax": "0.00", "taxes": [], "tax_status": "taxable", "meta_data": []}


def fee_line(store: Any, name: str, total: str, tax_status: str = "taxable", tax_class: str = "") -> dict[str, Any]:
    return {"id": store.next_id("item"), "name": name, "tax_class": tax_class, "tax_status": tax_status,
            "amount": "", "total": money(total), "total_tax": "0.00", "taxes": [], "meta_data": []}


def coupon_line(store: Any, coupon: dict[str, Any]) -> dict[str, Any]:
    amount = Decimal(str(coupon.get("amount") or "0"))
    kind = coupon.get("discount_type", "percent")
    info = json.dumps([coupon["id"], coupon["code"], kind if kind != "fixed_cart" else None, json_number(amount)],
                      separators=(",", ":"))
    return {"id": store.next_id("item"), "code": coupon["code"], "discount": "0", "discount_tax": "0",
            "meta_data": [{"id": store.next_id("meta"), "key": "coupon_info", "value": info,
                           "display_key": "coupon_info", "display_value": info}],
            "discount_type": kind, "nominal_amount": json_number(amount),
            "free_shipping": bool(coupon.get("free_shipping")),
            "_amount": str(amount)}


def recalculate(store: Any, order: dict[str, Any]) -> None:
    """Recompute every money field of ``order`` from its lines, coupons, fees and shipping."""
    lines = order["line_items"]
    inclusive = bool(order.get("prices_include_tax", True))  # fixed when the order was made, as in WooCommerce
    gross: dict[int, tuple[Decimal, Decimal]] = {}
    for line in lines:
        entered = Decimal(line.get("_unit_incl", "0")) * line["quantity"]
        if line.get("_taxable", True):
            gross[line["id"]] = split_entered(entered, line["tax_class"], inclusive)
        else:  # a product with tax_status "none" (316's gift card): no tax, no taxes[] entry
            gross[line["id"]] = (cents(entered), Decimal(0))
    discounts = {line["id"]: Decimal(0) for line in lines}

    def divisor(line: dict[str, Any]) -> Decimal:
        return 1 + rate_for(line["tax_class"])["rate"] if inclusive else Decimal(1)

    for coupon in order["coupon_lines"]:
        amount = Decimal(coupon.get("_amount", "0"))
        kind = coupon.get("discount_type")
        total_ex = Decimal(0)
        total_tax = Decimal(0)
        base = sum((gross[l["id"]][0] for l in lines), Decimal(0))
        for line in lines:
            ex, _tax = gross[line["id"]]
            if kind == "percent":
                share = cents(ex * amount / 100)
            elif kind == "fixed_product":  # a coupon amount is entered like a price: with tax or without
                share = min(ex, cents(amount / divisor(line) * line["quantity"]))
            else:
                share = cents(ex / base * amount / divisor(line)) if base else Decimal(0)
            share = min(share, ex - discounts[line["id"]])
            discounts[line["id"]] += share
            total_ex += share
            total_tax += tax_on(share, line["tax_class"]) if line.get("_taxable", True) else Decimal(0)
        coupon["discount"] = php_number(total_ex)
        # a PHP float: "8.5", not "8.50" (316), and it may differ by a cent from the order's discount_tax
        coupon["discount_tax"] = php_number(total_tax)

    per_rate: dict[int, list[Decimal]] = {}
    cart_tax = Decimal(0)
    items_total = Decimal(0)
    for line in lines:
        ex, tax = gross[line["id"]]
        total = ex - discounts[line["id"]]
        taxable = line.get("_taxable", True)
        total_tax = (tax_on(total, line["tax_class"]) if discounts[line["id"]] else tax) if taxable else Decimal(0)
        rate_id = rate_for(line["tax_class"])["id"]
        line.update(subtotal=money(ex), subtotal_tax=money(tax), total=money(total), total_tax=money(total_tax),
                    taxes=[{"id": rate_id, "total": money(total_tax), "subtotal": money(tax)}] if taxable else [])
        line["price"] = json_number(total / line["quantity"]) if line["quantity"] else 0
        per_rate.setdefault(rate_id, [Decimal(0), Decimal(0)])[0] += total_tax
        cart_tax += total_tax
        items_total += total
    for fee in order["fee_lines"]:
        total = Decimal(fee["total"])
        taxable = fee["tax_status"] == "taxable"
        exact = tax_on(total, fee["tax_class"]) if taxable else Decimal(0)
        # a fee's total_tax goes through wc_round_tax_total, whose mode is half-down in a tax-inclusive
        # store (WC_TAX_ROUNDING_MODE), while its taxes[] show half-up: 0.455 is "0.45" and "0.46" (316)
        tax = tax_total_rounding(total, fee["tax_class"], inclusive) if taxable else Decimal(0)
        rate_id = rate_for(fee["tax_class"])["id"]
        fee.update(total_tax=money(tax), taxes=[{"id": rate_id, "total": money(exact), "subtotal": ""}])
        per_rate.setdefault(rate_id, [Decimal(0), Decimal(0)])[0] += tax
        cart_tax += tax
        items_total += total
    taxable_goods = any(rate_for(l["tax_class"])["rate"] for l in lines) or not lines
    shipping_total = Decimal(0)
    shipping_tax = Decimal(0)
    for ship in order["shipping_lines"]:
        total = Decimal(ship["total"])
        tax_class = "" if taxable_goods else "gst-free"
        tax = tax_on(total, tax_class)
        rate_id = rate_for(tax_class)["id"]
        ship.update(total_tax=money(tax), taxes=[{"id": rate_id, "total": money(tax), "subtotal": ""}])
        per_rate.setdefault(rate_id, [Decimal(0), Decimal(0)])[1] += tax
        shipping_total += total
        shipping_tax += tax

    existing = {line["rate_id"]: line for line in order.get("tax_lines", [])}
    tax_lines = []
    for rate_id in sorted(per_rate, reverse=True):
        rate = next(r for r in RATES.values() if r["id"] == rate_id)
        line = existing.get(rate_id) or {"id": store.next_id("item")}
        line.update(rate_code=rate["code"], rate_id=rate_id, label=rate["label"], compound=False,
                    tax_total=money(per_rate[rate_id][0]), shipping_tax_total=money(per_rate[rate_id][1]),
                    rate_percent=rate["percent"], meta_data=line.get("meta_data", []))
        tax_lines.append(dict(line))
    order["tax_lines"] = [{k: t[k] for k in ("id", "rate_code", "rate_id", "label", "compound", "tax_total",
                                           "shipping_tax_total", "rate_percent", "meta_data")} for t in tax_lines]
    discount_total = sum(discounts.values(), Decimal(0))
    discount_tax = sum((tax_on(discounts[l["id"]], l["tax_class"]) for l in lines), Decimal(0))
    order.update(
        discount_total=money(discount_total), discount_tax=money(discount_tax),
        shipping_total=money(shipping_total), shipping_tax=money(shipping_tax),
        cart_tax=money(cart_tax), total_tax=money(cart_tax + shipping_tax),
        total=money(items_total + cart_tax + shipping_total + shipping_tax),
    )


def tax_total_rounding(amount: Decimal, tax_class: str, inclusive: bool) -> Decimal:
    """Tax on ``amount`` rounded as ``wc_round_tax_total`` does: half-down when prices include tax."""
    exact = amount * rate_for(tax_class)["rate"]
    return exact.quantize(CENT, rounding=ROUND_HALF_DOWN if inclusive else ROUND_HALF_UP)


def payment_url(order: dict[str, Any]) -> str:
    return f"{SITE}/checkout/order-pay/{order['id']}/?pay_for_order=true&key={order['order_key']}"
