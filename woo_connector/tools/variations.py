"""Variations: list, get, update, each by the parent's ``product_id`` and the variation ``id``,
or (get, update) by the variation's own SKU.

``update-product`` edits a variable product itself, never its variations; a variation's price,
stock, attributes or image live at /products/{product_id}/variations/{id}. A SKU is enough to
find both ids: ``/products?sku=`` answers a variation's SKU with the variation, its
``parent_id`` set (capture 269).
"""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..errors import InvalidInputError, NotFoundError
from ..hookspecs import Register, hookimpl
from ..pagination import list_collection
from .products import prices_as_strings
from ..skus import LOOKUP_FIELDS, find_by_sku, is_variation

LOCATORS = ("product_id", "id")


def list_variations(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    filters = {k: v for k, v in args.items() if k != "product_id"}
    return list_collection(client, f"/products/{args['product_id']}/variations", filters)


def get_variation(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    return client.get(variation_path(client, args))


def update_variation(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    """With ``id`` a ``sku`` in the payload is the variation's new SKU; without, it finds it."""
    path = variation_path(client, args)
    ignored = LOCATORS if "id" in args else LOCATORS + ("sku",)
    fields = prices_as_strings({k: v for k, v in args.items() if k not in ignored})
    return client.put(path, fields)


def variation_path(client: WooClient, args: dict[str, Any]) -> str:
    """/products/{parent}/variations/{id}, from the ids given or from the variation's SKU."""
    if "id" in args:
        return f"/products/{args['product_id']}/variations/{args['id']}"
    sku = args["sku"]
    item = find_by_sku(client, [sku], fields=LOOKUP_FIELDS).get(sku)
    if item is None:
        raise NotFoundError(
            f"No product or variation has the SKU {sku!r}.",
            details={"problems": [{"pointer": "/sku", "message": "no variation with this SKU"}]},
        )
    if not is_variation(item):
        raise InvalidInputError(
            f"SKU {sku!r} belongs to the {item.get('type')} product {item.get('id')}, not to a "
            "variation: use get-product or update-product for it.",
            details={"problems": [{"pointer": "/sku", "message": f"a {item.get('type')} product, not a variation"}]},
        )
    return f"/products/{item['parent_id']}/variations/{item['id']}"


@hookimpl
def register_tools(register: Register) -> None:
    register("list-variations", list_variations)
    register("get-variation", get_variation)
    register("update-variation", update_variation)
