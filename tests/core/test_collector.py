"""How the connector treats Python's cyclic garbage collector (woo_connector.collector): a big
answer is decoded with it paused, a page walk runs with a larger young generation, and it is
always left as it was found (issue 8: collections walking a pull's kept pages were a third of
its CPU)."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator

import msgspec
import pytest

from woo_connector import collector
from woo_connector.collector import YOUNG_THRESHOLD, collector_paused, larger_young_generation
from woo_connector.pagination import PageInfo, collect
from woo_connector.response import COLLECTOR_PAUSE_BYTES, decode_body, loads


def _page(orders: int = 100) -> bytes:
    """An order-shaped page: each order brings about forty dicts and lists, as a real one does."""
    line = {"id": 1, "name": "Mug", "taxes": [], "meta_data": [{"id": 7, "key": "k", "value": "v"}]}
    order = {"id": 0, "status": "processing", "billing": {"city": "Leeds"}, "line_items": [line] * 8,
             "tax_lines": [{"id": 3, "meta_data": []}], "meta_data": [], "_links": {"self": [{"href": "x"}]}}
    return json.dumps([{**order, "id": n, "note": "x" * 600} for n in range(orders)]).encode()


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection that starts while the test runs, at the usual thresholds."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    thresholds = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.collect()
    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*thresholds)


def test_a_big_page_is_decoded_in_one_young_collection_instead_of_one_per_700_objects(collections: list[int]) -> None:
    body = _page()
    assert len(body) >= COLLECTOR_PAUSE_BYTES
    containers = sum(1 for _ in _containers(msgspec.json.decode(body)))
    assert containers > 5 * 700  # enough for several collections when nothing pauses them

    collections.clear()
    kept_plain = msgspec.json.decode(body)  # what decoding costs with the collector running
    plain = len(collections)

    collections.clear()
    kept, warnings = decode_body(body)
    kept_text = loads(body.decode())
    paused = len(collections)

    assert kept == kept_plain == kept_text and warnings == []
    assert plain >= 5
    assert paused <= 2  # at most the one young collection each call leaves to its next allocation
    assert gc.isenabled()


def test_a_small_answer_does_not_touch_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    touched: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: touched.append("disable"))
    data, _ = decode_body(json.dumps({"id": 1, "line_items": [{"id": 2}]}).encode())
    assert data == {"id": 1, "line_items": [{"id": 2}]} and touched == []


def test_the_collector_is_back_on_after_a_big_body_that_takes_the_text_path() -> None:
    body = b"\xef\xbb\xbf" + _page(60)  # a byte-order mark: msgspec refuses it, json reads it
    assert len(body) >= COLLECTOR_PAUSE_BYTES
    data, warnings = decode_body(body)
    assert len(data) == 60 and warnings
    assert gc.isenabled()


def test_a_host_that_turned_the_collector_off_keeps_it_off() -> None:
    gc.disable()
    try:
        decode_body(_page())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_the_pause_still_turns_the_collector_back_on() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


@pytest.mark.parametrize("first_out", ["a", "b"])
def test_overlapping_pauses_in_two_threads_leave_the_collector_on(first_out: str) -> None:
    """Two decodes overlap: whichever ends first, the collector is on once both have ended (the
    one that found it already paused never turns it on or off)."""
    a, b = collector_paused(), collector_paused()
    a.__enter__()
    b.__enter__()
    assert not gc.isenabled()
    (a if first_out == "a" else b).__exit__(None, None, None)
    (b if first_out == "a" else a).__exit__(None, None, None)
    assert gc.isenabled()


def test_pages_decoded_by_many_threads_at_once_leave_the_collector_on() -> None:
    body = _page(60)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def decode() -> None:
        barrier.wait()
        for _ in range(5):
            results.append(len(decode_body(body)[0]))

    threads = [threading.Thread(target=decode) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [60] * 20
    assert gc.isenabled()


def _containers(node: object) -> Iterator[object]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            yield item
            stack.extend(item)


# -- a page walk's larger young generation --------------------------------------------------

def test_a_walk_raises_the_young_threshold_and_puts_it_back() -> None:
    found = gc.get_threshold()
    with larger_young_generation():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *found[1:])
    assert gc.get_threshold() == found
    with pytest.raises(RuntimeError), larger_young_generation():
        raise RuntimeError("boom")
    assert gc.get_threshold() == found


@pytest.mark.parametrize("first_out", ["a", "b"])
def test_overlapping_walks_share_one_raise_and_the_last_puts_it_back(first_out: str) -> None:
    found = gc.get_threshold()
    a, b = larger_young_generation(), larger_young_generation()
    a.__enter__()
    b.__enter__()
    (a if first_out == "a" else b).__exit__(None, None, None)
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD  # one walk still runs
    (b if first_out == "a" else a).__exit__(None, None, None)
    assert gc.get_threshold() == found


@pytest.mark.parametrize("host", [(50_000, 10, 10), (0, 10, 10)])
def test_a_host_that_chose_a_larger_young_generation_or_none_keeps_it(host: tuple[int, int, int]) -> None:
    found = gc.get_threshold()
    gc.set_threshold(*host)
    try:
        with larger_young_generation():
            assert gc.get_threshold() == host
        assert gc.get_threshold() == host
    finally:
        gc.set_threshold(*found)


def test_a_host_that_changes_the_thresholds_during_a_walk_keeps_its_change() -> None:
    found = gc.get_threshold()
    try:
        with larger_young_generation():
            gc.set_threshold(1234, 5, 5)
        assert gc.get_threshold() == (1234, 5, 5)
    finally:
        gc.set_threshold(*found)


def _pages(count: int, seen: list[int]) -> Iterator[tuple[list[object], PageInfo]]:
    body = _page(50)
    for page in range(1, count + 1):
        seen.append(gc.get_threshold()[0])
        items, _ = decode_body(body)
        items = [{**item, "id": (page, item["id"])} for item in items]
        yield items, PageInfo(page, 50, 50 * count, count, page + 1 if page < count else None)


def test_a_walk_over_many_pages_runs_fewer_older_collections(collections: list[int],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    collections.clear()
    walked = collect(_pages(60, seen), start=1, per_page=50, all_pages=True)
    older_with = sum(1 for generation in collections if generation >= 1)
    assert len(walked["items"]) == 3000 and set(seen) == {YOUNG_THRESHOLD}
    assert gc.get_threshold()[0] == 700

    monkeypatch.setattr(collector, "YOUNG_THRESHOLD", 700)  # what a walk did before
    seen.clear()
    collections.clear()
    walked = collect(_pages(60, seen), start=1, per_page=50, all_pages=True)
    older_without = sum(1 for generation in collections if generation >= 1)
    assert len(walked["items"]) == 3000 and set(seen) == {700}
    assert older_without >= 4 and older_with <= older_without // 3


def test_one_page_is_read_at_the_usual_threshold() -> None:
    seen: list[int] = []
    collect(_pages(3, seen), start=1, per_page=50)
    assert seen == [gc.get_threshold()[0]]
