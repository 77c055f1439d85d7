"""Unit tests of generator.merge: the year rule, merging titles across dumps, links and ids."""

from __future__ import annotations

import string
import unicodedata
from dataclasses import FrozenInstanceError, fields, replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parse_helpers import TODAY, Entry, write_layout_a, write_layout_b, write_layout_c
from slugify import slugify

from generator.data.capture import parse
from generator.data.merge import (
    _slug,
    assign_ids,
    find_links,
    merge,
    page_year,
    paper_order,
    resolve_date,
    split_org,
    title_key,
)
from generator.data.model import (
    PLAIN_RECORD_SIZE,
    Paper,
    Record,
    Source,
    new_paper,
    new_record,
    new_source,
    paper_with,
)
from generator.pages.urls import paper_file

ABSTRACT = "x" * 260


def dump_a(file: str, entries: list[Entry], page: str | None = "Nov 11"):
    return parse(write_layout_a(entries, page)[0], file)


def dated(title: str, month: int, day: int, year: int | None = None, comments: int | None = None, **kw) -> Entry:
    return Entry(title, kw.pop("abstract", ABSTRACT), authors=kw.pop("authors", 3), org=kw.pop("org", None),
                 month=month, day=day, year=year, comments=comments)


def dates(papers: list[Paper]) -> dict[str, date | None]:
    return {p.title: p.date for p in papers}


# The year rule -----------------------------------------------------------------------------------

def test_page_year_from_config_wins():
    dump = dump_a("2024-03-01-x.txt", [dated("P", 10, 7, 2020)])
    page, problem = page_year(dump, {"2024-03-01-x.txt": 2019}, TODAY)
    assert (page.year, page.how, problem) == (2019, "config", None)
    papers, problems = merge([dump], page_years={"2024-03-01-x.txt": 2019}, today=TODAY)
    assert problems == []


def test_page_years_mapping_passed_to_merge():
    dump = dump_a("plain.txt", [dated("P", 10, 7)])
    papers, problems = merge([dump], page_years={"plain.txt": 2023}, today=TODAY)
    assert dates(papers) == {"P": date(2023, 10, 7)} and problems == []


def test_page_year_from_iso_file_name_prefix():
    dump = dump_a("2024-12-31-semantic.txt", [dated("P", 12, 30), dated("Q", 1, 2, 2023)], page=None)
    page, problem = page_year(dump, {}, TODAY)
    # The name also gives the page date when the header has none.
    assert (page.year, page.how, page.month, page.day, problem) == (2024, "file name", 12, 31, None)
    papers, _ = merge([dump], today=TODAY)
    assert dates(papers) == {"P": date(2024, 12, 30), "Q": date(2023, 1, 2)}


def test_file_name_that_is_not_a_date_is_ignored():
    dump = dump_a("2024-13-45-x.txt", [dated("P", 10, 7, 2020)])
    page, _ = page_year(dump, {}, TODAY)
    assert (page.year, page.how) == (2021, "explicit years")


def test_page_year_from_explicit_years_plus_one():
    dump = dump_a("x.txt", [dated("P", 10, 7), dated("Q", 5, 1, 2023), dated("R", 6, 1, 2024)])
    page, problem = page_year(dump, {}, TODAY)
    assert (page.year, page.how, problem) == (2025, "explicit years", None)
    papers, _ = merge([dump], today=TODAY)
    assert dates(papers)["P"] == date(2025, 10, 7)


def test_page_year_written_on_the_page_date():
    dump = dump_a("x.txt", [dated("P", 10, 7), dated("Q", 5, 1, 2023)], page="Nov 11, 2021")
    page, _ = page_year(dump, {}, TODAY)
    assert (page.year, page.how) == (2021, "page date")


def test_page_year_falls_back_to_current_year_with_a_warning():
    dump = dump_a("x.txt", [dated("P", 10, 7)])
    page, problem = page_year(dump, {}, TODAY)
    assert (page.year, page.how) == (TODAY.year, "current year")
    assert problem is not None and problem.severity == "warning"
    assert str(problem).startswith(f"x.txt: no year for dates without one: assumed {TODAY.year}")
    papers, problems = merge([dump], today=TODAY)
    assert dates(papers) == {"P": date(TODAY.year, 10, 7)}
    assert problems == [problem]


def test_no_warning_when_every_date_has_its_year_or_there_is_none():
    with_years = dump_a("x.txt", [dated("P", 10, 7, 2023)])
    layout_b = parse(write_layout_b([Entry("T", ABSTRACT)])[0], "b.txt")
    assert merge([with_years, layout_b], today=TODAY)[1] == []


