"""The sandbox's API-key check, a line-by-line port of WooCommerce's class-wc-rest-authentication.php.

Clients are tested against this, so it must refuse exactly what a real store refuses and with the
same bodies (captures 189-216): Basic and ``consumer_key`` query keys only over HTTPS, OAuth 1.0a
over either scheme, a 15-minute timestamp window, nonce replay refused, read-only keys refused on
writes. The quirks are deliberate: a wrong key over Basic is not an error (the request just goes
on unauthenticated, capture 190) while a wrong secret is (capture 191); OAuth signs PHP's parsed
array (``status[0]``), so a client that signs ``status[]`` fails (capture 201).

The clock is injectable so the real captures, whose timestamps are long past, serve as test vectors.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, unquote_plus

from .wire import ApiError, ApiKey

NONCE_WINDOW = 15 * 60
"""Seconds either side of now that an OAuth timestamp may be (WooCommerce's $valid_window)."""

OAUTH_REQUIRED = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)

_OAUTH_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')


def _auth_error(message: str, code: str = "woocommerce_rest_authentication_error") -> ApiError:
    return ApiError(401, code, message)


@dataclass
class AuthRequest:
    """What the check reads from a request: PHP's $_SERVER, $_GET and $_POST, in short."""

    method: str
    https: bool
    request_uri: str  # raw, as sent: path plus "?query"
    get: Mapping[str, Any]  # PHP-parsed query
    post: Mapping[str, Any]  # PHP-parsed form body (POST only, as PHP fills $_POST)
    authorization: str | None


@dataclass
class AuthResult:
    """The user the key maps to (``key``) and the error WooCommerce would report, either or none."""

    key: ApiKey | None = None
    error: ApiError | None = None
    method: str | None = None  # "basic_auth" | "oauth1"


def rawurlencode(value: Any) -> str:
    """PHP's rawurlencode (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay)."""
    return quote(str(value), safe="")


def _rfc3986(value: Any) -> Any:
    """wc_rest_urlencode_rfc3986: rawurlencode, recursing into array *values* but not keys."""
    if isinstance(value, list):
        return [_rfc3986(v) for v in value]
    if isinstance(value, dict):
        return {k: _rfc3986(v) for k, v in value.items()}
    return rawurlencode(value).replace("+", " ").replace("%7E", "~")


def _php_items(value: list[Any] | dict[Any, Any]) -> list[tuple[str, Any]]:
    if isinstance(value, list):
        return [(str(i), v) for i, v in enumerate(value)]
    return [(str(k), v) for k, v in value.items()]


def _join_with_equals_sign(params: list[tuple[str, Any]], out: list[str], prefix: str = "") -> list[str]:
    """WooCommerce's join_with_equals_sign: nested keys as ``top%5Bkey%5D``, then encoded again."""
    for key, value in params:
        if prefix:
            key = f"{prefix}%5B{key}%5D"
        if isinstance(value, (list, dict)):
            _join_with_equals_sign(_php_items(value), out, key)
        else:
            out.append(_rfc3986(f"{key}={value}"))
    return out


def signature_base_string(method: str, base_uri: str, params: Mapping[str, Any]) -> str:
    """The string WooCommerce signs; ``params`` are PHP-parsed and exclude oauth_signature."""
    ordered = sorted(params.items(), key=lambda item: str(item[0]).encode("utf-8"))  # uksort strcmp
    normalised = [(_rfc3986(str(k)), _rfc3986(v)) for k, v in ordered]
    query = "%26".join(_join_with_equals_sign(normalised, []))
    return f"{method.upper()}&{rawurlencode(base_uri)}&{query}"


def oauth_signature(
    method: str, base_uri: str, params: Mapping[str, Any], consumer_secret: str, algorithm: str = "HMAC-SHA1"
) -> str:
    """Base64 HMAC over :func:`signature_base_string`, keyed with ``secret&`` (no token secret)."""
    digest = hashlib.sha256 if algorithm == "HMAC-SHA256" else hashlib.sha1
    text = signature_base_string(method, base_uri, params)
    mac = hmac.new(f"{consumer_secret}&".encode(), text.encode("utf-8"), digest).digest()
    return base64.b64encode(mac).decode("ascii")


def parse_oauth_header(header: str) -> dict[str, str]:
    """WooCommerce's parse_header: only ``OAuth `` headers, values urldecoded (plus is a space)."""
    if not header.startswith("OAuth "):
        return {}
    params: dict[str, str] = {}
    for name, _raw, quoted, bare in _OAUTH_HEADER_PARAM.findall(header):
        params[name] = unquote_plus(quoted if quoted else bare)
    params.pop("realm", None)
    return params


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """PHP_AUTH_USER / PHP_AUTH_PW as PHP derives them: lenient base64, split at the first colon."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip() + "==", validate=False).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    if ":" not in decoded:
        return None
    user, password = decoded.split(":", 1)
    return user, password


def is_request_to_rest_api(request_uri: str) -> bool:
    """WooCommerce only authenticates URIs containing ``wp-json/wc/`` (so ?rest_route= is anonymous)."""
    return "wp-json/wc/" in request_uri or "wp-json/wc-" in request_uri


def check_permissions(key: ApiKey, method: str) -> ApiError | None:
    """The key's read/write flag against the HTTP method (capture 213-216 for a read-only write)."""
    method = method.upper()
    if method in ("HEAD", "GET"):
        if key.permissions not in ("read", "read_write"):
            return _auth_error("The API key provided does not have read permissions.")
    elif method in ("POST", "PUT", "PATCH", "DELETE"):
        if key.permissions not in ("write", "read_write"):
            return _auth_error("The API key provided does not have write permissions.")
    elif method != "OPTIONS":
        return _auth_error("Unknown request method.")
    return None


