"""Writing the redirect pages (pages/redirects.py) into a built site: docs/permalinks.md."""

from __future__ import annotations

import os
from pathlib import Path

from ..data.pipeline import Archive
from ..pages.redirects import redirect_pages
from ..pages.urls import Urls


def write_redirects(site_dir: Path, archive: Archive | None, urls: Urls) -> int:
    """Write a redirect page at every published place of `archive.redirects` that no page
    holds now; returns how many. Each file is replaced, not written through: the build cache
    hard-links the last site's files (site/preview.link_site), which must stay as they were.
    Raises OSError when a file cannot be written."""
    if archive is None or not archive.redirects:
        return 0
    written = 0
    for name, html in redirect_pages(archive.redirects, {p.id: p for p in archive.papers}, urls):
        path = site_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(html, encoding="utf-8")
        os.replace(partial, path)
        written += 1
    return written
