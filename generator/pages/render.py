"""Render the collected archive into Markdown pages (and the feed and papers.json).

Rendering is a pure function of the archive: `Renderer.outputs()` yields every output file as
(path, text), `render(archive, ...)` returns them as {path: text}; `write_outputs` then writes
only the files whose bytes changed, so `mkdocs serve` does not rebuild in a loop and `--dirty`
rebuilds re-render only what moved.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.bccache import Bucket

from ..data import mathtext
from ..data.merge import title_key
from ..data.model import GeneratorError, Paper, Problem, Source
from ..data.pipeline import Archive
from . import pagination
from . import urls as u
from .export import papers_json_bytes
from .pagination import MONTH_NAMES
from .urls import GENERATED_DIRS, GENERATED_FILES, Urls

FEED_SIZE = 50
HOME_SIZE = 10

# Characters that Python-Markdown (and its common extensions) would read as syntax.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", '"': "&quot;"}
_HTML_RE = re.compile("[&<>|\"]")
_WS = re.compile(r"\s+")
# Control characters and non-characters are invalid in HTML and XML; they never display.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean(value: object) -> str:
    """Text on one line, without characters that HTML and XML forbid."""
    text = str(value)
    # Printable ASCII with single spaces is clean already: most text, without two regex passes.
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip()
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


def md_text(value: object) -> str:
    """Escape dump text so Markdown shows it verbatim: no markup, no HTML, one line."""
    text = _MD_SPECIAL.sub(r"\\\1", clean(value))
    return _HTML_RE.sub(lambda m: _HTML[m.group(0)], text)


def html_text(value: object) -> str:
    """Escape text for an HTML attribute or element written into Markdown or front matter."""
    return html.escape(clean(value), quote=True)


def tex_html(value: object) -> str:
    """A title or abstract as HTML: escaped, its TeX as MathML (generator/mathtext.py)."""
    return mathtext.to_html(clean(value))


def tex_text(value: object) -> str:
    """A title or abstract as plain text, for places without markup: `UFO$^3$` is `UFO³`."""
    return mathtext.to_text(clean(value))


# What a YAML reader takes as a line break or refuses to read, beyond the C0 controls that
# json.dumps escapes already: written as \\u escapes.
_YAML_UNSAFE = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_YAML_KEY = re.compile(r"[a-z_]+")


def _yaml_value(value: object) -> str:
    if isinstance(value, str):
        # A JSON string is a YAML double-quoted scalar: every character escaped or plain.
        return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    raise TypeError(f"no YAML form for {type(value).__name__} in front matter")


def _yaml_lines(data: dict, indent: str = "") -> Iterable[str]:
    for key, value in data.items():
        if not _YAML_KEY.fullmatch(key):
            raise ValueError(f"front matter key {key!r}")
        if isinstance(value, dict) and value:
            yield f"{indent}{key}:\n"
            yield from _yaml_lines(value, indent + "  ")
        else:
            yield f"{indent}{key}: {'{}' if isinstance(value, dict) else _yaml_value(value)}\n"


def front_matter(data: dict) -> str:
    """YAML front matter: block mappings of JSON values, each string a double-quoted scalar
    (never dump text spliced into YAML syntax). The YAML emitter took a third of the time
    of a paper page."""
    return "---\n" + "".join(_yaml_lines(data)) + "---\n\n"


def shorten(text: str, limit: int = 200) -> str:
    """First `limit` characters of a text, cut at a word."""
    head = _WS.sub(" ", text[: limit * 4]).strip()
    # A head that is long enough decides alone (abstracts are long: spare a pass over them).
    text = head if len(head) > limit + 1 else _WS.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def many(n: int, word: str, words: str | None = None) -> str:
    """A count and its noun, singular for one: `1 paper`, `2 papers`."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def human_date(when: date | None) -> str:
    """`Oct 7, 2025`, or `Undated` for None."""
    return f"{MONTH_NAMES[when.month - 1][:3]} {when.day}, {when.year}" if when else "Undated"


