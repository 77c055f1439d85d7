"""The real-world corpus: every capture parses exactly as its TRUTH.json says, field for field.

The full corpus (98 dumps in forms A-D and appended pastes, 10,002 entries, 9,205 papers) lives
outside the repository, in ../shared/corpus/real or wherever PAPERS_CORPUS points; the test skips
without it, except on CI (env CI set), where it must be there. tests/corpus_slice holds one
file of each form and of each appended combination (with BOMs and CRLF) with their part of
TRUTH.json, so that every clone tests real data too.
"""

from __future__ import annotations

from collections import Counter

from parse_helpers import CORPUS_SLICE, TODAY, compare_with_truth, load_json, require_corpus

from generator.data.merge import merge, page_year, title_key
from generator.data.model import Dump


def _assert_no_diffs(diffs: list[str]) -> None:
    shown = "\n".join(diffs[:30])
    assert not diffs, f"{len(diffs)} differences from TRUTH.json, first ones:\n{shown}"


def _assert_merges_as_truth_says(dumps: list[Dump], truth: dict) -> None:
    papers, problems = merge(dumps, today=TODAY)
    assert problems == []
    titles = {title_key(p["title"]) for f in truth["files"].values() for p in f["papers"]}
    assert len(papers) == len(titles)
    assert len({p.id for p in papers}) == len(papers)
    assert sum(len(p.sources) for p in papers) == sum(len(d.records) for d in dumps)
    # The arXiv id of every paper that a capture linked reaches the merged paper.
    linked = {title_key(p["title"]): p["arxiv_id"] for f in truth["files"].values() for p in f["papers"] if p["arxiv_id"]}
    assert {title_key(p.title): p.arxiv_id for p in papers if title_key(p.title) in linked} == linked


def test_real_corpus_parses_as_truth_says():
    folder = require_corpus()
    truth = load_json(folder / "TRUTH.json")
    counts = truth["counts"]
    assert len(truth["files"]) == counts["files"]
    dumps, diffs = compare_with_truth(folder, truth)
    _assert_no_diffs(diffs)
    records = [r for d in dumps for r in d.records]
    assert len(records) == counts["raw_papers"]
    assert sum(r.org is not None for r in records) == counts["entries_with_org"]
    assert sum(r.upvotes is not None for r in records) == counts["entries_with_upvotes_known"]
    assert sum(r.arxiv_id is not None for r in records) == counts["entries_with_arxiv_id"]
    assert sum(r.year is not None for r in records) == counts["entries_with_year_written"]
    layouts = Counter("appended" if "+" in d.layout else d.layout for d in dumps)
    assert layouts == Counter({k: v for k, v in counts["files_by_layout"].items()})
    _assert_merges_as_truth_says(dumps, truth)


def test_corpus_slice_parses_as_truth_says():
    truth = load_json(CORPUS_SLICE / "TRUTH.json")
    layouts = sorted(f["layout"] for f in truth["files"].values())
    assert layouts == ["A", "A+A", "B", "B+C", "C", "C+C+C", "D", "D+D"]
    assert {(f["bom"], f["newline"]) for f in truth["files"].values()} >= {(True, "crlf"), (True, "lf"), (False, "crlf")}
    dumps, diffs = compare_with_truth(CORPUS_SLICE, truth)
    _assert_no_diffs(diffs)
    _assert_merges_as_truth_says(dumps, truth)


def test_slice_appended_pastes_keep_their_own_page_dates():
    truth = load_json(CORPUS_SLICE / "TRUTH.json")["files"]["2026-06-05-real_050.txt"]
    dumps, diffs = compare_with_truth(CORPUS_SLICE, {"files": {"2026-06-05-real_050.txt": truth}})
    assert diffs == []
    (dump,) = dumps
    assert [(p.layout, p.page_month, p.page_day, p.count) for p in dump.pastes] == [
        (p["layout"], int(p["page_date"][5:7]), int(p["page_date"][8:]), p["n_papers"]) for p in truth["pastes"]
    ]


def test_slice_page_year_comes_from_the_file_name():
    # The page shows month and day only: only the name gives the year; without it the year
    # rule falls back to the years written in the dump.
    truth = load_json(CORPUS_SLICE / "TRUTH.json")["files"]["2025-10-19-real_057.txt"]
    assert truth["page_year"] == 2025
    dumps, diffs = compare_with_truth(CORPUS_SLICE, {"files": {"2025-10-19-real_057.txt": truth}})
    assert diffs == []
    (dump,) = dumps
    assert any(r.month and r.year is None for r in dump.records)
    assert page_year(dump, {}, TODAY)[0].how == "file name"
    renamed = Dump("real_057.txt", dump.layout, dump.records, dump.pastes)
    assert page_year(renamed, {}, TODAY)[0].how == "explicit years"
