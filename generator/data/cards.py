"""Read form H: the paper cards of collections and of "Papers for …" sections on model,
dataset and Space pages (../shared/FORMATS.md H). Pure: no I/O, no clock.

A card is one line, `Paper • 2609.00001 • Published Sep 4, 2026 • 22` (the last number its
upvotes), and its title stands on the line before it: in markdown the card is one link that
opens on the title line (`[#### Sparse Widgets for Tiny Models`) and closes after the card
(`… • 22](/papers/2609.00001)`), with figures between them at times. A card whose link holds
no title (`[Paper • 2505.13404 • Published May 19, 2025 • 4](…)`, several on a line) names no
paper it could publish: each is a problem. Collection, model, dataset and Space cards
(`Collection`, `… • 16 items • Updated …`) are not papers and are never read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parse import ARXIV_ID, MAX_COUNT, MAX_TITLE, count_value, match_date, strip_markdown

CARD_RE = re.compile(
    rf"Paper\s*•\s*(?P<id>{ARXIV_ID})\s*•\s*(?:Published\s+)?"
    r"(?P<date>[A-Za-z]{3,9}\.?\s+\d{1,2}(?:\s*,\s*\d{4})?)"
    # The upvotes, after a symbol at times (`• △ 347`, the arrow of the widget as a glyph).
    r"(?:\s*•\s*(?:[^\w\s•]\s*)?(?P<upvotes>\d[\d.,]*\s*[kKmM]?)?)?"
)
# Everything up to the end of the last link on a line (`…](<url>) `): an earlier card's.
_LINK_END = re.compile(r"^.*\]\((?:<[^>]*>|[^)]*)\)")
# A line of nothing but images (a card's figure) stands between a title and its card at times.
_IMAGE_LINE = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)\s*)+$")


@dataclass(frozen=True)
class Card:
    """One paper card as read from its lines."""

    line: int
    """1-based line of its title (of the card itself when it has none)."""
    card_line: int
    """1-based line of the card."""
    title: str | None
    """The title, markdown undone; None when the card holds none."""
    arxiv_id: str
    month: int
    day: int
    year: int | None
    upvotes: int | None
    title_index: int | None
    """0-based index of the title's line in the file's lines (None without a title)."""


def has_cards(text: str) -> bool:
    """Whether a text may hold paper cards (a cheap test before `find_cards`)."""
    return "Paper" in text and "•" in text and CARD_RE.search(text) is not None


def find_cards(lines: list[str]) -> list[Card]:
    """Every paper card in a file's lines (`str.split("\\n")` of its text), in file order."""
    cards: list[Card] = []
    for k, raw in enumerate(lines):
        if "•" not in raw or "Paper" not in raw:
            continue
        last = 0
        for m in CARD_RE.finditer(raw):
            when = match_date(m.group("date"))
            if when is None:
                continue
            # What stands before the card on its line, after any earlier card's link.
            head = _LINK_END.sub("", raw[last:m.start()]).strip()
            first, last = last == 0, m.end()
            title_index: int | None = None
            title = None
            if not head and first:  # the card starts its line: its title is on a line before
                title_index = _title_line(lines, k)
                if title_index is not None:
                    title = _title(lines[title_index])
            elif head.strip("[#* "):
                title = _title(head)  # `[#### Title Paper • …](…)` joined on one line
                title_index = k
            upvotes = count_value(m.group("upvotes")) if m.group("upvotes") else None
            if upvotes is None and not raw[m.end():].strip(" •"):
                upvotes = _upvotes_below(lines, k)
            cards.append(Card(
                line=(title_index if title else k) + 1, card_line=k + 1, title=title or None,
                arxiv_id=m.group("id"), month=when["month"], day=when["day"], year=when["year"],
                upvotes=upvotes if upvotes is None or upvotes <= MAX_COUNT else None,
                title_index=title_index if title else None,
            ))
    return cards


_COUNT_BELOW = re.compile(r"^(?P<n>\d[\d.,]*\s*[kKmM]?)\s*(?:\]\(.*\))?$")


def _upvotes_below(lines: list[str], k: int) -> int | None:
    """The upvotes of a card that a figure split from them (`Paper • … • Published Jun 2, 2024 •`,
    `![Figure](…)`, ` 5 ](https://huggingface.co/papers/…)`)."""
    for j in range(k + 1, min(k + 5, len(lines))):
        text = lines[j].strip()
        if not text or _IMAGE_LINE.match(text):
            continue
        m = _COUNT_BELOW.match(text)
        return count_value(m.group("n")) if m else None
    return None


def _title_line(lines: list[str], k: int) -> int | None:
    """The index of the title line of the card on line k: the nearest non-blank line before
    it that is not a figure, when the card does not open its own link (`[Paper • …`)."""
    if lines[k].lstrip().startswith("["):
        return None
    j = k - 1
    while j >= 0 and (not lines[j].strip() or _IMAGE_LINE.match(lines[j].strip())):
        j -= 1
    if j < 0 or k - j > 6:
        return None
    if CARD_RE.search(lines[j]):
        return None  # the line before is another card: this one has no title of its own
    return j


def _title(text: str) -> str | None:
    """A card's title from its line: the link's opening `[`, heading marks and markdown undone."""
    text = text.strip()
    while text[:1] in ("[", "#", "*") or text.startswith("- "):
        text = text.lstrip("[#*- ").strip()
    title = " ".join(strip_markdown(text).split())
    return title if title and len(title) <= MAX_TITLE else None
