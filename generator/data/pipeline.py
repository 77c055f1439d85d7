"""The whole data side of the pipeline: read -> parse -> merge -> tag -> relate."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import uuid4

from . import mathtext
from .merge import merge
from .model import Dump, Paper, Problem
from .record import Previous, keep_places, read_previous
from .sources import read_dumps
from .tags import Taxonomy, apply_tags, load_taxonomy

if TYPE_CHECKING:
    from .related import Vectors


@dataclass
class Settings:
    """What the pipeline reads, resolved against the folder of mkdocs.yml. Made from the plugin's
    options (config.resolve, or config.default_settings in tests), which give every default."""

    sources: list[Path]
    """Dump files and folders of dumps."""
    tags: Path | None
    """The taxonomy file; None for no tags."""
    page_years: dict[str, int]
    """Page year per dump file name, overriding the year rule."""
    related: int
    """Related papers per paper page."""
    page_size: int
    """Papers per listing page."""
    previous: Path | None = None
    """The published record (data/record.py): the live site's papers.json(.gz) fetched by
    `build --published`, else the last build's: published papers keep their ids and URLs, and
    related lists that still hold are kept, so pages stay put."""


@dataclass
class Archive:
    """Everything gathered before anything is written."""

    dumps: list[Dump]
    papers: list[Paper]
    problems: list[Problem]
    taxonomy: Taxonomy = field(default_factory=Taxonomy)
    timings: dict[str, float] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    """Target paper id by the place (`<folder>/<id>`) of a published page that now redirects
    to it (record.keep_places)."""
    uuid: str = field(default_factory=lambda: str(uuid4()))
    """The archive's own UUID (`archive` in papers.json): made once, at the first build, and
    read back from the last build's papers.json by every later one (read_previous). Feed ids
    are made from it and the papers' ids (pages/feeds.py), so they do not depend on site_url."""

    @property
    def entries(self) -> int:
        """Entries read across all dumps."""
        return sum(len(d.records) for d in self.dumps)


@dataclass
class Cache:
    """What one `mkdocs serve` keeps between its builds, so that a rebuild after an edit does
    work in proportion to the edit. Every entry is keyed by its inputs: a cached result is the
    one a build from scratch would compute."""

    dumps: dict[tuple[str, bytes], Dump] = field(default_factory=dict)
    """Parsed dumps by (file name, digest of its bytes): sources.read_dump."""
    taxonomy: Taxonomy | None = None
    """The tag rules `tags` was computed with; another taxonomy empties `tags`."""
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Tags by tags.text_key(title, abstract) under `taxonomy`."""
    previous: Previous | None = None
    """What the last build published, set by the caller after each build; read_previous
    of `Settings.previous` when None."""
    vectors: Vectors | None = None
    """The related papers' vectors of the last build (related.update_related)."""
    rules: tuple[bytes, Taxonomy] | None = None
    """The tag rules file's bytes and the taxonomy read from them."""
    exact: bool = False
    """Related papers found in full at every build, as a build from scratch finds them (the
    build cache of `mkdocs build`); else in proportion to the edit, over the last build's
    vectors (`mkdocs serve`: related.update_related, an approximation)."""


def collect(
    settings: Settings,
    today: date | None = None,
    with_tags: bool = True,
    with_related: bool = True,
    progress: Callable[[str], None] | None = None,
    tagged: Callable[[list[Paper]], None] | None = None,
    cache: Cache | None = None,
) -> Archive:
    """Read every dump and turn it into the archive's papers (no files written).

    `tagged(papers)` is called once the papers are merged and tagged, before the related
    papers are found: the search index, which needs no related papers, starts there. With
    `cache` (kept by the caller between builds), unchanged dumps are not parsed again and
    unchanged papers not tagged again; the result is the same."""
    timings: dict[str, float] = {}
    say = progress or (lambda _msg: None)

    previous = cache.previous if cache is not None and cache.previous is not None else read_previous(settings.previous)
    start = time.perf_counter()
    dumps = read_dumps(settings.sources, cache.dumps if cache is not None else None)
    papers, merge_problems = merge(dumps, settings.page_years, today, previous.ids)
    papers, redirects = keep_places(papers, previous)
    timings["parse+merge"] = time.perf_counter() - start
    problems = [p for d in dumps for p in d.problems] + merge_problems + mathtext.problems(papers)
    say(f"read {sum(len(d.records) for d in dumps)} entries from {len(dumps)} dumps: {len(papers)} papers")

    taxonomy = Taxonomy()
    if with_tags and settings.tags is not None:
        start = time.perf_counter()
        taxonomy = _load_taxonomy(settings.tags, cache)
        papers = apply_tags(papers, taxonomy, _tag_cache(cache, taxonomy))
        timings["tags"] = time.perf_counter() - start
        say(f"tagged: {sum(1 for p in papers if p.tags)} of {len(papers)} papers have a tag")
    if tagged is not None:
        tagged(papers)
    if with_related and settings.related > 0:
        # numpy, SciPy and scikit-learn take most of a second to import: only when related
        # papers are found (`check` finds none).
        from .related import apply_related, update_related

        start = time.perf_counter()
        lists = None
        if cache is not None and not cache.exact:  # serve: in proportion to the edit (in full without last vectors)
            lists, cache.vectors = update_related(papers, settings.related, previous.related, cache.vectors)
        papers = apply_related(papers, settings.related, previous.related, lists)
        timings["related"] = time.perf_counter() - start
        say(f"related papers found in {timings['related']:.1f} s")
    # The archive's UUID, once made, is kept as the ids are: feed ids stay across builds.
    return Archive(dumps, papers, problems, taxonomy, timings, redirects, previous.archive or str(uuid4()))


def _load_taxonomy(path: Path, cache: Cache | None) -> Taxonomy:
    """load_taxonomy, not again while the file keeps its bytes (with `cache`)."""
    if cache is None:
        return load_taxonomy(path)
    try:
        raw = path.read_bytes()
    except OSError:  # load_taxonomy says what is wrong
        return load_taxonomy(path)
    if cache.rules is None or cache.rules[0] != raw:
        cache.rules = (raw, load_taxonomy(path))
    return cache.rules[1]


def _tag_cache(cache: Cache | None, taxonomy: Taxonomy) -> dict | None:
    if cache is None:
        return None
    if cache.taxonomy != taxonomy:  # tags.yml edited: every paper is tagged again
        cache.taxonomy, cache.tags = taxonomy, {}
    return cache.tags
