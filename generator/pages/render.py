"""Render the collected archive into Markdown pages (and the feed and papers.json).

Rendering is a pure function of the archive: `Renderer.outputs()` yields every output file as
(path, text), `render(archive, ...)` returns them as {path: text}; `write_outputs` then writes
only the files whose bytes changed, so `mkdocs serve` does not rebuild in a loop and `--dirty`
rebuilds re-render only what moved.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache, partial
from itertools import groupby
from pathlib import Path
from urllib.parse import quote

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.bccache import Bucket

from ..data import mathtext
from ..data.mathtext import clean
from ..data.merge import paper_order, title_key
from ..data.model import GeneratorError, Paper, Problem, Source
from ..data.pipeline import Archive
from . import pagination
from . import urls as u
from .export import gzipped, papers_json_bytes
from .feeds import Feed, Feeds, newest
from .pagination import MONTH_NAMES, date_range, initial
from .redirects import redirect_records
from .urls import GENERATED_DIRS, GENERATED_FILES, Urls

DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

HOME_SIZE = 10
HOME_WEEK = 5
"""Papers of the newest week's top on the home page (its page lists TOP_SIZE)."""
TOP_SIZE = 20
"""Papers in each list of a week's or a month's top papers (most upvoted, most discussed)."""
ROW_TEXT = 120
"""Characters of a listing row's line of text, at most (cut at a word, `…` added)."""
ROW_TAGS = 3
"""Tags a listing row shows, at most."""
ROW_AUTHORS = 3
"""Authors a listing row names, at most (then `et al.`)."""
ORGS_TOP = 20
"""Organizations named first on their index, those with the most papers."""

# Characters that Python-Markdown (and its common extensions) would read as syntax.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", '"': "&quot;"}
_HTML_RE = re.compile("[&<>|\"]")
_WS = re.compile(r"\s+")


def md_text(value: object) -> str:
    """Escape dump text so Markdown shows it verbatim: no markup, no HTML, one line."""
    text = _MD_SPECIAL.sub(r"\\\1", clean(value))
    return _HTML_RE.sub(lambda m: _HTML[m.group(0)], text)


def html_text(value: object) -> str:
    """Escape text for an HTML attribute or element written into Markdown or front matter."""
    return html.escape(clean(value), quote=True)


def html_content(value: object) -> str:
    """Escape text for the content of an HTML element, never an attribute: `<`, `>` and `&`,
    but an `&` before a space, which starts no character reference (`Code & Math`), and no
    quotes, which need no escape there: a listing row is paid about five times a paper."""
    return html.escape(clean(value), quote=False).replace("&amp; ", "& ")


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


# The end of a sentence: `.`, `!` or `?` before a space and what can start a sentence.
_SENTENCE_END = re.compile(r"""[.!?](?=\s+["'“‘(\[]?[A-Z0-9])""")
# Words whose period ends no sentence (`e.g. GPT-4`, `et al. Then`, `Fig. 3`).
_NOT_AN_END = frozenset(("e.g", "i.e", "al", "etc", "vs", "cf", "fig", "figs", "eq", "eqs", "sec", "no",
                         "approx", "resp", "dr", "prof", "mr", "ms", "st", "ref", "refs", "tab", "viz"))


def first_sentence(text: str, limit: int = ROW_TEXT) -> str:
    """The first sentence of a text (an abstract), up to `.`, `!` or `?` before a space and a
    capital, a digit or an opening quote; a period after an abbreviation (`e.g.`, `et al.`,
    `Fig.`) or an initial (`J. Smith`) ends none. Only the first `limit * 2` characters are
    looked at: a longer sentence is cut anyway (`shorten`)."""
    head = text[: limit * 2]
    for end in _SENTENCE_END.finditer(head):
        at = end.start()
        word = head[head.rfind(" ", 0, at) + 1: at].lstrip("(\"'“‘[").casefold()
        if word in _NOT_AN_END or (len(word) == 1 and word.isalpha()):
            continue
        return head[: at + 1]
    return text


def shorten(text: str, limit: int = 200) -> str:
    """First `limit` characters of a text, cut at a word."""
    head = _WS.sub(" ", text[: limit * 4]).strip()
    # A head that is long enough decides alone (abstracts are long: spare a pass over them).
    text = head if len(head) > limit + 1 else _WS.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def number_format(language: str | None) -> Callable[[int], str]:
    """How the site's language writes a count, as a function: `1234` is `1,234` in `en` and
    `zh`, `1.234` in `de`, `1 234` in `fr` (a narrow no-break space), from Babel's CLDR data.
    `language` is the theme's code (mkdocs.yml `theme.language`: `en`, `zh-Hant`, `pt-BR`);
    a code Babel does not know, or none, writes counts as `en` does."""
    try:
        locale = Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        locale = Locale.parse("en")

    # Counts repeat (every row of a listing has some): each is formatted once.
    @lru_cache(maxsize=8192)
    def number(n: int) -> str:
        return format_decimal(n, locale=locale)

    return number


def many(n: int, word: str, words: str | None = None, number: Callable[[int], str] = str) -> str:
    """A count and its noun, singular for one: `1 paper`, `2 papers`, `2,025 papers` with the
    `number` of the site's language (`number_format`)."""
    return f"{number(n)} {word if n == 1 else (words or word + 's')}"


