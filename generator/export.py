"""papers.json: the archive as data, per the contract in DESIGN.md."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .model import Paper


def paper_record(paper: Paper) -> dict:
    """One paper as the contract's JSON object."""
    return {
        "id": paper.id,
        "url": paper.url,
        "title": paper.title,
        "abstract": paper.abstract,
        "date": paper.date.isoformat() if paper.date else None,
        "comments": paper.comments,
        "upvotes": paper.upvotes,
        "arxiv_id": paper.arxiv_id,
        "authors": paper.authors,
        "organization": paper.organization,
        "org_id": paper.org_id,
        "tags": list(paper.tags),
        "links": list(paper.links),
        "related": list(paper.related),
        "sources": [{"file": s.file, "line": s.line} for s in paper.sources],
    }


def papers_json_bytes(papers: Sequence[Paper]) -> bytes:
    """The whole export as deterministic UTF-8 JSON: one paper a line, compact (the file is
    about 2.5 KB a paper, and Python's JSON encoder is fast only without indentation).

    Encoded paper by paper: as one str, a single emoji among 100,000 abstracts would make
    Python hold the whole text at 4 bytes a character (1 GB at 100,000 papers)."""
    records = [json.dumps(paper_record(p), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
               for p in papers]
    return b'{"count":%d,"papers":[\n' % len(records) + b",\n".join(records) + b"\n]}\n"


def papers_json(papers: Sequence[Paper]) -> str:
    """The whole export as deterministic JSON text."""
    return papers_json_bytes(papers).decode("utf-8")
