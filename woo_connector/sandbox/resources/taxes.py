"""GST the way the captured store applies it, plus the /taxes and /taxes/classes endpoints.

The store enters prices inclusive of 10% GST (or of nothing, for the ``gst-free`` class) yet
reports order lines ex-tax: an order's ``subtotal``/``total`` are ``inclusive / 1.1`` rounded to
cents and the tax is what is left of the inclusive amount, so the customer pays exactly the
sticker price. Keeping that arithmetic here means orders, refunds and seeds cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from woo_connector.sandbox.collection import links, list_response, render
from woo_connector.sandbox.money import cents, money
from woo_connector.sandbox.wire import Request, Response

RATES: dict[str, dict[str, Any]] = {
    "": {"id": 1, "rate": Decimal("0.10"), "code": "AU-GST-1", "label": "GST", "percent": 10},
    "gst-free": {"id": 2, "rate": Decimal("0"), "code": "AU-GST FREE-1", "label": "GST free", "percent": 0},
}

TAX_CLASSES = [
    ("standard", "Standard rate"),
    ("gst-free", "GST free"),
    ("reduced-rate", "Reduced rate"),
    ("zero-rate", "Zero rate"),
]


def rate_for(tax_class: str) -> dict[str, Any]:
    """The rate a line's tax class resolves to; unknown classes fall back to standard GST."""
    return RATES.get(tax_class or "", RATES[""])


def split_inclusive(inclusive: Decimal, tax_class: str) -> tuple[Decimal, Decimal]:
    """Split a tax-inclusive amount into (ex-tax, tax), both in cents, summing to the input."""
    rate = rate_for(tax_class)["rate"]
    inclusive = cents(inclusive)
    ex_tax = cents(inclusive / (1 + rate))
    return ex_tax, inclusive - ex_tax


def tax_on(ex_tax: Decimal, tax_class: str) -> Decimal:
    return cents(ex_tax * rate_for(tax_class)["rate"])


def split_entered(amount: Decimal, tax_class: str, inclusive: bool) -> tuple[Decimal, Decimal]:
    """An amount as the shop entered it, as (ex-tax, tax): a tax-inclusive store (AU, UK, EU) takes
    the tax out of it, a tax-exclusive one (US-style) adds the tax on top."""
    if inclusive:
        return split_inclusive(amount, tax_class)
    ex_tax = cents(amount)
    return ex_tax, tax_on(ex_tax, tax_class)


def _rate_doc(rate_id: int, name: str, rate: str, tax_class: str) -> dict[str, Any]:
    return {
        "id": rate_id, "country": "AU", "state": "", "postcode": "", "city": "", "rate": rate,
        "name": name, "priority": 1, "compound": False, "shipping": True, "order": 0,
        "class": tax_class, "postcodes": [], "cities": [],
    }


def list_taxes(store: Any, request: Request) -> Response:
    docs = [_rate_doc(1, "GST", "10.0000", "standard"), _rate_doc(2, "GST free", "0.0000", "gst-free")]

    def out(doc: dict[str, Any]) -> dict[str, Any]:
        return render(doc, request, links(request, f"/taxes/{doc['id']}", "/taxes"))

    return list_response(store, request, docs, out, orderby_choices=("id", "order", "priority"),
                         default_orderby="order", default_order="asc", sort_keys={"order": lambda d: (d["order"], d["id"])})


def list_tax_classes(store: Any, request: Request) -> Response:
    classes = TAX_CLASSES + [tuple(c) for c in store.settings.get("tax_classes", [])]
    body = []
    for slug, name in classes:
        body.append({"slug": slug, "name": name, "_links": {"collection": [{"href": f"{request.base_url}/wp-json/wc/v3/taxes/classes"}]}})
    return Response(200, body, {"X-WP-Total": str(len(body)), "X-WP-TotalPages": "1"})


def create_tax_class(store: Any, request: Request) -> Response:
    from woo_connector.sandbox.resources.products import slugify
    from woo_connector.sandbox.wire import ApiError

    body = request.fields
    if not body.get("name"):
        raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): name", {"params": ["name"]})
    entry = [slugify(str(body["name"])), str(body["name"])]
    store.settings.setdefault("tax_classes", []).append(entry)
    return Response(201, {"slug": entry[0], "name": entry[1],
                          "_links": {"collection": [{"href": f"{request.base_url}/wp-json/wc/v3/taxes/classes"}]}})


def create_tax(store: Any, request: Request) -> Response:
    from woo_connector.sandbox.wire import ApiError

    raise ApiError(403, "woocommerce_rest_cannot_create",
                   "The sandbox keeps the captured store's two GST rates; new rates are not supported.")


ROUTES = [
    (r"/taxes", {"GET": list_taxes, "POST": create_tax}),
    (r"/taxes/classes", {"GET": list_tax_classes, "POST": create_tax_class}),
]
