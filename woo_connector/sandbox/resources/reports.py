"""/reports: the legacy report endpoints, counted from the store's own orders, products and people.

Totals (/reports/<thing>/totals) list every known slug with its count, as WooCommerce does,
zeros included. Sales and top sellers follow WC_Admin_Report's ranges: ``period`` week (the
default: today and the six days before), month (this month so far), last_month, year (this
year so far, grouped by month), or ``date_min``/``date_max`` (inclusive days, grouped by month
once the range spans more than two month steps). Days are the store's (UTC+11).

One deliberate difference from the captured store: there, HPOS without sync left the legacy
report reading an empty posts table, so sales were all "0.00" (captures 180-182). The sandbox
reports what its orders add up to, which is what a connector user means to read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Iterator

from woo_connector.sandbox.collection import ParamErrors, enum_param
from woo_connector.sandbox.documents import load
from woo_connector.sandbox.resources.orders import STATUSES
from woo_connector.sandbox.money import json_number, money
from woo_connector.sandbox.state import STORE_OFFSET, parse_gmt
from woo_connector.sandbox.wire import Request, Response

REPORTED_STATUSES = ("completed", "processing", "on-hold", "refunded")
"""The statuses WC_Report_Sales_By_Date counts as sales."""

PRODUCT_TYPES = {"external": "External/Affiliate product", "grouped": "Grouped product",
                 "simple": "Simple product", "variable": "Variable product"}
COUPON_TYPES = {"percent": "Percentage discount", "fixed_cart": "Fixed cart discount",
                "fixed_product": "Fixed product discount"}
CUSTOMER_KINDS = {"paying": "Paying customer", "non_paying": "Non-paying customer"}
SERVED = {"sales", "top_sellers", "orders/totals", "products/totals", "customers/totals", "coupons/totals",
          "reviews/totals"}
TOP_SELLERS_LIMIT = 12


def _api(request: Request) -> str:
    return f"{request.base_url}/wp-json/wc/v3/reports"


def list_reports(store: Any, request: Request) -> Response:
    body = []
    for entry in load("reports"):
        self_link: dict[str, Any] = {"href": f"{_api(request)}/{entry['slug']}"}
        if entry["slug"] in SERVED:
            self_link["targetHints"] = {"allow": ["GET"]}
        body.append({**entry, "_links": {"self": [self_link], "collection": [{"href": _api(request)}]}})
    return Response(200, body)


def _totals(labels: dict[str, str], counts: Counter[str]) -> Response:
    return Response(200, [{"slug": slug, "name": name, "total": counts.get(slug, 0)} for slug, name in labels.items()])


def orders_totals(store: Any, request: Request) -> Response:
    return _totals(STATUSES, Counter(order["status"] for order in store.all("order")))


def products_totals(store: Any, request: Request) -> Response:
    return _totals(PRODUCT_TYPES, Counter(product.get("type") for product in store.all("product")))


def customers_totals(store: Any, request: Request) -> Response:
    people = [c for c in store.all("customer") if c.get("role") == "customer"]
    return _totals(CUSTOMER_KINDS, Counter("paying" if c.get("is_paying_customer") else "non_paying" for c in people))


def coupons_totals(store: Any, request: Request) -> Response:
    return _totals(COUPON_TYPES, Counter(coupon.get("discount_type") for coupon in store.all("coupon")))


def reviews_totals(store: Any, request: Request) -> Response:
    counts = Counter(f"rated_{r.get('rating')}_out_of_5" for r in store.all("review") if r.get("status") == "approved")
    return _totals({f"rated_{n}_out_of_5": f"Rated {n} out of 5" for n in range(1, 6)}, counts)


# -- ranges -------------------------------------------------------------------------------------


def _store_day(moment: datetime | None) -> date | None:
    return (moment + STORE_OFFSET).date() if moment is not None else None


def _parse_day(errors: ParamErrors, query: dict[str, Any], name: str) -> date | None:
    raw = query.get(name)
    if raw in (None, ""):
        return None
    try:
        return datetime.strptime(str(raw), "%Y-%m-%d").date()
    except ValueError:
        errors.add(name, "rest_invalid_date", "Invalid date.")
        return None


def _add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def report_range(store: Any, request: Request) -> tuple[date, date, str]:
    """(first day, last day, "day" | "month") for the request's period or date_min/date_max."""
    errors = ParamErrors()
    period = enum_param(errors, request.query, "period", ("week", "month", "last_month", "year"), "week")
    date_min = _parse_day(errors, request.query, "date_min")
    date_max = _parse_day(errors, request.query, "date_max")
    errors.raise_if_any()
    today = _store_day(store.now())
    assert today is not None
    if date_min is not None or date_max is not None:
        start, end = date_min or today, date_max or today
        steps, probe = 0, _add_month(start)
        while probe <= end:
            steps, probe = steps + 1, _add_month(probe)
        return start, end, "month" if steps > 1 else "day"
    if period == "year":
        return date(today.year, 1, 1), today, "month"
    if period == "month":
        return today.replace(day=1), today, "day"
    if period == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last, "day"
    return today - timedelta(days=6), today, "day"


