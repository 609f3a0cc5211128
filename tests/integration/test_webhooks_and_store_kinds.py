"""Against sandboxes of their own: a webhook receiver that gets the store's ping and signed
deliveries, and a tax-exclusive (US-style) store's amounts."""

from __future__ import annotations

import threading
import uuid
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox
from woo_connector.webhooks import SIGNATURE_HEADER, is_ping, verify_signature


class Receiver:
    """A loopback HTTP endpoint that keeps every request's headers and raw body."""

    def __init__(self) -> None:
        received: list[tuple[dict[str, str], bytes]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append((dict(self.headers.items()), raw))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_subscribed_webhook_pings_then_delivers_signed_with_the_returned_secret(connector: Registry) -> None:
    with Receiver() as receiver:
        shop = Sandbox(orders=20, webhook_ports=(receiver.port,)).start()
        try:
            conn = shop.connection()
            result = connector.invoke("subscribe-webhook", {"topic": "order.updated",
                                                            "delivery_url": f"http://127.0.0.1:{receiver.port}/hook"}, conn)
            [(ping_headers, ping_body)] = receiver.received
            assert is_ping(ping_headers, ping_body) and ping_body == f"webhook_id={result['webhook']['id']}".encode()

            order = connector.invoke("list-orders", {"per_page": 1}, conn)["items"][0]
            connector.invoke("update-order", {"id": order["id"], "customer_note": f"hook {uuid.uuid4().hex[:6]}"}, conn)
            shop.deliver_webhooks()  # the seeded store has webhooks of its own: count only ours

            assert len(receiver.received) == 2
            headers, raw = receiver.received[1]
            assert not is_ping(headers, raw)
            assert verify_signature(result["secret"], raw, headers[SIGNATURE_HEADER])
            assert not verify_signature(result["secret"] + "x", raw, headers[SIGNATURE_HEADER])
        finally:
            shop.stop()


def test_tax_exclusive_store_amounts(connector: Registry) -> None:
    shop = Sandbox(orders=40, prices_include_tax=False).start()
    try:
        conn = shop.connection()
        orders = connector.invoke("list-orders", {"per_page": 40, "tax_breakdown": True}, conn)["items"]
        assert orders and all(o["prices_include_tax"] is False for o in orders)
        for order in orders:
            amounts = order["amounts"]
            assert amounts["reconciled"] and amounts["prices_include_tax"] is False
            assert Decimal(amounts["gross"]) == Decimal(order["total"])
        products = connector.invoke("list-products", {"type": "simple", "per_page": 20, "tax_breakdown": True}, conn)["items"]
        for product in products:
            price = product["amounts"]["price"]
            if price is None:
                continue
            assert price["net"] == f"{Decimal(product['price']):.2f}"  # entered without tax
            rate = Decimal(product["amounts"]["tax_rate"])
            assert Decimal(price["tax"]) == (Decimal(product["price"]) * rate / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert Decimal(price["gross"]) == Decimal(price["net"]) + Decimal(price["tax"])
        assert any(Decimal(p["amounts"]["tax_rate"]) == 10 for p in products)  # the standard rate is there
    finally:
        shop.stop()
