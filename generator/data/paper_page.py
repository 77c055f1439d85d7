"""Read form G: one paper's own page (`huggingface.co/papers/<arXiv id>`), however it was
captured. Pure: no I/O, no clock.

A user adds a single paper by copying or clipping its page (../shared/FORMATS.md G): a browser
copy or a web fetch as text, Jina Reader's markdown, an Obsidian Web Clipper note, a crawler's
markdown. Every capture keeps the page's own order, whatever the tool wraps around it:

    arxiv:<id>              the id (or a `url:`/`source:` of the page, or `Cite arxiv.org/abs/<id>`)
    <title>                 a line or two, a heading, or setext `====`
    Published on <date>     · Submitted by <user> … (never an author)
    Upvote <n>              the upvote widget, before or after the comments
    Authors: <names>        one name per line or comma-separated
    Abstract                a label or a heading
    <AI summary>            one sentence, then its label `AI-generated summary` (not always)
    <abstract>              a paragraph, hard-wrapped at times, key phrases as links
    View arXiv page …       the buttons (GitHub and its stars, the project page), then
    Community …             comments, the librarian bot's lists of OTHER papers, citing
                            models and collections, the site's footer

So a page is recognised by the signs only a paper's page has (its `arxiv:` line, its browser
title `Paper page - …`, the `Authors:` and `Abstract` labels, the summary's label, `View arXiv
page`, `Get this paper in your agent:`, the lists of citing models …): at least two of them.
Exactly one paper starts on a page, at its own title: nothing else on it (navigation, labels,
other papers' titles) is ever read as a paper. What the capture does not show is None, never
guessed: no comment count (the page prints none), no title taken from anywhere but the places
above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime

from .cards import CARD_RE
from .model import Problem, Record, Source
from .parse import (
    ARXIV_ID,
    IMAGE_RE,
    LINK_RE,
    MAX_COUNT,
    MAX_TITLE,
    count_value,
    ends_listing_entry,
    match_date,
    nfc,
    strip_markdown,
    title_shape_problem,
)

# The line kinds of a page, by what its plain text (markdown undone) reads.
(ARXIV, PAGE_TITLE, AUTHORS, ABSTRACT, SUMMARY, STOP, PUBLISHED, UPVOTE, SUBMITTED, DAY_RANK, CITE,
 KEY, FRONT_OPEN, LISTING, PAPER_URL, CARD) = range(16)
# The kinds only a paper's page has: two of them (with its title, date or abstract) make a page.
PAGE_KINDS = frozenset({ARXIV, PAGE_TITLE, AUTHORS, ABSTRACT, SUMMARY, STOP, DAY_RANK, CITE, PAPER_URL})
_KEYS = (KEY, PAPER_URL)

_DATE = r"[A-Za-z]{3,9}\.?\s+\d{1,2}(?:\s*,\s*\d{4})?"
# `arxiv:2405.07960`, and an arXiv paper's own stamp `arXiv:2602.08025v1 [cs.CL] 9 Feb 2026`.
_ARXIV_LINE = re.compile(rf"(?:^|[\s>])arxiv:\s*(?P<id>{ARXIV_ID})(?:v\d+)?(?:\s+\[[\w.-]+\].*)?\s*$", re.IGNORECASE)
_PAPER_URL = re.compile(rf"(?:huggingface\.co/papers|arxiv\.org/(?:abs|html|pdf))/(?P<id>{ARXIV_ID})(?![\d.])")
_PAGE_TITLE = re.compile(r"Paper page\s*[-–]\s*(?P<title>.+)$", re.IGNORECASE)
_PUBLISHED = re.compile(rf"^(?:·\s*)?Published on\s+(?P<date>{_DATE})(?:\s*·.*)?$", re.IGNORECASE)
_UPVOTE = re.compile(r"\bUpvote\s+(?P<n>\d[\d.,]*\s*[kKmM]?)(?![\w.,])", re.IGNORECASE)
_UPVOTE_NEXT = re.compile(r"^(?P<n>\d[\d.,]*\s*[kKmM]?)(?:\]\(.*)?$")
_DAY_RANK = re.compile(r"^#?\d+\s+paper of the (?:day|week|month)", re.IGNORECASE)
_CITE = re.compile(rf"cite arxiv\.org/abs/(?P<id>{ARXIV_ID}) in a", re.IGNORECASE)
_AGENT_READ = re.compile(rf"^hf papers read (?P<id>{ARXIV_ID})$", re.IGNORECASE)
# A capture tool's header: front matter (`title: …`), Jina (`[3] URL Source: …`), a crawler
# (`**URL:** …`), a fetch (`SOURCE-URL: …`).
_KEY = re.compile(r"^(?:\[\d+\]\s*)?(?:\*\*)?(?P<key>[A-Za-z][\w -]{0,24}?)\s*:(?:\*\*)?(?:\s+(?P<value>.*))?$")
_GITHUB_LINK = re.compile(
    r"\[(?:LINK:\s*)?GitHub(?:\s+(?P<stars>\d[\d.,]*\s*[kKmM]?))?(?:\s+auto)?\]\(<?(?P<url>https://github\.com/[^)\s>]+)>?\)",
    re.IGNORECASE)
_PROJECT_LINK = re.compile(r"\[(?:LINK:\s*)?Project page\]\(<?(?P<url>https?://[^)\s>]+)>?\)", re.IGNORECASE)
_ORG_LINK = re.compile(r"\[(?P<name>[^\[\]]+)\]\((?:https://huggingface\.co)?/(?P<id>[A-Za-z0-9][\w.-]*)/?\)")
_NOT_ORGS = frozenset({"papers", "login", "join", "models", "datasets", "spaces", "docs", "pricing", "enterprise",
                       "posts", "collections", "organizations", "blog", "learn", "chat", "storage", "tasks"})
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_ONE_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*\s+[A-Z]")
_RULE = re.compile(r"^(?:[-=_*~]\s*){3,}$")
_BULLET = re.compile(r"^(?:[*+-]\s+)+")
_HEADING = re.compile(r"^#{1,6}\s+")
_JINA_PREFIX = re.compile(r"^\[\d+\]\s+")
# The number of a printed page that a PDF's conversion leaves between its parts (`*Page 2*`).
_PAGE_MARK = re.compile(r"^[*_]*\s*Page\s+\d+\s*[*_]*$", re.IGNORECASE)
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)\]])")
_SPACE_AFTER = re.compile(r"([(\[])\s+")
_PHRASE_URL = re.compile(r"\s*\((?:https?://huggingface\.co)?/papers\?q=[^)\s]*\)")
_LISTING_OPENINGS = ("get trending papers in your email inbox", "byak and the research community",
                     "by ak and the research community")
# Keys of a capture tool's header that date the capture (for the year of a date shown without one).
_CAPTURE_KEYS = frozenset({"created", "created_at", "date", "timestamp", "fetched", "retrieved", "captured",
                           "published time", "clipped"})
_PUBLISHED_KEYS = frozenset({"published", "published_at"})
# The keys of the headers capture tools write above a page (outside front matter): Jina Reader
# (`Title:`, `URL Source:`, `Published Time:`, `Markdown Content:`), crawlers (`**URL:**`,
# `**Page Title:**`), fetches (`SOURCE-URL:`, `FETCHED:`, `HTTP:`).
_HEADER_KEYS = frozenset({"title", "url", "url source", "source", "source_url", "source-url", "page title",
                          "description", "published time", "published", "published_at", "date", "created",
                          "created_at", "timestamp", "fetched", "retrieved", "http", "markdown content",
                          "domain", "path"})


@dataclass
class _Line:
    """A non-blank line of a page: its 0-based index in the file, as written, and as plain text."""

    index: int
    raw: str
    plain: str
    kind: int | None = None
    value: object = None


@dataclass
class Page:
    """A paper's page found in a file: the lines it spans and what was read from them."""

    start: int
    """0-based index of its first line in the file (page furniture before its title included)."""
    end: int
    """0-based index after its last line."""
    record: Record | None = None
    """Its paper, None when the page shows no title."""
    problems: list[Problem] = field(default_factory=list)
    captured: str | None = None
    """The ISO day a capture tool says the page was captured on, if any."""


