"""Search quality on the real corpus, in headless Chromium: nDCG@10 and P@5 of the judged query
sets per kind of query, and recall@10 and MRR of the recall set.

Builds ../shared/corpus/real (9,205 papers; or --sources DIR) with `python -m generator build`
into a temporary project (or --keep DIR, reused with --reuse), serves it, types every query of
the chosen sets into the search page and prints their figures (tests/search_quality.py says
how each is counted) and the queries that scored worst:

- `main`: tests/fixtures/search/judged.json, the judged set search was tuned on;
- `heldout`: tests/fixtures/search/judged_heldout.json, judged the same way, never tuned on;
- `recall`: tests/fixtures/search/queries.json, issue 15's set of titles each query must find.

    .venv/bin/python benchmarks/bench_search_quality.py                 # main
    .venv/bin/python benchmarks/bench_search_quality.py --sets main heldout recall

Targets (issue 22): nDCG@10 >= 0.85 over a judged set and >= 0.75 for every kind, no result
for a word absent from the archive; (issue 15) recall@10 >= 0.95 and MRR >= 0.8.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

import search_quality as quality  # noqa: E402
from bench_search import CHROMIUM, CHROMIUM_ARGS, Quiet, build_or_reuse  # noqa: E402

REAL = Path(os.environ.get("PAPERS_REAL_CORPUS", REPO.parent / "shared" / "corpus" / "real"))
RECALL_TARGETS = {"recall@10": 0.95, "MRR": 0.8, "absent empty": 1.0}
NDCG_TARGET, NDCG_KIND_TARGET = 0.85, 0.75
JUDGED_SETS = {"main": quality.JUDGED, "heldout": quality.HELDOUT}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=REAL, help="the dumps (default: ../shared/corpus/real)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep the site")
    parser.add_argument("--reuse", action="store_true", help="with --keep: query the site built there before")
    parser.add_argument("--sets", nargs="+", choices=["main", "heldout", "recall"], default=["main"],
                        help="the query sets to run (default: main)")
    args = parser.parse_args()
    if not args.sources.is_dir():
        sys.exit(f"Error: {args.sources} is not a folder of dumps")
    for name in args.sets:
        if name in JUDGED_SETS and not JUDGED_SETS[name].is_file():
            sys.exit(f"Error: {JUDGED_SETS[name]} is not there")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-search-quality-"))
    try:
        site = build_or_reuse(work, args.sources, args.reuse)
        queries = {name: (quality.load_queries() if name == "recall" else quality.load_judged(JUDGED_SETS[name])["queries"])
                   for name in args.sets}
        outcomes = measure(site, queries)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for name in args.sets:
        if name == "recall":
            f = quality.figures(outcomes[name])
            print(f"recall set, {f['queries']} queries on {args.sources}: recall@10 {f['recall@10']:.3f} "
                  f"(target ≥ {RECALL_TARGETS['recall@10']}), MRR {f['MRR']:.3f} (≥ {RECALL_TARGETS['MRR']}), "
                  f"absent words with no result {f['absent empty']:.0%}")
            print(quality.report(outcomes[name]))
        else:
            f = quality.judged_figures(outcomes[name])["all"]
            print(f"{name} judged set ({JUDGED_SETS[name].name}), {f['queries']} queries on {args.sources}: "
                  f"nDCG@10 {f['nDCG@10']:.3f} (target ≥ {NDCG_TARGET}, each kind ≥ {NDCG_KIND_TARGET}), "
                  f"P@5 {f['P@5']:.3f}")
            print(quality.judged_report(outcomes[name]))


def measure(site: Path, sets: dict[str, list[dict]]) -> dict[str, list]:
    """Serve `site` on localhost and run each set of queries in Chromium: outcomes by set."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(60_000)
            root = f"http://127.0.0.1:{server.server_address[1]}/"
            outcomes = {name: quality.run_queries(page, root, site, queries) for name, queries in sets.items()}
            browser.close()
    finally:
        server.shutdown()
    return outcomes


if __name__ == "__main__":
    main()
