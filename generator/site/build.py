"""One build of the site, in two steps as Pelican's `generate_context` then `generate_output`:
`gather` collects the archive and writes its generated files before MkDocs reads the docs dir
(on_pre_build), `finish` writes what MkDocs does not (paper pages, sitemaps, search index) once
it is done (on_post_build). `generate` is the part both the plugin and `python -m generator
generate` run; `build_site` is `python -m generator build`: an `mkdocs build` into a new folder
swapped in when it succeeded. The hooks between (site/plugin.py) are thin: each calls one
function here, over the plugin's BuildState (site/state.py).
"""

from __future__ import annotations

import calendar
import gc
import json
import logging
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from jinja2 import ChoiceLoader, DictLoader
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from ..data.model import GeneratorError
from ..data.pipeline import Archive, Cache, Previous, Settings, collect
from ..pages.render import RenderCache, Renderer, write_outputs
from ..pages.urls import PAPERS, Urls, export_in
from ..search.indexer import Indexer
from . import caches, lean_pages, limits, paper_pages, preview
from .config import resolve
from .paper_pages import PaperPage, Shell, render_shell, split_sitemap
from .preview import KEPT_DIRS, REUSED_TEMPLATE, KeptPage, markdown_digest, restore_site
from .redirects import write_redirects
from .state import BuildState, Mode

log = logging.getLogger("mkdocs.plugins.papers")


COLLECTOR_THRESHOLDS = (50_000, 20, 100)
"""Python's cyclic garbage collector during a build (gc.set_threshold; Python's own are (700,
10, 10)). A build makes millions of objects that live to its end (papers, pages, caches), and
each pass of the collector walks them again, to find almost no cycles: at 10,000 papers these
thresholds make a build from scratch about 1.5 s (7%) faster, for no measurable memory."""


def collect_less() -> tuple[int, int, int]:
    """Set COLLECTOR_THRESHOLDS for the builds of this process; returns the thresholds they
    replace, for the end of the command (the plugin's on_shutdown) to put back."""
    was = gc.get_threshold()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    return was


def settings_of(options, config: MkDocsConfig) -> Settings:
    """The pipeline's settings: the plugin's `options` resolved against mkdocs.yml's folder."""
    return resolve(options, Path(config.config_file_path or "mkdocs.yml").resolve().parent)


def generate(settings: Settings, config: MkDocsConfig, write: Callable[[Iterable, set[str]], tuple[int, int, int]],
             *, progress: Callable[[str], None], warn: Callable[[str], None],
             tagged: Callable[[list], None] | None = None, collected: Callable[[Archive], None] | None = None,
             data: Cache | None = None, render: RenderCache | None = None,
             paper_page: Callable[[str, dict], None] | None = None,
             rules: str | None = None) -> tuple[Archive, int, tuple[int, int, int]]:
    """Collect the archive of `settings` and render its Markdown pages, feed and papers.json for
    the site of `config`; `write(outputs, reused)` writes them (render.write_outputs' shape)
    and returns (written, unchanged, removed). Each problem of the dumps and of the pages goes
    to `warn`, progress to `progress`; `tagged(papers)` as collect calls it, `collected(archive)`
    before the pages are rendered; `data` and `render` are the caches a caching build keeps
    (caches.Caches); `paper_page(path, meta)` takes each paper page the site writes itself
    (Renderer.outputs); `rules` the tag rules option as written (the Tags page names it). Returns the archive, its number of problems and write's counts.
    Raises GeneratorError when a dump, the tag rules or a page cannot be read or written, and
    OSError when `write` cannot write."""
    archive = collect(settings, progress=progress, tagged=tagged, cache=data)
    for problem in archive.problems:
        warn(str(problem))
    if collected is not None:
        collected(archive)
    renderer = Renderer(archive, settings.page_size, Urls.of(config), config.site_name, cache=render,
                        language=config.theme.get("language"), rules=rules)
    counts = write(renderer.outputs(paper_page), renderer.reused)
    for problem in renderer.problems:
        warn(str(problem))
    return archive, len(archive.problems) + len(renderer.problems), counts


