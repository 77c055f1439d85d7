"""Read the listing pastes of one capture file into records (forms A-F; data/capture.py reads
a whole file, pages and cards too). Pure: no I/O, no clock.

A file holds one or more pastes of Hugging Face papers pages (../shared/FORMATS.md): A the old
search page, B compact, C today's search page, D the markdown of capture tools, E trending and
date listings; F is several of them appended. Each paste starts at its header, wherever that
stands in the file, and is read in its own form.

Reading goes in three steps:
1. every non-blank line gets a kind from `LINE_KINDS`, a table of small readers tried in order
   (Pelican's metadata processors): header, tab, footer, upvote, `·`, date, authors, link, ...;
   a line none of them takes is text (a title, an abstract or an organization);
2. the lines are cut into pastes at each header, and each paste's page date is read;
3. an entry machine assembles each paste's lines into entries: optional upvotes, a title, its
   text, a metadata block. A line it cannot place is a problem naming `file:line` and the line;
   a would-be title that is page furniture (a number, `-`, a date, a header or tab word, a
   widget label) is never published.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import compress, count

from .model import Dump, Paste, Problem, Record, new_record, new_source

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
_MONTH3 = frozenset(name[:3] for name in MONTHS)

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
# `Oct 7`, `Dec 29, 2024`, `Oct 7 2` (2 comments); markdown: `Oct 7[2](…#community)`,
# `Oct 7 [2](…)`, `Mar 8, 2024 [ 6][39]`. The number is the comment count (FORMATS.md).
DATE_RE = re.compile(
    rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:\s*,\s*(?P<year>\d{{4}}))?"
    r"(?:\s+(?P<comments>\d+)|\s*\[\s*(?P<md_comments>\d+)\s*\](?:\([^()\s]*\)|\[\w*\]))?$"
)
# E's card date: `· Published on Sep 4, 2026`, `Published on Sep 4, 2026`, `· Sep 4, 2026`.
PUBLISHED_RE = re.compile(r"^(?:·\s*)?(?:Published on\s+)?(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}(?:\s*,\s*\d{4})?)$")
# `(?:[•·*-]\s*)?` after the strip, not `\s*[•·*-]?\s*`: two adjacent `\s*` take quadratic
# time on a long run of spaces, and a hostile dump could hang the build with one line.
AUTHORS_RE = re.compile(r"^(?:[•·*-]\s*)?(?P<n>\d+)\s+authors?$", re.IGNORECASE)
UPVOTES_RE = re.compile(r"^(?:\d+|-)$")
# Markdown links and images as capture tools write them: `[text](url)`, `[text][ref]`, `![alt](src)`.
IMAGE_RE = re.compile(r"!\[(?P<alt>[^\]]*)\](?:\([^()\s]*\)|\[\w*\])")
LINK_RE = re.compile(r"\[(?P<text>[^\[\]]*)\](?:\((?P<url>[^()\s]*)\)|\[\w*\])")
URL_LINE_RE = re.compile(r"^<?https?://\S+$")
# The GitHub button of a card: `GitHub 3.29k`, `LINK: GitHub 11.3k`, `GitHub 264 auto`, `GitHub`.
GITHUB_BUTTON_RE = re.compile(r"^(?:LINK:\s*)?GitHub(?:\s+(?P<stars>\d[\d.,]*\s*[kKmM]?))?(?:\s+auto)?$", re.IGNORECASE)
# The arXiv id in a link to the paper: huggingface.co/papers/<id>, arxiv.org/abs|pdf/<id>, or
# the upvote widget's `login?next=%2Fpapers%2F<id>`.
ARXIV_ID = r"\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID_RE = re.compile(ARXIV_ID)
"""An arXiv id, new (`2510.06107`) or old style (`hep-th/9901001`): arxiv.org/help/arxiv_identifier."""
ARXIV_URL_RE = re.compile(rf"(?:huggingface\.co/papers/|arxiv\.org/(?:abs|pdf)/|%2Fpapers%2F)(?P<id>{ARXIV_ID})")
# An organization link: huggingface.co/<org-id>, the id being one path segment.
ORG_URL_RE = re.compile(r"^https?://huggingface\.co/(?P<id>[A-Za-z0-9][\w.\-]*)/?$")
NOT_ORGS = frozenset({"papers", "login", "models", "datasets", "spaces", "docs", "pricing", "akhaliq"})
# A markdown escape: a backslash before punctuation (CommonMark: any ASCII punctuation).
MD_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
# The hard line break of a markdown title: `\` and the indentation after it (FORMATS.md D).
MD_TITLE_BREAK_RE = re.compile(r"\\\s+")
SPACES_RE = re.compile(r"\s+")

# Header lines, compared stripped and case-folded after markdown is taken off.
HEADER_LINES = frozenset({
    "new",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "subscribe",
    "daily papers",
    "byak and the research community",
    "by ak and the research community",
})
# The lines that start a paste: a lone `new` could be a title, these cannot.
STRONG_HEADER_LINES = HEADER_LINES - {"new"}
# The view tabs of today's pages.
TAB_LINES = frozenset({"daily", "weekly", "monthly", "trending papers", "trending"})
# Page furniture that is no paper: footers, widgets, the site's navigation (web-page exports).
FURNITURE_LINES = frozenset({
    "previous", "next", "trending papers ranked by github stars activity", "upvote", "submitted by",
    "arxiv page", "view arxiv page", "view pdf", "add to collection", "community", "search",
    "models", "datasets", "spaces", "docs", "enterprise", "pricing", "log in", "sign up",
    "system theme", "tos", "privacy", "about", "jobs", "careers", "blog", "forum", "status",
    "hugging face", "website", "company", "resources", "learn", "discord", "github", "twitter",
    "linkedin", "changelog", "posts", "collections", "papers", "daily papers - hugging face",
})
NOT_TITLES = HEADER_LINES | TAB_LINES | FURNITURE_LINES

# Titles in the real corpus are at most 175 characters, abstracts almost always over 250:
# used only to re-synchronise after a title that lost its abstract.
TITLE_MAX = 200
# A metadata org line longer than this is taken for text (an abstract glued to a `·`).
MAX_ORG_LINE = 200
# Upvotes and comments beyond this are not real counts (and lose precision in JavaScript).
MAX_COUNT = 10**9
MAX_AUTHORS = 100_000
# Lines longer than this are not published as titles (a dump glued onto one line).
MAX_TITLE = 1000

# Line kinds.
TEXT, HEADER, TAB, FURNITURE, UPVOTES, UPVOTE_LABEL, SUBMITTER_LABEL, DOT, DATE, AUTHORS, ORG, TITLE, \
    LINKS, FRONT, PAGE_SIGN = range(15)


@dataclass(slots=True)
class _Lines:
    """The non-blank lines of a file as parallel lists, index k being one line: no object per
    line (400,000 lines per 100,000 papers), and a kind is found in `kinds` by a scan in C."""

    nos: list[int]
    """1-based line number in the file."""
    texts: list[str]
    """The line, stripped (and, in markdown, with its continuation lines joined)."""
    kinds: list[int]
    """One of the kinds of LINE_KINDS, TEXT when none took it."""
    values: list[object]
    """What the kind reads: upvotes int, date tuple, authors int, org tuple, (title, arXiv id)."""

    def set_kind(self, k: int, kind: int, value: object = None) -> None:
        """Read line k as another kind than `classify` gave it."""
        self.kinds[k] = kind
        self.values[k] = value


class _Entry:
    """One paper as the reader assembles it line by line (slots, and an `__init__` that takes
    only what every entry has)."""

    __slots__ = ("title", "line", "texts", "arxiv_id", "plain", "upvotes", "month", "day", "year",
                 "comments", "authors", "org", "org_id", "org_name", "line_date", "has_meta", "github")

    def __init__(self, title: str, line: int, arxiv_id: str | None, plain: bool):
        self.title = title
        self.line = line
        self.texts: list[str] = []
        self.arxiv_id = arxiv_id
        self.plain = plain
        """The title was a line of the text kind: no other kind of line (furniture, a date) took it."""
        self.upvotes = self.month = self.day = self.year = self.comments = self.authors = None
        self.org = self.org_id = self.org_name = None
        self.line_date = 0
        self.github: tuple[str | None, int | None] | None = None
        """(repository URL, stars) of the card's GitHub button (FORMATS.md E)."""
        self.has_meta = False
        """A metadata block (authors/org line, `·` or date) was read: text after it is another paper."""


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while parse and merge build their objects (and the
    build cache encodes or decodes its parts, site/manifest.py).

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
    """Month, day, year (None when not written) and comments (None when not shown) of a date
    line such as `Oct 7 2` or `Dec 29, 2024`, or None if the text is not one."""
    fields = _date_fields(text.strip())
    return None if fields is None else dict(zip(("month", "day", "year", "comments"), fields))


