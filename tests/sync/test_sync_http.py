"""Cursor syncs of every list tool, deletes, the CLI's state file and plan-partitions, against a
sandbox of their own over real HTTP (they write, so they stay off the shared session stores).

The changes are made once, then the store's clock is moved past the settle margin once (instead
of sleeping it out): a run only reads changes older than SETTLE_SECONDS by the store's clock."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from woo_connector import cli, registry
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox
from store_clock import drive

RESOURCES = ("orders", "products", "coupons", "customers")


@dataclass
class Shop:
    sandbox: Sandbox
    conn: dict[str, Any]
    connector: Registry
    first: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: dict[str, set[int]] = field(default_factory=dict)
    trashed_product: int = 0
    deleted_order: int = 0
    state: Path | None = None
    cli_first: list[dict[str, Any]] = field(default_factory=list)

    def raw(self, method: str, path: str, **extra: Any) -> Any:
        return self.connector.invoke("raw-api-request", {"method": method, "path": path, **extra}, self.conn)["body"]


def run_cli(*argv: str, stdout: io.StringIO | None = None) -> tuple[int, str]:
    out = stdout or io.StringIO()
    real = cli.sys.stdout
    cli.sys.stdout = out
    try:
        code = cli.main(list(argv))
    finally:
        cli.sys.stdout = real
    return code, out.getvalue()


@pytest.fixture(scope="module")
def one_build() -> Iterator[None]:
    """cli.main builds its connector on every run, as each process does once; this module's CLI
    runs (seven) share one build, its client pool emptied before each run. A build costs about a
    quarter of a second, more than most of these runs; its own tests are elsewhere."""
    load = registry.load
    built = load()

    def load_once(**kw: Any) -> Registry:
        if kw:
            return load(**kw)
        built.close()
        return built

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry, "load", load_once)
        yield
    built.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, _registry: Registry, one_build: None) -> Iterator[Shop]:
    connector = _registry  # the session's connector (tests/conftest.py): loading one costs ~0.5 s
    with Sandbox(seed=21, orders=80) as sandbox:
        clock = drive(sandbox.store)
        shop = Shop(sandbox, sandbox.connection(), connector)
        for resource in RESOURCES:
            shop.first[resource] = connector.invoke(f"list-{resource}", {"cursor": ""}, shop.conn)
        tmp = tmp_path_factory.mktemp("sync")
        (tmp / "conn.json").write_text(json.dumps(shop.conn))
        shop.state = tmp / "orders.state"
        code, out = run_cli("sync", "orders", "--state", str(shop.state), "--jsonl", "--connection", str(tmp / "conn.json"))
        assert code == 0
        shop.cli_first = [json.loads(line) for line in out.splitlines()]

        orders = shop.first["orders"]["items"]
        shop.changed["orders"] = {orders[3]["id"], orders[40]["id"]}
        for oid in shop.changed["orders"]:
            shop.raw("PUT", f"/orders/{oid}", body={"customer_note": "changed"})
        shop.deleted_order = orders[10]["id"]
        shop.raw("DELETE", f"/orders/{shop.deleted_order}", query={"force": True})
        products = shop.first["products"]["items"]
        shop.changed["products"] = {products[5]["id"]}
        shop.raw("PUT", f"/products/{products[5]['id']}", body={"regular_price": "12.34"})
        shop.trashed_product = products[6]["id"]
        shop.raw("DELETE", f"/products/{shop.trashed_product}")
        customers = shop.first["customers"]["items"]
        shop.changed["customers"] = {customers[7]["id"]}
        shop.raw("PUT", f"/customers/{customers[7]['id']}", body={"billing": {"phone": "0400 000 000"}})
        coupons = shop.first["coupons"]["items"]
        shop.changed["coupons"] = {coupons[0]["id"]}
        shop.raw("PUT", f"/coupons/{coupons[0]['id']}", body={"amount": "7.00"})
        clock.settle()
        yield shop
    connector.close()


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_second_run_gets_exactly_what_changed(shop: Shop, resource: str) -> None:
    first = shop.first[resource]
    assert len(first["items"]) == first["total"] > 0 and first["next_cursor"]
    before = len(shop.sandbox.requests_log)
    second = shop.connector.invoke(f"list-{resource}", {"cursor": first["next_cursor"]}, shop.conn)
    requests = len(shop.sandbox.requests_log) - before
    assert {item["id"] for item in second["items"]} == shop.changed[resource]
    if resource == "customers":
        # no modified filter on the store: every customer's stamp is read, 100 a request
        assert requests == 1 + -(-len(first["items"]) // 100) + 1
    else:
        assert requests == 3  # count, one page, the first (and only) page of the trash
    if resource == "products":
        assert second["deleted"] == [shop.trashed_product]
    else:
        assert second["deleted"] == []


def test_known_ids_report_what_was_deleted_for_good(shop: Shop) -> None:
    first = shop.first["orders"]
    known = [o["id"] for o in first["items"]]
    second = shop.connector.invoke("list-orders", {"cursor": first["next_cursor"], "known_ids": known}, shop.conn)
    assert second["deleted"] == [shop.deleted_order]
    assert {o["id"] for o in second["items"]} == shop.changed["orders"]


def test_the_cli_sync_keeps_its_cursor_in_the_state_file(shop: Shop) -> None:
    assert shop.state is not None
    assert len(shop.cli_first) == len(shop.first["orders"]["items"])
    conn_file = str(shop.state.parent / "conn.json")
    saved = json.loads(shop.state.read_text())["cursor"]
    code, out = run_cli("sync", "orders", "--state", str(shop.state), "--connection", conn_file)
    assert code == 0
    result = json.loads(out)
    assert {o["id"] for o in result["items"]} == shop.changed["orders"]
    assert json.loads(shop.state.read_text())["cursor"] == result["next_cursor"] != saved
    assert [p.name for p in shop.state.parent.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_the_cli_jsonl_sync_writes_one_record_or_deletion_a_line(shop: Shop, tmp_path: Path) -> None:
    code, out = run_cli("sync", "products", "--state", str(tmp_path / "p.state"), "--jsonl",
                        "--connection", str(shop.state.parent / "conn.json"))  # type: ignore[union-attr]
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {"id": shop.trashed_product, "deleted": True} in lines  # the trash, from the beginning
    records = [line for line in lines if "deleted" not in line]
    assert len(records) == len({r["id"] for r in records}) >= len(shop.first["products"]["items"]) - 1


def test_a_state_file_that_cannot_be_written_stops_the_sync_before_it_reads(shop: Shop, tmp_path: Path) -> None:
    before = len(shop.sandbox.requests_log)
    code, out = run_cli("sync", "orders", "--state", str(tmp_path / "missing" / "orders.state"),
                        "--connection", str(shop.state.parent / "conn.json"))  # type: ignore[union-attr]
    assert code == 1 and json.loads(out)["error"]["code"] == "config_error"
    assert len(shop.sandbox.requests_log) == before


class BrokenPipe(io.StringIO):
    """stdout that takes ``lines`` lines, then fails as a closed pipe does."""

    def __init__(self, lines: int) -> None:
        super().__init__()
        self.room = lines

    def write(self, text: str) -> int:
        if self.room <= 0:
            raise BrokenPipeError("reader went away")
        self.room -= text.count("\n")
        return super().write(text)


def test_a_crash_mid_sync_never_leaves_the_cursor_ahead_of_what_was_written(shop: Shop, tmp_path: Path) -> None:
    conn_file = str(shop.state.parent / "conn.json")  # type: ignore[union-attr]
    state = tmp_path / "crash.state"
    args = ("sync", "orders", "--state", str(state), "--jsonl", "--input", '{"per_page": 20}', "--connection", conn_file)
    written: list[int] = []
    for room in (30, 45):  # two crashes part-way through pages
        pipe = BrokenPipe(room)
        with pytest.raises(BrokenPipeError):
            run_cli(*args, stdout=pipe)
        written += [json.loads(line)["id"] for line in pipe.getvalue().splitlines()]
        assert state.exists()  # a full page was written before each crash, and saved
    code, out = run_cli(*args)
    assert code == 0
    written += [json.loads(line)["id"] for line in out.splitlines() if "deleted" not in line]
    everything = {o["id"] for o in shop.connector.invoke("list-orders", {"all_pages": True}, shop.conn)["items"]}
    assert set(written) == everything  # nothing skipped; a page cut short is read again
    assert len(written) - len(everything) <= 2 * 20  # repeats: at most the page each crash cut short


def test_plan_partitions_with_four_workers_equals_one_sequential_pull(connector: Registry) -> None:
    with Sandbox(seed=4, orders=200) as sandbox:
        conn = sandbox.connection()
        store = sandbox.store
        # 30 orders created in one second, so that a cut may fall among them
        moment = datetime(2026, 11, 28, 7, 9, 35, tzinfo=timezone.utc)
        store.set_clock(lambda: moment)
        for _ in range(30):
            connector.invoke("raw-api-request", {"method": "POST", "path": "/orders", "body": {"status": "processing"}}, conn)
        store.set_clock(None)
        # ids only: the partitions and their union are the proof, not the orders' contents
        query = {"status": ["processing", "completed", "on-hold"], "per_page": 25, "_fields": ["id"]}
        sequential = [o["id"] for o in connector.invoke("list-orders", {**query, "all_pages": True}, conn)["items"]]
        for n in (4, 7):
            plan = connector.invoke("plan-partitions", {"tool": "list-orders", "query": query, "partitions": n}, conn)
            payloads = plan["partitions"]
            assert 1 < len(payloads) <= n and plan["total"] == len(sequential)
            active, peak, lock = [0], [0], threading.Lock()

            def work(payload: dict[str, Any]) -> list[int]:
                with lock:
                    active[0] += 1
                    peak[0] = max(peak[0], active[0])
                try:
                    return [o["id"] for o in connector.invoke("list-orders", payload, conn)["items"]]
                finally:
                    with lock:
                        active[0] -= 1

            with ThreadPoolExecutor(max_workers=4) as pool:
                parts = list(pool.map(work, payloads))
            union = [oid for part in parts for oid in part]
            assert len(union) == len(set(union))  # no overlap
            assert set(union) == set(sequential)
            assert all(parts) and "before" not in payloads[-1] and "after" not in payloads[0]
