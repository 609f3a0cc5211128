"""A big answer is decoded with the cyclic garbage collector paused, and the collector is always
left as it was found (issue 8: collections walking a pull's kept pages were a third of its CPU)."""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator

import msgspec
import pytest

from woo_connector.response import COLLECTOR_PAUSE_BYTES, collector_paused, decode_body, loads


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
