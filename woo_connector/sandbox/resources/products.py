"""/products: the four product types, their prices and stock, filters, trash and batch.

Prices are the tax-inclusive strings the merchant entered; a money value sent as a JSON number
or a stock level sent as a string is refused the way WordPress's schema check refuses it
(120, 122); a duplicate SKU names the product that holds it and a free alternative (118).
Variations live in the same table (they are posts too) and are served by ``variations.py``.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from woo_connector.sandbox.collection import (
    already_trashed,
    ParamErrors, bool_param, id_list, links, list_param, list_response, render,
)
from woo_connector.sandbox.resources import meta as meta_rows
from woo_connector.sandbox.state import SITE, parse_gmt, stamp
from woo_connector.sandbox.resources.batch import run_batch
from woo_connector.sandbox.wire import ApiError, Request, Response

TYPES = ["simple", "grouped", "external", "variable"]
STATUSES = ["any", "future", "trash", "draft", "pending", "private", "publish"]
ORDERBY = ("date", "modified", "id", "include", "title", "slug", "price", "popularity", "rating", "menu_order")
STOCK_STATUSES = ["instock", "outofstock", "onbackorder"]
_SYMBOL = '<span class="woocommerce-Price-currencySymbol">&#36;</span>'


def amount_html(value: str, hidden: bool = False) -> str:
    aria = ' aria-hidden="true"' if hidden else ""
    return f'<span class="woocommerce-Price-amount amount"{aria}><bdi>{_SYMBOL}{value}</bdi></span>'


def range_html(low: str, high: str) -> str:
    if low == high:
        return amount_html(low)
    return (f'{amount_html(low, True)} <span aria-hidden="true">&ndash;</span> {amount_html(high, True)}'
            f'<span class="screen-reader-text">Price range: &#36;{low} through &#36;{high}</span>')


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "product"


def invalid_id(status: int = 404) -> ApiError:
    return ApiError(status, "woocommerce_rest_product_invalid_id", "Invalid ID.")


def find(store: Any, pid: Any) -> dict[str, Any]:
    product = store.get("product", pid)
    if product is None or product["type"] == "variation":
        raise invalid_id()
    return product


def out(request: Request, product: dict[str, Any], written: bool = False) -> dict[str, Any]:
    """The product form; a variation found through ``?sku=`` is shown product-shaped (091), and a
    write answers with the edit-context extras ``permalink_template``/``generated_slug`` (107)."""
    extra = {"up": f"/products/{product['parent_id']}"} if product.get("parent_id") else {}
    doc = product
    if product["type"] == "variation":
        shaped = blank_product(product["id"], product["name"], "variation", datetime.now())
        doc = {key: product.get(key, shaped[key]) for key in shaped}
        doc.update(images=[product["image"]] if product.get("image") else [], total_sales=str(product.get("total_sales", 0)),
                   attributes=product["attributes"], reviews_allowed=False, slug=slugify(product["name"]))
    if written:
        doc = {**doc, "permalink_template": f"{SITE}/product/%pagename%/", "generated_slug": doc["slug"]}
    return render(doc, request, links(request, f"/products/{product['id']}", "/products", **extra))


def image_doc(store: Any, src: str, index: int, when: datetime, image_id: int | None = None) -> dict[str, Any]:
    doc = {"id": image_id or store.next_id("post"), "date_created": None, "date_created_gmt": None,
           "date_modified": None, "date_modified_gmt": None, "src": src,
           "name": f"Product image {index:02d}", "alt": f"Product {index:02d}"}
    stamp(doc, "date_created", when)
    stamp(doc, "date_modified", when)
    return {k: doc[k] for k in ("id", "date_created", "date_created_gmt", "date_modified", "date_modified_gmt",
                               "src", "name", "alt")}


def blank_product(pid: int, name: str, kind: str, created: datetime) -> dict[str, Any]:
    """A product document with every key the captured store returns, in its order."""
    slug = slugify(name)
    doc: dict[str, Any] = {
        "id": pid, "name": name, "slug": slug, "permalink": f"{SITE}/product/{slug}/",
        "date_created": None, "date_created_gmt": None, "date_modified": None, "date_modified_gmt": None,
        "type": kind, "status": "publish", "featured": False, "catalog_visibility": "visible",
        "description": "", "short_description": "", "sku": "", "price": "", "regular_price": "", "sale_price": "",
        "date_on_sale_from": None, "date_on_sale_from_gmt": None, "date_on_sale_to": None, "date_on_sale_to_gmt": None,
        "on_sale": False, "purchasable": True, "total_sales": 0, "virtual": False, "downloadable": False,
        "downloads": [], "download_limit": -1, "download_expiry": -1, "external_url": "", "button_text": "",
        "tax_status": "taxable", "tax_class": "", "manage_stock": False, "stock_quantity": None,
        "backorders": "no", "backorders_allowed": False, "backordered": False, "low_stock_amount": None,
        "sold_individually": False, "weight": "", "dimensions": {"length": "", "width": "", "height": ""},
        "shipping_required": True, "shipping_taxable": True, "shipping_class": "", "shipping_class_id": 0,
        "reviews_allowed": True, "average_rating": "0.00", "rating_count": 0, "upsell_ids": [], "cross_sell_ids": [],
        "parent_id": 0, "purchase_note": "", "categories": [], "brands": [], "tags": [], "images": [],
        "attributes": [], "default_attributes": [], "variations": [], "grouped_products": [], "menu_order": 0,
        "price_html": "", "related_ids": [], "meta_data": [], "stock_status": "instock", "has_options": False,
        "post_password": "", "global_unique_id": "",
    }
    stamp(doc, "date_created", created)
    stamp(doc, "date_modified", created)
    return doc


def sale_active(doc: dict[str, Any], now: datetime) -> bool:
    if not doc.get("sale_price"):
        return False
    start = parse_gmt(doc.get("date_on_sale_from_gmt"))
    end = parse_gmt(doc.get("date_on_sale_to_gmt"))
    return (start is None or start <= now) and (end is None or now < end)


def reprice(store: Any, doc: dict[str, Any]) -> None:
    """Derive price, on_sale, price_html, stock_status and purchasable from what was set."""
    now = store.now()
    if doc["manage_stock"] and doc["stock_quantity"] is not None:
        doc["stock_status"] = "instock" if doc["stock_quantity"] > 0 else (
            "onbackorder" if doc["backorders"] != "no" else "outofstock")
    doc["backorders_allowed"] = doc["backorders"] != "no"
    if doc["type"] == "variable":
        kids = [store.get("product", v) for v in doc["variations"]]
        prices = sorted(Decimal(k["price"]) for k in kids if k and k.get("price"))
        doc["regular_price"] = ""
        doc["sale_price"] = ""
        doc["price"] = str(prices[0]) if prices else ""
        doc["on_sale"] = any(k and k.get("on_sale") for k in kids)
        doc["price_html"] = range_html(str(prices[0]), str(prices[-1])) if prices else ""
        doc["has_options"] = True
        return
    if doc["type"] == "grouped":
        kids = [store.get("product", g) for g in doc["grouped_products"]]
        prices = sorted(Decimal(k["price"]) for k in kids if k and k.get("price"))
        doc["price"] = str(prices[0]) if prices else ""
        doc["price_html"] = range_html(str(prices[0]), str(prices[-1])) if prices else ""
        return
    active = sale_active(doc, now)
    doc["on_sale"] = active
    doc["price"] = doc["sale_price"] if active else doc["regular_price"]
    if active:
        doc["price_html"] = (f'<del aria-hidden="true">{amount_html(doc["regular_price"])}</del> '
                             f'<span class="screen-reader-text">Original price was: &#036;{doc["regular_price"]}.</span>'
                             f'<ins aria-hidden="true">{amount_html(doc["sale_price"])}</ins>'
                             f'<span class="screen-reader-text">Current price is: &#036;{doc["sale_price"]}.</span>')
    elif doc.get("type") != "variation":
        doc["price_html"] = amount_html(doc["price"]) if doc["price"] else ""
    if doc["type"] == "external":
        doc["purchasable"] = False
    elif doc["type"] != "variation":
        doc["purchasable"] = bool(doc["price"]) and doc["status"] == "publish"
    doc["has_options"] = False


# -- validation & writes ----------------------------------------------------------------------


def validate(body: dict[str, Any], creating: bool, variation: bool = False) -> None:
    errors = ParamErrors()
    if not variation and "type" in body and body["type"] not in TYPES:
        errors.not_in_enum("type", TYPES)
    if "status" in body and body["status"] not in STATUSES[1:]:
        errors.not_in_enum("status", ["draft", "pending", "private", "publish", "future"])
    for key in ("regular_price", "sale_price", "sku", "name", "description", "weight"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            errors.not_type(key, "string")
    if "stock_quantity" in body and body["stock_quantity"] is not None and not isinstance(body["stock_quantity"], int) \
            or isinstance(body.get("stock_quantity"), bool):
        errors.not_type("stock_quantity", "integer")
    if "stock_status" in body and body["stock_status"] not in STOCK_STATUSES:
        errors.not_in_enum("stock_status", STOCK_STATUSES)
    errors.raise_if_any()


def check_sku(store: Any, sku: str, own_id: int | None) -> None:
    if not sku:
        return
    holder = next((p for p in store.all("product") if p.get("sku") == sku and p["id"] != own_id), None)
    if holder is not None:
        raise ApiError(400, "product_invalid_sku", "Invalid or duplicated SKU.",
                       {"resource_id": holder["id"], "unique_sku": f"{sku}-1"})


def _term_refs(store: Any, kind: str, refs: Any) -> list[dict[str, Any]]:
    out = []
    for ref in refs if isinstance(refs, list) else []:
        term = store.get(kind, ref.get("id")) if isinstance(ref, dict) else None
        if term is not None:
            out.append({"id": term["id"], "name": term["name"], "slug": term["slug"]})
    return out


def attribute_rows(store: Any, specs: Any) -> list[dict[str, Any]]:
    rows = []
    for position, spec in enumerate(specs if isinstance(specs, list) else []):
        if not isinstance(spec, dict):
            continue
        global_attr = store.get("attribute", spec.get("id")) if spec.get("id") else None
        name = global_attr["name"] if global_attr else str(spec.get("name", ""))
        rows.append({"id": global_attr["id"] if global_attr else 0, "name": name,
                     "slug": global_attr["slug"] if global_attr else name,
                     "position": int(spec.get("position", position if global_attr else 0)),
                     "visible": bool(spec.get("visible", True)), "variation": bool(spec.get("variation", False)),
                     "options": [str(o) for o in spec.get("options", [])]})
    return rows


SCALARS = ("name", "status", "featured", "catalog_visibility", "description", "short_description", "sku",
           "regular_price", "sale_price", "virtual", "downloadable", "external_url", "button_text", "tax_status",
           "tax_class", "manage_stock", "backorders", "sold_individually", "weight", "shipping_class",
           "reviews_allowed", "purchase_note", "menu_order", "stock_status", "low_stock_amount")


def apply(store: Any, doc: dict[str, Any], body: dict[str, Any]) -> None:
    """Write a request's fields into a product or variation document."""
    if "sku" in body:
        check_sku(store, str(body["sku"] or ""), doc["id"])
    for key in SCALARS:
        if key in body and key in doc:
            doc[key] = body[key]
    if "name" in body and doc["type"] != "variation":
        doc["slug"] = body.get("slug") or slugify(str(body["name"]))
        doc["permalink"] = f"{SITE}/product/{doc['slug']}/"
    if "stock_quantity" in body:
        doc["stock_quantity"] = body["stock_quantity"]
    if "dimensions" in body and isinstance(body["dimensions"], dict):
        doc["dimensions"].update({k: str(v) for k, v in body["dimensions"].items() if k in doc["dimensions"]})
    for key in ("date_on_sale_from", "date_on_sale_to"):
        if key in body or f"{key}_gmt" in body:
            raw = body.get(f"{key}_gmt") or body.get(key)
            moment = None
            if raw:
                text = str(raw)[:19]
                moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S" if "T" in text else "%Y-%m-%d")
                from datetime import timezone
                from woo_connector.sandbox.state import STORE_OFFSET
                moment = moment.replace(tzinfo=timezone.utc)
                if not body.get(f"{key}_gmt"):
                    moment = moment - STORE_OFFSET
            stamp(doc, key, moment)
    if "sale_price" in body and not body["sale_price"]:
        stamp(doc, "date_on_sale_from", None)
        stamp(doc, "date_on_sale_to", None)
    if "categories" in body and "categories" in doc:
        doc["categories"] = _term_refs(store, "category", body["categories"])
    if "tags" in body and "tags" in doc:
        doc["tags"] = _term_refs(store, "tag", body["tags"])
    if "images" in body and "images" in doc and isinstance(body["images"], list):
        images = []
        for index, spec in enumerate(body["images"]):
            if isinstance(spec, dict) and spec.get("src"):
                images.append(image_doc(store, str(spec["src"]), index + 1, store.now()))
            elif isinstance(spec, dict) and spec.get("id"):
                known = next((i for p in store.all("product") for i in p.get("images", []) if i["id"] == int(spec["id"])), None)
                if known:
                    images.append(dict(known))
        doc["images"] = images
    if "attributes" in body and doc["type"] != "variation":
        doc["attributes"] = attribute_rows(store, body["attributes"])
    if "default_attributes" in body and isinstance(body["default_attributes"], list):
        doc["default_attributes"] = [{"id": int(a.get("id", 0)), "name": str(a.get("name", "")), "option": str(a.get("option", ""))}
                                     for a in body["default_attributes"] if isinstance(a, dict)]
    for key in ("grouped_products", "upsell_ids", "cross_sell_ids"):
        if key in body and key in doc:
            doc[key] = id_list(body[key])
    if "meta_data" in body:
        doc["meta_data"] = meta_rows.apply(store, doc["meta_data"], body["meta_data"])
    if doc.get("virtual"):
        doc["shipping_required"] = False
        doc["shipping_taxable"] = False
    stamp(doc, "date_modified", store.now())
    reprice(store, doc)