def test_rollback_a_year_less_date_after_the_page_date_is_last_year():
    # Page `Nov 11`, page year 2025 (from the name): `Dec 3` is Dec 3, 2024; `Nov 11` stays 2025.
    dump = dump_a("2025-11-11-x.txt", [dated("Later", 12, 3), dated("Same", 11, 11), dated("Before", 1, 5)])
    papers, _ = merge([dump], today=TODAY)
    assert dates(papers) == {"Later": date(2024, 12, 3), "Same": date(2025, 11, 11), "Before": date(2025, 1, 5)}


def test_rollback_does_not_touch_written_years():
    dump = dump_a("2025-11-11-x.txt", [dated("Written", 12, 3, 2025)])
    assert dates(merge([dump], today=TODAY)[0]) == {"Written": date(2025, 12, 3)}


def test_rollback_with_config_year_and_header_page_date():
    dump = dump_a("x.txt", [dated("Later", 11, 12)], page="Nov 11")
    assert dates(merge([dump], page_years={"x.txt": 2020}, today=TODAY)[0]) == {"Later": date(2019, 11, 12)}


def test_impossible_date_is_undated_with_a_problem():
    dump = dump_a("2025-03-01-x.txt", [dated("Leap", 2, 29), dated("Bad", 2, 30, 2024)])
    papers, problems = merge([dump], today=TODAY)
    assert dates(papers) == {"Leap": None, "Bad": None}
    assert [str(p) for p in problems] == [
        "2025-03-01-x.txt:19: impossible date: Feb 29, 2025; published as undated",
        "2025-03-01-x.txt:27: impossible date: Feb 30, 2024; published as undated",
    ]


def test_resolve_date_without_metadata():
    (record,) = parse(write_layout_b([Entry("T", ABSTRACT)])[0], "b.txt").records
    page, _ = page_year(parse(write_layout_b([Entry("T", ABSTRACT)])[0], "b.txt"), {}, TODAY)
    assert resolve_date(record, page) == (None, None)


# Merging -----------------------------------------------------------------------------------------

def test_same_title_across_dumps_is_one_paper_with_every_source():
    a = dump_a("2025-11-11-a.txt", [
        dated("Attention  Is All You Need", 10, 7, comments=5, abstract="short " * 50),
        dated("Other", 1, 1),
    ])
    b = dump_a("2025-12-01-b.txt", [dated("attention is all   you need", 10, 6, 2025, comments=9, org="goog Google")])
    c = parse(write_layout_b([Entry("ATTENTION IS ALL YOU NEED", "long " * 100)])[0], "c.txt")
    papers, problems = merge([a, b, c], today=TODAY)
    assert problems == []
    assert len(papers) == 2
    paper = next(p for p in papers if title_key(p.title) == "attention is all you need")
    assert paper.title == "Attention  Is All You Need"  # as first seen
    assert paper.sources == (Source("2025-11-11-a.txt", 13), Source("2025-12-01-b.txt", 13), Source("c.txt", 3))
    assert paper.comments == 9 and paper.upvotes is None  # the highest count; no upvote line
    assert paper.date == date(2025, 10, 6)  # the date with its year written wins over an inferred one
    assert paper.authors == 3  # from the first entry that has a count
    assert (paper.org_id, paper.organization) == ("goog", "Google")
    assert paper.abstract == ("long " * 100).strip()  # the longest


def test_merge_keeps_first_date_among_equals_and_undated_entries_do_not_erase_it():
    a = dump_a("2025-11-11-a.txt", [dated("P", 10, 7)])
    b = dump_a("2025-11-11-b.txt", [dated("P", 10, 8)])
    c = parse(write_layout_b([Entry("P", ABSTRACT)])[0], "c.txt")
    (paper,) = merge([c, a, b], today=TODAY)[0]
    assert paper.date == date(2025, 10, 7)
    assert paper.comments == 0 and paper.upvotes is None


def test_paper_without_date_is_kept_undated_and_sorted_last():
    a = dump_a("2025-11-11-a.txt", [Entry("Undated", ABSTRACT), dated("Old", 1, 1, 2020), dated("Newer", 5, 5)])
    papers, _ = merge([a], today=TODAY)
    assert [p.title for p in papers] == ["Newer", "Old", "Undated"]
    assert papers[-1].date is None and paper_file(papers[-1]) == "papers/undated/undated.md"
    assert paper_file(papers[0]) == "papers/2025/05/newer.md"
    assert sorted(papers, key=paper_order) == papers


