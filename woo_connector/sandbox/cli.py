"""`woo-connector sandbox`: run the store in the foreground and print a ready connection.

The command's options are parsed here, not in the connector's CLI, so the runtime never loads
the sandbox to read them. Every way it can fail ends in one line on stderr (a bad port, a port
in use, ``--https`` without trustme), never a traceback; SIGTERM stops it like Ctrl-C, so the
temporary CA of ``--https`` is removed either way.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import NoReturn

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad command line, reported in one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


class Stopped(Exception):
    """SIGTERM arrived: leave the wait and clean up as Ctrl-C would."""


def port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port must be a number from 0 to 65535, not {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"--port must be from 0 to 65535, not {value}")
    return value


def build_parser() -> Parser:
    parser = Parser(prog="woo-connector sandbox", description="Run the embedded sandbox store until Ctrl-C.")
    parser.add_argument("--port", type=port, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--https", action="store_true", help="serve HTTPS with a throw-away CA (needs trustme)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--db", help="SQLite file to keep the store's data across restarts")
    parser.add_argument("-v", "--verbose", action="store_true", help="accepted after the command too; the "
                        "sandbox logs nothing that could hold a key")
    return parser


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Stopped()


def run_sandbox(argv: Sequence[str]) -> int:
    """Parse ``argv`` (the words after ``sandbox``), serve until Ctrl-C or SIGTERM, clean up."""
    from . import Sandbox
    from .tls import TLSUnavailable

    try:
        args = build_parser().parse_args(list(argv))
    except UsageError as exc:
        sys.stderr.write(f"woo-connector sandbox: {exc}\n")
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
    sandbox = Sandbox(seed=args.seed, orders=args.orders, https=args.https, port=args.port, db=args.db)
    previous = signal.signal(signal.SIGTERM, _terminate) if threading.current_thread() is threading.main_thread() else None
    try:
        try:
            sandbox.start()
        except TLSUnavailable as exc:
            sys.stderr.write(f"woo-connector sandbox: {exc}\n")
            return EXIT_FAILED
        except (OSError, OverflowError) as exc:
            sys.stderr.write(f"woo-connector sandbox: cannot listen on 127.0.0.1:{args.port}: "
                             f"{getattr(exc, 'strerror', None) or exc}\n")
            return EXIT_FAILED
        sys.stdout.write(json.dumps(sandbox.connection(), indent=2) + "\n")
        sys.stdout.flush()
        sys.stderr.write(
            f"Sandbox store at {sandbox.url} (seed {args.seed}); save the JSON above as a connection "
            "file and pass it with --connection. Ctrl-C stops.\n"
        )
        sys.stderr.flush()
        threading.Event().wait()
    except (KeyboardInterrupt, Stopped):
        pass
    finally:
        sandbox.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_OK
