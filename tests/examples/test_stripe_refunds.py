"""examples/stripe_refunds: each Stripe refund becomes one WooCommerce refund of its lines, to
the cent, without asking the gateway to pay again; a second run records nothing new."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from example_runs import EXAMPLES, run_example, store_writes

SCRIPT = "stripe_refunds/refund_returns.py"
RETURNS = EXAMPLES / "stripe_refunds" / "returns.csv"
CENT = Decimal("0.01")


def expected_amounts(sandbox) -> dict[str, Decimal]:
    """Per Stripe refund id: each line's share of its ex-tax total and tax, from the order itself."""
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    with RETURNS.open(newline="") as fh:
        for row in csv.DictReader(fh):
            order = sandbox.store.get("order", int(row["order_number"]))
            line = next(li for li in order["line_items"] if li["sku"] == row["sku"])
            share = Decimal(row["quantity"]) / line["quantity"]
            amounts[row["stripe_refund_id"]] += (Decimal(line["total"]) * share).quantize(CENT, ROUND_HALF_UP)
            amounts[row["stripe_refund_id"]] += (Decimal(line["total_tax"]) * share).quantize(CENT, ROUND_HALF_UP)
    return amounts


def test_returns_recorded_once_to_the_cent(shop) -> None:
    sandbox, connection = shop
    expected = expected_amounts(sandbox)
    before = {r["id"] for r in sandbox.store.all("refund")}
    with RETURNS.open(newline="") as fh:
        returned = [(row["sku"], int(row["quantity"])) for row in csv.DictReader(fh)]
    stock = {p["sku"]: p for p in sandbox.store.all("product") if p.get("sku")}
    managed = {sku: stock[sku]["stock_quantity"] for sku, _ in returned if stock[sku]["manage_stock"]}
    assert managed  # the sample returns include stock-managed products

    code, report, err = run_example(SCRIPT, RETURNS, "--connection", connection)

    assert code == 0, err
    new = [r for r in sandbox.store.all("refund") if r["id"] not in before]
    assert len(new) == len(expected) == 3
    for stripe_id, amount in expected.items():
        [refund] = [r for r in new if stripe_id in r["reason"]]
        assert Decimal(refund["amount"]) == amount, stripe_id
        assert refund["refunded_payment"] is False  # api_refund false: Stripe already paid
        order = sandbox.store.get("order", refund["_order_id"])
        assert Decimal(order["total"]) - sum(-Decimal(r["total"]) for r in order["refunds"]) >= 0
    stock = {p["sku"]: p for p in sandbox.store.all("product") if p.get("sku")}
    for sku, quantity in returned:  # restocked
        if sku in managed:
            assert stock[sku]["stock_quantity"] == managed[sku] + quantity, sku
    # order 360's return is its whole line: exactly the line's total and tax
    whole = next(r for r in new if r["_order_id"] == 360)
    line = next(li for li in sandbox.store.get("order", 360)["line_items"] if li["sku"] == "RW-TEA-0107")
    assert Decimal(whole["amount"]) == Decimal(line["total"]) + Decimal(line["total_tax"])

    sandbox.requests_log.clear()
    code, again, err = run_example(SCRIPT, RETURNS, "--connection", connection)

    assert code == 0, err
    assert store_writes(sandbox) == []
    assert {r["status"] for r in again["refunds"]} == {"already_recorded"}
    assert len([r for r in sandbox.store.all("refund") if r["id"] not in before]) == 3


def test_dry_run_lists_the_refunds_and_records_nothing(shop) -> None:
    sandbox, connection = shop
    refunds = sorted(r["id"] for r in sandbox.store.all("refund"))
    stock = {p["id"]: p["stock_quantity"] for p in sandbox.store.all("product")}
    orders = {o["id"]: o["refunds"] for o in sandbox.store.all("order")}
    sandbox.requests_log.clear()

    code, report, err = run_example(SCRIPT, RETURNS, "--connection", connection, "--dry-run")

    assert code == 0, err
    assert store_writes(sandbox) == []
    assert sorted(r["id"] for r in sandbox.store.all("refund")) == refunds
    assert {p["id"]: p["stock_quantity"] for p in sandbox.store.all("product")} == stock
    assert {o["id"]: o["refunds"] for o in sandbox.store.all("order")} == orders
    assert report["dry_run"] is True and {r["status"] for r in report["refunds"]} == {"would_record"}
    posts = [r for r in report["would_send"] if r["method"] == "POST" and r["path"].endswith("/refunds")]
    assert len(posts) == len(expected_amounts(sandbox)) == 3
    assert all(r["body"]["api_refund"] is False for r in posts)
