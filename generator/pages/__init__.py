"""Stage 2, the pages: papers in, the Markdown, feed, charts and papers.json of the site out.

`urls` owns every URL and output path, `render` writes the pages from `templates/`, `export`
writes papers.json, `charts` draws the stats page's SVG charts.
"""
