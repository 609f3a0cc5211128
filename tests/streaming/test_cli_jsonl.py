"""invoke --jsonl: one item per line as pages arrive, an error line with the resume point, a
quiet exit when the reader stops early (| head), and the progress bar only on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from woo_connector import cli, registry
from woo_connector.registry import Registry
from woo_connector.sandbox import Sandbox


@pytest.fixture(scope="module")
def _built() -> Iterator[dict[str, Registry]]:
    built: dict[str, Registry] = {}
    yield built
    for connector in built.values():
        connector.close()


@pytest.fixture(autouse=True)
def one_build_per_module(_built: dict[str, Registry], monkeypatch: pytest.MonkeyPatch) -> None:
    """cli.main builds its connector on every run, as each process does once; in this process the
    module's runs share the first build (its client pool emptied before each run). A build takes
    longer than most of these runs, and its own tests are elsewhere."""
    load = registry.load

    def load_once(**kw: Any) -> Registry:
        if kw:
            return load(**kw)
        key = os.environ.get("WOO_CONNECTOR_VALIDATE_OUTPUT", "")
        if key not in _built:
            _built[key] = load()
        _built[key].close()
        return _built[key]

    monkeypatch.setattr(registry, "load", load_once)


def run(argv: list[str], monkeypatch: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(cli.sys, "stdout", out)
    monkeypatch.setattr(cli.sys, "stderr", err)
    code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def conn_file(tmp_path: Path, sandbox: Sandbox) -> str:
    path = tmp_path / "conn.json"
    path.write_text(json.dumps(sandbox.connection()))
    return str(path)


def test_jsonl_writes_every_item_one_per_line(sandbox_http: Sandbox, tmp_path: Path, monkeypatch) -> None:
    code, out, err = run(["invoke", "list-orders", "--jsonl", "--no-progress", "--input", '{"per_page": 40}',
                          "--connection", conn_file(tmp_path, sandbox_http)], monkeypatch)
    assert code == 0 and err == ""
    lines = out.splitlines()
    items = [json.loads(line) for line in lines]  # every line parses alone
    assert len(items) == 300 == len({item["id"] for item in items})
    assert all("\n" not in line for line in lines)


def test_a_failure_part_way_is_a_last_line_with_the_resume_point(
    sandbox_http: Sandbox, tmp_path: Path, monkeypatch, no_backoff: None
) -> None:
    """Ids only: the lines, pages and resume point are the proof, not the items' contents."""
    conn = conn_file(tmp_path, sandbox_http)

    class BreakAfter(io.StringIO):
        def write(self, text: str) -> int:
            if self.getvalue().count("\n") == 59:  # writing page 3's last item: the store goes down
                sandbox_http.faults.server_errors = 1000
            return super().write(text)

    out = BreakAfter()
    monkeypatch.setattr(cli.sys, "stdout", out)
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())
    code = cli.main(["invoke", "list-orders", "--jsonl", "--input", '{"per_page": 20, "concurrency": 1, "_fields": ["id"]}',
                     "--connection", conn])
    sandbox_http.faults.server_errors = 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 1
    assert len(lines) == 61 and "error" in lines[-1]
    error = lines[-1]["error"]
    assert error["code"] == "server_error" and error["details"]["resume"]["page"] == 4
    assert "resume" in cli.sys.stderr.getvalue()

    code, rest, _ = run(["invoke", "list-orders", "--jsonl", "--input",
                         json.dumps({"per_page": 20, "concurrency": 1, "_fields": ["id"], **error["details"]["resume"]}),
                         "--connection", conn], monkeypatch)
    ids = [item["id"] for item in lines[:-1]] + [json.loads(line)["id"] for line in rest.splitlines()]
    assert code == 0 and len(ids) == len(set(ids)) == 300


def test_head_stops_the_pull_quietly(sandbox_http: Sandbox, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "woo_connector.cli", "invoke", "list-orders", "--jsonl", "--input", '{"per_page": 10}',
         "--connection", conn_file(tmp_path, sandbox_http)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = [json.loads(proc.stdout.readline()) for _ in range(3)]
    proc.stdout.close()  # what `| head -3` does
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert len({item["id"] for item in first}) == 3


def test_progress_goes_to_stderr_only(sandbox_http: Sandbox, tmp_path: Path, monkeypatch) -> None:
    """Ids only: where the progress goes is the proof, not the items' contents."""
    conn = conn_file(tmp_path, sandbox_http)
    code, out, err = run(["invoke", "list-orders", "--jsonl", "--progress", "--input", '{"per_page": 50, "_fields": ["id"]}',
                          "--connection", conn], monkeypatch)
    assert code == 0 and "300/300" in err
    assert [json.loads(line)["id"] for line in out.splitlines()]  # stdout: JSON lines only
    code, out, err = run(["invoke", "list-orders", "--progress", "--input", '{"per_page": 50, "all_pages": true, "_fields": ["id"]}',
                          "--connection", conn], monkeypatch)
    assert code == 0 and len(json.loads(out)["items"]) == 300 and "300/300" in err
    code, out, err = run(["invoke", "list-orders", "--no-progress", "--input", '{"per_page": 50, "all_pages": true, "_fields": ["id"]}',
                          "--connection", conn], monkeypatch)
    assert code == 0 and err == ""
