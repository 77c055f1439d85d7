"""Resolve the years of year-less dates, then merge every entry of one title into one Paper."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from slugify import slugify

from .model import PLAIN_RECORD_SIZE, Dump, Paper, Problem, Record, Source, new_paper
from .parse import nfc, paused_gc

# A full ISO date in a file name, wherever it stands (`论文 Schrödinger 2025-11-12.txt`), not
# inside a longer run of digits.
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
SLUG_LENGTH = 75
# A URL runs to whitespace or a character that cannot stand unescaped in one.
URL_RE = re.compile(r"""https?://[^\s<>"'`{}|\\^\[\]]+""", re.IGNORECASE)
TRAILING = ".,;:!?*'\"”’»…"
# For the ASCII fast path of `_slug`: what python-slugify does to ASCII text without `&`.
# Bytes of an ASCII title: letters lowered, digits kept, everything else a space to split on.
_SLUG_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if 97 <= c <= 122 or 48 <= c <= 57 else 32 for c in range(256))
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")


@dataclass(frozen=True)
class PageYear:
    """The year a dump's page was captured, and how it was found."""

    year: int
    how: str
    """`config`, `file name`, `page date`, `explicit years` or `current year`."""
    month: int | None = None
    day: int | None = None


def title_key(title: str) -> str:
    """The merge key of a title: Unicode NFC, case and spacing ignored (DESIGN.md)."""
    # Most titles are spaced once already: no run of spaces, no space at either end, and no
    # other blank (`isprintable` is false for each one but the space). Splitting and joining
    # them would only copy every word.
    if not title.isascii():
        title = nfc(title)
    if "  " not in title and title.isprintable() and title[:1] != " " and title[-1:] != " ":
        return title.casefold()
    return " ".join(title.casefold().split())


def _iso_date(text: str | None) -> date | None:
    """The date of an ISO `YYYY-MM-DD` that starts `text` (a front matter's value)."""
    m = ISO_DATE.match(text or "")
    return _valid_date(m) if m else None


def name_date(name: str) -> date | None:
    """The last valid full ISO date in a file name (`2025-11-11-semantic.txt`,
    `论文 Schrödinger 2025-11-12.txt`, `a 2025-11-11 b 2025-11-12.txt` -> 2025-11-12), or None."""
    found = None
    for m in ISO_DATE.finditer(name):
        found = _valid_date(m) or found
    return found


def _valid_date(m: re.Match) -> date | None:
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def page_year(dump: Dump, configured: Mapping[str, int], today: date) -> tuple[PageYear, Problem | None]:
    """Apply the year rule of DESIGN.md to one dump: the year (and day) its last page was captured.

    Returns the PageYear and, when it fell back to today's year for dates without one, the
    problem that says so. Sources, in order: `page_years` of the config, the last ISO date in
    the file name, a capture tool's `retrieved:` date, a year written on the page date, one more
    than the latest year written in the dump, the current year.
    """
    month, day = dump.page_month, dump.page_day
    if dump.file in configured:
        return PageYear(int(configured[dump.file]), "config", month, day), None
    for how, captured in (("file name", name_date(dump.file)),
                          ("front matter", _iso_date(next((p.captured for p in reversed(dump.pastes) if p.captured), None)))):
        if captured is not None:
            if month is None:
                month, day = captured.month, captured.day
            return PageYear(captured.year, how, month, day), None
    if dump.page_year is not None:
        return PageYear(dump.page_year, "page date", month, day), None
    written = [r.year for r in dump.records if r.year is not None]
    if written:
        return PageYear(max(written) + 1, "explicit years", month, day), None
    problem = None
    if any(r.month is not None and r.year is None for r in dump.records):
        problem = Problem(
            dump.file, 0,
            f"no year for dates without one: assumed {today.year} (name the file "
            f"YYYY-MM-DD-….txt or set page_years in mkdocs.yml)",
        )
    return PageYear(today.year, "current year", month, day), problem


