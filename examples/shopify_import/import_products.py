"""Shopify products -> WooCommerce: upsert a Shopify product export by SKU.

Input is Shopify's Admin API product JSON (``{"products": [...]}`` with ``options``,
``variants`` and ``images``), e.g. from ``GET /admin/api/<version>/products.json``. A product
with one "Default Title" variant becomes a simple product keyed by that variant's SKU; any other
becomes a variable product keyed by its Shopify handle, with one variation per variant keyed by
the variant's SKU. ``upsert-product`` creates what is missing, updates what differs and sends
nothing for what already matches, so a second run with the same file changes nothing.
With ``--dry-run`` each ``upsert-product`` call is sent with ``dry_run: true``: the store is read
to find what differs, nothing is written, and the report lists the requests that would be sent
(``would_send``) instead of counting actions.

    python examples/shopify_import/import_products.py --connection shop.json examples/shopify_import/products.json
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import woo_connector

CHUNK = 100
TO_KG = {"kg": Decimal(1), "g": Decimal("0.001"), "lb": Decimal("0.45359237"), "oz": Decimal("0.028349523125")}


def kilograms(variant: dict[str, Any]) -> str:
    """Shopify's weight in the variant's unit, as the kilogram string WooCommerce stores (store unit kg)."""
    weight = Decimal(str(variant.get("weight") or 0)) * TO_KG[variant.get("weight_unit") or "kg"]
    return format(weight.quantize(Decimal("0.001")).normalize(), "f")


def prices(variant: dict[str, Any]) -> dict[str, str]:
    """Shopify's compare_at_price is the was-price: when it is higher, the variant is on sale."""
    price, was = Decimal(variant["price"]), variant.get("compare_at_price")
    if was and Decimal(was) > price:
        return {"regular_price": str(Decimal(was)), "sale_price": str(price)}
    return {"regular_price": str(price), "sale_price": ""}


def to_woo(product: dict[str, Any]) -> dict[str, Any]:
    variants = sorted(product["variants"], key=lambda v: v.get("position", 0))
    images = sorted(product.get("images") or [], key=lambda i: i.get("position", 0))
    base = {
        "name": product["title"],
        "description": product.get("body_html") or "",
        "status": "publish" if product.get("status", "active") == "active" else "draft",
        "images": [{"src": image["src"]} for image in images],
        "meta_data": [{"key": "shopify_product_id", "value": str(product["id"])}],
    }
    if len(variants) == 1 and variants[0].get("option1") == "Default Title":
        only = variants[0]
        return {**base, "type": "simple", "sku": only["sku"], **prices(only), "manage_stock": True,
                "stock_quantity": int(only.get("inventory_quantity") or 0), "weight": kilograms(only)}
    options = sorted(product["options"], key=lambda o: o.get("position", 0))
    image_of = {vid: image["src"] for image in images for vid in image.get("variant_ids") or []}
    variations = []
    for variant in variants:
        variation = {
            "sku": variant["sku"], **prices(variant), "manage_stock": True,
            "stock_quantity": int(variant.get("inventory_quantity") or 0), "weight": kilograms(variant),
            "attributes": [{"name": option["name"], "option": variant[f"option{n + 1}"]} for n, option in enumerate(options)],
            "meta_data": [{"key": "shopify_variant_id", "value": str(variant["id"])}],
        }
        if variant["id"] in image_of:
            variation["image"] = {"src": image_of[variant["id"]]}
        variations.append(variation)
    attributes = [{"name": option["name"], "position": n, "visible": True, "variation": True, "options": option["values"]}
                  for n, option in enumerate(options)]
    return {**base, "type": "variable", "sku": product["handle"], "attributes": attributes, "variations": variations}


def preview(connector: Any, connection: dict[str, Any], shopify: list[dict[str, Any]]) -> dict[str, Any]:
    """The dry run: the same upsert-product calls with ``dry_run: true``; their requests, nothing written."""
    would_send: list[dict[str, Any]] = []
    for start in range(0, len(shopify), CHUNK):
        chunk = shopify[start : start + CHUNK]
        result = connector.invoke("upsert-product", {"products": [to_woo(p) for p in chunk], "dry_run": True}, connection)
        would_send += result["requests"]
        print(f"{start + len(chunk)}/{len(shopify)} products previewed", file=sys.stderr)
    return {"dry_run": True, "would_send": would_send}


def import_products(connector: Any, connection: dict[str, Any], shopify: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    variation_counts = dict(counts)
    failures: list[dict[str, Any]] = []
    for start in range(0, len(shopify), CHUNK):
        chunk = shopify[start : start + CHUNK]
        result = connector.invoke("upsert-product", {"products": [to_woo(p) for p in chunk]}, connection)
        for row in result["products"]:
            counts[row["action"]] += 1
            if row["error"]:
                failures.append({"sku": row["sku"], "error": row["error"]["message"]})
            for variation in row.get("variations", []):
                variation_counts[variation["action"]] += 1
                if variation["error"]:
                    failures.append({"sku": variation["sku"], "error": variation["error"]["message"]})
        print(f"{start + len(chunk)}/{len(shopify)} products", file=sys.stderr)
    return {"products": counts, "variations": variation_counts, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", type=Path, help="Shopify products JSON ({\"products\": [...]})")
    parser.add_argument("--connection", type=Path, required=True, help="connection JSON file")
    parser.add_argument("--dry-run", action="store_true",
                        help="send each upsert-product with dry_run: true and list the requests; write nothing")
    args = parser.parse_args(argv)
    connection = json.loads(args.connection.read_text(encoding="utf-8"))
    shopify = json.loads(args.export.read_text(encoding="utf-8"))["products"]
    if args.dry_run:
        print(json.dumps(preview(woo_connector.load(), connection, shopify), indent=2))
        return 0
    report = import_products(woo_connector.load(), connection, shopify)
    print(json.dumps(report, indent=2))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
