"""upsert-product against the real store's answers: SKU lookups (269-272), batch creates (264),
per-item batch errors (117), the 100-item limit (262-263), and failures whose outcome is unknown.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import requests
import responses
from captures import capture
from store_answers import API, answer_lookup, batch_answer, captured_product, list_headers, posts, sent

from woo_connector.errors import InvalidInputError


MUG = {"name": "Outback V-Neck Tee", "type": "simple", "sku": "NEW-1", "regular_price": 43.95}


def test_a_new_sku_is_created_through_the_batch_endpoint(connector, conn, rsps) -> None:
    answer_lookup(rsps, "NEW-1", [])
    created = captured_product("NEW-1", 901, regular_price="43.95")
    batch_answer(rsps, "/products/batch", {"create": [created]})

    result = connector.invoke("upsert-product", {"products": [MUG]}, conn)

    assert sent(posts(rsps)[0]) == {"create": [{**MUG, "regular_price": "43.95"}]}  # price as a string
    assert result["products"] == [{"index": 0, "sku": "NEW-1", "id": 901, "action": "created", "error": None}]
    assert (result["created"], result["updated"], result["unchanged"], result["failed"]) == (1, 0, 0, 0)
    assert result["complete"] is True


def test_an_existing_sku_is_updated_by_id_and_an_identical_one_is_not_sent(connector, conn, rsps) -> None:
    tee, kit = capture(271)["response"]["body"]  # RW-TSH-0129 (43.95) and RW-KIT-0114
    answer_lookup(rsps, f"{kit['sku']},{tee['sku']}", [tee, kit])
    updated = {**tee, "regular_price": "45.00"}
    batch_answer(rsps, "/products/batch", {"update": [updated]})
    payload = {"products": [
        {"name": tee["name"], "sku": tee["sku"], "regular_price": "45.00"},
        {"name": kit["name"], "sku": kit["sku"], "regular_price": float(kit["regular_price"]),
         "categories": [{"id": c["id"]} for c in kit["categories"]]},
    ]}

    result = connector.invoke("upsert-product", payload, conn)

    assert sent(posts(rsps)[0]) == {"update": [{"id": tee["id"], "name": tee["name"], "sku": tee["sku"], "regular_price": "45.00"}]}
    assert [(r["id"], r["action"]) for r in result["products"]] == [(tee["id"], "updated"), (kit["id"], "unchanged")]


def test_a_sku_that_belongs_to_a_variation_is_refused_by_position(connector, conn, rsps) -> None:
    variation = capture(269)["response"]["body"][0]
    answer_lookup(rsps, variation["sku"], [variation])

    result = connector.invoke("upsert-product", {"products": [{"name": "X", "sku": variation["sku"]}]}, conn)

    assert posts(rsps) == []
    row = result["products"][0]
    assert row["action"] == "failed" and row["error"]["code"] == "invalid_request"
    assert row["error"]["details"] == {"id": 331, "parent_id": 328}
    assert result["complete"] is False


def test_per_item_errors_come_back_at_their_input_position(connector, conn, rsps) -> None:
    """Capture 117: the store refused the second create (duplicated SKU) and answered 200."""
    answer = capture(117)["response"]["body"]
    answer_lookup(rsps, "CAP-LAMP-001,CAP-PEN-001", [])
    batch_answer(rsps, "/products/batch", {"create": answer["create"]})
    payload = {"products": [{"name": "Batch Created Pen", "regular_price": "3.95", "sku": "CAP-PEN-001"},
                            {"name": "Dup SKU", "regular_price": "1.00", "sku": "CAP-LAMP-001"}]}

    result = connector.invoke("upsert-product", payload, conn)

    first, second = result["products"]
    assert (first["action"], first["id"], first["error"]) == ("created", answer["create"][0]["id"], None)
    assert second["action"] == "failed" and second["index"] == 1
    assert second["error"]["woo_code"] == answer["create"][1]["error"]["code"]
    assert second["error"]["message"] == answer["create"][1]["error"]["message"]
    assert (result["created"], result["failed"], result["complete"]) == (1, 1, False)


def test_never_more_than_100_items_per_batch_request(connector, conn, rsps) -> None:
    """101 items in one request is refused whole (413, captures 262-263): 150 products go as 100 + 50."""
    products = [{"name": f"P{i}", "sku": f"SKU-{i:03d}", "regular_price": "1.00"} for i in range(150)]
    template = capture(264)["response"]["body"]["create"][0]

    def lookup(request: Any) -> tuple[int, dict[str, str], str]:
        return 200, list_headers(0), "[]"

    def batch(request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        made = [{**template, "id": 1000 + int(p["sku"][4:]), "sku": p["sku"]} for p in body["create"]]
        return 200, {}, json.dumps({"create": made})

    rsps.add_callback("GET", f"{API}/products", callback=lookup)
    rsps.add_callback("POST", f"{API}/products/batch", callback=batch)

    result = connector.invoke("upsert-product", {"products": products}, conn)

    sizes = [len(sent(c)["create"]) for c in posts(rsps)]
    assert sizes == [100, 50]
    lookups = [c for c in rsps.calls if c.request.method == "GET"]
    assert len(lookups) == 2  # 100 SKUs per comma list
    assert [r["id"] for r in result["products"]] == [1000 + i for i in range(150)]
    assert result["created"] == 150 and result["complete"] is True


def test_a_413_answer_fails_every_item_of_that_request(connector, conn, rsps) -> None:
    answer_lookup(rsps, "NEW-1", [])
    refused = capture(263)
    rsps.add(responses.Response("POST", f"{API}/products/batch", json=refused["response"]["body"], status=413))

    result = connector.invoke("upsert-product", {"products": [MUG]}, conn)

    error = result["products"][0]["error"]
    assert error["http_status"] == 413 and error["woo_code"] == "woocommerce_rest_request_entity_too_large"
    assert result["failed"] == 1 and result["complete"] is False


def test_a_batch_that_timed_out_but_went_through_is_found_not_recreated(connector, conn, rsps) -> None:
    """The store created the product, the answer was lost: the tool looks again and reports it."""
    created = captured_product("NEW-1", 901, name=MUG["name"], regular_price="43.95", type="simple")
    rsps.add(responses.Response("GET", f"{API}/products", json=[], headers=list_headers(0)))
    rsps.add(responses.Response("POST", f"{API}/products/batch", body=requests.ConnectionError("connection reset")))
    rsps.add(responses.Response("GET", f"{API}/products", json=[created], headers=list_headers(1)))

    result = connector.invoke("upsert-product", {"products": [MUG]}, conn)

    assert len(posts(rsps)) == 1  # a write is never retried blindly
    assert result["products"][0] == {"index": 0, "sku": "NEW-1", "id": 901, "action": "created", "error": None}

    # And a retry of the whole call finds it too: an update at most, never a second create.
    rsps.add(responses.Response("GET", f"{API}/products", json=[created], headers=list_headers(1)))
    again = connector.invoke("upsert-product", {"products": [MUG]}, conn)
    assert len(posts(rsps)) == 1
    assert again["products"][0]["action"] == "unchanged"


def test_a_product_still_being_saved_is_found_on_a_later_look(connector, conn, rsps, monkeypatch) -> None:
    monkeypatch.setattr("woo_connector.tools.upsert.RECOVERY_WAITS", (0.0, 0.0, 0.0))
    created = captured_product("NEW-1", 901, name=MUG["name"], regular_price="43.95", type="simple")
    rsps.add(responses.Response("GET", f"{API}/products", json=[], headers=list_headers(0)))
    rsps.add(responses.Response("POST", f"{API}/products/batch", body=requests.ConnectionError("timed out")))
    rsps.add(responses.Response("GET", f"{API}/products", json=[], headers=list_headers(0)))
    rsps.add(responses.Response("GET", f"{API}/products", json=[created], headers=list_headers(1)))

    result = connector.invoke("upsert-product", {"products": [MUG]}, conn)

    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "GET", "GET"]
    assert result["products"][0] == {"index": 0, "sku": "NEW-1", "id": 901, "action": "created", "error": None}


def test_a_batch_that_failed_without_effect_is_reported_as_maybe_applied(connector, conn, rsps, monkeypatch) -> None:
    monkeypatch.setattr("woo_connector.tools.upsert.RECOVERY_WAITS", (0.0, 0.0))  # look twice, no sleeping
    rsps.add(responses.Response("GET", f"{API}/products", json=[], headers=list_headers(0)))
    rsps.add(responses.Response("POST", f"{API}/products/batch", body=requests.ConnectionError("reset")))

    result = connector.invoke("upsert-product", {"products": [MUG]}, conn)

    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "GET", "GET"]  # looked again, twice

    error = result["products"][0]["error"]
    assert error["code"] == "outcome_unknown" and error["retryable"] is False  # look, do not resend
    assert error["details"]["may_have_been_applied"] is True


def test_a_batch_answer_without_one_result_per_item_is_bad_response(connector, conn, rsps, monkeypatch) -> None:
    monkeypatch.setattr("woo_connector.tools.upsert.RECOVERY_WAITS", (0.0,))
    """Capture 291's answer to an empty batch ([]): sent one create, got no list of results."""
    answer_lookup(rsps, "NEW-1", [])
    rsps.add(responses.Response("POST", f"{API}/products/batch", json=capture(291)["response"]["body"]))
    answer_lookup(rsps, "NEW-1", [])

    result = connector.invoke("upsert-product", {"products": [MUG]}, conn)

    error = result["products"][0]["error"]
    assert error["code"] == "bad_response" and error["details"]["may_have_been_applied"] is True
    assert len(posts(rsps)) == 1


