"""/settings: the option groups, their options and single options, read and written.

Definitions (label, type, options...) are the captured store's (documents/settings.json); the
values live in ``store.settings["options"]`` so a write survives a restart from SQLite. Only
the General and Tax groups were captured with their options: the other groups are listed, and
answer an empty list rather than invented options.
"""

from __future__ import annotations

from typing import Any

from woo_connector.sandbox.collection import rebase
from woo_connector.sandbox.documents import load, peek
from woo_connector.sandbox.wire import ApiError, Request, Response

OPTION_ALLOW = ["GET", "POST", "PUT", "PATCH"]


def default_values() -> dict[str, Any]:
    """Every captured option's value, as the seed stores them."""
    return {row["id"]: row["value"] for rows in peek("settings")["options"].values() for row in rows}


def values(store: Any) -> dict[str, Any]:
    """The store's option values (filled from the defaults for a store saved before they existed)."""
    options = store.settings.get("options")
    if not isinstance(options, dict):
        options = store.settings["options"] = default_values()
    return options


def option_value(store: Any, option_id: str, default: Any = None) -> Any:
    return values(store).get(option_id, default)


def prices_include_tax(store: Any) -> bool:
    """The store kind: prices entered with tax (the captured AU store, "yes") or without ("no")."""
    return option_value(store, "woocommerce_prices_include_tax", "yes") == "yes"


def _group(group_id: str) -> dict[str, Any]:
    for group in peek("settings")["groups"]:
        if group["id"] == group_id:
            return group
    raise ApiError(404, "rest_setting_setting_group_invalid", "Invalid setting group.")


def _option_out(store: Any, request: Request, group_id: str, row: dict[str, Any], single: bool = False) -> dict[str, Any]:
    """One option; a single-option read also names its group (capture 163), a group listing does not."""
    api = f"{request.base_url}/wp-json/wc/v3/settings/{group_id}"
    doc = rebase(row, request.base_url)
    doc["value"] = values(store).get(row["id"], row.get("default"))
    if single:
        doc["group_id"] = group_id
    doc["_links"] = {"self": [{"href": f"{api}/{row['id']}", "targetHints": {"allow": OPTION_ALLOW}}],
                     "collection": [{"href": api}]}
    return doc


def list_groups(store: Any, request: Request) -> Response:
    api = f"{request.base_url}/wp-json/wc/v3/settings"
    body = [{**group, "_links": {"options": [{"href": f"{api}/{group['id']}"}]}} for group in load("settings")["groups"]]
    return Response(200, body)


def list_options(store: Any, request: Request) -> Response:
    group_id = request.params["group_id"]
    _group(group_id)
    rows = load("settings")["options"].get(group_id, [])
    return Response(200, [_option_out(store, request, group_id, row) for row in rows])


def _find_option(group_id: str, option_id: str) -> dict[str, Any]:
    _group(group_id)
    for row in load("settings")["options"].get(group_id, []):
        if row["id"] == option_id:
            return row
    raise ApiError(404, "rest_setting_setting_invalid", "Invalid setting.")


def get_option(store: Any, request: Request) -> Response:
    row = _find_option(request.params["group_id"], request.params["option_id"])
    return Response(200, _option_out(store, request, request.params["group_id"], row, single=True))


def _valid(row: dict[str, Any], value: Any) -> bool:
    """WooCommerce's per-type checks: a select takes one of its keys, a multiselect a list of them."""
    choices = row.get("options")
    if row["type"] in ("select", "radio") and isinstance(choices, dict):
        return isinstance(value, str) and value in choices
    if row["type"] == "multiselect" and isinstance(choices, dict):
        return isinstance(value, list) and all(item in choices for item in value)
    if row["type"] == "checkbox":
        return value in ("yes", "no")
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def update_option(store: Any, request: Request) -> Response:
    group_id, option_id = request.params["group_id"], request.params["option_id"]
    row = _find_option(group_id, option_id)
    body = request.fields
    if "value" not in body:
        raise ApiError(400, "rest_missing_callback_param", "Missing parameter(s): value", {"params": ["value"]})
    value = body["value"]
    if not _valid(row, value):
        raise ApiError(400, "rest_setting_value_invalid", "An invalid setting value was passed.")
    values(store)[option_id] = str(value) if isinstance(value, (int, float)) else value
    return Response(200, _option_out(store, request, group_id, row, single=True))


ROUTES = [
    (r"/settings", {"GET": list_groups}),
    (r"/settings/(?P<group_id>[\w-]+)", {"GET": list_options}),
    (r"/settings/(?P<group_id>[\w-]+)/(?P<option_id>[\w-]+)",
     {"GET": get_option, "POST": update_option, "PUT": update_option, "PATCH": update_option}),
]