def test_a_day_is_in_hugging_faces_order_most_upvoted_then_most_discussed_then_title():
    """Within a day: most upvoted first (163 before 38, whatever the titles), then most
    discussed, then by title; a paper without upvotes after those with (0 is a count), one
    without a comment count after those with; the days newest first, undated papers last."""
    c = parse(write_layout_c([
        Entry("Alpha", ABSTRACT, authors=3, month=10, day=7, upvotes=38, comments=1),
        Entry("Zulu", ABSTRACT, authors=3, month=10, day=7, upvotes=163),
        Entry("Bravo", ABSTRACT, authors=3, month=10, day=7, upvotes=38, comments=9),
        Entry("Yankee", ABSTRACT, authors=3, month=10, day=8),
        Entry("Charlie", ABSTRACT, authors=3, month=10, day=7),
    ], page="Oct 9")[0], "2025-10-09-c.txt")
    a = dump_a("2025-10-09-a.txt", [
        dated("Delta", 10, 7, comments=50), dated("Echo", 10, 7, comments=2), Entry("Foxtrot", ABSTRACT)], page="Oct 9")
    papers, _ = merge([c, a], today=TODAY)
    assert [p.title for p in papers] == [
        "Yankee",  # Oct 8, alone
        "Zulu", "Bravo", "Alpha", "Charlie",  # Oct 7 with upvotes: 163, 38 with 9 comments, 38 with 1, 0
        "Delta", "Echo",  # Oct 7 without an upvote line: by comments
        "Foxtrot",  # undated
    ]
    assert [p.upvotes for p in papers[1:5]] == [163, 38, 38, 0]
    assert sorted(papers, key=paper_order) == papers
    assert sorted(reversed(papers), key=paper_order) == papers


def test_title_key_ignores_case_and_spacing():
    assert title_key("  Attention\tIs  ALL you need ") == "attention is all you need"
    assert title_key("Straße") == title_key("STRASSE")


@given(st.text(alphabet=st.sampled_from(" \t\xa0\u2003\u3000\x1cßſİaZ:-1"), max_size=12) | st.text(max_size=30))
def test_title_key_fast_path_is_split_and_join(title):
    assert title_key(title) == " ".join(unicodedata.normalize("NFC", title).casefold().split())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("tencent Tencent", ("tencent", "Tencent")),
        ("allenai Allen Institute for AI", ("allenai", "Allen Institute for AI")),
        ("alibaba-inc alibaba-inc", ("alibaba-inc", "alibaba-inc")),
        ("ai.lab-2 AI Lab", ("ai.lab-2", "AI Lab")),
        ("solo", ("solo", "solo")),
        (None, (None, None)),
    ],
)
def test_split_org(line, expected):
    assert split_org(line) == expected


# Links -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code at (https://x.io/a).", ("https://x.io/a",)),
        ("see {https://github.com/a/b} for data", ("https://github.com/a/b",)),
        (r"\url{https://a.b/c}", ("https://a.b/c",)),
        ("at https://a.b/c, and", ("https://a.b/c",)),
        ("at https://a.b/c; then https://a.b/c again.", ("https://a.b/c",)),
        ("wiki https://en.wikipedia.org/wiki/Foo_(bar) here", ("https://en.wikipedia.org/wiki/Foo_(bar)",)),
        ("[link](https://a.b/c?q=1&r=2#top)!", ("https://a.b/c?q=1&r=2#top",)),
        ("“https://a.b/quoted”", ("https://a.b/quoted",)),
        ("<https://a.b/angle> and \"https://a.b/dq\"", ("https://a.b/angle", "https://a.b/dq")),
        ("HTTP://A.B/UPPER and http://plain.org/x...", ("HTTP://A.B/UPPER", "http://plain.org/x")),
        ("no links, just https:// and ftp://a.b/c", ()),
        ("https://x.io/a)))))", ("https://x.io/a",)),
    ],
)
def test_find_links(text, expected):
    assert find_links(text) == expected


def test_links_come_from_the_merged_abstract():
    a = dump_a("2025-11-11-a.txt", [dated("P", 1, 1, abstract=ABSTRACT + " Code: https://github.com/o/r.")])
    (paper,) = merge([a], today=TODAY)[0]
    assert paper.links == ("https://github.com/o/r",)


def test_find_links_is_linear_on_hostile_input():
    # Regression: trimming recounted brackets per character and deduplicated through a list.
    text = "https://a.b/c" + ")" * 200_000 + " " + " ".join(f"https://a.b/{n}" for n in range(20_000))
    links = find_links(text)
    assert links[0] == "https://a.b/c" and len(links) == 20_001


# Ids ---------------------------------------------------------------------------------------------

def test_ids_are_slugs_of_titles():
    ids = assign_ids([("k", "Distributional Semantics Tracing: A Framework")])
    assert ids == {"k": "distributional-semantics-tracing-a-framework"}


