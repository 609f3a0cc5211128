"""Webhook delivery as WooCommerce 10 does it (captures 305-311), so receivers can be tested.

Creating a webhook sends a ping at once: a form-encoded ``webhook_id=<id>`` POST with no
``X-WC-Webhook-*`` headers. Every later event is only *queued* (WooCommerce's Action Scheduler
action ``woocommerce_deliver_webhook_async``) and goes out when the queue runs; the sandbox runs it
on :meth:`Hookshot.deliver`, reached through ``Sandbox.deliver_webhooks()``. One queued action per
webhook and record: two updates before the queue runs give one delivery with the latest state.
The body is PHP's compact JSON (slashes escaped as ``\\/``) and ``X-WC-Webhook-Signature`` is
base64(HMAC-SHA256(raw body, secret)). Delivery URLs pass ``wp_http_validate_url``'s port rule:
80, 443, 8080 or the store's own port, else nothing is sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import ssl
import http.client
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from .php import php_json

WORDPRESS_PORTS = (80, 443, 8080)
"""The ports ``wp_http_validate_url`` lets a request go to besides the site's own."""
LOOPBACK = ("127.0.0.1", "localhost", "::1")
USER_AGENT = "WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)"

Renderer = Callable[[str, int], "dict[str, Any] | None"]
"""The resource's current JSON by (resource, id), or None when it no longer exists."""


@dataclass
class Delivery:
    """One POST the store made: for tests, never holding the secret."""

    webhook_id: int
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None  # the receiver's answer, None when the request failed or was refused


@dataclass
class Hookshot:
    """The store's webhook sender: a queue of pending actions and the log of what went out."""

    allowed_ports: tuple[int, ...] = WORDPRESS_PORTS
    home_url: str = ""
    timeout: float = 5.0
    ca_bundle: str | None = None  # the sandbox's own CA, so an https receiver on it is trusted
    deliveries: list[Delivery] = field(default_factory=list)
    _queue: dict[tuple[int, str, int], str] = field(default_factory=dict)
    _pings: list[tuple[int, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allows(self, url: str) -> bool:
        """``wp_http_validate_url``'s port rule, for loopback hosts only: a sandbox never sends a
        webhook off the machine (the seed's webhooks point at 127.0.0.1:8080 like the captures')."""
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK:
            return False
        own = urlsplit(self.home_url).port if self.home_url else None
        return port in self.allowed_ports or port == own

    def ping(self, webhook: dict[str, Any]) -> None:
        """The ping on creation: form-encoded, unsigned, no X-WC-Webhook-* headers.

        Held until :meth:`send_pings`, which the request pipeline calls once the store lock is
        released and before it answers: a receiver that calls the store back (or a delivery URL
        on the store's own port) must not wait for the lock the creating request holds."""
        with self._lock:
            self._pings.append((int(webhook["id"]), str(webhook["delivery_url"])))

    def send_pings(self) -> None:
        with self._lock:
            pings, self._pings = self._pings, []
        for webhook_id, url in pings:
            body = urlencode({"webhook_id": webhook_id}).encode()
            self._post(webhook_id, url, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def enqueue(self, webhooks: Iterable[dict[str, Any]], resource: str, event: str, record_id: int) -> None:
        """Queue one action per active webhook listening to ``resource.event`` (deduplicated)."""
        with self._lock:
            for hook in webhooks:
                if hook.get("status") == "active" and hook.get("topic") == f"{resource}.{event}":
                    self._queue.setdefault((int(hook["id"]), resource, int(record_id)), event)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def deliver(self, webhooks: dict[int, dict[str, Any]], render: Renderer) -> int:
        """Run the queue: each action is rendered now (the latest state) and sent; returns the count."""
        with self._lock:
            queue, self._queue = self._queue, {}
        sent = 0
        for (webhook_id, resource, record_id), event in queue.items():
            hook = webhooks.get(webhook_id)
            if hook is None or hook.get("status") != "active":
                continue
            payload = render(resource, record_id) if event != "deleted" else None
            raw = php_json(payload if payload is not None else {"id": record_id})
            secret = str(hook.get("_secret") or "")
            signature = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
            self._post(webhook_id, hook["delivery_url"], raw, {
                "Content-Type": "application/json",
                "X-WC-Webhook-Source": self.home_url.rstrip("/") + "/",
                "X-WC-Webhook-Topic": hook["topic"],
                "X-WC-Webhook-Resource": resource,
                "X-WC-Webhook-Event": event,
                "X-WC-Webhook-Signature": signature,
                "X-WC-Webhook-ID": str(webhook_id),
                "X-WC-Webhook-Delivery-ID": secrets.token_hex(16),
            })
            sent += 1
        return sent

    def _post(self, webhook_id: int, url: str, body: bytes, headers: dict[str, str]) -> None:
        """POST with the header names spelled as WooCommerce spells them (urllib would recase them)."""
        headers = {"User-Agent": USER_AGENT, **headers}
        status: int | None = None
        if self.allows(url):
            parts = urlsplit(url)
            connection: http.client.HTTPConnection | None = None
            try:
                if parts.scheme == "https":
                    cafile = self.ca_bundle if self.ca_bundle and os.path.exists(self.ca_bundle) else None
                    connection = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=self.timeout,
                                                             context=ssl.create_default_context(cafile=cafile))
                else:
                    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout)
                connection.request("POST", (parts.path or "/") + ("?" + parts.query if parts.query else ""),
                                   body=body, headers=headers)
                status = connection.getresponse().status
            except (OSError, http.client.HTTPException):
                status = None
            finally:
                if connection is not None:
                    connection.close()
        self.deliveries.append(Delivery(webhook_id, url, headers, body, status))