def gather(state: BuildState, options, config: MkDocsConfig) -> None:
    """on_pre_build: take the caches this mode uses, collect the archive and write its
    Markdown pages, feed and papers.json (only files whose bytes changed), and start the
    search index in the background. Raises PluginError when the dumps, the tag rules or the
    docs dir cannot be read or written."""
    start = time.perf_counter()
    state.begin(Path(config.site_dir))
    if state.indexer is not None:  # serve: an index of the last build still being made
        state.indexer.cancel()
    state.indexer = None
    if state.mode is Mode.SERVE:
        with state.lock:
            state.generation += 1
            state.building = True
        state.site_kept = bool(state.caches.kept) or state.caches.shell_fingerprint != ""
        if state.site_kept:
            keep_site(state, config)
    else:
        state.mode = Mode.CACHED_BUILD if options.cache else Mode.BUILD
        caches.take_build_cache(state, options, config)
    tagged = _start_index(state, config) if options.search else None
    settings = settings_of(options, config)
    docs_dir = generated_docs(state, config)
    # The published record (data/record.py): the live site's when `build --published` fetched
    # it; else the last build's (under serve's first build, what `build` left).
    settings.previous = state.record or export_in(docs_dir, Path(config.docs_dir))
    caching = state.mode.caching
    if state.mode is Mode.SERVE:
        write = lambda outputs, reused: preview.keep_outputs(state, outputs, reused)  # noqa: E731
    elif caching:
        write = lambda outputs, reused: write_outputs(docs_dir, _note_outputs(state, outputs), keep=reused)  # noqa: E731
    else:
        write = lambda outputs, reused: write_outputs(docs_dir, outputs)  # noqa: E731
    marks = []

    def collected(archive: Archive) -> None:
        state.archive = archive
        state.stats.update({f"{k} s": v for k, v in archive.timings.items()})
        state.stats["papers"] = len(archive.papers)
        marks.append(time.perf_counter())
        if state.own_epoch:
            _date_the_build(archive)
        if state.mode is Mode.SERVE:  # the next build keeps these papers' ids without reading papers.json
            state.caches.data.previous = Previous.of(archive.papers, archive.uuid)

    keep = None
    if options.fast_pages:
        def keep(path: str, meta: dict) -> None:
            state.paper_pages.append(PaperPage(path, meta["title"], meta["description"], meta["paper"]["date"],
                                               meta["paper"].get("head", "")))
    try:
        _, _, (written, unchanged, removed) = generate(
            settings, config, write, progress=log.info, warn=log.warning, tagged=tagged, collected=collected,
            data=state.caches.data if caching else None, render=state.caches.render if caching else None,
            paper_page=keep, rules=options.tags)
    except GeneratorError as exc:
        raise state.fail(str(exc)) from None
    except OSError as exc:
        raise state.fail(f"cannot write {exc.filename or docs_dir}: {exc.strerror or exc}") from None
    state.stats.update({"markdown s": time.perf_counter() - marks[0], "files written": written,
                        "files unchanged": unchanged, "files removed": removed,
                        "rss after markdown MiB": peak_rss_mib()})
    log.info("papers: %d files written, %d unchanged, %d removed in %.1f s",
             written, unchanged, removed, time.perf_counter() - start)
    if state.mode is Mode.CACHED_BUILD and state.site_kept and state.previous_site is None:
        keep_site(state, config)  # last: a build that fails before leaves the site as it was
    state.pages_started = time.perf_counter()


def _start_index(state: BuildState, config: MkDocsConfig) -> Callable[[list], None]:
    """Make this build's Indexer; returns what starts it once the papers are tagged."""
    from ..search.indexer import IndexParts

    serving = state.mode is Mode.SERVE
    if serving and state.caches.index_parts is None:
        state.caches.index_parts = IndexParts(Path(tempfile.mkdtemp(prefix="papers-index-parts-")))
    state.indexer = indexer = Indexer(log=log.info, parts=state.caches.index_parts,
                                      kept=state.caches.bundles if state.site_kept else None)
    language = config.theme.get("language") or "en"
    # Under serve with an index in place, the new one is made after the build: made during
    # it, it would slow down the rebuild that the writer waits for.
    later = serving and preview.kept_index(Path(config.site_dir))

    def tagged(papers: list) -> None:
        # The index needs no related papers: it starts while they are found, and goes on in
        # the background while MkDocs renders.
        if later:
            state.index_args = (papers, Urls.of(config), language)
        else:
            indexer.start(papers, Urls.of(config), language)
    return tagged


def _date_the_build(archive: Archive) -> None:
    """Date the build (SOURCE_DATE_EPOCH) with the newest paper: MkDocs dates the sitemap with
    the build day, and two builds of the same dumps are then byte-identical."""
    newest = next((p.date for p in archive.papers if p.date), date(1970, 1, 1))
    # Kept within what gzip headers hold: a paper dated Dec 31, 9999 (or year 1) would
    # otherwise crash the sitemap.xml.gz.
    epoch = min(max(calendar.timegm(newest.timetuple()), 0), 2**32 - 1)
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)


