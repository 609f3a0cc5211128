"""The seam between the sandbox's transport (server, auth, faults) and its resources.

The transport parses an HTTP request into a :class:`Request`, authenticates it, and hands it to
the route a resource module registered. A route returns a :class:`Response` or raises
:class:`ApiError`, which the transport serialises exactly as WordPress does
(``{"code", "message", "data": {"status", ...}}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class ApiKey:
    """A WooCommerce REST key as the store sees it: its owner's role limits what it may do."""

    consumer_key: str
    consumer_secret: str = field(repr=False)
    permissions: str = "read_write"  # "read" | "write" | "read_write"
    user_id: int = 1
    role: str = "administrator"  # "administrator" | "shop_manager"


@dataclass
class Request:
    method: str  # upper case
    route: str  # the path after /wp-json/wc/v3, e.g. "/orders/12"; "" for the namespace index
    query: dict[str, Any]  # PHP-style parsed: "a[0]=x&a[1]=y" -> {"a": ["x", "y"]}; last repeat wins
    body: Any  # parsed JSON or form body, or None
    headers: dict[str, str]
    base_url: str  # "http://127.0.0.1:8080" as the client addressed it
    key: ApiKey | None = None
    raw_query: str = ""  # the query string as sent, for Link headers that echo it
    params: dict[str, str] = field(default_factory=dict)  # named groups of the route's regex
    encoded_ok: bool = False
    """Set by the HTTP site when the answer only gets JSON-encoded (no ``_fields``, no ``_envelope``):
    a list handler may then answer with a :class:`.list_cache.EncodedPage` of cached bytes."""
    cut: list[str] | None = None
    """The ``_fields`` names while a list page is rendered: a document's top-level render keeps
    only these before rebasing its URLs (dispatch cuts the answer to them anyway)."""

    @property
    def fields(self) -> dict[str, Any]:
        """The body as an object of fields; WordPress treats any other body as no fields at all."""
        return self.body if isinstance(self.body, dict) else {}


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class ApiError(Exception):
    """A WordPress REST error: serialised as {"code", "message", "data": {"status", **data}}."""

    def __init__(self, status: int, code: str, message: str, data: dict[str, Any] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = dict(data or {})

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}


Handler = Callable[[Any, Request], Response]
"""A route handler: ``handler(store, request) -> Response``."""
