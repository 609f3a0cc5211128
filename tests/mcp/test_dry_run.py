"""dry_run on every write tool, against the sandbox: reads happen, writes are only recorded.

"Nothing changed" is proved twice (fixtures in conftest.py): the sandbox's request log shows no
write method, and a snapshot of every table and id counter of the store is identical after.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from woo_connector import InvalidInputError, NotFoundError
from woo_connector.dry_run import RecordingClient
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox

def an_order(connector: Registry, conn: dict[str, Any]) -> dict[str, Any]:
    return connector.invoke("list-orders", {"per_page": 1, "status": "processing"}, conn)["items"][0]


def test_write_tools_declare_dry_run_and_read_tools_do_not(connector: Registry) -> None:
    # Meta-validation by jsonschema_rs (Draft 2020-12 meta-schema, regex formats, $refs resolved):
    # the same check as Draft202012Validator.check_schema, without its seconds of pure Python.
    import jsonschema_rs

    for spec in connector.tools():
        declared = "dry_run" in spec.input_schema.get("properties", {})
        assert declared is (not spec.annotations["readOnlyHint"]), spec.name
        if declared:
            jsonschema_rs.Draft202012Validator(spec.output_schema)
            assert spec.output_schema["type"] == "object"
            assert len(spec.output_schema["anyOf"]) == 2


def test_update_order_dry_run_sends_nothing_and_shows_the_order_as_it_is(
    connector: Registry, sandbox_http: Sandbox, snapshot, writes_sent
) -> None:
    conn = sandbox_http.connection()
    order = an_order(connector, conn)
    before = snapshot(sandbox_http)
    sandbox_http.requests_log.clear()
    payload = {"id": order["id"], "customer_note": "Leave at the back door",
               "note": {"note": "Agent: shipping note set", "customer_note": False}, "dry_run": True}
    result = connector.invoke("update-order", payload, conn)

    assert writes_sent(sandbox_http) == []
    assert snapshot(sandbox_http) == before
    assert result["dry_run"] is True
    assert result["requests"] == [
        {"method": "PUT", "path": f"/orders/{order['id']}", "query": {},
         "body": {"customer_note": "Leave at the back door"}},
        {"method": "POST", "path": f"/orders/{order['id']}/notes", "query": {},
         "body": {"note": "Agent: shipping note set", "customer_note": False}},
    ]
    assert result["current"]["id"] == order["id"]
    assert result["current"]["customer_note"] == order["customer_note"]
    # the published schema (tool output OR dry-run result) accepts the answer
    Draft202012Validator(connector.tool("update-order").output_schema).validate(result)

    # the same call for real does what the dry run said
    del payload["dry_run"]
    real = connector.invoke("update-order", payload, conn)
    assert real["customer_note"] == "Leave at the back door"
    assert writes_sent(sandbox_http) == [(m, "/wp-json/wc/v3" + r["path"]) for m, r in
                                         [(r["method"], r) for r in result["requests"]]]


def test_dry_run_false_is_a_normal_call(connector: Registry, sandbox_http: Sandbox) -> None:
    conn = sandbox_http.connection()
    order = an_order(connector, conn)
    result = connector.invoke("update-order", {"id": order["id"], "customer_note": "x", "dry_run": False}, conn)
    assert "dry_run" not in result and result["customer_note"] == "x"


def test_create_tools_record_the_body_and_create_nothing(
    connector: Registry, sandbox_https: Sandbox, snapshot, writes_sent
) -> None:
    conn = sandbox_https.connection()
    before = snapshot(sandbox_https)
    customer = connector.invoke(
        "create-customer", {"email": "dry.run@example.com", "first_name": "Dry", "dry_run": True}, conn
    )
    product = connector.invoke(
        "create-product",
        {"name": "Dry tee", "type": "variable",
         "attributes": [{"name": "Size", "options": ["S", "M"], "variation": True}],
         "variations": [{"regular_price": "10.00", "attributes": [{"name": "Size", "option": "S"}]}],
         "dry_run": True},
        conn,
    )
    assert snapshot(sandbox_https) == before
    assert writes_sent(sandbox_https) == []
    assert customer["requests"] == [{"method": "POST", "path": "/customers", "query": {},
                                     "body": {"email": "dry.run@example.com", "first_name": "Dry"}}]
    assert customer["current"] is None
    assert [r["method"] + " " + r["path"].split("/")[1] for r in product["requests"]][:1] == ["POST products"]
    assert product["requests"][0]["body"]["name"] == "Dry tee"


def test_update_product_and_raw_delete_read_the_record_first(
    connector: Registry, sandbox_http: Sandbox, snapshot
) -> None:
    conn = sandbox_http.connection()
    product = connector.invoke("list-products", {"per_page": 1, "type": "simple"}, conn)["items"][0]
    before = snapshot(sandbox_http)
    updated = connector.invoke("update-product", {"id": product["id"], "stock_quantity": 3, "dry_run": True}, conn)
    deleted = connector.invoke(
        "raw-api-request",
        {"method": "DELETE", "path": f"/products/{product['id']}", "query": {"force": True}, "dry_run": True},
        conn,
    )
    assert snapshot(sandbox_http) == before
    assert updated["current"]["id"] == product["id"]
    assert updated["requests"][0]["body"] == {"stock_quantity": 3}
    assert deleted["requests"] == [{"method": "DELETE", "path": f"/products/{product['id']}",
                                    "query": {"force": True}, "body": None}]
    assert deleted["current"]["id"] == product["id"]


def test_a_dry_run_on_a_missing_record_fails_as_the_write_would(connector: Registry, sandbox_http: Sandbox) -> None:
    with pytest.raises(NotFoundError):
        connector.invoke("update-order", {"id": 99999999, "status": "completed", "dry_run": True},
                         sandbox_http.connection())


def test_read_tools_refuse_dry_run_and_the_flag_must_be_boolean(connector: Registry) -> None:
    with pytest.raises(InvalidInputError) as err:
        connector.check_input("get-order", {"id": 1, "dry_run": True})
    assert {"pointer": "/dry_run", "message": "unknown field 'dry_run'"} in err.value.details["problems"]
    with pytest.raises(InvalidInputError) as err:
        connector.check_input("update-order", {"id": 1, "dry_run": "yes", "bogus": 1})
    pointers = {p["pointer"] for p in err.value.details["problems"]}
    assert pointers == {"/dry_run", "/bogus"}  # every bad field named, the flag included


def test_recorded_requests_never_carry_credentials(connector: Registry, sandbox_http: Sandbox, writes_sent) -> None:
    conn = sandbox_http.connection()
    with pytest.raises(InvalidInputError):  # the schema already keeps credentials out of raw queries
        connector.invoke("raw-api-request", {"method": "POST", "path": "/orders", "dry_run": True,
                                             "query": {"consumer_key": conn["consumer_key"]}}, conn)
    # and whatever a future tool passes, the recorder masks it
    recorder = RecordingClient(connector.client(conn))
    recorder.request("POST", "/orders", params={"consumer_secret": conn["consumer_secret"], "oauth_nonce": "n"},
                     json={"status": "pending"})
    text = json.dumps(recorder.result()) + repr(recorder)
    assert conn["consumer_key"] not in text and conn["consumer_secret"] not in text
    assert recorder.result()["requests"][0]["query"] == {"consumer_secret": "***", "oauth_nonce": "***"}
    assert writes_sent(sandbox_http) == []