def generated_docs(state: BuildState, config: MkDocsConfig) -> Path:
    """Where the generated Markdown is written: the docs dir, or under serve a folder
    outside it."""
    return state.generated_dir if state.generated_dir is not None else Path(config.docs_dir)


def keep_site(state: BuildState, config: MkDocsConfig) -> None:
    """Set the site's generated folders aside before MkDocs empties the site dir
    (preview.keep_site); files() puts them back. Raises PluginError when it cannot."""
    try:
        preview.keep_site(Path(config.site_dir), trash=state.mode is Mode.SERVE)
    except OSError as exc:
        raise state.fail(f"cannot move aside {exc.filename or config.site_dir}: {exc.strerror or exc}") from None


def _note_outputs(state: BuildState, outputs):
    """A cached build: pass `outputs` on, noting the generated files but the paper pages
    (`contents`), the paper pages rendered again (`changed_papers`) and the generated files
    gone since the last build (`gone`)."""
    last, state.caches.contents = state.caches.contents, {}
    state.changed_papers = set()
    for name, text in outputs:
        if name.startswith(PAPERS + "/"):
            state.changed_papers.add(name)
        else:
            state.caches.contents[name] = text.decode("utf-8") if isinstance(text, bytes) and name.endswith(".md") else text
        yield name, text
    state.gone = [name for name in last if name not in state.caches.contents and name.endswith(".md")]


def files(state: BuildState, files, config: MkDocsConfig, fast_pages: bool):
    """on_files: the files MkDocs builds, less the paper pages the plugin writes itself; the
    kept generated folders go back into the emptied site dir. Returns `files`, changed in
    place. Raises PluginError when they cannot be moved back."""
    # Paper pages are written by finish() from one theme render (paper_pages.py): MkDocs
    # neither reads nor renders them. Nothing links to them in Markdown (listings write raw
    # HTML links), so MkDocs' link validation does not miss them.
    if state.mode is not Mode.SERVE:  # under serve, generated files are not in the docs dir
        for page in state.paper_pages:
            file = files.get_file_from_path(page.src_uri)
            if file is not None:
                files.remove(file)
    if state.site_kept:
        # Pages kept (KeptPage) are not written again.
        try:
            if state.linking is not None:
                linking, state.linking = state.linking, None
                linking.result()
            restore_site(Path(config.site_dir))
        except OSError as exc:
            raise state.fail(f"cannot move back {exc.filename or config.site_dir}: {exc.strerror or exc}") from None
    if state.mode is Mode.SERVE:
        preview.add_generated(state, files, config, fast_pages)
    return files


def nav(state: BuildState, nav, config: MkDocsConfig, files) -> None:
    """on_nav: keep the navigation for the paper pages' theme render; in a caching build, a
    generated page outside the nav whose Markdown and site-wide inputs are the last build's
    becomes a KeptPage (site/preview.py): MkDocs neither reads nor writes it."""
    state.nav = nav
    if not state.mode.caching:
        return
    kept_before = state.caches.kept if state.site_kept else {}
    state.nav_pages = {page.file.src_uri for page in nav.pages}
    state.fingerprint = caches.fingerprint(config, nav)
    state.caches.kept = {}
    for name, markdown in state.caches.contents.items():
        last = kept_before.get(name)
        if (last is not None and last.fingerprint == state.fingerprint and last.digest == markdown_digest(markdown)
                and name not in state.nav_pages):
            file = files.get_file_from_path(name)
            if file is not None:  # the Page MkDocs made for it (not in the nav) is replaced
                KeptPage(file, config, last)
                state.caches.kept[name] = last
    state.quiet.pages = set(state.caches.kept)


def env(state: BuildState, env, config: MkDocsConfig, files) -> None:
    """on_env: keep the theme's Jinja environment and the site's files for the paper pages,
    give lean pages their globals, compiled templates a cache under serve (in memory: a build
    compiles them again, as no code is kept on disk, site/caches.py)."""
    state.env, state.files = env, files
    # MkDocs makes this environment for one build, in which no template changes: no file
    # check of every template at every use (thousands per build on a slow disk).
    env.auto_reload = False
    if state.lean:
        lean_pages.setup(env)
    if state.mode.caching:
        env.loader = ChoiceLoader([DictLoader({REUSED_TEMPLATE: ""}), env.loader])
    if state.mode is Mode.SERVE:
        env.bytecode_cache = state.caches.theme_templates
    if state.site_kept:
        _unlink_rewritten(files, Path(config.site_dir))