def may_hold_pages(text: str) -> bool:
    """A cheap test before `find_pages`: whether a text holds a line only a paper's page has
    (an `arxiv:<id>` line, a browser title `Paper page - …`, a line opening with `Authors:`,
    the `Abstract` label alone on its line, a `Published on` date with the page's comments or
    buttons). A listing's abstracts may cite `arxiv:1101.0309` or say "Abstract" and "Authors:":
    only a line that is such a sign counts, so listings pass at the cost of a scan."""
    if "Paper page" in text or ("Published on" in text and (
            "\nCommunity" in text or "Cite arxiv.org/abs/" in text or "View arXiv page" in text)):
        return True
    for sign, is_line in (("arxiv:", _arxiv_sign), ("Authors:", _authors_sign), ("Abstract", _abstract_sign)):
        k = text.find(sign)
        while k >= 0:
            start = text.rfind("\n", 0, k) + 1
            end = text.find("\n", k)
            if is_line(text[start:end if end >= 0 else len(text)], k - start):
                return True
            k = text.find(sign, k + len(sign))
    return False


def _arxiv_sign(line: str, at: int) -> bool:
    """An `arxiv:<id>` line: short, or the page's breadcrumb `Papers arxiv:<id>` that ends a line
    a tool glued to what came before it."""
    m = _ARXIV_LINE.search(line)
    return m is not None and (len(line) < 120 or line[:m.start() + 1].rstrip().endswith("Papers"))


