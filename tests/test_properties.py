"""Property-based tests: no input makes parse, decode or merge raise; well-formed dumps round-trip."""

from __future__ import annotations

import os
import re
import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from parse_helpers import (
    LAYOUT_A_HEADER,
    LAYOUT_B_HEADER,
    TODAY,
    Entry,
    expected_record,
    record_view,
    write_cards,
    write_layout_a,
    write_layout_b,
    write_layout_c,
    write_layout_d,
    write_page,
)

from generator.data import paper_page
from generator.data.capture import parse
from generator.data.merge import find_links, merge
from generator.data.model import Dump
from generator.data.parse import (
    HEADER_LINES,
    TEXT,
    _title_problem,
    classify,
    match_date,
    title_shape_problem,
)
from generator.data.sources import decode

# Modest by default so the suite stays fast; PAPERS_HYPOTHESIS_EXAMPLES=5000 for a deeper search.
SETTINGS = settings(
    max_examples=int(os.environ.get("PAPERS_HYPOTHESIS_EXAMPLES", "200")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Lines that a dump is made of, to make random text look like a dump more often than st.text() would.
DUMP_LINES = st.sampled_from(
    LAYOUT_A_HEADER + LAYOUT_B_HEADER + [
        "", "·", "  • 3 authors", "  • 1 authors", "tencent Tencent", "Nov 11", "Oct 7 2",
        "Dec 29, 2024", "Dec 16, 2024 2", "Feb 30", "Feb 29 5", "Subscribe", "SubscribeA title",
        "A title", "x" * 300, "<!DOCTYPE html>", "\ufeff", "\r", "\x00", "\x85", "\u2028",
        "Jan 99999999999999999999", "  • 99999999999999999999 authors",
    ]
)


def _check_dump(dump: Dump, name: str) -> None:
    """Invariants of every parse: problems name the file and print as `file:line: message`."""
    assert dump.file == name
    for problem in dump.problems:
        assert problem.file == name
        assert problem.line >= 0
        assert str(problem).startswith(f"{name}:")
        assert "\n" not in str(problem)
    for record in dump.records:
        assert record.title and record.title == record.title.strip()
        assert record.source.file == name and record.source.line >= 1


def _parse_and_merge(text: str, name: str = "x.txt") -> None:
    dump = parse(text, name)
    _check_dump(dump, name)
    papers, problems = merge([dump, dump], today=TODAY)
    assert len(papers) <= len(dump.records)
    assert len({p.id for p in papers}) == len(papers)
    for problem in problems:
        assert str(problem).startswith(f"{name}:")


@SETTINGS
@given(st.text())
def test_random_text_never_raises(text):
    _parse_and_merge(text)


@SETTINGS
@given(st.lists(st.one_of(DUMP_LINES, st.text(max_size=40)), max_size=40), st.sampled_from(["\n", "\r\n", "\r"]))
def test_random_dump_like_lines_never_raise(lines, newline):
    text = newline.join(lines)
    _parse_and_merge(text)
    decoded, _ = decode(text.encode("utf-8"), "x.txt")
    if decoded is not None:
        _parse_and_merge(decoded)


@SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data):
    text, problems = decode(data, "x.bin")
    for problem in problems:
        assert str(problem).startswith("x.bin")
    if text is None:
        assert len(problems) == 1 and problems[0].severity == "error"
    else:
        assert "\r" not in text
        _parse_and_merge(text, "x.bin")


@SETTINGS
@given(st.text())
def test_find_links_never_raises_and_links_are_clean(text):
    for url in find_links(text):
        assert url.lower().startswith(("http://", "https://"))
        assert url[-1] not in ".,;:!?)}]'\""


# Titles, abstracts and org lines of a well-formed dump. A title is one stripped line of at most
# 150 characters; the generator leaves out only titles that are genuinely ambiguous with the
# dump's own syntax (see `_unambiguous_title`).
_LINE_CHARS = st.characters(blacklist_categories=["Cc", "Cs"], blacklist_characters="\n\r\ufeff")  # a BOM is dropped anywhere
TITLES = st.text(_LINE_CHARS, min_size=1, max_size=150).map(str.strip).filter(bool)
# An abstract is a line of over 250 characters: random text around a fixed middle, since drawing
# 250 random characters per abstract made these tests five times slower for no more coverage.
_FILLER = "We propose a method and evaluate it on several benchmarks; it beats strong baselines. " * 3
# (A plain-text line that opens like a markdown title, `### [`, makes the capture markdown.)
ABSTRACTS = st.builds(
    lambda head, tail: f"{head}{_FILLER}{tail}".strip(),
    st.text(_LINE_CHARS, max_size=60).filter(lambda head: not head.lstrip().startswith("#")),
    st.text(_LINE_CHARS, max_size=60),
)
ORG_IDS = st.text(string.ascii_lowercase + string.digits + "-._", min_size=1, max_size=20).filter(
    lambda s: s[0] not in "-._"
)
# Titles that mimic header and date lines are drawn often: they are where a parser slips.
# (Header and tab words, dates and numbers themselves are furniture, never titles.)
TITLES = TITLES | st.sampled_from(sorted({
    "New Methods", "Daily Papers Revisited", "Subscribe to Nothing", "Oct 7 Revisited", "101 Ways to Fine-Tune",
    "Monthly Planning", "- A Dash Title", "Trending Papers Considered Harmful", "2 authors of note", "UFO$^3$: Agents",
}))
ORG_NAMES = st.text(_LINE_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool)


def _unambiguous_title(title: str) -> bool:
    """A title that reads as another kind of line (`·`, `3 authors`, `101`, a header or tab word,
    a markdown link) is ambiguous even to a reader, and page furniture is never a title."""
    return classify(title)[0] == TEXT and _title_problem(title) is None


def _first_title_ambiguous(items: list[Entry], page: str | None) -> bool:
    """Without a page date, a first title that reads as a date or header line takes its place."""
    if page is not None or not items:
        return False
    first = items[0].title
    return match_date(first) is not None or first.casefold() in HEADER_LINES


@st.composite
def entries(draw, with_metadata: bool) -> Entry:
    title = draw(TITLES.filter(_unambiguous_title))
    entry = Entry(title=title, abstract=draw(ABSTRACTS))
    if with_metadata and draw(st.booleans()):
        if draw(st.booleans()):
            entry.org = f"{draw(ORG_IDS)} {draw(ORG_NAMES)}"
        else:
            entry.authors = draw(st.integers(1, 5000))
        entry.month = draw(st.integers(1, 12))
        entry.day = draw(st.integers(1, 28))
        entry.year = draw(st.none() | st.integers(2000, 2030))
        entry.comments = draw(st.none() | st.integers(1, 10**6))
    return entry


@SETTINGS
@given(st.lists(entries(with_metadata=True), max_size=12), st.none() | st.sampled_from(["Nov 11", "Jan 1"]))
def test_layout_a_round_trip(items, page):
    assume(not _first_title_ambiguous(items, page))
    text, lines = write_layout_a(items, page)
    dump = parse(text, "a.txt")
    assert dump.problems == () or not items
    assert dump.layout == "A"
    assert [record_view(r) for r in dump.records] == [
        expected_record(e, "a.txt", line) for e, line in zip(items, lines, strict=True)
    ]


@SETTINGS
@given(st.lists(entries(with_metadata=False), min_size=1, max_size=12))
def test_layout_b_round_trip(items):
    text, lines = write_layout_b(items)
    dump = parse(text, "b.txt")
    assert dump.problems == ()
    assert dump.layout == "B"
    assert [record_view(r) for r in dump.records] == [
        expected_record(e, "b.txt", line) for e, line in zip(items, lines, strict=True)
    ]


@SETTINGS
@given(st.lists(entries(with_metadata=True), min_size=1, max_size=12))
def test_round_trip_survives_encoding_and_line_ends(items):
    text, _ = write_layout_a(items)
    crlf = "\ufeff" + text.replace("\n", "\r\n")
    decoded, problems = decode(crlf.encode("utf-8"), "a.txt")
    assume(decoded is not None)
    assert problems == []
    assert [record_view(r) for r in parse(decoded, "a.txt").records] == [
        record_view(r) for r in parse(text, "a.txt").records
    ]



# Appended pastes (FORMATS.md F) ------------------------------------------------------------------
# Org names of today's pages are display names: a line of text that reads as no other kind.
DISPLAY_NAMES = ORG_NAMES.filter(lambda n: classify(n)[0] == TEXT and len(n) > 1 and n[0] not in "[#")


def _page_title(title: str) -> bool:
    """A title a paper's page or a card can hold unambiguously: no line of a page's own kinds
    (`Abstract`, `Authors: …`, `Published on …`), no markdown of its own, one line."""
    line = paper_page._Line(0, title, paper_page.plain_line(title))
    paper_page._classify(line, False)
    return (line.kind is None and line.plain == title and title_shape_problem(title) is None
            and not any(c in title for c in "[]()#*_`\\•!<>") and not paper_page._RULE.match(title))


@st.composite
def pastes(draw) -> tuple[str, str]:
    """One valid paste of a random form, as (form, text)."""
    form = draw(st.sampled_from("ABCDGH"))
    if form in "GH":
        items = draw(st.lists(entries(with_metadata=False).filter(lambda e: _page_title(e.title)),
                              min_size=1, max_size=1 if form == "G" else 4, unique_by=lambda e: e.title.casefold()))
        for item in items:
            item.upvotes = draw(st.integers(0, 5000))
            item.month, item.day, item.year = draw(st.integers(1, 12)), draw(st.integers(1, 28)), draw(st.integers(2019, 2026))
        if form == "H":
            return form, write_cards(items, draw(st.integers(0, 90000)))
        names = draw(st.lists(st.sampled_from(["Ada Example", "Ben Example", "Chidi Example", "Dana Q. Example"]),
                              min_size=1, max_size=4))
        summary = draw(st.none() | st.just("Widgets help tiny models keep their accuracy at half the memory, "
                                           "a study of twelve benchmarks finds."))
        return form, write_page(items[0], f"2609.{draw(st.integers(0, 99999)):05d}", names, summary,
                                draw(st.booleans())) + "\n"
    form = draw(st.sampled_from("ABCD"))
    items = draw(st.lists(entries(with_metadata=form != "B"), min_size=1, max_size=5))
    if form in "CD":
        for item in items:
            item.upvotes = draw(st.none() | st.integers(1, 5000))
            if item.org is not None:
                item.org = draw(DISPLAY_NAMES)
    if form == "A":
        assume(not _first_title_ambiguous(items, "Nov 11"))
        return form, write_layout_a(items, "Nov 11")[0] + "\n"
    if form == "B":
        return form, write_layout_b(items)[0]
    return form, (write_layout_c if form == "C" else write_layout_d)(items, "Oct 2")[0]


def _fields(dump: Dump) -> list[tuple]:
    return [(r.title, r.abstract, r.month, r.day, r.year, r.comments, r.upvotes, r.authors, r.org, r.arxiv_id)
            for r in dump.records]


@SETTINGS
@given(st.lists(pastes(), min_size=1, max_size=4), st.booleans(), st.sampled_from(["\n", "\r\n"]))
def test_appended_pastes_read_as_the_union_of_their_papers(parts, bom, newline):
    """Any concatenation of valid pastes of any forms (listings A-D, a paper's own page G,
    paper cards H), with or without a BOM before each and CRLF, reads as the union of its
    pastes' papers, each paste in its own form, with no problem."""
    alone = [parse(text, "p.txt") for _, text in parts]
    for dump in alone:
        assert dump.problems == (), [str(p) for p in dump.problems]
    joined = "".join(("\ufeff" if bom else "") + text for _, text in parts).replace("\n", newline)
    text, problems = decode(joined.encode("utf-8"), "week.txt")
    assert text is not None and problems == []
    dump = parse(text, "week.txt")
    assert dump.problems == (), [str(p) for p in dump.problems]
    # The cards of two pages appended one after the other read as one paste of cards: nothing on
    # a model's page says where it starts (the union of their papers is what counts).
    assert dump.layout == re.sub(r"H(\+H)+", "H", "+".join(form for form, _ in parts))
    assert _fields(dump) == [f for one in alone for f in _fields(one)]
    for (form, _), one in zip(parts, alone):  # a page or the cards read as what they show
        if form in "GH":
            assert one.records and all(r.upvotes is not None and r.year is not None for r in one.records)
