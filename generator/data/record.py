"""What was published: the record a build keeps in place (docs/permalinks.md).

The record is the `papers.json(.gz)` of the site as last published: each paper's id, its URL
(the folder it lives in) and its title key, the redirects left at URLs that moved, and any
other top-level key (the feed's archive uuid). A build reads it, keeps every published paper
at its id and URL whatever its date, its year rule or a colliding title become, and leaves a
redirect (pages/redirects.py) at the URL of a published paper that became another one (two
records merged into one paper, a title corrected under the same arXiv id).

Where the record comes from: the live site (`python -m generator build --published URL`, which
the publish workflow passes, as its checkout has no earlier build), else the papers.json the
last local build left in the docs dir. The network is reached only for `--published`.
"""

from __future__ import annotations

import gzip
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from .merge import SLUG_LENGTH, title_key
from .model import Paper, paper_with

# An id as merge.assign_ids makes them: ids from the record become paths under the docs dir.
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ID_LENGTH = SLUG_LENGTH + 9  # a slug and its hash suffix
# The folders a paper page may live in (pages/urls.paper_folder): a record naming any other
# place (a hand edit, a hostile site) is not followed.
_FOLDER = re.compile(r"papers/(?:\d{4}/\d{2}|undated)")
# A page's URL as pages/urls.page_url makes it, with or without directory URLs.
_URL = re.compile(r"(?P<folder>papers/(?:\d{4}/\d{2}|undated))/(?P<id>[a-z0-9-]+)(?:/|\.html)")
RECORD_KEYS = ("count", "archive", "papers", "redirects")
"""The top-level keys of papers.json this module reads; the others are kept in `extra`."""
TIMEOUT = 60
"""Seconds a request for the published record may take."""


@dataclass(frozen=True)
class Previous:
    """What the last build published (its papers.json), so that this one keeps it in place."""

    ids: dict[str, str] = field(default_factory=dict)
    """Paper id by title key (merge.title_key): a published paper keeps its id and URL."""
    related: dict[str, list[str]] = field(default_factory=dict)
    """Related lists by paper id: lists that still hold are kept, so pages stay put."""
    folders: dict[str, str] = field(default_factory=dict)
    """The docs folder of each published paper's page by id (`papers/2025/10`): it stays there."""
    arxiv: dict[str, str] = field(default_factory=dict)
    """Published paper id by arXiv id: where a paper whose title changed came from."""
    redirects: dict[str, str] = field(default_factory=dict)
    """Target paper id by the place (`<folder>/<id>`) of a redirect published before."""
    extra: dict[str, object] = field(default_factory=dict)
    """The record's other top-level keys, as read."""
    archive: str | None = None
    """The archive's UUID (`archive` in papers.json, pipeline.Archive.uuid), kept as the ids are:
    feed ids are made from it (pages/feeds.py); None when the record had none."""

    @classmethod
    def of(cls, papers: list[Paper], archive: str | None = None) -> Previous:
        """What a build of `papers` (of the archive whose UUID is `archive`) publishes, as
        read_previous would read it back from its papers.json (`mkdocs serve` keeps it in
        memory between builds)."""
        ids: dict[str, str] = {}
        for paper in papers:
            ids.setdefault(title_key(paper.title), paper.id)
        return cls(ids, {paper.id: list(paper.related) for paper in papers},
                   {p.id: p.folder or _date_folder(p) for p in papers},
                   {p.arxiv_id: p.id for p in papers if p.arxiv_id}, archive=archive)


