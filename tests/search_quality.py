"""Search query sets run on a built site's search page, and their figures. Used by
test_search_quality.py and benchmarks/bench_search_quality.py.

Two kinds of set:

- The recall set (fixtures/search/queries.json, issue 15): a query's `expect` lists the titles
  it must find; recall@10 is the share of them among the first 10 results, out of at most 10
  (a query with 76 expected papers scores 1 when its first 10 results are all expected); its
  reciprocal rank is 1 / the rank of the first expected result among the 20 the page shows (0
  when none is). Absent-word queries (`expect` empty) must show no result.
- The judged sets (fixtures/search/judged.json, the main set the search was tuned on, and
  judged_heldout.json, kept apart; issue 22): each query's `judgments` grade papers by title,
  3 (the paper is about exactly this) to 0 (not relevant), judged by reading the papers; a
  paper not judged counts 0. nDCG@10 uses the gain 2^grade - 1 and the discount log2(rank + 1),
  against the ideal order of the query's judged grades; P@5 is the share of the first five
  results graded 2 or 3 (relevant: "substantially about it" or more). A query of kind `absent`
  (no judgments) scores 1 on both when the page shows no result, else 0. Typo queries are
  judged for their `corrected` query: the page must show the corrected query's results.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from generator.pages.export import load_export

QUERIES = Path(__file__).resolve().parent / "fixtures" / "search" / "queries.json"
"""The query set, drawn from the real corpus by benchmarks/search_queries.py."""
PAPERS = QUERIES.parent / "papers.txt"
"""A dump of every paper the query set expects, for a site built without the real corpus."""
CJK = QUERIES.parent / "cjk.txt"
"""Papers with Chinese and Japanese abstracts (written for the tests)."""
JUDGED = QUERIES.parent / "judged.json"
"""The main judged set: what search was tuned on."""
HELDOUT = QUERIES.parent / "judged_heldout.json"
"""The held-out judged set, judged the same way, never tuned on."""
RELEVANT = 2
"""Lowest grade P@5 counts as relevant."""


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
    notice: str = ""
    """The typo notice shown above the results, if any."""

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
                load_export(site)["papers"]}
    prefix = urlsplit(root).path.rstrip("/")
    out = []
    for query in queries:
        page.goto(f"{root}search/?q={quote(query['q'])}")
        page.locator(".papers-search-page__results[aria-busy=false]").wait_for()
        hrefs = page.locator("[data-papers-search-list] .papers-result__title").evaluate_all(
            "els => els.map(e => new URL(e.href).pathname)")
        titles = [title_of.get(h.removeprefix(prefix), h) for h in hrefs]
        notice = page.locator("[data-papers-search-notice]")
        out.append(Outcome(query, titles, page.locator("[data-papers-search-status]").text_content(),
                           notice.text_content() if notice.count() else ""))
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


def load_judged(path: Path) -> dict:
    """A judged set: {"how", "grades", "queries": [{"q", "kind", "intent", "corrected"?,
    "judgments": {title: grade}}]}."""
    return json.loads(path.read_text(encoding="utf-8"))


def ndcg(outcome: Outcome, depth: int = 10) -> float:
    """nDCG@depth of one judged query's results (see the module's docstring)."""
    grades = outcome.query["judgments"]
    if not grades:
        return float(not outcome.titles)
    gain = [2 ** grades.get(t, 0) - 1 for t in outcome.titles[:depth]]
    ideal = sorted((2 ** g - 1 for g in grades.values()), reverse=True)[:depth]
    dcg = sum(g / math.log2(k + 2) for k, g in enumerate(gain))
    best = sum(g / math.log2(k + 2) for k, g in enumerate(ideal))
    return dcg / best if best else float(not outcome.titles)


def precision(outcome: Outcome, depth: int = 5) -> float:
    """P@depth: the share of the first `depth` results graded RELEVANT or more."""
    grades = outcome.query["judgments"]
    if not grades:
        return float(not outcome.titles)
    return sum(grades.get(t, 0) >= RELEVANT for t in outcome.titles[:depth]) / depth


def judged_figures(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """nDCG@10 and P@5 averaged over all queries ("all") and per kind, with the query counts."""
    kinds: dict[str, list[Outcome]] = {"all": outcomes}
    for o in outcomes:
        kinds.setdefault(o.query["kind"], []).append(o)
    return {kind: {"queries": len(mine), "nDCG@10": sum(map(ndcg, mine)) / len(mine),
                   "P@5": sum(map(precision, mine)) / len(mine)} for kind, mine in kinds.items()}


def judged_report(outcomes: list[Outcome], worst: int = 12) -> str:
    """The figures per kind, then the `worst` queries by nDCG@10 with their first results."""
    lines = [f"  {kind:10} {f['queries']:3} queries  nDCG@10 {f['nDCG@10']:.3f}  P@5 {f['P@5']:.3f}"
             for kind, f in judged_figures(outcomes).items()]
    for o in sorted(outcomes, key=ndcg)[:worst]:
        grades = o.query["judgments"]
        first = [f"{grades.get(t, '-')}:{t[:50]}" for t in o.titles[:5]]
        lines.append(f"  nDCG {ndcg(o):.2f} {o.query['q']!r} ({o.query['kind']}) {o.status} {o.notice}".rstrip()
                     + f"; first: {first}")
    return "\n".join(lines)