def paste_years(dump: Dump, file_page: PageYear) -> list[tuple[PageYear, tuple[Record, ...]]]:
    """Each paste's own page year, with its records: a paste whose page date is later in the
    year than the file's capture day was captured the year before (FORMATS.md F)."""
    out = []
    for paste, records in dump.paste_records():
        page = file_page
        if paste.page_month is not None and paste.page_day is not None:
            year = paste.page_year or file_page.year
            if paste.page_year is None and file_page.month is not None and file_page.day is not None and (
                (paste.page_month, paste.page_day) > (file_page.month, file_page.day)
            ):
                year -= 1
            page = PageYear(year, file_page.how, paste.page_month, paste.page_day)
        out.append((page, records))
    return out


def resolve_date(record: Record, page: PageYear) -> tuple[date | None, Problem | None]:
    """The record's full date, or None with a problem when it is impossible."""
    if record.month is None or record.day is None:
        return None, None
    year = record.year
    if year is None:
        year = page.year
        # The listing shows no year for the page's own year; a later day is last year's.
        if page.month is not None and page.day is not None and (record.month, record.day) > (page.month, page.day):
            year -= 1
    try:
        return date(year, record.month, record.day), None
    except ValueError:
        shown = f"{date(2000, record.month, 1):%b} {record.day}" if 1 <= record.month <= 12 else "?"
        return None, Problem(
            record.source.file, record.line_date or record.source.line,
            f"impossible date: {shown}, {year}; published as undated",
        )


def find_links(text: str) -> tuple[str, ...]:
    """URLs in a text, without trailing punctuation or unbalanced closing brackets."""
    # A dict keeps first-seen order and finds duplicates in constant time; the loop moves an
    # index rather than slicing, so hostile input (thousands of URLs, a URL followed by
    # thousands of `)`) stays linear.
    found: dict[str, None] = {}
    # Found as a `:` followed by `//`, not by `find("://")`: one character is looked for with
    # memchr, several times faster over the 1,400 characters of a typical abstract.
    first = text.find(":")
    while first >= 0 and not text.startswith("//", first + 1):
        first = text.find(":", first + 1)
    if first < 0:
        return ()
    # No URL starts more than `https` before the first `://`: the scan starts there.
    for match in URL_RE.finditer(text, max(first - len("https"), 0)):
        url = match.group(0)
        end = len(url)
        unbalanced = url.count(")") - url.count("(")
        while end:
            last = url[end - 1]
            if last in TRAILING:
                end -= 1
            elif last == ")" and unbalanced > 0:
                end -= 1
                unbalanced -= 1
            else:
                break
        url = url[:end]
        if len(url) > len("https://"):
            found.setdefault(url)
    return tuple(found)


def split_org(line: str | None) -> tuple[str | None, str | None]:
    """`tencent Tencent` -> ('tencent', 'Tencent'); a lone word is both id and name."""
    if not line:
        return None, None
    org_id, _, name = line.strip().partition(" ")
    return org_id, (name.strip() or org_id)


def _slug(title: str) -> str:
    """`slugify(title, max_length=75, word_boundary=True)`, faster for plain ASCII titles.

    slugify costs 30 µs a title, the most of parse + merge. For ASCII without `&` (nothing to
    transliterate, no HTML entities) its pipeline comes down to: drop commas between digits,
    lower case, join the runs of letters and digits with `-`, truncate at a word boundary.
    tests/test_merge.py checks that the two agree.
    """
    if not title.isascii() or "&" in title:
        return slugify(title, max_length=SLUG_LENGTH, word_boundary=True)
    if "," in title:
        title = _DIGIT_COMMA.sub("", title)
    text = b"-".join(title.encode("ascii").translate(_SLUG_BYTES).split()).decode("ascii")
    if len(text) < SLUG_LENGTH:
        return text
    if len(text) == SLUG_LENGTH or text[SLUG_LENGTH] == "-" or "-" not in text:
        return text[:SLUG_LENGTH]
    # slugify's smart_truncate(word_boundary=True) keeps, in order, each word that still fits:
    # all words before the one that crosses the limit, then any short ones after it.
    cut = text.rfind("-", 0, SLUG_LENGTH)
    kept = [text[:cut]] if cut > 0 else []
    size = cut + 1 if cut > 0 else 0
    for word in text[size:].split("-")[1:]:
        if size >= SLUG_LENGTH:
            break
        end = size + len(word)
        if end < SLUG_LENGTH:
            kept.append(word)
            size = end + 1
        elif end == SLUG_LENGTH:
            kept.append(word)
            break
    return "-".join(kept) if kept else text[:SLUG_LENGTH].strip("-")


