"""/products/{id}/variations: a variable product's variations, single and batch.

A variation asked for under the wrong parent is a 404 (084) whose response carries no
``Allow`` header, because WordPress drops every method whose permission check fails.
"""

from __future__ import annotations

from typing import Any

from woo_connector.sandbox.collection import links, list_param, list_response, render, require_force
from woo_connector.sandbox.resources import products
from woo_connector.sandbox.state import SITE, stamp
from woo_connector.sandbox.resources.batch import run_batch
from woo_connector.sandbox.wire import ApiError, Request, Response

VARIATION_KEYS = (
    "id", "type", "date_created", "date_created_gmt", "date_modified", "date_modified_gmt", "description",
    "permalink", "sku", "global_unique_id", "price", "regular_price", "sale_price", "date_on_sale_from",
    "date_on_sale_from_gmt", "date_on_sale_to", "date_on_sale_to_gmt", "on_sale", "status", "purchasable",
    "virtual", "downloadable", "downloads", "download_limit", "download_expiry", "tax_status", "tax_class",
    "manage_stock", "stock_quantity", "stock_status", "backorders", "backorders_allowed", "backordered",
    "low_stock_amount", "weight", "dimensions", "shipping_class", "shipping_class_id", "image", "attributes",
    "menu_order", "meta_data", "name", "parent_id",
)


def invalid_id(status: int = 404) -> ApiError:
    err = ApiError(status, "woocommerce_rest_product_variation_invalid_id", "Invalid ID.")
    err.allow = None  # type: ignore[attr-defined]
    return err


def out(request: Request, doc: dict[str, Any]) -> dict[str, Any]:
    pid = doc["parent_id"]
    public = {key: doc.get(key) for key in VARIATION_KEYS}
    return render(public, request, links(request, f"/products/{pid}/variations/{doc['id']}",
                                         f"/products/{pid}/variations", up=f"/products/{pid}"))


def variation_attributes(store: Any, parent: dict[str, Any], specs: Any) -> list[dict[str, Any]]:
    rows = []
    for spec in specs if isinstance(specs, list) else []:
        if not isinstance(spec, dict):
            continue
        attr = store.get("attribute", spec.get("id")) if spec.get("id") else None
        if attr is not None:
            rows.append({"id": attr["id"], "name": attr["name"], "slug": attr["slug"], "option": str(spec.get("option", ""))})
        else:
            name = str(spec.get("name", ""))
            rows.append({"id": 0, "name": name, "slug": name, "option": str(spec.get("option", ""))})
    return rows


def new_variation(store: Any, parent: dict[str, Any], body: dict[str, Any], when: Any = None) -> dict[str, Any]:
    doc = products.blank_product(store.next_id("post"), "", "variation", when or store.now())
    doc.update(parent_id=parent["id"], description="", image=None, tax_class=parent["tax_class"])
    doc["attributes"] = variation_attributes(store, parent, body.get("attributes"))
    doc["name"] = ", ".join(a["option"] for a in doc["attributes"])
    query = "&".join(f"attribute_{a['slug'].lower()}={a['option'].lower() if a['id'] else a['option']}" for a in doc["attributes"])
    doc["permalink"] = f"{SITE}/product/{parent['slug']}/" + (f"?{query}" if query else "")
    products.apply(store, doc, {k: v for k, v in body.items() if k not in ("attributes", "image")})
    if isinstance(body.get("image"), dict) and body["image"].get("src"):
        doc["image"] = products.image_doc(store, str(body["image"]["src"]), 1, store.now())
    store.put("product", doc)
    parent["variations"].insert(0, doc["id"])
    products.reprice(store, parent)
    store.put("product", parent)
    return doc


def _parent(store: Any, request: Request) -> dict[str, Any]:
    return products.find(store, request.params["id"])


def _find(store: Any, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    parent = _parent(store, request)
    doc = store.get("product", request.params["variation_id"])
    if doc is None or doc["type"] != "variation" or doc["parent_id"] != parent["id"]:
        raise invalid_id()
    return parent, doc


def list_variations(store: Any, request: Request) -> Response:
    parent = _parent(store, request)
    docs = [store.get("product", vid) for vid in parent["variations"]]
    docs = [d for d in docs if d is not None]
    skus = list_param(request.query.get("sku"))
    if skus:  # the sku filter works on the variations route too (270)
        docs = [d for d in docs if d.get("sku") in skus]
    return list_response(store, request, docs, lambda d: out(request, d), dates=True,
                         sort_keys={"date": lambda d: (d["date_created_gmt"], d["id"])},
                         search=lambda d: [d.get("name"), d.get("sku")])


def create_variation(store: Any, request: Request) -> Response:
    parent = _parent(store, request)
    body = request.fields
    products.validate(body, creating=True, variation=True)
    return Response(201, out(request, new_variation(store, parent, body)))


def get_variation(store: Any, request: Request) -> Response:
    return Response(200, out(request, _find(store, request)[1]))


def update_variation(store: Any, request: Request) -> Response:
    parent, doc = _find(store, request)
    body = request.fields
    products.validate(body, creating=False, variation=True)
    products.apply(store, doc, body)
    store.put("product", doc)
    products.reprice(store, parent)
    store.put("product", parent)
    return Response(200, out(request, doc))


def delete_variation(store: Any, request: Request) -> Response:
    parent, doc = _find(store, request)
    require_force(request, "Variations")
    body = out(request, doc)
    store.delete("product", doc["id"])
    parent["variations"] = [v for v in parent["variations"] if v != doc["id"]]
    products.reprice(store, parent)
    store.put("product", parent)
    return Response(200, body)


def batch_variations(store: Any, request: Request) -> Response:
    parent = _parent(store, request)

    def create(spec: dict[str, Any]) -> dict[str, Any]:
        products.validate(spec, creating=True, variation=True)
        return out(request, new_variation(store, parent, spec))

    def find(vid: Any) -> dict[str, Any] | None:
        doc = store.get("product", vid)
        return doc if doc is not None and doc.get("parent_id") == parent["id"] else None

    def update(doc: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        products.validate(changes, creating=False, variation=True)
        products.apply(store, doc, changes)
        return out(request, store.put("product", doc))

    def remove(doc: dict[str, Any]) -> dict[str, Any]:
        shown = out(request, doc)
        store.delete("product", doc["id"])
        parent["variations"] = [v for v in parent["variations"] if v != doc["id"]]
        return shown

    result = run_batch(request.body, create=create, find=find, update=update, delete=remove,
                       invalid_id=lambda: invalid_id(400))
    products.reprice(store, parent)
    stamp(parent, "date_modified", store.now())
    store.put("product", parent)
    return Response(200, result)


ROUTES = [
    (r"/products/(?P<id>[\d]+)/variations", {"GET": list_variations, "POST": create_variation}),
    (r"/products/(?P<id>[\d]+)/variations/batch", {"POST": batch_variations, "PUT": batch_variations,
                                                    "PATCH": batch_variations}),
    (r"/products/(?P<id>[\d]+)/variations/(?P<variation_id>[\d]+)", {
        "GET": get_variation, "POST": update_variation, "PUT": update_variation, "PATCH": update_variation,
        "DELETE": delete_variation}),
]
