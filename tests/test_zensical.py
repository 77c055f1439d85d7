"""`python -m generator build --engine zensical`: the sample archive built with Zensical instead
of MkDocs (generator/site/zensical.py), its pages, search index and finishing, the command's
errors, and the site in headless Chromium: pages, search, a paper page, no console error.

The site is built once per session. Without Zensical (`pip install -e '.[test]'` installs it)
these tests are skipped on a developer's machine; in CI (PAPERS_REQUIRE_BROWSER or CI set)
they fail instead, as the browser tests do."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REPO, QuietHandler, browser_required, build_env, build_site

from generator.pages.export import load_export
from generator.site import zensical
from generator.site.csp import META

SAMPLE_PAPER = "papers/2025/10/attention-illuminates-llm-reasoning-the-preplan-and-anchor-rhythm-enables/"


def zensical_installed() -> None:
    """Skip (fail in CI) when Zensical is not installed."""
    try:
        metadata.version("zensical")
    except metadata.PackageNotFoundError:
        problem = f"Zensical is not installed ({zensical.INSTALL})"
        if browser_required():
            pytest.fail(problem)
        pytest.skip(problem)


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built with Zensical as the README says, without a site_url; its folder."""
    zensical_installed()
    return build_site(tmp_path_factory.mktemp("zensical") / "site", "--engine", "zensical", "--strict")


@pytest.fixture(scope="module")
def papers(zensical_site: Path) -> list[dict]:
    return load_export(zensical_site)["papers"]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True,
                          text=True, env=build_env())


def test_the_help_names_the_engine() -> None:
    result = run("build", "--help")
    assert result.returncode == 0
    assert "--engine [mkdocs|zensical]" in result.stdout
    assert "python -m generator build --engine zensical" in result.stdout


