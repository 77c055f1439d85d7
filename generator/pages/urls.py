"""Where everything the archive publishes lives: the one module that makes paths and URLs.

Three kinds of address, each made here and nowhere else:

- a *docs path*: a generated file under the docs dir, as MkDocs names it (`src_uri`):
  `papers/2025/10/<id>.md`, `tags/<slug>/index.md`, `dates/2025/10/page-2.md`, `feed.xml`,
  `tags/<slug>/feed.xml`;
- a *URL*: where MkDocs serves a docs path, relative to the site root, following
  `use_directory_urls`: `papers/2025/10/<id>/`, or `papers/2025/10/<id>.html` without directory
  URLs; `""` for the home page. Links between pages are relative (`Urls.href`), so a site works
  under any sub-path (`user.github.io/repo/`);
- an *absolute URL*: a URL under `site_url`, for what only works absolute (the sitemap, feed ids,
  canonical links); without `site_url` there is none (`Urls.absolute` returns None).

Tag and organization folders are slugs made unique across the archive (`unique_slugs`).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from slugify import slugify

from ..data.merge import SLUG_LENGTH
from ..data.model import Paper

# Folders and files of the docs dir that belong to the generator; everything else is the user's.
PAPERS, DATES, TAGS, ORGS, STATS = "papers", "dates", "tags", "orgs", "stats"
GENERATED_DIRS = (PAPERS, DATES, TAGS, ORGS, STATS)
HOME = "index.md"
SEARCH = "search.md"
READING_LIST = "list.md"
FEED = "feed.xml"
EXPORT = "papers.json.gz"
"""The archive as data (pages/export.py), gzipped: docs/data.md."""
LEGACY_EXPORT = "papers.json"
"""The export before it was gzipped: the record of an archive built before (export_in), then removed."""
SEARCH_INDEX = "pagefind"
"""The site's folder of the search index (Pagefind's bundle and the archive's files beside it)."""
SEARCH_MANIFEST = "papers-search.json"
"""The index's manifest in SEARCH_INDEX (search/indexer.py): its parts and the names of its other files."""
LEAN_SCRIPT = "assets/papers-chrome.js"
"""What lean pages leave out, as a script rendered once per build (site/lean_pages.py)."""
LEAN_STYLES = "assets/papers-lean.css"
"""The one stylesheet of a lean page, importing the theme's (site/lean_pages.py)."""
GENERATED_FILES = (HOME, SEARCH, READING_LIST, FEED, EXPORT, LEGACY_EXPORT)
# Index pages of the navigation.
DATES_INDEX = f"{DATES}/index.md"
TAGS_INDEX = f"{TAGS}/index.md"
ORGS_INDEX = f"{ORGS}/index.md"
STATS_INDEX = f"{STATS}/index.md"
UNDATED = f"{DATES}/undated"
"""The listing of undated papers."""
# The sitemap: an index (MkDocs' sitemap.xml, rewritten) of the pages' sitemap and the papers'
# gzipped ones (site.paper_pages.split_sitemap); only with a site_url, as the protocol wants absolute URLs.
SITEMAP = "sitemap.xml"
SITEMAP_PAGES = "sitemap-pages.xml"


def export_in(*folders: Path) -> Path | None:
    """The papers.json.gz a build left in the first of `folders` that has one, else the plain
    papers.json of a build made before the export was gzipped; None when there is neither."""
    for name in (EXPORT, LEGACY_EXPORT):
        for folder in folders:
            if (folder / name).is_file():
                return folder / name
    return None


def sitemap_papers(n: int) -> str:
    """The file name of the `n`th (from 1) gzipped sitemap of paper pages."""
    return f"sitemap-papers-{n}.xml.gz"


# Docs paths -------------------------------------------------------------------------------
def paper_folder(paper: Paper) -> str:
    """The docs folder of a paper's page: the one it was published in (Paper.folder), else by
    its date, `papers/YYYY/MM`, or `papers/undated`."""
    if paper.folder is not None:
        return paper.folder
    if paper.date is None:
        return f"{PAPERS}/undated"
    return f"{PAPERS}/{paper.date.year:04d}/{paper.date.month:02d}"


