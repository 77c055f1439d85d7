"""Related-paper quality on the real corpus: nDCG@5 and the share of related papers graded
unrelated, against related papers graded by reading both abstracts (tests/fixtures/related:
judged.json, the set the method was chosen on, and heldout.json, 18 more query papers graded
the same way), and how long finding them takes.

nDCG@5 is condensed (papers nobody graded are skipped, reading the ranking 20 deep), the
standard way with pooled judgments; it is also given with unjudged papers counted as
unrelated, with how many of the first five were not graded.

    .venv/bin/python benchmarks/bench_related.py

Targets (issue 23): nDCG@5 >= 0.75 with at most 10% unrelated on the judged query papers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from judged_sets import CONDENSED_DEPTH, corpus_papers, related_figures  # noqa: E402

from generator.data.related import RELATED, related_lists  # noqa: E402

REAL = Path(os.environ.get("PAPERS_REAL_CORPUS", REPO.parent / "shared" / "corpus" / "real"))
TARGETS = {"nDCG@5": 0.75, "unrelated": 0.10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=REAL, help="the dumps (default: ../shared/corpus/real)")
    args = parser.parse_args()
    if not args.sources.is_dir():
        print(f"skipped: the real corpus is not at {args.sources} (../shared/corpus/real)")
        return
    papers = corpus_papers(args.sources)
    start = time.perf_counter()
    related_lists(papers, RELATED)
    seconds = time.perf_counter() - start
    lists, _ = related_lists(papers, CONDENSED_DEPTH)
    rankings = {p.id: found for p, found in zip(papers, lists, strict=True)}
    for which in ("judged", "heldout"):
        f = related_figures(papers, rankings, which)
        met = f["nDCG@5"] >= TARGETS["nDCG@5"] and f["unrelated"] <= TARGETS["unrelated"]
        print(f"{which} ({f['queries']} query papers): nDCG@5 {f['nDCG@5']:.3f} "
              f"({f['nDCG@5 unjudged as 0']:.3f} with unjudged papers as unrelated), "
              f"{f['unrelated']:.1%} of the first five graded unrelated, {f['unjudged']} of {f['shown']} not graded"
              f"{'' if which != 'judged' else ' - targets ' + ('met' if met else 'MISSED')}")
    print(f"{RELATED} related papers for each of {len(papers):,} papers in {seconds:.1f} s")


if __name__ == "__main__":
    main()
