"""Inventory sync: apply a stock file (SKU, quantity) to a WooCommerce store.

The warehouse system is the source of truth; its export is a CSV with ``sku`` and ``quantity``
columns. Every SKU may be a simple product or one variation of a variable product: the
``update-stock`` tool resolves both and writes them in batches of 100, turning stock management
on where it was off. A record already at its quantity is not written, so running the same file
twice changes nothing the second time. SKUs the store does not have are listed, not ignored.
With ``--dry-run`` each ``update-stock`` call is sent with ``dry_run: true``: SKUs are still
resolved against the store, nothing is written, and the report lists the requests that would be
sent (``would_send``) instead of the counts.

    python examples/inventory_sync/sync_stock.py --connection shop.json examples/inventory_sync/stock.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

import woo_connector

CHUNK = 1000  # items per update-stock call: the tool itself batches 100 per request


def read_stock(path: Path) -> list[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [{"sku": row["sku"].strip(), "stock_quantity": int(row["quantity"])} for row in csv.DictReader(fh)]


def preview(connector: Any, connection: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """The dry run: the same update-stock calls with ``dry_run: true``; their requests, nothing written."""
    would_send: list[dict[str, Any]] = []
    for start in range(0, len(items), CHUNK):
        result = connector.invoke("update-stock", {"items": items[start : start + CHUNK], "dry_run": True}, connection)
        would_send += result["requests"]
        print(f"{min(start + CHUNK, len(items))}/{len(items)} lines previewed", file=sys.stderr)
    return {"dry_run": True, "would_send": would_send}


def sync(connector: Any, connection: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    totals = {"updated": 0, "unchanged": 0, "not_found": 0, "failed": 0}
    missing: list[str] = []
    failures: list[dict[str, Any]] = []
    for start in range(0, len(items), CHUNK):
        result = connector.invoke("update-stock", {"items": items[start : start + CHUNK]}, connection)
        for key in totals:
            totals[key] += result[key]
        missing += result["not_found_skus"]
        failures += [{"sku": r["sku"], "error": r["error"]["message"]} for r in result["items"]
                     if r["action"] == "failed"]
        print(f"{min(start + CHUNK, len(items))}/{len(items)} lines applied", file=sys.stderr)
    return {**totals, "not_found_skus": missing, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stock_file", type=Path, help="CSV with sku and quantity columns")
    parser.add_argument("--connection", type=Path, required=True, help="connection JSON file")
    parser.add_argument("--dry-run", action="store_true",
                        help="send each update-stock with dry_run: true and list the requests; write nothing")
    args = parser.parse_args(argv)
    connection = json.loads(args.connection.read_text(encoding="utf-8"))
    connector = woo_connector.load()
    if args.dry_run:
        print(json.dumps(preview(connector, connection, read_stock(args.stock_file)), indent=2))
        return 0
    report = sync(connector, connection, read_stock(args.stock_file))
    print(json.dumps(report, indent=2))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
