"""The verify hook's failure cases against a live store, each with its own diagnosis."""

from __future__ import annotations

from woo_connector.registry import Registry


def reason(result: dict) -> str:
    assert result["ok"] is False, result
    return result["error"]["details"]["reason"]


def test_ok_reports_the_woocommerce_version(connector: Registry, sandbox_https) -> None:
    result = connector.verify(sandbox_https.connection())
    assert result["ok"] is True and result["wc_version"] and result["auth_method"] == "basic"


def test_wrong_key(connector: Registry, store) -> None:
    _, conn = store
    assert reason(connector.verify({**conn, "consumer_key": "ck_" + "0" * 40})) == "wrong_key"


def test_wrong_secret(connector: Registry, store) -> None:
    _, conn = store
    result = connector.verify({**conn, "consumer_secret": "cs_" + "0" * 40})
    assert reason(result) == "wrong_secret"
    assert conn["consumer_secret"] not in str(result) and "cs_" + "0" * 40 not in str(result)


def test_basic_over_plain_http(connector: Registry, sandbox_http) -> None:
    result = connector.verify({**sandbox_http.connection(), "auth": "basic"})
    assert reason(result) == "https_required"


def test_query_keys_work_where_the_host_strips_authorization(connector: Registry, sandbox_https) -> None:
    sandbox_https.faults.strip_authorization = True
    conn = sandbox_https.connection()
    result = connector.verify(conn)
    assert reason(result) == "authorization_stripped"
    assert result["error"]["details"]["suggest"] == {"auth": "query"}
    fixed = connector.verify({**conn, "auth": "query"})
    assert fixed["ok"] is True and fixed["auth_method"] == "query"


def test_redirect_is_reported_not_followed(connector: Registry, sandbox_http) -> None:
    sandbox_http.faults.redirect = "https"
    result = connector.verify(sandbox_http.connection())
    assert reason(result) == "redirect"
    assert result["error"]["details"]["canonical_site_url"].startswith("https://127.0.0.1")
    assert len(sandbox_http.requests_log) == 1


def test_wordpress_without_woocommerce(connector: Registry, sandbox_https) -> None:
    sandbox_https.mode = "wordpress"
    assert reason(connector.verify(sandbox_https.connection())) == "woocommerce_absent"


def test_not_a_wordpress_site(connector: Registry, sandbox_https) -> None:
    sandbox_https.mode = "html"
    assert reason(connector.verify(sandbox_https.connection())) == "not_wordpress"


def test_untrusted_certificate(connector: Registry, sandbox_https, no_backoff: None) -> None:
    conn = {k: v for k, v in sandbox_https.connection().items() if k != "ca_bundle"}
    result = connector.verify(conn)
    assert reason(result) == "tls" and "ca_bundle" in result["message"]
    assert connector.verify({**conn, "verify_ssl": False})["ok"] is True


def test_permissions_are_read_without_changing_the_store(connector: Registry, store) -> None:
    sandbox, conn = store
    total = connector.invoke("list-products", {"per_page": 1}, conn)["total"]
    result = connector.verify(conn)
    assert result["ok"] is True and result["permissions"] == "read_write" and "warnings" not in result
    ro = connector.verify(sandbox.connection("ro"))
    assert ro["ok"] is True and ro["permissions"] == "read" and "read-only" in ro["warnings"][0]
    assert connector.invoke("list-products", {"per_page": 1}, conn)["total"] == total


def test_swapped_key_and_secret(connector: Registry, store) -> None:
    _, conn = store
    result = connector.verify({**conn, "consumer_key": conn["consumer_secret"], "consumer_secret": conn["consumer_key"]})
    assert reason(result) == "swapped" and result["error"]["reason"] == "swapped"
    assert conn["consumer_secret"] not in str(result)


def test_the_stripped_header_probe_never_sends_the_secret(connector: Registry, sandbox_https) -> None:
    sandbox_https.faults.strip_authorization = True
    conn = sandbox_https.connection()
    assert reason(connector.verify(conn)) == "authorization_stripped"
    probes = [names for method, path, names, status in sandbox_https.requests_log if "consumer_key" in names]
    assert probes  # the key went in the query, with a deliberately wrong secret (the sandbox logs names only)
    wrong = connector.verify({**conn, "consumer_key": "ck_" + "0" * 40})
    assert reason(wrong) == "wrong_key"


def test_a_site_url_with_a_bad_port_is_a_result_not_an_exception(connector: Registry) -> None:
    result = connector.verify({"site_url": "http://[::1", "consumer_key": "ck_x", "consumer_secret": "cs_x"})
    assert result["ok"] is False and result["error"]["code"] == "config_error"
    result = connector.verify({"site_url": "https://u:pw@shop.example", "consumer_key": "ck_x", "consumer_secret": "cs_x"})
    assert result["ok"] is False and "pw" not in str(result)
