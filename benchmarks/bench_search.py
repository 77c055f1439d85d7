"""Pagefind at scale: index time, peak memory, index size and the bytes of a first query.

For each size N it writes a synthetic corpus of N papers (dumps of about 150 papers in layout A,
made from the sample dumps: every title gets a made-up model name in front, a few abstract
words are swapped, and dates, upvotes and organizations are drawn at random), builds it with
`python -m generator build` into a temporary project (its own docs dir, so the repository's
content/ is left alone), then:

- takes the build's own figures (PAPERS_TIMINGS): how long the build waited for the index
  after MkDocs had written the pages, since the index is built on the second core meanwhile;
- indexes the same papers again, alone, in a fresh child process (`generator.search.Indexer`,
  as the build runs it) and reports its wall time and the peak memory of the largest Pagefind
  process (an archive of more than SHARD_PAGES papers is indexed in parts, one process each);
- reports the size of site/pagefind on disk;
- serves the site on localhost, opens the search page in headless Chromium with an empty
  cache, types a query and sums the bytes of every response, counted as GitHub Pages serves
  them: text files (html, js, css, json, xml, svg) gzip-compressed, Pagefind's index files
  (.pf_meta, .pf_index, .pf_fragment, .pf_filter, .pagefind) as they are, since they are
  compressed already. The same for the header search box on the home page. Each total counts
  every response, the page itself too; "(search files)" is the search's own share: pagefind/
  and assets/search.js with the modules it loads when needed (assets/search-*.js).

    .venv/bin/python benchmarks/bench_search.py --papers 10000 100000

Targets (issue 4): a first query fetches at most 300 KB at 10,000 papers and 800 KB at 100,000;
indexing 100,000 papers needs at most 4 GB of memory.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.data.sources import read_dumps  # noqa: E402

SAMPLES = REPO / "content" / "raw"
PER_DUMP = 150
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n" \
         "byAK and the research community\n\n"
SYLLABLES = ["ka", "lo", "mi", "ra", "ven", "tor", "zu", "qui", "sel", "dra", "no", "phi",
             "ber", "gal", "tis", "mon", "rek", "sa", "vu", "lin", "dor", "ex", "ny", "cor"]
ORGS = [("tencent", "Tencent"), ("microsoft", "Microsoft"), ("google", "Google"), ("meta", "AI at Meta"),
        ("nvidia", "NVIDIA"), ("alibaba-inc", "Alibaba"), ("deepseek-ai", "DeepSeek"), ("openai", "OpenAI"),
        ("allenai", "Ai2"), ("stanford", "Stanford University"), ("mit", "MIT"), ("bytedance", "ByteDance"),
        ("huggingface", "Hugging Face"), ("apple", "Apple"), ("amazon", "Amazon"), ("baidu", "Baidu")]
TEXT_SUFFIXES = (".html", ".js", ".mjs", ".css", ".json", ".xml", ".svg", ".txt")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TARGET_KB = {10_000: 300, 100_000: 800}
TARGET_INDEX_MEMORY_GB = {100_000: 4}


def sample_papers() -> list[tuple[str, str]]:
    """(title, abstract) of every distinct sample paper that has an abstract."""
    seen: dict[str, tuple[str, str]] = {}
    for dump in read_dumps([SAMPLES]):
        for r in dump.records:
            if r.abstract:
                seen.setdefault(r.title.casefold(), (r.title, r.abstract))
    return list(seen.values())


def model_name(i: int) -> str:
    """A made-up, distinct name for paper `i`, as titles often start with one (`Kalotor:`)."""
    parts = []
    for _ in range(4):
        i, digit = divmod(i, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(parts).capitalize()


def make_corpus(folder: Path, papers: int, seed: int = 20261122) -> int:
    """Write `papers` distinct papers as layout-A dumps; return the number of files."""
    rng = random.Random(seed)
    base = sample_papers()
    vocabulary = sorted({w for _, a in base for w in a.split() if w.isalpha() and len(w) > 3})
    files = n = 0
    while n < papers:
        count = min(PER_DUMP, papers - n)
        parts = []
        for k in range(count):
            title, abstract = base[(n + k) % len(base)]
            words = abstract.split()
            for _ in range(3):  # so that the copies of one sample differ in their words too
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            entry = f"{model_name(n + k)}: {title}\n\n{' '.join(words)}\n\n"
            if rng.random() < 0.9:
                first = " ".join(rng.choice(ORGS)) if rng.random() < 0.15 else f"  • {rng.randrange(1, 30)} authors"
                date = f"{MONTHS[rng.randrange(12)]} {rng.randrange(1, 29)}, {rng.randrange(2019, 2026)}"
                upvotes = int(rng.paretovariate(1.2)) - 1
                entry += f"{first}\n·\n{date}{f' {upvotes}' if upvotes > 0 else ''}\n\n"
            parts.append(entry)
        month, day = rng.randrange(1, 13), rng.randrange(1, 29)
        name = f"2025-{month:02d}-{day:02d}-bench_{files:05d}.txt"
        (folder / name).write_text(HEADER + f"{MONTHS[month - 1]} {day}\n\n" + "".join(parts), encoding="utf-8")
        n += count
        files += 1
    return files


def project_config(project: Path) -> Path:
    """A copy of mkdocs.yml whose docs dir is inside `project` and whose other paths are absolute."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for key, value in (("docs_dir", str(project / "docs")), ("custom_dir", str(REPO / "overrides")),
                       ("tags", str(REPO / "content" / "tags.yml"))):
        text, found = re.subn(rf"^(\s*{key}:) \S+", rf"\1 {value}", text, count=1, flags=re.M)
        if not found:
            sys.exit(f"Error: mkdocs.yml has no `{key}:` line to point at the benchmark's copy")
    config = project / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def build_or_reuse(work: Path, dumps: Path, reuse: bool) -> Path:
    """The site of `dumps` in `work`/site: built afresh (the folder emptied first, its time on
    standard error), or with `reuse` the one a run left there when it is whole."""
    site = work / "site"
    if not (reuse and (site / "papers.json.gz").is_file()):
        shutil.rmtree(work, ignore_errors=True)
        (work / "docs").mkdir(parents=True)
        print(f"built {dumps} in {build(work, dumps.resolve(), site)['seconds']:.0f} s", file=sys.stderr)
    return site


