"""The window walk against a fake store that applies the modified bounds as WooCommerce does
(exclusive, whole seconds, GMT) and lets a test change records between two page reads."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from woo_connector.client import WooClient
from woo_connector.connection import Connection
from woo_connector.errors import BadResponseError, ServerError
from woo_connector.sync.changes import iter_changes, list_changes
from woo_connector.sync.window import SETTLE_SECONDS

SITE = "https://shop.test"
NOW = datetime(2026, 11, 28, 7, 9, 35, tzinfo=timezone.utc)


def gmt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


class FakeStore:
    """Orders with ids and stamps; ``after_page[(n, call)]`` runs before page n's answer."""

    def __init__(self, count: int) -> None:
        self.clock = NOW
        old = NOW - timedelta(hours=1)
        self.orders = {i: {"id": i, "status": "processing", "date_modified_gmt": gmt(old)} for i in range(1, count + 1)}
        self.before_page: dict[int, Callable[[], None]] = {}
        self.fail_page: int | None = None
        self.date_header = True
        self.pages_read: list[int] = []
        self.requests = 0
        self.fail_on_include = False
        self.uncommitted: dict[int, dict[str, Any]] = {}  # stamped, not yet visible to readers

    def write(self, oid: int, **fields: Any) -> None:
        self.clock += timedelta(seconds=1)
        self.orders[oid] = {**self.orders[oid], **fields, "date_modified_gmt": gmt(self.clock)}

    def begin_write(self, oid: int) -> None:
        """WooCommerce stamps ``date_modified`` first and commits later: until ``commit``, readers
        see the old version while the new one already carries its stamp."""
        self.uncommitted[oid] = self.orders[oid]
        self.write(oid)

    def commit(self) -> None:
        self.uncommitted.clear()

    def answer(self, request: Any) -> tuple[int, dict[str, str], str]:
        pairs = parse_qsl(urlsplit(request.url).query)
        query = dict(pairs)
        include = {int(v) for k, v in pairs if k.startswith("include")}
        self.requests += 1
        page, per_page = int(query["page"]), int(query["per_page"])
        if query.get("_fields") != "id" and page in self.before_page:
            self.before_page.pop(page)()
        if self.fail_page == page and query.get("_fields") != "id" and (include or not self.fail_on_include):
            self.fail_page = None
            return 500, {}, json.dumps({"code": "boom", "message": "Internal error", "data": {"status": 500}})
        if query.get("_fields") != "id" and query.get("status") != "trash":
            self.pages_read.append(page)
        assert query.get("dates_are_gmt") in (None, "true")
        visible = {**self.orders, **self.uncommitted}  # readers still see the version before
        rows = sorted(visible.values(), key=lambda o: o["id"])
        status = query.get("status", "any")
        rows = [o for o in rows if (o["status"] != "trash") if status == "any"] if status == "any" else \
            [o for o in rows if o["status"] == status]
        if include:
            rows = [o for o in rows if o["id"] in include]
        if "modified_after" in query:
            rows = [o for o in rows if o["date_modified_gmt"] > query["modified_after"]]
        if "modified_before" in query:
            rows = [o for o in rows if o["date_modified_gmt"] < query["modified_before"]]
        window = rows[(page - 1) * per_page: page * per_page]
        if "_fields" in query:
            names = query["_fields"].split(",")
            window = [{k: v for k, v in o.items() if k in names} for o in window]
        headers = {"X-WP-Total": str(len(rows)), "X-WP-TotalPages": str(-(-len(rows) // per_page))}
        if self.date_header:
            headers["Date"] = format_datetime(self.clock + timedelta(milliseconds=400), usegmt=True)
        return 200, headers, json.dumps(window)


@pytest.fixture
def shop() -> Iterator[FakeStore]:
    store = FakeStore(250)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, SITE + "/wp-json/wc/v3/orders", callback=store.answer)
        mock.add_callback(responses.GET, SITE + "/wp-json/wc/v3/customers", callback=store.answer)
        yield store


@pytest.fixture
def client() -> WooClient:
    conn = Connection.from_dict({"site_url": SITE, "consumer_key": "ck_" + "0" * 40, "consumer_secret": "cs_" + "1" * 40})
    return WooClient(conn, sleep=lambda _s: None)


def settle(shop: FakeStore) -> None:
    shop.clock += timedelta(seconds=SETTLE_SECONDS + 1)


def versions(results: list[dict[str, Any]]) -> Counter[tuple[int, str]]:
    return Counter((o["id"], o["date_modified_gmt"]) for r in results for o in r["items"])


def test_pages_are_read_last_first_and_a_record_leaving_mid_walk_hides_nothing(shop: FakeStore, client: WooClient) -> None:
    # after the last page (3) is read, order 20 (page 1) and order 150 (page 2) change: every
    # record after them shifts one place towards page 1
    shop.before_page[2] = lambda: (shop.write(20), shop.write(150))
    first = list_changes(client, "orders", {"cursor": "", "status": "any"})
    assert shop.pages_read == [3, 2, 1]
    got = [o["id"] for o in first["items"]]
    assert len(got) == len(set(got)) == 248 and 20 not in got and 150 not in got
    settle(shop)
    second = list_changes(client, "orders", {"cursor": first["next_cursor"], "status": "any"})
    assert sorted(o["id"] for o in second["items"]) == [20, 150]  # their new versions, next run
    assert max(versions([first, second]).values()) == 1
    settle(shop)
    assert list_changes(client, "orders", {"cursor": second["next_cursor"], "status": "any"})["items"] == []


def test_a_change_in_the_same_second_as_the_last_one_seen_is_not_lost(shop: FakeStore, client: WooClient) -> None:
    settle(shop)
    first = list_changes(client, "orders", {"cursor": ""})
    shop.write(7)
    shop.clock -= timedelta(seconds=1)
    shop.write(8)  # stamped with the same second as order 7
    settle(shop)
    second = list_changes(client, "orders", {"cursor": first["next_cursor"]})
    assert sorted(o["id"] for o in second["items"]) == [7, 8]
    # a change made just now (inside the settle margin) waits for the next run
    shop.write(9)
    third = list_changes(client, "orders", {"cursor": second["next_cursor"]})
    assert third["items"] == []
    settle(shop)
    assert [o["id"] for o in list_changes(client, "orders", {"cursor": third["next_cursor"]})["items"]] == [9]


def test_a_write_committed_seconds_after_its_stamp_is_not_skipped(shop: FakeStore, client: WooClient) -> None:
    first = list_changes(client, "orders", {"cursor": ""})
    shop.begin_write(42)
    shop.clock += timedelta(seconds=2)  # a slow request: committed 2 s after its stamp
    second = list_changes(client, "orders", {"cursor": first["next_cursor"]})
    shop.commit()
    settle(shop)
    third = list_changes(client, "orders", {"cursor": second["next_cursor"]})
    assert second["items"] == [] and [o["id"] for o in third["items"]] == [42]


def test_nothing_new_costs_one_request_and_one_for_the_trash(shop: FakeStore, client: WooClient) -> None:
    first = list_changes(client, "orders", {"cursor": "", "status": "processing"})
    settle(shop)
    before = shop.requests
    second = list_changes(client, "orders", {"cursor": first["next_cursor"], "status": "processing"})
    assert second["items"] == [] and second["deleted"] == [] and shop.requests - before == 2
    before = shop.requests
    assert list_changes(client, "orders", {"cursor": "", "status": "trash"})["items"] == []
    assert shop.requests - before == 1  # a trash sync needs no second look at the trash


def test_a_failure_part_way_resumes_with_nothing_missing_or_repeated(shop: FakeStore, client: WooClient) -> None:
    shop.before_page[2] = lambda: shop.write(10)  # leaves the window while page 1 is still unread
    shop.fail_page = 1
    delivered: list[dict[str, Any]] = []
    cursors: list[str] = []
    with pytest.raises(ServerError) as caught:
        for page in iter_changes(client, "orders", {"cursor": "", "per_page": 100}):
            delivered.extend(page.items)
            cursors.append(page.cursor)
    resume = caught.value.details["resume_cursor"]
    # pages 3 and 2; order 201 shifted onto page 2 and was dropped there as a repeat
    assert len(delivered) == 149 and resume == cursors[-1]
    rest = [o for page in iter_changes(client, "orders", {"cursor": resume, "per_page": 100}) for o in page.items]
    ids = [o["id"] for o in delivered + rest]
    assert len(ids) == len(set(ids)) == 249 and 10 not in ids  # order 10's new version: next run
    assert sorted(ids) == [i for i in range(1, 251) if i != 10]


def test_list_tools_are_all_or_nothing_so_their_resume_cursor_is_the_one_passed(shop: FakeStore, client: WooClient) -> None:
    shop.fail_page = 2
    with pytest.raises(ServerError) as caught:
        list_changes(client, "orders", {"cursor": ""})
    again = list_changes(client, "orders", {"cursor": caught.value.details["resume_cursor"]})
    assert len(again["items"]) == 250


@pytest.mark.parametrize("skew", [timedelta(days=-900), timedelta(days=900)])
def test_the_connectors_own_clock_never_matters(shop: FakeStore, client: WooClient, skew: timedelta) -> None:
    """The store's clock runs years behind or ahead of this machine's: the window follows the store."""
    shop.clock += skew
    for order in shop.orders.values():  # the store's data is as old as the store's clock says
        order["date_modified_gmt"] = gmt(shop.clock - timedelta(hours=1))
    first = list_changes(client, "orders", {"cursor": ""})
    shop.write(77)
    settle(shop)
    second = list_changes(client, "orders", {"cursor": first["next_cursor"]})
    assert len(first["items"]) == 250 and [o["id"] for o in second["items"]] == [77]


def test_without_the_stores_date_header_the_sync_refuses_to_guess(shop: FakeStore, client: WooClient) -> None:
    shop.date_header = False
    with pytest.raises(BadResponseError, match="Date header"):
        list_changes(client, "orders", {"cursor": ""})


def test_customers_are_chosen_from_their_stamps_and_fetched_by_id(shop: FakeStore, client: WooClient) -> None:
    """The customers endpoint has no modified filter: the walk never sends one, and picks the
    window from ``id,date_modified_gmt`` pages; a failure while fetching resumes after the last
    chunk delivered."""
    first = list_changes(client, "customers", {"cursor": ""})
    assert len(first["items"]) == 250
    for oid in (3, 150, 220):
        shop.write(oid)
    settle(shop)
    second = list_changes(client, "customers", {"cursor": first["next_cursor"], "per_page": 100})
    assert [o["id"] for o in second["items"]] == [3, 150, 220]
    for oid in range(1, 251):
        shop.write(oid)  # a bulk edit: every customer changes
    settle(shop)
    shop.fail_on_include = True
    delivered: list[int] = []
    with pytest.raises(ServerError) as caught:
        for page in iter_changes(client, "customers", {"cursor": second["next_cursor"]}):
            delivered += [o["id"] for o in page.items]
            shop.fail_page = 1  # the next include chunk fails
    assert delivered == list(range(1, 101))
    rest = [o["id"] for page in iter_changes(client, "customers", {"cursor": caught.value.details["resume_cursor"]})
            for o in page.items]
    assert delivered + rest == list(range(1, 251))
