"""Coupons: get (by id or by code), create, update, delete (trash by default).

Codes are stored lower-case (capture 155) and must be unique: a duplicate is HTTP 400
``woocommerce_rest_coupon_code_already_exists``, which reaches the caller as ``invalid_request``
with that ``woo_code`` (156). A coupon in the trash is still readable by id but not found by
code (297, 298).
"""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..errors import NotFoundError
from ..hookspecs import Register, hookimpl
from . import trash
from .products import prices_as_strings

MONEY_FIELDS = ("amount", "minimum_amount", "maximum_amount")


def get_coupon(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    if "id" in args:
        return client.get(f"/coupons/{args['id']}")
    found, _headers = client.fetch_page("/coupons", {"code": args["code"]}, page=1, per_page=1)
    if not found:
        raise NotFoundError(
            f"No coupon has the code {args['code']!r} (codes are lower case; a coupon in the trash "
            "is only found by id).",
            details={"problems": [{"pointer": "/code", "message": "no coupon with this code"}]},
        )
    return found[0]


def create_coupon(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    return client.post("/coupons", prices_as_strings(args, MONEY_FIELDS))


def update_coupon(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    fields = prices_as_strings({k: v for k, v in args.items() if k != "id"}, MONEY_FIELDS)
    return client.put(f"/coupons/{args['id']}", fields)


def delete_coupon(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    return trash.delete(client, f"/coupons/{args['id']}", bool(args.get("force")))


@hookimpl
def register_tools(register: Register) -> None:
    register("get-coupon", get_coupon)
    register("create-coupon", create_coupon)
    register("update-coupon", update_coupon)
    register("delete-coupon", delete_coupon)
