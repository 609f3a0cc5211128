"""Migrate products to BigCommerce: every product with its variations and images, as JSON Lines.

One line per WooCommerce product, shaped like a BigCommerce catalog product create (v3
``POST /catalog/products``: name, type, sku, prices, weight and dimensions, inventory, images,
options and variants with their option values), read page by page with ``list-products``
(``include_variations: true`` brings each variable product's variations along) through
``Registry.iter_items`` and written as it arrives, so a store of any size is exported holding one
page in memory. Progress goes to stderr.

The file appears only when complete: it is written beside the target and renamed at the end, so
a failed run never leaves half an export where an importer would pick it up. The export only
reads the store; running it twice gives the same file.

    python examples/bigcommerce_export/export_products.py --connection shop.json --out products.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

import woo_connector

PER_PAGE = 50  # products per request; each variable one costs a variations request of its own


def number(text: Any) -> float | None:
    """A WooCommerce decimal string as the number BigCommerce's API takes; None when empty."""
    try:
        return float(Decimal(str(text))) if text not in (None, "") else None
    except InvalidOperation:
        return None


def inventory(record: dict[str, Any]) -> int | None:
    return record.get("stock_quantity") if record.get("manage_stock") else None


def dimensions(record: dict[str, Any]) -> dict[str, float | None]:
    dims = record.get("dimensions") or {}
    return {"weight": number(record.get("weight")), "width": number(dims.get("width")),
            "depth": number(dims.get("length")), "height": number(dims.get("height"))}


def variant(variation: dict[str, Any]) -> dict[str, Any]:
    image = variation.get("image") or {}
    return {
        "sku": variation.get("sku") or None,
        "price": number(variation.get("regular_price") or variation.get("price")),
        "sale_price": number(variation.get("sale_price")),
        **dimensions(variation),
        "inventory_level": inventory(variation),
        "purchasing_disabled": variation.get("status") != "publish" or not variation.get("purchasable", True),
        "image_url": image.get("src") or None,
        "option_values": [{"option_display_name": a["name"], "label": a["option"]}
                          for a in variation.get("attributes") or []],
        "woocommerce_id": variation["id"],
    }


def bigcommerce_product(product: dict[str, Any]) -> dict[str, Any]:
    """The import line for one product (with ``variation_details`` when it is variable)."""
    variations = product.get("variation_details") or []
    variants = [variant(v) for v in variations]
    tracking = "variant" if any(v["inventory_level"] is not None for v in variants) else (
        "product" if product.get("manage_stock") else "none")
    return {
        "name": product["name"],
        "type": "digital" if product.get("virtual") or product.get("downloadable") else "physical",
        "sku": product.get("sku") or None,
        "description": product.get("description") or "",
        "price": number(product.get("regular_price") or product.get("price")) or 0.0,
        "sale_price": number(product.get("sale_price")),
        **dimensions(product),
        "categories": [c["name"] for c in product.get("categories") or []],  # names: map to BigCommerce ids at import
        "is_visible": product.get("status") == "publish" and product.get("catalog_visibility") != "hidden",
        "inventory_tracking": tracking,
        "inventory_level": inventory(product),
        "custom_url": {"url": f"/{product.get('slug') or product['id']}/", "is_customized": True},
        "images": [{"image_url": image["src"], "description": image.get("alt") or "", "is_thumbnail": i == 0,
                    "sort_order": i} for i, image in enumerate(product.get("images") or [])],
        "options": [{"display_name": a["name"], "type": "rectangles",
                     "option_values": [{"label": o, "sort_order": i} for i, o in enumerate(a.get("options") or [])]}
                    for a in product.get("attributes") or [] if a.get("variation") and variations],
        "variants": variants,
        "custom_fields": [{"name": "woocommerce_type", "value": product["type"]}],
        "woocommerce_id": product["id"],
    }


Progress = Callable[[int, int | None], None]


def products(connector: Any, connection: dict[str, Any], on_progress: Progress) -> Iterator[dict[str, Any]]:
    """Every product, ordered by id, each variable one with its variations, as pages arrive
    (``iter_items``: one page held at a time); ``on_progress(done, total)`` after each page."""
    payload = {"include_variations": True, "orderby": "id", "order": "asc", "per_page": PER_PAGE}
    return connector.iter_items("list-products", payload, connection, on_progress=on_progress)


def show_progress(done: int, total: int | None) -> None:
    print(f"{done}/{total if total is not None else '?'} products", file=sys.stderr)


def export(connector: Any, connection: dict[str, Any], out: TextIO | None) -> dict[str, int]:
    counts = {"products": 0, "variations": 0, "images": 0}
    for product in products(connector, connection, show_progress):
        line = bigcommerce_product(product)
        counts["products"] += 1
        counts["variations"] += len(line["variants"])
        counts["images"] += len(line["images"])
        if out is not None:
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connection", type=Path, required=True, help="connection JSON file")
    parser.add_argument("--out", type=Path, default=Path("products.jsonl"), help="the JSON Lines file to write")
    parser.add_argument("--dry-run", action="store_true", help="read and count everything; write no file")
    args = parser.parse_args(argv)
    connection = json.loads(args.connection.read_text(encoding="utf-8"))
    connector = woo_connector.load()
    try:
        if args.dry_run:
            counts = export(connector, connection, None)
        else:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=args.out.parent, prefix=f".{args.out.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    counts = export(connector, connection, fh)
                os.replace(temp, args.out)
            finally:
                Path(temp).unlink(missing_ok=True)
    except woo_connector.WooConnectorError as exc:
        print(json.dumps({"error": exc.code, "message": exc.message}, indent=2))
        return 1
    print(json.dumps({**counts, "out": None if args.dry_run else str(args.out), "dry_run": args.dry_run}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
