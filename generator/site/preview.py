"""What `mkdocs serve` keeps between the builds of one session, so that a rebuild after an edit
does work in proportion to the edit (the plugin's caches of data and Markdown are in
data/pipeline.Cache and pages/render.RenderCache):

- the HTML of generated pages whose Markdown did not change (`Kept`, `KeptPage`): MkDocs
  neither parses their front matter nor runs Markdown on them again;
- the built site's generated folders (paper pages, listings) and search index, moved aside
  before MkDocs empties the site dir and moved back before it writes (`keep_site`,
  `restore_site`): a kept page's file is already in place and is not written again (MkDocs
  skips a page whose output is empty, and `QuietKeptPages` drops its line saying so);
  whatever else the site dir held is deleted on a thread, not by MkDocs one folder at a
  time while the writer waits;
- whether the search index, made again in the background after an edit, lags behind it
  (SEARCH_STATUS, read by the pages' search).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..pages.urls import GENERATED_DIRS

log = logging.getLogger("mkdocs.plugins.papers")

REUSED_TEMPLATE = "papers-reused.html"
"""The template of a KeptPage: it renders nothing (the plugin adds it to the theme's Jinja
loader under serve)."""

KEPT_DIRS = (*GENERATED_DIRS, "pagefind")
"""What the site dir keeps across builds: the generated pages' folders (the paper pages, which
the plugin writes when they changed, and the listings, which MkDocs writes when they changed)
and the search index (replaced when the next one is ready)."""


@dataclass(frozen=True)
class Kept:
    """A generated page's output at the last build."""

    fingerprint: str
    """What every page's HTML depends on besides its Markdown (caches.fingerprint)."""
    digest: str
    """markdown_digest of the generated Markdown (front matter included) it was made from:
    the Markdown itself is in the render cache already."""
    anchors: frozenset[str]
    """Its anchor ids (MkDocs' Page.present_anchor_ids), for other pages' anchor links."""


def markdown_digest(markdown: str) -> str:
    """`markdown`'s 128-bit BLAKE2b hex digest (Kept.digest)."""
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class KeptPage(Page):
    """A generated page whose Markdown and site-wide inputs are those of the last build: its
    file in the site, from the last build, stands. Reading it costs nothing: no front matter
    parsed, no Markdown run (Material's blog plugin makes its pages Page subclasses the same
    way), and its output is empty, so MkDocs writes nothing."""

    def __init__(self, file: File, config, kept: Kept) -> None:
        super().__init__(None, file, config)
        self.kept = kept

    def read_source(self, config) -> None:
        """No reading: the page renders through REUSED_TEMPLATE, which renders nothing."""
        self.markdown = ""
        self.meta = {"template": REUSED_TEMPLATE}

    def render(self, config, files: Files) -> None:
        """No Markdown: the page's HTML is in the site already."""
        self.content = ""
        self.toc = []  # type: ignore[assignment]
        self.present_anchor_ids = set(self.kept.anchors)
        self.links_to_anchors = {}


class Background(threading.Thread):
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


def keep_site(site_dir: Path, trash: bool = True) -> None:
    """Before MkDocs empties `site_dir`: move KEPT_DIRS aside (beside it, `<site>.papers-kept`)
    and, with `trash` (serve), everything else into a folder deleted on a thread. Renames only:
    as fast for 100,000 files as for one. Raises OSError when a rename fails."""
    if not site_dir.is_dir():
        return
    keep = Path(f"{site_dir}.papers-kept")
    shutil.rmtree(keep, ignore_errors=True)  # left by a build that failed
    bin_ = Path(f"{site_dir}.papers-trash")
    n = 0
    while bin_.exists():  # a deletion still under way
        n += 1
        bin_ = Path(f"{site_dir}.papers-trash-{n}")
    for entry in os.scandir(site_dir):
        if entry.name in KEPT_DIRS and entry.is_dir():
            keep.mkdir(exist_ok=True)
            os.replace(entry.path, keep / entry.name)
        elif trash:
            bin_.mkdir(exist_ok=True)
            os.replace(entry.path, bin_ / entry.name)
    if bin_.exists():
        threading.Thread(target=shutil.rmtree, args=(bin_, True), name="papers-trash", daemon=True).start()


def link_site(last_site: Path, site_dir: Path) -> None:
    """Hard links of every file of KEPT_DIRS in `last_site` (copies where the file system has
    none) where keep_site would set them aside for the new `site_dir`, and restore_site then
    moves them in: `generator build` builds into a new folder and leaves the last site as it
    is until the new one is done. Whatever the build writes again is deleted first
    (build._unlink_rewritten) so that it never writes into the last site's files. Raises
    OSError when neither a link nor a copy can be made."""
    keep = Path(f"{site_dir}.papers-kept")
    shutil.rmtree(keep, ignore_errors=True)
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    for name in KEPT_DIRS:
        if (last_site / name).is_dir():
            shutil.copytree(last_site / name, keep / name, copy_function=link)


def kept_index(site_dir: Path) -> bool:
    """Whether keep_site set a search index aside for `site_dir` (the last build made one)."""
    return (Path(f"{site_dir}.papers-kept") / "pagefind").is_dir()


