"""How the connector proves who it is to a WooCommerce store.

WooCommerce accepts three things, and which one works depends on the scheme:

* HTTPS: HTTP Basic with the consumer key and secret (or the same pair as query parameters).
* Plain HTTP: only OAuth 1.0a "one-legged" signatures. Basic and query keys are silently ignored
  there and the store answers 401 ``woocommerce_rest_cannot_view`` (captures 196, 197), which
  looks like a wrong key when it is really the wrong method, so we refuse up front.

The OAuth signer reproduces ``WC_REST_Authentication::check_oauth_signature`` rather than
RFC 5849, because the two differ: WooCommerce signs the parameters PHP *parsed* from the query
(``status[]=a`` becomes ``status[0]``), sorts only top-level names with ``strcmp``, encodes array
keys as ``status%255B0%255D`` and never includes a JSON body. A signer that follows the RFC is
refused for any list filter (capture 201).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

import requests
from oauthlib.common import generate_nonce
from requests.auth import AuthBase, HTTPBasicAuth

from .errors import ConfigError
from .query import php_name

if TYPE_CHECKING:
    from .connection import Connection

__all__ = [
    "make_auth",
    "AUTH_MODES",
    "AUTH_MODE_NAMES",
    "AuthMode",
    "auth_hint",
    "resolve_mode",
    "WooBasicAuth",
    "QueryKeyAuth",
    "WooOAuth1",
    "php_parse_query",
    "signature_base_string",
    "hmac_signature",
    "SIGNATURE_METHODS",
]

SIGNATURE_METHODS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
_QUERY_KEY_NAMES = ("consumer_key", "consumer_secret")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# A PHP query value: a string, or an (ordered) array of further values.
PhpValue = Union[str, "PhpArray"]
PhpArray = dict[Any, Any]


@dataclass(frozen=True)
class AuthMode:
    """One way of proving the key, and what the connector needs to know about it.

    ``schemes``: where WooCommerce honours it (Basic and query keys are ignored over http).
    ``hint_401``: what to check when the store answers 401 without naming a reason.
    ``header``: the credential travels in the Authorization header, which some hosts strip.
    """

    signer: Callable[["Connection"], AuthBase]
    schemes: frozenset[str]
    hint_401: str
    header: bool


AUTH_MODES: dict[str, AuthMode] = {
    "basic": AuthMode(
        lambda c: WooBasicAuth(c.consumer_key, c.consumer_secret),
        frozenset({"https"}),
        " If the key is right, the host may strip the Authorization header: set auth to 'query'.",
        header=True,
    ),
    "query": AuthMode(
        lambda c: QueryKeyAuth(c.consumer_key, c.consumer_secret),
        frozenset({"https"}),
        " Check the consumer key; it travels in the query string.",
        header=False,
    ),
    "oauth1": AuthMode(
        lambda c: WooOAuth1(c.consumer_key, c.consumer_secret),
        frozenset({"http", "https"}),
        " Over plain http the store needs OAuth 1.0a; check the consumer key.",
        header=False,
    ),
}
AUTO_BY_SCHEME = {"https": "basic", "http": "oauth1"}
"""What ``auth: auto`` picks: the method WooCommerce itself uses for the scheme."""
AUTH_MODE_NAMES = ("auto", *AUTH_MODES)


def resolve_mode(conn: "Connection") -> str:
    """The concrete mode for a connection: ``auto`` resolved by scheme, others as given."""
    return AUTO_BY_SCHEME["https" if conn.is_https else "http"] if conn.auth == "auto" else conn.auth


def make_auth(conn: "Connection") -> tuple[AuthBase, str]:
    """Pick the method the store will actually honour for this connection's scheme."""
    name = resolve_mode(conn)
    mode = AUTH_MODES.get(name)
    if mode is None:
        raise ConfigError(f"Unknown auth mode {name!r}.", details={"fields": ["auth"]}, reason="config")
    scheme = "https" if conn.is_https else "http"
    if scheme not in mode.schemes:
        raise ConfigError(
            f"WooCommerce ignores auth '{name}' over plain http:// and answers 401. "
            "Use an https:// site_url, or set auth to 'oauth1' (or 'auto').",
            details={"fields": ["auth", "site_url"]},
            reason="https_required",
        )
    return mode.signer(conn), name


def auth_hint(auth_method: str | None) -> str:
    """The 401 hint of a mode (empty for an unknown one)."""
    mode = AUTH_MODES.get(auth_method or "")
    return mode.hint_401 if mode else ""


class WooBasicAuth(HTTPBasicAuth):
    """HTTP Basic whose repr names the key but never the secret (tracebacks print auth objects)."""

    def __repr__(self) -> str:
        return f"WooBasicAuth(consumer_key={_short_key(self.username)!r})"

    __str__ = __repr__


