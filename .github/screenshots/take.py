"""Take the README's screenshots of a built archive in headless Chromium.

    make site && .venv/bin/python .github/screenshots/take.py [--site site] [NAME ...]

NAME is any of home, paper, search, dark (the tag index in dark mode); default: all. The site is served on a free local port;
each shot is the 1280x800 viewport, written next to this script as NAME.png.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SEARCH_QUERY = "reasoning"
LIMIT = 300_000  # bytes per PNG, to keep the repository light


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files as GitHub Pages serves them (Pagefind needs these types), without a log line per request."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm", ".pagefind": "application/octet-stream"}

    def log_message(self, format, *args) -> None:  # noqa: A002 - the signature of the base class
        pass


def showcase_paper(site: Path) -> str:
    """The URL of a paper page that shows most of what a page can hold (tags, org, links, related)."""
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]

    def richness(p: dict) -> tuple:
        return (bool(p["organization"]), bool(p["links"]), len(p["tags"]), bool(p["upvotes"]), p["id"])

    return max(papers, key=richness)["url"]


def settle(page: Page) -> None:
    """Wait until the page and its fonts are drawn."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")


def shoot(page: Page, name: str) -> Path:
    path = HERE / f"{name}.png"
    page.screenshot(path=str(path), type="png")
    size = path.stat().st_size
    print(f"{path.relative_to(HERE.parents[1])}: {size // 1024} KB")
    if size > LIMIT:
        print(f"  larger than {LIMIT // 1000} KB", file=sys.stderr)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=HERE.parents[1] / "site", help="built site (default: site/)")
    parser.add_argument("names", nargs="*", default=["home", "paper", "search", "dark"])
    args = parser.parse_args()
    if not (args.site / "papers.json").is_file():
        parser.error(f"{args.site} is not a built archive: run `make site` first")

    handler = functools.partial(QuietHandler, directory=str(args.site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    failed = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in args.names:
                scheme = "dark" if name == "dark" else "light"
                context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme, device_scale_factor=1)
                page = context.new_page()
                if name == "home":
                    page.goto(base)
                elif name == "dark":  # another page than home, to show more of the site
                    page.goto(base + "tags/")
                elif name == "paper":
                    page.goto(base + showcase_paper(args.site))
                elif name == "search":
                    page.goto(f"{base}search/?q={SEARCH_QUERY}")
                    try:
                        page.wait_for_selector("[data-papers-search-list] li", timeout=15_000)
                    except Exception:  # the search UI is missing or broken: no screenshot of it
                        print("search: no results appeared; screenshot not taken", file=sys.stderr)
                        failed += 1
                        context.close()
                        continue
                else:
                    parser.error(f"unknown screenshot {name!r}")
                settle(page)
                shoot(page, name)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
