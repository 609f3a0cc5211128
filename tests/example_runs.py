"""Running the programs under examples/ the way their READMEs say (``main`` with the README's
arguments), in this process: a second Python process per run would spend most of the test's
time importing the package again. Each program's stdout is one JSON report."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(script: str, *args: str | Path) -> tuple[int, Any, str]:
    """Run ``examples/<script>``'s ``main(argv)``: (exit code, parsed stdout or None, stderr)."""
    path = EXAMPLES / script
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = module.main([str(a) for a in args])
    try:
        report = json.loads(out.getvalue())
    except json.JSONDecodeError:
        report = None
    return code, report, err.getvalue()


def store_writes(sandbox: Any) -> list[tuple[str, str]]:
    """The writes (method, path) in the sandbox's request log."""
    return [(m, p) for m, p, _n, _s in sandbox.requests_log if m in ("POST", "PUT", "PATCH", "DELETE")]
