"""The `papers` plugin's options: the one place that names them, types them and gives their
defaults, and the loading of mkdocs.yml that `mkdocs build` and `python -m generator` share.

MkDocs validates these options when it loads mkdocs.yml (`mkdocs build`, `mkdocs serve`); the
command line loads mkdocs.yml through the same `mkdocs.config.load_config`, so both see the
same values. `resolve` turns validated options into the pipeline's `Settings`, paths taken
from the folder of mkdocs.yml.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config, ValidationError

from ..data.model import ConfigError
from ..data.pipeline import Settings

FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The page years `page_years` accepts."""


class WholeNumber(opt.Type):
    """An int of at least `minimum` (not a bool, which Python counts as an int)."""

    def __init__(self, minimum: int, default: int) -> None:
        super().__init__(int, default=default)
        self.minimum = minimum

    def run_validation(self, value: object) -> int:
        """The value, checked; a ValidationError naming it when it is not a whole number >= minimum."""
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            raise ValidationError(f"expected a whole number of at least {self.minimum}, got {value!r}")
        return value


class PageYears(opt.BaseConfigOption[dict]):
    """A page year (FIRST_YEAR to LAST_YEAR) per dump file name; every bad entry is named."""

    def __init__(self) -> None:
        super().__init__()
        self.default = {}

    def run_validation(self, value: object) -> dict[str, int]:
        """`{file name: year}`, checked; a ValidationError naming every entry that is not one."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValidationError(f"expected a mapping of dump file names to years, got {value!r}")
        bad = {k: v for k, v in value.items()
               if not isinstance(k, str) or isinstance(v, bool) or not isinstance(v, int)
               or not FIRST_YEAR <= v <= LAST_YEAR}
        if bad:
            raise ValidationError(f"expected a year from {FIRST_YEAR} to {LAST_YEAR} for each dump file name, "
                                  f"got {bad}")
        return dict(value)


class PapersConfig(Config):
    """Options of `plugins: - papers:` in mkdocs.yml, with their defaults."""

    sources = opt.ListOfItems(opt.Type(str), default=["content/raw"])
    """Dump files or folders, relative to mkdocs.yml."""
    tags = opt.Optional(opt.Type(str))
    """Tag rules (YAML), relative to mkdocs.yml; no tags when unset."""
    page_years = PageYears()
    """Page year per dump file name, overriding the year rule."""
    related = WholeNumber(minimum=0, default=5)
    """Related papers per paper page (0 to skip the step)."""
    page_size = WholeNumber(minimum=1, default=50)
    """Papers per listing page."""
    search = opt.Type(bool, default=True)
    """Build the Pagefind index after the site."""
    cache = opt.Type(bool, default=True)
    """Keep what a build made for the next `build` (site/caches.py): pages, listings and
    search bundles whose inputs did not change are taken from the last build."""
    cache_dir = opt.Type(str, default=".cache/papers")
    """Where the build cache lives, relative to mkdocs.yml."""
    fast_pages = opt.Type(bool, default=True)
    """Render paper pages from one theme render per URL depth (see paper_pages.py) instead of one
    MkDocs page each; the pages are the same."""


def papers_config(options: Mapping | None = None, config_file: str | None = None) -> PapersConfig:
    """Validate plugin options as MkDocs does (`{}` or None: every default).

    Raises ConfigError naming every option that is not valid."""
    config = PapersConfig(config_file_path=config_file)
    config.load_dict(dict(options or {}))
    errors, warnings = config.validate()
    if errors:
        raise ConfigError("; ".join(f"papers option '{key}': {error}" for key, error in errors))
    for key, warning in warnings:
        logging.getLogger("mkdocs.plugins.papers").warning("papers option '%s': %s", key, warning)
    return config


def resolve(config: PapersConfig, base: Path) -> Settings:
    """The pipeline's Settings from validated options, relative paths taken from `base` (the
    folder of mkdocs.yml)."""
    return Settings(
        sources=[base / s for s in config.sources],
        tags=(base / config.tags) if config.tags else None,
        page_years=dict(config.page_years),
        related=config.related,
        page_size=config.page_size,
    )


def default_settings(base: Path = Path("."), **options) -> Settings:
    """Settings for plugin `options` given as keywords (paths may be Path objects), validated,
    every other option at its default: for tests, benchmarks and scripts.

    Raises ConfigError naming every option that is not valid."""
    if "sources" in options:
        options["sources"] = [os.fspath(s) for s in options["sources"]]
    if options.get("tags") is not None:
        options["tags"] = os.fspath(options["tags"])
    return resolve(papers_config(options), base)


class _Errors(logging.Filter):
    """Takes the errors MkDocs logs while it validates a config (it then raises a bare Abort),
    so that they are reported once, in the ConfigError; warnings go on to the log."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        self.messages.append(record.getMessage())
        return False


def load_mkdocs(config_file: str | Path, **overrides):
    """mkdocs.yml loaded and validated by MkDocs itself (`mkdocs.config.load_config`), with
    `overrides` of its settings (e.g. strict=True); returns the MkDocsConfig.

    Raises ConfigError (one message naming every error MkDocs found) when the file is missing
    or not valid. MkDocs' warnings go to its log as in `mkdocs build`."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if not Path(config_file).is_file():
        raise ConfigError(f"config file not found: {config_file}")
    errors = _Errors()
    logger = logging.getLogger("mkdocs.config")
    logger.addFilter(errors)
    try:
        return load_config(str(config_file), **overrides)
    except Abort as exc:
        raise ConfigError(f"{config_file}: {'; '.join(errors.messages) or exc}") from None
    except ConfigurationError as exc:
        raise ConfigError(f"{config_file}: {exc}") from None
    finally:
        logger.removeFilter(errors)


def plugin_of(mkdocs_config, config_file: str | Path):
    """The `papers` plugin instance of a loaded MkDocsConfig; its `.config` is the PapersConfig.

    Raises ConfigError when mkdocs.yml does not enable the plugin."""
    plugin = mkdocs_config.plugins.get("papers")
    if plugin is None:
        raise ConfigError(f"{config_file}: the `papers` plugin is not enabled under `plugins:`")
    return plugin
