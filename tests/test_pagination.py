"""Listings are exact (each paper once, in the archive's order) and stable (older pages keep
their bytes when papers arrive), with headings that say what a page holds."""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from parse_helpers import require_corpus

from generator.data.model import Paper, Source
from generator.data.pipeline import Archive, collect
from generator.pages.pagination import heading, month_span, paginate
from generator.pages.render import Renderer
from generator.pages.urls import listing_file
from generator.site.config import default_settings

ROOT = Path(__file__).resolve().parents[1]
ITEM = re.compile(r'<li><a href="(?:\.\./)*papers/[^"]+/([^/"]+)/">')
H1 = re.compile(r"^# (.+)$", re.M)


def _paper(n: int, day: date | None, tags: tuple[str, ...] = ("T",)) -> Paper:
    return Paper(
        id=f"paper-{n:04d}", title=f"Paper {n:04d}", abstract="", date=day, upvotes=None, comments=None,
        arxiv_id=None, authors=None, organization=None, org_id=None, links=(),
        sources=(Source("x.txt", n),), tags=tags,
    )


@pytest.mark.parametrize("size", [1, 7, 50])
def test_pages_are_exact_and_numbered_from_the_oldest(size: int) -> None:
    for count in range(0, 4 * size + 3):
        pages = paginate(count, size)
        shown = [i for page in pages for i in range(page.start, page.stop)]
        assert sorted(shown) == list(range(count)), (count, pages)
        assert len(shown) == count
        # Newest page first; every other page holds exactly `size`, counted from the oldest.
        assert [p.number for p in pages] == list(range(len(pages), 0, -1))
        assert pages[0].start == 0 and pages[0].newest
        for page in pages[1:]:
            assert page.stop - page.start == size
            assert page.start == count - page.number * size
        newest = pages[0].stop - pages[0].start
        assert newest == count if count < size else size <= newest < 2 * size


def test_older_pages_keep_their_papers_as_papers_arrive() -> None:
    size = 50
    for count in range(0, 400):
        before = {p.number: (count - p.stop, count - p.start) for p in paginate(count, size)[1:]}
        for added in (1, 7, 50, 120):
            after = {p.number: (count + added - p.stop, count + added - p.start)
                     for p in paginate(count + added, size)[1:]}
            # Oldest-first positions of every older page are unchanged.
            assert all(after[n] == span for n, span in before.items()), (count, added)


def test_paginate_refuses_a_page_size_below_one() -> None:
    with pytest.raises(ValueError, match="page size 0"):
        paginate(10, 0)


def test_headings_name_the_page_and_its_months() -> None:
    papers = [_paper(1, date(2025, 1, 9)), _paper(2, date(2024, 3, 2))]
    pages = paginate(120, 50)
    assert heading("Reasoning", pages[0], papers) == "Reasoning, page 2 of 2 — Mar 2024 to Jan 2025"
    assert heading("Reasoning", pages[1], papers) == "Reasoning, page 1 — Mar 2024 to Jan 2025"
    assert heading("Reasoning", paginate(10, 50)[0], papers) == "Reasoning"
    assert month_span(papers + [_paper(3, None)]) == "Mar 2024 to Jan 2025 and undated"
    assert month_span([_paper(3, None)]) == "undated"
    assert heading("Undated papers", pages[1], [_paper(3, None)]) == "Undated papers, page 1"
    assert listing_file("tags/t", pages[0].number, pages[0].count) == "tags/t/index.md"
    assert listing_file("tags/t", pages[1].number, pages[1].count) == "tags/t/page-1.md"