def _date_fields(text: str) -> tuple[int, int, int | None, int | None] | None:
    """`match_date` as a tuple (month, day, year, comments), for a stripped line."""
    m = DATE_RE.match(text)
    if not m:
        return None
    name, day, year, comments, md_comments = m.group("month", "day", "year", "comments", "md_comments")
    month = MONTHS.get(name.lower())
    if month is None:
        return None
    comments = comments or md_comments
    return month, int(day), int(year) if year else None, int(comments) if comments is not None else None


_COUNT_RE = re.compile(r"^(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<unit>[kKmM])?$")


def count_value(text: str) -> int | None:
    """A count as the pages print it: `22`, `1,234`, `3.29k` (3,290), `110k`, `1.2M`; None for
    anything else. Hugging Face abbreviates stars and upvotes from a thousand on."""
    m = _COUNT_RE.match(text.strip())
    if m is None:
        return None
    number = m.group("n").replace(",", "")
    unit = {"k": 1_000, "m": 1_000_000}.get((m.group("unit") or "").lower(), 1)
    if "." in number and unit == 1:
        return None
    return round(float(number) * unit) if "." in number else int(number) * unit


def nfc(text: str) -> str:
    """Text in Unicode normalization form C (a title that passed through macOS is NFD)."""
    return text if text.isascii() or unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def unescape_markdown(text: str) -> str:
    """Undo the backslash escapes a capture tool writes (`\\[`, `\\_`, `\\-` …)."""
    return MD_ESCAPE_RE.sub(r"\1", text) if "\\" in text else text


def _link_parts(text: str) -> tuple[str, str | None] | None:
    """(link text, url) of a line that is one markdown link `[…](url)` or `[…][ref]`, else None.

    The link text may hold images and escaped brackets; the url is what follows the last `](`.
    """
    if text.endswith(")"):
        cut = text.rfind("](")
        if cut > 0:
            return text[1:cut], text[cut + 2:-1]
    elif text.endswith("]"):
        cut = text.rfind("][")
        if cut > 0:
            return text[1:cut], None
    return None


def _link_text(text: str) -> str:
    """The text of a markdown line: a whole-line link `[text](url)` gives its text; escapes undone."""
    if text[0] == "[":
        parts = _link_parts(text)
        if parts is not None:
            text = parts[0]
    return unescape_markdown(text).strip()


def strip_markdown(text: str) -> str:
    """Plain text of a markdown fragment: images gone, links kept as their text, escapes undone."""
    if "[" in text:
        text = IMAGE_RE.sub("", text)
        previous = None
        while previous != text:  # nested links: `[[id] Name](url)`
            previous = text
            text = LINK_RE.sub(lambda m: m.group("text"), text)
    return unescape_markdown(text).strip()


def _arxiv_id(url: str | None) -> str | None:
    m = ARXIV_URL_RE.search(url) if url else None
    return m.group("id") if m else None


# Readers of the line kinds. Each takes the stripped line and its case-folded form, and returns
# (kind, value) or None. They are tried in the order of LINE_KINDS.
def _read_word(text: str, folded: str):
    """Header, tab and furniture lines, markdown forms included (`# Daily Papers`, `- Daily`,
    `[Trending Papers](…)`, `## by [![](…)AK](…) and the research community`)."""
    if len(folded) > (300 if folded[0] in "#[" else 80):
        return None
    if folded[0] in "#-*[":
        folded = strip_markdown(folded.lstrip("#-* ")).strip().casefold()
    if "  " in folded or "\t" in folded:
        folded = SPACES_RE.sub(" ", folded)
    if folded in HEADER_LINES:
        return HEADER, folded
    if folded in TAB_LINES:
        return TAB, folded
    if folded == "upvote":
        return UPVOTE_LABEL, None
    if folded == "submitted by":
        return SUBMITTER_LABEL, None
    if folded in FURNITURE_LINES:
        return FURNITURE, folded
    return None


def _read_upvotes(text: str, folded: str):
    """`101`, `-` (none: 0); markdown `[101](…login…)`, `[-](…)`, `[ - ][31]`; a web export's `[-] 101`."""
    if UPVOTES_RE.match(text):
        return UPVOTES, 0 if text == "-" else int(text)
    if text[0] == "[":
        parts = _link_parts(text)
        inner = parts[0].strip() if parts else None
        if inner is None and text.startswith("[-]"):
            inner = text[3:].strip()
        if inner is not None and UPVOTES_RE.match(inner):
            return UPVOTES, 0 if inner == "-" else int(inner)
    return None


def _read_dot(text: str, folded: str):
    return (DOT, None) if text == "·" else None


def _read_date(text: str, folded: str):
    """A date line (with its comment count), or E's `· Published on Sep 4, 2026`."""
    if folded[:3] in _MONTH3:
        fields = _date_fields(text)
        if fields is not None:
            return DATE, fields
    if folded[0] in "·p" or folded[:3] in _MONTH3:
        m = PUBLISHED_RE.match(text)
        fields = _date_fields(m.group("date")) if m else None
        if fields is not None:
            return DATE, (*fields[:3], None)
    return None