@dataclass(frozen=True)
class Listing:
    """A paginated list of papers: the index page and its older pages."""

    folder: str
    """Docs folder of the listing (pages/urls.py), e.g. `tags/reasoning`."""
    title: str
    """Heading of every page of the listing."""
    papers: Sequence[Paper]
    """Papers, newest first."""
    intro: str = ""
    """Markdown shown above the list on the first page (already escaped)."""
    trail: tuple[tuple[str, str], ...] = ()
    """The breadcrumbs to the listing, itself last: (plain text, docs path of its page)."""
    around: tuple[tuple[str, str, str], ...] = ()
    """Links to the listings beside it (the months before and after, the year): (rel, plain
    text, docs path), `rel` one of prev, up, next."""


class MemoryBytecodeCache(BytecodeCache):
    """Jinja's compiled templates, kept in memory by `mkdocs serve` across its builds (each
    build makes new Jinja environments, which would compile every template again: about
    0.5 s for the theme's). Jinja checks each template's source against the checksum kept
    with its code, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill `bucket` with the code kept under its key, if any."""
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep `bucket`'s code under its key."""
        self.codes[bucket.key] = bucket.bytecode_to_string()


@dataclass
class RenderCache:
    """What `mkdocs serve` keeps of one build's rendering for the next, in memory: a paper page
    or listing whose inputs equal last build's is neither rendered nor written again.

    Inputs are compared by value (papers are frozen dataclasses; an unchanged dump gives the
    very same strings, so comparing is mostly identity checks). Everything a page depends on
    besides its own inputs (page size, URL rules, site name) is `setting`: another setting
    empties the cache."""

    setting: tuple = ()
    papers: dict[str, tuple[tuple, dict]] = field(default_factory=dict)
    """Per paper id: (the inputs of its page, its front matter) at the last build."""
    listings: dict[str, tuple[Listing, dict[str, str]]] = field(default_factory=dict)
    """Per listing folder: (the listing, its pages by docs path) at the last build."""
    listing_pages: dict[str, tuple[tuple, str]] = field(default_factory=dict)
    """Per listing page (docs path) of a listing that changed: (its inputs, its Markdown) at
    the last build; older pages of a listing stay as they were (pages/pagination.py)."""
    records: dict[str, tuple[Paper, bytes]] = field(default_factory=dict)
    """Per paper id: its line of papers.json (export.papers_json_bytes)."""
    templates: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    """The generator's templates, compiled."""

    def forget(self, paper_files: set[str]) -> None:
        """Drop the papers whose pages' docs paths (urls.paper_file) are in `paper_files`: they
        are rendered again (their Markdown in the docs dir is not the one they were built from)."""
        self.papers = {pid: hit for pid, hit in self.papers.items() if u.paper_file(hit[0][0]) not in paper_files}

    def use(self, setting: tuple) -> None:
        """Start a build under `setting`; entries made under another one are dropped."""
        if setting != self.setting:
            self.setting = setting
            self.papers, self.listings, self.listing_pages, self.records = {}, {}, {}, {}