def restore_site(site_dir: Path) -> None:
    """After MkDocs emptied the site dir: move back what keep_site set aside (unless this build
    wrote its own). Raises OSError when a rename fails."""
    keep = Path(f"{site_dir}.papers-kept")
    if keep.is_dir():
        site_dir.mkdir(parents=True, exist_ok=True)
    for name in KEPT_DIRS:
        if (keep / name).is_dir() and not (site_dir / name).exists():
            os.replace(keep / name, site_dir / name)
    shutil.rmtree(keep, ignore_errors=True)


def swap_index(site_dir: Path, bundle: Path) -> None:
    """Put the search index `bundle` at site_dir/pagefind, in place of the one there, and
    delete the folder `bundle` was made in."""
    old = site_dir.with_name(site_dir.name + ".papers-old-index")
    shutil.rmtree(old, ignore_errors=True)
    if (site_dir / "pagefind").exists():
        os.replace(site_dir / "pagefind", old)
    os.replace(bundle, site_dir / "pagefind")
    shutil.rmtree(bundle.parent, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


class QuietKeptPages(logging.Filter):
    """Drops MkDocs' "Page skipped: '<page>'. Generated empty output." for the KeptPages of the
    build (`pages`, their docs paths): their files are in the site already. Added to MkDocs'
    build logger (mkdocs.commands.build) for one `serve`."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the line of a kept page; every other record passes."""
        message = record.getMessage()
        if message.startswith("Page skipped: '"):
            return message[len("Page skipped: '"):].split("'", 1)[0] not in self.pages
        return True


SEARCH_STATUS = "papers-search-status.json"
"""In the site's root under `mkdocs serve` only: whether the search index is being remade
after the last edit, `{"updating": true}` until the new index is in place. Pages built by
serve (finish.PREVIEW_META) read it to say that search lags (generator/theme/assets/search.js)."""


def write_search_status(site_dir: Path, updating: bool) -> None:
    """Write SEARCH_STATUS into `site_dir`. Raises OSError when it cannot be written."""
    (site_dir / SEARCH_STATUS).write_text(json.dumps({"updating": updating}), encoding="utf-8")


def keep_outputs(state, outputs, reused: set[str]) -> tuple[int, int, int]:
    """Serve (site/state.BuildState `state`): write the paper pages' Markdown that changed into
    the generated dir (read back when the pages are written), keep every other generated file
    in memory for MkDocs (`caches.contents`), and delete the Markdown of papers that are gone.
    Returns (written, unchanged, removed). Raises OSError when a file cannot be written."""
    from ..pages.render import write_changed
    from ..pages.urls import PAPERS

    kept, folder = state.caches, state.generated_dir
    assert folder is not None
    last, kept.contents = kept.contents, {}
    written = unchanged = 0
    made: set[Path] = set()
    state.changed_papers = set()
    for name, text in outputs:
        if name.startswith(PAPERS + "/"):
            write_changed(folder / name, text.encode("utf-8"), lambda *_: False, made)
            state.changed_papers.add(name)
            written += 1
        else:
            kept.contents[name] = text
            if last.get(name) == text:
                unchanged += 1
            else:
                written += 1
    now = state.changed_papers | reused
    for gone in kept.paper_sources - now:
        (folder / gone).unlink(missing_ok=True)
    state.gone = [name for name in last if name not in kept.contents and name.endswith(".md")]
    removed = len(kept.paper_sources - now) + len(last.keys() - kept.contents.keys())
    kept.paper_sources = now
    return written, unchanged + len(reused), removed


def add_generated(state, files: Files, config, fast_pages: bool) -> None:
    """Serve: the generated files, written outside the docs dir, as MkDocs File objects (as
    mkdocs-gen-files adds its files); generated files a `build` left in the docs dir are not
    read. Without `fast_pages` MkDocs renders the paper pages too, read from their files."""
    from ..pages.urls import GENERATED_FILES

    for file in list(files):
        top = file.src_uri.split("/", 1)[0]
        if file.src_uri in GENERATED_FILES or (top in GENERATED_DIRS and "/" in file.src_uri):
            files.remove(file)
    for name, content in state.caches.contents.items():
        files.append(File.generated(config, name, content=content))
    if not fast_pages:
        for name in state.caches.paper_sources:
            files.append(File.generated(config, name, abs_src_path=str(state.generated_dir / name)))


def index_later(state, site_dir: Path) -> None:
    """Serve: finish this build's search index on a thread and swap it in for the last one,
    unless a newer build has started by then (its own index replaces it)."""
    import tempfile

    from ..data.model import GeneratorError

    indexer, generation, args = state.indexer, state.generation, state.index_args
    state.index_args = None
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
        with state.lock:
            if generation != state.generation:
                shutil.rmtree(staging, ignore_errors=True)
            elif state.building:
                state.pending_index = staging / "pagefind"
            else:
                swap_index(site_dir, staging / "pagefind")
                write_search_status(site_dir, updating=False)
                indexer.report_unindexed(log.warning)
                parts = indexer.preview_parts
                log.info("papers: search index updated"
                         + (f" ({parts.indexed} of {indexer.parts} parts made again)" if parts else ""))

    threading.Thread(target=run, name="pagefind-serve", daemon=True).start()
