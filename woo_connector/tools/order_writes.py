"""Orders: create (line items by product id or SKU) and delete (trash, or for good with force)."""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..errors import InvalidInputError
from ..hookspecs import Register, hookimpl
from . import trash
from ..skus import LOOKUP_FIELDS, find_by_sku, findable, is_variation


def create_order(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    """Resolve every line's SKU first, then POST the order once.

    A line given by ``sku`` goes out as ``product_id`` (the parent, for a variation) and
    ``variation_id``, so the order names exactly what the lookup found. Any SKU the store does
    not know, or one that names a variable product rather than one of its variations, refuses
    the whole order before it is created.
    """
    body = dict(args)
    if body.get("line_items"):
        body["line_items"] = resolve_line_items(client, body["line_items"])
    return client.post("/orders", body)


def resolve_line_items(client: WooClient, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    problems: list[dict[str, str]] = []
    for n, line in enumerate(lines):
        if "sku" in line and ("product_id" in line or "variation_id" in line):
            problems.append({
                "pointer": f"/line_items/{n}",
                "message": "give sku or product_id/variation_id, not both",
            })
    if problems:
        raise _refusal(problems)
    found = find_by_sku(client, [line["sku"] for line in lines if "sku" in line], fields=LOOKUP_FIELDS)
    resolved: list[dict[str, Any]] = []
    for n, line in enumerate(lines):
        if "sku" not in line:
            resolved.append(dict(line))
            continue
        sku = line["sku"]
        item = found.get(sku)
        pointer = f"/line_items/{n}/sku"
        if item is None:
            problems.append({"pointer": pointer, "message": f"no product or variation has SKU {sku!r}" if findable(sku)
                             else f"SKU {sku!r} cannot be looked up (the store's sku filter splits on commas): give product_id"})
            continue
        if item.get("type") == "variable":
            problems.append({
                "pointer": pointer,
                "message": f"SKU {sku!r} is the variable product {item['id']}: order one of its variations",
            })
            continue
        out = {k: v for k, v in line.items() if k != "sku"}
        if is_variation(item):
            out["product_id"], out["variation_id"] = item["parent_id"], item["id"]
        else:
            out["product_id"] = item["id"]
        resolved.append(out)
    if problems:
        raise _refusal(problems)
    return resolved


def _refusal(problems: list[dict[str, str]]) -> InvalidInputError:
    return InvalidInputError(
        "Invalid input for create-order: "
        + "; ".join(f"{p['pointer']}: {p['message']}" for p in problems)
        + ". Nothing was created.",
        details={"problems": problems},
    )


def delete_order(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    return trash.delete(client, f"/orders/{args['id']}", bool(args.get("force")))


@hookimpl
def register_tools(register: Register) -> None:
    register("create-order", create_order)
    register("delete-order", delete_order)
