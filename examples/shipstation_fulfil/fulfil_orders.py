"""Auto-fulfil with ShipStation: complete the orders ShipStation has shipped, with tracking.

ShipStation's shipment export (``shipments.csv``: order number, carrier, service, tracking
number, ship date) drives three changes per order through ``update-order``: status
``completed`` (WooCommerce emails the customer its "order complete" message), the tracking
stored in ``meta_data`` (``shipstation_carrier``, ``shipstation_tracking_number``,
``shipstation_ship_date``), and a customer-visible note with the tracking number. An order
that already carries that tracking number and note is left alone, so a second run changes
nothing; an order whose note is missing (the note failed after the status was saved) only
gets its note. With ``--dry-run`` the orders are read as usual but each ``update-order``
is sent with ``dry_run: true``: nothing changes, and the report lists the requests it would send.

    python examples/shipstation_fulfil/fulfil_orders.py --connection shop.json examples/shipstation_fulfil/shipments.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

import woo_connector

NOT_FULFILLABLE = {"cancelled", "refunded", "failed", "trash", "checkout-draft"}
CARRIERS = {"australia_post": "Australia Post", "sendle": "Sendle", "startrack": "StarTrack", "fedex": "FedEx",
            "ups": "UPS", "usps": "USPS", "dhl_express": "DHL Express"}


def note_text(row: dict[str, str]) -> str:
    carrier = CARRIERS.get(row["carrier_code"], row["carrier_code"])
    return f"Your order has shipped with {carrier}. Tracking number: {row['tracking_number']}."


def has_note(connector: Any, connection: dict[str, Any], order_id: int, tracking: str) -> bool:
    notes = connector.invoke("raw-api-request", {"method": "GET", "path": f"/orders/{order_id}/notes",
                                                 "query": {"type": "customer"}}, connection)["body"]
    return any(tracking in (note.get("note") or "") for note in notes)


def fulfil(connector: Any, connection: dict[str, Any], row: dict[str, str], dry_run: bool = False) -> dict[str, Any]:
    number, tracking = row["order_number"].strip(), row["tracking_number"].strip()
    order = connector.invoke("get-order", {"id": int(number)}, connection)
    if str(order["number"]) != number:
        return {"order": number, "status": "failed", "error": "no order with that number"}
    if order["status"] in NOT_FULFILLABLE:
        return {"order": number, "status": "not_fulfillable", "order_status": order["status"]}
    meta = {m["key"]: m["value"] for m in order["meta_data"]}
    noted = has_note(connector, connection, order["id"], tracking)
    tracked = meta.get("shipstation_tracking_number") == tracking and order["status"] == "completed"
    if tracked and noted:
        return {"order": number, "status": "already_fulfilled"}
    change: dict[str, Any] = {"id": order["id"]}
    if not tracked:
        change.update(status="completed", meta_data=[
            {"key": "shipstation_carrier", "value": row["carrier_code"]},
            {"key": "shipstation_tracking_number", "value": tracking},
            {"key": "shipstation_ship_date", "value": row["ship_date"]},
        ])
    if not noted:
        change["note"] = {"note": note_text(row), "customer_note": True}
    status = "fulfilled" if not tracked else "note_added"
    if dry_run:  # the same call, previewed: the store answers reads only
        preview = connector.invoke("update-order", {**change, "dry_run": True}, connection)
        return {"order": number, "status": f"would_be_{status}", "tracking_number": tracking,
                "would_send": preview["requests"]}
    connector.invoke("update-order", change, connection)
    return {"order": number, "status": status, "tracking_number": tracking}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shipments", type=Path, help="CSV: order_number,carrier_code,service_code,tracking_number,ship_date")
    parser.add_argument("--connection", type=Path, required=True, help="connection JSON file")
    parser.add_argument("--dry-run", action="store_true",
                        help="read the orders, send each update-order with dry_run: true, list the requests; write nothing")
    args = parser.parse_args(argv)
    connection = json.loads(args.connection.read_text(encoding="utf-8"))
    connector = woo_connector.load()
    results = []
    with args.shipments.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                results.append(fulfil(connector, connection, row, args.dry_run))
            except woo_connector.WooConnectorError as exc:
                results.append({"order": row["order_number"], "status": "failed", "error": exc.message})
            print(f"order {row['order_number']}: {results[-1]['status']}", file=sys.stderr)
    report: dict[str, Any] = {"orders": results}
    if args.dry_run:
        report = {"dry_run": True, "orders": results,
                  "would_send": [request for r in results for request in r.get("would_send", [])]}
    print(json.dumps(report, indent=2))
    return 1 if any(r["status"] == "failed" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
