"""examples/inventory_sync: the stock file lands in the store; a second run writes nothing."""

from __future__ import annotations

import csv

from example_runs import EXAMPLES, run_example, store_writes

SCRIPT = "inventory_sync/sync_stock.py"
STOCK = EXAMPLES / "inventory_sync" / "stock.csv"


def test_stock_file_applied_once_then_nothing_changes(shop) -> None:
    sandbox, connection = shop
    with STOCK.open(newline="") as fh:
        wanted = {row["sku"]: int(row["quantity"]) for row in csv.DictReader(fh)}
    by_sku = {p["sku"]: p for p in sandbox.store.all("product") if p.get("sku")}
    unknown = sorted(sku for sku in wanted if sku not in by_sku)
    assert unknown == ["WH-DISCONTINUED-01"]
    assert any(by_sku[s]["type"] == "variation" for s in wanted if s in by_sku)
    assert any(not by_sku[s]["manage_stock"] for s in wanted if s in by_sku)

    code, report, err = run_example(SCRIPT, STOCK, "--connection", connection)

    assert code == 0, err
    by_sku = {p["sku"]: p for p in sandbox.store.all("product") if p.get("sku")}
    for sku, quantity in wanted.items():
        if sku in by_sku:
            assert (by_sku[sku]["manage_stock"], by_sku[sku]["stock_quantity"]) == (True, quantity), sku
    assert report["not_found_skus"] == unknown

    sandbox.requests_log.clear()
    code, again, err = run_example(SCRIPT, STOCK, "--connection", connection)

    assert code == 0, err
    assert store_writes(sandbox) == []
    assert again["updated"] == 0 and again["unchanged"] == len(wanted) - 1


def test_dry_run_lists_the_writes_and_changes_no_stock(shop) -> None:
    sandbox, connection = shop
    stock = {p["id"]: (p["manage_stock"], p["stock_quantity"]) for p in sandbox.store.all("product")}
    sandbox.requests_log.clear()

    code, report, err = run_example(SCRIPT, STOCK, "--connection", connection, "--dry-run")

    assert code == 0, err
    assert store_writes(sandbox) == []
    assert {p["id"]: (p["manage_stock"], p["stock_quantity"]) for p in sandbox.store.all("product")} == stock
    assert report["dry_run"] is True and "updated" not in report
    assert report["would_send"] and all(r["method"] in ("POST", "PUT", "PATCH") for r in report["would_send"])
    with STOCK.open(newline="") as fh:
        wanted = {row["sku"]: int(row["quantity"]) for row in csv.DictReader(fh)}
    by_sku = {p["sku"]: p for p in sandbox.store.all("product") if p.get("sku")}
    differ = {by_sku[s]["id"]: q for s, q in wanted.items()
              if s in by_sku and (by_sku[s]["manage_stock"], by_sku[s]["stock_quantity"]) != (True, q)}
    sent = {item["id"]: item["stock_quantity"] for r in report["would_send"] for item in (r["body"] or {}).get("update", [])}
    assert differ and sent == differ  # exactly the lines a real run would write
