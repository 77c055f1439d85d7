"""The `papers` MkDocs plugin: runs the generator on every `mkdocs build` and `mkdocs serve`."""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
import os
import re
import resource
import shutil
import tempfile
import threading
import time
import zlib
from datetime import date
from pathlib import Path

from jinja2 import ChoiceLoader, DictLoader, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils import is_error_template, normalize_url

from ..data.model import GeneratorError
from ..data.pipeline import Archive, Cache, Previous, Settings, collect
from ..pages.render import MemoryBytecodeCache, RenderCache, Renderer, write_changed, write_outputs
from ..pages.urls import EXPORT, FEED, GENERATED_DIRS, GENERATED_FILES, PAPERS, SITEMAP, Urls
from ..search.indexer import Indexer, KeptBundle
from . import build_cache, lean_pages, limits
from .config import PapersConfig, resolve
from .finish import finish_page
from .paper_pages import PaperPage, Shell, render_shell, split_sitemap, write_pages
from .preview import (
    KEPT_DIRS,
    REUSED_TEMPLATE,
    Kept,
    KeptPage,
    QuietKeptPages,
    keep_site,
    kept_index,
    link_site,
    restore_site,
    swap_index,
    write_search_status,
)

log = logging.getLogger("mkdocs.plugins.papers")

# A list of papers (templates/listing.md.j2, top.md.j2, home.md.j2): a raw HTML block from
# <ul> (or, ranked, <ol>) to its end.
_PAPER_LIST = re.compile(r'^<(ul|ol) class="papers-list">\n.*?^</\1>$', re.M | re.S)
_STAND_IN = "<!-- papers: list -->"
_LISTS_SEP = "\x00"  # between a page's lists, kept compressed (a NUL is in no page: mathtext.clean)


def _put_back(html: str, lists: list[str], before: str = "") -> str:
    """`html` with `lists` at its stand-ins, in order; a list whose stand-in another plugin
    removed goes at the end, or before the last `before` when given and found."""
    pieces = html.split(_STAND_IN)
    out = [pieces[0]]
    for i, piece in enumerate(pieces[1:]):
        out += [lists[i] if i < len(lists) else "", piece]
    left = "".join(lists[len(pieces) - 1:])
    if not left:
        return "".join(out)
    html = "".join(out)
    at = html.rfind(before) if before else -1
    return html[:at] + left + html[at:] if at >= 0 else html + left


