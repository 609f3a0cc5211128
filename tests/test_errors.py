"""The error tree is declared once, by the classes; the docs and the schema are checked against it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import woo_connector
from woo_connector import errors
from woo_connector.response import error_from_status, error_from_woo

ROOT = Path(__file__).resolve().parent.parent


def test_docstring_tree_is_the_rendered_class_tree() -> None:
    doc = "\n".join(line[4:] for line in (errors.__doc__ or "").splitlines())
    assert errors.render_tree() in doc


def test_error_json_lists_exactly_the_codes_of_the_classes() -> None:
    schema = json.loads((ROOT / "schemas" / "defs" / "error.json").read_text())
    listed = schema["properties"]["code"]["description"].split(":", 1)[1].split(".")[0]
    codes = [c.strip() for c in listed.split(",")]
    assert codes == [cls.code for cls in errors.error_classes()[1:]]
    assert "reason" in schema["properties"]


def test_contract_error_is_in_the_tree_and_still_importable_from_the_package() -> None:
    assert woo_connector.ContractError is errors.ContractError
    assert issubclass(errors.ContractError, errors.ConfigError)


def test_reason_is_set_where_raised_and_serialised() -> None:
    err = error_from_status(500, {"code": "internal_server_error", "message": "<p>There has been a critical error "
                                  "on this website.</p>", "data": {"status": 500}},
                            method="GET", url="https://s/wp-json/wc/v3/orders", headers={}, auth_method="basic")
    assert isinstance(err, errors.ServerError) and err.retryable
    assert err.to_dict()["reason"] == "critical_error" and "critical error" in err.message
    write = error_from_status(500, {"code": "internal_server_error", "message": "x", "data": {"status": 500}},
                              method="POST", url="https://s/wp-json/wc/v3/orders", headers={}, auth_method="basic")
    assert isinstance(write, errors.OutcomeUnknownError) and write.retryable is False


def test_a_named_5xx_refusal_stays_final() -> None:
    err = error_from_status(500, {"code": "woocommerce_rest_cannot_create_order_refund",
                                  "message": "Invalid refund amount.", "data": 500},
                            method="POST", url="https://s/wp-json/wc/v3/orders/1/refunds", headers={}, auth_method=None)
    assert isinstance(err, errors.ServerError) and not err.retryable and err.reason == "refused"


def test_batch_item_errors_go_through_the_same_mapper() -> None:
    item = {"code": "woocommerce_rest_invalid_id", "message": "Invalid ID.", "data": {"status": 404}}
    err = error_from_woo(item)
    assert isinstance(err, errors.NotFoundError) and err.woo_code == "woocommerce_rest_invalid_id"
    assert err.message == "Invalid ID."
    refused = error_from_woo({"code": "product_invalid_sku", "message": "Invalid or duplicated SKU.",
                              "data": {"status": 400}})
    assert isinstance(refused, errors.InvalidRequestError) and refused.http_status == 400


def test_not_found_names_the_resource_and_id() -> None:
    err = error_from_status(404, {"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID.",
                                  "data": {"status": 404}},
                            method="GET", url="https://s/wp-json/wc/v3/orders/355", headers={}, auth_method=None)
    assert "order 355" in err.message and err.reason == "missing"
    nested = error_from_status(404, {"code": "woocommerce_rest_invalid_id", "message": "x", "data": {"status": 404}},
                               method="GET", url="https://s/wp-json/wc/v3/products/12/variations/7", headers={},
                               auth_method=None)
    assert "variation 7" in nested.message and "product 12" in nested.message


def test_a_404_without_wordpress_json_says_the_site_url_is_wrong() -> None:
    err = error_from_status(404, None, method="GET", url="https://s/wp-json/wc/v3/orders", headers={},
                            auth_method=None, html=True)
    assert isinstance(err, errors.NotFoundError) and err.reason == "not_wordpress"
    assert re.search(r"site_url is probably", err.message)
