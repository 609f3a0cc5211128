"""Running the programs under examples/ the way their READMEs say: a separate Python process
with ``--connection FILE``, whose stdout is one JSON report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(script: str, *args: str | Path) -> tuple[int, Any, str]:
    """Run ``examples/<script>`` with ``args``: (exit code, parsed stdout or None, stderr)."""
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), *map(str, args)],
                          capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        report = None
    return proc.returncode, report, proc.stderr


def store_writes(sandbox: Any) -> list[tuple[str, str]]:
    """The writes (method, path) in the sandbox's request log."""
    return [(m, p) for m, p, _n, _s in sandbox.requests_log if m in ("POST", "PUT", "PATCH", "DELETE")]
