"""Read one capture file, in every form it may hold (../shared/FORMATS.md): listing pastes
(forms A-F, data/parse.py), paper pages (form G, data/paper_page.py) and paper cards (form H,
data/cards.py), in any mix and order. Pure: no I/O, no clock.

This module sits above the readers of each form: they share parse.py's line readers, and only
this one imports them all (no import cycle between them).
"""

from __future__ import annotations

from bisect import bisect_right

from . import cards as form_h
from . import paper_page as form_g
from .model import Dump, Paste, Problem, Record, Source
from .parse import ends_listing_entry, nfc, opens_listing, parse_listing, title_shape_problem


def parse(text: str, file: str) -> Dump:
    """Parse one capture file's decoded text (newlines already `\\n`) into a Dump.

    A file holds listing pastes (forms A-F, read here), paper pages (form G, paper_page) and
    paper cards (form H, cards), in any mix and order: the pages and cards are read first and
    their lines taken out of the listings' way; each is a paste of the Dump, in file order.
    A file of pages or cards alone has no listing to read: its other lines are those pages'
    own (navigation, comments, a model's card) and are not reported.

    Never raises on bad input: what cannot be read is a Problem (`file:line: message`) and the
    rest is still read. Byte-order marks are dropped wherever they stand (FORMATS.md F).
    """
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if not text or text.isspace():
        return Dump(file, "A", (), problems=(Problem(file, 0, "empty file: no papers"),))
    signs: list[bool] = []
    dump = parse_listing(text, file, signs)
    # Pages and cards are looked for only in a file whose lines showed one of their signs, or
    # that the listing reader could not read cleanly: a clean listing costs nothing more.
    if not signs and not dump.problems:
        return dump
    pages = form_g.find_pages(text.split("\n"), file) if form_g.may_hold_pages(text) else []
    found_cards = form_h.find_cards(text.split("\n")) if form_h.has_cards(text) else []
    if not pages and not found_cards:
        return dump
    return _parse_mixed(text, file, pages, found_cards)


def _parse_mixed(text: str, file: str, pages: list, found_cards: list) -> Dump:
    """A file that holds paper pages or paper cards, and maybe listing pastes too."""
    raw_lines = text.split("\n")
    taken = bytearray(len(raw_lines))  # lines read as pages or cards
    for page in pages:
        taken[page.start:page.end] = b"\x01" * (page.end - page.start)
    cards = [c for c in found_cards if not taken[c.card_line - 1]]
    # The cards between two other captures are one paste of form H, and the lines around them
    # (the model's or the collection's page) are that page's: from the short lines before its
    # first card's title to the next page or listing header.
    openings = [k for k, line in enumerate(raw_lines) if not taken[k] and opens_listing(line)]
    bounds = sorted({page.start for page in pages} | set(openings))
    groups: dict[int, list] = {}
    for card in cards:
        groups.setdefault(bisect_right(bounds, card.card_line - 1), []).append(card)
    for at, group in groups.items():
        first = min(c.title_index if c.title_index is not None else c.card_line - 1 for c in group)
        start = _walk_back(raw_lines, first, bounds[at - 1] if at else 0, taken)
        end = bounds[at] if at < len(bounds) else len(raw_lines)
        # A listing header run opens a line or two before its `Get trending papers` line.
        while end > start + 1 and end < len(raw_lines) and raw_lines[end - 1].strip().casefold() in ("new", ""):
            end -= 1
        taken[start:end] = b"\x01" * (end - start)
    problems: list[Problem] = []
    parts: list[tuple[int, Paste, tuple[Record, ...]]] = []  # (line, paste, records)
    for page in pages:
        problems.extend(page.problems)
        records = (page.record,) if page.record is not None else ()
        parts.append((page.start + 1, Paste("G", page.start + 1, len(records), captured=page.captured), records))
    rest = "\n".join("" if taken[k] else line for k, line in enumerate(raw_lines))
    if any(opens_listing(line) for k, line in enumerate(raw_lines) if not taken[k]):
        listing = parse_listing(rest, file)
        problems.extend(listing.problems)
        for paste, records in listing.paste_records():
            parts.append((paste.line, paste, records))
    for group in groups.values():
        records = []
        for card in group:
            if card.title is None:
                problems.append(Problem(file, card.card_line,
                                        f"a paper card without its title (arXiv {card.arxiv_id}): not published", "error"))
                continue
            why = title_shape_problem(card.title)
            if why is not None:
                problems.append(Problem(file, card.line, f"{why}: {card.title!r}; skipped", "error"))
                continue
            records.append(Record(
                title=nfc(card.title), abstract="", source=Source(file, card.line), month=card.month, day=card.day,
                year=card.year, upvotes=card.upvotes, arxiv_id=card.arxiv_id, line_date=card.card_line))
        parts.append((group[0].line, Paste("H", group[0].line, len(records)), tuple(records)))
    parts.sort(key=lambda part: part[0])
    if not any(records for _, _, records in parts) and not any(p.severity == "error" for p in problems):
        problems.append(Problem(file, 0, "no papers found"))
    problems.sort(key=lambda p: p.line)
    return Dump(file, "+".join(paste.layout for _, paste, _ in parts) or "?",
                tuple(r for _, _, records in parts for r in records), tuple(paste for _, paste, _ in parts),
                tuple(problems))


def _walk_back(lines: list[str], k: int, floor: int, taken: bytearray) -> int:
    """Where a captured page that holds its papers at line k starts, after a listing before
    it: back over the lines a page has above its content (navigation, links, headings, figures,
    a collection's description), not into a listing entry's abstract or metadata
    (`ends_listing_entry`), nor below `floor`."""
    while k > floor and not taken[k - 1]:
        if ends_listing_entry(lines[k - 1].strip()):
            break
        k -= 1
    return k
