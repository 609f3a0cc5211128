"""Every error the connector raises, grouped by what the caller should do about it.

A host needs one decision from an error: retry later, fix something, or give up. Each class
carries a stable machine ``code`` for that decision, a ``retryable`` flag, and when the error
came from the store, the HTTP status and WooCommerce's own error ``code`` (``woo_code``).
Messages say what to do next and never contain secrets: anything URL-shaped passes through
:func:`woo_connector.redact.redact_text` before it lands here.

::

    WooConnectorError                      code               retryable
    ├── InvalidInputError                  invalid_input      no   (payload failed its schema)
    ├── UnknownToolError                   unknown_tool       no
    ├── ConfigError                        config_error       no   (connection fields are wrong)
    ├── AuthFailedError                    auth_failed        no   (401: key, secret, header stripped)
    ├── PermissionDeniedError              permission_denied  no   (403, read-only key writing)
    ├── NotFoundError                      not_found          no   (404 on a resource)
    ├── InvalidRequestError                invalid_request    no   (400/409/422, 501, rest_no_route)
    ├── RateLimitedError                   rate_limited       yes  (429; retry_after seconds)
    ├── ServerError                        server_error       yes* (5xx; *not for writes)
    ├── NetworkError                       network_error      yes  (DNS, refused, reset, TLS)
    │   └── RequestTimeoutError            timeout            yes
    ├── BadResponseError                   bad_response       no   (not JSON, not WooCommerce)
    └── RedirectRefusedError               redirect_refused   no   (store answered with a redirect)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "WooConnectorError",
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
    "InternalError",
]


class WooConnectorError(Exception):
    """Base of the family; ``to_dict()`` is what hosts and the CLI hand to users."""

    code: str = "error"
    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        woo_code: str | None = None,
        details: dict[str, Any] | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.woo_code = woo_code
        self.details: dict[str, Any] = dict(details or {})
        if retryable is not None:
            self.retryable = retryable

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "retryable": self.retryable,
            "http_status": self.http_status,
            "woo_code": self.woo_code,
            "details": self.details,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidInputError(WooConnectorError):
    code = "invalid_input"


class UnknownToolError(WooConnectorError):
    code = "unknown_tool"


class ConfigError(WooConnectorError):
    code = "config_error"


class AuthFailedError(WooConnectorError):
    code = "auth_failed"


class PermissionDeniedError(WooConnectorError):
    code = "permission_denied"


class NotFoundError(WooConnectorError):
    code = "not_found"


class InvalidRequestError(WooConnectorError):
    code = "invalid_request"


class RateLimitedError(WooConnectorError):
    code = "rate_limited"
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after
        if retry_after is not None:
            self.details.setdefault("retry_after", retry_after)


class ServerError(WooConnectorError):
    code = "server_error"
    retryable = True


class NetworkError(WooConnectorError):
    code = "network_error"
    retryable = True


class RequestTimeoutError(NetworkError):
    code = "timeout"


class BadResponseError(WooConnectorError):
    code = "bad_response"


class RedirectRefusedError(WooConnectorError):
    code = "redirect_refused"

    def __init__(self, message: str, *, location: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.location = location
        if location is not None:
            self.details.setdefault("location", location)


class InternalError(WooConnectorError):
    """A bug inside a tool function (a KeyError on our own data): the connector's fault, not the
    store's; ``details.tool`` names the tool. A store answer of the wrong shape is BadResponseError."""

    code = "internal_error"
