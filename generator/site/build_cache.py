"""The build cache: what one `mkdocs build` (or `python -m generator build`) keeps for the next,
so that a build after an edit does work in proportion to the edit, as `mkdocs serve` does
between its builds (site/preview.py), and still writes what a build from scratch writes.

It is one file, `<cache_dir>/build-state.pickle` (the plugin's `cache_dir`, `.cache/papers` beside
mkdocs.yml by default, as Material's plugins keep theirs under `.cache/`), holding the
caches a serve session keeps in memory: the tags and related papers' vectors
(data/pipeline.Cache, without the parsed dumps, which parse faster than they unpickle), the
rendered Markdown (pages/render.RenderCache), the listing pages' last output (preview.Kept), the
papers' sitemaps, and the search index's bundles by what they hold
(search/indexer.KeptBundle). The built site itself is the rest of the cache: the pages and
bundles that did not change are taken from it.

A build uses the state only when it describes what is there: `BuildState.key` names the code,
the Pagefind, the config file and the options it was made under, and `BuildState.files` the
size and modification time of every file of the site's generated folders as the build left
them. Any difference (another version, an edited mkdocs.yml, a page deleted by hand, a failed
build) and the build starts from scratch, saying why; a paper page whose Markdown in the docs
dir changed since is rendered again. A build takes the state
file away as it starts and writes a new one only when it succeeds.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from ..data.pipeline import Cache
from ..pages.render import RenderCache
from ..pages.urls import PAPERS
from ..search.indexer import KeptBundle
from .preview import KEPT_DIRS, Kept

STATE_FILE = "build-state.pickle"
_PACKAGE = Path(__file__).resolve().parents[1]


@dataclass
class BuildState:
    """What a build leaves for the next (see the module's docstring)."""

    key: str
    """build_key(): the code, versions, config and options the state was made under."""
    files: dict[str, tuple[int, int]] = field(default_factory=dict)
    """snapshot(): per file of the site's kept folders (`site/...`) and per paper page's
    Markdown in the docs dir (`docs/papers/...`), its size in bytes and modification time in ns."""
    data: Cache = field(default_factory=Cache)
    render: RenderCache = field(default_factory=RenderCache)
    kept: dict[str, Kept] = field(default_factory=dict)
    """Per listing page (docs path), the output it has in the site (preview.Kept)."""
    shell_fingerprint: str = ""
    """What the paper pages' theme render depended on (plugin._fingerprint)."""
    page_files: set[str] = field(default_factory=set)
    """Docs paths of the paper pages in the site."""
    contents: set[str] = field(default_factory=set)
    """Docs paths of the other generated files."""
    sitemaps: dict = field(default_factory=dict)
    """The papers' sitemaps (paper_pages.split_sitemap's memo)."""
    bundles: dict[str, KeptBundle] = field(default_factory=dict)
    """The search index's bundles by search.indexer.part_key."""


def build_key(config_file: str | None, options: object, site: Path, docs: Path, extra: object = ()) -> str:
    """A digest of what every cached result depends on beyond its own inputs: the generator's
    code (its .py files and templates), Python's, MkDocs', Material's and Pagefind's versions,
    the bytes of the config file, the plugin's resolved `options` (command-line overrides
    included), the site and docs dirs, and `extra` (the site's URL rules, the theme's
    language); all compared by repr."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".j2", ".html", ".js", ".css") and path.is_file():
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    versions = [sys.version]
    for package in ("mkdocs", "mkdocs-material", "pagefind", "pagefind-bin-extended", "pagefind-bin"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} -")
    config = Path(config_file).read_bytes() if config_file and Path(config_file).is_file() else b""
    digest.update(repr((versions, config, repr(options), str(site), str(docs), repr(extra))).encode())
    return digest.hexdigest()


def snapshot(site: Path, docs: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time (ns) of every file under the site's kept folders
    (preview.KEPT_DIRS) and of the paper pages' Markdown in the docs dir, by `site/<path>` and
    `docs/papers/<path>`. (The docs dir's other generated files are rendered at every build
    and written when their bytes differ.)"""
    files: dict[str, tuple[int, int]] = {}

    def walk(folder: Path, prefix: str) -> None:
        stack = [str(folder)]
        start = len(str(folder.parent)) + 1
        while stack:
            try:
                entries = list(os.scandir(stack.pop()))
            except FileNotFoundError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    stat = entry.stat(follow_symlinks=False)
                    files[prefix + entry.path[start:]] = (stat.st_size, stat.st_mtime_ns)

    for name in KEPT_DIRS:
        walk(site / name, "site/")
    walk(docs / PAPERS, "docs/")
    return files


def take_state(cache_dir: Path, key: str, site: Path, docs: Path) -> tuple[BuildState | None, str]:
    """The state the last build left in `cache_dir`, removed from there (a build that fails
    leaves none), when it was made under `key` and the site holds what that build left; else
    None, and why not (else ""). A paper page whose Markdown in the docs dir is not as the
    last build left it (`generator generate` ran since, or a hand edit) is rendered again: it
    leaves the render cache. Never raises: a state that cannot be read is a reason."""
    path = cache_dir / STATE_FILE
    if not path.is_file():
        return None, "no build cache yet"
    try:
        with path.open("rb") as stream:
            state = pickle.load(stream)
    except Exception as exc:  # noqa: BLE001 - any unreadable state means: build from scratch
        return None, f"the build cache could not be read ({type(exc).__name__})"
    finally:
        path.unlink(missing_ok=True)
    if not isinstance(state, BuildState) or state.key != key:
        return None, "the code, the versions, mkdocs.yml or the options changed since the last build"
    files = snapshot(site, docs)
    changed = {name for name in files.keys() | state.files.keys() if files.get(name) != state.files.get(name)}
    in_site = sorted(name for name in changed if name.startswith("site/"))
    if in_site:
        return None, f"{site.name}/{in_site[0][len('site/'):]} is not as the last build left it"
    if changed:
        state.render.forget({name[len("docs/"):] for name in changed})
    return state, ""


def save_state(cache_dir: Path, state: BuildState) -> None:
    """Write `state` into `cache_dir` (made if need be), replacing the file at once so that no
    build reads half of it. Raises OSError when it cannot be written."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / STATE_FILE
    partial = path.with_suffix(".partial")
    with partial.open("wb") as stream:
        pickle.dump(state, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)
