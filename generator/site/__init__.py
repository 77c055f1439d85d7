"""Stage 3, the site: the `papers` MkDocs plugin and what it adds to MkDocs' build.

`plugin` holds the hooks, `config` the plugin's options, `lean_pages` the pages without the
theme's repeated chrome, `paper_pages` the paper pages filled into one theme render, `finish`
and `csp` the last pass over every HTML page (minifying, Content-Security-Policy).
"""
