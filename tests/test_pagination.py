"""Page info from the real store's headers, and the page walker's stops and loop guards."""

from __future__ import annotations

from typing import Any, Mapping

import pytest
import requests
import responses
from captures import capture  # tests/ is on pythonpath (pyproject)

from woo_connector.errors import BadResponseError
from woo_connector.pagination import PageInfo, collect, iter_pages, page_info, parse_link_header


def info_for(name: str) -> PageInfo:
    """page_info exactly as the client would call it for that captured exchange."""
    exchange = capture(name)
    query = exchange["request"]["query"]
    body = exchange["response"]["body"]
    return page_info(
        exchange["response"]["headers"], int(query.get("page", 1)), int(query.get("per_page", 10)),
        count=len(body),
    )


@pytest.mark.parametrize(
    "name, total, total_pages, next_page",
    [
        ("005_orders_list_default.json", 300, 30, 2),
        ("006_orders_list_per_page_100_page_1.json", 300, 3, 2),
        ("007_orders_list_per_page_100_page_2.json", 300, 3, 3),
        ("008_orders_list_per_page_100_page_3.json", 300, 3, None),
        ("009_orders_list_per_page_100_page_4.json", 0, 0, None),
        ("010_orders_list_page_past_end_per_page_10.json", 0, 0, None),
        ("014_orders_list_fields_subset.json", 300, 3, 2),
        ("136_customers_list_per_page_100.json", 60, 1, None),
        ("198_auth_oauth1_query_http_ok.json", 139, 47, 2),
    ],
)
def test_page_info_from_real_headers(name, total, total_pages, next_page) -> None:
    info = info_for(name)
    assert (info.total, info.total_pages, info.next_page) == (total, total_pages, next_page)
    assert info.has_more is (next_page is not None)


def test_page_past_the_end_has_no_more_even_though_it_links_prev() -> None:
    exchange = capture("010_orders_list_page_past_end_per_page_10.json")
    assert exchange["response"]["body"] == []
    assert 'rel="prev"' in exchange["response"]["headers"]["Link"]
    info = info_for("010_orders_list_page_past_end_per_page_10.json")
    assert info.page == 999 and not info.has_more


def test_headers_are_read_case_insensitively() -> None:
    headers = {k.lower(): v for k, v in capture("007_orders_list_per_page_100_page_2.json")["response"]["headers"].items()}
    info = page_info(requests.structures.CaseInsensitiveDict(headers), 2, 100)
    assert (info.total, info.next_page) == (300, 3)


def test_link_next_wins_over_a_short_page() -> None:
    # 014 asked for a subset of fields: a short page must not end the walk when Link says next.
    headers = capture("014_orders_list_fields_subset.json")["response"]["headers"]
    assert page_info(headers, 1, 100, count=3).next_page == 2


def test_totals_alone_decide_when_a_proxy_stripped_link() -> None:
    assert page_info({"X-WP-Total": "300", "X-WP-TotalPages": "3"}, 2, 100, count=1).next_page == 3
    assert page_info({"X-WP-Total": "300", "X-WP-TotalPages": "3"}, 3, 100, count=100).next_page is None


def test_link_without_next_and_without_totals_means_the_end() -> None:
    link = capture("008_orders_list_per_page_100_page_3.json")["response"]["headers"]["Link"]
    assert page_info({"Link": link}, 3, 100, count=100).next_page is None


@pytest.mark.parametrize("count, expected", [(100, 2), (99, None), (0, None), (None, 2)])
def test_with_no_headers_at_all_a_short_page_is_the_end(count, expected) -> None:
    # The api.w.org Link every response carries is not pagination information.
    headers = {"Link": '<https://shop.test/wp-json/>; rel="https://api.w.org/"'}
    assert page_info(headers, 1, 100, count=count).next_page == expected


def test_parse_link_header_keeps_each_rel() -> None:
    link = capture("007_orders_list_per_page_100_page_2.json")["response"]["headers"]["Link"]
    links = parse_link_header(link)
    assert set(links) == {"prev", "next"}
    assert links["next"].endswith("per_page=100&page=3&status%5B0%5D=any&dp=2&context=view")


def store_pages(name_by_page: dict[int, str]):
    """A fetch that answers from captures, recording which pages it was asked for."""
    asked: list[int] = []

    def fetch(page: int) -> tuple[list[Any], Mapping[str, str]]:
        asked.append(page)
        exchange = capture(name_by_page[page])
        return exchange["response"]["body"], exchange["response"]["headers"]

    return fetch, asked


