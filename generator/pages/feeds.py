"""Atom feeds (RFC 4287): the site's newest papers (`feed.xml`), and one per tag and per
organization (`tags/<slug>/feed.xml`, `orgs/<slug>/feed.xml`, pages/urls.py), each of the newest
FEED_SIZE dated papers in the archive's order.

Ids do not depend on the site's address: an entry's id is `urn:uuid:` and the UUID 5 of the
paper's id (its permanent id, papers.json `id`) in the namespace of the archive's own UUID
(papers.json `archive`, made once and read back by every build: data/pipeline.py), a feed's
id the UUID 5 of `feed:` and what it is the feed of. So a move to another domain, or from
`mkdocs gh-deploy` to the Pages workflow, shows no entry twice in a feed reader, and two
archives never share ids. (RFC 4122 §4.3: a name-based UUID is the same for the same name in
the same namespace.)

A tag's or an organization's feed is lean, as thousands of them are paid at 100,000 papers:
an entry's summary is Hugging Face's AI summary when a capture gives it, else the abstract's
first TOPIC_SUMMARY characters cut at a word. The site's feed keeps the whole abstract.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid5

from ..data.model import Paper
from . import urls as u
from .urls import Urls

FEED_SIZE = 50
"""Papers in a feed: the newest dated ones."""
TOPIC_SUMMARY = 300
"""Characters of an abstract in a tag's or organization's feed, at most (cut at a word)."""


def entry_id(archive: str, paper_id: str) -> str:
    """A paper's Atom entry id, the same in every feed and at every address: `urn:uuid:` and
    the UUID 5 of its id in the namespace of the archive's UUID. Raises ValueError when
    `archive` is not a UUID."""
    return f"urn:uuid:{uuid5(UUID(archive), paper_id)}"


def feed_id(archive: str, key: str) -> str:
    """A feed's Atom id: `urn:uuid:` and the UUID 5 of `feed:<key>` (`feed:site`, `feed:tag:<name>`,
    `feed:org:<organization key>`) in the archive's namespace; no paper id holds a `:`, so no
    feed shares an entry's id. Raises ValueError when `archive` is not a UUID."""
    return f"urn:uuid:{uuid5(UUID(archive), 'feed:' + key)}"


def newest(papers: Iterable[Paper]) -> tuple[Paper, ...]:
    """The first FEED_SIZE dated papers of `papers` (in the archive's order: the newest)."""
    out = []
    for p in papers:
        if p.date:
            out.append(p)
            if len(out) == FEED_SIZE:
                break
    return tuple(out)


@dataclass(frozen=True)
class Feed:
    """One Atom feed to write."""

    path: str
    """Its docs path (urls.FEED, urls.feed_file), which is also its path in the site."""
    key: str
    """What it is the feed of, which its id is made from (`feed_id`): `site`, `tag:<name>`,
    `org:<organization key>`."""
    title: str
    """Its title, plain text (`Papers Archive: Reasoning`)."""
    page: str
    """The docs path of the page it is the feed of (its `alternate` link)."""
    papers: tuple[Paper, ...]
    """Its entries' papers, newest first (`newest`)."""
    lean: bool = True
    """Entries summed up in a few lines (the AI summary, else TOPIC_SUMMARY characters of the
    abstract) rather than by the whole abstract."""


class Feeds:
    """Renders feeds with the renderer's Jinja environment (`feed.xml`, `_entry.xml`).

    `urls`: the site's URL rules (absolute links under site_url, else relative to the feed);
    `archive`: the archive's UUID (ids); `cache`: kept by `mkdocs serve` and the build cache
    between builds (pages.render.RenderCache.feeds): a feed whose inputs equal last build's
    is not rendered again, so an edit renders only the feeds of the tags and organizations
    it touches. An entry of the lean feeds is rendered once per paper and build however many
    feeds hold it."""

    def __init__(self, env, urls: Urls, archive: str,
                 cache: dict[str, tuple[tuple, str]] | None = None) -> None:
        self.env = env
        self.urls = urls
        self.archive = archive
        self.cache = cache
        self.seen: dict[str, tuple[tuple, str]] = {}
        """The feeds of this build (with a cache), which replace the cache's at its end."""
        self._entry = env.get_template("_entry.xml").module.entry
        self._entries: dict[tuple[str, str, bool], str] = {}

    def render(self, feed: Feed) -> str:
        """The Atom XML of `feed`."""
        inputs = (feed, self.archive)
        if self.cache is not None:
            hit = self.cache.get(feed.path)
            if hit is not None and hit[0] == inputs:
                self.seen[feed.path] = hit
                return hit[1]
        text = self._render(feed)
        if self.cache is not None:
            self.seen[feed.path] = (inputs, text)
        return text

    def finish(self) -> None:
        """End of a build: the cache holds this build's feeds only."""
        if self.cache is not None:
            self.cache.clear()
            self.cache.update(self.seen)

    def _link(self, feed: Feed, url: str) -> str:
        # Without a site_url, links are relative to the feed (RFC 4287 allows it): its ids are
        # URNs, never a guess at an address.
        return self.urls.absolute(url) or u.relative(feed.path, url) or "./"

    def _render(self, feed: Feed) -> str:
        up = "../" * feed.path.count("/")
        entries = []
        for p in feed.papers:
            key = (p.id, up, feed.lean)
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = self._entry(
                    p, entry_id(self.archive, p.id), self._link(feed, self.urls.paper(p)),
                    TOPIC_SUMMARY if feed.lean else None)
            entries.append(entry)
        updated = feed.papers[0].date if feed.papers else date(1970, 1, 1)
        return self.env.get_template("feed.xml").render(
            title=feed.title, id=feed_id(self.archive, feed.key), updated=updated,
            self_link=self._link(feed, feed.path), page=self._link(feed, self.urls.url(feed.page)), entries=entries,
        )
