"""`use_directory_urls: false` in headless Chromium: the search page is `search.html`, and
every way to it goes there (issue 24): the header box's form and its "All N results" link on a
full page and on a lean paper page, the 404 page's form, the search page's own form. The theme
takes these paths from generator/pages/urls.py (config.extra.papers_urls), not from paths
written into templates or scripts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, build_env, serve

SAMPLE = REPO / "content" / "raw" / "000_8fd5a071214067a7.txt"
QUERY = "preplan anchor rhythm"
TITLE = "Attention Illuminates LLM Reasoning"


@pytest.fixture(scope="module")
def file_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's site with `use_directory_urls: false`, one sample dump and no site_url
    (every link relative); its site folder."""
    root = tmp_path_factory.mktemp("file-urls-browser")
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text("use_directory_urls: false\n" + text, encoding="utf-8")
    shutil.copytree(REPO / "overrides", root / "overrides")
    (root / "content" / "raw").mkdir(parents=True)
    shutil.copy(REPO / "content" / "tags.yml", root / "content" / "tags.yml")
    shutil.copy(SAMPLE, root / "content" / "raw" / SAMPLE.name)
    result = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=root, env=build_env(),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "site"


@pytest.fixture(scope="module")
def file_url(file_site: Path):
    yield from serve(file_site)


def path_of(url: str) -> str:
    return urlsplit(url).path


def header_search(page) -> None:
    """Type QUERY into the header box and wait for its paper among the results."""
    page.keyboard.press("/")
    page.keyboard.type(QUERY)
    page.locator("[data-papers-search-results] a", has_text=TITLE).first.wait_for()


def results_on_search_page(page) -> None:
    """The search page, with the paper of QUERY among its results."""
    assert path_of(page.url) == "/search.html", page.url
    page.locator("[data-papers-search-list] a", has_text=TITLE).first.wait_for()


@pytest.mark.slow
def test_no_template_or_script_names_a_directory_url(file_site: Path) -> None:
    assert (file_site / "search.html").is_file() and not (file_site / "search").exists()
    for name in ("index.html", "404.html", "search.html", "tags/index.html", "assets/papers-chrome.js"):
        text = (file_site / name).read_text(encoding="utf-8")
        # Every form's target (escaped in papers-chrome.js's JSON): the search page's file.
        actions = re.findall(r'action=\\?"([^"\\]*)', text)
        assert actions and all(re.fullmatch(r"(\./|(\.\./)+)?search\.html", a) for a in actions), (name, actions)
    assert re.search(r'data-papers-index=\\?"pagefind/papers-search\.json', (file_site / "index.html").read_text("utf-8"))


@pytest.mark.browser
def test_every_search_form_and_link_goes_to_search_html(page, file_url: str) -> None:
    # The home page (a full page): the header box, its "All results" link, then its form.
    page.goto(file_url + "index.html")
    header_search(page)
    all_link = page.locator(".papers-search__all")
    assert path_of(all_link.get_attribute("href")) == "/search.html"
    with page.expect_navigation():
        all_link.click()
    results_on_search_page(page)
    # The search page's own form keeps the page it is on.
    page.locator("[data-papers-search-page-input]").fill("anchor rhythm")
    with page.expect_navigation():
        page.locator("[data-papers-search-page-input]").press("Enter")
    results_on_search_page(page)

    page.goto(file_url + "index.html")
    page.keyboard.press("/")
    page.keyboard.type(QUERY)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # no result chosen: the form goes to the search page
    results_on_search_page(page)

    # A paper page (lean: its header comes from papers-chrome.js), two folders down.
    page.goto(file_url + "index.html")
    header_search(page)
    with page.expect_navigation():
        page.locator("[data-papers-search-results] a", has_text=TITLE).first.click()
    assert path_of(page.url).endswith(".html") and "/papers/" in page.url
    header_search(page)
    assert path_of(page.locator(".papers-search__all").get_attribute("href")) == "/search.html"
    form = page.locator("[data-papers-search] form")
    assert path_of(form.evaluate("f => f.action")) == "/search.html"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results_on_search_page(page)
    assert page.console_errors == [], "\n".join(page.console_errors)


@pytest.mark.browser
def test_the_404_pages_form_finds_the_search_page(page, file_url: str) -> None:
    page.goto(file_url + "404.html")
    form = page.locator("form.papers-notfound")
    assert path_of(form.evaluate("f => f.action")) == "/search.html"
    form.locator("input[name=q]").fill(QUERY)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    results_on_search_page(page)
    assert page.console_errors == [], "\n".join(page.console_errors)
