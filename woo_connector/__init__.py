"""woo-connector: a WooCommerce REST API v3 connector for workflow engines and AI agents."""

from . import errors
from .errors import *  # noqa: F403  (the error tree is public; errors.__all__ lists it once)
from .hookspecs import hookimpl
from .registry import Registry, ToolSpec, load

__all__ = ["load", "Registry", "ToolSpec", "hookimpl", *errors.__all__]
