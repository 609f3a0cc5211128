"""Strict output's check of a long list's pages, done by a child process on another core.

Why: strict output checks every item of a full pull, and the compiled validator needs 14-21 µs
for an order: 0.15-0.2 s per 10,000 orders, on the one core the pull's decoding already keeps
busy (the GIL), where a plain pull takes about 0.8 s of CPU. A concurrent pull leaves the
machine's other core nearly idle, so the pages a concurrent walk fetched ahead are handed, as the bytes the store sent, to
one child process that decodes them and asks the same validator
(:func:`woo_connector.validation.fast_validator` of the same schema). Its verdicts come back
while the walk goes on.

A verdict only ever says "every item of that page is valid" (then nothing is left to check) or
"not known": the page did not decode to a list, an item is not valid, the child was busy, gone
or slower than the walk. The connector then checks the page's items itself, exactly as without
a child, and only it ever explains a problem. So the child can make a strict call faster, never
give it another answer.

Cost to the walk: a page is copied into memory the two processes share (no file name: a memfd,
or a temporary file unlinked at once) and announced with a 25-byte write; replies are read
without waiting, and no thread is added (about 0.1 ms a page). The child runs only on a core
nothing else wants (SCHED_IDLE), so it never slows the walk or anything else on the machine.

The child is started on the first page offered (one per process, shared by every registry),
lives until the process exits, and exits by itself when its input closes; one that dies is
replaced, at most once a minute. ``WOO_CONNECTOR_CHECK_PROCESS=0`` keeps every check in the
host's process; so does Windows, and an interpreter that cannot be started again (frozen, or
embedded in a server whose binary is not python).
"""

from __future__ import annotations

import atexit
import json
import mmap
import os
import re
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from typing import Any

ARENA_BYTES = 16 << 20
"""Memory shared with the child. A page that finds no room in it is checked in the host's
process, so a slow (or still starting) child never holds more than this of pages."""
ENV_SWITCH = "WOO_CONNECTOR_CHECK_PROCESS"
UNCLAIMED_VERDICTS = 4096
"""Verdicts kept for pages nobody has asked about yet; past this the oldest are dropped (a page
whose verdict is gone is simply checked in the host's process)."""
VALID, NOT_KNOWN = 1, 0
_PAGE, _SCHEMA = b"P", b"S"
_HEADER = struct.Struct("<cIIQQ")  # kind, sequence number, schema id, offset, length
_REPLY = struct.Struct("<IB")  # sequence number, VALID or NOT_KNOWN
_PYTHON = re.compile(r"^python[0-9.]*w?(\.exe)?$", re.IGNORECASE)


def supported() -> bool:
    """Whether this platform and interpreter can run a checking child at all."""
    if os.name != "posix" or getattr(sys, "frozen", False) or not sys.executable:
        return False
    return bool(_PYTHON.match(os.path.basename(sys.executable)))


def available() -> bool:
    """Whether this process may start a checking child now (see the module's docstring)."""
    switch = os.environ.get(ENV_SWITCH, "1").strip().lower()
    return switch not in ("0", "false", "no", "off") and supported()


