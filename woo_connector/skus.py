"""Finding products and variations by SKU, many at a time.

``/products?sku=A,B`` takes a comma list and also finds variations (type ``variation`` with
``parent_id`` set), mixed with products in one answer (captures 269-272). So one request per
hundred SKUs resolves a whole import or stock file, whatever mix of simple products, variable
parents and variations it names. A SKU with a comma in it cannot be asked for this way (the
store would split it), so callers refuse those up front.
"""

from __future__ import annotations

from typing import Any, Iterable

from .batch import chunks
from .client import WooClient

SKUS_PER_REQUEST = 100


def find_by_sku(client: WooClient, skus: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Every product or variation whose SKU is in ``skus`` (trash excluded), keyed by the SKU as
    asked. The store compares SKUs without regard to case (MySQL's ``IN`` on ``_sku``), so a
    record stored as ``abc-1`` answers for ``ABC-1`` here too, as it would block creating one."""
    wanted = sorted({sku for sku in skus if sku and "," not in sku})
    by_key: dict[str, dict[str, Any]] = {}
    for chunk in chunks(wanted, SKUS_PER_REQUEST):
        for page, _info in client.iter_pages("/products", {"sku": ",".join(chunk)}, per_page=100):
            for doc in page:
                sku = doc.get("sku") if isinstance(doc, dict) else None
                if isinstance(sku, str):
                    by_key.setdefault(sku.casefold(), doc)
    return {sku: by_key[sku.casefold()] for sku in wanted if sku.casefold() in by_key}


def find_by_id(client: WooClient, path: str, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Records of a collection (``/products``, ``/products/{id}/variations``) by id, 100 per request."""
    wanted = sorted(set(ids))
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(wanted):
        params = {"include": ",".join(str(i) for i in chunk)}
        for page, _info in client.iter_pages(path, params, per_page=100):
            for doc in page:
                if isinstance(doc, dict) and doc.get("id") in chunk:
                    found[doc["id"]] = doc
    return found
