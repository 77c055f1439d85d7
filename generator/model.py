"""The typed records that flow through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class GeneratorError(Exception):
    """Base of every error the generator reports to a user."""


class DumpError(GeneratorError):
    """A dump file that cannot be read at all."""


class ConfigError(GeneratorError):
    """Configuration (mkdocs.yml options, tags.yml, years) that is not valid."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input, reported as `file:line: message`."""

    file: str
    """Dump file name as given on the command line or in the config."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    message: str
    """What is wrong, naming the offending value."""
    severity: str = "warning"
    """`warning` (the paper is still published) or `error` (input was skipped)."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Source:
    """Where an entry was read: provenance kept on every paper."""

    file: str
    """Dump file name (base name)."""
    line: int
    """1-based line of the entry's title."""


@dataclass(frozen=True)
class Record:
    """One paper entry as it stands in one dump, before years are resolved and titles merged."""

    title: str
    """The title line, stripped."""
    abstract: str
    """The abstract line, stripped; empty when the dump has none."""
    source: Source
    """File and line of the title."""
    month: int | None = None
    """Month of the date line, 1-12."""
    day: int | None = None
    """Day of the date line."""
    year: int | None = None
    """Year written on the date line; None when the listing omitted it."""
    upvotes: int | None = None
    """Upvote count; 0 when a metadata block shows none, None without metadata."""
    authors: int | None = None
    """Author count from a `• N authors` line."""
    org: str | None = None
    """The organization line exactly as written (`tencent Tencent`)."""
    line_date: int = 0
    """Line of the date in the dump (for problems found when the year is resolved)."""

    @property
    def has_metadata(self) -> bool:
        """True when the entry carried a metadata block."""
        return self.upvotes is not None or self.authors is not None or self.org is not None


@dataclass(frozen=True)
class Dump:
    """A parsed dump file: its layout, page date and entries."""

    file: str
    """File name."""
    layout: str
    """`A` (rich, with metadata) or `B` (compact)."""
    records: tuple[Record, ...]
    """Entries in file order."""
    page_month: int | None = None
    """Month of the page date in the header (layout A)."""
    page_day: int | None = None
    """Day of the page date in the header (layout A)."""
    page_year: int | None = None
    """Year written on the page date, rare; usually resolved by the year rule."""
    problems: tuple[Problem, ...] = ()
    """Everything that was wrong, in line order."""


@dataclass(frozen=True)
class Paper:
    """One distinct paper after merging every entry with the same title."""

    id: str
    """URL-safe slug, unique in the archive."""
    title: str
    """Title as first seen."""
    abstract: str
    """The longest abstract seen."""
    date: date | None
    """Publication date; None when no dump gave one."""
    upvotes: int | None
    """Highest upvote count seen."""
    authors: int | None
    """Author count."""
    organization: str | None
    """Organization display name (`Tencent`)."""
    org_id: str | None
    """Organization id from the org line (`tencent`)."""
    links: tuple[str, ...]
    """URLs found in the abstract, in order, without duplicates."""
    sources: tuple[Source, ...]
    """Every entry merged into this paper."""
    tags: tuple[str, ...] = ()
    """Tag names from the taxonomy, sorted."""
    related: tuple[str, ...] = field(default=())
    """Ids of the most similar papers, most similar first."""

    @property
    def url(self) -> str:
        """Page URL relative to the site root."""
        return f"{self.folder}/{self.id}/"

    @property
    def folder(self) -> str:
        """Folder of the page under the docs dir: papers/YYYY/MM or papers/undated."""
        if self.date is None:
            return "papers/undated"
        return f"papers/{self.date.year:04d}/{self.date.month:02d}"


# Constructors for the hot paths of parse and merge, which build some 300,000 of these objects
# per 100,000 papers. The `__init__` that dataclass writes for a frozen class sets each field
# through `object.__setattr__` (to get past the class's own `__setattr__`), about 0.15 µs a
# field; filling the new instance's `__dict__` directly builds the same object (equal, same
# hash and repr) in a third to a half of the time. Every field is given, none checked: only
# parse and merge use them, and tests/test_merge.py checks that they cover every field.
_new = object.__new__


def new_source(file: str, line: int) -> Source:
    """`Source(file, line)`, faster."""
    source = _new(Source)
    fields = source.__dict__
    fields["file"] = file
    fields["line"] = line
    return source


def new_record(
    title: str, abstract: str, source: Source, month: int | None, day: int | None, year: int | None,
    upvotes: int | None, authors: int | None, org: str | None, line_date: int,
) -> Record:
    """`Record(...)` with every field given in order, faster."""
    record = _new(Record)
    fields = record.__dict__
    fields["title"] = title
    fields["abstract"] = abstract
    fields["source"] = source
    fields["month"] = month
    fields["day"] = day
    fields["year"] = year
    fields["upvotes"] = upvotes
    fields["authors"] = authors
    fields["org"] = org
    fields["line_date"] = line_date
    return record


def new_paper(
    id: str, title: str, abstract: str, date: date | None, upvotes: int | None, authors: int | None,
    organization: str | None, org_id: str | None, links: tuple[str, ...], sources: tuple[Source, ...],
) -> Paper:
    """`Paper(...)` before tagging (no tags, no related papers), faster."""
    paper = _new(Paper)
    fields = paper.__dict__
    fields["id"] = id
    fields["title"] = title
    fields["abstract"] = abstract
    fields["date"] = date
    fields["upvotes"] = upvotes
    fields["authors"] = authors
    fields["organization"] = organization
    fields["org_id"] = org_id
    fields["links"] = links
    fields["sources"] = sources
    fields["tags"] = ()
    fields["related"] = ()
    return paper
