"""Paper pages without a theme render each: the theme renders one page, the papers fill it in.

Material renders a page in about 3 ms, most of it the header, navigation and footer that are
the same on every paper page. A paper page differs from another only in its URL, title,
description, date and body, and in its depth in the site (which every relative link follows).
So the theme renders one stand-in page per depth, whose values are placeholders, through the
same calls MkDocs makes for a page (context, `on_page_context`, template, `on_post_page`); each
paper page is then that text with the paper's values put back in. tests/test_shell.py builds the
sample archive both ways and finds every paper page byte-identical.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import escape
from mkdocs.commands.build import get_context
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from ..pages.render import write_changed
from ..pages.urls import PAPERS, SITEMAP, SITEMAP_PAGES, Urls, sitemap_papers
from .finish import minify

# Placeholders: plain ASCII words, which no filter of the theme changes and URL quoting keeps.
URL = "papersxshellxurl"
TITLE = "PapersXShellXTitle"
DESCRIPTION = "PapersXShellXDescription"
DATE = "PapersXShellXDate"
HEAD = '<meta name="papersxshellxhead">'  # the paper's citation tags, in the page's <head>
BODY = "<h1>PapersXShellXBody</h1>"  # an <h1>, as every body has: Material adds none
_SLOTS = re.compile("|".join(re.escape(s) for s in (URL, TITLE, DESCRIPTION, DATE, HEAD, BODY)))


@dataclass(frozen=True)
class PaperPage:
    """What a paper page needs besides the shell: all text already escaped for HTML."""

    src_uri: str
    """The paper's Markdown file in the docs dir, e.g. `papers/2025/10/<id>.md`."""
    title: str
    description: str
    date: str | None
    """ISO date, or None for an undated paper."""
    head: str = ""
    """Its citation tags for the page's <head> (pages/templates/_citation.html.j2), escaped."""

    def body(self, docs_dir: Path) -> str:
        """The Markdown file's body (raw HTML) as MkDocs reads it: after the front matter.
        Read back from the file, so that 100,000 bodies are never in memory at once."""
        text = (docs_dir / self.src_uri).read_text(encoding="utf-8-sig")
        end = text.index("\n---\n", 3) if text.startswith("---\n") else -5
        return text[end + 5:].lstrip("\n")


class Shell:
    """A theme-rendered paper page, split at its placeholders."""

    def __init__(self, html: str, url: str) -> None:
        # The stand-in's whole URL (in the canonical link) is the slot of the paper's URL.
        html = html.replace(url, URL)
        self.parts: list[str] = []
        self.slots: list[str] = []
        at = 0
        for m in _SLOTS.finditer(html):
            self.parts.append(html[at:m.start()])
            self.slots.append(m.group(0))
            at = m.end()
        self.parts.append(html[at:])
        if BODY not in self.slots:
            raise ValueError("the theme left out the page content")

    def fill(self, url: str, page: PaperPage, body: str) -> str:
        """The paper page's HTML: the shell with the page's URL (relative to the site root),
        title, description, date and body (minified) in its slots."""
        values = {URL: url, TITLE: page.title, DESCRIPTION: page.description, DATE: page.date or "",
                  HEAD: page.head, BODY: minify(body).strip()}
        out = [self.parts[0]]
        for slot, text in zip(self.slots, self.parts[1:]):
            out.append(values[slot])
            out.append(text)
        return "".join(out)


def render_shell(folder: str, dated: bool, config, env, nav, files, template: str = "main.html") -> Shell:
    """The theme's page for a paper in `folder` (dated or not), with placeholders for its values
    (its citation tags' slot in the <head>: a theme without it gives a page without them)."""
    file = File(f"{folder}/{URL}.md", config.docs_dir, config.site_dir, config.use_directory_urls)
    page = Page(None, file, config)
    page.title = TITLE
    page.markdown = ""
    page.content = BODY
    page.meta = {
        "title": TITLE,
        "description": DESCRIPTION,
        "paper": {"id": URL, "date": DATE if dated else None, "head": HEAD},
        "hide": ["toc"],
        "template": template,
    }
    config._current_page = page
    try:
        context = get_context(nav, files, config, page)
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        html = env.get_template(template).render(context)
        html = config.plugins.on_post_page(html, page=page, config=config)
    finally:
        config._current_page = None
    return Shell(html, page.url)


