"""The credential check a host runs when a user saves a connection.

Users paste the wrong thing in many ways, and each way needs a different fix. The check walks
from the outside in, so the first failure it finds is the one to fix:

1. the namespace index /wp-json/wc/v3, without credentials: is the site reachable, is TLS
   trusted, does it redirect (report the canonical URL, never follow), is it WordPress, is the
   WooCommerce REST API there;
2. an authenticated read (system_status, projected to its environment: about 70 ms on a real
   store, and it carries the WooCommerce version): key, secret, read/write, and for Basic auth
   a 401 retried with query-string keys tells a stripped Authorization header from a bad key.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

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
        "message": "",
    }
    try:
        client = pool.client_for(conn)
        result["auth_method"] = client.auth_method
        _check_site(client)
        environment = _check_credentials(conn, client)
    except VerifyFailure as failure:
        error = failure.error
        error.details.setdefault("reason", failure.reason)
        result["message"] = error.message
        result["error"] = error.to_dict()
        return result
    except ConfigError as exc:
        reason = "https_required" if "http://" in exc.message else "config"
        exc.details.setdefault("reason", reason)
        result["message"] = exc.message
        result["error"] = exc.to_dict()
        return result

    result["ok"] = True
    result["wc_version"] = environment.get("version") if environment else None
    if environment and environment.get("wp_version"):
        result["wp_version"] = environment["wp_version"]
    version = f"WooCommerce {result['wc_version']}" if result["wc_version"] else "WooCommerce"
    result["message"] = f"Connected to {version} at {conn.site_url} with {client.auth_method} auth."
    return result


def _check_site(client: WooClient) -> None:
    try:
        index = client.request("GET", "", anonymous=True).data
    except RedirectRefusedError as exc:
        raise VerifyFailure("redirect", exc) from None
    except NetworkError as exc:
        raise VerifyFailure(exc.details.get("reason") or "unreachable", exc) from None
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
        if exc.woo_code == "rest_no_route":
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
                f"{client.conn.site_url} has no WordPress REST API (/wp-json/ answers 404). "
                "Check site_url (a sub-directory install needs it in the URL) and permalinks.",
                http_status=404,
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
        raise VerifyFailure("read_only" if "read-only" in exc.message else "permission", exc) from None
    except NotFoundError as exc:
        if fallback_allowed:
            raise _TryOrders() from None
        raise VerifyFailure("unexpected", exc) from None
    except AuthFailedError as exc:
        raise VerifyFailure(_diagnose_401(conn, client, exc), exc) from None
    except WooConnectorError as exc:
        raise VerifyFailure("unexpected", exc) from None


def _diagnose_401(conn: Connection, client: WooClient, exc: AuthFailedError) -> str:
    if exc.woo_code == "woocommerce_rest_authentication_error":
        text = exc.message.lower()
        if "consumer key is invalid" in text:
            return "wrong_key"
        if "secret" in text or "signature" in text:
            return "wrong_secret"
        if "timestamp" in text or "nonce" in text:
            return "clock"
        return "auth"
    if client.auth_method == "basic":
        probe = WooClient(replace(conn, auth="query"), max_retries=0)
        try:
            probe.get(*FALLBACK_PROBE)
        except WooConnectorError as second:
            if second.woo_code == "woocommerce_rest_authentication_error":
                exc.message = (
                    "The consumer secret is wrong for this key (and the host may also strip the "
                    "Authorization header)."
                )
                exc.args = (exc.message,)
                return "wrong_secret"
            exc.message = (
                "The store does not know this consumer key (or it was revoked): copy the key from "
                "WooCommerce -> Settings -> Advanced -> REST API."
            )
            exc.args = (exc.message,)
            return "wrong_key"
        else:
            exc.message = (
                "The host strips the Authorization header, so the store never sees the key: set "
                "the connection's auth to 'query' (keys in the query string over HTTPS)."
            )
            exc.args = (exc.message,)
            exc.details["suggest"] = {"auth": "query"}
            return "authorization_stripped"
        finally:
            probe.close()
    exc.message = (
        "The store does not know this consumer key (or it was revoked): copy the key from "
        "WooCommerce -> Settings -> Advanced -> REST API."
    )
    exc.args = (exc.message,)
    return "wrong_key"