def test_iter_pages_walks_the_real_three_pages_and_stops() -> None:
    fetch, asked = store_pages({
        1: "006_orders_list_per_page_100_page_1.json",
        2: "007_orders_list_per_page_100_page_2.json",
        3: "008_orders_list_per_page_100_page_3.json",
    })
    pages = list(iter_pages(fetch, 1, 100))
    assert asked == [1, 2, 3]
    ids = [order["id"] for items, _ in pages for order in items]
    assert len(ids) == 300 == len(set(ids))
    assert [info.has_more for _, info in pages] == [True, True, False]


def test_collect_follows_pages_for_max_items_without_all_pages_and_fetches_no_more() -> None:
    fetch, asked = store_pages({
        1: "006_orders_list_per_page_100_page_1.json",
        2: "007_orders_list_per_page_100_page_2.json",
        3: "008_orders_list_per_page_100_page_3.json",
    })
    result = collect(iter_pages(fetch, 1, 100), start=1, per_page=100, max_items=150)
    assert asked == [1, 2]  # the walk is a generator: page 3 is never fetched
    assert len(result["items"]) == 150
    assert result["items"][100:] == capture("007_orders_list_per_page_100_page_2.json")["response"]["body"][:50]
    # cut inside page 2: resuming from page 2 repeats items rather than skipping any
    assert (result["next_page"], result["has_more"], result["total"]) == (2, True, 300)


def test_collect_one_page_is_the_exact_envelope() -> None:
    fetch, asked = store_pages({1: "006_orders_list_per_page_100_page_1.json", 2: "007_orders_list_per_page_100_page_2.json"})
    result = collect(iter_pages(fetch, 1, 100), start=1, per_page=100)
    assert asked == [1]
    assert set(result) == {"items", "page", "per_page", "total", "total_pages", "has_more", "next_page"}
    assert (result["page"], result["total_pages"], result["next_page"], result["has_more"]) == (1, 3, 2, True)


def test_collect_drops_an_item_a_newer_order_pushed_onto_the_next_page() -> None:
    first = capture("006_orders_list_per_page_100_page_1.json")
    second = capture("007_orders_list_per_page_100_page_2.json")
    pushed = [first["response"]["body"][-1]] + second["response"]["body"][:-1]
    pages = [
        (first["response"]["body"], page_info(first["response"]["headers"], 1, 100)),
        (pushed, page_info(second["response"]["headers"], 2, 100)),
    ]
    result = collect(iter(pages), start=1, per_page=100, all_pages=True)
    ids = [item["id"] for item in result["items"]]
    assert len(ids) == 199 == len(set(ids))


def test_iter_pages_refuses_a_store_that_ignores_page() -> None:
    page_one = capture("006_orders_list_per_page_100_page_1.json")["response"]

    def fetch(page: int):
        return page_one["body"], page_one["headers"]  # always page 1, always "next: 2"

    walker = iter_pages(fetch, 1, 100)
    next(walker)
    with pytest.raises(BadResponseError) as caught:
        next(walker)
    assert caught.value.code == "bad_response"


def test_iter_pages_refuses_a_next_link_back_to_a_read_page() -> None:
    def fetch(page: int):
        link = f'<https://shop.test/wp-json/wc/v3/orders?page={1 if page == 2 else 2}>; rel="next"'
        return [{"id": page}], {"Link": link}

    with pytest.raises(BadResponseError):
        list(iter_pages(fetch, 1, 1))


@responses.activate
def test_iter_pages_over_http_follows_link_not_guesswork() -> None:
    base = "https://shop.test/wp-json/wc/v3/products"
    responses.add(responses.GET, base, match=[responses.matchers.query_param_matcher({"page": "1"})],
                  json=[{"id": 1}], headers={"Link": f'<{base}?page=5>; rel="next"'})
    responses.add(responses.GET, base, match=[responses.matchers.query_param_matcher({"page": "5"})],
                  json=[{"id": 2}], headers={"X-WP-Total": "2", "X-WP-TotalPages": "5"})

    def fetch(page: int):
        resp = requests.get(base, params={"page": page})
        return resp.json(), resp.headers

    pages = list(iter_pages(fetch, 1, 1))
    assert [items for items, _ in pages] == [[{"id": 1}], [{"id": 2}]]
    assert [info.page for _, info in pages] == [1, 5]
    assert len(responses.calls) == 2


def test_an_empty_page_ends_the_walk_even_with_a_next_link() -> None:
    def fetch(page: int):
        return [], {"Link": f'<https://shop.test/x?page={page + 1}>; rel="next"'}

    assert [info.page for _, info in iter_pages(fetch, 1, 10)] == [1]


