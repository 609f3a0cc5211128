"""The one check a tool makes before indexing what the store sent.

The registry reports any other exception escaping a tool as ``internal_error`` (a bug in the
connector, naming the tool). So a tool that relies on the store's answer having some shape says
so here first: a store (or a plugin reshaping its answers) that breaks that shape is then the
store's ``bad_response``, not our bug.
"""

from __future__ import annotations

from typing import Any

from .errors import BadResponseError


def store_object(data: Any, what: str, *, needs: tuple[str, ...] = ()) -> dict[str, Any]:
    """``data`` if it is a JSON object carrying every key in ``needs``; else BadResponseError."""
    if not isinstance(data, dict):
        raise BadResponseError(
            f"The store's answer for {what} was not shaped as WooCommerce's: expected an object, "
            f"got {type(data).__name__}."
        )
    missing = [key for key in needs if key not in data]
    if missing:
        raise BadResponseError(
            f"The store's answer for {what} was not shaped as WooCommerce's: no {', '.join(missing)}.",
            details={"missing": missing},
        )
    return data