def by_initial(rows: Iterable, key: Callable[[object], str]) -> list[tuple[str, list]]:
    """`rows` filed under the initial of `key(row)` (`initial`): (letter, rows by name, case
    ignored), letters from A to Z, then `#`."""
    filed: dict[str, list] = defaultdict(list)
    for row in rows:
        filed[initial(key(row))].append(row)
    return [(letter, sorted(filed[letter], key=lambda row: (key(row).casefold(), key(row))))
            for letter in sorted(filed, key=lambda letter: (letter == "#", letter))]


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
    """Papers, in the archive's order (merge.paper_order)."""
    intro: str = ""
    """Markdown shown above the list on the first page (already escaped)."""
    trail: tuple[tuple[str, str], ...] = ()
    """The breadcrumbs to the listing, itself last: (plain text, docs path of its page)."""
    around: tuple[tuple[str, str, str], ...] = ()
    """Links to the listings beside it (the months before and after, the year): (rel, plain
    text, docs path), `rel` one of prev, up, next."""
    month: bool = False
    """A month's listing: its papers under a heading per day, their rows without the date;
    its pages labelled by days without the year; a jump to each day."""
    tag: str | None = None
    """A tag's listing: its rows leave that tag out of their chips."""
    org: bool = False
    """An organization's listing: its rows leave the organization out."""
    tops: tuple[tuple[str, str], ...] = ()
    """Links to the top papers of the listing's month and weeks, on its first page: (plain
    text, docs path)."""
    feed: tuple[str, str] | None = None
    """Its Atom feed (a tag's, an organization's: pages/feeds.py) as (docs path, plain title),
    announced in every page's <head> and linked from the page; None for none."""


@dataclass(frozen=True)
class Row:
    """What a paper's row in a listing shows, the same in every listing: text already escaped
    for HTML (`Renderer.row`)."""

    title: str
    """The title as HTML, its TeX as MathML."""
    date: str
    """`Oct 7, 2025` or `Undated`."""
    counts: tuple[str, ...]
    """The counts above zero: `▲ 163 upvotes`, `2 comments`."""
    authors: str
    """The first three authors' names and `et al.` when a capture names them, else their
    count (`9 authors`), else empty."""
    organization: str
    """The organization's display name, or empty."""
    text: str
    """One line: the AI summary when a capture gives it, else the abstract's first sentence,
    cut at a word to ROW_TEXT characters; plain text (TeX as its characters: UFO³)."""
    url: str
    """The paper page's URL, relative to the site's root."""
    code: str = ""
    """The paper's GitHub repository (a capture's, FORMATS.md E, I), escaped; empty for none."""
    stars: str = ""
    """What its link shows: `★ 1.2k` (`compact`), or `Code` when no capture counts its stars."""
    code_label: str = ""
    """Its link's accessible name: `Code on GitHub, 1,234 stars`."""


def compact(n: int) -> str:
    """A count in at most four characters, as code hosts show stars: `987`, `1.2k`, `12k`,
    `1.2M` (rounded down, so a count is never shown larger than it is)."""
    for size, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= size:
            tenths = n * 10 // size
            return f"{tenths // 10}.{tenths % 10}{unit}".replace(".0" + unit, unit) if tenths < 100 else f"{n // size}{unit}"
    return str(n)


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
    feeds: dict[str, tuple[tuple, str]] = field(default_factory=dict)
    """Per feed (docs path): (its inputs, its XML) at the last build (pages/feeds.py)."""
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
            self.papers, self.listings, self.listing_pages, self.records, self.feeds = {}, {}, {}, {}, {}


