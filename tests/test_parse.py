"""Unit tests of generator.parse: both layouts, every metadata variant, broken dumps."""

from __future__ import annotations

import pytest
from parse_helpers import FIXTURES, Entry, record_view, write_layout_a, write_layout_b

from generator.data.capture import parse
from generator.data.parse import match_date
from generator.data.sources import read_dump

ABSTRACT = (
    "We study how large language models keep track of entities across long documents, show that "
    "binding information lives in a few directions that can be edited without retraining, and explain "
    "several failure modes reported in earlier work with the same mechanism."
)
assert len(ABSTRACT) > 250


def one_a(*meta: str) -> str:
    """A layout-A dump of one paper whose metadata block is the given lines."""
    text, _ = write_layout_a([Entry("A Paper", ABSTRACT)])
    return text + "\n" + "\n".join(meta) + "\n"


def only_record(text: str):
    dump = parse(text, "x.txt")
    assert dump.problems == (), [str(p) for p in dump.problems]
    (record,) = dump.records
    return record


def fields(record) -> tuple:
    return record.month, record.day, record.year, record.comments, record.authors, record.org


# Layout A ----------------------------------------------------------------------------------------

def test_layout_a_header_page_date_and_lines():
    text, lines = write_layout_a([Entry("First", ABSTRACT), Entry("Second", ABSTRACT + " 2")], page="Nov 11")
    dump = parse(text, "a.txt")
    assert (dump.layout, dump.page_month, dump.page_day, dump.page_year) == ("A", 11, 11, None)
    assert [r.title for r in dump.records] == ["First", "Second"]
    assert [r.source.line for r in dump.records] == lines == [13, 17]
    assert dump.records[1].abstract == ABSTRACT + " 2"
    assert dump.problems == ()


def test_layout_a_page_date_with_year():
    text, _ = write_layout_a([Entry("First", ABSTRACT)], page="Nov 11, 2024")
    dump = parse(text, "a.txt")
    assert (dump.page_month, dump.page_day, dump.page_year) == (11, 11, 2024)


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (["  • 9 authors", "·", "Oct 7"], (10, 7, None, 0, 9, None)),
        (["  • 1 authors", "·", "Oct 7"], (10, 7, None, 0, 1, None)),
        (["  • 1 author", "·", "Oct 7"], (10, 7, None, 0, 1, None)),
        (["  • 4 authors", "·", "Oct 7 2"], (10, 7, None, 2, 4, None)),
        (["  • 8 authors", "·", "Dec 29, 2024"], (12, 29, 2024, 0, 8, None)),
        (["  • 20 authors", "·", "Dec 16, 2024 2"], (12, 16, 2024, 2, 20, None)),
        (["tencent Tencent", "·", "Aug 27 2"], (8, 27, None, 2, None, "tencent Tencent")),
        (["allenai Allen Institute for AI", "·", "Jan 6"], (1, 6, None, 0, None, "allenai Allen Institute for AI")),
        (["alibaba-inc alibaba-inc", "·", "Oct 15 2"], (10, 15, None, 2, None, "alibaba-inc alibaba-inc")),
        (["ai.lab-2 AI Lab (Paris)", "·", "Mar 3, 2023 120"], (3, 3, 2023, 120, None, "ai.lab-2 AI Lab (Paris)")),
        (["  • 3 authors", "·", "September 9"], (9, 9, None, 0, 3, None)),
        (["  • 3 authors", "·", "Sept 9, 2025 5"], (9, 9, 2025, 5, 3, None)),
    ],
)
def test_layout_a_metadata_variants(meta, expected):
    record = only_record(one_a(*meta))
    assert record.title == "A Paper" and record.abstract == ABSTRACT
    assert fields(record) == expected
    assert record.has_metadata
    # The date is the third line of the block (title 13, blank, abstract 15, blank, block 17).
    assert record.line_date == 19


def test_layout_a_entry_without_metadata():
    text, _ = write_layout_a([Entry("No Metadata", ABSTRACT), Entry("Dated", ABSTRACT, authors=2, month=1, day=2)])
    first, second = parse(text, "a.txt").records
    assert fields(first) == (None,) * 6 and not first.has_metadata
    assert fields(second) == (1, 2, None, 0, 2, None)


def test_title_and_abstract_are_stripped():
    text = one_a("  • 2 authors", "·", "Oct 7").replace("A Paper", "   A Paper \t")
    record = only_record(text)
    assert record.title == "A Paper"


# Layout B ----------------------------------------------------------------------------------------

