"""``tax_breakdown: true`` on the order and product tools: the store's figures in, ``amounts`` out.

The arithmetic is in :mod:`woo_connector.tax`; this module fetches what it needs (the store's tax
settings and rates, for product prices) and refuses a ``_fields`` projection that leaves out
the fields a breakdown reads, rather than returning a breakdown built on missing numbers.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..client import WooClient
from ..errors import InvalidInputError
from ..tax import ORDER_FIELDS, PRODUCT_FIELDS, StoreTax, base_location, base_rates, with_order_amounts, with_product_amounts

FLAG = "tax_breakdown"


def take_flag(args: dict[str, Any], flag: str, needed: Iterable[str]) -> bool:
    """Remove the connector's own ``flag`` from ``args`` (it is no store filter); when it is on
    and ``_fields`` is given, every field the flag's work reads must be in it."""
    on = bool(args.pop(flag, False))
    fields = args.get("_fields")
    if on and fields is not None:
        asked = {name.split(".")[0] for name in (fields.split(",") if isinstance(fields, str) else fields)}
        missing = [name for name in needed if name not in asked]
        if missing:
            raise InvalidInputError(
                f"_fields: {flag} needs {', '.join(missing)} as well; add them or leave _fields out.",
                details={"pointer": "/_fields", "missing": missing},
            )
    return on


def order_flag(args: dict[str, Any]) -> bool:
    return take_flag(args, FLAG, ORDER_FIELDS)


def product_flag(args: dict[str, Any]) -> bool:
    return take_flag(args, FLAG, PRODUCT_FIELDS)


def orders_with_amounts(orders: list[Any]) -> list[Any]:
    return [with_order_amounts(order) if isinstance(order, Mapping) else order for order in orders]


def _options(client: WooClient, group: str) -> dict[str, Any]:
    rows = client.get(f"/settings/{group}")
    return {row.get("id"): row.get("value") for row in rows if isinstance(row, Mapping)} if isinstance(rows, list) else {}


def load_store_tax(client: WooClient) -> StoreTax:
    """The store's tax settings (/settings/general, /settings/tax) and its rates (/taxes)."""
    general = _options(client, "general")
    tax = _options(client, "tax")
    country, state = base_location(str(general.get("woocommerce_default_country") or ""))
    rows: list[Any] = []
    for page, _info in client.iter_pages("/taxes", {}, per_page=100):
        rows.extend(page)
    return StoreTax(
        calc_taxes=general.get("woocommerce_calc_taxes") == "yes",
        prices_include_tax=tax.get("woocommerce_prices_include_tax") == "yes",
        base_country=country,
        base_state=state,
        rates=base_rates((r for r in rows if isinstance(r, Mapping)), country, state),
    )


def product_with_amounts(product: Mapping[str, Any], store: StoreTax) -> dict[str, Any]:
    """The product and, when it carries them, its ``variation_details`` with amounts of their own."""
    out = with_product_amounts(product, store)
    if isinstance(out.get("variation_details"), list):
        parent_class = str(product.get("tax_class") or "")
        out["variation_details"] = [with_product_amounts(v, store, parent_class) for v in out["variation_details"]]
    return out
