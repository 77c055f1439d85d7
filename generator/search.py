"""Build the Pagefind index of a built site with the binary that `pagefind[bin]` ships."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Callable

from .model import GeneratorError


def pagefind_executable() -> Path:
    """Path of the Pagefind binary inside the pagefind_bin wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError:  # pragma: no cover - the dependency is declared
        raise GeneratorError("pagefind is not installed: pip install 'pagefind[bin]'") from None
    return get_executable()


def index_site(site_dir: Path, log: Callable[[str], None] = print) -> float:
    """Index the paper pages of `site_dir` into `site_dir/pagefind`; return seconds taken."""
    start = time.perf_counter()
    command = [str(pagefind_executable()), "--site", str(site_dir), "--output-subdir", "pagefind", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise GeneratorError(f"pagefind failed ({result.returncode}): {' '.join(detail[-3:])}")
    took = time.perf_counter() - start
    log(f"search index built in {took:.1f} s")
    return took
