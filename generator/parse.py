"""Parse the text of one Daily Papers dump into records. Pure: no I/O, no clock."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress, count

from .model import Dump, Problem, Record, new_record, new_source

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
DATE_RE = re.compile(
    rf"^\s*{_MONTH}\s+(?P<day>\d{{1,2}})(?:\s*,\s*(?P<year>\d{{4}}))?(?:\s+(?P<upvotes>\d+))?\s*$"
)
# `\s*(?:[•·*-]\s*)?`, not `\s*[•·*-]?\s*`: two adjacent `\s*` take quadratic time on a
# long run of spaces, and a hostile dump could hang the build with one line.
AUTHORS_RE = re.compile(r"^\s*(?:[•·*-]\s*)?(?P<n>\d+)\s+authors?\s*$", re.IGNORECASE)
DOT_RE = re.compile(r"^\s*·\s*$")

# Header lines of both layouts, compared after stripping and case-folding.
HEADER_LINES = {
    "new",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
LAYOUT_A_MARKERS = {"daily papers", "byak and the research community", "new"}
SUBSCRIBE = "Subscribe"

# A metadata org line longer than this is taken for text (an abstract glued to a `·`).
MAX_ORG_LINE = 200
# Titles in the real corpus are at most 175 characters, abstracts almost always over 250:
# used only to re-synchronise after a title that lost its abstract.
TITLE_MAX = 200
# Upvotes beyond this are not real counts (and lose precision in JavaScript).
MAX_UPVOTES = 10**9
MAX_AUTHORS = 100_000
# Lines longer than this are not published as titles (a dump glued onto one line).
MAX_TITLE = 1000


@dataclass(slots=True)
class _Meta:
    """A metadata block as read, before it is attached to a record: the Record fields it sets."""

    line: int
    month: int | None = None
    day: int | None = None
    year: int | None = None
    upvotes: int | None = None
    authors: int | None = None
    org: str | None = None
    line_date: int = 0


# The fields of an entry without a metadata block.
_NO_META = _Meta(0)


@dataclass(slots=True)
class _Entry:
    title: str
    line: int
    abstract: str = ""
    has_abstract: bool = False
    meta: _Meta | None = None
    skipped: bool = False
    """Read to keep the lines after it in step, not published (an over-long title line)."""


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while parse and merge build their objects.

    They make some ten objects per paper and no reference cycles, yet each collection walks
    them all again: a quarter of the parse + merge time at 100,000 papers.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Move what was built straight to the oldest generation (freeze, then unfreeze), or the
        # first young collection would walk all of it once more. Nothing is exempt from later
        # full collections. Skipped when the host process keeps objects frozen on purpose.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def match_date(text: str) -> dict[str, int | None] | None:
    """Return month, day, year and upvotes of a date line, or None if it is not one."""
    fields = _date_fields(text)
    return None if fields is None else dict(zip(("month", "day", "year", "upvotes"), fields))


def _date_fields(text: str) -> tuple[int, int, int | None, int | None] | None:
    """`match_date` as a tuple (month, day, year, upvotes): the parser's own, without a dict."""
    m = DATE_RE.match(text)
    if not m:
        return None
    name, day, year, upvotes = m.group("month", "day", "year", "upvotes")
    month = MONTHS.get(name.lower())
    if month is None:
        return None
    return month, int(day), int(year) if year else None, int(upvotes) if upvotes else None


# Field clean-up: one function per metadata kind, each returning the value or a problem text.
def _check_upvotes(value: int | None) -> tuple[int | None, str | None]:
    if value is None:
        return 0, None
    if value > MAX_UPVOTES:
        return None, f"upvote count out of range: {value}"
    return value, None


def _check_authors(value: int) -> tuple[int | None, str | None]:
    if value > MAX_AUTHORS:
        return None, f"author count out of range: {value}"
    return value, None


FIELD_CHECKS: dict[str, Callable] = {"upvotes": _check_upvotes, "authors": _check_authors}