class Renderer:
    """Holds the templates and the lookups every page needs.

    `archive`: the collected papers; `page_size`: papers per listing page (the plugin's option,
    at least 1); `urls`: the site's URL rules (directory URLs and no site_url when None);
    `site_name`: the feed's title; `cache`: kept by `mkdocs serve` between builds, so that
    pages whose inputs did not change are not rendered again (see RenderCache and `reused`)."""

    def __init__(self, archive: Archive, page_size: int, urls: Urls | None = None,
                 site_name: str = "Papers Archive", cache: RenderCache | None = None):
        self.archive = archive
        self.cache = cache
        self.reused: set[str] = set()
        """Docs paths of the paper pages that `outputs` did not yield, as their inputs equal
        the cache's: their Markdown files from the last build stand."""
        if cache is not None:
            cache.use((page_size, urls or Urls(), site_name))
        self.papers = archive.papers
        self.page_size = page_size
        self.urls = urls or Urls()
        self.site_name = site_name
        self.by_id = {p.id: p for p in self.papers}
        self.env = Environment(
            loader=PackageLoader("generator.pages", "templates"),
            autoescape=select_autoescape(enabled_extensions=("xml",), default_for_string=False, default=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=cache.templates if cache is not None else None,
            # The environment lives for one build, in which no template changes: no file
            # check on every include (about a millisecond each on a slow disk).
            auto_reload=False,
        )
        self.env.filters.update(
            md=md_text, h=html_text, clean=clean, tex=tex_html, plain=tex_text, human_date=human_date,
            shorten=shorten, many=many,
        )
        # Templates name pages by their docs paths (pages/urls.py) and link them from the page they
        # render (`path` in their context): `link` for Markdown links, which MkDocs turns into
        # URLs, `href` for raw HTML, which it leaves alone.
        urls = self.urls

        @pass_context
        def href(context, to_path: str) -> str:
            return urls.href(context["path"], to_path)

        self.env.globals.update(
            MONTH_NAMES=MONTH_NAMES, item=self.item, link=_link, href=href,
            paper_page=u.paper_file, tag_page=self.tag_page, org_page=self.org_page,
            year_page=lambda y: u.index(u.year_folder(y)), month_page=lambda y, m: u.index(u.month_folder(y, m)),
            date_page=lambda when: u.index(u.date_folder(when)), paper_url=self.urls.paper,
            absolute=self.urls.absolute,
            pages={"dates": u.DATES_INDEX, "tags": u.TAGS_INDEX, "orgs": u.ORGS_INDEX,
                   "stats": u.STATS_INDEX, "undated": u.index(u.UNDATED)},
        )
        self._item_template = self.env.get_template("_item.md.j2")
        self._paper_template = self.env.get_template("paper.md.j2")
        self._citation_template = self.env.get_template("_citation.html.j2")
        self._items: dict[tuple[str, str], str] = {}
        self.problems: list[Problem] = []
        """What could not be rendered as it should (a paper page made plain), to be reported."""
        self.descriptions = {t.name: t.description for t in archive.taxonomy}
        names = {t.name for t in archive.taxonomy}
        names.update(t for p in self.papers for t in p.tags)
        self.tag_folders = u.unique_slugs(((n, n) for n in names), u.tag_slug)
        self._tag_pages: dict[str, str] = {}
        self._listings_seen: dict[str, tuple[Listing, dict[str, str]]] = {}
        """With a cache: the listings of this build, which replace the cache's at its end."""

    def tag_folder(self, name: str) -> str:
        """The docs folder of a tag's pages: `tags/<slug>`, its slug unique among the tags."""
        return u.tag_folder(self.tag_folders.get(name) or u.tag_slug(name))

    def tag_page(self, name: str) -> str:
        """The docs path of a tag's page."""
        page = self._tag_pages.get(name)
        if page is None:
            page = self._tag_pages[name] = u.index(self.tag_folder(name))
        return page

    def item(self, paper: Paper, path: str) -> str:
        """A paper's entry in a listing at docs path `path`; listings sit outside papers/, so
        the entry only depends on the listing's URL depth and is rendered once per depth."""
        up = self.urls.to_root(path)
        key = (paper.id, up)
        text = self._items.get(key)
        if text is None:
            text = self._item_template.render(p=paper, link=up + self.urls.paper(paper))
            self._items[key] = text
        return text

    def render(self) -> dict[str, str]:
        """Every generated file of the docs dir, by path."""
        return {path: text if isinstance(text, str) else text.decode("utf-8") for path, text in self.outputs()}

    def outputs(self, keep_paper: Callable[[str, dict], None] | None = None) -> Iterator[tuple[str, str | bytes]]:
        """Every generated file of the docs dir as (path, text), one at a time (100,000 paper
        pages are 600 MB of text); `keep_paper(path, meta)` also gets each paper's front matter."""
        cache = self.cache
        fresh: dict[str, tuple[tuple, dict]] = {}
        for paper in self.papers:
            path = u.paper_file(paper)
            if cache is not None:
                inputs = self.paper_inputs(paper)
                hit = cache.papers.get(paper.id)
                if hit is not None and hit[0] == inputs:
                    fresh[paper.id] = hit
                    self.reused.add(path)
                    if keep_paper is not None:
                        keep_paper(path, hit[1])
                    continue
            try:
                meta, body = self.paper_parts(paper)
            except Exception as exc:  # noqa: BLE001 - one paper never stops a build
                meta, body = self.plain_paper_parts(paper, exc)
            if cache is not None:
                fresh[paper.id] = (inputs, meta)
            if keep_paper is not None:
                keep_paper(path, meta)
            yield path, front_matter(meta) + body
        if cache is not None:
            cache.papers = fresh
        yield from self.date_pages().items()
        yield from self.tag_pages().items()
        yield from self.org_pages().items()
        yield u.STATS_INDEX, self.stats_page()
        yield u.HOME, self.home_page()
        yield u.SEARCH, self.env.get_template("search.md.j2").render(
            fm=front_matter({"title": "Search", "search": {"exclude": True}, "hide": ["toc"]}), path=u.SEARCH,
            tags=self.tag_counts(), years=self.year_counts(),
            has_upvotes=any(p.upvotes is not None for p in self.papers),
            has_comments=any(p.comments is not None for p in self.papers),
        )
        # The reader's reading list: assets/reading-list.js fills it from the browser's storage.
        yield u.READING_LIST, self.env.get_template("list.md.j2").render(
            fm=front_matter({"title": "My reading list", "search": {"exclude": True}, "hide": ["toc"]}))
        yield u.FEED, self.feed()
        yield u.EXPORT, papers_json_bytes(self.papers, self.urls, cache.records if cache is not None else None)
        if cache is not None:  # listings gone (a tag without papers now) leave the cache
            cache.listings = self._listings_seen
            shown = {path for _, pages in cache.listings.values() for path in pages}
            cache.listing_pages = {path: v for path, v in cache.listing_pages.items() if path in shown}

    def paper_inputs(self, paper: Paper) -> tuple:
        """Everything a paper page shows, beside the renderer's setting: the paper, the
        titles and places of its related papers, its organization's page and its tags' pages."""
        related = tuple((r.id, r.date, r.title) for r in (self.by_id.get(i) for i in paper.related) if r)
        org = self.org_page(paper) if paper.organization else None
        return paper, related, org, tuple(self.tag_page(t) for t in paper.tags)

    # Paper pages -----------------------------------------------------------------------
    def paper_parts(self, paper: Paper) -> tuple[dict, str]:
        """A paper page's front matter (as data) and its body."""
        path = u.paper_file(paper)
        meta = {
            "title": html_text(tex_text(paper.title)),
            "description": html_text(shorten(tex_text(paper.abstract), 200) or tex_text(paper.title)),
            "paper": {
                "id": paper.id,
                "date": paper.date.isoformat() if paper.date else None,
                "year": paper.date.year if paper.date else None,
                "upvotes": paper.upvotes,
                "comments": paper.comments,
                "arxiv_id": html_text(paper.arxiv_id) if paper.arxiv_id else None,
                "authors": paper.authors,
                "organization": html_text(paper.organization) if paper.organization else None,
                "tags": [html_text(t) for t in paper.tags],
                # Its citation tags, for the page's <head> (overrides/lean.html, main.html).
                "head": self._citation_template.render(p=paper).replace("\n", ""),
            },
            "hide": ["toc"],
        }
        # The capture's own repository and project page are listed first, once.
        named = {_same_url(paper.github_repo), _same_url(paper.project_page)}
        links = [link for link in paper.links if _same_url(link) not in named]
        code = [link for link in links if _is_code(link)]
        related = [self.by_id[r] for r in paper.related if r in self.by_id]
        body = self._paper_template.render(
            p=paper, path=path, code=code, other=[link for link in links if link not in code],
            related=related,
            # To the paper's month: its title is the heading right below.
            crumbs=self.crumbs(path, self.date_trail(paper.date)),
            sources=[(s, self.urls.dump(s.file, s.line)) for s in paper.sources],
        )
        return meta, body

    def plain_paper_parts(self, paper: Paper, error: Exception) -> tuple[dict, str]:
        """A paper's page when its own page could not be rendered (`error`, which is added to
        `problems` naming where the paper was read): its title and abstract as plain text, so
        that every link to it still leads somewhere and the rest of the archive is built."""
        first = paper.sources[0] if paper.sources else Source(paper.id, 0)
        self.problems.append(Problem(first.file, first.line, f"page of {paper.title[:80]!r} shown as plain text: "
                                     f"{type(error).__name__}: {str(error)[:200]}".replace("\n", " ")))
        meta = {"title": html_text(paper.title), "paper": {"id": paper.id}, "hide": ["toc"]}
        body = (f'<h1 data-pagefind-body>{html_text(paper.title)}</h1>\n\n'
                f'<p class="papers-abstract" data-pagefind-body>{html_text(paper.abstract)}</p>\n')
        return meta, body

    # Place ------------------------------------------------------------------------------
    def date_trail(self, when: date | None) -> tuple[tuple[str, str], ...]:
        """The breadcrumbs to the listing of a date: Dates › 2025 › Oct, or Dates › Undated."""
        if when is None:
            return (("Dates", u.DATES_INDEX), ("Undated", u.index(u.UNDATED)))
        return (("Dates", u.DATES_INDEX), (str(when.year), u.index(u.year_folder(when.year))),
                (MONTH_NAMES[when.month - 1][:3], u.index(u.month_folder(when.year, when.month))))

    def crumbs(self, path: str, trail: Sequence[tuple[str, str]]) -> list[tuple[str, str | None]]:
        """Breadcrumbs for the page at docs path `path`: (plain text, link), no link for the
        page itself (the entry whose path is `path`, or empty)."""
        return [(text, self.urls.href(path, to) if to and to != path else None) for text, to in trail]

    # Listings --------------------------------------------------------------------------
    def listing_pages(self, listing: Listing) -> dict[str, str]:
        """A listing's pages, exact and stable (pages/pagination.py), by docs path (urls.listing_file)."""
        if self.cache is not None:
            hit = self.cache.listings.get(listing.folder)
            if hit is None or hit[0] != listing:
                hit = (listing, self._listing_pages(listing))
            self._listings_seen[listing.folder] = hit
            return hit[1]
        return self._listing_pages(listing)

    def _listing_pages(self, listing: Listing) -> dict[str, str]:
        out: dict[str, str] = {}
        count = len(listing.papers)
        pages = pagination.paginate(count, self.page_size)

        def page_file(page: pagination.Page) -> str:
            return u.listing_file(listing.folder, page.number, page.count)

        template = self.env.get_template("listing.md.j2")
        for i, page in enumerate(pages):
            path = page_file(page)
            shown = listing.papers[page.start:page.stop]
            newer = page_file(pages[i - 1]) if i else None
            older = page_file(pages[i + 1]) if i + 1 < len(pages) else None
            title = pagination.heading(listing.title, page, shown)
            dated = [p.date for p in shown if p.date]
            trail = listing.trail + ((("Page " + str(page.number), path),) if not page.newest else ())
            if self.cache is not None:
                # What the template shows (listing.md.j2): an older page names neither the
                # listing's count nor its number of pages, so it stays as the listing grows.
                inputs = (title, listing.intro if page.newest else "", tuple(shown), page.number, page.count > 1,
                          (count, page.count) if page.newest else None, newer, older, trail, listing.around)
                hit = self.cache.listing_pages.get(path)
                if hit is not None and hit[0] == inputs:
                    out[path] = hit[1]
                    continue
            out[path] = template.render(
                fm=front_matter({"title": html_text(title), "hide": ["toc"], "listing": True}),
                title=title, intro=listing.intro if page.newest else "", papers=shown, path=path,
                page=page, count=count, shown_count=len(shown), undated=len(shown) - len(dated),
                newer=self.urls.href(path, newer) if newer else None,
                older=self.urls.href(path, older) if older else None,
                span=(dated[-1], dated[0]) if dated else None, crumbs=self.crumbs(path, trail),
                around=[(rel, text, self.urls.href(path, to)) for rel, text, to in listing.around],
            )
            if self.cache is not None:
                self.cache.listing_pages[path] = (inputs, out[path])
        return out

    def year_counts(self) -> list[tuple[int, int]]:
        """(year, papers) of every year with a dated paper, newest year first."""
        counts = Counter(p.date.year for p in self.papers if p.date)
        return sorted(counts.items(), reverse=True)

    def date_pages(self) -> dict[str, str]:
        """The pages of dates by docs path: a listing per month and for the undated papers, a
        page per year and the Dates index."""
        out: dict[str, str] = {}
        months: dict[tuple[int, int], list[Paper]] = defaultdict(list)
        undated: list[Paper] = []
        for p in self.papers:
            (months[(p.date.year, p.date.month)] if p.date else undated).append(p)
        years: dict[int, list[tuple[int, int]]] = defaultdict(list)
        order = sorted(months, reverse=True)

        def month(key: tuple[int, int]) -> tuple[str, str]:
            return f"{MONTH_NAMES[key[1] - 1]} {key[0]}", u.index(u.month_folder(*key))

        for i, (y, m) in enumerate(order):
            ps = months[(y, m)]
            years[y].append((m, len(ps)))
            # The months with papers before and after this one, and its year.
            around = ((("prev", *month(order[i + 1])),) if i + 1 < len(order) else ()) + (
                ("up", f"All of {y}", u.index(u.year_folder(y))),) + (
                (("next", *month(order[i - 1])),) if i else ())
            out.update(self.listing_pages(Listing(
                u.month_folder(y, m), f"{MONTH_NAMES[m - 1]} {y}", ps,
                trail=self.date_trail(date(y, m, 1)), around=around,
            )))
        out.update(self.listing_pages(Listing(
            u.UNDATED, "Undated papers", undated,
            intro="Papers whose dumps carried no date. They are still part of the archive.",
            trail=self.date_trail(None),
        )))
        year_tpl = self.env.get_template("year.md.j2")
        year_list = list(years)
        for i, (y, ms) in enumerate(years.items()):
            path = u.index(u.year_folder(y))
            around = ((("prev", str(year_list[i + 1]), u.index(u.year_folder(year_list[i + 1]))),)
                      if i + 1 < len(year_list) else ()) + (("up", "All years", u.DATES_INDEX),) + (
                      (("next", str(year_list[i - 1]), u.index(u.year_folder(year_list[i - 1]))),) if i else ())
            # A lean page (overrides/lean.html), as the listings it leads to.
            out[path] = year_tpl.render(
                fm=front_matter({"title": str(y), "hide": ["toc"], "listing": True}), year=y, months=ms,
                total=sum(n for _, n in ms), path=path,
                crumbs=self.crumbs(path, (("Dates", u.DATES_INDEX), (str(y), path))),
                around=[(rel, text, self.urls.href(path, to)) for rel, text, to in around],
            )
        out[u.DATES_INDEX] = self.env.get_template("dates.md.j2").render(
            fm=front_matter({"title": "Dates", "hide": ["toc"]}), path=u.DATES_INDEX,
            years=sorted(years.items(), reverse=True), undated=len(undated),
        )
        return out

    def tag_counts(self) -> list[tuple[str, int]]:
        """(tag, papers) of every tag, most papers first, then by name (case ignored)."""
        counts = Counter(t for p in self.papers for t in p.tags)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))

    def tag_pages(self) -> dict[str, str]:
        """The pages of tags by docs path: a listing per tag and the Tags index."""
        out: dict[str, str] = {}
        members: dict[str, list[Paper]] = defaultdict(list)
        for p in self.papers:
            for t in p.tags:
                members[t].append(p)
        for name, ps in members.items():
            desc = self.descriptions.get(name, "")
            out.update(self.listing_pages(Listing(
                self.tag_folder(name), name, ps, intro=md_text(desc) if desc else "",
                trail=(("Tags", u.TAGS_INDEX), (name, self.tag_page(name))),
            )))
        untagged = sum(1 for p in self.papers if not p.tags)
        out[u.TAGS_INDEX] = self.env.get_template("tags.md.j2").render(
            fm=front_matter({"title": "Tags", "hide": ["toc"]}), path=u.TAGS_INDEX, tags=self.tag_counts(),
            descriptions=self.descriptions, untagged=untagged, total=len(self.papers),
        )
        return out

    @cached_property
    def _orgs(self) -> tuple[list[tuple[str, str, list[Paper]]], dict[str, str], dict[str, str]]:
        """Organization groups (key, name, papers), the group key of each paper id, and the
        docs folder of each group.

        A group is an organization id; a paper with a display name only (today's search page
        shows no id) joins the id that the same name has elsewhere, or a group of that name.
        """
        named: dict[str, str] = {}
        for p in self.papers:
            if p.org_id and p.organization:
                named.setdefault(title_key(p.organization), "id:" + p.org_id)
        groups: dict[str, list[Paper]] = defaultdict(list)
        key_of: dict[str, str] = {}
        for p in self.papers:
            if p.org_id:
                key = "id:" + p.org_id
            elif p.organization:
                name = title_key(p.organization)
                key = named.get(name) or "name:" + name
            else:
                continue
            groups[key].append(p)
            key_of[p.id] = key
        rows = []
        for key, ps in groups.items():
            shown = next((p for p in ps if p.org_id), ps[0])
            rows.append((key, shown.organization or shown.org_id or key, ps))
        rows.sort(key=lambda r: (-len(r[2]), r[1].casefold(), r[0]))
        slugs = u.unique_slugs(((key, key.split(":", 1)[1]) for key in groups), u.org_slug)
        return rows, key_of, {key: u.org_folder(slug) for key, slug in slugs.items()}

    def org_groups(self) -> list[tuple[str, str, list[Paper]]]:
        """(group key, display name, papers) per organization, the largest first."""
        return self._orgs[0]

    def org_page(self, paper: Paper) -> str:
        """The docs path of a paper's organization page (the paper has an organization)."""
        _, key_of, folders = self._orgs
        return u.index(folders[key_of[paper.id]])

    def org_pages(self) -> dict[str, str]:
        """The pages of organizations by docs path: a listing per organization group and the
        Organizations index."""
        out: dict[str, str] = {}
        groups, _, folders = self._orgs
        names = Counter(name.casefold() for _, name, _ in groups)
        for key, name, ps in groups:
            kind, _, value = key.partition(":")
            shown = f"{name} ({value})" if names[name.casefold()] > 1 and kind == "id" else name
            out.update(self.listing_pages(Listing(
                folders[key], shown, ps, trail=(("Organizations", u.ORGS_INDEX), (shown, u.index(folders[key]))),
            )))
        out[u.ORGS_INDEX] = self.env.get_template("orgs.md.j2").render(
            fm=front_matter({"title": "Organizations", "hide": ["toc"]}), path=u.ORGS_INDEX,
            orgs=[(u.index(folders[key]), n, len(ps)) for key, n, ps in groups],
            without=len(self.papers) - len(self._orgs[1]),
        )
        return out

    # Home, stats, feed -----------------------------------------------------------------
    def home_page(self) -> str:
        """The home page's Markdown: totals, the latest, most upvoted and discussed papers, top tags."""
        dated = [p for p in self.papers if p.date]
        # A "most" list of zeros says nothing: only papers with a count above zero, and no
        # list when no capture showed the count (upvotes: FORMATS.md C, D and E only).
        voted = sorted(
            (p for p in self.papers if p.upvotes), key=lambda p: (-(p.upvotes or 0), title_key(p.title))
        )
        discussed = sorted(
            (p for p in self.papers if p.comments), key=lambda p: (-(p.comments or 0), title_key(p.title))
        )
        return self.env.get_template("home.md.j2").render(
            fm=front_matter({"title": "Home", "hide": ["navigation", "toc"]}),
            total=len(self.papers), dated=len(dated), entries=self.archive.entries,
            dumps=len(self.archive.dumps), latest=dated[:HOME_SIZE], top=voted[:HOME_SIZE],
            discussed=discussed[:HOME_SIZE],
            tags=self.tag_counts()[:12], n_tags=len(self.tag_counts()), orgs=len(self.org_groups()), years=self.year_counts(),
            span=(dated[-1].date, dated[0].date) if dated else None, path=u.HOME,
        )

    def stats_page(self) -> str:
        """The stats page's Markdown: papers per month on a time axis, per tag and per
        organization (top 20), as SVG charts drawn here (pages/charts.py)."""
        from .charts import bar_chart, month_chart, month_window

        months = Counter((p.date.year, p.date.month) for p in self.papers if p.date)
        window = month_window(months)
        tag_rows = self.tag_counts()
        org_rows = [(name, len(ps)) for _, name, ps in self.org_groups()[:20]]
        path = u.STATS_INDEX
        return self.env.get_template("stats.md.j2").render(
            fm=front_matter({"title": "Stats", "hide": ["toc"]}),
            months=month_chart(months, "Papers per month",
                               lambda y, m: self.urls.href(path, u.index(u.month_folder(y, m)))),
            tags=bar_chart(tag_rows, "Papers per tag"),
            orgs=bar_chart(org_rows, "Papers per organization (top 20)"),
            total=len(self.papers), undated=sum(1 for p in self.papers if not p.date),
            first=(window[0][0], window[0][1] + 1) if window else None,
            before=sum(n for k, n in months.items() if window and k < (window[0][0], window[0][1] + 1)),
            path=path,
        )

    def feed(self) -> str:
        """The Atom feed of the newest FEED_SIZE dated papers: its links and ids absolute under
        site_url when there is one."""
        newest = [p for p in self.papers if p.date][:FEED_SIZE]
        updated = newest[0].date if newest else date(1970, 1, 1)
        # Without a site_url the feed's links are relative to the feed (RFC 4287 allows it) and
        # its ids are URNs: an Atom id must be absolute, and a URL would be a guess.
        return self.env.get_template("feed.xml").render(
            papers=newest, updated=updated, feed=u.FEED, site_name=self.site_name,
        )