class QueryKeyAuth(AuthBase):
    """Key and secret as query parameters: for HTTPS hosts that strip the Authorization header."""

    def __init__(self, consumer_key: str, consumer_secret: str) -> None:
        self.consumer_key = consumer_key
        self._consumer_secret = consumer_secret

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        # Strip any earlier copy so a re-applied auth (a retry) never sends the pair twice.
        scheme, netloc, path, query, fragment = urlsplit(r.url or "")
        kept = [p for p in _split_query(query) if _raw_name(p) not in _QUERY_KEY_NAMES]
        kept.append("consumer_key=" + _rawurlencode(self.consumer_key))
        kept.append("consumer_secret=" + _rawurlencode(self._consumer_secret))
        r.url = urlunsplit((scheme, netloc, path, "&".join(kept), fragment))
        return r

    def __repr__(self) -> str:
        return f"QueryKeyAuth(consumer_key={_short_key(self.consumer_key)!r})"

    __str__ = __repr__


class WooOAuth1(AuthBase):
    """One-legged OAuth 1.0a signed exactly the way WooCommerce verifies it.

    Every call signs afresh with a new nonce and timestamp, dropping any ``oauth_*`` parameters
    an earlier signing left in the URL: WooCommerce refuses a nonce it has seen in the last
    15 minutes (capture 209), so a retried request must never replay one. (Redirects are never
    followed: the client refuses them, so no hop can reuse or leak a signature.)

    ``placement`` "query" (the default, what WooCommerce documents and what survives proxies
    that drop Authorization) or "header" (``Authorization: OAuth ...``, capture 199).
    """

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        *,
        signature_method: str = "HMAC-SHA256",
        placement: str = "query",
        nonce_factory: Callable[[], str] = generate_nonce,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if signature_method not in SIGNATURE_METHODS:
            raise ConfigError(
                f"signature_method must be one of {', '.join(SIGNATURE_METHODS)}; "
                f"got {signature_method!r}."
            )
        if placement not in ("query", "header"):
            raise ConfigError(f"placement must be 'query' or 'header'; got {placement!r}.")
        self.consumer_key = consumer_key
        self._consumer_secret = consumer_secret
        self.signature_method = signature_method
        self.placement = placement
        self.nonce_factory = nonce_factory
        self.clock = clock

    def __repr__(self) -> str:
        return (
            f"WooOAuth1(consumer_key={_short_key(self.consumer_key)!r}, "
            f"signature_method={self.signature_method!r}, placement={self.placement!r})"
        )

    __str__ = __repr__

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        url, header = self.sign(
            r.method or "GET", r.url or "", body=r.body, content_type=r.headers.get("Content-Type")
        )
        r.url = url
        if header is None:
            r.headers.pop("Authorization", None)
        else:
            r.headers["Authorization"] = header
        return r

    def oauth_params(self) -> list[tuple[str, str]]:
        """A fresh set of protocol parameters, in the order the captures show them."""
        return [
            ("oauth_nonce", str(self.nonce_factory())),
            ("oauth_timestamp", str(int(self.clock()))),
            ("oauth_version", "1.0"),
            ("oauth_signature_method", self.signature_method),
            ("oauth_consumer_key", self.consumer_key),
        ]

    def sign(
        self,
        method: str,
        url: str,
        *,
        body: Any = None,
        content_type: str | None = None,
        oauth: Iterable[tuple[str, str]] | None = None,
    ) -> tuple[str, str | None]:
        """Return the URL to send and the Authorization header (None in query placement).

        ``oauth`` pins the protocol parameters (tests replay captured nonces with it).
        """
        scheme, netloc, path, query, fragment = urlsplit(url)
        kept = [p for p in _split_query(query) if not _raw_name(p).startswith("oauth_")]
        protocol = list(oauth) if oauth is not None else self.oauth_params()
        protocol = [(k, v) for k, v in protocol if k != "oauth_signature"]

        signed_query = "&".join(kept)
        params = php_parse_query(signed_query)
        _merge_form_body(params, body, content_type)
        for name, value in protocol:
            params[name] = value
        base = signature_base_string(method, urlunsplit((scheme, netloc, path, "", "")), params)
        signature = hmac_signature(base, self._consumer_secret, self.signature_method)

        if self.placement == "header":
            parts = protocol + [("oauth_signature", signature)]
            header = "OAuth " + ", ".join(f'{k}="{_rawurlencode(v)}"' for k, v in parts)
            return urlunsplit((scheme, netloc, path, signed_query, fragment)), header
        pairs = kept + [f"{k}={_rawurlencode(v)}" for k, v in protocol]
        pairs.append("oauth_signature=" + _rawurlencode(signature))
        return urlunsplit((scheme, netloc, path, "&".join(pairs), fragment)), None


