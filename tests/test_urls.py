"""URLs and output paths come from one module (generator/pages/urls.py), and every output agrees with
where the pages are: papers.json, the feed, the search index and the links, with
`use_directory_urls: false` as with directory URLs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from generator.data.model import Paper
from generator.pages.export import load_export, paper_record
from generator.pages.urls import Urls, month_top_file, paper_file, week_file
from generator.search.bundle import read_fragments

REPO = Path(__file__).resolve().parents[1]
ENV = {**{k: v for k, v in os.environ.items() if k != "SITE_URL"}, "NO_MKDOCS_2_WARNING": "1"}
PAPER = Paper(id="x", title="T", abstract="A.", date=date(2025, 11, 3), upvotes=None, comments=None,
              arxiv_id=None, authors=None, organization=None, org_id=None, links=(), sources=())


def test_directory_urls() -> None:
    urls = Urls()
    assert paper_file(PAPER) == "papers/2025/11/x.md"
    assert urls.paper(PAPER) == "papers/2025/11/x/"
    assert urls.search_record(PAPER) == "/papers/2025/11/x/"
    assert urls.output("papers/2025/11/x.md") == "papers/2025/11/x/index.html"
    assert urls.output("tags/a/index.md") == "tags/a/index.html"
    assert urls.output("index.md") == "index.html"
    assert urls.href("papers/2025/11/x.md", "tags/a/index.md") == "../../../../tags/a/"
    assert urls.href("tags/a/page-2.md", "tags/a/index.md") == "../"
    assert urls.href("tags/a/index.md", "tags/a/index.md") == "./"
    assert urls.to_root("tags/a/page-2.md") == "../../../"
    assert urls.absolute("feed.xml") is None


def test_the_top_pages_of_weeks_and_months() -> None:
    assert week_file(2025, 41) == "dates/weeks/2025-W41.md" and week_file(2026, 1) == "dates/weeks/2026-W01.md"
    assert month_top_file(2025, 10) == "dates/2025/10/top.md"
    assert Urls().url(week_file(2025, 41)) == "dates/weeks/2025-W41/"
    assert Urls(directory_urls=False).url(week_file(2025, 41)) == "dates/weeks/2025-W41.html"
    assert Urls().href("dates/2025/10/index.md", month_top_file(2025, 10)) == "top/"
    assert Urls(directory_urls=False).href("dates/2025/10/index.md", week_file(2025, 41)) == "../../weeks/2025-W41.html"
    with pytest.raises(ValueError, match="ISO week 54"):
        week_file(2025, 54)


def test_file_urls() -> None:
    urls = Urls(directory_urls=False, site_url="https://example.org/archive")
    assert urls.paper(PAPER) == "papers/2025/11/x.html"
    assert urls.search_record(PAPER) == "/papers/2025/11/x.html"
    assert urls.output("papers/2025/11/x.md") == "papers/2025/11/x.html"
    assert urls.output("tags/a/index.md") == "tags/a/index.html"
    # Index pages too are named by their file, as MkDocs names them: the site works from disk.
    assert urls.url("tags/a/index.md") == "tags/a/index.html" and urls.url("index.md") == "index.html"
    assert urls.href("papers/2025/11/x.md", "tags/a/index.md") == "../../../tags/a/index.html"
    assert urls.href("tags/a/page-2.md", "tags/a/index.md") == "index.html"
    assert urls.href("tags/a/index.md", "tags/a/page-2.md") == "page-2.html"
    assert urls.href("tags/a/index.md", "index.md") == "../../index.html"
    assert urls.to_root("tags/a/page-2.md") == "../../"
    assert urls.absolute("feed.xml") == "https://example.org/archive/feed.xml"
    assert urls.absolute("") == "https://example.org/archive/"


def test_papers_json_url_follows_use_directory_urls() -> None:
    assert paper_record(PAPER, Urls())["url"] == "papers/2025/11/x/"
    assert paper_record(PAPER, Urls(directory_urls=False))["url"] == "papers/2025/11/x.html"


def test_links_from_a_page_in_the_root_without_directory_urls() -> None:
    """From `search.html` or `index.html` links start in the root (they once went up a folder)."""
    urls = Urls(directory_urls=False)
    assert urls.href("search.md", "search.md") == "search.html"
    assert urls.href("index.md", "tags/index.md") == "tags/index.html"
    assert urls.href("tags/index.md", "search.md") == "../search.html"
    assert Urls().href("search.md", "search.md") == "./" and Urls().href("index.md", "tags/index.md") == "tags/"


@pytest.fixture(scope="module")
def file_url_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built with `use_directory_urls: false` (search included); the project
    folder, whose site/ is the site and check.json what `check --json` wrote."""
    root = tmp_path_factory.mktemp("file-urls")
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text("use_directory_urls: false\n" + text, encoding="utf-8")
    shutil.copytree(REPO / "overrides", root / "overrides")
    (root / "content").mkdir()
    shutil.copytree(REPO / "content" / "raw", root / "content" / "raw")
    for name in ("tags.yml",):
        shutil.copy(REPO / "content" / name, root / "content" / name)
    env = {**ENV, "SITE_URL": "https://example.org/archive/"}
    for command in (["build"], ["check", "--json", "check.json"]):
        result = subprocess.run([sys.executable, "-m", "generator", *command], cwd=root, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
    return root


@pytest.mark.slow
def test_papers_json_names_the_pages_without_directory_urls(file_url_site: Path) -> None:
    """papers.json once said `papers/2025/11/<slug>/` while the page was `<slug>.html`."""
    site = file_url_site / "site"
    papers = load_export(site)["papers"]
    assert len(papers) == 394
    for paper in papers:
        assert paper["url"].endswith(".html") and (site / paper["url"]).is_file(), paper["url"]
    checked = json.loads((file_url_site / "check.json").read_text(encoding="utf-8"))["papers"]
    assert [p["url"] for p in checked] == [p["url"] for p in papers]


@pytest.mark.slow
def test_feed_and_search_name_the_pages_without_directory_urls(file_url_site: Path) -> None:
    site = file_url_site / "site"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feeds = [site / "feed.xml", *sorted(site.glob("tags/*/feed.xml")), *sorted(site.glob("orgs/*/feed.xml"))]
    assert len(feeds) > 10
    for feed in feeds:
        root = ET.parse(feed).getroot()
        entries = root.findall("a:entry", ns)
        assert entries
        page = root.find("a:link[@rel='alternate']", ns).get("href")
        assert (site / page.removeprefix("https://example.org/archive/")).is_file() or page.endswith("/archive/"), page
        for entry in entries:
            url = entry.find("a:link", ns).get("href")
            assert url.startswith("https://example.org/archive/papers/") and url.endswith(".html"), url
            assert (site / url.removeprefix("https://example.org/archive/")).is_file(), url
    # Each listing page of a tag or an organization names its feed in <head>, relative to it.
    listings = [*site.glob("tags/*/*.html"), *site.glob("orgs/*/*.html")]
    announced = 0
    for listing in listings:
        found = re.search(r'<link rel="alternate feed" type="application/atom\+xml" title="[^"]+" href="([^"]+)">',
                          listing.read_text(encoding="utf-8"))
        if found:
            announced += 1
            assert (listing.parent / found[1]).resolve() == (listing.parent / "feed.xml").resolve()
            assert (listing.parent / found[1]).is_file(), listing
    assert announced >= len(feeds) - 1
    fragments = read_fragments(site / "pagefind")
    assert len(fragments) == 394
    for fragment in fragments.values():
        assert (site / fragment["url"].lstrip("/")).is_file(), fragment["url"]


@pytest.mark.slow
def test_every_link_of_the_generated_pages_finds_its_page_without_directory_urls(file_url_site: Path) -> None:
    """Every relative link resolves, and names a file as MkDocs' own links then do (`x/index.html`,
    never `x/`), so the site also works opened from disk."""
    site = file_url_site / "site"
    broken, folders = [], []
    for page in site.rglob("*.html"):
        where = page.relative_to(site).as_posix()
        if where.split("/")[0] not in ("papers", "dates", "tags", "orgs") and where != "index.html":
            continue
        for href in re.findall(r'href="([^"#?]*)[#?"]', page.read_text(encoding="utf-8")):
            if not href or re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.I):
                continue
            if href.endswith("/"):
                folders.append(f"{where}: {href}")
            target = unquote(urlsplit(urljoin("https://site.invalid/" + where, href)).path).lstrip("/")
            if not (site / (target + "index.html" if target.endswith("/") or not target else target)).is_file():
                broken.append(f"{where}: {href}")
    assert not broken, broken[:10]
    assert not folders, folders[:10]


@pytest.mark.parametrize("url", ["", "papers/2025/10/a-b/", "a.html", "tags/x/page-2.html", "../x", "./a", "a/./b",
                                 "/abs", "//host/x", "a?b", "a#b", "ü/ß/", "a..b/", ".hidden/", "x:y", "a b/", "a\tb", "a/..", "a/.", ".", "..", "a\\\\b"])
@pytest.mark.parametrize("site_url", ["https://x.github.io/repo/", "https://example.org"])
def test_absolute_urls_join_as_urljoin_does(url: str, site_url: str) -> None:
    assert Urls(site_url=site_url).absolute(url) == urljoin(site_url.rstrip("/") + "/", url)