def _short_hash(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def assign_ids(
    keys_titles: Iterable[tuple[str, str]], previous: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A unique slug per title key.

    A key that a previous build published (`previous`: its id by title key) keeps its id, so
    its URL stays put. Keys whose slugs collide leave the slug to the first in sorted order,
    unless a published paper holds it, and get a hash of their own key.
    """
    by_slug: dict[str, list[str]] = defaultdict(list)
    ids: dict[str, str] = {}
    taken: set[str] = set()
    if previous:
        for key, title in keys_titles:
            old = previous.get(key)
            if old is not None and old not in taken:  # a hand-edited file may repeat an id
                ids[key] = old
                taken.add(old)
            else:
                by_slug[_slug(title) or "paper"].append(key)
    else:
        for key, title in keys_titles:
            by_slug[_slug(title) or "paper"].append(key)
    for slug, keys in by_slug.items():
        free = slug != "paper" and slug not in taken
        if len(keys) == 1 and free:
            ids[keys[0]] = slug
            continue
        for n, key in enumerate(sorted(keys)):
            ids[key] = slug if n == 0 and free else f"{slug}-{_short_hash(key)}"
    return ids


def merge(
    dumps: Iterable[Dump],
    page_years: Mapping[str, int] | None = None,
    today: date | None = None,
    previous_ids: Mapping[str, str] | None = None,
) -> tuple[list[Paper], list[Problem]]:
    """One Paper per title across all dumps, newest first; plus the problems found on the way.

    `previous_ids` (id by title key, from the last build's papers.json) keeps the id of every
    paper published before (DESIGN.md: a paper keeps its id and URL once published)."""
    with paused_gc():
        return _merge(dumps, page_years, today, previous_ids)


def _merge(
    dumps: Iterable[Dump], page_years: Mapping[str, int] | None, today: date | None,
    previous_ids: Mapping[str, str] | None,
) -> tuple[list[Paper], list[Problem]]:
    configured = page_years or {}
    today = today or date.today()
    problems: list[Problem] = []
    # The first entry of each title key, and all the entries of the few titles seen more than
    # once: most papers appear once, and a list for each would only be built and walked.
    first: dict[str, tuple[Record, date | None, date | None]] = {}
    repeated: dict[str, list[tuple[Record, date | None, date | None]]] = {}
    for dump in dumps:
        if not dump.records:
            continue
        file_page, problem = page_year(dump, configured, today)
        if problem:
            problems.append(problem)
        for page, records in paste_years(dump, file_page):
            captured = _capture_day(page)
            for record in records:
                if record.month is None:
                    when = None  # as resolve_date, without the call
                else:
                    when, problem = resolve_date(record, page)
                    if problem:
                        problems.append(problem)
                key = title_key(record.title)
                seen = first.get(key)
                if seen is None:
                    first[key] = (record, when, captured)
                elif key in repeated:
                    repeated[key].append((record, when, captured))
                else:
                    repeated[key] = [seen, (record, when, captured)]

    ids = assign_ids(((key, record.title) for key, (record, _, _) in first.items()), previous_ids)
    # Sorted by `paper_order`, with the group key standing for the title key of the paper's
    # title (keys are unique, so the id that `paper_order` adds never decides).
    ordered = []
    for key, (record, when, _) in first.items():
        paper = _paper(ids[key], repeated[key]) if key in repeated else _single_paper(ids[key], record, when)
        ordered.append((_rank(paper), key, paper))
    ordered.sort(key=itemgetter(0, 1))
    return [paper for _, _, paper in ordered], problems


def _rank(paper: Paper) -> tuple:
    """`paper_order` but the title: the day (newest first), then its counts."""
    if paper.date is None:
        return (0, False, 0, False, 0)
    upvotes, comments = paper.upvotes, paper.comments
    return (-paper.date.toordinal(), upvotes is None, -(upvotes or 0), comments is None, -(comments or 0))


def paper_order(paper: Paper) -> tuple:
    """The archive's one order, that of papers.json and of every listing: newest day first;
    within a day as Hugging Face lists it, most upvoted first, then most discussed, then by
    title, a paper without upvotes (or without a comment count) after those with one; undated
    papers last, by title. Counts come from the newest capture (merge's rule), so a later
    capture of a day may reorder that day."""
    return (*_rank(paper), title_key(paper.title), paper.id)


def _first(values: Iterable):
    return next((v for v in values if v is not None), None)


def _capture_day(page: PageYear) -> date | None:
    """The day a paste was captured (its page date in its page year), None when unknown."""
    if page.month is None or page.day is None:
        return None
    try:
        return date(page.year, page.month, page.day)
    except ValueError:
        return None


def _single_paper(paper_id: str, record: Record, when: date | None) -> Paper:
    """The paper of a title seen once (most are): `_paper` without the bookkeeping."""
    paper = new_paper(
        paper_id, record.title, record.abstract, when, record.upvotes, record.comments, record.arxiv_id,
        record.authors, record.org_name, record.org_id, find_links(record.abstract), (record.source,),
    )
    # One test for the plain records of most captures: their __dict__ holds no richer field.
    if len(record.__dict__) != PLAIN_RECORD_SIZE:
        fields = paper.__dict__
        fields["author_names"], fields["summary"] = record.author_names, record.summary
        fields["github_repo"], fields["github_stars"] = record.github_repo, record.github_stars
        fields["project_page"] = record.project_page
    return paper


def _newest(entries: list[tuple[Record, date | None, date | None]], field: str):
    """The value of `field` in the newest capture that shows it: by capture day (unknown days
    before every known one), then the highest value (a count only grows), then file order."""
    best = None
    best_key = None
    for n, (record, _, captured) in enumerate(entries):
        value = getattr(record, field)
        if value is None:
            continue
        key = (captured is not None, captured or date.min, value if isinstance(value, int) else 0, -n)
        if best_key is None or key > best_key:
            best, best_key = value, key
    return best


def _paper(paper_id: str, entries: list[tuple[Record, date | None, date | None]]) -> Paper:
    """The paper of a title seen more than once: each field from a capture that carries it.

    Counts (upvotes, comments, stars), the author names and count, the AI summary, the GitHub
    repository and the project page come from the newest capture that shows them (`_newest`);
    the title is the first seen, the abstract the longest, the date one with its year written
    before an inferred one, the organization one with an id before a display name alone."""
    records = [r for r, _, _ in entries]
    # A date with its year written out beats one whose year was inferred.
    dated = [(r.year is None, n, when) for n, (r, when, _) in enumerate(entries) if when is not None]
    when = min(dated)[2] if dated else None
    # An organization with an id (layouts A, D, E, I) beats a display name alone (layout C).
    org = _first(r for r in records if r.org_id) or _first(r for r in records if r.org_name)
    abstract = max((r.abstract for r in records), key=len)
    github = _newest(entries, "github_repo")
    stars = _newest([e for e in entries if e[0].github_repo in (github, None)], "github_stars") if github else None
    names = _newest(entries, "author_names")
    return Paper(
        id=paper_id,
        title=records[0].title,
        abstract=abstract,
        date=when,
        upvotes=_newest(entries, "upvotes"),
        comments=_newest(entries, "comments"),
        arxiv_id=_first(r.arxiv_id for r in records),
        authors=len(names) if names else _newest(entries, "authors"),
        organization=org.org_name if org else None,
        org_id=org.org_id if org else None,
        links=find_links(abstract),
        sources=tuple(sorted({Source(r.source.file, r.source.line) for r in records}, key=lambda s: (s.file, s.line))),
        author_names=names,
        summary=_newest(entries, "summary"),
        github_repo=github,
        github_stars=stars,
        project_page=_newest(entries, "project_page"),
    )