def write_pages(pages: Iterable[PaperPage], shell_for, docs_dir: Path, site_dir: Path,
                urls: Urls, last: dict[Path, bytes]) -> tuple[int, int]:
    """Write every paper page into the site, each at its file by `urls` and filled into the
    Shell `shell_for(page)` gives; return (written, unchanged). `last` (caches.Caches.written)
    holds a digest of what this process last wrote to each file, and is updated: a page
    whose bytes did not change is not written again (`mkdocs serve` rebuilds in one process).
    Raises OSError when a file cannot be read or written."""
    written = unchanged = 0
    made: set[Path] = set()
    for page in pages:
        shell: Shell = shell_for(page)
        url = urls.url(page.src_uri)
        path = site_dir / urls.output(page.src_uri)
        data = shell.fill(url, page, page.body(docs_dir)).encode("utf-8")
        digest = hashlib.blake2b(data, digest_size=16).digest()
        if write_changed(path, data, lambda p, _, digest=digest: last.get(p) == digest and p.exists(), made,
                         new_file=True):
            last[path] = digest
            written += 1
        else:
            unchanged += 1
    return written, unchanged


# The sitemap protocol's limit of URLs per file.
SITEMAP_URLS = 50_000
_URL_ENTRY = re.compile(r"\n?[ \t]*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def split_sitemap(site_dir: Path, paper_urls: Iterable[str], urls: Urls,
                  memo: dict[tuple, list[tuple[str, bytes]]] | None = None) -> int:
    """Make MkDocs' sitemap.xml (and .gz) an index of two kinds of sitemap: sitemap-pages.xml,
    the pages MkDocs lists but papers, and sitemap-papers-N.xml.gz, every paper page (the fast
    ones MkDocs does not know of, `paper_urls`, relative to the site root, and any it rendered)
    in gzipped files of at most 50,000 URLs, as the protocol allows. At 100,000 papers one plain
    sitemap would be 17 MB and over that limit. Returns the number of paper URLs (0 and nothing
    done without a sitemap.xml or a site_url: a sitemap names absolute URLs). `memo`, kept by
    `mkdocs serve` across builds, holds the gzipped papers' sitemaps of the last build, written
    again as they were while the paper URLs and the date stay the same."""
    sitemap = site_dir / SITEMAP
    if not sitemap.exists() or not urls.site_url:
        return 0

    def loc(url: str) -> str:
        return escape(urls.absolute(url) or "")

    lastmod = get_build_date()
    text = sitemap.read_text(encoding="utf-8")
    if "<sitemapindex" in text:  # already split (a build that wrote no new sitemap)
        return 0
    papers_at = loc(PAPERS + "/")
    locs = [loc(url) for url in paper_urls]
    # Paper pages MkDocs rendered itself (`fast_pages: false`) move to the papers' sitemaps.
    locs += [m.group(1) for m in _URL_ENTRY.finditer(text) if m.group(1).startswith(papers_at)]
    pages = _URL_ENTRY.sub(lambda m: "" if m.group(1).startswith(papers_at) else m.group(0), text)
    (site_dir / SITEMAP_PAGES).write_text(pages, encoding="utf-8")
    # Dated like MkDocs dates it: midnight of the pages' update day.
    mtime = int(datetime.fromisoformat(lastmod).replace(tzinfo=UTC).timestamp())
    key = (tuple(locs), lastmod)
    parts = memo.get(key) if memo is not None else None
    if parts is None:
        parts = []
        for n, at in enumerate(range(0, len(locs), SITEMAP_URLS), 1):
            name = sitemap_papers(n)
            entries = "".join(f"<url><loc>{loc}</loc><lastmod>{lastmod}</lastmod></url>\n"
                              for loc in locs[at:at + SITEMAP_URLS])
            parts.append((name, _gzipped(name, f"{_XML}<urlset {_NS}>\n{entries}</urlset>\n", mtime)))
        if memo is not None:
            memo.clear()
            memo[key] = parts
    for name, data in parts:
        (site_dir / name).write_bytes(data)
    children = [SITEMAP_PAGES] + [name for name, _ in parts]
    index = "".join(f"<sitemap><loc>{loc(name)}</loc>"
                    f"<lastmod>{lastmod}</lastmod></sitemap>\n" for name in children)
    text = f"{_XML}<sitemapindex {_NS}>\n{index}</sitemapindex>\n"
    sitemap.write_text(text, encoding="utf-8")
    (site_dir / (SITEMAP + ".gz")).write_bytes(_gzipped(SITEMAP + ".gz", text, mtime))
    return len(locs)


def _gzipped(name: str, text: str, mtime: int) -> bytes:
    """`text` gzipped as the file `name` (in the gzip header) dated `mtime`."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, filename=name, mode="wb", mtime=mtime) as gz:
        gz.write(text.encode("utf-8"))
    return out.getvalue()
