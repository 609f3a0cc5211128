"""The README documents what the code has: one truth in two places, held together by a test."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import yaml

import woo_connector
from woo_connector import hookspecs
from woo_connector.cli import ENV_FIELDS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)[:2]
    assert "woo-connector demo" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci


@pytest.mark.parametrize("tool", [t["name"] for t in yaml.safe_load((ROOT / "connector.yaml").read_text())["tools"]])
def test_every_tool_is_in_the_tool_table(tool: str) -> None:
    assert re.search(rf"^\| `{re.escape(tool)}` \|", README, flags=re.M), tool


def test_every_hook_is_documented() -> None:
    hooks = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(fn, "woo_connector_spec")]
    assert hooks
    for hook in hooks:
        assert f"`{hook}(" in README, hook


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
