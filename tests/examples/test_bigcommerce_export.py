"""examples/bigcommerce_export: every product and variation of the store in the file exactly once,
with its images; the export only reads, and a second run writes the same file."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlsplit

import pytest
from example_runs import run_example, store_writes

SCRIPT = "bigcommerce_export/export_products.py"
ORDERS = 5
"""The program exports the catalogue and reads no sample file; seed 42 seeds the same 309 products
(variations included) whatever the order count, so the orders are kept few: seeding them is the cost."""


@pytest.mark.parametrize("shop", [ORDERS], indirect=True)
def test_every_product_and_variation_exported_once_without_writing(shop, tmp_path) -> None:
    sandbox, connection = shop
    out = tmp_path / "products.jsonl"
    docs = [p for p in sandbox.store.all("product") if p["status"] != "trash"]
    products = {p["id"]: p for p in docs if p["type"] != "variation"}
    variations = {p["id"]: p for p in docs if p["type"] == "variation"}
    assert variations and any(p["type"] == "variable" for p in products.values())

    code, report, err = run_example(SCRIPT, "--connection", connection, "--out", out)

    assert code == 0, err
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert Counter(line["woocommerce_id"] for line in lines) == Counter(products.keys())  # each once
    exported = Counter(v["woocommerce_id"] for line in lines for v in line["variants"])
    assert exported == Counter(variations.keys())
    for line in lines:
        product = products[line["woocommerce_id"]]
        assert (line["name"], line["sku"]) == (product["name"], product["sku"] or None)
        # the store keeps its own host in image URLs and serves them with the one asked for
        assert [urlsplit(i["image_url"]).path for i in line["images"]] == [urlsplit(i["src"]).path for i in product["images"]]
        for v in line["variants"]:
            variation = variations[v["woocommerce_id"]]
            assert variation["parent_id"] == product["id"] and v["sku"] == (variation["sku"] or None)
            assert [(o["option_display_name"], o["label"]) for o in v["option_values"]] == \
                [(a["name"], a["option"]) for a in variation["attributes"]]
    assert (report["products"], report["variations"]) == (len(products), len(variations))
    assert "products" in err  # progress on stderr
    first = out.read_bytes()

    sandbox.requests_log.clear()
    code, again, err = run_example(SCRIPT, "--connection", connection, "--out", out)

    assert code == 0, err
    assert out.read_bytes() == first
    assert sandbox.requests_log and store_writes(sandbox) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["products.jsonl", "shop.json"]  # no temporary file left


@pytest.mark.parametrize("shop", [ORDERS], indirect=True)
def test_dry_run_writes_no_file(shop, tmp_path) -> None:
    sandbox, connection = shop
    out = tmp_path / "products.jsonl"

    code, report, err = run_example(SCRIPT, "--connection", connection, "--out", out, "--dry-run")

    assert code == 0, err
    assert report["products"] == len([p for p in sandbox.store.all("product") if p["type"] != "variation"])
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "shop.json"]
