"""The Pagefind index of the sample site: paper pages only, their filters, sorts and metadata."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from generator import search

REPO = Path(__file__).resolve().parents[1]


def read_fragments(site: Path) -> dict[str, dict]:
    """Every fragment of the index (one per indexed page), by page URL."""
    fragments = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        fragments[fragment["url"]] = fragment
    return fragments


def newest_first(papers: list[dict]) -> list[dict]:
    """Papers in the order of the "Newest" sort: by date, newest first, undated last, ties by URL."""
    ordered = sorted(papers, key=lambda p: p["url"])
    ordered.sort(key=lambda p: p["date"] or "", reverse=True)
    return ordered


@pytest.fixture(scope="module")
def papers(sample_site: Path) -> list[dict]:
    return json.loads((sample_site / "papers.json").read_text(encoding="utf-8"))["papers"]


@pytest.fixture(scope="module")
def fragments(sample_site: Path) -> dict[str, dict]:
    return read_fragments(sample_site)


def test_every_paper_and_nothing_else_is_indexed(sample_site, papers, fragments):
    entry = json.loads((sample_site / "pagefind" / "pagefind-entry.json").read_text())
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(papers)
    assert set(fragments) == {"/" + p["url"] for p in papers}
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-highlight.js"):
        assert (sample_site / "pagefind" / name).is_file()


def test_filters_and_metadata_match_papers_json(papers, fragments):
    for paper in papers:
        fragment = fragments["/" + paper["url"]]
        filters = fragment["filters"]
        assert sorted(filters.get("tag", [])) == sorted(paper["tags"]), paper["id"]
        assert filters["year"] == [paper["date"][:4] if paper["date"] else "Undated"]
        assert filters.get("organization") == ([paper["organization"]] if paper["organization"] else None)
        meta = fragment["meta"]
        assert meta["title"] == paper["title"]
        assert meta.get("date") == paper["date"]
        assert meta.get("upvotes") == (str(paper["upvotes"]) if paper["upvotes"] is not None else None)


def test_indexed_text_is_title_and_abstract_only(papers, fragments):
    """The date/upvote line, tag chips, hidden filter values and footer sections stay out of the words."""
    for paper in papers:
        content = fragments["/" + paper["url"]]["content"]
        assert content.startswith(paper["title"].rstrip(".")), paper["id"]
        if paper["abstract"]:
            assert paper["abstract"][:60] in content
        for absent in ("▲", "upvote", "Find it on", "Related papers", "Read from", "0000-00-00"):
            assert absent not in content, (paper["id"], absent)


def test_sort_orders_follow_papers_json(sample_site, papers):
    bundle = sample_site / "pagefind"
    assert json.loads((bundle / search.MANIFEST).read_text()) == {"bundles": [], "sorts": search.SORTS}
    sorts = json.loads((bundle / search.SORTS).read_text())
    url_of = {page_hash: fragment["url"] for page_hash, fragment in search.read_fragments(bundle).items()}
    assert [url_of[h] for h in sorts["pages"]] == ["/" + p["url"] for p in newest_first(papers)]
    assert sorts["upvotes"] == [p["upvotes"] or 0 for p in newest_first(papers)]
    # Pagefind's own sorts would be loaded by every first query: none are built.
    assert not any("data-pagefind-sort" in page.read_text() for page in list((sample_site / "papers").glob("**/*.html"))[:20])


def test_large_archive_is_indexed_in_parts(sample_site, papers, tmp_path, monkeypatch):
    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    monkeypatch.setattr(search, "SHARD_PAGES", 150)
    search.index_site(site, log=lambda message: None)
    manifest = json.loads((site / "pagefind" / search.MANIFEST).read_text())
    assert manifest["bundles"] == ["part-2/", "part-3/"]
    urls = []
    for part in ["", *manifest["bundles"]]:
        entry = json.loads((site / "pagefind" / part / "pagefind-entry.json").read_text())
        count = sum(language["page_count"] for language in entry["languages"].values())
        assert 100 < count <= 150
        urls += [f["url"] for f in search.read_fragments(site / "pagefind" / part).values()]
    assert sorted(urls) == sorted("/" + p["url"] for p in papers)
    assert len(json.loads((site / "pagefind" / search.SORTS).read_text())["pages"]) == len(papers)
    assert not list(tmp_path.glob(".site.pagefind-*")), "the folders of hard links are removed"


def test_command_indexes_paper_pages_only(tmp_path):
    command = search.pagefind_command(tmp_path)
    assert command[command.index("--glob") + 1] == "papers/**/*.html"
    assert ".papers-facts" in command and ".papers-tags" in command


def test_archive_without_papers_skips_the_index(tmp_path):
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "index.html").write_text("<html><body>home</body></html>")
    messages = []
    search.index_site(tmp_path, log=messages.append)
    assert not (tmp_path / "pagefind").exists()
    assert messages == ["search index skipped: no paper pages"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_mkdocs_serve_builds_the_index():
    """`mkdocs serve` runs the plugin's post-build step too: the preview has search."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/pagefind/pagefind-entry.json", timeout=5) as r:
                    entry = json.load(r)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "mkdocs serve did not serve the index in time"
                time.sleep(0.5)
        assert entry["languages"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/pagefind/pagefind.js", timeout=5) as r:
            assert b"pagefind_version" in r.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