def _read_authors(text: str, folded: str):
    """`  • 4 authors`, `4 authors`, `- 4 authors`, `* 3 authors`; markdown
    `[- ![](…) - ![](…) - 12 authors](…)` (avatar lines joined)."""
    if text[-1] not in "rsRS)":
        return None
    plain = text
    if text[0] == "[" and text.endswith(")"):
        parts = _link_parts(text)
        if parts is None:
            return None
        plain = IMAGE_RE.sub("", parts[0]).replace("\\", " ").strip()
        plain = plain.rsplit("- ", 1)[-1] if "- " in plain else plain
    m = AUTHORS_RE.match(plain.strip())
    return (AUTHORS, int(m.group("n"))) if m else None


def _read_org_link(text: str, folded: str):
    """A markdown organization: `[![acme-lab](avatar)Acme Lab](https://huggingface.co/acme-lab)`,
    `[Acme Lab](https://huggingface.co/acme-lab)`, `[[acme-lab] Acme Lab][67]`,
    `[[image: acme-lab] Acme Lab](…)`. E's card adds `· Published on Sep 4, 2026`."""
    if text[0] != "[":
        return None
    date = None
    if " · " in text:
        text, _, rest = text.partition(" · ")
        read = _read_date(rest.strip(), rest.strip().casefold())
        if read is None:
            return None
        date = read[1]
    parts = _link_parts(text)
    if parts is None:
        return None
    inner, url = parts
    org_id = None
    m = ORG_URL_RE.match(url or "")
    if m and m.group("id").casefold() not in NOT_ORGS:
        org_id = m.group("id")
    image = IMAGE_RE.search(inner)
    if image:
        org_id = org_id or image.group("alt").strip() or None
        inner = IMAGE_RE.sub("", inner)
    elif inner.startswith("["):  # `[[acme-lab] Acme Lab]` or `[[image: acme-lab] Acme Lab]`
        close = inner.find("]")
        org_id = org_id or inner[1:close].split(":")[-1].strip() or None
        inner = inner[close + 1:]
    name = unescape_markdown(inner).strip()
    if not name or org_id is None:
        return None
    return ORG, (name, org_id, date)


def _read_title(text: str, folded: str):
    """A markdown title: `### [Title](https://huggingface.co/papers/<id>)`, `### [Title][32]`,
    `### Title`. Its value is (title, arXiv id)."""
    if not text.startswith("#"):
        return None
    if not text.startswith("### "):
        return None
    body = text[4:]
    body = body.strip()
    url = None
    if body.startswith("["):
        parts = _link_parts(body)
        if parts is not None:
            body, url = parts
        elif "](" not in body:
            body = body[1:]  # a link whose end is on a later line
    title = SPACES_RE.sub(" ", unescape_markdown(MD_TITLE_BREAK_RE.sub(" ", body))).strip()
    return TITLE, (title, _arxiv_id(url))


def _read_links(text: str, folded: str):
    """A bare URL (a web export's link target), or a row of links only (`[GitHub 3.29k](…)
    [arXiv Page](…)`, `[LINK: GitHub 11.3k](…)`). Its value is (the arXiv id it names, the
    (repository URL, stars) of a GitHub button), each None when absent."""
    if URL_LINE_RE.match(text):
        return LINKS, (_arxiv_id(text), None)
    if text[0] == "[" and ("](http" in text) and not LINK_RE.sub("", IMAGE_RE.sub("", text)).strip():
        links = list(LINK_RE.finditer(IMAGE_RE.sub("", text)))
        labels = " ".join(m.group("text") for m in links).casefold()
        if "github" in labels or "arxiv" in labels or "project" in labels or "link:" in labels:
            github = None
            for m in links:
                button = GITHUB_BUTTON_RE.match(m.group("text").strip())
                if button and m.group("url") and "github.com/" in m.group("url"):
                    stars = count_value(button.group("stars")) if button.group("stars") else None
                    github = (m.group("url"), stars)
                    break
            return LINKS, (_arxiv_id(text), github)
    return None


_PAGE_SIGN_LINES = frozenset({"abstract", "abstract:", "ai-generated summary", "copy markdown", "view arxiv page"})
_ARXIV_SIGN_RE = re.compile(rf"^arxiv:\s*(?:{ARXIV_ID})\s*$")


def _read_page_sign(text: str, folded: str):
    """A line that only a paper's own page (FORMATS.md G) or a paper card (H) has: `arxiv:<id>`,
    `Abstract`, `Authors:`, `Paper page - …`, `Paper • <id> • Published …`, `Cite
    arxiv.org/abs/<id> …`. The listing reader reads it as text; `parse` looks for pages and
    cards in the files that hold one (paper_page, cards)."""
    if len(folded) > 200:  # a title or an abstract
        return None
    if folded[0] == "#":
        folded = folded.lstrip("# ")
    if folded in _PAGE_SIGN_LINES or folded.startswith(("authors:", "get this paper in your agent", "cite arxiv.org/abs/")) \
            or "paper page - " in folded or ("paper" in folded[:12] and "•" in folded) or _ARXIV_SIGN_RE.match(folded):
        return PAGE_SIGN, None
    return None


# The table of line kinds, tried in order on each non-blank line; a line none takes is text.
# Keyed by the characters a line of that kind can start with, so that the long lines of
# titles and abstracts are tried only against the few readers that could take them.
LINE_KINDS: tuple[tuple[str | None, Callable], ...] = (
    ("[", _read_org_link),
    (None, _read_word),
    ("0123456789-[", _read_upvotes),
    ("·", _read_dot),
    (None, _read_date),
    ("0123456789•·*-[", _read_authors),
    ("#", _read_title),
    ("h<[", _read_links),
    ("aApP#[cCvVgG", _read_page_sign),
)


# The readers of LINE_KINDS that can take a line, by its first character (and for any other).
_ANY_FIRST = tuple(read for starts, read in LINE_KINDS if starts is None)
_BY_FIRST = {
    char: tuple(read for starts, read in LINE_KINDS if starts is None or char in starts)
    for char in {c for starts, _ in LINE_KINDS if starts for c in starts}
}


def classify(text: str) -> tuple[int, object]:
    """The kind of one stripped, non-blank line and what it reads, by `LINE_KINDS`: (kind, value)."""
    kinds, values = classify_lines([text])
    return kinds[0], values[0]


