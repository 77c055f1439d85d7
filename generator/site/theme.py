"""The archive's theme, shipped in the package (generator/theme/), added to a Material site.

A site that lists `papers` among its plugins gets the archive's templates (lean.html, main.html,
404.html, the partials), scripts and styles without copying them: `add_theme` puts the package's
theme folder among the theme's folders right after the site's own `theme.custom_dir`, so a file
there with the same path still wins (MkDocs' "theme.custom_dir" order: custom_dir, then the
theme's own folders; https://www.mkdocs.org/user-guide/customizing-your-theme/). MkDocs copies a
theme folder's files that are not templates into the site (mkdocs.structure.files,
`Files.add_files_from_theme`), so the scripts and styles arrive as `assets/…`.

Templates and scripts name no site path themselves: they read the paths that pages/urls.py
makes (`Urls.theme_paths`) from `config.extra.papers_urls`, which `add_theme` sets here and
the derived config of a Zensical build sets there (site/zensical.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..pages.urls import Urls

THEME_DIR = Path(__file__).resolve().parents[1] / "theme"
"""The archive's theme folder in the package."""
STYLES = "assets/papers.css"
"""The archive's stylesheet (in THEME_DIR), added to `extra_css` when the site does not list it."""
EXTRA_KEY = "papers_urls"
"""The key of `config.extra` that holds Urls.theme_paths for the templates."""


def add_theme(config) -> bool:
    """Give a loaded MkDocsConfig the archive's theme when its theme is Material (the templates
    extend Material's base.html): THEME_DIR after `custom_dir` among `config.theme.dirs`, the
    stylesheet STYLES in `extra_css` (appended when missing) and the site paths of the theme's
    templates and scripts in `config.extra[EXTRA_KEY]`. Another theme is left as it is (the
    archive's pages are then full pages of that theme). Returns whether the theme was added;
    changes `config` in place, at most once."""
    if config.theme.name != "material":
        return False
    dirs = config.theme.dirs
    if str(THEME_DIR) not in dirs:
        at = 1 if config.theme.custom_dir and dirs and dirs[0] == config.theme.custom_dir else 0
        dirs.insert(at, str(THEME_DIR))
    if STYLES not in [str(path) for path in config.extra_css]:
        config.extra_css.append(STYLES)
    config.extra[EXTRA_KEY] = Urls.of(config).theme_paths()
    return True


def theme_files(config) -> list[Path]:
    """The files of the site's `custom_dir` and of the archive's theme, in that order: what the
    pages' HTML depends on besides the config and the Markdown (the preview's fingerprint)."""
    files: list[Path] = []
    for folder in (config.theme.custom_dir, str(THEME_DIR)):
        if folder and Path(folder).is_dir():
            files += sorted(p for p in Path(folder).rglob("*") if p.is_file())
    return files


def merged_theme(custom_dir: Path | None, target: Path) -> Path:
    """For an engine that takes one theme folder (Zensical's `custom_dir`): `target` made anew
    as a copy of THEME_DIR with the files of `custom_dir` (when given) over it, as MkDocs would
    find them through `add_theme`'s order; READMEs are left out (MkDocs does not copy them).
    Returns `target`. Raises OSError when it cannot be written."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(THEME_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    if custom_dir is not None and custom_dir.is_dir():
        shutil.copytree(custom_dir, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("README*", "readme*", "__pycache__", ".*"))
    return target