class Renderer:
    """Holds the templates and the lookups every page needs.

    `archive`: the collected papers; `page_size`: papers per listing page (the plugin's option,
    at least 1); `urls`: the site's URL rules (directory URLs and no site_url when None);
    `site_name`: the feed's title; `cache`: kept by `mkdocs serve` between builds, so that
    pages whose inputs did not change are not rendered again (see RenderCache and `reused`);
    `language`: the theme's language code, in whose way counts are written (`number_format`);
    `rules`: the tag rules file as the site's config names it (the plugin's `tags`), which the
    Tags page names (None: it names none, and says how to add rules when there are no tags)."""

    def __init__(self, archive: Archive, page_size: int, urls: Urls | None = None,
                 site_name: str = "Papers Archive", cache: RenderCache | None = None, language: str | None = "en",
                 rules: str | None = None):
        self.archive = archive
        self.cache = cache
        self.reused: set[str] = set()
        """Docs paths of the paper pages that `outputs` did not yield, as their inputs equal
        the cache's: their Markdown files from the last build stand."""
        if cache is not None:
            cache.use((page_size, urls or Urls(), site_name, language, rules))
        self.number = number_format(language)
        """A count as the site's language writes it (`1,234`)."""
        self.many = lambda n, word, words=None: many(n, word, words, self.number)
        """A count and its noun, the count as the site's language writes it (`1,234 papers`)."""
        self.papers = archive.papers
        self.page_size = page_size
        self.urls = urls or Urls()
        self.site_name = site_name
        self.rules = rules
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
            md=md_text, h=html_text, content=html_content, clean=clean, tex=tex_html, plain=tex_text, human_date=human_date,
            shorten=shorten, num=self.number, many=self.many,
        )
        # Templates name pages by their docs paths (pages/urls.py) and link them from the page they
        # render (`path` in their context): `link` for Markdown links, which MkDocs turns into
        # URLs, `href` for raw HTML, which it leaves alone.
        urls = self.urls

        @pass_context
        def href(context, to_path: str) -> str:
            return urls.href(context["path"], to_path)

        self.env.globals.update(
            MONTH_NAMES=MONTH_NAMES, item=self.item, day_anchor=day_anchor, day_heading=day_heading, link=_link, href=href,
            paper_page=u.paper_file, tag_page=self.tag_page, org_page=self.org_page,
            year_page=lambda y: u.index(u.year_folder(y)), month_page=lambda y, m: u.index(u.month_folder(y, m)),
            date_page=lambda when: u.index(u.date_folder(when)), paper_url=self.urls.paper,
            absolute=self.urls.absolute,
            pages={"dates": u.DATES_INDEX, "tags": u.TAGS_INDEX, "orgs": u.ORGS_INDEX,
                   "stats": u.STATS_INDEX, "undated": u.index(u.UNDATED)},
        )
        self._item = self.env.get_template("_item.md.j2").module.item  # type: ignore[attr-defined]
        self._paper_template = self.env.get_template("paper.md.j2")
        self._citation_template = self.env.get_template("_citation.html.j2")
        self._rows: dict[str, Row] = {}
        self._tag_text: dict[str, str] = {}
        self.problems: list[Problem] = []
        """What could not be rendered as it should (a paper page made plain), to be reported."""
        self.descriptions = {t.name: t.description for t in archive.taxonomy}
        names = {t.name for t in archive.taxonomy}
        names.update(t for p in self.papers for t in p.tags)
        self.tag_folders = u.unique_slugs(((n, n) for n in names), u.tag_slug)
        self._tag_pages: dict[str, str] = {}
        self._listings_seen: dict[str, tuple[Listing, dict[str, str]]] = {}
        """With a cache: the listings of this build, which replace the cache's at its end."""
        self.feeds = Feeds(self.env, self.urls, archive.uuid, cache.feeds if cache is not None else None)
        """The Atom feeds' renderer (pages/feeds.py)."""

    def tag_folder(self, name: str) -> str:
        """The docs folder of a tag's pages: `tags/<slug>`, its slug unique among the tags."""
        return u.tag_folder(self.tag_folders.get(name) or u.tag_slug(name))

    def tag_page(self, name: str) -> str:
        """The docs path of a tag's page."""
        page = self._tag_pages.get(name)
        if page is None:
            page = self._tag_pages[name] = u.index(self.tag_folder(name))
        return page

    def row(self, paper: Paper) -> Row:
        """What a paper's row shows in every listing (`Row`), made once per paper and build."""
        row = self._rows.get(paper.id)
        if row is None:
            counts = []
            if paper.upvotes:
                counts.append("▲ " + self.many(paper.upvotes, "upvote"))
            if paper.comments:
                counts.append(self.many(paper.comments, "comment"))
            names = paper.author_names
            if names:
                authors = ", ".join(clean(n) for n in names[:ROW_AUTHORS]) + (" et al." if len(names) > ROW_AUTHORS else "")
            else:
                authors = self.many(paper.authors, "author") if paper.authors is not None else ""
            # Only the abstract's head can be shown: its TeX made plain there alone.
            text = tex_text(paper.summary) if paper.summary else first_sentence(tex_text(paper.abstract[:ROW_TEXT * 5]))
            code = stars = label = ""
            if paper.github_repo:
                code = html_text(paper.github_repo)
                if paper.github_stars is not None:
                    stars, label = "★ " + compact(paper.github_stars), "Code on GitHub, " + self.many(paper.github_stars, "star")
                else:
                    stars, label = "Code", "Code on GitHub"
            row = self._rows[paper.id] = Row(
                tex_html(paper.title), human_date(paper.date), tuple(counts), html_content(authors),
                html_content(paper.organization) if paper.organization else "", html_content(shorten(text, ROW_TEXT)),
                self.urls.paper(paper), code, stars, html_text(label),
            )
        return row

    def item(self, paper: Paper, path: str, dated: bool = True, tag: str | None = None, org: bool = True) -> str:
        """A paper's row in a listing at docs path `path` (outside papers/: its link depends on
        the listing's URL depth only): its title linked; its date (unless `dated` is false: a
        month's day headings give it), counts, authors and organization (unless `org` is
        false: on an organization's page) and its code (a link to its GitHub repository with
        its stars); its line of text; at most ROW_TAGS of its tags, in
        its own order, `tag` (the listing's) left out. Nothing in it changes as other papers
        arrive, which keeps older listing pages stable."""
        return self.items([paper], path, dated, tag, org)[0]

    def items(self, papers: Iterable[Paper], path: str, dated: bool = True, tag: str | None = None,
              org: bool = True) -> list[str]:
        """The rows (`item`) of `papers` in a listing at docs path `path`."""
        up = self.urls.to_root(path)
        out = []
        for paper in papers:
            row = self.row(paper)
            facts = ((row.date,) if dated else ()) + row.counts + ((row.authors,) if row.authors else ()) + (
                (row.organization,) if org and row.organization else ())
            tags = [self._tag_text.get(t) or self._tag_text.setdefault(t, html_content(t))
                    for t in paper.tags if t != tag][:ROW_TAGS]
            out.append(self._item(row, facts, tags, up + row.url))
        return out

    def render(self) -> dict[str, str]:
        """Every generated file of the docs dir, by path (papers.json.gz as its JSON text)."""
        return {path: text if isinstance(text, str) else gzip.decompress(text).decode("utf-8") if path.endswith(".gz")
                else text.decode("utf-8") for path, text in self.outputs()}

    def outputs(self, keep_paper: Callable[[str, dict], None] | None = None) -> Iterator[tuple[str, str | bytes]]:
        """Every generated file of the docs dir as (path, text), one at a time (100,000 paper
        pages are 600 MB of text); `keep_paper(path, meta)` also gets each paper's front matter."""
        with ThreadPoolExecutor(1, thread_name_prefix="papers-export") as pool:
            # papers.json.gz is made beside the pages: gzip leaves the GIL (0.7 s of 10,000 papers)
            export = pool.submit(self._export)
            yield from self._outputs(keep_paper)
            yield u.EXPORT, export.result()

    def _export(self) -> bytes:
        """papers.json.gz (export.py; gzipped: 230 MiB of JSON at 100,000 papers is over GitHub's
        100 MiB a file, docs/data.md). Alone in using the render cache's `records`."""
        cache = self.cache
        return gzipped(papers_json_bytes(self.papers, self.urls, cache.records if cache is not None else None,
                                         redirect_records(self.archive.redirects, self.by_id, self.urls),
                                         self.archive.uuid))

    def _outputs(self, keep_paper: Callable[[str, dict], None] | None) -> Iterator[tuple[str, str | bytes]]:
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
        yield from self._date_outputs()
        yield from self.top_pages().items()
        yield from self._tag_outputs()
        yield from self._org_outputs()
        yield u.STATS_INDEX, self.stats_page()
        yield u.HOME, self.home_page()
        yield u.SEARCH, self.env.get_template("search.md.j2").render(
            fm=front_matter({"title": "Search", "search": {"exclude": True}, "hide": ["toc"]}), path=u.SEARCH,
            tags=self.tag_counts(), years=self.year_counts(),
            has_upvotes=any(p.upvotes is not None for p in self.papers),
            has_comments=any(p.comments is not None for p in self.papers),
            has_code=any(p.github_repo for p in self.papers), has_stars=any(p.github_stars for p in self.papers),
        )
        # The reader's reading list: assets/reading-list.js fills it from the browser's storage.
        yield u.READING_LIST, self.env.get_template("list.md.j2").render(
            fm=front_matter({"title": "My reading list", "search": {"exclude": True}, "hide": ["toc"]}))
        yield u.FEED, self.feed()
        self.feeds.finish()
        if cache is not None:  # listings gone (a tag without papers now) leave the cache
            cache.listings = self._listings_seen
            shown = {path for _, pages in cache.listings.values() for path in pages}
            cache.listing_pages = {path: v for path, v in cache.listing_pages.items() if path in shown}

    def paper_inputs(self, paper: Paper) -> tuple:
        """Everything a paper page shows, beside the renderer's setting: the paper, the
        titles and places of its related papers, its organization's page and its tags' pages."""
        related = tuple((r.id, r.date, r.folder, r.title) for r in (self.by_id.get(i) for i in paper.related) if r)
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
                # Its citation tags, for the page's <head> (generator/theme/lean.html, main.html).
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
        papers = listing.papers
        count = len(papers)
        pages = pagination.paginate(count, self.page_size)
        files = {page.number: u.listing_file(listing.folder, page.number, page.count) for page in pages}
        with_year = not listing.month

        def days(page: pagination.Page) -> str:
            return date_range(papers[page.start:page.stop], with_year)

        # Where each group to jump to starts (a month's days, or a listing's years and its
        # months): the page of its newest paper. An older page offers only the groups that
        # start on it or on an older page, which newer papers never move.
        several = len(pages) > 1
        starts = pagination.starts(papers, pages, _day_key if listing.month else _year_key) if several else []
        month_starts = pagination.starts(papers, pages, _month_key) if several and not listing.month else []
        template = self.env.get_template("listing.md.j2")
        for i, page in enumerate(pages):
            path = files[page.number]
            shown = papers[page.start:page.stop]
            newer = older = None
            if i:
                newer = ("Newest papers" if pages[i - 1].newest else "Newer: " + days(pages[i - 1]), files[pages[i - 1].number])
            if i + 1 < len(pages):
                older = ("Older: " + days(pages[i + 1]), files[pages[i + 1].number])
            title = pagination.heading(listing.title, page, shown, with_year)
            trail = listing.trail + (((days(page) or "Undated", path),) if not page.newest else ())
            jump = tuple((key, files[number]) for key, number in starts if number <= page.number)
            months = tuple((key, files[number]) for key, number in month_starts if key) if page.newest else ()
            dated = [p.date for p in shown if p.date]
            inputs = (title, listing.intro if page.newest else "", listing.tops if page.newest else (), tuple(shown),
                      (count, several) if page.newest else None, newer, older, trail, listing.around, jump, months,
                      listing.month, listing.tag, listing.org, listing.feed)
            if self.cache is not None:
                # What the template shows (listing.md.j2): an older page names neither the
                # listing's count nor its newest pages, so it stays as the listing grows.
                hit = self.cache.listing_pages.get(path)
                if hit is not None and hit[0] == inputs:
                    out[path] = hit[1]
                    continue
            href = partial(self.urls.href, path)
            meta: dict = {"title": html_text(title), "hide": ["toc"], "listing": True}
            feed = None
            if listing.feed is not None:
                feed = self.urls.file_href(path, listing.feed[0])
                # For the page's <head> (overrides/lean.html, main.html), escaped already.
                meta["feed"] = {"href": html_text(feed), "title": html_text(listing.feed[1])}
            out[path] = template.render(
                fm=front_matter(meta), feed=feed,
                title=title, intro=listing.intro if page.newest else "", papers=shown, path=path,
                page=page, count=count, several=several, undated=len(shown) - len(dated),
                span=(dated[-1], dated[0]) if dated else None, crumbs=self.crumbs(path, trail),
                newer=(newer[0], href(newer[1])) if newer else None, older=(older[0], href(older[1])) if older else None,
                around=[(rel, text, href(to)) for rel, text, to in listing.around],
                tops=[(text, href(to)) for text, to in listing.tops] if page.newest else [],
                rows=self.items(shown, path, not listing.month, listing.tag, not listing.org),
                days=[(day, len(ps)) for day, ps in _by_day(shown)] if listing.month else None,
                jump=self._jump(path, page, jump, listing.month, files[pages[0].number]),
                months=[(year, [(MONTH_NAMES[m - 1][:3], href(to)) for (_, m), to in ms])
                        for year, ms in groupby(months, key=lambda kv: kv[0][0])],
            )
            if self.cache is not None:
                self.cache.listing_pages[path] = (inputs, out[path])
        return out

    def _jump(self, path: str, page: pagination.Page, starts: Sequence[tuple], month: bool,
              newest: str) -> list[tuple[str, str | None]]:
        """The line of links to jump to on a listing's page at `path`: the days of a month's
        listing (to their headings), the years of another, each where it starts, as (text,
        link; None for a year that starts on this page); an older page's first leads to the
        newest papers."""
        out: list[tuple[str, str | None]] = [] if page.newest or not starts else [("Newest", self.urls.href(path, newest))]
        for key, to in starts:
            if month:
                anchor = "#" + day_anchor(key)
                out.append((str(key.day), anchor if to == path else self.urls.href(path, to) + anchor))
            else:
                out.append(("Undated" if key is None else str(key), None if to == path else self.urls.href(path, to)))
        return out

    def year_counts(self) -> list[tuple[int, int]]:
        """(year, papers) of every year with a dated paper, newest year first."""
        counts = Counter(p.date.year for p in self.papers if p.date)
        return sorted(counts.items(), reverse=True)

    def date_pages(self) -> dict[str, str]:
        """The pages of dates by docs path: a listing per month and for the undated papers, a
        page per year and the Dates index."""
        return dict(self._date_outputs())

    def _date_outputs(self) -> Iterator[tuple[str, str]]:
        """`date_pages`, a page at a time."""
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
            # Its top papers, and those of each week it has papers in (top_pages).
            weeks = sorted({p.date.isocalendar()[:2] for p in ps})
            tops = ((f"{MONTH_NAMES[m - 1]} {y}", u.month_top_file(y, m)),) + tuple(
                (f"week {w}", u.week_file(wy, w)) for wy, w in weeks)
            yield from self.listing_pages(Listing(
                u.month_folder(y, m), f"{MONTH_NAMES[m - 1]} {y}", ps,
                trail=self.date_trail(date(y, m, 1)), around=around, month=True, tops=tops,
            )).items()
        yield from self.listing_pages(Listing(
            u.UNDATED, "Undated papers", undated,
            intro="Papers whose dumps carried no date. They are still part of the archive.",
            trail=self.date_trail(None),
        )).items()
        year_tpl = self.env.get_template("year.md.j2")
        year_list = list(years)
        for i, (y, ms) in enumerate(years.items()):
            path = u.index(u.year_folder(y))
            around = ((("prev", str(year_list[i + 1]), u.index(u.year_folder(year_list[i + 1]))),)
                      if i + 1 < len(year_list) else ()) + (("up", "All years", u.DATES_INDEX),) + (
                      (("next", str(year_list[i - 1]), u.index(u.year_folder(year_list[i - 1]))),) if i else ())
            # A lean page (generator/theme/lean.html), as the listings it leads to.
            yield path, year_tpl.render(
                fm=front_matter({"title": str(y), "hide": ["toc"], "listing": True}), year=y, months=ms,
                top_page=lambda m, y=y: u.month_top_file(y, m),
                total=sum(n for _, n in ms), path=path,
                crumbs=self.crumbs(path, (("Dates", u.DATES_INDEX), (str(y), path))),
                around=[(rel, text, self.urls.href(path, to)) for rel, text, to in around],
            )
        yield u.DATES_INDEX, self.env.get_template("dates.md.j2").render(
            fm=front_matter({"title": "Dates", "hide": ["toc"]}), path=u.DATES_INDEX,
            years=sorted(years.items(), reverse=True), undated=len(undated),
        )

    def weeks(self) -> dict[tuple[int, int], list[Paper]]:
        """The dated papers by ISO week of their date, (ISO year, week) -> papers in the
        archive's order; newest week first."""
        weeks: dict[tuple[int, int], list[Paper]] = defaultdict(list)
        for p in self.papers:
            if p.date:
                weeks[p.date.isocalendar()[:2]].append(p)
        return weeks

    def top_pages(self) -> dict[str, str]:
        """The pages of top papers by docs path, as Hugging Face's Weekly and Monthly tabs: per
        ISO week and per month with dated papers, its TOP_SIZE most upvoted and TOP_SIZE most
        discussed papers (`tops`)."""
        out: dict[str, str] = {}
        template = self.env.get_template("top.md.j2")
        weeks = self.weeks()
        order = list(weeks)
        for i, (y, w) in enumerate(order):
            path = u.week_file(y, w)
            monday, sunday = _week_days(y, w)
            months = sorted({(p.date.year, p.date.month) for p in weeks[(y, w)]}, reverse=True)
            # A week is filed under the month of its Thursday, as ISO files it under a year,
            # when it has papers of that month; else under the month of its newest paper.
            filed = min(monday + timedelta(days=3), sunday)  # the Thursday
            if (filed.year, filed.month) not in months:
                filed = date(*months[0], 1)

            def week(key: tuple[int, int], y: int = y) -> tuple[str, str]:
                return f"Week {key[1]}" + ("" if key[0] == y else f", {key[0]}"), u.week_file(*key)

            around = ((("prev", *week(order[i + 1])),) if i + 1 < len(order) else ()) + (
                ("up", f"{MONTH_NAMES[filed.month - 1]} {filed.year}",
                 u.index(u.month_folder(filed.year, filed.month))),) + (
                (("next", *week(order[i - 1])),) if i else ())
            out[path] = self._top_page(
                template, path, f"Top papers of week {w}, {y}", weeks[(y, w)],
                date_range([_Dated(sunday), _Dated(monday)]), "Weeks", around, months,
                self.date_trail(filed) + ((f"Week {w}", path),))
        by_month: dict[tuple[int, int], list[Paper]] = defaultdict(list)
        for p in self.papers:
            if p.date:
                by_month[(p.date.year, p.date.month)].append(p)
        order = list(by_month)
        for i, (y, m) in enumerate(order):
            path = u.month_top_file(y, m)

            def month(key: tuple[int, int]) -> tuple[str, str]:
                return f"{MONTH_NAMES[key[1] - 1]} {key[0]}", u.month_top_file(*key)

            around = ((("prev", *month(order[i + 1])),) if i + 1 < len(order) else ()) + (
                ("up", f"All of {MONTH_NAMES[m - 1]} {y}", u.index(u.month_folder(y, m))),) + (
                (("next", *month(order[i - 1])),) if i else ())
            out[path] = self._top_page(
                template, path, f"Top papers of {MONTH_NAMES[m - 1]} {y}", by_month[(y, m)],
                f"{MONTH_NAMES[m - 1]} {y}", "Months", around, [(y, m)],
                self.date_trail(date(y, m, 1)) + (("Top", path),))
        return out

    def _top_page(self, template, path: str, title: str, papers: list[Paper], span: str, label: str,
                  around: tuple, months: list[tuple[int, int]], trail: tuple) -> str:
        upvoted, discussed = tops(papers)
        return template.render(
            fm=front_matter({"title": html_text(title), "hide": ["toc"], "listing": True}), path=path,
            title=title, span=span, count=len(papers), upvoted=upvoted, discussed=discussed,
            around_label=label, around=[(rel, text, self.urls.href(path, to)) for rel, text, to in around],
            listings=[(f"{MONTH_NAMES[m - 1]} {y}", self.urls.href(path, u.index(u.month_folder(y, m))))
                      for y, m in months],
            crumbs=self.crumbs(path, trail), size=TOP_SIZE,
        )

    def tag_counts(self) -> list[tuple[str, int]]:
        """(tag, papers) of every tag, most papers first, then by name (case ignored)."""
        counts = Counter(t for p in self.papers for t in p.tags)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))

    def tag_pages(self) -> dict[str, str]:
        """The pages of tags by docs path: a listing per tag and the Tags index."""
        return dict(self._tag_outputs())

    def _tag_outputs(self) -> Iterator[tuple[str, str]]:
        """`tag_pages`, a page at a time (a large archive's tags are 200 MB of pages: the plugin keeps them once, not twice)."""
        members: dict[str, list[Paper]] = defaultdict(list)
        for p in self.papers:
            for t in p.tags:
                members[t].append(p)
        for name, ps in members.items():
            desc = self.descriptions.get(name, "")
            feed = self.topic_feed("tag:" + name, name, self.tag_folder(name), ps)
            yield from self.listing_pages(Listing(
                self.tag_folder(name), name, ps, intro=md_text(desc) if desc else "",
                trail=(("Tags", u.TAGS_INDEX), (name, self.tag_page(name))), tag=name,
                feed=(feed.path, feed.title) if feed else None,
            )).items()
            if feed is not None:
                yield feed.path, self.feeds.render(feed)
        untagged = sum(1 for p in self.papers if not p.tags)
        yield u.TAGS_INDEX, self.env.get_template("tags.md.j2").render(
            fm=front_matter({"title": "Tags", "hide": ["toc"]}), path=u.TAGS_INDEX, tags=self.tag_counts(),
            descriptions=self.descriptions, untagged=untagged, total=len(self.papers),
            rules=self.rules, has_rules=len(self.archive.taxonomy) > 0,
        )

    @cached_property
    def _orgs(self) -> tuple[list[tuple[str, str, list[Paper]]], dict[str, str], dict[str, str]]:
        """Organization groups (key, name, papers), the group key of each paper id, and the
        docs folder of each group.

        One organization, one page: a paper that shows a Hub id with a display name pairs
        them, and ids and names paired by any paper are one group. So two ids under one name
        (`PekingUniversity` and `PKU`, both "Peking University") are one organization, and a
        paper with the display name alone (today's search page shows no id) joins it. A group's
        key is its id with the most papers (the first in sorted order among equals), or
        `name:` and its name where no paper gives an id; its page's folder is a slug of that
        id or name; it is shown under the display name most of its papers show.
        """
        links = _Links()
        for p in self.papers:
            if p.org_id:
                links.join("id:" + p.org_id, "name:" + title_key(p.organization) if p.organization else None)
            elif p.organization:
                links.join("name:" + title_key(p.organization), None)
        members: dict[str, list[Paper]] = defaultdict(list)
        for p in self.papers:
            if p.org_id:
                members[links.find("id:" + p.org_id)].append(p)
            elif p.organization:
                members[links.find("name:" + title_key(p.organization))].append(p)
        rows = []
        key_of: dict[str, str] = {}
        for ps in members.values():
            ids = Counter(p.org_id for p in ps if p.org_id)
            names = Counter(p.organization for p in ps if p.organization)
            name = min(names, key=lambda n: (-names[n], n)) if names else min(ids)
            key = "id:" + min(ids, key=lambda i: (-ids[i], i.casefold(), i)) if ids else "name:" + title_key(name)
            rows.append((key, name, ps))
            key_of.update((p.id, key) for p in ps)
        rows.sort(key=lambda r: (-len(r[2]), r[1].casefold(), r[0]))
        slugs = u.unique_slugs(((key, key.split(":", 1)[1]) for key, _, _ in rows), u.org_slug)
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
        return dict(self._org_outputs())

    def _org_outputs(self) -> Iterator[tuple[str, str]]:
        """`org_pages`, a page at a time."""
        groups, _, folders = self._orgs
        names = Counter(name.casefold() for _, name, _ in groups)
        index: list[tuple[str, str, int]] = []
        for key, name, ps in groups:
            kind, _, value = key.partition(":")
            shown = f"{name} ({value})" if names[name.casefold()] > 1 and kind == "id" else name
            ids = sorted({p.org_id for p in ps if p.org_id}, key=str.casefold)
            # Where the organization is on the Hub, under each id its papers show.
            intro = ("On Hugging Face: " + ", ".join(
                f"[{md_text(i)}](https://huggingface.co/{quote(i, safe='')})" for i in ids) + ".") if ids else ""
            feed = self.topic_feed("org:" + key, shown, folders[key], ps)
            yield from self.listing_pages(Listing(
                folders[key], shown, ps, intro=intro, org=True,
                trail=(("Organizations", u.ORGS_INDEX), (shown, u.index(folders[key]))),
                feed=(feed.path, feed.title) if feed else None,
            )).items()
            if feed is not None:
                yield feed.path, self.feeds.render(feed)
            index.append((u.index(folders[key]), shown, len(ps)))
        yield u.ORGS_INDEX, self.env.get_template("orgs.md.j2").render(
            fm=front_matter({"title": "Organizations", "hide": ["toc"]}), path=u.ORGS_INDEX,
            top=index[:ORGS_TOP] if len(index) > ORGS_TOP else [], letters=by_initial(index, key=lambda row: row[1]),
            count=len(index), without=len(self.papers) - len(self._orgs[1]),
        )

    # Home, stats, feed -----------------------------------------------------------------
    def home_page(self) -> str:
        """The home page's Markdown: what the archive is and holds; what is new (the newest
        papers, a link to the newest day's, the top papers of the newest week, links to the
        week's and the month's top pages); the most upvoted and most discussed papers of all;
        the top tags."""
        dated = [p for p in self.papers if p.date]
        newest = dated[0].date if dated else None
        # A "most" list of zeros says nothing (`tops`): no list when no capture showed the count.
        voted, discussed = tops(self.papers, HOME_SIZE)
        week_top: list[Paper] = []
        links = {}
        if newest is not None:
            y, w = newest.isocalendar()[:2]
            up, talked = tops(self.weeks()[(y, w)], HOME_WEEK)
            week_top = up or talked
            links = {"day": u.index(u.month_folder(newest.year, newest.month)) + "#" + day_anchor(newest),
                     "week": (w, u.week_file(y, w)), "month": u.month_top_file(newest.year, newest.month),
                     "month_name": f"{MONTH_NAMES[newest.month - 1]} {newest.year}", "week_by": "upvoted" if up else "discussed"}
        latest = dated[:HOME_SIZE]
        return self.env.get_template("home.md.j2").render(
            fm=front_matter({"title": "Home", "hide": ["navigation", "toc"]}),
            total=len(self.papers), undated=len(self.papers) - len(dated), dumps=len(self.archive.dumps),
            newest=newest, newest_count=sum(1 for p in dated if p.date == newest), latest=latest,
            week_top=week_top, links=links, top=voted, discussed=discussed,
            tags=self.tag_counts()[:12], n_tags=len(self.tag_counts()), orgs=len(self.org_groups()),
            span=(dated[-1].date, dated[0].date) if dated else None, path=u.HOME, site_name=self.site_name,
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
                               lambda y, m: self.urls.href(path, u.index(u.month_folder(y, m))), number=self.number),
            tags=bar_chart(tag_rows, "Papers per tag", self.number),
            orgs=bar_chart(org_rows, "Papers per organization (top 20)", self.number),
            total=len(self.papers), undated=sum(1 for p in self.papers if not p.date),
            first=(window[0][0], window[0][1] + 1) if window else None,
            before=sum(n for k, n in months.items() if window and k < (window[0][0], window[0][1] + 1)),
            path=path,
        )

    def feed(self) -> str:
        """The site's Atom feed of the newest FEED_SIZE dated papers, their whole abstracts
        (pages/feeds.py): links absolute under site_url when there is one, ids from the
        papers' ids."""
        return self.feeds.render(Feed(u.FEED, "site", f"{self.site_name}: newest papers", u.HOME,
                                      newest(self.papers), lean=False))

    def topic_feed(self, key: str, name: str, folder: str, papers: Sequence[Paper]) -> Feed | None:
        """The feed of a tag's or an organization's listing in `folder` (`key`: `tag:<name>` or
        `org:<organization key>`; `name` as its heading shows it), or None when none of its
        `papers` has a date."""
        entries = newest(papers)
        if not entries:
            return None
        return Feed(u.feed_file(folder), key, f"{self.site_name}: {name}", u.index(folder), entries)