def test_layout_b_glued_first_title_and_alternating_lines():
    entries = [Entry(f"Title {n}", f"{ABSTRACT} {n}") for n in range(3)]
    text, lines = write_layout_b(entries)
    assert text.splitlines()[2].startswith("SubscribeTitle 0")
    dump = parse(text, "b.txt")
    assert dump.layout == "B" and dump.problems == ()
    assert (dump.page_month, dump.page_day) == (None, None)
    assert [record_view(r)["title"] for r in dump.records] == ["Title 0", "Title 1", "Title 2"]
    assert [r.source.line for r in dump.records] == lines == [3, 5, 7]
    assert all(fields(r) == (None,) * 6 for r in dump.records)


def test_layout_b_without_final_newline():
    text, _ = write_layout_b([Entry("Only", ABSTRACT)])
    (record,) = parse(text.rstrip("\n"), "b.txt").records
    assert (record.title, record.abstract) == ("Only", ABSTRACT)


@pytest.mark.parametrize("title", ["New", "Daily Papers", "Subscribe", "Oct 7"])
def test_layout_b_title_that_reads_as_header_or_date(title):
    # A header word or a date where a title is due is page furniture: reported and never
    # published, and its abstract is not taken for the next title.
    entries = [Entry("First", ABSTRACT), Entry(title, ABSTRACT), Entry("Third", ABSTRACT)]
    text, lines = write_layout_b(entries)
    dump = parse(text, "b.txt")
    assert dump.layout == "B"
    assert [r.title for r in dump.records] == ["First", "Third"]
    assert [(p.line, p.severity) for p in dump.problems] == [(lines[1], "error")]
    assert repr(title) in dump.problems[0].message


def test_detect_layout():
    assert parse(write_layout_a([Entry("T", ABSTRACT)])[0], "a.txt").layout == "A"
    assert parse(write_layout_b([Entry("T", ABSTRACT)])[0], "b.txt").layout == "B"
    # A layout-A body without its header is still recognised by its metadata blocks.
    assert parse("\n".join(["T", "", ABSTRACT, "", "  • 2 authors", "·", "Oct 7"]), "c.txt").layout == "A"
    assert parse("milk\neggs", "d.txt").layout == "?"


# Dates -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Oct 7", (10, 7, None, None)),
        ("Oct 7 2", (10, 7, None, 2)),
        ("Dec 29, 2024", (12, 29, 2024, None)),
        ("Dec 16, 2024 2", (12, 16, 2024, 2)),
        ("  dec 16 ,2024   2  ", (12, 16, 2024, 2)),
        ("Sept. 1", (9, 1, None, None)),
        ("May 31", (5, 31, None, None)),
    ],
)
def test_match_date(line, expected):
    d = match_date(line)
    assert d is not None
    assert (d["month"], d["day"], d["year"], d["comments"]) == expected


@pytest.mark.parametrize("line", ["Foo 7", "Oct", "Oct 7, 24", "7 Oct", "Oct 123", "Octobers 7", "·", ""])
def test_match_date_rejects(line):
    assert match_date(line) is None


def test_upvotes_and_authors_out_of_range_are_problems():
    dump = parse(one_a("  • 9999999 authors", "·", "Oct 7 99999999999"), "x.txt")
    (record,) = dump.records
    assert record.authors is None and record.upvotes is None
    assert [str(p) for p in dump.problems] == [
        "x.txt:17: author count out of range: 9999999",
        "x.txt:19: comment count out of range: 99999999999",
    ]


# Broken dumps (files in tests/fixtures/dumps) ----------------------------------------------------

def problems_of(name: str) -> list[str]:
    return [str(p) for p in read_dump(FIXTURES / name).problems]


def test_empty_file():
    dump = read_dump(FIXTURES / "empty.txt")
    assert dump.records == ()
    assert problems_of("empty.txt") == ["empty.txt: empty file: no papers"]


@pytest.mark.parametrize(("name", "layout"), [("header_only_a.txt", "A"), ("header_only_b.txt", "B")])
def test_header_only(name, layout):
    dump = read_dump(FIXTURES / name)
    assert (dump.layout, dump.records) == (layout, ())
    assert problems_of(name) == [f"{name}: no papers found (header only?)"]


def test_truncated_metadata_block_at_end_of_file():
    # `  • 3 authors` then `·` then EOF: the paper keeps its author count, without a date.
    (record,) = read_dump(FIXTURES / "truncated_metadata.txt").records
    assert (record.title, record.abstract[:20]) == ("Entity Binding in Long Documents", "We study how large l")
    assert fields(record) == (None, None, None, None, 3, None)
    assert problems_of("truncated_metadata.txt") == ["truncated_metadata.txt:18: metadata block without a date: '·'"]


def test_metadata_block_cut_short_after_authors():
    (record,) = read_dump(FIXTURES / "truncated_after_authors.txt").records
    assert record.authors == 3 and record.month is None
    assert problems_of("truncated_after_authors.txt") == [
        "truncated_after_authors.txt:17: metadata block cut short after '• 3 authors'"
    ]


