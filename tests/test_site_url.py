"""A site built without `site_url` (`mkdocs gh-deploy`, a manual upload, another host): no made-up
address anywhere, every link relative (the 404 page's too, so a project site under a sub-path
such as user.github.io/repo/ works), what needs an address left out or marked, and the build
says so once."""

from __future__ import annotations

import functools
import gzip
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import material
import pytest
from conftest import REPO, QuietHandler, build_env
from test_invariants import _Scan

THEME = Path(material.__file__).parent / "templates"
SUB_PATH = "/repo/"
"""Where a GitHub project site lives: user.github.io/repo/."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sample archive built without SITE_URL (search included): its folder and the log."""
    site = tmp_path_factory.mktemp("no-site-url") / "site"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--site-dir", str(site)], cwd=REPO,
                            capture_output=True, text=True, env=build_env(None))
    assert result.returncode == 0, result.stderr[-3000:]
    return site, result.stderr


def _theme_copy(site: Path, path: Path) -> bool:
    """Whether a file of the site is one of the theme's own files, copied as it is (Material's
    script source map mentions 127.0.0.1 in a comment on local development servers)."""
    original = THEME / path.relative_to(site)
    return original.is_file() and original.read_bytes() == path.read_bytes()


@pytest.mark.slow
def test_no_made_up_address_anywhere(built: tuple[Path, str]) -> None:
    site, _ = built
    found = []
    for path in site.rglob("*"):
        if not path.is_file() or _theme_copy(site, path):
            continue
        data = path.read_bytes()
        if path.suffix in (".gz", ".pf_fragment", ".pf_meta", ".pf_index", ".pf_filter"):
            try:
                data = gzip.decompress(data)
            except OSError:
                pass
        if b"127.0.0.1" in data or b"localhost" in data:
            found.append(path.relative_to(site).as_posix())
    assert not found, found[:10]


@pytest.mark.slow
def test_what_needs_an_address_is_left_out_or_marked(built: tuple[Path, str]) -> None:
    site, _ = built
    assert not list(site.glob("sitemap*")), "a sitemap must name absolute URLs"
    for page in (site / "index.html", site / "dates" / "index.html", site / "404.html"):
        assert 'rel="canonical"' not in page.read_text(encoding="utf-8"), page
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feed.xml").getroot()
    entry = feed.find("a:entry", ns)
    assert entry.find("a:id", ns).text.startswith("urn:uuid:")
    # The feed's links are relative to the feed, which sits at the site's root.
    link = entry.find("a:link", ns).get("href")
    assert link.startswith("papers/") and (site / link / "index.html").is_file()


@pytest.mark.slow
def test_the_build_says_once_what_needs_a_site_url(built: tuple[Path, str]) -> None:
    _, log = built
    lines = [line for line in log.splitlines() if "site_url" in line]
    assert len(lines) == 1, lines
    for word in ("sitemap.xml", "canonical", "feed.xml", "SITE_URL", "mkdocs.yml"):
        assert word in lines[0], word
    assert lines[0].startswith("INFO"), "a site without site_url is fine: `--strict` builds too"


@pytest.mark.slow
def test_the_404_page_finds_its_assets_under_a_sub_path(built: tuple[Path, str]) -> None:
    """GitHub Pages serves 404.html at a missing address of the site (user.github.io/repo/typo):
    its stylesheets, scripts and links must reach the site's files from there."""
    site, _ = built
    missing = "https://user.github.io" + SUB_PATH + "no-such-page"
    urls = [value for tag, attrs in _Scan((site / "404.html").read_text(encoding="utf-8")).tags
            for name, value in attrs.items()
            if name in ("href", "src") and tag in ("link", "script", "a", "img")]
    assets = [u for tag, attrs in _Scan((site / "404.html").read_text(encoding="utf-8")).tags
              if tag in ("link", "script") for u in (attrs.get("href"), attrs.get("src")) if u]
    assert len(assets) >= 5 and any(u.endswith(".css") for u in assets)
    for url in urls:
        if re.match(r"^[a-z][a-z0-9+.-]*://", url) and not url.startswith("https://user.github.io"):
            continue  # a link to another site (the theme's footer)
        if url.startswith("#"):
            continue  # within the page (the skip link)
        assert not url.startswith("/"), url
        target = urlsplit(urljoin(missing, url)).path
        assert target.startswith(SUB_PATH), url
        path = site / target.removeprefix(SUB_PATH)
        assert path.is_file() or (path / "index.html").is_file(), url


class SubPathHandler(QuietHandler):
    """The site as GitHub Pages serves a project site: under SUB_PATH, 404.html for what is missing."""

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        return super().translate_path("/" + path.removeprefix(SUB_PATH) if path.startswith(SUB_PATH) else "/\0")

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.mark.slow
@pytest.mark.browser
def test_the_404_page_is_styled_under_a_sub_path(built: tuple[Path, str], page) -> None:
    site, _ = built
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SubPathHandler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        response = page.goto(f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}no-such-page")
        assert response.status == 404
        page.wait_for_load_state("load")
        assert page.locator("h1").first.inner_text() == "404 - Not found"
        # Material's stylesheet reached the page: its header is a sticky bar.
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed")
        assert page.evaluate("document.styleSheets.length") >= 3
        # The one failed load is the missing page itself, whose answer is the 404 page.
        errors = [e for e in page.console_errors if not e.endswith(f"{SUB_PATH}no-such-page)")]
        assert not errors, errors
    finally:
        server.shutdown()
        server.server_close()
