"""docs/reuse.md, followed as a newcomer would: a new folder with the mkdocs.yml and the
.gitignore that the page shows, one sample dump, no copy of this repository's overrides/ or
theme, and `mkdocs build` of the installed plugin. Then the site in headless Chromium, with
Material's default Google Fonts (answered on the loopback by the test: the machine is offline):
no console error, its own name on the home page, a working search, a paper page with the
theme's assets, a Tags page without rules that says how to add them; and git ignores exactly
what the build generated."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, build_env, serve

DOC = REPO / "docs" / "reuse.md"
SAMPLE = REPO / "content" / "raw" / "000_8fd5a071214067a7.txt"
FONT_CSS = "/* the fonts' stylesheet, as Google Fonts would answer */"


def snippet(language: str, after: str) -> str:
    """The first ```language block of docs/reuse.md after the text `after`."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"```{language}\n(.*?)```", text[text.index(after):], re.S)
    assert found, f"docs/reuse.md has no {language} block after {after!r}"
    return found.group(1)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project of docs/reuse.md, built with `mkdocs build --strict`; its folder."""
    root = tmp_path_factory.mktemp("reuse")
    config = snippet("yaml", "## 2. Write mkdocs.yml")
    assert "custom_dir" not in config and "font: false" not in config and "tags:" not in config.replace("# tags:", "")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / ".gitignore").write_text(snippet("gitignore", "## 3. Ignore what is generated"), encoding="utf-8")
    (root / "dumps").mkdir()
    shutil.copy(SAMPLE, root / "dumps" / SAMPLE.name)
    (root / "docs").mkdir()
    (root / "docs" / "about.md").write_text("# About\n\nOur reading group.\n", encoding="utf-8")
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root,
                            capture_output=True, text=True, env=build_env())
    assert result.returncode == 0, result.stderr[-4000:]
    return root


@pytest.fixture(scope="module")
def reuse_url(project: Path):
    yield from serve(project / "site")


def test_the_site_is_built_from_the_package_alone(project: Path) -> None:
    site = project / "site"
    assert not (project / "overrides").exists()
    for asset in ("assets/papers.css", "assets/search.js", "assets/papers-chrome.js", "assets/papers-lean.css"):
        assert (site / asset).is_file(), asset
    assert (site / "pagefind" / "papers-search.json").is_file()
    assert not (site / "README.md").exists() and not (site / "overrides").exists()


def test_git_ignores_exactly_what_the_build_generated(project: Path) -> None:
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project,
                            capture_output=True, text=True, check=True).stdout
    left = sorted(line[3:] for line in status.splitlines())
    assert left == [".gitignore", "docs/about.md", f"dumps/{SAMPLE.name}", "mkdocs.yml"], left
    ignored = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"], cwd=project,
                             capture_output=True, text=True, check=True).stdout
    assert "!! docs/index.md" in ignored and "!! docs/papers/" in ignored and "!! site/" in ignored


def test_the_pages_say_the_sites_own_name_and_no_missing_rules_file(project: Path) -> None:
    site = project / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1[^>]*>Reading Group Papers", home)
    assert "Papers Archive" not in home
    tags = (site / "tags" / "index.html").read_text(encoding="utf-8")
    assert "content/tags.yml" not in tags and "tags.yml" in tags and "no tag rules" in tags


def _fonts(page) -> list[str]:
    """Answer Google Fonts' hosts on the loopback, as they would answer (the machine is offline);
    returns the URLs asked for."""
    asked: list[str] = []

    def answer(route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/css", body=FONT_CSS,
                      headers={"Access-Control-Allow-Origin": "*"})

    page.route(re.compile(r"^https://fonts\.(googleapis|gstatic)\.com/"), answer)
    return asked


LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.mark.browser
def test_the_reused_site_works_in_chromium(page, reuse_url: str) -> None:
    asked = _fonts(page)
    page.add_init_script(LISTEN)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(reuse_url)
    assert page.locator("h1").first.text_content().strip() == "Reading Group Papers"
    assert page.title().endswith("Reading Group Papers")
    # Material's default font, allowed by the policy: the stylesheet asked for and applied.
    assert any("fonts.googleapis.com/css" in url for url in asked), asked
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--md-text-font')").strip() == '"Roboto"'
    assert page.evaluate("window.__csp") == []

    # The header's search box finds a paper of the dump; its page has the theme's look.
    title = "Attention Illuminates LLM Reasoning"
    page.keyboard.press("/")
    page.keyboard.type("preplan anchor rhythm")
    result = page.locator("[data-papers-search-results] a", has_text=title).first
    result.wait_for()
    with page.expect_navigation():
        result.click()
    assert "/papers/" in page.url
    assert page.locator("article .papers-paper h1").first.text_content().startswith(title)
    assert page.locator("[data-md-component=header]").count() == 1  # written by papers-chrome.js
    assert page.locator("[data-papers-search]").count() == 1
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--md-text-font')").strip() == '"Roboto"'
    assert page.evaluate("window.__csp") == []

    page.goto(reuse_url + "tags/")
    assert "no tag rules" in page.locator("article").text_content()
    page.goto(reuse_url + "about/")
    assert page.locator("h1").first.text_content().strip() == "About"
    assert page.evaluate("window.__csp") == []
    assert failed == [], failed
    assert page.console_errors == [], "\n".join(page.console_errors)
