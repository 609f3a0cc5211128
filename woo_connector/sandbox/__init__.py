"""A WooCommerce-compatible store on 127.0.0.1, for demos, workflow builders and integration tests.

::

    from woo_connector.sandbox import Sandbox

    with Sandbox(https=True) as shop:          # seeded store, free port, generated CA
        conn = shop.connection("rw")           # site_url, consumer_key/secret, ca_bundle
        shop.faults.rate_limit = 2             # the next two requests get 429 + Retry-After

The connector's runtime code never imports this package; only tests, the CLI demo and people do.
"""

from .auth import Authenticator, oauth_signature, signature_base_string
from .faults import Faults
from .server import Sandbox, parse_php_query
from .wire import ApiError, ApiKey, Handler, Request, Response

__all__ = [
    "Sandbox",
    "Faults",
    "ApiError",
    "ApiKey",
    "Handler",
    "Request",
    "Response",
    "Authenticator",
    "oauth_signature",
    "signature_base_string",
    "parse_php_query",
]
