"""Tag quality on the real corpus: precision, recall and tags a paper against papers tagged by
reading them (tests/fixtures/tags: judged.json, the set the rules were tuned on, and
heldout.json, 70 more tagged the same way), and how the tags spread over the whole corpus.

    .venv/bin/python benchmarks/bench_tags.py                  # content/tags.yml
    .venv/bin/python benchmarks/bench_tags.py --tags other.yml --errors

Targets (issue 23): precision >= 0.85 and recall >= 0.80 on the judged papers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from judged_sets import corpus_papers, tag_figures  # noqa: E402

from generator.data.tags import Tagger, load_taxonomy  # noqa: E402

REAL = Path(os.environ.get("PAPERS_REAL_CORPUS", REPO.parent / "shared" / "corpus" / "real"))
TARGETS = {"precision": 0.85, "recall": 0.80}
CURATOR = "curator's tags a paper"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tags", type=Path, default=REPO / "content" / "tags.yml", help="the tag rules")
    parser.add_argument("--sources", type=Path, default=REAL, help="the dumps (default: ../shared/corpus/real)")
    parser.add_argument("--errors", action="store_true", help="list every judged paper whose tags differ")
    args = parser.parse_args()
    if not args.sources.is_dir():
        print(f"skipped: the real corpus is not at {args.sources} (../shared/corpus/real)")
        return
    papers = corpus_papers(args.sources)
    taxonomy = load_taxonomy(args.tags)
    for which in ("judged", "heldout"):
        f = tag_figures(papers, taxonomy, which)
        met = all(f[k] >= v for k, v in TARGETS.items())
        print(f"{which} ({f['papers']} papers): precision {f['precision']:.3f}, recall {f['recall']:.3f}, "
              f"{f['tags a paper']:.2f} tags a paper (the curator's: {f[CURATOR]:.2f})"
              f"{'' if which != 'judged' else ' - targets ' + ('met' if met else 'MISSED')}")
        if which == "judged":
            for tag, counts in sorted(f["per tag"].items(), key=lambda kv: -(kv[1]["wrong"] + kv[1]["missed"])):
                print(f"  {tag:34} right {counts['right']:3}  wrong {counts['wrong']:3}  missed {counts['missed']:3}")
        if args.errors:
            for title, extra, missed in f["errors"]:
                print(f"    {title[:90]}: + {extra} - {missed}")
    tagger = Tagger(taxonomy)
    start = time.perf_counter()
    tags = [tagger.tags_for(p.title, p.abstract) for p in papers]
    seconds = time.perf_counter() - start
    spread = Counter(t for one in tags for t in one)
    print(f"\nall {len(papers):,} papers: {sum(1 for t in tags if t) / len(papers):.1%} tagged, "
          f"{sum(map(len, tags)) / len(papers):.2f} tags a paper, tagged in {seconds:.1f} s")
    for tag, n in spread.most_common():
        print(f"  {n:6,}  {n / len(papers):5.1%}  {tag}")


if __name__ == "__main__":
    main()