def _authors_sign(line: str, at: int) -> bool:
    return not line[:at].strip(" *-[#")


def _abstract_sign(line: str, at: int) -> bool:
    return len(line) < 40 and line.strip().lstrip("#*_[ ").rstrip("*_]: ").casefold() == "abstract"


def plain_line(raw: str) -> str:
    """The text of a captured line: Jina's `[3] ` prefix, heading marks, list bullets, bold
    and markdown (links as their text, images gone, escapes undone) taken off."""
    text = raw.strip()
    if not text:
        return text
    if text[0] == "[" and _JINA_PREFIX.match(text):
        text = _JINA_PREFIX.sub("", text, count=1)
    if text[0] == "#":
        text = _HEADING.sub("", text)
    if text[0] in "*+-" and _BULLET.match(text):
        text = _BULLET.sub("", text)
    if "**" in text:
        text = text.replace("**", "")
    if "[" in text or "\\" in text:
        text = strip_markdown(text)
    return text.strip()


def _classify(line: _Line, in_front: bool) -> None:
    """Set the kind of a page's line (None for text) and what it reads."""
    plain, raw = line.plain, line.raw.strip()
    folded = plain.casefold()
    if not plain:
        return
    if raw == "---":
        line.kind = FRONT_OPEN
        return
    if folded.startswith(_LISTING_OPENINGS) or raw in ("# Daily Papers", "## Trending Papers"):
        line.kind = LISTING
        return
    if "•" in plain and "Paper" in plain and CARD_RE.search(plain):
        line.kind = CARD  # a collection's or a model page's paper card: never on a paper's page
        return
    m = _ARXIV_LINE.search(plain) if "arxiv:" in folded else None
    if m and _arxiv_sign(plain, m.start()):
        line.kind, line.value = ARXIV, m.group("id")
        return
    if "paper page" in folded and (m := _PAGE_TITLE.search(plain)) is not None:
        line.kind, line.value = PAGE_TITLE, m.group("title").strip("\"' ")
        return
    key = _KEY.match(plain) if ":" in plain[:40] else None
    if key and (in_front or key.group("key").strip().casefold() in _HEADER_KEYS):
        value = (key.group("value") or "").strip()
        line.kind = PAPER_URL if _PAPER_URL.search(value) else KEY
        line.value = (key.group("key").strip().casefold(), value)
        return
    if folded.startswith("authors:"):
        line.kind, line.value = AUTHORS, plain[len("authors:"):].strip()
    elif folded.rstrip(":").strip() == "abstract":
        line.kind = ABSTRACT
    elif folded == "ai-generated summary" or (folded.startswith("generated by ") and len(folded) < 100):
        line.kind = SUMMARY
    elif folded.startswith(("view arxiv page", "view pdf", "add to collection", "get this paper in your agent",
                            "models citing this paper", "datasets citing this paper", "spaces citing this paper",
                            "collections including this paper", "this is an automated message from the librarian bot")) \
            or folded in ("community", "· sign up or log in to comment", "sign up or log in to comment"):
        line.kind = STOP
    elif (m := _PUBLISHED.match(plain)) is not None:
        line.kind, line.value = PUBLISHED, m.group("date")
    elif "upvote" in folded and ((m := _UPVOTE.search(raw)) is not None or folded.strip("[]- ") == "upvote"):
        line.kind, line.value = UPVOTE, count_value(m.group("n")) if m else None
    elif "submitted by" in folded:
        line.kind = SUBMITTED
    elif _DAY_RANK.match(plain):
        line.kind = DAY_RANK
    elif (m := _CITE.search(plain)) is not None:
        line.kind, line.value = CITE, m.group("id")


