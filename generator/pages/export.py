"""papers.json: the archive as data, per the contract in DESIGN.md."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path

from ..data.model import Paper
from .urls import EXPORT, Urls


def paper_record(paper: Paper, urls: Urls) -> dict:
    """One paper as the contract's JSON object; its `url` is the page's as `urls` serve it."""
    return {
        "id": paper.id,
        "url": urls.paper(paper),
        "title": paper.title,
        "abstract": paper.abstract,
        "date": paper.date.isoformat() if paper.date else None,
        "comments": paper.comments,
        "upvotes": paper.upvotes,
        "arxiv_id": paper.arxiv_id,
        "authors": paper.authors,
        "author_names": list(paper.author_names) if paper.author_names is not None else None,
        "summary": paper.summary,
        "github": {"repo": paper.github_repo, "stars": paper.github_stars} if paper.github_repo else None,
        "project_page": paper.project_page,
        "organization": paper.organization,
        "org_id": paper.org_id,
        "tags": list(paper.tags),
        "links": list(paper.links),
        "related": list(paper.related),
        "sources": [{"file": s.file, "line": s.line} for s in paper.sources],
    }


def papers_json_bytes(papers: Sequence[Paper], urls: Urls,
                      cache: dict[str, tuple[Paper, bytes]] | None = None,
                      redirects: Sequence[dict] = (), archive: str | None = None) -> bytes:
    """The whole export as deterministic UTF-8 JSON: one paper a line, compact (the file is
    about 2.5 KB a paper, and Python's JSON encoder is fast only without indentation). Each
    paper's `url` follows `urls` (use_directory_urls); `archive`, the archive's UUID
    (pipeline.Archive.uuid), is its top-level `archive` key, which the next build reads back.

    Encoded paper by paper: as one str, a single emoji among 100,000 abstracts would make
    Python hold the whole text at 4 bytes a character (1 GB at 100,000 papers). `cache` (paper
    id -> (paper, its line), kept by `mkdocs serve` for one `urls`) is used and refreshed: a
    paper equal to the cached one is not encoded again. `redirects` (pages/redirects.
    redirect_records), when there are any, follow the papers as the top-level `redirects`."""
    if cache is None:
        records = [_record_bytes(p, urls) for p in papers]
    else:
        records = []
        fresh: dict[str, tuple[Paper, bytes]] = {}
        for p in papers:
            hit = cache.get(p.id)
            line = hit[1] if hit is not None and hit[0] == p else _record_bytes(p, urls)
            fresh[p.id] = (p, line)
            records.append(line)
        cache.clear()
        cache.update(fresh)
    tail = b""
    if redirects:
        tail = b',\n"redirects":[\n' + b",\n".join(
            json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode("utf-8") for r in redirects) + b"\n]"
    head = b'{"count":%d,' % len(records) + (b'"archive":%s,' % json.dumps(archive).encode() if archive else b"")
    return head + b'"papers":[\n' + b",\n".join(records) + b"\n]" + tail + b"}\n"


GZIP_LEVEL = 5
"""At 100,000 papers 230 MiB of JSON become about a quarter of it. One below zlib's default
(6): at 10,000 papers 0.40 s against 0.66 s, for 1.8% more bytes (6.06 MB against 5.95 MB)."""


def gzipped(data: bytes) -> bytes:
    """`data` gzipped deterministically (no file name, mtime 0): the site's papers.json.gz, the
    same bytes for the same archive, so that two builds are byte-identical."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def _record_bytes(paper: Paper, urls: Urls) -> bytes:
    return json.dumps(paper_record(paper, urls), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def papers_json(papers: Sequence[Paper], urls: Urls, archive: str | None = None) -> str:
    """The whole export as deterministic JSON text (see papers_json_bytes)."""
    return papers_json_bytes(papers, urls, archive=archive).decode("utf-8")


def load_export(folder: Path) -> dict:
    """The papers.json a build wrote into `folder` (a site or a docs dir), read back from its
    papers.json.gz: `{"count": N, "archive": UUID, "papers": [...], "redirects": [...]}` (the
    last when there are any). Raises OSError when there is none, ValueError when it is not JSON."""
    return json.loads(gzip.decompress((folder / EXPORT).read_bytes()))
