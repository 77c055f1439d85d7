"""The `papers` MkDocs plugin: runs the generator on every `mkdocs build` and `mkdocs serve`."""

from __future__ import annotations

import calendar
import logging
import os
import time
from datetime import date
from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from .model import GeneratorError
from .pipeline import Archive, collect, settings_from_options
from .postprocess import finish_page
from .render import render, write_outputs

log = logging.getLogger("mkdocs.plugins.papers")


class PapersConfig(Config):
    """Options of `plugins: - papers:` in mkdocs.yml."""

    sources = opt.ListOfItems(opt.Type(str), default=["content/raw"])
    """Dump files or folders, relative to mkdocs.yml."""
    tags = opt.Optional(opt.Type(str))
    """Tag rules (YAML), relative to mkdocs.yml; no tags when unset."""
    page_years = opt.DictOfItems(opt.Type(int), default={})
    """Page year per dump file name, overriding the year rule."""
    related = opt.Type(int, default=5)
    """Related papers per paper page (0 to skip the step)."""
    page_size = opt.Type(int, default=50)
    """Papers per listing page."""
    search = opt.Type(bool, default=True)
    """Build the Pagefind index after the site."""


class PapersPlugin(BasePlugin[PapersConfig]):
    """Generate the archive's pages into the docs dir before MkDocs reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.archive: Archive | None = None
        self.is_serve = False
        self.own_epoch = "SOURCE_DATE_EPOCH" not in os.environ

    def on_startup(self, *, command, dirty) -> None:
        self.is_serve = command == "serve"

    def _base(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or "mkdocs.yml").resolve().parent

    def _settings(self, config: MkDocsConfig):
        return settings_from_options(dict(self.config), self._base(config))

    def on_serve(self, server, /, *, config: MkDocsConfig, builder):
        settings = self._settings(config)
        for source in settings.sources:
            if source.exists():
                server.watch(str(source))
        if settings.tags is not None and settings.tags.exists():
            server.watch(str(settings.tags))
        return server

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        start = time.perf_counter()
        try:
            settings = self._settings(config)
            self.archive = collect(settings, progress=log.info)
        except GeneratorError as exc:
            raise PluginError(str(exc)) from None
        if self.own_epoch:
            # MkDocs dates the sitemap with the build day; dating it with the newest paper
            # makes two builds of the same dumps byte-identical.
            newest = next((p.date for p in self.archive.papers if p.date), date(1970, 1, 1))
            os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(newest.timetuple()))
        # Problems are warnings: `mkdocs build --strict` fails on them, a plain build goes on.
        for problem in self.archive.problems:
            log.warning(str(problem))
        outputs = render(self.archive, settings.page_size, config.site_url, config.site_name,
                         config.use_directory_urls)
        written, unchanged, removed = write_outputs(Path(config.docs_dir), outputs)
        log.info(
            "papers: %d files written, %d unchanged, %d removed in %.1f s",
            written, unchanged, removed, time.perf_counter() - start,
        )

    def on_post_page(self, output: str, /, *, page, config: MkDocsConfig) -> str:
        return finish_page(output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.search:
            return
        from .search import index_site

        try:
            index_site(Path(config.site_dir), log=log.info)
        except GeneratorError as exc:
            raise PluginError(str(exc)) from None
