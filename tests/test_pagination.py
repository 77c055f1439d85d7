"""Listings are exact (each paper once, in the archive's order) and stable (older pages keep
their bytes when papers arrive), read newest first, every page labelled by its days."""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from parse_helpers import require_corpus

from generator.data.merge import paper_order
from generator.data.model import Paper, Source
from generator.data.pipeline import Archive, collect
from generator.pages.pagination import date_range, heading, paginate, starts
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


def test_pages_are_labelled_by_their_days():
    def days(*when: date | None) -> list[Paper]:
        return [_paper(n, d) for n, d in enumerate(when)]

    assert date_range(days(date(2025, 10, 7))) == "Oct 7, 2025"
    assert date_range(days(date(2025, 10, 23), date(2025, 10, 5))) == "Oct 5–23, 2025"
    assert date_range(days(date(2025, 10, 23), date(2025, 9, 30))) == "Sep 30 – Oct 23, 2025"
    assert date_range(days(date(2025, 1, 9), date(2024, 12, 3))) == "Dec 3, 2024 – Jan 9, 2025"
    assert date_range(days(date(2025, 10, 23), date(2025, 10, 5)), year=False) == "Oct 5–23"
    assert date_range(days(date(2025, 1, 9), None)) == "Jan 9, 2025 and undated"
    assert date_range([_paper(1, None)]) == "undated, P" and date_range([]) == ""
    assert date_range([replace(_paper(1, None), title="Alpha"), replace(_paper(2, None), title="Épsilon")]) == "undated, A–E"
    papers = days(date(2025, 1, 9), date(2024, 3, 2))
    pages = paginate(120, 50)
    # The index page (the newest papers, which change) is the listing's title; an older page
    # adds its days, and no page number or count.
    assert heading("Reasoning", pages[0], papers) == "Reasoning"
    assert heading("Reasoning", pages[1], papers) == "Reasoning, Mar 2, 2024 – Jan 9, 2025"
    assert heading("October 2025", pages[1], days(date(2025, 10, 9), date(2025, 10, 1)), year=False) == "October 2025, Oct 1–9"
    assert heading("Undated papers", pages[1], days(None)) == "Undated papers, P"
    assert listing_file("tags/t", pages[0].number, pages[0].count) == "tags/t/index.md"
    assert listing_file("tags/t", pages[1].number, pages[1].count) == "tags/t/page-1.md"