@pass_context
def _link(context, to_path: str) -> str:
    """A Markdown link from the page being rendered (`path`) to the docs path `to_path`."""
    return u.relative(context["path"], to_path)


def _same_url(url: str | None) -> str | None:
    """A URL as compared for duplicates: no scheme, no trailing slash, lower case."""
    return url.split("://", 1)[-1].rstrip("/").lower() if url else None


def _is_code(url: str) -> bool:
    host = url.split("/")[2].lower() if url.count("/") >= 2 else ""
    return host.endswith(("github.com", "gitlab.com", "huggingface.co", "bitbucket.org", "codeberg.org"))


def render(archive: Archive, page_size: int, urls: Urls | None = None,
           site_name: str = "Papers Archive") -> dict[str, str]:
    """Every generated file of the docs dir, by path relative to it (see Renderer)."""
    return Renderer(archive, page_size, urls, site_name).render()


def _generated(docs_dir: Path) -> Iterable[Path]:
    """Every file of the generated folders and the generated files in `docs_dir`."""
    for name in GENERATED_DIRS:
        for folder, _dirs, files in os.walk(docs_dir / name):  # os.walk: a third of rglob's time
            base = Path(folder)
            yield from (base / file for file in files)
    for name in GENERATED_FILES:
        if (docs_dir / name).is_file():
            yield docs_dir / name


