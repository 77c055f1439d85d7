"""`pip install` of the repository gives any Material site the `papers` plugin."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.pages.export import load_export

ROOT = Path(__file__).resolve().parents[1]
SECOND_SITE = Path(__file__).resolve().parent / "fixtures" / "second_site"


def run(*command: str | Path, cwd: Path | None = None, env: dict | None = None) -> str:
    """Run a command; on failure show its output, not just the exit status."""
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of the committed repository, as `pip install git+https://…` would build it."""
    tmp = tmp_path_factory.mktemp("wheel")
    run("git", "clone", "--quiet", ROOT, tmp / "repo")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp / "dist", tmp / "repo")
    (built,) = (tmp / "dist").glob("papers_archive-*.whl")
    return built


@pytest.mark.slow
def test_wheel_ships_the_plugin_and_its_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    committed = run("git", "ls-files", "generator", cwd=ROOT).split()
    for path in committed:
        if path.endswith(".py") or path.startswith(("generator/pages/templates/", "generator/theme/")):
            assert path in names, f"{path} is committed but not in the wheel"
    assert not any(n.startswith(("tests/", "content/", "benchmarks/", "overrides/")) for n in names)
    # The archive's theme (site/theme.py), found without a copy of overrides/.
    assert {"generator/theme/main.html", "generator/theme/lean.html", "generator/theme/assets/search.js"} <= names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[mkdocs.plugins]" in text and "papers = generator.site.plugin:PapersPlugin" in text


@pytest.fixture(scope="module")
def second_site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/second_site built by the mkdocs of a fresh virtualenv holding only the wheel."""
    tmp = tmp_path_factory.mktemp("second")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    site_src = tmp / "second_site"
    shutil.copytree(SECOND_SITE, site_src)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "SITE_URL")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    # Run from the site's folder with the fresh venv's mkdocs: the plugin must come from the wheel.
    run(venv / "bin" / "mkdocs", "build", "--strict", cwd=site_src, env=env)
    return site_src / "site"


@pytest.mark.slow
def test_second_site_builds_with_the_installed_plugin(second_site: Path) -> None:
    site = second_site
    data = load_export(site)
    pages = sorted(site.glob("papers/**/index.html"))
    assert data["count"] == len(data["papers"]) == len(pages) == 12  # 8 + 4 papers in the two dumps
    for paper in data["papers"]:
        assert (site / paper["url"] / "index.html").is_file(), paper["url"]
    assert {s["file"] for p in data["papers"] for s in p["sources"]} == {"2025-11-11-rich.txt", "compact.txt"}
    assert any("Recommendation" in p["tags"] for p in data["papers"]), "the site's own tags.yml applies"
    assert (site / "about" / "index.html").is_file(), "the hand-written page is built beside the generated ones"
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    # With the site's markdown_extensions the generated Markdown turns into HTML, not visible syntax.
    for page in [site / "index.html", *site.glob("*/index.html")]:
        html = page.read_text(encoding="utf-8")
        assert "{ ." not in html and "| ---" not in html, f"Markdown syntax left as text in {page}"


CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


@pytest.mark.slow
def test_second_site_pages_obey_their_own_csp(second_site: Path) -> None:
    for page in [second_site / "index.html", *second_site.glob("*/index.html")]:
        html = page.read_text(encoding="utf-8")
        policy = CSP.search(html)
        if policy is None or "'unsafe-inline'" in policy.group(1):
            continue
        assert not INLINE_SCRIPT.search(html), f"{page}: an inline script its own CSP blocks"
