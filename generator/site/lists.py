"""What stands aside while Python-Markdown runs on a generated page, and comes back after.

Paper pages are raw HTML blocks, which Markdown passes through unchanged: their body goes
straight to the theme instead of through the Markdown engine 100,000 times. A listing's list
of papers is one raw HTML block too, which Python-Markdown's HTML parser reads slowly (most of
a listing page's time): it stands aside meanwhile, a stand-in comment in its place.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

# A list of papers (templates/listing.md.j2, top.md.j2, home.md.j2): a raw HTML block from
# <ul> (or, ranked, <ol>) to its end.
_PAPER_LIST = re.compile(r'^<(ul|ol) class="papers-list">\n.*?^</\1>$', re.M | re.S)
_STAND_IN = "<!-- papers: list -->"
_LISTS_SEP = "\x00"  # between a page's lists, kept compressed (a NUL is in no page: mathtext.clean)


def put_back(html: str, lists: list[str], before: str = "") -> str:
    """`html` with `lists` at its stand-ins, in order; a list whose stand-in another plugin
    removed goes at the end, or before the last `before` when given and found."""
    pieces = html.split(_STAND_IN)
    out = [pieces[0]]
    for i, piece in enumerate(pieces[1:]):
        out += [lists[i] if i < len(lists) else "", piece]
    left = "".join(lists[len(pieces) - 1:])
    if not left:
        return "".join(out)
    html = "".join(out)
    at = html.rfind(before) if before else -1
    return html[:at] + left + html[at:] if at >= 0 else html + left


@dataclass
class SetAside:
    """One build's pages' parts set aside, by docs path."""

    bodies: dict[str, str] = field(default_factory=dict)
    """A paper page's body (MkDocs renders it: `fast_pages: false`)."""
    lists: dict[str, list[str]] = field(default_factory=dict)
    """A listing's lists, put back in its HTML content."""
    later: dict[str, bytes] = field(default_factory=dict)
    """A lean listing's lists, compressed: put back in its written page."""

    def markdown(self, src_uri: str, markdown: str, paper: bool, lean_listing: bool) -> str:
        """The Markdown left to convert of the page `src_uri`: "" for a `paper` page (its body
        set aside whole), else without its lists of papers."""
        if paper:
            self.bodies[src_uri] = markdown
            return ""
        lists = [m.group(0) for m in _PAPER_LIST.finditer(markdown)]
        if not lists:
            return markdown
        if lean_listing:
            # A lean listing's lists come back in its written page only (on_post_page):
            # MkDocs keeps every page's content until the build ends, and the lists are most
            # of a listing's bytes (400 MB of memory at 100,000 papers). Compressed meanwhile.
            self.later[src_uri] = zlib.compress(_LISTS_SEP.join(lists).encode("utf-8"), 1)
        else:
            self.lists[src_uri] = lists
        return _PAPER_LIST.sub(lambda m: _STAND_IN, markdown)

    def body(self, src_uri: str) -> str | None:
        """The body of a paper page set aside, taken; None for another page."""
        return self.bodies.pop(src_uri, None)

    def content(self, src_uri: str, html: str) -> str:
        """A page's HTML content with its lists back (not a lean listing's)."""
        lists = self.lists.pop(src_uri, None)
        return put_back(html, lists) if lists else html

    def output(self, src_uri: str, output: str) -> str:
        """A page's whole HTML with a lean listing's lists back, before `</article>`."""
        later = self.later.pop(src_uri, None)
        if later is None:
            return output
        return put_back(output, zlib.decompress(later).decode("utf-8").split(_LISTS_SEP), "</article>")