def read_previous(path: Path | None) -> Previous:
    """The record in a papers.json, gzipped or not (by its first bytes); empty when there is
    none or it is unreadable (then ids are assigned, pages placed by their date and related
    papers found afresh). Entries whose id or URL is not one the generator makes are skipped."""
    if path is None or not path.is_file():
        return Previous()
    try:
        raw = path.read_bytes()
        return parse_record(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
        return Previous()


def parse_record(raw: bytes) -> Previous:
    """The record in the bytes of a papers.json. Raises ValueError (bad JSON), KeyError,
    TypeError or AttributeError when it is not the contract's shape."""
    data = json.loads(raw)
    ids: dict[str, str] = {}
    related: dict[str, list[str]] = {}
    folders: dict[str, str] = {}
    arxiv: dict[str, str] = {}
    for paper in data["papers"]:
        pid = paper["id"]
        if not _is_id(pid):
            continue
        if isinstance(paper.get("title"), str):
            ids.setdefault(title_key(paper["title"]), pid)
        related[pid] = list(paper.get("related") or [])
        place = _place(paper.get("url"))
        if place is not None and place[1] == pid:
            folders[pid] = place[0]
        if isinstance(paper.get("arxiv_id"), str):
            arxiv.setdefault(paper["arxiv_id"], pid)
    redirects: dict[str, str] = {}
    for entry in data.get("redirects") or ():
        place = _place(entry.get("url"))
        if place is not None and _is_id(entry.get("id")):
            redirects[f"{place[0]}/{place[1]}"] = entry["id"]
    extra = {k: v for k, v in data.items() if k not in RECORD_KEYS}
    # Read beside the ids, as one record of what was published: the feeds' ids follow it.
    return Previous(ids, related, folders, arxiv, redirects, extra, archive_uuid(data.get("archive")))


def archive_uuid(value: object) -> str | None:
    """The archive UUID of a papers.json (its top-level `archive`) in canonical form
    (`8-4-4-4-12` lower-case hex), or None when `value` is not a UUID."""
    if not isinstance(value, str):
        return None
    try:
        return str(UUID(value))
    except ValueError:
        return None


def _is_id(value: object) -> bool:
    return isinstance(value, str) and len(value) <= _ID_LENGTH and _ID.fullmatch(value) is not None


def _place(url: object) -> tuple[str, str] | None:
    """(docs folder, id) of a paper page's URL, None for any other string."""
    if not isinstance(url, str):
        return None
    m = _URL.fullmatch(url)
    if m is None or not _is_id(m["id"]) or not _FOLDER.fullmatch(m["folder"]):
        return None
    return m["folder"], m["id"]


def keep_places(papers: Iterable[Paper], previous: Previous) -> tuple[list[Paper], dict[str, str]]:
    """`papers` with every published one at its recorded folder (Paper.folder, set when its date
    would place it elsewhere), and the
    redirects to leave: target paper id by the place (`<folder>/<id>`) of a published page
    whose paper is now another one. A published id that is gone leaves a redirect when its
    title key or arXiv id now names a paper; redirects published before stay while their
    target (followed through redirects) is a paper."""
    placed = []
    for paper in papers:
        folder = previous.folders.get(paper.id)
        # Set only where the date would place it elsewhere: a paper that did not move stays
        # equal to itself, and its page is not rendered again (pages/render.RenderCache).
        if folder and folder != _date_folder(paper) and folder != paper.folder:
            paper = paper_with(paper, "folder", folder)
        placed.append(paper)
    current = {p.id for p in placed}
    successor: dict[str, str] = {}  # gone id -> the paper it became
    gone_keys = [(key, pid) for key, pid in previous.ids.items() if pid not in current]
    gone_arxiv = [(arxiv_id, pid) for arxiv_id, pid in previous.arxiv.items() if pid not in current]
    if gone_keys:  # (the title keys of 100,000 papers take 0.4 s: only when a published id is gone)
        by_key = {title_key(p.title): p.id for p in placed}
        for key, pid in gone_keys:
            if key in by_key:
                successor.setdefault(pid, by_key[key])
    if gone_arxiv:
        by_arxiv = {p.arxiv_id: p.id for p in placed if p.arxiv_id}
        for arxiv_id, pid in gone_arxiv:
            if arxiv_id in by_arxiv:
                successor.setdefault(pid, by_arxiv[arxiv_id])
    redirects: dict[str, str] = {}
    for place, target in previous.redirects.items():
        seen = set()
        while target not in current and target in successor and target not in seen:
            seen.add(target)
            target = successor[target]
        if target in current:
            redirects[place] = target
    for pid, target in sorted(successor.items()):
        folder = previous.folders.get(pid)
        if folder:
            redirects[f"{folder}/{pid}"] = target
    return placed, dict(sorted(redirects.items()))


def _date_folder(paper: Paper) -> str:
    """The folder a paper's date gives its page: pages/urls.paper_folder's rule, which the
    record's URLs (_URL) are read by."""
    return f"papers/{paper.date.year:04d}/{paper.date.month:02d}" if paper.date else "papers/undated"


def fetch_record(url: str, folder: Path) -> tuple[Path | None, str]:
    """Download the published record of the site at `url` (its `papers.json.gz`, else the
    `papers.json` of a site built before it was compressed) into `folder`. Returns the file
    and "", or None and one line saying why not and what the build then cannot promise (a
    404 on the first publish, a network error, an answer that is not a record)."""
    base = url if url.endswith("/") else url + "/"
    why = ""
    for name in ("papers.json.gz", "papers.json"):
        try:
            with urllib.request.urlopen(base + name, timeout=TIMEOUT) as answer:  # noqa: S310 - told to
                raw = answer.read()
        except urllib.error.HTTPError as exc:
            why = f"{base}{name} answered HTTP {exc.code}" + (" (nothing published yet?)" if exc.code == 404 else "")
            if exc.code == 404:
                continue
            break
        except (urllib.error.URLError, OSError, ValueError) as exc:
            why = f"{base}{name} could not be read ({getattr(exc, 'reason', exc)})"
            break
        try:
            parse_record(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as exc:
            why = f"{base}{name} is not a papers.json ({type(exc).__name__})"
            break
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(raw)
        return path, ""
    return None, (f"no published record: {why}; ids and URLs are assigned as if nothing had been published, "
                  "so a page published before may change its URL or its paper")
