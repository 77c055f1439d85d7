"""The `papers` MkDocs plugin: runs the generator on every `mkdocs build` and `mkdocs serve`."""

from __future__ import annotations

import calendar
import json
import logging
import os
import re
import resource
import time
from datetime import date
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.utils import is_error_template, normalize_url

from . import lean_pages
from .config import PapersConfig, resolve
from ..data.model import GeneratorError
from ..data.pipeline import Archive, Settings, collect
from .finish import finish_page
from ..pages.render import Renderer, write_outputs
from .paper_pages import PaperPage, Shell, render_shell, split_sitemap, write_pages
from ..pages.urls import EXPORT, FEED, PAPERS, SITEMAP, Urls

log = logging.getLogger("mkdocs.plugins.papers")

# The list of a listing page (templates/listing.md.j2): a raw HTML block from <ul> to </ul>.
_PAPER_LIST = re.compile(r'^<ul class="papers-list">\n.*?^</ul>$', re.M | re.S)
_STAND_IN = "<!-- papers: list -->"


class PapersPlugin(BasePlugin[PapersConfig]):
    """Generate the archive's pages into the docs dir before MkDocs reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.own_epoch = "SOURCE_DATE_EPOCH" not in os.environ
        self.bodies: dict[str, str] = {}
        self.lists: dict[str, list[str]] = {}
        self.paper_pages: list[PaperPage] = []
        self.env = self.nav = self.files = None
        self.stats: dict[str, float] = {}
        self._pages_started = 0.0
        self.indexer = None
        self.lean = False
        self.failure: str | None = None
        """What stopped the last build, for `generator build` to report."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Prepare the site's config before a build: lean pages when the theme has them, the
        `attr_list` extension the generated listings use, and, without a `site_url`, no
        sitemap (it must name absolute URLs) and one line saying what `site_url` would add.
        Returns `config`, changed in place."""
        # Material's instant loading swaps pages without loading them: it reads sitemap.xml, an
        # index of sitemaps here (too many papers for one), so it would not engage, and the
        # search script sets itself up once per page load. Refused, not left half-working.
        if "navigation.instant" in (config.theme.get("features") or []):
            raise PluginError("papers: the theme feature navigation.instant is not supported "
                              "(the archive's search and sitemap expect whole page loads): "
                              "remove it from theme.features in mkdocs.yml")
        # Lean pages for papers and listings when the theme has them (see lean_pages.py).
        self.lean = lean_pages.theme_is_lean(config)
        # Generated listings mark chips and buttons with attribute lists ({ .papers-chip }).
        if "attr_list" not in config.markdown_extensions:
            config.markdown_extensions.append("attr_list")
        if not config.site_url:  # `mkdocs serve` always has one: it sets its own address
            # Not rendered; on_files then drops the theme's template, which MkDocs would copy.
            config.theme.static_templates.discard(SITEMAP)
            log.info(
                "papers: no site_url, so every link is relative and the site works at any address; "
                "what needs the address is left out: %s, canonical links, and the %s ids (URNs). "
                "Set `site_url:` in mkdocs.yml, or the SITE_URL environment variable that "
                "mkdocs.yml reads (the Pages workflow sets it).", SITEMAP, FEED)
        return config

    def _base(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or "mkdocs.yml").resolve().parent

    def _settings(self, config: MkDocsConfig) -> Settings:
        return resolve(self.config, self._base(config))

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):
        """`mkdocs serve`: also watch the dumps and the tag rules that exist; returns the server."""
        settings = self._settings(config)
        for source in settings.sources:
            if source.exists():
                server.watch(str(source))
        if settings.tags is not None and settings.tags.exists():
            server.watch(str(settings.tags))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Collect the archive and write its Markdown pages, feed and papers.json into the docs
        dir (only files whose bytes changed), and start the search index in the background.
        Every problem of the dumps is logged as a warning (`--strict` fails on them). Raises
        PluginError when the dumps, the tag rules or the docs dir cannot be read or written."""
        start = time.perf_counter()
        self.failure = None
        self.bodies.clear()
        self.paper_pages = []
        self.indexer = None
        tagged = None
        if self.config.search:
            from ..search.indexer import Indexer

            self.indexer = indexer = Indexer(log=log.info)
            language = config.theme.get("language") or "en"

            def tagged(papers: list) -> None:
                # The index needs no related papers: it starts while they are found, and goes
                # on in the background while MkDocs renders.
                indexer.start(papers, Urls.of(config), language)

        try:
            settings = self._settings(config)
            settings.previous = Path(config.docs_dir) / EXPORT
            self.archive = collect(settings, progress=log.info, tagged=tagged)
        except GeneratorError as exc:
            raise self._fail(str(exc)) from None
        self.stats = {f"{k} s": v for k, v in self.archive.timings.items()}
        self.stats["papers"] = len(self.archive.papers)
        mark = time.perf_counter()
        if self.own_epoch:
            # MkDocs dates the sitemap with the build day; dating it with the newest paper
            # makes two builds of the same dumps byte-identical.
            newest = next((p.date for p in self.archive.papers if p.date), date(1970, 1, 1))
            # Kept within what gzip headers hold: a paper dated Dec 31, 9999 (or year 1)
            # would otherwise crash the sitemap.xml.gz.
            epoch = min(max(calendar.timegm(newest.timetuple()), 0), 2**32 - 1)
            os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        # Problems are warnings: `mkdocs build --strict` fails on them, a plain build goes on.
        for problem in self.archive.problems:
            log.warning(str(problem))
        renderer = Renderer(self.archive, settings.page_size, Urls.of(config), config.site_name)
        outputs = renderer.outputs(self._keep_paper_page if self.config.fast_pages else None)
        try:
            written, unchanged, removed = write_outputs(Path(config.docs_dir), outputs)
        except GeneratorError as exc:
            raise self._fail(str(exc)) from None
        self.stats.update({"markdown s": time.perf_counter() - mark, "files written": written,
                           "files unchanged": unchanged, "files removed": removed,
                           "rss after markdown MiB": _peak_rss_mib()})
        log.info(
            "papers: %d files written, %d unchanged, %d removed in %.1f s",
            written, unchanged, removed, time.perf_counter() - start,
        )
        self._pages_started = time.perf_counter()

    def _fail(self, message: str) -> PluginError:
        """The error that stops the build; kept in `failure` too, as MkDocs reports a
        PluginError as `Aborted with a BuildError!` and `generator build` names the cause."""
        self.failure = message
        return PluginError(message)

    def _keep_paper_page(self, path: str, meta: dict) -> None:
        self.paper_pages.append(PaperPage(path, meta["title"], meta["description"], meta["paper"]["date"]))

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """The files MkDocs builds, less the paper pages the plugin writes itself and, without a
        site_url, the theme's sitemap template. Returns `files`, changed in place."""
        sitemap = files.get_file_from_path(SITEMAP)
        if not config.site_url and sitemap is not None and not sitemap.abs_src_path.startswith(
                os.path.join(os.path.abspath(config.docs_dir), "")):
            files.remove(sitemap)
        # Paper pages are written by on_post_build from one theme render (paper_pages.py): MkDocs
        # neither reads nor renders them. Nothing links to them in Markdown (listings write
        # raw HTML links), so MkDocs' link validation does not miss them.
        for page in self.paper_pages:
            file = files.get_file_from_path(page.src_uri)
            if file is not None:
                files.remove(file)
        return files

    def on_nav(self, nav, /, *, config: MkDocsConfig, files: Files):
        """Keep the site's navigation for the paper pages' theme render; returns it unchanged."""
        self.nav = nav
        return nav

    def on_env(self, env, /, *, config: MkDocsConfig, files: Files):
        """Keep the theme's Jinja environment and the site's files for the paper pages, and give
        lean pages their template globals (site/lean_pages.py); returns `env`."""
        self.env, self.files = env, files
        if self.lean:
            lean_pages.setup(env)
        return env

    def _write_paper_pages(self, config: MkDocsConfig) -> None:
        start = time.perf_counter()
        shells: dict[tuple[str, bool], Shell] = {}
        docs = self.files.documentation_pages()

        def shell_for(page: PaperPage) -> Shell:
            # Every paper page of one depth and datedness shares its theme render.
            folder = page.src_uri.rsplit("/", 1)[0]
            key = (folder.count("/"), page.date is not None)
            shell = shells.get(key)
            if shell is None:
                stand_in = "/".join([PAPERS] + ["0000"] * key[0])
                try:
                    shell = shells[key] = render_shell(stand_in, key[1], config, self.env, self.nav, docs,
                                                       lean_pages.LEAN if self.lean else "main.html")
                except ValueError as exc:
                    raise PluginError(f"paper pages: {exc}; set `fast_pages: false`") from None
            return shell

        site_dir = Path(config.site_dir)
        written, unchanged = write_pages(self.paper_pages, shell_for, Path(config.docs_dir), site_dir,
                                         Urls.of(config))
        self.stats["paper pages s"] = time.perf_counter() - start
        log.info("papers: %d paper pages written, %d unchanged in %.1f s", written, unchanged,
                 time.perf_counter() - start)

    def on_page_markdown(self, markdown: str, /, *, page, config: MkDocsConfig, files) -> str:
        """Before Markdown runs on a page: generated paper and listing pages get the lean
        template; a paper page's body (raw HTML) and a listing's list of papers stand aside and
        come back in on_page_content. Returns the Markdown left to convert."""
        # Paper pages are raw HTML blocks, which Markdown passes through unchanged: hand the
        # body straight to the theme instead of running the Markdown engine 100,000 times.
        generated = page.meta.get("paper") and page.file.src_uri.startswith(PAPERS + "/")
        if self.lean and (generated or page.meta.get("listing")):
            page.meta.setdefault("template", lean_pages.LEAN)
        if generated:
            self.bodies[page.file.src_uri] = markdown
            return ""
        # A listing's list of papers is one raw HTML block too, which Python-Markdown's HTML
        # parser reads slowly (most of a listing page's time): it stands aside meanwhile.
        lists = _PAPER_LIST.findall(markdown)
        if lists:
            self.lists[page.file.src_uri] = lists
            markdown = _PAPER_LIST.sub(lambda m: _STAND_IN, markdown)
        return markdown

    def on_page_content(self, html: str, /, *, page, config: MkDocsConfig, files) -> str:
        """After Markdown: put back what on_page_markdown set aside (a paper page's body, a
        listing's lists at their stand-ins). Returns the page's HTML content."""
        body = self.bodies.pop(page.file.src_uri, None)
        if body is not None:
            return body
        lists = self.lists.pop(page.file.src_uri, None)
        if lists:
            pieces = html.split(_STAND_IN)
            out = [pieces[0]]
            for i, piece in enumerate(pieces[1:]):
                out += [lists[i] if i < len(lists) else "", piece]
            out += lists[len(pieces) - 1:]  # lists whose stand-in another plugin removed: at the end
            html = "".join(out)
        return html

    def on_post_page(self, output: str, /, *, page, config: MkDocsConfig) -> str:
        """A page's whole HTML after the theme: minified, with its Content-Security-Policy
        (site/finish.py). Returns the HTML to write."""
        return finish_page(output)

    def on_template_context(self, context, /, *, template_name: str, config: MkDocsConfig):
        """The context of a theme template (404.html, sitemap.xml): an error page's links take
        their base from urls.Urls.error_base (relative without a site_url, where MkDocs would
        make them start at the domain's root). Returns the context, changed in place."""
        if is_error_template(template_name):
            base = Urls.of(config).error_base()
            context["base_url"] = base
            context["extra_css"] = [normalize_url(path, None, base) for path in config.extra_css]
            context["extra_javascript"] = [normalize_url(str(script), None, base)
                                           for script in config.extra_javascript]
        return context

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        """A theme template's output (404.html, sitemap.xml): HTML ones finished as pages are."""
        # 404.html is a theme template, not a page: on_post_page never sees it.
        return finish_page(output_content) if template_name.endswith(".html") else output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """After MkDocs wrote the site: write the lean pages' script and stylesheet and the paper
        pages, split the sitemap (with a site_url), and move the search index in. Raises
        PluginError when a file of the site cannot be written or the index failed."""
        try:
            self._post_build(config)
        except OSError as exc:  # the site's own files: a full disk, no permission
            raise self._fail(f"cannot write {exc.filename or config.site_dir}: {exc.strerror or exc}") from None

    def _post_build(self, config: MkDocsConfig) -> None:
        if self.lean:  # what lean pages leave out, written once (see lean_pages.py)
            lean_pages.write_chrome(config, self.env, self.nav, self.files)
        urls = Urls.of(config)
        paper_urls = [urls.url(p.src_uri) for p in self.paper_pages]
        if self.paper_pages:
            self._write_paper_pages(config)
            self.paper_pages = []
        split_sitemap(Path(config.site_dir), paper_urls, urls)
        self.stats["mkdocs s"] = time.perf_counter() - self._pages_started
        self.stats["rss after mkdocs MiB"] = _peak_rss_mib()
        if self.indexer is not None:
            # The indexer leaves each bundle stable already (search.bundle.stabilize_bundle).
            try:
                self.stats["pagefind s"] = self.indexer.finish(Path(config.site_dir))
            except GeneratorError as exc:
                raise self._fail(str(exc)) from None
            self.stats["pagefind rss MiB"] = _peak_rss_mib(children=True)
        report = os.environ.get("PAPERS_TIMINGS")
        if report:  # the benchmarks read the stage timings from here
            Path(report).write_text(json.dumps(self.stats, indent=1), encoding="utf-8")


def _peak_rss_mib(children: bool = False) -> float:
    """Peak resident memory so far of this process (or of its finished children), in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024
