"""Products: list, get (with every variation), create (simple and variable), update.

A variable product is only useful with its variations, which WooCommerce keeps at
/products/{id}/variations: ``get-product`` and ``create-product`` return them under
``variation_details`` so a workflow never has to page them itself.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..client import WooClient
from ..errors import BadResponseError, WooConnectorError
from ..hookspecs import Register, hookimpl
from ..money import amounts_as_text
from ..pagination import list_collection
from ..query import store_query
from ..recovery import create_or_recover, naming_created
from ..response import error_from_woo
from ..store_shape import store_object

PRICE_FIELDS = ("regular_price", "sale_price")  # numbers leave as decimal text (money.py)
BATCH_LIMIT = 100  # WooCommerce refuses batches of more than 100 objects


def list_products(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    return list_collection(client, "/products", args)


def variations_of(client: WooClient, product_id: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for page, _info in client.iter_pages(f"/products/{product_id}/variations", {}, per_page=100):
        out.extend(page)
    return out


def get_product(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    params = store_query(args, only=("_fields",))
    product = store_object(client.get(f"/products/{args['id']}", params), "get-product")
    if product.get("type") == "variable" or (
        "_fields" in params and product.get("variations")
    ):
        product["variation_details"] = variations_of(client, args["id"])
    return product


def create_product(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    """Create the product, then its variations in batches; report every variation that failed.

    The product is not deleted when a variation fails: the ones that worked are real, and the
    result names each failure by its position in the input (``variation_errors``) with
    ``complete: false``, so nothing is silently dropped.
    """
    fields = amounts_as_text({k: v for k, v in args.items() if k != "variations"}, PRICE_FIELDS)
    wanted = [amounts_as_text(v, PRICE_FIELDS) for v in args.get("variations") or []]
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
    created: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for offset in range(0, len(wanted), BATCH_LIMIT):
        chunk = wanted[offset : offset + BATCH_LIMIT]
        try:
            answer = client.post(f"/products/{product['id']}/variations/batch", {"create": chunk})
        except WooConnectorError as exc:
            errors.extend(_failure(offset + i, v, exc.to_dict()) for i, v in enumerate(chunk))
            continue
        results = answer.get("create") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(chunk):
            problem = BadResponseError(
                "The store's batch answer did not list one result per variation.", reason="batch_shape"
            ).to_dict()
            errors.extend(_failure(offset + i, v, problem) for i, v in enumerate(chunk))
            continue
        for i, (sent, result) in enumerate(zip(chunk, results)):
            if isinstance(result, dict) and result.get("error"):
                errors.append(_failure(offset + i, sent, _woo_item_error(result["error"])))
            else:
                created.append(result)

    final = store_object(client.get(f"/products/{product['id']}"), "create-product") if wanted else product
    final["variation_details"] = variations_of(client, product["id"]) if wanted else []
    final["variation_errors"] = errors
    final["complete"] = not errors
    return final


def _failure(index: int, sent: Mapping[str, Any], error: dict[str, Any]) -> dict[str, Any]:
    return {"index": index, "sku": sent.get("sku"), "error": error}


def _woo_item_error(error: Mapping[str, Any]) -> dict[str, Any]:
    return error_from_woo(error).to_dict()


def update_product(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    fields = amounts_as_text({k: v for k, v in args.items() if k != "id"}, PRICE_FIELDS)
    return client.put(f"/products/{args['id']}", fields)


@hookimpl
def register_tools(register: Register) -> None:
    register("list-products", list_products)
    register("get-product", get_product)
    register("create-product", create_product)
    register("update-product", update_product)
