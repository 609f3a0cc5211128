"""update-stock: set or adjust stock for products and variations alike, by SKU or id, in batches.

A stock file names SKUs, and a SKU may be a simple product or one variation of a variable
product: the tool resolves both with one ``/products?sku=A,B,...`` request per hundred SKUs
(the store's sku filter also finds variations, captures 269-272), then writes products through
``/products/batch`` and variations through their parent's ``/variations/batch``, 100 items per
request. ``manage_stock`` is switched on where it was off, because the store ignores a quantity
on a record that does not manage its stock. A record already at the target quantity is not
written, so applying the same file twice changes nothing the second time.

``adjust_by`` reads the quantity and writes the sum: the REST API has no atomic increment, so a
sale between the read and the write is overwritten. Prefer ``stock_quantity`` from a system of
record; use ``adjust_by`` for corrections.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..batch import BatchOp, run_batches
from ..client import WooClient
from ..errors import InvalidInputError, InvalidRequestError, NotFoundError
from ..hookspecs import Register, hookimpl
from ..skus import find_by_id, find_by_sku


def _row(index: int, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "index": index, "sku": item.get("sku"), "id": item.get("id"), "parent_id": item.get("parent_id"),
        "action": "failed", "stock_quantity_before": None, "stock_quantity": None, "error": None,
    }


def _resolve(client: WooClient, items: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """The store's record for each item (None when nothing matches), in input order."""
    by_sku = find_by_sku(client, (it["sku"] for it in items if "sku" in it))
    plain_ids = [it["id"] for it in items if "id" in it and "parent_id" not in it]
    by_id = find_by_id(client, "/products", plain_ids) if plain_ids else {}
    per_parent: dict[int, list[int]] = defaultdict(list)
    for it in items:
        if "id" in it and "parent_id" in it:
            per_parent[it["parent_id"]].append(it["id"])
    variations: dict[tuple[int, int], dict[str, Any]] = {}
    for parent, ids in per_parent.items():
        try:
            found = find_by_id(client, f"/products/{parent}/variations", ids)
        except NotFoundError:  # no such parent: its items are reported as not found
            continue
        for vid, doc in found.items():
            variations[(parent, vid)] = doc
    records: list[dict[str, Any] | None] = []
    for it in items:
        if "sku" in it:
            records.append(by_sku.get(it["sku"]))
        elif "parent_id" in it:
            records.append(variations.get((it["parent_id"], it["id"])))
        else:
            records.append(by_id.get(it["id"]))
    return records


def update_stock(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    items: list[dict[str, Any]] = args["items"]
    rows = [_row(i, it) for i, it in enumerate(items)]
    records = _resolve(client, items)
    targets: dict[tuple[int, int], int] = {}
    groups: dict[int, list[BatchOp]] = defaultdict(list)
    not_found: list[str] = []
    for i, (item, doc) in enumerate(zip(items, records)):
        row = rows[i]
        if doc is None:
            if "sku" in item:
                what = f"no product or variation has SKU {item['sku']!r}"
            elif "parent_id" in item:
                what = f"product {item['parent_id']} has no variation {item['id']}"
            else:
                what = f"no product has id {item['id']} (for a variation id, give parent_id too, or its sku)"
            row.update(action="not_found", error=NotFoundError(
                f"/items/{i}: {what}.", details={"pointer": f"/items/{i}"}).to_dict())
            if "sku" in item:
                not_found.append(item["sku"])
            continue
        parent = int(doc.get("parent_id") or 0) if doc.get("type") == "variation" or "parent_id" in item else 0
        key = (parent, int(doc["id"]))
        row.update(id=doc["id"], sku=doc.get("sku"), parent_id=parent or None)
        if key in targets:
            first = next(r["index"] for r in rows[:i] if (r["parent_id"] or 0, r["id"]) == key)
            row["error"] = InvalidInputError(
                f"/items/{i}: the same record as /items/{first}; give each product or variation once.",
                details={"pointer": f"/items/{i}"}).to_dict()
            continue
        managed = doc.get("manage_stock") is True
        before = doc.get("stock_quantity")
        row["stock_quantity_before"] = before if managed else None
        if "adjust_by" in item:
            if not managed or not isinstance(before, int):
                row["error"] = InvalidRequestError(
                    f"/items/{i}: the store does not track stock for this record, so there is no quantity "
                    "to adjust; set stock_quantity instead.", details={"pointer": f"/items/{i}"}).to_dict()
                continue
            target = before + int(item["adjust_by"])
        else:
            target = int(item["stock_quantity"])
        targets[key] = target
        if managed and before == target:
            row.update(action="unchanged", stock_quantity=target)
            continue
        groups[parent].append(BatchOp("update", {"id": doc["id"], "manage_stock": True, "stock_quantity": target}, i))

    for parent, ops in groups.items():
        path = f"/products/{parent}/variations/batch" if parent else "/products/batch"
        for outcome in run_batches(client, path, ops):
            row = rows[outcome.op.tag]
            if outcome.error is not None:
                if outcome.ambiguous:
                    outcome.error["details"]["may_have_been_applied"] = True
                row["error"] = outcome.error
            else:
                assert outcome.record is not None
                row.update(action="updated", stock_quantity=outcome.record.get("stock_quantity"))

    counts = {a: sum(1 for r in rows if r["action"] == a) for a in ("updated", "unchanged", "not_found", "failed")}
    return {"items": rows, **counts, "not_found_skus": not_found, "complete": all(r["error"] is None for r in rows)}


@hookimpl
def register_tools(register: Register) -> None:
    register("update-stock", update_stock)
