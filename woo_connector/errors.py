"""Every error the connector raises, grouped by what the caller should do about it.

A host needs one decision from an error: retry later, fix something, or give up. Each class
carries a stable machine ``code`` for that decision, a ``retryable`` flag, a machine ``reason``
set where the error is raised (``critical_error``, ``not_sent``, ``wrong_secret`` ...), and when
the error came from the store, the HTTP status and WooCommerce's own error ``code``
(``woo_code``). Code that decides (the retry policy, verify) reads class, ``reason`` and
``sent``, never the message. Messages say what to do next and never contain secrets: anything
from the store or a URL passes through :mod:`woo_connector.redact` before it lands here.

The tree below is rendered from the classes by :func:`render_tree` (a test keeps it in step,
and ``schemas/defs/error.json`` lists the same codes)::

    WooConnectorError                      code               retryable
    ├── InvalidInputError                  invalid_input      no   (payload failed its schema)
    ├── UnknownToolError                   unknown_tool       no   (no tool of that name)
    ├── ConfigError                        config_error       no   (connection fields are wrong)
    │   └── ContractError                  contract_error     no   (manifest, schemas and code disagree)
    ├── AuthFailedError                    auth_failed        no   (401: key, secret, header stripped)
    ├── PermissionDeniedError              permission_denied  no   (403, read-only key writing)
    ├── NotFoundError                      not_found          no   (404 on a resource or a wrong site_url)
    ├── InvalidRequestError                invalid_request    no   (400/409/422, 501, a named 5xx refusal)
    ├── RateLimitedError                   rate_limited       yes  (429; retry_after seconds)
    ├── ServerError                        server_error       yes* (5xx on a read; *no for a named refusal)
    ├── NetworkError                       network_error      yes  (DNS, refused, reset, TLS)
    │   └── RequestTimeoutError            timeout            yes  (no whole answer within timeout)
    ├── OutcomeUnknownError                outcome_unknown    no   (a write was sent, no answer: look before retrying)
    ├── BadResponseError                   bad_response       no   (not JSON, not WooCommerce)
    ├── RedirectRefusedError               redirect_refused   no   (store answered with a redirect)
    └── InternalError                      internal_error     no   (a bug inside a tool function)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "WooConnectorError",
    "InvalidInputError",
    "UnknownToolError",
    "ConfigError",
    "ContractError",
    "AuthFailedError",
    "PermissionDeniedError",
    "NotFoundError",
    "InvalidRequestError",
    "RateLimitedError",
    "ServerError",
    "NetworkError",
    "RequestTimeoutError",
    "OutcomeUnknownError",
    "BadResponseError",
    "RedirectRefusedError",
    "InternalError",
]


class WooConnectorError(Exception):
    """Base of the family; ``to_dict()`` is what hosts and the CLI hand to users."""

    code: str = "error"
    retryable: bool = False
    summary: str = ""
    reason: str | None = None

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        woo_code: str | None = None,
        details: dict[str, Any] | None = None,
        retryable: bool | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.woo_code = woo_code
        self.details: dict[str, Any] = dict(details or {})
        if retryable is not None:
            self.retryable = retryable
        if reason is not None:
            self.reason = reason

    def with_message(self, message: str) -> "WooConnectorError":
        """Replace the message (verify words a diagnosis better than the raw 401 does)."""
        self.message = message
        self.args = (message,)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "retryable": self.retryable,
            "reason": self.reason,
            "http_status": self.http_status,
            "woo_code": self.woo_code,
            "details": self.details,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, reason={self.reason!r}, message={self.message!r})"


class InvalidInputError(WooConnectorError):
    code = "invalid_input"
    summary = "payload failed its schema"


class UnknownToolError(WooConnectorError):
    code = "unknown_tool"
    summary = "no tool of that name"


class ConfigError(WooConnectorError):
    code = "config_error"
    summary = "connection fields are wrong"


class ContractError(ConfigError):
    """The manifest, the schemas and the code disagree: a packaging bug, not a user's."""

    code = "contract_error"
    summary = "manifest, schemas and code disagree"


class AuthFailedError(WooConnectorError):
    code = "auth_failed"
    summary = "401: key, secret, header stripped"


class PermissionDeniedError(WooConnectorError):
    code = "permission_denied"
    summary = "403, read-only key writing"


class NotFoundError(WooConnectorError):
    code = "not_found"
    summary = "404 on a resource or a wrong site_url"


class InvalidRequestError(WooConnectorError):
    code = "invalid_request"
    summary = "400/409/422, 501, a named 5xx refusal"


class RateLimitedError(WooConnectorError):
    code = "rate_limited"
    retryable = True
    summary = "429; retry_after seconds"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after
        if retry_after is not None:
            self.details.setdefault("retry_after", retry_after)


class ServerError(WooConnectorError):
    code = "server_error"
    retryable = True
    summary = "5xx on a read; *no for a named refusal"


class NetworkError(WooConnectorError):
    code = "network_error"
    retryable = True
    summary = "DNS, refused, reset, TLS"


class RequestTimeoutError(NetworkError):
    code = "timeout"
    summary = "no whole answer within timeout"


class OutcomeUnknownError(WooConnectorError):
    """A write reached (or may have reached) the store and no answer came back.

    WooCommerce has no idempotency keys: sending it again may create a second product, order
    note or refund. ``details.look_for`` names what to search for before deciding.
    """

    code = "outcome_unknown"
    summary = "a write was sent, no answer: look before retrying"


class BadResponseError(WooConnectorError):
    code = "bad_response"
    summary = "not JSON, not WooCommerce"


class RedirectRefusedError(WooConnectorError):
    code = "redirect_refused"
    summary = "store answered with a redirect"

    def __init__(self, message: str, *, location: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.location = location
        if location is not None:
            self.details.setdefault("location", location)


class InternalError(WooConnectorError):
    """A bug inside a tool function (a KeyError on our own data): the connector's fault, not the
    store's; ``details.tool`` names the tool. A store answer of the wrong shape is BadResponseError."""

    code = "internal_error"
    summary = "a bug inside a tool function"


def error_classes(root: type[WooConnectorError] = WooConnectorError) -> list[type[WooConnectorError]]:
    """Every class of the family, depth first in definition order (the base first)."""
    out = [root]
    for sub in root.__subclasses__():
        if sub.__module__ == __name__:
            out.extend(error_classes(sub))
    return out


def render_tree() -> str:
    """The class tree of the module docstring, from the classes themselves."""
    lines = [f"{'WooConnectorError':<39}{'code':<19}retryable"]

    def walk(cls: type[WooConnectorError], prefix: str) -> None:
        subs = [s for s in cls.__subclasses__() if s.__module__ == __name__]
        for index, sub in enumerate(subs):
            last = index == len(subs) - 1
            branch = prefix + ("└── " if last else "├── ")
            flag = "yes" if sub.retryable else "no"
            if sub is ServerError:
                flag = "yes*"
            lines.append(f"{branch + sub.__name__:<39}{sub.code:<19}{flag:<5}({sub.summary})")
            walk(sub, prefix + ("    " if last else "│   "))

    walk(WooConnectorError, "")
    return "\n".join(lines)
