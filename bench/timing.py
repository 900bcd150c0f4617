"""Timing helpers the benchmarks share."""
from __future__ import annotations

import statistics
import time


def median_time(fn, runs: int = 15, warmup: int = 2) -> float:
    """Median seconds of `runs` calls of fn, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)
