"""How many CPU threads torch trains with, chosen so a shared, busy machine stays fast.

regtui's models are tiny: every op is a short OpenMP parallel region, and each region waits
for its slowest thread. torch's default (one thread per core, busy-waiting between regions)
is fastest on an idle machine, but one other busy process leaves one of two cores shared, and
each region then waits for a thread the OS has descheduled: the memorization preset took
7.7x its quiet time on 2 cores. So regtui (1) makes waiting OpenMP threads sleep instead of
spin, which must happen before torch is imported, and (2) trains with as many threads as
there are idle cores when the run starts (at least 1, at most torch's default).
"""

from __future__ import annotations

import os
import time

# Read by libgomp when torch loads it. PASSIVE: a thread without work sleeps at once instead of
# spinning; a spinning thread steals the CPU its descheduled peer needs to finish the region.
OPENMP_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}
SAMPLE_S = 0.1  # how long idle CPU time is sampled at start (seconds)
EARLY_MAX_S = 30.0  # an early sample (start_idle_sample) older than this is not used
_early: tuple[float, tuple[int, int], float] | None = None  # (monotonic, /proc/stat, own CPU s)


def configure_openmp() -> None:
    """Set OpenMP's wait policy unless the user set it; call before the first `import torch`."""
    for key, value in OPENMP_ENV.items():
        os.environ.setdefault(key, value)


def start_idle_sample() -> None:
    """Take idle_cores' first reading now, at the entry point: by the time the threads are
    chosen, torch's import has given the sample its length, and idle_cores needs no sleep."""
    global _early
    before = _cpu_times()
    _early = None if before is None else (time.monotonic(), before, _own_cpu_s())


def _own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) jiffies over all CPUs from /proc/stat, or None where there is no /proc."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return fields[3] + fields[4], sum(fields[:8])  # idle + iowait; user..steal


def idle_cores(sample_s: float = SAMPLE_S) -> float:
    """Cores usable by this process that are idle now, from a short sample of /proc/stat
    (or, without waiting, from the one start_idle_sample began at the entry point).

    Falls back to the 1-minute load average where /proc/stat is missing (it lags new load).
    """
    global _early
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    early, _early = _early, None  # used once: a later call samples afresh
    if early is not None and sample_s <= time.monotonic() - early[0] <= EARLY_MAX_S:
        before, own = early[1], _own_cpu_s() - early[2]  # since the entry point, with the import
    else:
        before, own = _cpu_times(), 0.0
        if before is not None:
            time.sleep(sample_s)
    if before is not None:
        after = _cpu_times()
        if after is not None and after[1] > before[1]:
            # idle share of all CPUs; this process's own CPU time (importing torch) counts as
            # idle: it is not other work competing with training
            idle = after[0] - before[0] + own * os.sysconf("SC_CLK_TCK")
            share = min(1.0, idle / (after[1] - before[1]))
            return min(usable, share * (os.cpu_count() or usable))
    try:
        return max(0.0, usable - os.getloadavg()[0])
    except OSError:
        return float(usable)


def auto_threads(reserve: int = 0) -> int:
    """The default thread count: idle cores now, minus `reserve` (the app's UI), at least 1,
    at most torch's own default (its count of physical cores)."""
    import torch

    free = round(idle_cores()) - reserve
    return max(1, min(torch.get_num_threads(), free))


def set_threads(threads: int | None = None, reserve: int = 0) -> int:
    """Give torch `threads` CPU threads (None: `auto_threads(reserve)`); return the number set."""
    import torch

    n = threads if threads else auto_threads(reserve)
    torch.set_num_threads(n)
    return n
