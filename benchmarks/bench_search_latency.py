"""Search latency on the real corpus, in headless Chromium: from the last key press to results.

Builds ../shared/corpus/real (or --sources DIR; --keep DIR and --reuse as in
bench_search_quality.py), serves it on localhost and, in the search page (and with --header in
the header box), enters each query of a judged set (tests/fixtures/search/judged.json by
default): all but its last word at once, then, once their results show, its last word key by
key, --delay ms apart, as a reader types it (the searches of the word's first letters run and
are overtaken, as they are for a reader). The latency of a query is the time from its last key
press (a keydown listener in the page) to the moment search.js has put its results on the page
(its `papers-search-shown` event). Every query after the first runs with the index loaded; the
first, in a fresh page, is reported apart (it fetches Pagefind's files). Prints the median,
the 90th percentile and the slowest queries.

    .venv/bin/python benchmarks/bench_search_latency.py --keep /tmp/real --reuse

Target (issue 22): at most 300 ms from the last key press to results, median.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

from bench_search import CHROMIUM, CHROMIUM_ARGS, Quiet, build_or_reuse  # noqa: E402
from search_quality import JUDGED, load_judged  # noqa: E402

REAL = Path(os.environ.get("PAPERS_REAL_CORPUS", REPO.parent / "shared" / "corpus" / "real"))
TARGET_MS = 300
BOXES = {"search page": ("search/", "[data-papers-search-page-input]"),
         "header box": ("", "[data-papers-search-input]")}
LISTEN = """() => {
  window.__keys = [];
  window.__shown = [];
  document.addEventListener("keydown", () => window.__keys.push(performance.now()), true);
  document.addEventListener("papers-search-shown", (ev) => window.__shown.push(ev.detail));
}"""


def type_query(page, box: str, query: str, delay: int, whole: bool = False) -> float:
    """Enter `query` in `box` (its start at once, its last word key by key; with `whole`, all of
    it key by key); ms from its last key to its results."""
    head, _, last = ("", "", query) if whole else query.rpartition(" ")
    page.fill(box, f"{head} " if head else "")
    if head:
        page.wait_for_function("q => window.__shown.some((s) => s.query === q)", arg=head.strip(), timeout=60_000)
    page.wait_for_timeout(200)
    page.evaluate("() => { window.__keys = []; window.__shown = []; }")
    page.focus(box)
    page.keyboard.type(last, delay=delay)
    page.wait_for_function("q => window.__shown.some((s) => s.query === q)", arg=query.strip(), timeout=60_000)
    return page.evaluate("""q => {
      const last = window.__keys[window.__keys.length - 1];
      const shown = window.__shown.filter((s) => s.query === q).pop();
      return shown.at - last;
    }""", query.strip())


def measure(site: Path, queries: list[str], delay: int, boxes: list[str]) -> dict[str, dict]:
    """Latencies (ms) per box of `boxes`: the first query in a fresh page, then every query in turn."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    out = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in boxes:
                path, box = BOXES[name]
                context = browser.new_context()
                page = context.new_page()
                page.goto(root + path, wait_until="networkidle")
                page.evaluate(LISTEN)
                page.fill(box, "")
                first = type_query(page, box, queries[0], delay, whole=True)
                times = {q: type_query(page, box, q, delay) for q in queries[1:]}
                out[name] = {"first": first, "times": times}
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=Path, default=REAL, help="the dumps (default: ../shared/corpus/real)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep the site")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure the site built there before")
    parser.add_argument("--queries", type=Path, default=JUDGED, help="a judged set whose queries are typed")
    parser.add_argument("--delay", type=int, default=120, help="ms between two keys (default 120)")
    parser.add_argument("--header", action="store_true", help="also type the queries into the header box")
    args = parser.parse_args()
    if not args.sources.is_dir():
        sys.exit(f"Error: {args.sources} is not a folder of dumps")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-search-latency-"))
    try:
        site = build_or_reuse(work, args.sources, args.reuse)
        queries = [q["q"] for q in load_judged(args.queries)["queries"]]
        result = measure(site, queries, args.delay, ["search page", *(["header box"] if args.header else [])])
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for name, r in result.items():
        times = sorted(r["times"].values())
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        print(f"{name}: {len(times)} queries typed {args.delay} ms a key, last key to results: "
              f"median {statistics.median(times):.0f} ms (target ≤ {TARGET_MS}), 90th percentile {p90:.0f} ms, "
              f"first query of a fresh page {r['first']:.0f} ms")
        slowest = sorted(r["times"].items(), key=lambda kv: -kv[1])[:5]
        print("  slowest: " + ", ".join(f"{q!r} {ms:.0f} ms" for q, ms in slowest))


if __name__ == "__main__":
    main()
