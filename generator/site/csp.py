"""Content-Security-Policy for the built pages: only the site's own scripts, styles and wasm.

The policy goes in a `<meta http-equiv>` because GitHub Pages sets no headers. Material's inline
scripts are moved into files by the partials in overrides/partials/javascripts/, so the policy
needs neither 'unsafe-inline' nor hashes: an inline script that reached a page (from dump text or
a template) does not run. `frame-ancestors` is left out, browsers ignore it in a meta element.
"""

from __future__ import annotations

import re

POLICY = "; ".join([
    # Styles, fonts and fetches: the site's own (they fall back to default-src, which every page
    # then names once instead of four times: at 100,000 pages that is 7 MB).
    "default-src 'self'",
    # Pagefind compiles its WebAssembly search engine: 'wasm-unsafe-eval', not 'unsafe-eval'.
    "script-src 'self' 'wasm-unsafe-eval'",
    # Material's icons in its CSS are data: URLs.
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])
META = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
# Under `mkdocs serve` only: MkDocs' server injects its live-reload poller as an inline script
# into every page it serves (its text holds the build's epoch, so no hash can name it). The
# published site never gets this policy; the poller's requests go to the same host ('self').
SERVE_POLICY = POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
SERVE_META = f'<meta http-equiv="Content-Security-Policy" content="{SERVE_POLICY}">'

# The policy applies only to what follows it: right after <meta charset>, else right after <head>.
_CHARSET = re.compile(r"\s*<meta\s+charset=[\"']?[\w-]+[\"']?\s*/?>", re.I)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)
# Python-Markdown's tables write column alignment as a style attribute, which style-src 'self'
# blocks: the same alignment as a class of overrides/assets/papers.css.
_ALIGN = re.compile(r'<(td|th) style="text-align: (left|right|center);">')


# An inline script that is code, not JSON data: on a page that has one, the policy would break it.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>\s*\S", re.I)


def apply_csp(html: str, serving: bool = False) -> str:
    """The page with its Content-Security-Policy in place (with `serving`, the policy of
    `mkdocs serve`, SERVE_POLICY, which lets its live-reload script run).

    Pages without <head> are left unchanged, and so are pages whose theme writes inline code:
    another Material site using the plugin without this project's overrides/ keeps working
    (this site's own pages carry none; the tests check every page has the policy).
    """
    head = _HEAD.search(html)
    if head is None or _INLINE_SCRIPT.search(html):
        return html
    charset = _CHARSET.match(html, head.end())
    at = charset.end() if charset else head.end()
    html = f"{html[:at]}\n{SERVE_META if serving else META}{html[at:]}"
    return _ALIGN.sub(r'<\1 class="papers-align-\2">', html)
