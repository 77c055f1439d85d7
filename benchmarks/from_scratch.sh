#!/bin/sh
# A build from scratch of REPO's code over a folder of dumps, for timing two versions of the code
# against each other (docs/performance.md):
#
#   benchmarks/from_scratch.sh REPO DUMPS SITE
#   farm-bench -n 7 --vs 'benchmarks/from_scratch.sh /tmp/old /tmp/c10k /tmp/s-old' -- \
#       benchmarks/from_scratch.sh "$PWD" /tmp/c10k /tmp/s-new
#
# REPO: a checkout (its generated files and build cache are removed first); DUMPS: a folder of
# dumps (benchmarks/synth.py writes synthetic ones); SITE: where the site goes. Runs with this
# checkout's .venv and REPO's code.
set -e
[ $# -eq 3 ] || { echo "usage: $0 REPO DUMPS SITE" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$1"
rm -rf site .cache content/papers content/dates content/tags content/orgs content/stats content/index.md \
    content/search.md content/list.md content/feed.xml content/papers.json content/papers.json.gz "$3"
PYTHONPATH="$1" exec "$here/.venv/bin/python" -m generator build --sources "$2" --site-dir "$3"
