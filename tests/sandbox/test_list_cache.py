"""The sandbox's list cache (``sandbox.list_cache``) never changes a byte it serves and never serves stale data.

Every request goes through the HTTP site's own pipeline (``Site.answer``: auth, routing, headers,
encoding) without sockets. A cached store is compared with an identical store whose cache is
switched off, and every kind of write is followed by the next list, which must show it.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import pytest

from woo_connector.sandbox.collection import project, selection_key
from woo_connector.sandbox.faults import Canned, Faults
from woo_connector.sandbox.list_cache import EncodedPage, ListCache
from woo_connector.sandbox.php import php_json
from woo_connector.sandbox.routes import resolve
from woo_connector.sandbox.site import Incoming, Site
from woo_connector.sandbox.store import Store

BASE = "https://127.0.0.1:8443"
ORDERS = 120


class Shop:
    """A seeded store behind an in-process site, signed in with the read/write key over HTTPS."""

    def __init__(self, cached: bool = True, base: str = BASE) -> None:
        self.store = Store.create(seed=7, orders=ORDERS)
        if not cached:
            self.store.list_cache = None  # type: ignore[assignment]
        key = next(k for k in self.store.keys.values() if k.permissions == "read_write")
        self.auth = "Basic " + base64.b64encode(f"{key.consumer_key}:{key.consumer_secret}".encode()).decode()
        self.base = base
        self.site = Site(self.store, resolve, base, Faults())

    def call(self, method: str, route: str, query: str = "", body: Any = None) -> Canned:
        headers = {"authorization": self.auth}
        raw = b""
        if body is not None:
            headers["content-type"] = "application/json"
            raw = json.dumps(body).encode()
        return self.site.answer(Incoming(method, "/wp-json/wc/v3" + route, query, headers, raw, True, self.base))

    def orders(self, query: str = "per_page=100") -> list[dict[str, Any]]:
        answer = self.call("GET", "/orders", query)
        assert answer.status == 200, answer.body
        return json.loads(answer.body)

    def shown(self, oid: int, query: str = "per_page=100&orderby=id&order=asc&status=any") -> dict[str, Any] | None:
        """Order ``oid`` as the list shows it, walking every page."""
        page = 1
        while True:
            items = self.orders(f"{query}&page={page}")
            if not items:
                return None
            found = next((o for o in items if o["id"] == oid), None)
            if found is not None:
                return found
            page += 1


@pytest.fixture(scope="module")
def pair() -> tuple[Shop, Shop]:
    """The same seed twice: one store with the list cache, one without. Read-only tests only."""
    return Shop(cached=True), Shop(cached=False)


QUERIES = [
    "",
    "per_page=100",
    "per_page=100&page=2",
    "per_page=7&page=3",
    "per_page=100&page=99",
    "per_page=5&offset=11",
    "orderby=id&order=asc&per_page=50",
    "orderby=modified&per_page=20&page=2",
    "orderby=include&include=5,3,9,1",
    "status=completed&per_page=30",
    "status%5B0%5D=processing&status%5B1%5D=on-hold&per_page=100",
    "status=trash",
    "customer=3",
    "search=tea&per_page=100",
    "after=2026-10-01T00:00:00&per_page=100",
    "exclude=1,2,3&per_page=15&page=2",
    "_fields=id,status,billing.email&per_page=20",
    "_fields=id&per_page=20&page=2",
    "_fields=id,line_items.id,_links,meta_data&orderby=id&order=asc&per_page=10",
    "_fields=&per_page=5",
    "_fields%5B0%5D=id&per_page=5",
    "_envelope&per_page=3",
    "per_page=500",
    "orderby=nonsense",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_cached_answer_is_byte_for_byte_the_uncached_one(pair: tuple[Shop, Shop], query: str) -> None:
    cached, plain = pair
    expected = plain.call("GET", "/orders", query)
    for _ in range(2):  # the first fills the cache, the second is served from it
        got = cached.call("GET", "/orders", query)
        assert (got.status, got.headers, got.body) == (expected.status, expected.headers, expected.body)


@pytest.mark.parametrize("route", ["/orders", "/products", "/customers", "/coupons", "/orders/377/refunds"])
def test_a_cut_page_is_the_whole_page_cut(pair: tuple[Shop, Shop], route: str) -> None:
    """List pages with ``_fields`` cut each document before rendering it; that must be what
    cutting the whole rendered page gives, with or without the cache."""
    for shop in pair:
        whole = shop.call("GET", route, "per_page=30")
        assert whole.status == 200 and json.loads(whole.body)
        for fields in ("id", "id,date_modified_gmt", "id,line_items.id,billing.city,_links,images.src"):
            cut = shop.call("GET", route, f"per_page=30&_fields={fields}")
            assert cut.status == 200 and json.loads(cut.body) == project(json.loads(whole.body), fields)


def test_a_walk_is_served_from_the_cache_once_it_is_warm(pair: tuple[Shop, Shop]) -> None:
    """Proves the cache is in use (else the byte test above would prove nothing about it)."""
    cached, _ = pair
    cached.orders("per_page=10&page=1")
    store = cached.store
    calls: list[int] = []
    real = store.all

    def counting(kind: str) -> Any:
        calls.append(1)
        return real(kind)

    store.all = counting  # type: ignore[method-assign]
    try:
        second = cached.orders("per_page=10&page=2")
    finally:
        del store.all
    assert calls == [] and len(second) == 10


def test_each_address_gets_its_own_links() -> None:
    """One store served over two addresses (as the bench and the demo do) never mixes their URLs."""
    https = Shop()
    http = Site(https.store, resolve, "http://127.0.0.1:8080", Faults())
    first = https.call("GET", "/orders", "per_page=5").body
    other = http.answer(Incoming("GET", "/wp-json/wc/v3/orders", "per_page=5", {"authorization": https.auth},
                                 b"", False, "http://127.0.0.1:8080"))
    assert b"https:\\/\\/127.0.0.1:8443" in first and b"127.0.0.1:8080" not in first
    assert other.status == 401 or (b"http:\\/\\/127.0.0.1:8080" in other.body and b"8443" not in other.body)


# -- every write is visible in the next list --------------------------------------------------------


@pytest.fixture
def shop() -> Shop:
    return Shop()


def test_an_update_is_in_the_next_page(shop: Shop) -> None:
    oid = shop.orders()[0]["id"]
    answer = shop.call("PUT", f"/orders/{oid}", body={"customer_note": "after the cache"})
    assert answer.status == 200
    assert shop.shown(oid)["customer_note"] == "after the cache"
    assert next(o for o in shop.orders() if o["id"] == oid)["customer_note"] == "after the cache"


def test_an_update_is_in_the_next_cut_page(shop: Shop) -> None:
    """A ``_fields`` page is cached as its own cut of each order: a write drops that too."""
    query = "_fields=id,status,customer_note&orderby=id&order=asc&per_page=20"
    first = shop.orders(query)[0]
    assert shop.orders(query)[0] == first  # served from the cache
    assert shop.call("PUT", f"/orders/{first['id']}", body={"customer_note": "cut after the cache"}).status == 200
    assert shop.orders(query)[0] == {**first, "customer_note": "cut after the cache"}


def test_a_status_change_moves_an_order_between_filtered_lists(shop: Shop) -> None:
    pending = shop.orders("status=pending&per_page=100")
    assert pending, "the seed has pending orders"
    oid = pending[0]["id"]
    shop.orders("status=completed&per_page=100")
    assert shop.call("PUT", f"/orders/{oid}", body={"status": "completed"}).status == 200
    assert oid not in [o["id"] for o in shop.orders("status=pending&per_page=100")]
    assert oid in [o["id"] for o in shop.orders("status=completed&per_page=100")]


def test_a_deleted_order_leaves_the_list_and_the_totals(shop: Shop) -> None:
    before = shop.call("GET", "/orders", "per_page=100")
    victim, trashed = json.loads(before.body)[0]["id"], json.loads(before.body)[1]["id"]
    assert shop.call("DELETE", f"/orders/{victim}", "force=true").status == 200
    assert shop.call("DELETE", f"/orders/{trashed}").status == 200
    after = shop.call("GET", "/orders", "per_page=100")
    ids = [o["id"] for o in json.loads(after.body)]
    assert victim not in ids and trashed not in ids
    assert int(after.headers["X-WP-Total"]) == int(before.headers["X-WP-Total"]) - 2
    assert shop.shown(victim) is None
    assert shop.shown(trashed, "per_page=100&status=trash")["status"] == "trash"


def test_a_created_order_heads_the_newest_first_list(shop: Shop) -> None:
    before = shop.call("GET", "/orders", "per_page=10")
    created = shop.call("POST", "/orders", body={"status": "processing", "customer_note": "new"})
    assert created.status == 201
    oid = json.loads(created.body)["id"]
    after = shop.call("GET", "/orders", "per_page=10")
    assert json.loads(after.body)[0]["id"] == oid
    assert int(after.headers["X-WP-Total"]) == int(before.headers["X-WP-Total"]) + 1


def test_a_second_write_in_the_same_second_is_visible(shop: Shop) -> None:
    """``date_modified`` cannot tell these two writes apart; the next list still shows the second."""
    moment = datetime(2026, 11, 28, 8, 0, 0, tzinfo=timezone.utc)
    shop.store.set_clock(lambda: moment)
    oid = shop.orders()[0]["id"]
    shop.call("PUT", f"/orders/{oid}", body={"customer_note": "first"})
    first = shop.shown(oid)
    shop.call("PUT", f"/orders/{oid}", body={"customer_note": "second"})
    second = shop.shown(oid)
    assert first["date_modified_gmt"] == second["date_modified_gmt"] == "2026-11-28T08:00:00"
    assert (first["customer_note"], second["customer_note"]) == ("first", "second")


def test_a_settings_or_tax_write_drops_every_cached_page(shop: Shop) -> None:
    """An order's JSON reads nothing but the order, yet any write, to anything, empties the cache:
    nothing cached can have been rendered from a setting or a rate that has since changed."""
    shop.orders()
    cache = shop.store.list_cache
    assert cache._selections and cache._encoded
    answer = shop.call("PUT", "/settings/tax/woocommerce_prices_include_tax", body={"value": "no"})
    assert answer.status == 200 and json.loads(answer.body)["value"] == "no"
    assert not cache._selections and not cache._encoded
    created = json.loads(shop.call("POST", "/orders", body={"status": "pending"}).body)
    assert shop.shown(created["id"])["prices_include_tax"] is False  # the setting, through the list
    shop.orders()
    assert shop.call("POST", "/taxes/classes", body={"name": "Reduced rate"}).status == 201
    assert not cache._selections and not cache._encoded


def test_an_in_place_edit_is_visible_once_touched_or_saved(shop: Shop) -> None:
    """Code that edits a stored document directly (churn, seeding, test set-up) tells the store."""
    oid = shop.orders()[0]["id"]
    shop.store.get("order", oid)["customer_note"] = "touched"
    shop.store.touch("order", oid)
    assert shop.shown(oid)["customer_note"] == "touched"
    shop.store.get("order", oid)["customer_note"] = "saved"
    shop.store.save()
    assert shop.shown(oid)["customer_note"] == "saved"


def test_churn_after_a_page_is_in_the_next_page(shop: Shop) -> None:
    shop.site.faults.churn = 3
    first = {o["id"]: o for o in shop.orders("per_page=100&status=any")}
    shop.site.faults.churn = 0
    second = {o["id"]: o for o in shop.orders("per_page=100&status=any")}
    assert first != second  # new orders or status moves


# -- the pieces ------------------------------------------------------------------------------------


def test_an_encoded_page_joins_into_what_php_json_writes_for_the_list() -> None:
    items = [{"a": "x/y", "b": [1, 2.5, None, True]}, {"c": "é\u2028"}, {}]
    page = EncodedPage(php_json(item) for item in items)
    assert php_json(page) == php_json(items)
    assert php_json(EncodedPage()) == php_json([]) == b"[]"


def test_an_entry_is_never_answered_for_another_document_under_the_same_id() -> None:
    cache = ListCache()
    old, new = {"id": 1}, {"id": 1}
    assert cache.encoded("order", old, BASE, lambda: b"old") == b"old"
    assert cache.encoded("order", old, BASE, lambda: b"unused") == b"old"
    assert cache.encoded("order", new, BASE, lambda: b"new") == b"new"
    assert cache.projected("order", old, BASE, "id", lambda: {"id": "old"}) == {"id": "old"}
    assert cache.projected("order", old, BASE, "id", lambda: {"id": "unused"}) == {"id": "old"}
    assert cache.projected("order", old, BASE, "id,status", lambda: {"id": "other cut"}) == {"id": "other cut"}
    assert cache.projected("order", new, BASE, "id", lambda: {"id": "new"}) == {"id": "new"}


def test_a_walks_pages_and_signatures_share_one_selection_but_filters_do_not() -> None:
    """OAuth 1.0a puts a fresh nonce, timestamp and signature in every query; they and the paging
    parameters must not split a walk into one selection per request, and every filter must."""
    walk = {"status": "any", "orderby": "id"}
    first = {**walk, "page": "1", "oauth_nonce": "a", "oauth_timestamp": "1", "oauth_signature": "x"}
    later = {**walk, "page": "9", "per_page": "100", "offset": "3", "oauth_nonce": "b", "oauth_signature": "y",
             "consumer_key": "ck_1", "consumer_secret": "cs_1"}
    assert selection_key(first) == selection_key(later) == selection_key(walk)
    for other in ({**walk, "status": "trash"}, {**walk, "order": "asc"}, {**walk, "search": "tea"},
                  {**walk, "customer": "3"}, {**walk, "include": ["1", "2"]}, {"orderby": "id", "status": "any"}):
        assert selection_key(other) != selection_key(walk), other
