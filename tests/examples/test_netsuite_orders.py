"""examples/netsuite_orders: every order exported once with its tax split and marked in the store;
a second run exports and writes nothing; after the shop changes one order, only that one goes out."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from example_runs import run_example, store_writes
from store_clock import drive

from woo_connector.registry import Registry

SCRIPT = "netsuite_orders/export_orders.py"
MARK = "synced-to-netsuite"
ORDERS = 110
"""Two pages of list-orders (100 a page, ten on the second), so the export still spans pages; the
program reads no sample file, so it need not be the CLI sandbox's 300 (every order is written to,
marked, read back: each one costs, and more of them prove nothing more)."""


def marks(order: dict) -> list[str]:
    return [m["value"] for m in order["meta_data"] if m["key"] == MARK]


def folder(out: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.iterdir()}


@pytest.mark.parametrize("shop", [ORDERS], indirect=True)
def test_orders_exported_once_then_only_what_the_shop_changed(shop, tmp_path, connector: Registry) -> None:
    sandbox, connection = shop
    clock = drive(sandbox.store)
    out, state = tmp_path / "netsuite", tmp_path / "state.json"
    args = ("--connection", connection, "--out", out, "--state", state)
    orders = {o["id"]: o for o in sandbox.store.all("order") if o["status"] != "trash"}
    assert len(orders) == ORDERS and not any(marks(o) for o in orders.values())

    code, report, err = run_example(SCRIPT, *args)

    assert code == 0, err
    files = folder(out)
    assert set(files) == {f"woo-order-{oid}.json" for oid in orders}
    for oid in orders:  # marked in the store, once each
        assert len(marks(sandbox.store.get("order", oid))) == 1, oid
    assert json.loads(state.read_text())["cursor"]
    for oid, order in orders.items():
        doc = json.loads(files[f"woo-order-{oid}.json"][1])
        totals = doc["totals"]
        assert Decimal(totals["gross"]) == Decimal(order["total"]) and Decimal(totals["tax"]) == Decimal(order["total_tax"])
        assert Decimal(totals["net"]) + Decimal(totals["tax"]) == Decimal(totals["gross"])
        assert [(li["item"]["sku"], li["quantity"]) for li in doc["lines"]] == \
            [(li["sku"] or None, li["quantity"]) for li in order["line_items"]]
        for line, sent in zip(order["line_items"], doc["lines"]):  # the store's ex-tax total and its tax
            assert (Decimal(sent["net"]), Decimal(sent["tax"])) == (Decimal(line["total"]), Decimal(line["total_tax"]))
            assert Decimal(sent["gross"]) == Decimal(line["total"]) + Decimal(line["total_tax"])
        assert doc["billingAddress"]["zip"] == (order["billing"]["postcode"] or None)
        assert doc["customer"]["email"] == (order["billing"]["email"] or None)

    sandbox.requests_log.clear()
    code, again, err = run_example(SCRIPT, *args)

    assert code == 0, err
    assert store_writes(sandbox) == [] and again["exported"] == []
    assert folder(out) == files
    for oid in orders:
        assert len(marks(sandbox.store.get("order", oid))) == 1, oid

    changed = sorted(orders)[7]
    before = marks(sandbox.store.get("order", changed))
    connector.invoke("update-order", {"id": changed, "customer_note": "Leave it at the back door"},
                     json.loads(connection.read_text()))
    clock.settle()  # the change and the marks are inside the next run's window
    sandbox.requests_log.clear()
    code, third, err = run_example(SCRIPT, *args)

    assert code == 0, err
    assert third["exported"] == [changed]
    assert third["changed"] == third["own_marks_skipped"] + 1
    # each of run 1's marks came back once, in run 2 or run 3, and was told apart from a shop change
    # (the changed order's own mark may have come back in run 2 already)
    assert again["own_marks_skipped"] + third["own_marks_skipped"] in (len(orders) - 1, len(orders))
    assert store_writes(sandbox) == [("PUT", f"/wp-json/wc/v3/orders/{changed}")]
    now = folder(out)
    name = f"woo-order-{changed}.json"
    assert {k: v for k, v in now.items() if k != name} == {k: v for k, v in files.items() if k != name}
    assert json.loads(now[name][1])["memo"] == "Leave it at the back door"
    after = marks(sandbox.store.get("order", changed))
    assert len(after) == 1 and after != before


@pytest.mark.parametrize("shop", [ORDERS], indirect=True)
def test_dry_run_writes_nothing(shop, tmp_path) -> None:
    sandbox, connection = shop
    out, state = tmp_path / "netsuite", tmp_path / "state.json"

    code, report, err = run_example(SCRIPT, "--connection", connection, "--out", out, "--state", state, "--dry-run")

    assert code == 0, err
    assert report["dry_run"] is True and len(report["exported"]) == ORDERS
    assert store_writes(sandbox) == []
    assert not out.exists() and not state.exists()
    assert not any(m["key"] == MARK for o in sandbox.store.all("order") for m in o["meta_data"])