class CheckProcess:
    """The parent's side: copies pages into the arena, announces them, collects verdicts."""

    def __init__(self, arena_bytes: int = ARENA_BYTES) -> None:
        self._size = arena_bytes
        self.started = 0.0  # time.monotonic() when the child was started
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._arena: mmap.mmap | None = None
        self._dead = False
        self._next = 0
        self._live: deque[tuple[int, int, int]] = deque()  # (seq, start, end), in the child's order
        self._verdicts: dict[int, bool] = {}
        self._forgotten: set[int] = set()
        self._schemas: dict[str, int] = {}
        self._reply_tail = b""

    # -- what EarlyItems calls ----------------------------------------------------------------
    def offer(self, schema: str, raw: bytes | bytearray) -> int | None:
        """The page's sequence number (its verdict to be asked with :meth:`verdicts`), or None
        when the child cannot take it now. ``schema`` is the items schema as JSON text."""
        if not raw or len(raw) > self._size:
            return None
        with self._lock:
            if self._dead or not self._start():
                return None
            ident = self._schema_id(schema)
            return None if ident is None else self._send(_PAGE, ident, raw)

    def verdicts(self, seqs: list[int], timeout: float) -> dict[int, bool]:
        """The verdicts known within ``timeout`` seconds (True: every item valid); pages still
        unanswered then are forgotten (their late verdict is dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if self._proc is not None and not self._dead:
                    self._drain()
                left = deadline - time.monotonic()
                if self._dead or self._proc is None or left <= 0 or all(seq in self._verdicts for seq in seqs):
                    out = {seq: self._verdicts.pop(seq) for seq in seqs if seq in self._verdicts}
                    self._forgotten.update(seq for seq in seqs if seq not in out)
                    return out
                replies = self._proc.stdout if self._proc is not None else None
            try:
                select.select([replies], [], [], left)
            except (OSError, ValueError):  # closed meanwhile: the next turn sees it
                pass

    def close(self) -> None:
        """Let the child finish and exit."""
        with self._lock:
            self._dead = True
            proc, self._proc = self._proc, None
        if proc is None:
            return
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if self._arena is not None:
            self._arena.close()

    @property
    def dead(self) -> bool:
        """The child was started and is gone (or was closed)."""
        return self._dead and self.started > 0

    def abandon(self) -> None:
        """Close this process's ends of the pipes without waiting for the child (not ours to
        wait for: this is a forked copy of its parent)."""
        self._dead = True
        proc, self._proc = self._proc, None
        for pipe in (proc.stdin, proc.stdout) if proc is not None else ():
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass

    # -- inside the lock ----------------------------------------------------------------------
    def _start(self) -> bool:
        if self._proc is not None:
            return True
        try:
            fd = _anonymous_file(self._size)
            try:
                self._arena = mmap.mmap(fd, self._size)
                self.started = time.monotonic()
                self._proc = subprocess.Popen(
                    [sys.executable, "-P", "-c", _CHILD, _package_root(), str(fd), str(self._size)],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    pass_fds=(fd,), bufsize=0,
                )
            finally:
                os.close(fd)
        except (OSError, ValueError):
            self._dead = True
            return False
        assert self._proc.stdin is not None and self._proc.stdout is not None
        os.set_blocking(self._proc.stdin.fileno(), False)
        os.set_blocking(self._proc.stdout.fileno(), False)
        return True

    def _schema_id(self, text: str) -> int | None:
        if text not in self._schemas:
            ident = len(self._schemas)
            seq = self._send(_SCHEMA, ident, text.encode())
            if seq is None:
                return None
            self._forgotten.add(seq)  # its reply only frees the room the schema took
            self._schemas[text] = ident
        return self._schemas[text]

    def _send(self, kind: bytes, schema: int, raw: bytes | bytearray) -> int | None:
        assert self._arena is not None and self._proc is not None and self._proc.stdin is not None
        start = self._room(len(raw))
        if start is None:  # replies free room: read those waiting (a syscall, so only now)
            self._drain()
            start = self._room(len(raw))
        if start is None:
            return None
        seq = self._next = (self._next + 1) % (1 << 32)
        self._arena[start:start + len(raw)] = raw
        try:  # 25 bytes: a pipe takes them whole or not at all
            os.write(self._proc.stdin.fileno(), _HEADER.pack(kind, seq, schema, start, len(raw)))
        except BlockingIOError:
            return None
        except OSError:
            self._give_up()
            return None
        self._live.append((seq, start, start + len(raw)))
        return seq

    def _room(self, size: int) -> int | None:
        """Where ``size`` bytes fit in the ring without touching a page the child may still read."""
        if size > self._size:
            return None
        if not self._live:
            return 0
        first, end = self._live[0][1], self._live[-1][2]
        if end > first:  # in use: [first, end)
            if end + size <= self._size:
                return end
            return 0 if size <= first else None
        return end if end + size <= first else None  # in use: [first, size) and [0, end)

    def _drain(self) -> None:
        """Read every reply waiting, without waiting; free the pages answered."""
        assert self._proc is not None and self._proc.stdout is not None
        chunks = [self._reply_tail]
        while True:
            try:
                chunk = os.read(self._proc.stdout.fileno(), 1 << 16)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                self._give_up()
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        whole = len(data) - len(data) % _REPLY.size
        self._reply_tail = data[whole:]
        for seq, verdict in _REPLY.iter_unpack(data[:whole]):
            if not self._live or self._live[0][0] != seq:  # the child answers in order, or not at all
                self._give_up()
                return
            self._live.popleft()
            if seq in self._forgotten:
                self._forgotten.discard(seq)
            else:
                self._verdicts[seq] = verdict == VALID
        while len(self._verdicts) > UNCLAIMED_VERDICTS:  # a walk that failed never asks for them
            del self._verdicts[next(iter(self._verdicts))]

    def _give_up(self) -> None:
        self._dead = True
        self._live.clear()


def _anonymous_file(size: int) -> int:
    """A file descriptor for ``size`` bytes of memory that has no name anywhere."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("woo-connector-check", 0)
    else:
        fd, path = tempfile.mkstemp(prefix="woo-connector-check-")
        os.unlink(path)
    os.ftruncate(fd, size)
    return fd