def _lines(raw_lines: list[str], start: int, end: int) -> list[_Line]:
    """The non-blank lines of `raw_lines[start:end]`, classified; a front matter block (`---`,
    keys and values, `---`) is read as keys and values."""
    out: list[_Line] = []
    front_end = -1
    for k in range(start, end):
        raw = raw_lines[k]
        if not raw.strip():
            continue
        line = _Line(k, raw, plain_line(raw))
        opens = False
        if k > front_end and raw.strip() == "---":
            front_end = _front_matter_end(raw_lines, k, end)
            opens = front_end > k
        _classify(line, k < front_end)
        if line.kind == FRONT_OPEN and not opens:
            line.kind = None  # a rule (a printed page's break), no front matter
        out.append(line)
    return out


_YAML_LINE = re.compile(r"^(?:[A-Za-z_][\w -]*:(?:\s.*)?|\s+.*|-\s.*|-)$")


def _front_matter_end(raw_lines: list[str], k: int, end: int) -> int:
    """The index of the `---` that closes a front matter opened at line k, or -1 when the
    lines after k are not one (keys, list items, indented continuations, at most 40 lines)."""
    for j in range(k + 1, min(end, k + 41)):
        text = raw_lines[j].rstrip()
        if text.strip() == "---":
            return j if j > k + 1 else -1
        if text and not _YAML_LINE.match(text):
            return -1
    return -1


def find_pages(raw_lines: list[str], file: str) -> list[Page]:
    """Every paper's page in a file's lines (`text.split("\\n")`), read, in file order.

    A file may hold several pages appended, and listing pastes before or after them: a page
    runs from the end of what came before it (the file's start, the last page's content, a
    listing paste's last entry) to the next page's first sign, the next listing header or the
    end. Lines of a page are never read as a listing's."""
    lines = _lines(raw_lines, 0, len(raw_lines))
    pages: list[Page] = []
    # Cut the lines into candidate pages: a new page starts at a start sign (front matter, a
    # browser title, an `arxiv:` line, a `Published on` line) once the page before has shown
    # its content (an abstract label, a summary label, a stop).
    cuts: list[int] = []  # positions in `lines` where a candidate starts
    seen_content = False
    open_start: int | None = None
    for pos, line in enumerate(lines):
        kind = line.kind
        if kind == LISTING or (kind == CARD and seen_content):
            if open_start is not None:
                cuts.append(-pos - 1)  # a candidate ends here
                open_start, seen_content = None, False
            continue
        if kind in PAGE_KINDS or kind in (PUBLISHED, FRONT_OPEN, KEY):
            if open_start is None:
                open_start = pos
                cuts.append(pos)
            elif seen_content and kind in (ARXIV, PAGE_TITLE, PUBLISHED, FRONT_OPEN, KEY, PAPER_URL):
                cuts.append(pos)
                open_start, seen_content = pos, False
            if kind in (ABSTRACT, SUMMARY, STOP):
                seen_content = True
    spans: list[tuple[int, int]] = []  # candidate spans in `lines`
    for k, cut in enumerate(cuts):
        if cut < 0:
            continue
        stop = len(lines)
        if k + 1 < len(cuts):
            stop = cuts[k + 1] if cuts[k + 1] >= 0 else -cuts[k + 1] - 1
        spans.append((cut, stop))
    last_end = 0  # file index after the last page
    for first, stop in spans:
        window = lines[first:stop]
        kinds = {x.kind for x in window}
        if len(kinds & PAGE_KINDS) < 2 or not kinds & {ABSTRACT, PUBLISHED, ARXIV, AUTHORS}:
            continue
        # A page right after another page (or at the file's top) starts where that one ended;
        # after a listing paste or paper cards, at its own first lines (_page_start).
        floor = max((x.index + 1 for x in lines[:first] if x.kind in (LISTING, CARD)), default=0)
        start = _page_start(lines, first, max(floor, last_end)) if floor > last_end else last_end
        end = lines[stop].index if stop < len(lines) else len(raw_lines)
        if stop < len(lines) and lines[stop].kind == CARD:
            end = lines[stop - 1].index  # the card's title is on the line before it
        elif stop < len(lines) and lines[stop].kind == LISTING:
            # The header run of the listing paste after the page starts a line before (`new`).
            end = _listing_start(lines, stop, lines[first].index)
        page = Page(start, end)
        _read(page, [x for x in lines if start <= x.index < end], file)
        pages.append(page)
        last_end = end
    return pages


