"""The reading list in headless Chromium: stars on a paper's page, in a listing and in the
search page's results; kept across a reload in the browser's storage (nothing sent anywhere);
the My list page with its suggestions, JSON and BibTeX export and import; no console error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.pages.export import load_export


@pytest.fixture(scope="module")
def papers(rich_site: Path) -> list[dict]:
    return load_export(rich_site)["papers"]


def test_stars_persist_and_the_list_exports_and_imports(page, rich_site_url: str, papers: list[dict],
                                                        tmp_path: Path) -> None:
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.method) if request.method != "GET" else None)
    first = next(p for p in papers if p["author_names"] and p["arxiv_id"] and p["related"])
    page.goto(rich_site_url + first["url"])
    title_star = page.locator(".papers-paper .papers-facts .papers-star")
    title_star.click()
    assert title_star.get_attribute("aria-pressed") == "true"
    page.reload()
    assert page.locator(".papers-paper .papers-facts .papers-star").get_attribute("aria-pressed") == "true"

    # A second paper starred from its month's listing.
    year, month = first["date"][:4], first["date"][5:7]
    page.goto(f"{rich_site_url}dates/{year}/{month}/")
    row = page.locator("ul.papers-list > li").filter(has_not=page.locator(f'a[href$="{first["url"]}"]')).first
    second_title = row.locator("a").first.inner_text()
    row.locator(".papers-star").click()

    page.goto(rich_site_url + "list/")
    items = page.locator("[data-papers-my-list] > ul.papers-list > li > a")
    texts = items.all_inner_texts()
    assert len(texts) == 2 and second_title in texts
    # Suggestions: the related papers of the list, none of them the list's own.
    page.get_by_role("heading", name="You may also like").wait_for()
    suggested = page.locator("section ul.papers-list > li > a").all_inner_texts()
    assert suggested and first["title"] not in suggested

    with page.expect_download() as download:
        page.get_by_role("button", name="Export JSON").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert len(exported["papers"]) == 2
    with page.expect_download() as bib:
        page.get_by_role("button", name="Export BibTeX").click()
    assert Path(bib.value.path()).read_text(encoding="utf-8").count("@misc{") == 2

    # Emptied, then imported back from the exported file.
    for _ in range(2):
        page.locator(".papers-my-list__remove").first.click()
    assert page.locator("[data-papers-my-list] > ul.papers-list > li").count() == 0
    saved = tmp_path / "list.json"
    saved.write_text(json.dumps(exported), encoding="utf-8")
    page.locator("[data-papers-my-list] input[type=file]").set_input_files(str(saved))
    page.get_by_text("2 papers added from list.json").wait_for()
    assert page.locator("[data-papers-my-list] > ul.papers-list > li").count() == 2
    assert page.console_errors == [] and sent == []


def test_search_results_get_stars(page, rich_site_url: str) -> None:
    page.goto(rich_site_url + "search/?q=model")
    page.locator("li.papers-result .papers-star").first.wait_for()
    page.locator("li.papers-result .papers-star").first.click()
    assert page.locator("li.papers-result .papers-star").first.get_attribute("aria-pressed") == "true"
    assert page.console_errors == []
