"""Last touches on every built HTML page: security policy, then whitespace."""

from __future__ import annotations

import re

from .csp import apply_csp, meta

PREVIEW_META = '<meta name="papers-preview" content="serve">'
"""Marks a page built by `mkdocs serve`: its search asks whether the index lags behind the last
edit (generator/theme/assets/search.js, site/preview.py)."""

# Runs of whitespace that start a line, outside the elements where whitespace is content.
_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.S | re.I)
_INDENT = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")


def minify(html: str) -> str:
    """Drop indentation and blank lines; keep <pre>, <textarea>, <script> and <style> as they are."""
    parts = _KEEP.split(html)
    out = []
    # re.split with two groups yields [text, whole, name, text, whole, name, ...].
    for i in range(0, len(parts), 3):
        out.append(_INDENT.sub("\n", parts[i]))
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out)


def finish_page(html: str, serving: bool = False, fonts: tuple[str, str] | None = None) -> str:
    """A built page as it is written to the site (`serving`: under `mkdocs serve`, with the
    policy csp.apply_csp gives it there and PREVIEW_META; `fonts`: the theme's Google Fonts,
    csp.theme_fonts, which the policy then allows)."""
    html = apply_csp(html, serving, fonts)
    if serving:
        html = html.replace(meta(True, fonts), meta(True, fonts) + PREVIEW_META, 1)
    return minify(html)
