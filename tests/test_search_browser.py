"""Search in headless Chromium against the built sample site: the header box, the search page,
filters, sorting, keyboard use, highlighting, both palettes, and a console free of errors."""

from __future__ import annotations

import functools
import gzip
import json
import re
import shutil
import threading
from collections import Counter
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from conftest import QuietHandler
from test_search_index import sample_papers

from generator.pages.render import tex_text
from generator.search import indexer as search

pytestmark = pytest.mark.browser

WORD = re.compile(r"[a-z]+")


def words(text: str | None) -> set[str]:
    return set(WORD.findall((text or "").lower()))


@pytest.fixture(scope="module")
def papers(sample_site: Path) -> list[dict]:
    return json.loads((sample_site / "papers.json").read_text(encoding="utf-8"))["papers"]


@pytest.fixture(scope="module")
def by_path(papers) -> dict[str, dict]:
    """Papers by the path of their page, as result links show it."""
    return {"/" + p["url"]: p for p in papers}


@pytest.fixture(scope="module")
def unique_word(papers) -> tuple[str, dict]:
    """A word of one paper's abstract whose first six letters no other paper's text holds.

    Pagefind stems words, so the prefix, not just the word, has to be unique to one paper.
    """
    texts = [f"{p['title']} {p['abstract'] or ''}".lower() for p in papers]
    for paper in papers:
        for word in sorted(words(paper["abstract"]) - words(paper["title"])):
            if len(word) >= 8 and sum(word[:6] in text for text in texts) == 1:
                return word, paper
    pytest.fail("no sample abstract has a word of its own")


def result_paths(locator) -> list[str]:
    return [urlsplit(href).path for href in locator.evaluate_all("els => els.map(e => e.href)")]


def assert_no_console_errors(page) -> None:
    assert page.console_errors == [], "\n".join(page.console_errors)


def settled(page) -> None:
    """Wait until the search page has shown the results of its latest change."""
    page.locator(".papers-search-page__results[aria-busy=false]").wait_for()


def search_page(page, site_url: str, query: str = "") -> None:
    page.goto(f"{site_url}search/{query}")
    settled(page)


def header_search(page, query: str, expect_path: str) -> None:
    """Focus the header box with `/`, type, and wait until `expect_path` is among the results."""
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('[data-papers-search-input]')")
    page.keyboard.type(query)
    page.locator(f"[data-papers-search-results] a[href^='{expect_path}']").first.wait_for()


def test_unique_abstract_word_finds_its_paper_first(page, site_url, unique_word):
    word, paper = unique_word
    search_page(page, site_url, f"?q={word}")
    first = page.locator("[data-papers-search-list] .papers-result__title").first
    assert urlsplit(first.get_attribute("href")).path == "/" + paper["url"]
    assert first.text_content() == tex_text(paper["title"])
    assert page.locator("[data-papers-search-list] mark").first.text_content().lower().startswith(word[:6])
    assert_no_console_errors(page)


def test_title_match_ranks_above_abstract_match(page, site_url, papers):
    """A word in one paper's title and in other papers' abstracts finds the title first."""
    title_count = Counter(w for p in papers for w in words(p["title"]))
    text_count = Counter(w for p in papers for w in words(f"{p['title']} {p['abstract']}"))
    for paper in papers:
        candidates = [
            w for w in sorted(words(paper["title"]))
            if len(w) >= 7 and title_count[w] == 1 and 2 <= text_count[w] <= 4
        ]
        if candidates:
            word = candidates[0]
            break
    else:
        pytest.skip("no word in exactly one sample title and a few abstracts")
    search_page(page, site_url, f"?q={word}")
    first = page.locator("[data-papers-search-list] .papers-result__title").first
    assert page.locator("[data-papers-search-list] li").count() >= 2, word
    assert urlsplit(first.get_attribute("href")).path == "/" + paper["url"], word
    assert_no_console_errors(page)


