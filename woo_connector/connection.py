"""The connection a user saves in the host: where the store is and which key to use.

The secret lives only here, hidden from ``repr`` so that a traceback, a log line or a debugger
never shows it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from .errors import ConfigError

API_PREFIX = "/wp-json/wc/v3"
AUTH_MODES = ("auto", "basic", "query", "oauth1")
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class Connection:
    site_url: str
    consumer_key: str
    consumer_secret: str = field(repr=False)
    auth: str = "auto"
    verify_ssl: bool = True
    ca_bundle: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    user_agent: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Connection":
        """Build from the host's JSON; the registry validated it against connection.json."""
        if not isinstance(data, Mapping):
            raise ConfigError("The connection must be a JSON object.")
        missing = [k for k in ("site_url", "consumer_key", "consumer_secret") if not data.get(k)]
        if missing:
            raise ConfigError(
                "The connection is missing " + ", ".join(missing) + ".",
                details={"fields": missing},
            )
        auth = data.get("auth") or "auto"
        if auth not in AUTH_MODES:
            raise ConfigError(
                f"auth must be one of {', '.join(AUTH_MODES)}; got {auth!r}.", details={"fields": ["auth"]}
            )
        ca_bundle = data.get("ca_bundle") or None
        if ca_bundle is not None and not os.path.isfile(ca_bundle):
            raise ConfigError(
                f"ca_bundle {ca_bundle!r} is not a readable file: give the path of the store CA's PEM file.",
                details={"fields": ["ca_bundle"]},
            )
        return cls(
            site_url=normalise_site_url(str(data["site_url"])),
            consumer_key=str(data["consumer_key"]).strip(),
            consumer_secret=str(data["consumer_secret"]).strip(),
            auth=auth,
            verify_ssl=bool(data.get("verify_ssl", True)),
            ca_bundle=ca_bundle,
            timeout=float(data.get("timeout") or DEFAULT_TIMEOUT),
            user_agent=data.get("user_agent") or None,
        )

    @property
    def is_https(self) -> bool:
        return self.site_url.startswith("https://")

    @property
    def api_base(self) -> str:
        """The site URL plus /wp-json/wc/v3, with no trailing slash."""
        return self.site_url + API_PREFIX

    @property
    def fingerprint(self) -> tuple[Any, ...]:
        """What makes two connections share a pooled session (the secret included, never shown)."""
        return (
            self.site_url,
            self.consumer_key,
            self.consumer_secret,
            self.auth,
            self.verify_ssl,
            self.ca_bundle,
            self.timeout,
            self.user_agent,
        )


def normalise_site_url(raw: str) -> str:
    """Accept what users paste: trailing slashes, a pasted /wp-json/... suffix, a sub-directory."""
    url = raw.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            "site_url must be an http:// or https:// URL such as https://shop.example.com.",
            details={"fields": ["site_url"]},
        )
    if parts.username or parts.password:
        raise ConfigError(
            "site_url must not carry a user name or password; use consumer_key and consumer_secret.",
            details={"fields": ["site_url"]},
        )
    if parts.query or parts.fragment:
        raise ConfigError(
            "site_url must not have a query string or fragment.", details={"fields": ["site_url"]}
        )
    path = parts.path.rstrip("/")
    marker = path.find("/wp-json")
    if marker != -1:
        path = path[:marker]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))