def paper_file(paper: Paper) -> str:
    """The docs path of a paper's page: `papers/YYYY/MM/<id>.md`."""
    return f"{paper_folder(paper)}/{paper.id}.md"


def index(folder: str) -> str:
    """The docs path of a folder's index page (the first page of a listing)."""
    return f"{folder}/index.md"


def listing_file(folder: str, chunk: int, chunks: int) -> str:
    """The docs path of page `chunk` (1 = the oldest) of a listing of `chunks` pages: the newest
    is the folder's index, the others `page-N.md`, numbered from the oldest so that they keep
    their URL when papers are added."""
    return index(folder) if chunk == chunks else f"{folder}/page-{chunk}.md"


def year_folder(year: int) -> str:
    """The docs folder of a year's page: `dates/YYYY`."""
    return f"{DATES}/{year:04d}"


def month_folder(year: int, month: int) -> str:
    """The docs folder of a month's listing: `dates/YYYY/MM`."""
    return f"{DATES}/{year:04d}/{month:02d}"


def month_top_file(year: int, month: int) -> str:
    """The docs path of a month's top papers (Hugging Face's Monthly): `dates/YYYY/MM/top.md`."""
    return f"{month_folder(year, month)}/top.md"


WEEKS = f"{DATES}/weeks"
"""The folder of the weeks' top papers."""


def week_file(year: int, week: int) -> str:
    """The docs path of an ISO week's top papers (Hugging Face's Weekly), by the ISO year and
    week number (`date.isocalendar()`): `dates/weeks/2025-W41.md`. Raises ValueError for a week
    outside 1 to 53."""
    if not 1 <= week <= 53:
        raise ValueError(f"ISO week {week} is outside 1 to 53")
    return f"{WEEKS}/{year:04d}-W{week:02d}.md"


def date_folder(when: date | None) -> str:
    """The docs folder of the listing a date belongs to: its month's, or the undated one."""
    return month_folder(when.year, when.month) if when else UNDATED


FEED_NAME = "feed.xml"
"""The file name of a tag's or an organization's Atom feed, in its listing's folder."""


def feed_file(folder: str) -> str:
    """The docs path (and site path: MkDocs copies it as it is) of the Atom feed of the listing
    in `folder`, a tag's or an organization's: `tags/<slug>/feed.xml`, `orgs/<slug>/feed.xml`."""
    return f"{folder}/{FEED_NAME}"


def tag_folder(slug: str) -> str:
    """The docs folder of a tag's listing, from its unique slug (`unique_slugs`)."""
    return f"{TAGS}/{slug}"


def org_folder(slug: str) -> str:
    """The docs folder of an organization's listing, from its unique slug."""
    return f"{ORGS}/{slug}"


@lru_cache(maxsize=65_536)
def tag_slug(name: str) -> str:
    """A tag's slug before collisions are settled (`unique_slugs`), bounded as a paper's: a name
    of any length is a file name that fits."""
    return slugify(name, max_length=SLUG_LENGTH, word_boundary=True) or "tag"


@lru_cache(maxsize=65_536)
def org_slug(org: str) -> str:
    """An organization's slug (from its id, or its name) before collisions are settled."""
    return slugify(org, max_length=SLUG_LENGTH, word_boundary=True) or "org"


