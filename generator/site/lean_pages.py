"""Lean pages: the pages of papers and listings without what is the same on every page.

Material writes its header (palette toggle, search box), navigation, back-to-top button, footer
and __config data into every page: about 10 KB, the same on each, which at 100,000 papers is
more than GitHub Pages' 1 GB on its own. The theme's lean.html (generator/theme/) leaves them out and loads
assets/papers-chrome.js, which writes them into the page as it loads. The theme renders that
script once per build (generator/theme/papers-chrome.html) in the home page's context, so its markup
is that of the theme's own partials, with links relative to the site's root.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.commands.build import get_context
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from ..pages.render import same_content
from ..pages.urls import LEAN_SCRIPT, LEAN_STYLES
from .csp import GOOGLE_FONTS_CSS, font_style, theme_fonts

LEAN = "lean.html"
TEMPLATE = "papers-chrome.html"
ASSET = LEAN_SCRIPT
STYLES = LEAN_STYLES
# Material's own files, as its base.html names them (their names carry a hash of their content).
_MATERIAL = {
    "main_css": re.compile(r"assets/stylesheets/main\.[0-9a-f]+\.min\.css"),
    "palette_css": re.compile(r"assets/stylesheets/palette\.[0-9a-f]+\.min\.css"),
    "bundle_js": re.compile(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js"),
}


def theme_is_lean(config) -> bool:
    """Whether the theme has lean pages (generator/theme/lean.html): known before the theme's
    environment exists, which MkDocs makes after it has read the pages."""
    return any((Path(folder) / LEAN).is_file() for folder in config.theme.dirs)


def setup(env) -> None:
    """Tell lean.html the names of Material's own files."""
    base = env.loader.get_source(env, "base.html")[0]
    names = {}
    for key, pattern in _MATERIAL.items():
        found = pattern.search(base)
        if found is None:
            raise PluginError(f"{LEAN}: Material's base.html names no {pattern.pattern}; "
                              "is Material for MkDocs 9.x installed?")
        names[key] = found.group(0)
    env.globals["papers_material"] = names


def render_chrome(config, env, nav, files) -> str:
    """The script, rendered in the context of the home page (links relative to the root)."""
    page = nav.homepage
    if page is None:  # a site without a home page: a stand-in at the root
        page = Page(None, File("index.md", config.docs_dir, config.site_dir, config.use_directory_urls), config)
        page.meta = {}
    context = get_context(nav, files, config, page)
    return env.get_template(TEMPLATE).render(context).lstrip()


def lean_styles(config, env) -> str:
    """One stylesheet that imports Material's and extra_css in base.html's order (Google Fonts
    first and the fonts' names last when the theme loads them, as base.html's `fonts` block
    does): a lean page links one file instead of three."""
    names = env.globals["papers_material"]
    sheets = [names["main_css"]] + ([names["palette_css"]] if config.theme.get("palette") else [])
    sheets += [str(path) for path in config.extra_css]
    lines = ["/* Papers Archive: the stylesheets of a lean page (the theme's lean.html), in Material's "
             "order. Written by the papers plugin. */"]
    fonts = theme_fonts(config)
    if fonts is not None:  # Material's Google Fonts, as its base.html loads them (csp.py allows them)
        family = f"{fonts[0].replace(' ', '+')}:300,300i,400,400i,700,700i%7C{fonts[1].replace(' ', '+')}:400,400i,700,700i"
        sheets.insert(0, f"{GOOGLE_FONTS_CSS}/css?family={family}&display=fallback")
    for sheet in sheets:
        url = sheet if re.match(r"^(?:[a-z][a-z0-9+.-]*:|/)", sheet, re.I) else "../" + sheet.removeprefix("./")
        lines.append(f'@import url("{url}");')
    if fonts is not None:
        lines.append(font_style(fonts))
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if not same_content(path, data):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_chrome(config, env, nav, files) -> None:
    """Write the script and the stylesheet of lean pages into the site."""
    site = Path(config.site_dir)
    _write(site / ASSET, render_chrome(config, env, nav, files))
    _write(site / STYLES, lean_styles(config, env))
