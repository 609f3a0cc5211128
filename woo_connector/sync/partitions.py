"""``plan-partitions``: split one big list pull into disjoint windows that workers run in parallel.

The store has no id-range filter (``include`` takes a list, not a range), so the windows are
creation-date ranges, cut where the store's own counts put the quantiles: record number
``k * total / N`` of the query in date order is found with one ``per_page=1`` request, and its
``date_created_gmt`` second becomes a boundary. Boundaries are whole seconds and the bounds are
exclusive, so partition ``i`` is ``after = b_i - 1s`` and ``before = b_{i+1}``, sent with an
explicit ``Z`` (honoured whatever ``dates_are_gmt`` says, capture 034, so the host's own bounds
keep their meaning). The first partition has no lower bound of ours and the last no upper bound, so the
union is the whole query, records created during the pull included, and no record is in two.
Records created in the same second never straddle a boundary; repeated boundaries merge, which
is why the answer can hold fewer than N partitions.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..client import WooClient
from ..errors import InvalidInputError
from .cursor import gmt_text, parse_gmt
from .window import count

PATHS = {"list-orders": "/orders", "list-products": "/products", "list-coupons": "/coupons"}
NOT_WITH = ("page", "offset", "max_items", "cursor", "since", "known_ids")


def plan_partitions(client: WooClient, args: dict[str, Any]) -> dict[str, Any]:
    tool, query, wanted = args["tool"], dict(args.get("query") or {}), int(args["partitions"])
    refused = [name for name in NOT_WITH if name in query]
    if refused:
        raise InvalidInputError(
            f"query cannot hold {', '.join(refused)}: each partition is read whole with all_pages.",
            details={"fields": [f"query.{name}" for name in refused]},
        )
    path = PATHS[tool]
    filters = {k: v for k, v in query.items() if k not in ("all_pages", "per_page", "_fields", "orderby", "order")}
    total, _ = count(client, path, filters)
    boundaries: list[datetime] = []
    for k in range(1, wanted):
        position = k * total // wanted  # 0-based index of the record that opens partition k
        if position == 0:
            continue
        items, _ = client.fetch_page(
            path, {**filters, "orderby": "date", "order": "asc", "_fields": "id,date_created_gmt"},
            position + 1, 1,
        )
        second = parse_gmt(items[0].get("date_created_gmt")) if items else None
        if second is not None and (not boundaries or second > boundaries[-1]):
            boundaries.append(second)
    payloads = []
    edges: list[datetime | None] = [None, *boundaries, None]
    for lower, upper in zip(edges, edges[1:]):
        payload = {**query, "all_pages": True}
        if lower is not None:
            payload["after"] = f"{gmt_text(lower - timedelta(seconds=1))}Z"
        if upper is not None:
            payload["before"] = f"{gmt_text(upper)}Z"
        payloads.append(payload)
    return {"partitions": payloads, "total": total}