def _page_start(lines: list[_Line], first: int, floor: int) -> int:
    """Where a page that follows a listing paste starts: back from its first sign over the
    lines a page has before it (a tool's header, navigation, links, headings), not into the
    listing's last entry (its abstract or its metadata: parse.ends_listing_entry)."""
    pos = first
    while pos > 0:
        before = lines[pos - 1]
        if before.index < floor or before.kind == LISTING:
            break
        if before.kind is None and ends_listing_entry(before.raw.strip()):
            break
        pos -= 1
    return max(lines[pos].index, floor) if pos < len(lines) else floor


def _listing_start(lines: list[_Line], stop: int, floor: int) -> int:
    pos = stop
    if pos > 0 and lines[pos - 1].plain.casefold() == "new" and lines[pos - 1].index > floor:
        pos -= 1
    return lines[pos].index


def _read(page: Page, lines: list[_Line], file: str) -> None:
    """Read one page's paper into `page.record`, its problems into `page.problems`."""
    pos_of = {k: next((i for i, x in enumerate(lines) if x.kind == k), None) for k in (
        ARXIV, AUTHORS, ABSTRACT, PUBLISHED)}
    keys = {x.value[0]: x.value[1] for x in lines if x.kind in _KEYS}  # type: ignore[index]
    page.captured = _capture_day(keys)
    # The header: everything before the abstract's label, or (without one) before the first
    # stop; the body: from the label (or the header's last sign) to the first stop after it.
    abstract = pos_of[ABSTRACT]
    head_end = abstract if abstract is not None else next(
        (i for i, x in enumerate(lines) if x.kind == STOP and i > (pos_of[PUBLISHED] or -1)), len(lines))
    if abstract is not None:
        body_start = abstract + 1
    else:
        signs = [i for i, x in enumerate(lines[:head_end]) if x.kind in (PUBLISHED, SUBMITTED, UPVOTE, DAY_RANK, ARXIV)]
        body_start = (signs[-1] + 1) if signs else head_end
        body_start = _skip_header_tail(lines, body_start, head_end)
    body_end = next((i for i in range(body_start, len(lines)) if lines[i].kind in (STOP, LISTING) or (
        i > body_start and _is_heading(lines, i))), len(lines))
    title_pos, title = _title(lines, pos_of, head_end)
    arxiv_id = _arxiv_id(lines, pos_of, keys)
    where = lines[title_pos].index + 1 if title_pos is not None else (lines[0].index + 1 if lines else page.start + 1)
    if title is None:
        shown = f" (arXiv {arxiv_id})" if arxiv_id else ""
        page.problems.append(Problem(file, where, f"a paper's page without its title{shown}: not published", "error"))
        return
    summary, abstract_text = _summary_and_abstract(lines[body_start:body_end])
    when, year_problem = _date(lines, pos_of, keys, arxiv_id, head_end)
    if year_problem:
        page.problems.append(Problem(file, where, year_problem))
    names = _authors(lines, pos_of[AUTHORS], head_end)
    org_name, org_id = _organization(lines, title_pos, head_end)
    github, stars, project = _links(lines, head_end, body_end)
    upvotes = next((x.value for x in lines if x.kind == UPVOTE and x.value is not None), None)
    if upvotes is None:
        upvotes = _upvote_over_lines(lines)
    if upvotes is not None and upvotes > MAX_COUNT:
        page.problems.append(Problem(file, where, f"upvote count out of range: {upvotes}"))
        upvotes = None
    page.record = Record(
        title=nfc(title), abstract=nfc(abstract_text), source=Source(file, where),
        month=when[1] if when else None, day=when[2] if when else None, year=when[0] if when else None,
        comments=None, upvotes=upvotes, authors=len(names) if names else None,
        org=org_name, org_id=org_id, org_name=org_name, arxiv_id=arxiv_id, line_date=where,
        author_names=names, summary=nfc(summary) if summary else None, github_repo=github,
        github_stars=stars if github and stars is not None and stars <= MAX_COUNT else None, project_page=project,
    )


