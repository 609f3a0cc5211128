"""S1, S2 and S3 of issue 8, each contender side by side in every round, order rotated.

S1  get-order call overhead: µs per call, no latency, over HTTP (OAuth 1.0a) and HTTPS (Basic).
S2  pull every order (100 per page) with ``faults.latency`` on the store: seconds per pull.
S3  peak RSS growth of a child process pulling every order, keeping them or streaming them.

The store answers from another process, so this process's CPU time (``time.process_time``) is
exactly what a contender costs its host: S1 and S2 report it beside the wall time. Before each
contender's turn the benchmark lets go of the last pull and runs ``gc.collect()`` outside the
clock: otherwise a contender pays for collecting the garbage of the one before it (the official
client leaves a new Session per call behind), which made two identical rows differ by 13–19%.
Wall time includes the sandbox's own work per request (milliseconds of Python), which is the
same for every contender and so pulls wall ratios towards 1; the CPU ratio is the call overhead
itself.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import timeit
from dataclasses import asdict, dataclass
from typing import Any, Callable

from bench import clients
from bench.stats import Row, rotated, scenario
from bench.store_process import REPO, StoreProcess, child_env


@dataclass(frozen=True)
class Config:
    orders: int = 10_000
    per_page: int = 100
    latency: float = 0.02
    workers: int = 4
    more_workers: int = 0
    """S2 also runs the raw threads and the connector at this many workers (0: not); the command
    line's default is 8, the most ``concurrency`` allows, so its rows show what doubling buys."""
    s1_calls: int = 300
    s1_rounds: int = 5
    s2_rounds: int = 3
    s3_rounds: int = 1
    s3_jobs_per_child: int = 1
    """How many S3 pulls share one child process, one after another. 1 (every preset) gives each
    pull a fresh process, as the figures need: a child that already pulled keeps that heap, which
    hides the next pull's growth. More saves the children's start-up (imports, loading the
    connector) where only the report's shape matters, as in the test of the bench itself."""
    seed: int = 42

    @classmethod
    def quick(cls) -> "Config":
        """Smoke run, well under a minute: 500 orders, few calls, one S2 and S3 round."""
        return cls(orders=500, s1_calls=40, s1_rounds=3, s2_rounds=1, s3_rounds=1, more_workers=8)

    @classmethod
    def full(cls) -> "Config":
        """What ``python -m bench`` runs: the defaults, with S2's rows at 8 workers as well."""
        return cls(more_workers=8)