class PapersPlugin(BasePlugin[PapersConfig]):
    """Generate the archive's pages into the docs dir before MkDocs reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.own_epoch = "SOURCE_DATE_EPOCH" not in os.environ
        self.bodies: dict[str, str] = {}
        self.lists: dict[str, list[str]] = {}
        self.later: dict[str, bytes] = {}
        """A lean listing's lists, compressed, by docs path: put back in its written page."""
        self.paper_pages: list[PaperPage] = []
        self.env = self.nav = self.files = None
        self.stats: dict[str, float] = {}
        self._pages_started = 0.0
        self.indexer = None
        self.lean = False
        self.failure: str | None = None
        """What stopped the last build, for `generator build` to report."""
        self.serving = False
        """Under `mkdocs serve`: the plugin lives across builds (on_startup) and keeps caches."""
        self.cache = Cache()
        self.generated_dir: Path | None = None
        """Under `mkdocs serve`, where the generated Markdown goes: outside the docs dir, which
        the server watches (a write there would start another build)."""
        self.contents: dict[str, str | bytes] = {}
        """Serve only: this build's generated files but the paper pages, by docs path; MkDocs
        reads them from memory (File.generated with content)."""
        self.render_cache = RenderCache()
        """Serve only: last build's rendering (pages.render.RenderCache)."""
        self.paper_sources: set[str] = set()
        """Serve only: the paper pages' Markdown files in generated_dir, by docs path."""
        self.changed_papers: set[str] = set()
        """Serve only: the paper pages whose Markdown this build rewrote."""
        self.shell_fingerprint = ""
        """Serve only: what the paper pages' theme render depended on at the last build."""
        self.nav_pages: set[str] = set()
        self.fingerprint = ""
        self.kept: dict[str, Kept] = {}
        """Serve only: per generated page not in the nav, its output at the last build."""
        self.quiet = QuietKeptPages()
        self.sitemaps: dict = {}
        """Serve only: the papers' sitemaps of the last build (paper_pages.split_sitemap)."""
        self.theme_templates = MemoryBytecodeCache()
        """Serve only: the theme's templates, compiled (the theme's Jinja environment is new
        at every build)."""
        self.gone: list[str] = []
        """Serve only: the docs paths of generated pages (but paper pages) gone since the last build."""
        self.page_files: set[str] = set()
        """Serve only: the docs paths of the paper pages in the site dir."""
        self._lock = threading.Lock()
        self._generation = 0
        self._building = False
        self._pending_index: Path | None = None
        self.index_parts = None
        """Serve only: the search index in parts made again alone (search.indexer.IndexParts)."""
        self._index_args: tuple | None = None
        """Serve: what the index of this build is to be made of, once the build is done."""
        self.caching = False
        """Whether this build fills the caches above for the next one: always under serve, and
        for `build` with the `cache` option (site/build_cache.py)."""
        self.site_kept = False
        """Whether the site's generated folders of the last build are in use: their pages that
        did not change are not written again (serve after its first build; `build` with a
        build cache that matches the site)."""
        self.previous_site: Path | None = None
        """Set by `python -m generator build`, which builds into a new folder and swaps it in:
        the folder the last build's site is in (its generated folders are linked into the new
        one, which leaves the last site untouched if this build fails)."""
        self.bundles: dict[str, KeptBundle] = {}
        """`build` with the build cache: the last published index's bundles by part_key."""
        self._state_key = ""
        self._site_dir: Path | None = None
        self._linking: _Background | None = None
        self._state_path: Path | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Start of `mkdocs build` or `mkdocs serve`. Having this hook makes MkDocs keep this
        plugin object across the builds of one `serve` (MkDocs 1.4+), so its caches live on:
        parsed dumps, tags, ids and related papers (data/pipeline.Cache), rendered Markdown
        (pages/render.RenderCache), the built pages whose Markdown did not change
        (site/preview.py), compiled templates, and the search index in parts
        (search/indexer.IndexParts)."""
        self.serving = command == "serve"
        if self.serving:
            self.generated_dir = Path(tempfile.mkdtemp(prefix="papers-serve-"))
        logging.getLogger("mkdocs.commands.build").addFilter(self.quiet)

    def on_shutdown(self) -> None:
        """End of `mkdocs serve`: remove the generated Markdown kept outside the docs dir."""
        if self.generated_dir is not None:
            shutil.rmtree(self.generated_dir, ignore_errors=True)
        if self.index_parts is not None:
            shutil.rmtree(self.index_parts.folder, ignore_errors=True)
        logging.getLogger("mkdocs.commands.build").removeFilter(self.quiet)

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
        """`mkdocs serve`: also watch the dumps and the tag rules that exist outside the docs
        dir (which MkDocs watches already: watched twice, one edit could come as two events far
        enough apart to start two builds); returns the server."""
        settings = self._settings(config)
        docs = Path(config.docs_dir).resolve()
        paths = [*settings.sources, *([settings.tags] if settings.tags is not None else [])]
        for path in paths:
            if path.exists() and docs not in path.resolve().parents and path.resolve() != docs:
                server.watch(str(path))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Collect the archive and write its Markdown pages, feed and papers.json into the docs
        dir (only files whose bytes changed), and start the search index in the background.
        Every problem of the dumps is logged as a warning (`--strict` fails on them). Raises
        PluginError when the dumps, the tag rules or the docs dir cannot be read or written."""
        start = time.perf_counter()
        self.failure = None
        self._site_dir = Path(config.site_dir)
        self.bodies.clear()
        self.later.clear()
        self.paper_pages = []
        if self.indexer is not None:  # serve: an index of the last build still being made
            self.indexer.cancel()
        self.indexer = None
        if self.serving:
            with self._lock:
                self._generation += 1
                self._building = True
            self.caching = True
            self.site_kept = bool(self.kept) or self.shell_fingerprint != ""
        else:
            self._take_build_state(config)
        if self.serving and self.site_kept:
            self._keep_site(config)
        tagged = None
        if self.config.search:
            from ..search.indexer import Indexer, IndexParts

            if self.serving and self.index_parts is None:
                self.index_parts = IndexParts(Path(tempfile.mkdtemp(prefix="papers-index-parts-")))
            self.indexer = indexer = Indexer(log=log.info, parts=self.index_parts,
                                             kept=self.bundles if self.site_kept else None)
            language = config.theme.get("language") or "en"

            # Under serve with an index in place, the new one is made after the build: made
            # during it, it would slow down the rebuild that the writer waits for.
            later = self.serving and kept_index(Path(config.site_dir))

            def tagged(papers: list) -> None:
                # The index needs no related papers: it starts while they are found, and goes
                # on in the background while MkDocs renders.
                if later:
                    self._index_args = (papers, Urls.of(config), language)
                else:
                    indexer.start(papers, Urls.of(config), language)

        docs_dir = self._docs(config)
        try:
            settings = self._settings(config)
            settings.previous = docs_dir / EXPORT
            if not settings.previous.exists():  # serve's first build: what `build` left
                settings.previous = Path(config.docs_dir) / EXPORT
            self.archive = collect(settings, progress=log.info, tagged=tagged,
                                   cache=self.cache if self.caching else None)
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
        if self.serving:  # the next build keeps these papers' ids without reading papers.json
            self.cache.previous = Previous.of(self.archive.papers)
        renderer = Renderer(self.archive, settings.page_size, Urls.of(config), config.site_name,
                            cache=self.render_cache if self.caching else None,
                            language=config.theme.get("language"))
        outputs = renderer.outputs(self._keep_paper_page if self.config.fast_pages else None)
        try:
            if self.serving:
                written, unchanged, removed = self._keep_outputs(outputs, renderer.reused)
            elif self.caching:
                written, unchanged, removed = write_outputs(docs_dir, self._note_outputs(outputs), keep=renderer.reused)
            else:
                written, unchanged, removed = write_outputs(docs_dir, outputs)
        except GeneratorError as exc:
            raise self._fail(str(exc)) from None
        except OSError as exc:
            raise self._fail(f"cannot write {exc.filename or docs_dir}: {exc.strerror or exc}") from None
        for problem in renderer.problems:
            log.warning(str(problem))
        self.stats.update({"markdown s": time.perf_counter() - mark, "files written": written,
                           "files unchanged": unchanged, "files removed": removed,
                           "rss after markdown MiB": _peak_rss_mib()})
        log.info(
            "papers: %d files written, %d unchanged, %d removed in %.1f s",
            written, unchanged, removed, time.perf_counter() - start,
        )
        if not self.serving and self.site_kept and self.previous_site is None:
            self._keep_site(config)  # last: a build that fails before leaves the site as it was
        self._pages_started = time.perf_counter()

    def _keep_site(self, config: MkDocsConfig) -> None:
        """Set the site's generated folders aside before MkDocs empties the site dir
        (preview.keep_site); on_files puts them back. Raises PluginError when it cannot."""
        try:
            keep_site(Path(config.site_dir), trash=self.serving)
        except OSError as exc:
            raise self._fail(f"cannot move aside {exc.filename or config.site_dir}: {exc.strerror or exc}") from None

    def _docs(self, config: MkDocsConfig) -> Path:
        """Where the generated Markdown is written: the docs dir, or under serve a folder
        outside it."""
        return self.generated_dir if self.generated_dir is not None else Path(config.docs_dir)

    def _take_build_state(self, config: MkDocsConfig) -> None:
        """`build`: take the build cache's state (site/build_cache.py) when the `cache` option
        is on and the state matches the site; log why the build starts from scratch if not."""
        self.caching = bool(self.config.cache)
        self.site_kept = False
        self.cache, self.render_cache, self.kept, self.bundles = Cache(exact=True), RenderCache(), {}, {}
        self.shell_fingerprint, self.page_files, self.sitemaps, self.contents = "", set(), {}, {}
        if not self.caching:
            return
        self._state_path = self._cache_dir(config) / build_cache.STATE_FILE
        site = (self.previous_site or Path(config.site_dir)).resolve()
        docs = Path(config.docs_dir).resolve()
        urls = Urls.of(config)
        self._state_key = build_cache.build_key(
            config.config_file_path, dict(self.config), site, docs,
            (urls.site_url, urls.directory_urls, urls.repository, urls.dump_sources,
             config.theme.get("language"), config.site_name))
        state, why = build_cache.take_state(self._cache_dir(config), self._state_key, site, docs)
        if state is None:
            log.info("papers: building everything: %s", why)
            return
        self.site_kept = True
        self.cache, self.render_cache, self.kept, self.bundles = state.data, state.render, state.kept, state.bundles
        self.shell_fingerprint, self.page_files, self.sitemaps = state.shell_fingerprint, state.page_files, state.sitemaps
        self.contents = dict.fromkeys(state.contents, "")
        log.info("papers: build cache in %s matches the site: what did not change is kept",
                 self._cache_dir(config))
        if self.previous_site is not None:
            # Linked on a thread while the archive is collected (the links are system calls,
            # which leave the other core's Python alone); on_files waits for it.
            self._linking = _Background(link_site, self.previous_site, Path(config.site_dir))
            # (into the folder keep_site would use: MkDocs empties the site dir meanwhile)

    def _cache_dir(self, config: MkDocsConfig) -> Path:
        return self._base(config) / self.config.cache_dir

    def _note_outputs(self, outputs):
        """`build` with the build cache: pass `outputs` on, noting the generated files but the
        paper pages (`contents`), the paper pages rendered again (`changed_papers`) and the
        generated files gone since the last build (`gone`)."""
        last, self.contents = self.contents, {}
        self.changed_papers = set()
        for name, text in outputs:
            if name.startswith(PAPERS + "/"):
                self.changed_papers.add(name)
            else:
                self.contents[name] = text if isinstance(text, str) else text.decode("utf-8")
            yield name, text
        self.gone = [name for name in last if name not in self.contents and name.endswith(".md")]

    def _keep_outputs(self, outputs, reused: set[str]) -> tuple[int, int, int]:
        """Serve: write the paper pages' Markdown that changed into generated_dir (read back
        when the pages are written), keep every other generated file in memory for MkDocs, and
        delete the Markdown of papers that are gone. Returns (written, unchanged, removed).
        Raises OSError when a file cannot be written."""
        assert self.generated_dir is not None
        last, self.contents = self.contents, {}
        written = unchanged = 0
        made: set[Path] = set()
        self.changed_papers = set()
        for name, text in outputs:
            if name.startswith(PAPERS + "/"):
                write_changed(self.generated_dir / name, text.encode("utf-8"), lambda *_: False, made)
                self.changed_papers.add(name)
                written += 1
            else:
                self.contents[name] = text
                if last.get(name) == text:
                    unchanged += 1
                else:
                    written += 1
        now = self.changed_papers | reused
        for gone in self.paper_sources - now:
            (self.generated_dir / gone).unlink(missing_ok=True)
        self.gone = [name for name in last if name not in self.contents and name.endswith(".md")]
        removed = len(self.paper_sources - now) + len(last.keys() - self.contents.keys())
        self.paper_sources = now
        return written, unchanged + len(reused), removed

    def _fail(self, message: str) -> PluginError:
        """The error that stops the build; kept in `failure` too, as MkDocs reports a
        PluginError as `Aborted with a BuildError!` and `generator build` names the cause."""
        self.failure = message
        return PluginError(message)

    def _keep_paper_page(self, path: str, meta: dict) -> None:
        self.paper_pages.append(PaperPage(path, meta["title"], meta["description"], meta["paper"]["date"],
                                          meta["paper"].get("head", "")))

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
        if not self.serving:  # under serve, generated files are not in the docs dir (_add_generated)
            for page in self.paper_pages:
                file = files.get_file_from_path(page.src_uri)
                if file is not None:
                    files.remove(file)
        if self.site_kept:
            # The generated folders of the last build go back into the emptied site dir:
            # pages kept (KeptPage) are not written again.
            try:
                if self._linking is not None:
                    linking, self._linking = self._linking, None
                    linking.result()
                restore_site(Path(config.site_dir))
            except OSError as exc:
                raise self._fail(f"cannot move back {exc.filename or config.site_dir}: {exc.strerror or exc}") from None
        if self.serving:
            self._add_generated(files, config)
        return files

    def _add_generated(self, files: Files, config: MkDocsConfig) -> None:
        """Serve: the generated files, written outside the docs dir, as MkDocs File objects
        (as mkdocs-gen-files adds its files); generated files a `build` left in the docs dir
        are not read."""
        for file in list(files):
            top = file.src_uri.split("/", 1)[0]
            if file.src_uri in GENERATED_FILES or (top in GENERATED_DIRS and "/" in file.src_uri):
                files.remove(file)
        for name, content in self.contents.items():
            files.append(File.generated(config, name, content=content))
        if not self.config.fast_pages:  # MkDocs renders the paper pages too: read from their files
            for name in self.paper_sources:
                files.append(File.generated(config, name, abs_src_path=str(self.generated_dir / name)))

    def on_nav(self, nav, /, *, config: MkDocsConfig, files: Files):
        """Keep the site's navigation for the paper pages' theme render. Under serve, a
        generated page outside the nav whose Markdown and site-wide inputs are the last
        build's becomes a KeptPage (site/preview.py): MkDocs neither reads nor writes it, its
        file from the last build stands. Returns `nav` unchanged."""
        self.nav = nav
        if self.caching:
            self.nav_pages = {page.file.src_uri for page in nav.pages}
            self.fingerprint = _fingerprint(config, nav)
            kept, self.kept = (self.kept if self.site_kept else {}), {}
            for name, markdown in self.contents.items():
                last = kept.get(name)
                if (last is not None and last.fingerprint == self.fingerprint and last.markdown == markdown
                        and name not in self.nav_pages):
                    file = files.get_file_from_path(name)
                    if file is not None:  # the Page MkDocs made for it (not in the nav) is replaced
                        KeptPage(file, config, last)
                        self.kept[name] = last
            self.quiet.pages = set(self.kept)
        return nav

    def on_env(self, env, /, *, config: MkDocsConfig, files: Files):
        """Keep the theme's Jinja environment and the site's files for the paper pages, and give
        lean pages their template globals (site/lean_pages.py); returns `env`."""
        self.env, self.files = env, files
        # MkDocs makes this environment for one build, in which no template changes: no file
        # check of every template at every use (thousands per build on a slow disk).
        env.auto_reload = False
        if self.lean:
            lean_pages.setup(env)
        if self.caching:
            env.loader = ChoiceLoader([DictLoader({REUSED_TEMPLATE: ""}), env.loader])
        if self.serving:
            env.bytecode_cache = self.theme_templates
        elif self.caching:  # the theme's templates, compiled once for every build
            folder = self._cache_dir(config) / "templates"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                env.bytecode_cache = FileSystemBytecodeCache(str(folder))
            except OSError:  # no cache: compiled again, as without one
                pass
        if self.site_kept:
            self._unlink_rewritten(files, Path(config.site_dir))
        return env

    def _unlink_rewritten(self, files: Files, site_dir: Path) -> None:
        """Before MkDocs writes: delete the files of the kept folders that it will write again
        (every page but the KeptPages, every static file), so that it writes new files instead
        of writing through hard links into the last site (`generator build`, site/preview.py's
        link_site). Raises OSError when one cannot be deleted."""
        for file in files:
            if isinstance(file.page, KeptPage) or file.dest_uri.split("/", 1)[0] not in KEPT_DIRS:
                continue
            try:
                os.unlink(os.path.join(site_dir, file.dest_uri))
            except FileNotFoundError:
                pass

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
        urls = Urls.of(config)
        pages = self.paper_pages
        unchanged = 0
        if self.caching:
            now = {p.src_uri for p in pages}
            for gone in self.page_files - now if self.site_kept else ():  # pages of papers that are gone, kept from the last build
                (site_dir / urls.output(gone)).unlink(missing_ok=True)
            self.page_files = now
            # Under the same theme render, only the pages whose Markdown changed are written:
            # the others, kept from the last build, hold what they would be written with.
            if self.site_kept and self.shell_fingerprint == self.fingerprint:
                pages = [p for p in pages if p.src_uri in self.changed_papers]
                unchanged = len(self.paper_pages) - len(pages)
            self.shell_fingerprint = self.fingerprint
        written, same = write_pages(pages, shell_for, self._docs(config), site_dir, urls)
        unchanged += same
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
        if isinstance(page, KeptPage):
            return ""
        # A listing's list of papers is one raw HTML block too, which Python-Markdown's HTML
        # parser reads slowly (most of a listing page's time): it stands aside meanwhile.
        lists = [m.group(0) for m in _PAPER_LIST.finditer(markdown)]
        if lists:
            if self.lean and page.meta.get("listing"):
                # A lean listing's lists come back in its written page only (on_post_page):
                # MkDocs keeps every page's content until the build ends, and the lists are most
                # of a listing's bytes (400 MB of memory at 100,000 papers). Compressed meanwhile.
                self.later[page.file.src_uri] = zlib.compress(_LISTS_SEP.join(lists).encode("utf-8"), 1)
            else:
                self.lists[page.file.src_uri] = lists
            markdown = _PAPER_LIST.sub(lambda m: _STAND_IN, markdown)
        return markdown

    def on_page_content(self, html: str, /, *, page, config: MkDocsConfig, files) -> str:
        """After Markdown: put back what on_page_markdown set aside (a paper page's body, a
        listing's lists at their stand-ins). Returns the page's HTML content."""
        body = self.bodies.pop(page.file.src_uri, None)
        if body is not None:
            return body
        if isinstance(page, KeptPage):
            return html
        if self.caching and page.file.src_uri in self.contents and page.file.src_uri not in self.nav_pages:
            # Not in the nav, a generated page's HTML follows from its Markdown alone: the next
            # build keeps its file while the Markdown and the fingerprint stay the same.
            self.kept[page.file.src_uri] = Kept(self.fingerprint, self.contents[page.file.src_uri],
                                                frozenset(page.present_anchor_ids or ()))
        lists = self.lists.pop(page.file.src_uri, None)
        return _put_back(html, lists) if lists else html

    def on_post_page(self, output: str, /, *, page, config: MkDocsConfig) -> str:
        """A page's whole HTML after the theme: minified, with its Content-Security-Policy
        (site/finish.py; under `mkdocs serve` one that lets its reload script run). Under serve,
        a generated page kept from the last build (KeptPage) gives nothing: its file stands.
        Returns the HTML to write."""
        if isinstance(page, KeptPage):  # its file, from the last build, is in the site already
            return ""
        later = self.later.pop(page.file.src_uri, None)
        if later is not None:
            output = _put_back(output, zlib.decompress(later).decode("utf-8").split(_LISTS_SEP), "</article>")
        return finish_page(output, self.serving)

    def on_build_error(self, *, error: Exception) -> None:
        """A build failed (serve goes on): what it left in the site dir is not to be trusted,
        so the next build writes every page again."""
        self.kept = {}
        self.shell_fingerprint = ""
        if self._state_path is not None:  # written by on_post_build before a strict build's end
            self._state_path.unlink(missing_ok=True)
        if self._linking is not None:  # the caller deletes the new site dir: not while linking
            self._linking.join()
            self._linking = None
        if self.site_kept and not self.serving and self._site_dir is not None:
            # What keep_site set aside and on_files did not put back yet.
            try:
                restore_site(self._site_dir)
            except OSError:
                pass

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
        return finish_page(output_content, self.serving) if template_name.endswith(".html") else output_content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """After MkDocs wrote the site: write the lean pages' script and stylesheet and the paper
        pages, split the sitemap (with a site_url), and move the search index in. Raises
        PluginError when a file of the site cannot be written or the index failed."""
        try:
            self._post_build(config)
        except OSError as exc:  # the site's own files: a full disk, no permission
            raise self._fail(f"cannot write {exc.filename or config.site_dir}: {exc.strerror or exc}") from None

    def _post_build(self, config: MkDocsConfig) -> None:
        if self.site_kept:  # the pages of listings that are gone, kept from the last build
            for name in self.gone:
                (Path(config.site_dir) / Urls.of(config).output(name)).unlink(missing_ok=True)
        if self.lean:  # what lean pages leave out, written once (see lean_pages.py)
            lean_pages.write_chrome(config, self.env, self.nav, self.files)
        urls = Urls.of(config)
        paper_urls = [urls.url(p.src_uri) for p in self.paper_pages]
        if self.paper_pages:
            self._write_paper_pages(config)
            self.paper_pages = []
        split_sitemap(Path(config.site_dir), paper_urls, urls, self.sitemaps if self.caching else None)
        self.stats["mkdocs s"] = time.perf_counter() - self._pages_started
        self.stats["rss after mkdocs MiB"] = _peak_rss_mib()
        if self.serving and self.indexer is not None and (Path(config.site_dir) / "pagefind").is_dir():
            # Serve: the last build's index stays while this one is made in the background.
            self._index_later(Path(config.site_dir))
        elif self.indexer is not None:
            # The indexer leaves each bundle stable already (search.bundle.stabilize_bundle).
            try:
                self.stats["pagefind s"] = self.indexer.finish(Path(config.site_dir))
            except GeneratorError as exc:
                raise self._fail(str(exc)) from None
            report_unindexed(self.indexer)
            self.stats["pagefind rss MiB"] = _peak_rss_mib(children=True)
            if self.serving:
                write_search_status(Path(config.site_dir), updating=False)
            self.bundles = self.indexer.bundles
        with self._lock:
            self._building = False
            pending, self._pending_index = self._pending_index, None
            if pending is not None:
                swap_index(Path(config.site_dir), pending)
                write_search_status(Path(config.site_dir), updating=False)
        if not self.serving:  # GitHub's limits, said before the host refuses the site (site/limits.py)
            size = limits.measure(Path(config.site_dir))
            for text in limits.warnings(size):
                # Over the limits a warning (`--strict` fails); nearing them, a line of the log.
                (log.warning if size.total > limits.SITE_LIMIT or size.large_files else log.info)("papers: " + text)
        if self.caching and not self.serving:
            self._save_build_state(config)
        report = os.environ.get("PAPERS_TIMINGS")
        if report:  # the benchmarks read the stage timings from here
            Path(report).write_text(json.dumps(self.stats, indent=1), encoding="utf-8")


    def _save_build_state(self, config: MkDocsConfig) -> None:
        """`build` with the build cache: leave what this build made for the next one
        (site/build_cache.py). A state that cannot be written is one warning: this build
        stands, the next starts from scratch."""
        start = time.perf_counter()
        self.cache.dumps = {}  # parsed again faster than unpickled
        state = build_cache.BuildState(
            self._state_key, build_cache.snapshot(Path(config.site_dir), Path(config.docs_dir)),
            self.cache, self.render_cache, self.kept, self.shell_fingerprint, self.page_files,
            set(self.contents), self.sitemaps, self.bundles if self.indexer is not None else {})
        try:
            build_cache.save_state(self._cache_dir(config), state)
        except OSError as exc:
            log.warning("papers: build cache not saved, the next build starts from scratch: cannot write %s: %s",
                        exc.filename or self._cache_dir(config), exc.strerror or exc)
        self.stats["build cache s"] = time.perf_counter() - start

    def _index_later(self, site_dir: Path) -> None:
        """Serve: finish this build's search index on a thread and swap it in for the last
        one, unless a newer build has started by then (its own index replaces it)."""
        indexer, generation, args = self.indexer, self._generation, self._index_args
        self._index_args = None
        log.info("papers: search index updating in the background; search shows the last build's papers until then")
        write_search_status(site_dir, updating=True)

        def run() -> None:
            staging = Path(tempfile.mkdtemp(prefix="papers-index-"))
            try:
                if args is not None:
                    indexer.start(*args)
                indexer.finish(staging)
            except GeneratorError as exc:
                if "cancelled" not in str(exc):
                    log.warning(str(exc))
                shutil.rmtree(staging, ignore_errors=True)
                return
            with self._lock:
                if generation != self._generation:
                    shutil.rmtree(staging, ignore_errors=True)
                elif self._building:
                    self._pending_index = staging / "pagefind"
                else:
                    swap_index(site_dir, staging / "pagefind")
                    write_search_status(site_dir, updating=False)
                    report_unindexed(indexer)
                    parts = indexer.preview_parts
                    log.info("papers: search index updated"
                             + (f" ({parts.indexed} of {indexer.parts} parts made again)" if parts else ""))

        threading.Thread(target=run, name="pagefind-serve", daemon=True).start()


