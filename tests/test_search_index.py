"""The Pagefind index of the sample site: paper pages only, their filters, sorts and metadata."""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from generator.data.model import GeneratorError, Paper
from generator.data.pipeline import collect
from generator.pages.export import load_export
from generator.pages.render import tex_text
from generator.pages.urls import Urls
from generator.search import bundle as pagefind_bundle
from generator.search import indexer as search
from generator.search.bundle import read_pf
from generator.site.config import default_settings

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
    return load_export(sample_site)["papers"]


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
        assert meta["title"] == tex_text(paper["title"])  # plain text: UFO³, not UFO$^3$
        assert meta.get("date") == paper["date"]
        assert meta.get("upvotes") == (str(paper["upvotes"]) if paper["upvotes"] is not None else None)
        assert meta.get("comments") == (str(paper["comments"]) if paper["comments"] else None)


def test_indexed_text_is_title_and_abstract_only(papers, fragments):
    """The date/upvote line, tag chips, hidden filter values and footer sections stay out of the words."""
    for paper in papers:
        content = fragments["/" + paper["url"]]["content"]
        assert content.startswith(tex_text(paper["title"]).rstrip(".")), paper["id"]
        if paper["abstract"]:
            assert tex_text(paper["abstract"])[:60] in content
        for absent in ("▲", "upvote", "Find it on", "Related papers", "Read from", "0000-00-00"):
            assert absent not in content, (paper["id"], absent)


def test_sort_orders_follow_papers_json(sample_site, papers):
    bundle = sample_site / "pagefind"
    assert json.loads((bundle / search.MANIFEST).read_text()) == {"bundles": [], "sorts": search.SORTS, "words": search.WORDS, "firsts": [0]}
    sorts = json.loads((bundle / search.SORTS).read_text())
    url_of = {page_hash: fragment["url"] for page_hash, fragment in pagefind_bundle.read_fragments(bundle).items()}
    assert [url_of[h] for h in sorts["pages"]] == ["/" + p["url"] for p in newest_first(papers)]
    assert sorts["upvotes"] == [p["upvotes"] or 0 for p in newest_first(papers)]
    assert sorts["comments"] == [p["comments"] or 0 for p in newest_first(papers)]
    # Pagefind's own sorts would be loaded by every first query: none are built.
    assert not any("data-pagefind-sort" in page.read_text() for page in list((sample_site / "papers").glob("**/*.html"))[:20])


def sample_papers() -> list:
    """The sample archive's papers (model.Paper), as the build collects them."""
    return collect(default_settings(sources=[REPO / "content" / "raw"], tags=REPO / "content" / "tags.yml"),
                   with_related=False).papers


