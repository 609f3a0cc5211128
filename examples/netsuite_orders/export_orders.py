"""Orders -> NetSuite: export every order new or changed since the last run, with its tax split.

The ERP is stood in by a folder: one JSON document per order, ``<externalId>.json`` (the order
as a sales-order import takes it: external id, customer, addresses, lines with item SKU,
quantity, net, tax and gross, shipping, fees, discount and totals). A changed order replaces its
own document, as an import keyed by external id upserts it. Amounts come from list-orders'
``tax_breakdown`` (``amounts``: ex-tax and tax per line and per order, from the store's own
figures), so a tax-inclusive AU store and a tax-exclusive US one both export correctly.

Where the last run stopped is one string, list-orders' ``next_cursor``, kept in a state file
written (atomically) only after every document is out and every order marked; a run that fails
part-way keeps the old cursor and the next run reads the same orders again (their documents are
simply rewritten). Each exported order gets a ``synced-to-netsuite`` meta entry so the store
shows what went out. The mark is a write, so the next run sees the order again: the mark's value
is a fingerprint of the order as exported (``woo_connector.sync.marks``), and an order whose only
change since is that mark is skipped, so a second run exports and writes nothing.

    python examples/netsuite_orders/export_orders.py --connection shop.json --out netsuite-orders --state netsuite-orders.state.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import woo_connector
from woo_connector.sync.marks import is_own_change, mark_meta

MARK_KEY = "synced-to-netsuite"
ADDRESS_FIELDS = {"addr1": "address_1", "addr2": "address_2", "city": "city", "state": "state",
                  "zip": "postcode", "country": "country", "addrPhone": "phone"}


def external_id(order: dict[str, Any]) -> str:
    return f"woo-order-{order['id']}"


def address(fields: dict[str, Any] | None) -> dict[str, Any]:
    fields = fields or {}
    name = " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
    return {"addressee": name or None, "attention": fields.get("company") or None,
            **{ours: fields.get(theirs) or None for ours, theirs in ADDRESS_FIELDS.items()}}


def figures(amounts: dict[str, Any]) -> dict[str, str]:
    return {"net": amounts["net"], "tax": amounts["tax"], "gross": amounts["gross"]}


def sales_order(order: dict[str, Any]) -> dict[str, Any]:
    """The import document for one order (read with ``tax_breakdown: true``)."""
    billing = order.get("billing") or {}
    customer_id = order.get("customer_id") or 0
    amounts = order["amounts"]
    return {
        "externalId": external_id(order),
        "orderNumber": str(order["number"]),
        "status": order["status"],
        "tranDate": str(order["date_created"])[:10],  # the store's local date, as the shop shows it
        "currency": order["currency"],
        "pricesIncludeTax": amounts["prices_include_tax"],
        "customer": {
            "externalId": f"woo-customer-{customer_id}" if customer_id else None,  # None: a guest order
            "email": billing.get("email") or None,
            "firstName": billing.get("first_name") or None,
            "lastName": billing.get("last_name") or None,
            "companyName": billing.get("company") or None,
            "phone": billing.get("phone") or None,
        },
        "billingAddress": address(billing),
        "shippingAddress": address(order.get("shipping")),
        "lines": [
            {"lineId": line["id"], "item": {"sku": line.get("sku") or None, "productId": line["product_id"],
                                            "variationId": line.get("variation_id") or None},
             "description": line["name"], "quantity": line["quantity"], **figures(line["amounts"])}
            for line in order.get("line_items") or []
        ],
        "shipping": [{"method": line.get("method_title"), **figures(line["amounts"])}
                     for line in order.get("shipping_lines") or []],
        "fees": [{"name": line.get("name"), **figures(line["amounts"])} for line in order.get("fee_lines") or []],
        "discount": figures(amounts["discount"]),
        "taxes": [{"label": t["label"], "ratePercent": t["rate_percent"], "tax": t["tax"]} for t in amounts["taxes"]],
        "totals": {**figures(amounts), "refunded": amounts["refunded"], "reconciled": amounts["reconciled"]},
        "memo": order.get("customer_note") or None,
        "source": {"system": "woocommerce", "orderId": order["id"], "dateModifiedGmt": order.get("date_modified_gmt")},
    }


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then rename: a reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_cursor(state: Path) -> str:
    """The cursor the last complete run left; ``""`` (from the beginning) on the first run."""
    if not state.exists():
        return ""
    return str(json.loads(state.read_text(encoding="utf-8"))["cursor"])


def export(connector: Any, connection: dict[str, Any], *, cursor: str, out: Path, statuses: list[str],
           dry_run: bool) -> dict[str, Any]:
    query: dict[str, Any] = {"cursor": cursor, "tax_breakdown": True}
    if statuses:
        query["status"] = statuses
    result = connector.invoke("list-orders", query, connection)
    report: dict[str, Any] = {"dry_run": dry_run, "changed": len(result["items"]), "exported": [],
                              "own_marks_skipped": 0, "failed": [], "not_reconciled": [],
                              "deleted": result["deleted"], "next_cursor": result["next_cursor"]}
    for order in result["items"]:
        if is_own_change(order, MARK_KEY):
            report["own_marks_skipped"] += 1
            continue
        document = sales_order(order)
        try:
            if not dry_run:
                write_atomically(out / f"{document['externalId']}.json", json.dumps(document, indent=2) + "\n")
            connector.invoke("update-order", {"id": order["id"], "meta_data": [mark_meta(order, MARK_KEY)],
                                              "dry_run": dry_run}, connection)
        except woo_connector.WooConnectorError as exc:
            report["failed"].append({"order": order["id"], "error": exc.message})
            continue
        report["exported"].append(order["id"])
        if not document["totals"]["reconciled"]:
            report["not_reconciled"].append(order["id"])
        print(f"order {order['id']}: {'would export' if dry_run else 'exported'}", file=sys.stderr)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connection", type=Path, required=True, help="connection JSON file")
    parser.add_argument("--out", type=Path, default=Path("netsuite-orders"), help="folder for the order documents")
    parser.add_argument("--state", type=Path, default=Path("netsuite-orders.state.json"),
                        help="file keeping the cursor between runs")
    parser.add_argument("--status", action="append", default=[],
                        help="only orders in this status (repeatable; default every status but trash). "
                             "The cursor is bound to it: a different filter needs a new state file")
    parser.add_argument("--dry-run", action="store_true",
                        help="read and report only: no documents, no marks (update-order dry_run), no cursor saved")
    args = parser.parse_args(argv)
    connection = json.loads(args.connection.read_text(encoding="utf-8"))
    connector = woo_connector.load()
    try:
        report = export(connector, connection, cursor=read_cursor(args.state), out=args.out,
                        statuses=args.status, dry_run=args.dry_run)
    except woo_connector.WooConnectorError as exc:
        print(json.dumps({"error": exc.code, "message": exc.message}, indent=2))
        return 1
    cursor = report.pop("next_cursor")
    if not args.dry_run and not report["failed"]:  # a failed order is read again next run
        write_atomically(args.state, json.dumps({"cursor": cursor}) + "\n")
    print(json.dumps(report, indent=2))
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
