"""The real-world corpus: every dump parses exactly as its TRUTH.json says, field for field.

The full corpus (98 dumps, 9,877 papers) lives outside the repository, in ../shared/corpus/real
or wherever PAPERS_CORPUS points; the test skips without it, except on CI (env CI set), where it
must be there. tests/corpus_slice holds four of its dumps with their part of TRUTH.json, so that
every clone tests real data too.
"""

from __future__ import annotations

from parse_helpers import CORPUS_SLICE, TODAY, compare_with_truth, load_json, require_corpus

from generator.merge import merge, title_key
from generator.model import Dump


def _corpus():
    return require_corpus()


def _assert_no_diffs(diffs: list[str]) -> None:
    shown = "\n".join(diffs[:30])
    assert not diffs, f"{len(diffs)} differences from TRUTH.json, first ones:\n{shown}"


def test_real_corpus_parses_as_truth_says():
    folder = _corpus()
    truth = load_json(folder / "TRUTH.json")
    assert len(truth["files"]) == truth["counts"]["files"] == 98
    dumps, diffs = compare_with_truth(folder, truth)
    _assert_no_diffs(diffs)
    assert sum(len(d.records) for d in dumps) == truth["counts"]["raw_papers"] == 10371
    assert sum(d.layout == "A" for d in dumps) == truth["counts"]["files_layout_A"]
    assert sum(r.org is not None for d in dumps for r in d.records) == truth["counts"]["entries_with_org"]
    assert sum(r.year is not None for d in dumps for r in d.records) == truth["counts"]["entries_with_year_written"]

    papers, problems = merge(dumps, today=TODAY)
    assert problems == []
    assert len(papers) == truth["counts"]["unique_titles"] == 9877
    assert sum(len(p.sources) for p in papers) == 10371
    assert len({p.id for p in papers}) == 9877


def test_corpus_slice_parses_as_truth_says():
    truth = load_json(CORPUS_SLICE / "TRUTH.json")
    names = sorted(truth["files"])
    layouts = [truth["files"][n]["layout"] for n in names]
    assert layouts.count("A") == 2 and layouts.count("B") == 2
    dumps, diffs = compare_with_truth(CORPUS_SLICE, truth)
    _assert_no_diffs(diffs)
    assert [len(d.records) for d in dumps] == [len(truth["files"][n]["papers"]) for n in names]

    papers, problems = merge(dumps, today=TODAY)
    assert problems == []
    titles = {title_key(p["title"]) for f in truth["files"].values() for p in f["papers"]}
    assert len(papers) == len(titles)


def test_slice_page_year_comes_from_the_file_name():
    # Every date in this dump is year-less and the page shows none: only the name gives 2024.
    truth = load_json(CORPUS_SLICE / "TRUTH.json")["files"]["2024-10-30-real_058.txt"]
    assert truth["page_year"] == 2024
    assert not any(p.get("year_written") for p in truth["papers"])
    dumps, diffs = compare_with_truth(CORPUS_SLICE, {"files": {"2024-10-30-real_058.txt": truth}})
    assert diffs == []
    (dump,) = dumps
    assert not any(r.year for r in dump.records)
    assert any(r.month for r in dump.records)
    renamed = Dump("real_058.txt", dump.layout, dump.records, dump.page_month, dump.page_day, dump.page_year)
    # Without the date in its name, the same dump falls back to the current year, with a warning.
    _, problems = merge([renamed], today=TODAY)
    assert [p.message.split(":")[0] for p in problems] == ["no year for dates without one"]
