"""The whole data side of the pipeline: read -> parse -> merge -> tag -> relate."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from . import mathtext
from .merge import SLUG_LENGTH, merge, title_key
from .model import Dump, Paper, Problem
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
    """Last build's papers.json: published papers keep their ids, and related lists that still
    hold are kept, so pages stay put."""


@dataclass
class Archive:
    """Everything gathered before anything is written."""

    dumps: list[Dump]
    papers: list[Paper]
    problems: list[Problem]
    taxonomy: Taxonomy = field(default_factory=Taxonomy)
    timings: dict[str, float] = field(default_factory=dict)
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
    tags: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    """Tags by (title, abstract) under `taxonomy`."""
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


@dataclass(frozen=True)
class Previous:
    """What the last build published (its papers.json), so that this one keeps it in place."""

    ids: dict[str, str] = field(default_factory=dict)
    """Paper id by title key (merge.title_key): a published paper keeps its id and URL."""
    related: dict[str, list[str]] = field(default_factory=dict)
    """Related lists by paper id: lists that still hold are kept, so pages stay put."""
    archive: str | None = None
    """The archive's UUID (Archive.uuid), kept as the ids are; None when there was none."""

    @classmethod
    def of(cls, papers: list[Paper], archive: str | None = None) -> Previous:
        """What a build of `papers` (of the archive whose UUID is `archive`) publishes, as
        read_previous would read it back from its papers.json (`mkdocs serve` keeps it in
        memory between builds)."""
        ids: dict[str, str] = {}
        for paper in papers:
            ids.setdefault(title_key(paper.title), paper.id)
        return cls(ids, {paper.id: list(paper.related) for paper in papers}, archive)


# An id as merge.assign_ids makes them: ids from the file become paths under the docs dir.
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ID_LENGTH = SLUG_LENGTH + 9  # a slug and its hash suffix


def archive_uuid(value: object) -> str | None:
    """The archive UUID of a papers.json (its top-level `archive`) in canonical form
    (`8-4-4-4-12` lower-case hex), or None when `value` is not a UUID."""
    if not isinstance(value, str):
        return None
    try:
        return str(UUID(value))
    except ValueError:
        return None


def read_previous(path: Path | None) -> Previous:
    """Ids, related lists and the archive's UUID from a previous papers.json; empty when there
    is none or it is unreadable (then ids are assigned, related papers found and a UUID made
    afresh)."""
    if path is None or not path.is_file():
        return Previous()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        papers = data["papers"]
        ids: dict[str, str] = {}
        related: dict[str, list[str]] = {}
        for paper in papers:
            pid = paper["id"]
            if not isinstance(pid, str) or len(pid) > _ID_LENGTH or not _ID.fullmatch(pid):
                continue
            if isinstance(paper.get("title"), str):
                ids.setdefault(title_key(paper["title"]), pid)
            related[pid] = list(paper.get("related") or [])
        # Read beside the ids, as one record of what was published: the feeds' ids follow it.
        return Previous(ids, related, archive_uuid(data.get("archive")))
    except (OSError, ValueError, KeyError, TypeError):
        return Previous()


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
    return Archive(dumps, papers, problems, taxonomy, timings, previous.archive or str(uuid4()))


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
