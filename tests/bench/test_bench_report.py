"""The benchmark's own code path, on a tiny store: it runs end to end and reports every scenario.

No timing is asserted (the machine is shared); what is checked is the report's shape: every
scenario present, every contender either measured with sane statistics or marked n/a with a
reason, ratios taken against the raw Session, pulls that fetched exactly the store's orders.
"""

from __future__ import annotations

import json
import math

import pytest

from bench import clients
from bench.__main__ import main
from bench.report import markdown
from bench.scenarios import Config, run
from bench.stats import Row, rotated, scenario
from woo_connector.sandbox.store import make_keys

# All six S3 pulls in one child: the report's shape is the same, without five more interpreters
# importing and loading the connector (each pull still runs in a child, through bench.memory_child).
TINY = Config(orders=120, per_page=50, latency=0.001, s1_calls=3, s1_rounds=2, s2_rounds=2, s3_rounds=1,
              s3_jobs_per_child=6)


@pytest.fixture(scope="module")
def report() -> dict:
    return run(TINY)


def test_every_scenario_is_reported_with_each_contender(report: dict) -> None:
    assert [sc["id"] for sc in report["scenarios"]] == ["S1 HTTP", "S1 HTTPS", "S2", "S3"]
    by_id = {sc["id"]: {row["contender"] for row in sc["rows"]} for sc in report["scenarios"]}
    for sid in ("S1 HTTP", "S1 HTTPS"):
        assert by_id[sid] == {clients.RAW, clients.OFFICIAL, clients.CONNECTOR, clients.CONNECTOR_STRICT}
    assert by_id["S2"] == {clients.RAW, clients.raw_threads_name(4), clients.OFFICIAL, clients.CONNECTOR,
                           clients.CONNECTOR_STRICT, clients.connector_concurrency_name(4)}
    assert by_id["S3"] == {f"{name}, {mode}" for name in (clients.RAW, clients.OFFICIAL, clients.CONNECTOR)
                           for mode in ("keep", "stream")}


def test_measured_rows_have_one_sample_per_round_and_ratios_to_the_raw_session(report: dict) -> None:
    rounds = {"S1 HTTP": TINY.s1_rounds, "S1 HTTPS": TINY.s1_rounds, "S2": TINY.s2_rounds, "S3": TINY.s3_rounds}
    for sc in report["scenarios"]:
        rows = {row["contender"]: row for row in sc["rows"]}
        baseline = rows[sc["baseline"]]
        assert baseline["status"] == "ok" and baseline["ratio"] == pytest.approx(1.0)
        for row in sc["rows"]:
            if row["status"] != "ok":
                assert row["status"] == "n/a" and row["reason"], row
                continue
            assert len(row["samples"]) == rounds[sc["id"]], row
            assert row["min"] <= row["median"] <= row["max"]
            assert math.isclose(row["ratio"], row["median"] / baseline["median"])
            if sc["id"] != "S3":
                assert row["median"] > 0 and len(row["cpu_samples"]) == len(row["samples"])


def test_raw_session_and_connector_always_run_and_pull_every_order(report: dict) -> None:
    by_id = {sc["id"]: {row["contender"]: row for row in sc["rows"]} for sc in report["scenarios"]}
    for sid in ("S1 HTTP", "S1 HTTPS", "S2"):
        for name in (clients.RAW, clients.CONNECTOR, clients.CONNECTOR_STRICT):
            assert by_id[sid][name]["status"] == "ok", (sid, name)
    for name in (clients.RAW, clients.raw_threads_name(4), clients.CONNECTOR):
        assert by_id["S2"][name]["items"] == TINY.orders
    for name in (f"{clients.RAW}, keep", f"{clients.RAW}, stream", f"{clients.CONNECTOR}, keep"):
        assert by_id["S3"][name]["items"] == TINY.orders


def test_unavailable_features_say_why(report: dict) -> None:
    rows = {sc["id"]: {row["contender"]: row for row in sc["rows"]} for sc in report["scenarios"]}
    stream = rows["S3"][f"{clients.CONNECTOR}, stream"]
    assert (stream["status"] == "ok") == report["features"]["iter_items"]
    if stream["status"] != "ok":
        assert "iter_items" in stream["reason"]
    concurrent = rows["S2"][clients.connector_concurrency_name(4)]
    assert (concurrent["status"] == "ok") == report["features"]["concurrency"]
    official = rows["S1 HTTP"][clients.OFFICIAL]
    if official["status"] != "ok":
        assert "[bench]" in official["reason"]


def test_markdown_has_the_summary_and_a_table_per_scenario(report: dict) -> None:
    text = markdown(report)
    assert "| scenario | raw Session | official woocommerce | woo-connector |" in text
    for sid in ("S1 HTTP", "S1 HTTPS", "S2"):
        assert f"| {sid} | 1.00×" in text
    assert "| S3 peak RSS growth | keep " in text
    assert text.count("| contender |") == 4


def test_no_secret_reaches_the_report(report: dict) -> None:
    # The store process makes its keys from the config's seed, as every sandbox store does.
    secrets = [key.consumer_secret for key in make_keys(TINY.seed).values()]
    assert len(secrets) == 3
    for secret in secrets:
        assert secret not in json.dumps(report) and secret not in markdown(report)


def test_rotation_gives_every_contender_each_position() -> None:
    names = ["a", "b", "c"]
    firsts = {rotated(names, r)[0] for r in range(3)}
    assert firsts == set(names) and sorted(rotated(names, 1)) == names


def test_ratio_is_none_without_a_measured_baseline() -> None:
    sc = scenario("X", "t", "s", [Row("base", unavailable="n/a: missing"), Row("other", samples=[2.0, 4.0])], "base")
    assert sc["rows"][0] == {"contender": "base", "status": "n/a", "reason": "n/a: missing"}
    assert sc["rows"][1]["median"] == 3.0 and sc["rows"][1]["ratio"] is None


def test_command_line_overrides_reach_the_config(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path) -> None:
    seen: list[Config] = []

    def fake_run(config: Config, log=None) -> dict:  # the measuring is covered above
        seen.append(config)
        return run_result

    run_result = {"config": {**TINY.__dict__}, "machine": {"python": "3", "cpus": 2, "calibration_us": 1.0},
                  "features": {}, "seed_seconds": 0.0, "wall_seconds": 0.0, "scenarios": []}
    monkeypatch.setattr("bench.__main__.run", fake_run)
    out = tmp_path / "r.json"
    assert main(["--quick", "--orders", "500", "--json", str(out)]) == 0
    assert seen[0].orders == 500 and seen[0].s1_calls == Config.quick().s1_calls
    assert json.loads(out.read_text())["config"]["orders"] == TINY.orders
    assert "woo-connector bench" in capsys.readouterr().out
