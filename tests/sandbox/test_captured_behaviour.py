"""Values behind captures 262-318 that the fidelity replay (shapes and statuses) cannot see.

Each test states one thing the rebuilt store showed, checked on the sandbox's values: stock,
totals, stamps, the webhook bytes on the wire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from woo_connector.sandbox import Sandbox
from woo_connector.sandbox.routes import dispatch
from woo_connector.sandbox.store import Store
from woo_connector.sandbox.wire import Request, Response

NOON = datetime(2026, 12, 1, 8, 35, 12, tzinfo=timezone.utc)


def call(store: Store, method: str, route: str, query: dict[str, Any] | None = None, body: Any = None) -> Response:
    return dispatch(store, Request(method, route, query or {}, body, {}, "http://127.0.0.1:9"))


@pytest.fixture
def store() -> Store:
    return Store.create(seed=42, orders=60)


def test_a_batch_of_101_items_counting_every_part_is_refused_whole(store: Store) -> None:
    ids = sorted(store.tables["order"])
    before = json.dumps(store.tables["order"], sort_keys=True)
    answer = call(store, "POST", "/orders/batch", body={"update": [{"id": i, "customer_note": "x"} for i in ids[:1]],
                                                        "delete": ids[1:51] + list(range(900000, 900050))})
    assert answer.status == 413 and answer.body["code"] == "woocommerce_rest_request_entity_too_large"
    assert json.dumps(store.tables["order"], sort_keys=True) == before
    assert call(store, "POST", "/products/batch", body={}).body == []
    assert call(store, "POST", "/orders/batch", body={"update": [{"id": ids[0]}] * 100}).status == 200


def test_batch_deletes_are_permanent(store: Store) -> None:
    pid = call(store, "POST", "/products", body={"name": "Gone", "regular_price": "1.00"}).body["id"]
    assert call(store, "POST", "/products/batch", body={"delete": [pid]}).status == 200
    assert call(store, "GET", f"/products/{pid}").status == 404


def test_same_second_stamps_and_an_exclusive_whole_second_modified_after(store: Store) -> None:
    store.set_clock(lambda: NOON)
    ids = sorted(store.tables["order"])[:3]
    call(store, "POST", "/orders/batch", body={"update": [{"id": i, "customer_note": "same second"} for i in ids]})
    query = {"modified_after": NOON.strftime("%Y-%m-%dT%H:%M:%S"), "dates_are_gmt": "true", "per_page": "100"}
    assert [o["id"] for o in call(store, "GET", "/orders", query).body] == []
    earlier = {**query, "modified_after": (NOON - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S")}
    assert sorted(o["id"] for o in call(store, "GET", "/orders", earlier).body) == ids


def test_sku_finds_variations_and_takes_a_comma_list(store: Store) -> None:
    parent = next(p for p in store.all("product") if p["type"] == "variable" and p["variations"])
    variation = store.get("product", parent["variations"][0])
    simple = next(p for p in store.all("product") if p["type"] == "simple" and p["sku"])
    found = call(store, "GET", "/products", {"sku": f"{simple['sku']},{variation['sku']}"}).body
    assert {(p["id"], p["type"]) for p in found} == {(simple["id"], "simple"), (variation["id"], "variation")}
    assert [v["id"] for v in call(store, "GET", f"/products/{parent['id']}/variations", {"sku": variation["sku"]}).body] \
        == [variation["id"]]


def test_customers_ignore_modified_after_and_a_put_moves_date_modified(store: Store) -> None:
    everyone = call(store, "GET", "/customers", {"per_page": "100"}).headers["X-WP-Total"]
    future = {"per_page": "100", "modified_after": "2099-01-01T00:00:00", "dates_are_gmt": "true"}
    assert call(store, "GET", "/customers", future).headers["X-WP-Total"] == everyone
    store.set_clock(lambda: NOON)
    cid = call(store, "GET", "/customers", {"orderby": "registered_date"}).body[0]["id"]
    assert call(store, "PUT", f"/customers/{cid}", body={"billing": {"phone": "0400 000 000"}}).body[
        "date_modified_gmt"] == "2026-12-01T08:35:12"


def refundable(store: Store) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    for order in sorted(store.all("order"), key=lambda o: o["id"]):
        if order["status"] == "completed" and not order["refunds"] and order["line_items"]:
            line = order["line_items"][0]
            product = store.get("product", line["product_id"])
            if product and product["type"] == "simple" and product.get("manage_stock") and line["tax_class"] == "":
                return order, line, product
    raise AssertionError("the seed has no refundable order with a stock-managed line")


def test_a_line_refund_works_out_its_amount_restocks_and_leaves_the_order_totals(store: Store) -> None:
    order, line, product = refundable(store)
    stock, total = product["stock_quantity"], order["total"]
    store.set_clock(lambda: NOON)
    refund = call(store, "POST", f"/orders/{order['id']}/refunds", body={
        "api_refund": False, "line_items": [{"id": line["id"], "quantity": 1, "refund_total": 46.32,
                                             "refund_tax": [{"id": 1, "refund_total": 4.63}]}]})
    assert refund.status == 201 and refund.body["amount"] == "50.95"
    assert refund.body["line_items"][0]["total"] == "-46.32" and refund.body["line_items"][0]["total_tax"] == "-4.63"
    after = call(store, "GET", f"/orders/{order['id']}").body
    assert after["total"] == total and after["line_items"][0]["quantity"] == line["quantity"]
    assert after["refunds"][0]["total"] == "-50.95" and after["date_modified_gmt"] == "2026-12-01T08:35:12"
    assert store.get("product", product["id"])["stock_quantity"] == stock + 1
    store.set_clock(lambda: NOON + timedelta(seconds=7))
    assert call(store, "DELETE", f"/orders/{order['id']}/refunds/{refund.body['id']}", {"force": "true"}).status == 200
    again = call(store, "GET", f"/orders/{order['id']}").body
    assert again["refunds"] == [] and again["date_modified_gmt"] == "2026-12-01T08:35:12"
    assert store.get("product", product["id"])["stock_quantity"] == stock + 1


def test_api_restock_false_keeps_stock_and_an_over_refund_is_a_bare_500(store: Store) -> None:
    order, line, product = refundable(store)
    stock = product["stock_quantity"]
    call(store, "POST", f"/orders/{order['id']}/refunds", body={
        "api_refund": False, "api_restock": False, "line_items": [{"id": line["id"], "quantity": 1, "refund_total": 1}]})
    assert store.get("product", product["id"])["stock_quantity"] == stock
    too_much = call(store, "POST", f"/orders/{order['id']}/refunds", body={"amount": order["total"], "api_refund": False})
    assert too_much.status == 500
    assert too_much.body == {"code": "woocommerce_rest_cannot_create_order_refund", "message": "Invalid refund amount.",
                             "data": 500}


def test_trash_answers_the_previous_state_then_410_and_hides_from_code_lookups(store: Store) -> None:
    coupon = call(store, "POST", "/coupons", body={"code": "trash-me", "amount": "1.00"}).body
    assert call(store, "DELETE", f"/coupons/{coupon['id']}").body["status"] == "publish"
    assert [c["id"] for c in call(store, "GET", "/coupons", {"status": "trash"}).body] == [coupon["id"]]
    assert call(store, "GET", "/coupons", {"code": "trash-me"}).body == []
    assert call(store, "GET", f"/coupons/{coupon['id']}").body["status"] == "trash"
    second = call(store, "DELETE", f"/coupons/{coupon['id']}")
    assert (second.status, second.body["code"]) == (410, "woocommerce_rest_already_trashed")
    order = call(store, "POST", "/orders", body={"status": "pending"}).body
    assert call(store, "DELETE", f"/orders/{order['id']}").body["status"] == "pending"
    assert call(store, "DELETE", f"/orders/{order['id']}").status == 410
    customer = call(store, "POST", "/customers", body={"email": "trash@example.test"}).body
    assert call(store, "DELETE", f"/customers/{customer['id']}").status == 501


# -- over HTTP -----------------------------------------------------------------------------------


@pytest.fixture
def shop() -> Iterator[Sandbox]:
    with Sandbox(store=Store.create(seed=42, orders=30), https=True) as sandbox:  # keys in the query need TLS
        yield sandbox


def auth(shop: Sandbox, kind: str = "rw") -> tuple[str, str]:
    key = shop.key(kind)
    return key.consumer_key, key.consumer_secret


def test_method_override_on_any_verb_checks_the_overridden_method(shop: Sandbox) -> None:
    body = {"name": "Overridden", "regular_price": "1.00"}
    made = requests.get(f"{shop.url}/wp-json/wc/v3/products?_method=POST", json=body,
                        params={"consumer_key": auth(shop)[0], "consumer_secret": auth(shop)[1]}, timeout=10, verify=shop.ca_bundle)
    assert made.status_code == 201 and made.json()["name"] == "Overridden"
    header = requests.get(f"{shop.url}/wp-json/wc/v3/products", json=body, headers={"X-HTTP-Method-Override": "POST"},
                          params={"consumer_key": auth(shop)[0], "consumer_secret": auth(shop)[1]}, timeout=10, verify=shop.ca_bundle)
    assert header.status_code == 201
    refused = requests.get(f"{shop.url}/wp-json/wc/v3/products?_method=POST", json=body,
                           params={"consumer_key": auth(shop, "ro")[0], "consumer_secret": auth(shop, "ro")[1]}, timeout=10, verify=shop.ca_bundle)
    assert refused.status_code == 401 and "write permissions" in refused.json()["message"]


def test_envelope_moves_status_and_headers_into_the_body(shop: Sandbox) -> None:
    ck, cs = auth(shop)
    answer = requests.get(f"{shop.url}/wp-json/wc/v3/orders",
                          params={"_envelope": "1", "per_page": "2", "consumer_key": ck, "consumer_secret": cs}, timeout=10, verify=shop.ca_bundle)
    body = answer.json()
    assert answer.status_code == 200 and "X-WP-Total" not in answer.headers
    assert body["status"] == 200 and body["headers"]["X-WP-Total"] == 30 and body["headers"]["X-WP-TotalPages"] == 15
    assert "consumer_key=" in body["headers"]["Link"] and 'rel="next"' in body["headers"]["Link"]
    missing = requests.get(f"{shop.url}/wp-json/wc/v3/orders/99999999", params={"_envelope": "1"}, auth=(ck, cs), timeout=10, verify=shop.ca_bundle)
    assert missing.status_code == 200 and missing.json()["status"] == 404


class Receiver:
    def __init__(self) -> None:
        got = self.got = []  # type: list[tuple[dict[str, str], bytes]]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                got.append((dict(self.headers.items()), self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        # polled every 10 ms, so shutdown() at teardown waits that long, not serve_forever's 0.5 s
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def test_webhooks_ping_then_queue_one_signed_delivery_per_record(receiver: Receiver) -> None:
    with Sandbox(store=Store.create(seed=42, orders=30), https=True, webhook_ports=(receiver.port,)) as shop:
        ck, cs = auth(shop)
        made = requests.post(f"{shop.url}/wp-json/wc/v3/webhooks", auth=(ck, cs), timeout=10, verify=shop.ca_bundle, json={
            "topic": "order.updated", "delivery_url": f"http://127.0.0.1:{receiver.port}/hook", "secret": "s3cret"}).json()
        assert "s3cret" not in json.dumps(made) and "secret" not in made
        (headers, raw), = receiver.got
        assert raw == f"webhook_id={made['id']}".encode() and not any(h.startswith("X-WC-Webhook") for h in headers)
        oid = sorted(shop.store.tables["order"])[0]
        for note in ("first", "second"):
            requests.put(f"{shop.url}/wp-json/wc/v3/orders/{oid}", auth=(ck, cs), json={"customer_note": note}, timeout=10, verify=shop.ca_bundle)
        assert len(receiver.got) == 1  # queued, not sent
        shop.deliver_webhooks()  # the seed's own order.updated webhooks are queued too
        assert [d.webhook_id for d in shop.store.hookshot.deliveries].count(made["id"]) == 2  # ping + one
        (headers, raw), = receiver.got[1:]
        assert json.loads(raw)["customer_note"] == "second" and b"\\/" in raw
        assert headers["X-WC-Webhook-Signature"] == base64.b64encode(hmac.new(b"s3cret", raw, hashlib.sha256).digest()).decode()
        assert (headers["X-WC-Webhook-Topic"], headers["X-WC-Webhook-ID"]) == ("order.updated", str(made["id"]))
        assert shop.deliver_webhooks() == 0


def test_webhook_urls_follow_wordpress_port_rule(receiver: Receiver) -> None:
    with Sandbox(store=Store.create(seed=42, orders=30), https=True) as shop:  # WordPress's ports: 80, 443, 8080, its own
        assert shop.webhook_ports == (80, 443, 8080)
        requests.post(f"{shop.url}/wp-json/wc/v3/webhooks", auth=auth(shop), timeout=10, verify=shop.ca_bundle, json={
            "topic": "order.updated", "delivery_url": f"http://127.0.0.1:{receiver.port}/hook"})
        assert receiver.got == [] and shop.store.hookshot.deliveries[-1].status is None
        assert shop.store.hookshot.allows(f"{shop.url}/own-port") and shop.store.hookshot.allows("http://127.0.0.1:8080/")


def test_webhooks_never_leave_the_machine() -> None:
    with Sandbox(store=Store.create(seed=42, orders=30)) as shop:
        assert not shop.store.hookshot.allows("https://example.com/hook")
        assert not shop.store.hookshot.allows("ftp://127.0.0.1/hook")
        assert not shop.store.hookshot.allows("http://127.0.0.1:9999/hook")


def test_tax_view_as_capture_316_shows_it(store: Store) -> None:
    gift = call(store, "POST", "/products", body={"name": "Gift Card $50", "regular_price": "50.00",
                                                   "tax_status": "none"}).body
    taxed = next(p for p in sorted(store.all("product"), key=lambda p: p["id"])
                 if p["type"] == "simple" and p["tax_class"] == "" and p["status"] == "publish")
    order = call(store, "POST", "/orders", body={
        "line_items": [{"product_id": gift["id"], "quantity": 1}, {"product_id": taxed["id"], "quantity": 2}],
        "fee_lines": [{"name": "Gift wrapping", "total": "4.55", "tax_status": "taxable"}]}).body
    card, other = order["line_items"]
    assert card["taxes"] == [] and card["total_tax"] == "0.00" and card["total"] == "50.00"
    fee, = order["fee_lines"]
    assert (fee["total_tax"], fee["taxes"][0]["total"]) == ("0.45", "0.46")
    gst, = order["tax_lines"]
    assert gst["tax_total"] == "%.2f" % (float(other["total_tax"]) + float(fee["total_tax"]))
    assert order["cart_tax"] == gst["tax_total"]


def test_a_ping_to_the_store_itself_does_not_wait_for_the_creating_request() -> None:
    with Sandbox(store=Store.create(seed=42, orders=30), https=True) as shop:
        made = requests.post(f"{shop.url}/wp-json/wc/v3/webhooks", auth=auth(shop), timeout=30, verify=shop.ca_bundle,
                             json={"topic": "order.updated", "delivery_url": f"{shop.url}/wp-json/wc/v3/orders"})
        assert made.status_code == 201
        ping = shop.store.hookshot.deliveries[-1]
        # answered by the store itself (401: a ping carries no key), not a timeout on its own lock
        assert ping.webhook_id == made.json()["id"] and ping.status == 401
