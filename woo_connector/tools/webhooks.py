"""subscribe-webhook: create a WooCommerce webhook with a fresh secret, returned exactly once.

The store signs every delivery with the webhook's secret but never returns the secret through
the API afterwards (305): whoever creates the webhook must keep it then. So the tool makes the
secret itself (``secrets.token_urlsafe``, 256 bits) rather than asking the caller to invent one,
and hands it back in this one result for the receiver's configuration
(:func:`woo_connector.webhooks.verify_signature` checks deliveries with it).

Creating a webhook makes the store POST an unsigned ping (``webhook_id=<id>``) to the delivery
URL before it answers (306): the receiver must already be up and answer it 200.
"""

from __future__ import annotations

import secrets
from typing import Any

from ..client import WooClient
from ..hookspecs import Register, hookimpl
from ..store_shape import store_object

SECRET_BYTES = 32


def subscribe_webhook(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    secret = secrets.token_urlsafe(SECRET_BYTES)
    body = {
        "name": args.get("name") or f"woo-connector {args['topic']}",
        "topic": args["topic"],
        "delivery_url": args["delivery_url"],
        "secret": secret,
    }
    webhook = store_object(client.post("/webhooks", body), "subscribe-webhook")
    return {"webhook": webhook, "secret": secret}


@hookimpl
def register_tools(register: Register) -> None:
    register("subscribe-webhook", subscribe_webhook)
