"""The README documents what the code has: one truth in two places, held together by a test."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import woo_connector
from woo_connector.cli import ENV_FIELDS
from woo_connector.hookspecs import HostContract, ToolContract
from woo_connector.registry import load_manifest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)[:2]
    assert "woo-connector demo" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci


TOOLS = [t["name"] for t in load_manifest()["tools"]]  # connector.yaml is the only tool list


@pytest.mark.parametrize("tool", TOOLS)
def test_every_tool_is_in_the_tool_table(tool: str) -> None:
    assert re.search(rf"^\| `{re.escape(tool)}` \|", README, flags=re.M), tool


def test_the_tool_table_lists_nothing_else() -> None:
    section = README.split("## Tools", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.M)
    assert rows == TOOLS


def test_every_hook_of_both_contracts_is_documented() -> None:
    hooks = [
        name
        for contract in (HostContract, ToolContract)
        for name, fn in inspect.getmembers(contract, inspect.isfunction)
        if hasattr(fn, "woo_connector_spec")
    ]
    assert {"load_connector", "register_tools", "tool_pack_files"} <= set(hooks)
    for hook in hooks:
        assert f"`{hook}(" in README, hook


def test_contributing_names_the_files_that_own_each_fact() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for path in ("connector.yaml", "woo_connector/tools/", "woo_connector/auth.py", "AUTH_MODES",
                 "woo_connector/errors.py", "defs/error.json", "woo_connector/sandbox/resources/"):
        assert path in text, path
        if "/" in path and not path.startswith("defs/") and path != "AUTH_MODES":
            assert (ROOT / path.rstrip("/")).exists(), path


def test_every_error_code_is_documented() -> None:
    codes = {getattr(woo_connector, name).code for name in woo_connector.__all__ if name.endswith("Error")}
    codes.discard("error")
    for code in codes:
        assert f"`{code}`" in README, code


def test_every_connection_field_and_variable_is_documented() -> None:
    schema = (ROOT / "schemas" / "connection.json").read_text()
    for field in re.findall(r'"([a-z_]+)": \{', schema.split('"properties"')[1]):
        assert f"`{field}`" in README, field
    for var in ENV_FIELDS:
        assert f"`{var}`" in README, var
