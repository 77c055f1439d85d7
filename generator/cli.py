"""`python -m generator`: check dumps, generate pages, build the site."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

import click

from .export import papers_json
from .merge import page_year
from .model import GeneratorError
from .pipeline import Archive, Settings, collect, plugin_options, settings_from_options

CONFIG_HELP = "mkdocs.yml whose `papers` plugin options apply (sources, tags, page_years)."


def _settings(config: str, sources: tuple[str, ...]) -> Settings:
    config_file = Path(config)
    settings = settings_from_options(plugin_options(config_file), config_file.parent)
    if sources:
        settings.sources = [Path(s) for s in sources]
    return settings


def _table(archive: Archive, settings: Settings, today: date) -> list[str]:
    header = ("file", "layout", "page year", "papers", "dated", "metadata", "problems")
    rows = []
    per_file = Counter(p.file for p in archive.problems)
    dated_ids = {(s.file, s.line) for p in archive.papers if p.date for s in p.sources}
    for dump in archive.dumps:
        year = "-"
        if any(r.month is not None and r.year is None for r in dump.records):
            py, _ = page_year(dump, settings.page_years, today)
            year = f"{py.year} ({py.how})"
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
    settings = _settings(config, sources)
    today = date.today()
    tags_present = settings.tags is not None and settings.tags.is_file()
    archive = collect(
        settings, today, with_tags=tags_present and json_path is not None,
        with_related=json_path is not None and not no_related,
    )
    out = sys.stderr if json_path == "-" else sys.stdout
    for row in _table(archive, settings, today):
        click.echo(row, file=out)
    dated = sum(1 for p in archive.papers if p.date)
    click.echo(
        f"\n{archive.entries} entries read from {len(archive.dumps)} files, "
        f"{len(archive.papers)} distinct papers, {dated} dated, {len(archive.papers) - dated} undated.",
        file=out,
    )
    years = Counter(
        page_year(d, settings.page_years, today)[0].year
        for d in archive.dumps
        for r in d.records
        if r.month is not None and r.year is None
    )
    if years:
        resolved = ", ".join(f"{n} to {y}" for y, n in sorted(years.items()))
        click.echo(f"Year-less dates resolved: {resolved}.", file=out)
    for problem in archive.problems:
        click.echo(str(problem), file=out)
    click.echo(f"{len(archive.problems)} problem(s).", file=out)
    if json_path:
        text = papers_json(archive.papers)
        if json_path == "-":
            sys.stdout.write(text)
        else:
            Path(json_path).write_text(text, encoding="utf-8")
            click.echo(f"Wrote {json_path}.", file=out)
    if strict and archive.problems:
        sys.exit(1)


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
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