def test_without_zensical_one_error_line_says_how_to_install_it(monkeypatch, capsys) -> None:
    from generator import cli

    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(zensical.metadata, "version", missing)
    monkeypatch.setattr(sys, "argv", ["generator", "build", "--engine", "zensical"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"Error: Zensical is not installed: {zensical.INSTALL} (or pip install -e '.[test]')"]


def test_no_search_is_refused_in_one_line(tmp_path) -> None:
    zensical_installed()
    result = run("build", "--engine", "zensical", "--no-search", "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("Error: a Zensical build always has its search index")
    assert "Traceback" not in result.stderr and not (tmp_path / "site").exists()


def test_zensical_reads_the_derived_config_as_meant(tmp_path) -> None:
    """Zensical's own parser (zensical.config) reads mkdocs.yml through the derived config:
    the site dir in the project, its search off, Material's search box styles after
    papers.css, the classic variant, the merged theme folder as custom_dir and urls.py's paths
    in extra; mkdocs.yml's own settings kept."""
    zensical_installed()
    from zensical.config import parse_config

    from generator.pages.urls import Urls
    from generator.site.theme import THEME_DIR, merged_theme

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "content").mkdir()  # Zensical takes a docs dir only inside the project's folder
    (tmp_path / "overrides").symlink_to(REPO / "overrides")
    merged = merged_theme(tmp_path / "overrides", tmp_path / ".site.zensical.building.theme")
    derived = tmp_path / ".site.zensical.building.yml"
    derived.write_text(zensical.derived_config(tmp_path / "mkdocs.yml", Path(".site.zensical.building"), None,
                                               Path(merged.name), Urls(directory_urls=False)), encoding="utf-8")
    config = parse_config(str(derived))
    assert config["site_dir"] == ".site.zensical.building"
    assert config["plugins"]["search"]["config"]["enabled"] is False
    assert config["extra_css"] == ["assets/papers.css", zensical.STYLES]
    assert config["theme"]["variant"] == "classic"
    assert config["theme"]["custom_dir"] == merged.name and config["site_name"] == "Papers Archive"
    assert config["extra"]["papers_urls"]["search"] == "search.html"
    assert config["extra"]["papers_urls"]["feed"] == "feed.xml"
    # The archive's theme, without the README that says what overrides/ is for.
    assert sorted(p.relative_to(merged) for p in merged.rglob("*")) == sorted(p.relative_to(THEME_DIR)
                                                                             for p in THEME_DIR.rglob("*"))
    assert "papers" not in config["plugins"]  # Zensical runs no MkDocs plugin


def test_the_site_is_measured_against_githubs_limits(tmp_path, monkeypatch) -> None:
    """As the plugin does (site/limits.py): over a limit, a warning, and build() says so (the
    command then fails under --strict); Zensical itself is not run here."""
    from generator.pages.urls import Urls
    from generator.site import limits

    site = tmp_path / "site"
    (site / "papers").mkdir(parents=True)
    (site / "papers" / "index.html").write_text("<html><head></head><body>x</body></html>", encoding="utf-8")
    monkeypatch.setattr(zensical, "run_zensical", lambda *args: zensical.Run("Build finished in 0.1s\n"))
    said: list[str] = []
    assert zensical.build(tmp_path / "mkdocs.yml", site, Urls(), None, None, say=said.append) is False
    assert not [line for line in said if "GitHub Pages" in line]
    monkeypatch.setattr(limits, "SITE_LIMIT", 10)
    said.clear()
    assert zensical.build(tmp_path / "mkdocs.yml", site, Urls(), None, None, say=said.append) is True
    assert [line for line in said if line.startswith("Warning: the site is ")], said


@pytest.mark.slow
def test_the_pages_and_the_search_index_are_built(zensical_site: Path, papers: list[dict]) -> None:
    site = zensical_site
    assert len(papers) == 394
    for paper in papers:
        assert (site / paper["url"] / "index.html").is_file(), paper["url"]
    for listing in ("index.html", "dates/index.html", "dates/2025/10/index.html", "tags/index.html",
                    "orgs/index.html", "stats/index.html", "search/index.html", "404.html"):
        assert (site / listing).is_file(), listing
    # The Pagefind index, made from the papers, and the manifest the search script reads.
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    manifest = json.loads((site / "pagefind" / "papers-search.json").read_text(encoding="utf-8"))
    assert manifest
    # What the MkDocs plugin leaves out without a site_url, and Zensical's own search index.
    for absent in ("sitemap.xml", "search.json", ".site.zensical.building.yml"):
        assert not (site / absent).exists(), absent
    assert not list(REPO.glob(".*.zensical.building*")), "the staging folder or its config was left behind"
    # The assets the pages need: the search, the "Find it on" links, the styles.
    for asset in ("search.js", "papers-page.js", "reading-list.js", "papers.css", "papers-zensical.css"):
        assert (site / "assets" / asset).is_file(), asset


@pytest.mark.slow
def test_every_page_is_finished_as_the_plugin_finishes_it(zensical_site: Path) -> None:
    """The Content-Security-Policy right after <meta charset>, no inline script, no indentation;
    a paper page loads the "Find it on" script; the 404 page's links are relative."""
    pages = sorted(zensical_site.rglob("*.html"))
    assert len(pages) > 394
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert f'<meta charset="utf-8">\n{META}' in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>\s*\S", text), path
        assert "\n  <" not in text, path
    paper = (zensical_site / SAMPLE_PAPER / "index.html").read_text(encoding="utf-8")
    assert '<script src="../../../../assets/papers-page.js"></script>' in paper
    assert '<div class="papers-paper">' in paper
    error = (zensical_site / "404.html").read_text(encoding="utf-8")
    assert re.findall(r'\s(?:href|src|action)="/(?!/)', error) == []
    assert 'href="./assets/papers.css"' in error


@pytest.mark.slow
def test_a_failed_zensical_build_leaves_the_last_site(tmp_path: Path) -> None:
    """A template Zensical cannot render: one Error line with Zensical's reason, the last site
    untouched, nothing left in the project."""
    zensical_installed()
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    (root / "content" / "raw").mkdir(parents=True)
    shutil.copy(REPO / "content" / "tags.yml", root / "content" / "tags.yml")
    shutil.copy(next((REPO / "content" / "raw").glob("*.txt")), root / "content" / "raw")
    (root / "overrides" / "main.html").write_text('{% extends "base.html" %}{% block content %}{{ page.nope.t() }}'
                                                  "{% endblock %}", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last site", encoding="utf-8")
    result = run("build", "--engine", "zensical", "--site-dir", str(site), cwd=root)
    assert result.returncode == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"Error: build failed, {site} left as it was: zensical build failed: "), result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "the last site"
    assert not [p.name for p in root.iterdir() if ".zensical.building" in p.name]


@pytest.fixture(scope="module")
def zensical_url(zensical_site: Path):
    """`zensical_site` served on a free loopback port; its root URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(zensical_site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.slow
def test_pages_and_search_work_in_chromium(page, zensical_url: str, papers: list[dict]) -> None:
    """Home, the header search box (desktop and phone), the search page, a paper page and a
    listing of the Zensical build, with no console error (a Content-Security-Policy violation is
    one)."""
    paper = next(p for p in papers if p["url"] == SAMPLE_PAPER)
    word = "preplan"  # in this paper's title and abstract only
    assert sum(word in f"{p['title']} {p['abstract']}".lower() for p in papers) == 1

    page.goto(zensical_url)
    assert page.locator("article h1").first.text_content().strip() == "Papers Archive"
    # The header box: `/` focuses it, typing shows results under it.
    page.keyboard.press("/")
    page.keyboard.type(word)
    result = page.locator(f"[data-papers-search-results] a[href^='/{paper['url']}']").first
    result.wait_for()
    assert result.is_visible()
    assert page.locator(".md-search__inner").bounding_box()["height"] < 60  # styled as Material's box

    # The search page, and a result opened from it.
    page.goto(f"{zensical_url}search/?q=reasoning")
    page.locator(".papers-search-page__results[aria-busy=false]").wait_for()
    titles = page.locator("[data-papers-search-list] .papers-result__title")
    assert titles.count() >= 10
    titles.first.click()
    page.wait_for_url(re.compile(r"/papers/"))
    assert page.locator("article h1").first.is_visible()

    # A paper page: its "Find it on" links, written by assets/papers-page.js.
    page.goto(zensical_url + paper["url"])
    links = page.locator(".papers-find a")
    links.first.wait_for()
    assert [urlsplit(h).hostname for h in links.evaluate_all("els => els.map(e => e.href)")] == [
        "arxiv.org", "huggingface.co", "www.semanticscholar.org"]
    assert page.locator(".papers-find button", has_text="Cite").count() == 1
    assert page.locator(".papers-paper .papers-facts .papers-star").count() == 1  # the reading list's star
    assert page.locator(".md-sidebar--primary .md-nav__link").count() >= 6  # the navigation
    # A listing, a full page here: its papers and the BibTeX button lean listings get.
    page.goto(zensical_url + "dates/2025/10/")
    page.locator(".papers-bibtex").wait_for()
    assert page.locator("ul.papers-list > li").count() == sum(1 for p in papers if (p["date"] or "")[:7] == "2025-10")

    # On a phone the search icon opens the box over the page (Zensical's theme hides it there).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(zensical_url)
    page.locator("label.md-header__button[for=__search]").click()
    page.keyboard.type(word)
    page.locator(f"[data-papers-search-results] a[href^='/{paper['url']}']").first.wait_for()
    assert page.console_errors == [], "\n".join(page.console_errors)


def test_a_published_url_whose_paper_moved_gets_its_redirect_page(tmp_path: Path) -> None:
    """A title corrected under the same arXiv id: the Zensical build writes the redirect page
    at the first URL, as the MkDocs build does (docs/permalinks.md)."""
    zensical_installed()
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    raw = root / "content" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(REPO / "content" / "tags.yml", root / "content" / "tags.yml")

    def card(title: str) -> str:  # FORMATS.md D: the link gives the arXiv id
        return f"# Daily Papers\n\n### [{title}](https://huggingface.co/papers/2510.01234)\n\nWe study {title.lower()}.\n"

    site = tmp_path / "site"
    (raw / "2025-11-11-a.md").write_text(card("Attenton Is All You Need"), encoding="utf-8")
    assert run("build", "--engine", "zensical", "--site-dir", str(site), cwd=root).returncode == 0
    old = load_export(site)["papers"][0]["url"]
    (raw / "2025-11-11-a.md").write_text(card("Attention Is All You Need, Corrected"), encoding="utf-8")
    result = run("build", "--engine", "zensical", "--site-dir", str(site), cwd=root)
    assert result.returncode == 0, result.stderr[-3000:]
    data = load_export(site)
    new = data["papers"][0]["url"]
    assert new != old and data["redirects"] == [{"url": old, "id": data["papers"][0]["id"]}]
    page = (site / old / "index.html").read_text(encoding="utf-8")
    target = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page)
    assert target and (site / old / target[1] / "index.html").resolve() == (site / new / "index.html").resolve()
    assert "1 redirect page(s)" in result.stderr
