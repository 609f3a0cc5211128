"""``responses`` answers for catalogue writes, built from the real store's captured objects.

Shared by the upsert-product and update-stock tests: a SKU lookup answered with captured
product or variation objects and 271's paging headers, and helpers to read what was POSTed.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import responses
from captures import capture, replay_headers
from responses import matchers

API = "https://127.0.0.1:8443/wp-json/wc/v3"


def list_headers(count: int) -> dict[str, str]:
    """271's headers (a one-page sku lookup) with ``count`` results."""
    headers = replay_headers(capture(271))
    headers.pop("Content-Type", None)
    headers["X-WP-Total"], headers["X-WP-TotalPages"] = str(count), "1" if count else "0"
    return headers


def captured_product(sku: str, pid: int, **fields: Any) -> dict[str, Any]:
    """A full product object as the store sends it (271's first), with another sku and id."""
    doc = copy.deepcopy(capture(271)["response"]["body"][0])
    doc.update(id=pid, sku=sku, **fields)
    return doc


def answer_lookup(rsps: responses.RequestsMock, skus: str, docs: list[dict[str, Any]]) -> None:
    """GET /products?sku=<skus> (the comma list exactly as sent) answers ``docs``."""
    rsps.add(responses.Response("GET", f"{API}/products", json=docs, headers=list_headers(len(docs)),
                                match=[matchers.query_param_matcher({"sku": skus}, strict_match=False)]))


def batch_answer(rsps: responses.RequestsMock, path: str, body: dict[str, Any]) -> None:
    rsps.add(responses.Response("POST", f"{API}{path}", json=body, headers=list_headers(0)))


def sent(call: Any) -> Any:
    return json.loads(call.request.body)


def posts(rsps: responses.RequestsMock) -> list[Any]:
    return [c for c in rsps.calls if c.request.method == "POST"]
