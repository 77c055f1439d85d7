"""The plugin's state: one `BuildState` per plugin object and its `Mode`.

MkDocs calls the plugin's hooks in order for each build (site/plugin.py); everything those
hooks hand each other lives here, in two halves: `caches` (site/caches.Caches), what outlives a
build (a `serve` session's memory, or the build cache a `build` takes and leaves), and the
fields below it, what one build makes and drops (reset by `begin`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..data.pipeline import Archive
from .caches import Caches
from .lists import SetAside
from .paper_pages import PaperPage
from .preview import QuietKeptPages


class Mode(Enum):
    """How this build relates to the ones before and after it."""

    BUILD = "build"
    """`mkdocs build` from scratch: nothing kept from before, nothing left for after."""
    CACHED_BUILD = "cached build"
    """`mkdocs build` (or `generator build`) with the `cache` option: the caches are taken from
    the build cache when it matches the site, and left there for the next build."""
    SERVE = "serve"
    """`mkdocs serve`: one plugin object for the session; the caches stay in memory, the
    generated Markdown goes outside the watched docs dir, the search index is remade after
    the pages."""

    @property
    def caching(self) -> bool:
        """Whether this build fills the caches for the next one."""
        return self is not Mode.BUILD


@dataclass
class BuildState:
    """What the plugin's hooks share (see the module's docstring)."""

    mode: Mode = Mode.BUILD
    caches: Caches = field(default_factory=Caches)
    previous_site: Path | None = None
    """Set by site/build.build_site, which builds into a new folder and swaps it in: the folder
    the last build's site is in (its generated folders are linked into the new one, which
    leaves the last site untouched if this build fails)."""
    record: Path | None = None
    """Set by `python -m generator build --published`: the live site's papers.json(.gz), the
    record this build keeps in place (data/record.py); else the last build's is read."""
    generated_dir: Path | None = None
    """Under serve, where the generated Markdown goes: outside the docs dir, which the server
    watches (a write there would start another build)."""
    own_epoch: bool = field(default_factory=lambda: "SOURCE_DATE_EPOCH" not in os.environ)
    """Whether the build dates itself (SOURCE_DATE_EPOCH not given when the plugin was made)."""
    quiet: QuietKeptPages = field(default_factory=QuietKeptPages)
    collector: tuple[int, int, int] | None = None
    """The garbage collector's thresholds before this command's builds (build.collect_less),
    put back at its end."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Serve: held while `generation`, `building` and `pending_index` change."""
    generation: int = 0
    """Serve: builds started in this session; an index made for an older one is dropped."""
    building: bool = False
    pending_index: Path | None = None
    """Serve: an index finished while a build ran, swapped in when the build is done."""

    # What one build makes, reset by begin().
    site_dir: Path | None = None
    archive: Archive | None = None
    lean: bool = False
    """Whether the theme has the lean templates (site/lean_pages.py)."""
    site_kept: bool = False
    """Whether the site's generated folders of the last build are in use: their pages that
    did not change are not written again (serve after its first build; a cached build whose
    build cache matches the site)."""
    aside: SetAside = field(default_factory=SetAside)
    paper_pages: list[PaperPage] = field(default_factory=list)
    """The paper pages the plugin writes itself (site/paper_pages.py), in on_post_build."""
    changed_papers: set[str] = field(default_factory=set)
    """The paper pages whose Markdown this build rendered again (caching)."""
    gone: list[str] = field(default_factory=list)
    """The docs paths of generated pages (but paper pages) gone since the last build."""
    nav_pages: set[str] = field(default_factory=set)
    fingerprint: str = ""
    """What every page's HTML depends on besides its Markdown (caches.fingerprint)."""
    env: object = None
    nav: object = None
    files: object = None
    indexer: object = None
    """This build's search.indexer.Indexer, None without search."""
    index_args: tuple | None = None
    """Serve: what this build's index is to be made of, once the build is done."""
    linking: object = None
    """A cached `generator build`: the last site's folders being linked (preview.Background)."""
    state_path: Path | None = None
    """The build cache's manifest this build took (removed when it fails)."""
    state_key: str = ""
    stats: dict[str, float] = field(default_factory=dict)
    pages_started: float = 0.0
    failure: str | None = None
    """What stopped the last build, for `generator build` to report."""

    def begin(self, site_dir: Path) -> None:
        """Start a build into `site_dir`: drop what the last build made (not the caches)."""
        self.site_dir, self.archive, self.failure, self.index_args = site_dir, None, None, None
        self.aside, self.paper_pages, self.stats = SetAside(), [], {}

    def fail(self, message: str) -> PluginError:
        """The error that stops the build; kept in `failure` too, as MkDocs reports a
        PluginError as `Aborted with a BuildError!` and `generator build` names the cause."""
        self.failure = message
        return PluginError(message)
