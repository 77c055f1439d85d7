"""Seconds of the tags and related stages on a synthetic corpus, and a check that their output is unchanged.

    python benchmarks/bench_stages.py 100000                     # time the stages at 100k papers
    python benchmarks/bench_stages.py 20000 --save /tmp/before.pickle
    python benchmarks/bench_stages.py 20000 --compare /tmp/before.pickle

The corpus is written once to /tmp/papers-synth-<n> (or --folder, which may also be a folder of
real dumps such as content/raw). --save and --compare also run the related stage with a
previous build's lists (those of the corpus without every tenth paper), so the rule that keeps
last build's lists is covered too.
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.data.pipeline import collect  # noqa: E402
from generator.data.related import apply_related, related_ids  # noqa: E402
from generator.data.tags import apply_tags, load_taxonomy  # noqa: E402
from generator.site.config import default_settings  # noqa: E402


def outputs(papers) -> dict:
    """Tags and related lists per paper id, plus the related lists kept from a previous build."""
    older = [p for k, p in enumerate(papers) if k % 10]
    previous = dict(zip((p.id for p in older), related_ids(older), strict=True))
    start = time.perf_counter()
    held = related_ids(papers, previous=previous)
    print(f"related with previous lists: {time.perf_counter() - start:.2f} s")
    return {
        "tags": {p.id: p.tags for p in papers},
        "related": {p.id: p.related for p in papers},
        "held": {p.id: r for p, r in zip(papers, held, strict=True)},
    }


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(stage: str, run):
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{stage}: {wall:.2f} s ({cpu:.2f} s CPU); peak memory {peak_mb():.0f} MB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("papers", type=int, nargs="?", default=10_000, help="synthetic papers to generate")
    parser.add_argument("--folder", type=Path, help="dumps to read instead of a synthetic corpus")
    parser.add_argument("--save", type=Path, help="pickle the outputs here")
    parser.add_argument("--compare", type=Path, help="assert the outputs equal this pickle")
    args = parser.parse_args()

    folder = args.folder or Path(f"/tmp/papers-synth-{args.papers}")
    if not folder.exists():
        from synth import make_corpus

        make_corpus(folder, args.papers)
    papers = collect(default_settings(sources=[folder], tags=None), with_related=False).papers
    print(f"{len(papers)} papers from {folder}; peak memory after reading {peak_mb():.0f} MB")
    # The same calls as collect(), timed also in CPU seconds: wall time suffers when others share the machine.
    papers = timed("tags", lambda: apply_tags(papers, load_taxonomy(REPO / "content" / "tags.yml")))
    papers = timed("related", lambda: apply_related(papers, 5, {}))

    if args.save or args.compare:
        result = outputs(papers)
        if args.save:
            args.save.write_bytes(pickle.dumps(result))
            print(f"saved to {args.save}")
        if args.compare:
            expected = pickle.loads(args.compare.read_bytes())
            for key in expected:
                differ = [i for i in expected[key] if expected[key][i] != result[key].get(i)]
                assert not differ and expected[key].keys() == result[key].keys(), (
                    f"{key}: {len(differ)} papers differ, e.g. {differ[:3]}")
            print(f"identical to {args.compare}")


if __name__ == "__main__":
    main()
