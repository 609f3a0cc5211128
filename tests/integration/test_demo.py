"""The README's main command: the incremental order sync on a cursor, against a live sandbox.

The settle wait between the two runs is spent on the store's clock (tests/store_clock.py), not
slept out: the store stamps and dates its answers by that clock, so the second run's window is
the one it would be after a real wait."""

from __future__ import annotations

import random
import time
from types import SimpleNamespace

import pytest
from store_clock import StoreClock, drive

import woo_connector.sandbox as sandbox_package
from woo_connector import demo
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox


def processing(connector: Registry, conn: dict) -> dict[int, dict]:
    items = connector.invoke("list-orders", {"status": "processing", "all_pages": True}, conn)["items"]
    return {o["id"]: o for o in items}


def test_second_run_fetches_and_pushes_only_what_changed(connector: Registry) -> None:
    with Sandbox(seed=8, orders=150) as sandbox:
        clock = drive(sandbox.store)
        conn = sandbox.connection()
        counter = demo.RequestCounter(connector, conn)
        erp: dict[int, dict] = {}
        first = demo.sync_processing_orders(connector, conn, "", erp, counter)
        before = processing(connector, conn)
        assert sorted(first.pushed) == sorted(before) and first.writes == len(before) > 20
        assert first.reads <= 3  # count, one page of 100, the trash count

        rng = random.Random(7)
        for _ in range(12):
            sandbox.store.churn(rng)
        clock.settle()
        now = processing(connector, conn)
        shop_changed = {oid for oid, o in now.items() if not demo.is_own_change(o, demo.MARK_KEY)}
        assert shop_changed, "the simulated shop changed or created processing orders"

        second = demo.sync_processing_orders(connector, conn, first.cursor, erp, counter)
        assert set(second.pushed) == shop_changed
        assert second.own_marks == len(set(now) - shop_changed)  # our marks come back and are told apart
        assert second.writes == len(shop_changed)
        assert all(erp[oid]["date_modified_gmt"] == now[oid]["date_modified_gmt"] for oid in shop_changed)


def test_run_demo_end_to_end(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    clocks: list[StoreClock] = []

    class ClockedSandbox(Sandbox):
        """The demo's own sandbox, on a clock its wait can move."""

        def start(self) -> "ClockedSandbox":
            super().start()
            clocks.append(drive(self.store))
            return self

    waited: list[float] = []

    def wait(seconds: float) -> None:
        waited.append(seconds)
        clocks[-1].advance(seconds)

    monkeypatch.setattr(sandbox_package, "Sandbox", ClockedSandbox)
    monkeypatch.setattr(demo, "time", SimpleNamespace(monotonic=time.monotonic, sleep=wait))
    assert demo.run_demo(orders=120, seed=3) == 0
    out = capsys.readouterr().out
    assert "verify: ok" in out and "run 1: " in out and "run 2: " in out and "read requests" in out
    assert len(clocks) == 1 and waited  # the demo's wait went to its store's clock
