"""Peak memory of a command's whole process tree, read from /proc.

    .venv/bin/python benchmarks/rss_sample.py COMMAND [ARG ...]

Runs COMMAND and, every 0.25 s until it exits, sums the resident memory (VmRSS) of it and
of every process below it; prints the peak of that sum and the peak of its largest single
process, in MiB. Unlike `ru_maxrss` of children (which bench_scale.py adds to the build's own
peak), a process forked from a large parent is counted as it is after it replaced itself
with Pagefind, not with the parent's pages it briefly shared. Linux only. A peak shorter than
the sampling interval can be missed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

INTERVAL = 0.25
"""Seconds between two samples."""


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it, from the parent ids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def resident_mib(pid: int) -> float:
    """VmRSS of a process in MiB; 0 when it is gone (or a kernel thread)."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    process = subprocess.Popen(sys.argv[1:])
    peak_tree = peak_process = 0.0
    while process.poll() is None:
        sizes = [resident_mib(pid) for pid in descendants(process.pid)]
        peak_tree = max(peak_tree, sum(sizes))
        peak_process = max(peak_process, max(sizes, default=0.0))
        time.sleep(INTERVAL)
    print(f"exit {process.returncode}; peak of the process tree {peak_tree:,.0f} MiB; "
          f"largest process {peak_process:,.0f} MiB")
    sys.exit(process.returncode)


if __name__ == "__main__":
    main()
