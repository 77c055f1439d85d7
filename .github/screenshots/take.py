"""Take the README's screenshots of a built archive in headless Chromium.

    make site && .venv/bin/python .github/screenshots/take.py [--site site] [NAME ...]

NAME is any of home, month, tag, paper (a paper whose title has TeX), stats, search; default:
all. Each is taken on a desktop (1280x800) and a phone (390x844, at twice its pixels), in the
light scheme and the dark one, and written next to this script as NAME-desktop.png,
NAME-phone.png, NAME-desktop-dark.png and NAME-phone-dark.png. The site is served on a free
local port.
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
DEVICES = {  # name: (viewport, device scale factor)
    "desktop": ({"width": 1280, "height": 800}, 1),
    "phone": ({"width": 390, "height": 844}, 2),
}
NAMES = ["home", "month", "tag", "paper", "stats", "search"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SEARCH_QUERY = "reasoning"
LIMIT = 400_000  # bytes per PNG, to keep the repository light


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files as GitHub Pages serves them (Pagefind needs these types), without a log line per request."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".wasm": "application/wasm", ".pagefind": "application/octet-stream"}

    def log_message(self, format, *args) -> None:  # noqa: A002 - the signature of the base class
        pass


def math_paper(site: Path) -> str:
    """The URL of a paper whose title has TeX (`UFO$^3$` in the samples), the richest of them."""
    papers = json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]
    with_tex = [p for p in papers if "$" in p["title"] or "\\(" in p["title"]] or papers

    def richness(p: dict) -> tuple:
        return (bool(p["organization"]), bool(p["links"]), len(p["tags"]), bool(p["upvotes"]), p["id"])

    return max(with_tex, key=richness)["url"]


def busy_month(site: Path) -> str:
    """The URL of the month with the most papers: a full listing."""
    folders = [p for p in (site / "dates").glob("[0-9]*/[0-9]*") if p.is_dir()]
    best = max(folders, key=lambda f: ((f / "index.html").read_text(encoding="utf-8").count("<li>"), f.name))
    return best.relative_to(site).as_posix() + "/"


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
    parser.add_argument("names", nargs="*", default=NAMES, help=f"any of {', '.join(NAMES)} (default: all)")
    args = parser.parse_args()
    if not (args.site / "papers.json").is_file():
        parser.error(f"{args.site} is not a built archive: run `make site` first")
    unknown = sorted(set(args.names) - set(NAMES))
    if unknown:
        parser.error(f"unknown screenshot {unknown[0]!r}")
    targets = {"home": "", "month": busy_month(args.site), "tag": "tags/reasoning/",
               "paper": math_paper(args.site), "stats": "stats/", "search": f"search/?q={SEARCH_QUERY}"}

    handler = functools.partial(QuietHandler, directory=str(args.site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    failed = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name in args.names:
                for device, (viewport, scale) in DEVICES.items():
                    for scheme in ("light", "dark"):
                        context = browser.new_context(viewport=viewport, color_scheme=scheme,
                                                      device_scale_factor=scale)
                        page = context.new_page()
                        page.goto(base + targets[name])
                        shot = f"{name}-{device}" + ("-dark" if scheme == "dark" else "")
                        if name == "search":
                            try:
                                page.wait_for_selector("[data-papers-search-list] li", timeout=15_000)
                            except Exception:  # the search UI is missing or broken: no screenshot of it
                                print(f"{shot}: no results appeared; screenshot not taken", file=sys.stderr)
                                failed += 1
                                context.close()
                                continue
                        settle(page)
                        shoot(page, shot)
                        context.close()
            browser.close()
    finally:
        server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