def detect_layout(lines: list[str]) -> str | None:
    """`A`, `B`, or None when the text carries neither layout's header."""
    head = [ln.strip().casefold() for ln in lines[:40] if ln.strip()][:12]
    # The glued `Subscribe<first title>` line is layout B's own: checked first, so that a
    # paper titled `New` or `Daily Papers` near the top does not pass for layout A's header.
    if any(h.startswith("subscribe") and len(h) > len("subscribe") for h in head[:4]):
        return "B"
    if any(h in LAYOUT_A_MARKERS for h in head[:8]):
        return "A"
    if any(h.startswith("get trending papers") for h in head[:3]):
        return "B"
    if any(DOT_RE.match(ln) for ln in lines):
        return "A"
    return None


def _header_end(lines: list[str], layout: str, file: str, problems: list[Problem]):
    """Skip the header; return (first body index, page date fields, glued first title)."""
    i = 0
    page = None
    glued: tuple[int, str] | None = None
    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        if not s:
            i += 1
            continue
        folded = s.casefold()
        if folded in HEADER_LINES:
            i += 1
            continue
        if layout == "B" and s.startswith(SUBSCRIBE) and len(s) > len(SUBSCRIBE):
            glued = (i + 1, s[len(SUBSCRIBE):].strip())
            i += 1
            break
        if layout == "A" and page is None:
            d = match_date(s)
            if d is not None and d["upvotes"] is None:
                page = d
                page["line"] = i + 1
                i += 1
            break
        break
    return i, page, glued


def _metadata(
    nos: list[int], texts: list[str], i: int, authors: re.Match | None, file: str, problems: list[Problem]
) -> tuple[_Meta | None, int]:
    """Read a metadata block at body line i, if one starts there; return it and the next index.

    The body lines are stripped, so a `·` line is exactly `·`. `authors` is the match of
    AUTHORS_RE on the line, found beforehand.
    """
    no, text = nos[i], texts[i]
    end = len(texts)
    nxt = (nos[i + 1], texts[i + 1]) if i + 1 < end else None
    is_dot = text == "·"
    next_is_dot = nxt is not None and nxt[0] == no + 1 and nxt[1] == "·"
    if not (is_dot or authors or (next_is_dot and len(text) <= MAX_ORG_LINE)):
        return None, i
    meta = _Meta(no)
    if is_dot:
        problems.append(Problem(file, no, "metadata block without an authors or organization line"))
        i += 1
        date_line = nxt if nxt is not None and nxt[0] == no + 1 else None
    else:
        if authors:
            value, problem = FIELD_CHECKS["authors"](int(authors["n"]))
            meta.authors = value
            if problem:
                problems.append(Problem(file, no, problem))
        else:
            meta.org = text
        i += 1
        if not next_is_dot:
            problems.append(Problem(file, no, f"metadata block cut short after {text!r}"))
            return meta, i
        i += 1
        date_line = (nos[i], texts[i]) if i < end and nos[i] == no + 2 else None
    d = _date_fields(date_line[1]) if date_line else None
    if d is None:
        where = date_line[0] if date_line else no
        shown = date_line[1] if date_line else "·"
        if date_line and DATE_RE.match(date_line[1]):
            # Shaped like a date (`Foo 12`) but not one: it is the block's date slot, not a title.
            problems.append(Problem(file, where, f"not a date: {shown!r}"))
            return meta, i + 1
        problems.append(Problem(file, where, f"metadata block without a date: {shown!r}"))
        return meta, i
    i += 1
    meta.line_date = date_line[0]
    meta.month, meta.day, meta.year, upvotes = d
    value, problem = FIELD_CHECKS["upvotes"](upvotes)
    meta.upvotes = value
    if problem:
        problems.append(Problem(file, date_line[0], problem))
    return meta, i


def _blocks(nos: list[int], texts: list[str], file: str, problems: list[Problem]) -> list[tuple[int, _Meta, int]]:
    """The metadata blocks of the body as (first index, block, index after it), in order.

    A block starts at a `·` line, at the line before one, or at an authors line. Those few
    lines are found first, the `·` lines by `list.index` (a scan in C), and only they are read
    further: nearly every line is a title or a long abstract, and a Python loop over all of
    them was most of the parse time. A candidate inside the block before it is no start.
    """
    dots = []
    k = -1
    try:
        while True:
            k = texts.index("·", k + 1)
            dots.append(k)
    except ValueError:
        pass
    # An authors line ends in `author(s)`, tested in constant time before the regex runs.
    authors = {k: m for k, text in enumerate(texts) if text[-1] in "rRsSſ" and (m := AUTHORS_RE.match(text))}
    blocks: list[tuple[int, _Meta, int]] = []
    after = 0
    for start in sorted({*dots, *(k - 1 for k in dots if k), *authors}):
        if start < after:
            continue
        meta, end = _metadata(nos, texts, start, authors.get(start), file, problems)
        if meta is not None:
            blocks.append((start, meta, end))
            after = end
    return blocks