def classify_lines(texts: list[str]) -> tuple[list[int], list[object]]:
    """`classify` of each line: its kinds and its values, two lists parallel to `texts`.

    Short lines repeat (`·`, `• 4 authors`, `Oct 7 2`, `-`): their kinds are remembered. A
    longer line that starts with none of the characters or month names a reader looks for can
    only be one of the few long header or furniture phrases, or text: titles and abstracts are
    settled without trying every reader. One loop over the lines, not a call for each: 100,000
    papers take 400,000 lines."""
    kinds: list[int] = []
    values: list[object] = []
    add_kind, add_value = kinds.append, values.append
    for text in texts:
        if len(text) <= _SHORT_MAX:
            kind, value = _SHORT_KINDS.get(text) or _short_kind(text)
        elif text[0] in _LONG_PLAIN_FIRST and (text[0] not in _MONTH_FIRST or text[:3].lower() not in _MONTH3):
            kind, value = _TEXT_KIND
        else:
            kind, value = _classify(text)
        add_kind(kind)
        add_value(value)
    return kinds, values


def _short_kind(text: str) -> tuple[int, object]:
    """`classify` of a short line that is not remembered (yet)."""
    # `Oct 7 12`: the date `Oct 7` is remembered, its comment count is not.
    head, _, count = text.rpartition(" ")
    if head and count.isdigit() and count.isascii():
        dated = _SHORT_KINDS.get(head) or _short_kind(head)
        if dated[0] == DATE and dated[1][3] is None:  # type: ignore[index]
            return DATE, (*dated[1][:3], int(count))  # type: ignore[index]
    if len(_SHORT_KINDS) > 50_000:
        _SHORT_KINDS.clear()
    found = _SHORT_KINDS[text] = _classify(text)
    return found


# The most repeated lines (`·`, `• 4 authors`, `Oct 7 2`, `-`) are at most this long.
_SHORT_MAX = 32
# Letters a line longer than _SHORT_MAX can start with and still be only text: none that
# starts a reader's form (`[`, `#`, `http`, `<`, bullets, digits, `Published on`) or a
# furniture phrase that long (`Get trending papers…`, `Trending Papers ranked…`).
_NOT_PLAIN_FIRST = frozenset({*"[#h<•·*-0123456789p", *(p[0] for p in NOT_TITLES if len(p) > _SHORT_MAX)})
_LONG_PLAIN_FIRST = frozenset(
    c for c in map(chr, range(0x20, 0xA000))  # to the end of the CJK ideographs
    if c.isprintable() and not c.isspace() and c.casefold() not in _NOT_PLAIN_FIRST
)
_MONTH_FIRST = frozenset(c for name in MONTHS for c in (name[0], name[0].upper()))
_TEXT_KIND = (TEXT, None)
_SHORT_KINDS: dict[str, tuple[int, object]] = {}


def _classify(text: str) -> tuple[int, object]:
    folded = text.casefold()
    for read in _BY_FIRST.get(text[0], _ANY_FIRST):
        found = read(text, folded)
        if found is not None:
            return found
    return _TEXT_KIND


MARKDOWN_MARKS = ("### [", "## by [", "# Daily Papers", "[Subscribe](", "## Trending Papers")


def _is_markdown(text: str) -> bool:
    """Whether a capture (or one paste of it) is markdown (FORMATS.md D, E): its titles are
    `### ` lines, its header `# Daily Papers` or `[Subscribe](…)`. The text is scanned for `#`
    and `[` by `str.find` (memchr, in C): plain captures rarely hold one at a line's start."""
    for mark in "#[":
        k = text.find(mark)
        while k >= 0:
            if (k == 0 or text[k - 1] == "\n") and text.startswith(MARKDOWN_MARKS, k):
                return True
            k = text.find(mark, k + 1)
    return False


# Lines that open a paste's header, plain or markdown: a file's parts are cut before them.
_PASTE_OPENINGS = STRONG_HEADER_LINES | {"# daily papers", "## trending papers"}


def _markdown_parts(lines: list[str]) -> list[tuple[int, int, bool]]:
    """A file that holds markdown, cut before each line that opens a paste's header, as
    (start, end, markdown) slices of `lines`: only the markdown parts have their lines joined,
    so a plain paste appended to a markdown one is read as plain text."""
    cuts = [k for k, line in enumerate(lines) if k and line.strip().casefold() in _PASTE_OPENINGS]
    bounds = [0, *cuts, len(lines)]
    return [
        (start, end, any(line.lstrip().startswith(MARKDOWN_MARKS) for line in lines[start:end]))
        for start, end in zip(bounds, bounds[1:])
    ]


def _plain_lines(lines: list[str], start: int, end: int) -> list[tuple[int, str]]:
    """The non-blank lines of `lines[start:end]`, stripped, as (1-based line number, text)."""
    return [(no, text) for no, text in enumerate(map(str.strip, lines[start:end]), start + 1) if text]


def _logical_lines(lines: list[str], start: int, end: int) -> list[tuple[int, str]]:
    """The non-blank lines of markdown `lines[start:end]`, stripped, as (1-based line number,
    text). A line continued on the next (`\\\\` at its end, an unclosed `[`, a title's indented
    continuation) is joined to it."""
    out: list[tuple[int, str]] = []
    open_no = 0
    buffer = ""
    depth = 0
    for no, raw in enumerate(lines[start:end], start + 1):
        text = raw.strip()
        if buffer:
            if not text:  # a blank line ends a part, even one whose link did not close
                out.append((open_no, buffer))
                buffer = ""
                continue
            if text.startswith("### ") and buffer.startswith("### "):
                text = text[4:]  # a long title split over two `### ` lines
            joiner = " " if buffer.endswith("\\\\") or depth > 0 or buffer.startswith("### ") else None
            if joiner is None:
                out.append((open_no, buffer))
                buffer = ""
            else:
                buffer = buffer[:-2] if buffer.endswith("\\\\") else buffer
                buffer = buffer.rstrip() + " " + text
                depth = _bracket_depth(buffer)
                continue
        if not text:
            continue
        open_no, buffer = no, text
        depth = _bracket_depth(text)
        if not (buffer.endswith("\\\\") or depth > 0 or (buffer.startswith("### ") and _continues(lines, no, end))):
            out.append((open_no, buffer))
            buffer = ""
    if buffer:
        out.append((open_no, buffer))
    return out


def _continues(lines: list[str], no: int, end: int) -> bool:
    """Whether the line after line `no` (1-based, before `end`) continues a `### ` title:
    indented text."""
    return no < end and lines[no][:2] == "  " and bool(lines[no].strip()) and not lines[no].lstrip().startswith(
        ("[", "-", "#", "·"))


def _bracket_depth(text: str) -> int:
    """Open `[` minus closed `]` of a line that opens a link (`[…`, `### […`), escaped brackets
    not counted: the link continues on the next line when > 0."""
    if not text.startswith(("[", "### [")):
        return 0
    if "\\" in text:
        text = text.replace("\\\\", "").replace("\\[", "").replace("\\]", "")
    return text.count("[") - text.count("]")


@dataclass(slots=True)
class _Paste:
    layout: str
    line: int
    start: int
    """Index of its first body line in the file's _Lines."""
    end: int = 0
    """Index after its last body line."""
    page: tuple[int, int, int | None] | None = None
    captured: str | None = None


