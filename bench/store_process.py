"""The sandbox store in a child process, so its request handling does not share our GIL.

A real store is another machine. Serving from a thread of the benchmark process would make the
server's JSON encoding compete with the client being measured and blur every ratio, so the store
runs in a child: it seeds once, serves the same :class:`Store` over HTTP (OAuth 1.0a) and HTTPS
(Basic), prints both connections as one JSON line, and then obeys one-line commands on stdin
(``latency SECONDS``) until stdin closes.

Seeding is the slow part (about 0.45 ms per order: 10,000 orders take ~5 s), which is why the
two sandboxes share one store instead of seeding twice.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def child_env() -> dict[str, str]:
    """Our environment with the repository on PYTHONPATH, so children import ``bench`` too."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


class StoreProcess:
    """Parent-side handle: ``with StoreProcess(orders=10_000) as store: store.connections["http"]``."""

    def __init__(self, orders: int, seed: int = 42) -> None:
        self.orders, self.seed = orders, seed
        self.connections: dict[str, dict[str, Any]] = {}
        self.seed_seconds = 0.0
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> "StoreProcess":
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bench.store_process", "--orders", str(self.orders), "--seed", str(self.seed)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, env=child_env(),
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            self.__exit__()
            raise RuntimeError("the sandbox process exited before serving (see its stderr above)")
        ready = json.loads(line)
        self.connections = {"http": ready["http"], "https": ready["https"]}
        self.seed_seconds = ready["seed_seconds"]
        return self

    def set_latency(self, seconds: float) -> None:
        """Set ``faults.latency`` on both sandboxes and wait until the store has applied it."""
        assert self._proc is not None and self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(f"latency {seconds}\n")
        self._proc.stdin.flush()
        if self._proc.stdout.readline().strip() != "ok":
            raise RuntimeError("the sandbox process did not acknowledge the latency change")

    def __exit__(self, *exc: Any) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def serve(orders: int, seed: int) -> None:
    from woo_connector.sandbox import Sandbox
    from woo_connector.sandbox.store import Store

    started = time.perf_counter()
    store = Store.create(seed, orders)
    seed_seconds = time.perf_counter() - started
    with Sandbox(store=store) as http, Sandbox(store=store, https=True) as https:
        ready = {"http": http.connection(), "https": https.connection(), "seed_seconds": seed_seconds}
        sys.stdout.write(json.dumps(ready) + "\n")
        sys.stdout.flush()
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "latency":
                http.faults.latency = https.faults.latency = float(argument)
                sys.stdout.write("ok\n")
            else:
                sys.stdout.write(f"unknown command {command!r}\n")
            sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()
    serve(options.orders, options.seed)
