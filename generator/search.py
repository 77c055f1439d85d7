"""Build the Pagefind index of a built site with the binary that `pagefind[bin]` ships.

Besides Pagefind's own bundle in `site/pagefind/`, two small files of ours go there, read by
overrides/assets/search.js:

- `papers-search.json`: the bundles to search. Pagefind 1.5 needs about 120 KB of memory per
  paper page while indexing, so an archive of more than SHARD_PAGES papers is indexed in parts,
  each its own bundle (`pagefind/`, `pagefind/part-2/`, …), merged in the browser by Pagefind's
  `mergeIndex`. 100,000 papers then need 4 parts of at most 3 GB instead of 12 GB at once.
- `papers-sorts.json`: the pages newest first with their upvotes, fetched only when a search is
  sorted. Pagefind's own sorts (data-pagefind-sort) live in the metadata file that every first
  query loads, at about 2 bytes a page each: 400 KB more at 100,000 papers.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .model import GeneratorError

# Only paper pages carry `data-pagefind-body`; reading just their folder skips parsing the
# listing pages, which grow with the archive too.
PAPER_GLOB = "papers/**/*.html"
# The date, upvote and tag line under a paper's title duplicates its filters and metadata:
# kept out of the word index it neither bloats the index nor fills excerpts with chips.
EXCLUDE_SELECTORS = (".papers-facts", ".papers-tags", "h2#abstract")
SHARD_PAGES = 25_000
"""Most paper pages per Pagefind run: about 3 GB of memory with Pagefind 1.5."""
MANIFEST = "papers-search.json"
SORTS = "papers-sorts.json"
FRAGMENT_SIGNATURE = b"pagefind_dcd"


def pagefind_executable() -> Path:
    """Path of the Pagefind binary inside the pagefind_bin wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError:  # pragma: no cover - the dependency is declared
        raise GeneratorError("pagefind is not installed: pip install 'pagefind[bin]'") from None
    return get_executable()


def pagefind_command(site_dir: Path, output: Path | None = None) -> list[str]:
    """The Pagefind command line that indexes the paper pages of `site_dir` into `output`."""
    target = ["--output-path", str(output)] if output else ["--output-subdir", "pagefind"]
    command = [str(pagefind_executable()), "--site", str(site_dir), *target, "--glob", PAPER_GLOB, "--quiet"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise GeneratorError(f"pagefind failed ({result.returncode}): {' '.join(detail[-3:])}")


def _index_part(site_dir: Path, pages: list[Path], output: Path) -> None:
    """Index some of the paper pages: Pagefind reads a folder of hard links to just those."""
    # Beside the site, so that hard links work (one file system); else wherever temp files go.
    parent = site_dir.parent if os.access(site_dir.parent, os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=parent, prefix=f".{site_dir.name}.pagefind-") as tmp:
        for page in pages:
            link = Path(tmp) / page.relative_to(site_dir)
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(page, link)
            except OSError:  # another file system, or no hard links there
                shutil.copyfile(page, link)
        _run(pagefind_command(Path(tmp), output))


def read_fragments(bundle: Path) -> dict[str, dict]:
    """Pagefind's fragments (one per page: url, content, meta, filters) of a bundle, by page hash."""
    fragments = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = path.read_bytes()
        if not data.startswith(FRAGMENT_SIGNATURE):
            data = gzip.decompress(data)
        fragments[path.name.removesuffix(".pf_fragment")] = json.loads(data[len(FRAGMENT_SIGNATURE):])
    return fragments


def sort_orders(fragments: dict[str, dict]) -> dict[str, list]:
    """Page hashes newest first (undated last, ties by URL) and the upvotes of each."""
    ordered = sorted(fragments.items(), key=lambda item: item[1]["url"])
    # A stable sort: pages of one date keep their URL order, even in reverse.
    ordered.sort(key=lambda item: item[1].get("meta", {}).get("date") or "", reverse=True)
    upvotes = [int(f.get("meta", {}).get("upvotes") or 0) for _, f in ordered]
    return {"pages": [h for h, _ in ordered], "upvotes": upvotes}


class Indexer:
    """The search index of one build: `start` runs right after the archive is collected (it may
    work while MkDocs renders the pages), `finish` after MkDocs has written the site."""

    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log

    def start(self, papers: list, directory_urls: bool = True) -> None:
        """Begin indexing `papers` (model.Paper); the index so far reads the built pages instead."""

    def finish(self, site_dir: Path) -> float:
        """Write the bundle into `site_dir/pagefind`; return the seconds indexing took."""
        return index_site(site_dir, self.log)


def index_site(site_dir: Path, log: Callable[[str], None] = print) -> float:
    """Index the paper pages of `site_dir` into `site_dir/pagefind`; return seconds taken."""
    start = time.perf_counter()
    bundle = site_dir / "pagefind"
    # Pagefind adds to its output folder and never prunes it: start empty, leave no stale files.
    shutil.rmtree(bundle, ignore_errors=True)
    pages = sorted((site_dir / "papers").glob("**/*.html"))
    if not pages:
        # Pagefind fails on an empty glob; an archive without papers has nothing to search.
        log("search index skipped: no paper pages")
        return time.perf_counter() - start
    parts = math.ceil(len(pages) / SHARD_PAGES)
    bundles = [""] + [f"part-{k}/" for k in range(2, parts + 1)]
    if parts == 1:
        _run(pagefind_command(site_dir))
    else:
        # Contiguous runs of the sorted paths: each part holds a span of months.
        size = math.ceil(len(pages) / parts)
        for k, name in enumerate(bundles):
            _index_part(site_dir, pages[k * size:(k + 1) * size], bundle / name)
    fragments = {}
    for name in bundles:
        fragments.update(read_fragments(bundle / name))
    (bundle / MANIFEST).write_text(json.dumps({"bundles": bundles[1:], "sorts": SORTS}), encoding="utf-8")
    (bundle / SORTS).write_text(json.dumps(sort_orders(fragments), separators=(",", ":")), encoding="utf-8")
    took = time.perf_counter() - start
    log(f"search index built in {took:.1f} s: {len(fragments)} papers" + (f" in {parts} parts" if parts > 1 else ""))
    return took
