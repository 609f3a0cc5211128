"""`woo-connector sandbox` at its edges: one-line errors, clean SIGTERM.

SIGTERM needs a real process. The one-line errors run the same entry point (``cli.main`` with
the same words) in this process, in a thread so that a regression that starts serving fails the
test instead of hanging it: an uncaught exception, which a process would print as a traceback,
fails the test too, and a second interpreter start per case bought nothing else.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from woo_connector import cli as connector_cli

RUN = "import sys; from woo_connector.cli import main; raise SystemExit(main(sys.argv[1:]))"


@dataclass
class Done:
    """What the command left: exit code and its two streams (as ``subprocess.run`` would report)."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Done:
    """``woo-connector <args>`` run to its end; fails the test if it raises or does not return."""
    out, err = io.StringIO(), io.StringIO()
    result: list[int] = []
    raised: list[BaseException] = []

    def run() -> None:
        try:
            result.append(connector_cli.main(list(args)))
        except BaseException as exc:  # noqa: BLE001 - reported below, as a process would print it
            raised.append(exc)

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        worker = threading.Thread(target=run, name="cli-under-test", daemon=True)
        worker.start()
        worker.join(60)
    assert not worker.is_alive(), f"`woo-connector {' '.join(args)}` did not return: {err.getvalue()}"
    assert not raised, f"`woo-connector {' '.join(args)}` raised {raised[0]!r}"
    return Done(result[0], out.getvalue(), err.getvalue())


def test_a_port_out_of_range_is_one_line_and_exit_2() -> None:
    done = cli("sandbox", "--port", "80000")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "80000" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_https_without_trustme_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trustme", None)  # what `import trustme` meets when it is not installed
    done = cli("sandbox", "--https")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "trustme" in done.stderr and "Traceback" not in done.stderr


def test_a_port_in_use_is_one_line() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = cli("sandbox", "--port", str(taken.getsockname()[1]), "--orders", "5")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "cannot listen" in done.stderr and "Traceback" not in done.stderr


def test_sigterm_stops_the_sandbox_and_removes_its_ca() -> None:
    process = subprocess.Popen([sys.executable, "-c", RUN, "sandbox", "--https", "--orders", "5", "-v"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("}"):
                break
        connection = json.loads("".join(lines))
        bundle = Path(connection["ca_bundle"])
        assert bundle.exists() and connection["site_url"].startswith("https://127.0.0.1:")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        assert not bundle.exists() and not bundle.parent.exists()
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