def unique_slugs(items: Iterable[tuple[str, str]], slug: Callable[[str], str]) -> dict[str, str]:
    """A distinct folder name per key, from (key, text) pairs: the text's slug, or, when the
    slugs of several keys are alike, the slug for the first key in sorted order and the slug
    with a hash of its key for the others (bounded slugs of long names often meet)."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for key, text in sorted(dict(items).items()):
        by_slug[slug(text)].append(key)
    out: dict[str, str] = {}
    for bare, keys in by_slug.items():
        out[keys[0]] = bare
        for key in keys[1:]:
            digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
            # Another key's bare slug may end the same way, however unlikely.
            size = 8
            while f"{bare}-{digest[:size]}" in by_slug and size < len(digest):
                size += 4
            out[key] = f"{bare}-{digest[:size]}"
    return out


@lru_cache(maxsize=4096)
def _dir_parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("/")[:-1])


def relative(from_path: str, to_path: str) -> str:
    """The relative link from one file to another, both `/`-separated paths from the same root
    (docs paths, or URLs with a file name): what a Markdown link between docs files says."""
    here = _dir_parts(from_path)
    there = to_path.split("/")
    common = 0
    for a, b in zip(here, there):
        if a != b:
            break
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


# URLs -------------------------------------------------------------------------------------
def repository_view(repo_url: str | None, edit_uri: str | None) -> str:
    """The URL under which a repository shows the docs dir's files, from MkDocs' `repo_url` and
    `edit_uri` (its edit address, which is relative to the docs dir): the view beside the edit
    page (GitHub's and GitLab's `edit/` is `blob/`); `""` without either."""
    if not repo_url or not edit_uri:
        return ""
    base = urljoin(repo_url.rstrip("/") + "/", edit_uri)
    base = re.sub(r"/edit/", "/blob/", base, count=1)
    return base if base.endswith("/") else base + "/"


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a docs path (`x.md`), relative to the site root, as mkdocs'
    File.url does: with directory URLs `x/` (`x/index.md` is `x/`, the home page `''`); without,
    the page's file, `x.html` (`x/index.html`, `index.html`)."""
    if not directory_urls:
        return path[:-3] + ".html"
    if path == HOME:
        return ""
    if path.endswith("/index.md"):
        return path[: -len("index.md")]
    return path[:-3] + "/"


# What makes urljoin do more than append a relative path to a base ending in `/`: a scheme,
# query or fragment, a backslash or white space (which urlsplit removes), a `.` or `..` segment.
_NOT_PLAIN = re.compile(r"[:?#\\\s]|\./|\.$")


