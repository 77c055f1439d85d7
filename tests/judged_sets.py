"""The judged sets of tests/fixtures/tags and tests/fixtures/related, and the figures measured on
them: shared by the tests (test_tags.py, test_related.py) and the benchmarks (bench_tags.py,
bench_related.py). Each set's file says how it was made ("how")."""

from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.data.model import Paper
from generator.data.pipeline import collect
from generator.data.tags import Tagger, Taxonomy
from generator.site.config import default_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TAG_SETS = {"judged": FIXTURES / "tags" / "judged.json", "heldout": FIXTURES / "tags" / "heldout.json"}
RELATED_SETS = {"judged": FIXTURES / "related" / "judged.json", "heldout": FIXTURES / "related" / "heldout.json"}
# nDCG's cut-off, and how deep a ranking is read to skip unjudged papers (condensed nDCG).
DEPTH = 5
CONDENSED_DEPTH = 20


def corpus_papers(folder: Path) -> list[Paper]:
    """The papers of a corpus of dumps, merged as a build merges them (no tags, no related)."""
    return collect(default_settings(sources=[folder], tags=None), with_related=False).papers


def tag_figures(papers: Sequence[Paper], taxonomy: Taxonomy, which: str = "judged") -> dict:
    """Precision and recall of the tags `taxonomy` gives the papers of a judged set, micro-averaged
    over (paper, tag) pairs, and tags a paper (the tagger's and the curator's); `errors` lists
    (title, tags given wrongly, tags missed) per paper that differs. Raises KeyError for a
    judged paper missing from `papers`."""
    judged = json.loads(TAG_SETS[which].read_text(encoding="utf-8"))["papers"]
    by_id = {p.id: p for p in papers}
    tagger = Tagger(taxonomy)
    hits = wrong = missed = given = 0
    per_tag: dict[str, Counter] = {}
    errors = []
    for entry in judged:
        paper = by_id[entry["id"]]
        got, want = set(tagger.tags_for(paper.title, paper.abstract)), set(entry["tags"])
        hits, wrong, missed, given = hits + len(got & want), wrong + len(got - want), missed + len(want - got), given + len(got)
        for tag, kind in [(t, "right") for t in got & want] + [(t, "wrong") for t in got - want] + [(t, "missed") for t in want - got]:
            per_tag.setdefault(tag, Counter())[kind] += 1
        if got != want:
            errors.append((paper.title, sorted(got - want), sorted(want - got)))
    return {"papers": len(judged), "precision": hits / max(1, hits + wrong), "recall": hits / max(1, hits + missed),
            "tags a paper": given / len(judged), "curator's tags a paper": sum(len(e["tags"]) for e in judged) / len(judged),
            "per tag": per_tag, "errors": errors}


def _key(title: str) -> str:
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


def related_figures(papers: Sequence[Paper], rankings: Mapping[str, Sequence[str]], which: str = "judged") -> dict:
    """nDCG@5 of related papers on a judged set (graded 0-3 by reading; linear gain), with
    `rankings` the ranked ids of the related papers of each query paper (at least
    CONDENSED_DEPTH deep for the condensed figure):

    - `nDCG@5`: condensed, unjudged papers skipped, the standard way with pooled judgments;
    - `nDCG@5 unjudged as 0`: the first five as they are, an unjudged paper counting as unrelated;
    - `unrelated`: the share of the first five graded 0, `unjudged`: how many were not graded.
    Raises KeyError for a query paper missing from `rankings`."""
    queries = json.loads(RELATED_SETS[which].read_text(encoding="utf-8"))["queries"]
    title_of = {p.id: _key(p.title) for p in papers}
    condensed, as_zero, unjudged, unrelated, shown = [], [], 0, 0, 0
    for query in queries:
        grades = {_key(title): grade for title, grade in query["judgments"].items()}
        ranked = [title_of.get(pid) for pid in rankings[query["id"]] if pid != query["id"]]
        ideal = _dcg(sorted(grades.values(), reverse=True)[:DEPTH]) or 1.0
        first = ranked[:DEPTH]
        as_zero.append(_dcg([grades.get(t, 0) for t in first]) / ideal)
        condensed.append(_dcg([grades[t] for t in ranked[:CONDENSED_DEPTH] if t in grades][:DEPTH]) / ideal)
        unjudged += sum(t not in grades for t in first)
        unrelated += sum(grades.get(t) == 0 for t in first)
        shown += len(first)
    return {"queries": len(queries), "nDCG@5": sum(condensed) / len(queries),
            "nDCG@5 unjudged as 0": sum(as_zero) / len(queries), "unrelated": unrelated / max(1, shown),
            "unjudged": unjudged, "shown": shown}


def _dcg(grades: Sequence[int]) -> float:
    return sum(grade / math.log2(rank + 2) for rank, grade in enumerate(grades))