def same_content(path: Path, data: bytes) -> bool:
    """Whether the file holds exactly `data` (`mkdocs serve` leaves such files as they are)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except (FileNotFoundError, NotADirectoryError):
        return False


def write_changed(path: Path, data: bytes, unchanged: Callable[[Path, bytes], bool], made: set[Path],
                  new_file: bool = False) -> bool:
    """Write `data` to `path` unless `unchanged(path, data)` says the file holds it already,
    making its folder first (once: `made` holds the folders made so far); with `new_file`, as
    a new file (the old one deleted first: it may be a hard link into another site). Returns
    whether the file was written. Raises OSError when it cannot be."""
    if unchanged(path, data):
        return False
    if path.parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)
    if new_file:
        path.unlink(missing_ok=True)
    path.write_bytes(data)
    return True


def write_outputs(docs_dir: Path, outputs: dict[str, str] | Iterable[tuple[str, str | bytes]],
                  keep: Iterable[str] = ()) -> tuple[int, int, int]:
    """Write changed files, delete stale generated ones but those named in `keep` (docs paths
    of files the renderer did not render again: Renderer.reused); return (written, unchanged,
    removed).

    A file that cannot be written (a name too long for the file system, no permission, a full
    disk) is a GeneratorError naming it: one line for the user, not a traceback."""
    try:
        return _write_outputs(docs_dir, outputs, keep)
    except OSError as exc:
        raise GeneratorError(f"cannot write {exc.filename or docs_dir}: {exc.strerror or exc}") from None


def _write_outputs(docs_dir: Path, outputs: dict[str, str] | Iterable[tuple[str, str | bytes]],
                   keep: Iterable[str]) -> tuple[int, int, int]:
    written = unchanged = 0
    wanted: set[Path] = set()
    made_dirs: set[Path] = set()
    for name, text in (outputs.items() if isinstance(outputs, dict) else outputs):
        path = docs_dir / name
        wanted.add(path)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        if write_changed(path, data, same_content, made_dirs):
            written += 1
        else:
            unchanged += 1
    wanted.update(docs_dir / name for name in keep)  # filled while `outputs` ran (Renderer.reused)
    removed = 0
    for stale in list(_generated(docs_dir)):
        if stale not in wanted:
            stale.unlink()
            removed += 1
    for name in GENERATED_DIRS if removed else ():  # folders left empty by removals
        folder = docs_dir / name
        if folder.is_dir():
            for sub in sorted((d for d in folder.rglob("*") if d.is_dir()), reverse=True) + [folder]:
                if not any(sub.iterdir()):
                    sub.rmdir()
    return written, unchanged, removed
