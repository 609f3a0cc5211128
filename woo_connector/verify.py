"""The credential check a host runs when a user saves a connection.

Users paste the wrong thing in many ways, and each way needs a different fix. The check walks
from the outside in, so the first failure it finds is the one to fix:

1. the namespace index /wp-json/wc/v3, without credentials: is the site reachable, is TLS
   trusted, does it redirect (report the canonical URL, never follow), is it WordPress, is the
   WooCommerce REST API there;
2. an authenticated read (system_status, projected to its environment: about 70 ms on a real
   store, and it carries the WooCommerce version): key, secret, clock;
3. what the key may do, without changing the store: ``POST /products/batch`` with ``{}`` answers
   401 "does not have write permissions" to a read-only key and 200 ``[]`` to a read/write one
   (captures 290-292). A read-only key is ``ok`` with a warning and ``permissions: "read"``.

Every decision reads the error's class and machine ``reason`` (set where the store's answer was
decoded), never its message. The secret is never put into a URL unless the connection chose
``auth: query``: to tell a stripped Authorization header from an unknown key, the probe sends the
*key* with a deliberately wrong secret in the query string. WooCommerce answers "Consumer secret
is invalid" only when it knows the key, so that answer proves the key and the header was lost.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .auth import AUTH_MODES
from .client import ClientPool, WooClient
from .connection import Connection
from .errors import (
    AuthFailedError,
    BadResponseError,
    ConfigError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RedirectRefusedError,
    WooConnectorError,
)

AUTHED_PROBE = ("/system_status", {"_fields": "environment"})
FALLBACK_PROBE = ("/orders", {"per_page": 1, "_fields": "id"})
WRITE_PROBE = "/products/batch"
STRIP_PROBE_SECRET = "cs_verify_probe_not_the_secret"

REASONS = {
    "unreachable": "the host cannot be reached (DNS, refused, timeout, proxy); details.cause says which",
    "tls": "the certificate is not trusted: set ca_bundle",
    "redirect": "site_url redirects; details.canonical_site_url is the address to use",
    "not_wordpress": "site_url is not a WordPress site (HTML or a non-WordPress 404)",
    "woocommerce_absent": "WordPress, but no WooCommerce REST API",
    "https_required": "Basic or query auth over plain http",
    "config": "another connection field is wrong",
    "swapped": "the key and the secret were pasted into each other's fields",
    "wrong_key": "the store does not know the consumer key",
    "wrong_secret": "the secret (or the OAuth signature made with it) is wrong",
    "clock": "the OAuth timestamp or nonce was refused: this machine's clock is off",
    "auth": "another 401 from the store's authentication",
    "authorization_stripped": "the host drops the Authorization header: use auth 'query'",
    "write_only": "the key may write but not read",
    "permission": "the key's user may not read orders",
    "unexpected": "anything else (the error says what)",
}
"""Every ``error.reason`` verify can return, documented in the README's verify section."""


class VerifyFailure(Exception):
    def __init__(self, reason: str, error: WooConnectorError) -> None:
        super().__init__(error.message)
        self.reason = reason
        self.error = error


def verify_connection(conn: Connection, pool: ClientPool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ok": False,
        "store_url": conn.site_url,
        "api_url": conn.api_base,
        "wc_version": None,
        "auth_method": None,
        "permissions": None,
        "message": "",
    }
    try:
        client = pool.client_for(conn)
        result["auth_method"] = client.auth_method
        _check_site(client)
        _check_swapped(conn)
        environment = _check_credentials(conn, client)
    except VerifyFailure as failure:
        if failure.reason == "write_only":  # the store named the key's permission itself
            result["permissions"] = "write"
        return _failed(result, failure.reason, failure.error)
    except ConfigError as exc:
        return _failed(result, exc.reason if exc.reason in REASONS else "config", exc)

    result["permissions"] = _permissions(client)
    result["ok"] = True
    result["wc_version"] = environment.get("version") if environment else None
    if environment and environment.get("wp_version"):
        result["wp_version"] = environment["wp_version"]
    version = f"WooCommerce {result['wc_version']}" if result["wc_version"] else "WooCommerce"
    result["message"] = f"Connected to {version} at {conn.site_url} with {client.auth_method} auth."
    if result["permissions"] == "read":
        warning = ("The key is read-only: reads work, every write (update-order, create-product, ...) "
                   "will fail with permission_denied. Give it Read/Write in WooCommerce -> Settings -> "
                   "Advanced -> REST API if the workflow writes.")
        result["warnings"] = [warning]
        result["message"] += " " + warning
    return result


def _failed(result: dict[str, Any], reason: str, error: WooConnectorError) -> dict[str, Any]:
    if error.reason and error.reason != reason:
        error.details.setdefault("cause", error.reason)
    error.reason = reason
    error.details["reason"] = reason
    result["message"] = error.message
    result["error"] = error.to_dict()
    return result