def create(store: Any, body: dict[str, Any]) -> dict[str, Any]:
    validate(body, creating=True)
    if body.get("sku"):
        check_sku(store, str(body["sku"]), None)
    doc = blank_product(store.next_id("post"), str(body.get("name") or "Product"), str(body.get("type") or "simple"),
                        store.now())
    apply(store, doc, body)
    same = [p["id"] for p in store.all("product") if p["type"] == "simple" and p["status"] == "publish"
            and p["categories"][:1] == doc["categories"][:1]]
    doc["related_ids"] = same[-5:]
    return store.put("product", doc)


def update(store: Any, doc: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    validate(body, creating=False)
    apply(store, doc, body)
    return store.put("product", doc)


# -- handlers -------------------------------------------------------------------------------------


def _category_ids(store: Any, root: int) -> set[int]:
    ids = {root}
    changed = True
    while changed:
        changed = False
        for cat in store.all("category"):
            if cat["parent"] in ids and cat["id"] not in ids:
                ids.add(cat["id"])
                changed = True
    return ids


def list_products(store: Any, request: Request) -> Response:
    query = request.query
    errors = ParamErrors()
    status = query.get("status") or "any"
    if status not in STATUSES:
        errors.not_in_enum("status", STATUSES)
    kind = query.get("type")
    if kind and kind not in TYPES:
        errors.not_in_enum("type", TYPES)
    stock = query.get("stock_status")
    if stock and stock not in STOCK_STATUSES:
        errors.not_in_enum("stock_status", STOCK_STATUSES)
    skus = list_param(query.get("sku"))
    everything = list(store.all("product"))
    if skus:
        docs = [p for p in everything if p.get("sku") in skus]
    else:
        docs = [p for p in everything if p["type"] != "variation"]
    if status == "any":
        docs = [p for p in docs if p["status"] != "trash"]
    elif not errors.params:
        docs = [p for p in docs if p["status"] == status]
    if kind in TYPES:
        docs = [p for p in docs if p["type"] == kind]
    if stock in STOCK_STATUSES:
        docs = [p for p in docs if p["stock_status"] == stock]
    if query.get("category"):
        wanted: set[int] = set()
        for cid in id_list(query["category"]):
            wanted |= _category_ids(store, cid)
        docs = [p for p in docs if any(c["id"] in wanted for c in p.get("categories", []))]
    if query.get("tag"):
        tags = set(id_list(query["tag"]))
        docs = [p for p in docs if any(t["id"] in tags for t in p.get("tags", []))]
    for flag in ("featured", "on_sale"):
        value = bool_param(query, flag)
        if value is not None:
            docs = [p for p in docs if bool(p.get(flag)) == value]
    for bound, keep in (("min_price", lambda price, limit: price >= limit), ("max_price", lambda price, limit: price <= limit)):
        raw = query.get(bound)
        if raw not in (None, ""):
            try:
                limit = Decimal(str(raw))
            except Exception:
                continue
            docs = [p for p in docs if p.get("price") and keep(Decimal(p["price"]), limit)]
    attribute = query.get("attribute")
    term = query.get("attribute_term")
    if attribute and term:
        terms = {t["name"] for t in store.all("term") if t["id"] in id_list(term)}
        docs = [p for p in docs if any(a["slug"] == attribute and terms & set(a["options"]) for a in p.get("attributes", []))]
    sort_keys = {
        "price": lambda p: (Decimal(p["price"]) if p.get("price") else Decimal(0), p["id"]),
        "popularity": lambda p: (p.get("total_sales", 0), p["id"]),
        "rating": lambda p: (p.get("average_rating", "0"), p["id"]),
        "menu_order": lambda p: (p.get("menu_order", 0), p.get("name", "")),
    }
    return list_response(store, request, docs, lambda p: out(request, p), orderby_choices=ORDERBY,
                         sort_keys=sort_keys, search=lambda p: [p.get("name"), p.get("sku"), p.get("description")],
                         dates=True, errors=errors)


def create_product(store: Any, request: Request) -> Response:
    body = request.fields
    doc = create(store, body)
    return Response(201, out(request, doc, True), {"Location": f"{request.base_url}/wp-json/wc/v3/products/{doc['id']}"})


def get_product(store: Any, request: Request) -> Response:
    return Response(200, out(request, find(store, request.params["id"])))


def update_product(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    return Response(200, out(request, update(store, doc, request.fields), True))


def delete_product(store: Any, request: Request) -> Response:
    doc = find(store, request.params["id"])
    if bool_param(request.query, "force"):
        body = out(request, doc, True)
        for vid in doc.get("variations", []):
            store.delete("product", vid)
        store.delete("product", doc["id"])
        return Response(200, body)
    if doc["status"] == "trash":
        raise already_trashed("product")
    body = out(request, doc, True)  # the product as it was before the trash (125)
    doc["status"] = "trash"
    stamp(doc, "date_modified", store.now())
    store.put("product", doc)
    return Response(200, body)


def batch_products(store: Any, request: Request) -> Response:
    def find(pid: Any) -> dict[str, Any] | None:
        doc = store.get("product", pid)
        return None if doc is None or doc["type"] == "variation" else doc

    def remove(doc: dict[str, Any]) -> dict[str, Any]:
        shown = out(request, doc, True)
        for vid in doc.get("variations", []):
            store.delete("product", vid)
        store.delete("product", doc["id"])
        return shown

    return Response(200, run_batch(
        request.body,
        create=lambda spec: out(request, create(store, spec), True),
        find=find,
        update=lambda doc, changes: out(request, update(store, doc, changes), True),
        delete=remove,
        invalid_id=lambda: invalid_id(400),
    ))


ROUTES = [
    (r"/products", {"GET": list_products, "POST": create_product}),
    (r"/products/batch", {"POST": batch_products, "PUT": batch_products, "PATCH": batch_products}),
    (r"/products/(?P<id>[\d]+)", {"GET": get_product, "POST": update_product, "PUT": update_product,
                                   "PATCH": update_product, "DELETE": delete_product}),
]
