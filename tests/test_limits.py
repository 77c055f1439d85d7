"""GitHub's limits on a published site (site/limits.py): the size per folder, files over 100 MiB,
and what a build says near and over the 1 GB of GitHub Pages."""

from __future__ import annotations

from pathlib import Path

from generator.site import limits


def test_measure_counts_bytes_per_top_level_entry_and_large_files(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "papers" / "2025").mkdir(parents=True)
    (tmp_path / "papers" / "2025" / "a.html").write_bytes(b"x" * 300)
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "big.pf").write_bytes(b"y" * 500)
    (tmp_path / "papers.json.gz").write_bytes(b"z" * 200)
    monkeypatch.setattr(limits, "FILE_LIMIT", 400)
    size = limits.measure(tmp_path)
    assert size.total == 1000
    assert size.folders == {"papers": 300, "pagefind": 500, "papers.json.gz": 200}
    assert size.large_files == [("pagefind/big.pf", 500)]


def test_a_build_says_nothing_well_within_the_limits_and_names_what_takes_the_space_near_them() -> None:
    small = limits.SiteSize(500_000_000, {"papers": 400_000_000, "pagefind": 100_000_000}, [])
    assert limits.warnings(small) == []
    near = limits.SiteSize(950_000_000, {"papers": 600_000_000, "pagefind": 200_000_000, "orgs": 150_000_000},
                           [("papers.json", 120_000_000)])
    said = limits.warnings(near)
    assert said[0] == ("the site is 950 MB, 95% of the 1 GB GitHub Pages publishes "
                       "(most of it: papers 600 MB, pagefind 200 MB, orgs 150 MB)")
    assert said[1].startswith("papers.json is 120 MB: over the 100 MiB")
