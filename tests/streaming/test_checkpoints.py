"""Streams a host can checkpoint: each page's checkpoint continues right after it, for page walks
and for cursor syncs (a sandbox of its own: the sync reads a closed window of its store)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from woo_connector.list_stream import StreamPage
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox


@pytest.fixture(scope="module")
def shop() -> Iterator[Sandbox]:
    with Sandbox(seed=5, orders=60) as sandbox:
        yield sandbox


def ids(items: list[dict[str, Any]]) -> list[int]:
    return [item["id"] for item in items]


@pytest.mark.parametrize("payload", [{"per_page": 10}, {"per_page": 10, "since": "2000-01-01T00:00:00Z"}])
def test_a_checkpoint_continues_right_after_its_page(connector: Registry, shop: Sandbox, payload) -> None:
    conn = shop.connection()
    whole = ids(list(connector.iter_items("list-orders", payload, conn)))
    assert len(whole) == len(set(whole)) == 60

    taken: list[int] = []
    pages: list[StreamPage] = []
    for item in connector.iter_items("list-orders", payload, conn, on_page=pages.append):
        taken.append(item["id"])
        if len(pages) == 2:
            break  # a host stopped (or was killed) after storing page 2's checkpoint
    checkpoint = pages[-1].checkpoint
    assert checkpoint is not None
    done = [i for page in pages for i in ids(page.items)]
    assert taken[:len(done)] == done
    resumed = {k: v for k, v in payload.items() if k != "since"}
    rest = ids(list(connector.iter_items("list-orders", {**resumed, **checkpoint}, conn)))
    assert sorted(done + rest) == sorted(whole) and len(done + rest) == len(whole)


def test_a_sync_streams_what_invoke_returns_and_ends_on_the_next_runs_cursor(connector: Registry, shop: Sandbox) -> None:
    conn = shop.connection()
    pages = list(connector.iter_pages("list-orders", {"cursor": "", "per_page": 25}, conn))
    whole = connector.invoke("list-orders", {"cursor": "", "per_page": 25}, conn)
    assert sorted(i for page in pages for i in ids(page.items)) == sorted(ids(whole["items"]))
    assert all(set(page.checkpoint) == {"cursor"} for page in pages)
    again = connector.invoke("list-orders", {"cursor": pages[-1].checkpoint["cursor"]}, conn)
    assert again["items"] == [] and again["deleted"] == []


def test_a_page_walk_ends_without_a_checkpoint(connector: Registry, shop: Sandbox) -> None:
    pages = list(connector.iter_pages("list-orders", {"per_page": 25, "concurrency": 2}, shop.connection()))
    assert [len(page.items) for page in pages] == [25, 25, 10]
    assert [page.checkpoint for page in pages] == [{"page": 2, "orderby": "id", "order": "asc"},
                                                   {"page": 3, "orderby": "id", "order": "asc"}, None]
