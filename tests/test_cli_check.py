"""`python -m generator check`: bad files are reported in one line each and never stop the rest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from parse_helpers import FIXTURES, REPO, SAMPLES

from generator.cli import cli

GOOD = "000_8fd5a071214067a7.txt"
# `file: message` or `file:line: message`.
PROBLEM_LINE = re.compile(r"^(?P<file>[^\s:]+)(?::(?P<line>\d+))?: (?P<message>\S.*)$")
BROKEN = sorted(p.name for p in FIXTURES.glob("*.txt"))


def folder_with(tmp_path, *bad: str):
    """A folder holding one good sample dump and the named fixture files."""
    folder = tmp_path / "dumps"
    folder.mkdir()
    shutil.copy(SAMPLES / GOOD, folder / GOOD)
    for name in bad:
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def run_check(tmp_path, *args: str):
    result = CliRunner().invoke(cli, ["check", *args, "--config", str(tmp_path / "none.yml")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def problem_lines(output: str) -> list[str]:
    """The lines between the summary and the `N problem(s).` line."""
    lines = output.splitlines()
    end = next(i for i, line in enumerate(lines) if re.fullmatch(r"\d+ problem\(s\)\.", line))
    start = next(i for i, line in enumerate(lines) if " entries read from " in line) + 1
    return [line for line in lines[start:end] if not line.startswith("Year-less dates resolved:")]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("binary.txt", "binary.txt: not a text dump: binary data"),
        ("saved_page.txt", "saved_page.txt: not a text dump: an HTML page (save the page as text)"),
        ("not_a_dump.txt", "not_a_dump.txt: not a Daily Papers dump: no header and no metadata found"),
    ],
)
def test_rejected_file_is_one_line_and_the_rest_is_read(tmp_path, bad, message):
    folder = folder_with(tmp_path, bad)
    result = run_check(tmp_path, str(folder))
    assert result.exit_code == 0, result.output
    assert problem_lines(result.output) == [message]
    assert "61 entries read from 2 files, 61 distinct papers, 56 dated, 5 undated." in result.output
    assert result.output.rstrip().endswith("1 problem(s).")
    assert "Traceback" not in result.output

    strict = run_check(tmp_path, str(folder), "--strict")
    assert strict.exit_code == 1
    assert problem_lines(strict.output) == [message]


def test_windows_1252_file_is_read_with_a_warning(tmp_path):
    folder = folder_with(tmp_path, "cp1252.txt")
    result = run_check(tmp_path, str(folder))
    assert result.exit_code == 0
    assert problem_lines(result.output) == [
        "cp1252.txt:13: not valid UTF-8: bytes decoded as Windows-1252",
        # One dated entry without a year in a file whose name carries no date.
        "cp1252.txt: no year for dates without one: assumed "
        + problem_lines(result.output)[1].split("assumed ")[1],
    ]
    assert "62 entries read from 2 files" in result.output
    assert run_check(tmp_path, str(folder), "--strict").exit_code == 1


def test_every_broken_fixture_together(tmp_path):
    folder = folder_with(tmp_path, *BROKEN)
    result = run_check(tmp_path, str(folder), "--strict")
    assert result.exit_code == 1
    lines = problem_lines(result.output)
    assert lines, result.output
    for line in lines:
        match = PROBLEM_LINE.match(line)
        assert match, line
        assert match["file"] in BROKEN
    # Each rejected file is named exactly once.
    for rejected in ("binary.txt", "saved_page.txt", "not_a_dump.txt", "empty.txt"):
        assert sum(line.split(":")[0] == rejected for line in lines) == 1
    # The good dump is in the table with all its papers, and no problems.
    row = next(line for line in result.output.splitlines() if line.startswith(GOOD))
    assert row.split()[-4:] == ["61", "56", "56", "0"]


def test_json_to_standard_output(tmp_path):
    folder = folder_with(tmp_path, "binary.txt")
    result = CliRunner().invoke(
        cli, ["check", str(folder), "--json", "-", "--no-related", "--config", str(tmp_path / "none.yml")]
    )
    assert result.exit_code == 0
    # The report goes to standard error, so standard output is the JSON alone.
    data = json.loads(result.stdout)
    assert data["count"] == 61 == len(data["papers"])
    paper = next(p for p in data["papers"] if p["title"].startswith("Distributional Semantics Tracing"))
    assert (paper["date"], paper["comments"], paper["upvotes"], paper["authors"]) == ("2025-10-07", 2, None, 4)
    assert paper["sources"] == [{"file": GOOD, "line": 25}]


def test_check_help_has_an_example():
    result = CliRunner().invoke(cli, ["check", "--help"])
    assert result.exit_code == 0
    assert "--strict" in result.output and "python -m generator check content/raw" in result.output


def _run_module(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_no_traceback_from_the_real_command(tmp_path):
    """The module as a user runs it, on every broken fixture and on a path that does not exist."""
    folder = folder_with(tmp_path, *BROKEN)
    result = _run_module("check", str(folder), "--config", str(tmp_path / "none.yml"), cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "binary.txt: not a text dump: binary data" in result.stdout.splitlines()

    missing = _run_module("check", str(tmp_path / "missing"), "--strict", cwd=REPO)
    assert missing.returncode == 1
    assert "Traceback" not in missing.stdout + missing.stderr
    assert missing.stderr.strip() == f"Error: no such file or folder: {tmp_path / 'missing'}"


def test_json_with_a_file_name_that_is_not_utf8(tmp_path):
    folder = folder_with(tmp_path)
    try:
        (folder / os.fsdecode(b"\xff\xfebad.txt")).write_bytes((FIXTURES / "crlf.txt").read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system only takes UTF-8 names")
    out = tmp_path / "papers.json"
    result = run_check(tmp_path, str(folder), "--json", str(out), "--no-related")
    assert result.exit_code == 0, result.output
    files = {s["file"] for p in json.loads(out.read_text(encoding="utf-8"))["papers"] for s in p["sources"]}
    assert files == {GOOD, "\ufffd\ufffdbad.txt"}
