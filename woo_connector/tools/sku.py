"""SKU lookup: which product or variation a SKU names, in one request for many SKUs.

Why not let WooCommerce resolve ``sku`` itself (order line items accept one): an unknown SKU
then becomes an order line for nothing, the same silent empty line an unknown ``product_id``
gives (capture 250). Resolving first refuses the order before anything is written, and tells
a variation (``type`` variation, ``parent_id`` set) from the variable product that owns it.

``/products?sku=`` finds variations too and takes a comma list that may mix products and
variations (captures 269, 271, 272). A SKU that itself contains a comma is asked for on its
own, since the store would split it. The store compares SKUs case-insensitively (a MySQL
``IN`` on ``_sku``), so answers are matched to the asked SKUs the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..client import WooClient
from ..store_shape import store_object

LOOKUP_FIELDS = "id,sku,type,parent_id,name,status"
PER_REQUEST = 100  # WooCommerce's per_page maximum: one page answers up to 100 SKUs


def find_skus(client: WooClient, skus: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Map each SKU the store knows to its product or variation (id, sku, type, parent_id, name)."""
    wanted = list(dict.fromkeys(skus))
    plain = [s for s in wanted if "," not in s]
    queries = [",".join(plain[i : i + PER_REQUEST]) for i in range(0, len(plain), PER_REQUEST)]
    queries += [s for s in wanted if "," in s]
    by_key: dict[str, dict[str, Any]] = {}
    for query in queries:
        params = {"sku": query, "_fields": LOOKUP_FIELDS}
        for page, _info in client.iter_pages("/products", params, per_page=PER_REQUEST):
            for item in page:
                found = store_object(item, "the SKU lookup", needs=("id", "sku"))
                by_key.setdefault(str(found["sku"]).casefold(), dict(found))
    return {sku: by_key[sku.casefold()] for sku in wanted if sku.casefold() in by_key}


def is_variation(item: Mapping[str, Any]) -> bool:
    return item.get("type") == "variation" and bool(item.get("parent_id"))
