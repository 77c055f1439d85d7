"""Counts as the site's language writes them: thousands separators from Babel's CLDR data."""

from __future__ import annotations

import pytest
from render_helpers import paper

from generator.data.merge import paper_order
from generator.data.pipeline import Archive
from generator.pages.render import Renderer, number_format


def test_number_format_follows_the_language_code_of_the_theme():
    assert number_format("en")(1234567) == "1,234,567"
    assert number_format("de")(1234567) == "1.234.567"
    assert number_format("fr")(1234) == "1\u202f234"  # a narrow no-break space
    assert number_format("pt-BR")(1234) == "1.234"  # Material's codes use a hyphen
    assert number_format("zh-Hant")(1234) == "1,234"
    assert number_format("en")(999) == "999"
    # A code Babel does not know, or none, writes counts as English does.
    assert number_format("xx-nowhere")(1234) == number_format(None)(1234) == "1,234"


@pytest.mark.parametrize("language, sep", [("en", ","), ("de", "."), ("fr", "\u202f")])
def test_pages_write_counts_with_the_languages_separator(language: str, sep: str):
    """The stats page's undated count no longer reads as a year, and counts on the home page,
    listings, paper pages and charts are grouped the same way."""
    loud = paper(9999, upvotes=12345, comments=1234, authors=1500)
    papers = sorted([paper(n, date=None) for n in range(2025)] + [loud], key=paper_order)
    r = Renderer(Archive([], papers, []), 50, language=language)
    assert f"2{sep}025 undated papers are not drawn" in r.stats_page()
    assert f"2{sep}026" in r.home_page() and "2026" not in r.home_page()
    row = r.item(loud, "dates/2025/10/index.md")
    assert f"12{sep}345 upvotes" in row and f"1{sep}234 comments" in row
    body = r.paper_parts(loud)[1]
    assert f"12{sep}345 upvotes" in body and f"1{sep}234 comments" in body and f"1{sep}500 authors" in body
    undated = r.date_pages()["dates/undated/index.md"]
    assert f"2{sep}025 papers" in undated
    assert f"(2{sep}025)" in r.date_pages()["dates/index.md"] or f"2{sep}025 papers" in r.date_pages()["dates/index.md"]