def test_pages_are_numbered_in_base_36(sample_site, fragments):
    bundle = sample_site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    meta = read_pf(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    assert meta[0] == pagefind_bundle.PAGEFIND_VERSION
    ids = [page for page, _ in meta[1]]
    assert ids == [pagefind_bundle.base36(n) for n in range(len(fragments))]
    assert sorted(p.name for p in (bundle / "fragment").iterdir()) == sorted(f"{i}.pf_fragment" for i in ids)
    # Shortest first, so that neighbouring entries of the table share their word count.
    counts = [count for _, count in meta[1]]
    assert sum(b < a for a, b in zip(counts, counts[1:])) < len(counts) // 10


def test_base36():
    assert [pagefind_bundle.base36(n) for n in (0, 9, 10, 35, 36, 1295, 1296)] == ["0", "9", "a", "z", "10", "zz", "100"]


def test_large_archive_is_indexed_in_parts(papers, tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    monkeypatch.setattr(search, "SHARD_PAGES", 150)
    search.index_papers(sample_papers(), site, log=lambda message: None)
    manifest = json.loads((site / "pagefind" / search.MANIFEST).read_text())
    assert manifest["bundles"] == ["part-2/", "part-3/"]
    # Each bundle's page ids start at its `first` (search.js tells a result's bundle by its id).
    assert manifest["firsts"] == [0, 150, 300]
    urls, ids, counts = [], [], []
    for part in ["", *manifest["bundles"]]:
        entry = json.loads((site / "pagefind" / part / "pagefind-entry.json").read_text())
        counts.append(sum(language["page_count"] for language in entry["languages"].values()))
        fragments = pagefind_bundle.read_fragments(site / "pagefind" / part)
        urls += [f["url"] for f in fragments.values()]
        ids += list(fragments)
    # Runs of 150 from the oldest; the 94 newest (at least a quarter of 150) a bundle of their own.
    assert counts == [150, 150, len(papers) - 300] and len(papers) - 300 >= 150 / 4
    assert sorted(urls) == sorted("/" + p["url"] for p in papers)
    assert sorted(ids, key=lambda i: int(i, 36)) == [pagefind_bundle.base36(n) for n in range(len(papers))], "ids unique over parts"
    assert len(json.loads((site / "pagefind" / search.SORTS).read_text())["pages"]) == len(papers)
    assert not list(work.iterdir()), "the work folder is removed"


def test_another_pagefind_version_is_left_as_written(papers, tmp_path, monkeypatch):
    # A newer Pagefind than the pinned one writes its bundles (here: the pinned one's, marked
    # 9.9.9): neither the page table nor the filters are rewritten, and one warning says so,
    # however many parts the index has.
    site = tmp_path / "site"
    site.mkdir()
    index_bundle = search.index_bundle

    def newer_pagefind(part, output, *args, **kwargs):
        peak = index_bundle(part, output, *args, **kwargs)
        entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
        entry["version"] = "9.9.9"
        (output / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")
        return peak

    def rewrite(*args):
        raise AssertionError("a bundle of another format was rewritten")

    monkeypatch.setattr(search, "index_bundle", newer_pagefind)
    monkeypatch.setattr(search, "SHARD_PAGES", 150)
    monkeypatch.setattr(search, "compact", rewrite)
    monkeypatch.setattr(search, "stabilize_bundle", rewrite)
    messages = []
    search.index_papers(sample_papers(), site, log=messages.append)
    warnings = [m for m in messages if "kept as Pagefind wrote it" in m]
    assert len(warnings) == 1 and "9.9.9" in warnings[0], messages
    manifest = json.loads((site / "pagefind" / search.MANIFEST).read_text())
    fragments = {}
    for part in ["", *manifest["bundles"]]:
        fragments.update(pagefind_bundle.read_fragments(site / "pagefind" / part))
    assert len(manifest["bundles"]) == 2 and all(page.startswith("en_") for page in fragments)
    sorts = json.loads((site / "pagefind" / search.SORTS).read_text())
    assert [fragments[page]["url"] for page in sorts["pages"]] == ["/" + p["url"] for p in newest_first(papers)]


def test_record_escapes_dump_text_and_carries_filters_and_metadata():
    paper = Paper(id="x", title='<script>alert(1)</script> & "Tom"', abstract="a <b>bold</b> claim",
                  date=date(2025, 3, 9), upvotes=7, comments=3, arxiv_id=None, authors=None, organization="<Org>",
                  org_id="org",
                  links=(), sources=(), tags=("A & B",))
    record = search.paper_record(paper)
    assert "<script>" not in record and "<b>" not in record and "<Org>" not in record
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Tom&quot;</h1>" in record
    assert '<span data-pagefind-filter="tag">A &amp; B</span>' in record
    assert '<span data-pagefind-filter="year">2025</span>' in record
    assert '<span data-pagefind-meta="date">2025-03-09</span>' in record
    assert '<span data-pagefind-meta="upvotes">7</span>' in record
    assert '<span data-pagefind-meta="comments">3</span>' in record
    undated = Paper(id="y", title="T", abstract="", date=None, upvotes=None, comments=None, arxiv_id=None,
                    authors=None, organization=None, org_id=None, links=(), sources=())
    assert '<span data-pagefind-filter="year">Undated</span>' in search.paper_record(undated)
    assert "meta" not in search.paper_record(undated)
    assert Urls().search_record(paper) == "/papers/2025/03/x/"
    assert Urls(directory_urls=False).search_record(paper) == "/papers/2025/03/x.html"


def test_archive_without_papers_skips_the_index(tmp_path):
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "index.html").write_text("<html><body>home</body></html>")
    messages = []
    indexer = search.Indexer(log=messages.append)
    indexer.start([])
    indexer.finish(tmp_path)
    assert not (tmp_path / "pagefind").exists()
    assert messages == ["search index skipped: no papers"]


def test_a_failed_index_is_one_line_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full\nsecond line")

    monkeypatch.setattr(search, "index_bundle", broken)
    indexer = search.Indexer(log=lambda message: None)
    indexer.start(sample_papers()[:5])
    with pytest.raises(GeneratorError) as failure:
        indexer.finish(tmp_path)
    assert str(failure.value) == "search index failed: OSError: disk full"
    assert not (tmp_path / "pagefind").exists()


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


def preview_index(papers: list, site: Path, parts: search.IndexParts) -> search.Indexer:
    """The index `mkdocs serve` makes of `papers`, from `parts` kept across its builds."""
    indexer = search.Indexer(log=lambda message: None, parts=parts)
    indexer.start(papers)
    indexer.finish(site)
    return indexer


def all_fragments(site: Path) -> dict[str, dict]:
    """Every fragment of every part of the index at `site`, by page id."""
    manifest = json.loads((site / "pagefind" / search.MANIFEST).read_text())
    found: dict[str, dict] = {}
    for part in ["", *manifest["bundles"]]:
        found.update(pagefind_bundle.read_fragments(site / "pagefind" / part))
    return found


def test_a_preview_makes_again_only_the_part_an_edit_touched(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "PREVIEW_PART", 100)
    papers = sample_papers()
    parts = search.IndexParts(tmp_path / "parts")
    parts.folder.mkdir()
    first = preview_index(papers, tmp_path / "one", parts)
    assert parts.count == 4 and parts.indexed == first.parts == 4
    assert sorted(f["url"] for f in all_fragments(tmp_path / "one").values()) == sorted(
        Urls().search_record(p) for p in papers)
    # An abstract rewritten: its part alone is indexed again, and the new text is found there.
    edited = list(papers)
    edited[7] = replace(papers[7], abstract="We garden with qubits in a greenhouse.")
    made = []
    index_bundle = search.index_bundle
    monkeypatch.setattr(search, "index_bundle", lambda part, *a, **k: made.append(part) or index_bundle(part, *a, **k))
    preview_index(edited, tmp_path / "two", parts)
    assert parts.indexed == 1 and len(made) == 1 and edited[7] in made[0]
    fragments = all_fragments(tmp_path / "two")
    text = {f["url"]: f["content"] for f in fragments.values()}
    assert "greenhouse" in text[Urls().search_record(edited[7])]
    # Page ids stay unique over the parts, and the sorts name every paper once.
    assert len(fragments) == len(papers)
    sorts = json.loads((tmp_path / "two" / "pagefind" / search.SORTS).read_text())["pages"]
    assert sorted(sorts) == sorted(fragments)
    # The first index, still served, lost none of its files when the part was made again.
    assert len(all_fragments(tmp_path / "one")) == len(papers)


def test_the_vocabulary_counts_the_papers_holding_each_word(sample_site, papers):
    """papers-words.txt (fetched only for a typo) holds every word of the papers with the number
    of papers holding it, as the search's typo correction reads it."""
    text = (sample_site / "pagefind" / search.WORDS).read_text(encoding="utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        count, words = line.split("\t")
        for word in words.split(" "):
            assert word not in counts, word
            counts[word] = int(count)
    holding = Counter()
    for paper in papers:
        plain = f"{paper['title']} {paper['abstract'] or ''} {paper['organization'] or ''}"
        holding.update(set(re.findall(r"[a-z0-9]+", re.sub(r"\\[A-Za-z]+", " ", plain).lower())))
    for word in ("model", "reasoning", "language", "agents", "benchmark"):
        assert counts[word] == holding[word], word
    assert len(counts) > 3000


def test_author_names_are_searchable_hidden_metadata():
    paper = Paper(id="x", title="A title", abstract="An abstract.", date=None, upvotes=None, comments=None,
                  arxiv_id=None, authors=2, organization=None, org_id=None, links=(), sources=(),
                  author_names=("Ada <Example>", "Bo Li"))
    record = search.paper_record(paper)
    assert '<span data-pagefind-meta="authors">Ada &lt;Example&gt;, Bo Li</span>' in record
    shown, hidden = record.split("<div data-pagefind-ignore>", 1)
    assert "Bo Li" not in shown
    assert "Ada" in search.searched_text(paper) and "Bo Li" in search.searched_text(paper)
    # A bundle whose papers' names changed is indexed again.
    renamed = replace(paper, author_names=("Ada Example",))
    part = search.Part([paper], 0)
    assert search.part_key(part, Urls(), "en") != search.part_key(search.Part([renamed], 0), Urls(), "en")


def test_a_chunk_after_one_ending_with_a_word_it_extends_starts_at_that_word():
    chunks = [["lingud", "llm", "a"], ["llm2", "local", "b"], ["locb", "lz", "c"], ["m", "model", "d"],
              ["models", "mz", "e"]]
    pagefind_bundle.extend_chunks(chunks)
    assert chunks == [["lingud", "llm", "a"], ["llm", "local", "b"], ["locb", "lz", "c"], ["m", "model", "d"],
                      ["model", "mz", "e"]]


def test_the_word_lists_of_the_sample_index_are_extended(sample_site):
    bundle = sample_site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    chunks = read_pf(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")[2]
    assert len(chunks) > 1
    for before, after in zip(chunks, chunks[1:]):
        # A range ends with a whole word only where the next starts with it, at that word.
        assert not after[0].startswith(before[1]) or after[0] == before[1], (before, after)