def test_metadata_block_missing_its_date_keeps_the_next_paper():
    first, second = read_dump(FIXTURES / "missing_date.txt").records
    assert fields(first) == (None, None, None, None, 3, None)
    assert second.title == "Noisy Retrieval at Scale" and second.source.line == 20
    assert fields(second) == (10, 6, None, 4, None, "tencent Tencent")
    assert problems_of("missing_date.txt") == ["missing_date.txt:18: metadata block without a date: '·'"]


def test_titles_without_abstract_layout_a_resynchronise():
    dump = read_dump(FIXTURES / "no_abstract_a.txt")
    got = [(r.source.line, r.title, len(r.abstract) > 250, fields(r)) for r in dump.records]
    assert got == [
        (13, "Entity Binding in Long Documents", True, (10, 7, None, 2, 3, None)),
        # Its metadata block follows the title directly: the block still belongs to it.
        (21, "A Title Whose Abstract Was Lost", False, (10, 6, None, 0, 2, None)),
        # Title, then the next title: told apart by their lengths (a title is short, an abstract
        # long). A title with nothing after it is not published (line 27, and line 41).
        (29, "Noisy Retrieval at Scale", True, (10, 5, 2024, 4, None, "tencent Tencent")),
        (37, "Bidirectional Sequential Recommendation", True, (None,) * 6),
    ]
    assert [r.abstract for r in dump.records if len(r.abstract) <= 250] == [""]
    assert problems_of("no_abstract_a.txt") == [
        "no_abstract_a.txt:21: title with no abstract: 'A Title Whose Abstract Was Lost'",
        "no_abstract_a.txt:27: a title alone, with no text or metadata after it; not published: "
        "'Another Title Without Abstract Or Metadata'",
        "no_abstract_a.txt:41: a title alone, with no text or metadata after it; not published: "
        "'A Last Title At The End Of The File'",
    ]


def test_title_without_abstract_layout_b_resynchronises():
    dump = read_dump(FIXTURES / "no_abstract_b.txt")
    assert [(r.source.line, r.title, r.abstract[:11]) for r in dump.records] == [
        (3, "Entity Binding in Long Documents", "We study ho"),
        (6, "Noisy Retrieval at Scale", "Retrieval-a"),
        (8, "Bidirectional Sequential Recommendation", "Sequential "),
        (10, "Adaptive Speculative Decoding", "Speculative"),
    ]
    assert problems_of("no_abstract_b.txt") == [
        "no_abstract_b.txt:5: a title alone, with no text or metadata after it; not published: "
        "'A Title Whose Abstract Was Lost'"
    ]


def test_metadata_block_without_a_paper_before_it():
    text = one_a("  • 2 authors", "·", "Oct 7") + "\n  • 5 authors\n·\nOct 8\n"
    dump = parse(text, "x.txt")
    assert len(dump.records) == 1 and dump.records[0].authors == 2
    assert [str(p) for p in dump.problems] == ["x.txt:21: metadata block without a paper before it"]


def test_dot_without_authors_or_org_line():
    dump = parse(one_a("·", "Oct 7 3"), "x.txt")
    (record,) = dump.records
    assert fields(record) == (10, 7, None, 3, None, None)
    assert [str(p) for p in dump.problems] == ["x.txt:17: metadata block without an authors or organization line"]


def test_not_a_dump():
    dump = read_dump(FIXTURES / "not_a_dump.txt")
    assert (dump.layout, dump.records) == ("?", ())
    (problem,) = dump.problems
    assert problem.severity == "error"
    assert str(problem) == "not_a_dump.txt: not a Daily Papers dump: no header and no metadata found"


def test_a_dump_glued_onto_one_line_is_not_a_title():
    text = one_a("  • 2 authors", "·", "Oct 7") + "\n" + "x" * 5000 + "\n"
    dump = parse(text, "x.txt")
    assert [r.title for r in dump.records] == ["A Paper"]
    assert [p.message for p in dump.problems] == ["line of 5000 characters where a title was expected; skipped"]


def test_every_problem_prints_as_file_line_message():
    for path in sorted(FIXTURES.glob("*.txt")):
        for problem in read_dump(path).problems:
            text = str(problem)
            where = f"{path.name}:{problem.line}: " if problem.line else f"{path.name}: "
            assert text == where + problem.message


def test_paused_gc_restores_the_collector_and_respects_frozen_objects():
    import gc

    from generator.data.parse import paused_gc

    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc():
            [object() for _ in range(10)]
        # The host's frozen objects stay frozen (a few may be freed meanwhile by other threads).
        assert gc.get_freeze_count() >= frozen - 100 > 0
    finally:
        gc.unfreeze()
