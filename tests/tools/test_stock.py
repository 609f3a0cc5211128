"""update-stock against the real store's answers: a SKU list mixing a product and a variation
(272), variations of a variable product (081), and per-item batch errors (117)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import responses
from captures import capture
from responses import matchers
from store_answers import API, answer_lookup, list_headers, posts, sent

from woo_connector.errors import InvalidInputError


def mixed() -> tuple[dict[str, Any], dict[str, Any]]:
    """RW-TSH-0129 (simple, stock not managed) and RW-PNT-0161-M (variation of 328, 30 in stock)."""
    simple, variation = capture(272)["response"]["body"]
    assert simple["type"] == "simple" and variation["type"] == "variation"
    return simple, variation


def test_products_and_variations_by_sku_in_one_call(connector, conn, rsps) -> None:
    simple, variation = mixed()
    answer_lookup(rsps, f"NOPE-1,{variation['sku']},{simple['sku']}", [simple, variation])
    rsps.add(responses.Response("POST", f"{API}/products/batch",
                                json={"update": [{**simple, "manage_stock": True, "stock_quantity": 12}]}))
    rsps.add(responses.Response("POST", f"{API}/products/{variation['parent_id']}/variations/batch",
                                json={"update": [{**variation, "stock_quantity": 27}]}))

    result = connector.invoke("update-stock", {"items": [
        {"sku": simple["sku"], "stock_quantity": 12},
        {"sku": variation["sku"], "adjust_by": -3},
        {"sku": "NOPE-1", "stock_quantity": 4},
    ]}, conn)

    bodies = {c.request.url.removeprefix(API): sent(c) for c in posts(rsps)}
    assert bodies == {
        "/products/batch": {"update": [{"id": simple["id"], "manage_stock": True, "stock_quantity": 12}]},
        f"/products/{variation['parent_id']}/variations/batch": {
            "update": [{"id": variation["id"], "manage_stock": True, "stock_quantity": 27}]},
    }
    first, second, third = result["items"]
    assert (first["action"], first["stock_quantity_before"], first["stock_quantity"]) == ("updated", None, 12)
    assert (second["action"], second["stock_quantity_before"], second["stock_quantity"]) == ("updated", 30, 27)
    assert second["parent_id"] == variation["parent_id"]
    assert (third["action"], third["error"]["code"]) == ("not_found", "not_found")
    assert result["not_found_skus"] == ["NOPE-1"]
    assert (result["updated"], result["not_found"], result["complete"]) == (2, 1, False)


def test_skus_match_without_regard_to_case_as_the_store_compares_them(connector, conn, rsps) -> None:
    _, variation = mixed()
    answer_lookup(rsps, variation["sku"].lower(), [variation])

    result = connector.invoke("update-stock", {"items": [{"sku": variation["sku"].lower(), "stock_quantity": 30}]}, conn)

    assert result["items"][0]["action"] == "unchanged" and result["items"][0]["id"] == variation["id"]


def test_a_record_already_at_the_quantity_is_not_written(connector, conn, rsps) -> None:
    _, variation = mixed()
    answer_lookup(rsps, variation["sku"], [variation])

    result = connector.invoke("update-stock", {"items": [{"sku": variation["sku"], "stock_quantity": 30}]}, conn)

    assert posts(rsps) == []
    assert result["items"][0]["action"] == "unchanged" and result["unchanged"] == 1 and result["complete"]


def test_adjusting_untracked_stock_is_refused_not_guessed(connector, conn, rsps) -> None:
    simple, _ = mixed()
    answer_lookup(rsps, simple["sku"], [simple])

    result = connector.invoke("update-stock", {"items": [{"sku": simple["sku"], "adjust_by": 5}]}, conn)

    assert posts(rsps) == []
    assert result["items"][0]["error"]["code"] == "invalid_request"
    assert "stock_quantity instead" in result["items"][0]["error"]["message"]


def test_variation_by_id_with_its_parent_and_product_by_id(connector, conn, rsps, query_of) -> None:
    variations = capture(81)["response"]["body"]
    simple, _ = mixed()
    target = next(v for v in variations if v["id"] == 302)  # manages stock: 9
    rsps.add(responses.Response("GET", f"{API}/products", json=[simple], headers=list_headers(1),
                                match=[matchers.query_param_matcher({"include": str(simple["id"])}, strict_match=False)]))
    rsps.add(responses.Response("GET", f"{API}/products/291/variations", json=[target], headers=list_headers(1),
                                match=[matchers.query_param_matcher({"include": "302"}, strict_match=False)]))
    rsps.add(responses.Response("POST", f"{API}/products/batch", json={"update": [{**simple, "stock_quantity": 1}]}))
    rsps.add(responses.Response("POST", f"{API}/products/291/variations/batch", json={"update": [{**target, "stock_quantity": 11}]}))

    result = connector.invoke("update-stock", {"items": [
        {"id": 302, "parent_id": 291, "adjust_by": 2},
        {"id": simple["id"], "stock_quantity": 1},
    ]}, conn)

    assert [(r["action"], r["stock_quantity"]) for r in result["items"]] == [("updated", 11), ("updated", 1)]
    variation_write = next(sent(c) for c in posts(rsps) if "/variations/" in c.request.url)
    assert variation_write == {"update": [{"id": 302, "manage_stock": True, "stock_quantity": 11}]}


def test_ids_that_match_nothing_say_what_to_give_instead(connector, conn, rsps) -> None:
    rsps.add(responses.Response("GET", f"{API}/products", json=[], headers=list_headers(0)))
    missing = capture(226)["response"]  # the store's 404 for a product id it does not have
    rsps.add(responses.Response("GET", f"{API}/products/404404/variations", status=missing["status"], json=missing["body"]))

    result = connector.invoke("update-stock", {"items": [{"id": 331, "stock_quantity": 1},
                                                         {"id": 5, "parent_id": 404404, "stock_quantity": 1}]}, conn)

    first, second = result["items"]
    assert first["action"] == "not_found" and "give parent_id" in first["error"]["message"]
    assert second["action"] == "not_found" and "product 404404 has no variation 5" in second["error"]["message"]
    assert result["not_found_skus"] == [] and posts(rsps) == []


def test_the_same_record_twice_is_refused_at_the_second_place(connector, conn, rsps) -> None:
    _, variation = mixed()
    answer_lookup(rsps, variation["sku"], [variation])
    rsps.add(responses.Response("POST", f"{API}/products/{variation['parent_id']}/variations/batch",
                                json={"update": [{**variation, "stock_quantity": 3}]}))

    result = connector.invoke("update-stock", {"items": [{"sku": variation["sku"], "stock_quantity": 3},
                                                         {"sku": variation["sku"], "adjust_by": 1}]}, conn)

    assert result["items"][0]["action"] == "updated"
    assert result["items"][1]["error"]["code"] == "invalid_input" and "/items/0" in result["items"][1]["error"]["message"]


def test_store_refusals_come_back_per_item(connector, conn, rsps) -> None:
    """Capture 117's update part: an unknown id answered with its own error inside a 200."""
    answer = capture(117)["response"]["body"]["update"]
    docs = [copy.deepcopy(capture(271)["response"]["body"][0]) for _ in range(2)]
    docs[0].update(id=756, sku="S-756")
    docs[1].update(id=99999999, sku="S-GONE")
    answer_lookup(rsps, "S-756,S-GONE", docs)
    rsps.add(responses.Response("POST", f"{API}/products/batch", json={"update": answer}))

    result = connector.invoke("update-stock", {"items": [{"sku": "S-756", "stock_quantity": 9},
                                                         {"sku": "S-GONE", "stock_quantity": 1}]}, conn)

    assert result["items"][0]["action"] == "updated"
    assert result["items"][1]["action"] == "failed"
    assert result["items"][1]["error"]["woo_code"] == answer[1]["error"]["code"]