def _entries(nos: list[int], texts: list[str], file: str, problems: list[Problem]) -> list[_Entry]:
    """Pair the body's lines into titles and abstracts, and attach each metadata block."""
    entries: list[_Entry] = []
    current: _Entry | None = None
    after = 0
    end = len(texts)
    # The text lines come in runs between blocks; the last run ends at the end of the body.
    for start, meta, block_end in [*_blocks(nos, texts, file, problems), (end, None, end)]:
        for i in range(after, start):
            text = texts[i]
            if current is not None and not current.has_abstract:
                # A short line followed by a long one: the open title lost its abstract and this
                # line is the next title (otherwise every pair after it would shift by one).
                looks_like_next_title = len(text) <= TITLE_MAX and i + 1 < start and len(texts[i + 1]) > TITLE_MAX
                if not looks_like_next_title:
                    current.abstract = text
                    current.has_abstract = True
                    continue
                if not current.skipped:
                    problems.append(Problem(file, current.line, f"title with no abstract: {current.title!r}"))
            current = _Entry(text, nos[i])
            if len(text) > MAX_TITLE:
                problems.append(
                    Problem(file, nos[i], f"line of {len(text)} characters where a title was expected; skipped", "error")
                )
                # Kept as a hidden entry so that its abstract and metadata are not read as a paper.
                current.skipped = True
            entries.append(current)
        after = block_end
        if meta is None:
            continue
        if current is None or current.meta is not None:
            problems.append(Problem(file, meta.line, "metadata block without a paper before it"))
            continue
        if not current.has_abstract and not current.skipped:
            problems.append(Problem(file, current.line, f"title with no abstract: {current.title!r}"))
        current.meta = meta
        current = None
    if current is not None and not current.has_abstract and not current.skipped:
        problems.append(Problem(file, current.line, f"title with no abstract: {current.title!r}"))
    return entries


def _record(entry: _Entry, file: str) -> Record:
    meta = entry.meta or _NO_META
    return new_record(
        entry.title, entry.abstract, new_source(file, entry.line),
        meta.month, meta.day, meta.year, meta.upvotes, meta.authors, meta.org, meta.line_date,
    )


def parse(text: str, file: str) -> Dump:
    """Parse one dump's decoded text (newlines already `\\n`) into a Dump."""
    problems: list[Problem] = []
    lines = text.split("\n")
    if not text or text.isspace():
        problems.append(Problem(file, 0, "empty file: no papers"))
        return Dump(file, "A", (), problems=tuple(problems))
    layout = detect_layout(lines)
    if layout is None:
        problems.append(
            Problem(file, 0, "not a Daily Papers dump: no header and no metadata found", "error")
        )
        return Dump(file, "?", (), problems=tuple(problems))
    start, page, glued = _header_end(lines, layout, file, problems)
    # The body: its non-blank lines, stripped once here (the metadata patterns allow spaces
    # around their text anyway), and their 1-based line numbers; built by map, filter and
    # compress, which loop in C.
    stripped = list(map(str.strip, lines[start:]))
    texts = list(filter(None, stripped))
    nos = list(compress(count(start + 1), stripped))
    if glued and glued[1]:
        nos.insert(0, glued[0])
        texts.insert(0, glued[1])

    entries = _entries(nos, texts, file, problems)
    if not entries and not any(p.severity == "error" for p in problems):
        problems.append(Problem(file, 0, "no papers found (header only?)"))
    records = tuple(_record(e, file) for e in entries if not e.skipped)
    problems.sort(key=lambda p: p.line)
    return Dump(
        file=file,
        layout=layout,
        records=records,
        page_month=page["month"] if page else None,
        page_day=page["day"] if page else None,
        page_year=page["year"] if page else None,
        problems=tuple(problems),
    )
