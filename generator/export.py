"""papers.json: the archive as data, per the contract in DESIGN.md."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .model import Paper


def paper_record(paper: Paper) -> dict:
    """One paper as the contract's JSON object."""
    return {
        "id": paper.id,
        "url": paper.url,
        "title": paper.title,
        "abstract": paper.abstract,
        "date": paper.date.isoformat() if paper.date else None,
        "upvotes": paper.upvotes,
        "authors": paper.authors,
        "organization": paper.organization,
        "org_id": paper.org_id,
        "tags": list(paper.tags),
        "links": list(paper.links),
        "related": list(paper.related),
        "sources": [{"file": s.file, "line": s.line} for s in paper.sources],
    }


def papers_json(papers: Iterable[Paper]) -> str:
    """The whole export as deterministic JSON text: one paper a line, compact (the file is
    about 2.5 KB a paper, and Python's JSON encoder is fast only without indentation)."""
    records = [json.dumps(paper_record(p), ensure_ascii=False, separators=(",", ":")) for p in papers]
    return f'{{"count":{len(records)},"papers":[\n' + ",\n".join(records) + "\n]}\n"
