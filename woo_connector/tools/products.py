"""Products: list, get (with every variation), create (simple and variable), update.

A variable product is only useful with its variations, which WooCommerce keeps at
/products/{id}/variations: ``get-product`` and ``create-product`` return them under
``variation_details`` so a workflow never has to page them itself.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..batch import BatchOp, run_batches
from ..client import WooClient
from ..hookspecs import Register, hookimpl
from ..money import amounts_as_text
from ..pagination import list_collection
from ..query import store_query
from ..recovery import create_or_recover, naming_created
from ..store_shape import store_object
from ..sync.changes import list_changes, wants_cursor
from .amounts import load_store_tax, product_flag, product_with_amounts, take_flag

PRICE_FIELDS = ("regular_price", "sale_price")


def prices_as_strings(fields: Mapping[str, Any], keys: tuple[str, ...] = PRICE_FIELDS) -> dict[str, Any]:
    """WooCommerce refuses prices sent as JSON numbers (rest_invalid_param): every write tool
    sends its amounts through here, as their exact decimal text (money.decimal_text)."""
    return amounts_as_text(fields, keys)


def list_products(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    breakdown = product_flag(args)
    include_variations = take_flag(args, "include_variations", ("id", "type"))
    if wants_cursor(args):
        result = list_changes(client, "products", args)
    else:
        result = list_collection(client, "/products", args)
    if include_variations:
        result["items"] = with_variations(client, result["items"])
    if breakdown:
        store = load_store_tax(client)
        result["items"] = [product_with_amounts(p, store) for p in result["items"]]
    return result


def variations_of(client: WooClient, product_id: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page, _info in client.iter_pages(f"/products/{product_id}/variations", {}, per_page=100):
        out.extend(page)
    return out


def with_variations(client: WooClient, products: list[Any]) -> list[Any]:
    """One page of products, each variable one with its variations under ``variation_details``.

    Works on a page at a time, so a streaming export fetches the variations of the products it
    is about to write and holds no more than one page of them.
    """
    out: list[Any] = []
    for product in products:
        if isinstance(product, dict) and product.get("type") == "variable":
            product = {**product, "variation_details": variations_of(client, product["id"])}
        out.append(product)
    return out


def get_product(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    breakdown = product_flag(args)
    params = store_query(args, only=("_fields",))
    product = store_object(client.get(f"/products/{args['id']}", params), "get-product")
    if product.get("type") == "variable" or (
        "_fields" in params and product.get("variations")
    ):
        product["variation_details"] = variations_of(client, args["id"])
    return product_with_amounts(product, load_store_tax(client)) if breakdown else product


def create_product(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    """Create the product, then its variations in batches; report every variation that failed.

    The product is not deleted when a variation fails: the ones that worked are real, and the
    result names each failure by its position in the input (``variation_errors``) with
    ``complete: false``, so nothing is silently dropped.
    """
    fields = prices_as_strings({k: v for k, v in args.items() if k != "variations"})
    wanted = [prices_as_strings(v) for v in args.get("variations") or []]
    product = store_object(
        create_or_recover(client, "/products", fields, key="sku", query=lambda sku: {"sku": sku}),
        "create-product",
        needs=("id",),
    )
    if not wanted and product.get("type") != "variable":
        return product
    with naming_created("product", product["id"]):
        return _add_variations(client, product, wanted)


def _add_variations(client: WooClient, product: dict[str, Any], wanted: list[dict[str, Any]]) -> dict[str, Any]:
    """The variations in batches of 100; a failure after this point names the product's id."""
    ops = [BatchOp("create", variation, i) for i, variation in enumerate(wanted)]
    errors = [
        {"index": o.op.tag, "sku": o.op.payload.get("sku"), "error": o.error}
        for o in run_batches(client, f"/products/{product['id']}/variations/batch", ops)
        if o.error is not None
    ]
    final = store_object(client.get(f"/products/{product['id']}"), "create-product") if wanted else product
    final["variation_details"] = variations_of(client, product["id"]) if wanted else []
    final["variation_errors"] = errors
    final["complete"] = not errors
    return final


def update_product(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    fields = prices_as_strings({k: v for k, v in args.items() if k != "id"})
    return client.put(f"/products/{args['id']}", fields)


@hookimpl
def register_tools(register: Register) -> None:
    register("list-products", list_products)
    register("get-product", get_product)
    register("create-product", create_product)
    register("update-product", update_product)
