"""A write-only key (WooCommerce offers Read, Write and Read/Write): verify names it, reads say so."""

from __future__ import annotations

import pytest

from woo_connector.errors import PermissionDeniedError
from woo_connector.registry import Registry
from woo_connector.sandbox import ApiKey, Sandbox


def test_verify_and_a_read_name_a_write_only_key(connector: Registry) -> None:
    with Sandbox(seed=5, orders=5) as shop:
        key = ApiKey("ck_" + "7" * 40, "cs_" + "8" * 40, "write", 1, "administrator")
        shop.store.keys[key.consumer_key] = key
        conn = {**shop.connection(), "consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret}

        result = connector.verify(conn)
        assert result["ok"] is False and result["permissions"] == "write"
        assert result["error"]["reason"] == "write_only" and "write-only" in result["message"]

        with pytest.raises(PermissionDeniedError) as caught:
            connector.invoke("list-orders", {"per_page": 1}, conn)
        assert caught.value.reason == "write_only" and not caught.value.retryable
        assert not [m for m, _p, _n, _s in shop.requests_log if m != "GET"]  # verify changed nothing
