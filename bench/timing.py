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


def median_times(fns: dict, runs: int = 15, warmup: int = 2) -> dict:
    """Median seconds of each of `fns` (name -> function), the calls interleaved round by round:
    on a shared machine a busy spell then slows every contender alike, not only the one timed
    during it, so the ratios between them hold better than from one block of runs after another."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
    return {name: statistics.median(times) for name, times in samples.items()}
