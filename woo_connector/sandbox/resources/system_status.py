"""/system_status and its tools: the report the connector's verify hook reads the version from.

The body is the captured store's report (documents/system_status.json) with what the sandbox
knows put back: the site URLs are the address the client used, the versions are those of the
captured store (WooCommerce 10.0.2 on WordPress 6.8.8), the currency settings and post counts
come from the store. Every signed-in key may read it (capture 219: a shop manager with
``_fields=environment``), as WooCommerce asks only for ``manage_woocommerce``.
"""

from __future__ import annotations

from typing import Any

from woo_connector.sandbox.collection import rebase
from woo_connector.sandbox.documents import load
from woo_connector.sandbox.resources.settings import option_value
from woo_connector.sandbox.wire import ApiError, Request, Response

WOOCOMMERCE_VERSION = "10.0.2"
WORDPRESS_VERSION = "6.8.8"


def _post_type_counts(store: Any, captured: list[dict[str, str]]) -> list[dict[str, str]]:
    """The captured rows with the store's own catalogue and coupon counts (WordPress counts as strings)."""
    products = list(store.all("product"))
    counts = {
        "product": sum(1 for p in products if p.get("type") != "variation"),
        "product_variation": sum(1 for p in products if p.get("type") == "variation"),
        "shop_coupon": sum(1 for _ in store.all("coupon")),
    }
    return [{**row, "count": str(counts[row["type"]])} if row["type"] in counts else row for row in captured]


def report(store: Any, request: Request) -> dict[str, Any]:
    body = rebase(load("system_status")["status"], request.base_url)
    env = body["environment"]
    env.update(home_url=request.base_url, site_url=request.base_url,
               version=WOOCOMMERCE_VERSION, wp_version=WORDPRESS_VERSION)
    env["server_info"] = "nginx/1.22.1"
    body["security"]["secure_connection"] = request.base_url.startswith("https://")
    settings = body["settings"]
    settings["currency"] = option_value(store, "woocommerce_currency", settings["currency"])
    settings["currency_position"] = option_value(store, "woocommerce_currency_pos", settings["currency_position"])
    settings["thousand_separator"] = option_value(store, "woocommerce_price_thousand_sep", settings["thousand_separator"])
    settings["decimal_separator"] = option_value(store, "woocommerce_price_decimal_sep", settings["decimal_separator"])
    decimals = option_value(store, "woocommerce_price_num_decimals", settings["number_of_decimals"])
    settings["number_of_decimals"] = int(decimals) if str(decimals).isdigit() else settings["number_of_decimals"]
    body["post_type_counts"] = _post_type_counts(store, body["post_type_counts"])
    return body


def get_system_status(store: Any, request: Request) -> Response:
    return Response(200, report(store, request))


def _tool_out(request: Request, tool: dict[str, Any]) -> dict[str, Any]:
    href = f"{request.base_url}/wp-json/wc/v3/system_status/tools/{tool['id']}"
    return {**rebase(tool, request.base_url), "_links": {"item": [{"embeddable": True, "href": href}]}}


def list_tools(store: Any, request: Request) -> Response:
    return Response(200, [_tool_out(request, tool) for tool in load("system_status")["tools"]])


def get_tool(store: Any, request: Request) -> Response:
    for tool in load("system_status")["tools"]:
        if tool["id"] == request.params["id"]:
            return Response(200, _tool_out(request, tool))
    raise ApiError(404, "woocommerce_rest_system_status_tool_invalid_id", "Invalid tool ID.")


ROUTES = [
    (r"/system_status", {"GET": get_system_status}),
    (r"/system_status/tools", {"GET": list_tools}),
    (r"/system_status/tools/(?P<id>[\w-]+)", {"GET": get_tool}),
]