def test_ids_stay_unique_when_titles_slugify_alike():
    titles = ["What's New?", "Whats New", "What-s new!!", "what's new"]
    keys = [title_key(t) for t in titles]
    ids = assign_ids(zip(keys, titles, strict=True))
    assert len(set(ids.values())) == len(set(keys)) == 4
    # One keeps the bare slug; the others get a hash of their own key, stable from run to run.
    assert sorted(ids.values())[0] == _slug("What's New?")
    assert ids == assign_ids(reversed(list(zip(keys, titles, strict=True))))


def test_title_that_slugifies_to_nothing_still_gets_an_id():
    # Letters that python-slugify transliterates to nothing (a title must hold a letter).
    dump = dump_a("2025-11-11-a.txt", [dated("ꙮ?", 1, 1), dated("ǂ ∑∆ — …", 1, 2), dated("ʘ!!!", 1, 3)])
    papers, _ = merge([dump], today=TODAY)
    ids = [p.id for p in papers]
    assert len(set(ids)) == 3
    assert all(i.startswith("paper-") and len(i) == len("paper-") + 8 for i in ids)


def test_merged_ids_unique_across_dumps():
    a = dump_a("2025-11-11-a.txt", [dated("C++ Tricks", 1, 1), dated("C Tricks", 1, 2)])
    b = dump_a("2025-11-11-b.txt", [dated("C# Tricks", 1, 3), dated("c++  tricks", 1, 4)])
    papers, _ = merge([a, b], today=TODAY)
    assert len(papers) == 3
    assert len({p.id for p in papers}) == 3


@pytest.mark.parametrize(
    "title",
    [
        "Distributional Semantics Tracing: A Framework for Explaining Hallucinations in Large Language Models",
        "UFO$^3$: Weaving the Digital Agent Galaxy",
        "What's 1,000,000 tokens worth? A, B & C",
        "R&amp;D at &#169; &#x41; scale",
        "Café “quoted” naïve Straße — über",
        "'''",
        "a" * 200,
        "x-" * 60,
    ],
)
def test_slug_is_python_slugify(title):
    assert _slug(title) == slugify(title, max_length=75, word_boundary=True)


# Words of every length around the 75-character cut, joined by what slugify turns into `-`.
_WORDS = st.lists(st.text("ab1", min_size=1, max_size=80), min_size=1, max_size=12)
_SEPARATORS = st.sampled_from(["-", " ", " - ", "'", ", ", ",", ": "])


@settings(max_examples=300, deadline=None)
@given(st.text(string.printable, max_size=200) | st.builds(lambda w, s: s.join(w), _WORDS, _SEPARATORS))
def test_slug_fast_path_agrees_with_python_slugify(title):
    assert _slug(title) == slugify(title, max_length=75, word_boundary=True)


def test_fast_constructors_build_the_same_objects_as_the_dataclasses():
    """new_source, new_record and new_paper set every field, in order, as the classes do."""
    source = new_source("a.txt", 3)
    assert source == Source("a.txt", 3) and hash(source) == hash(Source("a.txt", 3))
    values = ("T", "abstract", source, 10, 7, None, 2, 101, 4, "org Org", "org", "Org", "2510.06107", 12)
    record = new_record(*values)
    assert record == Record(*values) and repr(record) == repr(Record(*values))
    values = ("t", "T", "abstract", date(2025, 1, 2), 101, 2, "2510.06107", 4, "Org", "org", ("https://x.org",), (source,))
    paper = new_paper(*values)
    assert paper == Paper(*values) and repr(paper) == repr(Paper(*values)) and hash(paper) == hash(Paper(*values))
    tagged = paper_with(paper, "tags", ("Reasoning",))
    assert tagged == replace(paper, tags=("Reasoning",)) and repr(tagged) == repr(replace(paper, tags=("Reasoning",)))
    # The fields of the richer captures are left to the class's defaults (None): a plain record
    # holds the others, in order, and as many as PLAIN_RECORD_SIZE says.
    rich = {"author_names", "summary", "github_repo", "github_stars", "project_page"}
    placed = rich | {"folder"}  # a paper's published folder, set after the merge (data/record.py)
    assert paper.tags == () and list(vars(tagged)) == [f.name for f in fields(Paper) if f.name not in placed]
    assert len(vars(record)) == PLAIN_RECORD_SIZE and all(getattr(record, name) is None for name in rich)
    with pytest.raises(KeyError):
        paper_with(paper, "tag", ())
    for made, cls in ((source, Source), (record, Record), (paper, Paper), (tagged, Paper)):
        assert list(vars(made)) == [f.name for f in fields(cls) if f.name not in (placed if cls is Paper else rich)]
        with pytest.raises(FrozenInstanceError):
            made.line = 1  # type: ignore[misc]