def _positions(items: list, item: object) -> list[int]:
    """The indices of `item` in `items`, found by `list.index` (a scan in C)."""
    found: list[int] = []
    k = -1
    try:
        while True:
            k = items.index(item, k + 1)
            found.append(k)
    except ValueError:
        return found


def _split_pastes(lines: _Lines) -> list[_Paste]:
    """Cut the lines into pastes: each starts at a header run (two or more header, tab or front
    matter lines, one of them a strong header line, or at the top of the file one), wherever
    it stands. A paste's page date is the first date line after its header, before any paper.
    Lines before the first header form a paste of layout `?`. A glued `Subscribe<title>` line
    is replaced by its title.
    """
    pastes: list[_Paste] = []
    nos, texts, kinds, values = lines.nos, lines.texts, lines.kinds, lines.values
    n = len(kinds)
    body_start = 0
    # Only the lines that can open a header are visited; the body lines are not.
    # A glued `Subscribe<title>` follows a header run, or opens the file.
    top = [0] if n and kinds[0] == TEXT and texts[0].startswith("Subscribe") else []
    candidates = sorted(top + _positions(kinds, HEADER) + _positions(kinds, FRONT))
    current = _Paste("?", nos[0] if n else 1, 0)
    for i in candidates:
        if i < body_start:
            continue
        # A header run: this line and the header, tab and front matter lines after it.
        j = i
        strong = False
        glued = None
        at_top = not pastes and current.layout == "?"  # no header read yet
        while j < n and kinds[j] in (HEADER, TAB, FRONT, FURNITURE, LINKS):
            strong = strong or values[j] in STRONG_HEADER_LINES or kinds[j] == FRONT
            j += 1
        if j < n and kinds[j] == TEXT and texts[j].startswith("Subscribe") and j - i <= 4 and (
            strong or j > i or at_top
        ):
            glued = j  # layout B: `Subscribe<first title>`
            strong = True
        if not (strong and (j - i + (glued is not None) >= 2 or (at_top and i == body_start))):
            continue
        current.end = i
        if current.end > current.start or current.layout != "?":
            pastes.append(current)
        current = _Paste("?", nos[i], j)
        if glued is not None:
            rest = texts[j][len("Subscribe"):].strip()
            if rest:  # the glued line is read as its title
                texts[j] = rest
                lines.set_kind(j, *classify(rest))
            current.start = j if rest else j + 1
            body_start = j + 1
            current.layout = "B"
        else:
            words = set(values[i:j])
            current.layout = (
                "C" if TAB in kinds[i:j]
                else "A" if words & {"daily papers", "byak and the research community", "by ak and the research community"}
                else "B"
            )
        for k in range(i, j):
            if kinds[k] == FRONT and values[k]:
                current.captured = values[k]  # type: ignore[assignment]
        if glued is None:
            body_start = j
            # The page date: a date line without a comment count right after the header, after
            # at most one short line (a web export's echo of the search words).
            k = body_start
            if k + 1 < n and kinds[k] == TEXT and len(texts[k]) < 80 and kinds[k + 1] == DATE:
                k += 1
            if k < n and kinds[k] == DATE and values[k][3] is None:  # type: ignore[index]
                current.page = values[k][:3]  # type: ignore[index]
                body_start = k + 1
            current.start = body_start
    current.end = n
    if current.end > current.start or current.layout != "?":
        pastes.append(current)
    return pastes


