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
