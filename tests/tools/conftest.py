"""Fixtures for the tool tests: a connection with the capture store's key and a ``responses``
mock that plays that store (the connector itself comes from tests/conftest.py).

The key is read from a capture (never written here) so the tests use exactly the credentials
the real store accepted, and no secret-shaped literal sits in the source tree.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl, urlsplit
from typing import Any, Iterator

import pytest
import responses
from captures import capture  # tests/ is on pythonpath (pyproject)

SITE_URL = "https://127.0.0.1:8443"
API = SITE_URL + "/wp-json/wc/v3"


def capture_credentials(which: int = 5) -> tuple[str, str]:
    """The key and secret the capture's Basic header carried."""
    header = capture(which)["request"]["headers"]["Authorization"]
    scheme, _, token = header.partition(" ")
    assert scheme == "Basic"
    key, _, secret = base64.b64decode(token).decode("ascii").partition(":")
    return key, secret


@pytest.fixture
def conn() -> dict[str, Any]:
    key, secret = capture_credentials(5)
    return {"site_url": SITE_URL, "consumer_key": key, "consumer_secret": secret}


@pytest.fixture
def secret(conn: dict[str, Any]) -> str:
    return conn["consumer_secret"]


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    """Every request must be answered by a registered response; unused ones are allowed."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def sent_query(call: Any) -> list[tuple[str, str]]:
    """The query pairs a recorded call actually carried, decoded, in order."""
    return parse_qsl(urlsplit(call.request.url).query, keep_blank_values=True)


@pytest.fixture
def query_of() -> Any:
    """``query_of(rsps.calls[i])``: the decoded (name, value) pairs of the URL that went out."""
    return sent_query


@pytest.fixture
def refused(connector: Registry, conn: dict[str, Any], rsps: responses.RequestsMock) -> Any:
    """``refused(tool, payload)``: the JSON pointers of the invalid_input error, after checking that
    the payload was refused before any request went out."""
    from woo_connector.errors import InvalidInputError

    def run(tool: str, payload: Any) -> list[str]:
        with pytest.raises(InvalidInputError) as caught:
            connector.invoke(tool, payload, conn)
        assert len(rsps.calls) == 0, f"{tool} sent a request for a payload it should refuse"
        return [p["pointer"] for p in caught.value.details["problems"]]

    return run
