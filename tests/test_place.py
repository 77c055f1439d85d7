"""A reader's sense of place (issue 14, items 5 and 6): breadcrumbs, the active navigation entry,
months and years beside each other, the skip link, "Find it on" written at build time, the
search page and the 404 page without JavaScript, the dump a paper was read from, counts in
words, and no Performance page in the reader's site."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import pytest
import yaml
from render_helpers import paper, renderer

from generator.data.model import Source
from generator.pages import urls as u
from generator.pages.export import load_export
from generator.pages.render import tex_text
from generator.pages.urls import Urls

REPO = Path(__file__).resolve().parents[1]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# Rendering -----------------------------------------------------------------------------------

def test_find_it_on_keeps_its_room_in_the_page():
    # The section is written with the page, empty: assets/papers-chrome.js writes its links
    # (tested in Chromium below), so three title searches do not weigh on every page.
    plain, linked, odd = paper(1, title="UFO$^3$: Galaxy"), paper(2, arxiv_id="hep-th/9901001"), paper(3, arxiv_id='"><b>')
    r = renderer(plain, linked, odd)

    def section(p) -> str:
        return r.paper_parts(p)[1].split('<section class="papers-find"')[1].split("</section>")[0]

    assert '<p class="papers-find__links"></p>' in section(plain) and "href" not in section(plain)
    assert 'data-papers-arxiv="hep-th/9901001"' in section(linked)
    assert "<b>" not in section(odd) and 'data-papers-arxiv="&quot;&gt;&lt;b&gt;"' in section(odd)


def test_the_source_line_links_to_the_dump_only_with_a_repository(tmp_path):
    raw = tmp_path / "content" / "raw"
    raw.mkdir(parents=True)
    (raw / "x.txt").write_text("dump", encoding="utf-8")
    p = paper(1, sources=(Source("x.txt", 21), Source("gone.txt", 3)))
    view = u.repository_view("https://github.com/me/papers", "edit/main/content/")
    assert view == "https://github.com/me/papers/blob/main/content/"
    linked = renderer(p, urls=Urls(repository=view, dump_sources=[(raw, "raw")])).paper_parts(p)[1]
    assert ('<a href="https://github.com/me/papers/blob/main/content/raw/x.txt#L21"><code>x.txt</code> line 21</a>'
            in linked)
    assert "<code>gone.txt</code> line 3." in linked  # a file no source folder holds: text
    plain = renderer(p).paper_parts(p)[1]
    assert "<code>x.txt</code> line 21, <code>gone.txt</code> line 3." in plain and "github" not in plain
    assert u.repository_view(None, "edit/main/content/") == "" and u.repository_view("https://x.org/r", None) == ""


def test_one_is_one_paper_and_zero_upvotes_are_not_shown():
    lone = paper(1, upvotes=0, organization="Org", org_id="org", tags=("Solo",))
    r = renderer(lone)
    pages = r.render()
    for path, text in pages.items():
        if path.endswith((".md", ".xml")):
            assert not re.search(r"\b1 (papers|tags|organizations|dumps|entries)\b", text), (path, text)
            assert "▲ 0" not in text and "0 upvotes" not in text, path
    assert "1 paper carries" in pages[u.ORGS_INDEX] or "0 papers carry" in pages[u.ORGS_INDEX]


def test_listings_know_their_place():
    papers = [paper(1, date=date(2024, 12, 3)), paper(2, date=date(2025, 2, 3)), paper(3, date=date(2025, 3, 9)),
              paper(4, date=None, tags=("Reasoning",))]
    pages = renderer(*papers).render()
    feb = pages["dates/2025/02/index.md"]
    assert ('<nav class="papers-crumbs" aria-label="Breadcrumbs"><ol><li><a href="../../">Dates</a></li>'
            '<li><a href="../">2025</a></li><li><span aria-current="page">Feb</span></li></ol></nav>') in feb
    # The months with papers on either side, across a year, and the year above.
    assert re.findall(r'rel="(\w+)" href="([^"]+)">([^<]+)<', feb) == [
        ("prev", "../../2024/12/", "← December 2024"), ("next", "../03/", "March 2025 →")]
    assert '<a class="papers-around__up" href="../">All of 2025</a>' in feb
    year = pages["dates/2025/index.md"]
    assert "listing: true" in year  # a lean page, whose navigation marks Dates
    assert re.findall(r'rel="(\w+)" href="([^"]+)">([^<]+)<', year) == [("prev", "../2024/", "← 2024")]
    assert '<span aria-current="page">2025</span>' in year
    assert '<li><a href="../">Tags</a></li><li><span aria-current="page">Reasoning</span></li>' in pages["tags/reasoning/index.md"]
    assert '<li><a href="../">Dates</a></li><li><span aria-current="page">Undated</span></li>' in pages["dates/undated/index.md"]


def test_an_older_listing_page_names_itself_after_its_days():
    papers = [paper(n, date=date(2025, 10, 1 + n % 28)) for n in range(3)]
    r = renderer(*papers)
    r.page_size = 1
    pages = r.render()
    assert ('<li><a href="../../../">Dates</a></li><li><a href="../../">2025</a></li><li><a href="../">Oct</a></li>'
            '<li><span aria-current="page">Oct 1</span></li>') in pages["dates/2025/10/page-1.md"]


def test_crumbs_escape_what_the_dumps_wrote():
    evil = paper(1, title='<script>alert(1)</script> "x"', organization="<b>Org</b>", org_id="o")
    pages = renderer(evil).render()
    text = "".join(v for k, v in pages.items() if k.endswith(".md"))
    assert "<script>alert" not in text and "<b>Org</b>" not in text
    org_page = next(v for k, v in pages.items() if k.startswith("orgs/") and k != "orgs/index.md")
    assert '<span aria-current="page">&lt;b&gt;Org&lt;/b&gt;</span>' in org_page


def test_the_performance_page_is_not_the_readers():
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert all("erformance" not in json.dumps(entry) for entry in config["nav"])
    assert not (REPO / "content" / "performance.md").exists()
    assert (REPO / "PERFORMANCE.md").is_file()


# The built site --------------------------------------------------------------------------------

def test_the_built_site_has_no_performance_page(sample_site: Path):
    assert not (sample_site / "performance").exists() and not (sample_site / "performance.html").exists()
    for page in (sample_site / "index.html", sample_site / "assets" / "papers-chrome.js"):
        assert "Performance" not in page.read_text(encoding="utf-8"), page


def test_the_404_page_offers_search_and_home(sample_site: Path):
    text = (sample_site / "404.html").read_text(encoding="utf-8")
    content = text.split('<article class="md-content__inner md-typeset">', 1)[1]
    assert re.search(r'<form class="papers-notfound" action="\./search/" method="get"', content)
    assert re.search(r'<input type="search" name="q"', content)
    assert re.search(r'<a href="\./\.?"[^>]*data-papers-home>home page</a>', content)
    assert text.index('class="md-skip"') < text.index("<header")


# In the browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def papers(sample_site: Path) -> list[dict]:
    return load_export(sample_site)["papers"]


def crumbs(page) -> list[tuple[str, str | None]]:
    """The breadcrumbs as the reader sees them: text, and the path a link leads to."""
    return page.locator(".papers-crumbs li").evaluate_all(
        "lis => lis.map(li => [li.textContent.trim(), li.querySelector('a') ? new URL(li.querySelector('a').href).pathname : null])")


def active(page) -> list[str]:
    """The navigation's highlighted entries (Material's class), by text."""
    # A full page's own entry is marked twice (its link and its table of contents' label).
    return list(dict.fromkeys(t.strip() for t in page.locator(".md-sidebar--primary .md-nav__link--active").all_text_contents()))


@pytest.mark.browser
def test_each_page_kind_shows_where_it_is(page, site_url, papers):
    dated = next(p for p in papers if p["date"])
    y, m = int(dated["date"][:4]), int(dated["date"][5:7])
    month = f"/dates/{y:04d}/{m:02d}/"
    expected = {
        f"dates/{y:04d}/": ([("Dates", "/dates/"), (str(y), None)], "Dates"),
        month[1:]: ([("Dates", "/dates/"), (str(y), f"/dates/{y:04d}/"), (MONTHS[m - 1], None)], "Dates"),
        "tags/reasoning/": ([("Tags", "/tags/"), ("Reasoning", None)], "Tags"),
        # A paper's trail leads to its month: its title is the heading right below.
        dated["url"]: ([("Dates", "/dates/"), (str(y), f"/dates/{y:04d}/"), (MONTHS[m - 1], month)], "Dates"),
        "dates/": ([], "Dates"),
        "search/": ([], "Search"),
    }
    org = next(p for p in papers if p["organization"])
    page.goto(site_url + org["url"])
    org_url = urlsplit(page.locator(".papers-facts a[href*='orgs/']").evaluate("a => a.href")).path
    expected[org_url[1:]] = ([("Organizations", "/orgs/"), (org["organization"], None)], "Organizations")
    for url, (trail, section) in expected.items():
        page.goto(site_url + url)
        assert [(" ".join(t.split()), to) for t, to in crumbs(page)] == trail, url
        assert active(page) == [section], url
        # Every link of the trail leads to a page.
        for _, to in trail:
            if to:
                assert page.request.get(site_url + to.lstrip("/")).ok, to
    assert page.console_errors == [], "\n".join(page.console_errors)


@pytest.mark.browser
def test_months_lead_to_their_neighbours_and_up(page, site_url, sample_site):
    months = sorted(p.parent.relative_to(sample_site).as_posix() for p in sample_site.glob("dates/[0-9]*/[0-9]*/index.html"))
    middle = months[len(months) // 2]
    page.goto(f"{site_url}{middle}/")
    prev, nxt, up = (page.locator(f".papers-around__{rel}") for rel in ("prev", "next", "up"))
    i = months.index(middle)
    assert urlsplit(prev.evaluate("a => a.href")).path == f"/{months[i - 1]}/"
    assert urlsplit(nxt.evaluate("a => a.href")).path == f"/{months[i + 1]}/"
    assert urlsplit(up.evaluate("a => a.href")).path == f"/{middle.rsplit('/', 1)[0]}/"
    nxt.click()
    page.wait_for_url(f"**/{months[i + 1]}/")
    assert page.locator("article h1").count() == 1
    page.locator(".papers-around__prev").click()
    page.wait_for_url(f"**/{middle}/")
    # The first and last months have a neighbour on one side only.
    page.goto(f"{site_url}{months[0]}/")
    assert page.locator(".papers-around__prev").count() == 0 and page.locator(".papers-around__next").count() == 1


@pytest.mark.browser
@pytest.mark.parametrize("where", ["", "dates/", "tags/reasoning/", "paper", "search/", "404.html"])
def test_the_skip_link_comes_first_and_moves_focus_to_the_content(page, site_url, papers, where):
    url = site_url + (papers[0]["url"] if where == "paper" else where)
    page.goto(url)
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.matches('a.md-skip') && document.activeElement.textContent.trim()")
    assert first == "Skip to content", where
    for _ in range(20):  # shown when focused, after Material's transition
        if page.evaluate("getComputedStyle(document.activeElement).opacity") == "1":
            break
        page.wait_for_timeout(50)
    assert page.evaluate("getComputedStyle(document.activeElement).opacity") == "1", where
    page.keyboard.press("Enter")
    # Focus is in the content (or, where the target takes none, the next Tab lands there).
    in_content = "!!document.activeElement.closest('.md-content')"
    if not page.evaluate(in_content):
        page.keyboard.press("Tab")
    assert page.evaluate(in_content), where


@pytest.mark.browser
def test_the_search_page_without_javascript_links_to_the_listings(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "search/")
        text = page.locator("article").inner_text()
        assert "](" not in text
        links = page.locator("article a")
        paths = [urlsplit(h).path for h in links.evaluate_all("els => els.map(e => e.href)")]
        assert {"/dates/", "/tags/", "/orgs/"} <= set(paths)
        for path in ("/dates/", "/tags/", "/orgs/"):
            assert page.request.get(site_url + path.lstrip("/")).ok
        assert not page.locator("[data-papers-search-page]").is_visible()  # a form that could do nothing
    finally:
        context.close()


@pytest.mark.browser
def test_find_it_on_moves_nothing(page, site_url, papers):
    target = next(p for p in papers if p["related"])
    # Where the related papers are when the document is parsed, before any script's handler.
    page.add_init_script("""document.addEventListener('DOMContentLoaded', () => {
        const r = document.querySelector('.papers-related');
        window.__relatedTop = r ? r.getBoundingClientRect().top + scrollY : null;
    });""")
    page.goto(site_url + target["url"])
    page.wait_for_load_state("load")
    page.wait_for_timeout(400)
    after = page.evaluate("document.querySelector('.papers-related').getBoundingClientRect().top + scrollY")
    assert page.evaluate("window.__relatedTop") == after
    assert page.locator(".papers-find a").count() >= 3
    # In the page as served, not added by a script.
    served = page.request.get(site_url + target["url"]).text()
    assert '<section class="papers-find" data-pagefind-ignore="all">' in served


@pytest.mark.browser
def test_find_it_on_goes_straight_to_a_paper_with_an_arxiv_id(page, site_url, papers):
    # The sample captures carry no arXiv id: the served page is given one on its way.
    target = next(p for p in papers if p["related"])

    def with_id(route):
        html = route.fetch().text().replace('<section class="papers-find" data-pagefind-ignore="all">',
                                            '<section class="papers-find" data-pagefind-ignore="all" data-papers-arxiv="2510.06107">')
        route.fulfill(body=html, content_type="text/html")

    page.route(site_url + target["url"], with_id)
    page.goto(site_url + target["url"])
    page.wait_for_load_state("load")
    assert page.locator(".papers-find a").evaluate_all("els => els.map(e => e.href)") == [
        "https://arxiv.org/abs/2510.06107", "https://arxiv.org/pdf/2510.06107",
        "https://huggingface.co/papers/2510.06107", "https://www.semanticscholar.org/search?q="
        + quote_plus(" ".join(tex_text(target["title"]).split()))]


@pytest.mark.browser
def test_search_excerpts_do_not_repeat_the_title(page, site_url):
    page.goto(site_url + "search/?q=reasoning")
    page.locator("[data-papers-search-list] li").first.wait_for()
    results = page.locator("[data-papers-search-list] li.papers-result").evaluate_all("""lis => lis.map(li => [
        li.querySelector('.papers-result__title').textContent.trim(),
        li.querySelector('.papers-result__excerpt').textContent.trim()])""")
    assert results
    for title, excerpt in results:
        words = title.split()
        # Not the title, nor its end (an excerpt may start within it).
        assert title not in excerpt, (title, excerpt)
        assert not any(excerpt.startswith(" ".join(words[k:])) for k in range(len(words) - 1)), (title, excerpt)
