"""S3's child: pull every order once with one contender and report its peak RSS growth.

Each measurement gets a fresh process so that one contender's freed-but-kept heap cannot hide
another's growth. The child warms up first (imports, the connection, one get-order call), takes its
RSS as the baseline, resets the kernel's high-water mark (``/proc/self/clear_refs``), pulls, and
reports ``VmHWM - baseline``. Where clear_refs is not writable, ``ru_maxrss`` stands in (a
baseline taken after warm-up is then close to the peak so far, so growth is still right).

Input (stdin, JSON): a list of jobs, each with contender, mode ("keep" or "stream"), per_page,
workers, order_id and conn; they are measured one after another (the bench gives each its own
child unless ``Config.s3_jobs_per_child`` says otherwise). Output (stdout, JSON): one outcome per
job, in order: items, baseline_kb, peak_kb, or unavailable with the reason.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
from typing import Any

from bench import clients


def status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(job: dict[str, Any]) -> dict[str, Any]:
    try:
        contender = clients.make(job["contender"], job["conn"], job.get("workers", 4))
        per_page = job["per_page"]
        contender.get_order(job["order_id"])
        # Asked before the baseline so that a missing streaming API is reported, not crashed on;
        # every contender's iterator is lazy, so nothing is fetched yet.
        stream = contender.iter_items(per_page) if job["mode"] == "stream" else None
    except clients.Unavailable as exc:
        return {"unavailable": str(exc)}
    gc.collect()
    baseline = status_kb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    exact = reset_peak()
    kept: list[Any] = []
    count = 0
    if stream is None:
        kept = contender.keep(per_page)
        count = len(kept)
    else:
        for _item in stream:
            count += 1
    peak = (status_kb("VmHWM") if exact else None) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"items": count, "baseline_kb": baseline, "peak_kb": peak, "exact_peak": exact}
    del kept
    contender.close()
    return result


if __name__ == "__main__":
    sys.stdout.write(json.dumps([measure(job) for job in json.load(sys.stdin)]) + "\n")
