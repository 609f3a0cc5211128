"""examples/shopify_import: Shopify's export lands as WooCommerce products and variations, keyed
by SKU; a second run writes nothing and duplicates nothing."""

from __future__ import annotations

import json
from decimal import Decimal

from example_runs import EXAMPLES, run_example, store_writes

SCRIPT = "shopify_import/import_products.py"
EXPORT = EXAMPLES / "shopify_import" / "products.json"


def test_export_upserted_by_sku_then_nothing_changes(shop) -> None:
    sandbox, connection = shop
    shopify = json.loads(EXPORT.read_text())["products"]
    before = len(list(sandbox.store.all("product")))

    code, report, err = run_example(SCRIPT, EXPORT, "--connection", connection)

    assert code == 0, err
    products = {p["sku"]: p for p in sandbox.store.all("product") if p.get("sku")}
    mug = products["HG-MUG-350"]
    assert (mug["type"], mug["regular_price"], mug["stock_quantity"], mug["weight"]) == ("simple", "24.95", 48, "0.32")
    tee = products["ridgeline-merino-tee"]
    assert tee["type"] == "variable" and tee["name"] == "Ridgeline Merino Tee"
    assert [a["name"] for a in tee["attributes"]] == ["Size", "Colour"]
    for variant in shopify[1]["variants"]:
        variation = products[variant["sku"]]
        assert variation["parent_id"] == tee["id"]
        assert Decimal(variation["price"]) == Decimal(variant["price"])  # the sale price when on sale
        assert variation["stock_quantity"] == variant["inventory_quantity"]
    on_sale = products["RL-MER-S-CHA"]
    assert (on_sale["regular_price"], on_sale["sale_price"]) == ("89.00", "79.00")
    assert len(list(sandbox.store.all("product"))) == before + 3 + 6

    sandbox.requests_log.clear()
    code, again, err = run_example(SCRIPT, EXPORT, "--connection", connection)

    assert code == 0, err
    assert store_writes(sandbox) == []
    assert again["products"]["unchanged"] == 3 and again["variations"]["unchanged"] == 6
    assert len(list(sandbox.store.all("product"))) == before + 3 + 6


def test_dry_run_lists_the_writes_and_creates_nothing(shop) -> None:
    sandbox, connection = shop
    products = {p["id"]: p for p in sandbox.store.all("product")}
    sandbox.requests_log.clear()

    code, report, err = run_example(SCRIPT, EXPORT, "--connection", connection, "--dry-run")

    assert code == 0, err
    assert store_writes(sandbox) == []
    assert {p["id"]: p for p in sandbox.store.all("product")} == products
    assert not any(p.get("sku") == "HG-MUG-350" for p in products.values())
    assert report["dry_run"] is True and "products" not in report
    assert report["would_send"] and all(r["method"] in ("POST", "PUT", "PATCH", "DELETE") for r in report["would_send"])
    bodies = json.dumps([r["body"] for r in report["would_send"]])
    assert "HG-MUG-350" in bodies and "RL-MER-S-CHA" in bodies
