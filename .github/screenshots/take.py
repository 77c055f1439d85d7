"""Take the screenshots of docs/screenshots.md and the README of a built archive in headless Chromium.

    make site && .venv/bin/python .github/screenshots/take.py [--site site] [NAME ...]

NAME is any of home, month, tag, paper (the richest paper whose title has TeX, else the richest
paper), week (the top papers of the week with the most papers that have upvotes), orgs (the
Organizations index), stats, search; default: all. Each is taken on a desktop (1280x800) and a
phone (390x844, at twice its pixels), in the light scheme and the dark one, and written next to
this script (or into --out) as NAME-desktop.png, NAME-phone.png, NAME-desktop-dark.png and
NAME-phone-dark.png. The site is served on a free local port.
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from generator.data import mathtext
from generator.pages.export import load_export
from generator.pages.urls import EXPORT

HERE = Path(__file__).resolve().parent
DEVICES = {  # name: (viewport, device scale factor)
    "desktop": ({"width": 1280, "height": 800}, 1),
    "phone": ({"width": 390, "height": 844}, 2),
}
NAMES = ["home", "month", "tag", "paper", "week", "orgs", "stats", "search"]
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
    """The URL of a paper whose title has TeX (`UFO$^3$` in the samples), the richest of them;
    the richest paper when no title has TeX."""
    papers = load_export(site)["papers"]
    # TeX that becomes math (`$1 Million` stays text: generator/data/mathtext.py).
    with_tex = [p for p in papers if "<math" in mathtext.to_html(p["title"])] or papers

    def richness(p: dict) -> tuple:
        return (bool(p.get("summary")), bool(p.get("author_names")), bool(p["organization"]), bool(p["links"]),
                len(p["tags"]), bool(p["upvotes"]), p["id"])

    return max(with_tex, key=richness)["url"]


def busy_week(site: Path) -> str:
    """The URL of the top papers of the week with the most papers that show upvotes (else
    comments): a full page."""
    papers = load_export(site)["papers"]
    weeks: dict[str, list[int]] = {}
    for p in papers:
        if p["date"]:
            year, week, _ = date.fromisoformat(p["date"]).isocalendar()
            counts = weeks.setdefault(f"{year:04d}-W{week:02d}", [0, 0])
            counts[0] += bool(p["upvotes"])
            counts[1] += bool(p["comments"])
    return f"dates/weeks/{max(weeks, key=lambda w: (weeks[w], w))}/"


def busy_month(site: Path) -> str:
    """The URL of the month with the most papers: a full listing."""
    folders = [p for p in (site / "dates").glob("[0-9]*/[0-9]*") if p.is_dir()]
    best = max(folders, key=lambda f: ((f / "index.html").read_text(encoding="utf-8").count("<li>"), f.name))
    return best.relative_to(site).as_posix() + "/"


def settle(page: Page) -> None:
    """Wait until the page and its fonts are drawn."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")


def shoot(page: Page, name: str, out: Path = HERE) -> Path:
    path = out / f"{name}.png"
    page.screenshot(path=str(path), type="png")
    size = path.stat().st_size
    print(f"{path}: {size // 1024} KB")
    if size > LIMIT:
        print(f"  larger than {LIMIT // 1000} KB", file=sys.stderr)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=HERE.parents[1] / "site", help="built site (default: site/)")
    parser.add_argument("--out", type=Path, default=HERE, help="where to write the PNGs (default: beside this script)")
    parser.add_argument("names", nargs="*", default=NAMES, help=f"any of {', '.join(NAMES)} (default: all)")
    args = parser.parse_args()
    if not (args.site / EXPORT).is_file():
        parser.error(f"{args.site} is not a built archive: run `make site` first")
    args.out.mkdir(parents=True, exist_ok=True)
    unknown = sorted(set(args.names) - set(NAMES))
    if unknown:
        parser.error(f"unknown screenshot {unknown[0]!r}")
    targets = {"home": "", "month": busy_month(args.site), "tag": "tags/reasoning/",
               "paper": math_paper(args.site), "week": busy_week(args.site), "orgs": "orgs/",
               "stats": "stats/", "search": f"search/?q={SEARCH_QUERY}"}

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
                        shoot(page, shot, args.out)
                        context.close()
            browser.close()
    finally:
        server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