class Authenticator:
    """Resolves a request to an API key the way WooCommerce's determine_current_user filter does.

    ``keys`` is read live (the store may add keys); ``home_url`` is the site URL WordPress signs
    against, whatever Host the client used; nonces are remembered per key as WooCommerce keeps
    them in its key table, keyed by timestamp (a second nonce at the same second replaces the first).
    """

    def __init__(
        self,
        keys: Mapping[str, ApiKey],
        home_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.keys = keys
        self.home_url = home_url.rstrip("/")
        self.clock = clock
        self._nonces: dict[str, dict[int, str]] = {}
        self._lock = threading.Lock()

    def _lookup(self, consumer_key: Any) -> ApiKey | None:
        if not isinstance(consumer_key, str):
            return None
        return self.keys.get(consumer_key.strip())

    def authenticate(self, req: AuthRequest) -> AuthResult:
        result = AuthResult()
        if not is_request_to_rest_api(req.request_uri):
            return result
        if req.https:
            self._basic(req, result)
            if result.key is not None:
                return result
        self._oauth(req, result)
        return result

    def _basic(self, req: AuthRequest, result: AuthResult) -> None:
        result.method = "basic_auth"
        key_in, secret_in = "", ""
        if req.get.get("consumer_key") and req.get.get("consumer_secret"):
            key_in, secret_in = req.get["consumer_key"], req.get["consumer_secret"]
        if not key_in:
            creds = basic_credentials(req.authorization)
            if creds and creds[0] and creds[1]:
                key_in, secret_in = creds
        if not key_in or not secret_in or not isinstance(secret_in, str):
            return
        key = self._lookup(key_in)
        if key is None:
            return
        if not hmac.compare_digest(key.consumer_secret.encode(), secret_in.encode()):
            result.error = _auth_error("Consumer secret is invalid.")
            return
        result.key = key

    def _oauth_params(self, req: AuthRequest, result: AuthResult) -> dict[str, Any]:
        params: dict[str, Any] = {**req.get, **req.post}
        if req.authorization:
            params.update(parse_oauth_header(req.authorization.strip()))
        missing = [name for name in OAUTH_REQUIRED if not params.get(name) or params.get(name) == "0"]
        if len(missing) == len(OAUTH_REQUIRED):
            return {}
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            result.error = _auth_error(
                f"Missing OAuth {noun} {', '.join(missing)}", "woocommerce_rest_authentication_missing_parameter"
            )
            return {}
        return params

    def _oauth(self, req: AuthRequest, result: AuthResult) -> None:
        result.method = "oauth1"
        params = self._oauth_params(req, result)
        if not params:
            return
        key = self._lookup(params["oauth_consumer_key"])
        if key is None:
            result.error = _auth_error("Consumer key is invalid.")
            return
        error = self._check_signature(req, key, params)
        if error is None:
            error = self._check_timestamp_and_nonce(key, params["oauth_timestamp"], params["oauth_nonce"])
        if error is not None:
            result.error = error
            return
        result.key = key

    def _check_signature(self, req: AuthRequest, key: ApiKey, params: dict[str, Any]) -> ApiError | None:
        path = req.request_uri.split("?", 1)[0].split("#", 1)[0]
        rest = self.home_url.partition("://")[2]
        base_uri = f"{'https' if req.https else 'http'}://{rest}/{path.lstrip('/')}"
        provided = params.pop("oauth_signature")
        provided = unquote(str(provided).replace(" ", "+")) if isinstance(provided, str) else ""
        algorithm = params.get("oauth_signature_method")
        if algorithm not in ("HMAC-SHA1", "HMAC-SHA256"):
            return _auth_error("Invalid signature - signature method is invalid.")
        expected = oauth_signature(req.method, base_uri, params, key.consumer_secret, algorithm)
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            return _auth_error("Invalid signature - provided signature does not match.")
        return None

    def _check_timestamp_and_nonce(self, key: ApiKey, timestamp: Any, nonce: Any) -> ApiError | None:
        now = self.clock()
        try:
            stamp = int(str(timestamp).strip())
        except ValueError:
            return _auth_error("Invalid timestamp.")
        if stamp < now - NONCE_WINDOW or stamp > now + NONCE_WINDOW:
            return _auth_error("Invalid timestamp.")
        with self._lock:
            used = self._nonces.setdefault(key.consumer_key, {})
            if nonce in used.values():
                return _auth_error("Invalid nonce - nonce has already been used.")
            used[stamp] = nonce
            for old in [t for t in used if t < now - NONCE_WINDOW]:
                del used[old]
        return None
