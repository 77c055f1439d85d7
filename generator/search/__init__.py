"""Stage 4, search: the Pagefind index of the archive, built beside MkDocs' render.

`indexer` hands the papers to Pagefind and writes the bundle, `service` speaks to Pagefind's
binary, `bundle` reads and rewrites Pagefind's file format (behind one version check), `terms`
adds the hidden words a reader types (compound-name parts, TeX titles, CJK windows).
"""
