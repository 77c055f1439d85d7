"""Stage 1, the data: dump files in, papers out (DESIGN.md's pipeline, without MkDocs).

`sources` finds and decodes dump files, `parse` reads each capture into records, `merge` makes
one paper per title, `tags` and `related` add tags and related papers, `pipeline` runs them in
order; `model` holds the shapes they pass along. Nothing here imports MkDocs.
"""
