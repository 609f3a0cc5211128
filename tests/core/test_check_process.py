"""The checking child (woo_connector.check_process): its "valid" is only ever the compiled
validator's yes on the page the host decodes, and anything else (a bad item, a page that is not
a list, no room, a dead child) leaves the page to the host, whose verdict stands."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from typing import Any

import pytest

from woo_connector import check_process
from woo_connector.check_process import CheckProcess
from woo_connector.early_output import EarlyItems

pytestmark = pytest.mark.usefixtures("check_child")  # turned on here; the suite runs without it

SCHEMA = json.dumps({"type": "object", "properties": {"items": {"type": "array", "items": {
    "type": "object", "properties": {"n": {"type": "integer"}, "total": {"type": "string", "pattern": "^[0-9.]*$"}}}}}})
STARTUP = 30.0  # seconds a new child may take to import and answer on a loaded machine


@pytest.fixture
def child() -> Any:
    process = CheckProcess()
    yield process
    process.close()


def test_only_a_page_whose_every_item_is_valid_is_called_valid(child: CheckProcess) -> None:
    pages = {
        "valid": b'[{"n": 1, "total": "1.50"}, {"n": 2, "extra": [1, {"x": null}]}]',
        "an item not valid": b'[{"n": 1}, {"n": "2"}]',
        "a pattern missed": b'[{"total": "1,50"}]',
        "not a list": b'{"n": 1}',
        "not json": b"<html>critical error</html>",
        "empty list": b"[]",
    }
    offered = {name: child.offer(SCHEMA, raw) for name, raw in pages.items()}
    assert all(seq is not None for seq in offered.values())
    verdicts = child.verdicts(list(offered.values()), STARTUP)
    assert {name: verdicts.get(seq) for name, seq in offered.items()} == {
        "valid": True, "an item not valid": False, "a pattern missed": False,
        "not a list": False, "not json": False, "empty list": True,
    }


def test_a_page_finds_room_only_where_the_child_has_finished_reading() -> None:
    process = CheckProcess(arena_bytes=64)
    try:
        assert process.offer(SCHEMA, b"[" + b" " * 64 + b"]") is None  # larger than it all: no child started
        assert process._proc is None
        small = CheckProcess(arena_bytes=len(SCHEMA) + 40)
        try:
            first = small.offer(SCHEMA, b'[{"n": 1}]' + b" " * 20)
            assert first is not None and small._proc is not None
            os.kill(small._proc.pid, signal.SIGSTOP)  # the child cannot have read the page yet
            try:
                assert small.offer(SCHEMA, b'[{"n": 2}]' + b" " * 20) is None
            finally:
                os.kill(small._proc.pid, signal.SIGCONT)
            assert small.verdicts([first], STARTUP) == {first: True}
            again = small.offer(SCHEMA, b'[{"n": 3}]' + b" " * 20)
            assert again is not None and small.verdicts([again], STARTUP) == {again: True}
            assert small.offer(SCHEMA, b"[" + b" " * (len(SCHEMA) + 40) + b"]") is None  # larger than it all
        finally:
            small.close()
    finally:
        process.close()


def test_a_child_that_dies_leaves_every_page_to_the_host(child: CheckProcess) -> None:
    first = child.offer(SCHEMA, b'[{"n": 1}]')
    assert first is not None and child.verdicts([first], STARTUP) == {first: True}
    assert child._proc is not None
    child._proc.kill()
    child._proc.wait()
    began = time.monotonic()
    late = child.offer(SCHEMA, b'[{"n": 2}]')
    if late is not None:  # the write may land in the pipe before the end is seen
        assert child.verdicts([late], STARTUP) == {}
    assert time.monotonic() - began < STARTUP / 2  # seen as gone, not waited for
    assert child.offer(SCHEMA, b'[{"n": 3}]') is None


def test_a_verdict_nobody_asks_for_in_time_is_dropped_when_it_comes(child: CheckProcess) -> None:
    warm = child.offer(SCHEMA, b"[]")
    assert warm is not None and child.verdicts([warm], STARTUP) == {warm: True} and child._proc is not None
    os.kill(child._proc.pid, signal.SIGSTOP)
    try:
        seq = child.offer(SCHEMA, b'[{"n": 1}]')
        assert seq is not None and child.verdicts([seq], 0.0) == {}  # given up on: the host checks it
    finally:
        os.kill(child._proc.pid, signal.SIGCONT)
    deadline = time.monotonic() + STARTUP
    while seq in child._forgotten and time.monotonic() < deadline:
        child.verdicts([], 0.01)
    assert seq not in child._forgotten and seq not in child._verdicts  # came, and was let go


def test_the_environment_can_keep_every_check_in_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_process.available()
    monkeypatch.setenv(check_process.ENV_SWITCH, "0")
    assert not check_process.available() and check_process.shared() is None
    assert EarlyItems(_checker(), SCHEMA).offer(b'[{"n": 1}]') is None


def test_an_interpreter_that_is_not_python_starts_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check_process.available()
    monkeypatch.setattr(sys, "executable", "/usr/bin/uwsgi")  # an embedding server's binary
    assert not check_process.supported() and not check_process.available()


def test_a_forked_process_starts_its_own_child() -> None:
    process = check_process.shared()
    assert process is not None
    assert process.offer(SCHEMA, b"[]") is not None
    pid = os.fork()
    if pid == 0:  # the forked copy: the parent's child is not ours
        os._exit(0 if check_process._shared is None and process._proc is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert process._proc is not None  # the parent still has its child


def _checker() -> Any:
    from woo_connector.validation import Checker

    return Checker.of(json.loads(SCHEMA))


def test_a_shared_child_that_died_is_replaced_but_not_in_a_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_process, "_shared", None)
    first = check_process.shared()
    assert first is not None and first.offer(SCHEMA, b"[]") is not None and first._proc is not None
    first._proc.kill()
    first._proc.wait()
    assert first.verdicts([], 0.0) == {} and first.dead
    assert check_process.shared() is first  # started moments ago: not replaced yet
    monkeypatch.setattr(check_process, "RESTART_AFTER", 0.0)
    second = check_process.shared()
    assert second is not None and second is not first
    seq = second.offer(SCHEMA, b'[{"n": 1}]')
    assert seq is not None and second.verdicts([seq], STARTUP) == {seq: True}
    second.close()
