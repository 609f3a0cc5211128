"""examples/shipstation_fulfil: shipped orders completed with tracking meta and one customer
note each; a second run adds no note, meta entry or status change."""

from __future__ import annotations

import csv

from example_runs import EXAMPLES, run_example, store_writes

SCRIPT = "shipstation_fulfil/fulfil_orders.py"
SHIPMENTS = EXAMPLES / "shipstation_fulfil" / "shipments.csv"


def state(sandbox, order_id: int) -> tuple[str, list[tuple[str, str]], list[str]]:
    order = sandbox.store.get("order", order_id)
    meta = sorted((m["key"], m["value"]) for m in order["meta_data"] if m["key"].startswith("shipstation_"))
    notes = [n["note"] for n in sandbox.store.all("note") if n["_order_id"] == order_id and n["customer_note"]]
    return order["status"], meta, notes


def test_shipments_complete_orders_once(shop) -> None:
    sandbox, connection = shop
    with SHIPMENTS.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {sandbox.store.get("order", int(r["order_number"]))["status"] for r in rows} == {"processing"}

    code, report, err = run_example(SCRIPT, SHIPMENTS, "--connection", connection)

    assert code == 0, err
    after = {}
    for row in rows:
        status, meta, notes = after[row["order_number"]] = state(sandbox, int(row["order_number"]))
        assert status == "completed"
        assert meta == sorted([("shipstation_carrier", row["carrier_code"]), ("shipstation_ship_date", row["ship_date"]),
                               ("shipstation_tracking_number", row["tracking_number"])])
        assert len([n for n in notes if row["tracking_number"] in n]) == 1

    sandbox.requests_log.clear()
    code, again, err = run_example(SCRIPT, SHIPMENTS, "--connection", connection)

    assert code == 0, err
    assert store_writes(sandbox) == []
    assert {r["status"] for r in again["orders"]} == {"already_fulfilled"}
    assert {row["order_number"]: state(sandbox, int(row["order_number"])) for row in rows} == after


def test_dry_run_lists_the_updates_and_changes_nothing(shop) -> None:
    sandbox, connection = shop
    with SHIPMENTS.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    before = {row["order_number"]: state(sandbox, int(row["order_number"])) for row in rows}
    sandbox.requests_log.clear()

    code, report, err = run_example(SCRIPT, SHIPMENTS, "--connection", connection, "--dry-run")

    assert code == 0, err
    assert store_writes(sandbox) == []
    assert {row["order_number"]: state(sandbox, int(row["order_number"])) for row in rows} == before
    assert report["dry_run"] is True
    assert {r["status"] for r in report["orders"]} == {"would_be_fulfilled"}
    sent = {(r["method"], r["path"]) for r in report["would_send"]}
    assert {("PUT", f"/orders/{row['order_number']}") for row in rows} <= sent
    put = next(r for r in report["would_send"] if r["path"] == f"/orders/{rows[0]['order_number']}")
    assert put["body"]["status"] == "completed"
