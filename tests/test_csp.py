"""The Content-Security-Policy: every page carries it, no page needs more, and nothing breaks.

Pages of the sample site load in headless Chromium with a listener for
`securitypolicyviolation` events installed by the driver (driver scripts are not subject to the
page's policy) and the console watched for Chrome's "Content Security Policy" reports.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_invariants import site_scripts

from generator.pages.export import load_export
from generator.site.csp import META, POLICY, apply_csp, font_style, meta, policy

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
"""


def test_policy_allows_only_the_site_and_pagefinds_wasm() -> None:
    directives = dict(d.split(" ", 1) for d in POLICY.split("; "))
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    # What is not named falls back to default-src: only the site's own styles, fonts, fetches.
    for kind in ("style-src", "font-src", "connect-src"):
        assert directives.get(kind, directives["default-src"]) == "'self'", kind
    assert "unsafe-inline" not in POLICY and "sha256-" not in POLICY
    assert "frame-ancestors" not in POLICY  # ignored in a meta element


def test_the_policy_allows_the_themes_google_fonts_only_when_it_loads_them() -> None:
    """theme.font unset (Material's Roboto): Google's two hosts and the hash of the one <style>
    Material writes; theme.font: false: the policy as before."""
    import base64
    import hashlib

    assert policy() == POLICY and meta() == META
    fonts = ("Roboto", "Roboto Mono")
    directives = dict(d.split(" ", 1) for d in policy(fonts=fonts).split("; "))
    style = font_style(fonts)
    assert style == ':root{--md-text-font:"Roboto";--md-code-font:"Roboto Mono"}'
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert directives["style-src"] == f"'self' https://fonts.googleapis.com 'sha256-{digest}'"
    assert directives["font-src"] == "'self' https://fonts.gstatic.com"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'" and "unsafe-inline" not in policy(fonts=fonts)
    assert meta(fonts=fonts) in apply_csp("<head></head>", fonts=fonts)


def test_apply_csp_puts_the_policy_first_in_head() -> None:
    page = '<!doctype html><html><head>\n<meta charset="utf-8">\n<title>x</title></head><body></body></html>'
    out = apply_csp(page)
    assert out.index(META) < out.index("<title>")
    assert out.index('<meta charset="utf-8">') < out.index(META)
    assert apply_csp("<head><script src=x></script>").index(META) < apply_csp("<head><script src=x></script>").index("<script")
    assert apply_csp("no head here") == "no head here"
    table = '<td style="text-align: right;">2</td>'
    assert 'class="papers-align-right"' in apply_csp(f"<head></head>{table}")


def test_every_built_page_has_the_policy_and_no_inline_code(sample_site: Path) -> None:
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 400
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert text.count(META) == 1, path
        head = text[: text.index("</head>")]
        assert head.index(META) < min(i for i in (head.find("<script"), head.find("<link")) if i >= 0), path
        assert not re.search(r"<style\b|\sstyle=", text), path
        for script in site_scripts(text):
            assert script.get("src") or script.get("type") == "application/json", (path, script)


def violations(page) -> list[str]:
    found = page.evaluate("window.__csp")
    return found + [m for m in page.console_messages if "Content Security Policy" in m]


@pytest.fixture
def csp_page(page):
    """The conftest page, with CSP violations collected in-page and every console message kept."""
    page.add_init_script(LISTEN)
    page.console_messages = []
    page.on("console", lambda msg: page.console_messages.append(msg.text))
    return page


@pytest.fixture(scope="module")
def sample_pages(sample_site: Path) -> dict[str, str]:
    papers = load_export(sample_site)["papers"]
    paper = next(p for p in papers if p["tags"] and p["date"])
    return {
        "home": "",
        "paper": paper["url"],
        "tag": "tags/" + next(d.name for d in sorted((sample_site / "tags").iterdir()) if d.is_dir()) + "/",
        "date": f"dates/{paper['date'][:4]}/{paper['date'][5:7]}/",
        "stats": "stats/",
    }


@pytest.mark.browser
@pytest.mark.parametrize("name", ["home", "paper", "tag", "date", "stats"])
def test_pages_load_without_a_violation(csp_page, site_url, sample_pages, name) -> None:
    csp_page.goto(site_url + sample_pages[name])
    csp_page.wait_for_load_state("load")
    # Material's bundle ran (it swaps no-js for js on <html>), and so did the moved scripts.
    assert csp_page.evaluate("document.documentElement.classList.contains('js')")
    assert csp_page.evaluate("typeof __md_get === 'function' && __md_scope instanceof URL")
    assert violations(csp_page) == []
    assert csp_page.console_errors == []


@pytest.mark.browser
def test_search_runs_pagefinds_wasm_without_a_violation(csp_page, site_url, sample_site) -> None:
    papers = load_export(sample_site)["papers"]
    word = max(re.findall(r"[A-Za-z]{6,}", papers[0]["title"]), key=len)
    wasm: list[str] = []
    csp_page.on("response", lambda r: wasm.append(r.url) if ".wasm" in r.url or "wasm." in r.url else None)
    csp_page.goto(f"{site_url}search/")
    box = csp_page.locator("[data-papers-search-page-input]")
    box.fill(word)
    csp_page.locator("[data-papers-search-list] .papers-result__title").first.wait_for()
    assert wasm, "Pagefind's WebAssembly was never fetched"
    assert violations(csp_page) == []
    assert csp_page.console_errors == []


@pytest.mark.browser
def test_palette_toggle_works_and_is_remembered(csp_page, site_url) -> None:
    csp_page.goto(site_url)
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert csp_page.evaluate(scheme) == "default"
    csp_page.locator("label[for=__palette_1]").click()
    assert csp_page.evaluate(scheme) == "slate"
    # md-palette.js applies the stored choice on the next page, before paint.
    csp_page.goto(site_url + "stats/")
    assert csp_page.evaluate(scheme) == "slate"
    assert violations(csp_page) == []
    assert csp_page.console_errors == []
