"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from typing import Callable

Result = tuple[str, float, str]


def time_calls(action: Callable[[int], object], repeats: int) -> list[float]:
    """Seconds taken by ``action(i)`` for i in range(repeats)."""
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return times


def summary(prefix: str, seconds: list[float]) -> list[Result]:
    """Median and 95th percentile in milliseconds."""
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return [
        (f"{prefix}_median", statistics.median(ordered) * 1000, "ms"),
        (f"{prefix}_p95", p95 * 1000, "ms"),
    ]