def _is_heading(lines: list[_Line], i: int) -> bool:
    """Whether line i is a markdown heading (`## 1 Introduction`, setext `Title` + `====`): the
    next section, after an abstract."""
    if lines[i].raw.lstrip().startswith("#"):
        return True
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt is None or nxt.index != lines[i].index + 1 or not _RULE.match(nxt.raw.strip()):
        return False
    # `----` under a line is a heading only under a heading's text (a page break of a printed
    # page is `---` too).
    text = lines[i].plain
    return nxt.raw.strip()[0] == "=" or (nxt.raw.strip()[0] == "-" and len(text) <= 60 and not _SENTENCE_END.search(text))


def _skip_header_tail(lines: list[_Line], pos: int, end: int) -> int:
    """Past what follows a page's date and widgets when no `Abstract` label opens its body:
    the submitter's name and day, avatar rows, `+N`, an authors list of short lines."""
    while pos < end:
        text = lines[pos].plain
        if lines[pos].kind in (AUTHORS, SUBMITTED, UPVOTE, DAY_RANK) or len(text) <= 40 and not _SENTENCE_END.search(text):
            pos += 1
            continue
        break
    return pos


def _title(lines: list[_Line], pos_of: dict, head_end: int) -> tuple[int | None, str | None]:
    """(position, title) of the page's own title, or (None, None) when the capture shows none.

    In order: the lines after the `arxiv:` line (a title may wrap, and blank lines between its
    parts are a text capture's); else the heading nearest before the date, the authors or the
    abstract; else the lines right before the `Published on` line; else the browser title
    `Paper page - …` of the capture's header."""
    signs = [p for p in (pos_of[PUBLISHED], pos_of[AUTHORS], pos_of[ABSTRACT]) if p is not None]
    limit = min(signs) if signs else head_end
    arxiv = pos_of[ARXIV]
    if arxiv is not None and arxiv < limit:
        parts: list[str] = []
        first = None
        for pos in range(arxiv + 1, limit):
            line = lines[pos]
            if line.plain.casefold() == "copy markdown" and not parts:
                continue
            if line.kind is not None or _RULE.match(line.plain) or not line.plain.strip("·• ") or (
                    line.raw.lstrip().startswith(("[", "!", "*")) and not line.raw.lstrip().startswith("[#")):
                break
            parts.append(line.plain)
            first = pos if first is None else first
            if len(parts) == 3:
                break
        title = _clean_title(" ".join(parts))
        if title:
            return first, title
    start = arxiv + 1 if arxiv is not None and arxiv < limit else 0
    for pos in range(limit - 1, start - 1, -1):
        line = lines[pos]
        heading = line.raw.lstrip().startswith("#") or (
            pos + 1 < len(lines) and _RULE.match(lines[pos + 1].raw.strip()) and lines[pos + 1].index == line.index + 1)
        if heading and line.kind is None:
            text = line.plain
            # A crawler wraps a long heading onto an indented line.
            nxt = pos + 1
            while nxt < limit and lines[nxt].raw.startswith("  ") and lines[nxt].kind is None and not (
                    _BULLET.match(lines[nxt].raw.strip()) or lines[nxt].raw.strip().startswith(("[", "!", "#"))):
                text += " " + lines[nxt].plain
                nxt += 1
            title = _clean_title(text)
            if title:
                return pos, title
    published = pos_of[PUBLISHED]
    if published is not None and published > 0:
        parts = []
        pos = published - 1
        while pos >= 0 and len(parts) < 2 and lines[pos].kind is None and lines[pos].index == (
                lines[pos + 1].index - 1 if parts else lines[pos].index) and not _RULE.match(lines[pos].plain):
            parts.insert(0, lines[pos].plain)
            pos -= 1
            if pos >= 0 and lines[pos].index != lines[pos + 1].index - 1:
                break
        title = _clean_title(" ".join(parts))
        if title:
            return pos + 1, title
    for pos, line in enumerate(lines[:head_end]):
        if line.kind == PAGE_TITLE:
            text = str(line.value)
            # A front matter's value folded onto the next, indented line.
            if pos + 1 < len(lines) and lines[pos + 1].raw.startswith("  ") and lines[pos + 1].kind is None:
                text += " " + lines[pos + 1].plain
            title = _clean_title(text.strip("\"'"))
            if title:
                return pos, title
    return None, None


