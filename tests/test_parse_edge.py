"""Edge cases found by the hardening suite: a date slot that is not a date, an over-long title."""

from __future__ import annotations

from parse_helpers import Entry, write_layout_a

from generator.data.capture import parse

ABSTRACT = "We study something at length. " * 12


def test_a_date_slot_that_is_not_a_date_is_reported_not_published() -> None:
    text, _ = write_layout_a([Entry("First Paper", ABSTRACT), Entry("Second Paper", ABSTRACT)])
    lines = text.split("\n")
    at = lines.index("Second Paper")
    # The first paper's metadata block ends in `Foo 12`: shaped like a date, but no month.
    text = "\n".join(lines[:at] + ["  • 3 authors", "·", "Foo 12", ""] + lines[at:])
    dump = parse(text, "x.txt")
    assert [r.title for r in dump.records] == ["First Paper", "Second Paper"]
    assert dump.records[0].authors == 3 and dump.records[0].month is None
    (problem,) = dump.problems
    assert problem.message == "not a date: 'Foo 12'"
    assert problem.line == lines[:at].__len__() + 3


def test_an_over_long_title_takes_its_abstract_and_metadata_with_it() -> None:
    text, _ = write_layout_a([Entry("Kept Paper", ABSTRACT)])
    text += "\n" + "y" * 3000 + "\n\n" + ABSTRACT.strip() + "\n\n  • 2 authors\n·\nOct 7\n"
    dump = parse(text, "x.txt")
    assert [r.title for r in dump.records] == ["Kept Paper"]
    assert [p.message for p in dump.problems] == ["line of 3000 characters where a title was expected; skipped"]
