"""`python -m generator`: check dumps, generate pages, build the site."""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date
from pathlib import Path

import click

from .data.merge import PageYear, page_year
from .data.model import GeneratorError
from .data.pipeline import Archive, Settings, collect
from .pages.export import papers_json
from .pages.urls import Urls, export_in
from .site.config import load_mkdocs, papers_config, plugin_of, resolve

CONFIG_HELP = ("mkdocs.yml, loaded as `mkdocs build` loads it: its `papers` plugin options "
               "(sources, tags, page_years, …) apply.")


def _check_settings(config: str, sources: tuple[str, ...]) -> tuple[Settings, Urls]:
    """What `check` reads and the URLs its papers.json gives: the plugin options and URL rules
    of `config` (every default when there is no such file), with `sources` instead of the
    configured ones when given, and the ids of the papers.json the last build left in the docs
    dir (permalinks stay as the build keeps them). Raises ConfigError for a config that is not
    valid."""
    config_file = Path(config)
    previous = None
    if config_file.is_file():
        mkdocs_config = load_mkdocs(config_file)
        options, urls = plugin_of(mkdocs_config, config_file).config, Urls.of(mkdocs_config)
        # The papers.json the last build left: its ids stay, as the build keeps them.
        # The papers.json.gz the last build left: its ids stay, as the build keeps them.
        previous = export_in(Path(mkdocs_config.docs_dir))
    else:
        options, urls = papers_config(), Urls()
    settings = resolve(options, config_file.parent)
    settings.previous = previous
    if sources:
        settings.sources = [Path(s) for s in sources]
    return settings, urls


def _page_years(archive: Archive, settings: Settings, today: date) -> dict[str, PageYear]:
    """The page year of each dump that has dates without a year."""
    return {
        d.file: page_year(d, settings.page_years, today)[0]
        for d in archive.dumps
        if any(r.month is not None and r.year is None for r in d.records)
    }


def _table(archive: Archive, years: dict[str, PageYear]) -> list[str]:
    header = ("file", "layout", "page year", "papers", "dated", "metadata", "problems")
    rows = []
    per_file = Counter(p.file for p in archive.problems)
    dated_ids = {(s.file, s.line) for p in archive.papers if p.date for s in p.sources}
    for dump in archive.dumps:
        py = years.get(dump.file)
        year = f"{py.year} ({py.how})" if py else "-"
        rows.append((
            dump.file, dump.layout, year, str(len(dump.records)),
            str(sum(1 for r in dump.records if (r.source.file, r.source.line) in dated_ids)),
            str(sum(1 for r in dump.records if r.has_metadata)),
            str(per_file.get(dump.file, 0)),
        ))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{{:{'<' if i < 3 else '>'}{w}}}" for i, w in enumerate(widths))
    return [line.format(*header), *(line.format(*r) for r in rows)]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="papers-archive")
