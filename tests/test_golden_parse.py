"""Golden tests over the five sample dumps in content/raw: parsed records and merged papers.

The expected files in tests/golden/records/ were reviewed by hand against the raw text. After a
deliberate change to the parser, regenerate them and review the diff:

    PAPERS_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_golden_parse.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from parse_helpers import GOLDEN, REPO, SAMPLES, TODAY, golden_paper, golden_record, load_json

from generator.data.merge import merge
from generator.data.sources import read_dump, read_dumps

REGEN = os.environ.get("PAPERS_REGEN_GOLDEN") == "1"
SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.txt"))


def _write(path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _check_golden(name: str, actual) -> None:
    path = GOLDEN / name
    if REGEN:
        _write(path, actual)
    expected = load_json(path)
    assert actual == expected, f"{name} differs: PAPERS_REGEN_GOLDEN=1 to regenerate, then review the diff"


def test_all_five_samples_are_covered():
    assert len(SAMPLE_FILES) == 5
    assert sorted(p.name for p in GOLDEN.glob("*.txt.json")) == [f"{n}.json" for n in SAMPLE_FILES]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_records_match_golden(name):
    dump = read_dump(SAMPLES / name)
    assert dump.problems == ()
    actual = {
        "file": name,
        "layout": dump.layout,
        "page": [dump.page_month, dump.page_day, dump.page_year],
        "records": [golden_record(r) for r in dump.records],
    }
    _check_golden(f"{name}.json", actual)


def test_merged_samples_match_golden():
    papers, problems = merge(read_dumps([SAMPLES]), today=TODAY)
    assert problems == []
    _check_golden("merged.json", [golden_paper(p) for p in papers])


def _record(name: str, line: int) -> dict:
    records = load_json(GOLDEN / f"{name}.json")["records"]
    return next(r for r in records if r["line"] == line)


# Spot checks, read off the raw text by hand (file:line of the title); they keep the golden
# files honest should someone regenerate them without reading the diff.
def test_spot_check_dated_entry_with_comments():
    # 000:25 title, 29 `  • 4 authors`, 30 `·`, 31 `Oct 7 2`.
    r = _record("000_8fd5a071214067a7.txt", 25)
    assert r["title"].startswith("Distributional Semantics Tracing")
    assert (r["month"], r["day"], r["year"], r["comments"], r["authors"], r["org"]) == (10, 7, None, 2, 4, None)


def test_spot_check_written_year_without_comments():
    # 000:13 `ICLR: In-Context Learning of Representations`, `  • 8 authors`, `Dec 29, 2024`.
    r = _record("000_8fd5a071214067a7.txt", 13)
    assert r["title"] == "ICLR: In-Context Learning of Representations"
    assert (r["month"], r["day"], r["year"], r["comments"], r["authors"]) == (12, 29, 2024, 0, 8)


def test_spot_check_written_year_with_comments():
    # 000:135 `Dec 18, 2024 2`.
    records = load_json(GOLDEN / "000_8fd5a071214067a7.txt.json")["records"]
    r = next(r for r in records if (r["month"], r["day"], r["year"]) == (12, 18, 2024))
    assert r["comments"] == 2


def test_spot_check_entry_without_metadata():
    # 000:21 `Mixing Mechanisms: …` is followed directly by the next title: no metadata block.
    r = _record("000_8fd5a071214067a7.txt", 21)
    assert r["title"] == "Mixing Mechanisms: How Language Models Retrieve Bound Entities In-Context"
    assert r["abstract"].startswith("A key component of in-context reasoning")
    assert [r[k] for k in ("month", "day", "year", "upvotes", "authors", "org")] == [None] * 6


def test_spot_check_org_lines():
    orgs = {
        (name, r["org"])
        for name in SAMPLE_FILES
        for r in load_json(GOLDEN / f"{name}.json")["records"]
        if r["org"]
    }
    assert orgs == {
        ("000_8fd5a071214067a7.txt", "alibaba-inc alibaba-inc"),
        ("001_689580054ac0e467.txt", "tencent Tencent"),
        ("003_390887510c10aacd.txt", "microsoft Microsoft"),
        ("003_390887510c10aacd.txt", "tencent Tencent"),
    }
    merged = load_json(GOLDEN / "merged.json")
    tencent = [p for p in merged if p["org_id"] == "tencent"]
    assert tencent and all(p["organization"] == "Tencent" and p["authors"] is None for p in tencent)


def test_spot_check_single_author_and_layout_b():
    r = _record("000_8fd5a071214067a7.txt", 65)
    assert r["authors"] == 1
    b = load_json(GOLDEN / "004_624d472fb023f9d5.txt.json")
    assert b["layout"] == "B" and b["page"] == [None, None, None]
    first = b["records"][0]
    # Glued to `Subscribe` on line 3 of the file.
    assert first["line"] == 3
    assert first["title"] == "BERT4Rec: Sequential Recommendation with Bidirectional Encoder Representations from Transformer"
    assert all(r["month"] is None and r["comments"] is None for r in b["records"])


def test_spot_check_merged_paper_keeps_every_source():
    merged = load_json(GOLDEN / "merged.json")
    # 407 entries, 394 papers: 11 titles appear in two dumps, one in three.
    assert sum(len(p["sources"]) for p in merged) == 407
    assert sorted(len(p["sources"]) for p in merged if len(p["sources"]) > 1) == [2] * 11 + [3]
    implicit = next(p for p in merged if p["title"].startswith("Implicit Reasoning in Large Language Models"))
    # 000:217 (layout A, dated) + 002:83 (layout B, no metadata) + 003:245.
    assert implicit["sources"] == [
        "000_8fd5a071214067a7.txt:217", "002_47a29a8327d516d2.txt:83", "003_390887510c10aacd.txt:245",
    ]
    assert implicit["date"] == "2025-09-02"
    semantics = next(p for p in merged if p["title"].startswith("Distributional Semantics Tracing"))
    assert semantics["id"] == "distributional-semantics-tracing-a-framework-for-explaining-hallucinations"
    assert semantics["date"] == "2025-10-07"
    assert (semantics["comments"], semantics["authors"], semantics["organization"]) == (2, 4, None)


def test_check_cli_headline_numbers():
    """`python -m generator check content/raw`, as a user runs it from the repository."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "content/raw"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Traceback" not in out
    assert "407 entries read from 5 files, 394 distinct papers, 153 dated, 241 undated." in out
    # Every year-less date resolved to 2025 (and to no other year).
    resolved = next(line for line in out.splitlines() if line.startswith("Year-less dates resolved:"))
    assert resolved == "Year-less dates resolved: 59 to 2025."
    assert out.rstrip().endswith("0 problem(s).")


def test_year_less_dates_of_samples_resolve_to_2025():
    papers, _ = merge(read_dumps([SAMPLES]), today=TODAY)
    dumps = {d.file: d for d in read_dumps([SAMPLES])}
    year_less = {
        (r.source.file, r.source.line) for d in dumps.values() for r in d.records if r.month and r.year is None
    }
    assert len(year_less) == 59
    by_source = {(s.file, s.line): p for p in papers for s in p.sources}
    for source in year_less:
        assert by_source[source].date.year == 2025, source
