"""Read form I: the JSON of Hugging Face's public daily-papers API. Pure: no I/O, no clock.

`GET https://huggingface.co/api/daily_papers?date=YYYY-MM-DD` (and `huggingface_hub`'s
`HfApi.list_daily_papers`, which reads it) answers with a list of items
`{"paper": {...}, "title", "publishedAt", "numComments", "organization"?, ...}`
(../shared/FORMATS.md I). The richest capture there is: besides what the listings show, it
names the authors, and gives the AI summary, the GitHub repository and its stars and the
project page. `GET /api/papers/<arXiv id>` answers with one paper object: a list of those, or
one alone, is read too.

What the page would show maps so (FORMATS.md I, TRUTH.json's conventions):
- title: the item's `title` (the paper's when the item has none), line breaks and the
  indentation around them one space;
- abstract: `paper.summary`, its whitespace runs one space;
- date: the day of `paper.publishedAt`; comments: the item's `numComments`; upvotes:
  `paper.upvotes`;
- authors: the `name` of every `paper.authors` entry not marked `hidden`, in order;
- organization: the item's `organization`, else the paper's, else the item's
  `submitterOrganization`: `fullname` is its display name, `name` its id;
- `paper.ai_summary`, `paper.githubRepo` and `paper.githubStars`, `paper.projectPage`.
Submitters and Hub accounts are people's handles, never authors.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from datetime import date

from .model import Dump, Paste, Problem, Record, Source
from .parse import ARXIV_ID_RE, MAX_AUTHORS, MAX_COUNT, MAX_TITLE, nfc

_DECODER = json.JSONDecoder()
_BLANK = " \t\n\r"


def is_api_json(text: str) -> bool:
    """Whether a text looks like a JSON array of objects, or an object: what an API response
    saved under another name than `.json` starts with (`[{`, `[ ]`, `{"`, blanks between).
    A markdown capture's first `[` opens a link, never `[{`."""
    head = text[:200].lstrip(_BLANK + "\ufeff")
    if head.startswith("{"):
        return head[1:].lstrip(_BLANK)[:1] in ('"', "}")
    return head.startswith("[") and head[1:].lstrip(_BLANK)[:1] in ("{", "]")


def parse_api(text: str, file: str) -> Dump:
    """Parse the text of one API response (FORMATS.md I) into a Dump of layout `I`.

    Each paper's source line is the line where its item starts. Never raises on bad input: a
    text that is not an API response (another JSON document, a corpus's TRUTH.json) is one
    error naming the file; an item that lacks what a paper needs (a title) or holds a value of
    the wrong type is a problem naming its line, and the other items are read. A file cut
    short keeps the items before the cut, with an error at the line where it breaks."""
    problems: list[Problem] = []
    records: list[Record] = []
    lines = _LineIndex(text)
    items = _items(text, lines, file, problems)
    if items is None:
        return Dump(file, "?", (), problems=tuple(problems))
    for line, item in items:
        record = _record(item, file, line, problems)
        if record is not None:
            records.append(record)
    if not records and not any(p.severity == "error" for p in problems):
        problems.append(Problem(file, 0, "no papers found (an empty API response)"))
    problems.sort(key=lambda p: p.line)
    return Dump(file, "I", tuple(records), (Paste("I", 1, len(records)),), tuple(problems))


class _LineIndex:
    """1-based line numbers of character offsets in a text."""

    def __init__(self, text: str):
        self.starts = [0]
        k = text.find("\n")
        while k >= 0:
            self.starts.append(k + 1)
            k = text.find("\n", k + 1)

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def _items(text: str, lines: _LineIndex, file: str, problems: list[Problem]) -> list[tuple[int, object]] | None:
    """The items of the response as (line, value), or None (with the error) when the text is
    not an API response. Items are decoded one by one, so that a file cut short keeps the
    items before the cut."""
    start = len(text) - len(text.lstrip(_BLANK + "\ufeff"))
    if text.startswith("{", start):
        try:
            value, end = _DECODER.raw_decode(text, start)
        except ValueError as exc:
            problems.append(Problem(file, lines.line(_error_offset(exc, start)), f"not valid JSON: {_reason(exc)}", "error"))
            return None
        if not _is_paper_item(value):
            problems.append(Problem(file, 0, _NOT_API, "error"))
            return None
        _trailing(text, end, lines, file, problems)
        return [(lines.line(start), value)]
    if not text.startswith("[", start):
        problems.append(Problem(file, 0, _NOT_API, "error"))
        return None
    items: list[tuple[int, object]] = []
    pos = _skip_blank(text, start + 1)
    if text.startswith("]", pos):
        _trailing(text, pos + 1, lines, file, problems)
        return items
    while True:
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except ValueError as exc:
            problems.append(Problem(
                file, lines.line(_error_offset(exc, pos)),
                f"the JSON breaks off here ({_reason(exc).lower()}): the {len(items)} papers before it are read, "
                "the rest is lost", "error"))
            break
        if not items and not _is_paper_item(value):
            problems.append(Problem(file, 0, _NOT_API, "error"))
            return None
        items.append((lines.line(pos), value))
        pos = _skip_blank(text, end)
        if text.startswith(",", pos):
            pos = _skip_blank(text, pos + 1)
        elif text.startswith("]", pos):
            _trailing(text, pos + 1, lines, file, problems)
            break
        else:
            problems.append(Problem(file, lines.line(pos), "not valid JSON: expected ',' or ']' after an item", "error"))
            break
    return items