class Urls:
    """The URL rules of one site: MkDocs' `use_directory_urls` and `site_url`.

    Every generated link, output file and absolute address comes from here; build one with
    `Urls.of(mkdocs_config)` (or by hand in tests)."""

    def __init__(self, directory_urls: bool = True, site_url: str | None = None,
                 repository: str = "", dump_sources: Iterable[tuple[Path, str]] = ()) -> None:
        self.directory_urls = directory_urls
        """MkDocs' `use_directory_urls`: `x/` for `x.md`, else `x.html`."""
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        """`site_url` ending in `/`, or `""` when there is none."""
        self.repository = repository
        """Where the repository shows the docs dir's files (`repository_view`), or `""`."""
        self.dump_sources = tuple(dump_sources)
        """The dumps' folders (or files) as (path, the same relative to the docs dir): `raw`
        for content/raw."""

    def _rules(self) -> tuple:
        return (self.directory_urls, self.site_url, self.repository, self.dump_sources)

    def __eq__(self, other: object) -> bool:
        """Two Urls are equal when they make the same links (a render cache's key)."""
        return isinstance(other, Urls) and self._rules() == other._rules()

    def __hash__(self) -> int:
        return hash(self._rules())

    @classmethod
    def of(cls, config) -> Urls:
        """The rules of a loaded MkDocsConfig (its `use_directory_urls` and `site_url`; its
        `repo_url`, `edit_uri` and the papers plugin's `sources` for the links to the dumps)."""
        repository = repository_view(config.get("repo_url"), config.get("edit_uri"))
        sources: list[tuple[Path, str]] = []
        plugin = config.plugins.get("papers") if repository and config.get("plugins") else None
        if plugin is not None and config.get("config_file_path"):
            root = Path(config.config_file_path).parent
            docs = Path(config.docs_dir).resolve()
            for source in plugin.config.sources:
                where = Path(root, source).resolve()
                sources.append((where, Path(os.path.relpath(where, docs)).as_posix()))
        return cls(config.use_directory_urls, config.site_url, repository if sources else "", sources)

    def dump(self, file: str, line: int) -> str | None:
        """The repository's page of a dump file (a base name, as papers keep their sources) at
        `line`; None without a repository or when no source folder holds the file."""
        if not self.repository:
            return None
        for where, relative in self.dump_sources:
            if where.name == file and where.is_file():  # a source named as a file
                found = relative
            elif (where / file).is_file():
                found = f"{relative}/{file}"
            else:
                continue
            return urljoin(self.repository, quote(found)) + f"#L{line}"
        return None

    def url(self, path: str) -> str:
        """The URL of a docs path, relative to the site root (`''` for the home page)."""
        return page_url(path, self.directory_urls)

    def paper(self, paper: Paper) -> str:
        """A paper page's URL relative to the site root: `url` of papers.json, the feed's links."""
        return page_url(paper_file(paper), self.directory_urls)

    def search_record(self, paper: Paper) -> str:
        """The URL Pagefind indexes a paper under: from the site root, with a leading `/`
        (assets/search.js puts the site's own root in front)."""
        return "/" + self.paper(paper)

    def to_root(self, path: str) -> str:
        """The relative link from the page of a docs path to the site root (`''` at the root):
        `../` per folder of its URL."""
        return "../" * self.url(path).count("/")

    def href(self, from_path: str, to_path: str) -> str:
        """The relative link from the page of one docs path to the page of another, as the
        browser follows it (for raw HTML, which MkDocs does not rewrite); `./` to itself."""
        here = self.url(from_path)
        if here and not here.endswith("/"):  # a page's file: links start from its folder
            here = here.rsplit("/", 1)[0] + "/" if "/" in here else ""
        return relative(here + "x", self.url(to_path)) or "./"

    def file_href(self, from_path: str, file: str) -> str:
        """The relative link from the page of docs path `from_path` to a file of the site that
        is not a page (a feed: `file` is its path from the site root, as MkDocs copies it)."""
        here = self.url(from_path)
        here = here if here.endswith("/") or not here else here.rsplit("/", 1)[0] + "/"
        return relative(here + "x", file)

    def output(self, path: str) -> str:
        """The file of the site, relative to site_dir, that a docs path's page is written to."""
        url = self.url(path)
        return url + "index.html" if self.directory_urls else url

    def absolute(self, url: str) -> str | None:
        """`url` (relative to the site root) under site_url; None without a site_url."""
        if not self.site_url:
            return None
        # A path of plain names (every page and paper URL) joins by concatenation, as urljoin
        # would join it (site_url ends in `/`): 100,000 sitemap entries cost 0.1 s, not 2 s.
        plain = not url.startswith("/") and not _NOT_PLAIN.search(url)
        return self.site_url + url if plain else urljoin(self.site_url, url)

    def theme_paths(self) -> dict[str, str]:
        """The site paths that the theme's templates and scripts use, relative to the site root
        (`config.extra.papers_urls`, site/theme.py): `search` the search page, `feed` the Atom
        feed, `index` the search index's manifest (the script reads the other files' names from
        it), `lean_script` and `lean_styles` the lean pages' shared script and stylesheet."""
        return {"search": self.url(SEARCH), "feed": FEED, "index": f"{SEARCH_INDEX}/{SEARCH_MANIFEST}",
                "lean_script": LEAN_SCRIPT, "lean_styles": LEAN_STYLES}

    def error_base(self) -> str:
        """The base of the links of an error page (404.html), which the host serves at any
        address that has no page: site_url's path when there is a site_url (MkDocs' own choice:
        right at any depth), else `.`, relative (MkDocs would take `/`, the domain's root, wrong
        for a site under a sub-path such as `user.github.io/repo/`; `.` is right for a missing
        address in the site's root folder, under any sub-path)."""
        return urlsplit(self.site_url).path if self.site_url else "."
