"""`woo-connector sandbox` at its edges, run as a real process: one-line errors, clean SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

RUN = "import sys; from woo_connector.cli import main; raise SystemExit(main(sys.argv[1:]))"
NO_TRUSTME = "import sys; sys.modules['trustme'] = None; " + RUN


def cli(*args: str, code: str = RUN) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_a_port_out_of_range_is_one_line_and_exit_2() -> None:
    done = cli("sandbox", "--port", "80000")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "80000" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_https_without_trustme_is_one_line() -> None:
    done = cli("sandbox", "--https", code=NO_TRUSTME)
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