def _front_matter(lines: list[str]) -> tuple[int, str | None]:
    """Lines a capture tool's front matter takes at the top (`---` … `---`), and its date."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    captured = None
    for k in range(1, min(len(lines), 40)):
        text = lines[k].strip()
        if text == "---":
            return k + 1, captured
        key, sep, value = text.partition(":")
        if not sep or not key.strip().replace("_", "").replace("-", "").isalnum():
            return 0, None
        if key.strip().lower() in ("retrieved", "date", "captured", "scraped") and re.match(r"\d{4}-\d\d-\d\d", value.strip()):
            captured = value.strip()[:10]
    return 0, None


class _Reader:
    """The entry machine of one paste: lines in, entries and problems out. A line is named by
    its index k in the file's _Lines."""

    def __init__(self, file: str, markdown: bool, problems: list[Problem], lines: _Lines):
        self.file = file
        self.markdown = markdown
        self.problems = problems
        self.nos, self.texts, self.kinds, self.values = lines.nos, lines.texts, lines.kinds, lines.values
        self.records: list[Record] = []
        self.current: _Entry | None = None
        self.upvotes: tuple[int, int] | None = None
        """Upvotes read before a title (line, count), waiting for it."""

    def problem(self, line: int, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(self.file, line, message, severity))

    def unplaced(self, k: int, why: str = "") -> None:
        text = self.texts[k]
        shown = text if len(text) <= 120 else text[:117] + "…"
        self.problem(self.nos[k], f"line not read{why}: {shown!r}")

    def start(self, title: str, k: int, arxiv_id: str | None = None) -> None:
        if self.current is not None:
            self.close()
        entry = _Entry(title, self.nos[k], arxiv_id, self.kinds[k] == TEXT)
        entry.upvotes = self.pending_upvotes()
        self.current = entry

    def pending_upvotes(self) -> int | None:
        """The upvotes read before the title just read, if any: they are its own."""
        if self.upvotes is None:
            return None
        count = self.upvotes[1]
        self.upvotes = None
        return count

    def close(self) -> None:
        """Finish the open entry, if any: its Record is added."""
        entry = self.current
        if entry is None:
            return
        self.current = None
        if not entry.texts and not entry.has_meta and entry.upvotes is None and entry.arxiv_id is None:
            # Where a paper starts: a title with its text, its metadata, its upvotes or a link
            # to it. A line with none of them after it (a title whose abstract was lost, or a
            # line of navigation or a widget) cannot be told from page furniture.
            if len(entry.title) <= MAX_TITLE:
                shown = entry.title if len(entry.title) <= 120 else entry.title[:117] + "…"
                self.problem(entry.line, f"a title alone, with no text or metadata after it; not published: {shown!r}",
                             "error")
                return
        texts = entry.texts
        self.add(
            entry.title, entry.line, entry.plain, texts[0] if len(texts) == 1 else " ".join(texts).strip(),
            entry.upvotes, entry.month, entry.day, entry.year, entry.comments, entry.authors, entry.org,
            entry.org_id, entry.org_name, entry.arxiv_id, entry.line_date, entry.github,
        )

    def add(
        self, title: str, line: int, plain: bool, abstract: str, upvotes: int | None, month: int | None,
        day: int | None, year: int | None, comments: int | None, authors: int | None, org: str | None,
        org_id: str | None, org_name: str | None, arxiv_id: str | None, line_date: int,
        github: tuple[str | None, int | None] | None = None,
    ) -> None:
        """Add the Record of a paper read (its fields as Record's, `line` its title's, `plain`
        as _Entry's, `github` the (repository URL, stars) of its card's GitHub button), or the
        error that skips a title that is no paper's."""
        if len(title) > MAX_TITLE:
            self.problem(line, f"line of {len(title)} characters where a title was expected; skipped", "error")
            return
        if not title:
            why: str | None = "an empty title"
        elif plain and not (title[0] in "GgSs" and title[:3].lower() in ("get", "sub")):
            # A text line: no reader took it for furniture, a number or a date. Most titles open
            # with a capital and end in a letter or a digit: they pass the shape rule at once.
            first = title[0]
            if first.isupper() and first not in "HPW" and title[-1].isalnum():
                why = None
            else:
                why = title_shape_problem(title)
        else:
            why = _title_problem(title)
        if why is not None:
            self.problem(line, f"{why}: {title!r}; skipped", "error")
            return
        record = new_record(
            title if title.isascii() else nfc(title), abstract, new_source(self.file, line), month, day, year,
            comments, self.in_range(line, "upvote", upvotes, MAX_COUNT), authors, org, org_id, org_name,
            arxiv_id, line_date,
        )
        if github is not None and github[0] is not None:
            record.__dict__["github_repo"] = github[0]
            record.__dict__["github_stars"] = self.in_range(line, "GitHub star", github[1], MAX_COUNT)
        self.records.append(record)

    def in_range(self, line: int, what: str, count: int | None, limit: int) -> int | None:
        """A count as read, or None with a problem when it is beyond `limit` (not a real count)."""
        if count is not None and count > limit:
            self.problem(line, f"{what} count out of range: {count}")
            return None
        return count

    def read(self, start: int, end: int) -> list[Record]:
        """The Records of the lines [start, end)."""
        nos, texts, kinds, values = self.nos, self.texts, self.kinds, self.values
        i = start
        markdown = self.markdown
        after_label = False
        plain = not markdown
        usual = plain and self.layout != "B"
        while i < end:
            kind = kinds[i]
            # The usual entries of a plain paste are read in one step, by the same methods the
            # line-by-line reading below calls: title, abstract, organization or authors, `·`
            # and date (straight to a Record: no _Entry is assembled); or (no metadata) title
            # and abstract. A text line is a title when no entry is open, or the open one has
            # its abstract or metadata.
            if plain and kind == TEXT and i + 1 < end and kinds[i + 1] == TEXT and (
                    self.current is None or self.current.has_meta or self.upvotes is not None or self.current.texts):
                if usual and i + 4 < end and kinds[i + 3] == DOT and kinds[i + 4] == DATE and (
                        kinds[i + 2] == AUTHORS or (kinds[i + 2] == TEXT and len(texts[i + 2]) <= MAX_ORG_LINE)) and (
                        values[i + 4][3] is not None or i + 5 == end or kinds[i + 5] != UPVOTES):  # type: ignore[index]
                    self.close()
                    if kinds[i + 2] == AUTHORS:
                        authors = self.in_range(nos[i + 2], "author", values[i + 2], MAX_AUTHORS)  # type: ignore[arg-type]
                        org = org_id = org_name = None
                    else:
                        authors = None
                        org, org_id, org_name = self.org_fields(texts[i + 2], None)
                    month, day, year, comments = values[i + 4]  # type: ignore[misc]
                    self.add(texts[i], nos[i], True, texts[i + 1], self.pending_upvotes(), month, day, year,
                             self.date_comments(nos[i + 4], comments), authors, org, org_id, org_name, None, nos[i + 4])
                    self.orphan_block = after_label = False
                    i += 5
                    continue
                if i + 2 == end or kinds[i + 2] == TEXT and not (
                        len(texts[i + 1]) <= TITLE_MAX < len(texts[i + 2])):
                    self.start(texts[i], i)
                    self.current.texts.append(texts[i + 1])  # type: ignore[union-attr]
                    self.orphan_block = after_label = False
                    i += 2
                    continue
            if kind == TITLE and not markdown:
                kind = TEXT  # `### ` is a markdown title only in a markdown paste
            text = texts[i]
            nxt = i + 1 if i + 1 < end else None
            nxt_kind = None if nxt is None else kinds[nxt]
            entry = self.current
            if nxt_kind == DOT and kind in (TEXT, HEADER, TAB, FURNITURE) and (
                    len(text) <= MAX_ORG_LINE and entry is not None and not entry.has_meta):
                # The line before a `·` is the organization, whatever else it could be (`Hugging Face`).
                self.meta_org(i, text, None)
            elif kind == TEXT:
                if entry is None or entry.has_meta or self.upvotes is not None:
                    if markdown:
                        self.unplaced(i, " (no title before it)")
                    else:
                        self.start(text, i)
                elif markdown:
                    entry.texts.append(_link_text(text))
                elif not entry.texts:
                    # A short line followed by a long one: the open title lost its abstract and
                    # this line is the next title (otherwise every pair after it shifts by one).
                    if len(text) <= TITLE_MAX and nxt_kind == TEXT and len(texts[i + 1]) > TITLE_MAX:
                        self.start(text, i)
                    else:
                        entry.texts.append(text)
                else:
                    self.start(text, i)
            elif kind == TITLE:
                title, arxiv_id = values[i]  # type: ignore[misc]
                self.start(title, i, arxiv_id)
            elif kind in (UPVOTES, DATE, AUTHORS, DOT) and self.layout == "B" and self.would_be_title(nxt):
                self.start(text, i)  # compact pastes have no metadata: reported, not published
            elif kind == UPVOTES:
                if entry is not None and entry.upvotes is None and after_label:
                    entry.upvotes = values[i]  # type: ignore[assignment]
                else:
                    if self.upvotes is not None:
                        self.unplaced(i - 1, " (upvotes without a title after them)")
                    self.close()
                    self.upvotes = (nos[i], values[i])  # type: ignore[assignment]
            elif kind == UPVOTE_LABEL:
                pass
            elif kind == SUBMITTER_LABEL:
                # `Submitted by` and the submitter's user name: never a title.
                if nxt_kind in (TEXT, FURNITURE):
                    i += 1
            elif kind == AUTHORS:
                self.meta_authors(i, nxt)
            elif kind == ORG:
                name, org_id, date = values[i]  # type: ignore[misc]
                self.meta_org(i, name, org_id)
                if date is not None and self.current is not None:
                    self.set_date(i, (*date[:3], None))
            elif kind == DOT:
                if self.orphan_block:
                    pass
                elif entry is None or (entry.month is not None):
                    self.unplaced(i, " (no paper before it)")
                elif not entry.has_meta:
                    self.problem(nos[i], "metadata block without an authors or organization line")
                    entry.has_meta = True
                if nxt_kind != DATE:
                    if nxt_kind == TEXT and DATE_RE.match(texts[i + 1]):
                        # Shaped like a date (`Foo 12`) but not one: the block's date slot, not a title.
                        self.problem(nos[i + 1], f"not a date: {texts[i + 1]!r}")
                        i += 1
                    elif not self.orphan_block and self.current is not None:
                        self.problem(nos[i], "metadata block without a date: '·'")
            elif kind == DATE:
                if self.orphan_block and kinds[i - 1] == DOT:
                    pass
                elif entry is None or entry.month is not None:
                    self.unplaced(i, " (a date with no paper)")
                else:
                    self.set_date(i, values[i])  # type: ignore[arg-type]
                    # a web export's comment count on its own line, followed by its #community link
                    if (values[i][3] is None and nxt_kind == UPVOTES and i + 2 < end  # type: ignore[index]
                            and kinds[i + 2] == LINKS and texts[i + 2].endswith("#community")):
                        entry.comments = values[i + 1]  # type: ignore[assignment]
                        i += 2
                    if not markdown:
                        self.close()
            elif kind == LINKS:
                arxiv_id, github = values[i]  # type: ignore[misc]
                if entry is not None and arxiv_id and entry.arxiv_id is None:
                    entry.arxiv_id = arxiv_id
                if entry is not None and github is not None and entry.github is None:
                    entry.github = github
            elif kind in (HEADER, TAB, FURNITURE):
                if self.would_be_title(nxt):
                    self.start(text, i)
            else:
                self.unplaced(i)
            after_label = kind == UPVOTE_LABEL
            if self.orphan_block and kind not in (AUTHORS, ORG, DOT) and self.orphan_line != nos[i]:
                self.orphan_block = False
            i += 1
        if self.upvotes is not None:
            self.problem(self.upvotes[0], "upvotes without a title after them")
            self.upvotes = None
        self.close()
        return self.records

    orphan_block = False
    """The metadata block being read has no paper before it: its `·` and date are not read."""
    orphan_line = 0

    def would_be_title(self, nxt: int | None) -> bool:
        """Whether a line of another kind stands where a title is due, before an abstract-long
        line (`nxt`, None at the end): it is then read as a title (and reported, never
        published), so that its abstract is not taken for the next title."""
        entry = self.current
        due = entry is None or entry.has_meta or bool(entry.texts)
        return (due and not self.markdown and nxt is not None and self.kinds[nxt] == TEXT
                and len(self.texts[nxt]) > TITLE_MAX)

    def orphan(self, k: int) -> None:
        self.problem(self.nos[k], "metadata block without a paper before it")
        self.orphan_block = True
        self.orphan_line = self.nos[k]

    def meta_authors(self, k: int, nxt: int | None) -> None:
        entry = self.current
        if entry is None or entry.has_meta and (entry.authors is not None or entry.org is not None):
            self.orphan(k)
            return
        nxt_kind = None if nxt is None else self.kinds[nxt]
        # A trending card (E) may show its authors with no date after them (FORMATS.md E).
        if nxt_kind != DOT and not (nxt_kind == DATE and self.texts[nxt].startswith("·")) and (  # type: ignore[index]
                self.layout != "E"):
            self.problem(self.nos[k], f"metadata block cut short after {self.texts[k]!r}")
        entry.authors = self.in_range(self.nos[k], "author", self.values[k], MAX_AUTHORS)  # type: ignore[arg-type]
        entry.has_meta = True
        self.check_abstract(entry)

    def meta_org(self, k: int, name: str, org_id: str | None) -> None:
        entry = self.current
        if entry is None or entry.has_meta and (entry.authors is not None or entry.org is not None):
            self.orphan(k)
            return
        entry.has_meta = True
        self.check_abstract(entry)
        entry.org, entry.org_id, entry.org_name = self.org_fields(name, org_id)

    def org_fields(self, name: str, org_id: str | None) -> tuple[str, str | None, str]:
        """(org, org id, display name) of an organization: a plain line of layout A is
        `<id> <display name>` (a lone word is both), any other shows the display name."""
        if org_id is None and not self.markdown and self.layout == "A":
            org_id, _, display = name.partition(" ")
            return name, org_id, display.strip() or org_id
        return name, org_id, name

    def check_abstract(self, entry: _Entry) -> None:
        if not entry.texts and not self.markdown:
            self.problem(entry.line, f"title with no abstract: {entry.title!r}")
            entry.texts.append("")  # reported once

    def set_date(self, k: int, fields: tuple) -> None:
        entry = self.current
        assert entry is not None
        month, day, year, comments = fields
        entry.month, entry.day, entry.year = month, day, year
        entry.line_date = self.nos[k]
        if not entry.has_meta:
            entry.has_meta = True
            self.check_abstract(entry)
        entry.comments = self.date_comments(self.nos[k], comments)

    def date_comments(self, line: int, comments: int | None) -> int | None:
        """The comment count of a date line (`comments` as read, None if it shows none)."""
        if comments is None:
            return None if self.layout == "E" else 0  # the page omits a count of 0; E's cards show none
        return self.in_range(line, "comment", comments, MAX_COUNT)

    layout = "A"


