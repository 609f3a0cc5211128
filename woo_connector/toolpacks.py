"""The plugin manager that collects tool functions. Built on demand: importing has no side effects."""

from __future__ import annotations

import importlib

import pluggy

from . import hookspecs

# Built-in tools go through the same hook a third-party plugin would use.
DEFAULT_PLUGINS = (
    "woo_connector.tools.orders",
    "woo_connector.tools.products",
    "woo_connector.tools.customers",
    "woo_connector.tools.coupons",
    "woo_connector.tools.raw",
)


def get_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    pm.check_pending()
    return pm
