"""WordPress's discovery documents: the /wp-json/ root, the wc/v3 namespace index, the front page.

They are served by the transport (not by a resource route) because WordPress answers them
outside WooCommerce's namespace and without authentication, and because the site modes change
them: without WooCommerce the root lists no wc namespaces, and a site that is not WordPress has
no REST API at all.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "/wc/v3"

_ITEM = r"(?P<id>[\d]+)"
_CRUD = [["GET"], ["POST", "PUT", "PATCH"], ["DELETE"]]
_BATCH = [["POST", "PUT", "PATCH"]]


def _index_routes() -> list[tuple[str, list[list[str]]]]:
    """A trimmed copy of capture 001's route table: the routes a connector uses, args left out."""
    routes: list[tuple[str, list[list[str]]]] = [(NAMESPACE, [["GET"]])]
    for name in ("products/brands", "coupons", "customers", "orders", "products/attributes", "products/categories",
                 "products/reviews", "products/shipping_classes", "products/tags", "products", "taxes", "webhooks"):
        base = f"{NAMESPACE}/{name}"
        routes += [(base, [["GET"], ["POST"]]), (f"{base}/{_ITEM}", _CRUD), (f"{base}/batch", _BATCH)]
    for parent, child in ((r"orders/(?P<order_id>[\d]+)", "notes"), (r"orders/(?P<order_id>[\d]+)", "refunds")):
        base = f"{NAMESPACE}/{parent}/{child}"
        routes += [(base, [["GET"], ["POST"]]), (f"{base}/{_ITEM}", [["GET"], ["DELETE"]])]
    variations = rf"{NAMESPACE}/products/(?P<product_id>[\d]+)/variations"
    routes += [(variations, [["GET"], ["POST"]]), (f"{variations}/{_ITEM}", _CRUD), (f"{variations}/batch", _BATCH)]
    for name in ("refunds", "reports", "reports/sales", "reports/top_sellers", "settings", "system_status",
                 "shipping_methods", "payment_gateways", "data", "data/countries", "data/currencies",
                 "data/currencies/current", "orders/statuses"):
        routes.append((f"{NAMESPACE}/{name}", [["GET"]]))
    routes += [(rf"{NAMESPACE}/settings/(?P<group_id>[\w-]+)", [["GET"]]),
               (f"{NAMESPACE}/shipping/zones", [["GET"], ["POST"]]),
               (f"{NAMESPACE}/shipping/zones/{_ITEM}", _CRUD),
               (rf"{NAMESPACE}/data/countries/(?P<location>[\w-]+)", [["GET"]])]
    return routes


def _route_entry(base_url: str, route: str, endpoints: list[list[str]]) -> dict[str, Any]:
    methods = [m for group in endpoints for m in group]
    args: dict[str, Any] = {}
    if route == NAMESPACE:
        args = {"namespace": {"default": "wc/v3", "required": False}, "context": {"default": "view", "required": False}}
    entry: dict[str, Any] = {
        "namespace": "wc/v3",
        "methods": methods,
        "endpoints": [{"methods": group, "args": dict(args)} for group in endpoints],
    }
    if "(?P<" not in route:
        entry["_links"] = {"self": [{"href": f"{base_url}/wp-json{route}"}]}
    return entry


def namespace_index(base_url: str) -> dict[str, Any]:
    """GET /wp-json/wc/v3 (capture 001), unauthenticated."""
    routes = {route: _route_entry(base_url, route, endpoints) for route, endpoints in _index_routes()}
    return {"namespace": "wc/v3", "routes": routes, "_links": {"up": [{"href": f"{base_url}/wp-json/"}]}}


def root_document(base_url: str, woocommerce: bool) -> dict[str, Any]:
    """GET /wp-json/ (capture 002), trimmed; without WooCommerce its namespaces are missing."""
    namespaces = ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"]
    routes: dict[str, Any] = {
        "/": {"namespace": "", "methods": ["GET"],
              "endpoints": [{"methods": ["GET"], "args": {"context": {"default": "view", "required": False}}}],
              "_links": {"self": [{"href": f"{base_url}/wp-json/"}]}},
    }
    if woocommerce:
        namespaces[1:1] = ["wc/v3", "wc/v1", "wc/store", "wc/store/v1", "wc/v2"]
        routes.update(namespace_index(base_url)["routes"])
    return {
        "name": "WooCommerce Sandbox",
        "description": "A woo-connector sandbox store on loopback",
        "url": base_url,
        "home": base_url,
        "gmt_offset": 11,
        "timezone_string": "Australia/Sydney",
        "page_for_posts": 0,
        "page_on_front": 0,
        "show_on_front": "posts",
        "namespaces": namespaces,
        "authentication": {"application-passwords": {"endpoints": {
            "authorization": f"{base_url}/wp-admin/authorize-application.php"}}},
        "routes": routes,
        "site_logo": 0,
        "site_icon": 0,
        "site_icon_url": "",
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }


def api_link(base_url: str) -> str:
    """The header WordPress adds to every answer so clients can discover the REST API."""
    return f'<{base_url}/wp-json/>; rel="https://api.w.org/"'


def front_page(base_url: str, wordpress: bool) -> bytes:
    """The site's home page: WordPress' markers when it is WordPress, a plain page when not."""
    head = "<title>WooCommerce Sandbox</title>"
    if wordpress:
        head += (f'\n<link rel="https://api.w.org/" href="{base_url}/wp-json/" />'
                 '\n<meta name="generator" content="WordPress 6.8.8" />'
                 '\n<meta name="generator" content="WooCommerce 10.0.2" />')
    return (f"<!DOCTYPE html>\n<html lang=\"en-AU\">\n<head>\n<meta charset=\"UTF-8\" />\n{head}\n</head>\n"
            "<body class=\"home\"><h1>WooCommerce Sandbox</h1><p>Just another shop.</p></body>\n</html>\n").encode()


def not_found_page() -> bytes:
    return (b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
            b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n")
