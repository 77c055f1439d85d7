"""GitHub's limits on what a site may publish, checked on the built site.

GitHub Pages publishes a site of at most 1 GB (https://docs.github.com/en/pages/getting-started-
with-github-pages/github-pages-limits: "Published GitHub Pages sites may be no larger than 1
GB"), and a repository refuses a file over 100 MiB (https://docs.github.com/en/repositories/
working-with-files/managing-large-files/about-large-files-on-github), which `mkdocs gh-deploy`
pushes the site as. A build says so before the host refuses it: over 90% of the site limit, it
warns naming what takes the space; a file over the file limit is a warning of its own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SITE_LIMIT = 1_000_000_000
"""GitHub Pages' limit on a published site, in bytes (1 GB)."""
WARN_AT = 0.9
"""The share of SITE_LIMIT from which a build warns."""
FILE_LIMIT = 100 * 1024 * 1024
"""GitHub's limit on one file of a repository, in bytes (100 MiB)."""


@dataclass(frozen=True)
class SiteSize:
    """What a built site weighs, in bytes."""

    total: int
    folders: dict[str, int]
    """Bytes under each top-level entry of the site (a folder, or a file at its root)."""
    large_files: list[tuple[str, int]]
    """Files over FILE_LIMIT, as (path relative to the site, bytes)."""


def measure(site_dir: Path) -> SiteSize:
    """Walk the site once (os.scandir: its entries' types come with the listing): its total
    size, its size per top-level entry, its files over the file limit."""
    total = 0
    folders: dict[str, int] = {}
    large: list[tuple[str, int]] = []
    start = len(str(site_dir)) + 1
    try:
        tops = list(os.scandir(site_dir))
    except FileNotFoundError:
        tops = []
    for top in tops:
        stack, size = [top], 0
        while stack:
            entry = stack.pop()
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.extend(os.scandir(entry.path))
                    continue
                n = entry.stat(follow_symlinks=False).st_size
            except OSError:  # gone meanwhile
                continue
            size += n
            if n > FILE_LIMIT:
                large.append((entry.path[start:], n))
        folders[top.name] = size
        total += size
    return SiteSize(total, folders, sorted(large))


def warnings(size: SiteSize) -> list[str]:
    """What a build should say about `size` (nothing while it is well within GitHub's limits)."""
    out = []
    if size.total > WARN_AT * SITE_LIMIT:
        biggest = sorted(size.folders.items(), key=lambda kv: -kv[1])[:5]
        parts = ", ".join(f"{name} {mb(n)}" for name, n in biggest)
        out.append(f"the site is {mb(size.total)}, {size.total / SITE_LIMIT:.0%} of the 1 GB GitHub Pages publishes "
                   f"(most of it: {parts})")
    for path, n in size.large_files:
        out.append(f"{path} is {mb(n)}: over the 100 MiB GitHub keeps in a repository (mkdocs gh-deploy pushes it)")
    return out


def mb(n: int) -> str:
    """Bytes as megabytes, `1,014 MB`."""
    return f"{n / 1_000_000:,.0f} MB"
