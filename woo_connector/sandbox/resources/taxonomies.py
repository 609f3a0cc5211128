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

        if kind == "attribute":
            docs.sort(key=lambda d: d["name"])
            return Response(200, [out(d) for d in docs])
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


def create_category(store: Any, request: Request) -> Response:
    body = request.body if isinstance(request.body, dict) else {}
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


ROUTES = [
    (r"/products/categories", {"GET": _list("category", "/products/categories"), "POST": create_category}),
    (r"/products/categories/(?P<term_id>[\d]+)", {"GET": _get("category", "/products/categories", "woocommerce_rest_term_invalid")}),
    (r"/products/tags", {"GET": _list("tag", "/products/tags")}),
    (r"/products/tags/(?P<term_id>[\d]+)", {"GET": _get("tag", "/products/tags", "woocommerce_rest_term_invalid")}),
    (r"/products/attributes", {"GET": _list("attribute", "/products/attributes")}),
    (r"/products/attributes/(?P<term_id>[\d]+)", {"GET": _get("attribute", "/products/attributes", "woocommerce_rest_attribute_invalid")}),
    (r"/products/attributes/(?P<attribute_id>[\d]+)/terms", {"GET": _list("term", "/products/attributes")}),
    (r"/products/shipping_classes", {"GET": lambda store, request: Response(200, [], {"X-WP-Total": "0", "X-WP-TotalPages": "0"})}),
    (r"/products/reviews", {"GET": _list("review", "/products/reviews")}),
    (r"/products/reviews/(?P<term_id>[\d]+)", {"GET": _get("review", "/products/reviews", "woocommerce_rest_review_invalid_id")}),
]