class _Background(threading.Thread):
    """`function(*args)` on a thread of its own; `result()` waits for it and raises what it
    raised."""

    def __init__(self, function, *args) -> None:
        super().__init__(name=f"papers-{function.__name__}", daemon=True)
        self._call = (function, args)
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        function, args = self._call
        try:
            function(*args)
        except BaseException as exc:  # handed to result()
            self._error = exc

    def result(self) -> None:
        """Wait for the call; raise its exception, if any."""
        self.join()
        if self._error is not None:
            raise self._error


def _fingerprint(config: MkDocsConfig, nav) -> str:
    """What every page's HTML depends on besides its Markdown (serve): the config file, the
    theme's own files (overrides/) and the nav."""
    parts = [repr([(page.title, page.url) for page in nav.pages]), str(config.site_url)]
    paths = [Path(config.config_file_path)] if config.config_file_path else []
    custom = config.theme.custom_dir
    if custom and Path(custom).is_dir():
        paths += sorted(p for p in Path(custom).rglob("*") if p.is_file())
    for path in paths:
        stat = path.stat()
        parts.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _peak_rss_mib(children: bool = False) -> float:
    """Peak resident memory so far of this process (or of its finished children), in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def report_unindexed(indexer: Indexer, warn=log.warning) -> int:
    """Each paper Pagefind left out of the index, as a warning by `warn` naming where it was
    read (the build goes on; `--strict` fails on it); returns how many."""
    for paper in indexer.unindexed:
        where = f"{paper.sources[0].file}:{paper.sources[0].line}" if paper.sources else paper.id
        warn(f"{where}: not in the search index: Pagefind found no word to index in {paper.title[:80]!r}")
    return len(indexer.unindexed)
