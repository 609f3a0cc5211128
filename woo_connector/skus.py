"""Finding products and variations by SKU (or id), many at a time: the one lookup every tool uses.

``/products?sku=A,B`` takes a comma list and also finds variations (type ``variation`` with
``parent_id`` set), mixed with products in one answer (captures 269-272). So one request per
hundred SKUs resolves a whole import, stock file or order, whatever mix of simple products,
variable parents and variations it names.

Why tools resolve SKUs themselves rather than let WooCommerce do it (order line items accept a
``sku``): an unknown SKU then becomes an order line for nothing, the same silent empty line an
unknown ``product_id`` gives (capture 250). Resolving first refuses before anything is written,
and tells a variation from the variable product that owns it.

A SKU with a comma in it cannot be asked for: the store splits the filter on commas, so it
would answer for other SKUs. Such a SKU is never found here; tools that take SKUs as keys
refuse it up front. The store compares SKUs without regard to case (MySQL's ``IN`` on
``_sku``), so answers are matched to the asked SKUs the same way: a record stored as ``abc-1``
answers for ``ABC-1``, as it would block creating one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .batch import chunks
from .client import WooClient
from .store_shape import store_object

PER_REQUEST = 100  # WooCommerce's per_page maximum: one page answers up to 100 SKUs or ids
LOOKUP_FIELDS = "id,sku,type,parent_id,name,status"
"""The projection for a tool that only needs to know what a SKU names (not the whole record)."""


def findable(sku: str) -> bool:
    """Whether the store's sku filter can be asked for ``sku`` (non-empty, no comma)."""
    return bool(sku) and "," not in sku


def find_by_sku(client: WooClient, skus: Iterable[str], *, fields: str | None = None) -> dict[str, dict[str, Any]]:
    """Every product or variation whose SKU is in ``skus`` (trash excluded), keyed by the SKU as
    asked. ``fields`` is a ``_fields`` projection (say :data:`LOOKUP_FIELDS`); without it the
    records come whole. ``id`` and ``sku`` are always asked for, since matching needs them."""
    wanted = sorted({sku for sku in skus if findable(sku)})  # sorted: the same request for the same set
    base: dict[str, Any] = {}
    if fields is not None:
        base["_fields"] = ",".join(dict.fromkeys(["id", "sku", *fields.split(",")]))
    by_key: dict[str, dict[str, Any]] = {}
    for chunk in chunks(wanted, PER_REQUEST):
        for page, _info in client.iter_pages("/products", {**base, "sku": ",".join(chunk)}, per_page=PER_REQUEST):
            for item in page:
                found = store_object(item, "the SKU lookup", needs=("id", "sku"))
                if isinstance(found["sku"], str):
                    by_key.setdefault(found["sku"].casefold(), found)
    return {sku: by_key[sku.casefold()] for sku in wanted if sku.casefold() in by_key}


def find_by_id(client: WooClient, path: str, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Records of a collection (``/products``, ``/products/{id}/variations``) by id, 100 per request."""
    wanted = sorted(set(ids))
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(wanted, PER_REQUEST):
        params = {"include": ",".join(str(i) for i in chunk)}
        for page, _info in client.iter_pages(path, params, per_page=PER_REQUEST):
            for doc in page:
                if isinstance(doc, dict) and doc.get("id") in chunk:
                    found[doc["id"]] = doc
    return found


def is_variation(item: Mapping[str, Any]) -> bool:
    """A lookup answer that is one variation of a variable product (its parent is ``parent_id``)."""
    return item.get("type") == "variation" and bool(item.get("parent_id"))
