"""The CLI contract: JSON on stdout, one human line on stderr, exit 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from captures import capture, register
from woo_connector import cli
from woo_connector.registry import load_manifest

SITE = "https://127.0.0.1:8443"

pytestmark = pytest.mark.usefixtures("cli_loads_the_session_connector")  # tests/core/conftest.py


@pytest.fixture
def conn_file(tmp_path: Path) -> Path:
    import base64

    auth = capture(5)["request"]["headers"]["Authorization"].split()[1]
    key, secret = base64.b64decode(auth).decode().split(":")
    path = tmp_path / "conn.json"
    path.write_text(json.dumps({"site_url": SITE, "consumer_key": key, "consumer_secret": secret}))
    return path


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in cli.ENV_FIELDS:
        monkeypatch.delenv(var, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tools_json_lists_schemas_and_annotations(capsys) -> None:
    code, out, _ = run(capsys, "tools", "--json")
    tools = json.loads(out)
    assert code == 0 and [t["name"] for t in tools] == [t["name"] for t in load_manifest()["tools"]]
    assert all({"name", "title", "description", "inputSchema", "outputSchema", "annotations"} <= set(t) for t in tools)


def test_describe_is_readable(capsys) -> None:
    code, out, _ = run(capsys, "describe", "update-order")
    assert code == 0
    assert out.startswith("update-order - Update order")
    assert "id (required)" in out and "Example input:" in out


def test_invoke_prints_the_result(capsys, conn_file: Path) -> None:
    with responses.RequestsMock() as rsps:
        exchange = register(rsps, 17)
        code, out, err = run(capsys, "invoke", "get-order", "--input", '{"id": 377}', "--connection", str(conn_file))
    assert code == 0 and err == ""
    assert json.loads(out)["id"] == exchange["response"]["body"]["id"] == 377


def test_invoke_reads_input_from_a_file_and_stdin(capsys, conn_file: Path, tmp_path: Path, monkeypatch) -> None:
    payload = tmp_path / "in.json"
    payload.write_text('{"id": 377}')
    import io

    with responses.RequestsMock() as rsps:
        register(rsps, 17)
        register(rsps, 17)
        code1, out1, _ = run(capsys, "invoke", "get-order", "--input", f"@{payload}", "--connection", str(conn_file))
        monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 377}'))
        code2, out2, _ = run(capsys, "invoke", "get-order", "--input", "-", "--connection", str(conn_file))
    assert code1 == code2 == 0 and json.loads(out1) == json.loads(out2)


def test_invalid_input_exits_2_with_the_error_object(capsys) -> None:
    code, out, err = run(capsys, "invoke", "list-orders", "--input", '{"per_page": 0}')
    error = json.loads(out)["error"]
    assert code == 2
    assert error["code"] == "invalid_input" and error["details"]["problems"][0]["pointer"] == "/per_page"
    assert err.startswith("woo-connector: invalid_input:") and err.count("\n") == 1


def test_malformed_json_input_exits_2(capsys) -> None:
    code, out, _ = run(capsys, "invoke", "get-order", "--input", "{id: 1}")
    assert code == 2 and json.loads(out)["error"]["code"] == "invalid_input"


def test_store_errors_exit_1_without_the_secret(capsys, conn_file: Path) -> None:
    secret = json.loads(conn_file.read_text())["consumer_secret"]
    with responses.RequestsMock() as rsps:
        register(rsps, 224)
        code, out, err = run(capsys, "invoke", "get-order", "--input", '{"id": 999999}', "--connection", str(conn_file))
    error = json.loads(out)["error"]
    assert code == 1 and error["code"] == "not_found" and error["http_status"] == 404
    assert secret not in out and secret not in err


def test_connection_from_environment(capsys, monkeypatch) -> None:
    monkeypatch.setenv("WOO_SITE_URL", SITE + "/")
    monkeypatch.setenv("WOO_CONSUMER_KEY", "ck_envkey")
    monkeypatch.setenv("WOO_CONSUMER_SECRET", "cs_envsecret")
    monkeypatch.setenv("WOO_VERIFY_SSL", "false")
    monkeypatch.setenv("WOO_TIMEOUT", "7.5")
    assert cli.connection_from(None) == {
        "site_url": SITE + "/", "consumer_key": "ck_envkey", "consumer_secret": "cs_envsecret",
        "verify_ssl": False, "timeout": 7.5,
    }


def test_missing_connection_is_a_config_error(capsys) -> None:
    code, out, err = run(capsys, "invoke", "get-order", "--input", '{"id": 1}')
    assert code == 1 and json.loads(out)["error"]["code"] == "config_error"
    assert "WOO_SITE_URL" in err


def test_unknown_tool(capsys) -> None:
    code, out, _ = run(capsys, "invoke", "delete-store", "--input", "{}")
    assert code == 2 and json.loads(out)["error"]["code"] == "unknown_tool"  # a command error


@pytest.mark.parametrize("content, what", [
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested"),
    (b'{"id": ' + b"[" * 70 + b"]" * 70 + b"}", "nested"),
    (b"{not json", "not valid JSON"),
])
def test_bad_input_files_are_json_errors_not_tracebacks(capsys, tmp_path: Path, content: bytes, what: str) -> None:
    path = tmp_path / "payload.json"
    path.write_bytes(content)
    code, out, err = run(capsys, "invoke", "get-order", "--input", f"@{path}")
    error = json.loads(out)["error"]
    assert code == 2 and error["code"] == "invalid_input" and what in error["message"]
    assert "Traceback" not in err


def test_a_connection_file_that_is_not_utf8_is_a_config_error(capsys, tmp_path: Path) -> None:
    path = tmp_path / "conn.json"
    path.write_bytes(b'{"consumer_secret": "cs_\xff"')
    code, out, err = run(capsys, "verify", "--connection", str(path))
    assert code == 1 and json.loads(out)["error"]["code"] == "config_error" and "Traceback" not in err


def test_an_unforeseen_failure_is_still_one_json_error(capsys, monkeypatch) -> None:
    def explode(*args, **kwargs):
        raise RuntimeError("boom at https://s/?consumer_secret=cs_" + "ab" * 20)

    monkeypatch.setattr(cli, "read_payload", explode)
    code, out, err = run(capsys, "invoke", "get-order", "--input", "{}")
    error = json.loads(out)["error"]
    assert code == 1 and error["code"] == "internal_error" and "boom" in error["message"]
    assert "ab" * 20 not in out + err and "Traceback" not in err


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_flag_before_or_after_the_subcommand(capsys, where: str) -> None:
    argv = ["-v", "tools"] if where == "before" else ["tools", "-v"]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and "list-orders" in out


def test_demo_against_a_store_that_is_not_the_sandbox_asks_for_yes(capsys, conn_file: Path) -> None:
    with responses.RequestsMock() as rsps:
        register(rsps, 2, url=SITE + "/wp-json/")  # a real store's /wp-json/ root
        code, out, err = run(capsys, "demo", "--connection", str(conn_file))
        assert [c.request.method for c in rsps.calls] == ["GET"]  # nothing written
    assert code == 2 and "--yes" in err
