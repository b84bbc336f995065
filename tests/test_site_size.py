"""tools/site_size.py: the build fails, with a useful message, before site/ outgrows Pages.

Files of known sizes are sparse (os.truncate), so a "960 MB" site costs no disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tools.site_size import DEFAULT_LIMIT, DEFAULT_WARN, PAGES_LIMIT, main, measure, parse_size

MB = 1_000_000


def sized(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.truncate(path, size)
    return path


def site(tmp_path: Path, sizes: dict[str, int]) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    for rel, size in sizes.items():
        sized(root / rel, size)
    return root


def run(folder: Path, *args: str) -> tuple[int, str, str]:
    """The tool as the workflow runs it: its own process, on a folder named relative to the
    working one."""
    done = subprocess.run([sys.executable, str(REPO / "tools" / "site_size.py"), folder.name,
                           *args], cwd=folder.parent, capture_output=True, text=True,
                          timeout=60, check=False)
    return done.returncode, done.stdout, done.stderr


def test_defaults_keep_a_margin_below_the_pages_limit() -> None:
    assert PAGES_LIMIT == 1_000_000_000
    assert DEFAULT_WARN < DEFAULT_LIMIT < PAGES_LIMIT
    assert DEFAULT_LIMIT == 950 * MB and DEFAULT_WARN == 800 * MB


def test_a_small_site_passes(tmp_path: Path) -> None:
    folder = site(tmp_path, {"index.html": 10 * MB, "briefs/a/index.html": 300 * MB,
                             "search/search_index.json": 200 * MB})
    code, out, err = run(folder)
    assert code == 0, err
    assert "510.0 MB (510,000,000 bytes in 3 files)" in out and "within the limit" in out
    assert err == ""


def test_a_site_over_the_warning_passes_with_a_warning(tmp_path: Path) -> None:
    folder = site(tmp_path, {"briefs/a/index.html": 500 * MB, "search/search_index.json":
                             350 * MB})
    code, out, err = run(folder)
    assert code == 0
    assert out == ""
    assert err.startswith("warning: ") and "850.0 MB" in err and "fails above 950.0 MB" in err
    assert "site/briefs/ 500.0 MB" in err


def test_a_site_over_the_limit_fails_saying_size_limit_and_what_to_do(tmp_path: Path) -> None:
    folder = site(tmp_path, {"index.html": 1 * MB, "briefs/a/index.html": 400 * MB,
                             "briefs/b/index.html": 200 * MB, "actors/x/index.html": 60 * MB,
                             "search/search_index.json": 300 * MB})
    code, _, err = run(folder)
    assert code == 1
    message = err.strip()
    assert "\n" not in message, "one line, so it reads as one annotation"
    assert message.startswith("error: site/ is 961.0 MB (961,000,000 bytes in 5 files)")
    assert "over the limit of 950.0 MB (950,000,000 bytes" in message
    assert "at most 1.0 GB" in message
    # the biggest folders, biggest first, then the biggest files
    assert "Biggest folders: site/briefs/ 600.0 MB, site/search/ 300.0 MB, site/actors/ 60.0 MB, "\
        "site/index.html 1.0 MB." in message
    assert "Biggest files: site/briefs/a/index.html 400.0 MB, site/search/search_index.json " \
        "300.0 MB" in message
    for advice in ("fewer cards per listing page", "search index", "media"):
        assert advice in message


def test_the_limits_are_arguments(tmp_path: Path) -> None:
    folder = site(tmp_path, {"index.html": 3000, "a/b.html": 2000})
    assert run(folder, "--limit", "10K")[0] == 0
    code, _, err = run(folder, "--limit", "4999", "--warn", "1K")
    assert code == 1 and "over the limit of 5.0 kB (4,999 bytes" in err
    code, _, err = run(folder, "--limit", "1G", "--warn", "4K")
    assert code == 0 and err.startswith("warning: ")
    code, _, err = run(folder, "--limit", "lots")
    assert code == 2 and "not a size: 'lots'" in err


def test_github_format_prints_an_annotation(tmp_path: Path) -> None:
    folder = site(tmp_path, {"big.bin": 2000})
    code, out, _ = run(folder, "--limit", "1000", "--format", "github")
    assert code == 1
    assert out.startswith("::error title=Site size::site/ is 2.0 kB")
    code, out, _ = run(folder, "--limit", "5000", "--warn", "1000", "--format", "github")
    assert code == 0 and out.startswith("::warning title=Site size::")


def test_symbolic_links_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    sized(outside / "huge.bin", 5_000 * MB)
    folder = site(tmp_path, {"index.html": 1000})
    (folder / "linked-file").symlink_to(outside / "huge.bin")
    (folder / "linked-folder").symlink_to(outside, target_is_directory=True)
    usage = measure(folder)
    assert usage.total == 1000 and usage.files == 1
    assert usage.links == ["linked-file", "linked-folder"]
    code, out, _ = run(folder)
    assert code == 0
    assert "2 symbolic link(s) were not counted" in out and "linked-file" in out


def test_hard_links_count_once_per_name(tmp_path: Path) -> None:
    """The Pages artifact stores every name in full, so the tool counts every name."""
    folder = site(tmp_path, {"a.html": 100 * MB})
    os.link(folder / "a.html", folder / "b.html")
    assert measure(folder).total == 200 * MB


def test_not_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "missing")
    assert code == 2 and "cannot measure" in err
    (tmp_path / "link").symlink_to(site(tmp_path, {"a": 1}), target_is_directory=True)
    code, _, err = run(tmp_path / "link")
    assert code == 2 and "cannot measure" in err


@pytest.mark.parametrize(("text", "size"), [
    ("950000000", 950 * MB), ("950M", 950 * MB), ("950MB", 950 * MB), ("0.95G", 950 * MB),
    ("1G", 1000 * MB), ("10k", 10_000), ("1_000", 1000), ("0", 0),
])
def test_sizes_are_decimal(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "M", "12X", "-1", "1.5.0G"])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)


def test_main_can_be_called_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    folder = site(tmp_path, {"index.html": 10})
    assert main([str(folder)]) == 0
    assert "10 bytes" in capsys.readouterr().out
