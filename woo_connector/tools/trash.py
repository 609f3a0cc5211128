"""DELETE as the store does it: to the trash by default, for good with ``force``.

Orders, coupons and products go to the trash and the answer is the object as it was before
(its old ``status``); a second DELETE without ``force`` is HTTP 410
``woocommerce_rest_already_trashed``, and ``force`` deletes from the trash for good (captures
125-127, 257, 295-304). The 410 stays ``invalid_request`` with WooCommerce's code; its message
gains the one thing a caller can do about it.
"""

from __future__ import annotations

from typing import Any

from ..client import WooClient
from ..errors import WooConnectorError

ALREADY_TRASHED = "woocommerce_rest_already_trashed"


def delete(client: WooClient, path: str, force: bool) -> dict[str, Any]:
    try:
        return client.delete(path, {"force": True} if force else None)
    except WooConnectorError as exc:
        if exc.woo_code == ALREADY_TRASHED:
            exc.message += " It is already in the trash: send force true to delete it for good."
            exc.args = (exc.message,)
        raise
