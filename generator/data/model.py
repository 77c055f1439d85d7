"""The typed records that flow through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class GeneratorError(Exception):
    """Base of every error the generator reports to a user."""


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
    comments: int | None = None
    """Comment count: the number after the date (`Oct 7 2`); 0 for a date line without one,
    None when the entry has no date line."""
    upvotes: int | None = None
    """Upvote count from an upvote line before the title (`101`; `-` is 0; FORMATS.md C, D, E),
    None when the capture shows none."""
    authors: int | None = None
    """Author count from a `• N authors` line."""
    org: str | None = None
    """The organization as the capture shows it: layout A's line as written (`tencent Tencent`),
    elsewhere the display name (`Tencent`)."""
    org_id: str | None = None
    """Organization id (`tencent`): layout A's first word, or the id a link or avatar gives."""
    org_name: str | None = None
    """Organization display name (`Tencent`)."""
    arxiv_id: str | None = None
    """arXiv id from a link to the paper (`2510.06107`; FORMATS.md D, E), else None."""
    line_date: int = 0
    """Line of the date in the dump (for problems found when the year is resolved)."""
    author_names: tuple[str, ...] | None = None
    """The authors' names in order when the capture names them (FORMATS.md G, I), else None."""
    summary: str | None = None
    """The one-sentence AI summary Hugging Face shows (FORMATS.md G, I), else None."""
    github_repo: str | None = None
    """URL of the paper's GitHub repository when the capture links it (E, G, I), else None."""
    github_stars: int | None = None
    """Stars of that repository as the capture shows them (`3.29k` is 3290), else None."""
    project_page: str | None = None
    """URL of the paper's project page (G, I), else None."""

    @property
    def has_metadata(self) -> bool:
        """True when the entry carried a metadata block (an authors or organization line, or a date)."""
        return self.comments is not None or self.authors is not None or self.org is not None


@dataclass(frozen=True)
class Paste:
    """One pasted page inside a capture file (a file may hold several: FORMATS.md F)."""

    layout: str
    """Its capture form: `A`, `B`, `C`, `D` or `E` (FORMATS.md)."""
    line: int
    """1-based line where its header starts."""
    count: int
    """How many of the dump's records, in order, come from this paste."""
    page_month: int | None = None
    """Month of the page date under its header (the day the listing shows)."""
    page_day: int | None = None
    """Day of that page date."""
    page_year: int | None = None
    """Year written on the page date, rare; usually resolved by the year rule."""
    captured: str | None = None
    """ISO date a capture tool wrote into its front matter (`retrieved: 2026-10-02`), if any."""


@dataclass(frozen=True)
class Dump:
    """A parsed capture file: its pastes, entries and problems."""

    file: str
    """File name."""
    layout: str
    """The capture form of FORMATS.md (`A`, `B`, `C`, `D`, `E`), or the forms of its pastes
    joined by `+` (`C+C`) for a file of appended pastes; `?` when unreadable."""
    records: tuple[Record, ...]
    """Entries in file order."""
    pastes: tuple[Paste, ...] = ()
    """The pastes in file order; their counts add up to the records."""
    problems: tuple[Problem, ...] = ()
    """Everything that was wrong, in line order."""

    @property
    def _dated_paste(self) -> Paste | None:
        return next((p for p in reversed(self.pastes) if p.page_month is not None), None)

    @property
    def page_month(self) -> int | None:
        """Month of the last page date (the file's capture day; its name carries it)."""
        paste = self._dated_paste
        return paste.page_month if paste else None

    @property
    def page_day(self) -> int | None:
        """Day of the last page date."""
        paste = self._dated_paste
        return paste.page_day if paste else None

    @property
    def page_year(self) -> int | None:
        """Year written on the last page date, if any."""
        paste = self._dated_paste
        return paste.page_year if paste else None

    def paste_records(self) -> list[tuple[Paste, tuple[Record, ...]]]:
        """Each paste with its records, in file order."""
        out = []
        start = 0
        for paste in self.pastes:
            out.append((paste, self.records[start:start + paste.count]))
            start += paste.count
        if start < len(self.records):  # a Dump built by hand, without pastes
            out.append((Paste(self.layout, 0, len(self.records) - start), self.records[start:]))
        return out


