"""Shared fixtures: the sample site built once per session, served on localhost, and a browser.

`sample_site` builds content/raw with `python -m generator build` into a temporary folder;
`site_url` serves it; `browser` is headless Debian Chromium driven by Playwright; `page` is a
fresh page whose console errors and uncaught exceptions collect in `page.console_errors`.
Browser tests are skipped when Chromium or Playwright is missing, unless CI or
PAPERS_REQUIRE_BROWSER is set: there they fail instead.
"""

from __future__ import annotations

import functools
import gzip
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("PAPERS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
]


def browser_required() -> bool:
    """Whether a missing browser is a failure (CI) rather than a skip (a developer's machine)."""
    return bool(os.environ.get("PAPERS_REQUIRE_BROWSER") or os.environ.get("CI"))


def build_env(site_url: str | None = None) -> dict[str, str]:
    """The environment of a build: this one's, with SITE_URL (which mkdocs.yml reads) set to
    `site_url`, or unset: a build is then as `make site` makes it, whatever the shell says."""
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if site_url:
        env["SITE_URL"] = site_url
    return env


def build_site(site_dir: Path, *extra: str, site_url: str | None = None) -> Path:
    """Build the sample archive (content/raw) into `site_dir` through the command line, without
    a site_url unless given."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--site-dir", str(site_dir), *extra],
        cwd=REPO, capture_output=True, text=True, env=build_env(site_url),
    )
    if result.returncode != 0:
        pytest.fail(f"building the sample site failed:\n{result.stdout}\n{result.stderr}")
    return site_dir


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files as GitHub Pages serves them, without a log line per request."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm", ".pagefind": "application/octet-stream"}

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive, built once per session as `make site` builds it (no site_url); its
    folder."""
    return build_site(tmp_path_factory.mktemp("sample") / "site")


SAMPLE_SITE_URL = "https://example.org/archive/"


@pytest.fixture(scope="session")
def sample_site_with_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive built with SITE_URL=SAMPLE_SITE_URL, without the search index: what
    only a site_url gives (sitemap, canonical links, feed ids); its folder."""
    return build_site(tmp_path_factory.mktemp("sample-url") / "site", "--no-search", site_url=SAMPLE_SITE_URL)


@pytest.fixture(scope="session")
def site_url(sample_site: Path):
    """`sample_site` served over HTTP on a free localhost port; its root URL, ending in `/`."""
    yield from serve(sample_site)


API_DAYS = REPO / "tests" / "fixtures" / "api_days"


@pytest.fixture(scope="session")
def rich_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive with two real days of the API's JSON beside it (tests/fixtures/api_days:
    author names, AI summaries, GitHub repositories, arXiv ids), built once per session; its
    folder."""
    sources = tmp_path_factory.mktemp("rich-dumps")
    for dump in [*(REPO / "content" / "raw").iterdir(), *API_DAYS.glob("*.json")]:
        shutil.copy(dump, sources / dump.name)
    return build_site(tmp_path_factory.mktemp("rich") / "site", "--sources", str(sources))


def serve(folder: Path):
    """`folder` served over HTTP on a free localhost port (a generator: its root URL, ending in `/`)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def rich_site_url(rich_site: Path):
    """`rich_site` served on localhost; its root URL."""
    yield from serve(rich_site)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright, shared by the session."""
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed (pip install -e '.[test]')"
    if problem is None and not CHROMIUM.exists():
        problem = f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set PAPERS_CHROMIUM)"
    if problem is not None:
        if browser_required():
            pytest.fail(problem)
        pytest.skip(problem)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A new page in its own context; console errors and page errors gather in `page.console_errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console: {msg.text} ({msg.location.get('url', '')})")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.console_errors = errors
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sitemap_locs(site: Path) -> list[str]:
    """Every page URL the site's sitemap names: sitemap.xml is an index of the sitemaps in the
    site's root (generator/site/paper_pages.py split_sitemap), some of them gzipped."""
    def read(name: str) -> str:
        data = (site / name).read_bytes()
        return (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")

    index = read("sitemap.xml")
    assert "<sitemapindex" in index, "sitemap.xml is not an index"
    locs: list[str] = []
    for child in re.findall(r"<loc>([^<]*)</loc>", index):
        locs += re.findall(r"<loc>([^<]*)</loc>", read(child.rsplit("/", 1)[-1]))
    return locs
