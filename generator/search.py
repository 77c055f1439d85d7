"""Build the Pagefind index of a built site with the binary that `pagefind[bin]` ships."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from .model import GeneratorError

# Only paper pages carry `data-pagefind-body`; reading just their folder skips parsing the
# listing pages, which grow with the archive too.
PAPER_GLOB = "papers/**/*.html"
# The date, upvote and tag line under a paper's title duplicates its filters and metadata:
# kept out of the word index it neither bloats the index nor fills excerpts with chips.
EXCLUDE_SELECTORS = (".papers-facts", ".papers-tags", "h2#abstract")


def pagefind_executable() -> Path:
    """Path of the Pagefind binary inside the pagefind_bin wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError:  # pragma: no cover - the dependency is declared
        raise GeneratorError("pagefind is not installed: pip install 'pagefind[bin]'") from None
    return get_executable()


def pagefind_command(site_dir: Path) -> list[str]:
    """The Pagefind command line that indexes the paper pages of `site_dir`."""
    command = [
        str(pagefind_executable()), "--site", str(site_dir), "--output-subdir", "pagefind",
        "--glob", PAPER_GLOB, "--quiet",
    ]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    return command


def index_site(site_dir: Path, log: Callable[[str], None] = print) -> float:
    """Index the paper pages of `site_dir` into `site_dir/pagefind`; return seconds taken."""
    start = time.perf_counter()
    if not any((site_dir / "papers").glob("**/*.html")):
        # Pagefind fails on an empty glob; an archive without papers has nothing to search.
        shutil.rmtree(site_dir / "pagefind", ignore_errors=True)
        log("search index skipped: no paper pages")
        return time.perf_counter() - start
    # Pagefind adds to its output folder and never prunes it: start empty, leave no stale files.
    shutil.rmtree(site_dir / "pagefind", ignore_errors=True)
    result = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise GeneratorError(f"pagefind failed ({result.returncode}): {' '.join(detail[-3:])}")
    took = time.perf_counter() - start
    log(f"search index built in {took:.1f} s")
    return took