def test_identical_projections_without_ids_are_not_a_loop() -> None:
    pages = {1: [{"status": "processing"}] * 2, 2: [{"status": "processing"}] * 2, 3: [{"status": "processing"}]}

    def fetch(page: int):
        return pages[page], {"X-WP-Total": "5", "X-WP-TotalPages": "3"}

    walked = [len(items) for items, _ in iter_pages(fetch, 1, 2)]
    assert walked == [2, 2, 1]


# -- the concurrent walk ---------------------------------------------------------------------


def numbered_store(total: int, per_page: int):
    """Pages of ids 1..total with WordPress's totals; records which pages were asked for."""
    asked: list[int] = []
    pages = max(1, -(-total // per_page))

    def fetch(page: int):
        asked.append(page)
        first = (page - 1) * per_page + 1
        items = [{"id": i} for i in range(first, min(total, page * per_page) + 1)]
        return items, {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}

    return fetch, asked


def test_a_concurrent_walk_tells_the_page_listener_each_page_in_order() -> None:
    from woo_connector.pagination import page_listener

    fetch, asked = numbered_store(95, 10)
    told: list[tuple[int, int]] = []
    token = page_listener.set(lambda info, count: told.append((info.page, count)))
    try:
        pages = list(iter_pages(fetch, 1, 10, concurrency=4))
    finally:
        page_listener.reset(token)
    assert told == [(n, 10) for n in range(1, 10)] + [(10, 5)]
    assert [info.page for _, info in pages] == list(range(1, 11)) and sorted(asked) == list(range(1, 11))


def test_a_listener_that_raises_stops_a_concurrent_walk() -> None:
    from woo_connector.pagination import page_listener

    class Cancelled(Exception):
        pass

    fetch, asked = numbered_store(1000, 10)

    def cancel_at_three(info: PageInfo, count: int) -> None:
        if info.page == 3:
            raise Cancelled()

    token = page_listener.set(cancel_at_three)
    try:
        with pytest.raises(Cancelled):
            list(iter_pages(fetch, 1, 10, concurrency=4))
    finally:
        page_listener.reset(token)
    assert len(asked) < 20  # a few pages ahead at most, not the hundred


def test_max_items_plans_only_the_pages_it_needs() -> None:
    fetch, asked = numbered_store(1000, 10)
    result = collect(iter_pages(fetch, 1, 10, concurrency=8, want=35), start=1, per_page=10, all_pages=True,
                     max_items=35)
    assert [item["id"] for item in result["items"]] == list(range(1, 36))
    assert sorted(asked) == [1, 2, 3, 4] and result["next_page"] == 4


def test_a_page_failing_in_the_pool_names_itself_as_the_resume_point() -> None:
    from woo_connector.errors import NotFoundError

    inner, _ = numbered_store(100, 10)

    def fetch(page: int):
        if page == 6:
            raise NotFoundError("gone")
        return inner(page)

    got: list[int] = []
    with pytest.raises(NotFoundError) as caught:
        for items, _ in iter_pages(fetch, 1, 10, concurrency=3):
            got += [item["id"] for item in items]
    assert got == list(range(1, 51)) and caught.value.details["resume"] == {"page": 6}


@pytest.mark.parametrize("args, concurrency, order", [
    ({"all_pages": True}, 4, {"orderby": "id", "order": "asc"}),
    ({"all_pages": True, "concurrency": 1}, 1, {}),
    ({"all_pages": True, "orderby": "date", "order": "asc"}, 4, {}),
    ({"all_pages": True, "orderby": "date"}, 1, {}),
    ({"all_pages": True, "order": "desc"}, 1, {}),
    ({"all_pages": True, "orderby": "modified", "order": "asc"}, 1, {}),
    ({"all_pages": True, "offset": 5}, 1, {}),
    ({"max_items": 300}, 1, {}),
])
def test_which_walks_go_concurrent_and_in_which_order(args, concurrency, order) -> None:
    from woo_connector.pagination import ListWalk

    walk = ListWalk.of("/orders", args)
    assert (walk.concurrency, walk.chosen_order) == (concurrency, order)
    assert {k: walk.params[k] for k in order} == order
    assert "concurrency" not in walk.params and "all_pages" not in walk.params


def test_the_schema_default_is_the_code_default() -> None:
    import json
    from pathlib import Path

    from woo_connector.pagination import DEFAULT_CONCURRENCY

    schema = json.loads((Path(__file__).parent.parent / "schemas/defs/list_query.json").read_text())
    assert schema["properties"]["concurrency"]["default"] == DEFAULT_CONCURRENCY
    assert schema["properties"]["concurrency"]["maximum"] == 8
