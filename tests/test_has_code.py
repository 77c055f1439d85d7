""""Has code": papers whose captures give a GitHub repository (forms E, I) show a code link with
their stars on listing rows, and the search page filters them ("Has code") and sorts them by
GitHub stars across every part of the index, in Chromium on the rich sample site (the samples
and two real days of the API, tests/fixtures/api_days)."""

from __future__ import annotations

import functools
import html
import re
import shutil
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import API_DAYS, REPO, QuietHandler

from generator.data.pipeline import collect
from generator.pages.export import load_export
from generator.pages.render import compact
from generator.pages.urls import Urls
from generator.search import indexer as search
from generator.site.config import default_settings


@pytest.fixture(scope="module")
def papers(rich_site: Path) -> list[dict]:
    return load_export(rich_site)["papers"]


def test_stars_are_written_compactly_never_larger_than_they_are() -> None:
    assert [compact(n) for n in (0, 7, 999, 1000, 1049, 1250, 9999, 10_000, 12_345, 999_999, 1_234_567)] == [
        "0", "7", "999", "1k", "1k", "1.2k", "9.9k", "10k", "12k", "999k", "1.2M"]


def test_listing_rows_link_the_code_with_its_stars(rich_site: Path, papers: list[dict]) -> None:
    coded = [p for p in papers if p["github"] and p["date"]]
    assert len(coded) > 10 and any((p["github"]["stars"] or 0) >= 1000 for p in coded)
    for paper in coded:
        year, month = paper["date"][:4], paper["date"][5:7]
        listing = "".join(f.read_text(encoding="utf-8") for f in (rich_site / "dates" / year / month).glob("**/index.html")
                          if "/top/" not in f.as_posix())
        row = re.search(r'<li><a href="[^"]*' + re.escape(paper["url"]) + r'">.*?</li>', listing, re.S)
        assert row, paper["url"]
        stars = paper["github"]["stars"]
        link = re.search(r'<a href="([^"]+)" aria-label="([^"]+)">([^<]+)</a></small>', row[0])
        assert link, row[0]
        assert html.unescape(link[1]) == paper["github"]["repo"]
        if stars is None:
            assert (link[2], link[3]) == ("Code on GitHub", "Code")
        else:
            assert link[2] == f"Code on GitHub, {stars:,} star{'' if stars == 1 else 's'}"
            assert link[3] == f"★ {compact(stars)}"
    # A paper without code has no such link.
    plain = next(p for p in papers if not p["github"] and p["date"] and p["date"][:7] == coded[0]["date"][:7])
    year, month = plain["date"][:4], plain["date"][5:7]
    listing = (rich_site / "dates" / year / month / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<li><a href="[^"]*' + re.escape(plain["url"]) + r'">.*?</li>', listing, re.S)
    assert row and "aria-label" not in row[0]


def settled(page) -> None:
    page.locator(".papers-search-page__results[aria-busy=false]").wait_for()


def all_results(page) -> list[str]:
    """The paths of every result, "Show more" pressed until all show."""
    while page.locator("[data-papers-search-more]").is_visible():
        page.click("[data-papers-search-more]")
        settled(page)
    hrefs = page.locator("[data-papers-search-list] .papers-result__title").evaluate_all("els => els.map(e => e.href)")
    return [urlsplit(h).path.lstrip("/") for h in hrefs]


def check_code_filter_and_star_sort(page, url: str, papers: list[dict], indexed: list[dict]) -> None:
    by_url = {p["url"]: p for p in papers}
    coded = [p for p in indexed if p["github"]]
    page.goto(url + "search/")
    settled(page)
    sorts = page.locator("[data-papers-search-sort] option").evaluate_all("os => os.map(o => o.value)")
    assert "stars" in sorts
    page.check("[data-papers-search-code]")
    settled(page)
    assert parse_qs(urlsplit(page.url).query) == {"code": ["yes"]}
    assert page.locator("[data-papers-search-status]").text_content() == f"{len(coded)} papers"
    shown = all_results(page)
    assert sorted(shown) == sorted(p["url"] for p in coded)
    page.select_option("[data-papers-search-sort]", "stars")
    settled(page)
    assert parse_qs(urlsplit(page.url).query) == {"code": ["yes"], "sort": ["stars"]}
    shown = all_results(page)
    stars = [by_url[u]["github"]["stars"] or 0 for u in shown]
    assert len(shown) == len(coded) and stars == sorted(stars, reverse=True), stars
    assert stars[0] == max((p["github"]["stars"] or 0) for p in coded) > 0
    # The state is in the URL: a reload shows the same.
    page.reload()
    settled(page)
    assert page.is_checked("[data-papers-search-code]")
    assert all_results(page) == shown
    # With words: only the papers with code among those found.
    page.goto(url + "search/?q=model&code=yes&sort=stars")
    settled(page)
    shown = all_results(page)
    assert shown and all(by_url[u]["github"] for u in shown)
    stars = [by_url[u]["github"]["stars"] or 0 for u in shown]
    assert stars == sorted(stars, reverse=True)
    assert page.console_errors == [], "\n".join(page.console_errors)


@pytest.mark.browser
def test_has_code_filter_and_sort_by_stars(page, rich_site_url: str, papers: list[dict]) -> None:
    check_code_filter_and_star_sort(page, rich_site_url, papers, papers)


@pytest.fixture(scope="module")
def rich_parts_url(rich_site: Path, papers: list[dict], tmp_path_factory):
    """The rich site with its newest papers (those of the API days and a few more) indexed in
    three parts, as an archive of more than SHARD_PAGES papers is: the stars of one part
    interleave with another's."""
    site = tmp_path_factory.mktemp("rich-parts") / "site"
    shutil.copytree(rich_site, site)
    settings = default_settings(sources=[REPO / "content" / "raw", API_DAYS], tags=REPO / "content" / "tags.yml")
    settings.previous = rich_site / "papers.json.gz"
    archive = collect(settings, with_related=False)
    newest = [p for p in archive.papers if p.date][:48]
    assert sum(1 for p in newest if p.github_repo) > 10
    saved, search.SHARD_PAGES = search.SHARD_PAGES, 16
    try:
        indexer = search.index_papers(newest, site, log=lambda message: None)
    finally:
        search.SHARD_PAGES = saved
    assert indexer.parts == 3
    # Papers with stars in more than one part: the sort has parts to merge.
    order = search.newest_first(newest, Urls())
    assert sum(any(p.github_stars for p in order[k * 16:(k + 1) * 16]) for k in range(3)) >= 2
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", {p.id for p in newest}
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_sort_by_stars_orders_every_part_of_the_index_as_one(page, rich_parts_url, papers: list[dict]) -> None:
    url, ids = rich_parts_url
    indexed = [p for p in papers if p["id"] in ids]
    assert len(indexed) == len(ids)
    check_code_filter_and_star_sort(page, url, papers, indexed)