def test_tag_filter_narrows_and_comment_sort_orders(page, site_url, papers, by_path):
    tag, tagged = Counter(t for p in papers for t in p["tags"]).most_common(3)[-1]
    search_page(page, site_url)
    assert page.locator(".papers-filter input").count() == 0  # lists load when opened
    page.click("details[data-papers-filter=tag] > summary")
    option = page.locator(f".papers-filter input[name='tag'][value='{tag}']")
    assert option.locator("xpath=..").locator(".papers-filter__count").text_content() == str(tagged)
    option.check()
    settled(page)
    assert page.locator("[data-papers-search-status]").text_content() == f"{tagged} papers"
    assert parse_qs(urlsplit(page.url).query) == {"tag": [tag]}
    # The samples show no upvotes (FORMATS.md A): the sort by them is not offered, by comments is.
    sorts = page.locator("[data-papers-search-sort] option").evaluate_all("os => os.map(o => o.value)")
    assert sorts == ["", "date", "comments"]
    page.select_option("[data-papers-search-sort]", "comments")
    settled(page)
    assert parse_qs(urlsplit(page.url).query) == {"tag": [tag], "sort": ["comments"]}
    list_ = page.locator("[data-papers-search-list] .papers-result__title")
    while page.locator("[data-papers-search-more]").is_visible():
        page.click("[data-papers-search-more]")
        settled(page)
    assert list_.count() == tagged
    found = [by_path[path] for path in result_paths(list_)]
    assert all(tag in p["tags"] for p in found)
    comments = [p["comments"] or 0 for p in found]
    assert comments == sorted(comments, reverse=True) and comments[0] > 0

    # The same state from a shared URL, with a query narrowing it further.
    query = "model"
    search_page(page, site_url, f"?{urlencode({'q': query, 'tag': tag, 'sort': 'comments'})}")
    assert page.input_value("[data-papers-search-page-input]") == query
    assert page.locator(f".papers-filter input[name='tag'][value='{tag}']").is_checked()
    found = [by_path[path] for path in result_paths(list_)]
    assert found and all(tag in p["tags"] for p in found) and len(found) <= tagged
    comments = [p["comments"] or 0 for p in found]
    assert comments == sorted(comments, reverse=True)
    assert_no_console_errors(page)


def test_search_works_after_clicking_through_the_navigation(page, site_url, papers, by_path):
    page.goto(site_url)
    page.locator("a[href$='tags/']:visible").first.click()
    page.wait_for_url(re.compile(r"/tags/$"))
    page.locator("article a[href*='/']").filter(has_text=re.compile(r"\w")).first.click()
    page.wait_for_url(re.compile(r"/tags/[^/]+/"))
    page.locator("article a[href*='papers/']").first.click()
    page.wait_for_url(re.compile(r"/papers/"))
    paper = by_path[urlsplit(page.url).path]
    word = max(words(paper["title"]), key=len)
    header_search(page, word, "/" + paper["url"])
    assert page.locator("[data-papers-search-results] .papers-result__title").first.is_visible()
    assert_no_console_errors(page)


def test_keyboard_opens_a_result_with_the_words_highlighted(page, site_url, unique_word):
    word, paper = unique_word
    page.goto(site_url)
    header_search(page, word, "/" + paper["url"])
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.matches('[data-papers-search-results] a')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(paper["url"]) + r"\?highlight="))
    mark = page.locator("article mark.papers-highlight").first
    mark.wait_for()
    assert mark.text_content().lower().startswith(word[:6])
    assert_no_console_errors(page)


def test_enter_in_the_header_box_opens_the_search_page(page, site_url, unique_word):
    word, paper = unique_word
    page.goto(site_url)
    header_search(page, word, "/" + paper["url"])
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("/")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=" + word))
    page.locator(f"[data-papers-search-list] a[href^='/{paper['url']}']").wait_for()
    assert_no_console_errors(page)


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_search_in_light_and_dark(page, site_url, unique_word, scheme):
    word, paper = unique_word
    page.goto(site_url)
    if page.evaluate("document.body.dataset.mdColorScheme") != scheme:
        page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function("s => document.body.dataset.mdColorScheme === s", arg=scheme)
    header_search(page, word, "/" + paper["url"])
    result = page.locator("[data-papers-search-results] .papers-result__title").first
    assert result.is_visible()
    colors = page.evaluate("""() => {
        const title = document.querySelector('[data-papers-search-results] .papers-result__title');
        const scroll = document.querySelector('.papers-search .md-search__scrollwrap');
        return [getComputedStyle(title).color, getComputedStyle(scroll).backgroundColor];
    }""")
    assert colors[0] != colors[1]
    assert_no_console_errors(page)


def _fragment(payload: dict) -> bytes:
    return gzip.compress(b"pagefind_dcd" + json.dumps(payload).encode())


def test_result_text_is_never_markup(page, site_url, unique_word):
    """Titles and excerpts from the index are shown as text, whatever they hold."""
    word, paper = unique_word
    hostile = '<img src=x onerror="window.__xss=1">'

    def serve_hostile(route):
        route.fulfill(status=200, body=_fragment({
            "url": "/" + paper["url"], "content": f"{hostile} <script>window.__xss=2</script> {word}",
            "word_count": 6, "filters": {"tag": ["<b>bold</b>"]}, "meta": {"title": hostile}, "anchors": [],
        }), headers={"Content-Type": "application/octet-stream"})

    page.route("**/pagefind/fragment/*.pf_fragment", serve_hostile)
    search_page(page, site_url, f"?q={word}")
    title = page.locator("[data-papers-search-list] .papers-result__title").first
    assert title.text_content() == hostile
    assert page.locator("[data-papers-search-list] img, [data-papers-search-list] script, "
                        "[data-papers-search-list] b").count() == 0
    assert "<script>" in page.locator("[data-papers-search-list] .papers-result__excerpt").first.text_content()
    assert page.evaluate("window.__xss") is None
    assert_no_console_errors(page)