def php_parse_query(query: str) -> PhpArray:
    """Parse a query string into what PHP's ``$_GET`` holds, since that is what WooCommerce signs.

    Repeated plain names keep the last value, ``name[]`` appends, ``name[k]`` nests, and dots or
    spaces in a top-level name become underscores, exactly as ``parse_str`` does.
    """
    result: PhpArray = {}
    for pair in _split_query(query):
        raw_name, _, raw_value = pair.partition("=")
        name, value = unquote_plus(raw_name), unquote_plus(raw_value)
        base, keys = php_name(name)
        if not base:
            continue
        if not keys:
            result[base] = value
            continue
        node = result.get(base)
        if not isinstance(node, dict):
            node = result[base] = {}
        for position, key in enumerate(keys):
            last = position == len(keys) - 1
            if key == "":
                key = _next_index(node)
            else:
                key = _php_key(key)
            if last:
                node[key] = value
            else:
                child = node.get(key)
                if not isinstance(child, dict):
                    child = node[key] = {}
                node = child
    return result


def signature_base_string(method: str, base_url: str, params: PhpArray) -> str:
    """WooCommerce's string to sign: METHOD & rawurlencode(url) & joined, double-encoded params.

    The url is scheme://host[:port]/path as the server sees it (default ports dropped, the path
    kept as sent). ``params`` is the PHP array (see :func:`php_parse_query`) plus the oauth_*
    protocol values, without ``oauth_signature``.
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{parts.port}"
    url = f"{parts.scheme.lower()}://{host}{parts.path or '/'}"
    ordered = {k: params[k] for k in sorted(params, key=_strcmp_key) if k != "oauth_signature"}
    normalized = {_rawurlencode(str(k)): _encode_leaves(v) for k, v in ordered.items()}
    joined = "%26".join(_join_with_equals_sign(normalized))
    return f"{method.upper()}&{_rawurlencode(url)}&{joined}"


def hmac_signature(
    base_string: str, consumer_secret: str, signature_method: str = "HMAC-SHA256"
) -> str:
    """base64(HMAC(secret + "&", base)): WooCommerce does not escape the secret, unlike RFC 5849."""
    digest = SIGNATURE_METHODS[signature_method]
    mac = hmac.new((consumer_secret + "&").encode(), base_string.encode(), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def _join_with_equals_sign(params: PhpArray, prefix: str = "") -> list[str]:
    # Mirrors join_with_equals_sign(): nested keys join raw as key%5Bsub%5D, then each
    # "key=value" string is rawurlencoded once more (so %5B becomes %255B).
    out: list[str] = []
    for key, value in params.items():
        name = f"{prefix}%5B{key}%5D" if prefix else str(key)
        if isinstance(value, dict):
            out.extend(_join_with_equals_sign(value, name))
        else:
            out.append(_rawurlencode(f"{name}={value}"))
    return out


def _encode_leaves(value: PhpValue) -> PhpValue:
    # wc_rest_urlencode_rfc3986 maps over arrays: leaf values are encoded, nested keys are not.
    if isinstance(value, dict):
        return {k: _encode_leaves(v) for k, v in value.items()}
    return _rawurlencode(value)


def _merge_form_body(params: PhpArray, body: Any, content_type: str | None) -> None:
    # PHP fills $_POST (which WooCommerce signs too) only from form bodies; JSON is never signed.
    if not body or "application/x-www-form-urlencoded" not in (content_type or "").lower():
        return
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    params.update(php_parse_query(text))


def _php_key(key: str) -> Any:
    """PHP turns canonical decimal array keys into integers ("01" stays a string)."""
    if key.isdigit() and (key == "0" or not key.startswith("0")):
        return int(key)
    if key.startswith("-") and key[1:].isdigit() and not key[1:].startswith("0"):
        return int(key)
    return key


def _next_index(node: PhpArray) -> int:
    ints = [k for k in node if isinstance(k, int)]
    return max(ints) + 1 if ints else 0


def _strcmp_key(key: Any) -> bytes:
    """uksort($params, 'strcmp'): byte-wise order of the names as strings."""
    return str(key).encode("utf-8")


def _rawurlencode(value: str) -> str:
    """PHP rawurlencode: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded."""
    return quote(str(value), safe="-_.~")


def _split_query(query: str) -> list[str]:
    return [p for p in query.split("&") if p]


def _raw_name(pair: str) -> str:
    return unquote_plus(pair.partition("=")[0])


def _short_key(key: str) -> str:
    """Enough of the consumer key to tell keys apart in a log, never the whole thing."""
    return key[:7] + "..." if len(key) > 10 else "***"
