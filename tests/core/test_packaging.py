"""The wheel a host installs: built from this tree, installed in a fresh virtual environment.

This runs the README's host snippet exactly as written, so the documentation and the entry point
cannot drift apart; and it installs tool packs as distributions of their own, as a third party
would ship them. Every wheel is built once per run, in this process, by hatchling's own wheel
builder (the build backend the pyproject names, so the same wheel ``pip wheel`` makes, without a
pip process or an isolated build environment). The venv is installed by uv: the same wheel, its
dependencies resolved from the index as the wheel declares them, in about a second where pip
takes ten.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import venv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from hatchling.builders.wheel import WheelBuilder
from tool_packs import COUPON_CODES, write_pack  # tests/ is on pythonpath (pyproject)
from uv import find_uv_bin

from woo_connector.registry import load_manifest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = [t["name"] for t in load_manifest()["tools"]]  # connector.yaml is the only tool list
GOOD_PACK, COLLIDING_PACK = "coupon_codes_pack", "colliding_pack"


def readme_host_snippet() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    snippet = next(b for b in blocks if "load_setuptools_entrypoints" in b)
    return snippet


@pytest.fixture(scope="session")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The connector's wheel and two tool packs' wheels, built once per run."""
    work = tmp_path_factory.mktemp("wheels")
    projects = {
        "connector": ROOT,
        GOOD_PACK: write_pack(work / "src", GOOD_PACK),
        COLLIDING_PACK: write_pack(work / "src", COLLIDING_PACK, tool="get-order"),
    }
    return {name: Path(next(WheelBuilder(str(project)).build(directory=str(work), versions=["standard"])))
            for name, project in projects.items()}


@pytest.fixture(scope="session")
def installed(wheels: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the connector's wheel and its dependencies, nothing else."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(env_dir)  # uv installs into it (--python): no ensurepip
    python = env_dir / "bin" / "python"
    uv_pip(python, "install", str(wheels["connector"]))
    return python


def in_venv(program: Path, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a program of the venv (its python, its woo-connector). Its interpreter may write bytecode (the suite's environment may
    say PYTHONDONTWRITEBYTECODE): the first run compiles what it imports and later runs reuse it,
    where compiling every installed dependency up front (uv --compile-bytecode) cost more than
    all the runs here import."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.run([str(program), *args], check=check, capture_output=True, text=True, cwd="/", env=env)


def uv_pip(python: Path, *args: str) -> None:
    """uv's pip interface, acting on the venv of ``python``."""
    subprocess.run([find_uv_bin(), "pip", *args, "--quiet", "--python", str(python)],
                   check=True, capture_output=True, text=True)


@pytest.fixture
def with_pack(installed: Path, wheels: dict[str, Path]) -> Iterator[Callable[[str], None]]:
    """``with_pack(name)`` installs that pack's wheel; every pack installed is removed afterwards."""
    added: list[str] = []

    def install(name: str) -> None:
        uv_pip(installed, "install", "--no-deps", str(wheels[name]))
        added.append(name.replace("_", "-"))

    yield install
    if added:
        uv_pip(installed, "uninstall", *added)


def cli(installed: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return in_venv(installed.parent / "woo-connector", *args)


def test_wheel_carries_manifest_and_schemas(installed: Path) -> None:
    out = in_venv(
        installed, "-c", "import woo_connector.resources as r; print(r.manifest_path()); print(r.schemas_dir())",
        check=True,
    ).stdout.split()
    assert all("site-packages" in line for line in out)
    assert [t["name"] for t in yaml.safe_load(Path(out[0]).read_text())["tools"]] == TOOLS
    for tool in TOOLS:
        assert Path(out[1], f"{tool}.input.json").is_file() and Path(out[1], f"{tool}.output.json").is_file()


def test_readme_host_snippet_finds_every_tool(installed: Path) -> None:
    result = in_venv(installed, "-c", readme_host_snippet(), check=True)
    names = ast.literal_eval(result.stdout.strip())  # the snippet prints a list of names
    assert names == TOOLS


def test_installed_cli_lists_tools_as_json(installed: Path) -> None:
    result = cli(installed, "tools", "--json")
    assert result.returncode == 0, result.stderr
    tools = json.loads(result.stdout)
    assert [t["name"] for t in tools] == TOOLS
    assert all("inputSchema" in t and "annotations" in t for t in tools)


def test_an_installed_tool_pack_is_listed_and_invoked(installed: Path, with_pack, sandbox_http, tmp_path: Path) -> None:
    with_pack(GOOD_PACK)
    listed = cli(installed, "tools", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [t["name"] for t in json.loads(listed.stdout)] == TOOLS + [COUPON_CODES]

    conn = tmp_path / "conn.json"
    conn.write_text(json.dumps(sandbox_http.connection()))
    result = cli(installed, "invoke", COUPON_CODES, "--input", '{"limit": 3}', "--connection", str(conn))
    assert result.returncode == 0, result.stderr
    codes = json.loads(result.stdout)["codes"]
    assert len(codes) == 3 and all(isinstance(code, str) and code for code in codes)


def test_an_installed_pack_claiming_a_built_in_name_is_refused(installed: Path, with_pack) -> None:
    with_pack(COLLIDING_PACK)
    result = cli(installed, "tools")
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "contract_error" and error["details"]["packs"] == [COLLIDING_PACK]
    assert f"tool pack '{COLLIDING_PACK}'" in error["message"] and "'get-order'" in error["message"]