def test_250_variations_of_one_product_go_in_requests_of_100(connector, conn, rsps) -> None:
    template = capture(81)["response"]["body"][1]
    docs = [{**template, "id": 5000 + i, "sku": f"V-{i:03d}", "stock_quantity": 0} for i in range(250)]

    def lookup(request: Any) -> tuple[int, dict[str, str], str]:
        wanted = set(request.params["sku"].split(","))
        found = [d for d in docs if d["sku"] in wanted]
        return 200, list_headers(len(found)), json.dumps(found)

    def batch(request: Any) -> tuple[int, dict[str, str], str]:
        return 200, {}, json.dumps({"update": [{**template, **u} for u in json.loads(request.body)["update"]]})

    rsps.add_callback("GET", f"{API}/products", callback=lookup)
    rsps.add_callback("POST", f"{API}/products/291/variations/batch", callback=batch)

    result = connector.invoke("update-stock", {"items": [{"sku": d["sku"], "stock_quantity": 7} for d in docs]}, conn)

    assert [len(sent(c)["update"]) for c in posts(rsps)] == [100, 100, 50]
    assert result["updated"] == 250 and all(r["stock_quantity"] == 7 for r in result["items"])


@pytest.mark.parametrize(
    "item",
    [{"sku": "A"}, {"stock_quantity": 1}, {"sku": "A", "id": 3, "stock_quantity": 1},
     {"sku": "A", "stock_quantity": 1, "adjust_by": 1}, {"sku": "A", "parent_id": 3, "stock_quantity": 1}],
)
def test_malformed_items_are_refused_before_any_request(connector, conn, rsps, item: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError) as info:
        connector.invoke("update-stock", {"items": [item]}, conn)
    assert "/items/0" in info.value.message
    assert len(rsps.calls) == 0