def _check_site(client: WooClient) -> None:
    try:
        index = client.request("GET", "", anonymous=True).data
    except RedirectRefusedError as exc:
        raise VerifyFailure("redirect", exc) from None
    except NetworkError as exc:
        raise VerifyFailure("tls" if exc.reason == "tls" else "unreachable", exc) from None
    except BadResponseError as exc:
        raise VerifyFailure(
            "not_wordpress",
            BadResponseError(
                f"{client.conn.site_url} does not look like a WordPress site: its REST API "
                "(/wp-json/) answered with something that is not JSON. Check site_url.",
                http_status=exc.http_status,
            ),
        ) from None
    except NotFoundError as exc:
        if exc.reason == "no_route":
            raise VerifyFailure(
                "woocommerce_absent",
                NotFoundError(
                    f"{client.conn.site_url} is a WordPress site, but the WooCommerce REST API "
                    "(/wp-json/wc/v3) is not there: is WooCommerce installed and active?",
                    http_status=404,
                    woo_code="rest_no_route",
                ),
            ) from None
        raise VerifyFailure(
            "not_wordpress",
            NotFoundError(
                f"{client.conn.site_url} has no WordPress REST API (/wp-json/ answers "
                f"{'with a web page' if exc.http_status != 404 else '404'}). Check site_url (a "
                "sub-directory install needs it in the URL) and permalinks.",
                http_status=exc.http_status,
            ),
        ) from None
    except WooConnectorError as exc:
        raise VerifyFailure("unexpected", exc) from None
    if not isinstance(index, dict) or index.get("namespace") != "wc/v3":
        raise VerifyFailure(
            "woocommerce_absent",
            BadResponseError(
                f"{client.conn.site_url}/wp-json/wc/v3 did not answer as the WooCommerce REST API."
            ),
        )


def _check_swapped(conn: Connection) -> None:
    """WooCommerce keys start ck_ and secrets cs_: pasted the other way round, say so."""
    if conn.consumer_key.startswith("cs_") and conn.consumer_secret.startswith("ck_"):
        raise VerifyFailure(
            "swapped",
            ConfigError(
                "The consumer key and secret are swapped: the key starts with ck_ and goes in "
                "consumer_key, the secret starts with cs_ and goes in consumer_secret.",
                details={"fields": ["consumer_key", "consumer_secret"]},
            ),
        )


def _check_credentials(conn: Connection, client: WooClient) -> dict[str, Any] | None:
    try:
        body = _authed_read(conn, client, *AUTHED_PROBE)
    except _TryOrders:
        _authed_read(conn, client, *FALLBACK_PROBE)
        return None
    environment = body.get("environment") if isinstance(body, dict) else None
    return environment if isinstance(environment, dict) else None


class _TryOrders(Exception):
    """system_status is blocked for this key or host; an orders read proves the key as well."""


def _authed_read(conn: Connection, client: WooClient, path: str, params: dict[str, Any]) -> Any:
    fallback_allowed = path == AUTHED_PROBE[0]
    try:
        return client.get(path, params)
    except PermissionDeniedError as exc:
        if exc.http_status == 403 and fallback_allowed:
            raise _TryOrders() from None
        raise VerifyFailure("write_only" if exc.reason == "write_only" else "permission", exc) from None
    except NotFoundError as exc:
        if fallback_allowed and exc.reason != "not_wordpress":
            raise _TryOrders() from None
        raise VerifyFailure("unexpected", exc) from None
    except AuthFailedError as exc:
        raise VerifyFailure(_diagnose_401(conn, client, exc), exc) from None
    except WooConnectorError as exc:
        raise VerifyFailure("unexpected", exc) from None


_UNKNOWN_KEY = (
    "The store does not know this consumer key (or it was revoked): copy the key from "
    "WooCommerce -> Settings -> Advanced -> REST API."
)


def _diagnose_401(conn: Connection, client: WooClient, exc: AuthFailedError) -> str:
    if exc.reason == "signature":
        return "wrong_secret"
    if exc.reason in ("wrong_secret", "clock", "wrong_key"):
        if exc.reason == "wrong_key":
            exc.with_message(_UNKNOWN_KEY)
        return exc.reason
    if exc.reason != "no_credentials":
        return "auth"
    if not AUTH_MODES[client.auth_method].header:
        exc.with_message(_UNKNOWN_KEY)
        return "wrong_key"
    if _key_is_known(conn, client):
        exc.with_message(
            "The host strips the Authorization header, so the store never sees the key: set "
            "the connection's auth to 'query' (keys in the query string over HTTPS)."
        )
        exc.details["suggest"] = {"auth": "query"}
        return "authorization_stripped"
    exc.with_message(_UNKNOWN_KEY)
    return "wrong_key"


def _key_is_known(conn: Connection, client: WooClient) -> bool:
    """Send the key with a wrong secret in the query: only a known key gets "secret is invalid"."""
    probe = WooClient(
        replace(conn, auth="query", consumer_secret=STRIP_PROBE_SECRET), session=None, max_retries=0
    )
    try:
        probe.get(*FALLBACK_PROBE)
    except AuthFailedError as second:
        return second.reason == "wrong_secret"
    except WooConnectorError:
        return False
    finally:
        probe.close()
    return False


def _permissions(client: WooClient) -> str | None:
    """read_write, read, or None when the store's answer does not say (never changes the store)."""
    try:
        answer = client.post(WRITE_PROBE, {})
    except PermissionDeniedError as exc:
        return "read" if exc.reason == "read_only" else None
    except WooConnectorError:
        return None
    return "read_write" if answer == [] or isinstance(answer, dict) else None