def test_variations_matched_by_sku_created_updated_and_missing_ones_removed(connector, conn, rsps) -> None:
    variations = capture(81)["response"]["body"]  # product 291, RW-VAR-001-01 .. -12
    parent = captured_product("RW-VAR-001", 291, type="variable", name="Var")
    answer_lookup(rsps, "RW-VAR-001", [parent])
    rsps.add(responses.Response("GET", f"{API}/products/291/variations", json=variations, headers=list_headers(12)))
    keep = next(v for v in variations if v["sku"] == "RW-VAR-001-01")
    change = next(v for v in variations if v["sku"] == "RW-VAR-001-02")
    new = {**copy.deepcopy(keep), "id": 777, "sku": "RW-VAR-001-13"}
    others = [v for v in variations if v["sku"] not in ("RW-VAR-001-01", "RW-VAR-001-02")]
    batch_answer(rsps, "/products/291/variations/batch",
                 {"create": [new], "update": [{**change, "regular_price": "99.00"}], "delete": others})
    payload = {"products": [{"name": "Var", "type": "variable", "sku": "RW-VAR-001", "variations": [
        {"sku": "RW-VAR-001-01", "regular_price": keep["regular_price"]},
        {"sku": "RW-VAR-001-02", "regular_price": "99.00"},
        {"sku": "RW-VAR-001-13", "regular_price": "5.00",
         "attributes": [{"id": a["id"], "option": a["option"]} for a in keep["attributes"]]},
    ]}], "remove_missing_variations": True}

    result = connector.invoke("upsert-product", payload, conn)

    body = sent(posts(rsps)[0])
    assert body["update"] == [{"id": change["id"], "sku": "RW-VAR-001-02", "regular_price": "99.00"}]
    assert body["create"] == [payload["products"][0]["variations"][2]]
    assert sorted(body["delete"]) == sorted(v["id"] for v in others)
    row = result["products"][0]
    assert row["action"] == "unchanged"  # the parent already matched: only its variations were written
    assert [(v["index"], v["action"], v["id"]) for v in row["variations"]] == [
        (0, "unchanged", keep["id"]), (1, "updated", change["id"]), (2, "created", 777)]
    assert sorted(r["id"] for r in row["removed_variations"]) == sorted(v["id"] for v in others)
    assert result["complete"] is True


