"""The wheel a host installs: built from this tree, installed in a fresh virtual environment.

This runs the README's host snippet exactly as written, so the documentation and the entry point
cannot drift apart.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def readme_host_snippet() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    snippet = next(b for b in blocks if "load_setuptools_entrypoints" in b)
    return snippet


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(work)],
        check=True, capture_output=True, text=True,
    )
    wheel = next(work.glob("woo_connector-*.whl"))
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True, text=True)
    return python


def test_wheel_carries_manifest_and_schemas(installed: Path) -> None:
    out = subprocess.run(
        [str(installed), "-c", "import woo_connector.resources as r; print(r.manifest_path()); print(r.schemas_dir())"],
        check=True, capture_output=True, text=True, cwd="/",
    ).stdout.split()
    assert all("site-packages" in line for line in out)
    assert Path(out[1], "list-orders.input.json").is_file()


def test_readme_host_snippet_finds_the_twelve_tools(installed: Path) -> None:
    result = subprocess.run(
        [str(installed), "-c", readme_host_snippet()], check=True, capture_output=True, text=True, cwd="/"
    )
    names = ast.literal_eval(result.stdout.strip())  # the snippet prints a list of names
    assert len(names) == 12 and "list-orders" in names and "raw-api-request" in names


def test_installed_cli_lists_tools_as_json(installed: Path) -> None:
    cli = installed.parent / "woo-connector"
    result = subprocess.run([str(cli), "tools", "--json"], check=True, capture_output=True, text=True, cwd="/")
    tools = json.loads(result.stdout)
    assert {t["name"] for t in tools} >= {"get-order", "create-product"}
    assert all("inputSchema" in t and "annotations" in t for t in tools)
