"""Product categories, tags, global attributes with their terms, shipping classes and reviews.

Category names come HTML-escaped ("Food &amp; Drink") because WordPress stores term names
escaped; the seed stores them that way and this module never unescapes them.
"""

from __future__ import annotations

import html
from typing import Any

from woo_connector.sandbox.collection import links, list_response, render
from woo_connector.sandbox.resources.products import slugify
from woo_connector.sandbox.wire import ApiError, Request, Response

NAME_SORT = {"name": lambda d: (html.unescape(d["name"]).lower(), d["id"])}


def _list(kind: str, route: str, up: Any = None):
    def handler(store: Any, request: Request) -> Response:
        docs = list(store.all(kind))
        if kind == "term":
            docs = [t for t in docs if t["_attribute_id"] == int(request.params["attribute_id"])]
            base = f"/products/attributes/{request.params['attribute_id']}/terms"
        else:
            base = route
        if kind == "category" and request.query.get("parent") not in (None, ""):
            docs = [c for c in docs if str(c["parent"]) == str(request.query["parent"])]

        def out(doc: dict[str, Any]) -> dict[str, Any]:
            extra = {"up": f"{route}/{doc['parent']}"} if kind == "category" and doc.get("parent") else {}
            if kind == "review":
                extra = {"up": f"/products/{doc['product_id']}"}
            return render(doc, request, links(request, f"{base}/{doc['id']}", base, **extra))

        return list_response(
            store, request, docs, out,
            orderby_choices=("id", "include", "name", "slug", "term_group", "description", "count", "date_gmt", "date", "product"),
            default_orderby="date" if kind == "review" else "name", default_order="desc" if kind == "review" else "asc",
            sort_keys=NAME_SORT, search=lambda d: [d.get("name"), d.get("review")],
        )

    return handler


def _get(kind: str, route: str, code: str):
    def handler(store: Any, request: Request) -> Response:
        doc = store.get(kind, request.params["term_id"])
        if doc is None:
            raise ApiError(404, code, "Resource does not exist.")
        return Response(200, render(doc, request, links(request, f"{route}/{doc['id']}", route)))

    return handler


def _create(kind: str, route: str):
    """POST for tags, attributes and terms: a named term, refused when the name is missing."""

    def handler(store: Any, request: Request) -> Response:
        body = request.fields
        if not body.get("name"):
            raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): name", {"params": ["name"]})
        name = html.escape(str(body["name"]), quote=False)
        base = route
        if kind == "attribute":
            doc: dict[str, Any] = {"id": store.next_id("attribute_taxonomy") + 2, "name": name,
                                   "slug": f"pa_{slugify(name)}", "type": "select", "order_by": "menu_order",
                                   "has_archives": False}
        else:
            doc = {"id": store.next_id("term"), "name": name, "slug": slugify(str(body["name"])),
                   "description": str(body.get("description") or ""), "count": 0}
            if kind == "term":
                doc = {**doc, "menu_order": 0, "_attribute_id": int(request.params["attribute_id"])}
                base = f"/products/attributes/{request.params['attribute_id']}/terms"
        store.put(kind, doc)
        return Response(201, render(doc, request, links(request, f"{base}/{doc['id']}", base)))

    return handler


def create_category(store: Any, request: Request) -> Response:
    body = request.fields
    if not body.get("name"):
        raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): name", {"params": ["name"]})
    name = html.escape(str(body["name"]), quote=False)
    if any(c["name"] == name for c in store.all("category")):
        raise ApiError(400, "term_exists", "A term with the name provided already exists with this parent.")
    doc = {"id": store.next_id("term"), "name": name, "slug": slugify(str(body["name"])),
           "parent": int(body.get("parent") or 0), "description": str(body.get("description") or ""),
           "display": "default", "image": None, "menu_order": 0, "count": 0}
    store.put("category", doc)
    return Response(201, render(doc, request, links(request, f"/products/categories/{doc['id']}", "/products/categories")))


def create_review(store: Any, request: Request) -> Response:
    body = request.fields
    missing = [k for k in ("product_id", "review", "reviewer", "reviewer_email") if not body.get(k)]
    if missing:
        raise ApiError(400, "rest_missing_callback_param", f"Missing parameter(s): {', '.join(missing)}", {"params": missing})
    product = store.get("product", body["product_id"])
    if product is None:
        raise ApiError(404, "woocommerce_rest_product_invalid_id", "Invalid product ID.")
    from woo_connector.sandbox.resources.customers import avatar
    from woo_connector.sandbox.state import stamp

    email = str(body["reviewer_email"])
    doc = {"id": store.next_id("comment"), "date_created": None, "date_created_gmt": None, "product_id": product["id"],
           "product_name": product["name"], "product_permalink": product["permalink"], "status": "approved",
           "reviewer": str(body["reviewer"]), "reviewer_email": email, "review": str(body["review"]),
           "rating": int(body.get("rating") or 0), "verified": False,
           "reviewer_avatar_urls": {s: avatar(email).replace("s=96", f"s={s}") for s in ("24", "48", "96")}}
    stamp(doc, "date_created", store.now())
    store.put("review", doc)
    return Response(201, render(doc, request, links(request, f"/products/reviews/{doc['id']}", "/products/reviews",
                                                    up=f"/products/{product['id']}")))


ROUTES = [
    (r"/products/categories", {"GET": _list("category", "/products/categories"), "POST": create_category}),
    (r"/products/categories/(?P<term_id>[\d]+)", {"GET": _get("category", "/products/categories", "woocommerce_rest_term_invalid")}),
    (r"/products/tags", {"GET": _list("tag", "/products/tags"), "POST": _create("tag", "/products/tags")}),
    (r"/products/tags/(?P<term_id>[\d]+)", {"GET": _get("tag", "/products/tags", "woocommerce_rest_term_invalid")}),
    (r"/products/attributes", {"GET": _list("attribute", "/products/attributes"),
                               "POST": _create("attribute", "/products/attributes")}),
    (r"/products/attributes/(?P<term_id>[\d]+)", {"GET": _get("attribute", "/products/attributes", "woocommerce_rest_attribute_invalid")}),
    (r"/products/attributes/(?P<attribute_id>[\d]+)/terms", {"GET": _list("term", "/products/attributes"),
                                                             "POST": _create("term", "/products/attributes")}),
    (r"/products/shipping_classes", {"GET": _list("shipping_class", "/products/shipping_classes"),
                                     "POST": _create("shipping_class", "/products/shipping_classes")}),
    (r"/products/reviews", {"GET": _list("review", "/products/reviews"), "POST": create_review}),
    (r"/products/reviews/(?P<term_id>[\d]+)", {"GET": _get("review", "/products/reviews", "woocommerce_rest_review_invalid_id")}),
]