# A capture tool's header or front matter line: a key, a colon, and a URL, a date, a quoted or
# bracketed value or nothing (`url: https://…`, `retrieved: 2026-10-02`, `tags: [clippings]`,
# `[3] URL Source: https://…`, `**URL:** https://…`). A title's colon is followed by words.
_KEY_VALUE_RE = re.compile(
    r"^(?:\[\d+\]\s*)?(?:\*\*)?[A-Za-z_][\w -]{0,30}:(?:\*\*)?"
    r"(?:\s*$|\s+(?:<?https?://|www\.|\d{4}-\d\d-\d\d|[\"'\[{]|\d{1,2}:\d\d))")


def _tool_header(text: str, k: int) -> bool:
    """Whether a line before a file's first paste is a capture tool's own header: its keys and
    values (`**URL:** https://…`, `**Page Title:** Trending Papers - Hugging Face`), a rule
    (`--------------------`), or the heading it opens with (the first line: a user's label)."""
    return bool(_KEY_VALUE_RE.match(text) or (text[0] in "-=_*" and not text.strip("-=_* "))
                or (k == 0 and text.startswith("# ")) or (text.startswith("**") and ":**" in text[:40]))


def title_shape_problem(title: str) -> str | None:
    """Why a line cannot be a title by its shape alone, in any capture form; None when it can.

    The rule of what a title can be: it holds a letter (not `---`, `===`, `·`, `* * *`), it is
    no label (ending in `:`: `Authors:`, `Get this paper in your agent:`), no capture tool's
    key and value (`url: https://…`), no browser title (`Paper page - …`: the paper's own title
    stands elsewhere on its page), and no bare address, nor a link or an image with no text
    (an avatar `![](…)`). Checked in the order of their cost: most titles are settled by their
    first character."""
    first = title[0]
    if not (first.isalpha() or any(map(str.isalpha, title))):
        return "no letter in it: page furniture, not a title"
    if title[-1] == ":":
        return "a label, not a title"
    if first in "<[!*hHwW" and (title.startswith(("http://", "https://", "<http", "www."))
                                or (first in "[!" and not strip_markdown(IMAGE_RE.sub(r"\g<alt>", title)).strip(" -*\\"))):
        return "a link or an image, not a title"
    if ":" in title and (first.islower() or first in "[*") and _KEY_VALUE_RE.match(title):
        return "a capture tool's header line, not a title"
    if title.startswith(("Paper page - ", "Paper page – ")):
        return "the browser's title of a paper page, not a title"
    return None


