"""Every cache of the build, and when each one is valid: the one owner of caching.

A cache is kept only where a result is the one a build from scratch would compute; each is
keyed by its inputs, and dropped where this table says. `mkdocs serve` keeps them in memory
between the builds of a session; `mkdocs build` with the plugin's `cache` option (on by
default) keeps the persisted ones in the build cache, `<cache_dir>/manifest.json` and the
content-addressed parts it lists (site/manifest.py: JSON, no pickle; `.cache/papers` beside
mkdocs.yml by default, as Material's plugins keep theirs), which `take_state` reads and
`save_state` writes; the built site itself is the rest of that cache.

| cache (where)                          | key / holds                                   | dropped when                                  | persisted |
|----------------------------------------|-----------------------------------------------|-----------------------------------------------|-----------|
| Caches.data.dumps (data/pipeline.Cache)| (file name, digest of bytes) → parsed Dump    | the bytes differ (a new key)                  | no: parsing is faster than reading |
| Caches.data.rules, .taxonomy, .tags    | tags.yml bytes → taxonomy; text_key(title, abstract) → tags | another taxonomy empties the tags | yes |
| Caches.data.previous                   | the ids and related lists last published      | replaced after every serve build              | no (serve only) |
| Caches.data.vectors                    | related papers' vectors (serve only)          | replaced at every build                       | no (serve only) |
| Caches.render (pages/render.RenderCache)| a page's inputs → its front matter, Markdown, papers.json line | another `setting` (page size, URL rules, site name) empties it; `forget` drops papers whose Markdown changed on disk | yes, but the papers.json lines (RENDER_PARTS) |
| Caches.render.templates                | the generator's compiled templates            | never (the code is in the build key)          | no (compiled code) |
| Caches.kept (site/preview.Kept)        | a listing page's Markdown and fingerprint → its HTML in the site | any other Markdown or fingerprint; a failed build | yes |
| Caches.shell_fingerprint               | what the paper pages' theme render depended on | a failed build                               | yes |
| Caches.page_files, .contents, .paper_sources, .redirects | the generated files of the last build | replaced at every build      | yes (not paper_sources: serve only) |
| Caches.sitemaps                        | (paper URLs, date) → gzipped sitemaps         | replaced at every build                       | yes |
| Caches.bundles (search/indexer.KeptBundle) | a published bundle's papers → its files   | replaced at every indexed build              | yes |
| Caches.written                         | a paper page's file → digest of its bytes     | the file is gone; this process ends           | no |
| Caches.theme_templates                 | the theme's compiled templates (serve)        | the session ends                              | no (compiled code: a `build` compiles them again, 0.2-0.5 s) |
| Caches.index_parts (search/indexer.IndexParts) | a part's papers → its bundle (serve)  | the session ends                              | no |
| data/mathtext.convert, .mathml (lru_cache) | a text → its HTML and problems            | never: pure functions of their argument       | no |
| data/parse._SHORT_KINDS                | a short line → its kind                       | never (pure), emptied past 50,000 entries     | no |

The build cache is used only when it describes what is there: `build_key` names the code, the
versions, the config file and the options it was made under, and the state's `files` the size
and modification time of every file of the site's generated folders as the build left them.
Any difference (another version, an edited mkdocs.yml, a page deleted by hand, a failed build)
and the build starts from scratch, saying why (so does a manifest of another format or code, or
one that cannot be read); a paper page whose Markdown in the docs dir changed since is
rendered again. A build takes the manifest away as it starts and writes a new one only when
it succeeds. The build cache holds data only: nothing in it is code that a build runs, so a
hostile cache folder can make a build start from scratch, never run code of its choosing
(docs/architecture.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from ..data.pipeline import Cache
from ..pages.render import MemoryBytecodeCache, RenderCache
from ..pages.urls import PAPERS
from ..search.indexer import IndexParts, KeptBundle
from . import manifest, theme
from .preview import KEPT_DIRS, Background, Kept, link_site

log = logging.getLogger("mkdocs.plugins.papers")

RENDER_PARTS = ("setting", "papers", "listings", "listing_pages", "feeds")
"""What the build cache keeps of the render cache. Not its `records` (papers.json's lines):
at 10,000 papers they are made again in 0.2 s, and stored they cost 0.6 s to write."""
STATE_FILE = manifest.MANIFEST
LEGACY_FILE = "build-state.pickle"
"""The build cache of earlier versions (a pickle), deleted unread."""
LEGACY_TEMPLATES = "templates"
"""The theme's compiled templates (Jinja's bytecode cache) that earlier versions kept in the
cache folder: code, deleted unread."""


@dataclass
class Caches:
    """The caches that outlive one build (see the module's table)."""

    data: Cache = field(default_factory=Cache)
    render: RenderCache = field(default_factory=RenderCache)
    kept: dict[str, Kept] = field(default_factory=dict)
    """Per generated page not in the nav (docs path), its output at the last build."""
    shell_fingerprint: str = ""
    """What the paper pages' theme render depended on at the last build (fingerprint)."""
    page_files: set[str] = field(default_factory=set)
    """The docs paths of the paper pages in the site."""
    contents: dict[str, str | bytes] = field(default_factory=dict)
    """The last build's generated files but the paper pages, by docs path: under serve their
    content (MkDocs reads them from memory, File.generated), in a cached build their names."""
    paper_sources: set[str] = field(default_factory=set)
    """Serve: the paper pages' Markdown files in the generated dir, by docs path."""
    sitemaps: dict = field(default_factory=dict)
    """The papers' sitemaps of the last build (paper_pages.split_sitemap's memo)."""
    bundles: dict[str, KeptBundle] = field(default_factory=dict)
    """The last published index's bundles by search.indexer.part_key."""
    redirects: set[str] = field(default_factory=set)
    """The redirect pages in the site (files relative to it, site/redirects.py): one no
    longer written is deleted, as a page kept from the last build would stay."""
    written: dict[Path, bytes] = field(default_factory=dict)
    """What this process last wrote to each paper page's file (a digest): a page whose text
    did not change is not written again (paper_pages.write_pages)."""
    theme_templates: MemoryBytecodeCache = field(default_factory=MemoryBytecodeCache)
    """Serve: the theme's templates, compiled (the theme's Jinja environment is new at every
    build)."""
    index_parts: IndexParts | None = None
    """Serve: the search index in parts made again alone."""

    def fresh(self) -> None:
        """Drop what a build kept for the next, as for a build from scratch (a `build` whose
        build cache does not match; the data cache then finds related papers in full)."""
        self.data, self.render, self.kept, self.bundles = Cache(exact=True), RenderCache(), {}, {}
        self.shell_fingerprint, self.page_files, self.sitemaps, self.contents = "", set(), {}, {}
        self.redirects = set()

    def failed(self) -> None:
        """A build failed: what it left in the site dir is not to be trusted, so the next build
        writes every page again."""
        self.kept, self.shell_fingerprint = {}, ""

    def take(self, state: SavedState) -> None:
        """Use the caches of a build cache's `state` (take_state)."""
        self.data, self.render, self.kept, self.bundles = state.data, state.render, state.kept, state.bundles
        self.shell_fingerprint, self.page_files, self.sitemaps = state.shell_fingerprint, state.page_files, state.sitemaps
        self.contents = dict.fromkeys(state.contents, "")
        self.redirects = state.redirects

    def state(self, key: str, site: Path, docs: Path, indexed: bool) -> SavedState:
        """What a cached build leaves for the next: these caches (the search bundles when
        this build was `indexed`) under `key`, with the site's files as they are now."""
        self.data.dumps = {}  # parsed again faster than unpickled
        return SavedState(key, snapshot(site, docs), self.data, self.render, self.kept, self.shell_fingerprint,
                          self.page_files, set(self.contents), self.sitemaps, self.bundles if indexed else {},
                          self.redirects)


def fingerprint(config, nav) -> str:
    """What every page's HTML depends on besides its Markdown: the config file, the theme's
    own files (custom_dir and the archive's, site/theme.py) and the nav (its pages' titles and
    URLs); a hex digest."""
    parts = [repr([(page.title, page.url) for page in nav.pages]), str(config.site_url)]
    paths = [Path(config.config_file_path)] if config.config_file_path else []
    paths += theme.theme_files(config)
    for path in paths:
        stat = path.stat()
        parts.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


@dataclass
class SavedState:
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
    """What the paper pages' theme render depended on (fingerprint)."""
    page_files: set[str] = field(default_factory=set)
    """Docs paths of the paper pages in the site."""
    contents: set[str] = field(default_factory=set)
    """Docs paths of the other generated files."""
    sitemaps: dict = field(default_factory=dict)
    """The papers' sitemaps (paper_pages.split_sitemap's memo)."""
    bundles: dict[str, KeptBundle] = field(default_factory=dict)
    """The search index's bundles by search.indexer.part_key."""
    redirects: set[str] = field(default_factory=set)
    """The redirect pages in the site (files relative to it)."""


def build_key(config_file: str | None, options: object, site: Path, docs: Path, extra: object = ()) -> str:
    """A digest of what every cached result depends on beyond its own inputs: the generator's
    code (its .py files and templates), Python's, MkDocs', Material's and Pagefind's versions,
    the bytes of the config file, the plugin's resolved `options` (command-line overrides
    included), the site and docs dirs, and `extra` (the site's URL rules, the theme's
    language); all compared by repr."""
    digest = hashlib.blake2b(manifest.code_hash().encode(), digest_size=16)
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


def take_state(cache_dir: Path, key: str, site: Path, docs: Path) -> tuple[SavedState | None, str]:
    """The state the last build left in `cache_dir` (site/manifest.py), its manifest removed
    from there (a build that fails leaves none), when it was made under this format, this
    code and `key`, and the site holds what that build left; else None, and why not (else "").
    A paper page whose Markdown in the docs dir is not as the last build left it (`generator
    generate` ran since, or a hand edit) is rendered again: it leaves the render cache. Never
    raises: a cache that cannot be read is a reason. A build cache of the pickle era
    (LEGACY_FILE) and its compiled templates (LEGACY_TEMPLATES) are deleted unread."""
    (cache_dir / LEGACY_FILE).unlink(missing_ok=True)
    shutil.rmtree(cache_dir / LEGACY_TEMPLATES, ignore_errors=True)
    try:
        found = manifest.read_manifest(cache_dir)
    except manifest.CorruptCache as exc:
        (cache_dir / manifest.MANIFEST).unlink(missing_ok=True)
        return None, f"the build cache is ignored: {exc}"
    if found is None:
        return None, "no build cache yet"
    (cache_dir / manifest.MANIFEST).unlink(missing_ok=True)
    if found.get("code") != manifest.code_hash():
        return None, "the generator's code changed since the last build"
    if found.get("key") != key:
        return None, "the code, the versions, mkdocs.yml or the options changed since the last build"
    try:
        state = _read_state(cache_dir, found, key)
    except Exception as exc:  # noqa: BLE001 - whatever is wrong in it, the answer is: build from scratch
        return None, f"the build cache is ignored: {exc}"[:300]
    files = snapshot(site, docs)
    changed = {name for name in files.keys() | state.files.keys() if files.get(name) != state.files.get(name)}
    in_site = sorted(name for name in changed if name.startswith("site/"))
    if in_site:
        return None, f"{site.name}/{in_site[0][len('site/'):]} is not as the last build left it"
    if changed:
        state.render.forget({name[len("docs/"):] for name in changed})
    return state, ""


def _read_state(folder: Path, found: dict, key: str) -> SavedState:
    """The SavedState of a manifest `found` in `folder`. Raises CorruptCache (or another
    exception for a part of the wrong shape)."""
    parts = {name: manifest.decode(manifest.get(folder, listing)) for name, listing in found["parts"].items()}
    site, data, render = parts["site"], parts["data"], parts["render"]
    cache = Cache(exact=True)
    cache.rules, cache.taxonomy, cache.tags = data["rules"], data["taxonomy"], data["tags"]
    rendered = RenderCache()
    for name in RENDER_PARTS:
        setattr(rendered, name, render[name])
    sitemaps = {}
    if found.get("sitemaps"):
        maps = found["sitemaps"]
        sitemaps[parts["sitemap_key"]] = [(out["path"], manifest.get(folder, out)) for out in maps["outputs"]]
    files = {name: (size, mtime) for name, size, mtime in site["files"]}
    return SavedState(key, files, cache, rendered, parts["kept"], site["shell_fingerprint"],
                      set(site["page_files"]), set(site["contents"]), sitemaps, parts["bundles"], set(site["redirects"]))


def _early_parts(caches: Caches | SavedState) -> dict[str, object]:
    """The parts of the build cache that are final once MkDocs has built the pages: "data",
    "render" and "kept"."""
    data = caches.data
    return {
        # previous and vectors are set by serve only; the dumps are parsed again faster than read
        "data": {"rules": data.rules, "taxonomy": data.taxonomy, "tags": data.tags},
        "render": {name: getattr(caches.render, name) for name in RENDER_PARTS},
        "kept": caches.kept,
    }


def save_state(cache_dir: Path, state: SavedState, early: dict | None = None) -> None:
    """Write `state` into `cache_dir` (made if need be) as a manifest and its parts
    (site/manifest.py), the manifest last and at once, so that no build reads half of it;
    `early`: the listings of the parts put_early wrote already. Raises OSError when it cannot
    be written, TypeError when a cache holds a value the manifest's parts cannot (a bug)."""
    folder = cache_dir
    parts = {
        # Rows (a list of lists is plain JSON): a tagged dict of tuples took 0.17 s at 10,000 papers
        "site": {"files": [[name, size, mtime] for name, (size, mtime) in state.files.items()],
                 "shell_fingerprint": state.shell_fingerprint,
                 "page_files": sorted(state.page_files), "contents": sorted(state.contents),
                 "redirects": sorted(state.redirects)},
        **({} if early else _early_parts(state)),
        "bundles": state.bundles,
    }
    sitemaps = None
    if len(state.sitemaps) == 1:
        (key, outputs), = state.sitemaps.items()
        parts["sitemap_key"] = key
        sitemaps = {"outputs": [{"path": name, **manifest.put(folder, payload, ".gz")} for name, payload in outputs]}
    listed = {**(early or {}), **{name: manifest.put_value(folder, value) for name, value in parts.items()}}
    if sitemaps is not None:
        sitemaps["inputs"] = listed["sitemap_key"]["object"].split(".")[0]
    manifest.write_manifest(folder, {"format": manifest.FORMAT, "code": manifest.code_hash(), "key": state.key,
                                     "parts": listed, "sitemaps": sitemaps})


def cache_dir(options, config) -> Path:
    """The build cache's folder: the plugin's `cache_dir` option beside mkdocs.yml."""
    return Path(config.config_file_path or "mkdocs.yml").resolve().parent / options.cache_dir


def take_build_cache(state, options, config) -> None:
    """Start a `build` (site/state.BuildState `state`, whose mode the caller set from the
    `cache` option): the caches as for a build from scratch, then, with the `cache` option and
    when the build cache matches the site, its caches (and a `generator build` starts linking
    the last site's folders); logs why the build starts from scratch if not."""
    from ..pages.urls import Urls

    state.site_kept = False
    state.caches.fresh()
    if not options.cache:
        return
    folder = cache_dir(options, config)
    state.state_path = folder / STATE_FILE
    site = (state.previous_site or Path(config.site_dir)).resolve()
    docs = Path(config.docs_dir).resolve()
    urls = Urls.of(config)
    state.state_key = build_key(
        config.config_file_path, dict(options), site, docs,
        (urls.site_url, urls.directory_urls, urls.repository, urls.dump_sources,
         config.theme.get("language"), config.site_name))
    saved, why = take_state(folder, state.state_key, site, docs)
    if saved is None:
        log.info("papers: building everything: %s", why)
        return
    state.site_kept = True
    state.caches.take(saved)
    log.info("papers: build cache in %s matches the site: what did not change is kept", folder)
    if state.previous_site is not None:
        # Linked on a thread while the archive is collected (the links are system calls,
        # which leave the other core's Python alone); build.files waits for it.
        # (into the folder keep_site would use: MkDocs empties the site dir meanwhile)
        state.linking = Background(link_site, state.previous_site, Path(config.site_dir))


def put_early(state, options, config) -> dict | None:
    """Write the parts of a cached build's cache that are final once MkDocs has built the
    pages (`_early_parts`), while Pagefind may still be indexing (site/build.py): at 10,000
    papers most of the 0.9 s of writing the cache. Returns their listings for
    save_build_cache, None when they cannot be written (it then tries and says why)."""
    import time

    start = time.perf_counter()
    folder = cache_dir(options, config)
    try:
        listed = {name: manifest.put_value(folder, value) for name, value in _early_parts(state.caches).items()}
    except (OSError, TypeError):
        listed = None
    state.stats["build cache s"] = time.perf_counter() - start
    return listed


def save_build_cache(state, options, config, early: dict | None = None) -> None:
    """A cached build succeeded: leave its caches for the next one (`early`: what put_early
    wrote of them). A state that cannot be written is one warning: this build stands, the
    next starts from scratch."""
    import time

    start = time.perf_counter()
    saved = state.caches.state(state.state_key, Path(config.site_dir), Path(config.docs_dir),
                               state.indexer is not None)
    folder = cache_dir(options, config)
    try:
        save_state(folder, saved, early)
    except (OSError, TypeError) as exc:
        log.warning("papers: build cache not saved, the next build starts from scratch: cannot write %s: %s",
                    getattr(exc, "filename", None) or folder, getattr(exc, "strerror", None) or exc)
    state.stats["build cache s"] = state.stats.get("build cache s", 0) + time.perf_counter() - start
