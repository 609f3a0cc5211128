"""The report as Markdown: a summary of ratios (the README's table) and one table per scenario."""

from __future__ import annotations

from typing import Any

from bench import clients

SUMMARY_COLUMNS = (clients.RAW, clients.OFFICIAL, clients.CONNECTOR)


def _number(value: float, unit: str) -> str:
    if unit == "µs per call":
        return f"{value:,.0f}"
    if unit == "MB":
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def _row_by_name(sc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["contender"]: row for row in sc["rows"]}


def summary(report: dict[str, Any]) -> str:
    """Issue 8's table: S1 and S2 as ratios to the raw Session (wall, and CPU), S3 as MB of growth."""
    lines = ["| scenario | " + " | ".join(SUMMARY_COLUMNS) + " | woo-connector, other modes |",
             "|---|" + "---|" * (len(SUMMARY_COLUMNS) + 1)]
    for sc in report["scenarios"]:
        rows = _row_by_name(sc)
        if sc["id"] == "S3":
            cells = []
            for name in SUMMARY_COLUMNS:
                keep, stream = rows.get(f"{name}, keep"), rows.get(f"{name}, stream")
                cells.append(f"keep {_mb(keep)}, stream {_mb(stream)}")
            lines.append(f"| S3 peak RSS growth | " + " | ".join(cells) + " | – |")
            continue
        cells = [_ratio(rows.get(name)) for name in SUMMARY_COLUMNS]
        extras = [r for n, r in rows.items() if n.startswith(clients.CONNECTOR) and n != clients.CONNECTOR]
        extra = "; ".join(f"{r['contender'].split(', ', 1)[1]} {_ratio(r)}" for r in extras) or "–"
        lines.append(f"| {sc['id']} | " + " | ".join(cells) + f" | {extra} |")
    return "\n".join(lines)


def _ratio(row: dict[str, Any] | None) -> str:
    """Wall-time ratio, then the client-CPU ratio (the call overhead itself) where measured."""
    if row is None or row["status"] != "ok":
        return "n/a"
    text = f"{row['ratio']:.2f}×"
    if row.get("cpu_ratio") is not None:
        text += f" (CPU {row['cpu_ratio']:.2f}×)"
    return text


def _mb(row: dict[str, Any] | None) -> str:
    if row is None or row["status"] != "ok":
        return "n/a"
    return f"{row['median']:.1f} MB"


def details(sc: dict[str, Any]) -> str:
    unit = sc["unit"]
    has_cpu = any("cpu_median" in row for row in sc["rows"])
    lines = [f"**{sc['id']}**: {sc['title']} ({unit}; median of {sc['rounds']} rounds, min–max; "
             f"ratio to {sc['baseline']}" + ("; CPU: this process's CPU time" if has_cpu else "") + ")", ""]
    if has_cpu:
        lines += ["| contender | wall median | wall min–max | wall ratio | CPU median | CPU min–max | CPU ratio |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
    else:
        lines += ["| contender | median | min–max | ratio |", "|---|---:|---:|---:|"]
    for row in sc["rows"]:
        if row["status"] != "ok":
            lines.append(f"| {row['contender']} | n/a | | {row['reason']} |" + (" | | |" if has_cpu else ""))
            continue
        cells = [_number(row["median"], unit), f"{_number(row['min'], unit)}–{_number(row['max'], unit)}",
                 f"{row['ratio']:.2f}×" if row["ratio"] is not None else "–"]
        if has_cpu:
            cells += [_number(row["cpu_median"], unit), f"{_number(row['cpu_min'], unit)}–{_number(row['cpu_max'], unit)}",
                      f"{row['cpu_ratio']:.2f}×" if row.get("cpu_ratio") is not None else "–"]
        lines.append(f"| {row['contender']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def markdown(report: dict[str, Any]) -> str:
    cfg = report["config"]
    head = (f"woo-connector bench: {cfg['orders']:,} orders, Python {report['machine']['python']}, "
            f"{report['machine']['cpus']} CPUs (sum(range(1000)) took {report['machine']['calibration_us']:.1f} µs); store seeded in {report['seed_seconds']:.1f} s; "
            f"whole run {report['wall_seconds']:.0f} s")
    parts = [head, "", summary(report)]
    parts += ["", *("\n".join([details(sc), ""]) for sc in report["scenarios"])]
    return "\n".join(parts).rstrip() + "\n"