def _buckets(start: date, end: date, grouping: str) -> Iterator[str]:
    day = start
    seen: set[str] = set()
    while day <= end:
        key = day.strftime("%Y-%m" if grouping == "month" else "%Y-%m-%d")
        if key not in seen:
            seen.add(key)
            yield key
        day += timedelta(days=1)


def _orders_in(store: Any, start: date, end: date) -> list[dict[str, Any]]:
    out = []
    for order in store.all("order"):
        day = _store_day(parse_gmt(order.get("date_created_gmt")))
        if order.get("status") in REPORTED_STATUSES and day is not None and start <= day <= end:
            out.append(order)
    return out


def _key(doc: dict[str, Any], grouping: str) -> str:
    day = _store_day(parse_gmt(doc.get("date_created_gmt")))
    assert day is not None
    return day.strftime("%Y-%m" if grouping == "month" else "%Y-%m-%d")


def sales(store: Any, request: Request) -> Response:
    start, end, grouping = report_range(store, request)
    keys = list(_buckets(start, end, grouping))
    zero = Decimal(0)
    rows: dict[str, dict[str, Any]] = {k: {"sales": zero, "orders": 0, "items": 0, "tax": zero, "shipping": zero,
                                           "discount": zero, "customers": 0} for k in keys}
    refunds = zero
    for order in _orders_in(store, start, end):
        row = rows[_key(order, grouping)]
        row["sales"] += Decimal(order["total"])
        row["orders"] += 1
        row["items"] += sum(int(line.get("quantity") or 0) for line in order.get("line_items", []))
        row["tax"] += Decimal(order["total_tax"])
        row["shipping"] += Decimal(order["shipping_total"])
        row["discount"] += Decimal(order["discount_total"])
        refunds += sum((abs(Decimal(str(r.get("total") or 0))) for r in order.get("refunds", [])), zero)
    new_customers = 0
    for person in store.all("customer"):
        created = _store_day(parse_gmt(person.get("date_created_gmt")))
        if person.get("role") == "customer" and created is not None and start <= created <= end:
            rows[_key(person, grouping)]["customers"] += 1
            new_customers += 1
    total = sum((r["sales"] for r in rows.values()), zero)
    tax = sum((r["tax"] for r in rows.values()), zero)
    shipping = sum((r["shipping"] for r in rows.values()), zero)
    net = total - tax - shipping - refunds
    spans = len(keys) or 1
    body = {
        "total_sales": money(total), "net_sales": money(net), "average_sales": money(net / spans),
        "total_orders": sum(r["orders"] for r in rows.values()),
        "total_items": sum(r["items"] for r in rows.values()),
        "total_tax": money(tax), "total_shipping": money(shipping), "total_refunds": json_number(refunds),
        "total_discount": money(sum((r["discount"] for r in rows.values()), zero)),
        "totals_grouped_by": grouping,
        "totals": {k: {**r, "sales": money(r["sales"]), "tax": money(r["tax"]), "shipping": money(r["shipping"]),
                       "discount": money(r["discount"])} for k, r in rows.items()},
        "total_customers": new_customers,
        "_links": {"about": [{"href": _api(request)}]},
    }
    return Response(200, [body])


def top_sellers(store: Any, request: Request) -> Response:
    start, end, _ = report_range(store, request)
    quantities: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    for order in _orders_in(store, start, end):
        for line in order.get("line_items", []):
            if line.get("product_id"):
                quantities[line["product_id"]] += int(line.get("quantity") or 0)
                names.setdefault(line["product_id"], line.get("parent_name") or line.get("name") or "")
    ranked = sorted(quantities.items(), key=lambda item: (-item[1], item[0]))[:TOP_SELLERS_LIMIT]
    products = f"{request.base_url}/wp-json/wc/v3/products"
    return Response(200, [{"name": names[pid], "product_id": pid, "quantity": quantity,
                           "_links": {"about": [{"href": _api(request)}], "product": [{"href": f"{products}/{pid}"}]}}
                          for pid, quantity in ranked])


ROUTES = [
    (r"/reports", {"GET": list_reports}),
    (r"/reports/sales", {"GET": sales}),
    (r"/reports/top_sellers", {"GET": top_sellers}),
    (r"/reports/orders/totals", {"GET": orders_totals}),
    (r"/reports/products/totals", {"GET": products_totals}),
    (r"/reports/customers/totals", {"GET": customers_totals}),
    (r"/reports/coupons/totals", {"GET": coupons_totals}),
    (r"/reports/reviews/totals", {"GET": reviews_totals}),
]