class _Links:
    """Union-find over names (organization ids and display names): which are one."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, name: str) -> str:
        """The representative of the names `name` is joined with (itself when alone)."""
        parent = self.parent
        root = parent.setdefault(name, name)
        while parent[root] != root:
            root = parent[root]
        while parent[name] != root:  # every name on the way points at the root
            parent[name], name = root, parent[name]
        return root

    def join(self, name: str, other: str | None) -> None:
        """Make `name` and `other` (None: nothing) one."""
        a = self.find(name)
        if other is not None:
            b = self.find(other)
            if a != b:
                self.parent[max(a, b)] = min(a, b)


def tops(papers: Iterable[Paper], size: int | None = None) -> tuple[list[Paper], list[Paper]]:
    """The most upvoted and the most discussed of `papers`, `size` (TOP_SIZE) of each: papers
    whose count is above zero (a list of zeros says nothing), by that count, then the other
    count, then the archive's order (merge.paper_order)."""
    size = TOP_SIZE if size is None else size
    ranked = list(papers)
    upvoted = sorted((p for p in ranked if p.upvotes), key=lambda p: (-(p.upvotes or 0), -(p.comments or 0), paper_order(p)))
    discussed = sorted((p for p in ranked if p.comments), key=lambda p: (-(p.comments or 0), -(p.upvotes or 0), paper_order(p)))
    return upvoted[:size], discussed[:size]


