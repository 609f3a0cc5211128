"""Running the programs under examples/ the way their READMEs say (``main`` with the README's
arguments), in this process: a second Python process per run would spend most of the test's
time importing the package again. Each program's stdout is one JSON report.

A program's ``woo_connector.load()`` is answered from a registry built once per output-validation
setting (and emptied of its connections after each run): loading parses and bundles every schema,
the same work each time, and the tests are about what the programs do with the connector."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import woo_connector
from woo_connector.registry import Registry

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

_load = woo_connector.load
_built: dict[tuple[bool | None, str], Registry] = {}


def load_once(*, validate_output: bool | None = None, packs: Any = None) -> Registry:
    """``woo_connector.load`` for the programs: the same registry for the same settings."""
    if packs is not None:
        return _load(validate_output=validate_output, packs=packs)
    key = (validate_output, os.environ.get("WOO_CONNECTOR_VALIDATE_OUTPUT", ""))
    if key not in _built:
        _built[key] = _load(validate_output=validate_output)
    return _built[key]


@contextlib.contextmanager
def loaded_once() -> Iterator[None]:
    real = woo_connector.load
    woo_connector.load = load_once
    try:
        yield
    finally:
        woo_connector.load = real
        for registry in _built.values():
            registry.close()


def run_example(script: str, *args: str | Path) -> tuple[int, Any, str]:
    """Run ``examples/<script>``'s ``main(argv)``: (exit code, parsed stdout or None, stderr)."""
    path = EXAMPLES / script
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out, err = io.StringIO(), io.StringIO()
    with loaded_once(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = module.main([str(a) for a in args])
    try:
        report = json.loads(out.getvalue())
    except json.JSONDecodeError:
        report = None
    return code, report, err.getvalue()


def store_writes(sandbox: Any) -> list[tuple[str, str]]:
    """The writes (method, path) in the sandbox's request log."""
    return [(m, p) for m, p, _n, _s in sandbox.requests_log if m in ("POST", "PUT", "PATCH", "DELETE")]