def _title_problem(title: str) -> str | None:
    """Why a would-be title is page furniture, not a paper; None for a real title."""
    folded = title.casefold()
    if UPVOTES_RE.match(title):
        return "a number, not a title"
    if folded in NOT_TITLES or SPACES_RE.sub(" ", folded) in NOT_TITLES:
        return "page furniture, not a title"
    published = PUBLISHED_RE.match(title)
    if _date_fields(title) is not None or (published and _date_fields(published.group("date")) is not None):
        return "a date, not a title"
    if folded.startswith(("get trending papers", "subscribe", "submitted by")):
        return "page furniture, not a title"
    return title_shape_problem(title)


def ends_listing_entry(text: str) -> bool:
    """Whether a line can close a listing's entry (FORMATS.md A-E): its abstract (over 200
    characters, longer than any title or page furniture), its date or metadata line. A page
    captured after a listing starts after the first such line found above its content."""
    return len(text) > 200 or text == "·" or _date_fields(text) is not None or AUTHORS_RE.match(text) is not None


def opens_listing(line: str) -> bool:
    """Whether a line opens a listing paste's header (FORMATS.md A-E): the lines a paper's page
    or a model's page never has."""
    text = line.strip()
    if not text:
        return False
    folded = text.casefold()
    return folded.startswith(("get trending papers in your email inbox", "byak and the research community",
                              "by ak and the research community", "subscribe")) or text in (
        "# Daily Papers", "## Trending Papers") or text.startswith(("[Subscribe](", "## by [", "## by AK"))


def parse_listing(text: str, file: str, signs: list[bool] | None = None) -> Dump:
    """Parse the listing pastes of a file (forms A-F): see the module's docstring. A line of a
    paper's page or a paper card is read as text; `signs` (when given) gets True appended when
    the file holds one."""
    problems: list[Problem] = []
    raw_lines = text.split("\n")
    markdown = _is_markdown(text)
    front_end, captured = _front_matter(raw_lines)
    markdown_lines: list[range] = []  # the line numbers of the markdown parts
    if markdown:
        nos, texts = [], []
        for start, end, joined in _markdown_parts(raw_lines):
            if joined:
                markdown_lines.append(range(start + 1, end + 1))
            part = _logical_lines(raw_lines, start, end) if joined else _plain_lines(raw_lines, start, end)
            nos.extend(no for no, _ in part)
            texts.extend(t for _, t in part)
    else:
        # The non-blank lines, stripped, and their numbers: built by map, filter and compress,
        # which loop in C (most lines are titles and abstracts that need nothing more).
        # Empty lines (half of them) are dropped before stripping, blank ones after.
        texts = list(map(str.strip, filter(None, raw_lines)))
        nos = list(compress(count(1), raw_lines))
        if "" in texts:
            nos = list(compress(nos, texts))
            texts = list(filter(None, texts))
    if front_end:  # the front matter is one line
        first = bisect_right(nos, front_end)
        nos, texts = [1, *nos[first:]], ["---", *texts[first:]]
    lines = _Lines(nos, texts, *classify_lines(texts))
    if PAGE_SIGN in lines.kinds:  # a scan in C: listings hold none
        if signs is not None:
            signs.append(True)
        lines.kinds = [TEXT if kind == PAGE_SIGN else kind for kind in lines.kinds]
    if front_end:
        lines.set_kind(0, FRONT, captured)
    # Front matter of a later paste (a capture tool's file appended to another).
    n = len(texts)
    for k in _positions(texts, "---") if "---" in texts else ():
        if k > 0 and k + 1 < n and texts[k + 1].startswith("url:"):
            end = next((j for j in range(k + 1, min(n, k + 12)) if texts[j] == "---"), None)
            if end is not None:
                captured = None
                for j in range(k + 1, end):
                    m = re.match(r"(?:retrieved|date):\s*(\d{4}-\d\d-\d\d)", texts[j])
                    captured = m.group(1) if m else captured
                    lines.set_kind(j, HEADER)
                lines.set_kind(end, HEADER)
                lines.set_kind(k, FRONT, captured)
    pastes = _split_pastes(lines)
    kinds = lines.kinds
    has_header = any(p.layout != "?" for p in pastes)
    if not has_header and {DOT, TITLE, SUBMITTER_LABEL}.isdisjoint(kinds):
        return Dump(file, "?", (), problems=(
            Problem(file, 0, "not a Daily Papers dump: no header and no metadata found", "error"),))
    records: list[Record] = []
    paste_info: list[Paste] = []
    for paste in pastes:
        layout = paste.layout
        start, end = paste.start, paste.end
        body_kinds = kinds[start:end]
        if layout == "?":
            if start == end:
                continue
            if has_header:
                for k in range(start, end):
                    if kinds[k] not in (HEADER, TAB, FURNITURE, FRONT) and not _tool_header(texts[k], k - start):
                        problems.append(Problem(file, nos[k], f"line before the first paste's header: {texts[k][:120]!r}"))
                continue
            layout = "A"
        # Markdown titles (`### `) make a paste D, or E with the cards' labels; an upvote line
        # before the first title makes the old header's paste C.
        first_no = nos[start] if start < end else paste.line
        if any(first_no in part for part in markdown_lines) and TITLE in body_kinds:
            # The trending page's cards (E) show no upvote line before their titles, as the
            # search page's (D) do: whatever tabs their header has.
            layout = "E" if UPVOTE_LABEL in body_kinds or SUBMITTER_LABEL in body_kinds or (
                layout in ("A", "C") and UPVOTES not in body_kinds) else "D"
        elif layout == "A" and UPVOTES in body_kinds[:40]:
            layout = "C"
        reader = _Reader(file, layout in ("D", "E"), problems, lines)
        reader.layout = layout
        before = len(records)
        records.extend(reader.read(start, end))
        page = paste.page
        paste_info.append(Paste(
            layout, paste.line, len(records) - before,
            page[0] if page else None, page[1] if page else None, page[2] if page else None, paste.captured,
        ))
    if not records and not any(p.severity == "error" for p in problems):
        problems.append(Problem(file, 0, "no papers found (header only?)"))
    problems.sort(key=lambda p: p.line)
    layout = "+".join(p.layout for p in paste_info) or "A"
    return Dump(file=file, layout=layout, records=tuple(records), pastes=tuple(paste_info), problems=tuple(problems))
