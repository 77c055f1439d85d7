"""Parse + merge throughput over a synthetic corpus made from the sample dumps.

Writes dumps of about 150 papers each, in both layouts, into a temporary folder, then times
`read_dumps` + `merge` over it, each run in a fresh child process (so that its peak memory,
ru_maxrss, is its own). Prints papers/s as the median of the runs (wall clock, and per CPU
second), the time of read + parse and of merge in each run, and the peak memory.

    .venv/bin/python benchmarks/bench_parse.py [--papers 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.data.sources import read_dumps  # noqa: E402

SAMPLES = REPO / "content" / "raw"
PER_DUMP = 150
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SUFFIXES = ["revisited", "at scale", "in practice", "for agents", "without labels", "made simple",
            "beyond transformers", "under noise", "a survey", "in the wild"]
HEADER_A = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n" \
           "byAK and the research community\n\n"
HEADER_B = "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n"


def sample_papers() -> list[tuple[str, str, str | None]]:
    """(title, abstract, metadata first line or None) of every distinct sample entry."""
    seen: dict[str, tuple[str, str, str | None]] = {}
    for dump in read_dumps([SAMPLES]):
        for r in dump.records:
            first = r.org if r.org else (f"  • {r.authors} authors" if r.authors is not None else None)
            seen.setdefault(r.title.casefold(), (r.title, r.abstract, first))
    return list(seen.values())


def make_corpus(folder: Path, papers: int, seed: int = 20261122) -> int:
    """Write `papers` distinct papers as dumps in both layouts; return the number of files.

    As in the real corpus, about one entry in twenty repeats a paper of the dump before (its
    title in capitals), so that merging has work to do; the repeats are extra entries.
    """
    rng = random.Random(seed)
    base = sample_papers()
    files = 0
    n = 0
    previous: list[tuple[str, str]] = []
    while n < papers:
        layout = "B" if files % 3 == 2 else "A"
        count = min(PER_DUMP, papers - n)
        month, day = rng.randrange(1, 13), rng.randrange(1, 29)
        entries = []
        for k in range(count):
            title, abstract, first = base[(n + k) % len(base)]
            # Distinct titles, and distinct slugs (cut at 75 characters): the variant goes first.
            title = f"{SUFFIXES[(n + k) % len(SUFFIXES)].capitalize()} {(n + k) // len(base)}: {title}"
            entries.append((title, abstract, first))
            if k % 20 == 10 and previous:
                again, again_abstract = previous[k % len(previous)]
                entries.append((again.upper(), again_abstract, None))
        parts = []
        for k, (title, abstract, first) in enumerate(entries):
            if layout == "B":
                parts.append(("Subscribe" if k == 0 else "") + f"{title}\n{abstract}\n")
                continue
            entry = f"{title}\n\n{abstract}\n\n"
            if first is not None or rng.random() < 0.9:
                date = f"{MONTHS[rng.randrange(12)]} {rng.randrange(1, 29)}"
                if rng.random() < 0.3:
                    date += f", {rng.choice((2023, 2024))}"
                if rng.random() < 0.8:
                    date += f" {rng.randrange(1, 500)}"
                entry += f"{first or f'  • {rng.randrange(1, 30)} authors'}\n·\n{date}\n\n"
            parts.append(entry)
        previous = [(title, abstract) for title, abstract, _ in entries[:count]]
        header = HEADER_A + f"{MONTHS[month - 1]} {day}\n\n" if layout == "A" else HEADER_B
        name = f"2025-{month:02d}-{day:02d}-bench_{files:04d}.txt" if layout == "A" else f"bench_{files:04d}.txt"
        (folder / name).write_text(header + "".join(parts), encoding="utf-8")
        n += count
        files += 1
    return files


def measure(folder: str) -> None:
    """Child process: one timed parse + merge; prints a JSON line with the times and peak memory."""
    import resource
    from datetime import date

    from generator.data.merge import merge

    wall, cpu = time.perf_counter(), time.process_time()
    dumps = read_dumps([folder])
    read = time.perf_counter() - wall
    papers, problems = merge(dumps, today=date(2026, 1, 1))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps({
        "seconds": wall,
        "read_seconds": read,
        "cpu_seconds": cpu,
        "entries": sum(len(d.records) for d in dumps),
        "papers": len(papers),
        "problems": len(problems) + sum(len(d.problems) for d in dumps),
        # Peak resident memory of this process: the interpreter (about 20 MiB) included.
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000, help="papers in the synthetic corpus (default 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs, each in a fresh process (default 5)")
    parser.add_argument("--measure", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    if args.papers < 1 or args.runs < 1:
        parser.error("--papers and --runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="bench-parse-") as tmp:
        files = make_corpus(Path(tmp), args.papers)
        size = sum(p.stat().st_size for p in Path(tmp).iterdir())
        # Flushed to disk before timing, so that no write-back competes with the runs.
        os.sync()
        print(f"corpus: {args.papers:,} papers in {files} dumps ({size / 1e6:.0f} MB), layouts A and B")
        results = []
        for run in range(1, args.runs + 1):
            out = subprocess.run(
                [sys.executable, __file__, "--measure", tmp], check=True, capture_output=True, text=True
            ).stdout
            result = json.loads(out.splitlines()[-1])
            results.append(result)
            if run == 1:
                print(f"{result['entries']:,} entries (repeats included) merge into {result['papers']:,} papers")
            print(f"run {run}: {result['seconds']:.2f} s ({result['cpu_seconds']:.2f} s CPU), "
                  f"{result['papers'] / result['seconds']:,.0f} papers/s; read + parse "
                  f"{result['read_seconds']:.2f} s, merge {result['seconds'] - result['read_seconds']:.2f} s; "
                  f"peak RSS {result['maxrss_kib'] / 1024:.0f} MiB")
    first = results[0]
    if first["papers"] != args.papers or first["problems"]:
        sys.exit(f"corpus read wrong: {first['papers']} papers, {first['problems']} problems")
    rates = [r["papers"] / r["seconds"] for r in results]
    cpu_rates = [r["papers"] / r["cpu_seconds"] for r in results]
    print(f"\nparse + merge: {statistics.median(rates):,.0f} papers/s (median of {len(rates)} runs; "
          f"min {min(rates):,.0f}, max {max(rates):,.0f})")
    # On a shared machine the wall clock also counts time spent waiting for a core.
    print(f"per CPU second: {statistics.median(cpu_rates):,.0f} papers/s (median)")
    print(f"peak memory: {statistics.median(r['maxrss_kib'] for r in results) / 1024:.0f} MiB "
          "(ru_maxrss of the measuring process, median)")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"note: load average {load:.1f} on {os.cpu_count()} cores: other work competed for the CPU")


if __name__ == "__main__":
    main()