def test_groups_start_on_the_page_of_their_newest_paper():
    papers = [_paper(n, date(2025 - n // 30, 1, 1)) for n in range(100)] + [_paper(200, None)]
    pages = paginate(len(papers), 20)  # 101 papers: the index holds 21, pages 4..1 hold 20 each
    got = starts(papers, pages, lambda p: p.date.year if p.date else None)
    assert got == [(2025, 5), (2024, 4), (2023, 3), (2022, 1), (None, 1)]


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
        base = H1.search(files[0][1]).group(1)
        month = re.fullmatch(r"dates/\d{4}/\d{2}", folder) is not None
        for path, text in files:
            title = H1.search(text).group(1)
            shown = [by_id[i] for i in ITEM.findall(text)]
            if path.endswith("index.md"):
                assert title == base, (path, title)
            else:
                # Labelled by its days, in markdown escapes as the heading is.
                span = date_range(shown, year=not month)
                span = span.removeprefix("undated, ") if base.lower().startswith("undated") else span
                assert html.unescape(title.replace("\\", "")) == html.unescape(base.replace("\\", "")) + f", {span}", (path, title)
            assert "page " not in title.lower().replace(base.lower(), ""), (path, title)


def test_undated_listing_is_by_title_and_says_so(sample: tuple[Archive, dict[str, str]]) -> None:
    _, pages = sample
    undated = _listings(pages)["dates/undated"]
    for _, text in undated:
        assert "by title" in text and "newest" not in text.split("</p>")[0].split("papers-range")[-1]


def _tag_listing(papers: list[Paper]) -> dict[str, str]:
    pages = Renderer(Archive([], sorted(papers, key=paper_order), []), page_size=50).tag_pages()
    return {k: v for k, v in pages.items() if k.startswith("tags/t/") and k.endswith(".md")}  # its pages, not its feed


def _month_listing(papers: list[Paper]) -> dict[str, str]:
    pages = Renderer(Archive([], sorted(papers, key=paper_order), []), page_size=50).date_pages()
    return {k: v for k, v in pages.items() if re.fullmatch(r"dates/2025/10/(index|page-\d+)\.md", k)}


def test_adding_papers_leaves_older_pages_byte_identical() -> None:
    old = [_paper(n, date(2025, 1, 1 + n % 28)) for n in range(130)]
    new = [_paper(1000 + n, date(2025, 3, 1)) for n in range(7)] + old
    before, after = _tag_listing(old), _tag_listing(new)
    assert sorted(before) == ["tags/t/index.md", "tags/t/page-1.md"]
    assert {k for k in after if before.get(k) != after[k]} == {"tags/t/index.md"}
    # When the index page is full it hands its oldest 50 to a new page: the pages before it
    # keep their papers, and all but the last of them their bytes; the last one's link to
    # the newer papers names the new page's days instead of "Newest papers".
    more = [_paper(2000 + n, date(2025, 4, 1)) for n in range(13)] + new
    grown = _tag_listing(more)
    assert sorted(grown) == ["tags/t/index.md", "tags/t/page-1.md", "tags/t/page-2.md"]
    newer = re.compile(r'<a class="md-button" href="[^"]*">← [^<]*</a>')
    assert newer.findall(after["tags/t/page-1.md"]) == ['<a class="md-button" href="../">← Newest papers</a>']
    assert newer.findall(grown["tags/t/page-1.md"]) == ['<a class="md-button" href="../page-2/">← Newer: Jan 11–21, 2025</a>']
    assert newer.sub("", grown["tags/t/page-1.md"]) == newer.sub("", after["tags/t/page-1.md"])
    assert ITEM.findall(grown["tags/t/page-1.md"]) == ITEM.findall(after["tags/t/page-1.md"])
    assert ITEM.findall(grown["tags/t/page-2.md"]) == ITEM.findall(after["tags/t/index.md"])[-50:]


@pytest.mark.parametrize("listing", [_tag_listing, _month_listing])
def test_older_pages_keep_their_bytes_with_their_labels_and_jumps(listing) -> None:
    """The property, with everything an older page now names (its days, its neighbours' days,
    the years or days to jump to): papers arrive at the newest end, a dump at a time; every
    older page keeps its bytes but the newest of them when a page was added after it, which
    changes only its link to the newer papers."""
    day, papers, serial = 1, [], 0
    pages = listing(papers)
    newer = re.compile(r'<a class="md-button" href="[^"]*">← [^<]*</a>')
    for dump in (30, 45, 60, 12, 90, 7, 51, 100, 3):
        for n in range(dump):  # papers of one or two days, with counts that order a day
            serial += 1
            papers.append(replace(_paper(serial, date(2025, 10, min(day + n // 40, 28))), upvotes=serial % 11,
                                  comments=serial % 4))
        day = min(day + 1 + dump // 40, 28)
        grown = listing(papers)
        older = sorted((k for k in pages if "/page-" in k), key=lambda k: int(re.search(r"page-(\d+)", k).group(1)))
        added = len([k for k in grown if "/page-" in k]) > len(older)
        for k in older:
            if added and k == older[-1]:
                assert newer.sub("", grown[k]) == newer.sub("", pages[k]), k
            else:
                assert grown[k] == pages[k], k
            # Labelled by its days ("T, Oct 3–5, 2025", "October 2025, Oct 3–5"), never a number.
            assert ", Oct " in H1.search(grown[k]).group(1) and "page" not in H1.search(grown[k]).group(1), k
        pages = grown
    assert len([k for k in pages if "/page-" in k]) >= 5
