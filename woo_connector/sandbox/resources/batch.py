"""WooCommerce's /batch endpoints: create, update and delete in one call, each item on its own.

The whole call answers 200 even when items fail; a failed item carries its error object in
place of the resource (``{"id": 0, "error": {...}}`` for a create). Orders, products and
variations share this shape and differ only in how an item is made, found, changed and removed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from woo_connector.sandbox.collection import id_list
from woo_connector.sandbox.wire import ApiError

Doc = dict[str, Any]

BATCH_LIMIT = 100
"""WordPress' batch limit: create + update + delete items together (262, 263)."""


def too_large() -> ApiError:
    return ApiError(413, "woocommerce_rest_request_entity_too_large",
                    f"Unable to accept more than {BATCH_LIMIT} items for this request.")


def run_batch(
    body: Any,
    *,
    create: Callable[[Doc], Doc],
    find: Callable[[Any], Doc | None],
    update: Callable[[Doc, Doc], Doc],
    delete: Callable[[Doc], Doc],
    invalid_id: Callable[[], ApiError],
) -> dict[str, list[Any]] | list[Any]:
    """Run each part the body names; ``find`` returns None for an id this endpoint does not own.

    More than :data:`BATCH_LIMIT` items in all refuses the whole call before anything is applied
    (413); a body naming no part answers an empty JSON array, not an object (291, 292). Deletes
    are always permanent: the caller's ``delete`` must not trash.
    """
    body = body if isinstance(body, dict) else {}
    count = sum(len(body.get(part) or []) for part in ("create", "update", "delete")
                if isinstance(body.get(part), list))
    if count > BATCH_LIMIT:
        raise too_large()
    if not any(part in body for part in ("create", "update", "delete")):
        return []
    result: dict[str, list[Any]] = {}
    if "create" in body:
        result["create"] = []
        for spec in body["create"] or []:
            try:
                result["create"].append(create(spec))
            except ApiError as err:
                result["create"].append({"id": 0, "error": err.body()})
    if "update" in body:
        result["update"] = []
        for spec in body["update"] or []:
            doc = find(spec.get("id"))
            if doc is None:
                result["update"].append({"id": spec.get("id"), "error": invalid_id().body()})
                continue
            try:
                result["update"].append(update(doc, {k: v for k, v in spec.items() if k != "id"}))
            except ApiError as err:
                result["update"].append({"id": spec.get("id"), "error": err.body()})
    if "delete" in body:
        result["delete"] = []
        for item_id in id_list(body["delete"]):
            doc = find(item_id)
            if doc is None:
                result["delete"].append({"id": item_id, "error": invalid_id().body()})
                continue
            result["delete"].append(delete(doc))
    return result
