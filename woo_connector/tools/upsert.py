"""upsert-product: create or update products by SKU, variable ones with their variations.

A product import runs again and again (a nightly feed, a retried workflow step). Keyed on the
SKU, a re-run updates what exists instead of creating duplicates, and sends nothing for records
that already match the input, so a second identical run writes nothing at all.

Why it is safe to retry after a failure that leaves the outcome unknown (a timeout, a lost
connection, a 5xx on a batch that may have been applied): every run starts by looking the SKUs
up, so a product created by the lost request is found and updated, never created twice; and
within a run, a batch that failed ambiguously is checked against the store before its items are
reported.
"""

from __future__ import annotations

import time
from pathlib import PurePosixPath
from typing import Any, Mapping
from urllib.parse import urlsplit

from ..batch import BatchOp, Outcome, run_batches
from ..client import WooClient
from ..errors import InvalidInputError, InvalidRequestError, WooConnectorError
from ..hookspecs import Register, hookimpl
from ..recovery import RECOVERY_WAITS
from ..skus import find_by_sku
from .products import prices_as_strings, variations_of


def differs(sent: Any, stored: Any) -> bool:
    """True when writing ``sent`` would change ``stored``.

    The store answers with more than it was sent (ids, slugs, names of referenced terms), so
    a sent object matches when each of its keys matches; lists match item by item, except
    ``meta_data`` (matched by key; other keys untouched) and images sent by ``src``, which the
    store re-hosts under its own URL (matched by file name).
    """
    if isinstance(sent, Mapping):
        if not isinstance(stored, Mapping):
            return True
        return any(_field_differs(key, value, stored.get(key)) for key, value in sent.items())
    if isinstance(sent, list):
        if not isinstance(stored, list) or len(sent) != len(stored):
            return True
        return any(differs(a, b) for a, b in zip(sent, stored))
    if isinstance(sent, bool) or isinstance(stored, bool) or sent is None or stored is None:
        return sent != stored
    return str(sent) != str(stored)


def _field_differs(key: str, sent: Any, stored: Any) -> bool:
    if key == "meta_data" and isinstance(sent, list) and isinstance(stored, list):
        current = {m.get("key"): m.get("value") for m in stored if isinstance(m, Mapping)}
        return any(
            not isinstance(m, Mapping) or m.get("key") not in current or differs(m.get("value"), current[m.get("key")])
            for m in sent
        )
    if key == "src" and isinstance(sent, str) and isinstance(stored, str):
        return not _same_file(sent, stored)
    return differs(sent, stored)


def _same_file(sent: str, stored: str) -> bool:
    """WordPress keeps a side-loaded image's file name, adding ``-1``, ``-2``... on a clash."""
    if sent == stored:
        return True
    a, b = PurePosixPath(urlsplit(sent).path), PurePosixPath(urlsplit(stored).path)
    if not a.stem:
        return False
    return b.suffix.lower() == a.suffix.lower() and (b.stem == a.stem or b.stem.startswith(a.stem + "-"))


def _result(index: int, sku: str) -> dict[str, Any]:
    return {"index": index, "sku": sku, "id": None, "action": "failed", "error": None}


def _fail(result: dict[str, Any], error: dict[str, Any]) -> None:
    result.update(action="failed", error=error)


def _check_skus(products: list[dict[str, Any]]) -> dict[str, str]:
    """Problems with the input's SKUs by pointer: a repeat, a comma, an empty SKU.

    A SKU must name one record, so a repeat anywhere in the input (products and variations
    together) is refused at its second place; the first is written.
    """
    seen: dict[str, str] = {}
    problems: dict[str, str] = {}
    for i, product in enumerate(products):
        places = [(f"/products/{i}", product.get("sku") or "")]
        places += [(f"/products/{i}/variations/{j}", v.get("sku") or "") for j, v in enumerate(product.get("variations") or [])]
        for pointer, sku in places:
            if not sku.strip():
                problems[pointer] = "sku is empty: upsert-product matches records by SKU"
            elif "," in sku:
                problems[pointer] = f"sku {sku!r} contains a comma, which the store's sku filter splits on"
            elif sku in seen:
                problems[pointer] = f"sku {sku!r} already appears at {seen[sku]}"
            else:
                seen[sku] = pointer
    return problems


def _input_error(pointer: str, message: str) -> dict[str, Any]:
    return InvalidInputError(f"{pointer}: {message}", details={"pointer": pointer}).to_dict()