_NOT_API = ("not a Hugging Face API response: a .json dump must be what GET /api/daily_papers "
            "returns, a list of {\"paper\": {...}} items (FORMATS.md I)")


def _is_paper_item(value: object) -> bool:
    """An item of /api/daily_papers (`{"paper": {...}}`) or a paper of /api/papers/<id>."""
    if not isinstance(value, dict):
        return False
    paper = value.get("paper", value)
    return isinstance(paper, dict) and "title" in paper and ("id" in paper or "summary" in paper)


def _skip_blank(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _BLANK:
        pos += 1
    return pos


def _trailing(text: str, end: int, lines: _LineIndex, file: str, problems: list[Problem]) -> None:
    rest = _skip_blank(text, end)
    if rest < len(text):
        problems.append(Problem(file, lines.line(rest), "text after the end of the JSON document: not read"))


def _error_offset(exc: ValueError, default: int) -> int:
    return getattr(exc, "pos", default)


def _reason(exc: ValueError) -> str:
    return getattr(exc, "msg", str(exc))


def _text(value: object) -> str | None:
    """A string with its whitespace runs one space, None for anything else or an empty one."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _count(value: object, what: str, limit: int, file: str, line: int, problems: list[Problem]) -> int | None:
    """A count the API gives: an int in [0, limit], else None (with a problem unless absent)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        problems.append(Problem(file, line, f"{what} count not a count: {value!r}"))
        return None
    return value


def _date(value: object, file: str, line: int, problems: list[Problem]) -> date | None:
    """The day of an ISO timestamp (`2026-08-13T00:00:00.000Z`), None when absent or invalid."""
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        problems.append(Problem(file, line, f"not a date: {str(value)[:40]!r}; published as undated"))
        return None


def _url(value: object) -> str | None:
    """An http(s) URL, else None: anything else is never made a link."""
    text = _text(value)
    return text if text is not None and text.startswith(("https://", "http://")) and " " not in text else None


def _authors(value: object) -> tuple[str, ...] | None:
    """The names of the authors not marked hidden, in order; None when the item lists none."""
    if not isinstance(value, list):
        return None
    names = []
    for author in value:
        if isinstance(author, dict) and not author.get("hidden"):
            name = _text(author.get("name"))
            if name is not None:
                names.append(nfc(name))
    return tuple(names) if names else None


def _organization(*candidates: object) -> tuple[str | None, str | None]:
    """(display name, id) of the first organization given."""
    for org in candidates:
        if isinstance(org, dict):
            org_id = _text(org.get("name"))
            name = _text(org.get("fullname")) or org_id
            if name is not None:
                return nfc(name), org_id
    return None, None


def _record(item: object, file: str, line: int, problems: list[Problem]) -> Record | None:
    """The Record of one item, or None (with the problem) when it holds no paper."""
    if not isinstance(item, dict):
        problems.append(Problem(file, line, f"not an API item: {type(item).__name__}; skipped", "error"))
        return None
    paper = item.get("paper", item)
    if not isinstance(paper, dict):
        problems.append(Problem(file, line, "an item whose \"paper\" is not an object; skipped", "error"))
        return None
    title = _text(item.get("title")) or _text(paper.get("title"))
    if title is None:
        problems.append(Problem(file, line, "an item without a title; skipped", "error"))
        return None
    if len(title) > MAX_TITLE:
        problems.append(Problem(file, line, f"a title of {len(title)} characters; skipped", "error"))
        return None
    when = _date(paper.get("publishedAt", item.get("publishedAt")), file, line, problems)
    arxiv_id = _text(paper.get("id"))
    if arxiv_id is not None and not ARXIV_ID_RE.fullmatch(arxiv_id):
        problems.append(Problem(file, line, f"not an arXiv id: {arxiv_id[:40]!r}"))
        arxiv_id = None
    names = _authors(paper.get("authors"))
    org_name, org_id = _organization(item.get("organization"), paper.get("organization"),
                                     item.get("submitterOrganization"))
    github = _url(paper.get("githubRepo"))
    authors = len(names) if names is not None else None
    return Record(
        title=nfc(title),
        abstract=nfc(_text(paper.get("summary")) or ""),
        source=Source(file, line),
        month=when.month if when else None,
        day=when.day if when else None,
        year=when.year if when else None,
        comments=_count(item.get("numComments"), "comment", MAX_COUNT, file, line, problems),
        upvotes=_count(paper.get("upvotes"), "upvote", MAX_COUNT, file, line, problems),
        authors=authors if authors is None or authors <= MAX_AUTHORS else None,
        org=org_name,
        org_id=org_id,
        org_name=org_name,
        arxiv_id=arxiv_id,
        line_date=line,
        author_names=names,
        summary=nfc(s) if (s := _text(paper.get("ai_summary"))) else None,
        github_repo=github,
        github_stars=_count(paper.get("githubStars"), "GitHub star", MAX_COUNT, file, line, problems) if github else None,
        project_page=_url(paper.get("projectPage")),
    )