def _clean_title(text: str) -> str | None:
    """A title read from a page, its wrapping one space, if it can be a title at all."""
    title = " ".join(text.split())
    if not title or len(title) > MAX_TITLE or title_shape_problem(title) is not None:
        return None
    if title.casefold() in ("abstract", "community", "papers", "authors"):
        return None
    return title


def _arxiv_id(lines: list[_Line], pos_of: dict, keys: dict[str, str]) -> str | None:
    """The page's own arXiv id: its `arxiv:` line, else the page's address in the capture's
    header, else `Cite arxiv.org/abs/<id>` or `hf papers read <id>`; never an id a link to
    another paper names."""
    if pos_of[ARXIV] is not None:
        return str(lines[pos_of[ARXIV]].value)
    for key in ("url source", "url", "source_url", "source", "source-url", "link"):
        m = _PAPER_URL.search(keys.get(key, ""))
        if m:
            return m.group("id")
    for line in lines:
        if line.kind == CITE:
            return str(line.value)
        m = _AGENT_READ.match(line.plain.strip("`"))
        if m:
            return m.group("id")
    return None


def _capture_day(keys: dict[str, str]) -> str | None:
    """The ISO day of the capture, from its header (`created: 2026-05-16`, `Published Time:
    Wed, 10 Sep 2025 21:05:01 GMT`)."""
    for key in _CAPTURE_KEYS:
        value = keys.get(key, "").strip("\"' ")
        if re.match(r"\d{4}-\d\d-\d\d", value):
            return value[:10]
        if value:
            try:
                return parsedate_to_datetime(value).date().isoformat()
            except (TypeError, ValueError, IndexError):
                continue
    return None


def _date(lines: list[_Line], pos_of: dict, keys: dict[str, str], arxiv_id: str | None,
          head_end: int) -> tuple[tuple[int | None, int, int] | None, str | None]:
    """(year, month, day) of the paper's publication, or None; and a problem, if any.

    `Published on Dec 17` (the page omits the current year) takes its year from the arXiv id
    (`2512.15603` was submitted in December 2025; a paper published in December under a
    January id is of the year before), else from the page year rule (year None). A clip with
    no `Published on` line gives its date in its header (`published: 2026-05-08`)."""
    pos = pos_of[PUBLISHED]
    if pos is not None and pos < head_end:
        when = match_date(str(lines[pos].value))
        if when is not None:
            year = when["year"]
            if year is None and arxiv_id and re.match(r"\d{4}\.", arxiv_id):
                year = 2000 + int(arxiv_id[:2])
                id_month = int(arxiv_id[2:4])
                if when["month"] - id_month > 6:
                    year -= 1
                elif id_month - when["month"] > 6:
                    year += 1
            try:
                date(year or 2000, when["month"], when["day"])
            except ValueError:
                return None, f"impossible date: {lines[pos].value!r}; published as undated"
            return (year, when["month"], when["day"]), None
    for key in _PUBLISHED_KEYS:
        value = keys.get(key, "").strip("\"' ")
        if re.match(r"\d{4}-\d\d-\d\d", value):
            try:
                day = date.fromisoformat(value[:10])
            except ValueError:
                continue
            return (day.year, day.month, day.day), None
    return None, None


def _authors(lines: list[_Line], pos: int | None, head_end: int) -> tuple[str, ...] | None:
    """The names after `Authors:` up to the abstract: one a line or comma-separated, with
    their links and avatars gone; `+ 8 authors` (the rest, unnamed) is not a name."""
    if pos is None:
        return None
    texts = [str(lines[pos].value)]
    for line in lines[pos + 1:head_end]:
        if line.kind is not None or _RULE.match(line.plain):
            break
        if len(line.plain) > 120:  # an abstract without its label: the names have ended
            break
        texts.append(line.plain)
    names = []
    for token in ",".join(texts).split(","):
        name = " ".join(token.split()).strip(" ·•")
        if not name or name.startswith("+") or re.fullmatch(r"\d+ authors?", name) or not any(map(str.isalpha, name)):
            continue
        names.append(nfc(name))
    return tuple(names) if names else None


