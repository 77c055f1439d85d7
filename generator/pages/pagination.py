"""Listing pages that are exact and stable.

A listing (a month, a tag, an organization, the undated papers) holds its papers in the
archive's order (merge.paper_order): newest day first, the papers of one day as Hugging Face
lists them (most upvoted, then most discussed, then by title), undated papers last by title
(merge.merge sorts them so; a listing keeps that order). Its pages split that list:

- exact: every paper of the listing is on exactly one page;
- read newest first: the listing's index page holds its newest papers, the rest, from `size`
  to `2 * size - 1` of them (all of them when the listing has fewer than `size`); each older
  page holds `size` papers and is labelled by the days it holds ("Reasoning, Mar 3, 2024 –
  Jan 9, 2025"), as are the links to it from the pages beside it;
- numbered from the oldest, which readers do not see: page 1 (`page-1.md`) holds the oldest
  `size` papers, page 2 the next `size`, and so on, so that a page keeps its URL;
- stable: papers arrive at the newest end, so they change the index page only, until it would
  hold `2 * size`: then its oldest `size` become the next numbered page (`page-N.md`) and the
  page before it gets a link to it ("Newer: …" instead of "Newest papers"). The papers of pages
  1 to N-1 never move, and an older page names nothing that newer papers change: no page count,
  only its own days, the days of the pages beside it, and, to jump to, the years (or a month's
  days) whose newest paper is on it or on an older page. So its bytes stay too. Measured by
  benchmarks/bench_listings.py.

A paper added with an older date than the newest of the listing (a dump of last year) lands in
the middle and shifts the pages newer than it: the pages stay exact, and the older ones stay.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Hashable, Sequence
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


def starts(papers: Sequence[Paper], pages: Sequence[Page], key: Callable[[Paper], Hashable]) -> list[tuple[Hashable, int]]:
    """Where each group of a listing's papers starts, to jump to: (group, the number of the page
    holding its newest paper), newest group first. `papers` are the listing's (newest first),
    `pages` its pages (`paginate`), `key(paper)` names a paper's group (its day, its year;
    None for the undated papers); a group's papers are next to each other."""
    out: list[tuple[Hashable, int]] = []
    last = object()
    for page in sorted(pages, key=lambda page: page.start):
        for paper in papers[page.start:page.stop]:
            group = key(paper)
            if group != last:
                out.append((group, page.number))
                last = group
    return out


def initial(name: str) -> str:
    """The letter a name is filed under from A to Z: its first letter without accents, upper
    case (`Ä` and `a` under `A`), or `#` when that is no letter from A to Z (a digit, `@`, a
    Chinese name)."""
    first = unicodedata.normalize("NFKD", name.strip()[:1]).casefold()[:1]
    return first.upper() if "a" <= first <= "z" else "#"


def date_range(papers: Sequence[Paper], year: bool = True) -> str:
    """The days a page's papers (newest first) cover, oldest first, as a page is labelled:
    `Oct 7, 2025`, `Oct 5–23, 2025`, `Sep 30 – Oct 23, 2025`, `Dec 3, 2024 – Jan 9, 2025`;
    with `year=False` (a month's own listing, whose title names the year) `Oct 5–23`. Then
    `and undated` when some papers have no date; when none has (they are by title), `undated,
    A–F` with the initials of the first and last titles (`undated, K` for one); empty for no
    papers."""
    dated = [p.date for p in papers if p.date]
    undated = len(dated) < len(papers)
    if not dated:
        if not papers:
            return ""
        first, last = initial(papers[0].title), initial(papers[-1].title)
        return "undated, " + (first if first == last else f"{first}–{last}")
    low, high = dated[-1], dated[0]
    if low == high:
        text = _day(low, year)
    elif (low.year, low.month) == (high.year, high.month):
        text = f"{_day(low, False)}–{high.day}" + (f", {high.year}" if year else "")
    elif low.year == high.year:
        text = f"{_day(low, False)} – {_day(high, False)}" + (f", {high.year}" if year else "")
    else:
        text = f"{_day(low, True)} – {_day(high, True)}"
    return f"{text} and undated" if undated else text


def heading(title: str, page: Page, papers: Sequence[Paper], year: bool = True) -> str:
    """A page's heading: the listing's title on its index page (the newest papers, whose days
    change as papers arrive), and on an older page the title and the days it holds
    (`date_range`): `Reasoning, Mar 3, 2024 – Jan 9, 2025`. An older page's heading names
    nothing that newer papers change (no page count), so the page keeps its bytes."""
    if page.newest:
        return title
    span = date_range(papers, year)
    # A list of undated papers says so in its title already.
    if title.lower().startswith("undated"):
        span = span.removeprefix("undated, ")
    return f"{title}, {span}" if span else title


def _day(when: date, year: bool) -> str:
    text = f"{MONTH_NAMES[when.month - 1][:3]} {when.day}"
    return f"{text}, {when.year}" if year else text
