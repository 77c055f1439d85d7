"""Papers and renderers for the tests of what pages show (test_display, test_place)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from generator.data.merge import paper_order
from generator.data.model import Paper, Source
from generator.data.pipeline import Archive
from generator.pages.render import Renderer
from generator.pages.urls import Urls


def paper(n: int, **fields) -> Paper:
    """Paper number `n`, dated Oct 2025 and read from x.txt line n + 1, with `fields` changed."""
    base = Paper(
        id=f"paper-{n}", title=f"Paper {n}", abstract=f"Abstract {n}.", date=date(2025, 10, 1 + n % 28),
        upvotes=None, comments=None, arxiv_id=None, authors=None, organization=None, org_id=None,
        links=(), sources=(Source("x.txt", n + 1),),
    )
    return replace(base, **fields)


def renderer(*papers: Paper, urls: Urls | None = None) -> Renderer:
    """A Renderer of these papers in the archive's order (merge.paper_order), 50 a page."""
    ordered = sorted(papers, key=paper_order)
    return Renderer(Archive([], ordered, []), page_size=50, urls=urls)
