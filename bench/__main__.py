"""``python -m bench [--quick] [--json FILE]``: issue 8's S1, S2 and S3 in one process tree.

The store runs in a child process (bench.store_process), S3's pulls in one child each
(bench.memory_child); everything else runs here. Prints Markdown tables of medians, min–max and
ratios to a plain keep-alive requests.Session. The machine is shared: compare within one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from bench.report import markdown
from bench.scenarios import Config, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 orders, few rounds (< 1 min)")
    parser.add_argument("--json", metavar="FILE", help="also write the full report (every sample) as JSON")
    for field in dataclasses.fields(Config):
        parser.add_argument(f"--{field.name.replace('_', '-')}", type=type(field.default), default=None,
                            help=f"override (default {field.default})")
    options = parser.parse_args(argv)
    config = Config.quick() if options.quick else Config.full()
    overrides = {f.name: getattr(options, f.name) for f in dataclasses.fields(Config)
                 if getattr(options, f.name) is not None}
    config = dataclasses.replace(config, **overrides)
    report = run(config, log=lambda line: print(line, file=sys.stderr, flush=True))
    sys.stdout.write(markdown(report))
    if options.json:
        with open(options.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
