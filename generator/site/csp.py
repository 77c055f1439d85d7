"""Content-Security-Policy for the built pages: only the site's own scripts, styles and wasm.

The policy goes in a `<meta http-equiv>` because GitHub Pages sets no headers. Material's inline
scripts are moved into files by the partials in generator/theme/partials/javascripts/, so the policy
needs neither 'unsafe-inline' nor script hashes: an inline script that reached a page (from dump
text or a template) does not run. `frame-ancestors` is left out, browsers ignore it in a meta element.

A site that keeps Material's Google Fonts (no `theme.font: false`) gets a policy that allows
what Material's base.html then writes (its `fonts` block): the stylesheet from
fonts.googleapis.com, the font files from fonts.gstatic.com, and its one inline <style> that
names the fonts, by the hash of its text (CSP Level 3, "hash-source"), not 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache

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

GOOGLE_FONTS_CSS = "https://fonts.googleapis.com"
"""Where Material's base.html loads the stylesheet of the theme's fonts from."""
GOOGLE_FONTS_FILES = "https://fonts.gstatic.com"
"""Where that stylesheet loads the font files from."""


def theme_fonts(config) -> tuple[str, str] | None:
    """The (text, code) fonts that Material loads from Google Fonts for a loaded MkDocsConfig,
    as its base.html picks them (Roboto and Roboto Mono by default); None with
    `theme.font: false`, which loads none."""
    font = config.theme.get("font")
    if font is False:
        return None
    font = font if isinstance(font, dict) else {}
    return (font.get("text") or "Roboto", font.get("code") or "Roboto Mono")


def font_style(fonts: tuple[str, str]) -> str:
    """The text of the <style> that Material 9.8.1's base.html writes for `fonts` (its `fonts`
    block), which names them for the theme's CSS."""
    return f':root{{--md-text-font:"{fonts[0]}";--md-code-font:"{fonts[1]}"}}'


@lru_cache(maxsize=8)
def policy(serving: bool = False, fonts: tuple[str, str] | None = None) -> str:
    """The policy of a page: POLICY, or SERVE_POLICY with `serving`; with `fonts` (theme_fonts)
    also Google Fonts' stylesheet and files and the hash of Material's font <style>."""
    text = SERVE_POLICY if serving else POLICY
    if fonts is None:
        return text
    digest = base64.b64encode(hashlib.sha256(font_style(fonts).encode("utf-8")).digest()).decode("ascii")
    return "; ".join([text, f"style-src 'self' {GOOGLE_FONTS_CSS} 'sha256-{digest}'",
                      f"font-src 'self' {GOOGLE_FONTS_FILES}"])


@lru_cache(maxsize=8)
def meta(serving: bool = False, fonts: tuple[str, str] | None = None) -> str:
    """The <meta> element that carries `policy(serving, fonts)`."""
    return f'<meta http-equiv="Content-Security-Policy" content="{policy(serving, fonts)}">'


# The policy applies only to what follows it: right after <meta charset>, else right after <head>.
_CHARSET = re.compile(r"\s*<meta\s+charset=[\"']?[\w-]+[\"']?\s*/?>", re.I)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)
# Python-Markdown's tables write column alignment as a style attribute, which style-src 'self'
# blocks: the same alignment as a class of generator/theme/assets/papers.css.
_ALIGN = re.compile(r'<(td|th) style="text-align: (left|right|center);">')


# An inline script that is code, not JSON data: on a page that has one, the policy would break it.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>\s*\S", re.I)


def apply_csp(html: str, serving: bool = False, fonts: tuple[str, str] | None = None) -> str:
    """The page with its Content-Security-Policy in place (with `serving`, the policy of
    `mkdocs serve`, SERVE_POLICY, which lets its live-reload script run; with `fonts`, the
    theme's Google Fonts allowed: `policy`).

    Pages without <head> are left unchanged, and so are pages whose theme writes inline code:
    another Material site using the plugin without this project's overrides/ keeps working
    (this site's own pages carry none; the tests check every page has the policy).
    """
    head = _HEAD.search(html)
    if head is None or _INLINE_SCRIPT.search(html):
        return html
    charset = _CHARSET.match(html, head.end())
    at = charset.end() if charset else head.end()
    html = f"{html[:at]}\n{meta(serving, fonts)}{html[at:]}"
    return _ALIGN.sub(r'<\1 class="papers-align-\2">', html)