def _listings(pages: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Per listing folder: (file, page text) of each of its pages."""
    folders: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path, text in pages.items():
        m = re.fullmatch(r"((?:dates|tags|orgs)/.+)/(?:index|page-\d+)\.md", path)
        if m and ITEM.search(text) and not re.fullmatch(r"dates/\d{4}", m.group(1)):
            folders[m.group(1)].append((path, text))
    return folders


@pytest.fixture(scope="module")
def sample() -> tuple[Archive, dict[str, str]]:
    archive = collect(default_settings(sources=[ROOT / "content" / "raw"], tags=ROOT / "content" / "tags.yml"))
    return archive, Renderer(archive, page_size=50).render()


def test_every_sample_listing_shows_each_paper_once_in_order(sample: tuple[Archive, dict[str, str]]) -> None:
    _assert_listings_exact(*sample)


def test_every_real_corpus_listing_shows_each_paper_once_in_order() -> None:
    archive = collect(default_settings(sources=[require_corpus()], tags=ROOT / "content" / "tags.yml", related=0))
    _assert_listings_exact(archive, Renderer(archive, page_size=50).render())


def _assert_listings_exact(archive: Archive, pages: dict[str, str]) -> None:
    """Every listing shows each of its papers once across its pages, in the archive's order,
    with headings that name the page and its months."""
    order = {p.id: i for i, p in enumerate(archive.papers)}
    by_id = {p.id: p for p in archive.papers}
    tag_sizes = Counter(t for p in archive.papers for t in p.tags)
    listings = _listings(pages)
    assert len(listings) > 20
    for folder, files in listings.items():
        # Read the pages newest first: the index, then page-N down to page-1.
        files.sort(key=lambda f: -10**9 if f[0].endswith("index.md") else -int(re.search(r"page-(\d+)", f[0]).group(1)))
        ids = [i for _, text in files for i in ITEM.findall(text)]
        assert len(ids) == len(set(ids)), f"{folder} repeats papers"
        assert ids == sorted(ids, key=order.__getitem__), f"{folder} is not in the archive's order"
        if folder.startswith("tags/"):
            name = html.unescape(H1.search(files[0][1]).group(1).replace("\\", "").split(", page ")[0])
            assert len(ids) == tag_sizes[name], folder
        for path, text in files:
            title = H1.search(text).group(1)
            shown = [by_id[i] for i in ITEM.findall(text)]
            if len(files) > 1:
                number = len(files) if path.endswith("index.md") else int(re.search(r"page-(\d+)", path).group(1))
                expected = f", page {number} of {len(files)}" if path.endswith("index.md") else f", page {number}"
                assert title.startswith(H1.search(files[0][1]).group(1).split(", page ")[0] + expected), (path, title)
                span = month_span(shown)
                if span != "undated":
                    assert title.endswith(f" — {span}"), (path, title)
            assert "undated" not in title.lower() or not any(p.date for p in shown) or "and undated" in title


def test_undated_listing_is_by_title_and_says_so(sample: tuple[Archive, dict[str, str]]) -> None:
    _, pages = sample
    undated = _listings(pages)["dates/undated"]
    for _, text in undated:
        assert "by title" in text and "newest" not in text.split("</p>")[0].split("papers-range")[-1]


def test_adding_papers_leaves_older_pages_byte_identical() -> None:
    old = [_paper(n, date(2025, 1, 1 + n % 28)) for n in range(130)]
    old.sort(key=lambda p: (-p.date.toordinal(), p.title))
    new = [_paper(1000 + n, date(2025, 3, 1)) for n in range(7)] + old
    before = Renderer(Archive([], old, []), page_size=50).tag_pages()
    after = Renderer(Archive([], new, []), page_size=50).tag_pages()
    assert sorted(before) == ["tags/index.md", "tags/t/index.md", "tags/t/page-1.md"]
    assert {k for k in after if before.get(k) != after[k]} == {"tags/t/index.md", "tags/index.md"}
    # When the index page is full it hands its oldest 50 to a new page: the pages before it
    # keep their papers, and all but the last of them their bytes.
    more = [_paper(2000 + n, date(2025, 4, 1)) for n in range(13)] + new
    grown = Renderer(Archive([], more, []), page_size=50).tag_pages()
    assert sorted(grown) == ["tags/index.md", "tags/t/index.md", "tags/t/page-1.md", "tags/t/page-2.md"]
    assert grown["tags/t/page-1.md"].replace('href="../page-2/"', 'href="../"') == after["tags/t/page-1.md"]
    assert ITEM.findall(grown["tags/t/page-1.md"]) == ITEM.findall(after["tags/t/page-1.md"])
    assert ITEM.findall(grown["tags/t/page-2.md"]) == ITEM.findall(after["tags/t/index.md"])[-50:]