def _package_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


_shared: CheckProcess | None = None
_shared_lock = threading.Lock()
RESTART_AFTER = 60.0
"""Seconds after a child was started before one that died (killed by the system for memory,
say) is replaced: a child that cannot live is not restarted in a loop."""


def shared() -> CheckProcess | None:
    """This process's checking child (started on its first page), or None when it may have none."""
    global _shared
    if not available():
        return None
    with _shared_lock:
        if _shared is not None and _shared.dead and time.monotonic() - _shared.started > RESTART_AFTER:
            _shared.close()
            _shared = None
        if _shared is None:
            _shared = CheckProcess()
            atexit.register(_shared.close)
        return _shared


def _forget_after_fork() -> None:
    """A forked process must start its own child: it lets go of its copies of the parent's
    pipes (so that the parent's child still sees its input close) and never writes to them."""
    global _shared
    if _shared is not None:
        _shared.abandon()
    _shared = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


# -- the child ----------------------------------------------------------------------------------
def page_verdict(validator: Any, raw: Any) -> bool:
    """True when the page decodes, as the host decodes it, to a list whose every item the
    validator accepts inside ``{"items": [...]}`` (the early check's envelope)."""
    from .response import decode_body

    try:
        items, _warnings = decode_body(raw)
        return isinstance(items, list) and bool(validator.is_valid({"items": items}))
    except Exception:  # noqa: BLE001 - whatever goes wrong, the host checks the page itself
        return False


def _yield_to_others() -> None:
    """Run only on a core nothing else wants (Linux's SCHED_IDLE; elsewhere the lowest
    priority): the walk it helps, and a store on the same machine, always come first, and
    pages it has not reached in time are checked by the host as before."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        try:
            os.nice(19)
        except OSError:
            pass


_CHILD = (
    "import sys; sys.path.append(sys.argv[1]); "
    "from woo_connector.check_process import main; main(sys.argv[2:])"
)
"""The child's program. The package's own directory is appended to ``sys.path`` (a source
checkout is found, and nothing installed is shadowed); ``-P`` keeps the host's working directory
out of it."""


def main(argv: list[str]) -> None:
    """Headers in on stdin, one reply per header out on stdout, until stdin closes."""
    import gc

    from .validation import fast_validator

    gc.disable()  # decoded JSON holds no cycles: reference counting frees every page
    _yield_to_others()
    fd, size = int(argv[0]), int(argv[1])
    arena = memoryview(mmap.mmap(fd, size))
    os.close(fd)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    validators: dict[int, Any] = {}
    while True:
        head = stdin.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return
        kind, seq, schema, start, length = _HEADER.unpack(head)
        raw = arena[start:start + length]
        if kind == _SCHEMA:
            validators[schema] = fast_validator(json.loads(bytes(raw)))
            valid = False
        else:
            validator = validators.get(schema)
            valid = validator is not None and page_verdict(validator, raw)
        raw.release()
        stdout.write(_REPLY.pack(seq, VALID if valid else NOT_KNOWN))
        stdout.flush()
