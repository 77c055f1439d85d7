"""`python -m generator fetch` against a loopback API answering with recorded responses: days
saved whole as form-I dumps that read field for field, pages of 100, days without papers,
rate limits and unreachable addresses as one line each, nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from api_server import served

from generator.data.sources import read_dump

ROOT = Path(__file__).resolve().parents[1]
DAYS = ROOT / "tests" / "fixtures" / "api_days"


def fetch(*args: str, endpoint: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_ENDPOINT": endpoint, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_TOKEN": ""}
    env.pop("HF_HUB_OFFLINE", None)
    return subprocess.run([sys.executable, "-m", "generator", "fetch", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_day_is_saved_as_the_api_answered_and_reads_as_form_i(tmp_path: Path) -> None:
    with served(DAYS) as api:
        result = fetch("--date", "2026-08-14", "--to", str(tmp_path), endpoint=api.url)
    assert result.returncode == 0, result.stderr
    saved = tmp_path / "2026-08-14.json"
    assert json.loads(saved.read_text(encoding="utf-8")) == json.loads((DAYS / "2026-08-14.json").read_text(encoding="utf-8"))
    assert "2026-08-14: 22 papers, saved as" in result.stdout
    dump = read_dump(saved)
    assert dump.layout == "I" and dump.problems == () and len(dump.records) == 22
    assert [q["date"] for q in api.requests] == ["2026-08-14"]


def test_without_dates_it_fetches_every_day_after_the_newest_saved_through_yesterday(tmp_path: Path) -> None:
    (tmp_path / "2026-08-04.json").write_text("[]", encoding="utf-8")
    with served(DAYS) as api:
        result = fetch("--to", str(tmp_path), "--today", "2026-08-06", endpoint=api.url)
    assert result.returncode == 0, result.stderr
    # Aug 5 has papers; Aug 6 is today (still growing): not asked for.
    assert [q["date"] for q in api.requests] == ["2026-08-05"]
    assert (tmp_path / "2026-08-05.json").is_file()
    with served(DAYS) as api:
        again = fetch("--to", str(tmp_path), "--today", "2026-08-06", endpoint=api.url)
    assert again.returncode == 0 and api.requests == [] and "Nothing to fetch" in again.stdout


def test_a_day_without_papers_writes_nothing_and_says_so(tmp_path: Path) -> None:
    with served(DAYS) as api:
        result = fetch("--since", "2026-08-13", "--today", "2026-08-15", "--to", str(tmp_path), endpoint=api.url)
    assert result.returncode == 0, result.stderr
    assert "2026-08-13: no papers that day; nothing written" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-08-14.json"]


def test_a_day_of_more_than_a_hundred_papers_is_read_page_by_page(tmp_path: Path) -> None:
    items = json.loads((DAYS / "2026-08-14.json").read_text(encoding="utf-8"))
    many = tmp_path / "api"
    many.mkdir()
    (many / "2026-08-14.json").write_text(json.dumps(items * 6), encoding="utf-8")  # 132 items
    with served(many) as api:
        result = fetch("--date", "2026-08-14", "--to", str(tmp_path / "out"), endpoint=api.url)
    assert result.returncode == 0, result.stderr
    assert [q["p"] for q in api.requests] == ["0", "1"]
    assert len(json.loads((tmp_path / "out" / "2026-08-14.json").read_text(encoding="utf-8"))) == 132


def test_a_rate_limit_is_one_clear_line_and_the_days_before_it_stay(tmp_path: Path) -> None:
    with served(DAYS, statuses={"2026-08-14": 429}) as api:
        result = fetch("--since", "2026-08-05", "--today", "2026-08-16", "--to", str(tmp_path),
                       "--retries", "1", endpoint=api.url)
    assert result.returncode == 1
    error = result.stderr.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("Error: 2026-08-14: rate limited by ")
    assert "Traceback" not in result.stderr
    # Tried twice (one retry), the days before it saved, no file half-written, none after it tried.
    assert [q["date"] for q in api.requests].count("2026-08-14") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-08-05.json"]
    assert "2026-08-15" not in [q["date"] for q in api.requests]


def test_an_unreachable_api_is_one_clear_line(tmp_path: Path) -> None:
    result = fetch("--date", "2026-08-14", "--to", str(tmp_path), "--retries", "0", endpoint="http://127.0.0.1:9")
    assert result.returncode == 1
    error = result.stderr.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("Error: 2026-08-14: cannot reach http://127.0.0.1:9/api/daily_papers")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_without_days_asks_for_a_date(tmp_path: Path) -> None:
    result = fetch("--to", str(tmp_path), endpoint="http://127.0.0.1:9")
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: no day saved in {tmp_path} yet (YYYY-MM-DD.json): give --date or --since"