def cli() -> None:
    """Turn Hugging Face Daily Papers dumps into a searchable static archive.

    \b
    Examples:
      python -m generator check content/raw
      python -m generator build --site-dir site
      python -m generator fetch --since 2026-12-01
    """


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="Exit with status 1 if any problem is found.")
@click.option("--json", "json_path", metavar="PATH", help="Also write papers.json there (- for standard output).")
@click.option("--config", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
@click.option("--no-related", is_flag=True, help="Skip the related-papers step (faster; `related` stays empty).")
def check(sources: tuple[str, ...], strict: bool, json_path: str | None, config: str, no_related: bool) -> None:
    """Parse dumps and report papers, dates and problems per file.

    SOURCES are dump files or folders of dumps (default: the configured sources,
    content/raw). Every problem is printed as file:line: message.

    \b
    Examples:
      python -m generator check content/raw
      python -m generator check dumps/*.txt --strict --json papers.json
    """
    _mkdocs_logging(False)
    settings, urls = _check_settings(config, sources)
    today = date.today()
    tags_present = settings.tags is not None and settings.tags.is_file()
    archive = collect(
        settings, today, with_tags=tags_present and json_path is not None,
        with_related=json_path is not None and not no_related,
    )
    out = sys.stderr if json_path == "-" else sys.stdout
    page_years = _page_years(archive, settings, today)
    for row in _table(archive, page_years):
        click.echo(row, file=out)
    dated = sum(1 for p in archive.papers if p.date)
    click.echo(
        f"\n{archive.entries} entries read from {len(archive.dumps)} files, "
        f"{len(archive.papers)} distinct papers, {dated} dated, {len(archive.papers) - dated} undated.",
        file=out,
    )
    years = Counter(
        page_years[d.file].year for d in archive.dumps for r in d.records if r.month is not None and r.year is None
    )
    if years:
        resolved = ", ".join(f"{n} to {y}" for y, n in sorted(years.items()))
        click.echo(f"Year-less dates resolved: {resolved}.", file=out)
    for problem in archive.problems:
        click.echo(str(problem), file=out)
    click.echo(f"{len(archive.problems)} problem(s).", file=out)
    if json_path:
        text = papers_json(archive.papers, urls, archive.uuid)
        if json_path == "-":
            sys.stdout.write(text)
        else:
            Path(json_path).write_text(text, encoding="utf-8")
            click.echo(f"Wrote {json_path}.", file=out)
    if strict and archive.problems:
        sys.exit(1)


def _mkdocs_logging(verbose: bool) -> None:
    """Show MkDocs' and the plugin's progress the way `mkdocs build` does."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_papers", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._papers = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _load_mkdocs(config: str, sources: tuple[str, ...], **overrides):
    """The MkDocsConfig of `config` and its `papers` plugin, with `sources` (checked to exist)
    instead of the configured ones when given. Raises ConfigError or GeneratorError."""
    cfg = load_mkdocs(config, **overrides)
    plugin = plugin_of(cfg, config)
    if sources:
        missing = [s for s in sources if not Path(s).exists()]
        if missing:
            raise GeneratorError(f"no such file or folder: {missing[0]}")
        plugin.config["sources"] = [str(Path(s).resolve()) for s in sources]
    return cfg, plugin


@cli.command()
@click.option("--sources", "sources", multiple=True, type=click.Path(), metavar="DIR",
              help="Dump folder or file (repeatable); default: the configured sources.")
@click.option("--docs-dir", type=click.Path(file_okay=False), help="Write the pages here instead of the configured docs_dir.")
@click.option("--config", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
def generate(sources: tuple[str, ...], docs_dir: str | None, config: str) -> None:
    """Write the Markdown pages, feed and papers.json into the docs dir.

    Only files whose content changed are rewritten; generated files of papers
    that are gone are removed.

    \b
    Example:
      python -m generator generate --sources content/raw
    """
    _mkdocs_logging(False)
    cfg, plugin = _load_mkdocs(config, sources)
    _generate(cfg, plugin, Path(docs_dir or cfg.docs_dir), click.echo)


def _generate(cfg, plugin, target: Path, say: Callable[[str], None],
              tagged: Callable[[list], None] | None = None) -> tuple[Archive, int]:
    """Collect the archive of a loaded config and write its Markdown pages, feed and papers.json
    into `target` (the docs dir), each problem on standard error and the counts by `say`;
    `tagged(papers)` as collect calls it. Returns the archive and its number of problems.
    Raises GeneratorError when a dump, the tag rules or a page cannot be read or written."""
    from .pages.render import write_outputs
    from .site.build import generate, settings_of

    settings = settings_of(plugin.config, cfg)
    settings.previous = export_in(target)
    # Streamed to disk a file at a time, as the plugin does (100,000 papers are 600 MB of text).
    archive, problems, (written, unchanged, removed) = generate(
        settings, cfg, lambda outputs, _reused: write_outputs(target, outputs),
        progress=lambda m: click.echo(m, err=True), warn=lambda m: click.echo(m, err=True), tagged=tagged,
        rules=plugin.config.tags)
    say(f"{target}: {written} files written, {unchanged} unchanged, {removed} removed.")
    return archive, problems


@cli.command()
@click.option("--sources", "sources", multiple=True, type=click.Path(), metavar="DIR",
              help="Dump folder or file (repeatable); default: the configured sources.")
@click.option("--site-dir", type=click.Path(file_okay=False), help="Output folder (default: site_dir of the config, site/).")
@click.option("--strict", is_flag=True, help="Fail on any problem in the dumps and on any MkDocs (or Zensical) warning.")
@click.option("--config", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
@click.option("--no-search", is_flag=True, help="Skip the Pagefind index (MkDocs only).")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="The site generator: MkDocs with the papers plugin, or Zensical (pip install zensical; "
                   "docs/commands.md: Building with Zensical).")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' debug messages (Zensical's whole output).")
@click.option("--published", metavar="URL",
              help="The address the site is published at: its papers.json.gz is the record of what was "
                   "published (ids, URLs), fetched from there instead of the last local build's "
                   "(docs/permalinks.md). The publish workflow passes it.")
def build(sources: tuple[str, ...], site_dir: str | None, strict: bool, config: str, no_search: bool,
          engine: str, verbose: bool, published: str | None) -> None:
    """Generate the pages, build the site with MkDocs and index it with Pagefind.

    The site is built in a sibling folder and swapped in only when everything
    succeeded, so a failed build leaves the previous site untouched. With the
    build cache (the plugin's `cache` option, on by default, in .cache/papers)
    only the pages and search bundles whose inputs changed are made again; the
    others are linked from the previous site. Its address
    is mkdocs.yml's site_url (this repository's reads SITE_URL): without one,
    every link is relative and the sitemap and canonical links are left out.

    Every paper published before keeps its id and URL (docs/permalinks.md): the
    record of what was published is the last build's papers.json.gz, or with
    --published the live site's, fetched from there (the only time a build
    reaches the network). When it cannot be had, one line says so and the build
    goes on.

    With --engine zensical, Zensical builds the same mkdocs.yml and pages
    instead of MkDocs, and this command does what the plugin would have done:
    the search index, the finishing of every page, the sitemap. Every paper
    page is then a full page, and there is no build cache.

    \b
    Examples:
      python -m generator build
      python -m generator build --sources dumps/ --site-dir public --strict
      python -m generator build --engine zensical
      python -m generator build --strict --published https://you.github.io/archive/
    """
    from .site.build import build_site

    _mkdocs_logging(verbose)
    if engine == "zensical":
        _build_zensical(sources, site_dir, strict, config, no_search, verbose)
        return
    overrides = {"strict": True} if strict else {}
    cfg, plugin = _load_mkdocs(config, sources, **overrides)
    if no_search:
        plugin.config["search"] = False
    final = Path(site_dir or cfg.site_dir).resolve()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="papers-record-") as folder:
        if published:
            plugin.state.record = _published_record(published, Path(folder))
        build_site(cfg, final)
    click.echo(f"Built {final} in {time.perf_counter() - start:.1f} s.")


def _published_record(url: str, folder: Path) -> Path | None:
    """The live site's record fetched into `folder` (data/record.fetch_record); None, said in one
    line on standard error, when it cannot be had."""
    from .data.record import fetch_record

    path, why = fetch_record(url, folder)
    if path is None:
        click.echo(f"Warning: {why}", err=True)
    else:
        click.echo(f"Published record: {url.rstrip('/')}/{path.name}", err=True)
    return path


def _build_zensical(sources: tuple[str, ...], site_dir: str | None, strict: bool, config: str,
                    no_search: bool, verbose: bool) -> None:
    """`build --engine zensical` (site/zensical.py): generate, index in the background, build
    with Zensical in a folder of the project (Zensical builds nowhere else), finish, swap in.
    Raises GeneratorError when Zensical is missing or a step fails (the last site stays)."""
    from .search.indexer import Indexer
    from .site import zensical
    from .site.build import swap_in

    version = zensical.installed_version()
    cfg, plugin = _load_mkdocs(config, sources)
    search = plugin.config["search"] and not no_search
    if not search:
        # The pages' search script comes with them (main.html: Zensical runs no plugin to say
        # there is no index), and would fail on every page.
        raise GeneratorError("a Zensical build always has its search index: leave out --no-search "
                             "(and `search: false` in mkdocs.yml)")
    start = time.perf_counter()
    click.echo(f"Zensical {version}" + ("" if version == zensical.TESTED
                                        else f" (the archive is tested with {zensical.TESTED})"), err=True)
    config_file = Path(cfg.config_file_path).resolve()
    final = Path(site_dir or cfg.site_dir).resolve()
    staging = config_file.parent / f".{final.name}.zensical.building"
    previous = final.parent / f".{final.name}.previous"
    for leftover in (staging, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    urls = Urls.of(cfg)
    language = cfg.theme.get("language") or "en"
    indexer = Indexer(log=lambda m: click.echo(m, err=True))
    archive, problems = _generate(cfg, plugin, Path(cfg.docs_dir),
                                  lambda m: click.echo(m, err=True),
                                  tagged=lambda papers: indexer.start(papers, urls, language))
    try:
        if strict and problems:
            raise GeneratorError(f"{problems} problem(s) in the dumps and --strict")
        custom = cfg.theme.custom_dir
        over = zensical.build(config_file, staging, urls, cfg.theme.get("variant"), indexer,
                              say=lambda m: click.echo(m, err=True), verbose=verbose, strict=strict,
                              custom_dir=Path(custom) if custom else None, archive=archive)
        if over and strict:
            raise GeneratorError("the site is over GitHub's limits and --strict")
        if indexer.report_unindexed(lambda m: click.echo(m, err=True)) and strict:
            raise GeneratorError(f"{len(indexer.unindexed)} paper(s) not in the search index and --strict")
        final.parent.mkdir(parents=True, exist_ok=True)
        swap_in(staging, final, previous)
    except GeneratorError as exc:
        indexer.cancel()
        raise GeneratorError(f"build failed, {final} left as it was: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    click.echo(f"Built {final} with Zensical in {time.perf_counter() - start:.1f} s "
               f"({len(archive.papers)} papers).")


def _iso_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


@cli.command()
@click.option("--date", "day", callback=_iso_day, metavar="YYYY-MM-DD", help="Fetch this day (its file is replaced).")
@click.option("--since", callback=_iso_day, metavar="YYYY-MM-DD", help="Fetch every day from this one through yesterday.")
@click.option("--to", "folder", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder to save the days in (default: the first configured source folder, content/raw).")
@click.option("--retries", default=5, show_default=True, type=click.IntRange(0, 20),
              help="Tries again after a rate limit or a server error, waiting 1 s, 2 s, … up to 8 s.")
@click.option("--config", default="mkdocs.yml", show_default=True, help=CONFIG_HELP)
@click.option("--today", callback=_iso_day, hidden=True, help="The day it is (tests): yesterday is the last fetched.")
def fetch(day: date | None, since: date | None, folder: str | None, retries: int, config: str,
          today: date | None) -> None:
    """Save days of Hugging Face's Daily Papers from its public API as dumps.

    Each day becomes DIR/YYYY-MM-DD.json, the API's own JSON (capture form I:
    author names, AI summary, GitHub, upvotes, comments), written whole or not
    at all. With neither --date nor --since, every day after the newest such
    file in DIR is fetched, through yesterday (UTC; today's list still grows).
    A day without papers writes nothing. Requests go through huggingface_hub:
    HF_ENDPOINT and HF_TOKEN apply, and rate limits are retried.

    \b
    Examples:
      python -m generator fetch
      python -m generator fetch --date 2026-12-04
      python -m generator fetch --since 2026-11-01 --to content/raw
    """
    from datetime import datetime

    from .data.fetch import days_to_fetch, fetch_days

    if day is not None and since is not None:
        raise click.UsageError("give --date or --since, not both")
    if folder is None:
        settings, _ = _check_settings(config, ())
        folders = [s for s in settings.sources if s.suffix == "" or s.is_dir()]
        target = folders[0] if folders else Path("content/raw")
    else:
        target = Path(folder)
    today = today or datetime.now(UTC).date()
    days = days_to_fetch(target, day, since, today)
    if not days:
        yesterday = today.toordinal() - 1
        click.echo(f"Nothing to fetch: {target} has every day through {date.fromordinal(yesterday).isoformat()}.")
        return
    fetched = fetch_days(days, target, retries, say=click.echo)
    saved = [f for f in fetched if f.path is not None]
    click.echo(f"{len(saved)} of {len(fetched)} days saved in {target}, {sum(f.papers for f in saved)} papers.")


def main() -> None:
    """Entry point: user errors become one `Error:` line and exit status 1."""
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GeneratorError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # a file the commands could not read or write; it names the file
        click.echo(f"Error: {exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