def _unlink_rewritten(files, site_dir: Path) -> None:
    """Before MkDocs writes: delete the files of the kept folders that it will write again
    (every page but the KeptPages, every static file), so that it writes new files instead
    of writing through hard links into the last site (build_site, preview.link_site).
    Raises OSError when one cannot be deleted."""
    for file in files:
        if isinstance(file.page, KeptPage) or file.dest_uri.split("/", 1)[0] not in KEPT_DIRS:
            continue
        try:
            os.unlink(os.path.join(site_dir, file.dest_uri))
        except FileNotFoundError:
            pass


def failed(state: BuildState) -> None:
    """on_build_error: the caches forget the site (the next build writes every page again);
    a cached build's manifest and what keep_site set aside are cleaned up."""
    state.caches.failed()
    if state.state_path is not None:  # written by finish() before a strict build's end
        state.state_path.unlink(missing_ok=True)
    if state.linking is not None:  # the caller deletes the new site dir: not while linking
        state.linking.join()
        state.linking = None
    if state.site_kept and state.mode is not Mode.SERVE and state.site_dir is not None:
        try:  # what keep_site set aside and files() did not put back yet
            restore_site(state.site_dir)
        except OSError:
            pass


def finish(state: BuildState, options, config: MkDocsConfig) -> None:
    """on_post_build: write the lean pages' chrome and the paper pages, split the sitemap,
    move the search index in, warn near GitHub's limits and leave the build cache. Raises
    PluginError when a file of the site cannot be written or the index failed."""
    try:
        _finish(state, options, config)
    except OSError as exc:  # the site's own files: a full disk, no permission
        raise state.fail(f"cannot write {exc.filename or config.site_dir}: {exc.strerror or exc}") from None


def _finish(state: BuildState, options, config: MkDocsConfig) -> None:
    site_dir, urls, serving = Path(config.site_dir), Urls.of(config), state.mode is Mode.SERVE
    if state.site_kept:  # the pages of listings that are gone, kept from the last build
        for name in state.gone:
            (site_dir / urls.output(name)).unlink(missing_ok=True)
    if state.lean:  # what lean pages leave out, written once (see lean_pages.py)
        lean_pages.write_chrome(config, state.env, state.nav, state.files)
    paper_urls = [urls.url(p.src_uri) for p in state.paper_pages]
    if state.paper_pages:
        _write_paper_pages(state, config)
        state.paper_pages = []
    split_sitemap(site_dir, paper_urls, urls, state.caches.sitemaps if state.mode.caching else None)
    state.stats["mkdocs s"] = time.perf_counter() - state.pages_started
    state.stats["rss after mkdocs MiB"] = peak_rss_mib()
    indexer = state.indexer
    early = None
    if state.mode is Mode.CACHED_BUILD and indexer is not None:  # written while Pagefind finishes
        early = caches.put_early(state, options, config)
    if serving and indexer is not None and (site_dir / "pagefind").is_dir():
        # Serve: the last build's index stays while this one is made in the background.
        preview.index_later(state, site_dir)
    elif indexer is not None:
        # The indexer leaves each bundle stable already (search.bundle.stabilize_bundle).
        try:
            state.stats["pagefind s"] = indexer.finish(site_dir)
        except GeneratorError as exc:
            raise state.fail(str(exc)) from None
        indexer.report_unindexed(log.warning)
        state.stats["pagefind rss MiB"] = peak_rss_mib(children=True)
        if serving:
            preview.write_search_status(site_dir, updating=False)
        state.caches.bundles = indexer.bundles
    with state.lock:
        state.building = False
        pending, state.pending_index = state.pending_index, None
        if pending is not None:
            preview.swap_index(site_dir, pending)
            preview.write_search_status(site_dir, updating=False)
    # docs/permalinks.md; a site kept from the last build (cached, serve) has its redirects
    redirects = write_redirects(site_dir, state.archive, urls, state.caches.redirects if state.site_kept else set())
    if state.mode.caching:
        state.caches.redirects = redirects
    if not serving:  # GitHub's limits, said before the host refuses the site (site/limits.py)
        size = limits.measure(site_dir)
        for text in limits.warnings(size):
            # Over the limits a warning (`--strict` fails); nearing them, a line of the log.
            (log.warning if size.total > limits.SITE_LIMIT or size.large_files else log.info)("papers: " + text)
    if state.mode is Mode.CACHED_BUILD:
        caches.save_build_cache(state, options, config, early)
    report = os.environ.get("PAPERS_TIMINGS")
    if report:  # the benchmarks read the stage timings from here
        Path(report).write_text(json.dumps(state.stats, indent=1), encoding="utf-8")


