"""`woo-connector sandbox`: run the store in the foreground and print a ready connection."""

from __future__ import annotations

import argparse
import json
import sys
import threading


def run_sandbox(args: argparse.Namespace) -> int:
    from . import Sandbox

    try:
        sandbox = Sandbox(seed=args.seed, orders=args.orders, https=args.https, port=args.port, db=args.db)
        sandbox.start()
    except OSError as exc:
        sys.stderr.write(f"woo-connector: cannot start the sandbox: {exc}\n")
        return 1
    sys.stdout.write(json.dumps(sandbox.connection(), indent=2) + "\n")
    sys.stdout.flush()
    sys.stderr.write(
        f"Sandbox store at {sandbox.url} (seed {args.seed}); save the JSON above as a connection "
        "file and pass it with --connection. Ctrl-C stops.\n"
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    return 0