def run(config: Config, log: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Every scenario against one store process; returns the report (see bench.report)."""
    started = time.perf_counter()
    with StoreProcess(config.orders, config.seed) as store:
        log(f"store: {config.orders} orders seeded in {store.seed_seconds:.1f} s")
        http, https = store.connections["http"], store.connections["https"]
        order_id = _first_order(http)
        store.set_latency(0.0)
        scenarios = [
            s1(config, http, order_id, "S1 HTTP", "get-order call overhead, HTTP + OAuth 1.0a, no latency", log),
            s1(config, https, order_id, "S1 HTTPS", "get-order call overhead, HTTPS + Basic, no latency", log),
        ]
        store.set_latency(config.latency)
        scenarios.append(s2(config, http, log))
        store.set_latency(0.0)
        scenarios.append(s3(config, http, order_id, log))
        seed_seconds = store.seed_seconds
    return {
        "config": asdict(config),
        "machine": machine(),
        "features": {"iter_items": clients.has_iter_items(), "concurrency": _connector_has_concurrency()},
        "seed_seconds": seed_seconds,
        "wall_seconds": time.perf_counter() - started,
        "scenarios": scenarios,
    }


def _first_order(conn: dict[str, Any]) -> int:
    raw = clients.RawSession(conn)
    try:
        items, _ = raw.page(raw.session, 1, 1)
        return int(items[0]["id"])
    finally:
        raw.close()


def _connector_has_concurrency() -> bool:
    return clients.has_concurrency(clients.shared_registry(strict=False))


def machine() -> dict[str, Any]:
    return {"python": sys.version.split()[0], "cpus": os.cpu_count(), "platform": sys.platform,
            "calibration_us": calibration_us()}


def calibration_us() -> float:
    """µs for ``sum(range(1000))`` (best of 5): says how fast the shared machine was during a run,
    so that absolute figures from two runs can be compared (ratios need no such help)."""
    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def _contenders(conn: dict[str, Any], names: list[str], workers: int) -> tuple[dict[str, Any], dict[str, Row]]:
    ready: dict[str, Any] = {}
    rows: dict[str, Row] = {}
    for name in names:
        rows[name] = Row(name)
        try:
            ready[name] = clients.make(name, conn, workers)
        except clients.Unavailable as exc:
            rows[name].unavailable = str(exc)
    return ready, rows


def s1(config: Config, conn: dict[str, Any], order_id: int, sid: str, title: str,
       log: Callable[[str], None]) -> dict[str, Any]:
    names = [clients.RAW, clients.OFFICIAL, clients.CONNECTOR, clients.CONNECTOR_STRICT]
    ready, rows = _contenders(conn, names, config.workers)
    for contender in ready.values():  # connect, import lazily loaded modules, fill caches
        for _ in range(3):
            contender.get_order(order_id)
    for round_no in range(config.s1_rounds):
        for name in rotated(list(ready), round_no):
            call = ready[name].get_order
            gc.collect()  # the collector's debts from the contender before are not this one's
            began, cpu = time.perf_counter(), time.process_time()
            for _ in range(config.s1_calls):
                call(order_id)
            rows[name].samples.append((time.perf_counter() - began) / config.s1_calls * 1e6)
            rows[name].cpu_samples.append((time.process_time() - cpu) / config.s1_calls * 1e6)
        log(f"{sid}: round {round_no + 1}/{config.s1_rounds} done")
    for contender in ready.values():
        contender.close()
    return scenario(sid, title, "µs per call", list(rows.values()), clients.RAW,
                    calls_per_round=config.s1_calls, rounds=config.s1_rounds)


def s2(config: Config, conn: dict[str, Any], log: Callable[[str], None]) -> dict[str, Any]:
    names = [clients.RAW, clients.raw_threads_name(config.workers), clients.OFFICIAL, clients.CONNECTOR,
             clients.CONNECTOR_STRICT, clients.connector_concurrency_name(config.workers)]
    if config.more_workers and config.more_workers != config.workers:
        names += [clients.raw_threads_name(config.more_workers), clients.connector_concurrency_name(config.more_workers)]
    ready, rows = _contenders(conn, names, config.workers)
    # one unmeasured pull first: the store fills its list cache (sandbox.list_cache) on the first
    # walk of a query, and no contender should pay for that in its round. The connector's
    # concurrent pull asks for another query (orderby=id&order=asc), so it warms that one.
    for warm in (clients.RAW, clients.CONNECTOR):
        if warm in ready:
            ready[warm].keep(config.per_page)
    for round_no in range(config.s2_rounds):
        for name in rotated(list(ready), round_no):
            items = []  # the last pull's orders are let go, and what they leave collected
            gc.collect()
            began, cpu = time.perf_counter(), time.process_time()
            items = ready[name].keep(config.per_page)
            rows[name].samples.append(time.perf_counter() - began)
            rows[name].cpu_samples.append(time.process_time() - cpu)
            rows[name].items = _checked_count(name, items, config.orders)
        log(f"S2: round {round_no + 1}/{config.s2_rounds} done")
    for contender in ready.values():
        contender.close()
    title = (f"pull {config.orders:,} orders, {config.per_page} per page, "
             f"{config.latency * 1000:g} ms store latency, HTTP")
    return scenario("S2", title, "s per pull", list(rows.values()), clients.RAW, rounds=config.s2_rounds)


def _checked_count(name: str, items: list[Any], expected: int) -> int:
    """A pull that lost or repeated orders is not a result; say so rather than time it."""
    ids = {item["id"] for item in items}
    if len(items) != expected or len(ids) != expected:
        raise RuntimeError(f"{name} pulled {len(items)} orders ({len(ids)} distinct), expected {expected}")
    return len(items)


def s3(config: Config, conn: dict[str, Any], order_id: int, log: Callable[[str], None]) -> dict[str, Any]:
    jobs = [(name, mode) for name in (clients.RAW, clients.OFFICIAL, clients.CONNECTOR) for mode in ("keep", "stream")]
    rows = {job: Row(f"{job[0]}, {job[1]}") for job in jobs}
    per_child = max(1, config.s3_jobs_per_child)
    for round_no in range(config.s3_rounds):
        todo = [job for job in rotated(jobs, round_no) if not rows[job].unavailable]  # type: ignore[arg-type]
        for start in range(0, len(todo), per_child):
            batch = todo[start:start + per_child]
            for job, outcome in zip(batch, _child(config, conn, order_id, batch)):
                row = rows[job]
                if "unavailable" in outcome:
                    row.unavailable = outcome["unavailable"]
                    continue
                row.samples.append((outcome["peak_kb"] - outcome["baseline_kb"]) / 1024)
                row.items = outcome["items"]
                if outcome["items"] != config.orders:
                    raise RuntimeError(f"{row.contender} pulled {outcome['items']} orders, expected {config.orders}")
        log(f"S3: round {round_no + 1}/{config.s3_rounds} done")
    title = f"peak RSS growth of a child process pulling {config.orders:,} orders, keep vs stream"
    return scenario("S3", title, "MB", list(rows.values()), f"{clients.RAW}, keep", rounds=config.s3_rounds)


def _child(config: Config, conn: dict[str, Any], order_id: int,
           batch: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """One child process measures the batch's pulls in order; one outcome per pull."""
    jobs = [{"contender": contender, "mode": mode, "per_page": config.per_page, "workers": config.workers,
             "order_id": order_id, "conn": conn} for contender, mode in batch]
    done = subprocess.run([sys.executable, "-m", "bench.memory_child"], input=json.dumps(jobs), text=True,
                          capture_output=True, cwd=REPO, env=child_env(), timeout=600)
    if done.returncode != 0:
        from woo_connector.redact import redact_text  # a traceback may carry a signed URL

        names = ", ".join(f"{contender} ({mode})" for contender, mode in batch)
        raise RuntimeError(f"S3 child for {names} failed:\n{redact_text(done.stderr[-2000:])}")
    return json.loads(done.stdout)
