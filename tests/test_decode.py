"""generator.sources: decoding bytes (encodings, line ends, binary, HTML) and finding dump files."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from parse_helpers import FIXTURES

from generator.data.model import GeneratorError
from generator.data.sources import decode, find_dumps, read_dump, read_dumps


def test_utf8_plain():
    assert decode("Café “x”\n".encode(), "a.txt") == ("Café “x”\n", [])


def test_utf8_with_bom_is_stripped():
    text, problems = decode(codecs.BOM_UTF8 + b"new\nDaily Papers\n", "a.txt")
    assert (text, problems) == ("new\nDaily Papers\n", [])


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_crlf_and_cr_line_ends_become_lf(newline):
    text, problems = decode(newline.join([b"a", b"b", b"", b"c"]), "a.txt")
    assert (text, problems) == ("a\nb\n\nc", [])


def test_windows_1252_decoded_with_a_warning_naming_the_file():
    text, problems = decode(b"first line\n\x93quoted\x94 caf\xe9\n", "old.txt")
    assert text == "first line\n“quoted” café\n"
    assert [str(p) for p in problems] == ["old.txt:2: not valid UTF-8: bytes decoded as Windows-1252"]
    assert problems[0].severity == "warning"


def test_windows_1252_holes_fall_back_to_latin_1():
    # 0x81, 0x8d, 0x8f, 0x90, 0x9d are undefined in Windows-1252.
    text, problems = decode(b"a\x81b\x9dc", "x.txt")
    assert text == "a\x81b\x9dc" and len(problems) == 1


def test_utf16_with_bom():
    text, problems = decode("Daily Papers\r\nCafé\r\n".encode("utf-16"), "u.txt")
    assert (text, problems) == ("Daily Papers\nCafé\n", [])


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        bytes(range(1, 32)) * 10,
    ],
)
def test_binary_is_rejected_with_one_error(data):
    text, problems = decode(data, "blob.txt")
    assert text is None
    assert [(str(p), p.severity) for p in problems] == [("blob.txt: not a text dump: binary data", "error")]


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html>\n<html><body>Daily Papers</body></html>",
        b"\xef\xbb\xbf  \n<html lang='en'>",
        b"<?xml version='1.0'?><html/>",
        b"<!doctype HTML><title>x</title>",
    ],
)
def test_html_page_is_rejected(data):
    text, problems = decode(data, "page.txt")
    assert text is None
    assert [str(p) for p in problems] == ["page.txt: not a text dump: an HTML page (save the page as text)"]


# The fixture files, read as the build reads them ---------------------------------------------------

def test_fixture_bom():
    dump = read_dump(FIXTURES / "bom.txt")
    assert dump.problems == () and dump.layout == "A"
    (record,) = dump.records
    assert (record.title, record.authors, record.month, record.day, record.comments) == (
        "Entity Binding in Long Documents", 3, 10, 7, 2,
    )


def test_fixture_crlf():
    dump = read_dump(FIXTURES / "crlf.txt")
    assert b"\r\n" in (FIXTURES / "crlf.txt").read_bytes()
    assert dump.problems == ()
    (record,) = dump.records
    assert (record.source.line, record.year, record.comments) == (13, 2024, 2)
    assert "\r" not in record.title + record.abstract


def test_fixture_old_mac_cr():
    raw = (FIXTURES / "cr.txt").read_bytes()
    assert b"\r" in raw and b"\n" not in raw
    dump = read_dump(FIXTURES / "cr.txt")
    assert dump.problems == () and dump.layout == "B"
    assert [(r.source.line, r.title) for r in dump.records] == [
        (3, "Entity Binding in Long Documents"), (5, "Noisy Retrieval at Scale"),
    ]


def test_fixture_windows_1252():
    raw = (FIXTURES / "cp1252.txt").read_bytes()
    assert b"\x93" in raw and b"\x94" in raw and b"\xe9" in raw
    dump = read_dump(FIXTURES / "cp1252.txt")
    (record,) = dump.records
    assert record.title == "“Quoted” Title: Café Retrieval"
    assert record.abstract.endswith("Naïve baselines lose.")
    # The bullet (0x95) and middle dot (0xb7) of the metadata block decode too.
    assert (record.authors, record.month, record.day, record.comments) == (2, 10, 6, 3)
    assert [str(p) for p in dump.problems] == ["cp1252.txt:13: not valid UTF-8: bytes decoded as Windows-1252"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("binary.txt", "not a text dump: binary data"),
        ("saved_page.txt", "not a text dump: an HTML page (save the page as text)"),
        ("not_a_dump.txt", "not a Daily Papers dump: no header and no metadata found"),
    ],
)
def test_rejected_fixture_is_one_error_line(name, message):
    dump = read_dump(FIXTURES / name)
    assert dump.records == ()
    assert [(str(p), p.severity) for p in dump.problems] == [(f"{name}: {message}", "error")]


def test_rejected_non_utf8_file_is_still_one_line(tmp_path):
    # Bytes that are neither UTF-8 nor a dump: the Windows-1252 warning would only repeat the error.
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 8)
    assert [str(p) for p in read_dump(path).problems] == [
        "blob.txt: not a Daily Papers dump: no header and no metadata found"
    ]


def test_unreadable_file_is_one_error(tmp_path):
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    dump = read_dump(folder)
    assert dump.records == ()
    (problem,) = dump.problems
    assert problem.severity == "error" and str(problem).startswith("dir.txt: cannot read:")


# Finding dumps -----------------------------------------------------------------------------------

def test_find_dumps_sorts_and_filters(tmp_path):
    for name in ["b.txt", "README.md", "c", ".hidden.txt", "image.png", "notes.TXT"]:
        (tmp_path / name).write_text("x")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in find_dumps([tmp_path])] == ["b.txt", "c", "notes.TXT"]  # README.md-like files are not dumps
    # A file named explicitly is read whatever its name.
    assert [p.name for p in find_dumps([tmp_path / "image.png"])] == ["image.png"]


def test_find_dumps_missing_path_is_a_user_error(tmp_path):
    with pytest.raises(GeneratorError, match="no such file or folder"):
        find_dumps([tmp_path / "missing"])


def test_read_dumps_keeps_reading_after_a_bad_file(tmp_path):
    (tmp_path / "a_good.txt").write_bytes((FIXTURES / "bom.txt").read_bytes())
    (tmp_path / "b_binary.txt").write_bytes((FIXTURES / "binary.txt").read_bytes())
    (tmp_path / "c_good.txt").write_bytes((FIXTURES / "crlf.txt").read_bytes())
    dumps = read_dumps([tmp_path])
    assert [(d.file, len(d.records), len(d.problems)) for d in dumps] == [
        ("a_good.txt", 1, 0), ("b_binary.txt", 0, 1), ("c_good.txt", 1, 0),
    ]


def test_nul_bytes_after_the_sampled_start_are_dropped():
    # Only the first 64 KiB decide "binary"; a stray NUL further on is removed, not kept.
    text, problems = decode(b"Daily Papers\n" + b"x" * 70_000 + b"\x00y\r\n", "n.txt")
    assert problems == []
    assert text is not None and "\x00" not in text and text.endswith("xy\n")


def test_file_name_that_is_not_utf8(tmp_path):
    try:
        path = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfebad.txt"))
        path.write_bytes((FIXTURES / "bom.txt").read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system only takes UTF-8 names")
    dump = read_dump(path)
    assert dump.file == "\ufffd\ufffdbad.txt"
    assert [r.source.file for r in dump.records] == ["\ufffd\ufffdbad.txt"]
    # Every name that reaches papers.json and the pages can be written as UTF-8.
    dump.file.encode("utf-8")
