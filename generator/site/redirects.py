"""Writing the redirect pages (pages/redirects.py) into a built site: docs/permalinks.md."""

from __future__ import annotations

import os
from pathlib import Path

from ..data.pipeline import Archive
from ..pages import urls as u
from ..pages.redirects import redirect_pages
from ..pages.urls import Urls


def write_redirects(site_dir: Path, archive: Archive | None, urls: Urls, last: set[str] = frozenset()) -> set[str]:
    """Write a redirect page at every published place of `archive.redirects` that no page
    holds now, and delete those of `last` (the redirect pages a build left in this site: a
    cached build keeps its files) that are not written again (their paper is gone) and that
    no paper page holds now; returns the files written, relative to `site_dir`. Each file is
    replaced, not written through: the build cache hard-links the last site's files
    (site/preview.link_site), which must stay as they were. Raises OSError when a file cannot
    be written or deleted."""
    written: set[str] = set()
    papers = archive.papers if archive is not None else []
    if archive is not None and archive.redirects:
        for name, html in redirect_pages(archive.redirects, {p.id: p for p in papers}, urls):
            path = site_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            partial.write_text(html, encoding="utf-8")
            os.replace(partial, path)
            written.add(name)
    pages = {urls.output(u.paper_file(p)) for p in papers} if last - written else set()
    for name in last - written - pages:
        (site_dir / name).unlink(missing_ok=True)
    return written