@pytest.fixture(scope="module")
def parts_site_url(sample_site, tmp_path_factory):
    """The sample site indexed in three parts, as an archive of more than SHARD_PAGES papers is."""
    site = tmp_path_factory.mktemp("parts") / "site"
    shutil.copytree(sample_site, site)
    saved, search.SHARD_PAGES = search.SHARD_PAGES, 150
    try:
        search.index_papers(sample_papers(), site, log=lambda message: None)
    finally:
        search.SHARD_PAGES = saved
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_an_index_in_parts_is_searched_as_one(page, parts_site_url, papers, by_path, unique_word):
    word, paper = unique_word
    search_page(page, parts_site_url, f"?q={word}")
    first = page.locator("[data-papers-search-list] .papers-result__title").first
    assert urlsplit(first.get_attribute("href")).path == "/" + paper["url"]
    # Every part answers: filter-only results count every paper of the year, sorted newest first.
    year = Counter(p["date"][:4] for p in papers if p["date"]).most_common(1)[0][0]
    search_page(page, parts_site_url, f"?{urlencode({'year': year, 'sort': 'date'})}")
    expected = sum(1 for p in papers if (p["date"] or "").startswith(year))
    assert page.locator("[data-papers-search-status]").text_content() == f"{expected} papers"
    dates = [by_path[path]["date"] for path in result_paths(page.locator("[data-papers-search-list] .papers-result__title"))]
    assert dates == sorted(dates, reverse=True)
    assert_no_console_errors(page)


class SubPathHandler(QuietHandler):
    """The site under /repo/, as GitHub Pages serves a project site."""

    def translate_path(self, path: str) -> str:
        return super().translate_path(path.removeprefix("/repo") if path.startswith("/repo/") else "/missing")


@pytest.fixture(scope="module")
def sub_path_url(sample_site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SubPathHandler, directory=str(sample_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/repo/"
    server.shutdown()
    server.server_close()


def test_results_link_under_a_sub_path(page, sub_path_url, unique_word):
    word, paper = unique_word
    search_page(page, sub_path_url, f"?q={word}")
    first = page.locator("[data-papers-search-list] .papers-result__title").first
    assert urlsplit(first.get_attribute("href")).path == "/repo/" + paper["url"]
    first.click()
    page.wait_for_url(re.compile(re.escape("/repo/" + paper["url"]) + r"\?highlight="))
    page.locator("article mark.papers-highlight").first.wait_for()
    assert_no_console_errors(page)


def test_on_a_phone_results_start_in_the_first_screen(page, site_url, papers, by_path):
    """The filters fold into one control that opens them, a result shows at most three tags, and
    the first result is whole in the first screen of a phone."""
    page.set_viewport_size({"width": 390, "height": 844})
    search_page(page, site_url, "?q=reasoning")
    filters = page.locator("[data-papers-search-filters]")
    assert not filters.evaluate("d => d.open") and not page.locator("details[data-papers-filter=tag]").is_visible()
    first = page.locator("[data-papers-search-list] > li.papers-result").first
    box = first.bounding_box()
    assert box["y"] + box["height"] <= 844, box
    assert max(page.locator(".papers-result").evaluate_all(
        "items => items.map(i => i.querySelectorAll('.papers-result__tag').length)")) <= 3
    # A paper with more tags says how many more (the shipped rules give at most three a paper,
    # a site's own rules may give more); one with three or fewer says nothing more.
    for path, more in page.locator(".papers-result").evaluate_all(
            "items => items.map(i => [new URL(i.querySelector('.papers-result__title').href).pathname,"
            " (i.querySelector('.papers-result__more-tags') || {}).textContent || ''])"):
        tags = by_path[path]["tags"]
        assert more == (f"+{len(tags) - 3}" if len(tags) > 3 else ""), (path, tags, more)
    # Opening the control shows the lists; choosing a filter keeps it open on the next visit.
    filters.locator("> summary").click()
    page.click("details[data-papers-filter=tag] > summary")
    page.locator(".papers-filter input[name='tag']").first.check()
    settled(page)
    page.reload()
    settled(page)
    assert filters.evaluate("d => d.open")
    # On a desktop the filters show without the control.
    page.set_viewport_size({"width": 1280, "height": 800})
    search_page(page, site_url, "?q=reasoning")
    assert not filters.locator("> summary").is_visible() and page.locator("details[data-papers-filter=tag]").is_visible()
    assert_no_console_errors(page)
