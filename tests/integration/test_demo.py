"""The README's main command: the incremental order sync, against a live sandbox."""

from __future__ import annotations

import random

from woo_connector import demo
from woo_connector.registry import Registry


def processing(connector: Registry, conn: dict) -> list[dict]:
    return connector.invoke("list-orders", {"status": "processing", "all_pages": True}, conn)["items"]


def test_second_run_syncs_exactly_what_changed(connector: Registry, sandbox_http) -> None:
    conn = sandbox_http.connection()
    state = demo.SyncState()
    lines: list[str] = []
    first = demo.sync_processing_orders(connector, conn, state, lines.append)
    before = processing(connector, conn)
    assert first == len(before) > demo.PAGE_SIZE  # more than one page was walked
    assert any(line.startswith("  page 2/") for line in lines)
    assert all(any(m["key"] == demo.MARK_KEY for m in o["meta_data"]) for o in before)

    rng = random.Random(7)
    for _ in range(12):
        sandbox_http.store.churn(rng)
    changed = [o for o in processing(connector, conn) if state.left.get(o["id"]) != demo._fingerprint(o)]
    assert changed, "the simulated shop changed or created processing orders"

    second = demo.sync_processing_orders(connector, conn, state, lines.append)
    assert second == len(changed)
    assert demo.sync_processing_orders(connector, conn, state, lines.append) == 0  # nothing new: nothing done
    assert all(any(m["key"] == demo.MARK_KEY for m in o["meta_data"]) for o in processing(connector, conn))


def test_run_demo_end_to_end(capsys) -> None:
    assert demo.run_demo(orders=120, seed=3) == 0
    out = capsys.readouterr().out
    assert "verify: ok" in out and "run 1: marked" in out and "run 2: marked" in out
