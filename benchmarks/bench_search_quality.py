"""Search quality on the real corpus: recall@10 and MRR of the query set, in headless Chromium.

Builds ../shared/corpus/real (9,205 papers; or --sources DIR) with `python -m generator build`
into a temporary project (or --keep DIR, reused with --reuse), serves it, types every query of
tests/fixtures/search/queries.json into the search page and prints recall@10, MRR, the share
of absent-word queries that showed nothing, the figures per kind of query and every miss.

    .venv/bin/python benchmarks/bench_search_quality.py

Targets (issue 15): recall@10 >= 0.95, MRR >= 0.8, no result for an absent word.
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

from bench_search import CHROMIUM, CHROMIUM_ARGS, Quiet, build  # noqa: E402
from search_quality import figures, load_queries, report, run_queries  # noqa: E402

REAL = Path(os.environ.get("PAPERS_REAL_CORPUS", REPO.parent / "shared" / "corpus" / "real"))
TARGETS = {"recall@10": 0.95, "MRR": 0.8, "absent empty": 1.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=REAL, help="the dumps (default: ../shared/corpus/real)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep the site")
    parser.add_argument("--reuse", action="store_true", help="with --keep: query the site built there before")
    args = parser.parse_args()
    if not args.sources.is_dir():
        sys.exit(f"Error: {args.sources} is not a folder of dumps")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-search-quality-"))
    site = work / "site"
    try:
        if not (args.reuse and (site / "papers.json").is_file()):
            shutil.rmtree(work, ignore_errors=True)
            (work / "docs").mkdir(parents=True)
            built = build(work, args.sources.resolve(), site)
            print(f"built {args.sources} in {built['seconds']:.0f} s", file=sys.stderr)
        outcomes = measure(site)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    f = figures(outcomes)
    print(f"{f['queries']} queries on {args.sources}: recall@10 {f['recall@10']:.3f} (target ≥ {TARGETS['recall@10']}), "
          f"MRR {f['MRR']:.3f} (≥ {TARGETS['MRR']}), absent words with no result {f['absent empty']:.0%}")
    print(report(outcomes))


def measure(site: Path):
    """Serve `site` on localhost and run the query set in Chromium."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(60_000)
            outcomes = run_queries(page, f"http://127.0.0.1:{server.server_address[1]}/", site, load_queries())
            browser.close()
    finally:
        server.shutdown()
    return outcomes


if __name__ == "__main__":
    main()
