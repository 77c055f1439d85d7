"""Build the archive with Zensical, Material for MkDocs' successor, instead of MkDocs.

Zensical reads mkdocs.yml, renders the docs dir's Markdown with its Material-compatible theme
and one `theme.custom_dir`, and copies the docs dir's other files and that folder's assets into
the site; but it runs no MkDocs plugin ("Configuration for plugins
not listed under Supported plugins is silently ignored. Zensical does not import or run them":
https://zensical.org/docs/compatibility/mkdocs/plugins/). So what the papers plugin does in
MkDocs' hooks that the site needs is done here, around one `zensical build`:

- before it (`python -m generator build --engine zensical`, generator/cli.py): the Markdown
  pages, feed and papers.json written into the docs dir, as `generate` writes them, and the
  Pagefind index started from the papers (search/indexer.py) on the other core;
- Zensical builds into a folder of the project: it takes `site_dir` only inside the folder of
  the config file (zensical/config.py, `_apply_defaults`: "site_dir must be within project
  root") and has no option to name another, so it reads a config file of ours that INHERITs
  mkdocs.yml (`derived_config`); its `custom_dir` is a copy of the archive's theme
  (generator/theme/, which the plugin adds to MkDocs' theme folders) with the site's own
  `custom_dir` over it (site/theme.py `merged_theme`), and its `extra.papers_urls` the site
  paths the theme's templates read (pages/urls.py `Urls.theme_paths`), as the plugin sets them;
- after it (`finish_site`): every HTML page finished as the plugin's on_post_page finishes it
  (site/finish.py: Content-Security-Policy, whitespace), the 404 page's links made relative as
  the plugin makes them (Urls.error_base), the sitemap split as the plugin splits it, or left
  out without a site_url; then the redirect pages written at published URLs whose paper
  moved (site/redirects.py) and the search index moved in.

Paper and listing pages are full pages of the theme (main.html): lean pages need the script
that the MkDocs plugin renders once per build from the theme (site/lean_pages.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..data.model import GeneratorError
from ..data.pipeline import Archive
from ..pages.urls import SITEMAP, Urls
from . import limits, theme
from .finish import finish_page
from .paper_pages import split_sitemap
from .redirects import write_redirects

TESTED = "0.0.73"
"""The Zensical version the tests build the archive with (pyproject.toml's test extra). Later
ones (0.0.74 and up) depend on `zensical-ui`, which this project's package index does not serve."""
INSTALL = f"pip install zensical=={TESTED}"
ZENSICAL_SEARCH = "search.json"
"""Zensical's own search index, written empty with its search off (finish_site removes it)."""
STYLES = "assets/papers-zensical.css"
"""Material's search box styles, which Zensical's theme leaves out (generator/theme/assets/)."""
# Zensical's own search index (search.json: 1.5 MB for the 394 sample papers, its search box is
# not on the archive's pages) is turned off: the archive searches with Pagefind. The classic
# variant keeps Material for MkDocs' look, for which the archive's theme and papers.css are written
# ("additional CSS and JavaScript work without changes when using the classic theme":
# https://zensical.org/docs/compatibility/mkdocs/).
_DERIVED = """\
# Written by `python -m generator build --engine zensical` for one build, then removed.
INHERIT: {parent}
site_dir: {site_dir}
plugins:
  - search:
      enabled: false
extra_css:
  - {styles}
extra:
  {extra_key}: {paths}
theme:
  custom_dir: {custom_dir}
"""
_CLASSIC = """\
  variant: classic
"""
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Root-absolute links of Zensical's 404.html without a site_url: `href="/assets/…"`.
_ROOT_LINK = re.compile(r'(\s(?:href|src|action|data-md-scope)=")/(?!/)')


def installed_version() -> str:
    """The installed Zensical's version. Raises GeneratorError (saying how to install it) when
    it is not installed."""
    try:
        return metadata.version("zensical")
    except metadata.PackageNotFoundError:
        raise GeneratorError(f"Zensical is not installed: {INSTALL} (or pip install -e '.[test]')") from None


def derived_config(config_file: Path, site_dir: Path, variant: str | None, custom_dir: Path,
                   urls: Urls | None = None) -> str:
    """The text of the config file Zensical builds from: `config_file` (mkdocs.yml) by
    Zensical's `INHERIT`, with `site_dir` and `custom_dir` (the merged theme folder,
    theme.merged_theme; both relative to the config file's folder, which they must be inside),
    Zensical's own search off, Material's search box styles (STYLES) after mkdocs.yml's
    extra_css, the site paths of `urls` (default rules without) in `extra.papers_urls`, and the
    classic theme variant unless mkdocs.yml names a `variant`. Zensical merges the two files
    mapping by mapping, appending lists (zensical/config.py `_yaml_load`: deepmerge's
    always_merger)."""
    text = _DERIVED.format(parent=config_file.name, site_dir=site_dir.as_posix(), styles=STYLES,
                           extra_key=theme.EXTRA_KEY, paths=json.dumps((urls or Urls()).theme_paths()),
                           custom_dir=custom_dir.as_posix())
    return text + ("" if variant else _CLASSIC)


@dataclass
class Run:
    """What one `zensical build` said."""

    output: str
    """Its standard output and error, without colours."""

    @property
    def summary(self) -> list[str]:
        """Its summary lines: the issues its checks found, and the build time."""
        return [line for line in self.output.splitlines()
                if re.match(r"(\d+ issues? found|No issues found|Build finished)", line)]


def run_zensical(config_file: Path, site_dir: Path, variant: str | None = None, strict: bool = False,
                 custom_dir: Path | None = None, urls: Urls | None = None) -> Run:
    """`zensical build` of `config_file` into `site_dir`, which must lie inside the config
    file's folder (Zensical empties it first); with `strict`, `zensical build --strict`, which
    fails on any issue its checks find (links to missing pages or anchors). The derived config
    (`derived_config`, with the paths of `urls`) and the merged theme folder (the archive's
    theme with the site's `custom_dir` over it) are written beside `config_file` for the build
    and removed after it. Raises GeneratorError with Zensical's last line when the build fails,
    OSError when the theme folder cannot be written."""
    root = config_file.parent
    derived = root / f"{site_dir.name}.yml"
    merged = theme.merged_theme(custom_dir, root / f"{site_dir.name}.theme")
    derived.write_text(derived_config(config_file, site_dir.relative_to(root), variant, merged.relative_to(root), urls),
                       encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    try:
        command = [sys.executable, "-m", "zensical", "build", "-f", derived.name] + (["--strict"] if strict else [])
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    finally:
        derived.unlink(missing_ok=True)
        shutil.rmtree(merged, ignore_errors=True)
    output = _ANSI.sub("", result.stdout + result.stderr)
    if result.returncode != 0:
        last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "no output")
        raise GeneratorError(f"zensical build failed: {last}")
    return Run(output)


def finish_site(site_dir: Path, urls: Urls) -> int:
    """Finish the pages Zensical wrote into `site_dir` as the MkDocs plugin finishes its own:
    each HTML page through site/finish.py (Content-Security-Policy, whitespace); the 404 page's
    root-absolute links relative to the site's root without a site_url (Urls.error_base: the
    site then works under any sub-path); the sitemap split into an index of sitemaps
    (paper_pages.split_sitemap) with a site_url, or removed without one (Zensical writes it
    empty: a sitemap names absolute URLs); Zensical's own search index removed. Returns the
    number of HTML pages. Raises OSError when a file cannot be read or written."""
    pages = 0
    for path in sorted(site_dir.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        if path.parent == site_dir and path.name == "404.html" and not urls.site_url:
            base = urls.error_base()  # "."; with a site_url Zensical starts them from its path already
            html = _ROOT_LINK.sub(rf"\g<1>{base}/", html).replace(f'data-md-scope="{base}/"', f'data-md-scope="{base}"')
        finished = finish_page(html)
        if finished != html:
            path.write_text(finished, encoding="utf-8")
        pages += 1
    if urls.site_url:
        split_sitemap(site_dir, [], urls)
    else:
        for name in (SITEMAP, SITEMAP + ".gz"):
            (site_dir / name).unlink(missing_ok=True)
    # Zensical's own search index, which it writes empty with its search off.
    (site_dir / ZENSICAL_SEARCH).unlink(missing_ok=True)
    return pages


def build(config_file: Path, site_dir: Path, urls: Urls, variant: str | None, indexer,
          say: Callable[[str], None] = print, verbose: bool = False, strict: bool = False,
          custom_dir: Path | None = None, archive: Archive | None = None) -> bool:
    """Build the site of `config_file` (mkdocs.yml, whose docs dir holds the generated pages)
    into `site_dir` (inside the config file's folder) with Zensical (`run_zensical`, with the
    site's theme `custom_dir` over the archive's theme), finish it
    (`finish_site`), write the redirect pages of `archive` (the collected archive: its papers
    whose published URL moved, site/redirects.py, docs/permalinks.md), move the search index
    of `indexer` (a started search.indexer.Indexer, or None) in, and measure the site against GitHub's limits as the plugin does (site/limits.py).
    `say` gets Zensical's summary (all its output with `verbose`) and what limits.warnings
    says. Returns whether the site is over a limit. Raises GeneratorError when Zensical (with
    `strict`, on any issue) or the index fails, or a file of the site cannot be written."""
    try:
        run = run_zensical(config_file, site_dir, variant, strict, custom_dir, urls)
    except OSError as exc:
        raise GeneratorError(f"cannot write {exc.filename or site_dir}: {exc.strerror or exc}") from None
    for line in run.output.splitlines() if verbose else run.summary:
        hint = "" if verbose or not re.match(r"\d+ issues? found", line) else " (--verbose shows them)"
        say(f"zensical: {line}{hint}")
    try:
        pages = finish_site(site_dir, urls)
    except OSError as exc:
        raise GeneratorError(f"cannot write {exc.filename or site_dir}: {exc.strerror or exc}") from None
    say(f"{pages} pages finished (Content-Security-Policy, whitespace)")
    try:
        moved = write_redirects(site_dir, archive, urls)
    except OSError as exc:
        raise GeneratorError(f"cannot write {exc.filename or site_dir}: {exc.strerror or exc}") from None
    if moved:
        say(f"{len(moved)} redirect page(s) at published URLs whose paper moved")
    if indexer is not None:
        indexer.finish(site_dir)
    size = limits.measure(site_dir)
    over = size.total > limits.SITE_LIMIT or bool(size.large_files)
    for text in limits.warnings(size):
        say(("Warning: " if over else "") + text)
    return over
