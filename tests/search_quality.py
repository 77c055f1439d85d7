"""The search query set (fixtures/search/queries.json) run on a built site's search page, and its
figures: recall@10 and mean reciprocal rank. Used by test_search_quality.py and
benchmarks/bench_search_quality.py.

A query's `expect` lists the titles it must find; recall@10 is the share of them among the first
10 results, out of at most 10 (a query with 76 expected papers scores 1 when its first 10 results
are all expected); its reciprocal rank is 1 / the rank of the first expected result among the
20 the page shows (0 when none is). Absent-word queries (`expect` empty) must show no result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

QUERIES = Path(__file__).resolve().parent / "fixtures" / "search" / "queries.json"
"""The query set, drawn from the real corpus by benchmarks/search_queries.py."""
PAPERS = QUERIES.parent / "papers.txt"
"""A dump of every paper the query set expects, for a site built without the real corpus."""
CJK = QUERIES.parent / "cjk.txt"
"""Papers with Chinese and Japanese abstracts (written for the tests)."""


def load_queries() -> list[dict]:
    """The query set: dicts with `q` (as typed), `kind` and `expect` (titles)."""
    return json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]


@dataclass
class Outcome:
    """What the search page showed for one query."""

    query: dict
    titles: list[str]
    """Titles of the results shown, in order (at most 20)."""
    status: str

    @property
    def recall(self) -> float:
        expect = set(self.query["expect"])
        return len(expect & set(self.titles[:10])) / min(10, len(expect)) if expect else float(not self.titles)

    @property
    def reciprocal_rank(self) -> float:
        expect = set(self.query["expect"])
        if not expect:
            return float(not self.titles)
        return next((1 / (k + 1) for k, t in enumerate(self.titles) if t in expect), 0.0)


def run_queries(page, root: str, site: Path, queries: list[dict]) -> list[Outcome]:
    """Type each query into the search page of the site served at `root` (built into `site`);
    the outcomes in query order."""
    title_of = {"/" + p["url"]: p["title"] for p in
                json.loads((site / "papers.json").read_text(encoding="utf-8"))["papers"]}
    prefix = urlsplit(root).path.rstrip("/")
    out = []
    for query in queries:
        page.goto(f"{root}search/?q={quote(query['q'])}")
        page.locator(".papers-search-page__results[aria-busy=false]").wait_for()
        hrefs = page.locator("[data-papers-search-list] .papers-result__title").evaluate_all(
            "els => els.map(e => new URL(e.href).pathname)")
        titles = [title_of.get(h.removeprefix(prefix), h) for h in hrefs]
        out.append(Outcome(query, titles, page.locator("[data-papers-search-status]").text_content()))
    return out


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    """recall@10 and MRR over the queries that expect papers; the share of absent-word queries
    that showed nothing."""
    found = [o for o in outcomes if o.query["expect"]]
    absent = [o for o in outcomes if not o.query["expect"]]
    return {"queries": len(outcomes),
            "recall@10": sum(o.recall for o in found) / len(found),
            "MRR": sum(o.reciprocal_rank for o in found) / len(found),
            "absent empty": sum(not o.titles for o in absent) / len(absent) if absent else 1.0}


def report(outcomes: list[Outcome]) -> str:
    """The figures, per kind, and every query that missed, as lines of text."""
    lines = []
    for kind in dict.fromkeys(o.query["kind"] for o in outcomes):
        mine = [o for o in outcomes if o.query["kind"] == kind]
        if mine[0].query["expect"]:
            f = figures(mine)
            lines.append(f"  {kind:18} {len(mine):3} queries  recall@10 {f['recall@10']:.3f}  MRR {f['MRR']:.3f}")
        else:
            lines.append(f"  {kind:18} {len(mine):3} queries  no results for {sum(not o.titles for o in mine)}")
    for o in outcomes:
        if o.recall < 1 or o.reciprocal_rank < 1:
            lines.append(f"  miss: {o.query['q']!r} ({o.query['kind']}): recall {o.recall:.2f}, "
                         f"RR {o.reciprocal_rank:.2f}, {o.status}; first: {o.titles[:3]}")
    return "\n".join(lines)
