"""Citations: a paper page's Highwire Press tags (what Zotero's Embedded Metadata translator and
Google Scholar read), its "Cite" BibTeX entry, and a listing's papers as one BibTeX file, on the
sample archive with two real days of the API beside it (author names, arXiv ids)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.pages.export import load_export

# The Highwire Press names Google Scholar documents and Zotero imports
# (https://scholar.google.com/intl/en/scholar/inclusion.html#indexing); arXiv's pages use the same.
HIGHWIRE = {"citation_title", "citation_author", "citation_publication_date", "citation_date",
            "citation_online_date", "citation_pdf_url", "citation_arxiv_id", "citation_abstract_html_url",
            "citation_journal_title", "citation_doi", "citation_abstract"}


class Head(HTMLParser):
    """The <meta name=… content=…> of a page's <head>, in order; meta tags after it are errors."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.in_head = False
        self.outside: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "meta" and (attrs.get("name") or "").startswith("citation_"):
            (self.meta if self.in_head else self.outside).append((attrs["name"], attrs.get("content") or ""))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def citation(site: Path, paper: dict) -> Head:
    head = Head()
    head.feed((site / paper["url"] / "index.html").read_text(encoding="utf-8"))
    return head


@pytest.fixture(scope="module")
def papers(rich_site: Path) -> list[dict]:
    return load_export(rich_site)["papers"]


def test_a_paper_page_carries_highwire_tags_in_its_head(rich_site: Path, papers: list[dict]) -> None:
    named = next(p for p in papers if p["author_names"] and p["arxiv_id"] and p["date"] and "$" not in p["title"])
    head = citation(rich_site, named)
    assert head.outside == [] and {name for name, _ in head.meta} <= HIGHWIRE
    values = dict(head.meta)
    assert values["citation_title"] == re.sub(r"\s+", " ", named["title"]).strip()
    assert [v for k, v in head.meta if k == "citation_author"] == named["author_names"]
    assert values["citation_publication_date"] == named["date"].replace("-", "/")
    assert values["citation_arxiv_id"] == named["arxiv_id"]
    assert values["citation_pdf_url"] == f"https://arxiv.org/pdf/{named['arxiv_id']}"


def test_a_paper_known_only_from_a_listing_has_its_title_and_date_and_no_invented_author(
        rich_site: Path, papers: list[dict]) -> None:
    plain = next(p for p in papers if p["author_names"] is None and p["date"] and not p["arxiv_id"])
    names = {name for name, _ in citation(rich_site, plain).meta}
    assert names == {"citation_title", "citation_publication_date"}


def test_cite_gives_a_bibtex_entry_and_a_listing_gives_one_file(page, rich_site_url: str, papers: list[dict]) -> None:
    named = next(p for p in papers if p["author_names"] and p["arxiv_id"] and p["date"])
    page.goto(rich_site_url + named["url"])
    page.get_by_role("button", name="Cite").click()
    entry = page.locator(".papers-cite pre").inner_text()
    assert entry.startswith("@misc{") and entry.rstrip().endswith("}")
    assert f"eprint = {{{named['arxiv_id']}}}" in entry and f"year = {{{named['date'][:4]}}}" in entry
    assert "author = {" + " and ".join(named["author_names"][:2]) in entry.replace("\n", " ")
    # The month's listing: one BibTeX file of its papers, read from their pages.
    year, month = named["date"][:4], named["date"][5:7]
    page.goto(f"{rich_site_url}dates/{year}/{month}/")
    shown = page.locator("ul.papers-list > li").count()
    with page.expect_download() as download:
        page.get_by_role("button", name="BibTeX of these papers").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.count("@misc{") == shown and named["arxiv_id"] in text
    assert page.console_errors == []
