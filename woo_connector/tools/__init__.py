"""The built-in tool pack: one module per WooCommerce resource, each registering its tools.

Loaded like any installed tool pack (``toolpacks.load_pack``): this package says where its data
is, and every submodule that implements ``register_tools`` is picked up without a list to edit.
"""

from __future__ import annotations

from ..hookspecs import PackFiles, hookimpl
from ..resources import manifest_path, schemas_dir


@hookimpl
def tool_pack_files() -> PackFiles:
    return PackFiles(manifest=manifest_path(), schemas=schemas_dir())
