"""Throw-away tool packs written into a temporary directory, exactly as a third party would ship one.

A pack is a package with a manifest fragment (``tools.yaml``), a ``schemas/`` directory and a
module implementing the tool contract; ``write_pack`` writes its source tree (and a pyproject
that declares the ``woo_connector.tools`` entry point, so the same tree builds a distribution).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

COUPON_CODES = "get-coupon-codes"

_MODULE = '''"""A tool pack: coupon codes only."""

from pathlib import Path

from woo_connector import hookimpl
from woo_connector.hookspecs import PackFiles, Register

HERE = Path(__file__).resolve().parent


def coupon_codes(client, args):
    coupons = client.get("/coupons", {"per_page": args.get("limit", 10), "_fields": "code"})
    return {"codes": [coupon["code"] for coupon in coupons]}


@hookimpl
def tool_pack_files() -> PackFiles:
    return PackFiles(manifest=HERE / "tools.yaml", schemas=HERE / "schemas")


@hookimpl
def register_tools(register: Register) -> None:
    for name in TOOL_NAMES:
        register(name, coupon_codes)
'''


def _schema(title: str, properties: dict, required: list[str] | None = None) -> dict:
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": title + ".",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        doc["required"] = required
    return doc


def write_pack(root: Path, package: str, *, tool: str = COUPON_CODES, output_schema: bool = True) -> Path:
    """Write a pack named ``package`` with one tool under ``root``; returns the project directory.

    ``tool`` may name a built-in (a collision); ``output_schema=False`` leaves a schema out.
    """
    project = root / package
    pkg = project / "src" / package
    (pkg / "schemas").mkdir(parents=True)
    (pkg / "__init__.py").write_text(_MODULE.replace("TOOL_NAMES", repr([tool])), encoding="utf-8")
    manifest = {"tools": [{
        "name": tool,
        "title": "Coupon codes",
        "description": "The codes of the store's coupons, nothing else.",
        "annotations": {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True},
    }]}
    (pkg / "tools.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    # $ref into the connector's shared defs: a pack reuses them like a built-in tool does.
    limit = {"$ref": "defs/id.json", "maximum": 100, "description": "How many codes at most."}
    schemas = {f"{tool}.input.json": _schema("Coupon codes input", {"limit": limit})}
    if output_schema:
        codes = {"type": "array", "items": {"type": "string"}, "description": "Coupon codes."}
        schemas[f"{tool}.output.json"] = _schema("Coupon codes output", {"codes": codes}, ["codes"])
    for name, doc in schemas.items():
        (pkg / "schemas" / name).write_text(json.dumps(doc, indent=2), encoding="utf-8")
    (project / "pyproject.toml").write_text(
        f"""[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "{package.replace('_', '-')}"
version = "1.0"

[project.entry-points."woo_connector.tools"]
{package} = "{package}"

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]
""",
        encoding="utf-8",
    )
    return project
