"""Redirect pages: what a published URL whose paper now lives elsewhere answers (docs/permalinks.md).

A redirect page is a small HTML file of its own, not a page of the theme: a meta refresh to the
paper's page, a canonical link to it (with a site_url), a plain link for readers without
refresh, and `noindex`. It is written straight into the site (site/plugin.py, after MkDocs),
so it is in no sitemap, no listing and no search index.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from jinja2 import Environment, PackageLoader, select_autoescape

from ..data.model import Paper
from . import urls as u
from .urls import Urls

_ENV = Environment(loader=PackageLoader("generator.pages", "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def redirect_pages(redirects: Mapping[str, str], by_id: Mapping[str, Paper],
                   urls: Urls) -> Iterator[tuple[str, str]]:
    """(file relative to the site dir, its HTML) of each redirect: `redirects` is the target
    paper id by the place (`<folder>/<id>`, data/record.keep_places) of the page that moved.
    A place that a paper's page holds now, or whose target is not in `by_id`, gets none."""
    pages = {u.paper_file(p) for p in by_id.values()}
    template = _ENV.get_template("redirect.html.j2")
    for place, target in redirects.items():
        paper = by_id.get(target)
        source = f"{place}.md"
        if paper is None or source in pages:
            continue
        to = u.paper_file(paper)
        yield urls.output(source), template.render(
            title=paper.title, href=urls.href(source, to), canonical=urls.absolute(urls.url(to)))


def redirect_records(redirects: Mapping[str, str], by_id: Mapping[str, Paper], urls: Urls) -> list[dict]:
    """The redirects as papers.json lists them: `{"url": <old URL>, "id": <paper id>}`, for
    the pages redirect_pages writes."""
    pages = {u.paper_file(p) for p in by_id.values()}
    return [{"url": urls.url(f"{place}.md"), "id": target} for place, target in redirects.items()
            if target in by_id and f"{place}.md" not in pages]