def test_a_new_variable_product_gets_its_variations_without_reading_any_first(connector, conn, rsps) -> None:
    variation = capture(81)["response"]["body"][0]
    answer_lookup(rsps, "NEW-VAR", [])
    batch_answer(rsps, "/products/batch", {"create": [captured_product("NEW-VAR", 950, type="variable")]})
    batch_answer(rsps, "/products/950/variations/batch", {"create": [{**variation, "id": 951, "sku": "NEW-VAR-S"}]})
    payload = {"products": [{"name": "New", "type": "variable", "sku": "NEW-VAR",
                             "attributes": [{"name": "Size", "variation": True, "options": ["S"]}],
                             "variations": [{"sku": "NEW-VAR-S", "regular_price": 5, "attributes": [{"name": "Size", "option": "S"}]}]}]}

    result = connector.invoke("upsert-product", payload, conn)

    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "POST"]  # no GET of its variations
    assert sent(posts(rsps)[1])["create"][0]["regular_price"] == "5"
    assert result["products"][0]["variations"] == [{"index": 0, "sku": "NEW-VAR-S", "id": 951, "action": "created", "error": None}]


def test_without_the_flag_missing_variations_are_left_alone(connector, conn, rsps) -> None:
    variations = capture(81)["response"]["body"]
    answer_lookup(rsps, "RW-VAR-001", [captured_product("RW-VAR-001", 291, type="variable", name="Var")])
    rsps.add(responses.Response("GET", f"{API}/products/291/variations", json=variations, headers=list_headers(12)))
    keep = next(v for v in variations if v["sku"] == "RW-VAR-001-01")
    payload = {"products": [{"name": "Var", "type": "variable", "sku": "RW-VAR-001",
                             "variations": [{"sku": "RW-VAR-001-01", "regular_price": keep["regular_price"]}]}]}

    result = connector.invoke("upsert-product", payload, conn)

    assert posts(rsps) == []
    assert result["products"][0]["variations"][0]["action"] == "unchanged"
    assert result["products"][0]["removed_variations"] == []


