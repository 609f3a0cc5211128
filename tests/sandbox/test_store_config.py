"""Store-configuration endpoints: values counted from the store, writes kept, readable by every key."""

from __future__ import annotations

from collections import Counter
from typing import Any

import requests

from woo_connector.sandbox import Sandbox
from woo_connector.sandbox.routes import dispatch
from woo_connector.sandbox.store import Store
from woo_connector.sandbox.wire import Request

import pytest


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.create(seed=42, orders=120)


def call(store: Store, method: str, route: str, query: dict[str, Any] | None = None, body: Any = None,
         base_url: str = "http://127.0.0.1:9") -> Any:
    return dispatch(store, Request(method, route, query or {}, body, {}, base_url))


def test_report_totals_are_counted_from_the_store(store: Store) -> None:
    orders = {row["slug"]: row["total"] for row in call(store, "GET", "/reports/orders/totals").body}
    assert orders == {slug: Counter(o["status"] for o in store.all("order")).get(slug, 0) for slug in orders}
    assert sum(orders.values()) == len(store.tables["order"])
    products = {row["slug"]: row["total"] for row in call(store, "GET", "/reports/products/totals").body}
    assert products["variable"] == sum(1 for p in store.all("product") if p["type"] == "variable")
    coupons = {row["slug"]: row["total"] for row in call(store, "GET", "/reports/coupons/totals").body}
    assert sum(coupons.values()) == len(store.tables["coupon"])


def test_sales_by_date_range_adds_up_the_reported_orders(store: Store) -> None:
    report = call(store, "GET", "/reports/sales", {"date_min": "2026-10-01", "date_max": "2026-10-31"}).body[0]
    assert report["totals_grouped_by"] == "day"
    assert list(report["totals"])[0] == "2026-10-01" and list(report["totals"])[-1] == "2026-10-31"
    assert report["total_orders"] == sum(day["orders"] for day in report["totals"].values())
    sold = [o for o in store.all("order") if o["status"] in ("completed", "processing", "on-hold", "refunded")
            and "2026-10-01" <= o["date_created"][:10] <= "2026-10-31"]
    assert report["total_orders"] == len(sold) > 0
    assert report["total_sales"] == f"{sum(float(o['total']) for o in sold):.2f}"
    year = call(store, "GET", "/reports/sales", {"period": "year"}).body[0]
    assert year["totals_grouped_by"] == "month" and all(len(key) == 7 for key in year["totals"])


def test_top_sellers_rank_line_item_quantities(store: Store) -> None:
    ranked = call(store, "GET", "/reports/top_sellers", {"period": "year"}).body
    quantities = [row["quantity"] for row in ranked]
    assert quantities == sorted(quantities, reverse=True) and quantities[0] > 0
    assert ranked[0]["_links"]["product"][0]["href"].endswith(f"/products/{ranked[0]['product_id']}")


def test_bad_report_period_is_an_invalid_param(store: Store) -> None:
    refused = call(store, "GET", "/reports/sales", {"period": "decade"})
    assert refused.status == 400 and refused.body["code"] == "rest_invalid_param"


def test_setting_write_changes_the_current_currency_and_survives_a_restart(tmp_path: Any) -> None:
    path = str(tmp_path / "shop.db")
    shop = Store.open(path, seed=5, orders=5)
    assert call(shop, "GET", "/data/currencies/current").body["code"] == "AUD"
    updated = call(shop, "PUT", "/settings/general/woocommerce_currency", body={"value": "NZD"})
    assert updated.status == 200 and updated.body["value"] == "NZD" and updated.body["group_id"] == "general"
    bad = call(shop, "PUT", "/settings/general/woocommerce_currency", body={"value": "XYZ"})
    assert bad.status == 400 and bad.body["code"] == "rest_setting_value_invalid"
    shop.close()
    again = Store.open(path, seed=5, orders=5)
    assert call(again, "GET", "/data/currencies/current").body == {
        **call(again, "GET", "/data/currencies/NZD").body}
    assert call(again, "GET", "/data/currencies/current").body["name"] == "New Zealand dollar"


def test_unknown_settings_group_and_option_are_404(store: Store) -> None:
    assert call(store, "GET", "/settings/nope").body["code"] == "rest_setting_setting_group_invalid"
    assert call(store, "GET", "/settings/general/nope").body["code"] == "rest_setting_setting_invalid"


def test_country_states_come_from_the_settings_definitions(store: Store) -> None:
    au = call(store, "GET", "/data/countries/au").body
    assert au["name"] == "Australia"
    assert {"code": "NSW", "name": "New South Wales"} in au["states"]
    assert call(store, "GET", "/data/countries/zz").status == 404


def test_urls_inside_documents_use_the_callers_address(store: Store) -> None:
    base = "https://shop.example:1234"
    for route in ("/payment_gateways", "/shipping/zones", "/system_status/tools", "/settings"):
        text = repr(call(store, "GET", route, base_url=base).body)
        assert "127.0.0.1:8443" not in text and "sandbox.invalid" not in text
        assert base in text
    env = call(store, "GET", "/system_status", base_url=base).body["environment"]
    assert (env["home_url"], env["site_url"], env["version"], env["wp_version"]) == (base, base, "10.0.2", "6.8.8")


def test_shipping_zone_created_is_listed(tmp_path: Any) -> None:
    shop = Store.create(seed=1, orders=3)
    created = call(shop, "POST", "/shipping/zones", body={"name": "Moon", "order": 9})
    assert created.status == 201
    names = [z["name"] for z in call(shop, "GET", "/shipping/zones").body]
    assert names[-1] == "Moon" and len(names) == 4
    assert call(shop, "GET", "/shipping/zones/99").body["code"] == "woocommerce_rest_shipping_zone_invalid"


@pytest.mark.parametrize("kind", ["rw", "ro", "shop_manager"])
def test_every_key_reads_the_version_over_https(sandbox_https: Sandbox, kind: str) -> None:
    key = sandbox_https.key(kind)
    response = requests.get(f"{sandbox_https.url}/wp-json/wc/v3/system_status", params={"_fields": "environment"},
                            auth=(key.consumer_key, key.consumer_secret), verify=sandbox_https.ca_bundle, timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["environment"]
    assert body["environment"]["version"] == "10.0.2"
    assert body["environment"]["home_url"] == sandbox_https.url
