"""Lean pages (generator/theme/lean.html) in headless Chromium: the pages of papers and listings get
the header, navigation, back-to-top button, footer and Material's __config from one cached
script (assets/papers-chrome.js), and must then be the theme's pages to the reader."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.pages.export import load_export
from generator.pages.render import tex_html, tex_text

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def papers(sample_site: Path) -> list[dict]:
    return load_export(sample_site)["papers"]


@pytest.fixture(scope="module")
def paper(papers) -> dict:
    """A dated paper with related papers, whose title needs escaping in a URL."""
    return next(p for p in papers if p["date"] and p["related"] and ":" in p["title"])


def hrefs(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("els => els.map(e => e.href)")


def chrome(page) -> dict:
    """What the theme writes around the content, as the browser shows it."""
    return {
        # The navigation's pages (a full page's own entry also lists its sections).
        "nav": list(dict.fromkeys(h for h in hrefs(page, ".md-sidebar--primary .md-nav__link") if h and "#" not in h)),
        "logo": hrefs(page, ".md-header .md-logo"),
        "palette": page.locator("[data-md-component=palette] input").count(),
        "search form": page.locator(".md-header form.md-search__form").evaluate("f => f.action"),
        "drawer": page.locator("#__drawer").count() + page.locator("label[for=__drawer]").count(),
        "footer": page.locator(".md-footer .md-copyright").count(),
        "top": page.locator("[data-md-component=top]").count(),
    }


@pytest.mark.parametrize("lean", ["paper", "listing"])
def test_lean_pages_have_the_theme_around_them(page, site_url, paper, lean) -> None:
    page.goto(site_url + "dates/")
    full = chrome(page)
    target = paper["url"] if lean == "paper" else "tags/agents/"
    page.goto(site_url + target)
    assert page.locator("script[src$='assets/papers-chrome.js']").count() == 0  # replaced by what they wrote
    assert chrome(page) == full
    # Material's script runs as on any page: its base is the site's root, the header follows scrolling.
    base = page.evaluate("JSON.parse(document.getElementById('__config').textContent).base")
    assert urlsplit(page.evaluate(f"new URL({json.dumps(base)}, location).href")).path == "/"
    assert page.evaluate("document.documentElement.classList.contains('no-js')") is False
    topic = page.locator("[data-md-component=header-topic] .md-ellipsis").text_content().strip()
    # The header shows the page's <title>: the heading's plain text (UFO³ where it shows MathML).
    title = page.locator("article h1").first.evaluate("h => h.dataset.papersTitle || h.textContent").strip()
    assert " ".join(topic.split()) == " ".join(title.split())
    # The sidebar sits before the content, the button in <main>, the footer after it.
    order = page.evaluate("""() => {
        const at = s => document.querySelector(s);
        const before = (a, b) => !!(at(a).compareDocumentPosition(at(b)) & Node.DOCUMENT_POSITION_FOLLOWING);
        return [before('.md-header', '.md-sidebar--primary'), before('.md-sidebar--primary', 'article'),
                before('article', '.md-footer'), !!at('main .md-top')];
    }""")
    assert order == [True, True, True, True]
    assert page.console_errors == [], "\n".join(page.console_errors)


def test_find_it_on_links_search_for_the_title(page, site_url, paper) -> None:
    page.goto(site_url + paper["url"])
    links = page.locator(".papers-find a")
    assert links.evaluate_all("els => els.map(e => e.textContent)") == ["arXiv", "Hugging Face", "Semantic Scholar"]
    for href in hrefs(page, ".papers-find a"):
        query = parse_qs(urlsplit(href).query)
        # The title's plain text (UFO³), not its TeX (generator/mathtext.py).
        assert [" ".join(tex_text(paper["title"]).split())] in query.values(), href
    # After the abstract, before the related papers, and not where search highlights words.
    assert page.evaluate("""() => {
        const find = document.querySelector('.papers-find');
        return find.nextElementSibling.matches('.papers-related')
            && find.dataset.pagefindIgnore === 'all'
            && !!(document.querySelector('.papers-abstract').compareDocumentPosition(find) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")


def test_palette_is_shared_by_lean_and_full_pages(page, site_url, paper) -> None:
    page.goto(site_url + paper["url"])
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    page.locator("label[for=__palette_1]").click()
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    page.goto(site_url)
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    page.locator("label[for=__palette_0]").click()
    page.goto(site_url + "tags/agents/")
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    assert page.console_errors == [], "\n".join(page.console_errors)


def test_without_javascript_the_content_and_a_way_home_remain(browser, site_url, paper) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + paper["url"])
        shown = html.unescape(re.sub(r"<[^>]*>", "", tex_html(paper["title"])))  # MathML's text: UFO3
        assert " ".join(page.locator("article h1").text_content().split()) == " ".join(shown.split())
        assert tex_text(paper["abstract"])[:80] in " ".join(page.locator(".papers-abstract").text_content().split())
        home = page.locator("noscript a, .papers-noscript a")
        assert home.count() == 1 and urlsplit(home.evaluate("a => a.href")).path == "/"
        assert page.locator(".papers-noscript").is_visible()
        # The related papers and the date are plain links.
        assert len(hrefs(page, ".papers-related a")) == len(paper["related"])
    finally:
        context.close()