def _write_paper_pages(state: BuildState, config: MkDocsConfig) -> None:
    """Write the paper pages into the site, filled into one theme render per depth and
    datedness (site/paper_pages.py); in a caching build, only those whose Markdown changed
    under the same theme render, and the pages of papers that are gone are deleted."""
    start = time.perf_counter()
    shells: dict[tuple[str, bool], Shell] = {}
    docs = state.files.documentation_pages()

    def shell_for(page: PaperPage) -> Shell:
        # Every paper page of one depth and datedness shares its theme render.
        folder = page.src_uri.rsplit("/", 1)[0]
        key = (folder.count("/"), page.date is not None)
        shell = shells.get(key)
        if shell is None:
            stand_in = "/".join([PAPERS] + ["0000"] * key[0])
            try:
                shell = shells[key] = render_shell(stand_in, key[1], config, state.env, state.nav, docs,
                                                   lean_pages.LEAN if state.lean else "main.html")
            except ValueError as exc:
                raise PluginError(f"paper pages: {exc}; set `fast_pages: false`") from None
        return shell

    site_dir, urls, kept = Path(config.site_dir), Urls.of(config), state.caches
    pages = state.paper_pages
    unchanged = 0
    if state.mode.caching:
        now = {p.src_uri for p in pages}
        for gone in kept.page_files - now if state.site_kept else ():  # pages of papers that are gone
            (site_dir / urls.output(gone)).unlink(missing_ok=True)
        kept.page_files = now
        # Under the same theme render, only the pages whose Markdown changed are written:
        # the others, kept from the last build, hold what they would be written with.
        if state.site_kept and kept.shell_fingerprint == state.fingerprint:
            pages = [p for p in pages if p.src_uri in state.changed_papers]
            unchanged = len(state.paper_pages) - len(pages)
        kept.shell_fingerprint = state.fingerprint
    written, same = paper_pages.write_pages(pages, shell_for, generated_docs(state, config), site_dir, urls,
                                            kept.written)
    unchanged += same
    state.stats["paper pages s"] = time.perf_counter() - start
    log.info("papers: %d paper pages written, %d unchanged in %.1f s", written, unchanged,
             time.perf_counter() - start)


def build_site(config: MkDocsConfig, final: Path) -> None:
    """`python -m generator build`: `mkdocs build` of `config` (whose `papers` plugin is
    loaded) into a sibling folder of `final`, swapped in only when everything succeeded, so
    that a failed build leaves the previous site untouched; with the build cache, the pages
    that did not change are linked from the previous site. Raises GeneratorError naming what
    failed, OSError when the folders cannot be swapped."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, MkDocsException

    staging = final.parent / f".{final.name}.building"
    previous = final.parent / f".{final.name}.previous"
    for leftover in (staging, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    config.site_dir = str(staging)
    state: BuildState = config.plugins["papers"].state
    state.previous_site = final
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
    try:
        mkdocs_build(config)
    except (Abort, MkDocsException, GeneratorError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise GeneratorError(f"build failed, {final} left as it was: {state.failure or exc}") from None
    except OSError as exc:  # MkDocs writing the site: a name too long, no permission, a full disk
        shutil.rmtree(staging, ignore_errors=True)
        raise GeneratorError(f"build failed, {final} left as it was: cannot write "
                             f"{exc.filename or staging}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        config.plugins.on_shutdown()
    swap_in(staging, final, previous)


def swap_in(staging: Path, final: Path, previous: Path) -> None:
    """Put the site built in `staging` in `final`'s place; the last site, renamed `previous`,
    is deleted in the background. Raises OSError when a folder cannot be moved."""
    import errno
    import subprocess
    import sys

    if final.exists():
        final.rename(previous)
    try:
        staging.rename(final)
    except OSError as exc:
        if exc.errno != errno.EXDEV:  # another file system: copied (a Zensical build's staging folder)
            raise
        shutil.move(staging, final)
    if not previous.exists():
        return
    # Deleted in a process of its own, which goes on after this one ends: a site of 100,000
    # papers is 300,000 files. The next build deletes what is left of it first.
    try:
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                          str(previous)], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        shutil.rmtree(previous, ignore_errors=True)


def peak_rss_mib(children: bool = False) -> float:
    """Peak resident memory so far of this process (or of its finished children), in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


