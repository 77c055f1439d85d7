"""Listing pages that are exact and stable.

A listing (a month, a tag, an organization, the undated papers) holds its papers in the
archive's order (merge.paper_order): newest day first, the papers of one day as Hugging Face
lists them (most upvoted, then most discussed, then by title), undated papers last by title
(merge.merge sorts them so; a listing keeps that order). Its pages split that list:

- exact: every paper of the listing is on exactly one page;
- numbered from the oldest: page 1 holds the oldest `size` papers, page 2 the next `size`,
  and so on; the last page, the listing's index page, holds the newest papers: the rest, from
  `size` to `2 * size - 1` of them (all of them when the listing has fewer than `size`);
- stable: papers arrive at the newest end, so they change the index page only, until it would
  hold `2 * size`: then its oldest `size` become the next numbered page (`page-N.md`) and the
  page before it gets a link to it. The papers of pages 1 to N-1 never move, and their headings
  name no page count ("Reasoning, page 3 — Mar 2024 to Jan 2025"; the index page says
  "page 4 of 4"), so their bytes stay too. Measured by benchmarks/bench_listings.py.

A paper added with an older date than the newest of the listing (a dump of last year) lands in
the middle and shifts the pages newer than it: the pages stay exact, and the older ones stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..data.model import Paper

# The months as pages name them (`Oct`, `Oct 7, 2025` take the first three letters).
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
]


@dataclass(frozen=True)
class Page:
    """One page of a listing: which slice of its newest-first papers it shows."""

    number: int
    """1 for the oldest papers; `count` for the index page (the newest)."""
    count: int
    """Pages in the listing."""
    start: int
    """First index, in the listing's newest-first papers, shown on this page."""
    stop: int
    """One past the last index shown."""

    @property
    def newest(self) -> bool:
        """Whether this is the index page, which holds the newest papers."""
        return self.number == self.count


def paginate(count: int, size: int) -> list[Page]:
    """The pages of a listing of `count` papers (newest first), `size` a page, newest page
    first. Pages 1..n-1 hold `size` papers each, counted from the oldest; the index page n
    holds the rest (`size` to `2*size-1`, or all when `count < 2*size`). Raises ValueError
    when `size` is below 1."""
    if size < 1:
        raise ValueError(f"page size {size} is below 1")
    pages = max(1, count // size)
    out = [Page(pages, pages, 0, count - (pages - 1) * size)]
    for number in range(pages - 1, 0, -1):
        out.append(Page(number, pages, count - number * size, count - (number - 1) * size))
    return out


def month_span(papers: Sequence[Paper]) -> str:
    """The months a page's papers (newest first) cover: `Mar 2024 to Jan 2025`, `Oct 2025`,
    `Oct 2025 and undated`, `undated`; empty for no papers."""
    dated = [p.date for p in papers if p.date]
    undated = len(dated) < len(papers)
    if not dated:
        return "undated" if undated else ""
    low, high = _month(dated[-1]), _month(dated[0])
    text = low if low == high else f"{low} to {high}"
    return f"{text} and undated" if undated else text


def heading(title: str, page: Page, papers: Sequence[Paper]) -> str:
    """A page's heading: the listing's title, and on a listing of several pages the page's
    number and months: `Reasoning, page 4 of 4 — Mar 2025 to Jan 2026` on the index page,
    `Reasoning, page 3 — Mar 2024 to Jan 2025` on an older one (which names no page count, so
    that it keeps its bytes as the listing grows)."""
    if page.count == 1:
        return title
    span = month_span(papers)
    # A list of undated papers says so in its title already.
    span = "" if span == "undated" and title.lower().startswith("undated") else span
    number = f"page {page.number} of {page.count}" if page.newest else f"page {page.number}"
    return f"{title}, {number}" + (f" — {span}" if span else "")


def _month(when: date) -> str:
    return f"{MONTH_NAMES[when.month - 1][:3]} {when.year}"
