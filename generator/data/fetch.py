"""Fetch days of Hugging Face's Daily Papers from the public API as form-I dumps.

`GET {HF_ENDPOINT}/api/daily_papers?date=YYYY-MM-DD` answers with the day's papers as JSON
(../shared/FORMATS.md I): the richest capture there is, read by data/api.py. Requests go
through huggingface_hub's HTTP session, so its endpoint setting (the `HF_ENDPOINT` environment
variable), its headers (a token from `HF_TOKEN` or the cache, when there is one) and its
retries on rate limits and server errors (`http_backoff`: HTTP 408, 429, 500, 502, 503, 504,
timeouts) apply. A day is saved as `<folder>/<YYYY-MM-DD>.json`, written to a temporary file
beside it and renamed, so that a file is never left half-written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .model import GeneratorError

PAGE_SIZE = 100
"""Papers asked for a request (the API's most); a day of more is read page by page."""
MAX_PAGES = 50
"""A day is never more than this many pages: an API that keeps answering full pages stops here."""
RETRY_STATUS = (408, 429, 500, 502, 503, 504)
"""Answers tried again (rate limited, server errors), as huggingface_hub's own defaults."""
DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")


class FetchError(GeneratorError):
    """The API could not be read: rate limited, unreachable, or answering what is no list."""


@dataclass(frozen=True)
class Fetched:
    """What fetching one day gave."""

    day: date
    papers: int
    """Papers the API listed for the day (0: none, and no file written)."""
    path: Path | None
    """The file written, None when the day had no papers."""


def saved_days(folder: Path) -> list[date]:
    """The days already saved in `folder` (files named `YYYY-MM-DD.json`), oldest first."""
    days = []
    if folder.is_dir():
        for path in folder.iterdir():
            m = DAY_FILE.match(path.name)
            if m:
                try:
                    days.append(date.fromisoformat(m.group(1)))
                except ValueError:
                    continue
    return sorted(days)


def days_to_fetch(folder: Path, day: date | None, since: date | None, today: date) -> list[date]:
    """The days a fetch asks for: `day` alone; else every day from `since` through yesterday;
    else every day after the newest one saved in `folder`, through yesterday (today's list is
    still growing). Raises FetchError when there is nothing to start from."""
    yesterday = today - timedelta(days=1)
    if day is not None:
        return [day]
    if since is None:
        saved = saved_days(folder)
        if not saved:
            raise FetchError(f"no day saved in {folder} yet (YYYY-MM-DD.json): give --date or --since")
        since = saved[-1] + timedelta(days=1)
    return [since + timedelta(days=n) for n in range((yesterday - since).days + 1)]


def fetch_day(day: date, folder: Path, retries: int = 5) -> Fetched:
    """Fetch one day's papers into `folder/<day>.json` (replacing a file of that day); no file
    when the day has none. Raises FetchError (one line) when the API cannot be read."""
    items = _day_items(day, retries)
    if not items:
        return Fetched(day, 0, None)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day.isoformat()}.json"
    data = (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Fetched(day, len(items), path)


def fetch_days(days: list[date], folder: Path, retries: int = 5,
               say: Callable[[str], None] = print) -> list[Fetched]:
    """Fetch each day in turn, saying one line a day. Raises FetchError at the first day that
    cannot be read (the days before it are saved)."""
    done = []
    for day in days:
        fetched = fetch_day(day, folder, retries)
        if fetched.path is None:
            say(f"{day.isoformat()}: no papers that day; nothing written")
        else:
            say(f"{day.isoformat()}: {fetched.papers} papers, saved as {fetched.path}")
        done.append(fetched)
    return done


def _day_items(day: date, retries: int) -> list:
    """The API's items of one day, all its pages."""
    # Imported here: huggingface_hub reads HF_ENDPOINT when it is first imported, and only
    # `fetch` needs it.
    from huggingface_hub import constants
    from huggingface_hub.utils import build_hf_headers, http_backoff

    # Its own log lines (each retry, each failure) are the one line FetchError says.
    logging.getLogger("huggingface_hub").setLevel(logging.CRITICAL)
    url = f"{constants.ENDPOINT.rstrip('/')}/api/daily_papers"
    items: list = []
    for page in range(MAX_PAGES):
        params = {"date": day.isoformat(), "limit": PAGE_SIZE, "p": page}
        try:
            response = http_backoff("GET", url, params=params, headers=build_hf_headers(),
                                    max_retries=retries, base_wait_time=1, max_wait_time=8,
                                    retry_on_status_codes=RETRY_STATUS)
            status = response.status_code
        except Exception as exc:  # noqa: BLE001 - any transport failure is one line to the user
            # The last answer of a retried status is raised (huggingface_hub 1.x and 2.x).
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if status is None:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise FetchError(f"{day.isoformat()}: cannot reach {url}: {reason}") from None
        if status == 429:
            raise FetchError(f"{day.isoformat()}: rate limited by {url} (HTTP 429) after {retries} retries; "
                             "the days before it are saved: run fetch again later")
        if status >= 400:
            raise FetchError(f"{day.isoformat()}: {url} answered HTTP {status}")
        try:
            batch = response.json()
        except ValueError:
            raise FetchError(f"{day.isoformat()}: {url} answered what is not JSON") from None
        if not isinstance(batch, list):
            raise FetchError(f"{day.isoformat()}: {url} answered JSON that is not a list of papers")
        items.extend(batch)
        if len(batch) < PAGE_SIZE:
            break
    return items