def _week_days(year: int, week: int) -> tuple[date, date]:
    """The Monday and the Sunday of an ISO week; the Sunday of the last week of 9999 is the
    last day a date can be, Dec 31, 9999 (a dump may say anything)."""
    monday = date.fromisocalendar(year, week, 1)
    return monday, date.max if date.max - monday < timedelta(days=6) else monday + timedelta(days=6)


@dataclass(frozen=True)
class _Dated:
    """A stand-in with a date only, for `date_range` over days rather than papers."""

    date: date


def _day_key(paper: Paper) -> date | None:
    return paper.date


def _year_key(paper: Paper) -> int | None:
    return paper.date.year if paper.date else None


def _month_key(paper: Paper) -> tuple[int, int] | None:
    return (paper.date.year, paper.date.month) if paper.date else None


def _by_day(papers: Sequence[Paper]) -> list[tuple[date | None, list[Paper]]]:
    """Papers (in the archive's order) under each of their days, in order."""
    return [(day, list(ps)) for day, ps in groupby(papers, key=_day_key)]


def day_anchor(when: date | None) -> str:
    """The id of a day's heading on a month's listing page: `oct-7`; `undated`."""
    return f"{MONTH_NAMES[when.month - 1][:3].lower()}-{when.day}" if when else "undated"


def day_heading(when: date | None) -> str:
    """A day's heading on a month's listing page: `Tuesday, October 7`."""
    return f"{DAY_NAMES[when.weekday()]}, {MONTH_NAMES[when.month - 1]} {when.day}" if when else "Undated"


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
           site_name: str = "Papers Archive", language: str | None = "en") -> dict[str, str]:
    """Every generated file of the docs dir, by path relative to it (see Renderer)."""
    return Renderer(archive, page_size, urls, site_name, language=language).render()


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
