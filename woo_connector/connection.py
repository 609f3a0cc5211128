"""The connection a user saves in the host: where the store is and which key to use.

The secret lives only here, hidden from ``repr`` so that a traceback, a log line or a debugger
never shows it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit, urlunsplit

from .auth import AUTH_MODE_NAMES as AUTH_MODES
from .errors import ConfigError
from .redact import redact_text

API_PREFIX = "/wp-json/wc/v3"
DEFAULT_TIMEOUT = 30.0
DEFAULT_CALL_BUDGET = 60.0


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
    call_budget: float = DEFAULT_CALL_BUDGET
    proxy: str | None = field(default=None, repr=False)

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
                f"auth must be one of {', '.join(AUTH_MODES)}.", details={"fields": ["auth"]}, reason="config"
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
            call_budget=float(data.get("call_budget") or DEFAULT_CALL_BUDGET),
            proxy=_proxy(data.get("proxy")),
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
            self.call_budget,
            self.proxy,
        )


def _proxy(raw: Any) -> str | None:
    if not raw:
        return None
    parts = urlsplit(str(raw).strip())
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
        raise ConfigError(
            "proxy must be a URL such as http://proxy.example:3128.", details={"fields": ["proxy"]},
            reason="config",
        )
    return str(raw).strip()


def normalise_site_url(raw: str) -> str:
    """Accept what users paste: trailing slashes, a pasted /wp-json/... suffix, a sub-directory."""
    url = raw.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ConfigError(
            "site_url is not a valid URL (check the host and port), e.g. https://shop.example.com.",
            details={"fields": ["site_url"]},
            reason="config",
        ) from None
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


SECRET_FIELDS = ("consumer_key", "consumer_secret", "proxy")


def connection_error(problems: list[Any]) -> ConfigError:
    """The schema's complaints about a connection, without quoting a credential or a user:pass@.

    jsonschema puts the bad value into its message ("['cs_...'] is not of type 'string'");
    for secret fields only the field and what is wrong with its type are said.
    """
    parts: list[dict[str, str]] = []
    for problem in problems:
        field_name = problem.pointer.lstrip("/").split("/", 1)[0]
        if field_name in SECRET_FIELDS:
            message = "is not valid (the value is not shown: it is a credential)"
        else:
            message = redact_text(problem.message)
        parts.append({"pointer": problem.pointer, "message": message})
    return ConfigError(
        "The connection is not valid: " + "; ".join(f"{p['pointer'] or '/'}: {p['message']}" for p in parts),
        details={"problems": parts},
        reason="config",
    )