def _organization(lines: list[_Line], title_pos: int | None, head_end: int) -> tuple[str | None, str | None]:
    """The organization a page names beside its title (`[TIGER-Lab](https://huggingface.co/
    TIGER-Lab)`, on its own or after `#2 Paper of the day`): a link to a Hub page with a name,
    not the submitter's."""
    start = (title_pos or 0) + 1
    for line in lines[start:head_end]:
        if line.kind in (AUTHORS, ABSTRACT):
            break
        if line.kind in (SUBMITTED, UPVOTE) or _BULLET.match(line.raw.strip()):
            continue
        raw = line.raw.strip()
        if line.kind == DAY_RANK or raw.startswith("[") and raw.endswith(")"):
            for m in _ORG_LINK.finditer(raw):
                name = strip_markdown(m.group("name")).strip()
                if name and m.group("id").casefold() not in _NOT_ORGS and not _DAY_RANK.match(name):
                    return nfc(name), m.group("id")
    return None, None


def _links(lines: list[_Line], head_end: int, body_end: int) -> tuple[str | None, int | None, str | None]:
    """(GitHub repository, its stars, project page) from the page's buttons, which stand by its
    title or after its abstract (`[GitHub 264 auto](https://github.com/…)`); links in comments
    and in the abstract are not the page's own."""
    github = stars = project = None
    for line in lines[:body_end + 1]:
        raw = line.raw
        if github is None and "github" in raw.casefold():
            m = _GITHUB_LINK.search(raw)
            # A repository's address has its owner and its name (the site's footer links
            # Hugging Face's own account, `github.com/huggingface`).
            if m and m.group("url").rstrip("/").count("/") >= 4:
                github = m.group("url").rstrip("/")
                stars = count_value(m.group("stars")) if m.group("stars") else None
        if project is None and "project page" in raw.casefold():
            m = _PROJECT_LINK.search(raw)
            if m:
                project = m.group("url")
    return github, stars, project


def _upvote_over_lines(lines: list[_Line]) -> int | None:
    """The upvote widget spread over lines (`[[ ]`, `Upvote`, `34](/login?next=…)`)."""
    for k, line in enumerate(lines):
        if line.kind == UPVOTE and line.value is None and k + 1 < len(lines):
            m = _UPVOTE_NEXT.match(lines[k + 1].raw.strip())
            if m:
                return count_value(m.group("n"))
    return None


def _summary_and_abstract(body: list[_Line]) -> tuple[str | None, str]:
    """The AI summary (None when the page shows none) and the abstract of a page's body.

    The summary comes first: the text before its label (`AI-generated summary`, `Generated by
    …`); without a label, a first line of one sentence of at least 90 characters followed by
    more text (a summary is one sentence of 98 to 1,600 characters in 725 of the API's; a
    hard-wrapped abstract's lines are shorter)."""
    label = next((i for i, x in enumerate(body) if x.kind == SUMMARY), None)
    if label is not None:
        return _join(body[:label]) or None, _join(body[label + 1:])
    texts = [x for x in body if x.kind is None]
    if len(texts) >= 2:
        first = texts[0].plain
        if len(first) >= 90 and _SENTENCE_END.search(first) and not _ONE_SENTENCE.search(first):
            return _join(texts[:1]), _join(texts[1:])
    return None, _join(texts)


def _join(lines: list[_Line]) -> str:
    """Lines of running text as one: joined by a space (a word split by a hyphen at a line's
    end joined without), key phrases that a capture put on lines of their own or padded with
    spaces (`( LLMs )`, `benchmark ,`) put back, the phrase links' addresses gone."""
    out = ""
    for line in lines:
        if line.kind is not None and line.kind not in _KEYS or _RULE.match(line.plain) or _is_button_row(line.raw) or (
                _PAGE_MARK.match(line.plain)):
            continue
        text = line.plain
        if "/papers?q=" in text:
            text = _PHRASE_URL.sub("", text)
        if not out:
            out = text
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and text[:1].islower() or out.endswith("://"):
            out += text
        else:
            out += " " + text
    out = " ".join(out.split())
    if " " in out:
        out = _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", out))
    return out


def _is_button_row(raw: str) -> bool:
    """A line of links only, none of them a key phrase's (`[LINK: GitHub 66 auto](…)`,
    `[View arXiv page](…)[View PDF](…)`): the page's buttons, never the abstract's text."""
    text = raw.strip()
    if not text.startswith("["):
        return False
    links = LINK_RE.findall(IMAGE_RE.sub("", text))
    rest = LINK_RE.sub("", IMAGE_RE.sub("", text)).strip()
    return bool(links) and not rest and "papers?q=" not in text
