"""woo-connector: a WooCommerce REST API v3 connector for workflow engines and AI agents."""

from .errors import (
    AuthFailedError,
    BadResponseError,
    ConfigError,
    InvalidInputError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RedirectRefusedError,
    RequestTimeoutError,
    ServerError,
    UnknownToolError,
    WooConnectorError,
)
from .hookspecs import hookimpl
from .registry import ContractError, Registry, ToolSpec, load

__all__ = [
    "load",
    "Registry",
    "ToolSpec",
    "hookimpl",
    "WooConnectorError",
    "ContractError",
    "InvalidInputError",
    "UnknownToolError",
    "ConfigError",
    "AuthFailedError",
    "PermissionDeniedError",
    "NotFoundError",
    "InvalidRequestError",
    "RateLimitedError",
    "ServerError",
    "NetworkError",
    "RequestTimeoutError",
    "BadResponseError",
    "RedirectRefusedError",
]