def build(project: Path, dumps: Path, site: Path) -> dict:
    """`python -m generator build` of the corpus, search index included: seconds taken and the
    build's stage timings."""
    start = time.perf_counter()
    timings = project / "timings.json"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--config", str(project_config(project)),
         "--sources", str(dumps), "--site-dir", str(site)],
        cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PAPERS_TIMINGS": str(timings)},
    )
    if result.returncode != 0:
        sys.exit(f"Error: the build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return {"seconds": time.perf_counter() - start, **json.loads(timings.read_text(encoding="utf-8"))}


INDEX_CHILD = """
import json, sys
from pathlib import Path
from generator.site.config import default_settings
from generator.data.pipeline import collect
from generator.search.indexer import Indexer
papers = collect(default_settings(sources=[Path(sys.argv[2])], tags=Path(sys.argv[3])), with_related=False).papers
indexer = Indexer(log=lambda message: None)
indexer.start(papers)
indexer.finish(Path(sys.argv[1]))
print(json.dumps({"seconds": indexer.seconds, "peak_mib": indexer.peak_mib, "parts": indexer.parts}))
"""


def index(site: Path, dumps: Path) -> dict:
    """Index the corpus again, alone, in a fresh child: seconds and Pagefind's peak memory."""
    result = subprocess.run([sys.executable, "-c", INDEX_CHILD, str(site), str(dumps), str(REPO / "content" / "tags.yml")],
                            cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"Error: indexing failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def bundle_size(site: Path) -> dict[str, int]:
    """Bytes on disk of site/pagefind: everything, and the index proper (no UI bundles)."""
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    index_files = sum(p.stat().st_size for p in files if p.suffix in {".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter"})
    return {"total": total, "index": index_files, "files": len(files)}


def served_bytes(path: Path) -> int:
    """Bytes GitHub Pages sends for a file: gzip for text, index files as they are."""
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if path.suffix in TEXT_SUFFIXES else len(data)


class Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def first_query(site: Path, query: str) -> dict[str, dict]:
    """Bytes fetched by a cold browser: the search page plus a query, and the header box."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"

    def local(url: str) -> Path:
        path = site / unquote(urlsplit(url).path).lstrip("/")
        return path / "index.html" if path.is_dir() else path

    out = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, start, box in (("search page", "search/", "[data-papers-search-page-input]"),
                                 ("header box", "", "[data-papers-search-input]")):
            context = browser.new_context()
            urls: list[str] = []
            context.on("requestfinished", lambda request, urls=urls: urls.append(request.url))
            page = context.new_page()
            page.goto(root + start, wait_until="networkidle")
            loaded = len(urls)
            page.fill(box, query)
            if box == "[data-papers-search-page-input]":
                page.locator(".papers-search-page__results[aria-busy=false] .papers-result").first.wait_for(timeout=120_000)
            else:
                page.locator("[data-papers-search-results] .papers-result__title").first.wait_for(timeout=120_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            sizes = {url: served_bytes(local(url)) for url in urls if local(url).is_file()}
            page_load = sum(sizes.get(u, 0) for u in urls[:loaded])
            by_kind: dict[str, int] = {}
            for url, size in sizes.items():
                suffix = Path(urlsplit(url).path).suffix or ".html"
                by_kind[suffix] = by_kind.get(suffix, 0) + size
            # The search's own share: Pagefind's bundle and our search script and styles.
            search_files = sum(size for url, size in sizes.items()
                               if re.search(r"/pagefind/|/assets/search(-[a-z]+)?\.(js|css)$", urlsplit(url).path))
            out[name] = {"total": sum(sizes.values()), "page_load": page_load, "search": search_files,
                         "requests": len(urls), "by_kind": by_kind}
            context.close()
        browser.close()
    server.shutdown()
    return out


def run(papers: int, query: str, keep: Path | None, reuse: bool, skip_index: bool = False) -> dict:
    work = keep / f"papers-{papers}" if keep else Path(tempfile.mkdtemp(prefix=f"bench-search-{papers}-"))
    site = work / "site"
    try:
        if reuse and (site / "papers.json.gz").is_file():
            built = {"seconds": float("nan")}
            print(f"{papers:,} papers: reusing {site}; indexing…", file=sys.stderr, flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
            (work / "dumps").mkdir(parents=True)
            (work / "docs").mkdir()
            files = make_corpus(work / "dumps", papers)
            print(f"{papers:,} papers: {files} dumps written; building…", file=sys.stderr, flush=True)
            built = build(work, work / "dumps", site)
            print(f"  built in {built['seconds']:.0f} s; indexing alone…", file=sys.stderr, flush=True)
        nan = float("nan")
        indexed = {"seconds": nan, "peak_mib": nan, "parts": 0} if skip_index else index(site, work / "dumps")
        size = bundle_size(site)
        print("  measuring a first query in Chromium…", file=sys.stderr, flush=True)
        fetched = first_query(site, query)
        return {"papers": papers, "build_s": built["seconds"], "mkdocs_s": built.get("mkdocs s", nan),
                "index_wait_s": built.get("pagefind s", nan), "index_s": indexed["seconds"],
                "index_peak_mib": indexed["peak_mib"], "parts": indexed["parts"], "bundle": size, "fetched": fetched}
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def figure(value: float, form: str) -> str:
    """`value` in `form`, or "-" when it was not measured (NaN)."""
    return "-" if math.isnan(value) else form.format(value)


def kb(n: int) -> str:
    return f"{n / 1000:,.0f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[10_000], metavar="N",
                        help="corpus sizes to measure (default: 10000)")
    parser.add_argument("--query", default="reasoning", help="the word typed for the first query (default: reasoning)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR/papers-N and keep the corpora and sites")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure a site built there before")
    parser.add_argument("--skip-index", action="store_true", help="with --reuse: measure the bytes only, not the index again")
    parser.add_argument("--build-only", action="store_true", help="with --keep: build the sites, measure nothing")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    if (args.reuse or args.build_only) and not args.keep:
        parser.error("--reuse and --build-only need --keep DIR")
    if args.build_only:
        for n in args.papers:
            work = args.keep / f"papers-{n}"
            shutil.rmtree(work, ignore_errors=True)
            (work / "dumps").mkdir(parents=True)
            (work / "docs").mkdir()
            make_corpus(work / "dumps", n)
            print(f"{n:,} papers built in {build(work, work / 'dumps', work / 'site')['seconds']:.0f} s")
        return
    results = [run(n, args.query, args.keep, args.reuse, args.skip_index) for n in args.papers]

    header = ("papers", "build", "mkdocs", "waits for index", "index alone", "Pagefind peak mem", "pagefind/ on disk",
              "first query: search page", "(search files)", "header box", "(search files)", "target")
    rows = []
    for r in results:
        page, box = r["fetched"]["search page"], r["fetched"]["header box"]
        target = TARGET_KB.get(r["papers"])
        memory_target = TARGET_INDEX_MEMORY_GB.get(r["papers"])
        rows.append((
            f"{r['papers']:,}", figure(r["build_s"], "{:.0f} s"), figure(r["mkdocs_s"], "{:.0f} s"),
            figure(r["index_wait_s"], "{:.1f} s"),
            figure(r["index_s"], "{:.1f} s") + (f" ({r['parts']} parts)" if r["parts"] > 1 else ""),
            figure(r["index_peak_mib"], "{:,.0f} MiB"),
            f"{r['bundle']['total'] / 1e6:,.1f} MB ({r['bundle']['files']:,} files)",
            kb(page["total"]), kb(page["search"]), kb(box["total"]), kb(box["search"]),
            (f"≤ {target} KB" if target else "-") + (f", ≤ {memory_target} GB" if memory_target else ""),
        ))
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    for r in results:
        for name, f in r["fetched"].items():
            kinds = ", ".join(f"{k} {kb(v)}" for k, v in sorted(f["by_kind"].items(), key=lambda kv: -kv[1]))
            print(f"{r['papers']:,} papers, {name}: {f['requests']} requests; {kinds}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