def test_a_product_given_without_variations_keeps_them_even_with_the_flag(connector, conn, rsps) -> None:
    parent = captured_product("RW-VAR-001", 291, type="variable", name="Var")
    answer_lookup(rsps, "RW-VAR-001", [parent])

    result = connector.invoke("upsert-product", {"products": [{"name": "Var", "type": "variable", "sku": "RW-VAR-001"}],
                                                 "remove_missing_variations": True}, conn)

    assert posts(rsps) == [] and len(rsps.calls) == 1  # no variation read, nothing deleted
    assert result["products"][0]["action"] == "unchanged" and "removed_variations" not in result["products"][0]


def test_repeated_skus_and_missing_skus_are_refused(connector, conn, rsps) -> None:
    answer_lookup(rsps, "A-1", [])
    batch_answer(rsps, "/products/batch", {"create": [captured_product("A-1", 5)]})
    result = connector.invoke("upsert-product", {"products": [{"name": "a", "sku": "A-1"}, {"name": "b", "sku": "A-1"}]}, conn)
    assert [r["action"] for r in result["products"]] == ["created", "failed"]
    assert result["products"][1]["error"]["code"] == "invalid_input"
    assert "/products/0" in result["products"][1]["error"]["message"]

    with pytest.raises(InvalidInputError) as info:
        connector.invoke("upsert-product", {"products": [{"name": "no sku"}]}, conn)
    assert "/products/0" in info.value.message and "sku" in info.value.message
    with pytest.raises(InvalidInputError):
        connector.invoke("upsert-product", {"products": [{"name": "comma", "sku": "A,B"}]}, conn)


@pytest.mark.parametrize(
    "sent_value,stored,differs",
    [
        ({"regular_price": "43.95"}, {"regular_price": "43.95", "id": 1}, False),
        ({"stock_quantity": 5}, {"stock_quantity": 5}, False),
        ({"manage_stock": True}, {"manage_stock": "parent"}, True),
        ({"categories": [{"id": 16}]}, {"categories": [{"id": 16, "name": "T-Shirts", "slug": "t-shirts"}]}, False),
        ({"categories": [{"id": 16}]}, {"categories": [{"id": 17, "name": "x"}]}, True),
        ({"meta_data": [{"key": "a", "value": "1"}]}, {"meta_data": [{"id": 3, "key": "b", "value": "2"}, {"id": 4, "key": "a", "value": "1"}]}, False),
        ({"meta_data": [{"key": "a", "value": "2"}]}, {"meta_data": [{"id": 4, "key": "a", "value": "1"}]}, True),
        ({"images": [{"src": "https://cdn.example.com/files/mug.jpg?v=3"}]},
         {"images": [{"id": 9, "src": "https://shop.example/wp-content/uploads/2026/12/mug-1.jpg"}]}, False),
        ({"images": [{"src": "https://cdn.example.com/files/mug.jpg"}]},
         {"images": [{"id": 9, "src": "https://shop.example/wp-content/uploads/2026/12/cup.jpg"}]}, True),
        ({"sale_price": ""}, {"sale_price": ""}, False),
        ({"date_on_sale_to": None}, {"date_on_sale_to": "2026-12-01T00:00:00"}, True),
    ],
)
def test_differs(sent_value: dict[str, Any], stored: dict[str, Any], differs: bool) -> None:
    from woo_connector.tools.upsert import differs as check

    assert check(sent_value, stored) is differs
