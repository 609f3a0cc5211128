"""Median with min–max and the ratio to the baseline contender: what every table row shows."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    """One contender in one scenario: its samples (one per round), or why it could not run."""

    contender: str
    samples: list[float] = field(default_factory=list)
    cpu_samples: list[float] = field(default_factory=list)
    unavailable: str | None = None
    items: int | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu_samples) if self.cpu_samples else None

    def to_dict(self, baseline: float | None, cpu_baseline: float | None = None) -> dict[str, Any]:
        if self.unavailable is not None or not self.samples:
            return {"contender": self.contender, "status": "n/a",
                    "reason": self.unavailable or "no samples"}
        median = self.median
        assert median is not None
        out: dict[str, Any] = {
            "contender": self.contender,
            "status": "ok",
            "samples": self.samples,
            "median": median,
            "min": min(self.samples),
            "max": max(self.samples),
            "ratio": median / baseline if baseline else None,
        }
        if self.cpu_samples:
            cpu = self.cpu_median
            assert cpu is not None
            out.update(cpu_median=cpu, cpu_min=min(self.cpu_samples), cpu_max=max(self.cpu_samples),
                       cpu_samples=self.cpu_samples, cpu_ratio=cpu / cpu_baseline if cpu_baseline else None)
        if self.items is not None:
            out["items"] = self.items
        return out


def rotated(names: list[str], round_no: int) -> list[str]:
    """Round r starts with the r-th contender, so none always runs first (cold) or last."""
    shift = round_no % len(names) if names else 0
    return names[shift:] + names[:shift]


def scenario(sid: str, title: str, unit: str, rows: list[Row], baseline: str, **extra: Any) -> dict[str, Any]:
    base = next((r for r in rows if r.contender == baseline), None)
    wall, cpu = (base.median, base.cpu_median) if base is not None else (None, None)
    return {"id": sid, "title": title, "unit": unit, "baseline": baseline,
            "rows": [r.to_dict(wall, cpu) for r in rows], **extra}