def upsert_product(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    products: list[dict[str, Any]] = args["products"]
    remove_missing = bool(args.get("remove_missing_variations", False))
    problems = _check_skus(products)
    results = [_result(i, p.get("sku") or "") for i, p in enumerate(products)]
    for i, result in enumerate(results):
        if f"/products/{i}" in problems:
            _fail(result, _input_error(f"/products/{i}", problems[f"/products/{i}"]))

    live = [i for i, r in enumerate(results) if r["error"] is None]
    found = find_by_sku(client, (products[i]["sku"] for i in live))
    ops: list[BatchOp] = []
    fields_of = {i: prices_as_strings({k: v for k, v in products[i].items() if k != "variations"}) for i in live}
    for i in live:
        doc = found.get(products[i]["sku"])
        if doc is not None and doc.get("type") == "variation":
            _fail(results[i], InvalidRequestError(
                f"SKU {products[i]['sku']!r} belongs to variation {doc.get('id')} of product "
                f"{doc.get('parent_id')}; give it under that product's variations instead.",
                details={"id": doc.get("id"), "parent_id": doc.get("parent_id")},
            ).to_dict())
        elif doc is None:
            ops.append(BatchOp("create", fields_of[i], i))
        elif differs(fields_of[i], doc):
            ops.append(BatchOp("update", {"id": doc["id"], **fields_of[i]}, i))
        else:
            results[i].update(id=doc["id"], action="unchanged")

    outcomes = run_batches(client, "/products/batch", ops)
    _settle_ambiguous(client, outcomes, fields_of, products)
    for outcome in outcomes:
        result = results[outcome.op.tag]
        if outcome.error is not None:
            _fail(result, outcome.error)
        else:
            assert outcome.record is not None
            result.update(id=outcome.record.get("id"), action=f"{outcome.op.kind}d", error=None)

    for i, product in enumerate(products):
        result = results[i]
        if "variations" not in product:
            continue  # no variations given: none touched, even with remove_missing_variations
        result["variations"] = []
        result["removed_variations"] = []
        if result["error"] is None:
            _sync_variations(client, result, product, remove_missing, problems)

    counts = {action: sum(1 for r in results if r["action"] == action) for action in ("created", "updated", "unchanged", "failed")}
    complete = all(
        r["error"] is None
        and all(v["error"] is None for v in r.get("variations", []))
        and all(v["error"] is None for v in r.get("removed_variations", []))
        for r in results
    )
    return {"products": results, **counts, "complete": complete}


def _settle_ambiguous(
    client: WooClient, outcomes: list[Outcome], fields_of: Mapping[int, dict[str, Any]], products: list[dict[str, Any]]
) -> None:
    """After a batch that may or may not have been applied, ask the store which items now match.

    An item whose SKU is now found with the fields sent did go through: it is reported as done
    (its id known), so the caller neither retries it nor creates it again. A batch of 100 takes
    the store seconds (5.6 s for 100 creates, capture 264), so an answer lost to a timeout may be
    followed by items still being saved: the lookup is repeated as :mod:`woo_connector.recovery`
    does, within the call's budget.
    """
    unsure = [o for o in outcomes if o.ambiguous]
    budget_end = time.monotonic() + client.conn.call_budget
    for wait in RECOVERY_WAITS:
        if not unsure or time.monotonic() + wait >= budget_end:
            break
        if wait:
            time.sleep(wait)
        try:
            found = find_by_sku(client, (products[o.op.tag]["sku"] for o in unsure))
        except WooConnectorError:
            break  # the store is not answering reads either: report what is known
        still: list[Outcome] = []
        for outcome in unsure:
            doc = found.get(products[outcome.op.tag]["sku"])
            if doc is not None and doc.get("type") != "variation" and not differs(fields_of[outcome.op.tag], doc):
                outcome.record, outcome.error = doc, None
            else:
                still.append(outcome)
        unsure = still
    for outcome in unsure:
        if outcome.error is not None:
            outcome.error["details"]["may_have_been_applied"] = True


def _sync_variations(
    client: WooClient, result: dict[str, Any], product: dict[str, Any], remove_missing: bool, problems: Mapping[str, str]
) -> None:
    parent = result["id"]
    wanted = product.get("variations") or []
    # A product created in this call has no variations yet: nothing to read (this also keeps a
    # dry run, whose stand-in product the store does not know, from asking for it).
    existing = [] if result["action"] == "created" else variations_of(client, parent)
    by_sku = {v["sku"]: v for v in existing if v.get("sku")}
    rows = [_result(j, v.get("sku") or "") for j, v in enumerate(wanted)]
    result["variations"] = rows
    ops: list[BatchOp] = []
    for j, variation in enumerate(wanted):
        pointer = f"/products/{result['index']}/variations/{j}"
        if pointer in problems:
            _fail(rows[j], _input_error(pointer, problems[pointer]))
            continue
        fields = prices_as_strings(variation)
        doc = by_sku.get(variation["sku"])
        if doc is None:
            ops.append(BatchOp("create", fields, ("variation", j)))
        elif differs(fields, doc):
            ops.append(BatchOp("update", {"id": doc["id"], **fields}, ("variation", j)))
        else:
            rows[j].update(id=doc["id"], action="unchanged")
    if remove_missing:
        keep = {v.get("sku") for v in wanted}
        for doc in existing:
            if doc.get("sku") not in keep or not doc.get("sku"):
                ops.append(BatchOp("delete", doc["id"], ("removed", doc)))
    removed: list[dict[str, Any]] = []
    for outcome in run_batches(client, f"/products/{parent}/variations/batch", ops):
        role, ref = outcome.op.tag
        if role == "removed":
            removed.append({"id": ref["id"], "sku": ref.get("sku") or "", "error": outcome.error})
        elif outcome.error is not None:
            _fail(rows[ref], outcome.error)
        else:
            assert outcome.record is not None
            rows[ref].update(id=outcome.record.get("id"), action=f"{outcome.op.kind}d", error=None)
    result["removed_variations"] = removed


@hookimpl
def register_tools(register: Register) -> None:
    register("upsert-product", upsert_product)
