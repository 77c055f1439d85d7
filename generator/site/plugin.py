"""The `papers` MkDocs plugin: runs the generator on every `mkdocs build` and `mkdocs serve`.

Hooks over managers, as Material's tags and blog plugins are: each hook says *when*, and calls
the module that owns *what*: site/build.py (gather the archive before MkDocs reads the docs
dir, finish the site after it wrote it), site/lists.py (what stands aside while Markdown runs),
site/caches.py (every cache and its invalidation), site/preview.py (what `serve` keeps). What
the hooks share is one BuildState with its Mode (site/state.py); docs/architecture.md draws it.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.utils import is_error_template, normalize_url

from ..pages.urls import FEED, PAPERS, SITEMAP, Urls
from . import build, lean_pages, theme
from .config import PapersConfig
from .csp import theme_fonts
from .finish import finish_page
from .preview import Kept, KeptPage, markdown_digest
from .state import BuildState, Mode

log = logging.getLogger("mkdocs.plugins.papers")


class PapersPlugin(BasePlugin[PapersConfig]):
    """Generate the archive's pages into the docs dir before MkDocs reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.state = BuildState()
        """Everything the hooks share: this build's and the caches kept for the next."""

    @property
    def serving(self) -> bool:
        """Whether this plugin runs under `mkdocs serve`."""
        return self.state.mode is Mode.SERVE

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Start of `mkdocs build` or `mkdocs serve`. Having this hook makes MkDocs keep this
        plugin object across the builds of one `serve` (MkDocs 1.4+), so its caches live on
        (site/caches.py): under serve the mode is SERVE and the generated Markdown goes to a
        folder outside the watched docs dir."""
        if command == "serve":
            self.state.mode = Mode.SERVE
            self.state.generated_dir = Path(tempfile.mkdtemp(prefix="papers-serve-"))
        logging.getLogger("mkdocs.commands.build").addFilter(self.state.quiet)
        self.state.collector = build.collect_less()

    def on_shutdown(self) -> None:
        """End of `mkdocs serve`: remove the generated Markdown kept outside the docs dir and
        the search index's parts."""
        if self.state.generated_dir is not None:
            shutil.rmtree(self.state.generated_dir, ignore_errors=True)
        if self.state.caches.index_parts is not None:
            shutil.rmtree(self.state.caches.index_parts.folder, ignore_errors=True)
        logging.getLogger("mkdocs.commands.build").removeFilter(self.state.quiet)
        if self.state.collector is not None:
            gc.set_threshold(*self.state.collector)
            self.state.collector = None

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
        theme.add_theme(config)  # the archive's templates and assets, from the package (site/theme.py)
        self.state.lean = lean_pages.theme_is_lean(config)
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

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):
        """`mkdocs serve`: also watch the dumps and the tag rules that exist outside the docs
        dir (which MkDocs watches already: watched twice, one edit could come as two events far
        enough apart to start two builds); returns the server."""
        settings = build.settings_of(self.config, config)
        docs = Path(config.docs_dir).resolve()
        paths = [*settings.sources, *([settings.tags] if settings.tags is not None else [])]
        for path in paths:
            if path.exists() and docs not in path.resolve().parents and path.resolve() != docs:
                server.watch(str(path))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Collect the archive and write its Markdown pages, feed and papers.json into the docs
        dir (only files whose bytes changed), and start the search index in the background
        (build.gather). Every problem of the dumps is logged as a warning (`--strict` fails on
        them). Raises PluginError when the dumps, the tag rules or the docs dir cannot be read
        or written."""
        build.gather(self.state, self.config, config)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """The files MkDocs builds, less the paper pages the plugin writes itself and, without a
        site_url, the theme's sitemap template (build.files). Returns `files`, changed in place."""
        sitemap = files.get_file_from_path(SITEMAP)
        if not config.site_url and sitemap is not None and not sitemap.abs_src_path.startswith(
                os.path.join(os.path.abspath(config.docs_dir), "")):
            files.remove(sitemap)
        return build.files(self.state, files, config, self.config.fast_pages)

    def on_nav(self, nav, /, *, config: MkDocsConfig, files: Files):
        """Keep the site's navigation for the paper pages' theme render; in a caching mode, a
        generated page outside the nav whose Markdown and site-wide inputs are the last
        build's becomes a KeptPage (build.nav). Returns `nav` unchanged."""
        build.nav(self.state, nav, config, files)
        return nav

    def on_env(self, env, /, *, config: MkDocsConfig, files: Files):
        """Keep the theme's Jinja environment and the site's files for the paper pages, give
        lean pages their template globals and compiled templates their cache (build.env);
        returns `env`."""
        build.env(self.state, env, config, files)
        return env

    def on_page_markdown(self, markdown: str, /, *, page, config: MkDocsConfig, files) -> str:
        """Before Markdown runs on a page: generated paper and listing pages get the lean
        template; a paper page's body (raw HTML) and a listing's lists of papers stand aside
        (site/lists.py) and come back in on_page_content. Returns the Markdown left to convert."""
        generated = page.meta.get("paper") and page.file.src_uri.startswith(PAPERS + "/")
        lean_listing = self.state.lean and page.meta.get("listing")
        if self.state.lean and (generated or lean_listing):
            page.meta.setdefault("template", lean_pages.LEAN)
        if isinstance(page, KeptPage) and not generated:
            return ""
        return self.state.aside.markdown(page.file.src_uri, markdown, bool(generated), bool(lean_listing))

    def on_page_content(self, html: str, /, *, page, config: MkDocsConfig, files) -> str:
        """After Markdown: put back what on_page_markdown set aside (a paper page's body, a
        listing's lists at their stand-ins). Returns the page's HTML content."""
        state, name = self.state, page.file.src_uri
        body = state.aside.body(name)
        if body is not None:
            return body
        if isinstance(page, KeptPage):
            return html
        if state.mode.caching and name in state.caches.contents and name not in state.nav_pages:
            # Not in the nav, a generated page's HTML follows from its Markdown alone: the next
            # build keeps its file while the Markdown and the fingerprint stay the same.
            state.caches.kept[name] = Kept(state.fingerprint, markdown_digest(state.caches.contents[name]),
                                           frozenset(page.present_anchor_ids or ()))
        return state.aside.content(name, html)

    def on_post_page(self, output: str, /, *, page, config: MkDocsConfig) -> str:
        """A page's whole HTML after the theme, a lean listing's lists back: minified, with its
        Content-Security-Policy (site/finish.py; under `mkdocs serve` one that lets its reload
        script run). A page kept from the last build (KeptPage) gives nothing: its file stands.
        Returns the HTML to write."""
        if isinstance(page, KeptPage):
            return ""
        return finish_page(self.state.aside.output(page.file.src_uri, output), self.serving, theme_fonts(config))

    def on_build_error(self, *, error: Exception) -> None:
        """A build failed (serve goes on): what it left in the site dir is not to be trusted,
        so the next build writes every page again (build.failed)."""
        build.failed(self.state)

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
        return (finish_page(output_content, self.serving, theme_fonts(config)) if template_name.endswith(".html")
                else output_content)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """After MkDocs wrote the site: write the lean pages' script and stylesheet and the paper
        pages, split the sitemap (with a site_url), move the search index in and leave the
        build cache (build.finish). Raises PluginError when a file of the site cannot be
        written or the index failed."""
        build.finish(self.state, self.config, config)

    @property
    def failure(self) -> str | None:
        """What stopped the last build, for `generator build` to report."""
        return self.state.failure

