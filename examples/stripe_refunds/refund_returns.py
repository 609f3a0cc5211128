"""Stripe refunds from returns: record in WooCommerce the refunds Stripe has already paid out.

The returns desk refunds the customer in Stripe and exports the returns (``returns.csv``:
order number, SKU, quantity, reason, Stripe refund id). Each Stripe refund becomes one
WooCommerce refund of those lines with ``create-refund``: ``api_refund`` false, because Stripe
already moved the money and asking the gateway again would pay the customer twice; items
restocked; each line's ex-tax amount and tax worked out from the order to the cent. The Stripe
refund id goes into the refund's reason (and meta), and a refund whose id is already on the
order is skipped, so a second run creates nothing. With ``--dry-run`` each ``create-refund`` is sent with
``dry_run: true``: the orders are read, nothing is recorded, and the report lists the requests.

    python examples/stripe_refunds/refund_returns.py --connection shop.json examples/stripe_refunds/returns.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import woo_connector


def read_returns(path: Path) -> dict[str, list[dict[str, str]]]:
    """Rows grouped by Stripe refund id, in file order: one WooCommerce refund each."""
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            groups[row["stripe_refund_id"].strip()].append(row)
    return groups


def refund_one(connector: Any, connection: dict[str, Any], stripe_id: str, rows: list[dict[str, str]],
               dry_run: bool = False) -> dict[str, Any]:
    numbers = {row["order_number"].strip() for row in rows}
    if len(numbers) != 1:
        return {"stripe_refund_id": stripe_id, "status": "failed", "error": "one Stripe refund names several orders"}
    number = numbers.pop()
    order = connector.invoke("get-order", {"id": int(number)}, connection)
    if str(order["number"]) != number:
        return {"stripe_refund_id": stripe_id, "status": "failed", "error": f"order {number} not found by its number"}
    if any(stripe_id in (refund.get("reason") or "") for refund in order["refunds"]):
        return {"stripe_refund_id": stripe_id, "order": number, "status": "already_recorded"}
    line_of = {line["sku"]: line["id"] for line in order["line_items"] if line.get("sku")}
    unknown = [row["sku"] for row in rows if row["sku"] not in line_of]
    if unknown:
        return {"stripe_refund_id": stripe_id, "order": number, "status": "failed",
                "error": f"not on the order: {', '.join(unknown)}"}
    reason = "; ".join(dict.fromkeys(row["reason"].strip() for row in rows))
    payload = {
        "order_id": order["id"],
        "line_items": [{"id": line_of[row["sku"]], "quantity": int(row["quantity"])} for row in rows],
        "reason": f"{reason} (Stripe {stripe_id})",
        "api_refund": False,  # Stripe has paid the customer already
        "restock_items": True,
        "meta_data": [{"key": "stripe_refund_id", "value": stripe_id}],
    }
    if dry_run:  # the same call, previewed: the order is read, no refund is made
        preview = connector.invoke("create-refund", {**payload, "dry_run": True}, connection)
        return {"stripe_refund_id": stripe_id, "order": number, "status": "would_record",
                "would_send": preview["requests"]}
    refund = connector.invoke("create-refund", payload, connection)
    return {"stripe_refund_id": stripe_id, "order": number, "status": "recorded", "refund_id": refund["id"],
            "amount": refund["amount"], "remaining_refundable": refund["remaining_refundable"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("returns", type=Path, help="CSV: order_number,sku,quantity,reason,stripe_refund_id")
    parser.add_argument("--connection", type=Path, required=True, help="connection JSON file")
    parser.add_argument("--dry-run", action="store_true",
                        help="read the orders, send each create-refund with dry_run: true, list the requests; write nothing")
    args = parser.parse_args(argv)
    connection = json.loads(args.connection.read_text(encoding="utf-8"))
    connector = woo_connector.load()
    results = []
    for stripe_id, rows in read_returns(args.returns).items():
        try:
            results.append(refund_one(connector, connection, stripe_id, rows, args.dry_run))
        except woo_connector.WooConnectorError as exc:
            results.append({"stripe_refund_id": stripe_id, "status": "failed", "error": exc.message})
        print(f"{stripe_id}: {results[-1]['status']}", file=sys.stderr)
    report: dict[str, Any] = {"refunds": results}
    if args.dry_run:
        report = {"dry_run": True, "refunds": results,
                  "would_send": [request for r in results for request in r.get("would_send", [])]}
    print(json.dumps(report, indent=2))
    return 1 if any(r["status"] == "failed" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