@dataclass(frozen=True)
class Paper:
    """One distinct paper after merging every entry with the same title."""

    id: str
    """URL-safe slug, unique in the archive (its page's path and URL: pages/urls.py)."""
    title: str
    """Title as first seen."""
    abstract: str
    """The longest abstract seen."""
    date: date | None
    """Publication date; None when no dump gave one."""
    upvotes: int | None
    """Highest upvote count seen on an upvote line; None when no capture showed one."""
    comments: int | None
    """Highest comment count seen (the number after the date); None without a date line."""
    arxiv_id: str | None
    """arXiv id (`2510.06107`) when a capture linked the paper, else None."""
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
    author_names: tuple[str, ...] | None = None
    """Every author's name in order when a capture names them (FORMATS.md G, I), else None."""
    summary: str | None = None
    """Hugging Face's one-sentence AI summary when a capture gives it, else None."""
    github_repo: str | None = None
    """URL of the paper's GitHub repository, else None."""
    github_stars: int | None = None
    """Stars of that repository as the newest capture that shows them counts them, else None."""
    project_page: str | None = None
    """URL of the paper's project page, else None."""
    tags: tuple[str, ...] = ()
    """Tag names from the taxonomy, sorted."""
    related: tuple[str, ...] = field(default=())
    """Ids of the most similar papers, most similar first."""
    folder: str | None = None
    """The docs folder its page was published in (`papers/2025/10`, data/record.py) when its
    date now gives another; None: placed by its date (pages/urls.paper_folder)."""


# Constructors for the hot paths of parse and merge, which build some 300,000 of these objects
# per 100,000 papers. The `__init__` that dataclass writes for a frozen class sets each field
# through `object.__setattr__` (to get past the class's own `__setattr__`), about 0.15 µs a
# field; filling the new instance's `__dict__` directly builds the same object (equal, same
# hash and repr) in a third to a half of the time. Every field is given, none checked, but
# the fields of the richer captures (author_names … project_page), whose defaults the class
# holds (a dataclass keeps a field's default as a class attribute): only parse and merge use
# them, and tests/test_merge.py checks that they build what the dataclass would.
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
    comments: int | None, upvotes: int | None, authors: int | None, org: str | None,
    org_id: str | None, org_name: str | None, arxiv_id: str | None, line_date: int,
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
    fields["comments"] = comments
    fields["upvotes"] = upvotes
    fields["authors"] = authors
    fields["org"] = org
    fields["org_id"] = org_id
    fields["org_name"] = org_name
    fields["arxiv_id"] = arxiv_id
    fields["line_date"] = line_date
    # author_names, summary, github_repo, github_stars and project_page are left to their
    # defaults (None), which the class holds: most captures carry none of them.
    return record


def new_paper(
    id: str, title: str, abstract: str, date: date | None, upvotes: int | None, comments: int | None,
    arxiv_id: str | None, authors: int | None, organization: str | None, org_id: str | None,
    links: tuple[str, ...], sources: tuple[Source, ...],
) -> Paper:
    """`Paper(...)` before tagging (no tags, no related papers), faster."""
    paper = _new(Paper)
    fields = paper.__dict__
    fields["id"] = id
    fields["title"] = title
    fields["abstract"] = abstract
    fields["date"] = date
    fields["upvotes"] = upvotes
    fields["comments"] = comments
    fields["arxiv_id"] = arxiv_id
    fields["authors"] = authors
    fields["organization"] = organization
    fields["org_id"] = org_id
    fields["links"] = links
    fields["sources"] = sources
    # author_names … project_page are left to their class defaults (None), as in new_record.
    fields["tags"] = ()
    fields["related"] = ()
    return paper


def paper_with(paper: Paper, name: str, value: object) -> Paper:
    """`dataclasses.replace(paper, **{name: value})` for one field, faster (as above): tagging
    and related papers copy every paper once per build. Raises KeyError for a name that is
    not a field of Paper."""
    if name not in _PAPER_FIELDS:
        raise KeyError(name)
    copy = _new(Paper)
    fields = copy.__dict__
    fields.update(paper.__dict__)
    fields[name] = value
    return copy


_PAPER_FIELDS = frozenset(Paper.__dataclass_fields__)
PLAIN_RECORD_SIZE = 14
"""Fields in the `__dict__` of a Record that new_record built and nothing richer was added to."""
